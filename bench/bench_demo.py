"""Time the demo caseload load on a temporary SQLite file.

    .venv/bin/python bench/bench_demo.py            # 2,000, 20,000 and 100,000 offenders
    .venv/bin/python bench/bench_demo.py 2000 100000

Prints wall and CPU seconds (CPU separates our cost from other load on a shared machine),
rows written and rows per second. The target is 100,000 offenders in under 3 minutes.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import func, select

from rso_manager import demo
from rso_manager.clock import FixedClock
from rso_manager.database import open_database
from rso_manager.persistence.models import Base

DEFAULT_SIZES = (2000, 20000, 100000)


def _rows(services) -> int:
    with services.session_factory() as s:
        return sum(s.scalar(select(func.count()).select_from(t)) or 0
                   for t in Base.metadata.sorted_tables)


def bench(offenders: int, seed: int = 1) -> None:
    with tempfile.TemporaryDirectory(prefix="rso-bench-") as tmp:
        path = Path(tmp) / "bench.db"
        engine, services = open_database(f"sqlite:///{path}", FixedClock())
        try:
            before = _rows(services)
            wall, cpu = time.perf_counter(), time.process_time()
            demo.generate(services, offenders=offenders, seed=seed)
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            rows = _rows(services) - before
        finally:
            engine.dispose()
        size_mb = path.stat().st_size / 1e6
    print(f"{offenders:>7} offenders: {wall:7.1f} s wall, {cpu:7.1f} s CPU, {rows:>9} rows, "
          f"{rows / wall:>8.0f} rows/s, {size_mb:6.0f} MB", flush=True)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=list(DEFAULT_SIZES))
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    for n in args.sizes:
        bench(n, args.seed)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
