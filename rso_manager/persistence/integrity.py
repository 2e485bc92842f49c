"""Is the database file sound? quick_check on every open; the full set before a backup, in
`main.py check` and weekly in the GUI. A damaged file opens read-only (PRAGMA query_only) so the
user can still read and restore, and every write is refused with a message.

quick_check reads every page of the file (about 20 s at 100,000 cases, SQLCipher decrypting each
page), so the GUI runs it beside the sign-in (StoppableCheck) rather than before the login shows,
and a file found damaged then is made read-only where it stands (make_read_only)."""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, event
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from rso_manager.persistence import audit_chain
from rso_manager.persistence.engine import DatabaseOpenError, is_encrypted

RESTORE_HINT = "restore the last good backup with `python main.py restore BACKUP --to NEW_DB`"


class DatabaseDamagedError(DatabaseOpenError):
    """The file failed an integrity check. The message says what failed and how to recover."""


@dataclass(frozen=True)
class IntegrityReport:
    problems: tuple[str, ...]  # the file itself: pages, keys, foreign keys
    checked: tuple[str, ...]
    audit_problem: str | None = None  # the file is sound but the audit trail does not verify

    @property
    def sound(self) -> bool:
        """The file can be trusted as a copy (a backup of a tampered trail is still evidence)."""
        return not self.problems

    @property
    def ok(self) -> bool:
        return not self.problems and self.audit_problem is None

    def summary(self) -> str:
        if self.ok:
            return f"Database OK ({', '.join(self.checked)})."
        return "; ".join([*self.problems, *([self.audit_problem] if self.audit_problem else [])])


SHOWN_PROBLEM_CHARS = 300  # of SQLite's own words on the damage, in a message or a banner


def _first_rows(rows, limit: int = 3) -> str:
    # One line, and short: a row of integrity_check can itself hold a line per damaged tree
    # ("*** in database main ***" and then hundreds), and the message is a banner's or a log's.
    shown = ", ".join(" ".join(" ".join(str(v).split()) for v in row) for row in rows[:limit])
    if len(shown) > SHOWN_PROBLEM_CHARS:
        shown = shown[:SHOWN_PROBLEM_CHARS - 1].rstrip() + "…"
    return shown + (f" (and {len(rows) - limit} more)" if len(rows) > limit else "")


def _pragma(engine: Engine, sql: str) -> list[tuple]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.exec_driver_sql(sql).fetchall()]


def _run(engine: Engine, name: str, sql: str, bad) -> str | None:
    try:
        rows = _pragma(engine, sql)
    except DBAPIError as exc:  # an HMAC or b-tree failure can raise instead of returning rows
        return f"{name} failed: {exc.orig}"
    return f"{name}: {_first_rows(rows)}" if bad(rows) else None


def _not_ok(rows) -> bool:
    return [r[0] for r in rows] != ["ok"]


def quick_check(engine: Engine) -> str | None:
    """None when sound, else what is wrong. SQLite only (PostgreSQL checks its own pages)."""
    if engine.dialect.name != "sqlite":
        return None
    return _run(engine, "quick_check", "PRAGMA quick_check", _not_ok)


class CheckStopped(Exception):
    """The check was stopped before it finished (the app is closing): nothing is known."""


class StoppableCheck:
    """quick_check on a thread of its own, which stop() from any other thread cuts short (SQLite
    answers an interrupt between pages), so closing the app never waits for a whole-file read."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._stopped = threading.Event()
        self._lock = threading.Lock()
        self._connection: Any = None  # the DBAPI connection while the check runs

    def run(self) -> str | None:
        """None when sound, else what is wrong; CheckStopped when stopped first."""
        if self.engine.dialect.name != "sqlite":
            return None
        if self._stopped.is_set():
            raise CheckStopped()
        with self.engine.connect() as conn:
            with self._lock:
                self._connection = conn.connection.driver_connection
            try:
                rows = [tuple(r) for r in conn.exec_driver_sql("PRAGMA quick_check").fetchall()]
            except DBAPIError as exc:
                if self._stopped.is_set():
                    raise CheckStopped() from None
                return f"quick_check failed: {exc.orig}"
            finally:
                with self._lock:
                    self._connection = None
        if self._stopped.is_set():
            raise CheckStopped()
        return f"quick_check: {_first_rows(rows)}" if _not_ok(rows) else None

    def stop(self) -> None:
        self._stopped.set()
        with self._lock:
            if self._connection is not None:
                self._connection.interrupt()


def full_check(engine: Engine, *, audit: bool = True) -> IntegrityReport:
    """integrity_check, foreign_key_check, cipher_integrity_check (encrypted files), the audit chain."""
    problems: list[str] = []
    checked: list[str] = []
    if engine.dialect.name == "sqlite":
        checks = [("integrity_check", "PRAGMA integrity_check", _not_ok),
                  ("foreign_key_check", "PRAGMA foreign_key_check", bool)]
        if is_encrypted(engine):
            checks.append(("cipher_integrity_check", "PRAGMA cipher_integrity_check", bool))
        for name, sql, bad in checks:
            checked.append(name)
            problem = _run(engine, name, sql, bad)
            if problem:
                problems.append(problem)
    audit_problem = None
    if audit and not problems:  # reading the audit rows of a broken file only repeats the error
        checked.append("audit chain")
        try:
            with Session(engine) as s:
                report = audit_chain.verify(s)
            if not report.ok:
                audit_problem = _chain_problem(report)
        except DBAPIError as exc:
            problems.append(f"audit chain could not be read: {exc.orig}")
    return IntegrityReport(tuple(problems), tuple(checked), audit_problem)


def _chain_problem(report) -> str:
    if report.problem:
        where = f" at row {report.first_bad_id}" if report.first_bad_id else ""
        return f"audit chain broken{where}: {report.problem}"
    found = tuple(getattr(report, "record_problems", ()))
    if found:
        more = getattr(report, "record_problem_count", len(found)) - 1
        return f"audit check failed: {found[0]}" + (f" (and {more} more)" if more > 0 else "")
    return "the audit chain did not verify; run `python main.py audit verify` for details"


def damaged_message(where: str, problem: str) -> str:
    return f"The database {where} is damaged ({problem}). Stop using it and {RESTORE_HINT}."


def refuse_writes(engine: Engine, where: str, refusal: Callable[[str], Exception]) -> None:
    """Turn SQLite's 'attempt to write a readonly database' into a message a user can act on,
    raised as REFUSAL(message): the caller's error type, one its users already show as a
    message (the services' errors sit above this layer)."""

    def translate(context) -> Exception | None:
        text = str(getattr(context.original_exception, "args", [""])[0]).lower()
        if "readonly" in text or "read-only" in text:
            return refusal(
                f"The database {where} is damaged and open read-only: nothing can be saved. "
                f"{RESTORE_HINT[0].upper()}{RESTORE_HINT[1:]}.")
        return None

    event.listen(engine, "handle_error", translate)


def make_read_only(engine: Engine, where: str, refusal: Callable[[str], Exception]) -> None:
    """An engine already in use becomes read-only from its next connection on (a transaction
    running at that moment may still finish): PRAGMA query_only on every new connection, the
    pool replaced so no pooled connection escapes it, and writes refused as refuse_writes says."""

    def query_only(dbapi_connection, _record) -> None:
        dbapi_connection.execute("PRAGMA query_only=ON")

    event.listen(engine, "connect", query_only)
    refuse_writes(engine, where, refusal)
    # The new pool keeps the engine's listeners; connections in use go back to the old one,
    # which is never drawn from again.
    engine.dispose()


@dataclass(frozen=True)
class DatabaseState:
    """What the GUI tells the user about the open database."""

    damaged: str | None = None  # the message; the database is read-only
    warning: str | None = None  # e.g. not encrypted
    checked: bool = True  # False while the open's quick_check is still to run (the GUI's sign-in)


_states: weakref.WeakKeyDictionary[Engine, DatabaseState] = weakref.WeakKeyDictionary()


def remember(engine: Engine, state: DatabaseState) -> None:
    _states[engine] = state


def state_of(engine: Engine | None) -> DatabaseState:
    return _states.get(engine, DatabaseState()) if engine is not None else DatabaseState()
