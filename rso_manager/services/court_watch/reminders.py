"""Hearings with no outcome recorded, for the watcher, from the working day after the hearing
(domain.court_watch.reminder_due). rso_manager.reminders, a layer above the services, turns
each into its Reminder: a charged person has no case yet, so it opens the Court watch page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from rso_manager.domain import court_watch as cw
from rso_manager.domain.roles import Permission
from rso_manager.persistence import models as m
from rso_manager.services.court_watch.views import watch_reference
from rso_manager.services.unit_of_work import Actor, Services, unit_of_work


@dataclass(frozen=True)
class OutcomeReminder:
    hearing_id: int
    charged_person_id: int
    offender_id: int | None  # the case, once convicted (a sentence hearing)
    reference: str           # the case's reference, or the watch's (CW-0012)
    name: str
    hearing_on: date
    court: str | None
    due: date
    overdue: bool

    @property
    def detail(self) -> str:
        return f"hearing of {self.hearing_on:%d/%m/%Y}{f' at {self.court}' if self.court else ''}: no outcome recorded"

    @property
    def key(self) -> str:
        return f"court_hearing:{self.hearing_id}"


def outcome_reminders(services: Services, actor: Actor) -> list[OutcomeReminder]:
    """The user's watched people's hearings with no outcome once their reminder day has come."""
    today = services.clock.today()
    if not actor.can(Permission.WATCH_COURTS):
        return []
    P, H = m.ChargedPerson, m.CourtHearing
    out = []
    with unit_of_work(services, actor) as uow:
        uow.authorise(Permission.WATCH_COURTS)
        # A hearing is due a reminder at most a few days after it (weekends, Easter, Christmas):
        # older ones are found too, they are only overdue longer.
        rows = uow.session.execute(
            select(H.id, H.hearing_on, H.court, P.id.label("person_id"), P.surname, P.forenames, P.offender_id,
                   m.Offender.reference)
            .join(P, P.id == H.charged_person_id).outerjoin(m.Offender, m.Offender.id == P.offender_id)
            .where(P.watcher_id == uow.actor.user_id, P.voided_at.is_(None), P.status != "closed",
                   H.voided_at.is_(None), H.outcome.is_(None), H.hearing_on < today)
            .order_by(H.hearing_on, H.id))
        for r in rows:
            due = cw.reminder_due(r.hearing_on)
            if due <= today:
                out.append(OutcomeReminder(r.id, r.person_id, r.offender_id, r.reference or watch_reference(r.person_id),
                                           f"{r.surname.upper()}, {r.forenames}", r.hearing_on, r.court, due,
                                           due < today))
    return out
