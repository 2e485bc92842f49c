"""How values look on screen: UK dates, Europe/London times. Display only; no rules here."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from rso_manager.clock import LONDON
from rso_manager.services.caseload import GENDERS, RISK_LABEL

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ISO_MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")
_DATE = re.compile(r"^\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\s*$")


def fmt_date(value: date | None, empty: str = "") -> str:
    return value.strftime("%d/%m/%Y") if value else empty


def fmt_datetime(value: datetime | None, empty: str = "") -> str:
    """Stored times are aware UTC; staff read them as UK local time."""
    if value is None:
        return empty
    return value.astimezone(LONDON).strftime("%d/%m/%Y %H:%M")


def parse_date(text: str) -> date | None:
    """DD/MM/YYYY (also with . or -) as typed by a user; None if empty or not a real date.

    A 4-digit year is insisted on: "01/02/85" could be 1985 or 2085 and a wrong guess on a date
    of birth is worse than asking.
    """
    match = _DATE.match(text)
    if not match:
        return None
    day, month, year = (int(g) for g in match.groups())
    try:
        return date(year, month, day)
    except ValueError:
        return None


# Stored codes as the demo data and the form write them. The core has no gender vocabulary yet.


def gender_label(code: str | None, empty: str = "Not recorded") -> str:
    if not code:
        return empty
    return GENDERS.get(code, code.replace("_", " ").capitalize())


def risk_label(level: str | None) -> str:
    return RISK_LABEL.get(level, level or "")


def mappa_text(category: int | None, level: int | None) -> str:
    return f"Category {category}, level {level}" if category and level else ""


def show_value(value: object) -> str:
    """A stored value as a person reads it, including a date or time that reached us as text
    (a copy kept as JSON, an imported row): dd/mm/yyyy and HH:MM, never ISO."""
    if isinstance(value, str):
        text = value.strip()
        try:
            if _ISO_DATE.match(text):
                return fmt_date(date.fromisoformat(text))
            if _ISO_MOMENT.match(text):
                moment = datetime.fromisoformat(text)
                return fmt_datetime(moment) if moment.tzinfo else moment.strftime("%d/%m/%Y %H:%M")
        except ValueError:
            pass
        return value
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime):
        return fmt_datetime(value)
    if isinstance(value, date):
        return fmt_date(value)
    return str(value)


def duration_text(span: timedelta | None) -> str:
    """A delay as staff say it: "45 min", "4 h 10 min", "2 days 3 h"."""
    if span is None:
        return ""
    minutes = int(span.total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return f"{days} day{'s' if days != 1 else ''}" + (f" {hours} h" if hours else "")
    if hours:
        return f"{hours} h" + (f" {mins} min" if mins else "")
    return f"{mins} min"
