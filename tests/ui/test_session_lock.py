import os
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QDialog, QLabel
from sqlalchemy import func, select

from rso_manager.persistence.models import Alias, Offender, RecordRevision
from tests.conftest import PASSWORD
from tests.ui.conftest import make_offender
from ui.worker import SessionLocked
from ui.workflows.session_lock import SessionLock


def _unlock(qtbot, lock, password=PASSWORD):
    lock.screen.password.setText(password)
    lock.screen.unlock_button.click()
    qtbot.waitUntil(lambda: not lock.locked, timeout=5000)


def test_idle_window_locks_hides_records_and_unlocks_with_the_password(qtbot, make_window, sqlite_services, world):
    record = make_offender(sqlite_services, world.om)
    window = make_window(world.om)
    record_window = window.show_record(record)
    lock = window.part(SessionLock)
    lock.timer.setInterval(50)
    lock.timer.start()
    qtbot.waitUntil(lambda: lock.locked, timeout=3000)
    lock.timer.setInterval(60_000)  # unlocking restarts the idle timer: not straight back to locked
    assert not record_window.isVisible()
    assert not window.menuBar().isEnabled()
    assert not window.centralWidget().isEnabled()  # Tab cannot reach the caseload under the lock
    lock.screen.password.setText("not my password at all")
    lock.screen.unlock_button.click()
    qtbot.waitUntil(lambda: lock.screen.problem.text() != "", timeout=5000)
    assert lock.locked and "not right" in lock.screen.problem.text()
    _unlock(qtbot, lock)
    assert record_window.isVisible() and window.menuBar().isEnabled() and window.centralWidget().isEnabled()


def test_the_lock_disables_every_part_of_the_window_and_gives_back_only_what_it_took(
        qtbot, make_window, world):
    window = make_window(world.om)
    lock = window.part(SessionLock)
    window.toolbar.setEnabled(True)
    window.statusBar().setEnabled(False)  # disabled before the lock: stays so after it
    lock.lock()
    assert not window.toolbar.isEnabled() and lock.screen.isEnabled()
    _unlock(qtbot, lock)
    assert window.toolbar.isEnabled() and window.menuBar().isEnabled()
    assert not window.statusBar().isEnabled()
    window.statusBar().setEnabled(True)


def test_closing_the_window_ends_the_lock_and_opens_the_write_gate(qtbot, make_window, world):
    window = make_window(world.om)
    lock = window.part(SessionLock)
    lock.lock()
    assert window.worker.gate.closed
    window.close()
    assert not lock.locked and not window.worker.gate.closed
    lock.lock()  # the session is over: never locks again
    assert not lock.locked


def test_input_keeps_the_window_unlocked(qtbot, make_window, world):
    window = make_window(world.om)
    lock = window.part(SessionLock)
    lock.timer.setInterval(400)
    lock.timer.start()
    # Input as the window system delivers it: to the window, which hands it to its widgets.
    for i in range(4):
        qtbot.wait(150)
        qtbot.mouseMove(window.windowHandle(), window.rect().center() + QPoint(i, i))
        qtbot.keyClick(window.windowHandle(), "a")
    assert not lock.locked


def test_input_to_any_window_of_the_app_keeps_it_unlocked(qtbot, make_window, sqlite_services, world):
    # A record window opened after the lock was set up: its typing counts as use too.
    record = make_offender(sqlite_services, world.om)
    window = make_window(world.om)
    lock = window.part(SessionLock)
    record_window = window.show_record(record)
    record_window.activateWindow()
    qtbot.waitUntil(lambda: record_window.isActiveWindow(), timeout=3000)
    lock.timer.setInterval(400)
    lock.timer.start()
    for _ in range(4):
        qtbot.wait(150)
        qtbot.keyClick(record_window.windowHandle(), "a")
    assert not lock.locked
    qtbot.waitUntil(lambda: lock.locked, timeout=3000)  # and without input it locks


def _surname(services, offender_id):
    with services.session_factory() as s:
        return s.get(Offender, offender_id).surname


def _revisions(services, offender_id):
    with services.session_factory() as s:
        return s.scalar(select(func.count()).select_from(RecordRevision)
                        .where(RecordRevision.offender_id == offender_id))


def _correction_open(qtbot, make_window, services, world):
    record = make_offender(services, world.om, surname="Lockwood")
    window = make_window(world.om)
    record_window = window.show_record(record)
    form = record_window.open_correction()
    qtbot.waitUntil(lambda: form._lookups_ready, timeout=5000)
    form.surname.setText("Lockwoode")
    form.identifying_marks.setPlainText("Tattoo of an anchor, left forearm")
    return window, record_window, form, record


def test_the_lock_hides_a_correction_refuses_its_save_and_keeps_what_was_typed(
        qtbot, make_window, sqlite_services, world, prompter):
    window, record_window, form, record = _correction_open(qtbot, make_window, sqlite_services, world)
    where = form.pos()
    lock = window.part(SessionLock)
    lock.lock()
    assert lock.locked and not form.isVisible() and not record_window.isVisible()

    # A save reaching the dialog behind the lock (queued, or by a shortcut) commits nothing.
    prompter.reasons.append("Surname misspelt when the record was created")
    form.save()
    qtbot.waitUntil(lambda: "screen is locked" in form.errors.general.text(), timeout=5000)
    assert "unlock to save; your entries are kept" in form.errors.general.text()
    assert _surname(sqlite_services, record.offender_id) == "Lockwood"
    assert _revisions(sqlite_services, record.offender_id) == 0
    assert lock.locked and not form.isVisible()

    _unlock(qtbot, lock)
    assert form.isVisible() and record_window.isVisible()
    assert form.pos() == where  # back where it was
    assert form.surname.text() == "Lockwoode"
    assert form.identifying_marks.toPlainText() == "Tattoo of an anchor, left forearm"
    assert form.errors.general.isVisibleTo(form)  # still says why the first save did not happen

    prompter.reasons.append("Surname misspelt when the record was created")
    form.save()
    qtbot.waitUntil(lambda: not form.isVisible(), timeout=5000)
    assert _surname(sqlite_services, record.offender_id) == "Lockwoode"
    assert _revisions(sqlite_services, record.offender_id) == 1


def test_a_save_queued_before_the_lock_commits_nothing(qtbot, make_window, sqlite_services, world):
    record = make_offender(sqlite_services, world.om)
    window = make_window(world.om)
    record_window = window.show_record(record)
    qtbot.waitUntil(lambda: not window.worker.busy, timeout=5000)
    dialog = record_window.open_add_dialog("alias")
    dialog.name.setText("Johnny Queued")
    release = threading.Event()
    window.worker.submit(release.wait, 5)  # the single worker is busy: the save waits its turn
    dialog.submit()
    window.part(SessionLock).lock()
    release.set()
    qtbot.waitUntil(lambda: "screen is locked" in dialog.errors.general.text(), timeout=5000)
    with sqlite_services.session_factory() as s:
        assert s.scalars(select(Alias).where(Alias.offender_id == record.offender_id)).all() == []
    assert not dialog.isVisible()
    _unlock(qtbot, window.part(SessionLock))
    assert dialog.isVisible() and dialog.name.text() == "Johnny Queued"
    dialog.submit()
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=5000)
    with sqlite_services.session_factory() as s:
        names = s.scalars(select(Alias.name).where(Alias.offender_id == record.offender_id)).all()
    assert names == ["Johnny Queued"]


def test_reads_go_on_while_locked_but_writes_are_refused(qtbot, make_window, sqlite_services, world):
    from rso_manager.domain.roles import CaseloadScope
    from rso_manager.services.caseload import add_alias, list_caseload

    record = make_offender(sqlite_services, world.om)
    window = make_window(world.om)
    window.part(SessionLock).lock()
    outcomes = []
    window.worker.submit(list_caseload, sqlite_services, world.om, CaseloadScope.MINE,
                         on_success=lambda rows: outcomes.append(len(rows)), on_error=outcomes.append)
    window.worker.submit(add_alias, sqlite_services, world.om, record.offender_id, "Never Written",
                         on_success=outcomes.append, on_error=outcomes.append)
    qtbot.waitUntil(lambda: len(outcomes) == 2, timeout=5000)
    assert outcomes[0] == 1
    assert isinstance(outcomes[1], SessionLocked)


def test_a_window_opened_while_locked_waits_for_the_unlock(qtbot, make_window, sqlite_services, world):
    record = make_offender(sqlite_services, world.om)
    window = make_window(world.om)
    record_window = window.show_record(record)
    window.part(SessionLock).lock()
    late = QDialog(record_window)  # e.g. a form whose data arrived after the lock
    late.setWindowTitle(record.name)
    late.show()
    assert not late.isVisible()
    _unlock(qtbot, window.part(SessionLock))
    assert late.isVisible()
    late.close()


def test_ctrl_l_locks_from_a_record_window(qtbot, make_window, sqlite_services, world):
    record = make_offender(sqlite_services, world.om)
    window = make_window(world.om)
    record_window = window.show_record(record)
    record_window.activateWindow()
    qtbot.waitUntil(lambda: record_window.isActiveWindow(), timeout=3000)
    qtbot.keyClick(record_window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert window.part(SessionLock).locked and not record_window.isVisible()
    assert window.part(SessionLock).action in window.file_menu.actions()


@pytest.mark.skipif(not os.environ.get("RSO_SCREENSHOTS"), reason="set RSO_SCREENSHOTS=1 to write the screenshots")
def test_screenshot_lock_over_an_open_correction(qtbot, make_window, sqlite_services, world, qapp):
    from ui.app import load_style

    style, sheet = qapp.style().name(), qapp.styleSheet()
    load_style(qapp)
    try:
        window, _record_window, form, _record = _correction_open(qtbot, make_window, sqlite_services, world)
        window.resize(1280, 720)
        window.part(SessionLock).lock()
        assert not form.isVisible()
        qtbot.wait(100)
        path = Path("screenshots") / "lock.png"
        path.parent.mkdir(exist_ok=True)
        assert window.grab().save(str(path))
    finally:
        qapp.setStyleSheet(sheet)
        qapp.setStyle(style)


def test_ctrl_l_locks_from_an_open_correction(qtbot, make_window, sqlite_services, world):
    window, record_window, form, _record = _correction_open(qtbot, make_window, sqlite_services, world)
    form.activateWindow()
    qtbot.waitUntil(lambda: form.isActiveWindow(), timeout=3000)
    # As a keyboard sends it: to the window in front, which hands it to the focused field.
    qtbot.keyClick(form.windowHandle(), Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert window.part(SessionLock).locked and not form.isVisible()
    assert form.surname.text() == "Lockwoode"  # the keystroke was not typed into the form


def test_the_idle_time_is_the_administrators_setting(qtbot, make_window, sqlite_services, world):
    from rso_manager.services.setting_changes import change_settings

    change_settings(sqlite_services, world.admin, {"session_lock_minutes": 5},
                    "The force's security policy asks for five minutes on shared desks")
    window = make_window(world.om)
    lock = window.part(SessionLock)
    # Read on the worker, not on the GUI thread while the window is built.
    qtbot.waitUntil(lambda: lock.timer.interval() == 5 * 60_000, timeout=5000)
    assert lock.timer.isActive()
    lock.lock()
    assert "after 5 minutes without use" in " ".join(label.text() for label in lock.screen.findChildren(QLabel))
