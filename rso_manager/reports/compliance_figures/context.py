"""Whose cases a report covers (resolve_scope) and what every section's queries share (Ctx):
the session, the scope's clause, the clock edges of the period and the as-of day, and the
clauses that read the record as it stood at the end of that day."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import and_, func, or_, select, true
from sqlalchemy.orm import Session, aliased

from rso_manager.clock import LONDON
from rso_manager.persistence import models as m
from rso_manager.reports.compliance_figures.figures import ExceptionRow, ScopeInfo
from rso_manager.reports.compliance_figures.inputs import ReportSettings, Scope

IN_CHUNK = 500  # ids per IN (...) list: well inside every backend's parameter limit


@dataclass(frozen=True)
class Resolved:
    info: ScopeInfo
    clause: Any  # a WHERE clause over m.Offender
    team_id: int | None = None
    user_id: int | None = None


def _names_list(names: Sequence[str], limit: int = 40) -> str:
    shown = ", ".join(names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")


def resolve_scope(session: Session, scope: Scope) -> Resolved:
    """Raise ValueError naming the valid choices when the team or officer is unknown."""
    if scope.kind == "force":
        return Resolved(ScopeInfo("force", None, "Whole force"), true())
    wanted = (scope.name or "").strip()
    if scope.kind == "team":
        teams = session.execute(select(m.Team.id, m.Team.name).order_by(m.Team.name)).all()
        match = [t for t in teams if t.name.casefold() == wanted.casefold()]
        if not match:
            raise ValueError(f"No team called '{wanted}'. Teams: {_names_list([t.name for t in teams]) or 'none'}.")
        team_id, name = match[0]
        return Resolved(ScopeInfo("team", name, f"Team: {name}"), m.Offender.team_id == team_id,
                        team_id=team_id)
    users = session.execute(select(m.User.id, m.User.username, m.User.display_name)
                            .order_by(m.User.display_name)).all()
    by_username = [u for u in users if u.username.casefold() == wanted.casefold()]
    by_name = [u for u in users if u.display_name.casefold() == wanted.casefold()]
    officers = by_username or by_name
    if len(officers) > 1:
        raise ValueError(f"More than one officer is called '{wanted}': use the username "
                         f"({', '.join(u.username for u in officers)}).")
    if not officers:
        # Name those who hold cases first: they are who a report is usually about.
        holders = set(session.scalars(select(m.Offender.offender_manager_id).distinct()))
        names = [f"{u.display_name} ({u.username})" for u in users if u.id in holders]
        names += [f"{u.display_name} ({u.username})" for u in users if u.id not in holders]
        raise ValueError(f"No officer with the username or name '{wanted}'. Officers: {_names_list(names)}.")
    uid, _username, display = officers[0]
    return Resolved(ScopeInfo("officer", display, f"Officer: {display}"),
                    m.Offender.offender_manager_id == uid, user_id=uid)


def start_of_day(day: date) -> datetime:
    """The first instant of a London calendar day, in UTC."""
    return datetime.combine(day, time.min, tzinfo=LONDON).astimezone(UTC)


def person_name(surname: str, forenames: str) -> str:
    return f"{surname.upper()}, {forenames}"


def clip(text: str | None, limit: int = 140) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def chunks(ids: Sequence[int]) -> Iterator[Sequence[int]]:
    for i in range(0, len(ids), IN_CHUNK):
        yield ids[i:i + IN_CHUNK]


def oldest_first(rows: Iterable[ExceptionRow]) -> tuple[ExceptionRow, ...]:
    return tuple(sorted(rows, key=lambda r: (-(r.days or 0), r.since or date.max, r.reference or "", r.needed)))


class Ctx:
    """Everything the section queries share: the session, the scope and the clock edges."""

    def __init__(self, session: Session, scope: Resolved, period_from: date, period_to: date,
                 as_of: date, cfg: ReportSettings):
        self.s, self.scope, self.cfg, self.policy = session, scope, cfg, cfg.visit_policy
        self.period_from, self.period_to, self.as_of = period_from, period_to, as_of
        self.start = start_of_day(period_from)  # inclusive
        self.end = start_of_day(period_to + timedelta(days=1))  # exclusive
        self.as_of_end = start_of_day(as_of + timedelta(days=1))  # exclusive: the day has ended
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

    def visit_done(self, *, many_cases: bool = False):
        """A completed visit as the record stood at the end of the as-of day. MANY_CASES: the
        query reads the visits of a whole scope, not of one case at a time."""
        V = m.Visit
        # nullif(x, NULL) is x, but no index on visited_at answers it: "before the end of the
        # as-of day" keeps nearly every visit, and SQLite reading them all through that index
        # (a page per row) made the force's pattern check 4-5x slower than a scan (issue 16).
        # For the same reason a scope's visits are not read through the (status, offender)
        # index: nearly every visit is completed, and SQLite without statistics took that index
        # over the team's cases or the period's days, reading every visit of the force, a page
        # a row (2-3x slower for a team); one case's visits still ride its composite index.
        status = func.nullif(V.status, None) if many_cases else V.status
        return and_(self.live(V), status == "completed", func.nullif(V.visited_at, None) < self.as_of_end,
                    self.recorded(V, "visit", "visit.record"))

    def seen_at_home(self, offender_id, nth: int = 1):
        """When the case (correlated through OFFENDER_ID) was last seen at home as of the day, or
        (NTH) its NTH most recent such visit: one case's visits walked back from the day along
        its composite index, a row or two per case, where a MAX over the scope's visits reads
        them all (issue 16)."""
        V = m.Visit
        return (select(V.visited_at)
                .where(V.offender_id == offender_id, self.visit_done(), V.kind == "home", V.outcome == "seen",
                       V.visited_at < self.as_of_end)
                .order_by(V.visited_at.desc(), V.id.desc()).limit(1).offset(nth - 1)
                .scalar_subquery())

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


OPEN_CASE = m.Offender.status != "ended"
# The status in a form no index answers (nullif(x, NULL) is x), so a scope's cases are read in
# the order they were opened (the table's own order, or the team's or officer's index), and
# each case's rows in the other tables are probed in that order too: their indexes lead with
# the case, so neighbouring cases share index pages. Read through the (status, next visit due)
# index instead, the probes jumped across the file and, at 100,000 cases, most missed the page
# cache: the visit windows' case query took 5.2 s, against 2.5 s in the cases' order (issue 16).
ACTIVE_CASE = func.nullif(m.Offender.status, None) == "active"
