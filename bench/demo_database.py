"""The benchmarks' demo database: a SQLite file of N demo offenders, generated once and reused."""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, make_url

from rso_manager import demo
from rso_manager.clock import FixedClock
from rso_manager.database import open_database
from rso_manager.persistence.engine import make_engine, make_session_factory
from rso_manager.services import users
from rso_manager.services.unit_of_work import Services


def demo_database(offenders: int, db: str | None, clock: FixedClock):
    """(engine, services) on DB (or a new temporary file), filled with OFFENDERS if empty."""
    path = Path(db) if db else Path(tempfile.mkdtemp()) / f"bench-{offenders}.db"
    engine, services = open_database(f"sqlite:///{path}", clock)
    if users.needs_first_admin(services):
        t = time.perf_counter()
        demo.generate(services, offenders=offenders, seed=1)
        print(f"generated {offenders} offenders in {time.perf_counter() - t:.1f} s")
    return engine, services


SHARED_DIR = Path("/dev/shm/bench")  # demo databases other runs made: reused, never rewritten


@dataclass
class BenchDatabase:
    """An open demo database: its URL (for the child processes), engine and services."""

    url: str
    engine: Engine
    services: Services
    close: Callable[[], None]
    generated_s: float | None = None  # seconds the demo took, when this run made it


def _generate(services: Services, offenders: int) -> float:
    t = time.perf_counter()
    demo.generate(services, offenders=offenders, seed=1)
    return time.perf_counter() - t


def _postgres(offenders: int, clock: FixedClock) -> BenchDatabase:
    """A server of its own, started as the tests start theirs, with the demo generated in it."""
    from tests import pg_server

    reason = pg_server.unavailable_reason()
    if reason:
        raise SystemExit(f"--db postgresql: {reason}")
    server = pg_server.start()
    try:
        url = pg_server.create_app_database(server, "rso_bench", clock.now())
        engine, services = open_database(url, clock)
        seconds = _generate(services, offenders)
    except BaseException:
        server.stop()
        raise
    print(f"generated {offenders} offenders on PostgreSQL in {seconds:.1f} s", flush=True)

    def close() -> None:
        engine.dispose()
        server.stop()

    return BenchDatabase(url, engine, services, close, seconds)


def bench_database(offenders: int, db: str | None, clock: FixedClock, workdir: Path) -> BenchDatabase:
    """DB: None (the shared /dev/shm/bench/bench-N.db when there is one, else a new file in
    WORKDIR), a SQLite path or URL, `postgresql` (a server of our own) or a PostgreSQL URL.
    A database holding no one is filled with the deterministic demo (seed 1) of OFFENDERS."""
    if db == "postgresql":
        return _postgres(offenders, clock)
    if db is None:
        shared = SHARED_DIR / f"bench-{offenders}.db"
        db = str(shared if shared.exists() else workdir / f"bench-{offenders}.db")
    url = db if "://" in db else f"sqlite:///{Path(db).resolve()}"
    existing = url.startswith("sqlite") and make_url(url).database and Path(make_url(url).database or "").exists()
    if existing:
        # An existing file is only read: the app's own opening (quick_check, upgrade) is what
        # the cold start measures, and the shared files must not be migrated by a benchmark.
        engine = make_engine(url)
        services = Services(make_session_factory(engine), clock)
    else:
        engine, services = open_database(url, clock)
    seconds = None
    if users.needs_first_admin(services):
        seconds = _generate(services, offenders)
        print(f"generated {offenders} offenders in {seconds:.1f} s", flush=True)
    return BenchDatabase(url, engine, services, engine.dispose, seconds)
