"""The benchmarks' demo database: a SQLite file of N demo offenders, generated once and reused."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from rso_manager import demo
from rso_manager.clock import FixedClock
from rso_manager.database import open_database
from rso_manager.services import users


def demo_database(offenders: int, db: str | None, clock: FixedClock):
    """(engine, services) on DB (or a new temporary file), filled with OFFENDERS if empty."""
    path = Path(db) if db else Path(tempfile.mkdtemp()) / f"bench-{offenders}.db"
    engine, services = open_database(f"sqlite:///{path}", clock)
    if users.needs_first_admin(services):
        t = time.perf_counter()
        demo.generate(services, offenders=offenders, seed=1)
        print(f"generated {offenders} offenders in {time.perf_counter() - t:.1f} s")
    return engine, services
