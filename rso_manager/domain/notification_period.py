"""Sexual Offences Act 2003 s.82: how long a relevant offender stays subject to notification.

Also the disregard of custody, hospital and time abroad (s.83(6), s.84(5)) that every
"3 days beginning with" deadline shares. Pure functions: all dates are passed in.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from rso_manager.domain.dates import (
    age_on,
    within_days_beginning_with_skipping,
    within_months_beginning_with,
)

ADULT_AGE = 18
INDEFINITE_FROM_MONTHS = 30  # s.82(1): "a term of 30 months or more"
SHORT_TERM_MAX_MONTHS = 6  # s.82(1): "a term of 6 months or less"
MEDIUM_TERM_PERIOD_MONTHS = 10 * 12
SHORT_TERM_PERIOD_MONTHS = 7 * 12
CAUTION_PERIOD_MONTHS = 2 * 12
OTHER_PERIOD_MONTHS = 5 * 12


class DisposalKind(StrEnum):
    IMPRISONMENT = "imprisonment"
    LIFE = "life"
    IPP = "ipp"
    HOSPITAL_ORDER_RESTRICTED = "hospital_order_restricted"
    HOSPITAL_ORDER = "hospital_order"
    CAUTION = "caution"
    CONDITIONAL_DISCHARGE = "conditional_discharge"
    OTHER = "other"
    DTO = "dto"


# Disposals whose row in the s.82 table turns on the length of the term.
TERM_DISPOSALS = frozenset({DisposalKind.IMPRISONMENT, DisposalKind.DTO})


@dataclass(frozen=True)
class NotificationPeriod:
    """Result of s.82. `end` is the last day the requirements apply (inclusive).

    `length_months` is the s.82 period itself (after s.82(2) halving); an SHPO may push `end`
    past it. Both are None while the period depends on a sentence not yet passed.
    """

    indefinite: bool
    end: date | None
    length_months: int | None
    depends_on_sentence: bool
    under_18: bool
    explanation: str
    extended_by_shpo: bool = False

    @property
    def years(self) -> int | None:
        return None if self.length_months is None else self.length_months // 12

    @property
    def months(self) -> int | None:
        return None if self.length_months is None else self.length_months % 12


def _describe(months: int) -> str:
    years, rest = divmod(months, 12)
    parts = [f"{years} year{'s' * (years != 1)}"] if years else []
    if rest:
        parts.append(f"{rest} month{'s' * (rest != 1)}")
    return " ".join(parts)


def _table_row(
    disposal: DisposalKind, sentence_months: float | None, discharge_months: int | None
) -> tuple[int | None, str]:
    """(period in months or None for indefinite, reason) from the s.82(1) table, before halving."""
    if disposal in (DisposalKind.LIFE, DisposalKind.IPP):
        return None, "s.82(1): imprisonment for life or for public protection: indefinite"
    if disposal is DisposalKind.HOSPITAL_ORDER_RESTRICTED:
        return None, "s.82(1): hospital order with a restriction order: indefinite"
    if disposal is DisposalKind.HOSPITAL_ORDER:
        return SHORT_TERM_PERIOD_MONTHS, "s.82(1): hospital order without restriction: 7 years"
    if disposal is DisposalKind.CAUTION:
        return CAUTION_PERIOD_MONTHS, "s.82(1): caution: 2 years"
    if disposal is DisposalKind.CONDITIONAL_DISCHARGE:
        if discharge_months is None or discharge_months < 1:
            raise ValueError("a conditional discharge needs its length in months")
        return discharge_months, "s.82(1): conditional discharge: the period of the discharge"
    if disposal is DisposalKind.OTHER:
        return OTHER_PERIOD_MONTHS, "s.82(1): any other disposal (fine, community order): 5 years"
    assert sentence_months is not None
    if sentence_months <= 0:
        raise ValueError("a term of imprisonment must be positive")
    custody = sentence_months / 2 if disposal is DisposalKind.DTO else sentence_months
    term = (
        f"detention and training order of {sentence_months:g} months ({custody:g} months "
        "custodial half, counted as imprisonment)"
        if disposal is DisposalKind.DTO
        else f"imprisonment for {sentence_months:g} months"
    )
    if custody >= INDEFINITE_FROM_MONTHS:
        return None, f"s.82(1): {term}, 30 months or more: indefinite"
    if custody <= SHORT_TERM_MAX_MONTHS:
        return SHORT_TERM_PERIOD_MONTHS, f"s.82(1): {term}, 6 months or less: 7 years"
    return (
        MEDIUM_TERM_PERIOD_MONTHS,
        f"s.82(1): {term}, more than 6 and less than 30 months: 10 years",
    )


def notification_period(
    disposal: DisposalKind | None,
    relevant_date: date,
    date_of_birth: date,
    *,
    sentence_months: float | None = None,
    discharge_months: int | None = None,
    threshold_offence: bool = False,
    shpo_end: date | None = None,
    shpo_indefinite: bool = False,
) -> NotificationPeriod:
    """The notification period under SOA 2003 s.82, extended by any SHPO under s.103G.

    `disposal` None means convicted but not yet sentenced. `sentence_months` is the term (for a
    DTO the whole order; for consecutive or partly concurrent terms the s.82(3)-(4) aggregate).
    The period begins with the relevant date (s.82(6)). Under-18s on the relevant date have
    finite periods halved (s.82(2)), except a conditional discharge, which the Act does not halve.
    `shpo_end` is the last day the SHPO has effect; s.103G(1) (applied to Sentencing Act 2020
    orders by its s.352) keeps the offender notifying while the order lasts.
    """
    if date_of_birth > relevant_date:
        raise ValueError("date of birth after the relevant date")
    under_18 = age_on(date_of_birth, relevant_date) < ADULT_AGE
    if disposal is None or (disposal in TERM_DISPOSALS and sentence_months is None):
        text = "s.82(1): depends on the sentence, which has not been passed"
        if threshold_offence:
            text += (
                "; Schedule 3 threshold offence, so whether s.80 applies at all also turns on it"
            )
        return NotificationPeriod(False, None, None, True, under_18, text)

    months, reason = _table_row(disposal, sentence_months, discharge_months)
    if months is None:
        return NotificationPeriod(True, None, None, False, under_18, reason)
    if under_18 and disposal is not DisposalKind.CONDITIONAL_DISCHARGE:
        months //= 2  # every table period halved is a whole number of months
        reason += f"; s.82(2): under 18 on the relevant date, halved to {_describe(months)}"
    end = within_months_beginning_with(relevant_date, months)
    reason += f"; runs from the relevant date {relevant_date.isoformat()} to {end.isoformat()}"
    if shpo_indefinite:
        reason += (
            "; s.103G(1): an SHPO with no end date keeps it running while the order has effect"
        )
        return NotificationPeriod(
            True, None, months, False, under_18, reason, extended_by_shpo=True
        )
    if shpo_end is not None and shpo_end > end:
        reason += f"; s.103G(1): extended to the SHPO's end {shpo_end.isoformat()}"
        return NotificationPeriod(
            False, shpo_end, months, False, under_18, reason, extended_by_shpo=True
        )
    return NotificationPeriod(False, end, months, False, under_18, reason)


class DisregardReason(StrEnum):
    CUSTODY = "custody"  # remanded, committed, serving a sentence, service custody/detention
    HOSPITAL = "hospital"
    ABROAD = "abroad"


@dataclass(frozen=True)
class DisregardedPeriod:
    """Days that do not count towards a notification deadline, `start` to `end` inclusive.

    `end` is the day of release or return. The Act disregards "any time" so spent, so the part
    of that day still inside makes the deadline run into the following day; counting whole days
    means the window starts the day after, never treating a notification as late too early.
    """

    start: date
    end: date
    reason: DisregardReason = DisregardReason.CUSTODY

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError("a disregarded period must not end before it starts")

    def covers(self, day: date) -> bool:
        return self.start <= day <= self.end


def deadline_disregarding(
    event: date, days: int, disregarded: Iterable[DisregardedPeriod] = ()
) -> date:
    """Last day of the N days beginning with EVENT, not counting disregarded days.

    SOA 2003 s.83(6) (initial notification) and s.84(5) (changes, and the s.84(4)(b) 6 days):
    time in custody, detained in hospital or outside the UK is disregarded.
    """
    return within_days_beginning_with_skipping(event, days, ((p.start, p.end) for p in disregarded))
