import json
import threading

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from rso_manager.persistence import audit_chain, audit_checkpoints
from rso_manager.persistence.audit_key import AuditKey
from rso_manager.persistence.engine import make_engine, make_session_factory
from rso_manager.persistence.models import AuditEvent, Setting
from tests import pg_server


def _append(factory, clock, n, who="tester"):
    for i in range(n):
        with factory.begin() as s:
            audit_chain.append(s, occurred_at=clock.now(), user_id=None, username=who, role="administrator",
                               action="test.event", details={"i": i})


@pytest.fixture
def chain(db_url, clock):
    """The template's own rows (the keyed start, the seeds' seals), then five test rows."""
    engine = make_engine(db_url)
    factory = make_session_factory(engine)
    _append(factory, clock, 5)
    yield engine, factory
    engine.dispose()


@pytest.fixture
def attacker(chain, db_url):
    """Behind the app's back: the file itself on SQLite, the superuser on PostgreSQL (the app's
    role may not touch the audit table at all)."""
    engine, _ = chain
    if engine.dialect.name == "sqlite":
        yield engine, make_session_factory(engine)
        return
    admin = make_engine(pg_server.as_user(db_url, pg_server.SUPERUSER))
    yield admin, make_session_factory(admin)
    admin.dispose()


def _base(factory) -> int:
    """Rows before the five test rows."""
    with factory() as s:
        return s.scalar(select(AuditEvent.id).where(AuditEvent.action == "test.event").order_by(AuditEvent.id)) - 1


def _verify(factory, **kw):
    with factory() as s:
        return audit_chain.verify(s, **kw)


def _disable_guards(engine):
    """What an attacker with owner rights could do; the chain must still catch the edit."""
    with engine.begin() as c:
        if engine.dialect.name == "sqlite":
            c.execute(text("DROP TRIGGER audit_event_no_update"))
            c.execute(text("DROP TRIGGER audit_event_no_delete"))
        else:
            c.execute(text("ALTER TABLE audit_event DISABLE TRIGGER USER"))


@pytest.mark.parametrize("statement", [
    "UPDATE audit_event SET action = 'tampered' WHERE id = 2",
    "DELETE FROM audit_event WHERE id = 2",
])
def test_the_database_refuses_update_and_delete(chain, statement):
    engine, factory = chain
    with pytest.raises(DBAPIError, match="append-only|permission denied"):
        with engine.begin() as c:
            c.execute(text(statement))
    assert _verify(factory).ok


def test_replace_and_truncate_are_refused_too(chain):
    engine, factory = chain
    statement = ("INSERT OR REPLACE INTO audit_event SELECT * FROM audit_event WHERE id = 2"
                 if engine.dialect.name == "sqlite" else "TRUNCATE audit_event")
    with pytest.raises(DBAPIError):
        with engine.begin() as c:
            c.execute(text(statement))
    assert _verify(factory).rows == _base(factory) + 5


def test_new_rows_are_keyed_and_the_keyed_start_records_where_sealing_began(chain):
    _, factory = chain
    with factory() as s:
        rows = s.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
    assert rows[0].action == "audit.keyed" and json.loads(rows[0].seal)["since"]["offender"] == 0
    assert all(r.key_id == audit_chain.audit_key.load().key_id for r in rows)
    # Not the unkeyed hash: someone without the key cannot produce it.
    assert all(r.hash != audit_chain.unkeyed_hash(r) for r in rows)
    report = _verify(factory)
    assert report.ok and report.keyed_from == 1 and report.records_checked > 0


def test_verify_names_an_altered_row(chain, attacker):
    _, factory = chain
    engine, _ = attacker
    bad = _base(factory) + 3
    _disable_guards(engine)
    with engine.begin() as c:
        c.execute(text("UPDATE audit_event SET username = 'someone else' WHERE id = :i"), {"i": bad})
    report = _verify(factory)
    assert not report.ok and report.first_bad_id == bad and "altered" in report.problem


def test_verify_catches_a_row_removed_from_the_middle_or_the_end(chain, attacker):
    _, factory = chain
    engine, _ = attacker
    base = _base(factory)
    _disable_guards(engine)
    with engine.begin() as c:
        c.execute(text("DELETE FROM audit_event WHERE id = :i"), {"i": base + 5})
    report = _verify(factory)
    assert not report.ok and "removed from the end" in report.problem
    with engine.begin() as c:
        c.execute(text("DELETE FROM audit_event WHERE id = :i"), {"i": base + 2})
    report = _verify(factory)
    assert not report.ok and report.first_bad_id == base + 2 and "missing" in report.problem


def test_concurrent_writers_never_fork_the_chain(chain, clock):
    engine, factory = chain
    threads = [threading.Thread(target=_append, args=(factory, clock, 15, f"writer{i}")) for i in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    report = _verify(factory)
    assert report.ok and report.rows == _base(factory) + 5 + 45


def _rebuild_unkeyed(factory, start):
    """The attacker's tool: the project's own unkeyed hash, from row START to the end."""
    with factory.begin() as s:
        prev = s.get(AuditEvent, start - 1).hash
        last = s.scalar(select(AuditEvent.id).order_by(AuditEvent.id.desc()).limit(1))
        for i in range(start, last + 1):
            row = s.get(AuditEvent, i)
            row.key_id, row.seal, row.prev_hash = None, None, prev
            row.hash = prev = audit_chain.unkeyed_hash(row)
        s.execute(text("UPDATE audit_head SET hash = :h WHERE id = 1"), {"h": prev})


def test_a_chain_rewritten_with_the_unkeyed_hash_is_named_without_any_checkpoint(chain, attacker):
    _, factory = chain
    engine, evil = attacker
    start = _base(factory) + 3
    _disable_guards(engine)
    with engine.begin() as c:
        c.execute(text("UPDATE audit_event SET username = 'someone else' WHERE id = :i"), {"i": start})
    _rebuild_unkeyed(evil, start)
    report = _verify(factory, records=False)
    assert not report.ok and report.first_bad_id == start
    assert "without the audit key" in report.problem


def test_a_wrong_key_is_named_as_such_not_as_an_altered_row(chain):
    _, factory = chain
    report = _verify(factory, key=AuditKey(b"another desktop's key!!", "a test"))
    assert not report.ok and report.first_bad_id == 1
    assert "the audit key does not match this database" in report.problem


def test_a_rebuilt_chain_is_caught_against_a_checkpoint(chain, attacker, clock):
    """Even someone holding the key cannot rebuild past a checkpoint kept outside the database."""
    _, factory = chain
    engine, evil = attacker
    base = _base(factory)
    with factory() as s:
        anchor = audit_chain.checkpoint(s)
    assert anchor.rows == base + 5 and _verify(factory, anchor=anchor).ok
    _disable_guards(engine)
    with engine.begin() as c:
        c.execute(text("UPDATE audit_event SET username = 'someone else' WHERE id = :i"), {"i": base + 3})
    key = audit_chain.audit_key.load()
    with evil.begin() as s:
        prev = s.get(AuditEvent, base + 2).hash
        for i in range(base + 3, base + 6):
            row = s.get(AuditEvent, i)
            row.prev_hash = prev
            row.hash = prev = audit_chain.keyed_hash(row, key)
        s.execute(text("UPDATE audit_head SET hash = :h WHERE id = 1"), {"h": prev})
    assert _verify(factory).ok
    report = _verify(factory, anchor=anchor)
    assert not report.ok and report.first_bad_id == base + 5 and "rebuilt" in report.problem


def test_checkpoints_are_written_every_n_rows_signed_and_read_back(chain, clock):
    engine, factory = chain
    with factory.begin() as s:
        s.add(Setting(key=audit_checkpoints.EVERY_SETTING, value_json="4", created_at=clock.now()))
    _append(factory, clock, 8)
    key = audit_chain.audit_key.load()
    with factory() as s:
        path = audit_checkpoints.log_for(s, key)
        head = audit_chain.checkpoint(s).rows
    log = audit_checkpoints.read(path, key)
    assert log.problems == () and [cp.rows % 4 for cp in log.checkpoints] == [0, 0]
    assert all(cp.rows <= head for cp in log.checkpoints) and len(log.checkpoints) == 2
    assert _verify(factory, checkpoints=log.checkpoints).ok
    # The log says nothing about the data: counts, hashes, times and signatures only.
    line = json.loads(path.read_text().splitlines()[0])
    assert set(line) == {"v", "rows", "head_hash", "at", "signature"}
    # A line edited (or signed with another key) is refused.
    lines = path.read_text().splitlines()
    forged = json.loads(lines[-1]) | {"rows": 3}
    path.write_text("\n".join([*lines, json.dumps(forged)]) + "\n")
    log = audit_checkpoints.read(path, key)
    assert len(log.checkpoints) == 2 and "not signed" in log.problems[0]


def test_a_checkpoint_on_close_anchors_the_tail(chain, attacker, clock):
    _, factory = chain
    engine, _ = attacker
    cp = audit_checkpoints.write_on_close(factory, clock.now().isoformat())
    assert cp is not None and cp.rows == _base(factory) + 5
    assert audit_checkpoints.write_on_close(factory, clock.now().isoformat()) == cp  # once per head
    _disable_guards(engine)
    with engine.begin() as c:
        c.execute(text("DELETE FROM audit_event WHERE id = :i"), {"i": cp.rows})
        c.execute(text("UPDATE audit_head SET seq = seq - 1, hash = (SELECT hash FROM audit_event "
                       "WHERE id = :i) WHERE id = 1"), {"i": cp.rows - 1})
    assert _verify(factory).ok  # the head fixed up: only the checkpoint still knows
    key = audit_chain.audit_key.load()
    with factory() as s:
        log = audit_checkpoints.read(audit_checkpoints.log_for(s, key), key)
    report = _verify(factory, checkpoints=log.checkpoints)
    assert not report.ok and "removed from the end" in report.problem
