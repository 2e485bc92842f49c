"""Signed checkpoints of the audit chain, written outside the database without anyone asking.

A checkpoint is one JSON line ``{"v", "rows", "head_hash", "at", "signature"}`` appended to
``<data dir>/audit-checkpoints/<log name>.jsonl``: every N audit rows (setting
``audit_checkpoint_every``, default 500) and whenever the app or a command closes the database.
The signature is an HMAC with the audit key, so a checkpoint cannot be forged or edited; the log
name is keyed too, from the database's random id and its location, so it says nothing about the
database (and a copy of a database elsewhere gets a log of its own). A checkpoint holds no
personal data: a row count, a hash and a time.

`audit verify` reads the log and checks that the chain still passes through every checkpoint, so
rows deleted from the end (head fixed up) or a chain rebuilt with the unkeyed hash are named.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import URL, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from rso_manager.persistence.audit_key import AuditKey
from rso_manager.persistence.locations import data_dir
from rso_manager.persistence.models import AuditHead, Setting

DATABASE_ID_SETTING = "audit_database_id"
EVERY_SETTING = "audit_checkpoint_every"
DEFAULT_EVERY = 500
DIRECTORY = "audit-checkpoints"


@dataclass(frozen=True)
class Checkpoint:
    """The head of the chain at a moment, kept outside the database: anyone with write access
    could rebuild a whole chain, but not one that ends at a hash kept elsewhere."""

    rows: int
    head_hash: str
    at: str | None = None


def location(url: URL) -> str:
    """Where the database is, as the log name's input (never written out as it is)."""
    if url.get_backend_name() == "sqlite":
        database = url.database or ""
        return "sqlite:" + (str(Path(database).resolve()) if database and database != ":memory:"
                            else database)
    return f"{url.get_backend_name()}:{url.host or ''}:{url.port or ''}/{url.database or ''}"


def database_id(session: Session) -> str | None:
    raw = session.scalar(select(Setting.value_json).where(Setting.key == DATABASE_ID_SETTING))
    return json.loads(raw) if raw else None


def every(session: Session) -> int:
    raw = session.scalar(select(Setting.value_json).where(Setting.key == EVERY_SETTING))
    try:
        n = int(json.loads(raw)) if raw else DEFAULT_EVERY
    except (TypeError, ValueError):
        n = DEFAULT_EVERY
    return max(1, n)


def log_path(key: AuditKey, db_id: str, where: str) -> Path:
    name = hmac.new(key.secret, f"checkpoint log|{db_id}|{where}".encode(), hashlib.sha256).hexdigest()[:24]
    return data_dir() / DIRECTORY / f"{name}.jsonl"


def _signed_body(cp: Checkpoint) -> bytes:
    return json.dumps({"v": 1, "rows": cp.rows, "head_hash": cp.head_hash, "at": cp.at},
                      sort_keys=True, separators=(",", ":")).encode()


def _sign(key: AuditKey, cp: Checkpoint) -> str:
    return key.mac(b"checkpoint|" + _signed_body(cp))


def append(path: Path, key: AuditKey, cp: Checkpoint) -> None:
    """Add CP to the log at PATH (owner-only; flushed to disk: it is the anchor)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    line = json.dumps({"v": 1, "rows": cp.rows, "head_hash": cp.head_hash, "at": cp.at,
                       "signature": _sign(key, cp)}, sort_keys=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    try:
        os.write(fd, (line + "\n").encode())
        os.fsync(fd)
    finally:
        os.close(fd)


@dataclass(frozen=True)
class Log:
    path: Path | None
    checkpoints: tuple[Checkpoint, ...]
    problems: tuple[str, ...]  # lines that are not valid signed checkpoints


def read(path: Path | None, key: AuditKey) -> Log:
    if path is None or not path.exists():
        return Log(path, (), ())
    good: list[Checkpoint] = []
    bad: list[str] = []
    with path.open(encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                raw = json.loads(line)
                cp = Checkpoint(int(raw["rows"]), str(raw["head_hash"]), raw.get("at"))
                signature = str(raw["signature"])
            except (ValueError, KeyError, TypeError):
                bad.append(f"line {n} of the checkpoint log {path} is not a checkpoint")
                continue
            if not hmac.compare_digest(signature, _sign(key, cp)):
                bad.append(f"line {n} of the checkpoint log {path} is not signed with this machine's "
                           "audit key: the log was altered, or the key is not this database's")
                continue
            good.append(cp)
    return Log(path, tuple(good), tuple(bad))


def log_for(session: Session, key: AuditKey) -> Path | None:
    db_id = database_id(session)
    if db_id is None:
        return None
    return log_path(key, db_id, location(session.get_bind().engine.url))


def last(path: Path | None, key: AuditKey) -> Checkpoint | None:
    log = read(path, key)
    return log.checkpoints[-1] if log.checkpoints else None


def write_now(session: Session, key: AuditKey, at: str) -> Checkpoint | None:
    """Checkpoint the committed head now (on close), unless the log already ends there."""
    path = log_for(session, key)
    if path is None:
        return None
    seq, head = session.execute(select(AuditHead.seq, AuditHead.hash).where(AuditHead.id == 1)).one()
    cp = Checkpoint(seq, head, at)
    previous = last(path, key)
    if seq == 0 or (previous is not None and (previous.rows, previous.head_hash) == (seq, head)):
        return previous
    append(path, key, cp)
    return cp


def write_on_close(session_factory: sessionmaker[Session], at: str) -> Checkpoint | None:
    """What the CLI and the GUI call as they close the database. Never raises: a checkpoint
    that cannot be written must not stop the app closing (verify then has an older one)."""
    from rso_manager.persistence.audit_key import AuditKeyError, load

    try:
        with session_factory() as s:
            return write_now(s, load(), at)
    except (OSError, AuditKeyError, SQLAlchemyError):
        return None
