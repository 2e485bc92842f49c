"""Risk management plan actions: who does what by when, the result, and what is overdue."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import aliased

from rso_manager.domain.roles import Permission
from rso_manager.persistence import models as m
from rso_manager.services import access, case_summary
from rso_manager.services.errors import FieldProblem, ValidationFailed
from rso_manager.services.safeguarding.staff import display_name_of
from rso_manager.services.unit_of_work import (
    Actor,
    Services,
    UnitOfWork,
    find_offender,
    unit_of_work,
)


@dataclass(frozen=True)
class ActionView:
    id: int
    version_id: int
    offender_id: int
    plan_id: int | None
    description: str
    owner_id: int
    owner: str | None
    due_on: date
    result: str | None
    completed_on: date | None
    overdue: bool
    days_overdue: int
    recorded_by: str | None = None  # who entered it on the record, and when
    recorded_at: datetime | None = None


def _action_view(a: m.Action, owner: str | None, as_of: date, recorded_by: str | None) -> ActionView:
    overdue = a.completed_on is None and a.due_on < as_of
    return ActionView(a.id, a.version_id, a.offender_id, a.plan_id, a.description, a.owner_id, owner, a.due_on,
                      a.result, a.completed_on, overdue, (as_of - a.due_on).days if overdue else 0,
                      recorded_by, a.created_at)


# Who entered an action, read in the same query as the actions (outer: an import may name no one).
_RECORDER = aliased(m.User, name="recorder")


def _actions_query():
    return (select(m.Action, m.User.display_name, _RECORDER.display_name)
            .join(m.User, m.User.id == m.Action.owner_id)
            .outerjoin(_RECORDER, _RECORDER.id == m.Action.created_by_id))


def action_problems(description: str, owner_id: int | None, due_on: date | None, today: date, *,
                    what: str = "Say what is to be done.") -> None:
    """What every plan action needs (a case's own, a finding's): what, who and by when, from today."""
    problems = []
    if not description.strip():
        problems.append(FieldProblem("description", what))
    if owner_id is None:
        problems.append(FieldProblem("owner_id", "Choose who owns the action."))
    if due_on is None:
        problems.append(FieldProblem("due_on", "Enter the date it is due."))
    elif due_on < today:
        problems.append(FieldProblem("due_on", "The due date has already passed; choose a date from today on."))
    if problems:
        raise ValidationFailed(problems)


def write_action(uow: UnitOfWork, offender_id: int, description: str, owner_id: int, due_on: date,
                 **extra: object) -> tuple[m.Action, m.User]:
    """The action on the case's current plan, in UOW, audited; EXTRA: where it came from
    (case_audit_id). The owner must be an active user."""
    owner = uow.session.get(m.User, owner_id)
    if owner is None or not owner.active:
        raise ValidationFailed(FieldProblem("owner_id", "The owner must be an active user."))
    plan = case_summary.current_plan(uow.session, offender_id)
    a = uow.stamp_created(m.Action(offender_id=offender_id, plan_id=plan.id if plan else None,
                                   description=description.strip(), owner_id=owner_id, due_on=due_on, **extra))
    uow.session.add(a)
    uow.session.flush()
    uow.audit("entry.create", entity="plan_action", entity_id=a.id, offender_id=offender_id,
              details={"owner_id": owner_id, "due_on": due_on, **extra})
    return a, owner


def add_action(services: Services, actor: Actor, offender_id: int, description: str, owner_id: int | None,
               due_on: date | None) -> ActionView:
    """An action on the current risk management plan, with an owner and a due date."""
    today = services.clock.today()
    action_problems(description, owner_id, due_on, today)
    assert owner_id is not None and due_on is not None  # action_problems refused them
    with unit_of_work(services, actor) as uow:
        uow.authorise(Permission.WRITE_CASES, offender_id=offender_id)
        find_offender(uow.session, offender_id)
        a, owner = write_action(uow, offender_id, description, owner_id, due_on)
        return _action_view(a, owner.display_name, today, display_name_of(uow.session, a.created_by_id))


def record_action_result(services: Services, actor: Actor, action_id: int, version_id: int, result: str,
                         completed_on: date) -> ActionView:
    today = services.clock.today()
    problems = []
    if not result.strip():
        problems.append(FieldProblem("result", "Record what was done and what came of it."))
    if completed_on is None:
        problems.append(FieldProblem("completed_on", "Enter the date it was done."))
    elif completed_on > today:
        problems.append(FieldProblem("completed_on", "The completion date is in the future."))
    if problems:
        raise ValidationFailed(problems)
    with unit_of_work(services, actor) as uow:
        a = uow.load(m.Action, action_id, version_id)
        if a.completed_on is not None:
            raise ValidationFailed(FieldProblem("result", "This action already has a result."))
        a.result, a.completed_on = result.strip(), completed_on
        uow.stamp_updated(a)
        uow.session.flush()
        uow.audit("entry.update", entity="plan_action", entity_id=a.id, offender_id=a.offender_id,
                  details={"completed_on": completed_on})
        return _action_view(a, display_name_of(uow.session, a.owner_id), today,
                            display_name_of(uow.session, a.created_by_id))


def overdue_actions(services: Services, actor: Actor, as_of: date | None = None, *, offender_id: int | None = None,
                    team_id: int | None = None) -> list[ActionView]:
    """Open actions past their due date, most overdue first: for the record and the summary."""
    as_of = as_of or services.clock.today()
    stmt = (_actions_query().join(m.Offender, m.Offender.id == m.Action.offender_id)
            .where(m.Action.voided_at.is_(None), m.Action.completed_on.is_(None), m.Action.due_on < as_of)
            .order_by(m.Action.due_on, m.Action.id))
    if offender_id is not None:
        stmt = stmt.where(m.Action.offender_id == offender_id)
    if team_id is not None:
        stmt = stmt.where(m.Offender.team_id == team_id)
    with access.reading_or_listing(services, actor, offender_id) as s:
        stmt = stmt.where(access.visible_cases(s, actor, services.clock.today()))
        return [_action_view(a, owner, as_of, by) for a, owner, by in s.execute(stmt)]


def actions_for(services: Services, actor: Actor, offender_id: int, as_of: date | None = None) -> list[ActionView]:
    """Every action on the record (not those entered in error): open ones first, soonest due."""
    as_of = as_of or services.clock.today()
    stmt = (_actions_query()
            .where(m.Action.offender_id == offender_id, m.Action.voided_at.is_(None))
            .order_by(m.Action.completed_on.is_not(None), m.Action.due_on, m.Action.id))
    with access.reading(services, actor, offender_id) as s:
        return [_action_view(a, owner, as_of, by) for a, owner, by in s.execute(stmt)]
