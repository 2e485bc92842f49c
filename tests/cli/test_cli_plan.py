import json
from datetime import UTC, date, datetime

from rso_manager.cli import run
from rso_manager.services import caseload, visits
from rso_manager.services.caseload import OffenderDraft
from tests.conftest import PASSWORD


def test_plan_prints_json_proposals(sqlite_url, sqlite_services, world, clock, capsys, monkeypatch):
    rec = caseload.create_offender(sqlite_services, world.om, OffenderDraft(
        surname="Marrowby", forenames="Test", date_of_birth=date(1970, 1, 1),
        offender_manager_id=world.om.user_id, team_id=world.team_id))
    visits.record_visit(sqlite_services, world.om, visits.VisitInput(
        rec.offender_id, datetime(2026, 10, 1, 18, tzinfo=UTC), "seen",
        officer_ids=(world.om.user_id, world.supervisor.user_id)))
    monkeypatch.setenv("RSO_PASSWORD", PASSWORD)
    code = run(["--db", sqlite_url, "plan", "--user", "om", "--as-of", "2026-11-25", "--days", "30", "--json"], clock=clock)
    assert code == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["reference"] for r in rows] == [rec.reference]
    assert rows[0]["time_band"] in {"morning", "afternoon", "evening"}
    assert len(rows[0]["officers"]) == 2


def test_plan_rejects_a_bad_date_with_a_clear_message(sqlite_url, capsys):
    try:
        run(["--db", sqlite_url, "plan", "--user", "om", "--as-of", "25/11/2026"])
    except SystemExit as exc:
        assert exc.code == 2
    assert "use YYYY-MM-DD" in capsys.readouterr().err
