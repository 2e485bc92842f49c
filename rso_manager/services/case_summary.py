"""Keep each offender's caseload summary (risk, next visit, next notification, open breaches)
true to the records. Every service that changes one of those inputs calls refresh() in the
same transaction, so the summary columns are never a second source of truth."""

from __future__ import annotations

from datetime import date

from sqlalchemy import exists, func, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from rso_manager.domain import case_visit_window as cvw
from rso_manager.domain import visit_window as vw
from rso_manager.domain.dates import london_day
from rso_manager.persistence import models as m
from rso_manager.services import settings
from rso_manager.services.unit_of_work import find_offender


def current_plan(session: Session, offender_id: int) -> m.RiskManagementPlan | None:
    return session.scalar(
        select(m.RiskManagementPlan)
        .where(m.RiskManagementPlan.offender_id == offender_id, m.RiskManagementPlan.voided_at.is_(None))
        .order_by(m.RiskManagementPlan.effective_from.desc(), m.RiskManagementPlan.id.desc()).limit(1)
    )


def current_risk(session: Session, offender_id: int) -> m.RiskAssessment | None:
    return session.scalar(
        select(m.RiskAssessment)
        .where(m.RiskAssessment.offender_id == offender_id, m.RiskAssessment.voided_at.is_(None))
        .order_by(m.RiskAssessment.assessed_on.desc(), m.RiskAssessment.id.desc()).limit(1)
    )


def last_home_visit(session: Session, offender_id: int) -> date | None:
    """The London day of the last home visit where the offender was seen: office interviews
    and failed entries never satisfy a home visit."""
    visited = session.scalar(
        select(func.max(m.Visit.visited_at)).where(
            m.Visit.offender_id == offender_id, m.Visit.voided_at.is_(None), m.Visit.kind == "home",
            m.Visit.status == "completed", m.Visit.outcome == "seen"))
    return london_day(visited) if visited else None


HOME_KINDS = ("home", "no_fixed_abode")


def has_current_home(offender_id):
    """SQL truth of "the offender has a current home address" (a notified home, or no fixed
    abode with where they can be found): none once the current one is entered in error."""
    a = m.Address
    return exists().where(a.offender_id == offender_id, a.voided_at.is_(None), a.to_date.is_(None),
                          a.kind.in_(HOME_KINDS))


def current_home(session: Session, offender_id: int) -> m.Address | None:
    a = m.Address
    return session.scalar(select(a).where(a.offender_id == offender_id, a.voided_at.is_(None),
                                          a.to_date.is_(None), a.kind.in_(HOME_KINDS))
                          .order_by(a.from_date.desc(), a.id.desc()).limit(1))


def address_text(a: m.Address) -> str:
    """One line, as an officer reads it on the way to the door."""
    parts = ", ".join(p for p in (a.line1, a.line2, a.town) if p)
    text = f"{parts} {a.postcode}" if a.postcode else parts
    return f"No fixed abode: {text}" if a.kind == "no_fixed_abode" else text


def current_handover(session: Session, offender_id: int, today: date | None = None) -> m.PoliceHandover | None:
    """The latest hand-over into police-only management in effect by TODAY (not entered in error)."""
    return session.scalar(
        select(m.PoliceHandover)
        .where(m.PoliceHandover.offender_id == offender_id, m.PoliceHandover.voided_at.is_(None),
               m.PoliceHandover.police_from <= (today or date.max))
        .order_by(m.PoliceHandover.police_from.desc(), m.PoliceHandover.id.desc()).limit(1))


def case_start_of(session: Session, o: m.Offender, today: date | None = None) -> cvw.CaseStart:
    """When police home visits could first begin (domain.case_visit_window.case_start), from
    today's record: the first conviction, the last release by TODAY, the hand-over in effect."""
    first = session.scalar(select(func.min(m.Conviction.convicted_on)).where(
        m.Conviction.offender_id == o.id, m.Conviction.voided_at.is_(None)))
    release = session.execute(
        select(m.DisregardedPeriod.ends_on, m.DisregardedPeriod.kind).where(
            m.DisregardedPeriod.offender_id == o.id, m.DisregardedPeriod.voided_at.is_(None),
            m.DisregardedPeriod.kind.in_(("custody", "hospital")),
            m.DisregardedPeriod.ends_on.is_not(None),
            m.DisregardedPeriod.ends_on <= (today or date.max))
        .order_by(m.DisregardedPeriod.ends_on.desc()).limit(1)).first()
    handover = current_handover(session, o.id, today)
    return cvw.case_start(
        first, london_day(o.created_at),
        cvw.Release(release.ends_on, release.kind) if release is not None else None,
        cvw.TakeOver(handover.police_from, handover.from_agency) if handover is not None else None)


def case_start(session: Session, o: m.Offender, today: date | None = None) -> date:
    return case_start_of(session, o, today).on


def _approved_on(session: Session, entity: str, entity_id: int) -> date | None:
    signed = session.scalar(select(m.SignOff.signed_at).where(
        m.SignOff.entity == entity, m.SignOff.entity_id == entity_id, m.SignOff.status == "approved"))
    return london_day(signed) if signed else None


def triggers(session: Session, offender_id: int) -> list[vw.Trigger]:
    return [vw.Trigger(t.occurred_on, vw.TriggerKind(t.kind)) for t in session.scalars(
        select(m.VisitTrigger).where(m.VisitTrigger.offender_id == offender_id, m.VisitTrigger.voided_at.is_(None)))]


def risk_history(session: Session, offender_id: int) -> list[tuple[date, vw.RiskLevel]]:
    return [(a.assessed_on, vw.RiskLevel(a.level)) for a in session.scalars(
        select(m.RiskAssessment).where(m.RiskAssessment.offender_id == offender_id,
                                       m.RiskAssessment.voided_at.is_(None)))]


def interval_in_force(session: Session, offender_id: int, today: date) -> vw.IntervalDecision | None:
    """The home-visit interval that applies now; None under (still valid) reactive management."""
    plan = current_plan(session, offender_id)
    risk = current_risk(session, offender_id)
    terms = None if plan is None else cvw.PlanTerms(
        plan.reactive, plan.visit_interval_months, _approved_on(session, "risk_management_plan", plan.id))
    reactive = terms is not None and terms.reactive  # only a reactive plan reads the history
    return cvw.interval_in_force(
        risk.level if risk else None, terms, risk_history(session, offender_id) if reactive else (),
        triggers(session, offender_id) if reactive else (), today, settings.visit_policy(session))


def visit_window(session: Session, o: m.Offender, today: date) -> vw.DueWindow:
    return cvw.home_visit_window(last_home_visit(session, o.id), case_start_of(session, o, today),
                                 interval_in_force(session, o.id, today), triggers(session, o.id), today,
                                 settings.visit_policy(session))


def refresh(session: Session, offender_id: int, today: date) -> None:
    # A local import: the safeguarding services refresh the case summary themselves.
    from rso_manager.services.safeguarding.next_due import next_safeguarding_due

    session.flush()
    o = find_offender(session, offender_id)
    risk = current_risk(session, offender_id)
    values = dict(
        risk_level=risk.level if risk else None,
        next_visit_due=visit_window(session, o, today).latest,
        next_notification_due=session.scalar(select(func.min(m.StatutoryNotification.due_on)).where(
            m.StatutoryNotification.offender_id == offender_id, m.StatutoryNotification.voided_at.is_(None),
            m.StatutoryNotification.notified_at.is_(None))),
        open_breaches=session.scalar(select(func.count(m.Breach.id)).where(
            m.Breach.offender_id == offender_id, m.Breach.voided_at.is_(None), m.Breach.status == "open")),
        # Voiding or reinstating a part, or its concern, moves the case's safeguarding flag.
        next_safeguarding_due=next_safeguarding_due(session, offender_id),
    )
    # A Core UPDATE: derived columns must not bump the record's version, or recording a visit
    # would make a colleague's open edit of the personal details look stale.
    session.execute(update(m.Offender).where(m.Offender.id == offender_id).values(**values))
    for key, value in values.items():
        set_committed_value(o, key, value)
