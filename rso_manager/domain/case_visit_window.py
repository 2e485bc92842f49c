"""One case's home-visit window from the facts on its record (domain.md 2.1-2.2, R12-R16).

The caseload summary (services.case_summary, today's record) and the compliance figures
(reports.compliance_figures, the record as it stood at the end of a past day) gather the same
facts with different queries; the rules that turn those facts into a window are here, once:
when the clock starts, which interval is in force, and the window that follows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, NamedTuple

from rso_manager.domain import visit_window as vw
from rso_manager.domain.police_handover import take_over_text

if TYPE_CHECKING:
    from rso_manager.domain.visit_policy import VisitPolicy


@dataclass(frozen=True)
class CaseStart:
    on: date
    what: str             # how a due window's reason names it
    restarts_clock: bool  # a home visit before it does not count (a release, a hand-over)


class Release(NamedTuple):
    """The last release from detention known then."""

    on: date
    detained_in: str  # custody | hospital


class TakeOver(NamedTuple):
    """The latest police take-over in effect then."""

    on: date
    from_agency: str


class PlanTerms(NamedTuple):
    """What the risk management plan in force says about home visits."""

    reactive: bool
    interval_months: int | None
    signed_off_on: date | None  # the day a supervisor approved the plan; None: not (yet) approved


def case_start(first_conviction: date | None, opened_on: date, release: Release | None,
               take_over: TakeOver | None) -> CaseStart:
    """When police home visits could first begin: the first conviction (the day the case was
    opened when none is recorded), the last release from custody or hospital after it (nobody
    can be visited at home while detained), or the police taking the case over when another
    agency's supervision ended, whichever is latest. The last two restart the clock."""
    start = CaseStart(first_conviction or opened_on, "the case start", False)
    if release is not None and release.on > start.on:
        start = CaseStart(release.on, f"the release from {release.detained_in}", True)
    if take_over is not None and take_over.on >= start.on:
        start = CaseStart(take_over.on, take_over_text(take_over.from_agency), True)
    return start


def interval_in_force(risk: str | None, plan: PlanTerms | None,
                      risk_history: Sequence[tuple[date, vw.RiskLevel]], triggers: Sequence[vw.Trigger],
                      as_of: date, policy: VisitPolicy) -> vw.IntervalDecision | None:
    """The home-visit interval in force on AS_OF; None under (still valid) reactive management.
    RISK is the latest assessed level (None: not assessed). RISK_HISTORY and TRIGGERS are read
    only when the plan is reactive, so a caller may pass () for any other plan."""
    if plan is not None and plan.reactive and vw.reactive_management_allowed(
            risk_history, as_of, policy, signed_off_on=plan.signed_off_on, triggers=triggers).allowed:
        return None
    # Unassessed cases are treated as the highest risk until someone assesses them.
    level = vw.RiskLevel(risk) if risk else vw.RiskLevel.VERY_HIGH
    months = plan.interval_months if plan is not None and not plan.reactive else None
    return vw.home_visit_interval(level, months, policy,
                                  signed_off=plan is not None and plan.signed_off_on is not None)


def home_visit_window(last_seen: date | None, start: CaseStart, interval: vw.IntervalDecision | None,
                      triggers: Sequence[vw.Trigger], as_of: date, policy: VisitPolicy) -> vw.DueWindow:
    """The next home visit's window: LAST_SEEN is the London day of the last home visit where the
    offender was seen, INTERVAL what interval_in_force() gave."""
    return vw.due_window(last_seen, start.on, interval.months if interval else None, triggers, as_of, policy,
                         case_start_is=start.what, restarts_clock=start.restarts_clock)
