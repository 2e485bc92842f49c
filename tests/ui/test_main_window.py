"""The main window against a real SQLite database: caseload, filter, sort, opening a record."""

from __future__ import annotations

import os
from datetime import date

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import select

from rso_manager.domain.roles import CaseloadScope
from rso_manager.persistence.models import AuditEvent
from rso_manager.services.caseload import AccessReason
from tests.reports.test_compliance import build_caseload
from tests.ui.conftest import make_offender
from ui.caseload_model import (
    COL_DOB,
    COL_FLAGS,
    COL_MANAGER,
    COL_NAME,
    COL_NOTIFICATION,
    COL_RISK,
    COL_TEAM,
    COL_VISIT,
    HEADERS,
)
from ui.open_reason_dialog import OpenReasonDialog
from ui.record_window import RecordWindow
from ui.workflows.accounts import Accounts


def _names(window) -> list[str]:
    return [window.proxy.index(r, COL_NAME).data() for r in range(window.proxy.rowCount())]


def _audit(services, action: str) -> list[AuditEvent]:
    with services.session_factory() as s:
        return list(s.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def test_caseload_loads_in_the_background_and_shows_rows(qtbot, make_window, sqlite_services, world):
    make_offender(sqlite_services, world.om, "Quillfeather", "Arthur")
    make_offender(sqlite_services, world.om, "Marrowby", "Bryn")
    make_offender(sqlite_services, world.om2, "Elsewhere", "Cara")  # South team, om2's case
    window = make_window(world.om, wait=False)
    assert window.loading and window.loading_label.isVisibleTo(window)
    qtbot.waitUntil(lambda: not window.loading, timeout=5000)
    assert sorted(_names(window)) == ["MARROWBY, Bryn", "QUILLFEATHER, Arthur"]
    assert window.count_label.text() == "2 of 2 cases"
    assert window.title_label.text() == "My caseload"
    assert not window.loading_label.isVisibleTo(window)
    status = window.user_label.text()
    assert "Olly Manager" in status and "Offender manager" in status
    assert window.database_label.text() == "SQLite test.db"


def test_filter_narrows_and_counts(qtbot, make_window, sqlite_services, world):
    for surname in ("Quillfeather", "Marrowby", "Quince"):
        make_offender(sqlite_services, world.om, surname)
    window = make_window(world.om)
    qtbot.keyClicks(window.filter_edit, "QUI")
    assert sorted(_names(window)) == ["QUILLFEATHER, Alex", "QUINCE, Alex"]
    assert window.count_label.text() == "2 of 3 cases"
    window.filter_edit.clear()
    assert window.count_label.text() == "3 of 3 cases"
    assert window.filter_edit.placeholderText().startswith("Filter by name")


def test_header_click_sorts_by_date_of_birth(qtbot, make_window, sqlite_services, world):
    make_offender(sqlite_services, world.om, "Young", dob=date(1999, 1, 2))
    make_offender(sqlite_services, world.om, "Old", dob=date(1950, 12, 30))
    make_offender(sqlite_services, world.om, "Middle", dob=date(1975, 6, 1))
    window = make_window(world.om)
    window.table.sortByColumn(COL_DOB, Qt.SortOrder.AscendingOrder)
    assert _names(window) == ["OLD, Alex", "MIDDLE, Alex", "YOUNG, Alex"]
    assert window.proxy.index(0, COL_DOB).data() == "30/12/1950"
    window.table.sortByColumn(COL_DOB, Qt.SortOrder.DescendingOrder)
    assert _names(window)[0] == "YOUNG, Alex"


def test_scope_chooser_follows_the_role(qtbot, make_window, sqlite_services, world):
    make_offender(sqlite_services, world.om, "Mine")
    make_offender(sqlite_services, world.om2, "Southern", team_id=world.team2_id)
    window = make_window(world.supervisor)
    # Need-to-know: a supervisor lists their team, never the force.
    assert [a.text() for a in window.scope_actions.actions()] == ["Team caseload", "My caseload"]
    assert _names(window) == ["MINE, Alex"]  # the North team
    lead = make_window(world.lead)
    assert [a.text() for a in lead.scope_actions.actions()] == ["All cases", "Team caseload"]
    lead.set_scope(CaseloadScope.ALL)
    qtbot.waitUntil(lambda: sorted(_names(lead)) == ["MINE, Alex", "SOUTHERN, Alex"], timeout=5000)
    assert lead.scope_combo.currentText() == "All cases"


def test_administrator_sees_accounts_not_a_caseload(qtbot, make_window, world):
    window = make_window(world.admin)
    assert not window.scopes and not window.new_action.isVisible()
    qtbot.waitUntil(lambda: window.part(Accounts).model.rowCount() > 0, timeout=5000)
    usernames = {window.part(Accounts).model.row_at(r).username for r in range(window.part(Accounts).model.rowCount())}
    assert {"admin", "om", "newbie"} <= usernames


def test_untrained_user_cannot_create_records(make_window, world):
    window = make_window(world.untrained)
    assert not window.new_action.isEnabled()
    assert "read only" in window.user_label.text()


def test_opening_a_record_asks_a_reason_and_audits_it(qtbot, make_window, sqlite_services, world):
    record = make_offender(sqlite_services, world.om, "Quillfeather", "Arthur")
    window = make_window(world.om)
    window.table.selectRow(0)
    qtbot.keyClick(window.table, Qt.Key.Key_Return)  # Enter opens, as does a double-click
    dialog = window.reason_dialog
    assert isinstance(dialog, OpenReasonDialog) and dialog.isVisible()

    # Too short, then filler: the service's message appears next to the details field; nothing
    # is audited.
    dialog.choose(AccessReason.VISIT_PREPARATION, "visit")
    dialog.submit()
    qtbot.waitUntil(lambda: dialog.errors.message("reason_text") != "", timeout=5000)
    assert "at least 3 words" in dialog.errors.message("reason_text")
    assert dialog.errors.is_marked("reason_text")
    assert dialog.details.text() == "visit"  # kept
    dialog.details.setText("xxxxxxxxxx")
    dialog.submit()
    qtbot.waitUntil(lambda: "not a reason" in dialog.errors.message("reason_text"), timeout=5000)
    assert _audit(sqlite_services, "record.open") == []

    dialog.details.setText("preparing for Thursday's home visit")
    with qtbot.waitSignal(window.record_window_opened, timeout=5000) as opened:
        dialog.submit()
    record_window = opened.args[0]
    assert isinstance(record_window, RecordWindow)
    assert record_window.name_label.text() == "QUILLFEATHER, Arthur"
    rows = _audit(sqlite_services, "record.open")
    assert len(rows) == 1
    assert rows[0].offender_id == record.offender_id and rows[0].username == "om"
    assert rows[0].reason == "visit_preparation: preparing for Thursday's home visit"

    # The same record again is brought to the front, not opened (and audited) twice.
    assert window.open_offender(record.offender_id, "again") is record_window
    assert len(_audit(sqlite_services, "record.open")) == 1


def test_no_reason_chosen_is_refused(qtbot, make_window, sqlite_services, world):
    make_offender(sqlite_services, world.om)
    window = make_window(world.om)
    window.table.selectRow(0)
    window.open_selected()
    dialog = window.reason_dialog
    dialog.details.setText("a long enough reason text")
    dialog.submit()
    qtbot.waitUntil(lambda: dialog.errors.message("reason") != "", timeout=5000)
    assert dialog.errors.message("reason") == "Choose why you are opening this record."


def test_demo_mode_is_marked(make_window, world):
    window = make_window(world.om, demo=True)
    assert window.demo_label.text() == "DEMO"
    assert window.windowTitle().startswith("[DEMO]")


# --- screens that fit a laptop (issue 13) ------------------------------------------------------


@pytest.fixture
def app_style(qapp):
    """The app's style sheet, as an officer sees the window (widths depend on its fonts)."""
    from ui.app import load_style

    style, sheet = qapp.style().name(), qapp.styleSheet()
    load_style(qapp)
    yield
    qapp.setStyleSheet(sheet)
    qapp.setStyle(style)


def _on_screen(window, column: int) -> bool:
    header = window.table.horizontalHeader()
    left = header.sectionViewportPosition(column)
    return (not header.isSectionHidden(column) and left >= 0
            and left + min(header.sectionSize(column), 80) <= window.table.viewport().width())


@pytest.mark.parametrize("height", [720, 760])
def test_the_caseload_fits_1280_wide_with_flags_on_screen(qtbot, make_window, sqlite_services, world, app_style,
                                                          height, tmp_path, monkeypatch):
    monkeypatch.setenv("RSO_MANAGER_DATA_DIR", str(tmp_path))  # fitted afresh, not as another test left them
    build_caseload(sqlite_services, world)
    window = make_window(world.supervisor)  # the team view, then their own cases
    window.resize(1280, height)
    qtbot.waitUntil(lambda: window.width() == 1280, timeout=2000)
    header = window.table.horizontalHeader()
    assert window.title_label.text() == "Team caseload"
    assert header.isSectionHidden(COL_TEAM) and not header.isSectionHidden(COL_MANAGER)
    assert _on_screen(window, COL_FLAGS) and window.table.horizontalScrollBar().maximum() == 0
    window.set_scope(CaseloadScope.MINE)
    qtbot.waitUntil(lambda: not window.loading, timeout=5000)
    assert header.isSectionHidden(COL_TEAM) and header.isSectionHidden(COL_MANAGER)
    assert _on_screen(window, COL_FLAGS) and window.table.horizontalScrollBar().maximum() == 0
    om = make_window(world.om)
    om.resize(1280, height)
    qtbot.waitUntil(lambda: om.width() == 1280 and om.model.rowCount() == 14, timeout=5000)
    for column in (COL_NAME, COL_VISIT, COL_NOTIFICATION, COL_FLAGS):
        assert _on_screen(om, column), HEADERS[column]
    assert om.table.horizontalScrollBar().maximum() == 0
    lead = make_window(world.lead)  # all cases: every column shown, and still Flags
    lead.resize(1280, height)
    lead.set_scope(CaseloadScope.ALL)
    qtbot.waitUntil(lambda: not lead.loading and lead.title_label.text() == "All cases", timeout=5000)
    assert not any(lead.table.horizontalHeader().isSectionHidden(c) for c in range(len(HEADERS)))
    assert _on_screen(lead, COL_FLAGS) and lead.table.horizontalScrollBar().maximum() == 0


def test_columns_are_chosen_from_the_header_and_kept_per_scope(qtbot, make_window, sqlite_services, world,
                                                               tmp_path, monkeypatch):
    monkeypatch.setenv("RSO_MANAGER_DATA_DIR", str(tmp_path))  # screens.ini there, not the session's
    make_offender(sqlite_services, world.supervisor, "Quillfeather")
    window = make_window(world.supervisor)  # Team caseload first
    columns = window.caseload_page.columns
    assert columns.key == "caseload/team"
    menu = columns.menu()
    titles = [a.text() for a in menu.actions()]
    assert titles == list(HEADERS)
    team = next(a for a in menu.actions() if a.text() == "Team")
    assert not team.isChecked()
    next(a for a in menu.actions() if a.text() == "Date of birth").setChecked(False)  # hide
    header = window.table.horizontalHeader()
    assert header.isSectionHidden(COL_DOB)
    header.resizeSection(COL_NAME, 333)
    header.moveSection(header.visualIndex(COL_RISK), 0)

    window.set_scope(CaseloadScope.MINE)  # another scope, its own columns
    qtbot.waitUntil(lambda: not window.loading, timeout=5000)
    assert columns.key == "caseload/mine" and not header.isSectionHidden(COL_DOB)
    assert header.isSectionHidden(COL_MANAGER)
    window.set_scope(CaseloadScope.TEAM)
    qtbot.waitUntil(lambda: not window.loading, timeout=5000)
    assert header.isSectionHidden(COL_DOB) and header.sectionSize(COL_NAME) == 333

    # A new window (the next day) opens with them as they were left.
    assert (tmp_path / "screens.ini").exists()
    again = make_window(world.supervisor)
    header = again.table.horizontalHeader()
    assert header.isSectionHidden(COL_DOB) and not header.isSectionHidden(COL_MANAGER)
    assert header.sectionSize(COL_NAME) == 333 and header.logicalIndex(0) == COL_RISK
    # The last column shown cannot be hidden: an empty grid would look broken.
    for column in range(len(HEADERS)):
        again.caseload_page.columns.set_shown(column, False)
    assert sum(not header.isSectionHidden(c) for c in range(len(HEADERS))) == 1


def test_remember_columns_keeps_widths_order_and_choice_in_its_settings(qtbot, tmp_path):
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QTableView

    from ui.kit.columns import remember_columns
    from ui.kit.tables import Column, RowsModel

    settings = QSettings(str(tmp_path / "screens.ini"), QSettings.Format.IniFormat)

    def view():
        model = RowsModel([Column("A", str), Column("B", str), Column("C", str)])
        model.set_rows(["x", "y"])
        table = QTableView()
        qtbot.addWidget(table)
        table.setModel(model)
        return table

    first = view()
    kept = remember_columns(first, "list/one", settings=settings, hidden=[2])
    assert first.horizontalHeader().isSectionHidden(2) and not kept.restored
    kept.set_shown(2, True)
    kept.set_shown(0, False)
    first.horizontalHeader().resizeSection(1, 210)
    first.horizontalHeader().moveSection(2, 0)
    settings.sync()
    assert (tmp_path / "screens.ini").exists()

    second = view()
    again = remember_columns(second, "list/one", settings=settings, hidden=[2])
    header = second.horizontalHeader()
    assert again.restored
    assert header.isSectionHidden(0) and not header.isSectionHidden(2)
    assert header.sectionSize(1) == 210 and header.logicalIndex(0) == 2
    other = remember_columns(view(), "list/two", settings=settings, hidden=[1])
    assert not other.restored and other.view.horizontalHeader().isSectionHidden(1)


def test_a_filter_with_no_match_says_so_and_what_to_do(qtbot, make_window, sqlite_services, world):
    make_offender(sqlite_services, world.om, "Quillfeather")
    window = make_window(world.om)
    panel = window.caseload_page.panel
    assert not panel.is_empty_shown()
    qtbot.keyClicks(window.filter_edit, "xyz")
    assert panel.is_empty_shown()
    assert panel.empty.text() == ("No case in My caseload matches \u201cxyz\u201d. Clear the filter (Esc) or "
                                  "search all cases by reference (Ctrl+Shift+O).")
    qtbot.keyClick(window.filter_edit, Qt.Key.Key_Escape)
    assert window.filter_edit.text() == "" and not panel.is_empty_shown()
    assert window.count_label.text() == "1 of 1 case"


def test_an_empty_caseload_says_why(qtbot, make_window, world):
    window = make_window(world.om)
    panel = window.caseload_page.panel
    assert panel.is_empty_shown()
    assert panel.empty.text() == ("There are no cases in My caseload: no open case has you as its offender "
                                  "manager.\nUse File > New offender record to add one.")


def test_the_overdue_view_is_one_click_away(qtbot, make_window, sqlite_services, world):
    build_caseload(sqlite_services, world)
    window = make_window(world.om)
    action = window.overdue_action
    assert action in window.toolbar.actions() and action in window.view_menu.actions()
    assert action.isCheckable() and action.shortcut().toString() == "Ctrl+Shift+D"
    everyone = window.proxy.rowCount()
    expected = {window.proxy.row_at(r).reference for r in range(everyone)
                if any(f.endswith(" overdue") for f in window.proxy.row_at(r).flags)}
    assert "RSO-T01" in expected and len(expected) < everyone
    action.trigger()
    shown = {window.proxy.row_at(r).reference for r in range(window.proxy.rowCount())}
    assert shown == expected
    assert window.count_label.text() == f"{len(expected)} overdue of {everyone} cases"
    assert window.caseload_page.overdue_label.isVisibleTo(window)
    qtbot.keyClicks(window.filter_edit, "nobody-by-this-name")
    assert window.caseload_page.panel.empty.text().startswith("No overdue case in My caseload matches")
    window.filter_edit.clear()
    action.trigger()  # off again: every case
    assert window.proxy.rowCount() == everyone and not window.caseload_page.overdue_label.isVisibleTo(window)


def test_the_show_box_is_only_on_the_caseload(qtbot, make_window, sqlite_services, world):
    window = make_window(world.lead)
    combo_action = next(a for a in window.toolbar.actions() if window.toolbar.widgetForAction(a)
                        is window.scope_combo)
    assert combo_action.isVisible() and window.pages.currentWidget() is window.caseload_page
    assert {"planner", "sign_off", "dashboard"} <= set(window.page_actions)
    for page in ("planner", "sign_off", "dashboard"):
        window.show_page(page)
        assert not combo_action.isVisible(), page
        assert not window.filter_action.isEnabled()
    window.page_actions["home"].trigger()
    assert combo_action.isVisible() and window.filter_action.isEnabled()
    # Overdue only, from another page, goes to the caseload's overdue cases.
    window.show_page("dashboard")
    window.overdue_action.trigger()
    assert window.pages.currentWidget() is window.caseload_page and window.proxy.overdue_only
    assert combo_action.isVisible()


def test_the_window_models_pass_the_model_tester_with_rows(qtmodeltester, qtbot, make_window, sqlite_services,
                                                           world):
    build_caseload(sqlite_services, world)
    window = make_window(world.om)
    assert window.model.rowCount() == 14
    qtmodeltester.check(window.model)
    qtmodeltester.check(window.proxy)
    admin = make_window(world.admin)
    qtbot.waitUntil(lambda: admin.part(Accounts).model.rowCount() > 0, timeout=5000)
    qtmodeltester.check(admin.part(Accounts).model)


# --- screenshots (RSO_SCREENSHOTS=1) ------------------------------------------------------------


@pytest.mark.skipif(not os.environ.get("RSO_SCREENSHOTS"), reason="set RSO_SCREENSHOTS=1 to write the screenshots")
def test_screenshots_of_the_caseload_and_a_record_at_1280x720(qtbot, qapp, tmp_path, prompter, app_style,
                                                             monkeypatch):
    """screenshots/caseload-mine.png, caseload-team.png, caseload-overdue.png, caseload-all.png and
    record-visits.png: the 300-case demo, on a 1280x720 laptop screen."""
    from pathlib import Path

    from rso_manager import demo
    from rso_manager.clock import FixedClock
    from rso_manager.database import open_database
    from rso_manager.services.caseload import open_record
    from rso_manager.services.unit_of_work import SYSTEM, Actor
    from rso_manager.services.users import list_users
    from ui.main_window import build_main_window

    monkeypatch.setenv("RSO_MANAGER_DATA_DIR", str(tmp_path))  # no one's remembered columns
    engine, services = open_database(f"sqlite:///{tmp_path / 'demo.db'}", FixedClock())
    demo.generate(services, offenders=300, seed=1)
    users = {u.username: u for u in list_users(services, SYSTEM)}

    def actor(username):
        u = users[username]
        return Actor(u.id, u.username, u.display_name, u.role, u.team_id, u.trained)

    out = Path(__file__).resolve().parents[2] / "screenshots"
    out.mkdir(exist_ok=True)
    windows = []
    try:
        def shown(username):
            window = build_main_window(services, actor(username), prompter=prompter,
                                       database="demo.db (SQLite)", demo=True)
            windows.append(window)
            window.resize(1280, 720)
            window.show()
            qtbot.waitExposed(window)
            qtbot.waitUntil(lambda: not window.loading and window.lookups is not None, timeout=20_000)
            qtbot.wait(100)
            return window

        officer = shown(next(name for name in users if name.startswith("om.") and name[-1] == "1"))
        assert officer.width() == 1280 and officer.table.horizontalScrollBar().maximum() == 0
        officer.table.selectRow(1)
        officer.grab().save(str(out / "caseload-mine.png"))
        officer.overdue_action.trigger()
        qtbot.wait(50)
        officer.grab().save(str(out / "caseload-overdue.png"))

        supervisor = shown(next(name for name in users if name.startswith("sup.")))
        assert supervisor.table.horizontalScrollBar().maximum() == 0
        supervisor.grab().save(str(out / "caseload-team.png"))

        lead = shown("lead")
        lead.set_scope(CaseloadScope.ALL)
        qtbot.waitUntil(lambda: not lead.loading, timeout=20_000)
        qtbot.wait(100)
        assert _on_screen(lead, COL_FLAGS) and lead.table.horizontalScrollBar().maximum() == 0
        lead.grab().save(str(out / "caseload-all.png"))

        row = supervisor.proxy.row_at(0)
        record = open_record(services, supervisor.actor, row.offender_id, AccessReason.CASE_MANAGEMENT,
                             "screenshots for the user guide")
        record_window = supervisor.show_record(record)
        record_window.resize(1280, 720)
        qtbot.waitExposed(record_window)
        record_window.show_part("visits")
        qtbot.wait(200)
        record_window.grab().save(str(out / "record-visits.png"))
        record_window.close()
    finally:
        for window in windows:
            window.close()
            window.worker.wait_for_done(10_000)
        engine.dispose()
