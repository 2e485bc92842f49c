"""Sexual Offences Act 2003 s.82: how long a relevant offender stays subject to notification.

Also the disregard of custody, hospital and time abroad (s.83(6), s.84(5)) that every
"3 days beginning with" deadline shares. Pure functions: all dates are passed in.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from rso_manager.domain.dates import (
    add_months,
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


# --- the term that counts (s.82(1), (3)-(4)) --------------------------------------------------


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'s' * (n != 1)}"


@dataclass(frozen=True)
class Duration:
    """A length as the court states it: years, months, weeks and days. Months and years are
    calendar months (Interpretation Act 1978 Sch 1), so a length is laid on the calendar from
    the day it begins: "6 months and 1 day" is more than 6 months from any start."""

    years: int = 0
    months: int = 0
    weeks: int = 0
    days: int = 0

    @property
    def is_zero(self) -> bool:
        return not (self.years or self.months or self.weeks or self.days)

    def end_after(self, start: date) -> date:
        """The day after the last day of this length beginning with START (months by the
        corresponding-date rule of dates.within_months_beginning_with, then weeks and days)."""
        months = 12 * self.years + self.months
        day = within_months_beginning_with(start, months) + timedelta(days=1) if months else start
        return day + timedelta(days=7 * self.weeks + self.days)

    def start_before(self, end: date) -> date:
        """The first day of this length ending the day before END (the overlap's start)."""
        day = end - timedelta(days=7 * self.weeks + self.days)
        months = 12 * self.years + self.months
        return add_months(day, -months) if months else day

    def describe(self) -> str:
        parts = [_plural(n, w) for n, w in ((self.years, "year"), (self.months, "month"),
                                            (self.weeks, "week"), (self.days, "day")) if n]
        return " ".join(parts) or "no time"

    @classmethod
    def between(cls, start: date, end: date) -> Duration:
        """START to the day before END as whole years and months (corresponding dates) and days."""
        # Estimated from the calendar, then corrected by a step or two: counting up month by
        # month from START cost seconds over a demo load of long sentences.
        months = max(0, (end.year - start.year) * 12 + end.month - start.month - 1)
        while months and Duration(months=months).end_after(start) > end:
            months -= 1
        while Duration(months=months + 1).end_after(start) <= end:
            months += 1
        rest = (end - (Duration(months=months).end_after(start))).days
        return cls(months // 12, months % 12, 0, rest)


class TermRuns(StrEnum):
    """How a term runs with the one entered before it."""

    CONSECUTIVE = "consecutive"  # begins when the term before ends
    CONCURRENT = "concurrent"  # begins with the term before
    PARTLY_CONCURRENT = "partly_concurrent"  # overlaps the end of the term before by `overlap`


@dataclass(frozen=True)
class SentenceTerm:
    """One term of imprisonment (or of a detention and training order) for a Schedule 3
    offence. `runs` and `overlap` relate it to the term entered before it; the first term's
    are ignored."""

    length: Duration
    runs: TermRuns = TermRuns.CONSECUTIVE
    overlap: Duration = Duration()

    def describe(self) -> str:
        if self.runs is TermRuns.PARTLY_CONCURRENT:
            return f"{self.length.describe()} partly concurrent ({self.overlap.describe()} overlapping)"
        return f"{self.length.describe()} {self.runs.value}"


@dataclass(frozen=True)
class CountingTerm:
    """The one term s.82(1) is read with: from `starts_on` to the day before `ends_before`."""

    starts_on: date
    ends_before: date
    length: Duration
    explanation: str

    def at_least_months(self, months: int) -> bool:
        return self.ends_before >= Duration(months=months).end_after(self.starts_on)

    def at_most_months(self, months: int) -> bool:
        return self.ends_before <= Duration(months=months).end_after(self.starts_on)


def term_problems(terms: Sequence[SentenceTerm]) -> list[tuple[str, str]]:
    """(field, message) for terms that cannot be laid out; fields are sentence_terms[i].*."""
    problems: list[tuple[str, str]] = []
    if not terms:
        return [("sentence_terms", "Enter the term: years, months, weeks and days.")]
    for i, t in enumerate(terms):
        d = t.length
        if min(d.years, d.months, d.weeks, d.days) < 0 or d.is_zero:
            problems.append((f"sentence_terms[{i}].length", "Enter the length of the term (years, months, "
                                                            "weeks, days), none of them negative."))
        elif i and t.runs is TermRuns.PARTLY_CONCURRENT:
            o = t.overlap
            if min(o.years, o.months, o.weeks, o.days) < 0 or o.is_zero:
                problems.append((f"sentence_terms[{i}].overlap", "Enter how long this term overlaps the one "
                                                                 "before (for no overlap, choose consecutive)."))
    return problems


def counting_term(terms: Sequence[SentenceTerm], sentenced_on: date) -> CountingTerm:
    """s.82(3)-(4): terms for two or more Schedule 3 offences count as one term. Each term is
    laid on the calendar from the sentence date after the one before: consecutive terms add;
    a concurrent term runs alongside, so the longest counts; partly concurrent terms X and Y
    overlapping by Z count as X + Y - Z (s.82(4)(b)). The term that counts runs from the first
    day to the last day any term is served."""
    if term_problems(terms):
        raise ValueError("; ".join(message for _field, message in term_problems(terms)))
    starts: list[date] = []
    ends: list[date] = []
    for i, t in enumerate(terms):
        if i == 0:
            start = sentenced_on
        elif t.runs is TermRuns.CONSECUTIVE:
            start = ends[-1]
        elif t.runs is TermRuns.CONCURRENT:
            start = starts[-1]
        else:
            start = t.overlap.start_before(ends[-1])
            if start <= starts[-1]:
                raise ValueError(f"term {i + 1} overlaps the whole of the term before: enter it as concurrent")
        starts.append(start)
        ends.append(t.length.end_after(start))
    end = max(ends)
    length = Duration.between(sentenced_on, end)
    if len(terms) == 1:
        text = length.describe()
    else:
        text = (f"{', '.join(t.length.describe() if i == 0 else t.describe() for i, t in enumerate(terms))}, "
                f"counted as one term of {length.describe()} (s.82(3)-(4): consecutive terms add, "
                "concurrent terms count the longest, partly concurrent terms X + Y - overlap)")
    return CountingTerm(sentenced_on, end, length, text)


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
    disposal: DisposalKind, term: CountingTerm | None, discharge_months: int | None
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
    assert term is not None
    # A DTO counts as imprisonment for its custodial half (s.131): half the order reaches 30
    # months exactly when the whole order reaches 60, and so on.
    dto = disposal is DisposalKind.DTO
    factor = 2 if dto else 1
    text = (
        f"detention and training order of {term.explanation} (the custodial half counted as "
        "imprisonment)"
        if dto
        else f"imprisonment for {term.explanation}"
    )
    if term.at_least_months(INDEFINITE_FROM_MONTHS * factor):
        return None, f"s.82(1): {text}, 30 months or more: indefinite"
    if term.at_most_months(SHORT_TERM_MAX_MONTHS * factor):
        return SHORT_TERM_PERIOD_MONTHS, f"s.82(1): {text}, 6 months or less: 7 years"
    return (
        MEDIUM_TERM_PERIOD_MONTHS,
        f"s.82(1): {text}, more than 6 and less than 30 months: 10 years",
    )


def notification_period(
    disposal: DisposalKind | None,
    relevant_date: date,
    date_of_birth: date,
    *,
    sentence_months: int | None = None,
    discharge_months: int | None = None,
    threshold_offence: bool = False,
    shpo_end: date | None = None,
    shpo_indefinite: bool = False,
    sentence_terms: Sequence[SentenceTerm] = (),
    sentenced_on: date | None = None,
) -> NotificationPeriod:
    """The notification period under SOA 2003 s.82, extended by any SHPO under s.103G.

    `disposal` None means convicted but not yet sentenced. `sentence_terms` are the terms (for a
    DTO the whole order) for the Schedule 3 offences, laid from `sentenced_on` (default: the
    relevant date) and combined by s.82(3)-(4) (see counting_term); `sentence_months` is the
    older whole-months entry, one term.
    The period begins with the relevant date (s.82(6)). Under-18s on the relevant date have
    finite periods halved (s.82(2)), except a conditional discharge, which the Act does not halve.
    `shpo_end` is the last day the SHPO has effect; s.103G(1) (applied to Sentencing Act 2020
    orders by its s.352) keeps the offender notifying while the order lasts.
    """
    if date_of_birth > relevant_date:
        raise ValueError("date of birth after the relevant date")
    under_18 = age_on(date_of_birth, relevant_date) < ADULT_AGE
    if not sentence_terms and sentence_months is not None:
        if sentence_months <= 0:
            raise ValueError("a term of imprisonment must be positive")
        sentence_terms = (SentenceTerm(Duration(months=sentence_months)),)
    if disposal is None or (disposal in TERM_DISPOSALS and not sentence_terms):
        text = "s.82(1): depends on the sentence, which has not been passed"
        if threshold_offence:
            text += (
                "; Schedule 3 threshold offence, so whether s.80 applies at all also turns on it"
            )
        return NotificationPeriod(False, None, None, True, under_18, text)

    term = counting_term(sentence_terms, sentenced_on or relevant_date) if disposal in TERM_DISPOSALS else None
    months, reason = _table_row(disposal, term, discharge_months)
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


# --- review of indefinite notification (s.91A-91B) -------------------------------------------

# s.91A(2)(b): an offender subject to one of these orders may not apply for a review. The SOPO,
# the foreign travel order and the risk of sexual harm order were replaced by the SHPO and SRO
# in 2015; records made before then can still hold them. Interim orders count as the order.
REVIEW_BARRING_ORDERS = frozenset({"SHPO", "SOPO", "FTO", "RSHO"})


@dataclass(frozen=True)
class OrderInForce:
    """A civil order as recorded: `kind` its code (SHPO, SRO, SOPO...), in force from `made_on`
    to `ends_on` inclusive, or with no end while `indefinite`."""

    kind: str
    made_on: date
    ends_on: date | None
    indefinite: bool

    def covers(self, day: date) -> bool:
        return self.made_on <= day and (self.indefinite or (self.ends_on is not None and day <= self.ends_on))


@dataclass(frozen=True)
class ReviewEligibility:
    """When an application for review may first be made. `eligible_on` None: not while an
    order in `barred_by` has effect with no end date."""

    eligible_on: date | None
    barred_by: str | None
    explanation: str


def review_eligibility(qualifying_on: date, orders: Iterable[OrderInForce],
                       as_of: date | None = None) -> ReviewEligibility:
    """The first day on or after the s.91B qualifying date on which no s.91A(2)(b) order has
    effect: an order in force then moves the date to the day after it ends; one with no end
    date means no review while it lasts. Once the qualifying date has passed, the question is
    whether one may apply now, so an order in force AS_OF counts too. Orders of other kinds
    (an SRO) do not bar a review."""
    barring = sorted((o for o in orders if o.kind in REVIEW_BARRING_ORDERS), key=lambda o: o.made_on)
    day, barred_by = qualifying_on, None
    if as_of is not None and as_of > day and any(o.covers(as_of) for o in barring):
        day = as_of
    moved = True
    while moved:
        moved = False
        for o in barring:
            if o.covers(day):
                if o.indefinite or o.ends_on is None:
                    return ReviewEligibility(None, o.kind, (
                        f"s.91A(2)(b): no review while the {o.kind} made on {o.made_on.isoformat()} has "
                        "effect (it has no end date)"))
                day, barred_by, moved = o.ends_on + timedelta(days=1), o.kind, True
    if barred_by is None:
        return ReviewEligibility(day, None, f"s.91B: review may be applied for from {day.isoformat()}")
    return ReviewEligibility(day, barred_by, (
        f"s.91B qualifying date {qualifying_on.isoformat()}; s.91A(2)(b): not while the {barred_by} has "
        f"effect, so from {day.isoformat()}"))
