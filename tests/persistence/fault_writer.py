"""A writer to be killed: `python -m tests.persistence.fault_writer URL USER_ID USERNAME TEAM_ID`.

Opens the database and writes once (printing "commit ID" after each commit returns), then for
each line "go" on stdin forks a child that writes through the real services until it is killed.
The parent prints "child PID" for each fork and "exited PID" once it has reaped it. Forking a
warmed-up process (imports, compiled SQL, keys) keeps start-up cost out of each of many kills.
"""

from __future__ import annotations

import itertools
import os
import sys
from datetime import date

from rso_manager.clock import SystemClock
from rso_manager.domain.roles import Role
from rso_manager.persistence.engine import make_engine, make_session_factory
from rso_manager.services import caseload
from rso_manager.services.caseload import OffenderDraft
from rso_manager.services.unit_of_work import Actor, Services


def _write(services: Services, actor: Actor, n: int) -> None:
    rec = caseload.create_offender(services, actor, OffenderDraft(
        surname=f"Faultcase{n}", forenames="Kill Me", date_of_birth=date(1980, 1, 1),
        identifying_marks="x" * (n % 7 * 300), offender_manager_id=actor.user_id, team_id=actor.team_id))
    print(f"commit {rec.offender_id}", flush=True)


def main(argv: list[str]) -> None:
    url, user_id, username, team_id = argv
    actor = Actor(int(user_id), username, "Olly Manager", Role.OFFENDER_MANAGER, int(team_id), True)
    engine = make_engine(url)
    services = Services(make_session_factory(engine), SystemClock())
    counter = itertools.count(1)
    _write(services, actor, next(counter))
    engine.dispose()  # no connection is shared with a child
    for line in sys.stdin:
        if line.strip() != "go":
            break
        pid = os.fork()
        if pid == 0:
            try:
                while True:
                    _write(services, actor, next(counter))
            finally:
                os._exit(1)
        print(f"child {pid}", flush=True)
        os.waitpid(pid, 0)
        print(f"exited {pid}", flush=True)
        for _ in range(1000):  # the next child's names differ from this one's
            next(counter)


if __name__ == "__main__":
    main(sys.argv[1:])
