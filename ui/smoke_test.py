"""The packaged application's smoke test: does the built program start, sign in and show work?

    rso-manager --smoke-test --db PATH [--user om.northam1] [--timeout 180]

Runs the real start-up (ui.app's Startup: opening and migrating the database, the demo path,
the login dialog, the main window with every workflow) offscreen against a demo database, types
the demo password into the real login dialog, waits for the caseload to load, then closes the
window and exits 0. Anything else (a message box, a refused sign-in, a missing module or data
file in the build, the time running out) prints one line naming the step and exits 1; a
database that cannot be opened exits 2, as the app does.

Only a demo database: the password typed is the demo's published one, and an empty file is
filled with the demo caseload first (the app's --demo path). CI runs it on the frozen build
(.ci/run via scripts/build_dist.sh), since a build can pass every test from source and still
lack a plugin, a font or a migration script.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QApplication

from rso_manager.clock import Clock, SystemClock
from rso_manager.database import describe, make_files_private, open_database
from rso_manager.persistence import audit_checkpoints
from rso_manager.persistence.engine import sqlite_url_for
from rso_manager.persistence.keys import set_passphrase_prompt
from ui import app as composition
from ui import gui_thread_gc

SMOKE_OPTION = "--smoke-test"
SMOKE_ENV = "RSO_SMOKE_TEST"  # =1: the same, for launchers that cannot pass options
DEFAULT_USER = "om.northam1"  # an offender manager with a caseload and no sign-in code
DEFAULT_TIMEOUT_S = 180.0
POLL_MS = 50


def requested(argv: Sequence[str]) -> bool:
    return SMOKE_OPTION in argv or os.environ.get(SMOKE_ENV) == "1"


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="rso-manager --smoke-test",
                                     description="Start offscreen on a demo database, sign in, load the "
                                                 "caseload and quit: 0 when all of that worked.")
    parser.add_argument(SMOKE_OPTION, action="store_true")
    parser.add_argument("--db", required=True, metavar="PATH",
                        help="a demo database: a SQLite file (made and filled if missing) or a URL")
    parser.add_argument("--user", default=DEFAULT_USER, help=f"the demo user to sign in as ({DEFAULT_USER})")
    parser.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT_S, metavar="SECONDS")
    args, _qt = parser.parse_known_args([a for a in argv if a != "--demo"])
    return args


def say(text: str) -> None:
    print(f"smoke test: {text}", flush=True)


def run(argv: Sequence[str], *, clock: Clock | None = None) -> int:
    """The whole smoke test; the return value is the process's exit code."""
    args = parse_args(argv)
    # Before the QApplication picks a platform plugin: the test needs no screen and shows none.
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    started = time.monotonic()
    url = args.db if "://" in args.db else sqlite_url_for(Path(args.db).resolve())
    make_files_private()
    composition.setup_logging()
    qapp = QApplication.instance()
    if not isinstance(qapp, QApplication):
        qapp = QApplication([sys.argv[0] if sys.argv else "rso-manager"])
    qapp.setOrganizationName(composition.ORGANISATION)
    qapp.setApplicationName(composition.APPLICATION)
    gui_thread_gc.install(qapp)
    composition.load_style(qapp)
    set_passphrase_prompt(None)  # nobody is there to type one: a missing key is a failure
    prompter = SmokePrompter()
    try:
        opened = open_database(url, clock or SystemClock(), check_later=True)
    except Exception as exc:  # noqa: BLE001 - the one line is the test's result
        say(f"FAILED: {describe(url)} could not be opened: {type(exc).__name__}: {exc}")
        return 2
    engine, services = opened
    say(f"opened {describe(url)} in {time.monotonic() - started:.1f} s")
    startup = composition.Startup(services, url, prompter, demo_requested=True, opened=opened)
    driver = SmokeDriver(startup, prompter, username=args.user, timeout_s=args.timeout, started=started)
    QTimer.singleShot(0, driver.start)
    try:
        return qapp.exec()
    finally:
        startup.shutdown()
        audit_checkpoints.write_on_close(services.session_factory, services.clock.now().isoformat())
        engine.dispose()


class SmokePrompter:
    """No one is there to read a message box: a warning or an error is the test failing."""

    def __init__(self) -> None:
        self.failure: str | None = None

    def info(self, title: str, text: str) -> None:
        say(f"note: {title}: {' '.join(text.split())}")

    def warning(self, title: str, text: str) -> None:
        self._fail(title, text)

    def error(self, title: str, text: str) -> None:
        self._fail(title, text)

    def confirm(self, title: str, text: str, *, ok: str = "OK", cancel: str = "Cancel") -> bool:
        self._fail(title, f"asked to confirm: {text}")
        return False

    def ask_reason(self, title: str, label: str, *, text: str = "", problem: str | None = None) -> str | None:
        self._fail(title, f"asked for a reason: {label}")
        return None

    def _fail(self, title: str, text: str) -> None:
        if self.failure is None:
            self.failure = f"{title}: {' '.join(text.split())}"


class SmokeDriver(QObject):
    """Plays the user: waits for the login dialog, signs in, waits for the caseload."""

    def __init__(self, startup, prompter: SmokePrompter, *, username: str, timeout_s: float,
                 started: float) -> None:
        super().__init__(startup)
        self.startup, self.prompter, self.username = startup, prompter, username
        self.started = started
        self.deadline = started + timeout_s
        self.step = "waiting for the login dialog"
        self.submitted = False
        self.done = False
        self.window = None
        self.rows: int | None = None  # the caseload, once loaded
        self.timer = QTimer(self)
        self.timer.setInterval(POLL_MS)
        self.timer.timeout.connect(self._poll)
        startup.finished.connect(self._ended)
        startup.main_window_shown.connect(self._shown)

    def start(self) -> None:
        self.startup.start()
        self.timer.start()

    def _elapsed(self) -> str:
        return f"{time.monotonic() - self.started:.1f} s"

    def _poll(self) -> None:
        if self.prompter.failure is not None:
            self._finish(1, f"FAILED while {self.step}: {self.prompter.failure}")
            return
        if time.monotonic() > self.deadline:
            self._finish(1, f"FAILED: timed out while {self.step}")
            return
        if self.rows is not None:
            self._check_reads_apart()
            return
        login = self.startup.login_dialog
        if login is None or self.window is not None:
            return
        if not self.submitted and login.isVisible():
            self._sign_in(login)
        elif self.submitted:
            problem = login.errors.general.text()
            if problem:
                self._finish(1, f"FAILED: signing in as {self.username} was refused: {problem}")
            elif login.asking_for_code:
                self._finish(1, f"FAILED: {self.username} must sign in with a code; give --user an "
                                "account without one (e.g. om.northam1)")

    def _sign_in(self, login) -> None:
        from rso_manager import demo

        say(f"login dialog shown after {self._elapsed()}; signing in as {self.username}")
        self.step = f"signing in as {self.username}"
        login.username.setText(self.username)
        login.password.setText(demo.DEMO_PASSWORD)
        self.submitted = True
        login.submit()

    def _shown(self, window) -> None:
        self.window = window
        self.step = "loading the caseload"
        say(f"main window shown after {self._elapsed()}")
        if getattr(window, "caseload_page", None) is None:
            self._finish(1, f"FAILED: {self.username} has no caseload to load; give --user an offender manager")
            return
        window.caseload_loaded.connect(self._loaded)

    def _loaded(self, rows: int) -> None:
        if rows <= 0:
            self._finish(1, f"FAILED: the caseload of {self.username} loaded empty")
            return
        say(f"caseload of {rows} cases loaded after {self._elapsed()}")
        self.rows = rows
        self.step = "waiting for the reminder scan from the reads' process"
        self._check_reads_apart()

    def _check_reads_apart(self) -> None:
        """The long reads run in a spawned process (services.reads_apart): a frozen build whose
        entry point does not hand that process its task would start the app again instead."""
        apart = self.startup.services.apart
        if apart is None or not apart.alive:
            self._finish(1, "FAILED: the reads' process is not running (see the log)")
        elif apart.served:
            self._finish(0, f"OK: caseload of {self.rows} cases loaded, and {apart.served} read(s) "
                            f"answered by the reads' process, after {self._elapsed()}")

    def _ended(self, code: int) -> None:
        if self.window is None:
            reason = self.prompter.failure or "no message"
            self._finish(code or 1, f"FAILED: the app ended while {self.step} (exit {code}): {reason}")

    def _finish(self, code: int, text: str) -> None:
        if self.done:  # closing the window below ends the startup too: one result only
            return
        self.done = True
        self.timer.stop()
        say(text)
        if self.window is not None:
            self.window.close()
        if self.startup.login_dialog is not None:
            self.startup.login_dialog.close()
        QApplication.exit(code)
