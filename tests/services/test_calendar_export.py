"""Booked visits out to a calendar (issue 17 part 3): parsed back with icalendar, the same UIDs
on a second export (a re-import updates), SEQUENCE following the booking's saves, a visit
marked entered in error going out as CANCELLED, no names or addresses unless an administrator
allows it, and every export audited."""

from __future__ import annotations

import json
from datetime import date, datetime

import pytest
from icalendar import Calendar
from sqlalchemy import select

from rso_manager.clock import LONDON
from rso_manager.persistence import models as m
from rso_manager.services import caseload, visits
from rso_manager.services.caseload import OffenderDraft
from rso_manager.services.errors import PermissionDenied, ValidationFailed
from rso_manager.services.exchange import calendar
from tests.opening import open_case

THURSDAY, FRIDAY = date(2026, 11, 26), date(2026, 11, 27)


def _case(services, world, surname="Calcase"):
    rec = caseload.create_offender(services, world.om, OffenderDraft(
        surname=surname, forenames="Carl", date_of_birth=date(1980, 1, 1),
        offender_manager_id=world.om.user_id, team_id=world.team_id))
    caseload.add_address(services, world.om, rec.offender_id, kind="home", line1="1 Fictional Row",
                         town="Northam", postcode="ZZ1 1ZZ", from_date=date(2026, 1, 1))
    return rec


def _book(services, world, rec, on=FRIDAY, band="evening"):
    return visits.book_visit(services, world.om, rec.offender_id, on=on, time_band=band,
                             officer_ids=(world.om.user_id, world.supervisor.user_id),
                             reason="Booked for the test week as the officers are free then")


def _parse(path):
    cal = Calendar.from_ical(path.read_bytes())
    return {str(e["UID"]): e for e in cal.walk("VEVENT")}


def test_booked_visits_parse_back_with_only_what_a_calendar_may_hold(services, world, tmp_path):
    rec = _case(services, world)
    vid = _book(services, world, rec)
    path = tmp_path / "week.ics"
    done = calendar.export_week(services, world.om, week_of=THURSDAY, path=str(path))
    assert (done.events, done.cancelled, done.week_start) == (1, 0, date(2026, 11, 23))
    events = _parse(path)
    [(uid, ev)] = events.items()
    assert uid.startswith(f"visit-{vid}@")
    assert str(ev["STATUS"]) == "CONFIRMED"
    assert ev.decoded("DTSTART") == datetime(2026, 11, 27, 17, 0, tzinfo=LONDON)  # the evening band
    assert ev.decoded("DTEND") == datetime(2026, 11, 27, 21, 0, tzinfo=LONDON)
    text = path.read_text(encoding="utf-8")
    assert rec.reference in str(ev["SUMMARY"]) and "Olly Manager and Sam Supervisor" in str(ev["DESCRIPTION"])
    assert "BEGIN:VTIMEZONE" in text and "Europe/London" in text
    for personal in ("CALCASE", "Calcase", "Carl", "Fictional Row", "ZZ1"):
        assert personal not in text
    assert "LOCATION" not in ev
    with services.session_factory() as s:
        row = s.scalar(select(m.AuditEvent).where(m.AuditEvent.action == calendar.EXPORT_ACTION))
    details = json.loads(row.details_json)
    assert row.user_id == world.om.user_id
    assert details["visit_ids"] == [vid] and details["references"] == [rec.reference]
    assert details["personal"] is False


def test_a_second_export_keeps_the_uids_and_a_voided_visit_goes_out_cancelled(services, world, tmp_path):
    rec = _case(services, world)
    other = _case(services, world, "Calother")
    vid = _book(services, world, rec)
    vid2 = _book(services, world, other, on=THURSDAY, band="morning")
    first = _parse(_export(services, world, tmp_path / "one.ics"))
    open_case(services, world.om, rec.offender_id)
    booked = next(b for b in visits.visit_defaults(services, world.om, rec.offender_id).bookings)
    visits.rebook_visit(services, world.om, vid, booked.version_id, on=FRIDAY, time_band="afternoon",
                        officer_ids=(world.om.user_id, world.supervisor.user_id))
    open_case(services, world.om, other.offender_id)
    with services.session_factory() as s:
        version = s.get(m.Visit, vid2).version_id
    caseload.void_entry(services, world.om, "visit", vid2, version, "Booked on the wrong case by mistake")
    second = _parse(_export(services, world, tmp_path / "two.ics"))
    assert set(first) == set(second) and len(second) == 2  # the same events, updated
    moved = next(e for u, e in second.items() if u.startswith(f"visit-{vid}@"))
    before = next(e for u, e in first.items() if u.startswith(f"visit-{vid}@"))
    assert int(moved["SEQUENCE"]) > int(before["SEQUENCE"])
    assert moved.decoded("DTSTART").hour == 12 and moved.decoded("LAST-MODIFIED") >= before.decoded("LAST-MODIFIED")
    cancelled = next(e for u, e in second.items() if u.startswith(f"visit-{vid2}@"))
    assert str(cancelled["STATUS"]) == "CANCELLED"


def _export(services, world, path, actor=None):
    calendar.export_week(services, actor or world.om, week_of=THURSDAY, path=str(path))
    return path


def test_names_and_addresses_only_once_an_administrator_allows_it(services, world, tmp_path):
    rec = _case(services, world)
    _book(services, world, rec)
    with pytest.raises(PermissionDenied):
        calendar.set_include_personal(services, world.om, True, "Officers want the address in Outlook")
    with pytest.raises(ValidationFailed) as bad:
        calendar.set_include_personal(services, world.admin, True, "")
    assert bad.value.for_field("reason")
    calendar.set_include_personal(services, world.admin, True,
                                  "The force's calendars are on managed devices only since April")
    assert calendar.include_personal(services)
    ev = next(iter(_parse(_export(services, world, tmp_path / "p.ics")).values()))
    assert "CALCASE, Carl" in str(ev["SUMMARY"]) and "1 Fictional Row" in str(ev["LOCATION"])
    with services.session_factory() as s:
        change = s.scalar(select(m.AuditEvent).where(m.AuditEvent.action == "setting.change"))
    assert json.loads(change.details_json) == {"key": calendar.PERSONAL_SETTING, "before": False, "after": True}


def test_the_team_week_for_a_supervisor_and_nothing_outside_the_link(services, world, tmp_path):
    rec = _case(services, world)
    _book(services, world, rec)
    team = _parse(_export(services, world, tmp_path / "team.ics", world.supervisor))
    assert len(team) == 1
    elsewhere = _parse(_export(services, world, tmp_path / "south.ics", world.om2))
    assert elsewhere == {}  # another team's officer: an empty calendar, not their visits
    with pytest.raises(PermissionDenied):
        calendar.export_week(services, world.admin, week_of=THURSDAY, path=str(tmp_path / "a.ics"))
    assert not (tmp_path / "a.ics").exists()
