"""Figure 2: the caseload for the whole force and one team, against hand-written SQL of the same
rows through the same driver (and the same session factory)."""

from __future__ import annotations

from sqlalchemy import text

from bench.caseload_sql import CASELOAD_SQL
from bench.figures.context import Run
from bench.harness import Measurement, compare
from rso_manager.domain.roles import CaseloadScope
from rso_manager.services import caseload


def raw_caseload(run: Run, team_id: int | None) -> int:
    sql = CASELOAD_SQL.format(team="AND o.team_id = :team" if team_id is not None else "")
    with run.services.session_factory() as s:
        rows = s.execute(text(sql), {"team": team_id} if team_id is not None else {}).all()
    return len(rows)


def measure(run: Run) -> list[Measurement]:
    out = []
    for label, actor, scope, team_id in (
            ("caseload, whole force (OMU lead)", run.lead, CaseloadScope.ALL, None),
            (f"caseload, one team ({run.team})", run.supervisor, CaseloadScope.TEAM, run.supervisor.team_id)):
        out.append(compare(
            2, label, lambda a=actor, s=scope: caseload.list_caseload(run.services, a, s),
            "hand-written SQL, same driver", lambda t=team_id: raw_caseload(run, t),
            repeat=run.repeat, budget_s=run.budget_s, target="<= 1.5x",
            extra=lambda rows: {"rows": len(rows)}))
    return out
