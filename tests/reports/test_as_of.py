"""A compliance summary as of a past day is the record as it stood then: printed again after more
work has been recorded, it is the same document (issue 12).

Built through the workflow services, on SQLite and PostgreSQL, so every later change is one a
user can make: visits (one typed in late with an earlier time), notifications, a risk
assessment dated back, a breach closed with a crime reference, a void, and a new case.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

from sqlalchemy import select

from rso_manager.domain.notification_period import DisposalKind
from rso_manager.persistence import models as m
from rso_manager.reports.compliance_figures import Scope
from rso_manager.services import breaches, caseload, reports, safeguarding, visits
from rso_manager.services import notifications as nt
from rso_manager.services.caseload import OffenderDraft
from tests.opening import open_case

PERIOD = (date(2026, 8, 1), date(2026, 9, 30))
AS_OF = date(2026, 9, 30)


def at(y, mo, d, h=10, mi=0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=UTC)


def _case(services, world, surname):
    return caseload.create_offender(services, world.om, OffenderDraft(
        surname=surname, forenames="Test", date_of_birth=date(1980, 1, 1),
        offender_manager_id=world.om.user_id, team_id=world.team_id)).offender_id


def _visit(services, world, oid, when):
    return visits.record_visit(services, world.om, visits.VisitInput(
        oid, when, "seen", officer_ids=(world.om.user_id, world.om2.user_id))).visit_id


def _station(services) -> int:
    return next(s.station_id for s in nt.list_stations(services) if s.designated)


def _take(services, world, oid, kind, **kw):
    return nt.take_notification(services, world.om, oid, nt.NotificationInput(
        kind=kind, station_id=_station(services), method=nt.IN_PERSON, in_person=True,
        fingerprints_taken=True, photographs_taken=True, **kw))


def _print(services, world) -> dict:
    body = json.loads(reports.compliance_report(services, world.lead, Scope(), *PERIOD, AS_OF, fmt="json"))
    body.pop("generated_at")
    return body


def test_a_past_day_prints_the_same_after_more_work_is_recorded(services, world, clock):
    # August: two cases start. Alder is very high risk, seen at home on 03/08 (monthly visits,
    # so overdue from 03/09) and notified on time; Birch has an open breach with no decision.
    clock.current = at(2026, 8, 3)
    alder, birch = _case(services, world, "Alder"), _case(services, world, "Birch")
    nt.record_conviction(services, world.om, alder, nt.ConvictionInput(
        court="Northam Crown Court", convicted_on=date(2026, 8, 1), offence="Sexual assault (s.3)",
        disposal=DisposalKind.IMPRISONMENT, sentence_months=12, source="court_list"))
    visits.record_risk_assessment(services, world.om, alder, tool="RM2000", level="very_high",
                                  assessed_on=date(2026, 8, 3))
    visits.record_risk_assessment(services, world.om, birch, tool="RM2000", level="medium",
                                  assessed_on=date(2026, 8, 3))
    first_visit = _visit(services, world, alder, at(2026, 8, 3, 9))
    _visit(services, world, birch, at(2026, 8, 3, 8))
    _take(services, world, alder, "initial")
    breach = breaches.open_manual_breach(services, world.om, birch, breaches.BreachInput(
        occurred_on=date(2026, 8, 3), duty="biometrics",
        description="Refused to let the officer take a photograph at the visit"))

    safeguarding.add_action(services, world.om, birch, "Check the new address with the landlord",
                            world.om.user_id, date(2026, 9, 20))
    # 28/09: a referral to children's social care, whose decision was due by the end of 29/09.
    clock.current = at(2026, 9, 28, 10)
    concern = safeguarding.record_concern(services, world.om, birch, "Seen with a child at the park",
                                          at(2026, 9, 28, 8))
    referral = safeguarding.record_referral(services, world.om, concern.id, concern.version_id,
                                            at(2026, 9, 28, 9), "Northam CSC", None, sent_method="phone")

    clock.current = at(2026, 10, 1, 9)
    before = _print(services, world)
    assert [r["reference"] for r in before["visits"]["overdue"]] == [_reference(services, alder)]
    assert before["visits"]["overdue"][0]["needed"] == "Home visit: due by 03/09/2026"
    assert [r["reference"] for r in before["breaches"]["open_without_decision"]] == [_reference(services, birch)]
    assert before["caseload"]["total"] == 2 and before["notifications"]["made_in_period"] == 1
    assert {c["key"]: c["count"] for c in before["caseload"]["by_risk"]}["very_high"] == 1
    assert any("landlord" in r["needed"] for r in before["actions_overdue"])
    assert len(before["safeguarding"]["decision_overdue"]) == 1

    # October: the work goes on.
    clock.current = at(2026, 10, 5, 12)
    _visit(services, world, alder, at(2026, 10, 5, 9))
    _visit(services, world, alder, at(2026, 9, 29, 18))  # typed in a week late
    visits.record_risk_assessment(services, world.om, alder, tool="RM2000", level="low",
                                  assessed_on=date(2026, 9, 15))  # dated back into the period
    _take(services, world, alder, "change_name", event_on=date(2026, 10, 2))
    open_case(services, world.om, birch)
    view = breaches.breaches_for(services, world.om, birch)[0]
    assert view.breach_id == breach.breach_id
    breaches.record_crime_reference(services, world.om, breach.breach_id, view.version_id, "NY-26-004321")
    with services.session_factory() as s:
        version = s.scalar(select(m.Visit.version_id).where(m.Visit.id == first_visit))
    caseload.void_entry(services, world.om, "visit", first_visit, version,
                        "Recorded against the wrong case by mistake")
    _case(services, world, "Cedar")
    # Results typed in afterwards, dated back to the as-of day.
    action = next(a for a in safeguarding.actions_for(services, world.om, birch) if "landlord" in a.description)
    safeguarding.record_action_result(services, world.om, action.id, action.version_id,
                                      "Landlord confirmed the tenancy", date(2026, 9, 30))
    safeguarding.record_referral_decision(services, world.om, concern.id, referral.version_id,
                                          "Strategy meeting arranged",
                                          at(2026, 9, 30, 8))
    clock.current = at(2026, 11, 20, 15)

    after = _print(services, world)
    assert after == before
    # Today's figures do see the new work (the report is not simply frozen).
    today = json.loads(reports.compliance_report(services, world.lead, Scope(), date(2026, 10, 1),
                                                 date(2026, 11, 20), date(2026, 11, 20), fmt="json"))
    assert today["caseload"]["total"] == 3 and today["breaches"]["crimes_recorded"] == 1


def _reference(services, oid) -> str:
    with services.session_factory() as s:
        return s.scalar(select(m.Offender.reference).where(m.Offender.id == oid))
