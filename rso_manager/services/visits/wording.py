"""How the planner's workings read to a user: UK dates, officers by name, time bands with their
hours."""

from __future__ import annotations

import re


def time_bands(policy) -> tuple[tuple[str, str], ...]:
    """Each time band with its hours as the policy sets them, e.g. ("evening", "17:00-21:00")."""
    return tuple((band.value, f"{start:%H:%M}-{end:%H:%M}") for band, (start, end) in policy.time_bands.items())


_ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_OFFICER_REFS = (re.compile(r"(offender manager )(\d+)\b"), re.compile(r"(covered by )(\d+)\b"),
                 re.compile(r"( and )(\d+)\b(?=$|[;:,)])"), re.compile(r"(^|[(;] ?)(\d+)(?= (?:not trained|absent|fully booked))"))


def readable(text: str, names: dict[int, str] | None = None) -> str:
    """A rule's explanation as a user reads it: UK dates, and officers by name rather than by
    their number in the planner's working."""
    text = _ISO_DATE.sub(lambda g: f"{g[3]}/{g[2]}/{g[1]}", text)
    if names:
        for pattern in _OFFICER_REFS:
            text = pattern.sub(lambda g: g[1] + names.get(int(g[2]), g[2]), text)
    return text
