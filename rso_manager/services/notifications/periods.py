"""Custody, hospital detention and time abroad (s.83(6), s.84(5), s.85(3)): days that do not count
towards a deadline. A release is itself a notifiable change (s.84(1)(d))."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from rso_manager.domain.roles import Permission
from rso_manager.domain.visit_window import TriggerKind
from rso_manager.persistence import models as m
from rso_manager.services import case_events, case_summary, settings
from rso_manager.services.errors import FieldProblem, ValidationFailed
from rso_manager.services.notifications.kinds import PERIOD_KINDS, RELEASE_KINDS
from rso_manager.services.notifications.pending import (
    disregarded_periods,
    due_date,
    live,
    new_pending,
    recompute_pending,
)
from rso_manager.services.notifications.requirements import recompute_requirements
from rso_manager.services.unit_of_work import (
    Actor,
    Services,
    UnitOfWork,
    find_offender,
    unit_of_work,
)


@dataclass(frozen=True)
class PeriodView:
    period_id: int
    version_id: int
    kind: str
    starts_on: date
    ends_on: date | None
    release_notification_id: int | None = None


def _after_period(uow: UnitOfWork, p: m.DisregardedPeriod) -> int | None:
    """Move pending due dates; a release (s.84(1)(d)) pulls a visit forward and is itself due
    to be notified. Returns the release notification's id."""
    oid, today = p.offender_id, uow.services.clock.today()
    until = f" to {p.ends_on:%d/%m/%Y}" if p.ends_on else ", continuing"
    recompute_pending(uow, oid, f"{p.kind} from {p.starts_on:%d/%m/%Y}{until} disregarded (s.84(5))")
    release_id = None
    subject = uow.session.scalar(select(m.NotificationRequirement.id).where(
        m.NotificationRequirement.offender_id == oid, live(m.NotificationRequirement),
        m.NotificationRequirement.starts_on <= (p.ends_on or today)).limit(1))
    if p.kind in RELEASE_KINDS and p.ends_on is not None and subject is not None:
        case_events.record_trigger(uow, oid, TriggerKind.RELEASE_FROM_CUSTODY, p.ends_on,
                                   ("disregarded_period", p.id))
        s = uow.session
        due = due_date("release", p.ends_on, disregarded_periods(s, oid), settings.notification_policy(s))
        release_id = new_pending(uow, oid, "release", p.ends_on, due, {"period_id": p.id}).id
    recompute_requirements(uow, oid)  # the review date follows the first release
    case_summary.refresh(uow.session, oid, today)
    return release_id


def _period_problems(kind: str, starts_on: date | None, ends_on: date | None, today: date) -> list[FieldProblem]:
    problems = []
    if kind not in PERIOD_KINDS:
        problems.append(FieldProblem("kind", "Choose custody, hospital or abroad."))
    if starts_on is None:
        problems.append(FieldProblem("starts_on", "Enter the first day."))
    elif starts_on > today:
        problems.append(FieldProblem("starts_on", "The start is in the future; record the period when it begins."))
    if ends_on is not None and ends_on > today:
        problems.append(FieldProblem("ends_on", "The end is in the future; leave it empty and record the release or return when it happens."))
    elif ends_on is not None and starts_on is not None and ends_on < starts_on:
        problems.append(FieldProblem("ends_on", "The end is before the start."))
    return problems


def record_disregarded_period(services: Services, actor: Actor, offender_id: int, kind: str,
                              starts_on: date, ends_on: date | None = None) -> PeriodView:
    """Custody, hospital detention or time abroad (s.83(6), s.84(5), s.85(3)): those days do
    not count towards a deadline. `ends_on` is the day of release or return; leave it empty
    while the period goes on, and close it with end_disregarded_period."""
    problems = _period_problems(kind, starts_on, ends_on, services.clock.today())
    if problems:
        raise ValidationFailed(problems)
    with unit_of_work(services, actor) as uow:
        uow.authorise(Permission.WRITE_CASES, offender_id=offender_id)
        find_offender(uow.session, offender_id)
        p = uow.stamp_created(m.DisregardedPeriod(offender_id=offender_id, kind=kind, starts_on=starts_on,
                                                  ends_on=ends_on))
        uow.session.add(p)
        uow.session.flush()
        uow.audit("entry.create", entity="disregarded_period", entity_id=p.id, offender_id=offender_id,
                  details={"kind": kind, "starts_on": starts_on, "ends_on": ends_on})
        release_id = _after_period(uow, p)
        return PeriodView(p.id, p.version_id, p.kind, p.starts_on, p.ends_on, release_id)


def end_disregarded_period(services: Services, actor: Actor, period_id: int, version_id: int,
                           ends_on: date) -> PeriodView:
    """Release from custody or hospital (s.84(1)(d)) or return to the UK."""
    with unit_of_work(services, actor) as uow:
        p = uow.load(m.DisregardedPeriod, period_id, version_id)
        if p.ends_on is not None:
            raise ValidationFailed(FieldProblem("ends_on", "This period has already ended; correct it instead."))
        problems = _period_problems(p.kind, p.starts_on, ends_on, services.clock.today())
        if problems:
            raise ValidationFailed(problems)
        p.ends_on = ends_on
        uow.stamp_updated(p)
        uow.session.flush()
        uow.audit("entry.update", entity="disregarded_period", entity_id=p.id, offender_id=p.offender_id,
                  details={"ends_on": ends_on})
        release_id = _after_period(uow, p)
        return PeriodView(p.id, p.version_id, p.kind, p.starts_on, p.ends_on, release_id)
