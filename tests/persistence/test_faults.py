"""Faults the record must survive (security.md §7 T1, T2; DPA 2018 s.66(2)(c)(d)).

- A writer SIGKILLed at random points: the file stays sound, every commit it reported is there,
  nothing it did not finish is, and the audit chain verifies.
- A full disk (SQLite's max_page_count): the user is told the cause, nothing half-written is
  left, and the database takes the next write once there is room.
"""

from __future__ import annotations

import os
import random
import select
import signal
import subprocess
import sys
import time
from contextlib import closing
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import event, func
from sqlalchemy import select as sql_select

from rso_manager.persistence import audit_chain
from rso_manager.persistence import models as m
from rso_manager.persistence.engine import make_engine, make_session_factory, raw_sqlite_connection
from rso_manager.services import caseload
from rso_manager.services.caseload import OffenderDraft
from rso_manager.services.errors import StorageFull
from rso_manager.services.unit_of_work import Services

ROOT = Path(__file__).resolve().parents[2]
KILLS = int(os.environ.get("RSO_FAULT_KILLS", "50"))
SEED = 20261125


class Writer:
    """tests/persistence/fault_writer.py: forks one writing child per start()."""

    def __init__(self, url: str, actor) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.persistence.fault_writer", url, str(actor.user_id), actor.username,
             str(actor.team_id)], cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1)
        self.reported: set[int] = set()

    def _line(self, deadline: float) -> str:
        remaining = deadline - time.monotonic()
        ready, _, _ = select.select([self.process.stdout], [], [], max(remaining, 0))
        if not ready:
            raise AssertionError("the writer said nothing in time")
        line = self.process.stdout.readline()
        if not line:
            raise AssertionError(f"the writer ended (exit {self.process.wait()})")
        # A child killed while writing its report leaves the report without its newline, and the
        # parent's "exited PID" follows on the same line: "commit 41exited 1234".
        partial, exited, rest = line.partition("exited ")
        if exited and partial:
            line = exited + rest
        report = partial if exited else line
        if report.startswith("commit ") and report.split()[1:2] and report.split()[1].isdigit():
            self.reported.add(int(report.split()[1]))
        return line

    def start(self) -> int:
        self.process.stdin.write("go\n")
        self.process.stdin.flush()
        deadline = time.monotonic() + 30
        while not (line := self._line(deadline)).startswith("child "):
            pass
        return int(line.split()[1])

    def kill_after(self, pid: int, seconds: float, commits: int = 0) -> None:
        """Kill PID once it has reported COMMITS more commits and SECONDS more have passed."""
        target, deadline = len(self.reported) + commits, time.monotonic() + 30
        while len(self.reported) < target:
            self._line(deadline)
        time.sleep(seconds)
        os.kill(pid, signal.SIGKILL)
        deadline = time.monotonic() + 30
        while self._line(deadline).strip() != f"exited {pid}":
            pass

    def close(self) -> None:
        self.process.stdin.close()
        self.process.wait(timeout=30)


def _check_after_kill(url: str, path: Path, reported: set[int], username: str) -> set[int]:
    with closing(raw_sqlite_connection(path)) as db:
        assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    engine = make_engine(url)
    try:
        with make_session_factory(engine)() as s:
            ids = set(s.scalars(sql_select(m.Offender.id).where(m.Offender.surname.like("Faultcase%"))))
            report = audit_chain.verify(s)
            audited = set(s.scalars(sql_select(m.AuditEvent.entity_id).where(
                m.AuditEvent.action == "record.create", m.AuditEvent.username == username)))
    finally:
        engine.dispose()
    assert report.ok, report
    assert reported <= ids, f"reported commits missing: {sorted(reported - ids)}"
    # The one commit that may have landed between its COMMIT and its report line; no more.
    assert len(ids - reported) <= 1, sorted(ids - reported)
    assert audited == ids  # every record has its audit row, and no audit row lacks its record
    return ids


def _kill_point(rng: random.Random) -> tuple[float, int]:
    """(seconds, commits): mostly after 1-3 commits of the child and a few milliseconds more
    (a commit takes tens of them, so the kill lands inside the next write, whatever the load);
    sometimes before the first (opening the file, recovering the last child's WAL)."""
    if rng.random() < 0.2:
        return rng.uniform(0, 0.1), 0
    return rng.uniform(0, 0.05), rng.randint(1, 3)


def test_a_writer_killed_at_random_points_loses_nothing_it_committed(sqlite_url, sqlite_services, world):
    path = Path(sqlite_url.removeprefix("sqlite:///"))
    rng = random.Random(SEED)
    writer = Writer(sqlite_url, world.om)
    try:
        for _ in range(KILLS):
            pid = writer.start()
            writer.kill_after(pid, *_kill_point(rng))
            ids = _check_after_kill(sqlite_url, path, writer.reported, world.om.username)
            writer.reported |= ids  # an unreported commit that survived counts from here on
    finally:
        writer.close()
    assert len(writer.reported) > KILLS  # the kills landed among real writes


# --- a full disk ---------------------------------------------------------------------------


def _limit_pages(services: Services) -> dict:
    """Cap the database at its present size plus LIMIT['extra'] pages, on every new connection."""
    engine = services.session_factory.kw["bind"]
    limit = {"extra": 0}

    def cap(dbapi_connection, _record):
        pages = dbapi_connection.execute("PRAGMA page_count").fetchone()[0]
        if limit["extra"] is not None:
            dbapi_connection.execute(f"PRAGMA max_page_count = {pages + limit['extra']}")

    event.listen(engine, "connect", cap)
    engine.dispose()  # the cap applies from the next connection on
    return limit


def _fill_free_pages(services: Services) -> None:
    """Reusing free pages needs no growth: use them up so the next write must grow the file."""
    with services.session_factory() as s:
        s.connection().exec_driver_sql("VACUUM")


def _draft(world, surname="Fullcase"):
    return OffenderDraft(surname=surname, forenames="Disk", date_of_birth=date(1980, 1, 1),
                         identifying_marks="m" * 20_000, offender_manager_id=world.om.user_id, team_id=world.team_id)


def test_a_full_disk_names_the_cause_saves_nothing_and_the_database_carries_on(sqlite_services, world):
    services = sqlite_services
    _fill_free_pages(services)
    limit = _limit_pages(services)
    with services.session_factory() as s:
        before = (s.scalar(sql_select(func.count()).select_from(m.Offender)), audit_chain.verify(s).rows)

    with pytest.raises(StorageFull) as caught:
        caseload.create_offender(services, world.om, _draft(world))
    assert "the disk holding the database is full" in str(caught.value)
    assert "database or disk is full" in str(caught.value)  # the cause, as SQLite gave it

    with services.session_factory() as s:
        assert (s.scalar(sql_select(func.count()).select_from(m.Offender)), audit_chain.verify(s).rows) == before
        assert s.connection().exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
        # Reading still works while the disk is full.
        assert s.scalar(sql_select(func.count()).select_from(m.User)) > 0

    limit["extra"] = None  # space freed
    services.session_factory.kw["bind"].dispose()
    rec = caseload.create_offender(services, world.om, _draft(world))
    with services.session_factory() as s:
        assert s.get(m.Offender, rec.offender_id).surname == "Fullcase"
        assert audit_chain.verify(s).ok
