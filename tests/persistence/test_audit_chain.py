import threading

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from rso_manager.persistence import audit_chain
from rso_manager.persistence.engine import make_engine, make_session_factory


def _append(factory, clock, n, who="tester"):
    for i in range(n):
        with factory.begin() as s:
            audit_chain.append(s, occurred_at=clock.now(), user_id=None, username=who, role="administrator",
                               action="test.event", details={"i": i})


@pytest.fixture
def chain(db_url, clock):
    engine = make_engine(db_url)
    factory = make_session_factory(engine)
    _append(factory, clock, 5)
    yield engine, factory
    engine.dispose()


def _verify(factory):
    with factory() as s:
        return audit_chain.verify(s)


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
    with pytest.raises(DBAPIError, match="append-only"):
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
    assert _verify(factory).rows == 5


def test_verify_names_an_altered_row(chain):
    engine, factory = chain
    _disable_guards(engine)
    with engine.begin() as c:
        c.execute(text("UPDATE audit_event SET username = 'someone else' WHERE id = 3"))
    report = _verify(factory)
    assert not report.ok and report.first_bad_id == 3 and "altered" in report.problem


def test_verify_catches_a_row_removed_from_the_middle_or_the_end(chain):
    engine, factory = chain
    _disable_guards(engine)
    with engine.begin() as c:
        c.execute(text("DELETE FROM audit_event WHERE id = 5"))
    report = _verify(factory)
    assert not report.ok and "removed from the end" in report.problem
    with engine.begin() as c:
        c.execute(text("DELETE FROM audit_event WHERE id = 2"))
    report = _verify(factory)
    assert not report.ok and report.first_bad_id == 2 and "missing" in report.problem


def test_concurrent_writers_never_fork_the_chain(chain, clock):
    engine, factory = chain
    threads = [threading.Thread(target=_append, args=(factory, clock, 15, f"writer{i}")) for i in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    report = _verify(factory)
    assert report.ok and report.rows == 5 + 45


def test_a_rebuilt_chain_is_caught_against_a_checkpoint(chain, clock):
    engine, factory = chain
    with factory() as s:
        anchor = audit_chain.checkpoint(s)
    assert anchor.rows == 5 and _verify_with(factory, anchor).ok
    _disable_guards(engine)
    # An attacker edits row 3 and recomputes every later hash: the chain alone looks sound.
    with engine.begin() as c:
        c.execute(text("UPDATE audit_event SET username = 'someone else' WHERE id = 3"))
    with factory.begin() as s:
        prev = s.get(audit_chain.AuditEvent, 2).hash
        for i in range(3, 6):
            row = s.get(audit_chain.AuditEvent, i)
            row.prev_hash = prev
            row.hash = prev = audit_chain.row_hash(row)
        s.execute(text("UPDATE audit_head SET hash = :h WHERE id = 1"), {"h": prev})
    assert _verify(factory).ok
    report = _verify_with(factory, anchor)
    assert not report.ok and report.first_bad_id == 5 and "rebuilt" in report.problem


def _verify_with(factory, anchor):
    with factory() as s:
        return audit_chain.verify(s, anchor)
