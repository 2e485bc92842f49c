"""Breaches and warnings: every breach ends as a crime record or a reasoned, signed decision.

The inspection found breaches not recorded as crimes and warnings given inconsistently with no
rationale visible to others. So a breach has exactly two ways to close: a crime reference in the
force's format, or a supervisor's signed decision not to record a crime, reasoned in words that
are not boilerplate. A warning is recorded beside a breach and never closes it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from rso_manager.clock import LONDON
from rso_manager.domain.device_identifiers import crime_reference_problem, normalise_crime_reference
from rso_manager.domain.rationale import RationalePolicy, SignOffDecision, assess_rationale
from rso_manager.domain.roles import CaseloadScope, Permission, caseload_scopes
from rso_manager.persistence import models as m
from rso_manager.reports.warning_letter import warning_letter_pdf
from rso_manager.services import access, case_events, case_summary, settings
from rso_manager.services.caseload import _scope_filter  # one definition of who sees which cases
from rso_manager.services.errors import FieldProblem, NotFound, ValidationFailed, past_date_problem
from rso_manager.services.unit_of_work import (
    SYSTEM,
    Actor,
    Services,
    UnitOfWork,
    find_offender,
    unit_of_work,
)

NO_CRIME = "breach_no_crime"  # SignOff.entity for a proposed decision not to record a crime
RISK_REVIEW_WORKING_DAYS = 10

BREACH_KINDS = ("statutory_duty", "order", "licence")
WARNING_KINDS = ("oral", "written")
# The duties whose breach is an offence under SOA 2003 s.91(1), named for the manual form.
STATUTORY_DUTIES: dict[str, str] = {
    "initial_notification": "Initial notification (SOA 2003 s.83)",
    "change_notification": "Notifying a change (SOA 2003 s.84)",
    "periodic_notification": "Periodic notification (SOA 2003 s.85)",
    "travel_notification": "Notifying foreign travel (SOA 2003 s.86)",
    "regulations_notification": "Notifying household, bank, card or passport details (2012 Regulations)",
    "biometrics": "Allowing fingerprints and photographs (SOA 2003 s.87(4))",
    "false_information": "Giving false information (SOA 2003 s.91(1)(b))",
    "device_declaration": "Declaring a device as the case requires",
}


@dataclass(frozen=True)
class BreachInput:
    kind: str = "statutory_duty"  # statutory_duty | order | licence
    occurred_on: date | None = None
    description: str = ""
    order_requirement_id: int | None = None
    duty: str | None = None


@dataclass(frozen=True)
class WarningInput:
    kind: str = "oral"  # oral | written
    rationale: str = ""
    given_on: date | None = None
    breach_id: int | None = None


@dataclass(frozen=True)
class WarningView:
    warning_id: int
    version_id: int
    offender_id: int
    kind: str
    rationale: str
    given_by: str
    given_on: date
    breach_id: int | None
    sign_off_status: str | None  # written warnings: pending | approved | returned


@dataclass(frozen=True)
class BreachView:
    breach_id: int
    version_id: int
    offender_id: int
    kind: str
    source: str
    duty: str | None
    order_requirement: str | None
    device_id: int | None
    occurred_on: date
    description: str
    status: str
    age_days: int
    crime_reference: str | None
    no_crime_rationale: str | None
    decision: str  # what the breach is waiting for, or how it was closed, in words
    no_crime_sign_off_id: int | None
    signed_by: str | None
    closed_at: datetime | None
    warnings: tuple[WarningView, ...]
    already_open: bool = False  # opening it found this breach of the same duty and date already open

    @property
    def needs_decision(self) -> bool:
        """Open with neither a crime reference nor a signed decision not to record one."""
        return self.status == "open" and not self.crime_reference and self.signed_by is None


@dataclass(frozen=True)
class OpenBreachRow:
    """One open breach on the caseload or compliance summary."""

    offender_id: int
    reference: str
    name: str
    breach_id: int
    occurred_on: date
    age_days: int
    description: str
    awaiting_sign_off: bool


# --- opening (inside a caller's unit of work) ----------------------------------------------


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

    notified_on = n.notified_at.astimezone(LONDON).date() if n.notified_at else None
    first_late_day = n.due_on + timedelta(days=1) if n.due_on else None
    if not have & {"late_notification", "missed_notification"}:
        if notified_on is not None and (n.late or (n.due_on is not None and notified_on > n.due_on)):
            open_one("late_notification", _notification_duty(n.kind), first_late_day or notified_on,
                     f"The {label} notification{due} was made late, on {notified_on:%d/%m/%Y}.")
        elif notified_on is None and n.due_on is not None and n.due_on < today:
            open_one("missed_notification", _notification_duty(n.kind), first_late_day,
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
        return [_view(uow.session, b, today) for b in notification_breaches(uow, notification_id)]


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
        if problems:
            raise ValidationFailed(problems)
        duty = data.duty if data.kind == "statutory_duty" else None
        requirement_id = data.order_requirement_id if data.kind == "order" else None
        existing = case_events.matching_open_breach(uow.session, offender_id=offender_id, kind=data.kind, duty=duty,
                                                    occurred_on=data.occurred_on, order_requirement_id=requirement_id)
        if existing is not None:
            return replace(_view(uow.session, existing, today), already_open=True)
        b = case_events.open_breach(uow, offender_id=offender_id, kind=data.kind, source="manual",
                                    occurred_on=data.occurred_on, description=data.description.strip(),
                                    duty=duty, order_requirement_id=requirement_id)
        return _view(uow.session, b, today)


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
        if not problems and (occurred_on < req.starts_on or (req.ends_on and not req.indefinite and occurred_on > req.ends_on)):
            problems.append(FieldProblem("occurred_on", "The order item was not in force on that date; check the date or the item chosen."))
        if problems:
            raise ValidationFailed(problems)
        existing = case_events.matching_open_breach(uow.session, offender_id=offender_id, kind="order", duty=None,
                                                    occurred_on=occurred_on, order_requirement_id=order_requirement_id)
        if existing is not None:
            return replace(_view(uow.session, existing, today), already_open=True)
        b = case_events.open_breach(uow, offender_id=offender_id, kind="order", source="order_prohibition",
                                    occurred_on=occurred_on, description=description.strip(),
                                    order_requirement_id=order_requirement_id)
        return _view(uow.session, b, today)


# --- closing: a crime reference or a signed reasoned decision -------------------------------



def _load_breach(uow: UnitOfWork, breach_id: int, version_id: int | None = None,
                 permission: Permission = Permission.WRITE_CASES) -> m.Breach:
    b = uow.session.get(m.Breach, breach_id)
    if b is None or b.voided_at is not None:
        raise NotFound(f"No breach {breach_id} (it may have been marked as entered in error).")
    uow.authorise(permission, offender_id=b.offender_id)
    if version_id is not None and b.version_id != version_id:
        raise StaleDataError("breach changed since it was loaded")
    return b


def _no_crime_sign_off(s: Session, breach_id: int, status: str) -> m.SignOff | None:
    return s.scalar(select(m.SignOff).where(
        m.SignOff.entity == NO_CRIME, m.SignOff.entity_id == breach_id, m.SignOff.status == status)
        .order_by(m.SignOff.id.desc()).limit(1))


def _close(uow: UnitOfWork, b: m.Breach) -> None:
    """The only place a breach's status becomes closed."""
    uow.session.flush()
    approved = _no_crime_sign_off(uow.session, b.id, "approved") if b.no_crime_rationale else None
    if not b.crime_reference and approved is None:
        raise ValidationFailed(FieldProblem(
            "crime_reference",
            "A breach closes only when a crime reference is recorded, or a supervisor has signed a "
            "reasoned decision not to record a crime. A warning does not close a breach."))
    b.status, b.closed_at = "closed", uow.now
    uow.stamp_updated(b)
    uow.session.flush()
    uow.audit("breach.close", entity="breach", entity_id=b.id, offender_id=b.offender_id,
              details={"crime_reference": b.crime_reference,
                       "no_crime_sign_off_id": approved.id if approved else None})
    case_summary.refresh(uow.session, b.offender_id, uow.services.clock.today())


def close_breach(services: Services, actor: Actor, breach_id: int, version_id: int) -> BreachView:
    """Close a breach; refused unless a crime reference or an approved no-crime decision exists."""
    with unit_of_work(services, actor, stale_entity=("breach", m.Breach, breach_id)) as uow:
        b = _load_breach(uow, breach_id, version_id)
        if b.status != "closed":
            _close(uow, b)
        return _view(uow.session, b, services.clock.today())


def record_crime_reference(services: Services, actor: Actor, breach_id: int, version_id: int,
                           crime_reference: str) -> BreachView:
    """Record the crime the breach was recorded as; this closes the breach."""
    with unit_of_work(services, actor, stale_entity=("breach", m.Breach, breach_id)) as uow:
        s = uow.session
        problem = crime_reference_problem(crime_reference, settings.get(s, "crime_reference_pattern"),
                                          settings.get(s, "crime_reference_example"))
        if problem:
            raise ValidationFailed(FieldProblem("crime_reference", problem))
        b = _load_breach(uow, breach_id, version_id)
        if b.status == "closed":
            raise ValidationFailed(FieldProblem("crime_reference", "This breach is already closed."))
        b.crime_reference = normalise_crime_reference(crime_reference)
        uow.stamp_updated(b)
        pending = _no_crime_sign_off(s, b.id, "pending")
        if pending is not None:
            # A crime was recorded after all: the proposal not to record one no longer applies,
            # and must not sit in a supervisor's queue.
            pending.status, pending.decision = "returned", "superseded"
            pending.rationale = f"Superseded: crime recorded as {b.crime_reference} by {actor.display_name}."
            uow.stamp_updated(pending)
        s.flush()
        uow.audit("breach.crime_reference", entity="breach", entity_id=b.id, offender_id=b.offender_id,
                  details={"crime_reference": b.crime_reference})
        _close(uow, b)
        return _view(s, b, services.clock.today())


def _policy(s: Session) -> RationalePolicy:
    return RationalePolicy(min_words=int(settings.get(s, "rationale_min_words")))


def _rationale_problem(text: str, recent: list[str], policy: RationalePolicy) -> FieldProblem | None:
    verdict = assess_rationale(text, recent, policy)
    if verdict.ok:
        return None
    return FieldProblem("rationale", " ".join(verdict.problems) + " " + verdict.guidance)


def propose_no_crime(services: Services, actor: Actor, breach_id: int, version_id: int,
                     rationale: str) -> BreachView:
    """Propose not recording a crime, with reasons; a supervisor must sign before it closes."""
    with unit_of_work(services, actor, stale_entity=("breach", m.Breach, breach_id)) as uow:
        s = uow.session
        problem = _rationale_problem(rationale, [], _policy(s))
        if problem:
            raise ValidationFailed(problem)
        b = _load_breach(uow, breach_id, version_id)
        if b.status == "closed":
            raise ValidationFailed(FieldProblem("rationale", "This breach is already closed."))
        if _no_crime_sign_off(s, b.id, "pending") is not None:
            raise ValidationFailed(FieldProblem("rationale", "A decision not to record a crime is already waiting for sign-off."))
        b.no_crime_rationale = rationale.strip()
        uow.stamp_updated(b)
        s.flush()
        case_events.request_sign_off(
            uow, entity=NO_CRIME, entity_id=b.id, offender_id=b.offender_id,
            summary=f"Decision not to record a crime for the breach on {b.occurred_on:%d/%m/%Y} "
                    f"({b.description}). Reasons: {b.no_crime_rationale}")
        return _view(s, b, services.clock.today())


def decide_no_crime(services: Services, actor: Actor, sign_off_id: int, decision: str,
                    rationale: str, version_id: int | None = None) -> BreachView:
    """A supervisor approves (the breach closes) or returns (it stays open) a no-crime proposal.

    The decision is made by supervision.sign_off, the one path for every sign-off, so the rules
    (a reasoned rationale, not one's own entry, escalation) are the same as in the queue; this
    returns the breach as the decision left it. Without VERSION_ID the proposal as it now stands
    is decided.
    """
    from rso_manager.services import supervision  # supervision imports this module for its handlers

    try:
        choice = SignOffDecision(decision)
    except ValueError:
        raise ValidationFailed(FieldProblem("decision", "Choose approve or return.")) from None
    with services.session_factory() as s:
        so = s.get(m.SignOff, sign_off_id)
        if so is None or so.entity != NO_CRIME:
            raise NotFound(f"No decision not to record a crime is waiting as sign-off {sign_off_id}.")
        breach_id, current = so.entity_id, so.version_id
    supervision.sign_off(services, actor, sign_off_id, current if version_id is None else version_id, choice,
                         rationale)
    with services.session_factory() as s:  # the actor was authorised to decide it just now
        return _view(s, s.get(m.Breach, breach_id), services.clock.today())


def _approve_no_crime(uow: UnitOfWork, so: m.SignOff, b: m.Breach | None) -> None:
    """Approval closes the breach: a signed, reasoned decision not to record a crime."""
    if b is None or b.voided_at is not None:
        raise NotFound(f"No breach {so.entity_id} (it may have been marked as entered in error).")
    if b.status != "closed":
        _close(uow, b)


def _return_no_crime(uow: UnitOfWork, so: m.SignOff, b: m.Breach | None) -> None:
    """A returned proposal leaves the breach open with no reasons: the officer records a crime
    or proposes again. The returned reasons stay in the breach's history and the summary."""
    if b is None or b.voided_at is not None or b.status == "closed":
        return
    uow.keep_revision(b, entity="breach", offender_id=b.offender_id,
                      reason="Decision not to record a crime returned by the supervisor.")
    b.no_crime_rationale = None
    uow.stamp_updated(b)
    uow.session.flush()


def _no_crime_title(b: m.Breach) -> str:
    return f"Decision not to record a crime: {b.description}, {b.occurred_on:%d/%m/%Y}"


case_events.on_decision(NO_CRIME, model=m.Breach, title=_no_crime_title, approve=_approve_no_crime,
                        return_=_return_no_crime)


# --- warnings ----------------------------------------------------------------------------


def give_warning(services: Services, actor: Actor, offender_id: int, data: WarningInput) -> WarningView:
    """Record an oral or written warning with its rationale. It never closes a breach: a breach
    the law treats as an offence still needs a crime reference or a signed decision."""
    today = services.clock.today()
    with unit_of_work(services, actor) as uow:
        uow.authorise(Permission.WRITE_CASES, offender_id=offender_id)
        s = uow.session
        find_offender(s, offender_id)
        problems = []
        if data.kind not in WARNING_KINDS:
            problems.append(FieldProblem("kind", "Choose an oral or a written warning."))
        if data.given_on is None:
            problems.append(FieldProblem("given_on", "Enter the date the warning was given (DD/MM/YYYY)."))
        elif data.given_on > today:
            problems.append(FieldProblem("given_on", "The date is in the future; record the warning once it is given."))
        problem = _rationale_problem(data.rationale, [], _policy(s))
        if problem:
            problems.append(problem)
        if data.breach_id is not None:
            b = s.get(m.Breach, data.breach_id)
            if b is None or b.offender_id != offender_id or b.voided_at is not None:
                problems.append(FieldProblem("breach_id", "Choose a breach on this offender's record, or none."))
        if problems:
            raise ValidationFailed(problems)
        w = uow.stamp_created(m.FormalWarning(offender_id=offender_id, breach_id=data.breach_id, kind=data.kind,
                                              rationale=data.rationale.strip(), given_by_id=actor.user_id,
                                              given_on=data.given_on))
        s.add(w)
        s.flush()
        uow.audit("entry.create", entity="warning", entity_id=w.id, offender_id=offender_id,
                  details={"kind": w.kind, "given_on": w.given_on, "breach_id": w.breach_id})
        if w.kind == "written":
            case_events.request_sign_off(
                uow, entity="warning", entity_id=w.id, offender_id=offender_id,
                summary=f"Written warning given on {w.given_on:%d/%m/%Y} by {actor.display_name}: {w.rationale}")
        return _warning_view(s, w)


def print_warning_letter(services: Services, actor: Actor, warning_id: int) -> bytes:
    """The written warning as a PDF letter; printing is audited."""
    with unit_of_work(services, actor) as uow:
        s = uow.session
        w = s.get(m.FormalWarning, warning_id)
        if w is None or w.voided_at is not None:
            raise NotFound(f"No warning {warning_id}.")
        uow.authorise(Permission.PRINT_REPORTS, offender_id=w.offender_id)
        if w.kind != "written":
            raise ValidationFailed(FieldProblem("kind", "Only a written warning is printed as a letter."))
        o = find_offender(s, w.offender_id)
        b = s.get(m.Breach, w.breach_id) if w.breach_id else None
        pdf = warning_letter_pdf(
            offender_name=f"{o.forenames} {o.surname.upper()}", offender_reference=o.reference,
            date_of_birth=o.date_of_birth, given_on=w.given_on, given_by=_name(s, w.given_by_id) or "?",
            rationale=w.rationale,
            breach=f"{b.description} (on {b.occurred_on:%d/%m/%Y})" if b else None)
        uow.audit("export.print", entity="warning", entity_id=w.id, offender_id=o.id,
                  details={"document": "warning_letter"})
        return pdf


# --- reading -----------------------------------------------------------------------------


def _name(s: Session, user_id: int | None) -> str | None:
    return s.scalar(select(m.User.display_name).where(m.User.id == user_id)) if user_id else None


def _warning_view(s: Session, w: m.FormalWarning) -> WarningView:
    status = s.scalar(select(m.SignOff.status).where(m.SignOff.entity == "warning", m.SignOff.entity_id == w.id)
                      .order_by(m.SignOff.id.desc()).limit(1)) if w.kind == "written" else None
    return WarningView(w.id, w.version_id, w.offender_id, w.kind, w.rationale, _name(s, w.given_by_id) or "?",
                       w.given_on, w.breach_id, status)


def _age(b: m.Breach, as_of: date) -> int:
    end = b.closed_at.astimezone(LONDON).date() if b.closed_at else as_of
    return max(0, (end - b.occurred_on).days)


def _view(s: Session, b: m.Breach, as_of: date) -> BreachView:
    approved = _no_crime_sign_off(s, b.id, "approved")
    pending = _no_crime_sign_off(s, b.id, "pending")
    if b.crime_reference:
        decision = f"Crime recorded: {b.crime_reference}"
    elif approved is not None:
        decision = (f"No crime recorded: decision signed by {_name(s, approved.signed_by_id)} "
                    f"on {approved.signed_at.astimezone(LONDON):%d/%m/%Y}")
    elif pending is not None:
        decision = "Decision not to record a crime awaiting supervisor sign-off"
    else:
        decision = "No crime reference or reasoned decision yet"
    req = s.get(m.OrderRequirement, b.order_requirement_id) if b.order_requirement_id else None
    order_kind = s.scalar(select(m.CivilOrder.kind).where(m.CivilOrder.id == req.order_id)) if req else None
    warnings = tuple(_warning_view(s, w) for w in s.scalars(select(m.FormalWarning).where(
        m.FormalWarning.breach_id == b.id, m.FormalWarning.voided_at.is_(None)).order_by(m.FormalWarning.given_on)))
    signed = approved or pending
    return BreachView(
        breach_id=b.id, version_id=b.version_id, offender_id=b.offender_id, kind=b.kind, source=b.source,
        duty=STATUTORY_DUTIES.get(b.duty or "", b.duty), order_requirement=f"{order_kind} {req.kind}: {req.text}" if req else None,
        device_id=b.device_id, occurred_on=b.occurred_on, description=b.description, status=b.status,
        age_days=_age(b, as_of), crime_reference=b.crime_reference, no_crime_rationale=b.no_crime_rationale,
        decision=decision, no_crime_sign_off_id=signed.id if signed else None,
        signed_by=_name(s, approved.signed_by_id) if approved else None, closed_at=b.closed_at,
        warnings=warnings)


def breaches_for(services: Services, actor: Actor, offender_id: int, as_of: date | None = None) -> list[BreachView]:
    """The offender's breaches, newest first, with their age, state and warnings."""
    as_of = as_of or services.clock.today()
    with access.reading(services, actor, offender_id) as s:
        find_offender(s, offender_id)
        rows = s.scalars(select(m.Breach).where(m.Breach.offender_id == offender_id, m.Breach.voided_at.is_(None))
                         .order_by(m.Breach.occurred_on.desc(), m.Breach.id.desc()))
        return [_view(s, b, as_of) for b in rows]


def warnings_for(services: Services, actor: Actor, offender_id: int) -> list[WarningView]:
    with access.reading(services, actor, offender_id) as s:
        rows = s.scalars(select(m.FormalWarning).where(
            m.FormalWarning.offender_id == offender_id, m.FormalWarning.voided_at.is_(None))
            .order_by(m.FormalWarning.given_on.desc(), m.FormalWarning.id.desc()))
        return [_warning_view(s, w) for w in rows]


def open_breaches(services: Services, actor: Actor, as_of: date | None = None,
                  scope: CaseloadScope | None = None) -> list[OpenBreachRow]:
    """Open breaches across the actor's caseload, oldest first: each still lacks a crime
    reference or a signed decision."""
    as_of = as_of or services.clock.today()
    scope = scope or caseload_scopes(actor.role)[0]
    pending = (select(m.SignOff.id).where(m.SignOff.entity == NO_CRIME, m.SignOff.entity_id == m.Breach.id,
                                          m.SignOff.status == "pending").exists())
    stmt = (select(m.Offender.id, m.Offender.reference, m.Offender.surname, m.Offender.forenames,
                   m.Breach.id, m.Breach.occurred_on, m.Breach.description, pending)
            .join(m.Breach, m.Breach.offender_id == m.Offender.id)
            .where(m.Breach.status == "open", m.Breach.voided_at.is_(None), _scope_filter(actor, scope))
            .order_by(m.Breach.occurred_on, m.Breach.id))
    with access.listing(services, actor) as s:
        return [OpenBreachRow(oid, ref, f"{sur.upper()}, {fore}", bid, on, max(0, (as_of - on).days), desc, bool(wait))
                for oid, ref, sur, fore, bid, on, desc, wait in s.execute(stmt)]


# --- the breaches page and the decision dialog ---------------------------------------------

BREACH_AGE_ALERT_DAYS = 7  # an open breach older than this is shown in red: it needs a decision


def breach_is_old(b: BreachView) -> bool:
    """An open breach still without a crime reference or a signed decision after a week."""
    return b.status == "open" and b.age_days > BREACH_AGE_ALERT_DAYS


@dataclass(frozen=True)
class NoCrimeProposal:
    """A decision not to record a crime, waiting for a supervisor."""

    sign_off_id: int
    breach_id: int
    proposed_by: str
    proposed_at: datetime
    rationale: str
    may_decide: bool  # the reader may approve or return it
    why_not: str | None  # why the reader may not (their own proposal, not a supervisor...)


@dataclass(frozen=True)
class BreachRegister:
    breaches: tuple[BreachView, ...]  # open first (oldest first), then closed (newest first)
    warnings: tuple[WarningView, ...]  # every warning, newest first, linked to a breach or not
    proposals: dict[int, NoCrimeProposal]  # breach_id -> the proposal awaiting sign-off
    crime_reference_example: str


@dataclass(frozen=True)
class BreachDecision:
    """What the breach decision dialog shows."""

    breach: BreachView
    proposal: NoCrimeProposal | None
    crime_reference_example: str


def _proposal(s: Session, actor: Actor, b: m.Breach) -> NoCrimeProposal | None:
    so = _no_crime_sign_off(s, b.id, "pending")
    if so is None:
        return None
    if not actor.can(Permission.SIGN_OFF):
        allowed, why = False, "Only a supervisor can sign off this decision."
    else:
        who = case_events.sign_off_allowed(s, so, actor.user_id)
        allowed, why = who.allowed, (None if who.allowed else who.reason)
    return NoCrimeProposal(so.id, b.id, _name(s, so.author_id) or "?", so.requested_at,
                           b.no_crime_rationale or "", allowed, why)


def _open_first(views: list[BreachView]) -> list[BreachView]:
    open_ = sorted((b for b in views if b.status == "open"), key=lambda b: (b.occurred_on, b.breach_id))
    closed = [b for b in views if b.status != "open"]  # already newest first
    return open_ + closed


def breach_register(services: Services, actor: Actor, offender_id: int, as_of: date | None = None) -> BreachRegister:
    """Breaches (open first), warnings and pending proposals: the record's breaches page in one read."""
    as_of = as_of or services.clock.today()
    with access.reading(services, actor, offender_id) as s:
        find_offender(s, offender_id)
        rows = list(s.scalars(select(m.Breach).where(m.Breach.offender_id == offender_id, m.Breach.voided_at.is_(None))
                              .order_by(m.Breach.occurred_on.desc(), m.Breach.id.desc())))
        views = _open_first([_view(s, b, as_of) for b in rows])
        proposals = {b.id: p for b in rows if b.status == "open" and (p := _proposal(s, actor, b)) is not None}
        warnings = tuple(_warning_view(s, w) for w in s.scalars(select(m.FormalWarning).where(
            m.FormalWarning.offender_id == offender_id, m.FormalWarning.voided_at.is_(None))
            .order_by(m.FormalWarning.given_on.desc(), m.FormalWarning.id.desc())))
        return BreachRegister(tuple(views), warnings, proposals, settings.get(s, "crime_reference_example"))


def breach_decision(services: Services, actor: Actor, breach_id: int) -> BreachDecision:
    """One breach with its pending proposal and the force's crime reference example."""
    with unit_of_work(services, actor) as uow:
        s = uow.session
        b = s.get(m.Breach, breach_id)
        if b is None or b.voided_at is not None:
            raise NotFound(f"No breach {breach_id} (it may have been marked as entered in error).")
        uow.consulted(b.offender_id)
        return BreachDecision(_view(s, b, services.clock.today()), _proposal(s, actor, b),
                              settings.get(s, "crime_reference_example"))
