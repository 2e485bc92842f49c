"""Kill a writing process with SIGKILL many times (more than the test suite's 50) and check the
database after each kill: integrity_check, every reported commit present, the audit chain sound.

    RSO_DB_KEY=... .venv/bin/python bench/bench_faults.py            # 200 kills, seed 1
    RSO_DB_KEY=... .venv/bin/python bench/bench_faults.py --kills 1000 --seed 7

Uses the writer and the checks of tests/persistence/test_faults.py on a demo database.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from rso_manager import demo  # noqa: E402
from rso_manager.clock import FixedClock  # noqa: E402
from rso_manager.database import open_database  # noqa: E402
from rso_manager.domain.roles import Role  # noqa: E402
from rso_manager.persistence import models as m  # noqa: E402
from rso_manager.services.unit_of_work import Actor  # noqa: E402
from tests.persistence.test_faults import Writer, _check_after_kill, _kill_point  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    os.environ.setdefault("RSO_MANAGER_DATA_DIR", tempfile.mkdtemp(prefix="rso-bench-data-"))
    path = Path(tempfile.mkdtemp(prefix="rso-bench-faults-")) / "faults.db"
    url = f"sqlite:///{path}"
    engine, services = open_database(url, FixedClock())
    demo.generate(services, offenders=20, seed=1)
    with services.session_factory() as s:
        om = s.query(m.User).filter(m.User.role == Role.OFFENDER_MANAGER.value, m.User.trained.is_(True)).first()
        actor = Actor(om.id, om.username, om.display_name, Role(om.role), om.team_id, True)
    engine.dispose()
    rng = random.Random(args.seed)
    writer = Writer(url, actor)
    started = time.perf_counter()
    try:
        for n in range(1, args.kills + 1):
            writer.kill_after(writer.start(), *_kill_point(rng))
            writer.reported |= _check_after_kill(url, path, writer.reported, actor.username)
            if n % 50 == 0:
                print(f"{n} kills, {len(writer.reported)} commits, all present; chain and integrity ok", flush=True)
    finally:
        writer.close()
    print(f"{args.kills} kills in {time.perf_counter() - started:.1f} s: no committed record lost, "
          f"integrity_check ok and the audit chain verified after every one. ({path})")


if __name__ == "__main__":
    main()
