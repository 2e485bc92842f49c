import json

from pypdf import PdfReader

from rso_manager.cli import run
from rso_manager.database import open_database
from tests.conftest import PASSWORD
from tests.sign_in import code_now, enrol


def _lead_with_code(sqlite_url, clock, monkeypatch):
    """The OMU lead signs in with a one-time code; returns how to give the next fresh one."""
    engine, svc = open_database(sqlite_url, clock)
    secret, _ = enrol(svc, "lead")
    engine.dispose()

    def next_code():
        clock.advance(seconds=30)  # a code is never accepted twice
        monkeypatch.setenv("RSO_TOTP_CODE", code_now(secret, clock))
    return next_code


def test_report_compliance_writes_pdf_and_json(sqlite_url, clock, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("RSO_PASSWORD", PASSWORD)
    next_code = _lead_with_code(sqlite_url, clock, monkeypatch)
    common = ["--db", sqlite_url, "report", "compliance", "--user", "lead", "--from", "2026-06-01",
              "--to", "2026-11-25"]
    next_code()
    assert run([*common, "--scope", "team", "North", "--out", str(tmp_path / "c.json")], clock=clock) == 0
    figures = json.loads((tmp_path / "c.json").read_text())
    assert figures["marking"] == "OFFICIAL-SENSITIVE"
    next_code()
    assert run([*common, "--out", str(tmp_path / "c.pdf")], clock=clock) == 0
    reader = PdfReader(tmp_path / "c.pdf")
    assert all("OFFICIAL-SENSITIVE" in page.extract_text() for page in reader.pages)
    assert (tmp_path / "c.pdf").stat().st_mode & 0o077 == 0


def test_report_refuses_an_unknown_team_and_an_offender_manager(sqlite_url, clock, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("RSO_PASSWORD", PASSWORD)
    next_code = _lead_with_code(sqlite_url, clock, monkeypatch)
    args = ["--db", sqlite_url, "report", "compliance", "--from", "2026-06-01", "--to", "2026-11-25",
            "--out", str(tmp_path / "c.pdf")]
    next_code()
    assert run([*args[:4], "--user", "lead", *args[4:], "--scope", "team", "Nowhere"], clock=clock) == 2
    assert "North" in capsys.readouterr().err
    assert run([*args[:4], "--user", "om", *args[4:]], clock=clock) == 2
    assert not (tmp_path / "c.pdf").exists()
