"""`search TEXT`: the force-wide search for scripts, signed in like `plan`."""

import argparse
import json
from datetime import date

from rso_manager import search_cli
from rso_manager.services import caseload, devices, users
from rso_manager.services.caseload import OffenderDraft
from rso_manager.services.devices import DeviceInput
from tests.conftest import PASSWORD


def _run(services, *argv) -> int:
    parser = argparse.ArgumentParser()
    search_cli.add_parser(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["search", *argv])
    return search_cli.run(services, args, lambda svc, name: users.login(svc, name, PASSWORD))


def test_search_prints_cases_and_what_matched(sqlite_services, world, capsys):
    rec = caseload.create_offender(sqlite_services, world.om, OffenderDraft(
        surname="Marrowby", forenames="Test", date_of_birth=date(1970, 1, 1),
        offender_manager_id=world.om.user_id, team_id=world.team_id))
    devices.declare_device(sqlite_services, world.om, rec.offender_id, DeviceInput(
        "phone", "Pixel", phone_number="07700 900123", declared_on=date(2026, 11, 1)))
    assert _run(sqlite_services, "+44", "7700", "900123", "--user", "om", "--json") == 0
    out = json.loads(capsys.readouterr().out)
    assert [h["reference"] for h in out["hits"]] == [rec.reference]
    assert out["hits"][0]["matches"][0]["sentence"] == f"phone 07700 900123 is a declared device of {rec.reference}"
    assert _run(sqlite_services, "marowby", "--user", "om2") == 0
    text = capsys.readouterr().out
    assert f"{rec.reference}  MARROWBY, Test" in text and "outside your caseload" in text
    assert "07700" not in text
