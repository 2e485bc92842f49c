"""Figure 5: the reminder scan, the dashboard figures and the compliance figures as JSON, for a
team and the force, against a raw aggregate of the same counts (GROUP BY over the tables the
figures read: cases due, visits, notifications, breaches, reviews, sign-offs, actions, referrals)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import text

from bench.figures.context import Run
from bench.harness import Measurement, compare
from rso_manager import reminders
from rso_manager.reports.compliance_figures import Scope
from rso_manager.services import reports

_OF = "JOIN offender o ON o.id = x.offender_id WHERE 1 = 1 {team}"
AGGREGATES = (
    "SELECT count(*), sum(CASE WHEN o.next_visit_due < :today THEN 1 ELSE 0 END), "
    "sum(CASE WHEN o.next_notification_due < :today THEN 1 ELSE 0 END), sum(o.open_breaches), "
    "sum(CASE WHEN o.next_visit_due <= :horizon THEN 1 ELSE 0 END) "
    "FROM offender o WHERE o.status = 'active' {team}",
    "SELECT x.status, x.kind, count(*) FROM visit x " + _OF +
    " AND x.voided_at IS NULL AND x.visited_at >= :period_from GROUP BY x.status, x.kind",
    "SELECT x.kind, count(*), sum(CASE WHEN x.late THEN 1 ELSE 0 END) FROM statutory_notification x " + _OF +
    " AND x.voided_at IS NULL GROUP BY x.kind",
    "SELECT x.status, count(*) FROM breach x " + _OF + " AND x.voided_at IS NULL GROUP BY x.status",
    "SELECT count(*), sum(CASE WHEN x.review_by < :today THEN 1 ELSE 0 END) FROM risk_assessment x " + _OF +
    " AND x.voided_at IS NULL",
    "SELECT x.status, count(*) FROM sign_off x " + _OF + " GROUP BY x.status",
    "SELECT count(*), sum(CASE WHEN x.completed_on IS NULL AND x.due_on < :today THEN 1 ELSE 0 END) "
    "FROM plan_action x " + _OF + " AND x.voided_at IS NULL",
    "SELECT count(*), sum(CASE WHEN x.decision_at IS NULL THEN 1 ELSE 0 END) FROM safeguarding_referral x "
    + _OF + " AND x.voided_at IS NULL",
    "SELECT x.kind, count(*) FROM device x " + _OF + " AND x.voided_at IS NULL GROUP BY x.kind",
)


def raw_aggregate(run: Run, team_id: int | None, manager_id: int | None = None) -> int:
    """The counts for a team (TEAM_ID), one officer's own cases (MANAGER_ID) or the force."""
    today = run.services.clock.today()
    period_from, _ = reports.default_period(today)
    params = {"today": today, "horizon": today + timedelta(days=7), "period_from": period_from,
              "team": team_id, "manager": manager_id}
    team = ("AND o.offender_manager_id = :manager" if manager_id is not None
            else "AND o.team_id = :team" if team_id is not None else "")
    with run.services.session_factory() as s:
        return sum(len(s.execute(text(sql.format(team=team)), params).all()) for sql in AGGREGATES)


def measure(run: Run) -> list[Measurement]:
    today = run.services.clock.today()
    period = reports.default_period(today)
    out = []
    # The OMU lead's own digest, the first read of her window (issue 16): her team's cases and
    # the work waiting on her, against the same counts for her team.
    out.append(compare(5, f"reminder scan ({run.lead.username})", lambda: reminders.scan(run.services, run.lead),
                       "raw aggregate of the same counts", lambda: raw_aggregate(run, run.lead.team_id),
                       repeat=run.repeat, budget_s=run.budget_s, extra=lambda d: {"items": len(d.items)}))
    for who, actor, reminded, scope, team_id in (
            ("team", run.supervisor, run.supervisor, Scope.team(run.team), run.supervisor.team_id),
            ("force", run.lead, run.officer, Scope.force(), None)):
        def base(t=team_id):
            return raw_aggregate(run, t)

        def own(a=reminded):  # the reminders' own scope: the supervisor's team, the officer's cases
            return raw_aggregate(run, a.team_id, None if a is run.supervisor else a.user_id)
        out.append(compare(5, f"reminder scan ({reminded.username})", lambda a=reminded: reminders.scan(run.services, a),
                           "raw aggregate of the same counts", own, repeat=run.repeat, budget_s=run.budget_s,
                           extra=lambda d: {"items": len(d.items)}))
        cases = {
            f"dashboard figures ({who})":
                (lambda a=actor, s=scope: reports.compliance_dashboard(run.services, a, s, *period, today), None),
            f"compliance figures JSON ({who})":
                (lambda a=actor, s=scope: reports.compliance_report(run.services, a, s, *period, today, fmt="json"),
                 lambda data: {"bytes": len(data)}),
        }
        for label, (fn, extra) in cases.items():
            out.append(compare(5, label, fn, "raw aggregate of the same counts", base, repeat=run.repeat,
                               budget_s=run.budget_s, target="<= 3x",
                               extra=extra))
    return out
