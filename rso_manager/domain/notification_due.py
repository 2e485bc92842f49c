"""Due dates for each notification under SOA 2003 Part 2 and the 2012 Regulations.

One statutory rule per function. Pure: the caller passes every date, including "today".
Every number is a module default that a force can override through NotificationPolicy,
because several (the travel short notice, the further review period) are not yet verified
against the current England and Wales text.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from rso_manager.domain.dates import (
    add_years,
    within_days_beginning_with,
    within_months_beginning_with,
)
from rso_manager.domain.notification_period import DisregardedPeriod, deadline_disregarding

DAYS = 3  # "within the period of 3 days beginning with" (s.83(1), s.84(1))
ADVANCE_EARLY_DAYS = 2  # s.84(3): event "more than 2 days before the date specified"
DID_NOT_OCCUR_DAYS = 6  # s.84(4)(b)
PERIODIC_YEARS = 1  # s.85(5)(b)
WEEKLY_DAYS = 7  # s.85(5)(a) period prescribed for no fixed abode (2012 Regs)
TRAVEL_DAYS_AHEAD = 7  # s.86; Travel Notification Requirements Regs 2004
TRAVEL_SHORT_NOTICE_HOURS = 12  # E&W wording unverified (domain.md 1.7)
HOUSEHOLD_HOURS = 12  # 2012 Regs reg 10
QUALIFYING_DAYS = 7  # s.84(6)
QUALIFYING_WINDOW_MONTHS = 12  # s.84(6)
REVIEW_YEARS_ADULT = 15  # s.91B(2)(a)
REVIEW_YEARS_YOUTH = 8  # s.91B(2)(b)
FURTHER_REVIEW_YEARS = 8  # s.91B(3); later amendment unverified


class NotificationKind(StrEnum):
    INITIAL = "initial"  # s.83(1)
    CHANGE = "change"  # s.84(1)
    PERIODIC = "periodic"  # s.85(1)
    WEEKLY = "weekly"  # s.85(1) with the prescribed 7-day period (no fixed abode)
    DID_NOT_OCCUR = "did_not_occur"  # s.84(4)(b)
    TRAVEL = "travel"  # s.86
    HOUSEHOLD = "household"  # 2012 Regs reg 10
    DETAILS_2012 = "details_2012"  # bank, card, passport/ID only


# s.85(2): only s.83(1), s.84(1) and s.85(1) notifications restart the periodic clock; the
# Home Office (gov.uk, 31 Mar 2023) says 2012-matters-only updates do not.
RESETS_PERIODIC = frozenset(
    {
        NotificationKind.INITIAL,
        NotificationKind.CHANGE,
        NotificationKind.PERIODIC,
        NotificationKind.WEEKLY,
    }
)


@dataclass(frozen=True)
class NotificationPolicy:
    days: int = DAYS
    advance_early_days: int = ADVANCE_EARLY_DAYS
    did_not_occur_days: int = DID_NOT_OCCUR_DAYS
    periodic_years: int = PERIODIC_YEARS
    weekly_days: int = WEEKLY_DAYS
    travel_days_ahead: int = TRAVEL_DAYS_AHEAD
    travel_short_notice_hours: int = TRAVEL_SHORT_NOTICE_HOURS
    household_hours: int = HOUSEHOLD_HOURS
    qualifying_days: int = QUALIFYING_DAYS
    qualifying_window_months: int = QUALIFYING_WINDOW_MONTHS
    review_years_adult: int = REVIEW_YEARS_ADULT
    review_years_youth: int = REVIEW_YEARS_YOUTH
    further_review_years: int = FURTHER_REVIEW_YEARS
    resets_periodic: frozenset[NotificationKind] = RESETS_PERIODIC


DEFAULT_POLICY = NotificationPolicy()


@dataclass(frozen=True)
class Notified:
    on: date
    kind: NotificationKind


@dataclass(frozen=True)
class Stay:
    """A stay at one unnotified address, `start` to `end` inclusive, each day counting whole."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError("a stay must not end before it starts")


def initial_due(
    relevant_date: date,
    disregarded: Iterable[DisregardedPeriod] = (),
    policy: NotificationPolicy = DEFAULT_POLICY,
) -> date:
    """s.83(1): within 3 days beginning with the relevant date; s.83(6) disregarded time skipped."""
    return deadline_disregarding(relevant_date, policy.days, disregarded)


def change_due(
    event: date,
    disregarded: Iterable[DisregardedPeriod] = (),
    policy: NotificationPolicy = DEFAULT_POLICY,
) -> date:
    """s.84(1): within 3 days beginning with the event; s.84(5) disregarded time skipped.

    The event is a new name (a), a change of home address (b), the day a qualifying period at
    other premises is reached (c; see qualifying_period_reached), release from custody or
    hospital (d), or a prescribed change such as starting a relevant-household stay (ca).
    """
    return deadline_disregarding(event, policy.days, disregarded)


def advance_notice_change_due(
    specified: date,
    occurred_on: date,
    disregarded: Iterable[DisregardedPeriod] = (),
    policy: NotificationPolicy = DEFAULT_POLICY,
) -> date | None:
    """s.84(2)-(4)(a): None if an advance notice giving SPECIFIED discharged the duty.

    It does not when the event came more than 2 days before the date specified (s.84(3)) or
    had not come by the end of 3 days beginning with it (s.84(4)(a)); the ordinary s.84(1)
    duty then runs from the event.
    """
    early = occurred_on < specified - timedelta(days=policy.advance_early_days)
    late = occurred_on > within_days_beginning_with(specified, policy.days)
    return change_due(occurred_on, disregarded, policy) if early or late else None


def did_not_occur_due(
    specified: date,
    occurred_on: date | None,
    disregarded: Iterable[DisregardedPeriod] = (),
    policy: NotificationPolicy = DEFAULT_POLICY,
) -> date | None:
    """s.84(4)(b): if the event had not occurred by the end of 3 days beginning with SPECIFIED,
    the fact is due within 6 days beginning with SPECIFIED (s.84(5) disregard applies).

    None when the event came in time. With OCCURRED_ON None the date is provisional until
    specified + 2 passes; it can only become overdue after that.
    """
    if occurred_on is not None and occurred_on <= within_days_beginning_with(
        specified, policy.days
    ):
        return None
    return deadline_disregarding(specified, policy.did_not_occur_days, disregarded)


def periodic_anchor(
    history: Iterable[Notified], policy: NotificationPolicy = DEFAULT_POLICY
) -> date | None:
    """s.85(2): the latest notification that restarts the periodic clock, if any."""
    return max((n.on for n in history if n.kind in policy.resets_periodic), default=None)


def _extend_past_disregarded(
    deadline: date, disregarded: Iterable[DisregardedPeriod], days: int
) -> date:
    # s.85(3) re-applies if the extended deadline itself lands in a later disregarded period.
    periods = list(disregarded)
    while covering := next((p for p in periods if p.covers(deadline)), None):
        deadline = within_days_beginning_with(covering.end + timedelta(days=1), days)
    return deadline


def periodic_due(
    anchor: date,
    disregarded: Iterable[DisregardedPeriod] = (),
    policy: NotificationPolicy = DEFAULT_POLICY,
) -> date:
    """s.85(1),(5)(b): within one year after the last s.83/s.84/s.85 notification (ANCHOR).

    s.85(3)-(4): if that falls while in custody, hospital or abroad, it runs on to the end of
    3 days beginning with the day after that ends.
    """
    return _extend_past_disregarded(
        add_years(anchor, policy.periodic_years), disregarded, policy.days
    )


def weekly_due(
    anchor: date,
    disregarded: Iterable[DisregardedPeriod] = (),
    policy: NotificationPolicy = DEFAULT_POLICY,
) -> date:
    """s.85(5)(a),(6) with the 2012 Regs: no fixed abode notifies within 7 days after the last
    notification, so overdue on day 8. s.85(3) extension as for periodic_due."""
    return _extend_past_disregarded(
        anchor + timedelta(days=policy.weekly_days), disregarded, policy.days
    )


def travel_due(departure: date, policy: NotificationPolicy = DEFAULT_POLICY) -> date:
    """s.86 and the Travel Notification Requirements Regs 2004 (as amended 2012): every trip
    abroad, whatever its length, notified not less than 7 days before the date of departure."""
    return departure - timedelta(days=policy.travel_days_ahead)


def travel_short_notice_due(
    departure_at: datetime, policy: NotificationPolicy = DEFAULT_POLICY
) -> datetime:
    """s.86 regs: details not known 7 days ahead are due at least 12 hours before departure."""
    return departure_at - timedelta(hours=policy.travel_short_notice_hours)


def household_stay_notifiable(
    hours: float, child_under_18: bool, policy: NotificationPolicy = DEFAULT_POLICY
) -> bool:
    """2012 Regs reg 10: residing, or staying at least 12 hours, where a child under 18 lives
    or stays (a "relevant household")."""
    return child_under_18 and hours >= policy.household_hours


def household_stay_due(
    stay_start: date,
    disregarded: Iterable[DisregardedPeriod] = (),
    policy: NotificationPolicy = DEFAULT_POLICY,
) -> date:
    """2012 Regs reg 10 via s.84(1)(ca): within 3 days beginning with the day the stay began."""
    return deadline_disregarding(stay_start, policy.days, disregarded)


def details_2012_due(pending_dues: Iterable[date]) -> date | None:
    """2012 Regs: bank, card and passport/ID details go with each notification (prescribed
    under s.83(5)(h)), so they are due with the earliest pending s.83/84/85 notification."""
    return min(pending_dues, default=None)


def qualifying_period_reached(
    stays: Iterable[Stay], as_of: date, policy: NotificationPolicy = DEFAULT_POLICY
) -> date | None:
    """s.84(6): the day stays at one unnotified address first total 7 days within any 12 months.

    Covers a single 7-day stay and two or more shorter ones alike. Days after AS_OF are not
    counted. The s.84(1)(c) duty then runs from the returned day (change_due).
    """
    days = sorted(
        {
            s.start + timedelta(days=i)
            for s in stays
            for i in range((min(s.end, as_of) - s.start).days + 1)
        }
    )
    first = 0
    for last, day in enumerate(days):
        while within_months_beginning_with(days[first], policy.qualifying_window_months) < day:
            first += 1
        if last - first + 1 >= policy.qualifying_days:
            return day
    return None


def is_late(due: date, notified_on: date) -> bool:
    return notified_on > due


def is_overdue(due: date, today: date, notified: bool) -> bool:
    """Overdue from the day after the due date: the whole due date is allowed."""
    return not notified and today > due


def review_qualifying_date(
    relevant_notification: date,
    under_18_on_relevant_date: bool,
    policy: NotificationPolicy = DEFAULT_POLICY,
) -> date:
    """s.91B(2): an indefinite-period offender may apply for review on or after the day after
    the end of the 15-year (adult) or 8-year (under 18 on the relevant date) period beginning
    with the relevant notification, i.e. the first notification following release."""
    years = policy.review_years_youth if under_18_on_relevant_date else policy.review_years_adult
    return within_months_beginning_with(relevant_notification, 12 * years) + timedelta(days=1)


def further_review_date(
    continue_decision: date, policy: NotificationPolicy = DEFAULT_POLICY
) -> date:
    """s.91B(3): after a s.91C determination to continue, the day after the end of the 8-year
    period beginning with the day of that determination."""
    return within_months_beginning_with(
        continue_decision, 12 * policy.further_review_years
    ) + timedelta(days=1)
