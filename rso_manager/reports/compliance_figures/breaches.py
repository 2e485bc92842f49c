"""The breaches section: open breaches still waiting for a crime reference or a signed no-crime
decision, and the period's breaches, crimes, decisions and warnings."""

from __future__ import annotations

from sqlalchemy import and_, case, func, select

from rso_manager.persistence import models as m
from rso_manager.reports.compliance_figures import selections as sel
from rso_manager.reports.compliance_figures.context import OPEN_CASE, Ctx, oldest_first, person_name
from rso_manager.reports.compliance_figures.figures import BreachFigures, ExceptionRow
from rso_manager.reports.compliance_figures.labels import BREACH_SOURCE_LABEL


def breach_figures(c: Ctx) -> BreachFigures:
    B = m.Breach
    base = sel.breach_live(c)
    open_at = sel.breach_open_at(c)
    open_total = c.s.scalar(select(func.count(B.id)).join(m.Offender, m.Offender.id == B.offender_id)
                            .where(base, OPEN_CASE, open_at)) or 0
    # Undecided: no crime reference and no signed decision. A proposal not to record a crime
    # is not a decision until a supervisor signs it, so it stays here (named as waiting). A
    # crime reference recorded after the as-of day closed the breach then, so on the as-of day
    # it had none.
    undecided = and_(open_at, ~sel.crime_reference_as_of(c))
    stmt = c.join_case(select(B.source, B.occurred_on, sel.decision_proposed(c).label("proposed"),
                              *c.case_cols()), B.offender_id).where(base, OPEN_CASE, undecided)

    def needed(r) -> str:
        what = BREACH_SOURCE_LABEL.get(r.source, r.source.replace('_', ' '))
        if r.proposed:
            return f"Sign the proposed no-crime decision, or record a crime: {what}"
        return f"Crime reference or reasoned no-crime decision: {what}"

    rows = [ExceptionRow(r.reference, person_name(r.surname, r.forenames), r.officer, needed(r),
                         (c.as_of - r.occurred_on).days, r.occurred_on, offender_id=r.case_id)
            for r in c.s.execute(stmt)]
    counted = (select(func.sum(case((sel.breach_opened(c), 1), else_=0)),
                      func.sum(case((sel.breach_crime(c), 1), else_=0)),
                      func.sum(case((sel.breach_no_crime(c), 1), else_=0)))
               .join(m.Offender, m.Offender.id == B.offender_id).where(base))
    opened, crimes, no_crime = (v or 0 for v in c.s.execute(counted).one())
    W = m.FormalWarning
    warned = dict(c.s.execute(select(W.kind, func.count()).join(m.Offender, m.Offender.id == W.offender_id)
                              .where(sel.warnings_given(c))
                              .group_by(W.kind)).all())
    return BreachFigures(open_total=open_total, open_without_decision=oldest_first(rows),
                         opened_in_period=opened, crimes_recorded=crimes, no_crime_decisions=no_crime,
                         warnings_oral=warned.get("oral", 0), warnings_written=warned.get("written", 0))
