"""The rows of one load, made the way the app would make them: ids handed out here, created_at the
afternoon of the day an entry is about, times of day in England."""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import cache
from typing import Any

from sqlalchemy import Table
from sqlalchemy.orm import Session

from rso_manager.clock import LONDON
from rso_manager.demo.bulk_insert import INSERT_ORDER, Ids
from rso_manager.domain.dates import add_months
from rso_manager.domain.visit_policy import VisitPolicy
from rso_manager.persistence import audit_key, record_seal
from rso_manager.persistence import models as m
from rso_manager.persistence.bulk_rows import bulk_insert, with_column_defaults
from rso_manager.services import settings

# The same few thousand (day, months) pairs recur across a load: work each out once.
cached_add_months = cache(add_months)


@dataclass
class DemoTeam:
    id: int
    name: str
    index: int
    supervisor: int
    officers: list[int] = field(default_factory=list)
    station_id: int | None = None


@dataclass(frozen=True)
class PreparedTable:
    """One table's rows of a chunk, as stored, and their seal digests."""

    table: Table
    rows: list[dict[str, Any]]
    digests: list[bytes]


class RowMaker:
    """The rows of one load, with the ids, stamps and converters every kind of row shares."""

    def __init__(self, s: Session, rng: random.Random, today: date, now: datetime) -> None:
        self.s, self.rng, self.today, self.now = s, rng, today, now
        # Visits at the intervals the planner will judge them by.
        self.policy: VisitPolicy = settings.visit_policy(s)
        self.ids = Ids(s)
        self.rows: defaultdict[str, list[dict[str, Any]]] = defaultdict(list)
        self.teams: list[DemoTeam] = []
        self._stamps: dict[date, datetime] = {}
        self._offsets: dict[date, timedelta] = {}
        self._converters: dict[tuple[str, str], Callable[[Any], Any] | None] = {}
        self._digester = record_seal.Digester(audit_key.load())
        self._crime_seq = 0
        self._phone_seq = 0

    def _stamp(self, day: date) -> datetime:
        """When an entry about DAY was typed in: that afternoon, never after the clock's now."""
        at = self._stamps.get(day)
        if at is None:
            at = min(datetime(day.year, day.month, day.day, 16, 0, tzinfo=UTC), self.now)
            self._stamps[day] = at
        return at

    def _local(self, day: date, hour: int, minute: int) -> datetime:
        """HOUR:MINUTE on DAY in England, as aware UTC (hours here are all past 02:00, so the
        day's offset is the one at noon)."""
        offset = self._offsets.get(day)
        if offset is None:
            offset = datetime(day.year, day.month, day.day, 12, tzinfo=LONDON).utcoffset()
            self._offsets[day] = offset = offset or timedelta(0)
        return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC) - offset

    def _add(self, table: str, row: dict[str, Any]) -> int:
        row["id"] = rid = self.ids.take(table)
        self.rows[table].append(row)
        return rid

    def _entry(self, table: str, offender_id: int, day: date, by: int | None,
               **values: Any) -> int:
        """A CaseEntry row; every row of one table must carry the same keys (executemany).
        The hottest function of a load, hence the inlined id and stamp look-ups."""
        ids = self.ids.next
        values["id"] = rid = ids[table]
        ids[table] = rid + 1
        values["offender_id"] = offender_id
        values["version_id"] = 1
        values["created_at"] = self._stamps.get(day) or self._stamp(day)
        values["created_by_id"] = by
        self.rows[table].append(values)
        return rid

    def prepare(self, rows: dict[str, list[dict[str, Any]]]) -> list[PreparedTable]:
        """One chunk's rows as stored (column defaults filled in), parents first, each table's
        with the seal book's digest of every row, from the very values written (re-reading a
        million rows would cost more than writing them): all without the database."""
        out = []
        for model in INSERT_ORDER:
            table_rows = rows.get(model.__tablename__)
            if table_rows:
                table = m.table_of(model)
                full = with_column_defaults(table, table_rows)
                out.append(PreparedTable(table, full, self._digester[table.name].of_dicts(full)))
        return out

    def write(self, chunk: list[PreparedTable]) -> None:
        """A prepared chunk into the database: the only part of a chunk that touches the
        connection, so loading.py runs it beside the making of the next chunk."""
        for part in chunk:
            bulk_insert(self.s, part.table, part.rows, self._converters)

    def note_digests(self, chunk: list[PreparedTable]) -> None:
        """Hand a written chunk's digests to the next seal (audit_chain.seal_now)."""
        for part in chunk:
            record_seal.add_digests(self.s, part.table.name, [r["id"] for r in part.rows], part.digests)

    def _between(self, start: date, end: date) -> date:
        span = (end - start).days
        return start + timedelta(days=int(self.rng.random() * (span + 1))) if span > 0 else start
