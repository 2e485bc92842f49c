"""Civil orders (SHPO, SRO) and the durations the statutes allow each item.

A prohibition and a positive requirement are separate items with their own dates, because a
court may end one before the other (SA 2020 s.347(2)). Entering a duration the statute does
not allow usually means a date was mistyped, so it is refused at entry with the field named.
Pure: the caller passes the dates, including today.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import NamedTuple

from rso_manager.domain.dates import add_years


class OrderKind(StrEnum):
    SHPO = "SHPO"  # Sexual Harm Prevention Order, SA 2020 Part 11 ch.2 (formerly SOA 2003 s.103A)
    SRO = "SRO"    # Sexual Risk Order, SOA 2003 s.122A
    SOPO = "SOPO"  # legacy order (before 8 March 2015); its durations are checked as an SHPO's


class RequirementKind(StrEnum):
    PROHIBITION = "prohibition"
    POSITIVE = "positive"


class Category(StrEnum):
    DEVICES = "devices"                # a device found undeclared breaches this
    INTERNET = "internet"              # the order requires accounts and internet identifiers
    FOREIGN_TRAVEL = "foreign_travel"  # at most 5 years (s.348)
    CONTACT = "contact"
    OTHER = "other"


# Shortest fixed period a prohibition may have. SHPO: SA 2020 s.347(1); SRO: SOA 2003
# s.122A(7) (2 years). A SOPO is read as an SHPO.
MIN_YEARS = {OrderKind.SHPO: 5, OrderKind.SOPO: 5, OrderKind.SRO: 2}
FOREIGN_TRAVEL_MAX_YEARS = 5  # SA 2020 s.348(2); SOA 2003 s.122C(2)


class Problem(NamedTuple):
    field: str
    message: str


@dataclass(frozen=True)
class Term:
    """The dates an order or one of its items has effect."""

    starts_on: date | None
    ends_on: date | None
    indefinite: bool


def _last_day(start: date, years: int) -> date:
    """Last day of a period of YEARS beginning with START. Courts often write "until" the
    anniversary itself, so the maximum also accepts the anniversary (see below)."""
    return add_years(start, years) - timedelta(days=1)


def _term_problems(term: Term, start_field: str, today: date | None) -> list[Problem]:
    problems = []
    if term.starts_on is None:
        problems.append(Problem(start_field, "Enter the date this has effect from (DD/MM/YYYY)."))
    elif today is not None and term.starts_on > today:
        problems.append(Problem(start_field, "The date is in the future; record the order once it is made."))
    if term.indefinite and term.ends_on is not None:
        problems.append(Problem("ends_on", "Either give an end date or tick 'until further order', not both."))
    elif not term.indefinite and term.ends_on is None:
        problems.append(Problem("ends_on", "Enter the end date, or tick 'until further order'."))
    elif term.ends_on is not None and term.starts_on is not None and term.ends_on < term.starts_on:
        problems.append(Problem("ends_on", "The end date is before the start date; check the dates."))
    return problems


def order_problems(kind: str, made_on: date | None, ends_on: date | None, indefinite: bool,
                   device_notify_days: int | None, today: date) -> list[Problem]:
    """What is wrong with an order's own details; an empty list when it can be saved."""
    problems: list[Problem] = []
    try:
        order_kind = OrderKind(kind)
    except ValueError:
        return [Problem("kind", "Choose the kind of order: SHPO, SRO or SOPO.")]
    problems += _term_problems(Term(made_on, ends_on, indefinite), "made_on", today)
    if not problems and ends_on is not None and made_on is not None:
        years = MIN_YEARS[order_kind]
        if ends_on < _last_day(made_on, years):
            problems.append(Problem("ends_on", f"An {order_kind.value} has effect for at least {years} years or "
                                               "until further order; check the end date."))
    if device_notify_days is not None and not 1 <= device_notify_days <= 365:
        problems.append(Problem("device_notify_days",
                                "Enter the number of days the order gives to notify a new device (1 to 365), "
                                "or leave it empty if the order has no such requirement."))
    return problems


def requirement_problems(order_kind: str, order: Term, kind: str, category: str | None,
                         term: Term, text: str) -> list[Problem]:
    """What is wrong with one prohibition or positive requirement of ORDER."""
    problems: list[Problem] = []
    try:
        req_kind = RequirementKind(kind)
    except ValueError:
        problems.append(Problem("kind", "Choose whether this is a prohibition or a positive requirement."))
        req_kind = None
    if category is not None:
        try:
            Category(category)
        except ValueError:
            problems.append(Problem("category", "Choose a category from the list."))
    if not (text or "").strip():
        problems.append(Problem("text", "Enter the wording of the item as the order gives it."))
    term_problems = _term_problems(term, "starts_on", None)
    problems += term_problems
    if term_problems or term.starts_on is None:
        return problems
    if order.starts_on is not None and term.starts_on < order.starts_on:
        problems.append(Problem("starts_on", "This item starts before the order was made; check the date."))
    if order.ends_on is not None and (term.indefinite or (term.ends_on and term.ends_on > order.ends_on)):
        problems.append(Problem("ends_on", "This item runs beyond the end of the order; check the end date."))
    if category == Category.FOREIGN_TRAVEL and req_kind is RequirementKind.PROHIBITION:
        limit = add_years(term.starts_on, FOREIGN_TRAVEL_MAX_YEARS)
        if term.indefinite or (term.ends_on is not None and term.ends_on > limit):
            problems.append(Problem("ends_on", f"A foreign travel prohibition has effect for at most "
                                               f"{FOREIGN_TRAVEL_MAX_YEARS} years (it can be renewed); "
                                               "enter its end date."))
    elif req_kind is RequirementKind.PROHIBITION and term.ends_on is not None:
        try:
            years = MIN_YEARS[OrderKind(order_kind)]
        except ValueError:
            years = MIN_YEARS[OrderKind.SHPO]
        if term.ends_on < _last_day(term.starts_on, years):
            problems.append(Problem("ends_on", f"A prohibition has effect for at least {years} years or "
                                               "until further order; check the end date."))
    return problems


def in_force(term: Term, on: date) -> bool:
    """True when the item has effect ON that day."""
    if term.starts_on is None or term.starts_on > on:
        return False
    return term.indefinite or term.ends_on is None or term.ends_on >= on
