"""First start, login, the start-up sequence and the composition root's CLI delegation."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

import pytest
from sqlalchemy import select

from rso_manager.clock import FixedClock
from rso_manager.database import open_database
from rso_manager.domain.roles import Role
from rso_manager.persistence.models import AuditEvent
from rso_manager.services.unit_of_work import SYSTEM
from rso_manager.services.users import SIGN_IN_FAILED, list_users
from tests.conftest import PASSWORD
from tests.sign_in import code_now, enrol
from ui.app import Startup, cli_command, database_url, main
from ui.login import FirstAdminDialog, LoginDialog
from ui.main_window import MainWindow
from ui.worker import Worker
from ui.workflows.sign_in_code import SignInCode

GOOD_PASSWORD = "plenty of words make a long passphrase"


@pytest.fixture
def empty_services(empty_sqlite_url):
    engine, services = open_database(empty_sqlite_url, FixedClock())
    yield services
    engine.dispose()


@pytest.fixture
def worker(qapp):
    w = Worker()
    yield w
    w.wait_for_done(5000)


def test_first_admin_dialog_creates_the_administrator(qtbot, empty_services, worker, prompter):
    dialog = FirstAdminDialog(empty_services, worker, prompter, "SQLite empty.db")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.username, "a.admin")
    qtbot.keyClicks(dialog.display_name, "Alex Admin")
    # A typing slip between the two boxes is caught before anything is sent.
    dialog.password.setText(GOOD_PASSWORD)
    dialog.password_again.setText(GOOD_PASSWORD + "x")
    dialog.submit()
    assert "different" in dialog.errors.message("password_again")
    # A short password: the service's rule, shown under the password field.
    dialog.password.setText("too short")
    dialog.password_again.setText("too short")
    dialog.submit()
    qtbot.waitUntil(lambda: dialog.errors.message("password") != "", timeout=5000)
    assert "at least 15 characters" in dialog.errors.message("password")
    assert dialog.username.text() == "a.admin"
    dialog.password.setText(GOOD_PASSWORD)
    dialog.password_again.setText(GOOD_PASSWORD)
    with qtbot.waitSignal(dialog.created, timeout=5000) as created:
        dialog.submit()
    user = created.args[0]
    assert (user.username, user.role) == ("a.admin", Role.ADMINISTRATOR)
    assert [u.username for u in list_users(empty_services, SYSTEM)] == ["a.admin"]
    assert "15 characters" in dialog.findChild(type(dialog.errors.general), "rules").text()


def test_login_rejects_a_wrong_password_with_a_message(qtbot, sqlite_services, world, worker, prompter):
    dialog = LoginDialog(sqlite_services, worker, prompter)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.username, "om")
    qtbot.keyClicks(dialog.password, "not the password at all")
    dialog.submit()
    qtbot.waitUntil(lambda: dialog.message.isVisibleTo(dialog), timeout=5000)
    assert dialog.message.text() == SIGN_IN_FAILED
    assert dialog.password.text() == "" and dialog.username.text() == "om"
    dialog.password.setText(PASSWORD)
    with qtbot.waitSignal(dialog.logged_in, timeout=5000) as logged_in:
        dialog.submit()
    assert logged_in.args[0].username == "om"
    with sqlite_services.session_factory() as s:
        outcomes = [e.outcome for e in s.scalars(select(AuditEvent).where(AuditEvent.action == "login"))]
    assert outcomes == ["failed", "ok"]


def test_demo_login_shows_the_banner_and_hint(qtbot, sqlite_services, worker, prompter):
    dialog = LoginDialog(sqlite_services, worker, prompter, demo=True,
                         demo_hint='every demo user has the password "x y z"')
    qtbot.addWidget(dialog)
    assert dialog.windowTitle().startswith("[DEMO]")
    assert 'Every demo user has the password "x y z"' in dialog.demo_label.text()


def test_startup_first_admin_then_login_then_main_window(qtbot, empty_services, empty_sqlite_url, prompter):
    startup = Startup(empty_services, empty_sqlite_url, prompter)
    startup.start()
    first = startup.first_admin_dialog
    assert first is not None and first.isVisible()
    first.username.setText("a.admin")
    first.display_name.setText("Alex Admin")
    first.password.setText(GOOD_PASSWORD)
    first.password_again.setText(GOOD_PASSWORD)
    first.submit()
    qtbot.waitUntil(lambda: startup.login_dialog is not None, timeout=5000)
    login = startup.login_dialog
    assert login.username.text() == "a.admin"  # carried over
    login.password.setText(GOOD_PASSWORD)
    login.submit()
    # An administrator signs in with a one-time code: the first sign-in sets it up.
    qtbot.waitUntil(lambda: login.enrolment_dialog is not None and login.enrolment_dialog.isVisible(),
                    timeout=5000)
    enrolment = login.enrolment_dialog
    enrolment.code.setText(code_now(enrolment.enrolment.secret, empty_services.clock))
    enrolment.submit()
    qtbot.waitUntil(lambda: enrolment.pages.currentIndex() == 1, timeout=5000)
    with qtbot.waitSignal(startup.main_window_shown, timeout=5000) as shown:
        enrolment.submit()
    window = shown.args[0]
    assert isinstance(window, MainWindow)
    assert window.actor.role is Role.ADMINISTRATOR and not window.scopes
    window.close()
    startup.shutdown()


def test_startup_refuses_demo_on_a_live_database(qtbot, sqlite_services, sqlite_url, prompter, world):
    startup = Startup(sqlite_services, sqlite_url, prompter, demo_requested=True)
    with qtbot.waitSignal(startup.finished, timeout=5000) as finished:
        startup.start()
    assert finished.args == [2]
    assert "holds real records" in prompter.texts("error")[0]


def test_startup_with_demo_fills_an_empty_database(qtbot, empty_services, empty_sqlite_url, prompter, monkeypatch):
    demo = pytest.importorskip("rso_manager.demo")
    monkeypatch.setattr("ui.app.DEMO_OFFENDERS", 12)
    startup = Startup(empty_services, empty_sqlite_url, prompter, demo_requested=True)
    startup.start()
    assert startup.progress is not None
    qtbot.waitUntil(lambda: startup.login_dialog is not None, timeout=30000)
    assert startup.progress is None
    login = startup.login_dialog
    assert login.demo_label.isVisibleTo(login)
    assert demo.DEMO_PASSWORD in login.demo_label.text()
    assert demo.demo_codes_hint(empty_services.clock.now()) in login.demo_label.text()
    startup.shutdown()
    login.close()


def test_main_delegates_cli_commands_without_a_gui(sqlite_url, capsys):
    assert main(["--db", sqlite_url, "audit", "verify"]) == 0
    assert '"ok": true' in capsys.readouterr().out


@pytest.mark.parametrize("argv, command", [
    (["audit", "verify"], "audit"),
    (["--db", "sqlite:///x.db", "demo"], "demo"),
    (["--db", "sqlite:///x.db"], None),
    (["--demo"], None),
    ([], None),
])
def test_cli_command_detection(argv, command):
    assert cli_command(argv) == command


def test_demo_without_db_uses_its_own_file(monkeypatch):
    monkeypatch.delenv("RSO_DATABASE_URL", raising=False)
    url = database_url(argparse.Namespace(demo=True, db=None))
    assert url.endswith("rso-manager-demo.db")
    assert database_url(argparse.Namespace(demo=True, db="sqlite:///given.db")) == "sqlite:///given.db"


def test_a_database_from_a_newer_version_is_refused_with_a_message(sqlite_url, prompter, monkeypatch, tmp_path):
    from sqlalchemy import text

    from rso_manager.persistence.engine import make_engine

    engine = make_engine(sqlite_url)  # the test databases are encrypted
    with engine.begin() as c:
        c.execute(text("UPDATE alembic_version SET version_num = 'f00d_from_the_future'"))
    engine.dispose()
    # Keep the test process's global state (style, excepthook, log handlers) untouched.
    monkeypatch.setattr("ui.app.load_style", lambda app: None)
    monkeypatch.setattr("ui.app.install_excepthook", lambda p: None)
    monkeypatch.setattr("ui.app.setup_logging", lambda: tmp_path / "log.txt")
    assert main(["--db", sqlite_url], prompter=prompter) == 2
    kind, title, text_ = prompter.messages[0]
    assert kind == "error" and "newer version of RSO Manager" in text_


# --- the sign-in code ----------------------------------------------------------------------------


def _enrol_lead(services) -> str:
    return enrol(services, "lead")[0]


def _code(secret: str, services) -> str:
    return code_now(secret, services.clock)


def _login_code_step(qtbot, services, worker, prompter) -> LoginDialog:
    dialog = LoginDialog(services, worker, prompter)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.username.setText("lead")
    dialog.password.setText(PASSWORD)
    dialog.submit()
    qtbot.waitUntil(lambda: dialog.asking_for_code, timeout=5000)
    return dialog


def test_login_asks_for_the_code_after_the_password(qtbot, sqlite_services, world, worker, prompter):
    secret = _enrol_lead(sqlite_services)
    dialog = _login_code_step(qtbot, sqlite_services, worker, prompter)
    assert dialog.code.isVisibleTo(dialog) and dialog.code_hint.isVisibleTo(dialog)
    assert dialog.username.isReadOnly() and dialog.password.isReadOnly()
    wrong = "000000" if _code(secret, sqlite_services) != "000000" else "111111"
    dialog.code.setText(wrong)
    dialog.submit()
    qtbot.waitUntil(lambda: dialog.message.isVisibleTo(dialog), timeout=5000)
    assert "not right" in dialog.message.text() and dialog.asking_for_code and dialog.code.text() == ""
    dialog.code.setText(_code(secret, sqlite_services))
    with qtbot.waitSignal(dialog.logged_in, timeout=5000) as logged_in:
        dialog.submit()
    assert logged_in.args[0].username == "lead"
    with sqlite_services.session_factory() as s:
        outcomes = [e.outcome for e in s.scalars(select(AuditEvent).where(AuditEvent.action == "login"))]
    assert outcomes[-3:] == ["incomplete", "failed", "ok"]


def test_login_with_a_recovery_code_says_it_is_spent(qtbot, sqlite_services, world, worker, prompter):
    _secret, recovery_codes = enrol(sqlite_services, "lead")
    dialog = _login_code_step(qtbot, sqlite_services, worker, prompter)
    dialog.code.setText(recovery_codes[3])
    with qtbot.waitSignal(dialog.logged_in, timeout=5000):
        dialog.submit()
    assert "cannot be used again" in prompter.texts("info")[0]


def test_start_again_goes_back_to_the_password(qtbot, sqlite_services, world, worker, prompter):
    _enrol_lead(sqlite_services)
    dialog = _login_code_step(qtbot, sqlite_services, worker, prompter)
    dialog.back_button.click()
    assert not dialog.asking_for_code and not dialog.username.isReadOnly() and dialog.password.text() == ""


def test_enrolment_shows_the_qr_code_the_key_and_the_recovery_codes_once(qtbot, sqlite_services, world,
                                                                         worker, prompter):
    from ui.second_factor import EnrolmentDialog

    dialog = EnrolmentDialog(sqlite_services, worker, prompter, "om")
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.qr.pixmap().isNull() and dialog.qr.pixmap().width() > 150
    assert dialog.secret.text() == dialog.enrolment.grouped_secret
    assert dialog.secret.text().replace(" ", "") == dialog.enrolment.secret
    assert "RSO Manager" in [label.text() for label in dialog.findChildren(type(dialog.qr))]
    dialog.password.setText(PASSWORD)
    dialog.code.setText("12345")
    dialog.submit()
    qtbot.waitUntil(lambda: dialog.errors.message("code") != "", timeout=5000)
    assert "does not match" in dialog.errors.message("code")
    dialog.password.setText("wrong password entirely here")
    dialog.code.setText(_code(dialog.enrolment.secret, sqlite_services))
    dialog.submit()
    qtbot.waitUntil(lambda: dialog.errors.message("password") != "", timeout=5000)
    dialog.password.setText(PASSWORD)
    dialog.submit()
    qtbot.waitUntil(lambda: dialog.pages.currentIndex() == 1, timeout=5000)
    shown = dialog.codes.text()
    assert len(shown.split()) == 10 and all(len(c) == 11 and c[5] == "-" for c in shown.split())
    with qtbot.waitSignal(dialog.enrolled, timeout=5000) as enrolled:
        dialog.submit()
    assert enrolled.args[0].username == "om"
    assert dialog.codes.text() == ""  # shown once


def test_the_menu_sets_up_a_new_code_with_the_current_one(qtbot, make_window, sqlite_services, world):
    _enrol_lead(sqlite_services)
    window = make_window(world.lead)
    assert window.part(SignInCode).action in window.file_menu.actions()
    window.part(SignInCode).action.trigger()
    qtbot.waitUntil(lambda: window.part(SignInCode).dialog is not None and window.part(SignInCode).dialog.isVisible(),
                    timeout=5000)
    dialog = window.part(SignInCode).dialog
    assert dialog.current_code.isVisibleTo(dialog) and dialog.password.isVisibleTo(dialog)
    dialog.close()


def test_demo_login_shows_the_current_codes(qtbot, sqlite_services, worker, prompter):
    clock = sqlite_services.clock
    dialog = LoginDialog(sqlite_services, worker, prompter, demo=True, demo_hint="the password is x",
                         demo_codes=lambda: f"codes at {clock.now():%H:%M:%S}")
    qtbot.addWidget(dialog)
    assert "codes at 10:00:00" in dialog.demo_label.text()
    clock.advance(seconds=30)
    qtbot.waitUntil(lambda: "codes at 10:00:30" in dialog.demo_label.text(), timeout=3000)


def _screen_shot(qapp, widget, path: Path) -> None:
    """WIDGET as it would sit on a 1280x720 screen: it must fit whole."""
    from PySide6.QtGui import QColor, QPainter, QPixmap

    for _ in range(5):
        qapp.processEvents()
    assert widget.width() <= 1280 and widget.height() <= 720, widget.size()
    canvas = QPixmap(1280, 720)
    canvas.fill(QColor("#3b4252"))
    painter = QPainter(canvas)
    painter.drawPixmap((1280 - widget.width()) // 2, (720 - widget.height()) // 2, widget.grab())
    painter.end()
    path.parent.mkdir(exist_ok=True)
    assert canvas.save(str(path))


@pytest.mark.skipif(not os.environ.get("RSO_SCREENSHOTS"), reason="set RSO_SCREENSHOTS=1 to write the screenshots")
def test_screenshots_of_the_code_step_and_the_enrolment(qtbot, qapp, sqlite_services, world, worker, prompter):
    from ui.app import load_style
    from ui.second_factor import EnrolmentDialog

    style, sheet = qapp.style().name(), qapp.styleSheet()
    load_style(qapp)
    try:
        _enrol_lead(sqlite_services)
        dialog = _login_code_step(qtbot, sqlite_services, worker, prompter)
        dialog.code.setText("000000")
        dialog.submit()
        qtbot.waitUntil(lambda: dialog.message.isVisibleTo(dialog), timeout=5000)
        dialog.adjustSize()
        _screen_shot(qapp, dialog, Path("screenshots") / "login-code.png")
        enrol = EnrolmentDialog(sqlite_services, worker, prompter, "sup", has_code=False)
        qtbot.addWidget(enrol)
        enrol.show()
        enrol.adjustSize()
        _screen_shot(qapp, enrol, Path("screenshots") / "sign-in-code-setup.png")
        enrol.password.setText(PASSWORD)
        enrol.code.setText(_code(enrol.enrolment.secret, sqlite_services))
        enrol.submit()
        qtbot.waitUntil(lambda: enrol.pages.currentIndex() == 1, timeout=5000)
        _screen_shot(qapp, enrol, Path("screenshots") / "sign-in-code-recovery.png")
        from rso_manager import demo

        demo_login = LoginDialog(sqlite_services, worker, prompter, demo=True, demo_hint=demo.DEMO_PASSWORD_HINT,
                                 demo_codes=lambda: demo.demo_codes_hint(sqlite_services.clock.now()))
        qtbot.addWidget(demo_login)
        demo_login.show()
        demo_login.adjustSize()
        _screen_shot(qapp, demo_login, Path("screenshots") / "login-demo-codes.png")
    finally:
        qapp.setStyleSheet(sheet)
        qapp.setStyle(style)
