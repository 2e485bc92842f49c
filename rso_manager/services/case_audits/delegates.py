"""Who may audit cases: the OMU lead (AUDIT_CASES, trained), and a trained supervisor the lead
names for a time (CaseAuditDelegate, current by London date). "May audit" is asked of the
account as it is now, in the caller's transaction, like every other permission."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from rso_manager.domain.roles import Permission, Role
from rso_manager.persistence import models as m
from rso_manager.services.errors import FieldProblem, NotFound, PermissionDenied, ValidationFailed
from rso_manager.services.unit_of_work import Actor, Services, UnitOfWork, refusal, unit_of_work

NOT_NAMED = ("Only the OMU lead, or someone the lead names as a case audit delegate, can audit cases. "
             "Ask the OMU lead to name you.")


@dataclass(frozen=True)
class DelegateView:
    id: int
    version_id: int
    user_id: int
    name: str
    named_by: str | None
    starts_on: date
    ends_on: date | None
    current: bool


@dataclass(frozen=True)
class AuditStanding:
    """What the page offers this user: auditing at all, and naming delegates (the lead)."""

    may_audit: bool
    may_name_delegates: bool
    delegated_until: date | None = None


def _current(today: date):
    D = m.CaseAuditDelegate
    return (D.voided_at.is_(None), D.starts_on <= today, or_(D.ends_on.is_(None), D.ends_on >= today))


def current_delegation(session: Session, user_id: int, today: date) -> m.CaseAuditDelegate | None:
    D = m.CaseAuditDelegate
    return session.scalars(select(D).where(D.user_id == user_id, *_current(today))
                           .order_by(D.ends_on.is_(None).desc(), D.ends_on.desc(), D.id.desc()).limit(1)).first()


def may_audit(uow: UnitOfWork) -> None:
    """Refuse unless the account, as it is now, holds AUDIT_CASES or is a current delegate
    (and trained: case audits judge evidence, as sign-offs do)."""
    actor = uow.actor
    if actor.can(Permission.AUDIT_CASES):
        return
    if actor.trained and current_delegation(uow.session, actor.user_id, uow.services.clock.today()) is not None:
        return
    if not actor.trained and actor.role in (Role.SUPERVISOR, Role.OMU_LEAD):
        raise refusal(actor, Permission.AUDIT_CASES, None)
    raise PermissionDenied(NOT_NAMED)


def audit_standing(services: Services, actor: Actor) -> AuditStanding:
    with unit_of_work(services, actor) as uow:
        now = uow.actor
        lead = now.can(Permission.AUDIT_CASES)
        d = None if lead or not now.trained else current_delegation(uow.session, now.user_id,
                                                                     services.clock.today())
        return AuditStanding(lead or d is not None, lead, d.ends_on if d else None)


def _name_problems(s: Session, user_id: int | None, starts_on: date | None, ends_on: date | None,
                   today: date) -> list[FieldProblem]:
    problems = []
    user = s.get(m.User, user_id) if user_id else None
    if user is None:
        problems.append(FieldProblem("user_id", "Choose who is to audit cases."))
    elif not user.active or not user.trained or user.role != Role.SUPERVISOR.value:
        problems.append(FieldProblem("user_id", "A delegate must be an active, ViSOR/MOSOVO-trained supervisor."))
    if starts_on is None:
        problems.append(FieldProblem("starts_on", "Enter the date the delegation starts."))
    elif starts_on < today:
        problems.append(FieldProblem("starts_on", "The start date has passed; choose today or a later date."))
    if ends_on is not None and starts_on is not None and ends_on < starts_on:
        problems.append(FieldProblem("ends_on", "The end date is before the start date."))
    return problems


def name_delegate(services: Services, actor: Actor, user_id: int | None, starts_on: date | None,
                  ends_on: date | None) -> DelegateView:
    """The OMU lead names a supervisor to audit cases from STARTS_ON (to ENDS_ON, or until ended)."""
    with unit_of_work(services, actor) as uow:
        uow.authorise(Permission.AUDIT_CASES)
        today = services.clock.today()
        problems = _name_problems(uow.session, user_id, starts_on, ends_on, today)
        if problems:
            raise ValidationFailed(problems)
        assert user_id is not None and starts_on is not None
        d = uow.stamp_created(m.CaseAuditDelegate(user_id=user_id, named_by_id=uow.actor.user_id,
                                                  starts_on=starts_on, ends_on=ends_on))
        uow.session.add(d)
        uow.session.flush()
        uow.audit("case_audit.delegate", entity="case_audit_delegate", entity_id=d.id,
                  details={"user_id": user_id, "starts_on": starts_on, "ends_on": ends_on})
        return _view(uow.session, d, today)


def end_delegation(services: Services, actor: Actor, delegate_id: int, version_id: int) -> DelegateView:
    """The lead ends a delegation at once (it stays listed, as ended)."""
    with unit_of_work(services, actor) as uow:
        uow.authorise(Permission.AUDIT_CASES)
        d = uow.load(m.CaseAuditDelegate, delegate_id, version_id, permission=None)
        d.voided_at = uow.now
        uow.stamp_updated(d)
        uow.session.flush()
        uow.audit("case_audit.delegate_end", entity="case_audit_delegate", entity_id=d.id,
                  details={"user_id": d.user_id})
        return _view(uow.session, d, services.clock.today())


def delegates(services: Services, actor: Actor) -> list[DelegateView]:
    """Every delegation the lead has made, current ones first."""
    with unit_of_work(services, actor) as uow:
        uow.authorise(Permission.AUDIT_CASES)
        today = services.clock.today()
        rows = uow.session.scalars(select(m.CaseAuditDelegate).order_by(m.CaseAuditDelegate.id.desc()))
        views = [_view(uow.session, d, today) for d in rows]
        return sorted(views, key=lambda v: not v.current)


def delegate_candidates(services: Services, actor: Actor) -> list[tuple[int, str]]:
    """(user id, name) of the supervisors the lead may name."""
    with unit_of_work(services, actor) as uow:
        uow.authorise(Permission.AUDIT_CASES)
        return [(u.id, u.display_name) for u in uow.session.scalars(
            select(m.User).where(m.User.role == Role.SUPERVISOR.value, m.User.active, m.User.trained)
            .order_by(m.User.display_name))]


def _view(s: Session, d: m.CaseAuditDelegate, today: date) -> DelegateView:
    user = s.get(m.User, d.user_id)
    if user is None:
        raise NotFound("That delegate's account no longer exists.")
    by = s.get(m.User, d.named_by_id)
    current = d.voided_at is None and d.starts_on <= today and (d.ends_on is None or d.ends_on >= today)
    return DelegateView(d.id, d.version_id, d.user_id, user.display_name, by.display_name if by else None,
                        d.starts_on, d.ends_on, current)
