"""How long the planner takes for the whole force and one team (issue 16, "Planner"), beside a
raw-SQL read of the same inputs through the same driver in the same run.

    RSO_DB_KEY=benchkey python bench/bench_planner.py --db /dev/shm/bench/bench-20000.db [--repeat 3]

The harness (bench/__main__.py) may call planner_figure(services, engine, actor, scope, ...) for
each scope: it returns the medians and their ratio. Not a test: the figures depend on the
machine, so they are reported, not asserted.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import select  # noqa: E402

from rso_manager.clock import FixedClock  # noqa: E402
from rso_manager.database import open_database  # noqa: E402
from rso_manager.domain.roles import CaseloadScope  # noqa: E402
from rso_manager.persistence import models as m  # noqa: E402
from rso_manager.services import users, visits  # noqa: E402

# The planner's inputs, hand-written: the cases due by the horizon, their booked visits and
# crews, the officers and absences, and each input of a case's window and recent visits.
_CASES = ("SELECT id FROM offender WHERE status = 'active' AND next_visit_due IS NOT NULL "
          "AND next_visit_due <= :horizon{team}")
_RAW = (
    "SELECT id, reference, surname, forenames, risk_level, offender_manager_id, team_id, created_at "
    "FROM offender WHERE id IN ({cases})",
    "SELECT v.id, v.offender_id, v.planned_on, v.time_band, v.window_earliest, v.window_latest, v.version_id, vo.user_id, "
    "o.reference, o.surname, o.forenames, o.risk_level, o.offender_manager_id, o.team_id "
    "FROM visit v JOIN offender o ON o.id = v.offender_id LEFT JOIN visit_officer vo ON vo.visit_id = v.id "
    "WHERE v.status = 'booked' AND v.voided_at IS NULL{oteam}",
    "SELECT id, display_name, role, team_id, trained FROM app_user WHERE active "
    "AND role IN ('offender_manager', 'supervisor')",
    "SELECT user_id, starts_on, ends_on FROM absence WHERE voided_at IS NULL AND ends_on >= :as_of "
    "AND starts_on <= :until",
    "SELECT offender_id, max(visited_at) FROM visit WHERE offender_id IN ({cases}) AND voided_at IS NULL "
    "AND kind = 'home' AND status = 'completed' AND outcome = 'seen' GROUP BY offender_id",
    "SELECT offender_id, min(convicted_on) FROM conviction WHERE offender_id IN ({cases}) "
    "AND voided_at IS NULL GROUP BY offender_id",
    "SELECT offender_id, ends_on, kind FROM disregarded_period WHERE offender_id IN ({cases}) "
    "AND voided_at IS NULL AND kind IN ('custody', 'hospital') AND ends_on IS NOT NULL AND ends_on <= :as_of",
    "SELECT offender_id, police_from, from_agency FROM police_handover WHERE offender_id IN ({cases}) "
    "AND voided_at IS NULL AND police_from <= :as_of",
    "SELECT offender_id, occurred_on, kind FROM visit_trigger WHERE offender_id IN ({cases}) AND voided_at IS NULL",
    "SELECT offender_id, id, reactive, visit_interval_months, effective_from FROM risk_management_plan "
    "WHERE offender_id IN ({cases}) AND voided_at IS NULL",
    "SELECT entity_id, min(signed_at) FROM sign_off WHERE entity = 'risk_management_plan' AND status = 'approved' "
    "AND entity_id IN (SELECT id FROM risk_management_plan WHERE offender_id IN ({cases}) AND voided_at IS NULL) "
    "GROUP BY entity_id",
    "SELECT offender_id, assessed_on, level FROM risk_assessment WHERE offender_id IN ({cases}) "
    "AND voided_at IS NULL",
    "SELECT * FROM (SELECT offender_id, visited_at, planned_on, time_band, row_number() OVER ("
    "PARTITION BY offender_id ORDER BY coalesce(planned_on, visited_at) DESC, id DESC) AS rn FROM visit "
    "WHERE offender_id IN ({cases}) AND kind = 'home' AND voided_at IS NULL "
    "AND status IN ('completed', 'booked') AND time_band IS NOT NULL) AS r WHERE rn <= 6",
)


def raw_read(engine, as_of: date, days: int, team_id: int | None) -> int:
    """Every input the planner reads, fetched by hand-written SQL; the number of rows."""
    from sqlalchemy import text

    team, oteam = ("", "") if team_id is None else (f" AND team_id = {int(team_id)}", f" AND o.team_id = {int(team_id)}")
    cases = _CASES.format(team=team)
    params = {"horizon": as_of + timedelta(days=days), "as_of": as_of, "until": as_of + timedelta(days=days + 31)}
    rows = 0
    with engine.connect() as c:
        for sql in _RAW:
            stmt = text(sql.format(cases=cases, oteam=oteam))
            rows += len(c.execute(stmt, {k: v for k, v in params.items() if f":{k}" in stmt.text}).fetchall())
    return rows


def _median_seconds(fn, repeat: int) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def planner_figure(services, engine, actor, scope: CaseloadScope, *, as_of: date, days: int = 90,
                   repeat: int = 3) -> dict[str, Any]:
    """The planner for ACTOR's SCOPE over DAYS, beside the raw read of its inputs, measured
    alternately so both see the same load on the machine."""
    team_id = None if scope is CaseloadScope.ALL else actor.team_id
    planner, raw, items = [], [], 0
    for _ in range(repeat):
        t = time.perf_counter()
        view = visits.propose(services, actor, as_of=as_of, days=days, scope=scope)
        planner.append(time.perf_counter() - t)
        t = time.perf_counter()
        raw_read(engine, as_of, days, team_id)
        raw.append(time.perf_counter() - t)
        items = len(view.items)
    p, r = statistics.median(planner), statistics.median(raw)
    return {"scope": scope.value, "items": items, "planner_s": p, "raw_s": r, "ratio": p / r}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True, help="a demo SQLite file (e.g. /dev/shm/bench/bench-20000.db)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--days", type=int, default=90)
    args = parser.parse_args()
    clock = FixedClock()
    engine, services = open_database(f"sqlite:///{args.db}", clock)
    # The OMU lead as the services see them, without signing in: a sign-in code is accepted
    # once, and a benchmark runs many times on the same file.
    with services.session_factory() as s:
        lead = users.actor_for(s.scalars(select(m.User).where(m.User.username == "lead")).one())
    for scope in (CaseloadScope.ALL, CaseloadScope.TEAM):
        f = planner_figure(services, engine, lead, scope, as_of=clock.today(), days=args.days, repeat=args.repeat)
        print(f"planner {f['scope']:<5} {args.days} days {f['items']:>7} items  {f['planner_s']:7.2f} s  "
              f"raw read {f['raw_s']:6.2f} s  ratio {f['ratio']:5.2f}")
    engine.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
