"""The benchmarks' demo database: a SQLite file of N demo offenders, generated once and reused."""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, create_engine, make_url, text

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


def _analyze(superuser_url: str) -> None:
    """Statistics for the tables just loaded, as a DBA runs ANALYZE after a bulk load (only the
    owner or a superuser may; autovacuum gets to it later by itself). Without them PostgreSQL
    plans the first reads blind: at 20,000 the compliance figures took 9.2 s before and 6.1 s
    after (the caseload section 1.1 s against 0.19 s)."""
    admin = create_engine(superuser_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as c:
            c.execute(text("ANALYZE"))
    finally:
        admin.dispose()


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
        _analyze(server.url("rso_bench"))
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


def scale_up(superuser_url: str, copies: int, only: tuple[str, ...] | None = None) -> dict[str, int]:
    """Make a PostgreSQL demo database COPIES times as big, server-side: every team, officer and
    case of the demo again under new ids (teams "North 2", officers "om.north1-2", references
    "RSO-000001-2"), each copy's rows pointing at its own copy's parents. A national register of
    1,000,000 cases from the 100,000 demo in minutes, where generating it would take hours on
    this machine. Teams stay the demo's size (more teams, not bigger ones), as a nation has.

    For the caseload and planner figures only: the copies are not in the search index, the
    audit trail or the seal book (audit verify and search are measured at 100,000), and the id
    sequences are not moved past them (nothing writes to such a database). ONLY: copy just these
    tables (e.g. team, app_user, offender and address: the caseload's, in minutes)."""
    from sqlalchemy import UniqueConstraint

    from rso_manager.demo.bulk_insert import INSERT_ORDER
    from rso_manager.persistence import models as m

    models: tuple[type[m.Base], ...] = (m.Team, m.User, *INSERT_ORDER)
    tables = [m.table_of(x) for x in models if only is None or m.table_of(x).name in only]
    cloned = {t.name for t in tables}
    engine = create_engine(superuser_url)
    added: dict[str, int] = {}
    try:
        with engine.begin() as c:
            top = {t.name: c.scalar(text(f"SELECT coalesce(max(id), 0) FROM {t.name}")) or 0 for t in tables}
            for t in tables:
                unique = {col.name for col in t.c if col.unique} | {
                    col.name for u in t.constraints if isinstance(u, UniqueConstraint) and len(u.columns) == 1
                    for col in u.columns}
                exprs = []
                for col in t.c:
                    parents = [fk.column.table.name for fk in col.foreign_keys]
                    if col.name == "id":
                        exprs.append(f"x.id + k.n * {top[t.name]}")
                    elif parents and parents[0] in cloned:
                        exprs.append(f"x.{col.name} + k.n * {top[parents[0]]}")
                    elif col.name in unique:
                        exprs.append(f"x.{col.name} || '-' || (k.n + 1)")
                    else:
                        exprs.append(f"x.{col.name}")
                names = ", ".join(col.name for col in t.c)
                result = c.execute(text(
                    f"INSERT INTO {t.name} ({names}) SELECT {', '.join(exprs)} FROM {t.name} x "
                    f"CROSS JOIN generate_series(1, {copies - 1}) AS k(n) WHERE x.id <= {top[t.name]}"))
                added[t.name] = result.rowcount
                print(f"  {t.name}: {result.rowcount:,} rows", flush=True)
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
            c.execute(text("VACUUM ANALYZE"))
    finally:
        engine.dispose()
    return added
