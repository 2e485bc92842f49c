"""First start, login, the start-up sequence and the composition root's CLI delegation."""

from __future__ import annotations

import argparse

import pytest
from sqlalchemy import select

from rso_manager.clock import FixedClock
from rso_manager.database import open_database
from rso_manager.domain.roles import Role
from rso_manager.persistence.models import AuditEvent
from rso_manager.services.unit_of_work import SYSTEM
from rso_manager.services.users import list_users
from tests.conftest import PASSWORD
from ui.app import Startup, cli_command, database_url, main
from ui.login import FirstAdminDialog, LoginDialog
from ui.main_window import MainWindow
from ui.worker import Worker

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
    assert dialog.message.text() == "The username or password is not right. Check them and try again."
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
    with qtbot.waitSignal(startup.main_window_shown, timeout=5000) as shown:
        login.submit()
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
    from sqlalchemy import create_engine, text

    engine = create_engine(sqlite_url)
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
