"""The MAPPA meeting summary (issue 15 item 5), on SQLite and PostgreSQL: what it gathers from
each part of the record, the audit row written with the file, and the opening it needs."""

from __future__ import annotations

import json
import stat
from datetime import date

import pytest
from sqlalchemy import select

from rso_manager.persistence import models as m
from rso_manager.services import mappa_summary
from rso_manager.services.errors import NeedsReason, ValidationFailed
from tests.mappa_case import build_case, portrait_png


def test_the_summary_gathers_every_part_of_the_case(services, world, clock):
    case = build_case(services, world, clock)
    s = mappa_summary.meeting_summary(services, world.om, case.offender_id)

    i = s.identity
    assert (i.reference, i.name, i.aliases, i.date_of_birth, i.pnc_id) == (
        case.reference, "ASHDOWN, Martin James", ("Marty Ashe",), date(1978, 4, 12), "78/123456X")
    assert i.current_address == "14 Larch Close, Northam NM4 7QT"
    assert (i.mappa_category, i.mappa_level, i.offender_manager) == (1, 2, "Olly Manager")
    assert s.photograph is not None and s.photograph.image == portrait_png()
    assert s.photograph.taken_on == date(2026, 5, 4)

    [conviction] = s.convictions
    assert conviction.offence == "Sexual assault (s.3)" and conviction.requirement_in_force
    assert conviction.requirement and conviction.requirement_ends_on is not None
    [order] = s.orders
    assert order.title == "SHPO made 20/02/2025 at Northam Crown Court" and order.ends == "Ends 19/02/2030"
    assert order.items == ("Prohibition: Not to have unsupervised contact with any child under 16",)

    assert [(p.assessed_on, p.tool, p.level) for p in s.risk_history] == [
        (date(2025, 3, 3), "RM2000", "high"), (date(2025, 9, 10), "ARMS", "medium"),
        (date(2026, 5, 4), "RM2000", "very_high")]
    assert s.plan is not None and s.plan.effective_from == date(2025, 9, 10)
    headings = {h.heading: h.text for h in s.plan.headings}
    assert list(headings) == ["Supervision", "Monitoring and control", "Interventions", "Victim safety planning",
                              "Contingency"]
    assert headings["Victim safety planning"] == "Previous victim's school told of the prohibition"
    assert headings["Interventions"] is None

    assert [v.notes for v in s.visits] == ["Partner present; phone checked", "Seen alone; new partner mentioned"]
    assert s.visits[0].officers == ("Olly Manager", "Sam Supervisor")
    assert s.visits[0].device_checks == ("Phone Samsung A14 IMEI 356938035643809: checked, nothing of concern",)
    [device] = s.devices
    assert device.last_checked_on == date(2026, 9, 15) and device.declared

    [breach] = s.breaches
    assert breach.description == "Seen in the play area of Larch Park" and breach.status == "open"
    assert breach.decision == "No crime reference or reasoned decision yet"
    assert breach.warnings == ("Oral warning given 01/10/2026 by Olly Manager",)
    [rel] = s.relationships
    assert (rel.person_name, rel.kind, rel.has_children) == ("Joanne Bell", "partner", True)
    # The breach asked for a risk review (RISK_REVIEW_WORKING_DAYS), soonest due first.
    assert [a.description for a in s.open_actions] == [
        "Review the risk assessment after breach on 30/09/2026", "Confirm with Joanne Bell whether her children visit"]
    action = s.open_actions[1]
    assert action.overdue and action.owner == "Olly Manager" and action.due_on == date(2026, 11, 1)


def test_only_the_last_visits_are_shown(services, world, clock):
    case = build_case(services, world, clock, photograph=False)
    s = mappa_summary.meeting_summary(services, world.om, case.offender_id)
    assert s.photograph is None
    assert len(s.visits) == 2 <= s.visits_shown == mappa_summary.VISITS_SHOWN


def test_printing_writes_an_owner_only_file_and_audits_it_in_the_same_transaction(services, world, clock,
                                                                                   tmp_path):
    case = build_case(services, world, clock)
    target = tmp_path / mappa_summary.summary_file_name(case.reference, clock.today())
    assert target.name == f"{case.reference}-mappa-summary-2026-11-25.pdf"
    written = mappa_summary.print_meeting_summary(services, world.om, case.offender_id, target)

    assert written == target and target.read_bytes().startswith(b"%PDF")
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    with services.session_factory() as s:
        [row] = s.scalars(select(m.AuditEvent).where(m.AuditEvent.action == "export.print",
                                                     m.AuditEvent.offender_id == case.offender_id))
    details = json.loads(row.details_json)
    assert (row.username, row.entity, row.entity_id) == ("om", "offender", case.offender_id)
    assert details["document"] == "mappa_meeting_summary" and details["saved_to"] == str(target)
    assert details["bytes"] == len(target.read_bytes()) and details["photograph"] is True


def test_an_unopened_record_is_refused_and_nothing_is_written(services, world, clock, tmp_path):
    case = build_case(services, world, clock)
    target = tmp_path / "summary.pdf"
    with pytest.raises(NeedsReason):
        mappa_summary.meeting_summary(services, world.supervisor, case.offender_id)
    with pytest.raises(NeedsReason):
        mappa_summary.print_meeting_summary(services, world.supervisor, case.offender_id, target)
    assert not target.exists()
    with services.session_factory() as s:
        assert s.scalar(select(m.AuditEvent.id).where(m.AuditEvent.action == "export.print")) is None


def test_a_folder_that_does_not_exist_is_a_field_problem(services, world, clock, tmp_path):
    case = build_case(services, world, clock, photograph=False)
    with pytest.raises(ValidationFailed) as raised:
        mappa_summary.print_meeting_summary(services, world.om, case.offender_id, tmp_path / "nowhere" / "s.pdf")
    assert [p.field for p in raised.value.problems] == ["path"]
