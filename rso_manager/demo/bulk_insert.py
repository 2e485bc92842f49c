"""Putting a load's rows in fast: Core bulk inserts through SQLAlchemy's own bind processors,
primary keys handed out here, a bigger SQLite cache for the load, and PostgreSQL sequences moved
past the loaded ids."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from operator import itemgetter
from typing import Any

from sqlalchemy import Boolean, Date, Dialect, Table, func, insert, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.schema import ScalarElementColumnDefault

from rso_manager.persistence import models as m

SQLITE_LOAD_CACHE_KIB = 128 * 1024


@contextmanager
def sqlite_cache(s: Session) -> Iterator[None]:
    """A bigger SQLite page cache for the load, then the old one back (the connection goes
    back to the pool). With the default 2 MB the one long transaction keeps spilling index
    pages to the WAL and reading them back: measured, a sixth of SQLite's time."""
    conn = s.connection()
    if conn.dialect.name != "sqlite":
        yield
        return
    before = conn.exec_driver_sql("PRAGMA cache_size").scalar_one()
    conn.exec_driver_sql(f"PRAGMA cache_size=-{SQLITE_LOAD_CACHE_KIB}")
    try:
        yield
    finally:
        conn.exec_driver_sql(f"PRAGMA cache_size={int(before)}")


def advance_sequences(s: Session) -> None:
    """PostgreSQL: the rows went in with ids assigned here, so each id sequence still stands
    where it was, and the next create would collide with a loaded row. nextval, not setval:
    the app role may use a sequence but not set it back onto existing ids."""
    conn = s.connection()
    if conn.dialect.name != "postgresql":
        return
    for table in m.Base.metadata.sorted_tables:
        if "id" not in table.c:
            continue
        sequence = conn.scalar(select(func.pg_get_serial_sequence(table.name, "id")))
        if sequence is None:  # ids not from a sequence (the audit trail numbers its own)
            continue
        loaded = conn.scalar(select(func.max(table.c.id))) or 0
        at: int = conn.execute(select(func.nextval(sequence))).scalar_one()
        if at < loaded:
            conn.scalar(select(func.max(func.nextval(sequence)))
                        .select_from(func.generate_series(1, loaded - at)))


# Parents before children, so foreign keys hold at every statement on both backends.
INSERT_ORDER: tuple[type[m.Base], ...] = (
    m.Offender, m.Alias, m.Address, m.Conviction, m.NotificationRequirement, m.DisregardedPeriod,
    m.CivilOrder, m.OrderRequirement, m.RiskAssessment, m.RiskManagementPlan, m.CaseNote,
    m.VisitTrigger, m.Visit, m.VisitOfficer, m.Device, m.DeviceCheck, m.StatutoryNotification,
    m.Breach, m.FormalWarning, m.Relationship, m.SafeguardingReferral, m.Action, m.SignOff,
    m.Photograph, m.PhysicalDescription, m.Vehicle, m.Occupation, m.OnlineIdentifier,
)

# Columns whose values come from a small set (calendar days, the day stamps of created_at,
# flags): their converted values are kept for the whole load. Times of day are not.
_FEW_VALUES = (Date, Boolean)
_STAMPED = frozenset({"created_at", "closed_at", "requested_at"})


def bulk_insert(s: Session, table: Table, rows: list[dict[str, Any]],
                converters: dict[tuple[str, str], Callable[[Any], Any] | None]) -> None:
    """Insert ROWS (dicts with the same keys) in one executemany.

    On a positional-parameter driver (sqlite3) the rows are turned into tuples here, through
    the very bind processors SQLAlchemy would use: its per-row parameter handling otherwise
    costs more than SQLite's own work and would double the time of a 100,000-offender load.
    Other drivers (psycopg) take the ordinary Core path, which batches well by itself.
    """
    conn = s.connection()
    dialect = conn.dialect
    keys = list(rows[0])
    # Column defaults still apply to columns the rows leave out, as they would through Core.
    defaults = {c.key: c.default.arg for c in table.c
                if c.key not in rows[0] and isinstance(c.default, ScalarElementColumnDefault)}
    compiled = insert(table).compile(dialect=dialect, column_keys=[*keys, *defaults])
    if not compiled.positional or compiled.positiontup is None:
        s.execute(insert(table), [{**defaults, **r} for r in rows] if defaults else rows)
        return
    if defaults:
        rows = [{**defaults, **r} for r in rows]
    order = compiled.positiontup
    tuples: list[tuple[Any, ...]] = list(map(itemgetter(*order), rows))
    processors = [(i, p) for i, name in enumerate(order)
                  if (p := _converter(converters, table, name, dialect))]
    if processors:
        columns: list[Any] = list(zip(*tuples, strict=True))
        for i, process in processors:
            columns[i] = list(map(process, columns[i]))
        tuples = list(zip(*columns, strict=True))
    conn.exec_driver_sql(compiled.string, tuples)


def _converter(converters: dict[tuple[str, str], Callable[[Any], Any] | None], table: Table,
               name: str, dialect: Dialect) -> Callable[[Any], Any] | None:
    key = (table.name, name)
    if key not in converters:
        column = table.c[name]
        process = column.type.dialect_impl(dialect).bind_processor(dialect)
        converter: Callable[[Any], Any] | None = process
        if process is not None and (isinstance(column.type, _FEW_VALUES) or name in _STAMPED):
            converter = _Memo(process).__getitem__
        converters[key] = converter
    return converters[key]


class _Memo(dict[Any, Any]):
    """A converter that works each value out once; a hit costs a C-level dict lookup."""

    def __init__(self, process: Callable[[Any], Any]) -> None:
        super().__init__()
        self.process = process

    def __missing__(self, value: Any) -> Any:
        self[value] = converted = self.process(value)
        return converted


class Ids:
    """Primary keys handed out here (from max(id) + 1) so children can point at parents
    without a round trip per row."""

    def __init__(self, s: Session) -> None:
        self.next: dict[str, int] = {}
        models: tuple[type[m.Base], ...] = (*INSERT_ORDER, m.Team, m.User, m.Setting)
        for model in models:
            table = m.table_of(model)
            self.next[table.name] = (s.scalar(select(func.max(table.c.id))) or 0) + 1

    def take(self, table: str) -> int:
        n = self.next[table]
        self.next[table] = n + 1
        return n
