"""The caseload section: open cases by status, risk and MAPPA level, and each officer's load
against the OMU's ceiling."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import func, select

from rso_manager.domain.risk_levels import RISK_LABEL
from rso_manager.persistence import models as m
from rso_manager.reports.compliance_figures import selections as sel
from rso_manager.reports.compliance_figures.context import Ctx
from rso_manager.reports.compliance_figures.figures import CaseloadFigures, Count, OfficerLoad

RISK_KEYS = ("very_high", "high", "medium", "low", None)  # highest first; None = not assessed
MAPPA_LEVELS = (1, 2, 3)


def caseload_figures(c: Ctx) -> CaseloadFigures:
    # One pass over the open cases, counted by every key at once, then summed up each way:
    # four GROUP BYs read the cases four times and looked up each one's risk twice (issue 16).
    # Risk as assessed by the as-of day (a derived table: not every backend groups by a subquery).
    cases = (select(m.Offender.status, m.Offender.mappa_level, m.Offender.offender_manager_id,
                    c.risk_level().label("level"))
             .where(sel.open_cases(c)).subquery())
    by_status: Counter[str] = Counter()
    by_risk_raw: Counter[str | None] = Counter()
    by_mappa_raw: Counter[int | None] = Counter()
    per_officer: Counter[int | None] = Counter()
    for r in c.s.execute(select(*cases.c, func.count().label("n")).group_by(*cases.c)):
        by_status[r.status] += r.n
        by_risk_raw[r.level] += r.n
        by_mappa_raw[r.mappa_level] += r.n
        per_officer[r.offender_manager_id] += r.n
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
