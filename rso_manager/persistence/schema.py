"""Create or upgrade the schema with Alembic, after backing the file up."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from rso_manager.persistence.backup import backup_target, copy_sqlite
from rso_manager.persistence.engine import key_of

MIGRATIONS = Path(__file__).with_name("migrations")


class SchemaTooNewError(RuntimeError):
    """The database was written by a newer RSO Manager than this one."""


def _config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def head_revision() -> str:
    head = ScriptDirectory.from_config(_config()).get_current_head()
    if head is None:  # only a broken install ships no migrations
        raise RuntimeError(f"no database migrations found in {MIGRATIONS}")
    return head


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


@dataclass(frozen=True)
class UpgradeResult:
    from_revision: str | None
    to_revision: str
    backup: Path | None


def backup_sqlite(engine: Engine, when: datetime) -> Path | None:
    """A consistent copy through SQLite's online backup API (safe while WAL is in use), keyed
    like the database: an encrypted database never leaves a plain copy behind."""
    database = engine.url.database
    if engine.dialect.name != "sqlite" or not database or database == ":memory:":
        return None
    source = Path(database)
    if not source.exists() or source.stat().st_size == 0:
        return None
    target_dir = source.parent / "backups"
    target_dir.mkdir(exist_ok=True, mode=0o700)
    target = backup_target(source.stem, source.suffix, target_dir, when)
    copy_sqlite(source, target, key_of(engine))
    return target


def upgrade(engine: Engine, *, now: datetime) -> UpgradeResult:
    """Bring the database to this build's schema; refuse one newer than this build."""
    cfg = _config()
    script = ScriptDirectory.from_config(cfg)
    head = head_revision()
    current = current_revision(engine)
    if current is not None and current != head:
        try:
            script.get_revision(current)
        except Exception as exc:  # alembic raises several kinds for an unknown revision
            raise SchemaTooNewError(
                f"This database was created by a newer version of RSO Manager (schema {current}). "
                "Install the newer version, or open a different database."
            ) from exc
    backup = None
    if current != head:
        backup = backup_sqlite(engine, now) if current is not None else None
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            cfg.attributes["now"] = now  # the injected clock, for rows a migration writes
            command.upgrade(cfg, "head")
    return UpgradeResult(current, head, backup)
