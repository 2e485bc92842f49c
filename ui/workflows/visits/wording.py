"""How the visit pages word what the services return: outcomes, kinds, time bands, days and
the due window. Words only: whether a visit is overdue, and by how much, is the services'."""

from __future__ import annotations

from datetime import date

OUTCOMES = {"seen": "Seen: entry gained", "no_answer": "No answer", "refused_entry": "Refused entry",
            "not_at_address": "Not at the address"}
KINDS = {"home": "Home visit", "office": "Office interview"}
BANDS = {"morning": "Morning", "afternoon": "Afternoon", "evening": "Evening"}
CHECK_RESULTS = {"checked": "Checked", "not_seen": "Not seen", "refused": "Refused"}


def band_label(band: str | None, hours: dict[str, str] | None = None) -> str:
    if not band:
        return "Time not set"
    text = BANDS.get(band, band.title())
    return f"{text} ({hours[band]})" if hours and band in hours else text


def day_label(day: date | None) -> str:
    return f"{day:%a} {day:%d/%m/%Y}" if day else ""


def days_text(n: int) -> str:
    return f"{n} day{'s' if n != 1 else ''}"


def window_text(earliest: date | None, latest: date | None, days_overdue: int = 0) -> str:
    """The due window as a sentence; an overdue one (DAYS_OVERDUE, from the service) says so first."""
    if latest is None:
        return "No routine home visit is due (reactive management)"
    if days_overdue:
        return f"Overdue by {days_text(days_overdue)}, due by {latest:%d/%m/%Y}"
    if earliest is None or earliest == latest:
        return f"Due by {latest:%d/%m/%Y}"
    return f"Due between {earliest:%d/%m/%Y} and {latest:%d/%m/%Y}"
