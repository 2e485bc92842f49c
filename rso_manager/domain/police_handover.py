"""Hand-over of a case into police-only management (the seed's first case study).

When another agency's supervision ends (a licence expiring, a youth justice order ending) the
police manage the case alone, and nobody else is visiting: the first police home visit is due
from the take-over, within the trigger period (domain.md R12-R13), not from a release years
before, which would make the case overdue on the day it arrives.
"""

from __future__ import annotations

AGENCIES: dict[str, str] = {
    "probation": "the Probation Service",
    "youth_justice": "a youth justice service",
    "other": "another agency",
}


def agency_label(agency: str) -> str:
    return AGENCIES.get(agency, agency.replace("_", " "))


def take_over_text(agency: str) -> str:
    """What the case start is called in a due window's reason."""
    return f"the police take-over from {agency_label(agency)}"
