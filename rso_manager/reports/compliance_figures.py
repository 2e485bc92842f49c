"""The compliance summary's figures: what an OMU lead or an inspector needs to see, as plain data.

One function, compute(), reads the case record for a scope (the force, a team or one officer)
over a period and as of a date, and returns a frozen tree of plain values. The PDF, the JSON twin
and (later) the dashboard all draw from the same tree, so they cannot disagree.

Conventions:
- Every figure is the record as it stood at the END of the as-of day, so a report re-run later
  for the same day is the same report (issue 12): rows entered after it do not count (cases,
  visits, notifications, breaches, assessments...), a row voided after it still counts, and a
  step entered after it (notified, decided, signed, completed, a crime reference) is still
  outstanding, even when its date was typed in as earlier (_Ctx.recorded reads the audit row
  of the step for rows changed since the day). Voided rows never count otherwise.
- Nothing is read from the caseload summary columns (risk_level, next_visit_due,
  next_notification_due, open_breaches), which follow today's record: the risk is the latest
  assessment by the day, the home-visit window is worked out by domain.visit_window from the
  visits, plan, assessments, triggers, releases and hand-overs known then, and a pending
  notification changed since the day has its due date worked out again by the notification
  rules (domain.notification_due) from the record of that day.
- Still as they are now: each case's team, officer, name and status (a case moved after the
  day is reported where it is now), and a device's status.
- "Open cases" are those not ended (active or in custody). Home visits, pattern checks and
  device checks look only at active cases: a person in custody cannot be visited at home.
- Period counts are by the date of the event, on the London calendar (the period is a range of
  days as lived in England and Wales, not UTC days).
- Every exception row names the case, the officer and what is needed, with its age in days.
- Work is done in SQL aggregates and a handful of narrowly filtered queries; Python only walks
  rows that are already exceptions (or a period's worth of rows where SQL cannot portably do
  the date arithmetic), never the whole caseload one offender at a time.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import and_, case, extract, func, or_, select, true
from sqlalchemy.orm import Session, aliased

from rso_manager.clock import LONDON
from rso_manager.domain import notification_due as nd
from rso_manager.domain import safeguarding_clocks as sc
from rso_manager.domain import visit_window as vw
from rso_manager.domain.dates import add_months, add_working_days
from rso_manager.domain.notification_period import DisregardedPeriod, DisregardReason
from rso_manager.domain.police_handover import take_over_text
from rso_manager.domain.visit_policy import VisitPolicy
from rso_manager.domain.visit_window import FAILED_ENTRY, TimeBand, pattern_warning
from rso_manager.persistence import models as m
from rso_manager.services import settings as settings_service
from rso_manager.services.caseload import RISK_LABEL
from rso_manager.services.notifications import DOMAIN_KIND

SCOPE_KINDS = ("force", "team", "officer")
DUE_SOON_DAYS = 14
RISK_KEYS = ("very_high", "high", "medium", "low", None)  # highest first; None = not assessed
MAPPA_LEVELS = (1, 2, 3)
_IN_CHUNK = 500  # ids per IN (...) list: well inside every backend's parameter limit

_NOTIFICATION_LABEL = {
    "initial": "Initial", "periodic": "Annual", "weekly": "Weekly (no fixed abode)",
    "travel": "Foreign travel", "change_address": "Change of address", "change_name": "Change of name",
    "household": "Stay in a household with a child", "financial": "Bank and card details",
}
_BREACH_SOURCE_LABEL = {
    "late_notification": "late notification", "missed_notification": "missed notification",
    "undeclared_device": "undeclared device", "refused_biometrics": "fingerprints or photographs refused",
    "order_prohibition": "order prohibition breached", "manual": "breach",
}
_NO_CRIME = "breach_no_crime"  # the sign-off entity of a proposed no-crime decision
_SIGN_OFF_LABEL = {
    "visit": "visit departing from the defaults", "visit_warrant": "s.96B warrant decision",
    "breach_no_crime": "decision not to record a crime", "warning": "written warning",
    "risk_management_plan": "risk management plan", "risk_assessment": "risk assessment",
}


# Marks a dataclass field that is for screens only: to_json() leaves it out of exports.
INTERNAL = {"internal": True}


# --- what the caller asks for ---------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    """Whose cases: the whole force, a team (by name) or one officer (username or display name)."""

    kind: str = "force"
    name: str | None = None

    def __post_init__(self) -> None:
        if self.kind not in SCOPE_KINDS:
            raise ValueError(f"scope must be one of {', '.join(SCOPE_KINDS)}, not '{self.kind}'")
        if self.kind != "force" and not (self.name or "").strip():
            raise ValueError(f"a {self.kind} scope needs the {self.kind}'s name")

    @classmethod
    def parse(cls, words: Sequence[str]) -> Scope:
        """From command-line words: ["force"], ["team", "North"], ["officer", "Olly", "Manager"]."""
        kind, *name = list(words) or ["force"]
        if kind not in SCOPE_KINDS or (kind == "force") != (not name):
            raise ValueError("scope is 'force', 'team NAME' or 'officer NAME' "
                             "(an officer by username or display name)")
        return cls(kind, " ".join(name) or None)

    @classmethod
    def force(cls) -> Scope:
        return cls("force")

    @classmethod
    def team(cls, name: str) -> Scope:
        return cls("team", name)

    @classmethod
    def officer(cls, name: str) -> Scope:
        return cls("officer", name)


@dataclass(frozen=True)
class ReportSettings:
    """The OMU's thresholds the report measures against. from_session() reads the OMU's own."""

    caseload_ceiling: int = 50
    device_check_visits: int = 2
    due_soon_days: int = DUE_SOON_DAYS
    sign_off_escalation_working_days: int = 5
    visit_policy: VisitPolicy | None = None  # None: the default policy file

    @classmethod
    def from_session(cls, session: Session) -> ReportSettings:
        return cls(
            caseload_ceiling=int(settings_service.get(session, "caseload_ceiling")),
            device_check_visits=int(settings_service.get(session, "device_check_visits")),
            sign_off_escalation_working_days=int(
                settings_service.get(session, "sign_off_escalation_working_days")),
            visit_policy=settings_service.visit_policy(session),
        )


# --- the figures ----------------------------------------------------------------------------


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
class SafeguardingFigures:
    decision_overdue: tuple[ExceptionRow, ...]
    not_referred: tuple[ExceptionRow, ...]
    referrals_in_period: int
    decisions_late: Share  # decisions recorded in the period that came after the working day
    concern_to_referral: DurationSummary
    concern_to_disclosure: DurationSummary


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


# --- scope ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Resolved:
    info: ScopeInfo
    clause: Any  # a WHERE clause over m.Offender
    team_id: int | None = None
    user_id: int | None = None


def _names_list(names: Sequence[str], limit: int = 40) -> str:
    shown = ", ".join(names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")


def resolve_scope(session: Session, scope: Scope) -> _Resolved:
    """Raise ValueError naming the valid choices when the team or officer is unknown."""
    if scope.kind == "force":
        return _Resolved(ScopeInfo("force", None, "Whole force"), true())
    wanted = (scope.name or "").strip()
    if scope.kind == "team":
        teams = session.execute(select(m.Team.id, m.Team.name).order_by(m.Team.name)).all()
        match = [t for t in teams if t.name.casefold() == wanted.casefold()]
        if not match:
            raise ValueError(f"No team called '{wanted}'. Teams: {_names_list([t.name for t in teams]) or 'none'}.")
        team_id, name = match[0]
        return _Resolved(ScopeInfo("team", name, f"Team: {name}"), m.Offender.team_id == team_id,
                         team_id=team_id)
    users = session.execute(select(m.User.id, m.User.username, m.User.display_name)
                            .order_by(m.User.display_name)).all()
    by_username = [u for u in users if u.username.casefold() == wanted.casefold()]
    by_name = [u for u in users if u.display_name.casefold() == wanted.casefold()]
    match = by_username or by_name
    if len(match) > 1:
        raise ValueError(f"More than one officer is called '{wanted}': use the username "
                         f"({', '.join(u.username for u in match)}).")
    if not match:
        # Name those who hold cases first: they are who a report is usually about.
        holders = set(session.scalars(select(m.Offender.offender_manager_id).distinct()))
        names = [f"{u.display_name} ({u.username})" for u in users if u.id in holders]
        names += [f"{u.display_name} ({u.username})" for u in users if u.id not in holders]
        raise ValueError(f"No officer with the username or name '{wanted}'. Officers: {_names_list(names)}.")
    uid, _username, display = match[0]
    return _Resolved(ScopeInfo("officer", display, f"Officer: {display}"),
                     m.Offender.offender_manager_id == uid, user_id=uid)


# --- helpers ---------------------------------------------------------------------------------


def _start_of(day: date) -> datetime:
    """The first instant of a London calendar day, in UTC."""
    return datetime.combine(day, time.min, tzinfo=LONDON).astimezone(UTC)


def _london_day(moment: datetime) -> date:
    return moment.astimezone(LONDON).date()


def _name(surname: str, forenames: str) -> str:
    return f"{surname.upper()}, {forenames}"


def _clip(text: str | None, limit: int = 140) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _chunks(ids: Sequence[int]) -> Iterator[Sequence[int]]:
    for i in range(0, len(ids), _IN_CHUNK):
        yield ids[i:i + _IN_CHUNK]


def _oldest_first(rows: Iterable[ExceptionRow]) -> tuple[ExceptionRow, ...]:
    return tuple(sorted(rows, key=lambda r: (-(r.days or 0), r.since or date.max, r.reference or "", r.needed)))


def _hours(d: timedelta | None) -> float | None:
    return None if d is None else round(d.total_seconds() / 3600, 1)


class _Ctx:
    """Everything the section queries share: the session, the scope and the clock edges."""

    def __init__(self, session: Session, scope: _Resolved, period_from: date, period_to: date,
                 as_of: date, cfg: ReportSettings, policy: VisitPolicy):
        self.s, self.scope, self.cfg, self.policy = session, scope, cfg, policy
        self.period_from, self.period_to, self.as_of = period_from, period_to, as_of
        self.start = _start_of(period_from)  # inclusive
        self.end = _start_of(period_to + timedelta(days=1))  # exclusive
        self.as_of_end = _start_of(as_of + timedelta(days=1))  # exclusive: the day has ended
        self.manager = aliased(m.User, name="manager")
        # A case opened after the as-of day was not on the caseload then.
        self.in_scope = and_(scope.clause, m.Offender.created_at < self.as_of_end)

    def live(self, model):
        """The row existed at the end of the as-of day and was not yet voided then."""
        return and_(model.created_at < self.as_of_end,
                    or_(model.voided_at.is_(None), model.voided_at >= self.as_of_end))

    def recorded(self, model, entity: str, action: str):
        """The row's event had been recorded by the end of the as-of day. A row changed after
        that day may have been completed then with an earlier date typed in (a booked visit
        recorded late, a notification entered afterwards): the audit row of the recording says
        when it was entered. Only rows changed after the day pay for that lookup."""
        A = m.AuditEvent
        entered = (select(A.id).where(A.offender_id == model.offender_id, A.entity == entity,
                                      A.entity_id == model.id, A.action == action,
                                      A.occurred_at < self.as_of_end)
                   .correlate(model).exists())
        return or_(model.updated_at.is_(None), model.updated_at < self.as_of_end, entered)

    def visit_done(self):
        """A completed visit as the record stood at the end of the as-of day."""
        V = m.Visit
        return and_(self.live(V), V.status == "completed", V.visited_at < self.as_of_end,
                    self.recorded(V, "visit", "visit.record"))

    def notified(self, N=None):
        """A notification taken (and entered) by the end of the as-of day."""
        N = N or m.StatutoryNotification
        return and_(N.notified_at.is_not(None), N.notified_at < self.as_of_end,
                    self.recorded(N, "statutory_notification", "notification.take"))

    def risk_level(self):
        """Each case's risk level from its latest assessment as of the day (correlated to
        m.Offender), not the summary column, which follows today's record."""
        RA = m.RiskAssessment
        return (select(RA.level).where(RA.offender_id == m.Offender.id, self.live(RA),
                                       RA.assessed_on <= self.as_of)
                .order_by(RA.assessed_on.desc(), RA.id.desc()).limit(1)
                .correlate(m.Offender).scalar_subquery())

    # The columns that name a case in an exception row, and the joins that supply them.
    def case_cols(self) -> tuple:
        return (m.Offender.reference, m.Offender.surname, m.Offender.forenames,
                self.manager.display_name.label("officer"), m.Offender.id.label("case_id"))

    def join_case(self, stmt, entity_offender_id):
        return (stmt.join(m.Offender, m.Offender.id == entity_offender_id)
                .outerjoin(self.manager, self.manager.id == m.Offender.offender_manager_id))

    def in_period(self, column):
        return and_(column >= self.start, column < self.end)

    def in_period_days(self, column):
        return and_(column >= self.period_from, column <= self.period_to)


_OPEN_CASE = m.Offender.status != "ended"
_ACTIVE_CASE = m.Offender.status == "active"


# --- what a count and its list of cases (cases_behind) both select ------------------------------


def _open_cases(c: _Ctx):
    return and_(c.in_scope, _OPEN_CASE)


def _visit_crew():
    """The number of officers on a visit, correlated to m.Visit."""
    return (select(func.count()).where(m.VisitOfficer.visit_id == m.Visit.id)
            .correlate(m.Visit).scalar_subquery())


_FAILED = m.Visit.outcome.in_([str(o) for o in FAILED_ENTRY])
_UNANNOUNCED = m.Visit.announced.is_(False)


def _home_attempts(c: _Ctx):
    """Home visits in the period where someone went to the door: seen or failed entry."""
    V = m.Visit
    return and_(c.in_scope, c.visit_done(), V.kind == "home",
                or_(V.outcome == "seen", _FAILED), c.in_period(V.visited_at))


def _office_interviews(c: _Ctx):
    V = m.Visit
    return and_(c.in_scope, c.visit_done(), V.kind == "office", c.in_period(V.visited_at))


def _notifications_made(c: _Ctx):
    N = m.StatutoryNotification
    return and_(c.in_scope, c.live(N), c.notified(), c.in_period(N.notified_at))


def _breach_live(c: _Ctx):
    return and_(c.in_scope, c.live(m.Breach))


def _breach_open_at(c: _Ctx):
    B = m.Breach
    return and_(B.occurred_on <= c.as_of, or_(B.status == "open", B.closed_at >= c.as_of_end))


def _decision_proposed(c: _Ctx):
    """A reasoned no-crime decision had been put to a supervisor by the end of the as-of day
    and not returned by then (correlated to m.Breach). The sign-off request dates the proposal;
    the breach's rationale column only says what it is now."""
    S = m.SignOff
    return (select(S.id).where(S.entity == _NO_CRIME, S.entity_id == m.Breach.id,
                               S.requested_at < c.as_of_end,
                               ~and_(S.status == "returned", S.signed_at < c.as_of_end))
            .correlate(m.Breach).exists())


def _crime_reference_as_of(c: _Ctx):
    """The crime reference the breach had at the end of the as-of day: recording one closes
    the breach, so one closed later was not there yet (an imported open breach keeps its own)."""
    B = m.Breach
    return and_(B.crime_reference.is_not(None), or_(B.closed_at.is_(None), B.closed_at < c.as_of_end))


def _breach_opened(c: _Ctx):
    return c.in_period_days(m.Breach.occurred_on)


def _breach_crime(c: _Ctx):
    # A crime reference closes the breach; an older open one with a reference (from an import)
    # counts on the day it occurred.
    B = m.Breach
    return and_(B.crime_reference.is_not(None),
                or_(c.in_period(B.closed_at), and_(B.closed_at.is_(None), c.in_period_days(B.occurred_on))))


def _breach_no_crime(c: _Ctx):
    B = m.Breach
    return and_(B.crime_reference.is_(None), B.status == "closed", c.in_period(B.closed_at))


def _warnings_given(c: _Ctx):
    W = m.FormalWarning
    return and_(c.in_scope, c.live(W), c.in_period_days(W.given_on))


def _live_devices(c: _Ctx):
    D = m.Device
    return and_(c.live(D), D.status == "active", c.in_scope, _ACTIVE_CASE,
                or_(D.declared_on.is_(None), D.declared_on <= c.as_of), D.created_at < c.as_of_end)


def _sign_off_scope(c: _Ctx):
    # Outer-joined to the case: a sign-off on no case (rare) counts for the whole force only,
    # because a team or officer clause over the missing case is never true.
    if c.scope.info.kind == "force":
        return or_(m.SignOff.offender_id.is_(None), c.in_scope)
    return c.in_scope


def _sign_offs_decided(c: _Ctx):
    S = m.SignOff
    return and_(_sign_off_scope(c), S.signed_at.is_not(None), c.in_period(S.signed_at),
                S.status.in_(("approved", "returned", "escalated")))


def _referred(c: _Ctx):
    """The referral had been made, and entered, by the end of the as-of day."""
    F = m.SafeguardingReferral
    return and_(F.referred_at.is_not(None), F.referred_at < c.as_of_end,
                c.recorded(F, "safeguarding_referral", "safeguarding.refer"))


def _decided(c: _Ctx):
    """Children's social care's decision was in, and entered, by the end of the as-of day."""
    F = m.SafeguardingReferral
    return and_(F.decision_at.is_not(None), F.decision_at < c.as_of_end,
                c.recorded(F, "safeguarding_referral", "safeguarding.decision"))


def _referrals_made(c: _Ctx):
    F = m.SafeguardingReferral
    return and_(c.in_scope, c.live(F), _referred(c), c.in_period(F.referred_at))


# --- sections ----------------------------------------------------------------------------------


def _caseload(c: _Ctx) -> CaseloadFigures:
    where = _open_cases(c)
    by_status = dict(c.s.execute(select(m.Offender.status, func.count()).where(where)
                                 .group_by(m.Offender.status)).all())
    # Risk as assessed by the as-of day (a derived table: not every backend groups by a subquery).
    risk = select(c.risk_level().label("level")).select_from(m.Offender).where(where).subquery()
    by_risk_raw = dict(c.s.execute(select(risk.c.level, func.count()).group_by(risk.c.level)).all())
    by_mappa_raw = dict(c.s.execute(select(m.Offender.mappa_level, func.count()).where(where)
                                    .group_by(m.Offender.mappa_level)).all())
    per_officer = dict(c.s.execute(select(m.Offender.offender_manager_id, func.count()).where(where)
                                   .group_by(m.Offender.offender_manager_id)).all())
    unallocated = per_officer.pop(None, 0)
    # Officers with no cases still appear, so an empty caseload is visible beside a full one.
    people = select(m.User.id, m.User.display_name, m.User.username, m.Team.name).outerjoin(
        m.Team, m.Team.id == m.User.team_id)
    holders = people.where(m.User.id.in_(list(per_officer))) if per_officer else None
    if c.scope.info.kind == "officer":
        idle = people.where(m.User.id == c.scope.user_id)
    else:
        idle = people.where(m.User.role == "offender_manager", m.User.active, m.User.trained)
        if c.scope.info.kind == "team":
            idle = idle.where(m.User.team_id == c.scope.team_id)
    found = {row.id: row for row in c.s.execute(idle)}
    if holders is not None:
        found.update({row.id: row for row in c.s.execute(holders)})
    ceiling = c.cfg.caseload_ceiling
    officers = tuple(sorted(
        (OfficerLoad(u.display_name, u.username, u.name, per_officer.get(uid, 0),
                     per_officer.get(uid, 0) > ceiling) for uid, u in found.items()),
        key=lambda o: (-o.cases, o.officer)))
    total = sum(by_status.values())
    return CaseloadFigures(
        total=total, active=by_status.get("active", 0), in_custody=by_status.get("custody", 0),
        # Values outside the known ones (a bad import) still count, so the rows add up to the total.
        by_risk=tuple(Count(k or "not_assessed", RISK_LABEL[k], by_risk_raw.get(k, 0)) for k in RISK_KEYS)
        + tuple(Count(str(k), str(k), n) for k, n in sorted(by_risk_raw.items(), key=str) if k not in RISK_LABEL),
        by_mappa=tuple(Count(str(level), f"MAPPA level {level}", by_mappa_raw.get(level, 0))
                       for level in MAPPA_LEVELS)
        + tuple(Count(str(k), f"MAPPA level {k}", n) for k, n in sorted(by_mappa_raw.items(), key=str)
                if k not in MAPPA_LEVELS),
        ceiling=ceiling, officers=officers,
        over_ceiling=tuple(o for o in officers if o.over_ceiling), unallocated=unallocated,
    )


def _grouped(c: _Ctx, model, *cols, where=()) -> list:
    """Rows of MODEL for the active cases in scope, as the record stood on the as-of day."""
    return c.s.execute(select(model.offender_id, *cols).join(m.Offender, m.Offender.id == model.offender_id)
                       .where(c.in_scope, _ACTIVE_CASE, *where)).all()


def _visit_windows(c: _Ctx) -> list[tuple[Any, vw.DueWindow]]:
    """Every active case's home-visit window as the record stood at the end of the as-of day,
    from the domain rules (domain.visit_window), not the summary column, which follows today's
    record: a visit, assessment or plan entered later must not move a past day's answer.

    A handful of set queries feed one pure call per case; the inputs are those
    services.case_summary.visit_window reads, each cut at the as-of day.
    """
    V, C, P, T, H = m.Visit, m.Conviction, m.DisregardedPeriod, m.VisitTrigger, m.PoliceHandover
    RMP, S, RA = m.RiskManagementPlan, m.SignOff, m.RiskAssessment
    cases = c.s.execute(
        select(*c.case_cols(), m.Offender.created_at, c.risk_level().label("risk"), m.Team.name.label("team"))
        .select_from(m.Offender).outerjoin(c.manager, c.manager.id == m.Offender.offender_manager_id)
        .outerjoin(m.Team, m.Team.id == m.Offender.team_id)
        .where(c.in_scope, _ACTIVE_CASE)).all()
    seen = {oid: _london_day(at) for oid, at in c.s.execute(
        select(V.offender_id, func.max(V.visited_at)).join(m.Offender, m.Offender.id == V.offender_id)
        .where(c.in_scope, _ACTIVE_CASE, c.visit_done(), V.kind == "home", V.outcome == "seen")
        .group_by(V.offender_id))}
    first = dict(c.s.execute(
        select(C.offender_id, func.min(C.convicted_on)).join(m.Offender, m.Offender.id == C.offender_id)
        .where(c.in_scope, _ACTIVE_CASE, c.live(C), C.convicted_on <= c.as_of).group_by(C.offender_id)).all())
    released: dict[int, Any] = {}  # the last release by the day, and from what
    for r in sorted(_grouped(c, P, P.ends_on, P.kind, where=(
            c.live(P), P.kind.in_(("custody", "hospital")), P.ends_on.is_not(None), P.ends_on <= c.as_of)),
            key=lambda r: r.ends_on):
        released[r.offender_id] = r
    handed_over: dict[int, Any] = {}  # the latest police take-over in effect by the day
    for r in sorted(_grouped(c, H, H.id, H.police_from, H.from_agency,
                             where=(c.live(H), H.police_from <= c.as_of)), key=lambda r: (r.police_from, r.id)):
        handed_over[r.offender_id] = r
    triggers: dict[int, list[vw.Trigger]] = defaultdict(list)
    for oid, on, kind in _grouped(c, T, T.occurred_on, T.kind, where=(c.live(T), T.occurred_on <= c.as_of)):
        triggers[oid].append(vw.Trigger(on, vw.TriggerKind(kind)))
    latest: dict[int, Any] = {}  # the plan in force: the last by effective date, then by entry
    for r in sorted(_grouped(c, RMP, RMP.id, RMP.effective_from, RMP.visit_interval_months, RMP.reactive,
                             where=(c.live(RMP),)),
                    key=lambda r: (r.effective_from, r.id)):
        latest[r.offender_id] = r
    approved = {pid: _london_day(at) for pid, at in c.s.execute(
        select(S.entity_id, func.min(S.signed_at)).where(
            S.entity == "risk_management_plan", S.status == "approved", S.signed_at < c.as_of_end,
            S.entity_id.in_([p.id for p in latest.values()] or [-1]) if len(latest) <= _IN_CHUNK else true())
        .group_by(S.entity_id))}
    reactive = [oid for oid, p in latest.items() if p.reactive]
    history: dict[int, list[tuple[date, vw.RiskLevel]]] = defaultdict(list)
    for ids in _chunks(reactive):
        for oid, on, level in c.s.execute(select(RA.offender_id, RA.assessed_on, RA.level).where(
                RA.offender_id.in_(ids), c.live(RA), RA.assessed_on <= c.as_of)):
            history[oid].append((on, vw.RiskLevel(level)))

    out = []
    for r in cases:
        plan = latest.get(r.case_id)
        signed_on = approved.get(plan.id) if plan is not None else None
        months: int | None
        if plan is not None and plan.reactive and vw.reactive_management_allowed(
                history[r.case_id], c.as_of, c.policy, signed_off_on=signed_on,
                triggers=triggers[r.case_id]).allowed:
            months = None
        else:
            # Unassessed cases are treated as the highest risk until someone assesses them.
            level = vw.RiskLevel(r.risk) if r.risk else vw.RiskLevel.VERY_HIGH
            asked = plan.visit_interval_months if plan is not None and not plan.reactive else None
            months = vw.home_visit_interval(level, asked, c.policy, signed_off=signed_on is not None).months
        # As services.case_summary.case_start_of: the first conviction, a later release, or a
        # later police take-over, whichever is latest (the last two restart the clock).
        start, what, restarts = first.get(r.case_id) or _london_day(r.created_at), "the case start", False
        if (release := released.get(r.case_id)) is not None and release.ends_on > start:
            start, what, restarts = release.ends_on, f"the release from {release.kind}", True
        if (handover := handed_over.get(r.case_id)) is not None and handover.police_from >= start:
            start, what, restarts = handover.police_from, take_over_text(handover.from_agency), True
        out.append((r, vw.due_window(seen.get(r.case_id), start, months, triggers[r.case_id], c.as_of, c.policy,
                                     case_start_is=what, restarts_clock=restarts)))
    return out


def _visits(c: _Ctx) -> VisitFigures:
    # Overdue: each case's window as of the day, oldest first.
    overdue, groups = [], defaultdict(int)
    label = {"force": "team", "team": "officer", "officer": "risk level"}[c.scope.info.kind]
    for r, window in _visit_windows(c):
        due = window.latest
        if due is None or due >= c.as_of:
            continue
        overdue.append(ExceptionRow(r.reference, _name(r.surname, r.forenames), r.officer,
                                    f"Home visit: due by {due:%d/%m/%Y}",
                                    (c.as_of - due).days, due, offender_id=r.case_id))
        key = {"team": r.team or "No team", "officer": r.officer or "Unallocated",
               "risk level": RISK_LABEL.get(r.risk, "Not assessed")}[label]
        groups[key] += 1
    overdue_by = tuple(Count(k, k, n) for k, n in sorted(groups.items(), key=lambda kv: (-kv[1], kv[0])))

    # Activity in the period: one pass over the period's visits, with a pair of sums per month
    # (portable SQL: no GROUP BY on a computed month, which PostgreSQL and SQLite spell apart).
    months: list[tuple[date, datetime, datetime]] = []
    first = c.period_from.replace(day=1)
    while first <= c.period_to:
        nxt = add_months(first, 1)
        months.append((first, _start_of(max(first, c.period_from)), _start_of(min(nxt, c.period_to + timedelta(days=1)))))
        first = nxt
    crew = _visit_crew()
    failed, unannounced = _FAILED, _UNANNOUNCED

    def tally(cond):
        return func.sum(case((cond, 1), else_=0))

    per_month = []
    for _, lo, hi in months:
        within = and_(m.Visit.visited_at >= lo, m.Visit.visited_at < hi)
        per_month += [tally(within), tally(and_(within, unannounced))]
    totals = c.s.execute(
        select(func.count(m.Visit.id), tally(m.Visit.outcome == "seen"), tally(failed), tally(unannounced),
               tally(crew >= 2), *per_month)
        .select_from(m.Visit).join(m.Offender, m.Offender.id == m.Visit.offender_id)
        .where(_home_attempts(c))).one()
    attempts, seen, failed_n, unannounced_n, pairs, *month_counts = (v or 0 for v in totals)
    by_month = tuple(MonthShare(f"{first:%Y-%m}", Share(month_counts[2 * i + 1], month_counts[2 * i]))
                     for i, (first, _, _) in enumerate(months))
    office = c.s.scalar(
        select(func.count(m.Visit.id)).join(m.Offender, m.Offender.id == m.Visit.offender_id)
        .where(_office_interviews(c))) or 0

    return VisitFigures(
        overdue=_oldest_first(overdue), overdue_by_label=label, overdue_by=overdue_by,
        home_visits=attempts, completed=seen, failed_entries=failed_n,
        unannounced=Share(unannounced_n, attempts), two_officers=Share(pairs, attempts),
        office_interviews=office, unannounced_by_month=by_month,
        repeated_pattern=_repeated_pattern(c),
    )


def _repeated_pattern(c: _Ctx) -> tuple[ExceptionRow, ...]:
    """Cases whose last N home visits (the latest in the period) share a weekday or time band:
    an offender who can predict a visit can hide devices and people before it (R14).

    SQL ranks each case's visits and keeps only cases that might repeat: N visits, the latest in
    the period, and one band, or one UTC weekday, or a visit in the UTC hour that is already the
    next London day in summer. domain.visit_window.pattern_warning then decides on London time,
    so the shortlist may be generous but never misses a case.
    """
    run = c.policy.pattern_run
    V = m.Visit

    def ranked(*where):
        rn = func.row_number().over(partition_by=V.offender_id, order_by=(V.visited_at.desc(), V.id.desc()))
        return (select(V.offender_id, V.visited_at, V.time_band, rn.label("rn"))
                .join(m.Offender, m.Offender.id == V.offender_id)
                .where(c.visit_done(), V.kind == "home", c.in_scope, _ACTIVE_CASE,
                       *where)
                .subquery())

    recent = ranked()
    at = recent.c.visited_at
    # Ids first, then rows for those ids only: a second pass of the window over every visit
    # would double the cost of the one expensive step.
    shortlist = list(c.s.scalars(
        select(recent.c.offender_id).where(recent.c.rn <= run).group_by(recent.c.offender_id).having(and_(
            func.count() == run,
            func.max(at) >= c.start, func.max(at) < c.end,
            or_(func.count(func.distinct(recent.c.time_band)) <= 1,
                func.min(extract("dow", at)) == func.max(extract("dow", at)),
                func.max(extract("hour", at)) == 23)))))
    by_case: dict[int, list] = defaultdict(list)
    for ids in _chunks(shortlist):
        few = ranked(V.offender_id.in_(ids))
        for r in c.s.execute(c.join_case(
                select(few.c.offender_id, few.c.visited_at, few.c.time_band, *c.case_cols())
                .where(few.c.rn <= run), few.c.offender_id)):
            by_case[r.offender_id].append(r)
    rows = []
    for visits in by_case.values():
        stamps = []
        for v in visits:
            local = v.visited_at.astimezone(LONDON)
            band = TimeBand(v.time_band) if v.time_band else c.policy.band_of(local.time())
            stamps.append((local.date(), band) if band else local)
        warning = pattern_warning(stamps, c.policy)
        if warning:
            r = visits[0]
            day = _london_day(max(v.visited_at for v in visits))
            rows.append(ExceptionRow(r.reference, _name(r.surname, r.forenames), r.officer,
                                     warning[0].upper() + warning[1:], (c.as_of - day).days, day,
                                     offender_id=r.case_id))
    return tuple(sorted(rows, key=lambda r: (r.reference or "")))


_OPEN_END = date(9999, 1, 1)  # a period not ended by the as-of day: the clock stays paused


def _notification_policy(session: Session) -> nd.NotificationPolicy:
    try:
        raw = settings_service.get(session, "notification_policy")
    except KeyError:
        return nd.DEFAULT_POLICY
    return nd.NotificationPolicy(**{k: v for k, v in raw.items() if isinstance(v, int)})


def _statutory_due(kind: str, event_on: date | None, periods: list, policy) -> date | None:
    """The due date of one notification from its event and the disregarded time known then."""
    if event_on is None:
        return None
    if kind in ("periodic", "weekly"):
        due = (nd.weekly_due if kind == "weekly" else nd.periodic_due)(event_on, periods, policy)
    elif kind == "initial":
        due = nd.initial_due(event_on, periods, policy)
    elif kind == "travel":
        due = nd.travel_due(event_on, policy)
    elif kind == "household":
        due = nd.household_stay_due(event_on, periods, policy)
    elif kind == "did_not_occur":
        due = nd.did_not_occur_due(event_on, None, periods, policy)
    else:
        due = nd.change_due(event_on, periods, policy)
    return None if due is None or due >= _OPEN_END else due


def _dues_as_of(c: _Ctx, rows: list) -> dict[int, date | None]:
    """Due dates of the outstanding notifications changed after the as-of day, recomputed from
    the record as it stood then: the services move a pending due date when its inputs change (a
    new custody period, an annual clock restarted by a later notification), and the stored
    value is today's. Rows unchanged since the day keep their own date."""
    changed = [r for r in rows if r.updated_at is not None and r.updated_at >= c.as_of_end
               and r.kind != "financial"]  # 2012 details follow the other dues: kept as stored
    if not changed:
        return {}
    N, P = m.StatutoryNotification, m.DisregardedPeriod
    policy = _notification_policy(c.s)
    ids = sorted({r.offender_id for r in changed})
    periods: dict[int, list] = defaultdict(list)
    anchors: dict[int, date] = {}
    for chunk in _chunks(ids):
        for p in c.s.execute(select(P.offender_id, P.kind, P.starts_on, P.ends_on).where(
                P.offender_id.in_(chunk), c.live(P), P.starts_on <= c.as_of)):
            end = p.ends_on if p.ends_on is not None and p.ends_on <= c.as_of else _OPEN_END
            periods[p.offender_id].append(DisregardedPeriod(p.starts_on, end, DisregardReason(p.kind)))
        for oid, kind, at in c.s.execute(select(N.offender_id, N.kind, N.notified_at).where(
                N.offender_id.in_(chunk), c.live(N), c.notified(N))):
            domain_kind = DOMAIN_KIND.get(kind)
            if domain_kind in policy.resets_periodic:  # s.85(2): what restarts the annual clock
                day = _london_day(at)
                anchors[oid] = max(anchors.get(oid, day), day)
    out = {}
    for r in changed:
        event_on = anchors.get(r.offender_id, r.event_on) if r.kind in ("periodic", "weekly") else r.event_on
        out[r.id] = _statutory_due(r.kind, event_on, periods[r.offender_id], policy)
    return out


def _notifications(c: _Ctx) -> NotificationFigures:
    N = m.StatutoryNotification
    soon_until = c.as_of + timedelta(days=c.cfg.due_soon_days)
    pending = c.s.execute(c.join_case(select(N.id, N.offender_id, N.kind, N.event_on, N.due_on, N.updated_at,
                                             *c.case_cols()), N.offender_id).where(
        c.in_scope, _OPEN_CASE, c.live(N), ~c.notified(),
        # Those due by the horizon, and any changed since the day (their date then may differ).
        or_(N.due_on <= soon_until, N.updated_at >= c.as_of_end))).all()
    dues = _dues_as_of(c, pending)
    due_soon, overdue = [], []
    for r in pending:
        due_on = dues.get(r.id, r.due_on)
        if due_on is None or due_on > soon_until:
            continue
        what = _NOTIFICATION_LABEL.get(r.kind, r.kind.replace("_", " ").capitalize())
        name = _name(r.surname, r.forenames)
        if due_on < c.as_of:
            overdue.append(ExceptionRow(r.reference, name, r.officer,
                                        f"{what} notification: was due by {due_on:%d/%m/%Y}",
                                        (c.as_of - due_on).days, due_on, offender_id=r.case_id))
        else:
            due_soon.append(ExceptionRow(r.reference, name, r.officer,
                                         f"{what} notification: due by {due_on:%d/%m/%Y}",
                                         (due_on - c.as_of).days, due_on, offender_id=r.case_id))
    due_soon.sort(key=lambda r: (r.since, r.reference))

    # Late in the period. "Late" is the recorded flag or a London notification day after the
    # due date; the day arithmetic is done here because SQL has no portable London date.
    made = c.s.execute(select(N.id, N.due_on, N.notified_at, N.late)
                       .join(m.Offender, m.Offender.id == N.offender_id)
                       .where(_notifications_made(c))).all()
    late_ids = [r.id for r in made
                if r.late or (r.due_on is not None and _london_day(r.notified_at) > r.due_on)]
    late: list[LateNotification] = []
    for ids in _chunks(late_ids):
        breaches: dict[int, m.Breach] = {}
        for b in c.s.scalars(select(m.Breach).where(
                m.Breach.notification_id.in_(ids), c.live(m.Breach),
                m.Breach.source.in_(("late_notification", "missed_notification")))
                .order_by(m.Breach.id)):
            breaches.setdefault(b.notification_id, b)
        proposed = set(c.s.scalars(select(m.Breach.id).where(
            m.Breach.id.in_([b.id for b in breaches.values()] or [-1]), _decision_proposed(c))))
        warned = dict(c.s.execute(
            select(m.FormalWarning.breach_id, func.count()).where(
                m.FormalWarning.breach_id.in_([b.id for b in breaches.values()] or [-1]),
                c.live(m.FormalWarning)).group_by(m.FormalWarning.breach_id)).all())
        for r in c.s.execute(c.join_case(select(N.id, N.kind, N.due_on, N.notified_at, *c.case_cols()),
                                         N.offender_id).where(N.id.in_(ids))):
            b = breaches.get(r.id)
            outcome, text = _breach_outcome(c, b, b is not None and b.id in proposed)
            warnings = warned.get(b.id, 0) if b else 0
            if warnings:
                text += f"; {warnings} warning{'s' if warnings > 1 else ''} given"
            notified_on = _london_day(r.notified_at)
            late.append(LateNotification(
                r.reference, _name(r.surname, r.forenames), r.officer,
                _NOTIFICATION_LABEL.get(r.kind, r.kind.replace("_", " ").capitalize()),
                r.due_on, notified_on, (notified_on - r.due_on).days if r.due_on else None,
                outcome, _crime_reference_on(c, b), warnings, text, offender_id=r.case_id))
    late.sort(key=lambda n: (n.notified_on, n.reference))
    return NotificationFigures(due_soon=tuple(due_soon), overdue=_oldest_first(overdue),
                               made_in_period=len(made), late_in_period=tuple(late))


def _crime_reference_on(c: _Ctx, b: m.Breach | None) -> str | None:
    if b is None or not b.crime_reference or (b.closed_at is not None and b.closed_at >= c.as_of_end):
        return None
    return b.crime_reference


def _breach_outcome(c: _Ctx, b: m.Breach | None, proposed: bool) -> tuple[str, str]:
    """What had become of the breach by the end of the as-of day."""
    if b is None:
        return "no_breach", "No breach recorded"
    if crime := _crime_reference_on(c, b):
        return "crime_recorded", f"Crime recorded: {crime}"
    if b.status == "closed" and b.closed_at is not None and b.closed_at < c.as_of_end:
        return "no_crime_decision", "No crime: reasoned decision signed off"
    if proposed:
        return "decision_awaiting_sign_off", "Decision not to record a crime awaiting sign-off"
    return "breach_open", "Breach open: no crime reference or decision yet"


def _breaches(c: _Ctx) -> BreachFigures:
    B = m.Breach
    base = _breach_live(c)
    open_at = _breach_open_at(c)
    open_total = c.s.scalar(select(func.count(B.id)).join(m.Offender, m.Offender.id == B.offender_id)
                            .where(base, _OPEN_CASE, open_at)) or 0
    # Undecided: no crime reference and no signed decision. A proposal not to record a crime
    # is not a decision until a supervisor signs it, so it stays here (named as waiting). A
    # crime reference recorded after the as-of day closed the breach then, so on the as-of day
    # it had none.
    undecided = and_(open_at, ~_crime_reference_as_of(c))
    stmt = c.join_case(select(B.source, B.occurred_on, _decision_proposed(c).label("proposed"),
                              *c.case_cols()), B.offender_id).where(base, _OPEN_CASE, undecided)

    def needed(r) -> str:
        what = _BREACH_SOURCE_LABEL.get(r.source, r.source.replace('_', ' '))
        if r.proposed:
            return f"Sign the proposed no-crime decision, or record a crime: {what}"
        return f"Crime reference or reasoned no-crime decision: {what}"

    rows = [ExceptionRow(r.reference, _name(r.surname, r.forenames), r.officer, needed(r),
                         (c.as_of - r.occurred_on).days, r.occurred_on, offender_id=r.case_id)
            for r in c.s.execute(stmt)]
    counted = (select(func.sum(case((_breach_opened(c), 1), else_=0)),
                      func.sum(case((_breach_crime(c), 1), else_=0)),
                      func.sum(case((_breach_no_crime(c), 1), else_=0)))
               .join(m.Offender, m.Offender.id == B.offender_id).where(base))
    opened, crimes, no_crime = (v or 0 for v in c.s.execute(counted).one())
    W = m.FormalWarning
    warned = dict(c.s.execute(select(W.kind, func.count()).join(m.Offender, m.Offender.id == W.offender_id)
                              .where(_warnings_given(c))
                              .group_by(W.kind)).all())
    return BreachFigures(open_total=open_total, open_without_decision=_oldest_first(rows),
                         opened_in_period=opened, crimes_recorded=crimes, no_crime_decisions=no_crime,
                         warnings_oral=warned.get("oral", 0), warnings_written=warned.get("written", 0))


def _devices(c: _Ctx) -> DeviceFigures:
    D, K = m.Device, m.DeviceCheck
    n = c.cfg.device_check_visits
    last_check = (select(K.device_id, func.max(K.checked_on).label("last"))
                  .where(c.live(K), K.result == "checked", K.checked_on <= c.as_of)
                  .group_by(K.device_id).subquery())
    live = _live_devices(c)
    active_devices = c.s.scalar(select(func.count(D.id)).join(m.Offender, m.Offender.id == D.offender_id)
                                .where(live)) or 0
    # Each case's Nth most recent home visit where the offender was seen (entry gained, so the
    # devices could have been checked). A correlated LIMIT/OFFSET rides the visit index per
    # device; a window over every visit in the force costs more (measured on SQLite, 100k cases).
    V = m.Visit
    cut = (select(V.visited_at)
           .where(V.offender_id == D.offender_id, c.visit_done(),
                  V.kind == "home", V.outcome == "seen", V.visited_at < c.as_of_end)
           .order_by(V.visited_at.desc(), V.id.desc()).limit(1).offset(n - 1)
           .correlate(D).scalar_subquery())
    # SQL shortlists by comparing a check date with the visit's UTC instant, which can only let
    # a same-day check through; the London-day comparison below is the one that decides.
    devices = c.s.execute(
        c.join_case(select(D.offender_id, D.kind, D.declared_on, D.created_at, last_check.c.last,
                           cut.label("cut"), *c.case_cols()), D.offender_id)
        .outerjoin(last_check, last_check.c.device_id == D.id)
        .where(live, or_(last_check.c.last.is_(None), last_check.c.last < cut))).all()

    never = stale = 0
    flagged: dict[int, list] = defaultdict(list)
    for d in devices:
        known_on = d.declared_on or _london_day(d.created_at)
        if d.last is None:
            never += 1
            flagged[d.offender_id].append((d, f"{d.kind} never checked", (c.as_of - known_on).days, known_on))
        elif d.cut is not None and d.last < (cut := _london_day(d.cut)) and known_on <= cut:
            stale += 1
            flagged[d.offender_id].append((d, f"{d.kind} last checked {d.last:%d/%m/%Y}",
                                           (c.as_of - d.last).days, d.last))
    rows = []
    for items in flagged.values():
        d = items[0][0]
        oldest = max(items, key=lambda i: i[2])
        rows.append(ExceptionRow(
            d.reference, _name(d.surname, d.forenames), d.officer,
            f"Check device{'s' if len(items) > 1 else ''} at the next home visit: "
            + "; ".join(i[1] for i in sorted(items, key=lambda i: -i[2])),
            oldest[2], oldest[3], offender_id=d.case_id))
    return DeviceFigures(active_devices=active_devices, never_checked=never, not_recently_checked=stale,
                         offenders=_oldest_first(rows))


def _supervision(c: _Ctx) -> SupervisionFigures:
    S = m.SignOff
    supervisor, author = aliased(m.User, name="supervisor"), aliased(m.User, name="author")
    in_scope = _sign_off_scope(c)
    waiting = and_(S.requested_at < c.as_of_end,
                   or_(S.status.in_(("pending", "escalated")), S.signed_at >= c.as_of_end))
    stmt = (select(S.entity, S.summary, S.status, S.requested_at, S.signed_at, m.Offender.reference, m.Offender.surname,
                   m.Offender.forenames, m.Offender.id.label("case_id"), supervisor.display_name.label("supervisor"),
                   author.display_name.label("author"))
            .select_from(S).outerjoin(m.Offender, m.Offender.id == S.offender_id)
            .outerjoin(supervisor, supervisor.id == S.supervisor_id)
            .outerjoin(author, author.id == S.author_id)
            .where(in_scope, waiting))
    limit = c.cfg.sign_off_escalation_working_days
    awaiting, escalated = [], 0
    for r in c.s.execute(stmt):
        requested_on = _london_day(r.requested_at)
        escalated_then = r.status == "escalated" and r.signed_at is not None and r.signed_at < c.as_of_end
        late = escalated_then or c.as_of > add_working_days(requested_on, limit)
        escalated += late
        what = _SIGN_OFF_LABEL.get(r.entity, r.entity.replace("_", " "))
        awaiting.append(ExceptionRow(
            r.reference, _name(r.surname, r.forenames) if r.surname else None,
            r.supervisor or "OMU lead",
            f"Sign-off decision on the {what} (from {r.author or 'unknown'})"
            + (": escalated to the OMU lead" if late else "") + f". {_clip(r.summary, 110)}",
            (c.as_of - requested_on).days, requested_on, offender_id=r.case_id,
            tags=("escalated",) if late else ()))
    decided, cover = (v or 0 for v in c.s.execute(
        select(func.count(S.id), func.sum(case((S.via_cover.is_(True), 1), else_=0)))
        .select_from(S).outerjoin(m.Offender, m.Offender.id == S.offender_id)
        .where(_sign_offs_decided(c))).one())
    R = m.SignOffRefusal
    refuser = aliased(m.User, name="refuser")
    refusals = [
        ExceptionRow(r.reference, _name(r.surname, r.forenames) if r.surname else None, r.refuser,
                     f"Rationale refused on the {_SIGN_OFF_LABEL.get(r.entity, r.entity.replace('_', ' '))}: "
                     f"{_clip(r.reason, 120)} Text given: \u201c{_clip(r.text, 60)}\u201d",
                     (c.as_of - _london_day(r.attempted_at)).days, _london_day(r.attempted_at),
                     offender_id=r.case_id)
        for r in c.s.execute(
            select(R.attempted_at, R.reason, R.text, S.entity, m.Offender.reference, m.Offender.surname,
                   m.Offender.forenames, m.Offender.id.label("case_id"), refuser.display_name.label("refuser"))
            .select_from(R).join(S, S.id == R.sign_off_id)
            .outerjoin(m.Offender, m.Offender.id == S.offender_id)
            .outerjoin(refuser, refuser.id == R.user_id)
            .where(in_scope, c.in_period(R.attempted_at)))]
    refusals.sort(key=lambda r: (r.since, r.reference or ""))
    return SupervisionFigures(awaiting=_oldest_first(awaiting), escalated=escalated, decided_in_period=decided,
                              via_cover=Share(cover, decided), refusals=tuple(refusals))


def _safeguarding(c: _Ctx) -> SafeguardingFigures:
    F = m.SafeguardingReferral
    end_of_as_of = c.as_of_end - timedelta(microseconds=1)  # the day's last instant
    live = and_(c.in_scope, c.live(F))
    overdue = []
    for r in c.s.execute(c.join_case(select(F.referred_at, F.agency, *c.case_cols()), F.offender_id).where(
            live, _referred(c), ~_decided(c))):
        if sc.referral_flag(r.referred_at, None, end_of_as_of) is sc.ReferralFlag.DECISION_OVERDUE:
            due = _london_day(sc.referral_decision_due(r.referred_at))
            referred_on = _london_day(r.referred_at)
            overdue.append(ExceptionRow(
                r.reference, _name(r.surname, r.forenames), r.officer,
                f"Decision from {r.agency or 'children’s social care'} on the referral of "
                f"{referred_on:%d/%m/%Y} (was due by {due:%d/%m/%Y}): chase and record it",
                (c.as_of - referred_on).days, referred_on, offender_id=r.case_id))
    not_referred = []
    for r in c.s.execute(c.join_case(select(F.concern_at, F.concern, *c.case_cols()), F.offender_id).where(
            live, F.concern_at < c.as_of_end, ~_referred(c))):
        if sc.concern_without_referral(r.concern_at, None, end_of_as_of):
            day = _london_day(r.concern_at)
            not_referred.append(ExceptionRow(
                r.reference, _name(r.surname, r.forenames), r.officer,
                f"Refer the concern of {day:%d/%m/%Y} to children’s social care: {_clip(r.concern, 140)}",
                (c.as_of - day).days, day, offender_id=r.case_id))

    in_scope = select(F.concern_at, F.referred_at, F.decision_at).join(m.Offender, m.Offender.id == F.offender_id)
    referred = c.s.execute(in_scope.where(_referrals_made(c))).all()
    decided = c.s.execute(in_scope.where(live, _referred(c), _decided(c), c.in_period(F.decision_at))).all()
    late = sum(1 for r in decided if _decision_late(r.referred_at, r.decision_at))
    to_referral = sc.summary(sc.durations(r.concern_at, r.referred_at, None)[0] for r in referred)
    disclosed = c.s.execute(
        select(F.concern_at, m.Disclosure.disclosed_at).select_from(m.Disclosure)
        .join(F, F.id == m.Disclosure.referral_id).join(m.Offender, m.Offender.id == F.offender_id)
        .where(live, c.live(m.Disclosure), c.in_period(m.Disclosure.disclosed_at))).all()
    to_disclosure = sc.summary(sc.durations(r.concern_at, None, r.disclosed_at)[1] for r in disclosed)
    return SafeguardingFigures(
        decision_overdue=_oldest_first(overdue), not_referred=_oldest_first(not_referred),
        referrals_in_period=len(referred), decisions_late=Share(late, len(decided)),
        concern_to_referral=DurationSummary(len(referred), _hours(to_referral[0]), _hours(to_referral[1])),
        concern_to_disclosure=DurationSummary(len(disclosed), _hours(to_disclosure[0]), _hours(to_disclosure[1])),
    )


def _decision_late(referred_at: datetime, decision_at: datetime) -> bool:
    try:
        return sc.referral_flag(referred_at, decision_at, decision_at) is sc.ReferralFlag.DECISION_LATE
    except ValueError:
        return False  # a decision dated before its referral is a data error, not a late decision


def _actions_overdue(c: _Ctx) -> tuple[ExceptionRow, ...]:
    A = m.Action
    owner = aliased(m.User, name="owner")
    stmt = (select(A.description, A.due_on, m.Offender.reference, m.Offender.surname, m.Offender.forenames,
                   m.Offender.id.label("case_id"), owner.display_name.label("owner"))
            .select_from(A).join(m.Offender, m.Offender.id == A.offender_id)
            .outerjoin(owner, owner.id == A.owner_id)
            .where(c.in_scope, _OPEN_CASE, c.live(A), A.due_on < c.as_of,
                   # Not done by the day, or its result entered only afterwards.
                   or_(A.completed_on.is_(None), A.completed_on > c.as_of,
                       ~c.recorded(A, "plan_action", "entry.update"))))
    return _oldest_first(
        ExceptionRow(r.reference, _name(r.surname, r.forenames), r.owner,
                     f"Plan action: {_clip(r.description, 120)} (due {r.due_on:%d/%m/%Y})",
                     (c.as_of - r.due_on).days, r.due_on, offender_id=r.case_id) for r in c.s.execute(stmt))


def _risk_assessments_overdue(c: _Ctx) -> tuple[ExceptionRow, ...]:
    RA = m.RiskAssessment
    # Each case's latest assessment by a correlated LIMIT 1 on the assessment index.
    latest_id = (select(RA.id)
                 .where(RA.offender_id == m.Offender.id, c.live(RA), RA.assessed_on <= c.as_of)
                 .order_by(RA.assessed_on.desc(), RA.id.desc()).limit(1)
                 .correlate(m.Offender).scalar_subquery())
    stmt = (select(*c.case_cols(), m.Offender.created_at, RA.tool, RA.review_by, RA.id.label("assessed"))
            .select_from(m.Offender)
            .outerjoin(c.manager, c.manager.id == m.Offender.offender_manager_id)
            .outerjoin(RA, RA.id == latest_id)
            .where(c.in_scope, _OPEN_CASE, m.Offender.created_at < c.as_of_end,
                   or_(RA.id.is_(None), RA.review_by < c.as_of)))
    rows = []
    for r in c.s.execute(stmt):
        if r.assessed is None:
            opened = _london_day(r.created_at)
            rows.append(ExceptionRow(r.reference, _name(r.surname, r.forenames), r.officer,
                                     "Risk assessment: none on record", (c.as_of - opened).days, opened,
                                     offender_id=r.case_id))
        else:
            rows.append(ExceptionRow(r.reference, _name(r.surname, r.forenames), r.officer,
                                     f"Review the {r.tool} risk assessment: review was due by {r.review_by:%d/%m/%Y}",
                                     (c.as_of - r.review_by).days, r.review_by, offender_id=r.case_id))
    return _oldest_first(rows)


# --- the cases behind a count -------------------------------------------------------------------


_STATUS_LABEL = {"active": "Active case", "custody": "In custody"}
_OUTCOME_LABEL = {"seen": "seen", "no_answer": "no answer", "refused_entry": "entry refused",
                  "not_at_address": "not at the address"}

# The counts a screen can open as a list of cases: key -> what the list is.
CASE_LISTS: dict[str, str] = {
    "caseload.open": "Open cases",
    "caseload.custody": "Cases in custody",
    "caseload.unallocated": "Open cases with no offender manager",
    "visits.home": "Home visits in the period",
    "visits.failed": "Home visits in the period where entry failed",
    "visits.announced": "Home visits in the period that were announced",
    "visits.one_officer": "Home visits in the period by one officer",
    "visits.office": "Office interviews in the period",
    "notifications.made": "Notifications made in the period",
    "breaches.open": "Open breaches",
    "breaches.opened": "Breaches that occurred in the period",
    "breaches.crimes": "Breaches recorded as crimes in the period",
    "breaches.no_crime": "Breaches closed with a no-crime decision in the period",
    "breaches.warnings": "Warnings given in the period",
    "devices.active": "Active devices",
    "supervision.decided": "Sign-off decisions made in the period",
    "safeguarding.referrals": "Referrals to children’s social care in the period",
}
# Keys with a value after the colon: caseload.risk:<very_high|high|medium|low|not_assessed>,
# caseload.mappa:<level>.
_PARAMETRISED = ("caseload.risk:", "caseload.mappa:")


def case_list_title(key: str) -> str:
    if key.startswith("caseload.risk:"):
        level = key.split(":", 1)[1]
        return f"Open cases: {RISK_LABEL.get(None if level == 'not_assessed' else level, level)} risk"
    if key.startswith("caseload.mappa:"):
        return f"Open cases at MAPPA level {key.split(':', 1)[1]}"
    return CASE_LISTS[key]


def _case_row(r, needed: str, days: int | None = None, since: date | None = None,
              officer: str | None = None) -> ExceptionRow:
    return ExceptionRow(r.reference, _name(r.surname, r.forenames) if r.surname else None,
                        officer if officer is not None else r.officer, needed, days, since,
                        offender_id=r.case_id)


def _newest_first(rows: Iterable[ExceptionRow]) -> tuple[ExceptionRow, ...]:
    return tuple(sorted(rows, key=lambda r: (r.days if r.days is not None else 10**9, r.reference or "",
                                             r.needed)))


def _by_reference(rows: Iterable[ExceptionRow]) -> tuple[ExceptionRow, ...]:
    return tuple(sorted(rows, key=lambda r: (r.reference or "", r.needed)))


def _offenders_where(c: _Ctx, *where) -> list:
    return c.s.execute(
        select(*c.case_cols(), m.Offender.status, c.risk_level().label("risk_level"), m.Offender.mappa_level,
               m.Offender.created_at)
        .select_from(m.Offender).outerjoin(c.manager, c.manager.id == m.Offender.offender_manager_id)
        .where(*where)).all()


def _case_summary(r) -> str:
    mappa = f", MAPPA level {r.mappa_level}" if r.mappa_level else ""
    return (f"{_STATUS_LABEL.get(r.status, r.status.capitalize())}: "
            f"{RISK_LABEL.get(r.risk_level, r.risk_level or 'Not assessed')} risk{mappa}")


def _visit_rows(c: _Ctx, *where) -> tuple[ExceptionRow, ...]:
    V = m.Visit
    crew = _visit_crew()
    rows = []
    for r in c.s.execute(c.join_case(select(V.kind, V.visited_at, V.outcome, V.announced, crew.label("crew"),
                                            *c.case_cols()), V.offender_id).where(*where)):
        local = r.visited_at.astimezone(LONDON)
        if r.kind == "office":
            needed = f"Office interview on {local:%d/%m/%Y %H:%M}"
        else:
            needed = (f"Home visit on {local:%d/%m/%Y %H:%M}: {_OUTCOME_LABEL.get(r.outcome, r.outcome or 'no outcome')}"
                      f"; {'unannounced' if r.announced is False else 'announced'}"
                      f"; {r.crew} officer{'' if r.crew == 1 else 's'}")
        rows.append(_case_row(r, needed, (c.as_of - local.date()).days, local.date()))
    return _newest_first(rows)


def _breach_rows(c: _Ctx, *where) -> tuple[ExceptionRow, ...]:
    B = m.Breach
    rows = []
    # As the breach stood at the end of the as-of day.
    for r in c.s.execute(c.join_case(select(B.source, B.occurred_on, case((_crime_reference_as_of(c), B.crime_reference)).label("crime"),
                                            case((B.closed_at < c.as_of_end, 1), else_=0).label("closed"),
                                            _decision_proposed(c).label("proposed"), *c.case_cols()),
                                     B.offender_id).where(*where)):
        what = _BREACH_SOURCE_LABEL.get(r.source, r.source.replace("_", " "))
        if r.crime:
            state = f"crime recorded: {r.crime}"
        elif r.closed:
            state = "closed: no crime, reasoned decision signed off"
        elif r.proposed:
            state = "open: decision not to record a crime awaiting sign-off"
        else:
            state = "open: no crime reference or decision yet"
        rows.append(_case_row(r, f"{what[0].upper()}{what[1:]} on {r.occurred_on:%d/%m/%Y}; {state}",
                              (c.as_of - r.occurred_on).days, r.occurred_on))
    return _newest_first(rows)


def cases_behind(session: Session, scope: Scope, key: str, period_from: date, period_to: date, as_of: date,
                 report_settings: ReportSettings | None = None) -> tuple[ExceptionRow, ...]:
    """The cases (or visits, breaches, devices...) a count of compute() is made of, one row each.

    KEY is one of CASE_LISTS or caseload.risk:<level> / caseload.mappa:<level>. The rows are
    selected with the very clauses the count uses, so on the same data len(rows) == the count.
    Raises ValueError for an unknown key, team or officer, or a bad period.
    """
    if key not in CASE_LISTS and not key.startswith(_PARAMETRISED):
        raise ValueError(f"no list of cases called '{key}'")
    if period_from > period_to or as_of < period_to:
        raise ValueError("the period must end on or after its start, and the as-of date on or after its end")
    cfg = report_settings or ReportSettings.from_session(session)
    policy = cfg.visit_policy or settings_service.visit_policy(session)
    c = _Ctx(session, resolve_scope(session, scope), period_from, period_to, as_of, cfg, policy)
    Off = m.Offender
    if key.startswith("caseload."):
        where = [_open_cases(c)]
        if key == "caseload.custody":
            where.append(Off.status == "custody")
        elif key == "caseload.unallocated":
            where.append(Off.offender_manager_id.is_(None))
            return _oldest_first(
                _case_row(r, f"Allocate an offender manager ({_case_summary(r)})",
                          (as_of - _london_day(r.created_at)).days, _london_day(r.created_at))
                for r in _offenders_where(c, *where))
        elif key.startswith("caseload.risk:"):
            level = key.split(":", 1)[1]
            known = [k for k in RISK_KEYS if k]
            if level == "not_assessed":
                where.append(c.risk_level().is_(None))
            elif level in known:
                where.append(c.risk_level() == level)
            else:
                raise ValueError(f"no risk level '{level}'")
        elif key.startswith("caseload.mappa:"):
            level = key.split(":", 1)[1]
            if not level.isdigit():
                raise ValueError(f"no MAPPA level '{level}'")
            where.append(Off.mappa_level == int(level))
        return _by_reference(_case_row(r, _case_summary(r)) for r in _offenders_where(c, *where))

    if key == "visits.home":
        return _visit_rows(c, _home_attempts(c))
    if key == "visits.failed":
        return _visit_rows(c, _home_attempts(c), _FAILED)
    if key == "visits.announced":
        return _visit_rows(c, _home_attempts(c), ~_UNANNOUNCED)
    if key == "visits.one_officer":
        return _visit_rows(c, _home_attempts(c), _visit_crew() < 2)
    if key == "visits.office":
        return _visit_rows(c, _office_interviews(c))
    if key == "notifications.made":
        N = m.StatutoryNotification
        rows = []
        for r in c.s.execute(c.join_case(select(N.kind, N.due_on, N.notified_at, N.late, *c.case_cols()),
                                         N.offender_id).where(_notifications_made(c))):
            day = _london_day(r.notified_at)
            late = r.late or (r.due_on is not None and day > r.due_on)
            what = _NOTIFICATION_LABEL.get(r.kind, r.kind.replace("_", " ").capitalize())
            due = f" (due by {r.due_on:%d/%m/%Y})" if r.due_on else ""
            rows.append(_case_row(r, f"{what} notification made on {day:%d/%m/%Y}{due}"
                                  + ("; LATE" if late else ""), (as_of - day).days, day))
        return _newest_first(rows)
    if key == "breaches.open":
        return _breach_rows(c, _breach_live(c), _OPEN_CASE, _breach_open_at(c))
    if key == "breaches.opened":
        return _breach_rows(c, _breach_live(c), _breach_opened(c))
    if key == "breaches.crimes":
        return _breach_rows(c, _breach_live(c), _breach_crime(c))
    if key == "breaches.no_crime":
        return _breach_rows(c, _breach_live(c), _breach_no_crime(c))
    if key == "breaches.warnings":
        W = m.FormalWarning
        return _newest_first(
            _case_row(r, f"{r.kind.capitalize()} warning given on {r.given_on:%d/%m/%Y}: {_clip(r.rationale, 100)}",
                      (as_of - r.given_on).days, r.given_on)
            for r in c.s.execute(c.join_case(select(W.kind, W.given_on, W.rationale, *c.case_cols()),
                                             W.offender_id).where(_warnings_given(c))))
    if key == "devices.active":
        D = m.Device
        return _by_reference(
            _case_row(r, f"{r.kind.capitalize()}" + (f": {r.make_model}" if r.make_model else "")
                      + (f"; declared {r.declared_on:%d/%m/%Y}" if r.declared_on else ""))
            for r in c.s.execute(c.join_case(select(D.kind, D.make_model, D.declared_on, *c.case_cols()),
                                             D.offender_id).where(_live_devices(c))))
    if key == "supervision.decided":
        S = m.SignOff
        supervisor = aliased(m.User, name="supervisor")
        rows = []
        for r in c.s.execute(
                select(S.entity, S.summary, S.status, S.signed_at, S.via_cover, Off.reference, Off.surname,
                       Off.forenames, Off.id.label("case_id"), supervisor.display_name.label("officer"))
                .select_from(S).outerjoin(Off, Off.id == S.offender_id)
                .outerjoin(supervisor, supervisor.id == S.supervisor_id)
                .where(_sign_offs_decided(c))):
            day = _london_day(r.signed_at)
            what = _SIGN_OFF_LABEL.get(r.entity, r.entity.replace("_", " "))
            verdict = {"approved": "approved", "returned": "returned for more work",
                       "escalated": "escalated"}.get(r.status, r.status)
            rows.append(_case_row(r, f"The {what} {verdict} on {day:%d/%m/%Y}"
                                  + (" (by cover)" if r.via_cover else "") + f". {_clip(r.summary, 90)}",
                                  (as_of - day).days, day))
        return _newest_first(rows)
    # safeguarding.referrals
    F = m.SafeguardingReferral
    rows = []
    for r in c.s.execute(c.join_case(select(F.referred_at, F.decision_at, case((_decided(c), 1), else_=0).label("known"),
                                            F.agency, F.concern, *c.case_cols()),
                                     F.offender_id).where(_referrals_made(c))):
        day = _london_day(r.referred_at)
        decided = f"decision {_london_day(r.decision_at):%d/%m/%Y}" if r.decision_at and r.known else "decision awaited"
        rows.append(_case_row(r, f"Referred to {r.agency or 'children’s social care'} on {day:%d/%m/%Y} "
                              f"({decided}): {_clip(r.concern, 90)}", (as_of - day).days, day))
    return _newest_first(rows)


# --- entry points --------------------------------------------------------------------------------


def compute(session: Session, scope: Scope, period_from: date, period_to: date, as_of: date,
            report_settings: ReportSettings | None = None) -> ComplianceFigures:
    """The figures for SCOPE over PERIOD_FROM..PERIOD_TO (inclusive London days), as of AS_OF.

    Raises ValueError for an unknown team or officer (naming the valid ones) or a bad period.
    """
    if period_from > period_to:
        raise ValueError(f"the period starts ({period_from:%d/%m/%Y}) after it ends ({period_to:%d/%m/%Y})")
    if as_of < period_to:
        raise ValueError(f"the as-of date ({as_of:%d/%m/%Y}) is before the end of the period "
                         f"({period_to:%d/%m/%Y}): figures cannot be as of a day inside the period")
    cfg = report_settings or ReportSettings.from_session(session)
    policy = cfg.visit_policy or settings_service.visit_policy(session)
    resolved = resolve_scope(session, scope)
    c = _Ctx(session, resolved, period_from, period_to, as_of, cfg, policy)
    return ComplianceFigures(
        scope=resolved.info, period_from=period_from, period_to=period_to, as_of=as_of,
        settings=SettingsUsed(cfg.caseload_ceiling, cfg.device_check_visits, cfg.due_soon_days,
                              cfg.sign_off_escalation_working_days, policy.pattern_run),
        caseload=_caseload(c), visits=_visits(c), notifications=_notifications(c),
        breaches=_breaches(c), devices=_devices(c), supervision=_supervision(c),
        safeguarding=_safeguarding(c), actions_overdue=_actions_overdue(c),
        risk_assessments_overdue=_risk_assessments_overdue(c),
    )


def _plain(value: Any) -> Any:
    if isinstance(value, Share):
        return {"numerator": value.numerator, "denominator": value.denominator,
                "fraction": None if value.fraction is None else round(value.fraction, 4)}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        out = {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)
               if not f.metadata.get("internal")}
        if isinstance(value, BreachFigures):
            out["warnings_given"] = value.warnings_given
        return out
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def to_json(figures: ComplianceFigures) -> dict[str, Any]:
    """The figures as JSON-ready values: dates ISO 8601, shares with their parts and fraction."""
    return _plain(figures)
