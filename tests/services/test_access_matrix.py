"""Every cell of who may do what: role x permission x link to the case, through the services.

The expected table is written out here, cell by cell, so the matrix in domain/roles.py cannot
change without this file changing with it.
"""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date

import pytest

from rso_manager.domain.roles import Link, Permission, Role, allows
from rso_manager.persistence import models as m
from rso_manager.persistence.engine import make_session_factory
from rso_manager.services import audit_trail, breaches, case_events, caseload, supervision
from rso_manager.services.caseload import AccessReason, OffenderDraft
from rso_manager.services.errors import PermissionDenied
from rso_manager.services.unit_of_work import Actor, unit_of_work
from tests.conftest import PASSWORD  # noqa: F401  (the World's accounts share it)

LINKS = ("own", "team", "cover", "none")
OPEN, REVIEWED, OK, NO = "open", "reviewed", "ok", "refused"

# role -> action -> link -> outcome
EXPECTED = {
    "offender_manager": {
        "read":     {"own": OPEN, "team": OPEN, "cover": OPEN, "none": REVIEWED},
        "write":    {"own": OK, "team": OK, "cover": OK, "none": NO},
        "sign_off": {"own": NO, "team": NO, "cover": NO, "none": NO},
        "decide_breach": {"own": NO, "team": NO, "cover": NO, "none": NO},
        "reassign": {"own": NO, "team": NO, "cover": NO, "none": NO},
    },
    "supervisor": {
        "read":     {"own": OPEN, "team": OPEN, "cover": OPEN, "none": REVIEWED},
        "write":    {"own": OK, "team": OK, "cover": OK, "none": NO},
        "sign_off": {"own": OK, "team": OK, "cover": OK, "none": NO},
        "decide_breach": {"own": OK, "team": OK, "cover": OK, "none": NO},
        "reassign": {"own": OK, "team": OK, "cover": NO, "none": NO},
    },
    "omu_lead": {
        "read":     {"own": OPEN, "team": OPEN, "cover": OPEN, "none": OPEN},
        "write":    {"own": OK, "team": OK, "cover": OK, "none": OK},
        "sign_off": {"own": OK, "team": OK, "cover": OK, "none": OK},
        "decide_breach": {"own": OK, "team": OK, "cover": OK, "none": OK},
        "reassign": {"own": OK, "team": OK, "cover": OK, "none": OK},
    },
    "administrator": {
        "read":     {"own": NO, "team": NO, "cover": NO, "none": NO},
        "write":    {"own": NO, "team": NO, "cover": NO, "none": NO},
        "sign_off": {"own": NO, "team": NO, "cover": NO, "none": NO},
        "decide_breach": {"own": NO, "team": NO, "cover": NO, "none": NO},
        "reassign": {"own": NO, "team": NO, "cover": NO, "none": NO},
    },
    # Response and neighbourhood officers: approved briefings only, nothing of any record.
    "briefing": {
        "read":     {"own": NO, "team": NO, "cover": NO, "none": NO},
        "write":    {"own": NO, "team": NO, "cover": NO, "none": NO},
        "sign_off": {"own": NO, "team": NO, "cover": NO, "none": NO},
        "decide_breach": {"own": NO, "team": NO, "cover": NO, "none": NO},
        "reassign": {"own": NO, "team": NO, "cover": NO, "none": NO},
    },
}

_WORDS = ("visit", "address", "children", "school", "intelligence", "device", "phone", "history",
          "conviction", "partner", "employment", "risk", "assessment", "review", "police",
          "station", "notification", "travel", "licence", "probation", "housing", "vehicle",
          "contact", "concern", "referral", "neighbour", "evening", "weekend", "meeting",
          "agency", "record", "detail", "change", "condition", "prohibition", "internet",
          "account", "camera", "garden", "library", "bus", "market", "church", "football")
_rng = random.Random(7)


def _rationale() -> str:
    """A different, real-worded rationale each time: a signer's near-copies are refused."""
    words = _rng.sample(_WORDS, 20)
    return f"Considered the {' and the '.join(words[:10])}; decided because of the {' '.join(words[10:])}."


REASON = ("Checking this case because a neighbour reported a possible change of address to a "
          "house near a primary school")


@pytest.fixture
def cast(services, world):
    """The people and the places: East is a team nobody here is linked to; South has a
    supervisor whose queue each tested actor covers."""
    factory = services.session_factory
    now = services.clock.now()
    with factory.begin() as s:
        east = m.Team(name="East", created_at=now)
        s.add(east)
        s.flush()
        sup_south = m.User(username="supsouth", display_name="Sid South", role="supervisor",
                           team_id=world.team2_id, trained=True, active=True, password_hash="x",
                           failed_logins=0, created_at=now)
        om3 = m.User(username="om3", display_name="Ola East", role="offender_manager",
                     team_id=east.id, trained=True, active=True, password_hash="x",
                     failed_logins=0, created_at=now)
        s.add_all([sup_south, om3])
        s.flush()
        for actor in (world.om, world.supervisor, world.lead, world.admin):
            s.add(m.CoverArrangement(supervisor_id=sup_south.id, cover_supervisor_id=actor.user_id,
                                     named_by_id=world.lead.user_id, starts_on=date(2026, 1, 1),
                                     created_at=now))
        patrol = m.User(username="patrol", display_name="Pat Patrol", role="briefing",
                        team_id=world.team_id, trained=True, active=True, password_hash="x",
                        failed_logins=0, created_at=now)
        s.add(patrol)
        s.flush()
        s.add(m.CoverArrangement(supervisor_id=sup_south.id, cover_supervisor_id=patrol.id,
                                 named_by_id=world.lead.user_id, starts_on=date(2026, 1, 1),
                                 created_at=now))
        ids = {"east": east.id, "om3": om3.id, "patrol": patrol.id}
    return ids


def _briefing_officer(cast, world) -> Actor:
    return Actor(cast["patrol"], "patrol", "Pat Patrol", Role.BRIEFING, world.team_id, True)


def _case(services, world, cast, actor, link: str) -> int:
    """A case standing to ACTOR through LINK, made by the OMU lead and placed by hand."""
    rec = caseload.create_offender(services, world.lead, OffenderDraft(
        surname="Matrixcase", forenames=link.title(), date_of_birth=date(1970, 1, 1),
        offender_manager_id=world.om2.user_id, team_id=world.team2_id))
    home_team = actor.team_id or world.team_id
    placing = {
        "own": (actor.user_id, home_team),
        "team": (world.supervisor2.user_id, actor.team_id),  # admin has no team: no team link
        "cover": (world.om2.user_id, world.team2_id),
        "none": (cast["om3"], cast["east"]),
    }[link]
    with services.session_factory.begin() as s:
        o = s.get(m.Offender, rec.offender_id)
        o.offender_manager_id, o.team_id = placing
    return rec.offender_id


def _request(services, world, oid: int, *, no_crime: bool) -> int:
    """A sign-off waiting on case OID, asked by a colleague who is none of the tested actors."""
    with unit_of_work(services, world.supervisor2) as uow:
        if no_crime:
            b = case_events.open_breach(uow, offender_id=oid, kind="statutory_duty", source="manual",
                                        occurred_on=date(2026, 11, 20), description="Late notification",
                                        duty="periodic")
            b.no_crime_rationale = _rationale()
            so = case_events.request_sign_off(uow, entity=breaches.NO_CRIME, entity_id=b.id,
                                              offender_id=oid, summary="No crime proposed")
        else:
            a = uow.stamp_created(m.Alias(offender_id=oid, name="Alias for sign-off", kind="alias"))
            uow.session.add(a)
            uow.session.flush()
            so = case_events.request_sign_off(uow, entity="alias", entity_id=a.id, offender_id=oid,
                                              summary="Please check this alias")
        return so.id


def _attempt(services, world, cast, actor, action: str, oid: int) -> str:
    try:
        if action == "read":
            caseload.open_record(services, actor, oid, AccessReason.CASE_MANAGEMENT, REASON)
            with services.session_factory() as s:
                c = (s.query(m.Consultation).filter_by(user_id=actor.user_id, offender_id=oid)
                     .order_by(m.Consultation.id.desc()).first())
            # Once opened, a part of the record can be read.
            breaches.breaches_for(services, actor, oid)
            return REVIEWED if c.review_sign_off_id else OPEN
        if action == "write":
            caseload.add_alias(services, actor, oid, "Matrix Alias")
            return OK
        if action == "sign_off":
            so = _request(services, world, oid, no_crime=False)
            supervision.sign_off(services, actor, so, 1, "approve", _rationale())
            return OK
        if action == "decide_breach":
            so = _request(services, world, oid, no_crime=True)
            breaches.decide_no_crime(services, actor, so, 1, "approve", _rationale())
            return OK
        if action == "reassign":
            with services.session_factory() as s:
                o = s.get(m.Offender, oid)
                # to someone in the actor's own team (the only place a non-lead may put it)
                to = world.om.user_id if o.offender_manager_id != world.om.user_id else world.supervisor2.user_id
                version = o.version_id
            rec = caseload.open_record(services, world.lead, oid, AccessReason.CASE_MANAGEMENT, REASON)
            draft = replace(rec.details, offender_manager_id=to, team_id=world.team_id)
            if actor.role.value not in ("omu_lead",) and actor.team_id != world.team_id:
                draft = replace(draft, team_id=actor.team_id)
            caseload.correct_offender(services, actor, oid, version, draft,
                                      "Reallocated after the officer moved to another team")
            return OK
    except PermissionDenied:
        return NO
    raise AssertionError(action)


@pytest.mark.parametrize("role", list(EXPECTED))
def test_every_cell_of_the_matrix(services, world, cast, role):
    actor = {"offender_manager": world.om, "supervisor": world.supervisor,
             "omu_lead": world.lead, "administrator": world.admin,
             "briefing": _briefing_officer(cast, world)}[role]
    got = {action: {link: _attempt(services, world, cast, actor, action,
                                   _case(services, world, cast, actor, link))
                    for link in LINKS}
           for action in EXPECTED[role]}
    assert got == EXPECTED[role]


def test_a_refusal_names_what_is_missing(services, world, cast):
    oid = _case(services, world, cast, world.om, "none")
    with pytest.raises(PermissionDenied, match="outside your caseload|no link"):
        caseload.add_alias(services, world.om, oid, "Not mine")
    with pytest.raises(PermissionDenied, match="reason"):
        breaches.breaches_for(services, world.om, oid)  # not opened yet


def test_outside_link_opening_is_reviewed_by_the_case_supervisor(services, world, cast):
    oid = _case(services, world, cast, world.om, "none")
    with pytest.raises(Exception, match="at least 10 words|not a reason"):
        caseload.open_record(services, world.om, oid, AccessReason.OTHER, "xxxxxxxxxx")
    caseload.open_record(services, world.om, oid, AccessReason.SAFEGUARDING, REASON)
    with make_session_factory(services.session_factory.kw["bind"])() as s:
        so = s.query(m.SignOff).filter_by(entity="consultation", offender_id=oid).one()
        audit = s.query(m.AuditEvent).filter_by(action="record.open", offender_id=oid).one()
    assert so.status == "pending" and "outside their caseload" in so.summary
    assert REASON in audit.reason
    # Writing stays refused even once the record has been opened.
    with pytest.raises(PermissionDenied):
        caseload.add_alias(services, world.om, oid, "Still not mine")


# role -> may read the audit trail (a permission about no one case: asked with no link)
AUDIT_TRAIL = {"offender_manager": NO, "supervisor": NO, "omu_lead": OK, "administrator": OK, "briefing": NO}


@pytest.mark.parametrize("role", list(AUDIT_TRAIL))
def test_who_may_read_the_audit_trail(services, world, cast, role):
    actor = {"offender_manager": world.om, "supervisor": world.supervisor,
             "omu_lead": world.lead, "administrator": world.admin,
             "briefing": _briefing_officer(cast, world)}[role]
    try:
        audit_trail.audit_trail(services, actor, audit_trail.TrailFilter())
        got = OK
    except PermissionDenied:
        got = NO
    assert got == AUDIT_TRAIL[role]
    assert actor.can(Permission.READ_AUDIT_TRAIL) is (AUDIT_TRAIL[role] == OK)


# role -> the permissions about no one case, asked with no link (and, granted, under every link)
NOT_ABOUT_ONE_CASE = {
    "offender_manager": {"search": OK, "read_briefings": OK, "print_reports": NO, "read_audit_trail": NO},
    "supervisor":       {"search": OK, "read_briefings": OK, "print_reports": OK, "read_audit_trail": NO},
    "omu_lead":         {"search": OK, "read_briefings": OK, "print_reports": OK, "read_audit_trail": OK},
    "administrator":    {"search": NO, "read_briefings": NO, "print_reports": NO, "read_audit_trail": OK},
    "briefing":         {"search": NO, "read_briefings": OK, "print_reports": NO, "read_audit_trail": NO},
}

# role -> every permission it holds at all (under some link): the whole column set, so a new
# permission or role cannot be added to roles.py without a row or a column here.
HOLDS = {
    "offender_manager": {"read_cases", "read_outside", "write_cases", "search", "read_briefings",
                         "watch_courts"},
    "supervisor": {"read_cases", "read_outside", "write_cases", "sign_off", "reassign_case",
                   "print_reports", "search", "read_briefings", "watch_courts"},
    "omu_lead": {"read_cases", "write_cases", "sign_off", "reassign_case", "name_cover",
                 "print_reports", "verify_audit", "read_audit_trail", "search", "read_briefings",
                 "watch_courts", "audit_cases"},
    "administrator": {"manage_users", "verify_audit", "read_audit_trail"},
    "briefing": {"read_briefings"},
}


@pytest.mark.parametrize("role", list(NOT_ABOUT_ONE_CASE))
def test_search_and_briefings_for_every_role(role):
    for name, expected in NOT_ABOUT_ONE_CASE[role].items():
        permission = Permission(name)
        for trained in (True, False):  # neither search nor briefings needs the ViSOR training
            actor = Actor(1, "x", "X", Role(role), 1, trained)
            assert (OK if actor.can(permission) else NO) == expected, (role, name, trained)
            for link in Link:
                assert allows(Role(role), trained, permission, link) is (expected == OK), (role, name, link)


@pytest.mark.parametrize("role", [r.value for r in Role])
def test_court_watch_and_case_audits_need_the_training(role):
    for permission in (Permission.WATCH_COURTS, Permission.AUDIT_CASES):
        held = permission.value in HOLDS[role]
        assert allows(Role(role), True, permission) is held, (role, permission)
        assert allows(Role(role), False, permission) is False, (role, permission)


def test_every_role_and_permission_is_spelled_out():
    assert set(HOLDS) == {r.value for r in Role} == set(EXPECTED) == set(NOT_ABOUT_ONE_CASE)
    for role, held in HOLDS.items():
        assert {p.value for p in Permission if allows(Role(role), True, p)} == held, role


def test_a_briefing_officer_opens_no_record_even_by_reference(services, world, cast):
    patrol = _briefing_officer(cast, world)
    oid = _case(services, world, cast, world.om, "own")
    with pytest.raises(PermissionDenied):
        caseload.find_by_reference(services, patrol, f"RSO-{oid:06d}")
    with pytest.raises(PermissionDenied):
        caseload.open_record(services, patrol, oid, AccessReason.OTHER, REASON)
