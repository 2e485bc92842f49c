"""Open a database: engine, schema upgrade (backing up first), reference data seeded once."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from importlib.resources import files
from typing import Any

from sqlalchemy import Engine, make_url, select

from rso_manager.clock import Clock
from rso_manager.persistence import models as m
from rso_manager.persistence.engine import (
    is_encrypted,
    make_engine,
    make_session_factory,
    plain_database_warning,
    sqlite_url_for,
)
from rso_manager.persistence.integrity import (
    DatabaseDamagedError,
    DatabaseState,
    StoppableCheck,
    damaged_message,
    make_read_only,
    quick_check,
    refuse_writes,
    remember,
    state_of,
)
from rso_manager.persistence.locations import DB_NAME, DEMO_DB_NAME, data_dir
from rso_manager.persistence.locations import log_dir as log_dir  # re-exported for the UI's log
from rso_manager.persistence.pg_roles import check_app_connection
from rso_manager.persistence.schema import current_revision, head_revision, upgrade
from rso_manager.services.errors import ServiceError
from rso_manager.services.unit_of_work import Services

DB_ENV = "RSO_DATABASE_URL"


class DatabaseReadOnly(ServiceError):
    """A write on a database opened read-only because it is damaged."""


def make_files_private() -> None:
    """Everything this process creates (database, WAL, backups, logs, reports) is readable by
    its user only: the data is OFFICIAL-SENSITIVE. Called once by each composition root."""
    if os.name == "posix":
        os.umask(0o077)


def resolve_url(cli_url: str | None, *, demo: bool = False) -> str:
    """--db first, then RSO_DATABASE_URL, then a SQLite file in the user data directory.
    Demo data always goes to its own file, never into a database holding real cases."""
    if cli_url or os.environ.get(DB_ENV):
        return cli_url or os.environ[DB_ENV]
    return sqlite_url_for(data_dir() / (DEMO_DB_NAME if demo else DB_NAME))


def describe(url: str) -> str:
    """The database as a user may see it: never with a password."""
    engine_url = make_url(url)
    if engine_url.drivername.startswith("sqlite"):
        return f"SQLite {engine_url.database}"
    return f"PostgreSQL {engine_url.host or 'localhost'}/{engine_url.database}"


def seed_reference_data(engine: Engine, clock: Clock) -> None:
    """Idempotent: stations and settings are added once and then belong to the OMU."""
    factory = make_session_factory(engine)
    stations = json.loads(files("resources").joinpath("police_stations.json").read_text(encoding="utf-8"))
    with factory.begin() as s:
        if s.scalar(select(m.PoliceStation.id).limit(1)) is None:
            for st in stations["stations"]:
                s.add(m.PoliceStation(code=st["code"], name=st["name"], designated=st["designated"],
                                      created_at=clock.now()))


@dataclass(frozen=True)
class OpenedDatabase:
    """The open database. Unpacks as (engine, services) for callers that need only those;
    state says whether it is damaged (then read-only) or not encrypted."""

    engine: Engine
    services: Services
    state: DatabaseState
    where: str = ""  # describe(url), for the messages

    def __iter__(self) -> Iterator[Any]:
        return iter((self.engine, self.services))

    def integrity_check(self) -> StoppableCheck:
        """The open's quick_check, when open_database left it to the caller (check_later)."""
        return StoppableCheck(self.engine)

    def checked(self, damage: str | None) -> DatabaseState:
        """What the later quick_check found, applied: a damaged file becomes read-only where it
        stands (as open_database would have opened it) and its state says so."""
        state = state_of(self.engine)
        if damage and not state.damaged:
            where = self.where or describe(str(self.engine.url))
            make_read_only(self.engine, where, DatabaseReadOnly)
            state = DatabaseState(damaged=damaged_message(where, damage), warning=state.warning)
        else:
            state = DatabaseState(damaged=state.damaged, warning=state.warning)
        remember(self.engine, state)
        return state


def open_database(url: str, clock: Clock, *, read_only_if_damaged: bool = False,
                  check_later: bool = False) -> OpenedDatabase:
    """Open, check (quick_check), upgrade and seed. A damaged SQLite file raises
    DatabaseDamagedError, or with read_only_if_damaged (the GUI) opens with PRAGMA query_only,
    so the user can read and restore but every write fails with a message.

    check_later (the GUI, with read_only_if_damaged): a file already at this build's schema opens
    without the check, which reads every page (about 20 s at 100,000 cases), so the login shows at
    once; the caller runs `integrity_check()` beside the sign-in and hands its answer to
    `checked()`. A file to be migrated is checked first, as before: a damaged file is never
    migrated."""
    engine = make_engine(url)
    check_app_connection(engine)  # PostgreSQL: never as owner/superuser; the owner migrates
    warning = None
    if engine.dialect.name == "sqlite" and not is_encrypted(engine) and engine.url.database not in (None, "", ":memory:"):
        warning = plain_database_warning(engine.url.database)
    if check_later and engine.dialect.name == "sqlite" and current_revision(engine) == head_revision():
        seed_reference_data(engine, clock)
        state = DatabaseState(warning=warning, checked=False)
        remember(engine, state)
        return OpenedDatabase(engine, Services(make_session_factory(engine), clock), state, describe(url))
    damage = quick_check(engine)
    if damage:
        engine.dispose()
        message = damaged_message(describe(url), damage)
        if not read_only_if_damaged:
            raise DatabaseDamagedError(message)
        engine = make_engine(url, query_only=True)
        refuse_writes(engine, describe(url), DatabaseReadOnly)
        state = DatabaseState(damaged=message, warning=warning)
        remember(engine, state)
        return OpenedDatabase(engine, Services(make_session_factory(engine), clock), state, describe(url))
    upgrade(engine, now=clock.now())
    seed_reference_data(engine, clock)
    state = DatabaseState(warning=warning)
    remember(engine, state)
    return OpenedDatabase(engine, Services(make_session_factory(engine), clock), state, describe(url))


def is_demo(services: Services) -> bool:
    with services.session_factory() as s:
        return s.scalar(select(m.Setting.value_json).where(m.Setting.key == "demo_mode")) == "true"
