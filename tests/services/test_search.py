"""The force-wide search (issue 15): every kind of identifier found however it is typed, names
found loosely, cases outside the user's link limited and audited, the index following every
change, and "also known elsewhere"."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import select

from rso_manager.domain.roles import Role
from rso_manager.persistence import audit_chain
from rso_manager.persistence import models as m
from rso_manager.services import caseload, corrections, devices, person, safeguarding, search
from rso_manager.services.caseload import OffenderDraft
from rso_manager.services.devices import DeviceInput
from rso_manager.services.errors import PermissionDenied, ValidationFailed
from rso_manager.services.search import index
from rso_manager.services.unit_of_work import Actor
from tests.opening import open_case

IMEI = "490154203237518"


def _offender(services, world, surname, forenames, *, om=None, team=None, **more) -> int:
    om = om or world.om
    return caseload.create_offender(services, om, OffenderDraft(
        surname=surname, forenames=forenames, date_of_birth=more.pop("dob", date(1980, 1, 1)),
        offender_manager_id=om.user_id, team_id=team or (world.team_id if om is world.om else world.team2_id),
        **more)).offender_id


@pytest.fixture
def case(services, world):
    """One case in the North team (Olly's) with one of every identifier."""
    oid = _offender(services, world, "Smith-Jones", "Zoë Ann", pnc_id="98/123456A", dob=date(1979, 3, 14))
    caseload.add_alias(services, world.om, oid, "Johnny Blackwood")
    caseload.add_address(services, world.om, oid, kind="home", line1="12 Acacia Avenue", town="Leeds",
                         postcode="LS6 2AB", from_date=date(2024, 1, 1))
    phone = devices.declare_device(services, world.om, oid, DeviceInput(
        "phone", "Pixel 8", imei=IMEI, phone_number="07700 900123", declared_on=date(2026, 11, 1)))
    devices.declare_device(services, world.om, oid, DeviceInput(
        "laptop", "ThinkPad", serial="PF-12345", declared_on=date(2026, 11, 1)))
    person.add_vehicle(services, world.om, oid, person.VehicleInput("ab12 cde", "Ford", "Focus"))
    person.add_identifier(services, world.om, oid, person.IdentifierInput("Instagram", "@Zoe_Night"))
    safeguarding.record_relationship(services, world.om, oid, safeguarding.RelationshipInput(
        "Kieran O'Donnell", "friend"))
    return {"oid": oid, "phone": phone}


def _refs(results) -> list[str]:
    return [h.reference for h in results.hits]


def _reference(services, oid) -> str:
    with services.session_factory() as s:
        return s.get(m.Offender, oid).reference


TYPED = [
    ("07700 900123", "phone"), ("07700900123", "phone"), ("+44 7700 900123", "phone"),
    ("447700900123", "phone"), ("+447700900123", "phone"),
    ("49-015420-323751-8", "imei"), (IMEI, "imei"), ("pf12345", "device"),
    ("AB12 CDE", "vehicle"), ("ab12cde", "vehicle"),
    ("ls62ab", "postcode"), ("LS6 2AB", "postcode"), ("LS6", "postcode"),
    ("14/03/1979", "dob"), ("1979-03-14", "dob"), ("14.3.79", "dob"),
    ("1998/0123456A", "pnc"), ("98/123456a", "pnc"),
    ("zoe_night", "online"), ("@ZOE_NIGHT", "online"),
    ("Smith Jones", "name"), ("smyth jones", "name"), ("Ann Zoe Smith-Jones", "name"),
    ("zoe smith jones", "name"), ("Jonny Blakwood", "alias"), ("Kieran ODonnell", "associate"),
    ("kieran o'donnell", "associate"), ("acacia avenue", "address"),
]


def test_each_identifier_is_found_however_it_is_typed(services, world, case):
    ref = _reference(services, case["oid"])
    _offender(services, world, "Jonas", "Smithers")  # a near name, ranked below
    for typed, kind in TYPED:
        results = search.search(services, world.om, typed)
        assert _refs(results)[:1] == [ref], (typed, _refs(results))
        hit = results.hits[0]
        assert hit.inside_link and hit.name == "SMITH-JONES, Zoë Ann" and hit.offender_manager == "Olly Manager"
        assert kind in {mt.kind for mt in hit.matches}, (typed, [mt.kind for mt in hit.matches])
        match = next(mt for mt in hit.matches if mt.kind == kind)
        assert match.shown and ref in match.sentence, typed


def test_results_say_what_matched(services, world, case):
    ref = _reference(services, case["oid"])
    hit = search.search(services, world.om, "07700 900123").hits[0]
    phone = next(mt for mt in hit.matches if mt.kind == "phone")
    assert phone.sentence == f"phone 07700 900123 is a declared device of {ref}"
    assert (phone.entity, phone.kind_label, phone.shown) == ("device", "phone", "07700 900123")
    car = next(mt for mt in search.search(services, world.om, "AB12CDE").hits[0].matches)
    assert car.sentence == f"vehicle registration AB12 CDE is a vehicle of {ref}"


def test_a_reference_finds_its_case(services, world, case):
    ref = _reference(services, case["oid"])
    assert _refs(search.search(services, world.om, ref.lower()))[:1] == [ref]


def test_a_name_unlike_any_finds_nothing_and_a_short_query_is_refused(services, world, case):
    assert search.search(services, world.om, "Wolstenholme").hits == ()
    with pytest.raises(ValidationFailed) as err:
        search.search(services, world.om, " z ")
    assert err.value.for_field("text")


def test_outside_the_link_only_reference_name_and_officer_and_it_is_audited(services, world, case):
    # Oona is in the South team: Olly's North case is outside her link.
    results = search.search(services, world.om2, "07700 900123")
    hit = results.hits[0]
    ref = _reference(services, case["oid"])
    assert (hit.reference, hit.name, hit.offender_manager, hit.inside_link) == (
        ref, "SMITH-JONES, Zoë Ann", "Olly Manager", False)
    for mt in hit.matches:
        assert mt.shown == "" and mt.entity == "" and mt.entity_id == 0
        assert "07700" not in mt.sentence and "outside your caseload" in mt.sentence
    assert [mt.kind_label for mt in hit.matches] == ["phone"]
    with services.session_factory() as s:
        row = s.scalars(select(m.AuditEvent).where(m.AuditEvent.action == "search")
                        .order_by(m.AuditEvent.id.desc())).first()
    assert row.username == "om2"
    details = json.loads(row.details_json)
    assert details["text"] == "07700 900123" and details["outside_link"] == [ref] and details["hits"] == 1
    # The OMU lead's link is the whole force.
    assert search.search(services, world.lead, "07700 900123").hits[0].inside_link


def test_the_administrator_and_the_briefing_role_cannot_search(services, world, case):
    with services.session_factory.begin() as s:
        patrol = m.User(username="pc.patrol", display_name="PC Patrol", role=Role.BRIEFING.value,
                        team_id=world.team_id, trained=False, active=True, password_hash="x",
                        failed_logins=0, created_at=services.clock.now())
        s.add(patrol)
        s.flush()
        briefing = Actor(patrol.id, patrol.username, patrol.display_name, Role.BRIEFING, world.team_id, False)
    for actor in (world.admin, briefing):
        with pytest.raises(PermissionDenied, match="cannot search the force's case records"):
            search.search(services, actor, "Smith")
        with pytest.raises(PermissionDenied):
            search.known_elsewhere(services, actor, "phone", "07700 900123")


def test_known_elsewhere_fires_on_a_shared_phone_and_leaves_out_the_case_being_edited(services, world, case):
    other = _offender(services, world, "Other", "Owen", om=world.om2)
    hits = search.known_elsewhere(services, world.om2, "phone", "+44 7700 900123", offender_id=other)
    ref = _reference(services, case["oid"])
    assert [(h.reference, h.inside_link, h.kind_label) for h in hits] == [(ref, False, "phone")]
    assert hits[0].sentence == f"This phone number is also recorded on {ref} (a case outside your link)"
    assert search.known_elsewhere(services, world.om, "phone", "07700900123", offender_id=case["oid"]) == ()
    assert search.known_elsewhere(services, world.om, "phone", "07700 900999") == ()
    assert [h.reference for h in search.known_elsewhere(services, world.om2, "vehicle", "AB 12CDE")] == [ref]
    assert [h.reference for h in search.known_elsewhere(services, world.om2, "address", "12 acacia avenue")] == [ref]
    assert [h.reference for h in search.known_elsewhere(services, world.om2, "associate", "O'Donnell Kieran")] == [ref]
    # Once Owen's phone is recorded too, both records show the link.
    devices.declare_device(services, world.om2, other, DeviceInput(
        "phone", "iPhone", phone_number="+447700900123", declared_on=date(2026, 11, 2)))
    open_case(services, world.om, case["oid"])
    shared = search.shared_identifiers(services, world.om, case["oid"])
    other_ref = _reference(services, other)
    assert [(h.reference, h.inside_link, h.kind_label) for h in shared] == [(other_ref, False, "phone")]
    assert "07700 900123" in shared[0].sentence
    open_case(services, world.om2, other)
    assert [h.reference for h in search.shared_identifiers(services, world.om2, other)] == [ref]


def test_a_voided_device_is_no_longer_found(services, world, case):
    assert search.search(services, world.om, "07700 900123").hits
    with services.session_factory() as s:
        version = s.get(m.Device, case["phone"].device_id).version_id
    caseload.void_entry(services, world.om, "device", case["phone"].device_id, version,
                        "Recorded against the wrong offender by mistake")
    assert search.search(services, world.om, "07700 900123").hits == ()
    assert search.search(services, world.om, IMEI).hits == ()


def test_the_index_follows_a_correction(services, world, case):
    with services.session_factory() as s:
        rel = s.scalars(select(m.Relationship).where(m.Relationship.offender_id == case["oid"])).one()
    corrections.correct_entry(services, world.om, "relationship", rel.id, rel.version_id,
                              {"person_name": "Ciaran Donnelly"}, "The name was misheard at the visit")
    assert search.search(services, world.om, "Kieran O'Donnell").hits == ()
    hit = search.search(services, world.om, "Ciaran Donnelly").hits[0]
    assert [mt.shown for mt in hit.matches if mt.kind == "associate"] == ["Ciaran Donnelly"]


def _terms(services):
    with services.session_factory() as s:
        return sorted(s.execute(select(m.SearchTerm.offender_id, m.SearchTerm.entity, m.SearchTerm.entity_id,
                                       m.SearchTerm.kind, m.SearchTerm.value, m.SearchTerm.shown)).all())


def test_rebuild_gives_the_index_the_changes_kept_and_the_seals_hold(services, world, case):
    with services.session_factory() as s:
        version = s.get(m.Device, case["phone"].device_id).version_id
    caseload.void_entry(services, world.om, "device", case["phone"].device_id, version,
                        "Recorded against the wrong offender by mistake")
    kept = _terms(services)
    assert kept and not any(t[3] == "phone" for t in kept)
    with services.session_factory.begin() as s:
        index.rebuild(s, services.clock.now())
    assert _terms(services) == kept
    with services.session_factory() as s:
        report = audit_chain.verify(s)
    assert report.ok, report.record_problems


def test_an_index_from_no_or_an_older_release_is_rebuilt_by_the_first_search(services, world, case):
    with services.session_factory.begin() as s:
        s.execute(m.table_of(m.SearchTerm).delete())  # an existing database, before issue 15
        setting = s.scalars(select(m.Setting).where(m.Setting.key == index.VERSION_SETTING)).first()
        if setting is not None:
            s.delete(setting)
    assert _refs(search.search(services, world.om, "AB12 CDE")) == [_reference(services, case["oid"])]
    with services.session_factory() as s:
        assert s.scalar(select(m.Setting.value_json).where(m.Setting.key == index.VERSION_SETTING)) == \
            json.dumps(index.INDEX_VERSION)


def test_names_held_in_memory_follow_another_users_changes(services, world, case):
    """A second process (another user's) changes the names: this one's next search sees it,
    including on SQLite a new name given the id of one just removed."""
    from rso_manager.persistence.engine import make_session_factory
    from rso_manager.services.unit_of_work import Services

    other = Services(make_session_factory(services.session_factory.kw["bind"]), services.clock)
    assert search.search(services, world.om, "Johnny Blackwood").hits  # names read in here
    caseload.add_alias(other, world.om, case["oid"], "Maximilian Quarterfield")
    assert _refs(search.search(services, world.om, "Maximillian Quarterfeld")) == [_reference(services, case["oid"])]
    with other.session_factory() as s:
        alias = s.scalars(select(m.Alias).where(m.Alias.name == "Maximilian Quarterfield")).one()
    caseload.void_entry(other, world.om, "alias", alias.id, alias.version_id, "Recorded against the wrong case")
    assert search.search(services, world.om, "Maximilian Quarterfield").hits == ()
    caseload.add_alias(other, world.om, case["oid"], "Bartholomew Ravensworth")
    assert [mt.shown for mt in search.search(services, world.om, "Bartholomew Ravensworth").hits[0].matches] == \
        ["Bartholomew Ravensworth"]
    assert search.search(services, world.om, "Maximilian Quarterfield").hits == ()
    with services.session_factory() as s:
        assert audit_chain.verify(s).ok
