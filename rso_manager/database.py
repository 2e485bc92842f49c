"""Open a database: engine, schema upgrade (backing up first), reference data seeded once."""

from __future__ import annotations

import json
import os
from importlib.resources import files
from pathlib import Path

from platformdirs import PlatformDirs
from sqlalchemy import Engine, make_url, select

from rso_manager.clock import Clock
from rso_manager.persistence import models as m
from rso_manager.persistence.engine import make_engine, make_session_factory, sqlite_url_for
from rso_manager.persistence.schema import upgrade
from rso_manager.services.unit_of_work import Services

APP_NAME = "RSO Manager"
DB_ENV = "RSO_DATABASE_URL"
DATA_DIR_ENV = "RSO_MANAGER_DATA_DIR"


def make_files_private() -> None:
    """Everything this process creates (database, WAL, backups, logs, reports) is readable by
    its user only: the data is OFFICIAL-SENSITIVE. Called once by each composition root."""
    if os.name == "posix":
        os.umask(0o077)


def data_dir() -> Path:
    override = os.environ.get(DATA_DIR_ENV)
    if override:
        path = Path(override)
        path.mkdir(parents=True, exist_ok=True)
        return path
    return PlatformDirs(APP_NAME, "RSO Manager", ensure_exists=True).user_data_path


def log_dir() -> Path:
    if os.environ.get(DATA_DIR_ENV):
        path = data_dir() / "logs"
        path.mkdir(exist_ok=True)
        return path
    return PlatformDirs(APP_NAME, "RSO Manager", ensure_exists=True).user_log_path


def resolve_url(cli_url: str | None, *, demo: bool = False) -> str:
    """--db first, then RSO_DATABASE_URL, then a SQLite file in the user data directory.
    Demo data always goes to its own file, never into a database holding real cases."""
    if cli_url or os.environ.get(DB_ENV):
        return cli_url or os.environ[DB_ENV]
    return sqlite_url_for(data_dir() / ("rso-manager-demo.db" if demo else "rso-manager.db"))


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


def open_database(url: str, clock: Clock) -> tuple[Engine, Services]:
    engine = make_engine(url)
    upgrade(engine, now=clock.now())
    seed_reference_data(engine, clock)
    return engine, Services(make_session_factory(engine), clock)


def is_demo(services: Services) -> bool:
    with services.session_factory() as s:
        return s.scalar(select(m.Setting.value_json).where(m.Setting.key == "demo_mode")) == "true"
