"""Engines and sessions: SQLite pragmas on every connection, PostgreSQL untouched.

A SQLite database is encrypted with SQLCipher (``sqlite+pysqlcipher``); the key comes from
rso_manager.persistence.keys. A plain file from before encryption still opens, with a warning
pointing to ``main.py encrypt``.
"""

from __future__ import annotations

import logging
import os
import weakref
from pathlib import Path

import sqlcipher3
from sqlalchemy import URL, Engine, create_engine, event, make_url
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import QueuePool

from rso_manager.persistence import keys

BUSY_TIMEOUT_MS = 5000
log = logging.getLogger(__name__)
_keys: weakref.WeakKeyDictionary[Engine, keys.DatabaseKey] = weakref.WeakKeyDictionary()


class DatabaseOpenError(Exception):
    """The database cannot be opened or used as asked. The message names the problem and the fix;
    the CLI prints it on one line and exits 2, the GUI shows it before anything else."""


class DatabaseLocationError(DatabaseOpenError, ValueError):
    """The database cannot live where it was asked to (e.g. SQLite on a network share)."""


class WrongKeyError(DatabaseOpenError):
    """The key given does not open this encrypted file (or its first page is damaged)."""


def plain_database_warning(path: Path | str) -> str:
    return (f"The database {path} is not encrypted: anyone who can copy the file can read it. "
            f"Encrypt it with `python main.py --db sqlite:///{path} encrypt` (close the app first).")


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


def wrong_key_message(path: Path | str, source: str) -> str:
    return (f"Cannot open the encrypted database {path}: the key from {source} is not its key, or "
            f"the file is damaged. Give the right key ({keys.KEY_ENV}, the OS keyring or the "
            "passphrase); if the key is right, restore the last good backup with "
            "`python main.py restore BACKUP --to NEW_DB`.")


def _check_key(path: Path, key: keys.DatabaseKey):
    def check(dbapi_connection, _record) -> None:
        cursor = dbapi_connection.cursor()
        try:
            # SQLCipher otherwise prints "hmac check failed" to stderr; the error below says it.
            cursor.execute("PRAGMA cipher_log_level = NONE")
            cursor.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlcipher3.DatabaseError as exc:
            if key.source == "the passphrase":
                keys.forget_passphrase(path)
            raise WrongKeyError(wrong_key_message(path, key.source)) from exc
        finally:
            cursor.close()
    return check


def _sqlite_path(url: str) -> Path | None:
    database = make_url(url).database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database)


def encrypted_url(path: Path, key: keys.DatabaseKey, query: dict | None = None) -> URL:
    # URL.create: the key travels as the password, never pasted into a string (and repr masks it).
    return URL.create("sqlite+pysqlcipher", password=key.pragma_value(), database=os.fspath(path),
                      query=query or {})


def resolve_key(path: Path) -> keys.DatabaseKey:
    try:
        return keys.resolve_key(path)
    except keys.KeyUnavailableError as exc:
        raise DatabaseOpenError(str(exc)) from None


def make_engine(url: str, *, echo: bool = False, key: keys.DatabaseKey | None = None,
                encrypt: bool = True, query_only: bool = False) -> Engine:
    """encrypt=False only for a file that does not exist yet (benchmarks compare plain SQLite);
    query_only opens a database so that any write raises: a damaged SQLite file, or the reads'
    own process (services.reads_apart) on either backend."""
    if url.startswith("sqlite"):
        _refuse_network_share(url)
        path = _sqlite_path(url)
        if path is not None and path.is_dir():
            raise DatabaseOpenError(f"{path} is a folder, not a database file: give the path of the "
                                    "database file itself (e.g. rso-manager.db), in that folder or elsewhere.")
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
        state = keys.file_state(path) if path is not None else keys.FileState.PLAIN
        if path is None or state is keys.FileState.PLAIN or (not encrypt and state is keys.FileState.MISSING):
            if path is not None and state is keys.FileState.PLAIN and encrypt:
                log.warning("Database %s is not encrypted; run `main.py encrypt` to encrypt it", path.name)
            plain = make_url(url).set(drivername="sqlite")
            engine = create_engine(plain, echo=echo, hide_parameters=True,
                                   connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
        else:
            key = key or resolve_key(path)
            # QueuePool as for plain files: the dialect's default SingletonThreadPool would make two
            # sessions in one thread share a connection and its transaction.
            engine = create_engine(
                encrypted_url(path, key, dict(make_url(url).query)), echo=echo, poolclass=QueuePool,
                hide_parameters=True,  # SQL parameters are personal data: never in errors or logs
                connect_args={"timeout": BUSY_TIMEOUT_MS / 1000, "check_same_thread": False})
            event.listen(engine, "connect", _check_key(path, key))
            _keys[engine] = key
        event.listen(engine, "connect", _set_sqlite_pragmas)
        if query_only:
            event.listen(engine, "connect", _set_query_only)
        if path is not None and state is keys.FileState.MISSING and encrypt:
            # Write page 1 now so the salt in the key is the file's salt for every later opener.
            with engine.connect():
                pass
        return engine
    # PostgreSQL refuses every write of a read-only session's transactions (SQLSTATE 25006).
    read_only = {"connect_args": {"options": "-c default_transaction_read_only=on"}} if query_only else {}
    return create_engine(url, echo=echo, pool_pre_ping=True, hide_parameters=True, **read_only)


def _set_query_only(dbapi_connection, _record) -> None:
    dbapi_connection.execute("PRAGMA query_only=ON")


def is_encrypted(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite" and engine.dialect.driver == "pysqlcipher"


def key_of(engine: Engine) -> keys.DatabaseKey | None:
    """The key an encrypted engine uses (copies are keyed the same), else None."""
    return _keys.get(engine)


def raw_sqlite_connection(path: str | Path, *, key: keys.DatabaseKey | None = None):
    """A DBAPI connection (sqlcipher3) to a SQLite file, keyed as make_engine would key it, with
    the same pragmas. For tools and tests that need to go under the ORM (e.g. tamper tests)."""
    path = Path(path)
    connection = sqlcipher3.connect(os.fspath(path), timeout=BUSY_TIMEOUT_MS / 1000)
    if keys.file_state(path) is not keys.FileState.PLAIN:
        key = key or resolve_key(path)
        connection.execute(f'PRAGMA key = "{key.pragma_value()}"')
        try:
            _check_key(path, key)(connection, None)
        except WrongKeyError:
            connection.close()
            raise
    _set_sqlite_pragmas(connection, None)
    return connection


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    from rso_manager.persistence import input_guard  # refuses bad values on every flush
    return input_guard.install(sessionmaker(engine, expire_on_commit=False))


def sqlite_url_for(path: Path | str) -> str:
    return f"sqlite:///{os.fspath(path)}"
