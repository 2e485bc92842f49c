"""Search the force (Ctrl+K), the "also recorded on" note under a form's field, and a record's
Linked cases (issue 15): real services, the worker, the reason asked before any case opens."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QLineEdit, QVBoxLayout, QWidget

from rso_manager.domain.roles import Permission
from rso_manager.services import devices as dv
from rso_manager.services.caseload import AccessReason, add_address, add_alias, open_record
from rso_manager.services.devices import DeviceInput
from rso_manager.services.person.vehicles import VehicleInput, add_vehicle
from tests.ui.conftest import make_offender
from ui.kit.known_elsewhere import KnownElsewhereNote
from ui.open_reason_dialog import OpenReasonDialog
from ui.worker import Worker
from ui.workflows.search.linked_cases import INSIDE, NONE_SHARED, OUTSIDE, LinkedCasesDialog
from ui.workflows.search.search_dialog import OUTSIDE_NOTE, SearchDialog, SearchLauncher

PHONE = "07700 900123"


def _phone(services, actor, offender_id, number=PHONE, declared_on=date(2026, 3, 2)):
    return dv.declare_device(services, actor, offender_id, DeviceInput(
        kind="phone", make_model="Motorola moto g54", phone_number=number, declared_on=declared_on))


def _north_case(services, world, surname="Quillfeather", forenames="Arthur"):
    return make_offender(services, world.om, surname, forenames, dob=date(1979, 4, 12))


def _south_case(services, world, surname="Southcase", forenames="Sam"):
    return make_offender(services, world.om2, surname, forenames, team_id=world.team2_id,
                         offender_manager_id=world.om2.user_id)


def _ctrl_k(qtbot, widget) -> SearchDialog:
    qtbot.keyClick(widget, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    return _dialog_of(qtbot, widget)


def _dialog_of(qtbot, widget) -> SearchDialog:
    host = widget if hasattr(widget, "part") else widget.parentWidget()
    launcher = host.part(SearchLauncher)
    assert launcher is not None
    qtbot.waitUntil(lambda: launcher.dialog is not None and launcher.dialog.isVisible(), timeout=3000)
    return launcher.dialog


def _search(qtbot, dialog: SearchDialog, text: str) -> None:
    dialog.box.clear()
    qtbot.keyClicks(dialog.box, text)
    qtbot.keyClick(dialog.box, Qt.Key.Key_Return)
    query = " ".join(text.split())
    qtbot.waitUntil(lambda: dialog.status.text().endswith(f"\u201c{query}\u201d")
                    or dialog.panel.is_empty_shown() and query in dialog.panel.empty.text(), timeout=5000)


def _shown_text(dialog: SearchDialog) -> str:
    model = dialog.view.model()
    return "\n".join(str(model.index(r, c).data() or "") for r in range(model.rowCount())
                     for c in range(model.columnCount()))


# --- opening the search -------------------------------------------------------------------------


def test_ctrl_k_from_the_main_window_opens_the_search(qtbot, make_window, world):
    window = make_window(world.om)
    dialog = _ctrl_k(qtbot, window)
    assert not dialog.isModal()
    assert dialog.parentWidget() is window
    assert dialog.panel.is_empty_shown()  # what to type, before anything is searched
    assert any("Search the force" in a.text() for a in window.view_menu.actions())


def test_ctrl_k_from_a_record_window_opens_the_search(qtbot, make_window, sqlite_services, world):
    record = _north_case(sqlite_services, world)
    window = make_window(world.om)
    opened = open_record(sqlite_services, world.om, record.offender_id, AccessReason.CASE_MANAGEMENT,
                         "reviewing the record for a test")
    record_window = window.show_record(opened)
    qtbot.waitExposed(record_window)
    dialog = _ctrl_k(qtbot, record_window)
    assert dialog.box.hasFocus() or dialog.box.isVisible()
    dialog.reject()  # Esc / Close hides it; Ctrl+K brings it back with what was there
    assert not dialog.isVisible()
    assert _ctrl_k(qtbot, record_window) is dialog


def test_no_search_for_a_role_that_may_not(qtbot, make_window, world):
    assert not world.admin.can(Permission.SEARCH)
    window = make_window(world.admin)
    assert window.part(SearchLauncher) is None
    assert not any("Search the force" in a.text() for a in window.view_menu.actions())


def test_too_short_a_text_is_said_under_the_box(qtbot, make_window, world):
    window = make_window(world.om)
    dialog = _ctrl_k(qtbot, window)
    qtbot.keyClicks(dialog.box, "q")
    qtbot.keyClick(dialog.box, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.errors.message("text") != "", timeout=5000)
    assert dialog.errors.is_marked("text")


# --- what is found and shown ----------------------------------------------------------------------


def test_a_phone_typed_differently_finds_the_case_and_enter_opens_it(qtbot, qtmodeltester, make_window,
                                                                      sqlite_services, world):
    record = _north_case(sqlite_services, world)
    _phone(sqlite_services, world.om, record.offender_id)
    window = make_window(world.om)
    dialog = _ctrl_k(qtbot, window)
    _search(qtbot, dialog, "+44 7700900123")
    hits = dialog.hits()
    assert [h.reference for h in hits][:1] == [record.reference]
    assert hits[0].inside_link
    shown = _shown_text(dialog)
    assert record.reference in shown and "QUILLFEATHER, Arthur" in shown
    assert "07700 900123" in shown  # the sentence says what matched
    qtmodeltester.check(dialog.model, force_py=True)
    qtbot.keyClick(dialog.box, Qt.Key.Key_Return)  # the list answers this text: Enter opens the first
    qtbot.waitUntil(lambda: isinstance(window.reason_dialog, OpenReasonDialog)
                    and window.reason_dialog.isVisible(), timeout=5000)
    assert not window.reason_dialog.outside_note.isVisible()
    assert not dialog.isVisible()


def test_the_search_finds_a_phone_and_a_registration_typed_differently_on_both_databases(qtbot, services, world,
                                                                                          prompter):
    record = _north_case(services, world)
    _phone(services, world.om, record.offender_id)
    add_vehicle(services, world.om, record.offender_id, VehicleInput("ZZ23 QFA", "Ford", "Focus", "Blue",
                                                                     date(2025, 6, 1)))
    worker = Worker()
    opened: list[tuple[int, str, bool]] = []
    dialog = SearchDialog(services, world.om, worker, prompter, lambda *a: opened.append(a))
    qtbot.addWidget(dialog, before_close_func=lambda _w: worker.wait_for_done(5000))
    dialog.bring_back()
    for text in ("+44 7700 900123", "zz23qfa"):
        _search(qtbot, dialog, text)
        assert [h.reference for h in dialog.hits()][:1] == [record.reference], text
    qtbot.keyClick(dialog.box, Qt.Key.Key_Return)
    assert opened == [(record.offender_id, f"QUILLFEATHER, Arthur ({record.reference})", True)]


def test_an_outside_link_hit_shows_no_detail_and_opening_asks_a_reason(qtbot, make_window, sqlite_services, world):
    theirs = _south_case(sqlite_services, world)
    _phone(sqlite_services, world.om2, theirs.offender_id)
    window = make_window(world.om)
    dialog = _ctrl_k(qtbot, window)
    _search(qtbot, dialog, "07700900123")
    (hit,) = [h for h in dialog.hits() if h.offender_id == theirs.offender_id]
    assert not hit.inside_link
    shown = _shown_text(dialog)
    assert theirs.reference in shown and "SOUTHCASE, Sam" in shown and "Oona Manager" in shown
    assert OUTSIDE_NOTE in shown
    assert "07700" not in shown and "Motorola" not in shown  # nothing of the case beyond who and whose
    dialog.view.activated.emit(dialog.view.model().index(0, 0))  # Enter / double-click on the row
    qtbot.waitUntil(lambda: isinstance(window.reason_dialog, OpenReasonDialog)
                    and window.reason_dialog.isVisible(), timeout=5000)
    assert window.reason_dialog.outside_note.isVisible()
    assert window.reason_dialog.heading.text() == f"Open SOUTHCASE, Sam ({theirs.reference}), managed by Oona Manager"


def test_up_and_down_in_the_box_move_through_the_cases(qtbot, make_window, sqlite_services, world):
    for surname in ("Quillfeather", "Quilfeather", "Quillfeathers"):
        _north_case(sqlite_services, world, surname)
    window = make_window(world.om)
    dialog = _ctrl_k(qtbot, window)
    _search(qtbot, dialog, "Quillfeather")
    assert len(dialog.hits()) >= 2
    first = dialog.current_hit()
    qtbot.keyClick(dialog.box, Qt.Key.Key_Down)
    assert dialog.current_hit() is not first and dialog.current_hit() == dialog.hits()[1]
    qtbot.keyClick(dialog.box, Qt.Key.Key_Up)
    assert dialog.current_hit() == first
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible()


def test_enter_after_typing_again_searches_again_and_opens_nothing(qtbot, make_window, sqlite_services, world):
    _north_case(sqlite_services, world, "Quillfeather")
    lane = _north_case(sqlite_services, world, "Lanehurst", "Bob")
    window = make_window(world.om)
    dialog = _ctrl_k(qtbot, window)
    _search(qtbot, dialog, "Quillfeather")
    assert dialog.current_hit() is not None
    _search(qtbot, dialog, "Lanehurst")  # typed over the shown results, then Enter: a new search
    assert dialog.isVisible() and window.reason_dialog is None
    assert [h.offender_id for h in dialog.hits()][:1] == [lane.offender_id]


def test_nothing_found_says_so(qtbot, make_window, world):
    window = make_window(world.om)
    dialog = _ctrl_k(qtbot, window)
    _search(qtbot, dialog, "Zzyzxwv Qqqq")
    assert dialog.panel.is_empty_shown()
    assert "Zzyzxwv Qqqq" in dialog.panel.empty.text()


def test_an_answer_to_an_older_text_is_dropped(qtbot, make_window, sqlite_services, world):
    _north_case(sqlite_services, world, "Quillfeather")
    lane = _north_case(sqlite_services, world, "Lanehurst", "Bob")
    window = make_window(world.om)
    dialog = _ctrl_k(qtbot, window)
    dialog.box.setText("Quillfeather")
    dialog.run()
    dialog.box.setText("Lanehurst")
    dialog.run()  # asked before the first answer is back: the first is dropped when it comes
    qtbot.waitUntil(lambda: "Lanehurst" in dialog.status.text(), timeout=5000)
    window.worker.wait_for_done(5000)
    qtbot.wait(50)
    assert "Lanehurst" in dialog.status.text()
    assert [h.offender_id for h in dialog.hits()][:1] == [lane.offender_id]
    assert all("QUILLFEATHER" not in h.name for h in dialog.hits())


# --- also recorded on another case ----------------------------------------------------------------


def _form_with_note(qtbot, services, worker, actor, offender_id):
    form = QWidget()
    layout = QVBoxLayout(form)
    phone = QLineEdit()
    other = QLineEdit()
    note = KnownElsewhereNote(services, worker, actor, "phone", phone, offender_id=offender_id)
    layout.addWidget(phone)
    layout.addWidget(note)
    layout.addWidget(other)
    qtbot.addWidget(form, before_close_func=lambda _w: worker.wait_for_done(5000))
    form.show()
    return form, phone, other, note


def test_the_note_shows_on_a_shared_phone(qtbot, services, world):
    theirs = _south_case(services, world)
    _phone(services, world.om2, theirs.offender_id)
    mine = _north_case(services, world)
    worker = Worker()
    _form, phone, _other, note = _form_with_note(qtbot, services, worker, world.om, mine.offender_id)
    assert note.isHidden()
    qtbot.keyClicks(phone, "+447700900123")  # typed differently from how the other case has it
    qtbot.waitUntil(lambda: note.isVisible(), timeout=5000)  # the typing stopped: looked up
    assert theirs.reference in note.text()
    assert "07700" not in note.text().replace("+447700900123", "")  # nothing of their record
    phone.clear()
    qtbot.waitUntil(lambda: note.isHidden(), timeout=5000)


def test_the_note_stays_empty_for_a_phone_no_other_case_holds(qtbot, services, world):
    mine = _north_case(services, world)
    _phone(services, world.om, mine.offender_id)  # on this case only: not "elsewhere"
    worker = Worker()
    _form, phone, _other, note = _form_with_note(qtbot, services, worker, world.om, mine.offender_id)
    phone.setText("07700 900123")
    note.check()
    qtbot.waitUntil(lambda: note.checked_value == "07700 900123", timeout=5000)
    assert note.isHidden()


# --- Linked cases on the record ---------------------------------------------------------------------


def _linked(qtbot, sqlite_services, world, make_window):
    mine = _north_case(sqlite_services, world)
    _phone(sqlite_services, world.om, mine.offender_id)
    theirs = _south_case(sqlite_services, world)
    _phone(sqlite_services, world.om2, theirs.offender_id, number="+44 7700 900123")
    window = make_window(world.om)
    opened = open_record(sqlite_services, world.om, mine.offender_id, AccessReason.CASE_MANAGEMENT,
                         "reviewing the record for a test")
    record_window = window.show_record(opened)
    action = next(a for a in record_window.findChildren(QAction) if a.text() == "Linked cases...")
    action.trigger()
    dialog = record_window.findChild(LinkedCasesDialog)
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.model.rowCount() > 0, timeout=5000)
    return window, record_window, dialog, mine, theirs


def test_linked_cases_lists_the_other_case_and_opens_it_with_a_reason(qtbot, qtmodeltester, make_window,
                                                                      sqlite_services, world):
    window, _record_window, dialog, _mine, theirs = _linked(qtbot, sqlite_services, world, make_window)
    qtmodeltester.check(dialog.model, force_py=True)
    (hit,) = dialog.model.rows()
    assert hit.reference == theirs.reference and not hit.inside_link
    assert dialog.model.index(0, 3).data() == OUTSIDE
    dialog.open_current()
    qtbot.waitUntil(lambda: isinstance(window.reason_dialog, OpenReasonDialog)
                    and window.reason_dialog.isVisible(), timeout=5000)
    assert window.reason_dialog.outside_note.isVisible()


def test_linked_cases_from_a_lone_record_window_lists_without_opening(qtbot, sqlite_services, world, record_window):
    mine = _north_case(sqlite_services, world)
    _phone(sqlite_services, world.om, mine.offender_id)
    other = _north_case(sqlite_services, world, "Lanehurst", "Bob")
    _phone(sqlite_services, world.om, other.offender_id, number="07700900123")
    window = record_window(mine)
    action = next(a for a in window.findChildren(QAction) if a.text() == "Linked cases...")
    action.trigger()
    dialog = window.findChild(LinkedCasesDialog)
    qtbot.waitUntil(lambda: dialog.model.rowCount() > 0, timeout=5000)
    (hit,) = dialog.model.rows()
    assert hit.reference == other.reference and hit.inside_link
    assert dialog.model.index(0, 3).data() == INSIDE
    assert dialog.open_button.isHidden()  # no main window to open it with: listed, not opened


def test_linked_cases_says_when_nothing_is_shared(qtbot, sqlite_services, world, record_window):
    mine = _north_case(sqlite_services, world)
    _phone(sqlite_services, world.om, mine.offender_id)
    window = record_window(mine)
    next(a for a in window.findChildren(QAction) if a.text() == "Linked cases...").trigger()
    dialog = window.findChild(LinkedCasesDialog)
    qtbot.waitUntil(lambda: dialog.panel.empty.text() == NONE_SHARED, timeout=5000)
    assert dialog.panel.is_empty_shown()


# --- screenshots (RSO_SCREENSHOTS=1) ------------------------------------------------------------------


def _town(services, world):
    """A few cases that share a phone, a car and an address, in and out of the officer's caseload."""
    arthur = _north_case(services, world)
    add_alias(services, world.om, arthur.offender_id, "Art Quill")
    _phone(services, world.om, arthur.offender_id)
    add_vehicle(services, world.om, arthur.offender_id, VehicleInput("ZZ23 QFA", "Ford", "Focus", "Blue",
                                                                     date(2025, 6, 1)))
    add_address(services, world.om, arthur.offender_id, kind="home", line1="14 Mill Lane", town="Northam",
                postcode="NM1 2AB", from_date=date(2024, 2, 1))
    brian = _north_case(services, world, "Quilfeather", "Brian")
    _phone(services, world.om, brian.offender_id, "+44 7700 900123")
    add_address(services, world.om, brian.offender_id, kind="home", line1="14 Mill Lane", town="Northam",
                postcode="NM1 2AB", from_date=date(2025, 9, 1))
    carl = _south_case(services, world, "Quillfeather", "Carl")
    _phone(services, world.om2, carl.offender_id, "07700900123")
    add_vehicle(services, world.om2, carl.offender_id, VehicleInput("ZZ23QFA", "Ford", "Focus", "Blue",
                                                                    date(2026, 1, 10)))
    return arthur


@pytest.mark.skipif(not os.environ.get("RSO_SCREENSHOTS"), reason="set RSO_SCREENSHOTS=1 to write the screenshots")
def test_screenshots(qtbot, qapp, make_window, sqlite_services, world):
    from ui.app import load_style

    arthur = _town(sqlite_services, world)
    old_style, old_sheet = qapp.style().name(), qapp.styleSheet()
    load_style(qapp)
    out = Path("screenshots")
    out.mkdir(exist_ok=True)

    def shoot(widget, name: str) -> None:
        for _ in range(5):
            qapp.processEvents()
        assert widget.grab().save(str(out / name))

    try:
        window = make_window(world.om)
        window.resize(1280, 720)
        dialog = _ctrl_k(qtbot, window)
        dialog.resize(1280, 720)
        _search(qtbot, dialog, "quilfeather")
        shoot(dialog, "search-results.png")
        _search(qtbot, dialog, "+447700900123")
        shoot(dialog, "search-phone.png")
        dialog.hide()

        opened = open_record(sqlite_services, world.om, arthur.offender_id, AccessReason.CASE_MANAGEMENT,
                             "reviewing the record for a test")
        record_window = window.show_record(opened)
        record_window.resize(1280, 720)
        action = next(a for a in record_window.findChildren(QAction)
                      if a.text() == "Linked cases...")
        action.trigger()
        linked = record_window.findChild(LinkedCasesDialog)
        qtbot.waitUntil(lambda: linked.model.rowCount() > 0, timeout=5000)
        linked.resize(1280, 720)
        shoot(linked, "linked-cases.png")
    finally:
        qapp.setStyleSheet(old_sheet)
        qapp.setStyle(old_style)
