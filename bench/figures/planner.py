"""Figure 4: the visit planner (services.visits.planning.propose) over 90 days for the whole
force and one team, against a raw-SQL read of the same inputs: the cases due, the visits
booked and their officers, the teams' officers and absences, each due case's visits, risk,
plans, triggers, convictions and disregarded periods, and the visit policy."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import text

from bench.figures.context import Run
from bench.harness import Measurement, compare
from rso_manager.domain.roles import CaseloadScope
from rso_manager.services.visits import planning

DAYS = 90
_DUE = ("o.status = 'active' AND o.next_visit_due IS NOT NULL AND o.next_visit_due <= :horizon {team}")
_PER_CASE = ("visit", "risk_management_plan", "risk_assessment", "visit_trigger", "conviction",
             "disregarded_period")


def _reads(team: bool) -> list[str]:
    in_team = "AND o.team_id = :team" if team else ""
    due = _DUE.format(team=in_team)
    return [
        f"SELECT v.* FROM visit v JOIN offender o ON o.id = v.offender_id "
        f"WHERE v.status = 'booked' AND v.voided_at IS NULL {in_team}",
        f"SELECT vo.visit_id, vo.user_id FROM visit_officer vo JOIN visit v ON v.id = vo.visit_id "
        f"JOIN offender o ON o.id = v.offender_id WHERE v.status = 'booked' AND v.voided_at IS NULL {in_team}",
        f"SELECT o.* FROM offender o WHERE {due}",
        "SELECT * FROM app_user WHERE active" + (" AND team_id = :team" if team else ""),
        "SELECT * FROM absence",
        *(f"SELECT x.* FROM {t} x JOIN offender o ON o.id = x.offender_id WHERE {due}" for t in _PER_CASE),
        "SELECT value_json FROM setting",
    ]


def raw_inputs(run: Run, team_id: int | None) -> int:
    horizon = run.services.clock.today() + timedelta(days=DAYS)
    params = {"horizon": horizon, "team": team_id}
    with run.services.session_factory() as s:
        return sum(len(s.execute(text(sql), params).all()) for sql in _reads(team_id is not None))


def measure(run: Run) -> list[Measurement]:
    today = run.services.clock.today()
    out = []
    for label, actor, scope, team_id, target in (
            ("planner, whole force, 90 days", run.lead, CaseloadScope.ALL, None, "< 5 s, <= 3x"),
            (f"planner, one team ({run.team}), 90 days", run.supervisor, CaseloadScope.TEAM,
             run.supervisor.team_id, "< 1 s")):
        out.append(compare(
            4, label,
            lambda a=actor, s=scope: planning.propose(run.services, a, as_of=today, days=DAYS, scope=s),
            "raw-SQL read of the same inputs", lambda t=team_id: raw_inputs(run, t),
            repeat=run.repeat, budget_s=run.budget_s, target=target,
            extra=lambda view: {"items": len(view.items), "overdue": len(view.overdue)}))
    return out
