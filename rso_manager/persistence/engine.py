"""Engines and sessions: SQLite pragmas on every connection, PostgreSQL untouched."""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, make_url
from sqlalchemy.orm import Session, sessionmaker

BUSY_TIMEOUT_MS = 5000


class DatabaseOpenError(Exception):
    """The database cannot be opened or used as asked. The message names the problem and the fix;
    the CLI prints it on one line and exits 2, the GUI shows it before anything else."""


class DatabaseLocationError(DatabaseOpenError, ValueError):
    """The database cannot live where it was asked to (e.g. SQLite on a network share)."""


def _refuse_network_share(url: str) -> None:
    # WAL does not work over a network filesystem (sqlite.org/wal.html); shared use is PostgreSQL.
    database = make_url(url).database or ""
    if database.startswith(("\\\\", "//")):
        raise DatabaseLocationError(
            f"The database file {database} is on a network share. SQLite files must be on a local "
            "disk; an OMU sharing one database between desktops uses PostgreSQL."
        )


def _set_sqlite_pragmas(dbapi_connection, _record) -> None:
    # Executed directly: the docs' recipe that toggles .autocommit needs Python 3.12.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    # REPLACE would otherwise delete an audit row without firing the delete trigger.
    cursor.execute("PRAGMA recursive_triggers=ON")
    cursor.close()


def make_engine(url: str, *, echo: bool = False) -> Engine:
    if url.startswith("sqlite"):
        _refuse_network_share(url)
        database = make_url(url).database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, echo=echo, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
        event.listen(engine, "connect", _set_sqlite_pragmas)
        return engine
    return create_engine(url, echo=echo, pool_pre_ping=True)


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


def sqlite_url_for(path: Path | str) -> str:
    return f"sqlite:///{os.fspath(path)}"
