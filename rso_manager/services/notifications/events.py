"""Events the offender must notify (s.84 changes, travel, household stays, 2012 details), recorded
ahead of the notification with its due date."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from rso_manager.domain import notification_due as nd
from rso_manager.domain.roles import Permission
from rso_manager.domain.visit_window import TriggerKind
from rso_manager.persistence import models as m
from rso_manager.services import case_events, case_summary, settings
from rso_manager.services.errors import FieldProblem, ValidationFailed
from rso_manager.services.notifications.kinds import EVENT_KINDS
from rso_manager.services.notifications.pending import (
    PendingNotification,
    disregarded_periods,
    due_date,
    live,
    new_pending,
    pending_rows,
    pending_view,
    recompute_pending,
    reminder_days_ahead,
)
from rso_manager.services.safeguarding.responses import open_response
from rso_manager.services.unit_of_work import (
    Actor,
    Services,
    UnitOfWork,
    find_offender,
    unit_of_work,
)


@dataclass(frozen=True)
class EventRecorded:
    notification: PendingNotification
    referral_id: int | None = None  # the safeguarding task a household stay opens (R9)
    address_id: int | None = None


@dataclass(frozen=True)
class NewHome:
    """A change of home address (s.84(1)(b)): the new address, or no fixed abode."""

    line1: str = ""
    town: str | None = None
    postcode: str | None = None
    no_fixed_abode: bool = False

    @classmethod
    def from_details(cls, details: Mapping[str, Any], *, no_fixed_abode: bool = False) -> NewHome:
        return cls(_text(details, "line1"), _text(details, "town") or None,
                   _text(details, "postcode").upper() or None, no_fixed_abode)

    def problems(self) -> list[FieldProblem]:
        if self.no_fixed_abode or self.line1.strip():
            return []
        return [FieldProblem("line1", "Enter the new home address (house number and street), or say the "
                                      "offender has no fixed abode.")]


def _current_homes(session: Session, offender_id: int) -> list[m.Address]:
    a = m.Address
    return list(session.scalars(select(a).where(a.offender_id == offender_id, live(a), a.to_date.is_(None),
                                                a.kind.in_(("home", "no_fixed_abode")))))


def has_no_fixed_abode(session: Session, offender_id: int) -> bool:
    return any(a.kind == "no_fixed_abode" for a in _current_homes(session, offender_id))


def record_address_change(uow: UnitOfWork, offender_id: int, on: date, home: NewHome) -> m.Address:
    """A change of home address (s.84(1)(b)), however the OMU learns of it (an event recorded
    ahead of the notification, or a change first heard of at the station): the current home
    ends the day the new one begins, the new home is recorded as not yet notified (taking the
    change notification marks it), and the next home visit is pulled forward."""
    for prev in _current_homes(uow.session, offender_id):
        prev.to_date = on
        uow.stamp_updated(prev)
    kind = "no_fixed_abode" if home.no_fixed_abode else "home"
    a = uow.stamp_created(m.Address(
        offender_id=offender_id, kind=kind, line1="No fixed abode" if home.no_fixed_abode else home.line1.strip(),
        town=(home.town or "").strip() or None, postcode=(home.postcode or "").strip().upper() or None,
        from_date=on, notified=False))
    uow.session.add(a)
    uow.session.flush()
    uow.audit("entry.create", entity="address", entity_id=a.id, offender_id=offender_id,
              details={"kind": kind, "from": on, "notified": False})
    case_events.record_trigger(uow, offender_id, TriggerKind.CHANGE_OF_ADDRESS, on, ("address", a.id))
    return a


def _text(details: Mapping[str, Any], key: str) -> str:
    return str(details.get(key) or "").strip()


def record_event(services: Services, actor: Actor, offender_id: int, kind: str, event_on: date,
                 details: Mapping[str, Any] | None = None) -> EventRecorded:
    """Something happened that the offender must notify; the pending notification is created
    with its due date by the rules:

    - change_name (details: name), change_address (line1, town, postcode): s.84(1)(a)/(b),
      3 days beginning with the event; a new home also pulls the next visit forward.
    - no_fixed_abode: a change of home (s.84(1)(b)); once notified, weekly (s.85, 2012 Regs).
    - household (hours, child_under_18, address): 2012 Regs reg 10, a stay of 12 hours or more
      where a child under 18 lives or stays; opens a safeguarding task (R9).
    - travel (event_on = departure; destination, return_on): s.86, at least 7 days ahead.
    - financial: new bank, card or passport details, due with the next notification (2012 Regs).
    - did_not_occur (event_on = the date given in an advance notice): s.84(4)(b).
    """
    today = services.clock.today()
    details = dict(details or {})
    problems = []
    if kind not in EVENT_KINDS:
        problems.append(FieldProblem("kind", "Choose what happened: " + ", ".join(EVENT_KINDS) + "."))
    if event_on is None:
        problems.append(FieldProblem("event_on", "Enter the date it happened (for travel, the departure date)."))
    elif event_on > today and kind != "travel":
        problems.append(FieldProblem("event_on", "The date is in the future; record it when it happens."))
    if kind == "change_name" and not _text(details, "name"):
        problems.append(FieldProblem("name", "Enter the new name."))
    if kind in ("change_address", "no_fixed_abode"):
        problems += NewHome.from_details(details, no_fixed_abode=kind == "no_fixed_abode").problems()
    if kind == "household":
        hours, child = details.get("hours"), details.get("child_under_18")
        if not isinstance(hours, int | float) or hours <= 0:
            problems.append(FieldProblem("hours", "Enter how many hours the stay lasted or is intended to last."))
        elif child is not True:
            problems.append(FieldProblem("child_under_18", "Only a household where a child under 18 lives or stays is notifiable (2012 Regs reg 10); record other stays with record_stay."))
        elif not nd.household_stay_notifiable(hours, True):
            problems.append(FieldProblem("hours", f"A stay under {nd.HOUSEHOLD_HOURS} hours is not notifiable (2012 Regs reg 10); record it as a case note and consider a safeguarding referral."))
        if not _text(details, "address"):
            problems.append(FieldProblem("address", "Enter the household's address."))
    if problems:
        raise ValidationFailed(problems)
    with unit_of_work(services, actor) as uow:
        uow.authorise(Permission.WRITE_CASES, offender_id=offender_id)
        s = uow.session
        find_offender(uow.session, offender_id)
        policy, periods = settings.notification_policy(s), disregarded_periods(s, offender_id)
        referral_id = address_id = None
        stored, due_kind = kind, kind
        if kind in ("change_address", "no_fixed_abode"):
            stored = due_kind = "change_address"
            nfa = kind == "no_fixed_abode"
            a = record_address_change(uow, offender_id, event_on, NewHome.from_details(details, no_fixed_abode=nfa))
            address_id = details["address_id"] = a.id
            details["no_fixed_abode"] = nfa
        others = [n.due_on for n in pending_rows(s, offender_id) if n.due_on is not None]
        n = new_pending(uow, offender_id, stored, event_on,
                        due_date(due_kind, event_on, periods, policy, others), details)
        if kind == "household":
            referral_id = open_response(
                uow, offender_id,
                f"Stay of {details['hours']:g} hours from {event_on:%d/%m/%Y} at {_text(details, 'address')}, "
                "a household where a child under 18 lives or stays (2012 Regs reg 10). Decide whether to "
                "refer to children's social care.",
                uow.now, origin="household", origin_entity="statutory_notification", origin_id=n.id).id
        recompute_pending(uow, offender_id, f"new {kind} notification")  # 2012 details follow
        case_summary.refresh(s, offender_id, today)
        return EventRecorded(pending_view(n, today, reminder_days_ahead(s)), referral_id, address_id)
