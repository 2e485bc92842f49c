"""Moving cases to another officer or team with a reason: one or many, all or none, each audited."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import select

from rso_manager.domain.roles import Role
from rso_manager.persistence import models as m
from rso_manager.services import caseload, transfers
from rso_manager.services.caseload import OffenderDraft
from rso_manager.services.errors import ConcurrentEditError, PermissionDenied, ValidationFailed
from rso_manager.services.transfers import CaseToMove
from rso_manager.services.unit_of_work import Actor

REASON = "Olly Manager moves to the MAPPA level 2 team next month; caseload rebalanced"


def _officer(services, clock, team_id, name="Otto Newman", username="om3", role=Role.OFFENDER_MANAGER, trained=True):
    with services.session_factory.begin() as s:
        u = m.User(username=username, display_name=name, role=role.value, team_id=team_id, trained=trained,
                   active=True, password_hash="not used", failed_logins=0, created_at=clock.now())
        s.add(u)
        s.flush()
        return Actor(u.id, username, name, role, team_id, trained)


def _case(services, actor, surname, manager_id=None, team_id=None):
    return caseload.create_offender(services, actor, OffenderDraft(
        surname=surname, forenames="Test", date_of_birth=date(1980, 1, 1),
        offender_manager_id=manager_id or actor.user_id, team_id=team_id or actor.team_id))


def _moves(*records):
    return [CaseToMove(r.offender_id, r.version_id) for r in records]


def _transfer_audits(services):
    with services.session_factory() as s:
        return s.scalars(select(m.AuditEvent).where(m.AuditEvent.action == "offender.transfer")
                         .order_by(m.AuditEvent.id)).all()


def test_the_supervisor_transfers_two_cases_in_one_step_each_audited_with_its_reason(services, world, clock):
    om3 = _officer(services, clock, world.team_id)
    a, b = _case(services, world.om, "Aldous"), _case(services, world.om, "Brennan")
    moved = transfers.transfer_cases(services, world.supervisor, _moves(a, b), om3.user_id, REASON)
    assert [t.offender_id for t in moved] == [a.offender_id, b.offender_id]

    record = caseload.reload_record(services, world.om, a.offender_id)  # om still reads it: same team
    assert record.offender_manager == "Otto Newman" and record.team == "North"
    assert record.revisions[0].before["offender_manager_id"] == world.om.user_id  # the old officer kept
    assert record.revisions[0].reason.startswith("Transferred from Olly Manager (North) to Otto Newman (North)")
    audits = _transfer_audits(services)
    assert [e.offender_id for e in audits] == [a.offender_id, b.offender_id]
    details = json.loads(audits[0].details_json)
    assert details["from"] == {"officer_id": world.om.user_id, "officer": "Olly Manager",
                               "team_id": world.team_id, "team": "North"}
    assert details["to"]["officer"] == "Otto Newman" and audits[0].reason == REASON
    assert details["cases_in_transfer"] == 2


def test_a_batch_moves_all_or_none(services, world, clock):
    om3 = _officer(services, clock, world.team_id)
    a, b = _case(services, world.om, "Aldous"), _case(services, world.om, "Brennan")
    stale = CaseToMove(b.offender_id, b.version_id - 1)
    with pytest.raises(ConcurrentEditError):
        transfers.transfer_cases(services, world.supervisor, [CaseToMove(a.offender_id, a.version_id), stale],
                                 om3.user_id, REASON)
    assert caseload.reload_record(services, world.om, a.offender_id).offender_manager == "Olly Manager"
    assert _transfer_audits(services) == []


def test_only_the_omu_lead_moves_cases_between_teams(services, world):
    a = _case(services, world.om, "Aldous")
    with pytest.raises(ValidationFailed) as err:
        transfers.transfer_cases(services, world.supervisor, _moves(a), world.om2.user_id, REASON)
    assert "OMU lead" in err.value.for_field("to_officer_id")

    transfers.transfer_cases(services, world.lead, _moves(a), world.om2.user_id, REASON)
    with services.session_factory() as s:
        o = s.get(m.Offender, a.offender_id)
        assert (o.offender_manager_id, o.team_id) == (world.om2.user_id, world.team2_id)
    details = json.loads(_transfer_audits(services)[0].details_json)
    assert details["to"] == {"officer_id": world.om2.user_id, "officer": "Oona Manager",
                             "team_id": world.team2_id, "team": "South"}


def test_an_offender_manager_cannot_transfer_and_bad_input_is_named(services, world, clock):
    a = _case(services, world.om, "Aldous")
    with pytest.raises(PermissionDenied):
        transfers.transfer_cases(services, world.om, _moves(a), world.supervisor.user_id, REASON)
    with pytest.raises(ValidationFailed) as err:
        transfers.transfer_cases(services, world.supervisor, [], None, "moving")
    assert err.value.for_field("cases") and err.value.for_field("to_officer_id") and err.value.for_field("reason")
    with pytest.raises(ValidationFailed) as err:
        transfers.transfer_cases(services, world.supervisor, _moves(a), world.untrained.user_id, REASON)
    assert "trained" in err.value.for_field("to_officer_id")
    with pytest.raises(ValidationFailed) as err:
        transfers.transfer_cases(services, world.supervisor, _moves(a), world.om.user_id, REASON)
    assert "already Olly Manager's case" in err.value.for_field("cases")


def test_transfer_options_are_the_team_for_a_supervisor_and_the_force_for_the_lead(services, world, clock):
    north = _case(services, world.om, "Aldous")
    south = _case(services, world.om2, "Southey")
    sup = transfers.transfer_options(services, world.supervisor)
    assert [c.reference for c in sup.cases] == [north.reference] and not sup.between_teams
    assert {o.name for o in sup.officers} == {"Olly Manager", "Sam Supervisor", "Sue Supervisor"}
    lead = transfers.transfer_options(services, world.lead)
    assert {c.reference for c in lead.cases} == {north.reference, south.reference} and lead.between_teams
    assert "Oona Manager" in {o.name for o in lead.officers}
    assert lead.cases[0].version_id == north.version_id
    with pytest.raises(PermissionDenied):
        transfers.transfer_options(services, world.om)


def test_the_case_log_shows_a_transfer_as_a_transfer(services, world, clock):
    from rso_manager.services import case_log
    from tests.opening import open_case

    om3 = _officer(services, clock, world.team_id)
    a = _case(services, world.om, "Carrow")
    transfers.transfer_cases(services, world.supervisor, _moves(a), om3.user_id, REASON)
    open_case(services, world.supervisor, a.offender_id)
    lines = case_log.case_log_for(services, world.supervisor, a.offender_id, case_log.LogFilter())
    texts = [line.summary for line in lines]
    assert any(t.startswith("Case transferred: Transferred from Olly Manager (North) to Otto Newman") for t in texts)
    assert not any(t.startswith("Corrected the personal details") for t in texts)
