"""Issue 17 parts 3-5 in the window: File > Import offenders... previews a file (rows, problems
by row and column, possible duplicates) with Import disabled while there are problems, then
imports; the planner exports its week to a calendar (Ctrl+Shift+E) and its plan to Excel; the
search results export from their context menu; a 1280x720 screenshot of the preview."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import openpyxl
from icalendar import Calendar
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from sqlalchemy import func, select

from rso_manager.persistence import models as m
from rso_manager.services import visits
from tests.ui.conftest import make_offender
from ui.workflows.exchange.import_offenders import ImportController, ImportDialog
from ui.workflows.search.search_dialog import SearchLauncher
from ui.workflows.visits.planner import planner_of

HEAD = "surname,forenames,date_of_birth,offender_manager,team,gender,pnc_id,mappa_category,mappa_level,identifying_marks"
GOOD = (f"{HEAD}\r\n"
        "Fakesmith,Alan John,17/05/1980,om,North,Male,2001/0012345A,1,1,Tattoo of an anchor on the left forearm\r\n"
        "Notreal,Beatrice,1979-02-28,om,,female,,2,1,\r\n"
        "Imaginary,Cecil,03/09/1991,om,,,,1,2,\r\n")
BAD = GOOD + "Thirdcase,Carl,31/02/1981,om,North,,,1,1,\r\nFourth,,01/01/1990,nobody,,,,4,1,\r\n"


def _count(services):
    with services.session_factory() as s:
        return s.scalar(select(func.count()).select_from(m.Offender))


def _dialog(qtbot, make_window, world) -> tuple[object, ImportDialog]:
    window = make_window(world.om)
    controller = window.part(ImportController)
    assert controller is not None and controller.action.text() == "Import &offenders..."
    dialog = controller.open()
    qtbot.waitUntil(dialog.isVisible, timeout=3000)
    return window, dialog


def _preview(qtbot, dialog, path) -> None:
    dialog.path.setText(str(path))
    dialog.ask_preview()
    qtbot.waitUntil(lambda: dialog.preview is not None, timeout=10_000)


def test_the_preview_names_problems_and_import_waits_until_the_file_is_right(
        qtbot, make_window, sqlite_services, world, prompter, tmp_path):
    existing = make_offender(sqlite_services, world.om, "Fakesmith", "Alan", dob=date(1980, 5, 17))
    window, dialog = _dialog(qtbot, make_window, world)
    assert not dialog.save_button.isEnabled()
    bad = tmp_path / "bad.csv"
    bad.write_text(BAD, encoding="utf-8")
    _preview(qtbot, dialog, bad)
    assert not dialog.save_button.isEnabled() and dialog.tabs.currentWidget() is dialog.problem_panel
    shown = {(p.row, p.column) for p in dialog.problems.rows()}
    assert (5, "date_of_birth") in shown and (6, "offender_manager") in shown
    assert dialog.tabs.tabText(1).startswith("Problems (")

    good = tmp_path / "good.csv"
    good.write_text(GOOD, encoding="utf-8")
    _preview(qtbot, dialog, good)
    assert dialog.created.rowCount() == 3 and dialog.save_button.isEnabled()
    assert [d.reference for d in dialog.duplicates.rows()] == [existing.reference]
    assert dialog.confirm.isVisibleTo(dialog)
    dialog.submit()
    qtbot.waitUntil(lambda: bool(dialog.errors.message("confirm_duplicates")), timeout=10_000)
    assert _count(sqlite_services) == 1
    dialog.confirm.setChecked(True)
    dialog.submit()
    qtbot.waitUntil(lambda: any(t == "Offenders imported" for _k, t, _x in prompter.messages), timeout=10_000)
    assert _count(sqlite_services) == 4


def test_the_template_saves_with_the_headings(qtbot, make_window, world, tmp_path):
    _window, dialog = _dialog(qtbot, make_window, world)
    dialog.chooser = lambda *_a: str(tmp_path / "template")
    saved = dialog.template()
    assert saved.endswith(".xlsx")
    assert [c.value for c in openpyxl.load_workbook(saved).worksheets[0][1]] == HEAD.split(",")


def test_the_planner_exports_its_week_to_a_calendar_and_its_plan_to_excel(
        qtbot, make_window, sqlite_services, world, tmp_path):
    rec = make_offender(sqlite_services, world.om, "Planrow", "Pat")
    visits.book_visit(sqlite_services, world.om, rec.offender_id, on=date(2026, 11, 27), time_band="evening",
                      officer_ids=(world.om.user_id, world.supervisor.user_id),
                      reason="Booked for the test week as the officers are free then")
    window = make_window(world.om)
    page = planner_of(window)
    with qtbot.waitSignal(page.loaded, timeout=5000):
        window.page_actions["planner"].trigger()
    assert page.calendar_action.shortcut().toString() == "Ctrl+Shift+E"
    page.chooser = lambda *_a: str(tmp_path / "week")
    page.setFocus()
    qtbot.keyClick(page, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: (tmp_path / "week.ics").exists() and not page.exporting, timeout=10_000)
    events = Calendar.from_ical((tmp_path / "week.ics").read_bytes()).walk("VEVENT")
    assert [str(e["SUMMARY"]) for e in events] == [f"Home visit {rec.reference}"]

    page.chooser = lambda *_a: str(tmp_path / "plan")
    assert page.export_spreadsheet("xlsx")
    qtbot.waitUntil(lambda: (tmp_path / "plan.xlsx").exists() and not page.exporting, timeout=10_000)
    ws = openpyxl.load_workbook(tmp_path / "plan.xlsx").active
    assert ws["A1"].value == "Date" and rec.reference in [c.value for c in ws["D"]]


def test_search_results_export_from_their_context_menu(qtbot, make_window, sqlite_services, world, tmp_path):
    make_offender(sqlite_services, world.om, "=Formulaname", "Eve")
    make_offender(sqlite_services, world.om, "Searchable", "Sid")
    window = make_window(world.om)
    dialog = window.part(SearchLauncher).show()
    dialog.box.setText("Searchable")
    dialog.run()
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 1, timeout=10_000)
    export = dialog.export
    assert {a.text() for a in dialog.view.actions()} >= {"Export to &CSV...", "Export to &Excel..."}
    assert dialog.view.contextMenuPolicy() == Qt.ContextMenuPolicy.ActionsContextMenu
    export.chooser = lambda *_a: str(tmp_path / "found.csv")
    dialog.view.setFocus()
    qtbot.keyClick(dialog.view, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: export.last is not None, timeout=10_000)
    text = (tmp_path / "found.csv").read_text(encoding="utf-8-sig")
    assert text.splitlines()[0] == "Reference,Name,Offender manager,What matched"
    assert "SEARCHABLE, Sid" in text and export.last.fmt == "csv"
    with sqlite_services.session_factory() as s:
        row = s.scalar(select(m.AuditEvent).where(m.AuditEvent.action == "list.export"))
    assert "Search results for Searchable" in row.details_json


def test_screenshot_of_the_import_preview(qtbot, qapp, make_window, sqlite_services, world, tmp_path):
    from ui.app import load_style

    style, sheet = qapp.style().name(), qapp.styleSheet()
    load_style(qapp)
    try:
        make_offender(sqlite_services, world.om, "Fakesmith", "Alan", dob=date(1980, 5, 17))
        window, dialog = _dialog(qtbot, make_window, world)
        window.resize(1280, 720)
        bad = tmp_path / "offenders.csv"
        bad.write_text(BAD, encoding="utf-8")
        _preview(qtbot, dialog, bad)
        QApplication.processEvents()
        qtbot.wait(100)
        Path("screenshots").mkdir(exist_ok=True)
        if os.environ.get("RSO_SCREENSHOTS") or not Path("screenshots/import-preview.png").exists():
            assert dialog.grab().save("screenshots/import-preview.png")
            good = tmp_path / "good.csv"
            good.write_text(GOOD, encoding="utf-8")
            _preview(qtbot, dialog, good)
            QApplication.processEvents()
            qtbot.wait(100)
            assert dialog.grab().save("screenshots/import-preview-duplicates.png")
            page = planner_of(window)
            with qtbot.waitSignal(page.loaded, timeout=5000):
                window.page_actions["planner"].trigger()
            dialog.close()
            qtbot.wait(100)
            assert window.grab().save("screenshots/planner-export.png")
    finally:
        qapp.setStyleSheet(sheet)
        qapp.setStyle(style)
