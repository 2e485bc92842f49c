"""The compliance summary: every figure of a known caseload, the JSON twin, the PDF text, the audit.

The caseload is built row by row (not through the workflow services) so each exception exists
exactly once and every number below can be worked out by hand from the comments.
Clock: 25/11/2026 10:00 UTC. Period 01/10/2026 to 25/11/2026, as of 25/11/2026.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime
from io import BytesIO

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from rso_manager.persistence import models as m
from rso_manager.reports.compliance_figures import ReportSettings, Scope, compute, to_json
from rso_manager.reports.compliance_pdf import MARKING, build_pdf
from rso_manager.services import reports
from rso_manager.services.errors import PermissionDenied, ValidationFailed

PERIOD = (date(2026, 10, 1), date(2026, 11, 25))
AS_OF = date(2026, 11, 25)
LATER_REVIEW = date(2027, 6, 1)


def at(y, mo, d, h=10, mi=0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=UTC)


CREATED = at(2026, 1, 5)
SEEN = at(2026, 8, 20)  # before any period here: the last home visit of cases without their own


class Builder:
    """Direct inserts with the few columns each row needs."""

    def __init__(self, s, world):
        self.s, self.w = s, world

    def add(self, obj):
        if hasattr(obj, "created_at") and obj.created_at is None:
            obj.created_at = CREATED
        self.s.add(obj)
        self.s.flush()
        return obj

    def offender(self, ref, surname, *, om=None, team=None, status="active", risk="low", mappa=1,
                 visit_due=date(2027, 3, 1), assessed=True, created=CREATED, seen=SEEN):
        # next_visit_due is today's summary column, deliberately wrong here: the report must
        # work the window out from the visits (SEEN, before the period, is the last home visit
        # seen unless the case has later ones) and the risk as assessed on the day.
        o = self.add(m.Offender(
            reference=ref, surname=surname, forenames="Test", date_of_birth=date(1980, 1, 1),
            status=status, open_breaches=0, mappa_category=1, mappa_level=mappa, risk_level="medium",
            offender_manager_id=self.w.om.user_id if om is None else om or None,
            team_id=team or self.w.team_id, next_visit_due=visit_due, created_at=created))
        if assessed:
            self.add(m.RiskAssessment(offender_id=o.id, tool="ARMS", level=risk or "low",
                                      assessed_on=date(2026, 6, 1), review_by=LATER_REVIEW))
        if seen is not None:
            self.visit(o, seen, band="morning")
        return o

    def visit(self, o, when, *, band, kind="home", outcome="seen", announced=False, officers=2,
              voided=False):
        v = self.add(m.Visit(offender_id=o.id, kind=kind, status="completed", visited_at=when,
                             outcome=outcome, announced=announced, time_band=band,
                             voided_at=at(2026, 11, 20) if voided else None))
        ids = [self.w.om.user_id, self.w.supervisor.user_id][:officers]
        for i, uid in enumerate(ids):
            self.add(m.VisitOfficer(visit_id=v.id, user_id=uid, part="lead" if i == 0 else "second"))
        return v


def build_caseload(services, world) -> None:
    with services.session_factory.begin() as s:
        b = Builder(s, world)
        w = world
        # The OMU set its own ceiling: Olly's 14 open cases are 4 over it.
        s.add(m.Setting(key="caseload_ceiling", value_json="10", created_at=CREATED))

        # T01: home visit overdue (due 01/11, 24 days: seen 01/08, on a signed-off plan of
        # 3-monthly visits); one failed entry in the period.
        t01 = b.offender("RSO-T01", "Aardvark", risk="very_high", mappa=3, visit_due=date(2026, 11, 1),
                         seen=at(2026, 8, 1))
        plan = b.add(m.RiskManagementPlan(offender_id=t01.id, effective_from=date(2026, 7, 1),
                                          visit_interval_months=3))
        b.add(m.SignOff(offender_id=t01.id, entity="risk_management_plan", entity_id=plan.id, summary="Plan",
                        author_id=w.om.user_id, supervisor_id=w.supervisor.user_id,
                        requested_at=at(2026, 7, 10), status="approved", signed_by_id=w.supervisor.user_id,
                        signed_at=at(2026, 7, 15)))
        b.visit(t01, at(2026, 11, 10, 11), band="morning", outcome="no_answer")
        b.add(m.Action(offender_id=t01.id, description="Voided action", owner_id=w.om.user_id,
                       due_on=date(2026, 9, 1), voided_at=at(2026, 9, 2)))
        b.add(m.Breach(offender_id=t01.id, kind="statutory_duty", source="manual", description="Old",
                       occurred_on=date(2026, 3, 1), status="closed", crime_reference="NY-26-000001",
                       closed_at=at(2026, 3, 20)))

        # T02: the last three home visits all on a Tuesday evening (the latest on 03/11).
        t02 = b.offender("RSO-T02", "Badger", risk="high", mappa=2)
        b.visit(t02, at(2026, 10, 6, 17, 30), band="evening")
        b.visit(t02, at(2026, 10, 13, 17, 30), band="evening")
        b.visit(t02, at(2026, 11, 3, 18, 30), band="evening", announced=True, officers=1)
        b.visit(t02, at(2026, 11, 5, 12), band="afternoon", voided=True)  # entered in error

        # T03: devices. Seen at home 10/08 (laptop checked), 20/10 and 17/11 (tablet checked).
        t03 = b.offender("RSO-T03", "Crow", risk="high", seen=None)
        old = b.visit(t03, at(2026, 8, 10, 9), band="morning")
        b.visit(t03, at(2026, 10, 20, 9), band="morning")
        last = b.visit(t03, at(2026, 11, 17, 13), band="afternoon")
        declared = date(2026, 8, 1)
        b.add(m.Device(offender_id=t03.id, kind="phone", declared_on=declared))  # never checked
        laptop = b.add(m.Device(offender_id=t03.id, kind="laptop", declared_on=declared))
        tablet = b.add(m.Device(offender_id=t03.id, kind="tablet", declared_on=declared))
        b.add(m.Device(offender_id=t03.id, kind="console", declared_on=declared, status="disposed"))
        b.add(m.Device(offender_id=t03.id, kind="camera", declared_on=declared, voided_at=at(2026, 8, 2)))
        b.add(m.DeviceCheck(offender_id=t03.id, device_id=laptop.id, visit_id=old.id, result="checked",
                            checked_on=date(2026, 8, 10)))
        b.add(m.DeviceCheck(offender_id=t03.id, device_id=tablet.id, visit_id=last.id, result="checked",
                            checked_on=date(2026, 11, 17)))

        # T04: annual notification overdue (due 20/11); an office interview in the period.
        t04 = b.offender("RSO-T04", "Dingo", risk="medium")
        b.add(m.StatutoryNotification(offender_id=t04.id, kind="periodic", due_on=date(2026, 11, 20)))
        b.add(m.StatutoryNotification(offender_id=t04.id, kind="travel", due_on=date(2026, 11, 1),
                                      voided_at=at(2026, 10, 1)))
        b.visit(t04, at(2026, 10, 22, 10), band="morning", kind="office", officers=1)

        # T05: change of address due 01/12 (6 days); travel due 20/12 is beyond 14 days.
        t05 = b.offender("RSO-T05", "Emu", risk="medium")
        b.add(m.StatutoryNotification(offender_id=t05.id, kind="change_address", due_on=date(2026, 12, 1)))
        b.add(m.StatutoryNotification(offender_id=t05.id, kind="travel", due_on=date(2026, 12, 20)))

        # T06: annual notification 5 days late; crime recorded; written warning. Plus a breach
        # closed by a signed no-crime decision in the period, and an on-time notification.
        t06 = b.offender("RSO-T06", "Ferret", risk="medium")
        n6 = b.add(m.StatutoryNotification(offender_id=t06.id, kind="periodic", due_on=date(2026, 10, 10),
                                           notified_at=at(2026, 10, 15), late=True))
        b.add(m.StatutoryNotification(offender_id=t06.id, kind="change_address", due_on=date(2026, 10, 20),
                                      notified_at=at(2026, 10, 19)))
        b1 = b.add(m.Breach(offender_id=t06.id, kind="statutory_duty", source="late_notification",
                            notification_id=n6.id, occurred_on=date(2026, 10, 11), description="Late",
                            status="closed", crime_reference="NY-26-000123", closed_at=at(2026, 10, 20, 12)))
        b.add(m.Breach(offender_id=t06.id, kind="statutory_duty", source="manual", occurred_on=date(2026, 10, 25),
                       description="Missed appointment", status="closed", closed_at=at(2026, 11, 10),
                       no_crime_rationale="Reasonable excuse accepted after enquiry with the hospital."))
        b.add(m.FormalWarning(offender_id=t06.id, breach_id=b1.id, kind="written", rationale="Late again",
                              given_by_id=w.om.user_id, given_on=date(2026, 10, 15)))
        b.add(m.FormalWarning(offender_id=t06.id, kind="oral", rationale="Before the period",
                              given_by_id=w.om.user_id, given_on=date(2026, 9, 1)))

        # T07: change of name made 2 days late; its breach is open with no crime reference or decision.
        t07 = b.offender("RSO-T07", "Gecko", risk="medium")
        n7 = b.add(m.StatutoryNotification(offender_id=t07.id, kind="change_name", due_on=date(2026, 11, 4),
                                           notified_at=at(2026, 11, 6), late=True))
        b.add(m.Breach(offender_id=t07.id, kind="statutory_duty", source="late_notification",
                       notification_id=n7.id, occurred_on=date(2026, 11, 5), description="Late", status="open"))
        b.add(m.Breach(offender_id=t07.id, kind="statutory_duty", source="manual", occurred_on=date(2026, 11, 6),
                       description="Entered in error", status="open", voided_at=at(2026, 11, 7)))

        # T08: an order breach whose proposed no-crime decision has waited for sign-off since
        # Monday 16/11 (past 5 working days on 25/11, so escalated).
        t08 = b.offender("RSO-T08", "Heron")
        b4 = b.add(m.Breach(offender_id=t08.id, kind="order", source="order_prohibition",
                            occurred_on=date(2026, 11, 12), description="Contact with a child", status="open",
                            no_crime_rationale="Contact was inadvertent, at a bus stop, and ended at once."))
        b.add(m.SignOff(offender_id=t08.id, entity="breach_no_crime", entity_id=b4.id,
                        summary="Proposed decision not to record a crime", author_id=w.om.user_id,
                        supervisor_id=w.supervisor.user_id, requested_at=at(2026, 11, 16), status="pending"))

        # T09: two decisions in the period, one by a covering supervisor; one refused rationale.
        t09 = b.offender("RSO-T09", "Ibis")
        s2 = b.add(m.SignOff(offender_id=t09.id, entity="warning", entity_id=1, summary="Written warning",
                             author_id=w.om.user_id, supervisor_id=w.supervisor.user_id,
                             requested_at=at(2026, 10, 30), status="approved", decision="approve",
                             rationale="Considered the record.", signed_by_id=w.supervisor2.user_id,
                             signed_at=at(2026, 11, 2), via_cover=True))
        b.add(m.SignOff(offender_id=t09.id, entity="risk_assessment", entity_id=1, summary="ARMS",
                        author_id=w.om.user_id, supervisor_id=w.supervisor.user_id,
                        requested_at=at(2026, 10, 15), status="approved", signed_by_id=w.supervisor.user_id,
                        signed_at=at(2026, 10, 20)))
        b.add(m.SignOff(offender_id=t09.id, entity="risk_assessment", entity_id=2, summary="Old ARMS",
                        author_id=w.om.user_id, supervisor_id=w.supervisor.user_id,
                        requested_at=at(2026, 8, 15), status="approved", signed_by_id=w.supervisor.user_id,
                        signed_at=at(2026, 8, 20)))
        b.add(m.SignOff(offender_id=t09.id, entity="breach_no_crime", entity_id=3, summary="Superseded",
                        author_id=w.om.user_id, supervisor_id=w.supervisor.user_id,
                        requested_at=at(2026, 10, 15), status="returned", decision="superseded"))
        b.add(m.SignOffRefusal(sign_off_id=s2.id, user_id=w.supervisor2.user_id, attempted_at=at(2026, 11, 2, 9),
                               text="Seen", reason="Only boilerplate: say what was considered and why."))
        b.add(m.FormalWarning(offender_id=t09.id, kind="oral", rationale="Associating",
                              given_by_id=w.om.user_id, given_on=date(2026, 11, 1)))

        # T10: a referral made Wed 18/11 with no decision (due by the end of Thu 19/11), and an
        # earlier one: concern to referral 6 hours, decided late, disclosure 48 hours after concern.
        t10 = b.offender("RSO-T10", "Jackal")
        b.add(m.SafeguardingReferral(offender_id=t10.id, concern="Visits a family with children",
                                     concern_at=at(2026, 11, 18, 9), referred_at=at(2026, 11, 18, 11),
                                     agency="Northam CSC"))
        r2 = b.add(m.SafeguardingReferral(offender_id=t10.id, concern="New partner has a child",
                                          concern_at=at(2026, 10, 5, 8), referred_at=at(2026, 10, 5, 14),
                                          agency="Northam CSC", decision="Strategy meeting",
                                          decision_at=at(2026, 10, 9)))
        b.add(m.Disclosure(offender_id=t10.id, route="s327a", referral_id=r2.id, decision="disclose",
                           disclosed_to="The partner", disclosed_at=at(2026, 10, 7, 8)))

        # T11: a concern on Mon 23/11 never referred; one from this morning still has today.
        t11 = b.offender("RSO-T11", "Koala")
        b.add(m.SafeguardingReferral(offender_id=t11.id, concern="Seen outside a school",
                                     concern_at=at(2026, 11, 23, 14)))
        b.add(m.SafeguardingReferral(offender_id=t11.id, concern="Reported by a neighbour",
                                     concern_at=at(2026, 11, 25, 8)))

        # T12 (Oona, South team): a plan action overdue since 10/11; another done on time.
        t12 = b.offender("RSO-T12", "Lemur", om=w.om2.user_id, team=w.team2_id)
        b.add(m.Action(offender_id=t12.id, description="Check new address with the landlord",
                       owner_id=w.om2.user_id, due_on=date(2026, 11, 10)))
        b.add(m.Action(offender_id=t12.id, description="Done", owner_id=w.om2.user_id,
                       due_on=date(2026, 11, 1), completed_on=date(2026, 11, 2)))

        # T13: risk assessment review due 01/10 (55 days). T14: no assessment at all, opened 01/11.
        t13 = b.offender("RSO-T13", "Mole", assessed=False)
        b.add(m.RiskAssessment(offender_id=t13.id, tool="ARMS", level="low", assessed_on=date(2025, 10, 1),
                               review_by=date(2026, 10, 1)))
        # Convicted on 20/11: its first home visit is due within 10 working days of that.
        t14 = b.offender("RSO-T14", "Newt", risk=None, assessed=False, created=at(2026, 11, 1), seen=None)
        b.add(m.Conviction(offender_id=t14.id, convicted_on=date(2026, 11, 20), offence="Test offence"))

        # T15 in custody: counted in the caseload, not as an overdue home visit.
        b.offender("RSO-T15", "Otter", status="custody", visit_due=date(2026, 10, 1))
        # T16 ended: counts nowhere, however much is outstanding.
        t16 = b.offender("RSO-T16", "Puma", status="ended", visit_due=date(2026, 1, 1), assessed=False)
        b.add(m.Action(offender_id=t16.id, description="Ended", owner_id=w.om.user_id, due_on=date(2026, 1, 1)))
        # T17 has no offender manager.
        b.offender("RSO-T17", "Quail", om=0)


def row(reference, name, officer, needed, days, since):
    return {"reference": reference, "name": name, "officer": officer, "needed": needed, "days": days,
            "since": since}


def share(n, d):
    return {"numerator": n, "denominator": d, "fraction": None if d == 0 else round(n / d, 4)}


def referral_part(reference, name, concern_at, due_at, done_at, status, delay_hours=None, days_late=0,
                  shared=True):
    """A referral part of the safeguarding response (issue 19): team North, no owner recorded."""
    late = delay_hours is not None
    return {"reference": reference, "name": name, "team": "North", "owner": None, "part": "safeguarding_referral",
            "what": "Referral to children's social care", "concern_at": concern_at, "due_at": due_at,
            "done_at": done_at, "status": status, "on_time": not late,
            "late_label": "not the same day" if late else None, "delay_hours": delay_hours,
            "working_days_late": days_late,
            "delay": f"{days_late} working days late" if late else "on time",
            "shared_with_csc": shared, "ppn_reference": None}


KOALA_LATE = referral_part("RSO-T11", "KOALA, Test", "2026-11-23T14:00:00+00:00", "2026-11-23T23:59:59.999999+00:00",
                           None, "overdue", 48.0, 2, shared=False)


EXPECTED = {
    "scope": {"kind": "force", "name": None, "label": "Whole force"},
    "period_from": "2026-10-01", "period_to": "2026-11-25", "as_of": "2026-11-25",
    "settings": {"caseload_ceiling": 10, "device_check_visits": 2, "due_soon_days": 14,
                 "sign_off_escalation_working_days": 5, "pattern_run": 3},
    "caseload": {
        "total": 16, "active": 15, "in_custody": 1,
        "by_risk": [{"key": "very_high", "label": "Very high", "count": 1},
                    {"key": "high", "label": "High", "count": 2},
                    {"key": "medium", "label": "Medium", "count": 4},
                    {"key": "low", "label": "Low", "count": 8},
                    {"key": "not_assessed", "label": "Not assessed", "count": 1}],
        "by_mappa": [{"key": "1", "label": "MAPPA level 1", "count": 14},
                     {"key": "2", "label": "MAPPA level 2", "count": 1},
                     {"key": "3", "label": "MAPPA level 3", "count": 1}],
        "ceiling": 10,
        "officers": [
            {"officer": "Olly Manager", "username": "om", "team": "North", "cases": 14, "over_ceiling": True},
            {"officer": "Oona Manager", "username": "om2", "team": "South", "cases": 1, "over_ceiling": False}],
        "over_ceiling": [
            {"officer": "Olly Manager", "username": "om", "team": "North", "cases": 14, "over_ceiling": True}],
        "unallocated": 1,
    },
    "visits": {
        "overdue": [row("RSO-T01", "AARDVARK, Test", "Olly Manager", "Home visit: due by 01/11/2026", 24,
                        "2026-11-01")],
        "overdue_by_label": "team",
        "overdue_by": [{"key": "North", "label": "North", "count": 1}],
        # T02 x3 (one announced, one lone), T03 x2, T01 failed entry.
        "home_visits": 6, "completed": 5, "failed_entries": 1,
        "unannounced": share(5, 6), "two_officers": share(5, 6), "office_interviews": 1,
        "unannounced_by_month": [{"month": "2026-10", "share": share(3, 3)},
                                 {"month": "2026-11", "share": share(2, 3)}],
        "repeated_pattern": [row(
            "RSO-T02", "BADGER, Test", "Olly Manager",
            "The last 3 visits were all on a Tuesday and all in the evening band: vary the day and time",
            22, "2026-11-03")],
    },
    "notifications": {
        "due_soon": [row("RSO-T05", "EMU, Test", "Olly Manager",
                         "Change of address notification: due by 01/12/2026", 6, "2026-12-01")],
        "overdue": [row("RSO-T04", "DINGO, Test", "Olly Manager",
                        "Annual notification: was due by 20/11/2026", 5, "2026-11-20")],
        "made_in_period": 3,
        "late_in_period": [
            {"reference": "RSO-T06", "name": "FERRET, Test", "officer": "Olly Manager", "kind": "Annual",
             "due_on": "2026-10-10", "notified_on": "2026-10-15", "days_late": 5, "outcome": "crime_recorded",
             "crime_reference": "NY-26-000123", "warnings": 1,
             "what_happened": "Crime recorded: NY-26-000123; 1 warning given"},
            {"reference": "RSO-T07", "name": "GECKO, Test", "officer": "Olly Manager", "kind": "Change of name",
             "due_on": "2026-11-04", "notified_on": "2026-11-06", "days_late": 2, "outcome": "breach_open",
             "crime_reference": None, "warnings": 0,
             "what_happened": "Breach open: no crime reference or decision yet"}],
    },
    "breaches": {
        "open_total": 2,
        # A proposal awaiting sign-off is not yet a decision (T08).
        "open_without_decision": [row(
            "RSO-T07", "GECKO, Test", "Olly Manager",
            "Crime reference or reasoned no-crime decision: late notification", 20, "2026-11-05"), row(
            "RSO-T08", "HERON, Test", "Olly Manager",
            "Sign the proposed no-crime decision, or record a crime: order prohibition breached",
            13, "2026-11-12")],
        "opened_in_period": 4, "crimes_recorded": 1, "no_crime_decisions": 1,
        "warnings_oral": 1, "warnings_written": 1, "warnings_given": 2,
    },
    "devices": {
        "active_devices": 3, "never_checked": 1, "not_recently_checked": 1,
        "offenders": [row("RSO-T03", "CROW, Test", "Olly Manager",
                          "Check devices at the next home visit: phone never checked; "
                          "laptop last checked 10/08/2026", 116, "2026-08-01")],
    },
    "supervision": {
        "awaiting": [row("RSO-T08", "HERON, Test", "Sam Supervisor",
                         "Sign-off decision on the decision not to record a crime (from Olly Manager): "
                         "escalated to the OMU lead. Proposed decision not to record a crime", 9, "2026-11-16")],
        "escalated": 1, "decided_in_period": 2, "via_cover": share(1, 2),
        "refusals": [row("RSO-T09", "IBIS, Test", "Sue Supervisor",
                         "Rationale refused on the written warning: Only boilerplate: say what was considered "
                         "and why. Text given: \u201cSeen\u201d", 23, "2026-11-02")],
    },
    "safeguarding": {
        "decision_overdue": [row("RSO-T10", "JACKAL, Test", "Olly Manager",
                                 "Decision from Northam CSC on the referral of 18/11/2026 (was due by "
                                 "19/11/2026): chase and record it", 7, "2026-11-18")],
        "not_referred": [row("RSO-T11", "KOALA, Test", "Olly Manager",
                             "Refer the concern of 23/11/2026 to children’s social care: Seen outside a school",
                             2, "2026-11-23")],
        "referrals_in_period": 2, "decisions_late": share(1, 1),
        "concern_to_referral": {"count": 2, "median_hours": 4.0, "worst_hours": 6.0},
        "concern_to_disclosure": {"count": 1, "median_hours": 48.0, "worst_hours": 48.0},
        "parts": [
            referral_part("RSO-T10", "JACKAL, Test", "2026-10-05T08:00:00+00:00", "2026-10-05T22:59:59.999999+00:00",
                          "2026-10-05T14:00:00+00:00", "done"),
            referral_part("RSO-T10", "JACKAL, Test", "2026-11-18T09:00:00+00:00", "2026-11-18T23:59:59.999999+00:00",
                          "2026-11-18T11:00:00+00:00", "done"),
            KOALA_LATE,
            referral_part("RSO-T11", "KOALA, Test", "2026-11-25T08:00:00+00:00", "2026-11-25T23:59:59.999999+00:00",
                          None, "open", shared=False)],
        # Not referred by the end of Monday 23/11, and still not at the end of Wednesday 25/11.
        "not_on_time": [KOALA_LATE],
        "by_team": [{"team": "North", "part": "safeguarding_referral",
                     "concern_to_done": {"count": 2, "median_hours": 4.0, "worst_hours": 6.0},
                     "not_on_time": share(1, 4)}],
        "shared_with_csc": share(2, 4), "on_ppn": share(0, 4),
    },
    "actions_overdue": [row("RSO-T12", "LEMUR, Test", "Oona Manager",
                            "Plan action: Check new address with the landlord (due 10/11/2026)", 15, "2026-11-10")],
    "risk_assessments_overdue": [
        row("RSO-T13", "MOLE, Test", "Olly Manager",
            "Review the ARMS risk assessment: review was due by 01/10/2026", 55, "2026-10-01"),
        row("RSO-T14", "NEWT, Test", "Olly Manager", "Risk assessment: none on record", 24, "2026-11-01")],
    # No one on the court watch; the one conviction in the period was entered the day it was made.
    "court_watch": {"pending_prosecutions": 0, "hearings_without_outcome": [], "pending_shpo_applications": [],
                    "conviction_to_known": {"count": 1, "median_days": 0.0, "worst_days": 0},
                    "convictions_by_source": [{"key": "", "label": "Not recorded", "count": 1}]},
    "case_audits": {"grades": [], "open_findings": [], "quarters": ["2026 Q1", "2026 Q2", "2026 Q3", "2026 Q4"],
                    "completed_in_period": 0},
}


def _figures(services, scope=None, report_settings=None):
    with services.session_factory() as s:
        return compute(s, scope or Scope(), *PERIOD, AS_OF, report_settings or reports.report_settings(s))


def test_every_figure_of_a_known_caseload(services, world):
    build_caseload(services, world)
    got = to_json(_figures(services))
    for section, expected in EXPECTED.items():
        assert got[section] == expected, section
    assert set(got) == set(EXPECTED)


def test_team_and_officer_scopes(services, world):
    build_caseload(services, world)
    south = to_json(_figures(services, Scope.team("south")))  # names match without case
    assert south["scope"] == {"kind": "team", "name": "South", "label": "Team: South"}
    assert south["caseload"]["total"] == 1
    assert [o["officer"] for o in south["caseload"]["officers"]] == ["Oona Manager"]
    assert south["actions_overdue"] == EXPECTED["actions_overdue"]
    assert south["visits"]["overdue"] == [] and south["visits"]["home_visits"] == 0
    assert south["supervision"]["awaiting"] == [] and south["supervision"]["decided_in_period"] == 0
    assert south["risk_assessments_overdue"] == []

    north = to_json(_figures(services, Scope.team("North")))
    assert north["caseload"]["total"] == 15 and north["caseload"]["unallocated"] == 1
    assert north["visits"]["overdue_by_label"] == "officer"
    assert north["visits"]["overdue_by"] == [{"key": "Olly Manager", "label": "Olly Manager", "count": 1}]
    assert north["actions_overdue"] == []

    by_username = to_json(_figures(services, Scope.officer("om2")))
    by_name = to_json(_figures(services, Scope.officer("Oona Manager")))
    assert by_username["scope"]["label"] == by_name["scope"]["label"] == "Officer: Oona Manager"
    assert by_username["caseload"] == by_name["caseload"]
    assert by_name["caseload"]["total"] == 1 and by_name["actions_overdue"] == EXPECTED["actions_overdue"]
    olly = to_json(_figures(services, Scope.officer("Olly Manager")))
    assert olly["caseload"]["total"] == 14
    assert olly["visits"]["overdue_by_label"] == "risk level"
    assert olly["visits"]["overdue_by"] == [{"key": "Very high", "label": "Very high", "count": 1}]


def test_unknown_scope_names_the_valid_choices(services, world):
    with pytest.raises(ValueError, match=r"No team called 'East'\. Teams: North, South\."):
        _figures(services, Scope.team("East"))
    with pytest.raises(ValueError, match=r"No officer .*'nobody'.*Olly Manager \(om\)"):
        _figures(services, Scope.officer("nobody"))
    with pytest.raises(ValueError, match="needs the team's name"):
        Scope("team")
    with pytest.raises(ValueError, match="scope must be one of"):
        Scope("county")
    with pytest.raises(ValueError, match="before the end of the period"):
        with services.session_factory() as s:
            compute(s, Scope(), date(2026, 10, 1), date(2026, 11, 30), AS_OF, reports.report_settings(s))


def test_settings_passed_in_override_the_omus(services, world):
    build_caseload(services, world)
    got = to_json(_figures(services, report_settings=ReportSettings(caseload_ceiling=20, device_check_visits=3)))
    assert got["caseload"]["over_ceiling"] == []
    assert got["settings"]["caseload_ceiling"] == 20
    # With 3 visits the cut-off is T03's visit of 10/08, where the laptop was checked.
    assert got["devices"]["not_recently_checked"] == 0 and got["devices"]["never_checked"] == 1


def _pages(pdf: bytes) -> list[str]:
    return [p.extract_text() for p in PdfReader(BytesIO(pdf)).pages]


def test_pdf_shows_the_figures_and_the_marking_on_every_page(services, world, clock):
    build_caseload(services, world)
    pdf = build_pdf(_figures(services), generated_by="Lee Lead (lead)", generated_at=clock.now())
    reader = PdfReader(BytesIO(pdf))
    assert "OMU compliance summary" in reader.metadata.title
    assert MARKING in reader.metadata.subject
    pages = _pages(pdf)
    total = len(pages)
    for i, text in enumerate(pages, start=1):
        assert text.count(MARKING) >= 2, f"page {i} lacks the marking top and bottom"
        assert f"Page {i} of {total}" in text
        assert "Printed by Lee Lead (lead) on 25/11/2026 10:00 GMT" in text
    cover = pages[0]
    for expected in ("Whole force", "01/10/2026 to 25/11/2026", "end of 25/11/2026", "At a glance",
                     "Officers over the ceiling of 10 cases"):
        assert expected in cover
    text = "\n".join(pages)
    for reference in ("RSO-T01", "RSO-T02", "RSO-T03", "RSO-T04", "RSO-T05", "RSO-T06", "RSO-T07",
                      "RSO-T08", "RSO-T09", "RSO-T10", "RSO-T11", "RSO-T12", "RSO-T13", "RSO-T14"):
        assert reference in text
    flat = re.sub(r"\s+", " ", text)
    for expected in ("Crime recorded: NY-26-000123; 1 warning given", "5 of 6 (83%)", "1 of 2 (50%)",
                     "median 4.0 hours; worst 6.0 hours (from 2)", "Olly Manager", "over by 4",
                     "Risk assessment: none on record", "Overdue home visits by team",
                     "Unannounced home visits by month"):
        assert expected in flat
    assert "RSO-T16" not in text  # ended


def test_a_long_report_repeats_the_table_header_and_marking_on_every_page(sqlite_services, world, clock):
    with sqlite_services.session_factory.begin() as s:
        b = Builder(s, world)
        for i in range(150):
            b.offender(f"RSO-B{i:03d}", f"Überlong-Name-{i:03d} & <Sons>", seen=at(2025, 6, 1 + i % 28))
    with sqlite_services.session_factory() as s:
        figures = compute(s, Scope(), *PERIOD, AS_OF, reports.report_settings(s))
    assert len(figures.visits.overdue) == 150
    # The whole force's summary lists the oldest few: every item comes with the full lists.
    pdf = build_pdf(figures, generated_by="Lee Lead (lead)", generated_at=clock.now(), full_lists=True)
    pages = _pages(pdf)
    assert len(pages) >= 5
    listing = [i for i, t in enumerate(pages) if "RSO-B" in t]
    assert len(listing) >= 3  # 150 rows cannot fit on two pages
    for i, text in enumerate(pages, start=1):
        assert text.count(MARKING) >= 2
        assert f"Page {i} of {len(pages)}" in text
    for i in listing:
        assert "What is needed" in pages[i], f"page {i + 1} lists cases without the header row"
    # Escaped record text prints as typed, in a font that has the glyphs.
    assert "ÜBERLONG-NAME-000 & <SONS>, Test" in re.sub(r"\s+", " ", "\n".join(pages))


def test_report_is_audited_and_json_is_the_same_figures(services, world):
    build_caseload(services, world)
    data = reports.compliance_report(services, world.lead, Scope(), *PERIOD, AS_OF, fmt="json")
    body = json.loads(data.decode("utf-8"))
    assert body["marking"] == MARKING
    assert body["generated_by"] == "Lee Lead (lead)"
    assert body["generated_at"] == "2026-11-25T10:00:00+00:00"
    for section, expected in EXPECTED.items():
        assert body[section] == expected, section

    pdf = reports.compliance_report(services, world.supervisor, Scope.team("North"), *PERIOD, AS_OF)
    assert pdf.startswith(b"%PDF")
    with services.session_factory() as s:
        events = s.scalars(select(m.AuditEvent).where(m.AuditEvent.action == "export.print")
                           .order_by(m.AuditEvent.id)).all()
    assert [(e.username, e.entity) for e in events] == [("lead", "compliance_report"), ("sup", "compliance_report")]
    first, second = (json.loads(e.details_json) for e in events)
    assert first["format"] == "json" and first["scope"] == {"kind": "force", "name": None}
    assert (first["period_from"], first["period_to"], first["as_of"]) == ("2026-10-01", "2026-11-25", "2026-11-25")
    assert second["format"] == "pdf" and second["scope"] == {"kind": "team", "name": "North"}
    assert events[1].occurred_at == datetime(2026, 11, 25, 10, tzinfo=UTC)


def test_offender_managers_cannot_print_and_nothing_is_audited(services, world):
    with pytest.raises(PermissionDenied):
        reports.compliance_report(services, world.om, Scope(), *PERIOD, AS_OF)
    with pytest.raises(ValidationFailed, match="No team called 'Nowhere'"):
        reports.compliance_report(services, world.lead, Scope.team("Nowhere"), *PERIOD, AS_OF)
    with pytest.raises(ValidationFailed, match="format"):
        reports.compliance_report(services, world.lead, Scope(), *PERIOD, AS_OF, fmt="docx")
    with services.session_factory() as s:
        assert s.scalar(select(m.AuditEvent.id).where(m.AuditEvent.action == "export.print")) is None


def test_scope_from_command_line_words():
    assert Scope.parse(["force"]) == Scope() == Scope.parse([])
    assert Scope.parse(["team", "North"]) == Scope.team("North")
    assert Scope.parse(["officer", "Olly", "Manager"]) == Scope.officer("Olly Manager")
    for bad in (["team"], ["force", "North"], ["county", "X"]):
        with pytest.raises(ValueError, match="'team NAME' or 'officer NAME'"):
            Scope.parse(bad)


def test_outstanding_items_are_judged_at_the_end_of_the_as_of_day(services, world):
    """A report re-run later for an earlier date shows what was outstanding on that date."""
    build_caseload(services, world)
    with services.session_factory() as s:
        got = to_json(compute(s, Scope(), date(2026, 10, 1), date(2026, 11, 1), date(2026, 11, 1),
                              reports.report_settings(s)))
    # T07's change of name (due 04/11) was made on 06/11: on 01/11 it was still to come.
    assert got["notifications"]["due_soon"] == [row(
        "RSO-T07", "GECKO, Test", "Olly Manager", "Change of name notification: due by 04/11/2026", 3,
        "2026-11-04")]
    assert got["notifications"]["overdue"] == []
    # T09's warning was asked for on 30/10 and signed on 02/11: waiting on 01/11.
    assert [(r["reference"], r["days"]) for r in got["supervision"]["awaiting"]] == [("RSO-T09", 2)]
    assert got["supervision"]["decided_in_period"] == 1  # T09's assessment, 20/10
    # T10's referral of 18/11 had not been made; T13's review was already overdue; T14 was
    # opened that day with no assessment.
    assert got["safeguarding"]["decision_overdue"] == [] and got["safeguarding"]["referrals_in_period"] == 1
    assert [(r["reference"], r["days"]) for r in got["risk_assessments_overdue"]] == [("RSO-T13", 31),
                                                                                      ("RSO-T14", 0)]
    assert got["breaches"]["open_total"] == 1  # the breach of 25/10, closed on 10/11
    assert got["visits"]["unannounced_by_month"] == [{"month": "2026-10", "share": share(3, 3)},
                                                     {"month": "2026-11", "share": share(0, 0)}]


def test_an_empty_caseload_still_prints(sqlite_services, world, clock):
    with sqlite_services.session_factory() as s:
        figures = compute(s, Scope(), *PERIOD, AS_OF, reports.report_settings(s))
    got = to_json(figures)
    assert got["caseload"]["total"] == 0 and got["visits"]["unannounced"] == share(0, 0)
    assert [o["cases"] for o in got["caseload"]["officers"]] == [0, 0]  # Olly and Oona, no cases yet
    text = re.sub(r"\s+", " ", "\n".join(_pages(build_pdf(figures, generated_by="Lee Lead (lead)",
                                                         generated_at=clock.now()))))
    for expected in ("No overdue home visits", "No home visits in the period", "None.", "End of report."):
        assert expected in text
