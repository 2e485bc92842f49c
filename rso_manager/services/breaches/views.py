"""How a breach and a warning read: the duty or order breached, its age, the decision on it and who
signed it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from rso_manager.domain.dates import london_day
from rso_manager.persistence import models as m

NO_CRIME = "breach_no_crime"  # SignOff.entity for a proposed decision not to record a crime

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
    signed_by: str | None = None  # who approved or returned it
    recorded_by: str | None = None  # who entered it on the record, and when
    recorded_at: datetime | None = None


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
    no_crime_sign_off_version: int | None  # what deciding it (decide_no_crime) checks
    signed_by: str | None
    closed_at: datetime | None
    warnings: tuple[WarningView, ...]
    already_open: bool = False  # opening it found this breach of the same duty and date already open
    recorded_by: str | None = None  # who entered it on the record (None: the system, e.g. a late notification)
    recorded_at: datetime | None = None

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


def no_crime_sign_off(s: Session, breach_id: int, status: str) -> m.SignOff | None:
    return s.scalar(select(m.SignOff).where(
        m.SignOff.entity == NO_CRIME, m.SignOff.entity_id == breach_id, m.SignOff.status == status)
        .order_by(m.SignOff.id.desc()).limit(1))


def display_name_of(s: Session, user_id: int | None) -> str | None:
    return s.scalar(select(m.User.display_name).where(m.User.id == user_id)) if user_id else None


def warning_view(s: Session, w: m.FormalWarning) -> WarningView:
    sign_off = s.scalar(select(m.SignOff).where(m.SignOff.entity == "warning", m.SignOff.entity_id == w.id)
                        .order_by(m.SignOff.id.desc()).limit(1)) if w.kind == "written" else None
    return WarningView(w.id, w.version_id, w.offender_id, w.kind, w.rationale, display_name_of(s, w.given_by_id) or "?",
                       w.given_on, w.breach_id, sign_off.status if sign_off else None,
                       display_name_of(s, sign_off.signed_by_id) if sign_off else None,
                       display_name_of(s, w.created_by_id), w.created_at)


def age_days_of(b: m.Breach, as_of: date) -> int:
    end = london_day(b.closed_at) if b.closed_at else as_of
    return max(0, (end - b.occurred_on).days)


def breach_view(s: Session, b: m.Breach, as_of: date) -> BreachView:
    approved = no_crime_sign_off(s, b.id, "approved")
    pending = no_crime_sign_off(s, b.id, "pending")
    if b.crime_reference:
        decision = f"Crime recorded: {b.crime_reference}"
    elif approved is not None:
        on = f" on {london_day(approved.signed_at):%d/%m/%Y}" if approved.signed_at else ""
        decision = f"No crime recorded: decision signed by {display_name_of(s, approved.signed_by_id)}{on}"
    elif pending is not None:
        decision = "Decision not to record a crime awaiting supervisor sign-off"
    else:
        decision = "No crime reference or reasoned decision yet"
    req = s.get(m.OrderRequirement, b.order_requirement_id) if b.order_requirement_id else None
    order_kind = s.scalar(select(m.CivilOrder.kind).where(m.CivilOrder.id == req.order_id)) if req else None
    warnings = tuple(warning_view(s, w) for w in s.scalars(select(m.FormalWarning).where(
        m.FormalWarning.breach_id == b.id, m.FormalWarning.voided_at.is_(None)).order_by(m.FormalWarning.given_on)))
    signed = approved or pending
    return BreachView(
        breach_id=b.id, version_id=b.version_id, offender_id=b.offender_id, kind=b.kind, source=b.source,
        duty=STATUTORY_DUTIES.get(b.duty or "", b.duty), order_requirement=f"{order_kind} {req.kind}: {req.text}" if req else None,
        device_id=b.device_id, occurred_on=b.occurred_on, description=b.description, status=b.status,
        age_days=age_days_of(b, as_of), crime_reference=b.crime_reference, no_crime_rationale=b.no_crime_rationale,
        decision=decision, no_crime_sign_off_id=signed.id if signed else None,
        no_crime_sign_off_version=signed.version_id if signed else None,
        signed_by=display_name_of(s, approved.signed_by_id) if approved else None, closed_at=b.closed_at,
        warnings=warnings, recorded_by=display_name_of(s, b.created_by_id), recorded_at=b.created_at)
