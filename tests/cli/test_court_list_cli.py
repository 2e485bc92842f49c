"""`court-list match FILE`: a court list matched against the watch for scripts; it records nothing."""

import argparse
import json
from datetime import date

import pytest
from sqlalchemy import func, select

from rso_manager import court_list_cli
from rso_manager.persistence import models as m
from rso_manager.services import court_watch, users
from rso_manager.services.errors import ValidationFailed
from tests.conftest import PASSWORD

CSV = (b"Name,DOB,PNC,Court,Hearing date,Result\n"
       b"\"CLILISTED, Example\",09/04/1981,,Northmoor Crown Court,25/11/2026,Guilty\n"
       b"Nobody KNOWNHERE,01/01/1960,,Northmoor Crown Court,25/11/2026,Guilty\n")


def _run(services, *argv) -> int:
    parser = argparse.ArgumentParser()
    court_list_cli.add_parser(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["court-list", "match", *argv])
    return court_list_cli.run(services, args, lambda svc, name: users.login(svc, name, PASSWORD))


def test_match_prints_the_proposed_matches_and_records_no_outcome(sqlite_services, world, tmp_path, capsys):
    cp = court_watch.record_charged_person(sqlite_services, world.om, court_watch.ChargeInput(
        surname="Clilisted", forenames="Example", date_of_birth=date(1981, 4, 9), charged_on=date(2026, 11, 2),
        offences=(court_watch.OffenceInput("Sexual assault (SOA 2003 s.3)"),), first_hearing_on=date(2026, 11, 25)))
    path = tmp_path / "list.csv"
    path.write_bytes(CSV)
    assert _run(sqlite_services, str(path), "--user", "om", "--json") == 0
    out = json.loads(capsys.readouterr().out)
    first, second = out["rows"]
    assert first["row"] == 2 and first["candidates"][0]["watch_reference"] == cp.reference
    assert first["candidates"][0]["hearing_on_the_watch"] and second["candidates"] == []
    assert _run(sqlite_services, str(path), "--user", "om") == 0
    text = capsys.readouterr().out
    assert "Row 2: CLILISTED, Example" in text and "nobody on the watch fits" in text and "Nothing is recorded" in text
    with sqlite_services.session_factory() as s:
        assert s.scalar(select(func.count()).select_from(m.CourtHearing).where(m.CourtHearing.outcome.is_not(None))) == 0
        assert s.scalar(select(func.count()).select_from(m.AuditEvent).where(
            m.AuditEvent.action == "court_list.match")) == 2


def test_a_bad_file_names_the_row_and_column(sqlite_services, world, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_bytes(b"Name,Hearing date\nA PERSON,notadate\n")
    with pytest.raises(ValidationFailed) as caught:
        _run(sqlite_services, str(path), "--user", "om")
    assert "Row 2, hearing_on" in caught.value.for_field("file")
