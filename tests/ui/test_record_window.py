"""The record window: header, tabs, adding aliases and addresses, marking entries in error."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from sqlalchemy import select

from rso_manager.persistence.models import AuditEvent
from rso_manager.services.caseload import AccessReason, add_alias, open_record
from tests.ui.conftest import make_offender
from ui.kit.formatting import fmt_date
from ui.record_window import SECTIONS, RecordWindow


def _window(qtbot, sqlite_services, world, prompter, record) -> RecordWindow:
    from ui.worker import Worker

    opened = open_record(sqlite_services, world.om, record.offender_id, AccessReason.CASE_MANAGEMENT,
                         "reviewing the record for a test")
    worker = Worker()
    window = RecordWindow(sqlite_services, world.om, worker, prompter, opened)
    window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)
    # Drain the worker before the window goes, so no page's load outlives the test.
    qtbot.addWidget(window, before_close_func=lambda _w: worker.wait_for_done(5000))
    window._test_worker = worker  # keep it alive with the window
    window.show()
    return window


def test_header_and_tabs(qtbot, sqlite_services, world, prompter, clock):
    record = make_offender(sqlite_services, world.om, "Quillfeather", "Arthur", dob=date(1980, 5, 17),
                           mappa_level=2)
    window = _window(qtbot, sqlite_services, world, prompter, record)
    assert window.name_label.text() == "QUILLFEATHER, Arthur"
    assert window.header_values["reference"].text() == record.reference
    assert window.header_values["dob"].text() == "17/05/1980 (age 46)"
    assert window.header_values["manager"].text() == "Olly Manager"
    assert window.header_values["team"].text() == "North"
    assert window.header_values["mappa"].text() == "Category 1, level 2"
    assert window.header_values["visit"].text() == fmt_date(record.next_visit_due, "Not planned")
    assert window.risk_badge.text() == "Risk: Not assessed"
    assert window.changed_label.text() == "Last changed by Olly Manager at 25/11/2026 10:00"
    titles = [window.tabs.tabText(i) for i in range(window.tabs.count())]
    # Issue 14 adds the case log and the whole person after the personal details.
    assert titles == ["Personal details", "Case log", "Person", "Identity & aliases", "Addresses", "Convictions & requirement",
                      "Orders", "Risk & plan", "Visits", "Devices", "Notifications", "Breaches & warnings",
                      "Relationships", "Safeguarding", "Actions", "History"]
    # Each part says what is recorded there; an empty part says so.
    visits = window.section_tabs["visits"]
    assert "unannounced, two officers" in visits.spec.about
    assert visits.stack.currentWidget() is visits.empty
    assert window.personal_values["identifying_marks"].text() == "None recorded"
    assert len(SECTIONS) == 14


def test_add_an_alias(qtbot, sqlite_services, world, prompter):
    record = make_offender(sqlite_services, world.om)
    window = _window(qtbot, sqlite_services, world, prompter, record)
    tab = window.section_tabs["identity"]
    tab.add_button.click()
    dialog = window.entry_dialog
    assert dialog.isVisible()
    dialog.submit()  # empty name: the service's message under the field
    qtbot.waitUntil(lambda: dialog.errors.message("name") != "", timeout=5000)
    assert dialog.errors.message("name") == "Enter the other name used."
    dialog.name.setText("Johnny Q")
    dialog.kind.setCurrentIndex(dialog.kind.findData("nickname"))
    with qtbot.waitSignal(window.changed, timeout=5000):
        dialog.submit()
    assert tab.model.rowCount() == 1
    assert tab.model.row_at(0).summary == "Nickname: Johnny Q"
    assert window.tabs.tabText(window.tab_index("Identity")) == "Identity & aliases (1)"


def test_add_an_address_with_a_future_date_is_refused_inline(qtbot, sqlite_services, world, prompter):
    record = make_offender(sqlite_services, world.om)
    window = _window(qtbot, sqlite_services, world, prompter, record)
    dialog = window.open_add_dialog("address")
    dialog.line1.setText("12 Acacia Avenue")
    dialog.town.setText("Northam")
    dialog.postcode.setText("nm1 2ab")
    dialog.from_date.edit.setText("01/01/2030")
    dialog.submit()
    qtbot.waitUntil(lambda: dialog.errors.message("from_date") != "", timeout=5000)
    assert "in the future" in dialog.errors.message("from_date")
    assert dialog.line1.text() == "12 Acacia Avenue"
    dialog.from_date.edit.setText("01/10/2026")
    with qtbot.waitSignal(window.changed, timeout=5000):
        dialog.submit()
    entry = window.section_tabs["addresses"].model.row_at(0)
    assert entry.summary == "Home: 12 Acacia Avenue, Northam NM1 2AB"
    assert entry.status == "current"


def test_mark_an_entry_as_entered_in_error(qtbot, sqlite_services, world, prompter):
    record = make_offender(sqlite_services, world.om)
    add_alias(sqlite_services, world.om, record.offender_id, "Wrong Name")
    window = _window(qtbot, sqlite_services, world, prompter, record)
    tab = window.section_tabs["identity"]
    assert not tab.void_button.isEnabled()
    tab.select_row(0)
    assert tab.void_button.isEnabled()
    prompter.reasons[:] = ["typo", "Entered on the wrong record by mistake"]
    with qtbot.waitSignal(window.changed, timeout=5000):
        tab.void_button.click()
    assert prompter.reason_requests[1]["problem"].startswith("Say why this entry was wrong")
    entry = tab.model.row_at(0)
    assert entry.voided and entry.status == "Entered in error"
    index = tab.model.index(0, 1)
    assert index.data(Qt.ItemDataRole.FontRole).strikeOut()
    assert window.tabs.tabText(window.tab_index("Identity")) == "Identity & aliases"  # no active entries left
    tab.select_row(0)
    assert not tab.void_button.isEnabled()
    # The history shows what the entry said and why it was marked.
    line = window.history_model.row_at(0)
    assert line.what == "Alias marked as entered in error"
    assert "Name: Wrong Name" in line.before_text
    with sqlite_services.session_factory() as s:
        voids = list(s.scalars(select(AuditEvent).where(AuditEvent.action == "entry.void")))
    assert len(voids) == 1 and voids[0].reason == "Entered on the wrong record by mistake"


def test_entry_models_pass_the_model_tester(qtmodeltester, qtbot, sqlite_services, world, prompter):
    record = make_offender(sqlite_services, world.om)
    add_alias(sqlite_services, world.om, record.offender_id, "Other Name")
    window = _window(qtbot, sqlite_services, world, prompter, record)
    tab = window.section_tabs["identity"]
    qtmodeltester.check(tab.model)
    qtmodeltester.check(tab.view.model())
    qtmodeltester.check(window.history_model)


def test_history_model_with_rows_passes_the_model_tester_and_an_empty_history_says_so(
        qtmodeltester, qtbot, sqlite_services, world, prompter):
    from rso_manager.services.caseload import reload_record, void_entry

    quiet = make_offender(sqlite_services, world.om, "Quietly")
    window = _window(qtbot, sqlite_services, world, prompter, quiet)
    assert window.history_panel.is_empty_shown()
    assert window.history_panel.empty.text().startswith("No corrections yet")

    record = make_offender(sqlite_services, world.om)
    add_alias(sqlite_services, world.om, record.offender_id, "Wrong Name")
    alias = reload_record(sqlite_services, world.om, record.offender_id).sections["identity"][0]
    void_entry(sqlite_services, world.om, alias.entity, alias.id, alias.version_id, "Entered on the wrong record")
    window = _window(qtbot, sqlite_services, world, prompter, record)
    assert window.history_model.rowCount() == 1 and not window.history_panel.is_empty_shown()
    qtmodeltester.check(window.history_model)
    qtmodeltester.check(window.history_view.model())
