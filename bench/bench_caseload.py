"""How long the caseload takes to list at scale (issue 2: large tables stay fast).

    python bench/bench_caseload.py [N] [--db PATH]

Builds (or reuses) a demo database of N offenders, then times list_caseload for the OMU lead's
whole force, a team supervisor and one offender manager, and the reminder scan. Not a test:
numbers depend on the machine, so they are reported, not asserted.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.demo_database import demo_database  # noqa: E402
from rso_manager import demo, reminders  # noqa: E402
from rso_manager.clock import FixedClock  # noqa: E402
from rso_manager.domain.roles import CaseloadScope  # noqa: E402
from rso_manager.services import caseload, second_factor, users  # noqa: E402


def timed(fn, repeat=3):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("offenders", type=int, nargs="?", default=100_000)
    parser.add_argument("--db", help="reuse this SQLite file (generated if missing)")
    args = parser.parse_args()
    clock = FixedClock()
    engine, services = demo_database(args.offenders, args.db, clock)
    lead = users.login(services, "lead", demo.DEMO_PASSWORD,
                       code=second_factor.current_code(demo.DEMO_TOTP_SECRETS["lead"], clock.now()))
    sup = users.login(services, "sup.northam", demo.DEMO_PASSWORD)
    om = users.login(services, "om.northam1", demo.DEMO_PASSWORD)
    for label, actor, scope in (("force (OMU lead)", lead, CaseloadScope.ALL),
                                ("team (supervisor)", sup, CaseloadScope.TEAM),
                                ("own caseload (offender manager)", om, CaseloadScope.MINE)):
        seconds, rows = timed(lambda a=actor, s=scope: caseload.list_caseload(services, a, s))
        print(f"list_caseload {label:<34} {len(rows):>7} rows  {seconds * 1000:8.1f} ms")
    seconds, digest = timed(lambda: reminders.scan(services, om))
    print(f"reminders.scan (offender manager)       {len(digest.items):>7} items {seconds * 1000:8.1f} ms")
    engine.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
