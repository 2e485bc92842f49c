"""UK vehicle registration marks: the current format and the older ones still on the road.

A mark that fits none of them is not refused: personalised, foreign and trade plates exist, and
an officer copying a plate at a visit must be able to record what they saw. The form warns, so a
mistyped letter is caught before it goes on the record.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class RegistrationFormat:
    name: str
    example: str
    pattern: re.Pattern[str]
    split: int | None  # where the space goes in the normalised mark (None: before the first digit run ends)


# Ordered as they are most often met. Each pattern reads a mark with its spaces taken out.
FORMATS: tuple[RegistrationFormat, ...] = (
    RegistrationFormat("current (2001 on)", "AB12 CDE", re.compile(r"[A-Z]{2}[0-9]{2}[A-Z]{3}"), 4),
    RegistrationFormat("prefix (1983 to 2001)", "A123 BCD", re.compile(r"[A-Z][0-9]{1,3}[A-Z]{3}"), -3),
    RegistrationFormat("suffix (1963 to 1983)", "ABC 123D", re.compile(r"[A-Z]{3}[0-9]{1,3}[A-Z]"), 3),
    RegistrationFormat("dateless (before 1963)", "ABC 1234", re.compile(r"[A-Z]{1,3}[0-9]{1,4}"), None),
    RegistrationFormat("dateless (before 1963)", "1234 AB", re.compile(r"[0-9]{1,4}[A-Z]{1,3}"), None),
)


def compact(text: str) -> str:
    """The mark in capitals with every space taken out: how two spellings of one plate compare."""
    return re.sub(r"\s+", "", text or "").upper()


def registration_format(text: str) -> RegistrationFormat | None:
    mark = compact(text)
    return next((f for f in FORMATS if f.pattern.fullmatch(mark)), None)


def normalise(text: str) -> str:
    """A mark as it is written on the plate ("ab12cde" -> "AB12 CDE"); one that fits no UK
    format keeps its own spacing, in capitals, single-spaced."""
    mark = compact(text)
    fmt = registration_format(mark)
    if fmt is None:
        return " ".join((text or "").upper().split())
    if fmt.split is None:  # dateless: letters and digits either side of the space
        at = re.match(r"[A-Z]+|[0-9]+", mark).end()  # type: ignore[union-attr]
        return f"{mark[:at]} {mark[at:]}"
    return f"{mark[:fmt.split]} {mark[fmt.split:]}"


def registration_warning(text: str) -> str | None:
    """What to say about a mark that fits no UK format (None: it fits one, or nothing is typed)."""
    if not compact(text) or registration_format(text) is not None:
        return None
    return (f"{normalise(text)} is not a UK registration in the current format (e.g. AB12 CDE) or an "
            "older one (A123 BCD, ABC 123D, or a dateless mark such as ABC 1234). Check the plate; "
            "save it as it is if it is foreign, trade or otherwise as seen.")
