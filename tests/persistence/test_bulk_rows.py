"""The bulk path (executemany of tuples on SQLite, COPY on PostgreSQL) stores what an ordinary
Core insert stores, and the digests a bulk loader takes from the values it binds are the ones
`audit verify` reads back."""

import json
from datetime import UTC, datetime, timedelta

from sqlalchemy import insert, select

from rso_manager.persistence import audit_chain, audit_key, record_seal
from rso_manager.persistence import models as m
from rso_manager.persistence.bulk_rows import bulk_insert

AWKWARD = "tab\there, new\nline, back\\slash, quote \" ' and Zoë \u2014 \\N"


def _teams(start: int, n: int, now: datetime) -> list[dict]:
    # Every kind of value COPY has to carry: text needing escapes, NULL, booleans, aware times.
    return [{"id": start + i, "name": f"Bulk {start + i} {AWKWARD}", "active": i % 2 == 0,
             "patch_districts": None if i % 3 else f"ZZ{i}\tZZ{i + 1}",
             "created_at": now + timedelta(microseconds=i)} for i in range(n)]


def _read(s, ids):
    t = m.table_of(m.Team)
    return [r._asdict() for r in s.execute(select(*t.c).where(t.c.id.in_(ids)).order_by(t.c.id))]


def test_bulk_rows_read_back_as_a_core_insert_and_their_digests_verify(services):
    now = services.clock.now()
    table = m.table_of(m.Team)
    with services.session_factory.begin() as s:
        start = (s.scalar(select(table.c.id).order_by(table.c.id.desc()).limit(1)) or 0) + 1
        bulk, core = _teams(start, 7, now), _teams(start + 100, 7, now)
        bulk_insert(s, table, bulk, {})
        record_seal.add_bulk_digests(s, record_seal.Digester(audit_key.load()), table, bulk)
        s.execute(insert(table), core)
        record_seal.note_written(s, table.name, [r["id"] for r in core])
        audit_chain.append(s, occurred_at=now, user_id=None, username="tester",
                           role="administrator", action="test.bulk")
    with services.session_factory() as s:
        got_bulk = _read(s, [r["id"] for r in bulk])
        got_core = _read(s, [r["id"] for r in core])
        report = audit_chain.verify(s)
    for b, c in zip(got_bulk, got_core, strict=True):
        assert {**b, "id": 0, "name": b["name"].split(" ", 2)[2]} == \
            {**c, "id": 0, "name": c["name"].split(" ", 2)[2]}
    assert [r["name"] for r in got_bulk] == [f"Bulk {start + i} {AWKWARD}" for i in range(7)]
    assert got_bulk[1]["created_at"] == now + timedelta(microseconds=1)
    assert report.ok, report.record_problems


def test_a_column_of_digests_is_the_digest_of_each_row():
    td = record_seal.Digester(audit_key.load())["team"]
    dicts = _teams(1, 5, datetime(2026, 3, 4, 5, 6, 7, 89, tzinfo=UTC))
    rows = [tuple(r.get(n) for n in td.names) for r in dicts]
    assert td.of_rows(rows) == [td.of_values(r) for r in rows]
    # of_dicts leaves out the keys the rows do not carry, as NULL columns are left out.
    assert td.of_dicts(dicts) == [td.of_values(r) for r in rows]
    odd = [tuple({"id": "3", "name": 7, "active": None}.get(n) for n in td.names)]
    assert td.of_rows(odd) == [td.of_values(odd[0])]


def test_the_verifier_hashes_as_append_does():
    key = audit_key.load()
    mac = audit_chain.keyed_hasher(key)
    for at in (datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC), datetime(999, 1, 1, tzinfo=UTC),
               datetime(2026, 6, 1, 12, 0, 0, 7, tzinfo=UTC).astimezone()):
        row = m.AuditEvent(id=1, occurred_at=at, user_id=None, username="u", role="r",
                           action="a", entity=None, entity_id=None, offender_id=None,
                           outcome="ok", reason=None, details_json='{"x": "ë"}',
                           prev_hash=audit_chain.GENESIS, key_id=key.key_id, seal=None)
        assert mac(row) == audit_chain.keyed_hash(row, key)
        body = json.loads(audit_chain._canonical(row, keyed=True))
        assert body["at"] == at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
