"""Frontline briefings (issue 15): what response and neighbourhood officers are shown of a case,
for an area given as postcode districts (outward codes: "LS1", "NM12", "EC1A").

Pure: the card as plain data (the page and the PDF show the same), the length a text may be so
it fits a card, and how a typed list of districts is read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

# So a card fits a sixth of an A4 page and a patrol officer reads it in a minute.
SUMMARY_MAX = 1200
PROHIBITIONS_MAX = 1200
CONTACT_MAX = 300

HANDLING_LINE = ("For police briefing only. Do not leave in vehicles, copy or share outside the force.")

# A UK outward code: one or two letters, a digit, then a digit or a letter (London's EC1A).
_OUTWARD = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]?$")
_INWARD_LENGTH = 3  # the inward code is always a digit and two letters


def is_outward_code(text: str) -> bool:
    return bool(_OUTWARD.match(text))


def outward_code(postcode: str | None) -> str | None:
    """The district of a postcode as recorded ("zz1 2ab", "ZZ12AB" -> "ZZ1"); None without one."""
    text = re.sub(r"\s+", " ", (postcode or "").strip().upper())
    if not text:
        return None
    if " " in text:
        return text.split(" ", 1)[0]
    return text[:-_INWARD_LENGTH] if len(text) > _INWARD_LENGTH else text


def read_districts(text: str) -> tuple[tuple[str, ...], list[str]]:
    """The districts typed ("LS1, ls2  LS6"), in capitals, each once, in the order typed; and
    those that are not outward codes (a full postcode, a town), for the message."""
    seen: list[str] = []
    wrong: list[str] = []
    for part in re.split(r"[\s,;]+", text.strip().upper()):
        if not part:
            continue
        if not is_outward_code(part):
            wrong.append(part)
        elif part not in seen:
            seen.append(part)
    return tuple(seen), wrong


def districts_problem(text: str) -> str | None:
    """What is wrong with a typed list of districts, in words, or None."""
    districts, wrong = read_districts(text)
    if wrong:
        listed = ", ".join(wrong[:3])
        return (f"{listed} {'is not a postcode district' if len(wrong) == 1 else 'are not postcode districts'}: "
                "type the first half of the postcode only, e.g. LS1 LS2 LS6.")
    if not districts:
        return "Type at least one postcode district, e.g. LS1 LS2 LS6."
    return None


@dataclass(frozen=True)
class BriefingCard:
    """One case as a patrol officer is briefed on it."""

    offender_id: int
    reference: str
    name: str
    aliases: tuple[str, ...]
    address: str
    vehicles: tuple[str, ...]
    risk: str
    summary: str
    prohibitions: str | None
    contact: str
    approved_by: str
    approved_at: datetime
    photograph: bytes | None = None
    photograph_taken_on: date | None = None


@dataclass(frozen=True)
class AreaBriefing:
    """The approved briefings of the active cases living in an area, on a day."""

    area: str  # "Northam patch (ZZ1 ZZ2 ZZ3)", "Postcode districts ZZ1, ZZ4"
    districts: tuple[str, ...]
    as_of: date
    cards: tuple[BriefingCard, ...]
    # Cases in the area without an approved briefing, and their offender managers: shown to a
    # supervisor or the lead so they can be asked for one, never to the briefing role.
    unbriefed: int | None = None
    unbriefed_officers: tuple[str, ...] = ()

    def unbriefed_sentence(self) -> str | None:
        if not self.unbriefed:
            return None
        cases = "1 case in this area has" if self.unbriefed == 1 else f"{self.unbriefed} cases in this area have"
        who = ", ".join(self.unbriefed_officers) or "no offender manager named"
        officers = "its offender manager is" if self.unbriefed == 1 else "their offender managers are"
        return f"{cases} no approved briefing: {officers} {who}."
