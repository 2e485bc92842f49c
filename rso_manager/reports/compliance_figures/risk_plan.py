"""The risk management plan's exceptions: plan actions past their due date, and cases whose risk
assessment is missing or past its review date."""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import aliased

from rso_manager.domain.dates import london_day
from rso_manager.persistence import models as m
from rso_manager.reports.compliance_figures.context import (
    OPEN_CASE,
    Ctx,
    clip,
    oldest_first,
    person_name,
)
from rso_manager.reports.compliance_figures.figures import ExceptionRow


def actions_overdue(c: Ctx) -> tuple[ExceptionRow, ...]:
    A = m.Action
    owner = aliased(m.User, name="owner")
    stmt = (select(A.description, A.due_on, m.Offender.reference, m.Offender.surname, m.Offender.forenames,
                   m.Offender.id.label("case_id"), owner.display_name.label("owner"))
            .select_from(A).join(m.Offender, m.Offender.id == A.offender_id)
            .outerjoin(owner, owner.id == A.owner_id)
            .where(c.in_scope, OPEN_CASE, c.live(A), A.due_on < c.as_of,
                   # Not done by the day, or its result entered only afterwards.
                   or_(A.completed_on.is_(None), A.completed_on > c.as_of,
                       ~c.recorded(A, "plan_action", "entry.update"))))
    return oldest_first(
        ExceptionRow(r.reference, person_name(r.surname, r.forenames), r.owner,
                     f"Plan action: {clip(r.description, 120)} (due {r.due_on:%d/%m/%Y})",
                     (c.as_of - r.due_on).days, r.due_on, offender_id=r.case_id) for r in c.s.execute(stmt))


def risk_assessments_overdue(c: Ctx) -> tuple[ExceptionRow, ...]:
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
            .where(c.in_scope, OPEN_CASE, m.Offender.created_at < c.as_of_end,
                   or_(RA.id.is_(None), RA.review_by < c.as_of)))
    rows = []
    for r in c.s.execute(stmt):
        if r.assessed is None:
            opened = london_day(r.created_at)
            rows.append(ExceptionRow(r.reference, person_name(r.surname, r.forenames), r.officer,
                                     "Risk assessment: none on record", (c.as_of - opened).days, opened,
                                     offender_id=r.case_id))
        else:
            rows.append(ExceptionRow(r.reference, person_name(r.surname, r.forenames), r.officer,
                                     f"Review the {r.tool} risk assessment: review was due by {r.review_by:%d/%m/%Y}",
                                     (c.as_of - r.review_by).days, r.review_by, offender_id=r.case_id))
    return oldest_first(rows)
