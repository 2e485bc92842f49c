import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before anything imports Qt
# Test databases are encrypted like real ones, with a fixed raw key: a raw key (64 hex) skips
# SQLCipher's per-connection PBKDF2, which would cost ~0.1 s on each of thousands of connections.
os.environ["RSO_DB_KEY"] = "5eed" * 16  # before anything opens a database
# The audit chain, record seals and checkpoints are keyed with a fixed test key (never a key file
# in the user's data directory).
os.environ["RSO_AUDIT_KEY"] = "a0d1" * 16

import queue
import shutil
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from rso_manager.clock import FixedClock
from rso_manager.database import seed_reference_data
from rso_manager.domain.roles import Role
from rso_manager.persistence.engine import make_engine, make_session_factory
from rso_manager.persistence.models import Team, User
from rso_manager.persistence.pg_roles import DEFAULT_APP_ROLE as APP_ROLE
from rso_manager.persistence.pg_roles import DEFAULT_OWNER_ROLE as OWNER_ROLE
from rso_manager.persistence.schema import upgrade
from rso_manager.services.passwords import hash_password
from rso_manager.services.unit_of_work import Actor, Services
from tests import pg_server

PASSWORD = "correct horse battery staple of tests"


@dataclass(frozen=True)
class World:
    """The standard people in every test database."""

    admin: Actor
    lead: Actor
    supervisor: Actor
    supervisor2: Actor
    om: Actor
    om2: Actor
    untrained: Actor
    team_id: int
    team2_id: int


def _seed_world(engine, clock) -> None:
    factory = make_session_factory(engine)
    pw = hash_password(PASSWORD)  # hashed once: Argon2id at full cost is deliberately slow
    with factory.begin() as s:
        north, south = Team(name="North", created_at=clock.now()), Team(name="South", created_at=clock.now())
        s.add_all([north, south])
        s.flush()
        people = [
            ("admin", "Ada Admin", Role.ADMINISTRATOR, None, True),
            ("lead", "Lee Lead", Role.OMU_LEAD, north.id, True),
            ("sup", "Sam Supervisor", Role.SUPERVISOR, north.id, True),
            ("sup2", "Sue Supervisor", Role.SUPERVISOR, north.id, True),
            ("om", "Olly Manager", Role.OFFENDER_MANAGER, north.id, True),
            ("om2", "Oona Manager", Role.OFFENDER_MANAGER, south.id, True),
            ("newbie", "Nat Newstarter", Role.OFFENDER_MANAGER, north.id, False),
        ]
        for username, name, role, team, trained in people:
            s.add(User(username=username, display_name=name, role=role.value, team_id=team,
                       trained=trained, active=True, password_hash=pw, failed_logins=0,
                       created_at=clock.now()))


def world_from(services: Services) -> World:
    with services.session_factory() as s:
        users = {u.username: u for u in s.query(User)}
        teams = {t.name: t.id for t in s.query(Team)}

    def actor(name):
        u = users[name]
        return Actor(u.id, u.username, u.display_name, Role(u.role), u.team_id, u.trained)

    return World(actor("admin"), actor("lead"), actor("sup"), actor("sup2"), actor("om"),
                 actor("om2"), actor("newbie"), teams["North"], teams["South"])


# --- SQLite: a migrated, seeded template file copied per test --------------------------


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory):
    clock = FixedClock()
    path = tmp_path_factory.mktemp("template") / "template.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine, now=clock.now())
    seed_reference_data(engine, clock)
    _seed_world(engine, clock)
    with engine.connect() as c:
        c.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return path


# --- PostgreSQL: one server per run, a template database cloned per test ----------------


@pytest.fixture(scope="session")
def postgres_server():
    reason = pg_server.unavailable_reason()
    if reason:
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL tests cannot run under CI: {reason}", pytrace=False)
        pytest.skip(f"!!! PostgreSQL tests SKIPPED: {reason}. Install PostgreSQL 15 to run them. !!!")
    server = pg_server.start()
    try:  # a set-up that fails must not leave the server running after the test run
        clock = FixedClock()
        # Migrated by the owner role, seeded and then used by the app role, as in production:
        # a clone keeps the grants (roles are cluster-wide, privileges live in the database).
        engine = make_engine(pg_server.create_app_database(server, "rso_template", clock.now()))
        seed_reference_data(engine, clock)
        _seed_world(engine, clock)
        engine.dispose()
        yield server
    finally:
        server.stop()


class _DatabaseFactory:
    """Clones the template database one step ahead of the tests, on a background thread:
    CREATE DATABASE costs about a third of a second, which would otherwise add up to minutes."""

    def __init__(self, server):
        self.server = server
        self.admin = create_engine(server.admin_url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
        self.names = (f"rso_test_{os.getpid()}_{i}" for i in range(1, 10**9))
        self.ready: queue.Queue = queue.Queue(maxsize=2)
        self.finished: queue.Queue = queue.Queue()
        threading.Thread(target=self._fill, daemon=True).start()
        threading.Thread(target=self._drop, daemon=True).start()

    def _fill(self):
        for name in self.names:
            try:
                with self.admin.connect() as c:
                    c.execute(text(f"CREATE DATABASE {name} TEMPLATE rso_template"))
                    # Database-level privileges are not cloned: only the two roles connect.
                    c.execute(text(f"REVOKE ALL ON DATABASE {name} FROM PUBLIC"))
                    c.execute(text(f"GRANT CONNECT ON DATABASE {name} TO {APP_ROLE}, {OWNER_ROLE}"))
            except Exception as exc:  # surfaced in the test that asks for the database
                self.ready.put(exc)
                return
            self.ready.put(name)

    def _drop(self):
        while True:
            name = self.finished.get()
            try:
                with self.admin.connect() as c:
                    c.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            except Exception:
                pass  # a leftover database dies with the server's temporary directory

    def take(self) -> str:
        got = self.ready.get(timeout=60)
        if isinstance(got, Exception):
            raise got
        return self.server.url(got, APP_ROLE)

    def give_back(self, url: str) -> None:
        self.finished.put(url.rsplit("/", 1)[1])


@pytest.fixture(scope="session")
def postgres_databases(postgres_server):
    return _DatabaseFactory(postgres_server)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request, sqlite_template, tmp_path):
    """A fresh, migrated database with the standard World, on each backend."""
    if request.param == "sqlite":
        target = tmp_path / "rso.db"
        shutil.copy(sqlite_template, target)
        yield f"sqlite:///{target}"
        return
    factory = request.getfixturevalue("postgres_databases")
    url = factory.take()
    yield url
    factory.give_back(url)


@pytest.fixture
def sqlite_url(sqlite_template, tmp_path):
    """SQLite only: for UI and CLI tests, where the backend is not what is under test."""
    target = tmp_path / "rso.db"
    shutil.copy(sqlite_template, target)
    return f"sqlite:///{target}"


@pytest.fixture
def clock():
    return FixedClock()


def _services(url, clock):
    engine = make_engine(url)
    return engine, Services(make_session_factory(engine), clock)


@pytest.fixture
def services(db_url, clock):
    engine, svc = _services(db_url, clock)
    yield svc
    engine.dispose()


@pytest.fixture
def sqlite_services(sqlite_url, clock):
    engine, svc = _services(sqlite_url, clock)
    yield svc
    engine.dispose()


@pytest.fixture
def postgres_services(postgres_databases, clock):
    """PostgreSQL only: for what only that backend does (its snapshot and JIT settings)."""
    url = postgres_databases.take()
    engine, svc = _services(url, clock)
    yield svc
    engine.dispose()
    postgres_databases.give_back(url)


@pytest.fixture
def world(request) -> World:
    svc = request.getfixturevalue("sqlite_services" if "sqlite_services" in request.fixturenames else "services")
    return world_from(svc)


@pytest.fixture
def empty_sqlite_url(tmp_path):
    return f"sqlite:///{tmp_path / 'empty.db'}"


# The longest tests (each tens of seconds: the benchmark's smoke run, the writer killed at random
# points, main.py's bad invocations, the planner at scale, the demo) start first: under `-n 2`
# one of them scheduled last keeps one worker busy while the other has finished.
_LONG_FIRST = frozenset({
    "tests/bench/test_bench_runs.py",
    "tests/persistence/test_faults.py",
    "tests/cli/test_bad_invocations.py",
    "tests/services/test_visits_planner_at_scale.py",
    "tests/core/test_visit_proposal.py",
    "tests/cli/test_demo.py",
})


def pytest_collection_modifyitems(config, items):
    items.sort(key=lambda item: item.nodeid.split("::", 1)[0] not in _LONG_FIRST)  # stable: order kept within


@pytest.fixture(scope="session", autouse=True)
def _no_stray_data_dir():
    """Keep tests out of the user's real data directory."""
    d = tempfile.mkdtemp(prefix="rso-data-")
    os.environ["RSO_MANAGER_DATA_DIR"] = d
    yield
    shutil.rmtree(Path(d), ignore_errors=True)


@pytest.fixture(autouse=True)
def _forget_compiled_statements():
    """Each test opens its own engines, so each brings a new dialect, and every ORM mapper keeps
    its compiled INSERTs and UPDATEs per dialect (up to 100 each, LRU): over a run that held about
    a million objects alive from databases long gone, which every full collection walked again
    (GUI teardowns grew to 2 s each). The app has one engine, so this is a test-run cost only."""
    yield
    from rso_manager.persistence.models import Base

    for mapper in Base.registry.mappers:
        mapper._compiled_cache.clear()
