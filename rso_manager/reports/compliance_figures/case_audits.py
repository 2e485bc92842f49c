"""Case audit figures (issue 18): grades by team and quarter, and findings still open.

Grades are counted over the as-of day's quarter and the three before it, whatever the period,
so the dashboard and the summary show a year of grades over time; an audit counts in the quarter
(London) it was completed, and only while it stood (not yet entered in error) at the end of the
as-of day. A finding is open until its action has a result."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, or_, select

from rso_manager.domain.case_audit_checklist import GRADE_LABEL, Grade, quarter_of
from rso_manager.domain.dates import add_months, london_day
from rso_manager.persistence import models as m
from rso_manager.reports.compliance_figures.context import (
    Ctx,
    clip,
    oldest_first,
    person_name,
    start_of_day,
)
from rso_manager.reports.compliance_figures.figures import ExceptionRow

QUARTERS_SHOWN = 4
NO_TEAM = "No team"


@dataclass(frozen=True)
class GradeCount:
    team: str
    quarter: str  # "2026 Q4"
    good: int
    requires_improvement: int
    inadequate: int

    @property
    def total(self) -> int:
        return self.good + self.requires_improvement + self.inadequate


@dataclass(frozen=True)
class CaseAuditFigures:
    grades: tuple[GradeCount, ...] = ()
    open_findings: tuple[ExceptionRow, ...] = ()
    quarters: tuple[str, ...] = ()  # the quarters the grades cover, oldest first
    completed_in_period: int = 0


def first_quarter_shown(as_of: date) -> date:
    this_quarter = date(as_of.year, (as_of.month - 1) // 3 * 3 + 1, 1)
    return add_months(this_quarter, -3 * (QUARTERS_SHOWN - 1))


def case_audit_figures(c: Ctx) -> CaseAuditFigures:
    A = m.CaseAudit
    first = first_quarter_shown(c.as_of)
    quarters = tuple(quarter_of(add_months(first, 3 * i)) for i in range(QUARTERS_SHOWN))
    done = and_(c.live(A), A.completed_at.is_not(None), A.completed_at < c.as_of_end)
    counts: dict[tuple[str, str], dict[str, int]] = {}
    in_period = 0
    for team, grade, completed_at in c.s.execute(
            select(m.Team.name, A.grade, A.completed_at).select_from(A)
            .join(m.Offender, m.Offender.id == A.offender_id).outerjoin(m.Team, m.Team.id == m.Offender.team_id)
            .where(c.in_scope, done, A.completed_at >= start_of_day(min(first, c.period_from)))):
        if completed_at is None:
            continue
        day = london_day(completed_at)
        in_period += c.period_from <= day <= c.period_to
        if day < first or grade not in GRADE_LABEL:
            continue
        by_grade = counts.setdefault((team or NO_TEAM, quarter_of(day)), {g.value: 0 for g in Grade})
        by_grade[grade] += 1
    grades = tuple(GradeCount(team, quarter, g["good"], g["requires_improvement"], g["inadequate"])
                   for (team, quarter), g in sorted(counts.items()))

    X, owner = m.Action, c.manager  # the case's officer column names the action's owner here
    findings = []
    for r in c.s.execute(
            select(X.description, X.due_on, X.created_at, m.Offender.reference, m.Offender.surname,
                   m.Offender.forenames, m.Offender.id.label("case_id"), owner.display_name.label("owner"))
            .select_from(X).join(m.Offender, m.Offender.id == X.offender_id)
            .outerjoin(owner, owner.id == X.owner_id)
            .where(c.in_scope, X.case_audit_id.is_not(None), c.live(X),
                   or_(X.completed_on.is_(None), X.completed_on > c.as_of))):
        overdue = r.due_on < c.as_of
        raised = london_day(r.created_at)
        findings.append(ExceptionRow(
            r.reference, person_name(r.surname, r.forenames), r.owner,
            f"Case audit finding: {clip(r.description, 110)} (due {r.due_on:%d/%m/%Y}"
            + (", overdue)" if overdue else ")"),
            (c.as_of - raised).days, raised, offender_id=r.case_id, tags=("overdue",) if overdue else ()))
    return CaseAuditFigures(grades, oldest_first(findings), quarters, in_period)
