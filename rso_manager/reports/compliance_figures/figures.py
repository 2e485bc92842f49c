"""The figures themselves: a frozen tree of plain values that the PDF, the JSON twin and the
screens all draw from, so they cannot disagree."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # each defined beside the queries that fill it; they import this module
    from rso_manager.reports.compliance_figures.case_audits import CaseAuditFigures
    from rso_manager.reports.compliance_figures.court_watch import CourtWatchFigures

# Marks a dataclass field that is for screens only: to_json() leaves it out of exports.
INTERNAL = {"internal": True}


@dataclass(frozen=True)
class Share:
    """A proportion kept as its parts, so a reader can see 3 of 4 and not only 75%."""

    numerator: int
    denominator: int

    @property
    def fraction(self) -> float | None:
        return None if self.denominator == 0 else self.numerator / self.denominator


@dataclass(frozen=True)
class DurationSummary:
    """Delays in hours: how many were measured, the median and the worst."""

    count: int
    median_hours: float | None
    worst_hours: float | None


@dataclass(frozen=True)
class Count:
    key: str
    label: str
    count: int


@dataclass(frozen=True)
class ExceptionRow:
    """One line of an exception list: the case, the officer and what is needed.

    days: how long it has been waiting or overdue (for items not yet due: days left);
    since: the date that clock runs from (a due date, an occurrence, a request).
    """

    reference: str | None
    name: str | None
    officer: str | None
    needed: str
    days: int | None
    since: date | None
    # For screens, not for exports (to_json leaves INTERNAL fields out): the case to open, and
    # tags that pick a subset of a list (e.g. "escalated" among sign-offs awaiting a decision).
    offender_id: int | None = field(default=None, metadata=INTERNAL)
    tags: tuple[str, ...] = field(default=(), metadata=INTERNAL)


@dataclass(frozen=True)
class OfficerLoad:
    officer: str
    username: str | None
    team: str | None
    cases: int
    over_ceiling: bool


@dataclass(frozen=True)
class MonthShare:
    month: str  # YYYY-MM
    share: Share


@dataclass(frozen=True)
class LateNotification:
    """A notification made late in the period and what followed."""

    reference: str
    name: str
    officer: str | None
    kind: str
    due_on: date | None
    notified_on: date
    days_late: int | None
    outcome: str  # crime_recorded | no_crime_decision | decision_awaiting_sign_off | breach_open | no_breach
    crime_reference: str | None
    warnings: int
    what_happened: str
    offender_id: int | None = field(default=None, metadata=INTERNAL)


@dataclass(frozen=True)
class CaseloadFigures:
    total: int
    active: int
    in_custody: int
    by_risk: tuple[Count, ...]
    by_mappa: tuple[Count, ...]
    ceiling: int
    officers: tuple[OfficerLoad, ...]  # most cases first
    over_ceiling: tuple[OfficerLoad, ...]
    unallocated: int


@dataclass(frozen=True)
class VisitFigures:
    overdue: tuple[ExceptionRow, ...]  # oldest first
    overdue_by_label: str  # team | officer | risk level
    overdue_by: tuple[Count, ...]
    home_visits: int  # attempts in the period: seen + failed entry
    completed: int  # seen at home
    failed_entries: int
    unannounced: Share  # of home visits
    two_officers: Share  # of home visits
    office_interviews: int
    unannounced_by_month: tuple[MonthShare, ...]
    repeated_pattern: tuple[ExceptionRow, ...]


@dataclass(frozen=True)
class NotificationFigures:
    due_soon: tuple[ExceptionRow, ...]  # soonest first
    overdue: tuple[ExceptionRow, ...]  # oldest first
    made_in_period: int
    late_in_period: tuple[LateNotification, ...]


@dataclass(frozen=True)
class BreachFigures:
    open_total: int
    open_without_decision: tuple[ExceptionRow, ...]  # oldest first
    opened_in_period: int
    crimes_recorded: int
    no_crime_decisions: int
    warnings_oral: int
    warnings_written: int

    @property
    def warnings_given(self) -> int:
        return self.warnings_oral + self.warnings_written


@dataclass(frozen=True)
class DeviceFigures:
    active_devices: int
    never_checked: int
    not_recently_checked: int
    offenders: tuple[ExceptionRow, ...]  # one line per offender with any device needing a check


@dataclass(frozen=True)
class SupervisionFigures:
    awaiting: tuple[ExceptionRow, ...]  # oldest first
    escalated: int
    decided_in_period: int
    via_cover: Share  # of decisions in the period
    refusals: tuple[ExceptionRow, ...]  # refused rationales in the period


@dataclass(frozen=True)
class SafeguardingPartRow:
    """One part of a safeguarding response opened in the period (issue 19): the referral, the
    s.327A disclosure consideration or a child safety check, against its due time."""

    reference: str
    name: str
    team: str | None
    owner: str | None
    part: str          # safeguarding_referral | disclosure | child_safety_check
    what: str          # the part in words (a check names its child)
    concern_at: datetime
    due_at: datetime | None
    done_at: datetime | None   # as entered by the end of the as-of day
    status: str        # domain.safeguarding_response.PartState value
    on_time: bool
    late_label: str | None     # "not the same day" for a referral; "late" for the others
    delay_hours: float | None  # past the due time (to the as-of day's end while still open)
    working_days_late: int
    delay: str         # the delay in words: "2 working days late", "3.5 hours late", "on time"
    shared_with_csc: bool      # the concern was referred to children's social care
    ppn_reference: str | None  # the force's public protection notice, when raised
    offender_id: int | None = field(default=None, metadata=INTERNAL)


@dataclass(frozen=True)
class TeamDelays:
    """A team's delays for one part: concern to done, median and worst, and how many were late."""

    team: str
    part: str
    concern_to_done: DurationSummary
    not_on_time: Share


@dataclass(frozen=True)
class SafeguardingFigures:
    decision_overdue: tuple[ExceptionRow, ...]
    not_referred: tuple[ExceptionRow, ...]
    referrals_in_period: int
    decisions_late: Share  # decisions recorded in the period that came after the working day
    concern_to_referral: DurationSummary
    concern_to_disclosure: DurationSummary
    # The safeguarding responses of concerns raised in the period, part by part (issue 19).
    parts: tuple[SafeguardingPartRow, ...] = ()
    not_on_time: tuple[SafeguardingPartRow, ...] = ()
    by_team: tuple[TeamDelays, ...] = ()
    shared_with_csc: Share = Share(0, 0)
    on_ppn: Share = Share(0, 0)


@dataclass(frozen=True)
class ScopeInfo:
    kind: str
    name: str | None
    label: str


@dataclass(frozen=True)
class SettingsUsed:
    caseload_ceiling: int
    device_check_visits: int
    due_soon_days: int
    sign_off_escalation_working_days: int
    pattern_run: int


@dataclass(frozen=True)
class ComplianceFigures:
    scope: ScopeInfo
    period_from: date
    period_to: date
    as_of: date
    settings: SettingsUsed
    caseload: CaseloadFigures
    visits: VisitFigures
    notifications: NotificationFigures
    breaches: BreachFigures
    devices: DeviceFigures
    supervision: SupervisionFigures
    safeguarding: SafeguardingFigures
    actions_overdue: tuple[ExceptionRow, ...]
    risk_assessments_overdue: tuple[ExceptionRow, ...]
    # Issue 18's sections, each in its own module (court_watch, case_audits).
    court_watch: CourtWatchFigures
    case_audits: CaseAuditFigures
