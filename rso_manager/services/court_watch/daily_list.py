"""The court watch's daily list: what an officer checks each morning. Today's hearings, the last
working day's (their outcomes to record), SHPO applications not yet attached to the file of a
person awaiting trial, and the people convicted through the watch whose initial notification
is still to be taken (s.83(1))."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from rso_manager.domain import court_watch as cw
from rso_manager.persistence import models as m
from rso_manager.services.court_watch.views import (
    ChargedPersonView,
    HearingView,
    authorised,
    person_views,
    watch_clause,
)
from rso_manager.services.court_watch.watch import READ_ACTION
from rso_manager.services.unit_of_work import Actor, Services, unit_of_work


@dataclass(frozen=True)
class DailyItem:
    """One line of the daily list: the person, and the hearing or notification it is about."""

    person: ChargedPersonView
    section: str                 # today | yesterday | shpo | notification
    hearing: HearingView | None = None
    due_on: date | None = None   # the initial notification's due date (None: from release)
    overdue: bool = False

    @property
    def what(self) -> str:
        if self.hearing is not None:
            h = self.hearing
            where = f" at {h.court}" if h.court else ""
            purpose = f" ({h.purpose})" if h.purpose else ""
            return f"Hearing{purpose}{where}: {h.outcome_text}"
        if self.section == "shpo":
            state = cw.SHPO_APPLICATION[self.person.shpo_application].lower()
            return f"SHPO application {state}" + (f" (by {self.person.shpo_application_by})"
                                                   if self.person.shpo_application_by else "")
        if self.due_on is None:
            return f"Initial notification ({self.person.offender_reference}): due within 3 days of release"
        return (f"Initial notification ({self.person.offender_reference}): "
                f"{'overdue since' if self.overdue else 'due by'} {self.due_on:%d/%m/%Y}")


@dataclass(frozen=True)
class DailyList:
    today: date
    last_working_day: date
    today_hearings: tuple[DailyItem, ...]
    yesterday_hearings: tuple[DailyItem, ...]
    shpo_pending: tuple[DailyItem, ...]
    notifications_due: tuple[DailyItem, ...]

    @property
    def items(self) -> tuple[DailyItem, ...]:
        return self.today_hearings + self.yesterday_hearings + self.shpo_pending + self.notifications_due


def daily_list(services: Services, actor: Actor) -> DailyList:
    today = services.clock.today()
    before = cw.last_working_day(today)
    P, H, N = m.ChargedPerson, m.CourtHearing, m.StatutoryNotification
    with unit_of_work(services, actor) as uow:
        authorised(uow)
        s, scope = uow.session, watch_clause(uow.actor)
        live = (P.voided_at.is_(None), scope)
        heard = set(s.scalars(select(P.id).join(H, H.charged_person_id == P.id).where(
            *live, H.voided_at.is_(None), H.hearing_on >= before, H.hearing_on <= today)))
        shpo = set(s.scalars(select(P.id).where(*live, P.status == "pending", P.shpo_application != "attached")))
        due = {pid: (due_on, notified) for pid, due_on, notified in s.execute(
            select(P.id, N.due_on, N.notified_at).join(N, N.offender_id == P.offender_id).where(
                *live, P.status == "convicted", N.kind == "initial", N.voided_at.is_(None), N.notified_at.is_(None)))}
        people = list(s.scalars(select(P).where(P.id.in_(heard | shpo | set(due))).order_by(P.surname, P.id)))
        views = {v.charged_person_id: v for v in person_views(s, people)}
        uow.audit(READ_ACTION, entity="charged_person", details={"daily_list": today, "people": len(views)})

    def hearings_on(day: date) -> tuple[DailyItem, ...]:
        return tuple(DailyItem(v, "today" if day == today else "yesterday", hearing=h)
                     for v in views.values() for h in v.hearings if h.hearing_on == day)

    yesterday = tuple(i for d in sorted({h.hearing_on for v in views.values() for h in v.hearings
                                         if before <= h.hearing_on < today}) for i in hearings_on(d))
    notes = tuple(DailyItem(views[pid], "notification", due_on=d, overdue=d is not None and d < today)
                  for pid, (d, _n) in sorted(due.items(), key=lambda x: (x[1][0] or date.max, x[0])))
    return DailyList(today, before, hearings_on(today), yesterday,
                     tuple(DailyItem(views[pid], "shpo") for pid in sorted(shpo, key=lambda p: views[p].surname)),
                     notes)
