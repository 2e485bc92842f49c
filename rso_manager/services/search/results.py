"""What a search answers: cases, each with what matched and how much the user may see of it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Match:
    kind: str          # name | alias | dob | pnc | address | postcode | phone | imei | device | vehicle | online | associate
    kind_label: str    # "phone", "vehicle registration", "alias", ...
    shown: str         # the value as recorded; "" when outside the user's link
    entity: str        # the table the value comes from, e.g. "device"
    entity_id: int
    sentence: str      # "phone 07700 900123 is a declared device of RSO-000451"


@dataclass(frozen=True)
class CaseHit:
    offender_id: int
    reference: str
    name: str              # "SURNAME, Forenames"
    offender_manager: str  # display name or "Unassigned"
    inside_link: bool      # False: only reference, name, officer; opening asks a recorded reason
    score: float           # 0-100, best first
    matches: tuple[Match, ...]  # outside the link: kind_label only, shown "" and sentence generic


@dataclass(frozen=True)
class SearchResults:
    query: str
    hits: tuple[CaseHit, ...]
    truncated: bool


@dataclass(frozen=True)
class ElsewhereHit:
    offender_id: int
    reference: str
    inside_link: bool
    kind_label: str
    sentence: str  # "This phone number is also recorded on RSO-000451 (a case outside your link)"


