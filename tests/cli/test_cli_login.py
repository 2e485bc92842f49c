"""The command line's sign-in: a one-time code from RSO_TOTP_CODE for accounts that have one."""

from rso_manager.cli import run
from rso_manager.database import open_database
from tests.conftest import PASSWORD
from tests.sign_in import code_now, enrol


def _enrol_lead(sqlite_url, clock) -> str:
    engine, services = open_database(sqlite_url, clock)
    secret, _codes = enrol(services, "lead")
    engine.dispose()
    return secret


def test_the_cli_takes_the_sign_in_code_from_the_environment(sqlite_url, clock, tmp_path, monkeypatch, capsys):
    secret = _enrol_lead(sqlite_url, clock)
    monkeypatch.setenv("RSO_PASSWORD", PASSWORD)
    monkeypatch.delenv("RSO_TOTP_CODE", raising=False)
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    args = ["--db", sqlite_url, "report", "compliance", "--user", "lead", "--from", "2026-06-01",
            "--to", "2026-11-25", "--out", str(tmp_path / "c.json")]
    assert run(args, clock=clock) == 2
    assert "RSO_TOTP_CODE" in capsys.readouterr().err
    monkeypatch.setenv("RSO_TOTP_CODE", code_now(secret, clock))
    assert run(args, clock=clock) == 0
    assert run(args, clock=clock) == 2  # the same code again: refused, never accepted twice
    assert "used already" in capsys.readouterr().err
