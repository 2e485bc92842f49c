"""The account changed under an open session: told once, every case window gone, back to the
login; a fresh sign-in gets a main window built for the account as it is now."""

import os
from pathlib import Path

import pytest
import shiboken6
from sqlalchemy import select

from rso_manager.persistence.models import AuditEvent
from rso_manager.services.users import change_user, list_users
from tests.conftest import PASSWORD
from tests.ui.conftest import make_offender
from ui.app import Startup
from ui.workflows.session_lock import SessionLock


def _signed_in(qtbot, startup, username):
    startup.start()
    login = startup.login_dialog
    login.username.setText(username)
    login.password.setText(PASSWORD)
    with qtbot.waitSignal(startup.main_window_shown, timeout=5000) as shown:
        login.submit()
    window = shown.args[0]
    qtbot.waitUntil(lambda: not window.loading, timeout=5000)
    return login, window


def _change(services, admin, username, **change):
    user = next(u for u in list_users(services, admin) if u.username == username)
    return change_user(services, admin, user.id, user.version_id, reason="Account review by the OMU lead", **change)


def _sign_in_messages(prompter):
    return [t for k, title, t in prompter.messages if title == "Sign in again"]


def test_a_closed_account_is_told_once_and_cannot_sign_in_again(qtbot, sqlite_services, sqlite_url, world, prompter):
    record = make_offender(sqlite_services, world.om)
    startup = Startup(sqlite_services, sqlite_url, prompter)
    first_login, window = _signed_in(qtbot, startup, "om")
    record_window = window.show_record(record)
    form = record_window.open_correction()

    _change(sqlite_services, world.admin, "om", active=False)  # the administrator closes it
    window.refresh()  # the next actions, both refused by the services
    window.refresh()

    qtbot.waitUntil(lambda: startup.login_dialog is not first_login and startup.login_dialog.isVisible(),
                    timeout=5000)
    qtbot.waitUntil(lambda: not shiboken6.isValid(form), timeout=5000)  # closed with the window
    assert not shiboken6.isValid(record_window) and startup.main_window is None
    messages = _sign_in_messages(prompter)
    assert len(messages) == 1 and "closed" in messages[0]

    login = startup.login_dialog
    assert login.username.text() == "om"
    login.password.setText(PASSWORD)
    login.submit()
    qtbot.waitUntil(lambda: login.message.isVisible(), timeout=5000)
    assert "closed" in login.message.text()
    assert startup.main_window is None and login.isVisible()  # the app stays at the login
    startup.shutdown()


def test_a_changed_account_signs_in_again_with_its_powers_now(qtbot, sqlite_services, sqlite_url, world, prompter):
    startup = Startup(sqlite_services, sqlite_url, prompter)
    _first, window = _signed_in(qtbot, startup, "om")
    assert window.actor.trained and window.new_action.isEnabled()

    _change(sqlite_services, world.admin, "om", trained=False)  # ViSOR/MOSOVO mark removed
    window.refresh()
    qtbot.waitUntil(lambda: startup.login_dialog is not _first and startup.login_dialog.isVisible(), timeout=5000)
    assert "training" in _sign_in_messages(prompter)[0]

    login = startup.login_dialog
    login.password.setText(PASSWORD)
    with qtbot.waitSignal(startup.main_window_shown, timeout=5000) as shown:
        login.submit()
    fresh = shown.args[0]
    assert fresh is not window and not fresh.actor.trained
    assert not fresh.new_action.isEnabled()  # read only now
    qtbot.waitUntil(lambda: not fresh.loading, timeout=5000)
    fresh.close()
    startup.shutdown()


def test_an_account_changed_while_locked_signs_in_again_at_the_unlock(
        qtbot, sqlite_services, sqlite_url, world, prompter):
    record = make_offender(sqlite_services, world.om)
    startup = Startup(sqlite_services, sqlite_url, prompter)
    first, window = _signed_in(qtbot, startup, "om")
    record_window = window.show_record(record)
    lock = window.part(SessionLock)
    lock.lock()
    _change(sqlite_services, world.admin, "om", team_id=world.team2_id)  # moved to another team

    lock.screen.password.setText(PASSWORD)
    lock.screen.unlock_button.click()
    qtbot.waitUntil(lambda: startup.login_dialog is not first and startup.login_dialog.isVisible(), timeout=5000)
    assert len(_sign_in_messages(prompter)) == 1
    qtbot.waitUntil(lambda: not shiboken6.isValid(record_window), timeout=5000)  # never shown again
    assert not window.worker.gate.closed  # the new login may write its audit row
    startup.login_dialog.password.setText(PASSWORD)
    with qtbot.waitSignal(startup.main_window_shown, timeout=5000) as shown:
        startup.login_dialog.submit()
    assert shown.args[0].actor.team_id == world.team2_id
    with sqlite_services.session_factory() as s:
        outcomes = [e.outcome for e in s.scalars(select(AuditEvent).where(AuditEvent.action == "login"))]
    assert outcomes[-1] == "ok"
    shown.args[0].close()
    startup.shutdown()


@pytest.mark.skipif(not os.environ.get("RSO_SCREENSHOTS"), reason="set RSO_SCREENSHOTS=1 to write the screenshots")
def test_screenshot_of_the_login_after_a_wrong_password(qtbot, qapp, sqlite_services, world, prompter):
    """screenshots/login.png: the login (a ServiceDialog) saying why the sign-in failed."""
    from tests.ui.test_login_and_app import _screen_shot
    from ui.app import load_style
    from ui.login import LoginDialog
    from ui.worker import Worker

    style, sheet = qapp.style().name(), qapp.styleSheet()
    load_style(qapp)
    worker = Worker()
    try:
        dialog = LoginDialog(sqlite_services, worker, prompter, database="SQLite /srv/omu/rso.db", username="om")
        qtbot.addWidget(dialog)
        dialog.show()
        dialog.password.setText("not the password at all")
        dialog.submit()
        qtbot.waitUntil(lambda: dialog.message.isVisibleTo(dialog), timeout=5000)
        dialog.adjustSize()
        _screen_shot(qapp, dialog, Path("screenshots") / "login.png")
    finally:
        worker.wait_for_done(5000)
        qapp.setStyleSheet(sheet)
        qapp.setStyle(style)
