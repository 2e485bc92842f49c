"""Device identifiers, crime references and which devices are overdue a check.

The inspection found devices unrecorded and no record of which had been checked. An IMEI typed
wrongly means the device seen at the next visit cannot be matched to the one declared, so the
check digit is verified at entry. Pure: callers pass every date and the configured pattern.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import date

IMEI_LENGTH = 15
_SEPARATORS = re.compile(r"[\s\-]+")

NEVER_CHECKED = "never checked"


def normalise_imei(text: str) -> str:
    """The IMEI as stored: digits only (spaces and dashes from the box label removed)."""
    return _SEPARATORS.sub("", text or "")


def luhn_ok(digits: str) -> bool:
    """Luhn (mod 10): the IMEI check digit (3GPP TS 23.003 Annex B)."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        n = int(ch)
        if i % 2 == 1:
            n *= 2
            if n > 9:
                n -= 9
        total += n
    return total % 10 == 0


def imei_problem(text: str) -> str | None:
    """None when TEXT is a valid 15-digit IMEI, else what is wrong, in words for the user."""
    imei = normalise_imei(text)
    if not imei:
        return "Enter the IMEI (15 digits: dial *#06# on the phone or read the box label)."
    if not imei.isdigit():
        return "An IMEI has digits only (spaces and dashes are allowed); check what was typed."
    if len(imei) != IMEI_LENGTH:
        return f"An IMEI has {IMEI_LENGTH} digits; this has {len(imei)}. Check what was typed."
    if not luhn_ok(imei):
        return ("The IMEI's last (check) digit does not match the others, so a digit was "
                "mistyped. Read it again from the device (*#06#).")
    return None


def normalise_crime_reference(text: str) -> str:
    return (text or "").strip().upper()


def crime_reference_problem(text: str, pattern: str, example: str) -> str | None:
    """None when TEXT matches the force's crime reference format (a configured regex)."""
    ref = normalise_crime_reference(text)
    if not ref:
        return f"Enter the crime reference, for example {example}."
    try:
        ok = re.fullmatch(pattern, ref) is not None
    except re.error:
        # A broken setting must not let any text through as a crime reference.
        return "The configured crime reference format is not valid; ask the administrator to correct it."
    if not ok:
        return f'"{ref}" is not in the crime reference format; it should look like {example}.'
    return None


def _stale_label(window: int) -> str:
    return "not checked at the last home visit" if window == 1 else f"not checked at the last {window} home visits"


def device_check_flags(
    devices: Iterable[tuple[int, date | None, str]],
    checks: Iterable[tuple[int, date, str]],
    home_visit_dates: Sequence[date],
    visits_window: int = 2,
) -> Mapping[int, str | None]:
    """device_id -> "never checked" | "not checked at the last N home visits" | None.

    Only a check with result "checked" is an inspection: "not seen" and "refused" leave the
    device as uninspected as before. Disposed or seized devices are not flagged. A device
    declared after the Nth-last home visit has not yet missed N visits, so it is not stale.
    """
    last_checked: dict[int, date] = {}
    for device_id, checked_on, result in checks:
        if result == "checked" and (device_id not in last_checked or checked_on > last_checked[device_id]):
            last_checked[device_id] = checked_on
    visits = sorted(home_visit_dates)
    cutoff = visits[-visits_window] if visits_window >= 1 and len(visits) >= visits_window else None
    flags: dict[int, str | None] = {}
    for device_id, declared_on, status in devices:
        if status != "active":
            flags[device_id] = None
        elif device_id not in last_checked:
            flags[device_id] = NEVER_CHECKED
        elif (cutoff is not None and last_checked[device_id] < cutoff
              and (declared_on is None or declared_on < cutoff)):
            flags[device_id] = _stale_label(visits_window)
        else:
            flags[device_id] = None
    return flags
