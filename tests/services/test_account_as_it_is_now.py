"""A signed-in session has only the powers the account has now, and reads need an opening."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from rso_manager.domain.roles import Role
from rso_manager.persistence import models as m
from rso_manager.services import breaches, caseload, visits
from rso_manager.services.caseload import AccessReason, OffenderDraft
from rso_manager.services.errors import AccountChanged, NeedsReason, PermissionDenied
from rso_manager.services.unit_of_work import Actor

RATIONALE = ("The offender notified the change two days late because he was in hospital after an "
             "accident; the discharge letter confirms the dates, so no crime is recorded.")
DUTY = next(iter(breaches.STATUTORY_DUTIES))
REASON = "Preparing the unannounced home visit planned for Thursday"


def _case(services, world) -> int:
    return caseload.create_offender(services, world.om, OffenderDraft(
        surname="Nowcase", forenames="Alex", date_of_birth=date(1980, 2, 2),
        offender_manager_id=world.om.user_id, team_id=world.team_id)).offender_id


def _change(services, user_id, **values):
    with services.session_factory.begin() as s:
        u = s.get(m.User, user_id)
        for k, v in values.items():
            setattr(u, k, v)


def _cannot_read_or_write(services, actor, oid):
    with pytest.raises(AccountChanged):
        caseload.open_record(services, actor, oid, AccessReason.CASE_MANAGEMENT, REASON)
    with pytest.raises(AccountChanged):
        breaches.breaches_for(services, actor, oid)
    with pytest.raises(AccountChanged):
        caseload.add_alias(services, actor, oid, "Late entry")
    with pytest.raises(AccountChanged):
        caseload.list_caseload(services, actor, caseload.CaseloadScope.MINE)


@pytest.mark.parametrize("change", [
    {"active": False},
    {"locked_until": "future"},
    {"trained": False},
    {"role": Role.SUPERVISOR.value},
    {"team_id": "other"},
])
def test_a_changed_account_open_session_can_neither_read_nor_write(services, world, change):
    oid = _case(services, world)
    caseload.open_record(services, world.om, oid, AccessReason.CASE_MANAGEMENT, REASON)
    values = dict(change)
    if values.get("locked_until") == "future":
        values["locked_until"] = services.clock.now() + timedelta(minutes=30)
    if values.get("team_id") == "other":
        values["team_id"] = world.team2_id
    _change(services, world.om.user_id, **values)
    _cannot_read_or_write(services, world.om, oid)
    # Nothing was written by the refused calls.
    with services.session_factory() as s:
        assert s.query(m.Alias).filter_by(offender_id=oid).count() == 0


def test_untrained_session_cannot_close_a_breach_as_no_crime(services, world):
    oid = _case(services, world)
    b = breaches.open_manual_breach(services, world.om, oid, breaches.BreachInput(
        "statutory_duty", date(2026, 11, 20), "Failed to notify a change of address", duty=DUTY))
    b = breaches.propose_no_crime(services, world.om, b.breach_id, b.version_id, RATIONALE)
    _change(services, world.supervisor.user_id, trained=False)
    with pytest.raises(AccountChanged):
        breaches.decide_no_crime(services, world.supervisor, b.no_crime_sign_off_id, b.no_crime_sign_off_version, "approve",
                                 RATIONALE + " Approved after checking the custody record.")
    assert breaches.breaches_for(services, world.om, oid)[0].status == "open"


def test_an_identity_for_an_unknown_account_is_refused(services, world):
    oid = _case(services, world)
    ghost = Actor(9999, "ghost", "Nobody", Role.OMU_LEAD, None, True)
    with pytest.raises(AccountChanged, match="not known"):
        caseload.open_record(services, ghost, oid, AccessReason.CASE_MANAGEMENT, REASON)
    impostor = Actor(world.om.user_id, "lead", "Lee Lead", Role.OMU_LEAD, world.team_id, True)
    with pytest.raises(AccountChanged):
        caseload.list_caseload(services, impostor, caseload.CaseloadScope.ALL)


def test_every_read_of_a_part_needs_an_opening(services, world, clock):
    oid = _case(services, world)
    for reader in (breaches.breaches_for, visits.risk_plan_view, visits.visit_defaults,
                   caseload.reload_record):
        with pytest.raises(NeedsReason):
            reader(services, world.supervisor, oid)
    caseload.open_record(services, world.supervisor, oid, AccessReason.SUPERVISION, REASON)
    visits.risk_plan_view(services, world.supervisor, oid)
    # An opening lasts a working day, not for ever.
    clock.advance(hours=13)
    with pytest.raises(NeedsReason):
        visits.risk_plan_view(services, world.supervisor, oid)


def test_filler_is_not_a_reason(services, world):
    oid = _case(services, world)
    for filler in ("xxxxxxxxxx", "seen", "asdfghjkl qwrt", "ok ok ok ok"):
        with pytest.raises(Exception, match="reason|stock phrase|words"):
            caseload.open_record(services, world.om, oid, AccessReason.CASE_MANAGEMENT, filler)


def test_only_the_team_supervisor_or_lead_reassigns(services, world):
    oid = _case(services, world)
    rec = caseload.open_record(services, world.om, oid, AccessReason.CASE_MANAGEMENT, REASON)
    from dataclasses import replace
    to_sup2 = replace(rec.details, offender_manager_id=world.supervisor2.user_id)
    with pytest.raises(PermissionDenied, match="reassign"):
        caseload.correct_offender(services, world.om, oid, rec.version_id, to_sup2, "Moving it to Sue")
    caseload.correct_offender(services, world.supervisor, oid, rec.version_id, to_sup2,
                              "Olly is moving to the South team next week")
    to_south = replace(to_sup2, team_id=world.team2_id, offender_manager_id=world.om2.user_id)
    with pytest.raises(Exception, match="own team"):
        caseload.correct_offender(services, world.supervisor, oid, rec.version_id + 1, to_south,
                                  "Moving the case to the South team")
