"""Home-visit rules: how often, by when, and when to escalate (domain.md 2.1-2.2, 1.11; R12-R16).

Frequency follows the risk management plan, not a calendar timetable (NPCC 2017; the inspection
criticised monthly/quarterly schedules): the next visit is due from the last completed HOME visit,
and triggers pull it forward. Office interviews never count, because the offender can prepare.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING, NamedTuple

from rso_manager.clock import LONDON
from rso_manager.domain.dates import add_months, add_working_days, add_years

if TYPE_CHECKING:
    from rso_manager.domain.visit_policy import VisitPolicy


# Police risk tools (domain.md 2.3): the static RM2000 and OSP predictors and the dynamic ARMS.
RISK_TOOLS = ("ARMS", "RM2000", "OSP/C", "OSP/I", "other")


class RiskLevel(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    VERY_HIGH = "very_high"


class TimeBand(StrEnum):
    MORNING = "morning"
    AFTERNOON = "afternoon"
    EVENING = "evening"


class VisitKind(StrEnum):
    HOME = "home"
    OFFICE = "office"


class VisitOutcome(StrEnum):
    SEEN = "seen"
    NO_ANSWER = "no_answer"
    REFUSED_ENTRY = "refused_entry"
    NOT_AT_ADDRESS = "not_at_address"


FAILED_ENTRY = frozenset({VisitOutcome.NO_ANSWER, VisitOutcome.REFUSED_ENTRY, VisitOutcome.NOT_AT_ADDRESS})


class TriggerKind(StrEnum):
    RISK_ASSESSMENT = "risk_assessment"  # new or raised
    BREACH = "breach"
    CHANGE_OF_ADDRESS = "change_of_address"
    NEW_RELATIONSHIP = "new_relationship"  # with access to children
    INTELLIGENCE = "intelligence"
    WARNING = "warning"  # a formal warning for behaviour that raises concern (issue 19)
    RELEASE_FROM_CUSTODY = "release_from_custody"


class Trigger(NamedTuple):
    on: date
    kind: TriggerKind


class Visit(NamedTuple):
    on: date
    kind: VisitKind
    outcome: VisitOutcome


# A visit as the pattern rules see it: when it happened, to the band.
VisitStamp = datetime | tuple[date, TimeBand]


@dataclass(frozen=True)
class IntervalDecision:
    months: int
    needs_sign_off: bool
    reason: str


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: str
    needs_sign_off: bool = False  # True: eligible, waiting for a supervisor


@dataclass(frozen=True)
class DueWindow:
    """When the next home visit should happen. Both dates None only under reactive management
    with nothing since the last home visit: there is then no routine visit to be late for."""

    earliest: date | None
    latest: date | None
    reason: str
    pulled_forward_by: Trigger | None = None


def _months(n: int) -> str:
    return f"{n} month" if n == 1 else f"{n} months"


def _label(risk: RiskLevel) -> str:
    return risk.value.replace("_", " ")


def home_visit_interval(
    risk: RiskLevel, plan_interval_months: int | None, policy: VisitPolicy, *, signed_off: bool = False
) -> IntervalDecision:
    """The interval in force. A plan may shorten the OMU default freely; a longer plan interval
    only applies once a supervisor has signed it off, and until then the default stands."""
    risk = RiskLevel(risk)
    default = policy.interval_months[risk]
    if plan_interval_months is None:
        return IntervalDecision(default, False, f"OMU default for {_label(risk)} risk: every {_months(default)}")
    if plan_interval_months < 1:
        raise ValueError(f"plan interval must be at least 1 month, got {plan_interval_months}")
    plan = plan_interval_months
    if plan <= default:
        return IntervalDecision(plan, False, f"risk management plan: every {_months(plan)} "
                                             f"(default for {_label(risk)} risk is {_months(default)})")
    if signed_off:
        return IntervalDecision(plan, False, f"risk management plan: every {_months(plan)}, longer than the "
                                             f"{_months(default)} default for {_label(risk)} risk, signed off by a supervisor")
    return IntervalDecision(default, True, f"risk management plan asks for every {_months(plan)}, longer than the "
                                           f"{_months(default)} default for {_label(risk)} risk: needs supervisor "
                                           f"sign-off, and the default applies until then")


def reactive_management_allowed(
    assessments: Iterable[tuple[date, RiskLevel]],
    as_of: date,
    policy: VisitPolicy,
    *,
    signed_off_on: date | None = None,
    triggers: Iterable[Trigger] = (),
) -> Decision:
    """R16: no routine visits only after N years continuously low risk and a supervisor's sign-off;
    any risk assessment or trigger after the sign-off ends it until a supervisor signs again."""
    history = sorted((a for a in assessments if a[0] <= as_of), key=lambda a: a[0])
    if not history:
        return Decision(False, "no risk assessment on record")
    current_on, current = history[-1]
    if RiskLevel(current) is not RiskLevel.LOW:
        return Decision(False, f"current risk is {_label(RiskLevel(current))} (assessed {current_on}); "
                               f"reactive management needs low risk")
    low_since = current_on
    for on, level in reversed(history):
        if RiskLevel(level) is not RiskLevel.LOW:
            break
        low_since = on
    years = policy.reactive_min_years
    eligible_from = add_years(low_since, years)
    if as_of < eligible_from:
        return Decision(False, f"low risk only since {low_since}: reactive management needs {years} years "
                               f"continuously low, so not before {eligible_from}")
    if signed_off_on is None or signed_off_on > as_of:
        return Decision(False, f"eligible: low risk continuously since {low_since}; needs supervisor sign-off",
                        needs_sign_off=True)
    if signed_off_on < eligible_from:
        return Decision(False, f"sign-off on {signed_off_on} came before eligibility on {eligible_from}; "
                               f"needs a fresh supervisor sign-off", needs_sign_off=True)
    later = [(on, "new risk assessment") for on, _ in history if on > signed_off_on]
    later += [(t.on, TriggerKind(t.kind).value.replace("_", " ")) for t in triggers if signed_off_on < t.on <= as_of]
    if later:
        on, what = min(later)
        return Decision(False, f"reverted: {what} on {on} after sign-off on {signed_off_on}; routine visits "
                               f"resume until a supervisor signs off again", needs_sign_off=True)
    return Decision(True, f"reactive management: low risk continuously since {low_since}, "
                          f"signed off on {signed_off_on}")


def last_home_visit(visits: Iterable[Visit]) -> date | None:
    """Date of the last home visit where the offender was seen; office interviews and failed
    attempts do not restart the clock."""
    seen = [v.on for v in visits if v.kind == VisitKind.HOME and v.outcome == VisitOutcome.SEEN]
    return max(seen, default=None)


def due_window(
    last_home_visit: date | None,
    case_start: date,
    interval_months: int | None,
    triggers: Iterable[Trigger],
    as_of: date,
    policy: VisitPolicy,
    *,
    case_start_is: str = "the case start",
    restarts_clock: bool = False,
) -> DueWindow:
    """The next home visit's window. INTERVAL_MONTHS None means reactive management.

    Without a home visit the first is due within the trigger period of CASE_START (registration,
    release, the police taking the case over from probation); CASE_START_IS names it in the
    reason. When CASE_START RESTARTS_CLOCK (a release, a hand-over), a home visit before it does
    not set the clock either: the case would otherwise be overdue on the day it began. Earliest
    sits a fraction of the interval before latest, so a visit is not predictable from the last
    one yet not wasted straight after it.
    """
    n = policy.trigger_working_days
    earliest: date | None
    latest: date | None
    if last_home_visit is None or (restarts_clock and last_home_visit < case_start):
        earliest, latest = case_start, add_working_days(case_start, n)
        since = "yet" if last_home_visit is None else "since then"
        reason = (f"no home visit {since}: first visit due within {n} working days of "
                  f"{case_start_is} on {case_start}")
        relevant = [Trigger(*t) for t in triggers if case_start <= t[0] <= as_of]
    else:
        # A trigger on the day of the visit may have come after it, but a visit that day is
        # usually the response; counting it would demand a second visit straight away.
        relevant = [Trigger(*t) for t in triggers if last_home_visit < t[0] <= as_of]
        if interval_months is None:
            earliest = latest = None
            reason = "reactive management: no routine visit due"
        else:
            latest = add_months(last_home_visit, interval_months)
            slack = int((latest - last_home_visit).days * policy.earliest_fraction)
            earliest = max(last_home_visit + timedelta(days=1), latest - timedelta(days=slack))
            reason = f"every {_months(interval_months)} from the last home visit on {last_home_visit}"
    first = min(relevant, default=None)
    if first is not None:
        pulled = add_working_days(first.on, n)
        if latest is None or pulled < latest:
            was = f" (was {latest})" if latest else ""
            kind = TriggerKind(first.kind)
            earliest = first.on if earliest is None else min(earliest, first.on)
            return DueWindow(earliest, pulled, f"{kind.value.replace('_', ' ')} on {first.on}: visit due "
                                               f"within {n} working days{was}", Trigger(first.on, kind))
    return DueWindow(earliest, latest, reason)


def catch_up_by(window: DueWindow, today: date, policy: VisitPolicy) -> date | None:
    """For a visit already overdue on TODAY, the last day that still counts as booking it as soon
    as possible (the planner proposes overdue visits within the same working days); None when
    the visit is not overdue."""
    if window.latest is None or today <= window.latest:
        return None
    return add_working_days(today, policy.overdue_working_days)


def booking_departure(window: DueWindow, on: date, today: date, policy: VisitPolicy) -> str | None:
    """How booking the home visit for ON departs from the plan, or None when it does not.

    Inside the due window is the plan. A visit already overdue cannot be booked inside its window
    any more: booking it as soon as possible is catching up, not a departure (asking for a reason
    and a sign-off would penalise the officer who catches up), while booking it later than that
    still is. A visit not yet overdue booked after its window is a departure as before.
    """
    if window.latest is None:
        return None
    by = catch_up_by(window, today, policy)
    if by is not None:
        if on <= by:
            return None
        return (f"overdue since {window.latest + timedelta(days=1)} and booked for {on}, later than "
                f"catching up within {policy.overdue_working_days} working days (by {by})")
    if (window.earliest or on) <= on <= window.latest:
        return None
    return f"outside the due window ({window.earliest or window.latest} to {window.latest})"


def is_overdue(window: DueWindow, as_of: date) -> bool:
    return window.latest is not None and as_of > window.latest


def days_overdue(window: DueWindow, as_of: date) -> int:
    return max(0, (as_of - window.latest).days) if window.latest is not None else 0


def visit_stamp(visit: VisitStamp, policy: VisitPolicy) -> tuple[date, TimeBand | None]:
    # datetime is a date subclass, so it must be tested before tuple unpacking.
    if isinstance(visit, datetime):
        # A stored (UTC) time is judged as the officers lived it: the London day and hour.
        local = visit.astimezone(LONDON) if visit.tzinfo is not None else visit
        return local.date(), policy.band_of(local.time())
    on, band = visit
    # Already a band (the planner's stamps): calling the enum again costs more than the test.
    return on, band if isinstance(band, TimeBand) else TimeBand(band)


def pattern_warning(recent: Sequence[VisitStamp], policy: VisitPolicy) -> str | None:
    """R14 / APP: warn when the last N visits share a weekday or a time band, because an
    offender who can predict a visit can hide devices and people before it."""
    run = policy.pattern_run
    stamps = sorted((visit_stamp(v, policy) for v in recent), key=lambda s: s[0])[-run:]
    if len(stamps) < run:
        return None
    problems = []
    if len({on.weekday() for on, _ in stamps}) == 1:
        problems.append(f"on a {stamps[0][0].strftime('%A')}")
    bands = {band for _, band in stamps}
    if len(bands) == 1 and None not in bands:
        problems.append(f"in the {stamps[0][1]} band")
    if not problems:
        return None
    return f"the last {run} visits were all {' and all '.join(problems)}: vary the day and time"


def warrant_prompt_due(visits: Iterable[Visit], policy: VisitPolicy) -> bool:
    """s.96B: entry sought without success on at least N occasions since the last home visit
    where the offender was seen; office contacts neither count nor reset."""
    failed = 0
    for visit in sorted(visits, key=lambda v: v.on):
        if visit.kind != VisitKind.HOME:
            continue
        failed = 0 if visit.outcome == VisitOutcome.SEEN else failed + (visit.outcome in FAILED_ENTRY)
    return failed >= policy.failed_entries_for_warrant
