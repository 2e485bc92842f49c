"""Frontline briefings (issue 15 item 3) on SQLite and PostgreSQL: the offender manager approves a
case's text, a new text keeps the old in the record's history, the briefing role reads an area
and nothing of the records, cases without an approved briefing are left out (and counted for the
supervisor), every read and every print is audited, and the PDF carries the marking and the
handling line on every page."""

from __future__ import annotations

import io
import json
from datetime import date

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from rso_manager.domain import frontline_briefing as fb
from rso_manager.domain.roles import CaseloadScope, Role
from rso_manager.persistence import models as m
from rso_manager.reports.pdf_kit import MARKING
from rso_manager.services import briefings, caseload, person
from rso_manager.services.caseload import AccessReason, OffenderDraft
from rso_manager.services.errors import (
    ConcurrentEditError,
    NeedsReason,
    PermissionDenied,
    ValidationFailed,
)
from rso_manager.services.person import PhotographInput, VehicleInput
from rso_manager.services.unit_of_work import Actor
from tests.services.test_person_details import tiny_png

SUMMARY = "Convicted of offences against children; lives alone; known to approach schools at home time."


def briefing_actor(services, password_hash: str = "x") -> Actor:
    """A response officer's account: the briefing role, no caseload."""
    with services.session_factory.begin() as s:
        team = s.scalar(select(m.Team).where(m.Team.name == "North"))
        u = m.User(username="pc.brief", display_name="Pat Constable", role=Role.BRIEFING.value, team_id=team.id,
                   trained=False, active=True, password_hash=password_hash, failed_logins=0, created_at=services.clock.now())
        s.add(u)
        s.flush()
        return Actor(u.id, u.username, u.display_name, Role.BRIEFING, u.team_id, False)


def _case(services, world, surname, postcode, *, om=None, team_id=None):
    om = om or world.om
    oid = caseload.create_offender(services, om, OffenderDraft(
        surname=surname, forenames="Alex", date_of_birth=date(1975, 4, 4), offender_manager_id=om.user_id,
        team_id=team_id or world.team_id)).offender_id
    caseload.add_address(services, om, oid, kind="home", line1="12 Mill Lane", town="Northam",
                         postcode=postcode, from_date=date(2025, 1, 10))
    return oid


def _patch(services, world, districts="ZZ1 ZZ2"):
    team = next(t for t in briefings.team_patches(services, world.admin) if t.id == world.team_id)
    return briefings.set_team_patch(services, world.admin, team.id, team.version_id, districts)


def _audits(services, action):
    with services.session_factory() as s:
        return list(s.scalars(select(m.AuditEvent).where(m.AuditEvent.action == action).order_by(m.AuditEvent.id)))


def test_the_offender_manager_approves_and_a_new_text_keeps_the_old(services, world, clock):
    oid = _case(services, world, "Briefcase", "ZZ1 4AB")
    first = briefings.record_briefing(services, world.om, oid, summary=SUMMARY,
                                      prohibitions="No contact with anyone under 18.", contact=None)
    assert first.approved_by == world.om.display_name and first.approved_at == clock.now()
    caseload.open_record(services, world.om, oid, AccessReason.CASE_MANAGEMENT, "Updating the frontline briefing")
    assert briefings.briefing_for(services, world.om, oid).summary == SUMMARY

    with pytest.raises(ValidationFailed) as refused:  # a new text says why it changes
        briefings.correct_briefing(services, world.om, first.id, first.version_id, summary="Now drives a van.",
                                   prohibitions=None, contact=None, reason="")
    assert {p.field for p in refused.value.problems} == {"reason"}
    with pytest.raises(ValidationFailed) as again:  # a second first text is refused: it is a change
        briefings.record_briefing(services, world.om, oid, summary="Now drives a van.")
    assert again.value.for_field("summary")
    second = briefings.correct_briefing(services, world.om, first.id, first.version_id,
                                        summary="Now drives a white van near schools.",
                                        prohibitions="No contact with anyone under 18.", contact=None,
                                        reason="A van was notified at the last home visit")
    assert second.id == first.id and second.earlier_texts == 1
    assert briefings.briefing_for(services, world.om, oid).summary.startswith("Now drives")
    with services.session_factory() as s:
        kept = s.scalars(select(m.RecordRevision).where(m.RecordRevision.entity == "frontline_briefing")).all()
    assert len(kept) == 1 and json.loads(kept[0].snapshot_json)["summary"] == SUMMARY
    with pytest.raises(ConcurrentEditError):  # a save from the old text is refused, not overwriting
        briefings.correct_briefing(services, world.om, first.id, first.version_id, summary="Another",
                                   prohibitions=None, contact=None, reason="Typed over the earlier text")


def test_the_text_is_checked_so_it_fits_a_card(services, world):
    oid = _case(services, world, "Longtext", "ZZ1 4AB")
    with pytest.raises(ValidationFailed) as refused:
        briefings.record_briefing(services, world.om, oid, summary="  ", contact="x" * (fb.CONTACT_MAX + 1))
    messages = {p.field: p.message for p in refused.value.problems}
    assert set(messages) == {"summary", "contact"} and f"{fb.CONTACT_MAX}" in messages["contact"]
    with pytest.raises(ValidationFailed):
        briefings.record_briefing(services, world.om, oid, summary="x" * (fb.SUMMARY_MAX + 1))
    with pytest.raises(PermissionDenied):  # another team's officer may not write it
        briefings.record_briefing(services, world.om2, oid, summary=SUMMARY)


def test_the_briefing_role_reads_an_area_and_nothing_of_the_records(services, world):
    officer = briefing_actor(services)
    _patch(services, world)
    inside = _case(services, world, "Inpatch", "zz1 4ab")
    squeezed = _case(services, world, "Squeezed", "ZZ25CD")
    _case(services, world, "Unbriefed", "ZZ2 6EF")  # no approved briefing: left out
    elsewhere = _case(services, world, "Elsewhere", "ZZ12 1AA")  # ZZ12 is not ZZ1
    for oid in (inside, squeezed, elsewhere):
        briefings.record_briefing(services, world.om, oid, summary=SUMMARY, prohibitions="No unsupervised contact with children.")
    person.add_photograph(services, world.om, inside, PhotographInput(tiny_png(), date(2025, 2, 1), "Custody"))
    person.add_vehicle(services, world.om, inside, VehicleInput("zz21 abc", "Ford", "Transit", "White", date(2025, 3, 1)))
    caseload.add_alias(services, world.om, inside, "Lex Inpatch")

    area = briefings.area_briefings(services, officer, team_id=world.team_id)
    assert area.area == "North patch (ZZ1 ZZ2)"
    assert [c.offender_id for c in area.cards] == [inside, squeezed]  # by name
    card = area.cards[0]
    assert card.name == "INPATCH, Alex" and card.aliases == ("Lex Inpatch",)
    assert card.photograph == tiny_png() and card.vehicles == ("ZZ21 ABC, White Ford Transit",)
    assert card.address == "12 Mill Lane, Northam ZZ1 4AB" and card.risk == "Not assessed"
    assert card.contact == f"{world.om.display_name}, offender manager, North team"
    assert area.unbriefed is None and area.unbriefed_sentence() is None  # not for the briefing role

    with pytest.raises(PermissionDenied):
        caseload.open_record(services, officer, inside, AccessReason.CASE_MANAGEMENT, "Checking before a patrol tonight")
    with pytest.raises((PermissionDenied, NeedsReason)):
        briefings.briefing_for(services, officer, inside)
    with pytest.raises(PermissionDenied):
        caseload.list_caseload(services, officer, CaseloadScope.MINE)

    read = _audits(services, briefings.READ_ACTION)
    assert len(read) == 1 and read[0].username == "pc.brief"
    assert json.loads(read[0].details_json)["offender_ids"] == [inside, squeezed]


def test_the_supervisor_is_told_which_cases_lack_a_briefing(services, world):
    _patch(services, world)
    briefings.record_briefing(services, world.om, _case(services, world, "Briefed", "ZZ1 1AA"), summary=SUMMARY)
    _case(services, world, "Missingone", "ZZ1 2AA")
    _case(services, world, "Missingtwo", "ZZ2 3AA")
    area = briefings.area_briefings(services, world.supervisor, districts="zz1, ZZ2")
    assert area.area == "Postcode districts ZZ1, ZZ2" and len(area.cards) == 1
    assert area.unbriefed == 2
    assert area.unbriefed_sentence() == (f"2 cases in this area have no approved briefing: their offender "
                                         f"managers are {world.om.display_name}.")


def test_an_area_is_refused_when_it_is_not_one(services, world):
    officer = briefing_actor(services)
    with pytest.raises(ValidationFailed) as refused:
        briefings.area_briefings(services, officer, districts="ZZ1 4AB Northam")
    assert refused.value.problems[0].field == "districts"
    with pytest.raises(ValidationFailed) as no_patch:
        briefings.area_briefings(services, officer, team_id=world.team2_id)
    assert "No patch is recorded for the South team" in no_patch.value.problems[0].message


def test_a_team_patch_is_the_administrators_or_the_leads(services, world):
    patch = _patch(services, world, "zz1,zz2  ZZ1")
    assert patch.districts == ("ZZ1", "ZZ2")
    with pytest.raises(ValidationFailed):
        briefings.set_team_patch(services, world.lead, patch.id, patch.version_id, "ZZ1 4AB")
    again = briefings.set_team_patch(services, world.lead, patch.id, patch.version_id, "ZZ3")
    assert again.districts == ("ZZ3",)
    with pytest.raises(PermissionDenied):
        briefings.set_team_patch(services, world.supervisor, again.id, again.version_id, "ZZ4")
    assert [json.loads(a.details_json)["after"] for a in _audits(services, "team.patch")] == ["ZZ1 ZZ2", "ZZ3"]


def test_the_pdf_carries_the_marking_and_the_handling_line_on_every_page_and_each_print_is_audited(
        services, world, tmp_path):
    officer = briefing_actor(services)
    _patch(services, world)
    for i in range(7):  # enough cards for more than one page
        oid = _case(services, world, f"Pagecase{chr(65 + i)}", f"ZZ1 {i}AB")
        briefings.record_briefing(services, world.om, oid, summary=SUMMARY * 3,
                                  prohibitions="No contact with anyone under 18. Not to enter Northam Park.")
    data = briefings.area_briefing_pdf(services, officer, team_id=world.team_id)
    pages = PdfReader(io.BytesIO(data)).pages
    assert len(pages) > 1
    for page in pages:
        text = page.extract_text()
        assert text.count(MARKING) == 2 and fb.HANDLING_LINE in text
        assert "North patch (ZZ1 ZZ2)" in text and "Printed 25/11/2026" in text
    first = pages[0].extract_text()
    assert "PAGECASEA, Alex" in first and "Printed by Pat Constable (pc.brief)" in first

    saved = briefings.save_area_briefing_pdf(services, officer, tmp_path / "brief.pdf", districts="ZZ1")
    assert saved.cases == 7 and (tmp_path / "brief.pdf").read_bytes().startswith(b"%PDF")
    prints = _audits(services, "export.print")
    assert len(prints) == 2 and all(p.username == "pc.brief" for p in prints)
    assert json.loads(prints[1].details_json)["saved_to"] == str(tmp_path / "brief.pdf")


def test_a_file_that_cannot_be_saved_leaves_no_audit_row(services, world, tmp_path):
    officer = briefing_actor(services)
    with pytest.raises(ValidationFailed):
        briefings.save_area_briefing_pdf(services, officer, tmp_path / "missing" / "brief.pdf", districts="ZZ1")
    assert _audits(services, "export.print") == []


def test_an_area_is_read_in_the_same_number_of_queries_however_many_cases_live_there(services, world):
    from tests.services.test_entry_recorders import _selects

    _patch(services, world)

    def area():
        return briefings.area_briefings(services, world.supervisor, team_id=world.team_id)

    briefings.record_briefing(services, world.om, _case(services, world, "Onecase", "ZZ1 1AA"), summary=SUMMARY)
    one, few = _selects(services, area)
    for n in range(4):
        oid = _case(services, world, f"Morecase{'x' * n}", "ZZ2 2BB")
        briefings.record_briefing(services, world.om, oid, summary=SUMMARY)
        person.add_vehicle(services, world.om, oid, VehicleInput(f"ZZ2{n} ABC", "Ford"))
    five, many = _selects(services, area)
    assert (len(one.cards), len(five.cards)) == (1, 5)
    assert many == few
