"""The set-based planner (issue 16) proposes exactly what the planner before it did, case for
case, on a demo database: same seed, same days, bands, officers, warnings and order."""

from __future__ import annotations

import json
import shutil
from dataclasses import asdict
from datetime import timedelta

import pytest
from sqlalchemy import event, select

from rso_manager import demo
from rso_manager.clock import FixedClock
from rso_manager.database import open_database
from rso_manager.domain.roles import CaseloadScope, Role
from rso_manager.persistence import models as m
from rso_manager.services import second_factor, settings, supervision, users, visits
from tests.planner_oracle import service as oracle


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("planner") / "demo.db"
    engine, services = open_database(f"sqlite:///{path}", FixedClock())
    demo.generate(services, offenders=300, seed=5)
    engine.dispose()
    return path


def _open(demo_file, tmp_path, clock):
    path = tmp_path / "copy.db"
    shutil.copy(demo_file, path)
    return open_database(f"sqlite:///{path}", clock)


def _sign_in(services, clock, username):
    code = second_factor.current_code(demo.DEMO_TOTP_SECRETS[username], clock.now()) \
        if username in demo.DEMO_TOTP_SECRETS else None
    return users.login(services, username, demo.DEMO_PASSWORD, code=code)


def _same_plans(services, who):
    compared = 0
    for actor, scope in who:
        for days, seed in ((14, 0), (90, 0), (90, 7)):
            kwargs = dict(as_of=services.clock.today(), days=days, scope=scope, seed=seed)
            old, new = oracle.propose(services, actor, **kwargs), visits.propose(services, actor, **kwargs)
            assert [asdict(i) for i in new.items] == [asdict(i) for i in old.items], (actor.username, scope, days, seed)
            assert (new.start, new.days, new.time_bands) == (old.start, old.days, old.time_bands)
            compared += len(new.items)
    return compared


def _planners(services, clock, lead):
    """The OMU lead (force and team), a supervisor (team) and an offender manager (own cases)."""
    with services.session_factory() as s:
        sup = s.scalar(select(m.User.username).where(m.User.role == Role.SUPERVISOR.value).order_by(m.User.id))
        om = s.scalar(select(m.User.username).where(m.User.role == Role.OFFENDER_MANAGER.value).order_by(m.User.id))
    return [(lead, CaseloadScope.ALL), (lead, CaseloadScope.TEAM),
            (_sign_in(services, clock, sup), CaseloadScope.TEAM), (_sign_in(services, clock, om), CaseloadScope.MINE)]


def test_the_demo_plans_are_those_of_the_planner_before(demo_file, tmp_path):
    clock = FixedClock()
    engine, services = _open(demo_file, tmp_path, clock)
    try:
        lead = _sign_in(services, clock, "lead")
        assert _same_plans(services, _planners(services, clock, lead)) > 300
    finally:
        engine.dispose()


def test_a_stretched_team_plans_as_before(demo_file, tmp_path):
    """One visit a day per officer, most offender managers away for weeks, supervisors away in
    turn and a second supervisor in one team: the cover pairs, lone visits, supervisors as
    second officer and 'fully booked' reasons all come out the same."""
    clock = FixedClock()
    engine, services = _open(demo_file, tmp_path, clock)
    try:
        today = clock.today()
        with services.session_factory.begin() as s:
            policy = settings.get(s, "visit_policy")
            s.add(m.Setting(key="visit_policy", value_json=json.dumps({**policy, "daily_capacity": 1}),
                            created_at=clock.now()))
            officers = s.execute(select(m.User.id, m.User.role, m.User.team_id).where(
                m.User.role.in_((Role.SUPERVISOR.value, Role.OFFENDER_MANAGER.value)), m.User.trained)
                .order_by(m.User.id)).all()
        admin = _sign_in(services, clock, "admin")
        first_team = officers[0].team_id
        users.create_user(services, admin, username="sup.second", display_name="Second Supervisor",
                          password=demo.DEMO_PASSWORD, role=Role.SUPERVISOR, team_id=first_team, trained=True)
        lead = _sign_in(services, clock, "lead")
        managers = [o for o in officers if o.role == Role.OFFENDER_MANAGER.value]
        for n, o in enumerate(managers):
            if n % 4:
                supervision.record_absence(services, lead, o.id, today + timedelta(days=n % 3),
                                           today + timedelta(days=25 + n % 7), "annual leave")
        for n, o in enumerate(o for o in officers if o.role == Role.SUPERVISOR.value):
            supervision.record_absence(services, lead, o.id, today + timedelta(days=5 + 10 * (n % 2)),
                                       today + timedelta(days=12 + 10 * (n % 2)), "course")
        assert _same_plans(services, _planners(services, clock, lead)) > 300
    finally:
        engine.dispose()


def test_the_force_plan_takes_a_fixed_number_of_queries(demo_file, tmp_path):
    """Set-based: the queries do not grow with the cases planned (the planner before took 8-10
    a case)."""
    clock = FixedClock()
    engine, services = _open(demo_file, tmp_path, clock)
    try:
        lead = _sign_in(services, clock, "lead")
        statements: list[str] = []
        event.listen(engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
        short = visits.propose(services, lead, as_of=clock.today(), days=7, scope=CaseloadScope.ALL)
        few = len(statements)
        statements.clear()
        long = visits.propose(services, lead, as_of=clock.today(), days=90, scope=CaseloadScope.ALL)
        assert len(long.items) > 3 * len(short.items)
        assert len(statements) == few < 40
    finally:
        engine.dispose()
