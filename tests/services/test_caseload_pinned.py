"""The caseload and sign-off queue as rewritten for scale (issue 16) list exactly what they did
before, row for row, on a demo database, on SQLite and PostgreSQL: the flags the database now
works out, the rows through Core, the queue's case names from one joined query."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import and_, or_, select

from rso_manager import demo
from rso_manager.clock import FixedClock
from rso_manager.database import open_database
from rso_manager.domain.roles import CaseloadScope
from rso_manager.persistence import models as m
from rso_manager.services import access, case_summary, caseload, caseload_cover, supervision
from rso_manager.services.caseload import CaseloadRow, OffenderDraft, offender_in_scope
from rso_manager.services.users import actor_for


def _old_flags(risk, visit_due, note_due, breaches, mappa_level, today, has_home, covering_for):
    flags = []
    if covering_for:
        flags.append(f"Covering for {covering_for}")
    if not has_home:
        flags.append("No current home address")
    if visit_due and visit_due < today:
        flags.append("Visit overdue")
    if note_due and note_due < today:
        flags.append("Notification overdue")
    if breaches:
        flags.append(f"{breaches} open breach{'es' if breaches > 1 else ''}")
    if risk is None:
        flags.append("No risk assessment")
    if mappa_level > 1:
        flags.append(f"MAPPA level {mappa_level}")
    return tuple(flags)


def _old_list_caseload(services, actor, scope) -> list[CaseloadRow]:
    """list_caseload as it was before issue 16: the ORM's rows and the flags judged in Python."""
    today = services.clock.today()
    manager = m.User.__table__.alias("manager")
    stmt = (
        select(m.Offender.id, m.Offender.reference, m.Offender.surname, m.Offender.forenames,
               m.Offender.date_of_birth, m.Offender.risk_level, manager.c.id, manager.c.display_name, m.Team.name,
               m.Offender.next_visit_due, m.Offender.next_notification_due, m.Offender.open_breaches,
               m.Offender.mappa_level,
               or_(m.Offender.status != "active", case_summary.has_current_home(m.Offender.id)))
        .outerjoin(manager, manager.c.id == m.Offender.offender_manager_id)
        .outerjoin(m.Team, m.Team.id == m.Offender.team_id)
        .where(and_(m.Offender.status != "ended", offender_in_scope(actor, scope, today)))
    )
    with access.listing(services, actor) as s:
        covered = access.covered_officer_ids(s, actor.user_id, today) - {actor.user_id}
        return [
            CaseloadRow(oid, ref, f"{sur.upper()}, {fore}", dob, risk, om, team, vdue, ndue,
                        _old_flags(risk, vdue, ndue, breaches, level, today, bool(home),
                                   om if om_id in covered else None))
            for oid, ref, sur, fore, dob, risk, om_id, om, team, vdue, ndue, breaches, level, home in s.execute(stmt)
        ]


@pytest.fixture(scope="module")
def demo_services(tmp_path_factory):
    engine, services = open_database(f"sqlite:///{tmp_path_factory.mktemp('pinned') / 'demo.db'}", FixedClock())
    demo.generate(services, offenders=150, seed=3)
    yield services
    engine.dispose()


def _actor(services, username):
    with services.session_factory() as s:
        return actor_for(s.scalar(select(m.User).where(m.User.username == username)))


def _by_id(rows):
    return {r.offender_id: r for r in rows}


def _same_as_before(services, actor, scope) -> list[CaseloadRow]:
    new, old = caseload.list_caseload(services, actor, scope), _old_list_caseload(services, actor, scope)
    assert len(new) == len(old) and _by_id(new) == _by_id(old)
    return new


def test_every_flag_as_before_on_both_databases(services, world):
    today = services.clock.today()
    drafts = [OffenderDraft(surname=f"Case{i}", forenames="Pat", date_of_birth=date(1980, 1, 1 + i),
                            offender_manager_id=world.om.user_id, team_id=world.team_id, mappa_level=1 + i % 3)
              for i in range(6)]
    ids = [caseload.create_offender(services, world.om, d).offender_id for d in drafts]
    caseload.add_address(services, world.om, ids[1], kind="home", line1="1 High Street", town="Northam",
                         postcode="NR1 1AA", from_date=today - timedelta(days=30))
    with services.session_factory() as s:
        # Every flag has its case: late visits and notifications, breaches, assessed or not.
        for n, oid in enumerate(ids):
            o = s.get(m.Offender, oid)
            o.risk_level = (None, "low", "medium", "high", "very_high", None)[n]
            o.open_breaches = (0, 1, 2, 0, 5, 0)[n]
            o.next_visit_due = (None, today - timedelta(days=1), today, today + timedelta(days=3), None,
                                today - timedelta(days=40))[n]
            o.next_notification_due = (today - timedelta(days=2), None, today, None, today - timedelta(days=1),
                                       today + timedelta(days=9))[n]
        s.get(m.Offender, ids[5]).status = "ended"  # not listed
        s.commit()
    caseload_cover.record_caseload_cover(services, world.supervisor, world.om.user_id, world.om2.user_id,
                                         today, today + timedelta(days=7), "Annual leave")
    for actor, scope in ((world.lead, CaseloadScope.ALL), (world.supervisor, CaseloadScope.TEAM),
                         (world.om, CaseloadScope.MINE), (world.om2, CaseloadScope.MINE)):
        rows = _by_id(_same_as_before(services, actor, scope))
    assert rows[ids[4]].flags == (f"Covering for {world.om.display_name}", "No current home address",
                                  "Notification overdue", "5 open breaches", "MAPPA level 2")
    assert rows[ids[1]].flags == (f"Covering for {world.om.display_name}", "Visit overdue", "1 open breach",
                                  "MAPPA level 2")
    assert ids[5] not in rows


def test_a_demo_caseload_lists_what_it_did_before(demo_services):
    services = demo_services
    for username, scope in (("lead", CaseloadScope.ALL), ("sup.northam", CaseloadScope.TEAM),
                            ("om.northam1", CaseloadScope.MINE)):
        rows = _same_as_before(services, _actor(services, username), scope)
        assert rows, username
    flags = {f for r in caseload.list_caseload(services, _actor(services, "lead"), CaseloadScope.ALL) for f in r.flags}
    assert {"Visit overdue", "1 open breach", "MAPPA level 2"} <= flags


def test_the_sign_off_queue_names_each_case_from_its_own_row(demo_services):
    services = demo_services
    with services.session_factory() as s:
        names = {o.id: (o.reference, f"{o.surname.upper()}, {o.forenames}") for o in s.scalars(select(m.Offender))}
    for username in ("lead", "sup.northam"):
        items = supervision.queue_for(services, _actor(services, username), as_of=date(2026, 12, 20))
        assert items, username
        for item in items:
            expected = names.get(item.offender_id, (None, None)) if item.offender_id else (None, None)
            assert (item.offender_reference, item.offender_name) == expected
