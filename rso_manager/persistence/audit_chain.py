"""The hash-chained audit trail: append in the caller's transaction, verify from genesis.

Two schemes live in one chain, because the trail is append-only and old rows cannot be
re-chained: rows written before the audit key existed (``key_id`` NULL) are checked with the
old unkeyed SHA-256; every later row carries the key's id and an HMAC-SHA256 with the audit key
(rso_manager.persistence.audit_key), which someone with only the database cannot recompute. Once
a keyed row exists, an unkeyed row after it is itself proof of a rewrite.

A transaction's last audit row also carries the seal of the case-table rows the transaction
wrote (rso_manager.persistence.record_seal). To know which row is last, a row is only hashed
and inserted when the next one is appended or the transaction commits.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections import namedtuple
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import event, insert, select, update
from sqlalchemy.orm import Session, SessionTransaction

from rso_manager.persistence import audit_checkpoints, audit_key, record_seal
from rso_manager.persistence.audit_checkpoints import Checkpoint
from rso_manager.persistence.audit_key import AuditKey
from rso_manager.persistence.models import AuditEvent, AuditHead, table_of

GENESIS = "0" * 64
SEAL_ACTION = "records.seal"
KEY_INFO = "audit_key"  # session.info[KEY_INFO]: an AuditKey for this session instead of load()
CLOCK_INFO = "audit_clock"  # session.info[CLOCK_INFO]: a Clock for seal-only rows
_PENDING_ROW = "rso_audit_pending_row"
_LAST_ACTOR = "rso_audit_last_actor"
_EVERY = "rso_audit_checkpoint_every"
_DUE = "rso_audit_checkpoint_due"

__all__ = ["AuditEvent", "ChainReport", "Checkpoint", "append", "checkpoint", "finalize",
           "keyed_hash", "keyed_hasher", "row_hash", "select", "unkeyed_hash", "verify"]


# json.dumps(..., sort_keys=True, separators=(",", ":"), ensure_ascii=False), made once.
_ENCODE = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode


def _canonical(row: Any, *, keyed: bool) -> bytes:
    """ROW: an AuditEvent, or a Core row of the same columns (verify reads plain columns)."""
    at = row.occurred_at.astimezone(UTC)
    body = {
        "id": row.id,
        # strftime's "%Y-%m-%dT%H:%M:%S.%fZ", by the faster isoformat where they agree.
        "at": at.isoformat(timespec="microseconds")[:-6] + "Z" if at.year >= 1000
        else at.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "user_id": row.user_id, "username": row.username, "role": row.role, "action": row.action,
        "entity": row.entity, "entity_id": row.entity_id, "offender_id": row.offender_id,
        "outcome": row.outcome, "reason": row.reason, "details": row.details_json,
        "prev": row.prev_hash,
    }
    if keyed:
        body["key"] = row.key_id
        body["seal"] = row.seal
    return _ENCODE(body).encode()


def unkeyed_hash(row: Any) -> str:
    """The scheme of rows written before the audit key: anyone can recompute it."""
    return hashlib.sha256(_canonical(row, keyed=False)).hexdigest()


def keyed_hasher(key: AuditKey) -> Callable[[Any], str]:
    """keyed_hash with KEY for many rows: the HMAC's keyed state is worked out once and copied
    per row (what key.mac computes, without re-keying each time)."""
    base = hmac.new(key.secret, b"audit row|", hashlib.sha256)

    def mac(row: Any) -> str:
        h = base.copy()
        h.update(_canonical(row, keyed=True))
        return h.hexdigest()
    return mac


def keyed_hash(row: Any, key: AuditKey) -> str:
    return key.mac(b"audit row|" + _canonical(row, keyed=True))


def row_hash(row: Any, key: AuditKey | None = None) -> str:
    """The hash ROW should carry under its own scheme."""
    if row.key_id is None:
        return unkeyed_hash(row)
    return keyed_hash(row, key or audit_key.load())


def _key_for(session: Session, key: AuditKey | None = None) -> AuditKey:
    return key or session.info.get(KEY_INFO) or audit_key.load()


def append(
    session: Session, *, occurred_at: datetime, user_id: int | None, username: str, role: str,
    action: str, entity: str | None = None, entity_id: int | None = None,
    offender_id: int | None = None, outcome: str = "ok", reason: str | None = None,
    details: dict[str, Any] | None = None, key: AuditKey | None = None,
) -> AuditEvent:
    """Add one chained row to SESSION's transaction. Committing is the caller's job, so the
    audit row and the change it records stand or fall together. The row is hashed and written
    when the next row is appended or the transaction commits (whichever is first)."""
    key = _key_for(session, key)
    _finalize_pending(session, None)
    # Taking the head row's write lock first serialises concurrent writers.
    session.execute(update(AuditHead).where(AuditHead.id == 1).values(seq=AuditHead.seq + 1))
    seq, prev = session.execute(select(AuditHead.seq, AuditHead.hash).where(AuditHead.id == 1)).one()
    row = AuditEvent(
        id=seq, occurred_at=occurred_at.astimezone(UTC), user_id=user_id, username=username,
        role=role, action=action, entity=entity, entity_id=entity_id, offender_id=offender_id,
        outcome=outcome, reason=reason,
        details_json=json.dumps(details, sort_keys=True, default=str) if details else None,
        prev_hash=prev, key_id=key.key_id,
    )
    session.info[_PENDING_ROW] = (row, key)
    session.info[_LAST_ACTOR] = (user_id, username, role)
    return row


def _finalize_pending(session: Session, seal: str | None) -> AuditEvent | None:
    pending = session.info.pop(_PENDING_ROW, None)
    if pending is None:
        return None
    row, key = pending
    row.seal = seal
    # SQLite hands microseconds back exactly; PostgreSQL too. Hash what will be read back.
    row.hash = keyed_hash(row, key)
    # Core, not a flush: the row is the app's own making (a seal of a bulk load runs to megabytes,
    # past the input guard's limit for free text).
    table = table_of(AuditEvent)
    session.execute(insert(table).values({c.key: getattr(row, c.key) for c in table.c}))
    session.execute(update(AuditHead).where(AuditHead.id == 1).values(hash=row.hash))
    every = session.info.get(_EVERY)
    if every is None:
        every = session.info[_EVERY] = audit_checkpoints.every(session)
    if row.id % every == 0:
        path = audit_checkpoints.log_for(session, key)
        if path is not None:
            session.info[_DUE] = (path, key, Checkpoint(row.id, row.hash, row.occurred_at.isoformat()))
    return row


def finalize(session: Session, *, occurred_at: datetime | None = None,
             seal_extra: dict[str, Any] | None = None) -> None:
    """Seal what the transaction wrote and write its pending audit row. Runs by itself before
    every commit; call it directly only on a session that will not commit (a migration's)."""
    session.flush()
    pending = session.info.get(_PENDING_ROW)
    if pending is None and not record_seal.has_pending(session):
        return
    key = pending[1] if pending is not None else _key_for(session)
    seal = record_seal.take_seal(session, key, seal_extra)
    if pending is None and seal is not None:
        user_id, username, role = session.info.get(_LAST_ACTOR) or (None, "system", "administrator")
        clock = session.info.get(CLOCK_INFO)
        when = occurred_at or (clock.now() if clock is not None else datetime.now(UTC))
        append(session, occurred_at=when, user_id=user_id, username=username, role=role,
               action=SEAL_ACTION, key=key)
    _finalize_pending(session, seal)


def seal_now(session: Session, *, occurred_at: datetime, username: str = "system",
             role: str = "administrator", details: dict[str, Any] | None = None) -> None:
    """One "records.seal" row now for what the transaction wrote so far (a bulk load seals each
    batch, so no single audit row has to carry millions of digests)."""
    session.flush()
    key = _key_for(session)
    _finalize_pending(session, None)
    seal = record_seal.take_seal(session, key)
    if seal is None:
        return
    append(session, occurred_at=occurred_at, user_id=None, username=username, role=role,
           action=SEAL_ACTION, details=details, key=key)
    _finalize_pending(session, seal)


@event.listens_for(Session, "before_commit")
def _before_commit(session: Session) -> None:
    finalize(session)


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    due = session.info.pop(_DUE, None)
    if due is not None:
        path, key, cp = due
        try:
            audit_checkpoints.append(path, key, cp)
        except OSError:
            pass  # the next checkpoint (or the one on close) anchors the chain instead


@event.listens_for(Session, "after_transaction_end")
def _transaction_end(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:
        for name in (_PENDING_ROW, _LAST_ACTOR, _EVERY, _DUE):
            session.info.pop(name, None)
        record_seal.forget(session)


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    rows: int
    head_hash: str
    first_bad_id: int | None = None
    problem: str | None = None
    record_problems: tuple[str, ...] = ()
    record_problem_count: int = 0
    records_checked: int = 0
    records_unsealed: int = 0  # written before sealing began (an older database): not tampering
    checkpoints: int = 0
    keyed_from: int | None = None
    warnings: tuple[str, ...] = field(default=())


_AUDIT_TABLE = table_of(AuditEvent)
# A row's columns as a named tuple: its attributes are read a dozen times each while the chain
# is walked, and a named tuple's are read in C (a Core row's go through Python).
_PlainRow = namedtuple("_PlainRow", [c.key for c in _AUDIT_TABLE.c])  # type: ignore[misc]


def _rows(session: Session, batch: int = 20_000) -> Iterator[Any]:
    """The chain in id order as plain column values: no ORM objects (identity map, instance
    state) for a trail that runs to millions of rows."""
    table = _AUDIT_TABLE
    last = 0
    while True:
        chunk = session.execute(
            select(*table.c).where(table.c.id > last).order_by(table.c.id).limit(batch)).all()
        if not chunk:
            return
        yield from map(_PlainRow._make, chunk)
        last = chunk[-1].id


def checkpoint(session: Session) -> Checkpoint:
    seq, head = session.execute(select(AuditHead.seq, AuditHead.hash).where(AuditHead.id == 1)).one()
    return Checkpoint(seq, head)


def _walk(session: Session, key: AuditKey, anchors: dict[int, list[Checkpoint]],
          book: record_seal.SealBook | None) -> tuple[int, str, int | None, int | None, str | None]:
    """(rows verified, last good hash, first keyed id, first bad id, problem). BOOK (None when
    the records are not checked) takes every keyed row's seal."""
    prev, expected_id, count = GENESIS, 1, 0
    keyed_from: int | None = None
    mac = keyed_hasher(key)
    key_id = key.key_id  # worked out (an HMAC) once, not per row
    for row in _rows(session):
        if row.id != expected_id:
            return count, prev, keyed_from, expected_id, \
                f"row {expected_id} is missing (next row found is {row.id})"
        if row.prev_hash != prev:
            return count, prev, keyed_from, row.id, \
                f"row {row.id} does not follow row {row.id - 1} (previous hash differs)"
        if row.key_id is None:
            if keyed_from is not None:
                return count, prev, keyed_from, row.id, (
                    f"row {row.id} is not keyed although row {keyed_from} before it is: the chain "
                    f"has been rewritten from row {row.id} without the audit key")
            if row.seal is not None or unkeyed_hash(row) != row.hash:
                return count, prev, keyed_from, row.id, \
                    f"row {row.id} has been altered (its contents no longer match its hash)"
        else:
            if keyed_from is None:
                keyed_from = row.id
                if row.key_id != key_id:
                    return count, prev, keyed_from, row.id, (
                        f"the audit key does not match this database: its rows from row {row.id} on "
                        f"were written with audit key {row.key_id}, and the key from {key.source} is "
                        f"{key_id}. Use this database's audit key (see README, Audit trail)")
            elif row.key_id != key_id:
                return count, prev, keyed_from, row.id, (
                    f"row {row.id} was written with another audit key ({row.key_id}) than the rows "
                    "before it: the chain has been rewritten")
            if mac(row) != row.hash:
                return count, prev, keyed_from, row.id, \
                    f"row {row.id} has been altered (its contents no longer match its hash)"
        # After the hash checks, which say more (a row rewritten without the key) when they fail.
        for cp in anchors.get(row.id, ()):
            if row.hash != cp.head_hash:
                when = f" of {cp.at}" if cp.at else ""
                return count, prev, keyed_from, row.id, (
                    f"row {row.id} differs from the checkpoint{when}: the chain has been rebuilt")
        if book is not None and row.key_id is not None and row.seal is not None:
            book.add(row.seal)
        prev, expected_id, count = row.hash, expected_id + 1, count + 1
    return count, prev, keyed_from, None, None


def verify(session: Session, anchor: Checkpoint | None = None, *, key: AuditKey | None = None,
           checkpoints: Iterable[Checkpoint] = (), records: bool = True) -> ChainReport:
    """Recompute every hash from genesis; report the first row that does not fit, whether the
    chain still passes through ANCHOR and CHECKPOINTS, and (RECORDS) every case-table row whose
    contents no longer match its latest seal."""
    key = _key_for(session, key)
    anchors: dict[int, list[Checkpoint]] = {}
    cps = [*checkpoints, *([anchor] if anchor is not None else [])]
    for cp in cps:
        if cp.rows > 0:
            anchors.setdefault(cp.rows, []).append(cp)
    book = record_seal.SealBook() if records else None
    count, prev, keyed_from, bad_id, problem = _walk(session, key, anchors, book)
    walked = problem is None
    if problem is None and keyed_from is None and count > 0:
        # Migration 0004 writes a keyed row into every database, so a chain without one has been
        # rewritten from the start with the unkeyed hash.
        bad_id, problem = 1, ("no row of the chain is keyed: it has been rewritten from row 1 "
                              "without the audit key")
    if problem is None and anchors and max(anchors) > count:
        longest = max(anchors)
        cp = anchors[longest][0]
        when = f" of {cp.at}" if cp.at else ""
        bad_id, problem = count + 1, (f"the checkpoint{when} records {longest} rows but the chain "
                                      f"has only {count}: rows have been removed from the end")
    if problem is None:
        head = session.execute(select(AuditHead.seq, AuditHead.hash).where(AuditHead.id == 1)).one_or_none()
        if head is not None and (head.seq != count or head.hash != prev):
            bad_id = count + 1 if head.seq > count else None
            problem = (f"the chain ends at row {count} but the head records row {head.seq}: "
                       "rows have been removed from the end")
    result = record_seal.RecordCheckResult([], 0, 0, 0)
    if book is not None and walked:
        result = book.check(session, key)
    ok = problem is None and result.problem_count == 0
    return ChainReport(ok, count, prev, bad_id, problem, tuple(result.problems),
                       result.problem_count, result.checked, result.unsealed, len(cps), keyed_from)
