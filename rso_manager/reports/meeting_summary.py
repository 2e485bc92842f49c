"""What a MAPPA meeting summary holds: one case as plain data, gathered by
services.mappa_summary and laid out by reports.mappa_summary_pdf.

Dates are dates, levels and kinds are the stored codes; wording that needs the record (an
order's title, a breach's decision) is already words. Nothing here reads the database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime


@dataclass(frozen=True)
class Photograph:
    image: bytes
    media_type: str  # image/jpeg | image/png
    taken_on: date


@dataclass(frozen=True)
class Identity:
    reference: str
    name: str  # "SURNAME, Forenames", as the record header shows it
    aliases: tuple[str, ...]
    date_of_birth: date
    pnc_id: str | None
    gender: str | None
    current_address: str | None  # one line; None when no current home is recorded
    offender_manager: str | None
    team: str | None
    mappa_category: int | None
    mappa_level: int | None
    status: str  # active | custody | ended


@dataclass(frozen=True)
class ConvictionLine:
    convicted_on: date
    kind: str  # conviction | finding | caution
    offence: str
    court: str | None
    sentence: str | None  # the sentence in words; None until sentenced
    requirement: str | None  # the notification period in words ("Indefinite", "01/02/2020 to ...")
    requirement_ends_on: date | None
    requirement_in_force: bool


@dataclass(frozen=True)
class OrderLine:
    title: str  # "SHPO made 01/03/2025 at Northam Crown Court"
    ends: str  # "Until further order" or "Ends 01/03/2030"
    in_force: bool
    items: tuple[str, ...]  # "Prohibition: Not to ..." each, in force today


@dataclass(frozen=True)
class RiskPoint:
    assessed_on: date
    tool: str
    level: str  # low | medium | high | very_high
    review_by: date | None


@dataclass(frozen=True)
class PlanHeading:
    heading: str
    text: str | None


@dataclass(frozen=True)
class Plan:
    effective_from: date
    review_by: date | None
    interval: str  # the home visit interval in force, and why
    headings: tuple[PlanHeading, ...]
    awaiting_sign_off: bool


@dataclass(frozen=True)
class VisitLine:
    visited_at: datetime | None
    kind: str  # home | office
    outcome: str | None
    officers: tuple[str, ...]
    announced: bool
    notes: str | None
    device_checks: tuple[str, ...]  # "Phone Samsung A14 IMEI ...: checked, nothing found"
    sign_off: str  # pending | escalated | approved | returned | none


@dataclass(frozen=True)
class DeviceLine:
    label: str
    declared: bool
    status: str
    last_checked_on: date | None
    flag: str | None  # "never checked", "not checked at the last N home visits"


@dataclass(frozen=True)
class BreachLine:
    occurred_on: date
    description: str
    status: str  # open | closed
    decision: str
    warnings: tuple[str, ...]  # "Written warning given 01/02/2026 by ..."


@dataclass(frozen=True)
class RelationshipLine:
    person_name: str
    kind: str
    from_date: date | None
    to_date: date | None
    has_children: bool
    access_to_children: bool
    linked_reference: str | None  # the other person's own record, when they are registered
    withheld: bool  # recorded on a record the reader may not read: its detail left out


@dataclass(frozen=True)
class ActionLine:
    description: str
    owner: str | None
    due_on: date
    overdue: bool


@dataclass(frozen=True)
class MeetingSummary:
    """One case for a MAPPA meeting or plan review, as of ON."""

    on: date
    identity: Identity
    photograph: Photograph | None
    convictions: tuple[ConvictionLine, ...]
    orders: tuple[OrderLine, ...]
    risk_history: tuple[RiskPoint, ...]  # oldest first
    plan: Plan | None
    visits: tuple[VisitLine, ...]  # newest first, the last VISITS_SHOWN
    visits_shown: int
    devices: tuple[DeviceLine, ...]
    breaches: tuple[BreachLine, ...]
    relationships: tuple[RelationshipLine, ...]
    open_actions: tuple[ActionLine, ...]
