import itertools
import json
from collections import Counter

import pytest
from sqlalchemy import func, select

from rso_manager import demo
from rso_manager.database import is_demo, open_database
from rso_manager.domain.dates import add_months
from rso_manager.persistence import audit_chain
from rso_manager.persistence import models as m
from rso_manager.services.passwords import verify_password
from tests import pg_server

_names = itertools.count(1)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def fresh_services(request, tmp_path, clock):
    """A factory of new, empty, migrated databases (no World users) on each backend."""
    engines = []

    def make():
        n = next(_names)
        if request.param == "sqlite":
            url = f"sqlite:///{tmp_path / f'demo{n}.db'}"
        else:
            server = request.getfixturevalue("postgres_server")
            url = pg_server.create_app_database(server, f"rso_demo_{n}", clock.now())
        engine, services = open_database(url, clock)
        engines.append(engine)
        return services

    yield make
    for engine in engines:
        engine.dispose()


def _caseload(services):
    with services.session_factory() as s:
        offenders = s.execute(
            select(m.Offender.reference, m.Offender.surname, m.Offender.forenames,
                   m.Offender.date_of_birth, m.Offender.risk_level, m.Offender.mappa_level,
                   m.Offender.next_visit_due, m.Offender.next_notification_due,
                   m.Offender.open_breaches, m.Team.name, m.User.username)
            .join(m.Team, m.Team.id == m.Offender.team_id)
            .join(m.User, m.User.id == m.Offender.offender_manager_id)
            .order_by(m.Offender.reference)
        ).all()
        visits = s.execute(select(m.Visit.offender_id, m.Visit.planned_on, m.Visit.outcome,
                                  m.Visit.visited_at).order_by(m.Visit.id)).all()
        counts = {model.__tablename__: s.scalar(select(func.count()).select_from(model))
                  for model in m.CASE_ENTRY_MODELS}
    return offenders, visits, counts


def test_same_seed_and_clock_give_the_same_caseload(fresh_services):
    first, second, other = fresh_services(), fresh_services(), fresh_services()
    assert demo.generate(first, offenders=60, seed=7) == demo.generate(second, offenders=60, seed=7)
    demo.generate(other, offenders=60, seed=8)

    assert _caseload(first) == _caseload(second)
    assert _caseload(first)[0] != _caseload(other)[0]


def test_demo_database_is_fictional_consistent_and_audited(fresh_services, clock):
    services = fresh_services()
    calls = []
    result = demo.generate(services, offenders=60, seed=3, progress=lambda d, t: calls.append((d, t)))

    assert result == demo.DemoResult(offenders=60, users=result.users, teams=4)
    assert calls[-1] == (60, 60)
    assert is_demo(services)
    today = clock.today()
    with services.session_factory() as s:
        report = audit_chain.verify(s)
        assert report.ok and report.records_checked > 0 and not report.record_problems
        # One audited event; the other rows only seal what was written (audit.keyed, records.seal).
        assert {a for (a,) in s.execute(select(m.AuditEvent.action))} <= {
            "demo.generate", "audit.keyed", "records.seal"}
        event = s.scalars(select(m.AuditEvent).where(m.AuditEvent.action == "demo.generate")).one()
        assert (event.action, event.username, event.user_id) == ("demo.generate", "system", None)
        assert json.loads(event.details_json) == {"offenders": 60, "seed": 3}

        users = s.scalars(select(m.User)).all()
        assert len(users) == result.users
        names = {u.username for u in users}
        assert {"admin", "lead", "sup.northam", "om.harbourside1", "new.starter"} <= names
        assert [u.username for u in users if not u.trained] == ["new.starter"]
        # One hash for everyone, and it opens with the documented password.
        assert len({u.password_hash for u in users}) == 1
        assert verify_password(users[0].password_hash, demo.DEMO_PASSWORD)

        addresses = s.scalars(select(m.Address)).all()
        assert addresses and all(a.postcode.startswith("ZZ") for a in addresses)
        assert {a.town for a in addresses} <= set(demo.TEAMS)
        imeis = [i for i in s.scalars(select(m.Device.imei)) if i]
        assert imeis and all(len(i) == 15 and demo.luhn_ok(i) for i in imeis)
        for model in m.CASE_ENTRY_MODELS:
            bad = s.scalar(select(func.count()).select_from(model).where(
                (model.version_id != 1) | (model.created_at.is_(None))))
            assert bad == 0, model.__tablename__

        # The caseload summary columns agree with the record they summarise.
        for o in s.scalars(select(m.Offender)):
            assert o.reference == f"RSO-{o.id:06d}" and o.status == "active"
            latest = s.scalars(select(m.RiskAssessment.level).where(
                m.RiskAssessment.offender_id == o.id)
                .order_by(m.RiskAssessment.assessed_on.desc(), m.RiskAssessment.id.desc())).first()
            assert latest == o.risk_level
            seen = s.scalar(select(func.max(m.Visit.planned_on)).where(
                m.Visit.offender_id == o.id, m.Visit.kind == "home", m.Visit.status == "completed",
                m.Visit.outcome == "seen"))
            interval = {"very_high": 1, "high": 3, "medium": 6, "low": 12}[o.risk_level]
            if seen is not None:
                assert o.next_visit_due == add_months(seen, interval)
            open_breaches = s.scalar(select(func.count(m.Breach.id)).where(
                m.Breach.offender_id == o.id, m.Breach.status == "open"))
            assert o.open_breaches == open_breaches
            assert o.next_notification_due is not None
            assert o.date_of_birth < today

        officers = s.execute(select(m.VisitOfficer.visit_id, func.count()).group_by(
            m.VisitOfficer.visit_id)).all()
        assert Counter(n for _, n in officers)[2] > Counter(n for _, n in officers)[1]


def test_running_again_on_a_demo_database_changes_nothing(fresh_services):
    services = fresh_services()
    first = demo.generate(services, offenders=60, seed=3)
    again = demo.generate(services, offenders=500, seed=99)
    assert again == first
    with services.session_factory() as s:
        assert s.scalar(select(func.count(m.Offender.id))) == 60
        assert s.scalar(select(func.count(m.AuditEvent.id)).where(
            m.AuditEvent.action == "demo.generate")) == 1


def test_refuses_a_database_that_is_not_a_demo_one(services):
    with pytest.raises(ValueError, match="already holds users"):
        demo.generate(services, offenders=10, seed=1)
    with services.session_factory() as s:
        assert s.scalar(select(func.count(m.Offender.id))) == 0


def test_caseload_of_2000_looks_like_a_real_one(empty_sqlite_url, clock):
    engine, services = open_database(empty_sqlite_url, clock)
    try:
        result = demo.generate(services, offenders=2000, seed=1)
        today = clock.today()
        with services.session_factory() as s:
            risks = Counter(s.scalars(select(m.Offender.risk_level)))
            per_officer = Counter(s.scalars(select(m.Offender.offender_manager_id)))
            overdue_visits = s.scalar(select(func.count()).where(m.Offender.next_visit_due < today))
            overdue_notes = s.scalar(select(func.count()).where(
                m.Offender.next_notification_due < today))
            open_breaches = s.scalar(select(func.sum(m.Offender.open_breaches)))
            charged = s.scalar(select(func.count()).where(m.Breach.crime_reference.is_not(None)))
            pending = s.scalar(select(func.count()).where(m.SignOff.status == "pending"))
            unreferred = s.scalar(select(func.count()).where(
                m.SafeguardingReferral.referred_at.is_(None)))
            access = s.scalar(select(func.count()).where(m.Relationship.access_to_children))
            announced = s.scalar(select(func.count()).where(m.Visit.announced, m.Visit.kind == "home"))
            failed = s.scalar(select(func.count()).where(m.Visit.outcome != "seen"))
            office = s.scalar(select(func.count()).where(m.Visit.kind == "office"))
            late = s.scalar(select(func.count()).where(m.StatutoryNotification.late))
            overdue_actions = s.scalar(select(func.count()).where(
                m.Action.completed_on.is_(None), m.Action.due_on < today))
            unchecked = s.scalar(select(func.count(m.Device.id)).where(
                ~select(m.DeviceCheck.id).where(m.DeviceCheck.device_id == m.Device.id).exists()))
            mappa = Counter(s.scalars(select(m.Offender.mappa_level)))
            crime_ref = s.scalar(select(m.Breach.crime_reference).where(
                m.Breach.crime_reference.is_not(None)).limit(1))

        assert result.offenders == 2000
        for level, share in {"very_high": 0.02, "high": 0.18, "medium": 0.30, "low": 0.50}.items():
            assert abs(risks[level] / 2000 - share) < (0.01 if level == "very_high" else 0.03), risks
        assert 40 <= 2000 / len(per_officer) <= 60
        assert 0.02 < overdue_visits / 2000 < 0.15
        assert 0 < overdue_notes / 2000 < 0.08
        assert open_breaches > 0 and charged > 0 and pending > 0 and unreferred > 0
        assert access > 0 and announced > 0 and failed > 0 and office > 0 and late > 0
        assert overdue_actions > 0 and unchecked > 0
        assert mappa[1] > 0.9 * 2000 and mappa[2] > 0 and mappa[3] > 0
        assert crime_ref.startswith("NY-") and len(crime_ref) == len("NY-26-012345")
    finally:
        engine.dispose()
