"""Frontline briefings in the app (issue 15 item 3): the briefing role's window is the Briefings
page and nothing else; an offender manager approves a case's text from the record window; the
page shows an area's cards, prints and saves them (each audited); a 1280x720 screenshot."""

from __future__ import annotations

import json
import os
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QToolBar
from sqlalchemy import select

from rso_manager.persistence import models as m
from rso_manager.services import briefings, caseload, person, visits
from rso_manager.services.caseload import AccessReason
from rso_manager.services.person import PhotographInput, VehicleInput
from tests.services.test_briefings import briefing_actor
from tests.ui.conftest import make_offender
from tests.ui.test_person_ui import synthetic_png
from ui.workflows.briefings import BriefingAction, BriefingDialog, BriefingsPage

SUMMARY = "Convicted of sexual offences against children; lives alone; seen near schools at home time."


def _audits(services, action):
    with services.session_factory() as s:
        return list(s.scalars(select(m.AuditEvent).where(m.AuditEvent.action == action)))


def _patch(services, world, districts="ZZ1 ZZ2 ZZ3"):
    team = next(t for t in briefings.team_patches(services, world.admin) if t.id == world.team_id)
    briefings.set_team_patch(services, world.admin, team.id, team.version_id, districts)


def _briefed(services, world, surname, forenames, postcode, *, photo=False, vehicle=None, alias=None, risk=None,
             prohibitions="No contact with anyone under 18 unless supervised by an approved adult."):
    record = make_offender(services, world.om, surname, forenames)
    oid = record.offender_id
    caseload.add_address(services, world.om, oid, kind="home", line1="14 Weaver Street", town="Northam",
                         postcode=postcode, from_date=date(2025, 1, 10))
    if photo:
        person.add_photograph(services, world.om, oid, PhotographInput(synthetic_png(), date(2025, 6, 2), "Custody"))
    if vehicle:
        person.add_vehicle(services, world.om, oid, VehicleInput(*vehicle, date(2025, 3, 1)))
    if alias:
        caseload.add_alias(services, world.om, oid, alias)
    if risk:
        visits.record_risk_assessment(services, world.om, oid, tool="ARMS", level=risk, assessed_on=date(2025, 9, 1))
    briefings.record_briefing(services, world.om, oid, summary=SUMMARY, prohibitions=prohibitions)
    return oid


def _page(qtbot, window) -> BriefingsPage:
    page = window.part(BriefingsPage)
    assert page is not None
    window.show_page("briefings")
    qtbot.waitUntil(lambda: page.briefing is not None and page.show_button.isEnabled(), timeout=5000)
    return page


def test_the_briefing_role_sees_only_the_briefings_page(qtbot, make_window, sqlite_services, world):
    _patch(sqlite_services, world)
    oid = _briefed(sqlite_services, world, "Patchcase", "Alex", "ZZ1 4AB")
    officer = briefing_actor(sqlite_services)
    window = make_window(officer)
    page = window.part(BriefingsPage)
    assert window.scopes == () and not hasattr(window, "caseload_page")
    assert window.pages.count() == 1 and window.pages.currentWidget() is page
    assert not window.go_menu.menuAction().isVisible()  # nowhere else to go
    assert window.open_action not in window.toolbar.actions() and not window.new_action.isVisible()
    qtbot.waitUntil(lambda: page.briefing is not None, timeout=5000)
    assert [v.card.offender_id for v in page.card_views()] == [oid]
    assert page.area.currentText() == "North patch (ZZ1 ZZ2 ZZ3)"
    assert not page.unbriefed.isVisible()
    assert len(_audits(sqlite_services, briefings.READ_ACTION)) == 1


def test_the_briefing_role_signs_in_to_the_briefings_page(qtbot, sqlite_services, sqlite_url, prompter, world):
    from rso_manager.services.passwords import hash_password
    from tests.conftest import PASSWORD
    from ui.app import Startup

    briefing_actor(sqlite_services, hash_password(PASSWORD))
    startup = Startup(sqlite_services, sqlite_url, prompter)
    startup.start()
    qtbot.waitUntil(lambda: startup.login_dialog is not None, timeout=5000)
    login = startup.login_dialog
    login.username.setText("pc.brief")
    login.password.setText(PASSWORD)
    with qtbot.waitSignal(startup.main_window_shown, timeout=10000) as shown:
        login.submit()
    window = shown.args[0]
    try:
        assert window.pages.count() == 1 and window.pages.currentWidget() is window.part(BriefingsPage)
    finally:
        window.close()
        startup.shutdown()


def test_typed_districts_that_are_not_ones_are_said_under_the_field(qtbot, make_window, sqlite_services, world):
    _patch(sqlite_services, world)
    page = _page(qtbot, make_window(world.supervisor))
    page.area.setCurrentIndex(page.area.findData("districts"))
    page.districts.setText("Northam")
    page.show_area()
    qtbot.waitUntil(lambda: bool(page.errors.message("districts")), timeout=5000)
    assert "not a postcode district" in page.errors.message("districts")


def test_the_supervisor_is_told_of_cases_without_a_briefing(qtbot, make_window, sqlite_services, world):
    _patch(sqlite_services, world)
    _briefed(sqlite_services, world, "Briefed", "Bo", "ZZ1 4AB")
    unbriefed = make_offender(sqlite_services, world.om, "Nobrief", "Ned")
    caseload.add_address(sqlite_services, world.om, unbriefed.offender_id, kind="home", line1="1 Low Row",
                         town="Northam", postcode="ZZ2 1AA", from_date=date(2025, 1, 1))
    page = _page(qtbot, make_window(world.supervisor))
    assert len(page.card_views()) == 1
    assert page.unbriefed.isVisibleTo(page) and world.om.display_name in page.unbriefed.text()


def test_print_and_save_are_audited(qtbot, make_window, sqlite_services, world, tmp_path):
    _patch(sqlite_services, world)
    _briefed(sqlite_services, world, "Printcase", "Pat", "ZZ1 4AB", photo=True)
    window = make_window(briefing_actor(sqlite_services))
    page = _page(qtbot, window)
    target = tmp_path / "printed.pdf"

    def ask(_parent, _title):
        printer = QPrinter(QPrinter.PrinterMode.ScreenResolution)
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(target))
        return printer

    page.ask_printer = ask
    page.print_briefing()
    qtbot.waitUntil(lambda: page.show_button.isEnabled() and target.exists(), timeout=10000)
    page.choose_path = lambda _parent, _caption, _suggested: str(tmp_path / "saved.pdf")
    page.save_pdf()
    qtbot.waitUntil(lambda: (tmp_path / "saved.pdf").exists() and page.show_button.isEnabled(), timeout=10000)
    prints = _audits(sqlite_services, "export.print")
    assert len(prints) == 2 and {p.username for p in prints} == {"pc.brief"}
    assert json.loads(prints[1].details_json)["saved_to"] == str(tmp_path / "saved.pdf")


def test_an_offender_manager_approves_a_text_from_the_record(qtbot, record_window, sqlite_services, world):
    record = make_offender(sqlite_services, world.om, "Recordbrief", "Robin")
    window = record_window(record)
    action = next(a for a in window.findChildren(BriefingAction))
    assert action in window.findChild(QToolBar, "recordToolbar").actions()
    dialog = action.open()
    assert isinstance(dialog, BriefingDialog)
    qtbot.waitUntil(lambda: dialog.save_button.isEnabled(), timeout=5000)
    assert "No briefing is approved" in dialog.approval.text() and not dialog.reason.isVisibleTo(dialog)
    dialog.summary.setPlainText(SUMMARY)
    dialog.prohibitions.setPlainText("Not to enter Northam Park.")
    with qtbot.waitSignal(dialog.saved, timeout=5000):
        dialog.save_button.click()
    caseload.open_record(sqlite_services, world.om, record.offender_id, AccessReason.CASE_MANAGEMENT,
                         "Checking the briefing just approved")
    approved = briefings.briefing_for(sqlite_services, world.om, record.offender_id)
    assert approved.summary == SUMMARY and approved.approved_by == world.om.display_name

    again = action.open()
    assert again is not dialog
    qtbot.waitUntil(lambda: again.save_button.isEnabled(), timeout=5000)
    assert again.summary.toPlainText() == SUMMARY and "Approved by Olly Manager on 25/11/2026" in again.approval.text()
    assert again.reason.isVisibleTo(again)
    again.summary.setPlainText(SUMMARY + " Now drives a white van.")
    again.save_button.click()  # no reason: said under the field
    qtbot.waitUntil(lambda: bool(again.errors.message("reason")), timeout=5000)
    again.reason.setText("A van was notified at the home visit")
    with qtbot.waitSignal(again.saved, timeout=5000):
        again.save_button.click()
    assert briefings.briefing_for(sqlite_services, world.om, record.offender_id).earlier_texts == 1


def test_the_action_is_not_there_for_those_who_cannot_write(qtbot, record_window, sqlite_services, world):
    record = make_offender(sqlite_services, world.om, "Readonly", "Ray")
    window = record_window(record, world.untrained)  # not ViSOR-trained: makes no entries
    assert window.findChildren(BriefingAction) == []


# --- screenshot (RSO_SCREENSHOTS=1) ------------------------------------------------------------


@pytest.mark.skipif(not os.environ.get("RSO_SCREENSHOTS"), reason="set RSO_SCREENSHOTS=1 to write the screenshots")
def test_screenshot_of_the_briefings_page(qtbot, qapp, make_window, sqlite_services, world, clock):
    from ui.app import load_style

    style, sheet = qapp.style().name(), qapp.styleSheet()
    load_style(qapp)
    try:
        clock.current = datetime(2026, 11, 24, 9, tzinfo=UTC)
        _patch(sqlite_services, world)
        _briefed(sqlite_services, world, "Quillfeather", "Arthur", "ZZ1 4AB", photo=True,
                 vehicle=("ZZ21 KTR", "Ford", "Transit Custom", "White"), alias="Art Quill", risk="very_high",
                 prohibitions="No contact with anyone under 18 unless supervised.\nNot to enter Northam Park "
                              "or the play area on Mill Lane.")
        _briefed(sqlite_services, world, "Okonkwo", "Chidi", "ZZ2 7HD", risk="medium",
                 vehicle=("ZZ19 BWE", "Vauxhall", "Astra", "Silver"))
        _briefed(sqlite_services, world, "Nowak", "Łukasz", "ZZ3 1QP", photo=True, alias="Luke Novak")
        unbriefed = make_offender(sqlite_services, world.om, "Fernhollow", "Dale")
        caseload.add_address(sqlite_services, world.om, unbriefed.offender_id, kind="home", line1="3 Low Row",
                             town="Northam", postcode="ZZ2 1AA", from_date=date(2025, 1, 1))
        clock.current = datetime(2026, 11, 25, 7, 30, tzinfo=UTC)
        window = make_window(world.supervisor)
        window.resize(1280, 720)
        _page(qtbot, window)
        qtbot.wait(150)
        Path("screenshots").mkdir(exist_ok=True)
        assert window.grab().save("screenshots/frontline-briefings.png")
        officer = make_window(briefing_actor(sqlite_services))
        officer.resize(1280, 720)
        page = officer.part(BriefingsPage)
        qtbot.waitUntil(lambda: page.briefing is not None, timeout=5000)
        qtbot.wait(150)
        assert officer.grab().save("screenshots/frontline-briefings-officer.png")
    finally:
        qapp.setStyleSheet(sheet)
        qapp.setStyle(style)


def test_the_administrator_records_a_team_patch_where_teams_are_managed(qtbot, make_window, sqlite_services, world):
    from ui.workflows.accounts import Accounts, TeamPatchDialog

    accounts = make_window(world.admin).part(Accounts)
    accounts.team_patch()
    qtbot.waitUntil(lambda: isinstance(accounts.dialog, TeamPatchDialog), timeout=5000)
    dialog = accounts.dialog
    dialog.team.setCurrentIndex(dialog.team.findData(world.team_id))
    dialog.districts.setText("zz1 4ab")
    dialog.save_button.click()
    qtbot.waitUntil(lambda: bool(dialog.errors.message("districts")), timeout=5000)
    dialog.districts.setText("zz1, ZZ2")
    with qtbot.waitSignal(dialog.saved, timeout=5000):
        dialog.save_button.click()
    patch = next(p for p in briefings.team_patches(sqlite_services, world.admin) if p.id == world.team_id)
    assert patch.districts == ("ZZ1", "ZZ2")
    assert len(_audits(sqlite_services, "team.patch")) == 1


@pytest.mark.skipif(not os.environ.get("RSO_SCREENSHOTS"), reason="set RSO_SCREENSHOTS=1 to write the screenshots")
def test_screenshot_of_the_briefing_dialog(qtbot, qapp, record_window, sqlite_services, world):
    from ui.app import load_style

    style, sheet = qapp.style().name(), qapp.styleSheet()
    load_style(qapp)
    try:
        oid = _briefed(sqlite_services, world, "Quillfeather", "Arthur", "ZZ1 4AB")
        record = caseload.open_record(sqlite_services, world.om, oid, AccessReason.CASE_MANAGEMENT,
                                      "Updating the briefing after the home visit")
        window = record_window(record)
        dialog = next(a for a in window.findChildren(BriefingAction)).open()
        qtbot.waitUntil(lambda: dialog.save_button.isEnabled(), timeout=5000)
        qtbot.wait(100)
        Path("screenshots").mkdir(exist_ok=True)
        assert dialog.grab().save("screenshots/frontline-briefing-dialog.png")
    finally:
        qapp.setStyleSheet(sheet)
        qapp.setStyle(style)
