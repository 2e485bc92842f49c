"""The search index (table search_term) kept in step with the case tables.

Every flush that adds, changes, voids or deletes an entry of an indexed table replaces that
entry's terms in the same transaction, so what a search finds is what the record holds now: a
voided device's phone is no longer found, a corrected registration is found as corrected. Past
addresses and ended vehicles keep their terms (an address someone lived at is still known).

The index is derived and can be rebuilt from the case tables at will: rebuild() does it set by
set (the demo's bulk load writes behind the ORM and calls it), and ensure_current() does it by
itself for a database whose index is missing or from an older release of the normalisers.

The rows are sealed like every case-table row (persistence/record_seal.py), so `audit verify`
sees the index's own writes as the app's.
"""

from __future__ import annotations

import json
import weakref
from collections.abc import Iterable, Iterator, Mapping
from datetime import datetime
from itertools import chain
from typing import Any, cast

from sqlalchemy import delete, event, func, insert, select
from sqlalchemy.orm import Session, sessionmaker

from rso_manager.domain.search_terms import INDEXED, Term, terms_for
from rso_manager.persistence import audit_chain, audit_key, record_seal
from rso_manager.persistence import models as m
from rso_manager.persistence.bulk_rows import Converters, bulk_insert

# Raised whenever terms_for changes what it makes of a value: every database rebuilds once.
INDEX_VERSION = 1
VERSION_SETTING = "search_index_version"

MODELS: dict[type[m.Base], str] = {
    m.Offender: "offender", m.Alias: "alias", m.Address: "address", m.Device: "device",
    m.Vehicle: "vehicle", m.OnlineIdentifier: "online_identifier", m.Relationship: "relationship",
}
TABLE = m.table_of(m.SearchTerm)
BLANK = "-"  # the kind of a row kept only to hold its id (SQLite): no search looks for it
_BATCH = 500  # ids per IN (...) list: well inside both backends' parameter limits
_SEAL_EVERY = 50_000  # rows per seal row in a rebuild, so no audit row carries megabytes


def entry_terms(obj: Any) -> list[Term]:
    """The terms an ORM row should have in the index: none once it is voided."""
    if getattr(obj, "voided_at", None) is not None:
        return []
    entity = MODELS[type(obj)]
    columns, _make = INDEXED[entity]
    return terms_for(entity, {c: getattr(obj, c) for c in columns})


def _owner(obj: Any) -> int:
    return obj.id if isinstance(obj, m.Offender) else obj.offender_id


# --- following each flush ---------------------------------------------------------------------


def _after_flush(session: Session, _context: Any) -> None:
    deleted = set(map(id, session.deleted))
    touched = [(obj, id(obj) in deleted) for obj in chain(session.new, session.dirty, session.deleted)
               if type(obj) in MODELS]
    if not touched:
        return
    conn = session.connection()
    wanted: dict[tuple[str, int], tuple[int, list[Term]]] = {}
    for obj, gone in touched:
        key = (MODELS[type(obj)], obj.id)
        wanted[key] = (_owner(obj), [] if gone else entry_terms(obj))
    by_entity: dict[str, list[int]] = {}
    for entity, ident in wanted:
        by_entity.setdefault(entity, []).append(ident)
    held: dict[tuple[str, int], list[Any]] = {}
    for entity, ids in by_entity.items():
        for part in _chunks(ids):
            for row in conn.execute(select(TABLE.c.id, TABLE.c.entity, TABLE.c.entity_id,
                                           TABLE.c.offender_id, TABLE.c.kind, TABLE.c.value,
                                           TABLE.c.shown)
                                    .where(TABLE.c.entity == entity, TABLE.c.entity_id.in_(part))):
                held.setdefault((row.entity, row.entity_id), []).append(row)
    stale: list[int] = []
    fresh: list[dict[str, Any]] = []
    for (entity, ident), (owner, terms) in wanted.items():
        old = held.get((entity, ident), [])
        if {(r.offender_id, r.kind, r.value, r.shown) for r in old} == \
                {(owner, *t) for t in terms} and len(old) == len(terms):
            continue  # the usual case: an entry saved without a change to its searchable values
        stale.extend(r.id for r in old)
        fresh.extend({"offender_id": owner, "entity": entity, "entity_id": ident, "kind": kind,
                      "value": value, "shown": shown} for kind, value, shown in terms)
    if not stale and not fresh:
        return
    written = list(stale)
    if conn.dialect.name == "postgresql":  # ids from the sequence: never handed out twice
        for part in _chunks(stale):
            conn.execute(delete(TABLE).where(TABLE.c.id.in_(part)))
        if fresh:
            written.extend(conn.execute(insert(TABLE).returning(TABLE.c.id), fresh).scalars())
    else:
        # SQLite hands out max(id) + 1, so deleting the highest row would give its id to the
        # next term, and a process holding names read in earlier (search/names.py, which
        # tells new rows by a higher id) would take the new term for the old one. So new rows
        # are numbered from above the rows replaced, and a highest row left with nothing
        # after it is kept as a blank marker (kind "-", found by no search) until then.
        top = conn.scalar(select(func.max(TABLE.c.id))) or 0
        keep = top if top in stale and not fresh else None
        for part in _chunks([i for i in stale if i != keep]):
            conn.execute(delete(TABLE).where(TABLE.c.id.in_(part)))
        if keep is not None:
            conn.execute(TABLE.update().where(TABLE.c.id == keep)
                         .values(kind=BLANK, value="", shown=""))
        for n, new_row in enumerate(fresh, start=top + 1):
            new_row["id"] = n
            written.append(n)
        if fresh:
            conn.execute(insert(TABLE), fresh)
    record_seal.note_written(session, TABLE.name, written)


_FOLLOWED = weakref.WeakSet[Any]()  # factories already followed


def follow(factory: sessionmaker[Session]) -> None:
    """Keep the index in step for every session FACTORY makes (once per factory). Remembered
    here, not asked of event.contains: SQLAlchemy keys its registry by id(), which a new
    factory can share with one already collected."""
    if factory not in _FOLLOWED:
        event.listen(factory, "after_flush", _after_flush)
        _FOLLOWED.add(factory)


def _chunks(ids: list[int]) -> Iterator[list[int]]:
    for i in range(0, len(ids), _BATCH):
        yield ids[i:i + _BATCH]


# --- rebuilding from the case tables --------------------------------------------------------


def _all_terms(session: Session) -> Iterator[tuple[int, str, int, Term]]:
    """(offender_id, entity, entity_id, term) for every current entry, table by table."""
    for model, entity in MODELS.items():
        table = m.table_of(model)
        columns, _make = INDEXED[entity]
        owner = table.c.id if model is m.Offender else table.c.offender_id
        q = select(owner.label("owner"), table.c.id, *[table.c[c] for c in columns])
        if "voided_at" in table.c:
            q = q.where(table.c.voided_at.is_(None))
        for row in session.execute(q.order_by(table.c.id)).mappings():
            for term in terms_for(entity, cast(Mapping[str, Any], row)):
                yield row["owner"], entity, row["id"], term


def _new_ids(session: Session, count: int, after: int) -> Iterable[int]:
    """COUNT ids for new rows, each higher than any before (AFTER, the highest of the rows
    replaced): a process holding names read in earlier tells a new row by its id. PostgreSQL:
    from the table's own sequence, so the next ordinary insert does not collide."""
    if count == 0:
        return []
    conn = session.connection()
    if conn.dialect.name == "postgresql":
        sequence = conn.scalar(select(func.pg_get_serial_sequence(TABLE.name, "id")))
        return conn.execute(select(func.nextval(sequence))
                            .select_from(func.generate_series(1, count))).scalars().all()
    start = max(after, conn.scalar(select(func.max(TABLE.c.id))) or 0) + 1
    return range(start, start + count)


def rebuild(session: Session, now: datetime) -> int:
    """Replace the whole index with the terms of every current entry, in SESSION's transaction
    (the caller commits); returns how many terms it holds. Set by set: one read per table and
    bulk inserts of a batch at a time (COPY on PostgreSQL), each full batch sealed as it goes
    in."""
    conn = session.connection()
    old = conn.execute(select(TABLE.c.id)).scalars().all()
    after = max(old, default=0)
    conn.execute(delete(TABLE))
    # The old rows are gone: noted so the seal says so, not `audit verify` later.
    record_seal.note_written(session, TABLE.name, old)
    digester = record_seal.Digester(session.info.get(audit_chain.KEY_INFO) or audit_key.load())
    total = 0
    batch: list[dict[str, Any]] = []
    converters: Converters = {}

    def put() -> None:
        nonlocal total
        for row, ident in zip(batch, _new_ids(session, len(batch), after), strict=True):
            row["id"] = ident
        bulk_insert(session, TABLE, batch, converters)
        record_seal.add_bulk_digests(session, digester, TABLE, batch)
        total += len(batch)
        batch.clear()

    for owner, entity, ident, (kind, value, shown) in _all_terms(session):
        batch.append({"offender_id": owner, "entity": entity, "entity_id": ident, "kind": kind,
                      "value": value, "shown": shown})
        if len(batch) >= _SEAL_EVERY:
            put()
            # A seal row per full batch; the last is sealed with the caller's own audit row.
            audit_chain.seal_now(session, occurred_at=now, details={"search_index_rows": total})
    if batch:
        put()
    _set_version(session, now)
    return total


def _set_version(session: Session, now: datetime) -> None:
    value = json.dumps(INDEX_VERSION)
    setting = session.scalar(select(m.Setting).where(m.Setting.key == VERSION_SETTING))
    if setting is None:
        session.add(m.Setting(key=VERSION_SETTING, value_json=value, created_at=now))
    elif setting.value_json != value:
        setting.value_json = value
        setting.updated_at = now
    session.flush()


def is_current(session: Session) -> bool:
    """The index was built by this release's normalisers (and so has followed every change
    since), or there is nothing to index yet."""
    raw = session.scalar(select(m.Setting.value_json).where(m.Setting.key == VERSION_SETTING))
    if raw is not None and json.loads(raw) == INDEX_VERSION:
        return True
    return session.scalar(select(m.Offender.id).limit(1)) is None
