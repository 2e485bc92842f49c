import json
from contextlib import closing

from rso_manager.cli import run
from rso_manager.clock import FixedClock
from rso_manager.persistence import audit_chain
from rso_manager.persistence.engine import make_engine, make_session_factory, raw_sqlite_connection


def _add_activity(url, clock, count):
    """Audit rows after the demo load, so the tampered row sits inside the chain."""
    engine = make_engine(url)
    try:
        with make_session_factory(engine).begin() as s:
            for n in range(count):
                audit_chain.append(s, occurred_at=clock.now(), user_id=None, username="lead",
                                   role="omu_lead", action="record.open", entity="offender",
                                   entity_id=n + 1, offender_id=n + 1, reason="case_management")
    finally:
        engine.dispose()


def test_demo_then_verify_then_tamper(tmp_path, capsys):
    path = tmp_path / "demo.db"
    url = f"sqlite:///{path}"
    clock = FixedClock()

    assert run(["--db", url, "demo", "--offenders", "200"], clock=clock) == 0
    out = capsys.readouterr().out
    assert "200 offenders" in out and "demo password for training only" in out
    assert "ANALYZE" not in out  # SQLite plans without statistics of its own
    _add_activity(url, clock, 2)

    assert run(["--db", url, "audit", "verify"]) == 0
    report = json.loads(capsys.readouterr().out)
    # The keyed start, the stations' seal, one seal per demo batch, demo.generate, two openings;
    # the demo run wrote a signed checkpoint as it closed the database.
    assert report | {"head_hash": None, "records": None} == {
        "ok": True, "rows": 6, "head_hash": None, "checkpoints": 1, "records": None}
    # Reading the trail is itself audited.
    with closing(raw_sqlite_connection(path)) as db:
        assert db.execute("SELECT count(*) FROM audit_event WHERE action = 'audit.read'").fetchone()[0] == 1
    assert report["records"]["checked"] > 200 and report["records"]["unsealed_from_before_seals"] == 0

    # An attacker with the file: drop the guard, then quietly rewrite history.
    with closing(raw_sqlite_connection(path)) as db:
        db.execute("DROP TRIGGER audit_event_no_update")
        db.execute("UPDATE audit_event SET username = 'someone_else' WHERE id = 2")
        db.commit()

    assert run(["--db", url, "audit", "verify"]) == 1
    captured = capsys.readouterr()
    report = json.loads(captured.out)
    assert report["ok"] is False and report["first_bad_id"] == 2 and report["rows_verified"] == 1
    assert "row 2" in report["problem"] and "BROKEN at row 2" in captured.err


def test_files_the_app_creates_are_private(tmp_path):
    import os
    import stat

    from rso_manager.cli import run

    old = os.umask(0o022)
    try:
        assert run(["--db", f"sqlite:///{tmp_path / 'new.db'}", "demo", "--offenders", "1"]) == 0
    finally:
        os.umask(old)
    mode = stat.S_IMODE((tmp_path / "new.db").stat().st_mode)
    assert mode & 0o077 == 0, oct(mode)
