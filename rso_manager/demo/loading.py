"""The entry point: fill an empty database (or leave a demo one alone) in one transaction with a
single audit row, so a half-loaded demo database never exists."""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from rso_manager.demo.briefings import add_briefings
from rso_manager.demo.bulk_insert import advance_sequences, sqlite_cache
from rso_manager.demo.cases import Builder
from rso_manager.demo.court_watch import seed_court_watch
from rso_manager.demo.rows import PreparedTable
from rso_manager.demo.sign_in import DEMO_PASSWORD
from rso_manager.domain.roles import Role
from rso_manager.persistence import audit_chain, cycle_collector, record_seal
from rso_manager.persistence import models as m
from rso_manager.services import passwords
from rso_manager.services.search import index as search_index
from rso_manager.services.unit_of_work import Services

DEMO_SETTING = "demo_mode"
CHUNK = 2000  # offenders per bulk insert: ~100k rows, a few tens of MB of dicts at most
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class DemoResult:
    offenders: int
    users: int
    teams: int


def generate(services: Services, *, offenders: int, seed: int,
             progress: Progress | None = None) -> DemoResult:
    """Fill an empty database with OFFENDERS fictional cases; a demo database is left alone.

    Raises ValueError on a database that already holds users or cases and is not a demo one:
    demo data must never be mixed into live records.
    """
    if offenders < 1:
        raise ValueError("offenders must be at least 1")
    with services.session_factory() as s:
        if _is_demo(s):
            return _counts(s)
        _refuse_unless_empty(s)
    # Argon2id is deliberately slow: hash once, and outside the write transaction.
    password_hash = passwords.hash_password(DEMO_PASSWORD)
    now = services.clock.now()
    today = services.clock.today()
    rng = random.Random(seed)
    with cycle_collector.paused():  # millions of short-lived, acyclic dicts and tuples
        return _load(services, rng, offenders, seed, password_hash, today, now, progress)


def _load(services: Services, rng: random.Random, offenders: int, seed: int,
          password_hash: str, today: date, now: datetime, progress: Progress | None) -> DemoResult:
    with services.session_factory.begin() as s:
        _refuse_unless_empty(s)  # again, inside the write: someone may have set up meanwhile
        with sqlite_cache(s):
            builder = Builder(s, rng, today, now)
            teams, users = builder.staff(offenders, password_hash)
            # Core inserts the session cannot see: sealed by re-reading them with the first batch.
            record_seal.note_written(s, m.Team.__tablename__)
            record_seal.note_written(s, m.User.__tablename__)

            def sealed(write: Future[None], chunk: list[PreparedTable], done: int) -> None:
                write.result()
                builder.note_digests(chunk)
                # One seal row per batch, so no audit row carries millions of digests.
                audit_chain.seal_now(s, occurred_at=now, role=Role.ADMINISTRATOR.value,
                                     details={"demo_offenders_loaded": done})
                if progress is not None:
                    progress(done, offenders)

            # On PostgreSQL each chunk is made while the one before is written: the server's
            # COPY runs beside the Python making rows (a fifth off the load at 5,000). Not on
            # SQLite: sqlite3 lets go of the GIL for every row it steps, and taking it back from
            # a busy thread cost more than the overlap gained (1.8x the raw insert made 2.6x).
            # Made, written and sealed in the same order either way; leaving the executor waits
            # for a write under way, so a failed load is rolled back with the connection free.
            overlap = s.connection().dialect.name == "postgresql"
            with ThreadPoolExecutor(max_workers=1, thread_name_prefix="demo-writer") as writer:
                done = 0
                pending: tuple[Future[None], list[PreparedTable], int] | None = None
                while done < offenders:
                    size = min(CHUNK, offenders - done)
                    chunk = builder.prepare(builder.chunk(size))
                    done += size
                    if pending is not None:
                        sealed(*pending)
                    pending = (writer.submit(builder.write, chunk) if overlap else _written(builder, chunk),
                               chunk, done)
                if pending is not None:
                    sealed(*pending)
        add_briefings(s, builder.teams, now)  # issue 15: team patches, approved frontline briefings
        seed_court_watch(s, builder.teams, now)  # issue 18: charged people and their hearings
        s.execute(insert(m.table_of(m.Setting)), [{
            "id": builder.ids.take("setting"), "key": DEMO_SETTING, "value_json": "true",
            "version_id": 1, "created_at": now,
        }, {
            # 01632 960xxx is a range set aside for drama: no real number.
            "id": builder.ids.take("setting"), "key": "omu_contact",
            "value_json": json.dumps("OMU duty desk 01632 960000 (08:00 to 18:00), omu@example.net"),
            "version_id": 1, "created_at": now,
        }])
        record_seal.note_written(s, m.Setting.__tablename__)  # sealed with demo.generate's row
        advance_sequences(s)
        # The rows went in behind the ORM, so the search index is built from them here.
        search_index.rebuild(s, now)
        audit_chain.append(
            s, occurred_at=now, user_id=None, username="system", role=Role.ADMINISTRATOR.value,
            action="demo.generate", details={"offenders": offenders, "seed": seed},
        )
    return DemoResult(offenders, users, teams)


def _written(builder: Builder, chunk: list[PreparedTable]) -> Future[None]:
    """CHUNK written here and now, as a finished future."""
    builder.write(chunk)
    written: Future[None] = Future()
    written.set_result(None)
    return written


def _refuse_unless_empty(s: Session) -> None:
    if s.scalar(select(m.User.id).limit(1)) is not None or \
            s.scalar(select(m.Offender.id).limit(1)) is not None:
        raise ValueError(
            "This database already holds users or case records. Demo data only goes into an "
            "empty database or an existing demo database; create a new database file for the demo."
        )


def _is_demo(s: Session) -> bool:
    return s.scalar(select(m.Setting.value_json).where(m.Setting.key == DEMO_SETTING)) == "true"


def _counts(s: Session) -> DemoResult:
    return DemoResult(
        s.scalar(select(func.count(m.Offender.id))) or 0,
        s.scalar(select(func.count(m.User.id))) or 0,
        s.scalar(select(func.count(m.Team.id))) or 0,
    )
