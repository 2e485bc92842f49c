"""Stays at premises the offender has not notified: 7 days in any 12 months make a change
notification due (s.84(6), s.84(1)(c))."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from rso_manager.domain import notification_due as nd
from rso_manager.domain.dates import add_months
from rso_manager.domain.roles import Permission
from rso_manager.persistence import models as m
from rso_manager.services import case_summary, settings
from rso_manager.services.errors import FieldProblem, ValidationFailed
from rso_manager.services.notifications.pending import (
    details_of,
    disregarded_periods,
    due_date,
    live,
    new_pending,
    recompute_pending,
)
from rso_manager.services.unit_of_work import Actor, Services, find_offender, unit_of_work


@dataclass(frozen=True)
class StayResult:
    stay_id: int
    address_id: int
    days_in_last_12_months: int
    reached_on: date | None  # s.84(6): the day the qualifying period was reached
    flagged: bool
    notification_id: int | None
    due_on: date | None


@dataclass(frozen=True)
class QualifyingCounter:
    address_id: int
    address: str
    days_in_last_12_months: int
    reached_on: date | None
    flagged: bool


def qualifying_counter(a: m.Address, stays: list[nd.Stay], as_of: date, policy: nd.NotificationPolicy) -> QualifyingCounter:
    """s.84(6): days at one unnotified address in the 12 months ending AS_OF, and the day the
    qualifying period was first reached (7 days in any 12 months)."""
    start = add_months(as_of, -policy.qualifying_window_months) + timedelta(days=1)
    days = {st.start + timedelta(days=i) for st in stays for i in range((st.end - st.start).days + 1)}
    reached = nd.qualifying_period_reached(stays, as_of, policy)
    text = ", ".join(x for x in (a.line1, a.town, a.postcode) if x)
    return QualifyingCounter(a.id, text, sum(start <= d <= as_of for d in days), reached, reached is not None)


def address_stays(session: Session, address_id: int) -> list[nd.Stay]:
    st = m.AddressStay
    return [nd.Stay(x.starts_on, x.ends_on) for x in session.scalars(
        select(st).where(st.address_id == address_id, live(st)))]


def record_stay(services: Services, actor: Actor, offender_id: int, starts_on: date, ends_on: date, *,
                address_id: int | None = None, line1: str | None = None, town: str | None = None,
                postcode: str | None = None) -> StayResult:
    """A stay at premises the offender has not notified. When stays there reach 7 days in any
    12 months (s.84(6)) the app flags it and a change notification falls due (s.84(1)(c))."""
    today = services.clock.today()
    problems = []
    if address_id is None and not (line1 or "").strip():
        problems.append(FieldProblem("line1", "Enter the address stayed at, or choose one already recorded."))
    if starts_on is None or starts_on > today:
        problems.append(FieldProblem("starts_on", "Enter the first day of the stay (not in the future)."))
    if ends_on is None or (starts_on is not None and ends_on < starts_on):
        problems.append(FieldProblem("ends_on", "Enter the last day of the stay, on or after the first."))
    if problems:
        raise ValidationFailed(problems)
    with unit_of_work(services, actor) as uow:
        uow.authorise(Permission.WRITE_CASES, offender_id=offender_id)
        s = uow.session
        find_offender(uow.session, offender_id)
        if address_id is not None:
            a = s.get(m.Address, address_id)
            if a is None or a.offender_id != offender_id or a.voided_at is not None:
                raise ValidationFailed(FieldProblem("address_id", "Choose one of this offender's addresses."))
            if a.notified:
                raise ValidationFailed(FieldProblem("address_id", "This address has been notified, so stays there do not count towards s.84(6)."))
        else:
            a = uow.stamp_created(m.Address(offender_id=offender_id, kind="other_premises", line1=(line1 or "").strip(),
                                            town=(town or "").strip() or None,
                                            postcode=(postcode or "").strip().upper() or None,
                                            from_date=starts_on, notified=False))
            s.add(a)
            s.flush()
            uow.audit("entry.create", entity="address", entity_id=a.id, offender_id=offender_id,
                      details={"kind": a.kind, "notified": False})
        stay = uow.stamp_created(m.AddressStay(offender_id=offender_id, address_id=a.id,
                                               starts_on=starts_on, ends_on=ends_on))
        s.add(stay)
        s.flush()
        uow.audit("entry.create", entity="address_stay", entity_id=stay.id, offender_id=offender_id,
                  details={"address_id": a.id, "starts_on": starts_on, "ends_on": ends_on})
        policy = settings.notification_policy(s)
        counter = qualifying_counter(a, address_stays(s, a.id), today, policy)
        n = None
        if counter.flagged:
            n = next((x for x in s.scalars(select(m.StatutoryNotification).where(
                m.StatutoryNotification.offender_id == offender_id, m.StatutoryNotification.kind == "change_premises",
                live(m.StatutoryNotification))) if details_of(x).get("address_id") == a.id), None)
            if n is None:
                due = due_date("change_premises", counter.reached_on, disregarded_periods(s, offender_id), policy)
                n = new_pending(uow, offender_id, "change_premises", counter.reached_on, due,
                                {"address_id": a.id, "address": counter.address})
                recompute_pending(uow, offender_id, "qualifying period reached")
        case_summary.refresh(s, offender_id, today)
        return StayResult(stay.id, a.id, counter.days_in_last_12_months, counter.reached_on,
                          counter.flagged, n.id if n else None, n.due_on if n else None)
