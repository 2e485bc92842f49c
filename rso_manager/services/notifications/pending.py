"""Notifications waiting to be given: their rows, their statutory due dates
(domain.notification_due, time in custody, hospital or abroad disregarded) and keeping those
dates right as their inputs change."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from rso_manager.domain import notification_due as nd
from rso_manager.domain.dates import london_day
from rso_manager.domain.notification_period import DisregardedPeriod, DisregardReason
from rso_manager.persistence import models as m
from rso_manager.services import settings
from rso_manager.services.notifications.kinds import LABELS
from rso_manager.services.unit_of_work import UnitOfWork

# An open custody, hospital or abroad period: the clock stays paused until it ends, so a due
# date computed past this sentinel is shown as "after release" (None), not as a year 9999 date.
OPEN_END = date(9999, 1, 1)


@dataclass(frozen=True)
class PendingNotification:
    notification_id: int
    version_id: int
    kind: str
    label: str
    event_on: date | None
    due_on: date | None  # None: paused while in custody, hospital or abroad, or no date yet
    overdue: bool
    days_overdue: int
    due_soon: bool
    details: dict

    @property
    def status(self) -> str:
        if self.due_on is None:
            return "paused"
        return "overdue" if self.overdue else ("due soon" if self.due_soon else "due")


def notified_on(n: m.StatutoryNotification) -> date:
    """The London day N was given: only for a notification taken (taken_rows)."""
    if n.notified_at is None:
        raise ValueError(f"notification {n.id} has not been given")
    return london_day(n.notified_at)


def details_of(n: m.StatutoryNotification) -> dict:
    return json.loads(n.details) if n.details else {}


def set_details(n: m.StatutoryNotification, d: Mapping[str, Any]) -> None:
    n.details = json.dumps(d, sort_keys=True, default=str) if d else None


def live(model):
    return model.voided_at.is_(None)


def pending_rows(session: Session, offender_id: int) -> list[m.StatutoryNotification]:
    n = m.StatutoryNotification
    return list(session.scalars(select(n).where(n.offender_id == offender_id, live(n),
                                                n.notified_at.is_(None)).order_by(n.due_on, n.id)))


def taken_rows(session: Session, offender_id: int) -> list[m.StatutoryNotification]:
    n = m.StatutoryNotification
    return list(session.scalars(select(n).where(n.offender_id == offender_id, live(n),
                                                n.notified_at.is_not(None)).order_by(n.notified_at, n.id)))


def disregarded_periods(session: Session, offender_id: int) -> list[DisregardedPeriod]:
    """s.83(6), s.84(5), s.85(3): custody, hospital and time abroad, open ones to OPEN_END."""
    rows = session.scalars(select(m.DisregardedPeriod).where(
        m.DisregardedPeriod.offender_id == offender_id, live(m.DisregardedPeriod)))
    return [DisregardedPeriod(p.starts_on, p.ends_on or OPEN_END, DisregardReason(p.kind)) for p in rows]


def due_date(kind: str, event_on: date | None, periods: list[DisregardedPeriod],
             policy: nd.NotificationPolicy, other_dues: Iterable[date] = ()) -> date | None:
    """The statutory due date of one notification; event_on is the anchor for periodic/weekly."""
    if kind == "financial":
        return nd.details_2012_due(other_dues)
    if event_on is None:
        return None
    due = {
        "initial": lambda: nd.initial_due(event_on, periods, policy),
        "periodic": lambda: nd.periodic_due(event_on, periods, policy),
        "weekly": lambda: nd.weekly_due(event_on, periods, policy),
        "travel": lambda: nd.travel_due(event_on, policy),
        "household": lambda: nd.household_stay_due(event_on, periods, policy),
        "did_not_occur": lambda: nd.did_not_occur_due(event_on, None, periods, policy),
    }.get(kind, lambda: nd.change_due(event_on, periods, policy))()
    return None if due is None or due >= OPEN_END else due


def pending_view(n: m.StatutoryNotification, today: date, days_ahead: int) -> PendingNotification:
    overdue = n.due_on is not None and nd.is_overdue(n.due_on, today, notified=False)
    return PendingNotification(
        n.id, n.version_id, n.kind, LABELS.get(n.kind, n.kind), n.event_on, n.due_on, overdue,
        (today - n.due_on).days if overdue and n.due_on is not None else 0,
        n.due_on is not None and not overdue and n.due_on <= today + timedelta(days=days_ahead),
        details_of(n))


def new_pending(uow: UnitOfWork, offender_id: int, kind: str, event_on: date | None,
                due_on: date | None, details: Mapping[str, Any] | None = None) -> m.StatutoryNotification:
    n = uow.stamp_created(m.StatutoryNotification(offender_id=offender_id, kind=kind, event_on=event_on,
                                                  due_on=due_on, in_person=True, late=False))
    set_details(n, details or {})
    uow.session.add(n)
    uow.session.flush()
    uow.audit("entry.create", entity="statutory_notification", entity_id=n.id, offender_id=offender_id,
              details={"kind": kind, "event_on": event_on, "due_on": due_on})
    return n


def set_due(uow: UnitOfWork, n: m.StatutoryNotification, event_on: date | None, due_on: date | None,
            why: str) -> None:
    """Derived dates move when their inputs change; the audit row keeps the old value."""
    if (n.event_on, n.due_on) == (event_on, due_on):
        return
    before = {"event_on": n.event_on, "due_on": n.due_on}
    n.event_on, n.due_on = event_on, due_on
    uow.stamp_updated(n)
    uow.audit("entry.update", entity="statutory_notification", entity_id=n.id, offender_id=n.offender_id,
              reason=why, details={"before": before, "after": {"event_on": event_on, "due_on": due_on}})


def void_pending(uow: UnitOfWork, n: m.StatutoryNotification, why: str) -> None:
    n.voided_at, n.voided_by_id, n.void_reason = uow.now, uow.actor.user_id or None, why
    uow.stamp_updated(n)
    uow.audit("entry.void", entity="statutory_notification", entity_id=n.id, offender_id=n.offender_id,
              reason=why)


def recompute_pending(uow: UnitOfWork, offender_id: int, why: str) -> None:
    """Every pending due date from its event and today's record of disregarded time."""
    s, policy = uow.session, settings.notification_policy(uow.session)
    periods = disregarded_periods(s, offender_id)
    pending = pending_rows(s, offender_id)
    for n in pending:
        if n.kind != "financial":
            set_due(uow, n, n.event_on, due_date(n.kind, n.event_on, periods, policy), why)
    others = [n.due_on for n in pending if n.kind != "financial" and n.due_on is not None]
    for n in pending:
        if n.kind == "financial":  # 2012 details go with the next notification due
            set_due(uow, n, n.event_on, due_date("financial", n.event_on, periods, policy, others), why)


def reminder_days_ahead(session: Session) -> int:
    return int(settings.get(session, "reminder_days_ahead"))
