"""Figure 2: the caseload for the whole force and one team, against hand-written SQL of the same
rows through the same driver (and the same session factory); and the paged caseload's first page
(what a national register shows first: its size and 200 rows sorted by the database) against the
same count and page written by hand."""

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


PAGE_SQL = CASELOAD_SQL.format(team="") + """
ORDER BY o.next_visit_due NULLS LAST, lower(o.surname) || ', ' || lower(o.forenames), o.id
LIMIT 200"""
COUNT_SQL = "SELECT count(*) FROM offender o WHERE o.status <> 'ended'"


def raw_first_page(run: Run) -> int:
    with run.services.session_factory() as s:
        s.execute(text(COUNT_SQL)).scalar_one()
        return len(s.execute(text(PAGE_SQL)).all())


def first_page(run: Run, words: tuple[str, ...] = (), sort: str = "visit") -> int:
    caseload.caseload_size(run.services, run.lead, CaseloadScope.ALL)
    return len(caseload.caseload_page(run.services, run.lead, CaseloadScope.ALL, words=words, sort=sort,
                                      count=bool(words)).rows)


def measure(run: Run) -> list[Measurement]:
    out: list[Measurement] = [compare(2, "caseload first page, force (paged)", lambda: first_page(run),
                   "hand-written count and page", lambda: raw_first_page(run),
                   repeat=run.repeat, budget_s=run.budget_s, target="< 200 ms",
                   extra=lambda rows: {"rows": rows})]
    for label, actor, scope, team_id in (
            ("caseload, whole force (OMU lead)", run.lead, CaseloadScope.ALL, None),
            (f"caseload, one team ({run.team})", run.supervisor, CaseloadScope.TEAM, run.supervisor.team_id)):
        out.append(compare(
            2, label, lambda a=actor, s=scope: caseload.list_caseload(run.services, a, s),
            "hand-written SQL, same driver", lambda t=team_id: raw_caseload(run, t),
            repeat=run.repeat, budget_s=run.budget_s, target="<= 1.5x",
            extra=lambda rows: {"rows": len(rows)}))
    return out
