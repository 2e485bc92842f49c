"""The main window against a real SQLite database: caseload, filter, sort, opening a record."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from sqlalchemy import select

from rso_manager.domain.roles import CaseloadScope
from rso_manager.persistence.models import AuditEvent
from rso_manager.services.caseload import AccessReason
from tests.ui.conftest import make_offender
from ui.caseload_model import COL_DOB, COL_NAME
from ui.open_reason_dialog import OpenReasonDialog
from ui.record_window import RecordWindow


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
    qtbot.waitUntil(lambda: window.users_model.rowCount() > 0, timeout=5000)
    usernames = {window.users_model.row_at(r).username for r in range(window.users_model.rowCount())}
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
