"""Date arithmetic for statutory and working-day clocks, England and Wales.

The one place that knows what "within N days beginning with" means, how months are added
across month ends and 29 February, and which days are working days. Pure functions: no clock
is read here; callers pass the dates (and london_day turns a stored instant into its date).
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from functools import cache

from rso_manager.clock import LONDON

# Bank holidays that no rule produces: moved or extra days proclaimed for one year.
_ONE_OFF_HOLIDAYS = {
    date(2002, 6, 3), date(2002, 6, 4),   # Golden Jubilee (spring holiday moved)
    date(2011, 4, 29),                    # Royal wedding
    date(2012, 6, 4), date(2012, 6, 5),   # Diamond Jubilee (spring holiday moved)
    date(2020, 5, 8),                     # VE Day 75 (early May holiday moved)
    date(2022, 6, 2), date(2022, 6, 3),   # Platinum Jubilee (spring holiday moved)
    date(2022, 9, 19),                    # State funeral
    date(2023, 5, 8),                     # Coronation
}
# Rule-made days that those proclamations replaced.
_REPLACED = {date(2002, 5, 27), date(2012, 5, 28), date(2020, 5, 4), date(2022, 5, 30)}


def within_days_beginning_with(event: date, days: int) -> date:
    """Last day of "the period of N days beginning with" EVENT: the event day counts as day 1.

    SOA 2003 s.83(1), s.84(1): "within the period of 3 days beginning with" the relevant date
    ends at the end of event + 2 days.
    """
    if days < 1:
        raise ValueError("a period beginning with a day is at least 1 day long")
    return event + timedelta(days=days - 1)


def add_months(start: date, months: int) -> date:
    """Same day-of-month MONTHS later, clamped to the month's last day (31 Jan + 1 month = 28/29 Feb)."""
    index = start.year * 12 + (start.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    last = calendar.monthrange(year, month)[1]
    return date(year, month, min(start.day, last))


def add_years(start: date, years: int) -> date:
    """Anniversary YEARS later; 29 February becomes 28 February in a common year."""
    return add_months(start, 12 * years)


def easter_sunday(year: int) -> date:
    """Gregorian Easter (anonymous Gregorian algorithm)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    l_ = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * l_) // 451
    month, day = divmod(h + l_ - 7 * m + 114, 31)
    return date(year, month, day + 1)


def week_start(day: date) -> date:
    """The Monday of DAY's week (ISO weeks, Monday first, as the planner and its exports show them)."""
    return day - timedelta(days=day.weekday())


def _first_monday(year: int, month: int) -> date:
    d = date(year, month, 1)
    return d + timedelta(days=(7 - d.weekday()) % 7)


def _last_monday(year: int, month: int) -> date:
    return week_start(date(year, month, calendar.monthrange(year, month)[1]))


@cache
def bank_holidays(year: int) -> frozenset[date]:
    """England and Wales bank holidays in YEAR, with substitute days and proclaimed one-offs."""
    easter = easter_sunday(year)
    days = {
        easter - timedelta(days=2),
        easter + timedelta(days=1),
        _first_monday(year, 5),
        _last_monday(year, 5),
        _last_monday(year, 8),
    }
    new_year = date(year, 1, 1)
    days.add(new_year if new_year.weekday() < 5 else new_year + timedelta(days=7 - new_year.weekday()))
    christmas, boxing = date(year, 12, 25), date(year, 12, 26)
    if christmas.weekday() == 5:    # Saturday: Mon 27 and Tue 28
        days |= {date(year, 12, 27), date(year, 12, 28)}
    elif christmas.weekday() == 6:  # Sunday: Mon 26 is Boxing Day, Tue 27 substitute
        days |= {boxing, date(year, 12, 27)}
    elif christmas.weekday() == 4:  # Friday: Boxing Day Saturday, substitute Mon 28
        days |= {christmas, date(year, 12, 28)}
    else:
        days |= {christmas, boxing}
    days -= _REPLACED
    days |= {d for d in _ONE_OFF_HOLIDAYS if d.year == year}
    return frozenset(days)


def is_working_day(day: date, extra_holidays: Iterable[date] = ()) -> bool:
    return day.weekday() < 5 and day not in bank_holidays(day.year) and day not in set(extra_holidays)


def add_working_days(start: date, n: int, extra_holidays: Iterable[date] = ()) -> date:
    """The Nth working day after START (START itself not counted). n=0 returns START."""
    extra = frozenset(extra_holidays)
    step = 1 if n >= 0 else -1
    day, left = start, abs(n)
    while left:
        day += timedelta(days=step)
        if is_working_day(day, extra):
            left -= 1
    return day


def working_days_between(start: date, end: date, extra_holidays: Iterable[date] = ()) -> int:
    """Working days after START up to and including END (0 when END <= START)."""
    extra = frozenset(extra_holidays)
    count, day = 0, start
    while day < end:
        day += timedelta(days=1)
        if is_working_day(day, extra):
            count += 1
    return count


def age_on(birth: date, on: date) -> int:
    """Whole years of age on ON; a 29 February birthday falls on 28 February in common years."""
    years = on.year - birth.year
    if (on.month, on.day) < (add_years(birth, years).month, add_years(birth, years).day):
        years -= 1
    return years


def within_months_beginning_with(start: date, months: int) -> date:
    """Last day of "the period of N months beginning with" START (domain.md section 6).

    The corresponding-date rule (Dodds v Walker [1981]; SI 2018/1082 art. 1.4): the period ends
    on the day before the date in the Nth month after START that corresponds to START, or on that
    month's last day where it has no such date. One month beginning with 1 March ends 31 March,
    12 months beginning with 1 March 2027 end 29 February 2028, and 5 years beginning with
    29 February 2024 end 28 February 2029. Stepping back a day and adding months instead would end
    a period beginning on the 1st a day early whenever the month before it is the shorter one.
    """
    if months < 1:
        raise ValueError("a period beginning with a day is at least 1 month long")
    year, month = divmod(start.year * 12 + (start.month - 1) + months, 12)
    month += 1
    last = calendar.monthrange(year, month)[1]
    if start.day > last:
        return date(year, month, last)
    return date(year, month, start.day) - timedelta(days=1)


def london_day(moment: datetime) -> date:
    """The calendar day in England and Wales of an aware instant. Stored times are UTC, so a
    visit at 00:30 on a summer night is on the London day after its UTC date; every date shown
    or counted from a stored time comes through here."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("a stored moment must be timezone-aware to have a London day")
    return moment.astimezone(LONDON).date()


def within_days_beginning_with_skipping(
    event: date, days: int, skipped: Iterable[tuple[date, date]]
) -> date:
    """Like within_days_beginning_with, but days inside any inclusive (first, last) span do not count.

    Spans may overlap or touch; the window simply resumes on the first day outside them.
    """
    if days < 1:
        raise ValueError("a period beginning with a day is at least 1 day long")
    spans = sorted(skipped)
    if any(first > last for first, last in spans):
        raise ValueError("a skipped span must not end before it starts")
    day, left = event, days
    for first, last in spans:
        if last < day:
            continue
        free = (first - day).days
        if free >= left:
            break
        if free > 0:
            left -= free
        day = last + timedelta(days=1)
    return day + timedelta(days=left - 1)
