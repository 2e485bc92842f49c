import json

from pypdf import PdfReader

from rso_manager.cli import run
from tests.conftest import PASSWORD


def test_report_compliance_writes_pdf_and_json(sqlite_url, clock, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("RSO_PASSWORD", PASSWORD)
    common = ["--db", sqlite_url, "report", "compliance", "--user", "lead", "--from", "2026-06-01",
              "--to", "2026-11-25"]
    assert run([*common, "--scope", "team", "North", "--out", str(tmp_path / "c.json")], clock=clock) == 0
    figures = json.loads((tmp_path / "c.json").read_text())
    assert figures["marking"] == "OFFICIAL-SENSITIVE"
    assert run([*common, "--out", str(tmp_path / "c.pdf")], clock=clock) == 0
    reader = PdfReader(tmp_path / "c.pdf")
    assert all("OFFICIAL-SENSITIVE" in page.extract_text() for page in reader.pages)
    assert (tmp_path / "c.pdf").stat().st_mode & 0o077 == 0


def test_report_refuses_an_unknown_team_and_an_offender_manager(sqlite_url, clock, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("RSO_PASSWORD", PASSWORD)
    args = ["--db", sqlite_url, "report", "compliance", "--from", "2026-06-01", "--to", "2026-11-25",
            "--out", str(tmp_path / "c.pdf")]
    assert run([*args[:4], "--user", "lead", *args[4:], "--scope", "team", "Nowhere"], clock=clock) == 1
    assert "North" in capsys.readouterr().err
    assert run([*args[:4], "--user", "om", *args[4:]], clock=clock) == 1
    assert not (tmp_path / "c.pdf").exists()
