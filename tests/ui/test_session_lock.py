from tests.conftest import PASSWORD
from tests.ui.conftest import make_offender


def test_idle_window_locks_hides_records_and_unlocks_with_the_password(qtbot, make_window, sqlite_services, world):
    record = make_offender(sqlite_services, world.om)
    window = make_window(world.om)
    record_window = window.show_record(record)
    lock = window.session_lock
    lock.timer.setInterval(50)
    lock.timer.start()
    qtbot.waitUntil(lambda: lock.locked, timeout=3000)
    lock.timer.setInterval(60_000)  # unlocking restarts the idle timer: not straight back to locked
    assert not record_window.isVisible()
    assert not window.menuBar().isEnabled()
    lock.screen.password.setText("not my password at all")
    lock.screen.unlock_button.click()
    qtbot.waitUntil(lambda: lock.screen.problem.text() != "", timeout=5000)
    assert lock.locked and "not right" in lock.screen.problem.text()
    lock.screen.password.setText(PASSWORD)
    lock.screen.unlock_button.click()
    qtbot.waitUntil(lambda: not lock.locked, timeout=5000)
    assert record_window.isVisible() and window.menuBar().isEnabled()


def test_input_keeps_the_window_unlocked(qtbot, make_window, world):
    window = make_window(world.om)
    lock = window.session_lock
    lock.timer.setInterval(400)
    lock.timer.start()
    for _ in range(4):
        qtbot.wait(150)
        qtbot.mouseMove(window, window.rect().center())
        qtbot.keyClick(window.filter_edit, "a")
    assert not lock.locked
