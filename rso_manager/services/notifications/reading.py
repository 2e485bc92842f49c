"""What the record's notifications tab and the reminders read: requirements, pending and taken
notifications, qualifying stays and disregarded periods; what is due or overdue across a
caseload."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import select

from rso_manager.domain import notification_due as nd
from rso_manager.domain.roles import CaseloadScope, caseload_scopes
from rso_manager.persistence import models as m
from rso_manager.services import access, settings
from rso_manager.services.caseload import offender_in_scope
from rso_manager.services.errors import NotFound
from rso_manager.services.notifications.kinds import LABELS
from rso_manager.services.notifications.pending import (
    PendingNotification,
    details_of,
    live,
    pending_rows,
    pending_view,
    reminder_days_ahead,
    taken_rows,
)
from rso_manager.services.notifications.periods import PeriodView
from rso_manager.services.notifications.requirements import RequirementView, requirement_view
from rso_manager.services.notifications.stays import (
    QualifyingCounter,
    address_stays,
    qualifying_counter,
)
from rso_manager.services.unit_of_work import Actor, Services


@dataclass(frozen=True)
class TakenRow:
    notification_id: int
    kind: str
    label: str
    due_on: date | None
    notified_at: datetime
    station: str | None
    taken_by: str | None
    late: bool
    fingerprints_taken: bool | None
    photographs_taken: bool | None
    event_on: date | None = None
    in_person: bool = True
    details: dict = field(default_factory=dict)  # what was notified (address, name, travel...)
    recorded_by: str | None = None  # who entered it on the record, and when
    recorded_at: datetime | None = None


@dataclass(frozen=True)
class NotificationsView:
    offender_id: int
    as_of: date
    requirements: tuple[RequirementView, ...]
    pending: tuple[PendingNotification, ...]
    taken: tuple[TakenRow, ...]
    stays: tuple[QualifyingCounter, ...]
    disregarded: tuple[PeriodView, ...]
    next_due_on: date | None


@dataclass(frozen=True)
class DueNotification:
    notification_id: int
    offender_id: int
    reference: str
    name: str
    kind: str
    label: str
    event_on: date | None
    due_on: date
    overdue: bool
    days_overdue: int


def overdue_and_due(services: Services, actor: Actor, as_of: date | None = None, days_ahead: int | None = None,
                    scope: CaseloadScope | None = None) -> list[DueNotification]:
    """Reminders: notifications due within DAYS_AHEAD and those overdue (from the day after the
    due date), oldest first, across the actor's caseload scope."""
    today = as_of or services.clock.today()
    scope = scope or caseload_scopes(actor.role)[0]
    n, o = m.StatutoryNotification, m.Offender
    with access.listing(services, actor) as s:
        ahead = reminder_days_ahead(s) if days_ahead is None else days_ahead
        rows = s.execute(
            select(n.id, n.offender_id, o.reference, o.surname, o.forenames, n.kind, n.event_on, n.due_on)
            .join(o, o.id == n.offender_id)
            .where(live(n), n.notified_at.is_(None), n.due_on.is_not(None),
                   n.due_on <= today + timedelta(days=ahead), o.status != "ended", offender_in_scope(actor, scope, today))
            .order_by(n.due_on, o.reference, n.id))
        return [DueNotification(nid, oid, ref, f"{sur.upper()}, {fore}", kind, LABELS.get(kind, kind), ev, due,
                                nd.is_overdue(due, today, False), max((today - due).days, 0))
                for nid, oid, ref, sur, fore, kind, ev, due in rows if due is not None]


def notifications_for(services: Services, actor: Actor, offender_id: int, as_of: date | None = None) -> NotificationsView:
    """The record's notifications tab. Not audited as a consultation: the record was opened
    (and audited) by caseload.open_record before its tabs are read."""
    today = as_of or services.clock.today()
    with access.reading(services, actor, offender_id) as s:
        if s.get(m.Offender, offender_id) is None:
            raise NotFound(f"No offender record {offender_id}.")
        ahead, policy = reminder_days_ahead(s), settings.notification_policy(s)
        r = m.NotificationRequirement
        reqs = tuple(requirement_view(s, x, today) for x in s.scalars(
            select(r).where(r.offender_id == offender_id, live(r)).order_by(r.starts_on, r.id)))
        pending = tuple(pending_view(x, today, ahead) for x in pending_rows(s, offender_id))
        stations: dict[int | None, str] = {st.id: st.name for st in s.scalars(select(m.PoliceStation))}
        given = [(x, x.notified_at) for x in reversed(taken_rows(s, offender_id)) if x.notified_at is not None]
        names: dict[int | None, str] = dict(s.execute(select(m.User.id, m.User.display_name).where(
            m.User.id.in_({u for x, _at in given for u in (x.taken_by_id, x.created_by_id) if u}))).all())
        taken = tuple(
            TakenRow(x.id, x.kind, LABELS.get(x.kind, x.kind), x.due_on, at, stations.get(x.station_id),
                     names.get(x.taken_by_id), x.late, x.fingerprints_taken, x.photographs_taken,
                     x.event_on, x.in_person, details_of(x), names.get(x.created_by_id), x.created_at)
            for x, at in given)
        a = m.Address
        unnotified = s.scalars(select(a).where(a.offender_id == offender_id, live(a), a.notified.is_(False),
                                               a.kind == "other_premises").order_by(a.id))
        counters = tuple(c for c in (qualifying_counter(x, address_stays(s, x.id), today, policy) for x in unnotified)
                         if c.days_in_last_12_months or c.flagged)
        p = m.DisregardedPeriod
        periods = tuple(PeriodView(x.id, x.version_id, x.kind, x.starts_on, x.ends_on) for x in s.scalars(
            select(p).where(p.offender_id == offender_id, live(p)).order_by(p.starts_on.desc())))
        return NotificationsView(offender_id, today, reqs, pending, taken, counters, periods,
                                 min((x.due_on for x in pending if x.due_on), default=None))
