"""The hash-chained audit trail: append in the caller's transaction, verify from genesis."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from rso_manager.persistence.models import AuditEvent, AuditHead

GENESIS = "0" * 64


def _canonical(
    *, id: int, occurred_at: datetime, user_id: int | None, username: str, role: str,
    action: str, entity: str | None, entity_id: int | None, offender_id: int | None,
    outcome: str, reason: str | None, details_json: str | None, prev_hash: str,
) -> bytes:
    body = {
        "id": id,
        "at": occurred_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "user_id": user_id, "username": username, "role": role, "action": action,
        "entity": entity, "entity_id": entity_id, "offender_id": offender_id,
        "outcome": outcome, "reason": reason, "details": details_json, "prev": prev_hash,
    }
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def row_hash(row: AuditEvent) -> str:
    return hashlib.sha256(_canonical(
        id=row.id, occurred_at=row.occurred_at, user_id=row.user_id, username=row.username,
        role=row.role, action=row.action, entity=row.entity, entity_id=row.entity_id,
        offender_id=row.offender_id, outcome=row.outcome, reason=row.reason,
        details_json=row.details_json, prev_hash=row.prev_hash,
    )).hexdigest()


def append(
    session: Session, *, occurred_at: datetime, user_id: int | None, username: str, role: str,
    action: str, entity: str | None = None, entity_id: int | None = None,
    offender_id: int | None = None, outcome: str = "ok", reason: str | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Add one chained row to SESSION's transaction. Committing is the caller's job, so the
    audit row and the change it records stand or fall together."""
    # Taking the head row's write lock first serialises concurrent writers.
    session.execute(update(AuditHead).where(AuditHead.id == 1).values(seq=AuditHead.seq + 1))
    seq, prev = session.execute(select(AuditHead.seq, AuditHead.hash).where(AuditHead.id == 1)).one()
    row = AuditEvent(
        id=seq, occurred_at=occurred_at.astimezone(UTC), user_id=user_id, username=username,
        role=role, action=action, entity=entity, entity_id=entity_id, offender_id=offender_id,
        outcome=outcome, reason=reason,
        details_json=json.dumps(details, sort_keys=True, default=str) if details else None,
        prev_hash=prev,
    )
    # SQLite hands microseconds back exactly; PostgreSQL too. Hash what will be read back.
    row.hash = row_hash(row)
    session.add(row)
    session.execute(update(AuditHead).where(AuditHead.id == 1).values(hash=row.hash))
    session.flush([row])
    return row


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    rows: int
    head_hash: str
    first_bad_id: int | None = None
    problem: str | None = None


def _rows(session: Session, batch: int = 5000) -> Iterator[AuditEvent]:
    last = 0
    while True:
        chunk = session.scalars(
            select(AuditEvent).where(AuditEvent.id > last).order_by(AuditEvent.id).limit(batch)
        ).all()
        if not chunk:
            return
        yield from chunk
        last = chunk[-1].id
        session.expunge_all()


@dataclass(frozen=True)
class Checkpoint:
    """The head of the chain at a moment, kept outside the database (printed, exported): anyone
    with write access could rebuild a whole chain, but not one that ends at a hash kept elsewhere."""

    rows: int
    head_hash: str


def checkpoint(session: Session) -> Checkpoint:
    seq, head = session.execute(select(AuditHead.seq, AuditHead.hash).where(AuditHead.id == 1)).one()
    return Checkpoint(seq, head)


def verify(session: Session, anchor: Checkpoint | None = None) -> ChainReport:
    """Recompute every hash from genesis; report the first row that does not fit, and whether
    the chain still passes through ANCHOR."""
    prev, expected_id, count = GENESIS, 1, 0
    anchor_seen = anchor is None or anchor.rows == 0
    for row in _rows(session):
        if anchor is not None and row.id == anchor.rows:
            if row.hash != anchor.head_hash:
                return ChainReport(False, count, prev, row.id,
                                   f"row {row.id} differs from the checkpoint: the chain has been rebuilt")
            anchor_seen = True
        if row.id != expected_id:
            return ChainReport(False, count, prev, expected_id,
                               f"row {expected_id} is missing (next row found is {row.id})")
        if row.prev_hash != prev:
            return ChainReport(False, count, prev, row.id,
                               f"row {row.id} does not follow row {row.id - 1} (previous hash differs)")
        if row_hash(row) != row.hash:
            return ChainReport(False, count, prev, row.id,
                               f"row {row.id} has been altered (its contents no longer match its hash)")
        prev, expected_id, count = row.hash, expected_id + 1, count + 1
    if not anchor_seen:
        return ChainReport(False, count, prev, count + 1,
                           f"the checkpoint records {anchor.rows} rows but the chain has only {count}")
    head = session.execute(select(AuditHead.seq, AuditHead.hash).where(AuditHead.id == 1)).one_or_none()
    if head is not None and (head.seq != count or head.hash != prev):
        return ChainReport(False, count, prev, count + 1 if head.seq > count else None,
                           f"the chain ends at row {count} but the head records row {head.seq}: "
                           "rows have been removed from the end")
    return ChainReport(True, count, prev)
