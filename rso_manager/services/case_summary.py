"""Keep each offender's caseload summary (risk, next visit, next notification, open breaches)
true to the records. Every service that changes one of those inputs calls refresh() in the
same transaction, so the summary columns are never a second source of truth."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from rso_manager.domain import visit_window as vw
from rso_manager.persistence import models as m
from rso_manager.services import settings


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
    """The last home visit where the offender was seen: office interviews and failed
    entries never satisfy a home visit."""
    visited = session.scalar(
        select(func.max(m.Visit.visited_at)).where(
            m.Visit.offender_id == offender_id, m.Visit.voided_at.is_(None), m.Visit.kind == "home",
            m.Visit.status == "completed", m.Visit.outcome == "seen"))
    return visited.date() if visited else None


def case_start(session: Session, o: m.Offender, today: date | None = None) -> date:
    """When home visits could first begin: the first conviction, or the last release from
    custody or hospital after it (nobody can be visited at home while detained)."""
    first = session.scalar(select(func.min(m.Conviction.convicted_on)).where(
        m.Conviction.offender_id == o.id, m.Conviction.voided_at.is_(None))) or o.created_at.date()
    released = session.scalar(select(func.max(m.DisregardedPeriod.ends_on)).where(
        m.DisregardedPeriod.offender_id == o.id, m.DisregardedPeriod.voided_at.is_(None),
        m.DisregardedPeriod.kind.in_(("custody", "hospital")),
        m.DisregardedPeriod.ends_on.is_not(None),
        m.DisregardedPeriod.ends_on <= (today or date.max)))
    return max(first, released) if released else first


def _approved_on(session: Session, entity: str, entity_id: int) -> date | None:
    signed = session.scalar(select(m.SignOff.signed_at).where(
        m.SignOff.entity == entity, m.SignOff.entity_id == entity_id, m.SignOff.status == "approved"))
    return signed.date() if signed else None


def triggers(session: Session, offender_id: int) -> list[vw.Trigger]:
    return [vw.Trigger(t.occurred_on, vw.TriggerKind(t.kind)) for t in session.scalars(
        select(m.VisitTrigger).where(m.VisitTrigger.offender_id == offender_id, m.VisitTrigger.voided_at.is_(None)))]


def risk_history(session: Session, offender_id: int) -> list[tuple[date, vw.RiskLevel]]:
    return [(a.assessed_on, vw.RiskLevel(a.level)) for a in session.scalars(
        select(m.RiskAssessment).where(m.RiskAssessment.offender_id == offender_id,
                                       m.RiskAssessment.voided_at.is_(None)))]


def interval_in_force(session: Session, offender_id: int, today: date) -> vw.IntervalDecision | None:
    """The home-visit interval that applies now; None under (still valid) reactive management."""
    policy = settings.visit_policy(session)
    plan = current_plan(session, offender_id)
    risk = current_risk(session, offender_id)
    if plan is not None and plan.reactive:
        decision = vw.reactive_management_allowed(
            risk_history(session, offender_id), today, policy,
            signed_off_on=_approved_on(session, "risk_management_plan", plan.id),
            triggers=triggers(session, offender_id))
        if decision.allowed:
            return None
    # Unassessed cases are treated as the highest risk until someone assesses them.
    level = vw.RiskLevel(risk.level) if risk else vw.RiskLevel.VERY_HIGH
    months = plan.visit_interval_months if plan is not None and not plan.reactive else None
    signed = plan is not None and _approved_on(session, "risk_management_plan", plan.id) is not None
    return vw.home_visit_interval(level, months, policy, signed_off=signed)


def visit_window(session: Session, o: m.Offender, today: date) -> vw.DueWindow:
    interval = interval_in_force(session, o.id, today)
    return vw.due_window(last_home_visit(session, o.id), case_start(session, o, today),
                         interval.months if interval else None, triggers(session, o.id), today,
                         settings.visit_policy(session))


def refresh(session: Session, offender_id: int, today: date) -> None:
    session.flush()
    o = session.get(m.Offender, offender_id)
    risk = current_risk(session, offender_id)
    values = dict(
        risk_level=risk.level if risk else None,
        next_visit_due=visit_window(session, o, today).latest,
        next_notification_due=session.scalar(select(func.min(m.StatutoryNotification.due_on)).where(
            m.StatutoryNotification.offender_id == offender_id, m.StatutoryNotification.voided_at.is_(None),
            m.StatutoryNotification.notified_at.is_(None))),
        open_breaches=session.scalar(select(func.count(m.Breach.id)).where(
            m.Breach.offender_id == offender_id, m.Breach.voided_at.is_(None), m.Breach.status == "open")),
    )
    # A Core UPDATE: derived columns must not bump the record's version, or recording a visit
    # would make a colleague's open edit of the personal details look stale.
    session.execute(update(m.Offender).where(m.Offender.id == offender_id).values(**values))
    for key, value in values.items():
        set_committed_value(o, key, value)
