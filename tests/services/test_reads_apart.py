"""Issue 16: long reads in a process of their own (services.reads_apart), on SQLite and PostgreSQL.

The process is real: spawned, opening the test's database with the key handed over the pipe.
"""

from __future__ import annotations

import os
import threading
import time
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from rso_manager import pipe_frames, reminders
from rso_manager.persistence import models as m
from rso_manager.persistence.engine import key_of
from rso_manager.persistence.keys import KEY_ENV
from rso_manager.services import caseload, reads_apart, supervision, users
from rso_manager.services.caseload import OffenderDraft
from rso_manager.services.errors import AccountChanged
from rso_manager.services.reads_apart import ReadFailed, ReadsApart, ReadsClosed
from rso_manager.services.unit_of_work import Services
from tests.services.test_one_decision_path import _offender, _proposed


def _url(services: Services) -> str:
    return services.session_factory.kw["bind"].url.render_as_string(hide_password=False)


@pytest.fixture
def apart(services, monkeypatch):
    """The process, started without the database key in its environment: it must use the key
    it is handed."""
    engine = services.session_factory.kw["bind"]
    url = _url(services) if engine.dialect.name != "sqlite" else f"sqlite:///{engine.url.database}"
    monkeypatch.delenv(KEY_ENV, raising=False)
    process = ReadsApart(url, key_of(engine))
    monkeypatch.undo()
    services.apart = process
    yield process
    services.apart = None
    process.close()


# Module level, so the process can import them by name.
def _reads_the_clock(services: Services) -> date:
    return services.clock.today()


def _writes(services: Services) -> int:
    with services.session_factory.begin() as s:
        s.add(m.Team(name="Written by a read", created_at=services.clock.now()))
    return os.getpid()


def _unpicklable(services: Services) -> object:
    return lambda: None


class _Awkward(Exception):
    def __init__(self, a: int, b: int) -> None:
        super().__init__(f"{a} and {b}")


def _fails_awkwardly(services: Services) -> None:
    raise _Awkward(1, 2)


def test_the_queue_read_apart_is_the_queue_read_here(services, world, apart):
    oid = _offender(services, world)
    _proposed(services, world, oid)
    here = supervision.queue_for(services, world.supervisor)
    assert here, "the test needs an item in the queue"
    assert reads_apart.read(services, supervision.queue_for, world.supervisor) == here
    assert apart.served == 1 and apart.alive


def test_the_reminder_scan_read_apart_is_the_scan_read_here(services, world, apart):
    caseload.create_offender(services, world.om, OffenderDraft(
        surname="Scan", forenames="Sid", date_of_birth=date(1970, 1, 1),
        offender_manager_id=world.om.user_id, team_id=world.om.team_id))
    here = reminders.scan(services, world.om, days_ahead=7)
    assert reads_apart.read(services, reminders.scan, world.om, days_ahead=7) == here
    assert apart.served == 1


def test_a_read_apart_uses_the_callers_clock_as_it_is_at_each_call(services, world, apart, clock):
    assert reads_apart.read(services, _reads_the_clock) == clock.today()
    clock.current = clock.current + timedelta(days=40)
    assert reads_apart.read(services, _reads_the_clock) == clock.today() == date(2027, 1, 4)


def test_a_read_apart_is_authorised_against_the_account_as_it_is_now(services, world, apart):
    oid = _offender(services, world)
    _proposed(services, world, oid)
    assert reads_apart.read(services, supervision.queue_for, world.supervisor)
    with services.session_factory() as s:
        version = s.get(m.User, world.supervisor.user_id).version_id
    users.change_user(services, world.admin, world.supervisor.user_id, version, active=False,
                      reason="Left the force on transfer to another constabulary's public protection unit.")
    with pytest.raises(AccountChanged, match="closed"):
        reads_apart.read(services, supervision.queue_for, world.supervisor)
    assert apart.alive  # a refusal is an answer, not a failure of the process


def test_a_read_that_writes_is_run_here_and_written_once(services, world, apart):
    assert reads_apart.read(services, _writes) == os.getpid()  # run by this process
    with services.session_factory() as s:
        assert s.scalar(select(func.count()).where(m.Team.name == "Written by a read")) == 1
    assert apart.served == 0 and apart.alive


def test_what_cannot_come_back_as_it_was_comes_back_as_a_message(services, world, apart):
    with pytest.raises(ReadFailed, match="could not be sent back"):
        reads_apart.read(services, _unpicklable)
    with pytest.raises(ReadFailed, match="_Awkward: 1 and 2"):
        reads_apart.read(services, _fails_awkwardly)
    assert reads_apart.read(services, _reads_the_clock) == services.clock.today()  # still serving


def test_reads_go_on_here_once_the_process_has_gone(services, world, apart, caplog):
    oid = _offender(services, world)
    _proposed(services, world, oid)
    apart._process.kill()
    apart._process.join()
    here = supervision.queue_for(services, world.supervisor)
    assert reads_apart.read(services, supervision.queue_for, world.supervisor) == here
    assert not apart.alive and apart.served == 0
    assert "reads run on the app's own threads" in caplog.text
    assert reads_apart.read(services, supervision.queue_for, world.supervisor) == here  # no wait, no retry


def _sleeps(services: Services, seconds: float) -> float:
    time.sleep(seconds)
    return seconds


def test_once_closed_a_read_is_not_made_even_one_waiting_for_the_process(services, world, apart, caplog):
    waiting: list[BaseException] = []

    def read_slowly() -> None:
        try:
            reads_apart.read(services, _sleeps, 30)
        except ReadsClosed as exc:
            waiting.append(exc)

    reader = threading.Thread(target=read_slowly)
    reader.start()
    time.sleep(0.5)  # in the process by now
    started = time.monotonic()
    apart.close()
    reader.join(10)
    assert time.monotonic() - started < 10 and len(waiting) == 1  # not slept out, not run here
    with pytest.raises(ReadsClosed, match="closing"):
        reads_apart.read(services, _reads_the_clock)
    assert "reads run on the app's own threads" not in caplog.text  # closing is not a failure


def test_without_a_process_a_read_runs_here(services, world):
    assert services.apart is None
    assert reads_apart.read(services, _writes) == os.getpid()


def test_the_process_cannot_write_to_the_database(services, world, apart):
    """The process's own connection refuses writes on both backends, whatever a read does."""
    from rso_manager.services.reads_apart import _NEEDS_WRITER
    apart._pipe.send((_writes, services.clock, (), {}))
    assert pipe_frames.receive(apart._pipe) == (_NEEDS_WRITER, None)
    with services.session_factory() as s:
        assert s.scalar(select(func.count()).where(m.Team.name == "Written by a read")) == 0



def test_the_dashboard_read_apart_is_the_dashboard_read_here(services, world, apart):
    """The force's figures are seconds of Python: the dashboard reads them in the process."""
    from rso_manager.reports.compliance_figures import Scope
    from rso_manager.services import reports

    oid = _offender(services, world)
    _proposed(services, world, oid)
    here = reports.dashboard_for(services, world.lead, Scope(), None)
    options, dashboard = reads_apart.read(services, reports.dashboard_for, world.lead, Scope(), None)
    assert options == here[0] and dashboard.figures == here[1].figures and dashboard.sections == here[1].sections
    key = next(t.key for s in dashboard.sections for t in s.tiles if t.rows is None)  # its list is read apart
    assert reads_apart.read(services, reports.dashboard_cases, world.lead, Scope(), key, options.period_from,
                            options.period_to, options.as_of) == reports.dashboard_cases(
        services, world.lead, Scope(), key, options.period_from, options.period_to, options.as_of)
    assert apart.served == 2  # neither wrote, so neither ran here instead


def test_the_plan_read_apart_is_the_plan_read_here(services, world, apart):
    """A force's plan is seconds of Python: the planner page reads it in the process."""
    from rso_manager.domain.roles import CaseloadScope
    from rso_manager.services import visits

    oid = _offender(services, world)
    _proposed(services, world, oid)
    today = services.clock.today()
    kwargs = dict(as_of=today, days=90, scope=CaseloadScope.ALL, seed=today.toordinal())
    here = visits.propose(services, world.lead, **kwargs)
    there = reads_apart.read(services, visits.propose, world.lead, **kwargs)
    assert there == here and there.items
    assert apart.served == 1  # it did not write, so it did not run here instead


def test_a_printed_reports_figures_are_read_apart_and_its_print_audited_here(services, world, apart):
    """A force's figures are seconds of Python: a print reads them in the process, then writes
    its one audit row through the app's own connection."""
    from rso_manager.reports.compliance_figures import Scope
    from rso_manager.services import reports

    oid = _offender(services, world)
    _proposed(services, world, oid)
    today = services.clock.today()
    period = reports.default_period(today)

    def printed() -> int:
        with services.session_factory() as s:
            return s.scalar(select(func.count()).select_from(m.AuditEvent)
                            .where(m.AuditEvent.action == "export.print")) or 0

    there = reports.compliance_report(services, world.lead, Scope(), *period, today, fmt="json")
    assert apart.served == 1 and printed() == 1
    services.apart = None
    here = reports.compliance_report(services, world.lead, Scope(), *period, today, fmt="json")
    assert there == here and printed() == 2
