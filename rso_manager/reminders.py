"""What is due or overdue for whom: a scan over the database, with no scheduler in it.

The GUI's scheduler job and the start-up scan both call scan(), so a reminder that fell due
while the app was closed shows at the next start: the database, not a timer, is the truth.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import and_, or_, select

from rso_manager.domain.roles import CaseloadScope, Permission, Role
from rso_manager.persistence import models as m
from rso_manager.services import access
from rso_manager.services.caseload import _scope_filter
from rso_manager.services.unit_of_work import Actor, Services


@dataclass(frozen=True)
class Reminder:
    offender_id: int
    reference: str
    name: str
    what: str          # "Home visit" | "Notification"
    due: date
    overdue: bool

    @property
    def text(self) -> str:
        state = "overdue since" if self.overdue else "due"
        return f"{self.what} {state} {self.due:%d/%m/%Y}: {self.name} ({self.reference})"


@dataclass(frozen=True)
class ReminderDigest:
    as_of: date
    items: tuple[Reminder, ...]

    @property
    def overdue(self) -> int:
        return sum(r.overdue for r in self.items)

    @property
    def due_soon(self) -> int:
        return len(self.items) - self.overdue


def default_scope(actor: Actor) -> CaseloadScope:
    # Offender managers see their own caseload; supervisors and leads see their team's.
    return CaseloadScope.MINE if actor.role is Role.OFFENDER_MANAGER else CaseloadScope.TEAM


def scan(services: Services, actor: Actor, *, days_ahead: int = 7) -> ReminderDigest:
    today = services.clock.today()
    if not actor.can(Permission.READ_CASES) or (actor.team_id is None and default_scope(actor) is CaseloadScope.TEAM):
        return ReminderDigest(today, ())
    horizon = today + timedelta(days=days_ahead)
    stmt = (select(m.Offender.id, m.Offender.reference, m.Offender.surname, m.Offender.forenames,
                   m.Offender.next_visit_due, m.Offender.next_notification_due)
            .where(m.Offender.status == "active", _scope_filter(actor, default_scope(actor)),
                   or_(and_(m.Offender.next_visit_due.is_not(None), m.Offender.next_visit_due <= horizon),
                       and_(m.Offender.next_notification_due.is_not(None), m.Offender.next_notification_due <= horizon))))
    items = []
    with access.listing(services, actor) as s:
        for oid, ref, surname, forenames, visit_due, note_due in s.execute(stmt):
            name = f"{surname.upper()}, {forenames}"
            if visit_due is not None and visit_due <= horizon:
                items.append(Reminder(oid, ref, name, "Home visit", visit_due, visit_due < today))
            if note_due is not None and note_due <= horizon:
                items.append(Reminder(oid, ref, name, "Notification", note_due, note_due < today))
    items.sort(key=lambda r: (not r.overdue, r.due, r.reference))
    return ReminderDigest(today, tuple(items))
