"""Backups and restore. SQLite: the online backup API into a file keyed exactly like the source
(same key, same salt, so the same passphrase or keyring entry opens it), each copy reopened and
checked before older ones are pruned. PostgreSQL: pg_dump -Fc. Every file is owner-only (0600).
No Qt here: the GUI's daily job and `main.py backup` both call back_up()."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import sqlcipher3
from sqlalchemy import Engine, select
from sqlalchemy.engine import make_url

from rso_manager.persistence import keys
from rso_manager.persistence import models as m
from rso_manager.persistence.engine import (
    BUSY_TIMEOUT_MS,
    DatabaseOpenError,
    key_of,
    make_engine,
    make_session_factory,
    sqlite_url_for,
)
from rso_manager.persistence.integrity import IntegrityReport, full_check

DEFAULT_KEEP = 14
KEEP_SETTING = "backup_keep"  # setting.value_json: an integer
STAMP = "%Y%m%dT%H%M%S"
PG_DUMP_MISSING = ("pg_dump is not on the PATH: install the PostgreSQL client tools (the same major "
                   "version as the server) to back up a PostgreSQL database.")


class BackupError(DatabaseOpenError):
    """A backup or restore could not be made or did not verify. The message says why and what to do."""


@dataclass(frozen=True)
class BackupResult:
    path: Path
    report: IntegrityReport
    removed: tuple[Path, ...]


def _private_empty_file(path: Path) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.close(fd)


def _connect(path: Path, key: keys.DatabaseKey | None):
    connection = sqlcipher3.connect(os.fspath(path), timeout=BUSY_TIMEOUT_MS / 1000)
    if key is not None:
        connection.execute(f'PRAGMA key = "{key.pragma_value()}"')
    return connection


def _copy_and_verify(source: Path, target: Path, key, *, unreadable: Callable[[Exception], str],
                     unsound: Callable[[str], str]):
    """Copy SOURCE to TARGET keyed the same and verify the copy; an unsound copy is deleted.
    The messages say what the failure means for this copy (a backup, a restore)."""
    try:
        copy_sqlite(source, target, key)
    except sqlcipher3.DatabaseError as exc:
        raise BackupError(unreadable(exc)) from None
    report = verify_sqlite(target, key)
    if not report.sound:
        _remove_with_sidecars(target)
        raise BackupError(unsound(report.summary()))
    return report


def _remove_with_sidecars(path: Path) -> None:
    for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm"), Path(f"{path}-journal")):
        p.unlink(missing_ok=True)


def copy_sqlite(source: Path, target: Path, key: keys.DatabaseKey | None) -> None:
    """SQLite's online backup API (consistent while others write through WAL). The target is
    keyed with the source's key and salt; a plain source (not yet encrypted) gives a plain copy."""
    _private_empty_file(target)
    try:
        src = _connect(source, key)
        try:
            dst = _connect(target, key)
            try:
                src.backup(dst)
            finally:
                dst.close()
        finally:
            src.close()
    except BaseException:
        _remove_with_sidecars(target)
        raise


def verify_sqlite(path: Path, key: keys.DatabaseKey | None) -> IntegrityReport:
    """Reopen the copy as the app would and run the full check, audit chain included."""
    engine = make_engine(sqlite_url_for(path), key=key)
    try:
        return full_check(engine)
    except DatabaseOpenError as exc:
        return IntegrityReport((str(exc),), ("open",))
    finally:
        engine.dispose()


def keep_setting(engine: Engine) -> int | None:
    with make_session_factory(engine)() as s:
        raw = s.scalar(select(m.Setting.value_json).where(m.Setting.key == KEEP_SETTING))
    try:
        return max(1, int(raw)) if raw is not None else None
    except ValueError:
        return None


def backup_target(stem: str, suffix: str, out_dir: Path, when: datetime) -> Path:
    base = f"{stem}-{when.strftime(STAMP)}"
    target = out_dir / f"{base}{suffix}"
    n = 1
    while target.exists():  # two backups in one second (tests, a double click)
        target = out_dir / f"{base}-{n}{suffix}"
        n += 1
    return target


def generations(out_dir: Path, stem: str, suffix: str) -> list[Path]:
    """This database's backups in OUT_DIR, oldest first (the stamp in the name sorts by time)."""
    pattern = re.compile(rf"{re.escape(stem)}-\d{{8}}T\d{{6}}(?:-\d+)?{re.escape(suffix)}")
    return sorted((p for p in out_dir.iterdir() if p.is_file() and pattern.fullmatch(p.name)),
                  key=lambda p: p.name)


def _prune(out_dir: Path, stem: str, suffix: str, keep: int) -> tuple[Path, ...]:
    old = generations(out_dir, stem, suffix)[:-keep] if keep > 0 else []
    for p in old:
        _remove_with_sidecars(p)
    return tuple(old)


def back_up(engine: Engine, out_dir: Path, *, when: datetime, keep: int | None = None) -> BackupResult:
    """One verified generation in OUT_DIR, then only the newest KEEP are kept (default: the
    backup_keep setting, else 14). A copy that does not verify is deleted and nothing is pruned."""
    if engine.dialect.name == "postgresql" and shutil.which("pg_dump") is None:
        raise BackupError(PG_DUMP_MISSING)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    keep = keep if keep is not None else (keep_setting(engine) or DEFAULT_KEEP)
    if keep < 1:
        raise BackupError("--keep must be at least 1: the newest backup is always kept.")
    if engine.dialect.name == "sqlite":
        return _back_up_sqlite(engine, out_dir, when, keep)
    if engine.dialect.name == "postgresql":
        return _back_up_postgres(engine, out_dir, when, keep)
    raise BackupError(f"Backups are not supported for {engine.dialect.name} databases.")


def _back_up_sqlite(engine: Engine, out_dir: Path, when: datetime, keep: int) -> BackupResult:
    database = engine.url.database
    if not database or database == ":memory:":
        raise BackupError("An in-memory database cannot be backed up.")
    source = Path(database)
    target = backup_target(source.stem, source.suffix, out_dir, when)
    key = key_of(engine)
    report = _copy_and_verify(
        source, target, key,
        unreadable=lambda exc: (f"The backup of {source} failed while reading it ({exc}): the "
                                "database may be damaged; run `python main.py check`."),
        unsound=lambda summary: (f"The backup copy did not verify and was deleted: {summary}. Run "
                                 "`python main.py check` on the database."))
    # A sound copy of a trail that does not verify is kept (it is evidence) and reported.
    return BackupResult(target, report, _prune(out_dir, source.stem, source.suffix, keep))


def _libpq(engine: Engine) -> tuple[str, dict[str, str]]:
    """pg_dump's connection string without the password (argv is visible to other users)."""
    url = engine.url
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    plain = url.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _back_up_postgres(engine: Engine, out_dir: Path, when: datetime, keep: int) -> BackupResult:
    pg_dump = shutil.which("pg_dump")
    if pg_dump is None:
        raise BackupError(PG_DUMP_MISSING)
    name = engine.url.database or "rso"
    target = backup_target(name, ".dump", out_dir, when)
    dsn, env = _libpq(engine)
    _private_empty_file(target)
    done = subprocess.run([pg_dump, "-Fc", "--no-password", "-f", os.fspath(target), "--dbname", dsn],
                          env=env, capture_output=True, text=True)
    if done.returncode != 0:
        target.unlink(missing_ok=True)
        raise BackupError(f"pg_dump failed: {done.stderr.strip().splitlines()[-1] if done.stderr else done.returncode}")
    pg_restore = shutil.which("pg_restore")
    checked: tuple[str, ...] = ("pg_dump",)
    if pg_restore is not None:  # reads the archive's table of contents back: a truncated file fails
        listed = subprocess.run([pg_restore, "--list", os.fspath(target)], capture_output=True, text=True)
        if listed.returncode != 0:
            target.unlink(missing_ok=True)
            raise BackupError(f"The pg_dump archive did not read back: {listed.stderr.strip()}")
        checked += ("pg_restore --list",)
    return BackupResult(target, IntegrityReport((), checked), _prune(out_dir, name, ".dump", keep))


def sqlite_path_from(text: str) -> Path:
    """--to accepts a file path or a sqlite:/// URL."""
    if text.startswith("sqlite"):
        database = make_url(text).database
        if not database:
            raise BackupError(f"{text} names no database file: give --to a file path.")
        return Path(database)
    if "://" in text:
        raise BackupError("restore writes a new SQLite file: give --to a file path. A PostgreSQL "
                          "backup (.dump) is restored with pg_restore into a new database.")
    return Path(text)


def restore(backup: Path, to: Path, *, key: keys.DatabaseKey | None = None) -> IntegrityReport:
    """Copy BACKUP into the new file TO (never over an existing one) and verify it there."""
    backup, to = Path(backup), Path(to)
    if not backup.is_file():
        raise BackupError(f"No backup file {backup}: give the path of a file made by `main.py backup`.")
    if backup.suffix == ".dump":
        raise BackupError(f"{backup} is a PostgreSQL archive: restore it with pg_restore into a new "
                          "database (pg_restore --dbname NEWDB FILE).")
    if to.exists() or Path(f"{to}-wal").exists():
        raise BackupError(f"{to} already exists: restore into a new file, so nothing is overwritten.")
    state = keys.file_state(backup)
    if state is keys.FileState.MISSING:
        raise BackupError(f"{backup} is empty: it is not a backup.")
    if state is keys.FileState.ENCRYPTED and key is None:
        try:
            key = keys.resolve_key(backup)
        except keys.KeyUnavailableError as exc:
            raise BackupError(str(exc)) from None
    to.parent.mkdir(parents=True, exist_ok=True)
    return _copy_and_verify(
        backup, to, key,
        unreadable=lambda exc: (f"Cannot read the backup {backup} ({exc}): the key is wrong or "
                                "the file is damaged; try the key it was made with, or an older backup."),
        unsound=lambda summary: (f"The restored copy did not verify and was deleted: {summary}. "
                                 "Try an older backup."))
