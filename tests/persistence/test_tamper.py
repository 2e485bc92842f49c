"""Issue 11: edits, inserts and deletes behind the app's back, in the case tables and in the audit
table (guards dropped, hashes recomputed with the project's own unkeyed function, head fixed up),
are each named by `audit verify`, with no checkpoint exported by hand."""

import json
from datetime import date

import pytest
from sqlalchemy import select, text

from rso_manager.cli import run
from rso_manager.persistence import audit_chain, audit_checkpoints
from rso_manager.persistence.audit_key import load
from rso_manager.persistence.engine import make_engine, make_session_factory
from rso_manager.persistence.models import AuditEvent
from rso_manager.services import caseload
from rso_manager.services.caseload import AccessReason, OffenderDraft
from tests import pg_server


def _draft(world, **kw):
    return OffenderDraft(**{**dict(surname="Testcase", forenames="Alpha", date_of_birth=date(1980, 1, 1),
                                   offender_manager_id=world.om.user_id, team_id=world.team_id), **kw})


@pytest.fixture
def casework(services, world, db_url):
    """Three offenders recorded and opened through the app, then the app closes (checkpoint)."""
    ids = [caseload.create_offender(services, world.om, _draft(world, surname=f"Testcase{i}")).offender_id
           for i in range(3)]
    caseload.open_record(services, world.om, ids[0], AccessReason.CASE_MANAGEMENT, "preparing a visit")
    assert audit_checkpoints.write_on_close(services.session_factory, "2026-11-25T10:00:00+00:00")
    return ids


@pytest.fixture
def behind_the_back(db_url):
    """A connection the app's rules do not bind: the file itself, or PostgreSQL's superuser."""
    url = db_url if db_url.startswith("sqlite") else pg_server.as_user(db_url, pg_server.SUPERUSER)
    engine = make_engine(url)
    yield engine
    engine.dispose()


def _verify(services):
    key = load()
    with services.session_factory() as s:
        log = audit_checkpoints.read(audit_checkpoints.log_for(s, key), key)
        return audit_chain.verify(s, key=key, checkpoints=log.checkpoints)


def _drop_audit_guards(engine):
    with engine.begin() as c:
        if engine.dialect.name == "sqlite":
            for name in ("audit_event_no_update", "audit_event_no_delete", "audit_event_insert_extends_chain"):
                c.execute(text(f"DROP TRIGGER {name}"))
        else:
            c.execute(text("ALTER TABLE audit_event DISABLE TRIGGER USER"))


def test_the_untouched_database_verifies(services, casework):
    report = _verify(services)
    assert report.ok, (report.problem, report.record_problems)
    assert report.checkpoints >= 1 and report.records_checked > 3 and report.records_unsealed == 0


def test_a_case_row_edited_inserted_or_deleted_behind_the_back_is_named(services, casework, behind_the_back):
    first, second, third = casework
    with behind_the_back.begin() as c:
        c.execute(text("UPDATE offender SET surname = 'Someone Else' WHERE id = :i"), {"i": first})
        c.execute(text("UPDATE offender SET mappa_level = 3 WHERE id = :i"), {"i": second})
        address = c.execute(text(
            "INSERT INTO address (offender_id, kind, line1, from_date, notified, version_id, created_at) "
            "VALUES (:o, 'home', '1 Hidden Lane', '2026-01-01', true, 1, '2026-01-01 00:00:00') RETURNING id"),
            {"o": third}).scalar_one()
        c.execute(text("DELETE FROM consultation WHERE offender_id = :i"), {"i": first})
    report = _verify(services)
    assert not report.ok and report.problem is None  # the chain itself is sound
    problems = set(report.record_problems)
    assert f"offender {first} was changed outside the app" in problems
    assert f"offender {second} was changed outside the app" in problems
    assert f"address {address} was inserted outside the app" in problems
    assert any(p.startswith("consultation ") and p.endswith("was deleted outside the app") for p in problems)
    assert report.record_problem_count == len(problems)
    assert all(p.endswith("outside the app") for p in problems)


def test_a_forged_seal_does_not_help(services, casework, behind_the_back):
    """Rewriting the audit chain to carry a seal for the edited row needs the key."""
    first = casework[0]
    _drop_audit_guards(behind_the_back)
    with behind_the_back.begin() as c:
        c.execute(text("UPDATE offender SET surname = 'Someone Else' WHERE id = :i"), {"i": first})
        last = c.execute(text("SELECT max(id) FROM audit_event")).scalar_one()
        c.execute(text("UPDATE audit_event SET seal = NULL WHERE id = :i"), {"i": last})
    report = _verify(services)
    assert not report.ok and report.first_bad_id == last and "altered" in report.problem


def test_the_tail_deleted_and_the_head_fixed_is_named_by_the_automatic_checkpoint(
        services, casework, behind_the_back):
    _drop_audit_guards(behind_the_back)
    with behind_the_back.begin() as c:
        last = c.execute(text("SELECT max(id) FROM audit_event")).scalar_one()
        c.execute(text("DELETE FROM audit_event WHERE id >= :i"), {"i": last - 1})
        c.execute(text("UPDATE audit_head SET seq = :n, hash = (SELECT hash FROM audit_event WHERE id = :n) "
                       "WHERE id = 1"), {"n": last - 2})
    report = _verify(services)
    assert not report.ok and "removed from the end" in report.problem and "checkpoint" in report.problem


def test_a_chain_rewritten_with_the_unkeyed_hash_is_named(services, casework, behind_the_back):
    """The attacker rewrites a row and re-chains every later one with the project's own unkeyed
    function, as the old format allowed; the head is fixed too."""
    _drop_audit_guards(behind_the_back)
    factory = make_session_factory(behind_the_back)
    with factory.begin() as s:
        start = s.scalar(select(AuditEvent.id).where(AuditEvent.action == "record.open"))
        prev = s.get(AuditEvent, start - 1).hash
        for row in s.scalars(select(AuditEvent).where(AuditEvent.id >= start).order_by(AuditEvent.id)):
            if row.id == start:
                row.reason = "nothing to see"
            row.key_id, row.seal, row.prev_hash = None, None, prev
            row.hash = prev = audit_chain.unkeyed_hash(row)
        s.execute(text("UPDATE audit_head SET hash = :h WHERE id = 1"), {"h": prev})
    report = _verify(services)
    assert not report.ok and report.first_bad_id == start and "without the audit key" in report.problem


def test_the_whole_chain_rewritten_unkeyed_is_named_by_the_checkpoint(services, casework, behind_the_back):
    _drop_audit_guards(behind_the_back)
    factory = make_session_factory(behind_the_back)
    with factory.begin() as s:
        prev = audit_chain.GENESIS
        for row in s.scalars(select(AuditEvent).order_by(AuditEvent.id)):
            row.key_id, row.seal, row.prev_hash = None, None, prev
            row.hash = prev = audit_chain.unkeyed_hash(row)
        s.execute(text("UPDATE audit_head SET hash = :h WHERE id = 1"), {"h": prev})
    report = _verify(services)
    assert not report.ok and "rebuilt" in report.problem
    with services.session_factory() as s:  # and without the checkpoint log too
        report = audit_chain.verify(s)
    assert not report.ok and report.first_bad_id == 1 and "without the audit key" in report.problem


def test_audit_verify_on_the_command_line_names_each_problem(sqlite_services, world, sqlite_url, capsys):
    oid = caseload.create_offender(sqlite_services, world.om, _draft(world)).offender_id
    assert run(["--db", sqlite_url, "audit", "verify"]) == 0  # and leaves a checkpoint behind
    ok = json.loads(capsys.readouterr().out)
    assert ok["ok"] and ok["records"]["checked"] > 0
    engine = make_engine(sqlite_url)
    with engine.begin() as c:
        c.execute(text("UPDATE offender SET forenames = 'Changed' WHERE id = :i"), {"i": oid})
    _drop_audit_guards(engine)
    with engine.begin() as c:
        last = c.execute(text("SELECT max(id) FROM audit_event")).scalar_one()
        c.execute(text("DELETE FROM audit_event WHERE id = :i"), {"i": last})
        c.execute(text("UPDATE audit_head SET seq = seq - 1, hash = (SELECT hash FROM audit_event "
                       "WHERE id = :i) WHERE id = 1"), {"i": last - 1})
    engine.dispose()
    assert run(["--db", sqlite_url, "audit", "verify"]) == 1
    captured = capsys.readouterr()
    report = json.loads(captured.out)
    assert report["ok"] is False and "removed from the end" in report["problem"]
    assert "rows have been removed from the end" in captured.err


def test_a_wrong_audit_key_is_named(services, casework, monkeypatch):
    monkeypatch.setenv("RSO_AUDIT_KEY", "a different desktop's audit key")
    report = _verify(services)
    assert not report.ok and "the audit key does not match this database" in report.problem


def test_a_moment_moved_behind_the_back_is_named_even_by_a_microsecond(services, casework, behind_the_back):
    """The moments are checked as the file keeps them on SQLite (record_seal.select_stored): a
    created_at moved by a microsecond, or rewritten in another spelling of the same instant, is
    still a change, and an untouched one is not."""
    first, second, _third = casework
    with behind_the_back.begin() as c:
        moved = c.execute(text("SELECT created_at FROM offender WHERE id = :i"), {"i": first}).scalar_one()
        stamp = moved if isinstance(moved, str) else moved.strftime("%Y-%m-%d %H:%M:%S.%f")
        later = stamp[:-1] + ("1" if stamp[-1] != "1" else "2")  # the last digit of the microseconds
        c.execute(text("UPDATE offender SET created_at = :t WHERE id = :i"), {"t": later, "i": first})
    report = _verify(services)
    assert set(report.record_problems) == {f"offender {first} was changed outside the app"}


@pytest.mark.parametrize("moment", [
    "2026-11-25 10:00:00.000000", "2026-11-25 10:00:00.000100", "2026-03-29 00:59:59.999999",
    "2024-02-29 23:00:00.500000", "2026-11-25 10:00:00", "2026-11-25T10:00:00.000001",
])
def test_a_stored_moment_has_the_text_of_the_moment_read_back(moment):
    from datetime import UTC, datetime

    from rso_manager.persistence import record_seal

    read_back = datetime.fromisoformat(moment).replace(tzinfo=UTC)  # as TZDateTime gives it
    assert record_seal._stored_moment_text(moment) == record_seal._text(read_back)
