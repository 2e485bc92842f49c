"""Opening breaches: a late or missed notification and refused biometrics (s.91), opened once
however often they are checked; a breach entered by hand; an order prohibition breached."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from rso_manager.domain.dates import london_day
from rso_manager.domain.roles import Permission
from rso_manager.persistence import models as m
from rso_manager.services import case_events
from rso_manager.services.breaches.views import STATUTORY_DUTIES, BreachView, breach_view
from rso_manager.services.errors import FieldProblem, NotFound, ValidationFailed, past_date_problem
from rso_manager.services.unit_of_work import (
    SYSTEM,
    Actor,
    Services,
    UnitOfWork,
    find_offender,
    unit_of_work,
)

BREACH_KINDS = ("statutory_duty", "order", "licence")


@dataclass(frozen=True)
class BreachInput:
    kind: str = "statutory_duty"  # statutory_duty | order | licence
    occurred_on: date | None = None
    description: str = ""
    order_requirement_id: int | None = None
    duty: str | None = None


def _notification_duty(kind: str) -> str:
    if kind == "initial":
        return "initial_notification"
    if kind.startswith("change") or kind == "did_not_occur":
        return "change_notification"
    if kind in ("periodic", "weekly"):
        return "periodic_notification"
    if kind == "travel":
        return "travel_notification"
    return "regulations_notification"


def notification_breaches(uow: UnitOfWork, notification_id: int) -> list[m.Breach]:
    """Open the breaches a notification shows: made late, not made by its due date, or
    fingerprints/photographs refused. Idempotent, so the notifications service can call it on
    every save and a daily sweep can call it for missed ones. A breach of the same duty and
    date already open (one opened by hand, say) is returned rather than opened again."""
    return _notification_breaches(uow, notification_id)[0]


def _notification_breaches(uow: UnitOfWork, notification_id: int) -> tuple[list[m.Breach], int]:
    """The breaches the notification shows, and how many of them were opened just now."""
    s = uow.session
    n = s.get(m.StatutoryNotification, notification_id)
    if n is None or n.voided_at is not None:
        return [], 0
    have = set(s.scalars(select(m.Breach.source).where(
        m.Breach.notification_id == n.id, m.Breach.voided_at.is_(None))))
    today = uow.services.clock.today()
    label = n.kind.replace("_", " ")
    due = f" due {n.due_on:%d/%m/%Y}" if n.due_on else ""
    opened: list[m.Breach] = []
    new = 0

    def open_one(source: str, duty: str, on: date, text: str) -> None:
        nonlocal new
        new += case_events.matching_open_breach(s, offender_id=n.offender_id, kind="statutory_duty", duty=duty,
                                                occurred_on=on, notification_id=n.id) is None
        opened.append(case_events.open_breach(uow, offender_id=n.offender_id, kind="statutory_duty", source=source,
                                              duty=duty, occurred_on=on, description=text, notification_id=n.id))

    notified_on = london_day(n.notified_at) if n.notified_at else None
    first_late_day = n.due_on + timedelta(days=1) if n.due_on else None
    if not have & {"late_notification", "missed_notification"}:
        if notified_on is not None and (n.late or (n.due_on is not None and notified_on > n.due_on)):
            open_one("late_notification", _notification_duty(n.kind), first_late_day or notified_on,
                     f"The {label} notification{due} was made late, on {notified_on:%d/%m/%Y}.")
        elif notified_on is None and n.due_on is not None and n.due_on < today:
            open_one("missed_notification", _notification_duty(n.kind), n.due_on + timedelta(days=1),
                     f"The {label} notification{due} has not been made.")
    # The notification form stores False only for a refusal; None means not asked.
    refused = [what for what, taken in (("fingerprints", n.fingerprints_taken),
                                        ("photographs", n.photographs_taken)) if taken is False]
    if refused and "refused_biometrics" not in have:
        open_one("refused_biometrics", "biometrics", notified_on or today,
                 f"Refused to allow {' and '.join(refused)} to be taken at the {label} notification.")
    return opened, new


def check_notification(services: Services, actor: Actor, notification_id: int) -> list[BreachView]:
    """Open any breach the notification shows (late, missed, biometrics refused)."""
    with unit_of_work(services, actor) as uow:
        n = uow.session.get(m.StatutoryNotification, notification_id)
        if n is None:
            raise NotFound(f"No notification {notification_id}.")
        uow.authorise(Permission.WRITE_CASES, offender_id=n.offender_id)
        today = services.clock.today()
        return [breach_view(uow.session, b, today) for b in notification_breaches(uow, notification_id)]


def open_missed_notification_breaches(services: Services, actor: Actor = SYSTEM) -> int:
    """Daily sweep: a missed notification leaves no event behind, so look for the absence."""
    today = services.clock.today()
    with unit_of_work(services, actor) as uow:
        s = uow.session
        if actor is not SYSTEM:
            uow.authorise(Permission.WRITE_CASES)
        ids = list(s.scalars(select(m.StatutoryNotification.id).where(
            m.StatutoryNotification.notified_at.is_(None), m.StatutoryNotification.voided_at.is_(None),
            m.StatutoryNotification.due_on < today,
            ~select(m.Breach.id).where(m.Breach.notification_id == m.StatutoryNotification.id).exists())))
    opened = 0
    for nid in ids:  # one transaction per notification: one bad row does not stop the rest
        with unit_of_work(services, actor) as uow:
            opened += _notification_breaches(uow, nid)[1]
    return opened


def _breach_input_problems(s: Session, offender_id: int, data: BreachInput, today: date) -> list[FieldProblem]:
    problems = []
    if data.kind not in BREACH_KINDS:
        problems.append(FieldProblem("kind", "Choose what was breached: a statutory duty, an order or a licence."))
    problems += filter(None, [past_date_problem(
        "occurred_on", data.occurred_on, today, missing="Enter the date the breach happened (DD/MM/YYYY).",
        future="The breach date is in the future; a breach is recorded once it has happened.")])
    if not data.description.strip():
        problems.append(FieldProblem("description", "Describe what happened: what was done or not done, and how it came to light."))
    if data.kind == "order":
        req = s.get(m.OrderRequirement, data.order_requirement_id) if data.order_requirement_id else None
        if req is None or req.offender_id != offender_id or req.voided_at is not None:
            problems.append(FieldProblem("order_requirement_id", "Choose the order and the prohibition or requirement breached."))
    elif data.kind == "statutory_duty" and data.duty not in STATUTORY_DUTIES:
        problems.append(FieldProblem("duty", "Choose the statutory duty breached."))
    return problems


def open_manual_breach(services: Services, actor: Actor, offender_id: int, data: BreachInput) -> BreachView:
    """A breach that no automatic rule caught (intelligence, a licence condition, anything else)."""
    with unit_of_work(services, actor) as uow:
        uow.authorise(Permission.WRITE_CASES, offender_id=offender_id)
        find_offender(uow.session, offender_id)
        today = services.clock.today()
        problems = _breach_input_problems(uow.session, offender_id, data, today)
        if problems or data.occurred_on is None:  # (the problems ask for the date)
            raise ValidationFailed(problems)
        duty = data.duty if data.kind == "statutory_duty" else None
        requirement_id = data.order_requirement_id if data.kind == "order" else None
        existing = case_events.matching_open_breach(uow.session, offender_id=offender_id, kind=data.kind, duty=duty,
                                                    occurred_on=data.occurred_on, order_requirement_id=requirement_id)
        if existing is not None:
            return replace(breach_view(uow.session, existing, today), already_open=True)
        b = case_events.open_breach(uow, offender_id=offender_id, kind=data.kind, source="manual",
                                    occurred_on=data.occurred_on, description=data.description.strip(),
                                    duty=duty, order_requirement_id=requirement_id)
        return breach_view(uow.session, b, today)


def record_order_breach(services: Services, actor: Actor, offender_id: int, order_requirement_id: int,
                        occurred_on: date | None, description: str) -> BreachView:
    """A recorded breach of an order's prohibition (or positive requirement)."""
    data = BreachInput("order", occurred_on, description, order_requirement_id)
    with unit_of_work(services, actor) as uow:
        uow.authorise(Permission.WRITE_CASES, offender_id=offender_id)
        find_offender(uow.session, offender_id)
        today = services.clock.today()
        problems = _breach_input_problems(uow.session, offender_id, data, today)
        req = uow.session.get(m.OrderRequirement, order_requirement_id)
        if not problems and req is not None and occurred_on is not None and (
                occurred_on < req.starts_on or (req.ends_on and not req.indefinite and occurred_on > req.ends_on)):
            problems.append(FieldProblem("occurred_on", "The order item was not in force on that date; check the date or the item chosen."))
        if problems or occurred_on is None:  # (the problems ask for the date)
            raise ValidationFailed(problems)
        existing = case_events.matching_open_breach(uow.session, offender_id=offender_id, kind="order", duty=None,
                                                    occurred_on=occurred_on, order_requirement_id=order_requirement_id)
        if existing is not None:
            return replace(breach_view(uow.session, existing, today), already_open=True)
        b = case_events.open_breach(uow, offender_id=offender_id, kind="order", source="order_prohibition",
                                    occurred_on=occurred_on, description=description.strip(),
                                    order_requirement_id=order_requirement_id)
        return breach_view(uow.session, b, today)
