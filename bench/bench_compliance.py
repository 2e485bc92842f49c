"""How long the whole-force compliance figures take at scale, against reading their inputs.

    python bench/bench_compliance.py [N] [--db PATH] [--as-of YYYY-MM-DD]

Builds (or reuses) a demo database of N offenders (default 20,000), then times, in the same
run: compliance_figures.compute for the whole force as of today and as of a past day (the
figures are worked out from the records as they stood, issue 12), and a raw-SQL read of the
same input rows (every column the figures look at, no joins, no arithmetic). The ratio of the
two is the number to watch: it does not depend on the machine as the milliseconds do. Not a
test: numbers are reported, not asserted.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import text  # noqa: E402

from bench.demo_database import demo_database  # noqa: E402
from rso_manager.clock import FixedClock  # noqa: E402
from rso_manager.reports.compliance_figures import Scope, compute  # noqa: E402
from rso_manager.services import reports  # noqa: E402

# The input rows of the figures, column for column, read as plainly as SQL can.
RAW_READS = (
    "SELECT id, reference, surname, forenames, offender_manager_id, team_id, status, mappa_level, "
    "created_at FROM offender",
    "SELECT id, offender_id, kind, status, visited_at, outcome, announced, time_band, created_at, "
    "updated_at, voided_at FROM visit",
    "SELECT visit_id, user_id FROM visit_officer",
    "SELECT id, offender_id, kind, event_on, due_on, notified_at, late, created_at, updated_at, voided_at "
    "FROM statutory_notification",
    "SELECT id, offender_id, source, occurred_on, status, crime_reference, closed_at, notification_id, "
    "created_at, voided_at FROM breach",
    "SELECT id, offender_id, tool, level, assessed_on, review_by, created_at, voided_at FROM risk_assessment",
    "SELECT id, offender_id, effective_from, visit_interval_months, reactive, created_at, voided_at "
    "FROM risk_management_plan",
    "SELECT offender_id, kind, occurred_on, created_at, voided_at FROM visit_trigger",
    "SELECT offender_id, convicted_on, created_at, voided_at FROM conviction",
    "SELECT offender_id, kind, starts_on, ends_on, created_at, voided_at FROM disregarded_period",
    "SELECT id, offender_id, entity, entity_id, status, requested_at, signed_at, via_cover FROM sign_off",
    "SELECT id, offender_id, kind, status, declared_on, created_at, voided_at FROM device",
    "SELECT device_id, result, checked_on, created_at, voided_at FROM device_check",
    "SELECT offender_id, owner_id, due_on, completed_on, created_at, voided_at FROM plan_action",
    "SELECT offender_id, concern_at, referred_at, decision_at, created_at, voided_at FROM safeguarding_referral",
    "SELECT kind, breach_id, given_on, created_at, voided_at FROM warning",
)


def timed(fn, repeat=3):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def raw_read(services) -> int:
    with services.session_factory() as s:
        return sum(len(s.execute(text(sql)).all()) for sql in RAW_READS)


def figures(services, period_from: date, period_to: date, as_of: date):
    with reports._snapshot(services) as s:  # the snapshot the report itself reads in
        return compute(s, Scope.force(), period_from, period_to, as_of, reports.report_settings(s))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("offenders", type=int, nargs="?", default=20_000)
    parser.add_argument("--db", help="reuse this SQLite file (generated if missing)")
    parser.add_argument("--as-of", type=date.fromisoformat, help="the past day (default: 60 days ago)")
    args = parser.parse_args()
    clock = FixedClock()
    engine, services = demo_database(args.offenders, args.db, clock)
    today = clock.today()
    past = args.as_of or today - timedelta(days=60)
    raw_s, rows = timed(lambda: raw_read(services))
    print(f"raw read of the inputs                  {rows:>8} rows   {raw_s * 1000:8.1f} ms")
    for label, as_of in (("today", today), (f"as of {past:%d/%m/%Y}", past)):
        period = reports.default_period(as_of)
        seconds, f = timed(lambda p=period, a=as_of: figures(services, *p, a))
        print(f"compute, whole force, {label:<17} {len(f.visits.overdue):>6} overdue  {seconds * 1000:8.1f} ms"
              f"   {seconds / raw_s:5.1f} x the raw read")
    engine.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
