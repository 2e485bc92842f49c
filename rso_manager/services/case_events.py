"""What one workflow asks of another inside the same transaction: a visit trigger, a breach,
a sign-off request. Each takes the caller's UnitOfWork so the whole action commits or fails as
one and is audited once per record written."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from rso_manager.domain.dates import add_working_days
from rso_manager.domain.roles import Role
from rso_manager.domain.visit_window import TriggerKind
from rso_manager.persistence import models as m
from rso_manager.services import case_summary
from rso_manager.services.unit_of_work import UnitOfWork


def record_trigger(uow: UnitOfWork, offender_id: int, kind: TriggerKind, on: date,
                   source: tuple[str, int] | None = None) -> m.VisitTrigger:
    """Pull the next home visit forward (issue: triggers due within N working days)."""
    t = uow.stamp_created(m.VisitTrigger(offender_id=offender_id, kind=kind.value, occurred_on=on,
                                         source_entity=source[0] if source else None,
                                         source_id=source[1] if source else None))
    uow.session.add(t)
    uow.session.flush()
    uow.audit("entry.create", entity="visit_trigger", entity_id=t.id, offender_id=offender_id,
              details={"kind": kind.value, "on": on})
    case_summary.refresh(uow.session, offender_id, uow.services.clock.today())
    return t


def team_supervisor(uow: UnitOfWork, offender_id: int | None) -> int | None:
    """The trained supervisor of the offender's team with the fewest items waiting."""
    team_id = uow.session.scalar(select(m.Offender.team_id).where(m.Offender.id == offender_id)) if offender_id else None
    waiting = (select(func.count(m.SignOff.id)).where(m.SignOff.supervisor_id == m.User.id,
                                                      m.SignOff.status == "pending").scalar_subquery())
    stmt = (select(m.User.id).where(m.User.role == Role.SUPERVISOR.value, m.User.trained, m.User.active)
            .order_by(waiting, m.User.id))
    if team_id is not None:
        in_team = uow.session.scalar(stmt.where(m.User.team_id == team_id).limit(1))
        if in_team is not None:
            return in_team
    return uow.session.scalar(stmt.limit(1))


def request_sign_off(uow: UnitOfWork, *, entity: str, entity_id: int, offender_id: int | None,
                     summary: str) -> m.SignOff:
    """Put an entry in a supervisor's queue. Routing to cover during absence happens when the
    queue is read, so a later absence still moves items that were already waiting."""
    so = uow.stamp_created(m.SignOff(
        offender_id=offender_id, entity=entity, entity_id=entity_id, summary=summary,
        author_id=uow.actor.user_id, supervisor_id=team_supervisor(uow, offender_id),
        requested_at=uow.now, status="pending", via_cover=False))
    uow.session.add(so)
    uow.session.flush()
    uow.audit("sign_off.request", entity=entity, entity_id=entity_id, offender_id=offender_id,
              details={"sign_off_id": so.id, "summary": summary})
    return so


def open_breach(uow: UnitOfWork, *, offender_id: int, kind: str, source: str, occurred_on: date,
                description: str, duty: str | None = None, notification_id: int | None = None,
                device_id: int | None = None, order_requirement_id: int | None = None) -> m.Breach:
    """Open a breach; it stays open until a crime reference or a signed reasoned decision.
    Every breach, automatic or manual, pulls the next home visit forward and prompts a review
    of the risk assessment."""
    b = uow.stamp_created(m.Breach(
        offender_id=offender_id, kind=kind, source=source, duty=duty, occurred_on=occurred_on,
        description=description, status="open", notification_id=notification_id, device_id=device_id,
        order_requirement_id=order_requirement_id))
    uow.session.add(b)
    uow.session.flush()
    uow.audit("breach.open", entity="breach", entity_id=b.id, offender_id=offender_id,
              details={"source": source, "kind": kind, "occurred_on": occurred_on})
    record_trigger(uow, offender_id, TriggerKind.BREACH, occurred_on, ("breach", b.id))
    _prompt_risk_review(uow, b)
    return b


RISK_REVIEW_WORKING_DAYS = 10


def _prompt_risk_review(uow: UnitOfWork, b: m.Breach) -> None:
    s = uow.session
    o = s.get(m.Offender, b.offender_id)
    description = f"Review the risk assessment after breach on {b.occurred_on:%d/%m/%Y}"
    already = s.scalar(select(m.Action.id).where(
        m.Action.offender_id == b.offender_id, m.Action.description == description,
        m.Action.completed_on.is_(None), m.Action.voided_at.is_(None)))
    if already is not None:  # two breaches the same day need one review, not two
        return
    owner = o.offender_manager_id or uow.actor.user_id or team_supervisor(uow, o.id)
    plan = case_summary.current_plan(s, o.id)
    a = uow.stamp_created(m.Action(
        offender_id=o.id, plan_id=plan.id if plan else None, description=description, owner_id=owner,
        due_on=add_working_days(uow.services.clock.today(), RISK_REVIEW_WORKING_DAYS)))
    s.add(a)
    s.flush()
    uow.audit("entry.create", entity="plan_action", entity_id=a.id, offender_id=o.id,
              details={"description": description, "due_on": a.due_on, "breach_id": b.id})

