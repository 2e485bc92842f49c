"""Putting a load's rows in fast: bulk inserts (persistence/bulk_rows.py), primary keys handed
out here, a bigger SQLite cache for the load, and PostgreSQL sequences moved past the loaded ids."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import func, select
from sqlalchemy.orm import Session

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
