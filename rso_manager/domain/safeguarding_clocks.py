"""Safeguarding clocks: referral decisions, concerns left unreferred, and Sarah's Law stages.

The inspection found delays in referrals to children's social care and in disclosures to
parents (domain.md section 0; rules R21-R23). Pure rules: every instant is passed in as an aware
datetime (stored in UTC); calendar days are Europe/London days, because "the same day" and
"working day" mean the day as lived in England and Wales, not the UTC day.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from rso_manager.clock import LONDON
from rso_manager.domain.dates import add_working_days, london_day

UTC = ZoneInfo("UTC")


def _aware(moment: datetime, name: str) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware")
    return moment




def end_of_london_day(day: date) -> datetime:
    """Last instant of DAY in London, in UTC. A decision at 23:59:59.999999 is still on time."""
    return datetime.combine(day, time.max, tzinfo=LONDON).astimezone(UTC)


def _start_of_next_london_day(day: date) -> datetime:
    return datetime.combine(day + timedelta(days=1), time.min, tzinfo=LONDON).astimezone(UTC)


# --- Referral to children's social care (R21) -------------------------------------------------

class ReferralFlag(StrEnum):
    DECISION_OVERDUE = "decision overdue"  # no decision yet and the deadline has passed
    DECISION_LATE = "decision late"        # a decision was recorded, after the deadline


def referral_decision_due(referred_at: datetime, extra_holidays: Iterable[date] = ()) -> datetime:
    """When the local authority's decision on a referral is due.

    Working Together to Safeguard Children 2023: "within one working day of a referral" a social
    worker should acknowledge it and decide the next steps. Interpretation: the deadline is the
    end (23:59:59.999999, London time) of the first working day after the London calendar day on
    which the referral was made. Weekends and England and Wales bank holidays are skipped;
    EXTRA_HOLIDAYS adds local closures. A referral on Friday 24 Dec 2026 at 15:00 is due by the
    end of Tuesday 29 Dec 2026 (25 Dec and the substitute Boxing Day, 28 Dec, are holidays).
    """
    made_on = london_day(_aware(referred_at, "referred_at"))
    return end_of_london_day(add_working_days(made_on, 1, extra_holidays))


def referral_flag(
    referred_at: datetime, decision_at: datetime | None, now: datetime,
    extra_holidays: Iterable[date] = (),
) -> ReferralFlag | None:
    due = referral_decision_due(referred_at, extra_holidays)
    if decision_at is None:
        return ReferralFlag.DECISION_OVERDUE if _aware(now, "now") > due else None
    if _aware(decision_at, "decision_at") < referred_at:
        raise ValueError("a decision cannot precede its referral")
    return ReferralFlag.DECISION_LATE if decision_at > due else None


def concern_without_referral(
    concern_at: datetime, referral_at: datetime | None, now: datetime
) -> bool:
    """True when a concern's London day has ended with no referral made on or before that day.

    A referral dated before the concern still counts: it means the referral was phoned through
    before the concern was typed up, not that none was made.
    """
    day = london_day(_aware(concern_at, "concern_at"))
    if _aware(now, "now") < _start_of_next_london_day(day):
        return False
    return referral_at is None or london_day(referral_at) > day


# --- Child Sex Offender Disclosure Scheme (R23) -----------------------------------------------

class CsodsStage(StrEnum):
    CHECKS = "checks"
    INTERVIEW = "interview"
    COMPLETE = "complete"


@dataclass(frozen=True)
class CsodsPolicy:
    """Police sites state checks within 24 hours, face-to-face within 10 days, closed within
    45 days; forces differ, so each is configurable."""

    checks_within: timedelta = timedelta(hours=24)
    interview_within_days: int = 10
    complete_within_days: int = 45


@dataclass(frozen=True)
class CsodsDeadlines:
    checks_by: datetime
    interview_by: datetime
    complete_by: datetime


def csods_deadlines(
    applied_at: datetime,
    policy: CsodsPolicy = CsodsPolicy(),  # noqa: B008 - frozen, so a shared default is safe
) -> CsodsDeadlines:
    """Checks run by the hour from the application instant. The day limits are calendar days:
    the end of the London day N days after the day of application (so 10 days from Monday 1st
    ends at the end of Thursday 11th)."""
    applied_at = _aware(applied_at, "applied_at")
    applied_on = london_day(applied_at)
    return CsodsDeadlines(
        checks_by=(applied_at + policy.checks_within).astimezone(UTC),
        interview_by=end_of_london_day(applied_on + timedelta(days=policy.interview_within_days)),
        complete_by=end_of_london_day(applied_on + timedelta(days=policy.complete_within_days)),
    )


def csods_status(
    deadlines: CsodsDeadlines,
    checks_at: datetime | None,
    interview_at: datetime | None,
    completed_at: datetime | None,
    now: datetime,
) -> list[CsodsStage]:
    """Stages still open past their deadline, in process order. A completed application has
    none: it may rightly close after the checks without an interview."""
    _aware(now, "now")
    if completed_at is not None:
        return []
    stages = (
        (CsodsStage.CHECKS, checks_at, deadlines.checks_by),
        (CsodsStage.INTERVIEW, interview_at, deadlines.interview_by),
        (CsodsStage.COMPLETE, completed_at, deadlines.complete_by),
    )
    return [stage for stage, done, due in stages if done is None and now > due]


# --- Reporting --------------------------------------------------------------------------------

def durations(
    concern_at: datetime, referral_at: datetime | None, disclosure_at: datetime | None
) -> tuple[timedelta | None, timedelta | None]:
    """(concern -> referral, concern -> disclosure); None where the step has not happened.

    A step recorded before the concern counts as zero delay rather than a negative one.
    """
    _aware(concern_at, "concern_at")

    def since(moment: datetime | None) -> timedelta | None:
        return None if moment is None else max(timedelta(0), moment - concern_at)

    return since(referral_at), since(disclosure_at)


def summary(
    durations: Iterable[timedelta | None],
) -> tuple[timedelta | None, timedelta | None]:
    """(median, worst) of the delays, ignoring steps not yet taken; (None, None) when empty."""
    present = [d for d in durations if d is not None]
    if not present:
        return None, None
    # typeshed types median for numbers only; it needs just + and / by 2, which timedelta has.
    return statistics.median(present), max(present)  # type: ignore[type-var]
