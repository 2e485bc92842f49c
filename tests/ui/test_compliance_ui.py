"""The compliance summary in the GUI: the dashboard (figures that open their cases) and
File > Print compliance summary (a PDF written owner-only, with its audit row).

The caseload is the one tests/reports/test_compliance.py builds row by row, so the figures are
known: RSO-T01's home visit is overdue (due 01/11/2026), and so on. Clock: 25/11/2026 10:00 UTC.
"""

from __future__ import annotations

import json
import os
import stat
import threading
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from sqlalchemy import select

from rso_manager.persistence import models as m
from rso_manager.reports.compliance_figures import Scope
from rso_manager.reports.compliance_pdf import MARKING
from rso_manager.services import reports
from tests.reports.test_compliance import build_caseload
from ui.open_reason_dialog import OpenReasonDialog
from ui.workflows.compliance import ComplianceSummary

PERIOD = (date(2026, 8, 25), date(2026, 11, 25))  # the default: three months to today
TODAY = date(2026, 11, 25)


def _audit(services, action: str) -> list[m.AuditEvent]:
    with services.session_factory() as s:
        return list(s.scalars(select(m.AuditEvent).where(m.AuditEvent.action == action)))


def _offender_id(services, reference: str) -> int:
    with services.session_factory() as s:
        return s.scalar(select(m.Offender.id).where(m.Offender.reference == reference))


def _dashboard(qtbot, window):
    qtbot.waitExposed(window)  # mouse events reach only a window on screen
    page = window.show_page("dashboard")
    qtbot.waitUntil(lambda: page.dashboard is not None and not page.loading, timeout=5000)
    return page


# --- the dashboard ---------------------------------------------------------------------------------


def test_overdue_visits_figure_opens_its_cases_and_a_case_opens_its_record(qtbot, make_window, sqlite_services,
                                                                            world):
    build_caseload(sqlite_services, world)
    window = make_window(world.lead)
    assert window.page_actions["dashboard"].shortcut().toString() == "Ctrl+4"
    page = _dashboard(qtbot, window)
    assert page.scope_combo.currentText() == "Whole force"
    assert "25/08/2026 to 25/11/2026" in page.period_label.text()

    overdue = page.tiles["visits.overdue"]
    assert overdue.tile.value == 1 and overdue.value_label.text() == "1"
    assert overdue.property("alert") is True  # an exception that is not zero shows red
    assert page.tiles["visits.home"].property("alert") is False  # activity is not an exception

    qtbot.mouseClick(overdue, Qt.MouseButton.LeftButton)
    assert page.cases.isVisible()
    assert page.cases.title.text() == "Overdue home visits: 1"
    [row] = page.cases.rows()
    assert (row.reference, row.name, row.officer, row.needed, row.days) == (
        "RSO-T01", "AARDVARK, Test", "Olly Manager", "Home visit: due by 01/11/2026", 24)
    headers = [page.cases.proxy.headerData(c, Qt.Orientation.Horizontal) for c in range(5)]
    assert headers == ["Reference", "Name", "Officer", "What is needed", "Days"]

    table = page.cases.table
    rect = table.visualRect(page.cases.proxy.index(0, 1))
    # Select, then double-click. (QTest's mouseDClick straight after its click on the tile does
    # not arrive as a double-click: its synthetic timestamps, not the page, are at fault.)
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.wait(QApplication.doubleClickInterval() + 20)
    qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    dialog = window.reason_dialog
    assert isinstance(dialog, OpenReasonDialog) and dialog.isVisible()
    assert dialog.offender_id == _offender_id(sqlite_services, "RSO-T01")
    dialog.reject()


def test_a_count_lists_its_cases_from_the_worker_and_refreshes(qtbot, make_window, sqlite_services, world):
    build_caseload(sqlite_services, world)
    window = make_window(world.lead)
    page = _dashboard(qtbot, window)
    home = page.tiles["visits.home"]
    assert home.tile.value == 6 and home.tile.rows is None
    with qtbot.waitSignal(page.cases_loaded, timeout=5000):
        qtbot.mouseClick(home, Qt.MouseButton.LeftButton)
    rows = page.cases.rows()
    assert len(rows) == 6 and {r.reference for r in rows} == {"RSO-T01", "RSO-T02", "RSO-T03"}
    assert all(r.offender_id for r in rows)
    assert page.cases.title.text() == "Home visits in the period: 6"

    # Refresh counts again (the page also refreshes each time it is shown); the list stays open.
    with qtbot.waitSignal(page.loaded, timeout=5000):
        qtbot.mouseClick(page.refresh_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(page.cases.rows()) == 6, timeout=5000)
    assert page.tiles["visits.home"].property("chosen") is True

    # A team instead of the force: the South team has none of these visits.
    page.scope_combo.setCurrentIndex(page.scope_combo.findText("Team: South"))
    with qtbot.waitSignal(page.loaded, timeout=5000):
        page._scope_chosen(page.scope_combo.currentIndex())
    assert page.tiles["visits.home"].tile.value == 0 and not page.cases.isVisible()
    assert page.tiles["caseload.open"].tile.value == 1


def test_the_list_behind_a_figure_exports_to_excel_audited(qtbot, make_window, sqlite_services, world, tmp_path):
    import openpyxl
    from sqlalchemy import select

    from rso_manager.persistence import models as m

    build_caseload(sqlite_services, world)
    window = make_window(world.lead)
    page = _dashboard(qtbot, window)
    with qtbot.waitSignal(page.cases_loaded, timeout=5000):
        qtbot.mouseClick(page.tiles["visits.home"], Qt.MouseButton.LeftButton)
    export = page.cases_export
    export.chooser = lambda *_a: str(tmp_path / "home-visits.xlsx")
    page.cases.table.setFocus()
    qtbot.keyClick(page.cases.table, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: export.last is not None, timeout=10_000)
    sheet = openpyxl.load_workbook(tmp_path / "home-visits.xlsx").active
    assert {"RSO-T01", "RSO-T02", "RSO-T03"} <= {c.value for c in sheet["A"]}
    with sqlite_services.session_factory() as s:
        row = s.scalars(select(m.AuditEvent).where(m.AuditEvent.action == "list.export")).one()
    assert "Home visits in the period" in (row.details_json or "")


def test_the_dashboard_fits_a_laptop_screen(qtbot, make_window, sqlite_services, world):
    """Every label wraps or elides: the page is usable at 1280x720 without a horizontal scroll,
    with a figure's list open too."""
    from ui.app import load_style

    app = QApplication.instance()
    style, sheet = app.style().name(), app.styleSheet()
    load_style(app)  # the app's fonts and paddings, as an officer sees the page
    try:
        build_caseload(sqlite_services, world)
        window = make_window(world.lead)
        window.resize(1280, 720)
        page = _dashboard(qtbot, window)
        with qtbot.waitSignal(page.cases_loaded, timeout=5000):
            page.show_cases("visits.home")
        qtbot.wait(50)
        assert page.minimumSizeHint().width() <= 1200, page.minimumSizeHint()
        assert window.width() == 1280 and window.minimumSizeHint().width() <= 1280
        assert page.scroll.horizontalScrollBar().maximum() == 0
        assert page.cases.table.horizontalScrollBar().maximum() == 0
        # Printing the figures goes to the compliance summary, for the dashboard's scope.
        page.print_button.click()
        dialog = window.part(ComplianceSummary).dialog
        assert dialog is not None and dialog.isVisible()
        dialog.reject()
    finally:
        app.setStyleSheet(sheet)
        app.setStyle(style)


def test_the_dashboard_models_pass_the_model_tester_with_rows(qtmodeltester, qtbot, make_window, sqlite_services,
                                                              world):
    build_caseload(sqlite_services, world)
    window = make_window(world.lead)
    page = _dashboard(qtbot, window)
    with qtbot.waitSignal(page.cases_loaded, timeout=5000):
        page.show_cases("visits.home")
    assert page.cases.model.rowCount() == 6
    qtmodeltester.check(page.cases.model)
    qtmodeltester.check(page.cases.proxy)
    page.cases.filter.setText("RSO-T01")
    qtmodeltester.check(page.cases.proxy)


def test_every_figure_agrees_with_its_list_of_cases(services, world):
    """Counts and lists are selected with the same clauses: on the same data they cannot differ."""
    build_caseload(services, world)
    dashboard = reports.compliance_dashboard(services, world.lead, Scope.force(), date(2026, 10, 1), TODAY, TODAY)
    tiles = [t for s in dashboard.sections for t in s.tiles]
    assert [s.title for s in dashboard.sections] == ["Caseload", "Home visits", "Notifications", "Supervision",
                                                     "Breaches", "Devices", "Safeguarding", "Actions"]
    assert len({t.key for t in tiles}) == len(tiles)
    checked = 0
    for tile in tiles:
        rows = tile.rows if tile.rows is not None else reports.dashboard_cases(
            services, world.lead, Scope.force(), tile.key, date(2026, 10, 1), TODAY, TODAY)
        assert len(rows) == tile.value, tile.key
        if tile.key != "caseload.over_ceiling":  # officers, not cases
            assert all(r.offender_id for r in rows if r.reference), tile.key
        checked += tile.value > 0
    assert checked >= 25  # the known caseload makes most figures non-zero
    values = {t.key: t.value for t in tiles}
    assert values["caseload.open"] == 16 and values["caseload.unallocated"] == 1
    assert values["visits.announced"] == 1 and values["visits.one_officer"] == 1
    assert values["supervision.escalated"] == 1 and values["breaches.warnings"] == 2
    # The offender ids are for screens: the JSON export is unchanged.
    body = json.loads(reports.compliance_report(services, world.lead, Scope.force(), date(2026, 10, 1), TODAY,
                                                TODAY, fmt="json"))
    assert "offender_id" not in body["visits"]["overdue"][0]


def test_supervisor_sees_their_team_and_an_offender_manager_has_neither_page_nor_print(
        qtbot, make_window, sqlite_services, world):
    build_caseload(sqlite_services, world)
    supervisor = make_window(world.supervisor)
    page = _dashboard(qtbot, supervisor)
    assert page.scope_combo.currentText() == "Team: North"
    assert page.tiles["caseload.open"].tile.value == 15

    om = make_window(world.om)
    assert "dashboard" not in om.page_actions
    assert om.part(ComplianceSummary) is None
    assert not any("compliance" in a.text().lower() for a in om.file_menu.actions())


# --- printing ---------------------------------------------------------------------------------------


@pytest.fixture
def print_dialog(qtbot, make_window, sqlite_services, world, tmp_path):
    def open_for(actor):
        window = make_window(actor)
        summary = window.part(ComplianceSummary)
        summary.folder = lambda: str(tmp_path)
        summary.opened = []
        summary.opener = summary.opened.append
        summary.chooser = lambda *args: pytest.fail("no native file dialog in tests")
        dialog = summary.open_dialog()
        qtbot.waitUntil(lambda: dialog.options is not None, timeout=5000)
        return window, dialog
    return open_for


def test_printing_saves_an_owner_only_pdf_with_the_marking_and_audits_it(qtbot, print_dialog, sqlite_services,
                                                                       world, tmp_path, prompter):
    build_caseload(sqlite_services, world)
    window, dialog = print_dialog(world.lead)
    action = window.part(ComplianceSummary).action
    assert action.shortcut().toString() == "Ctrl+P" and action in window.file_menu.actions()
    # The lead's defaults: the force, the last three months to today, as of today, PDF.
    assert dialog.scope_kind.currentText() == "Whole force" and not dialog.scope_name.isEnabled()
    assert (dialog.period_from.date(), dialog.period_to.date(), dialog.as_of.date()) == (*PERIOD, TODAY)
    assert dialog.pdf.isChecked()
    path = tmp_path / "compliance-force-2026-11-25.pdf"
    assert dialog.path.text() == str(path)

    prompter.confirms[:] = [True]  # "Open it now?"
    with qtbot.waitSignal(dialog.finished_job, timeout=10_000) as finished:
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert finished.args == ["saved"]
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600  # OFFICIAL-SENSITIVE: owner only
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".compliance-")]  # no temp left
    first_page = PdfReader(path).pages[0].extract_text()
    assert MARKING in first_page and "Whole force" in first_page
    [event] = _audit(sqlite_services, "export.print")
    details = json.loads(event.details_json)
    assert event.username == "lead" and details["format"] == "pdf" and details["saved_to"] == str(path)
    assert (details["period_from"], details["as_of"]) == ("2026-08-25", "2026-11-25")
    assert ("confirm", "Compliance summary saved") in [(k, t) for k, t, _ in prompter.messages]
    assert window.part(ComplianceSummary).opened == [str(path)]
    assert str(path) in window.statusBar().currentMessage()
    assert not dialog.isVisible()


def test_print_sends_every_page_of_the_summary_to_the_printer_chosen(qtbot, print_dialog, sqlite_services,
                                                                    world, tmp_path, prompter):
    """Print... asks the system print dialog for a printer (here a PDF printer standing in for
    the user's answer) and sends it the summary's pages; nothing is saved, the print is audited."""
    from PySide6.QtPrintSupport import QPrinter

    build_caseload(sqlite_services, world)
    window, dialog = print_dialog(world.lead)
    asked = []
    printed = tmp_path / "printer-output.pdf"

    def answer(parent, title):
        asked.append(title)
        printer = QPrinter(QPrinter.PrinterMode.ScreenResolution)
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(printed))
        return printer

    dialog._ask_printer = lambda parent, title: asked.append(title)  # cancelled: None
    dialog.print_button.click()
    assert asked == ["Print the compliance summary"] and _audit(sqlite_services, "export.print") == []
    assert dialog.isVisible() and dialog.print_button.isEnabled()

    dialog._ask_printer = answer
    assert dialog.print_button.text() == "&Print..." and dialog.print_button.isEnabled()
    with qtbot.waitSignal(dialog.finished_job, timeout=20_000) as finished:
        dialog.print_button.click()
    assert finished.args == ["printed"]
    [event] = _audit(sqlite_services, "export.print")
    assert json.loads(event.details_json)["format"] == "pdf"
    report = reports.compliance_report(sqlite_services, world.lead, Scope.force(), *PERIOD, TODAY)
    from io import BytesIO

    pages = len(PdfReader(BytesIO(report)).pages)
    assert pages >= 2 and len(PdfReader(printed).pages) == pages
    assert not list(tmp_path.glob("compliance-*"))  # printed, not saved
    assert "sent to the printer" in window.statusBar().currentMessage() and not dialog.isVisible()


def test_a_team_as_json_and_an_existing_file_is_replaced_only_when_asked(qtbot, print_dialog, sqlite_services,
                                                                         world, tmp_path, prompter):
    window, dialog = print_dialog(world.supervisor)
    assert (dialog.scope_kind.currentText(), dialog.scope_name.currentText()) == ("A team", "North")
    dialog.json.setChecked(True)
    path = tmp_path / "compliance-team-north-2026-11-25.json"
    assert dialog.path.text() == str(path)
    path.write_text("an older report")

    prompter.confirms[:] = [False]  # "Replace the file?" No.
    with qtbot.waitSignal(dialog.finished_job, timeout=5000):
        dialog.submit()
    assert "already exists" in dialog.errors.message("path")
    assert path.read_text() == "an older report" and _audit(sqlite_services, "export.print") == []

    prompter.confirms[:] = [True, False]  # Replace: yes. Open it now: no.
    saved = []
    dialog.saved.connect(saved.append)
    dialog.submit()
    qtbot.waitUntil(lambda: bool(saved), timeout=10_000)
    body = json.loads(path.read_text())
    assert body["marking"] == MARKING and body["scope"]["label"] == "Team: North"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert window.part(ComplianceSummary).opened == []


def test_bad_choices_get_the_services_message_beside_the_field(qtbot, print_dialog, sqlite_services, world):
    _window, dialog = print_dialog(world.lead)

    def attempt():
        with qtbot.waitSignal(dialog.finished_job, timeout=5000):
            dialog.submit()

    dialog.period_to.edit.setText("01/08/2026")  # before the start
    dialog.as_of.edit.setText("30/11/2026")  # after today
    attempt()
    assert "before it starts" in dialog.errors.message("period_to")
    assert "after today" in dialog.errors.message("as_of")
    assert dialog.errors.is_marked("period_to") and dialog.period_to.text() == "01/08/2026"  # kept

    dialog.period_to.edit.setText("25/11/2026")
    dialog.as_of.edit.setText("20/11/2026")  # inside the period
    attempt()
    assert "before the end of the period" in dialog.errors.message("as_of")
    assert dialog.errors.message("period_to") == ""

    dialog.as_of.edit.setText("25/11/2026")
    dialog.scope_kind.setCurrentIndex(dialog.scope_kind.findData("team"))
    dialog.scope_name.setCurrentText("Nowhere")
    attempt()
    assert "No team called 'Nowhere'. Teams: North, South." in dialog.errors.message("scope")
    assert dialog.scope_name.currentText() == "Nowhere"

    dialog.scope_name.setCurrentText("")
    dialog.submit()  # refused before any work: a team needs its name
    assert "team's name" in dialog.errors.message("scope")
    assert _audit(sqlite_services, "export.print") == []
    assert not list(Path(dialog.path.text()).parent.glob("compliance-*"))


def test_cancel_abandons_the_report_and_nothing_is_saved_or_audited(qtbot, print_dialog, sqlite_services, world,
                                                                    tmp_path):
    window, dialog = print_dialog(world.lead)
    gate = threading.Event()
    window.worker.submit(gate.wait, 5)  # the worker is busy: the report waits its turn
    dialog.submit()
    progress = dialog.progress
    assert progress is not None and progress.isVisible() and not dialog.save_button.isEnabled()
    with qtbot.waitSignal(dialog.finished_job, timeout=2000) as finished:
        progress.findChild(type(dialog.save_button)).click()  # the progress dialog's Cancel
    assert finished.args == ["cancelled"]
    assert dialog.save_button.isEnabled() and dialog.status.text() == "Cancelled: nothing was saved."
    gate.set()
    window.worker.wait_for_done(10_000)
    qtbot.wait(50)  # the abandoned result is delivered and dropped
    assert not list(tmp_path.glob("compliance-*")) and _audit(sqlite_services, "export.print") == []
    assert dialog.isVisible()  # the choices are still there to try again


# --- screenshots (RSO_SCREENSHOTS=1) ------------------------------------------------------------------


@pytest.mark.skipif(not os.environ.get("RSO_SCREENSHOTS"), reason="set RSO_SCREENSHOTS=1 to redraw the screenshots")
def test_screenshots(qtbot, tmp_path, prompter):
    """screenshots/dashboard.png (1280x720) and print-dialog.png from the 300-case demo caseload, as an
    OMU lead."""
    from rso_manager import demo
    from rso_manager.clock import FixedClock
    from rso_manager.database import open_database
    from rso_manager.services.unit_of_work import SYSTEM, Actor
    from rso_manager.services.users import list_users
    from ui.app import load_style
    from ui.main_window import build_main_window

    load_style(QApplication.instance())
    engine, services = open_database(f"sqlite:///{tmp_path / 'demo.db'}", FixedClock())
    demo.generate(services, offenders=300, seed=1)
    lead = next(u for u in list_users(services, SYSTEM) if u.username == "lead")
    actor = Actor(lead.id, lead.username, lead.display_name, lead.role, lead.team_id, lead.trained)
    window = build_main_window(services, actor, prompter=prompter, database="demo.db (SQLite)", demo=True)
    try:
        window.resize(1280, 720)  # a laptop screen
        window.show()
        qtbot.waitExposed(window)
        qtbot.waitUntil(lambda: not window.loading, timeout=20_000)
        page = _dashboard(qtbot, window)
        with qtbot.waitSignal(page.cases_loaded, timeout=5000):
            page.show_cases("visits.overdue")
        qtbot.wait(200)
        out = Path(__file__).resolve().parents[2] / "screenshots"
        out.mkdir(exist_ok=True)
        window.grab().save(str(out / "dashboard.png"))

        summary = window.part(ComplianceSummary)
        summary.folder = lambda: "/home/lee.lead/Documents"
        dialog = summary.open_dialog()
        qtbot.waitUntil(lambda: dialog.options is not None, timeout=5000)
        qtbot.wait(100)
        dialog.grab().save(str(out / "print-dialog.png"))
        dialog.reject()
    finally:
        window.close()
        window.worker.wait_for_done(10_000)
        engine.dispose()


def test_full_exception_lists_are_offered_for_the_force_pdf_and_printed_when_ticked(qtbot, print_dialog,
                                                                                   sqlite_services, world, tmp_path,
                                                                                   prompter):
    build_caseload(sqlite_services, world)
    _window, dialog = print_dialog(world.lead)
    assert dialog.full_lists.isEnabled() and not dialog.full_lists.isChecked()
    dialog.json.setChecked(True)
    assert not dialog.full_lists.isEnabled()  # JSON holds every row anyway
    dialog.pdf.setChecked(True)
    dialog.scope_kind.setCurrentIndex(dialog.scope_kind.findData("team"))
    assert dialog.full_lists.isEnabled()  # a team's summary shows the 10 oldest; every case on request
    dialog.scope_kind.setCurrentIndex(dialog.scope_kind.findData("officer"))
    assert not dialog.full_lists.isEnabled()  # an officer's lists every case
    dialog.scope_kind.setCurrentIndex(dialog.scope_kind.findData("force"))
    assert dialog.full_lists.isEnabled()
    dialog.full_lists.setChecked(True)

    prompter.confirms[:] = [False]  # "Open it now?": no
    with qtbot.waitSignal(dialog.finished_job, timeout=20_000) as finished:
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert finished.args == ["saved"]
    text = " ".join(p.extract_text() for p in PdfReader(tmp_path / "compliance-force-2026-11-25.pdf").pages)
    assert "North: every exception" in text
    [event] = _audit(sqlite_services, "export.print")
    assert json.loads(event.details_json)["full_lists"] is True


def test_return_in_a_date_field_saves_the_report_as_the_save_button_would(qtbot, print_dialog, sqlite_services,
                                                                          world, tmp_path, prompter):
    build_caseload(sqlite_services, world)
    _window, dialog = print_dialog(world.lead)
    prompter.confirms[:] = [False]  # "Open it now?"
    dialog.period_from.edit.setFocus()
    dialog.period_from.edit.selectAll()
    qtbot.keyClicks(dialog.period_from.edit, "01/09/2026")
    with qtbot.waitSignal(dialog.finished_job, timeout=10_000) as finished:
        qtbot.keyClick(dialog.period_from.edit, Qt.Key.Key_Return)
    assert finished.args == ["saved"]
    [event] = _audit(sqlite_services, "export.print")
    assert json.loads(event.details_json)["period_from"] == "2026-09-01"
