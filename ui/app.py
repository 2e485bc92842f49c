"""The composition root: arguments, logging, the database, first start, login, main window.

`main(["audit", "verify"])` (any positional argument, optionally after --db URL) runs the
headless CLI and creates no Qt application; an unknown command is a usage error there. Options
alone (--db URL, --demo, Qt's own) start the GUI.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import threading
from collections.abc import Sequence
from importlib.resources import files
from logging.handlers import RotatingFileHandler
from pathlib import Path
from types import ModuleType
from typing import Any

from PySide6.QtCore import QEventLoop, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QProgressDialog

from rso_manager.clock import Clock, SystemClock
from rso_manager.database import (
    DB_ENV,
    OpenedDatabase,
    data_dir,
    describe,
    is_demo,
    log_dir,
    make_files_private,
    open_database,
    resolve_url,
)
from rso_manager.log_privacy import TypeAndPlaceFormatter
from rso_manager.persistence import audit_checkpoints
from rso_manager.persistence.engine import DatabaseOpenError, key_of, sqlite_url_for
from rso_manager.persistence.integrity import CheckStopped, DatabaseState, StoppableCheck
from rso_manager.persistence.keys import set_passphrase_prompt
from rso_manager.persistence.schema import SchemaTooNewError
from rso_manager.services.reads_apart import ReadsApart
from rso_manager.services.unit_of_work import Actor, Services
from rso_manager.services.users import UserInfo, needs_first_admin
from ui import extensions, gui_thread_gc
from ui.apology import apologise, apology_text, set_log_file
from ui.kit import accessibility
from ui.login import FirstAdminDialog, LoginDialog
from ui.main_window import MainWindow, build_main_window
from ui.passphrase_dialog import GuiThreadPrompt
from ui.prompter import Prompter, QtPrompter
from ui.worker import Worker

log = logging.getLogger("rso_manager.ui")

ORGANISATION = "RSO Manager"
APPLICATION = "RSO Manager"
DEMO_OFFENDERS = 500
DEMO_SEED = 1
PRELOAD_POLL_MS = 10
SHOW_AFTER_MS = 1  # the main window is shown this long after it is built (Startup.show_main)


# --- command line ------------------------------------------------------------------------------


# Options that take a value (ours, and Qt's own, which QApplication reads from argv).
_OPTIONS_WITH_VALUE = frozenset({"--db", "-platform", "-platformpluginpath", "-platformtheme", "-plugin",
                                 "-style", "-stylesheet", "-session", "-display", "-geometry",
                                 "-qwindowgeometry", "-qwindowicon", "-qwindowtitle", "-qmljsdebugger"})


def cli_command(argv: Sequence[str]) -> str | None:
    """The CLI sub-command in argv, if any: the first positional, skipping options and their
    values. Any positional is a command line, even an unknown one: the CLI then says it is not a
    command, rather than the GUI opening on a mistyped `main.py bakup`."""
    tokens = list(argv)
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token in _OPTIONS_WITH_VALUE:
            i += 2
            continue
        if token.startswith("-"):
            i += 1
            continue
        return token
    return None


def parse_gui_args(argv: Sequence[str]) -> tuple[argparse.Namespace, list[str]]:
    parser = argparse.ArgumentParser(prog="rso-manager", description="RSO Manager (GUI). "
                                     "Sub-commands run the command line tools instead.")
    parser.add_argument("--db", metavar="URL", help="database URL (default: RSO_DATABASE_URL, else "
                        "a SQLite file in the user data directory)")
    parser.add_argument("--demo", action="store_true",
                        help="use a demonstration database, filled with fictional cases on first start")
    return parser.parse_known_args(list(argv))


def database_url(args: argparse.Namespace) -> str:
    # Demo data never goes into the live database by accident: without an explicit --db (or
    # RSO_DATABASE_URL) the demo has its own file.
    if args.demo and not args.db and not os.environ.get(DB_ENV):
        return sqlite_url_for(data_dir() / "rso-manager-demo.db")
    return resolve_url(args.db)


# --- process set-up ------------------------------------------------------------------------------


def setup_logging(directory: Path | None = None) -> Path:
    """The log file. Errors in it are logged by type and place only: no message text, SQL
    parameters or locals, which can hold names, PNC numbers and dates of birth."""
    path = (directory or log_dir()) / "rso-manager.log"
    handler = RotatingFileHandler(path, maxBytes=2_000_000, backupCount=5, encoding="utf-8")
    handler.setFormatter(TypeAndPlaceFormatter())
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    set_log_file(path)
    return path


def install_excepthook(prompter: Prompter) -> None:
    """Errors nobody caught: logged by type and place (the log file's formatter keeps their
    text out), then a short apology naming the log file."""
    showing = threading.Lock()

    def hook(exc_type, exc, tb) -> None:
        log.critical("Uncaught exception", exc_info=(exc_type, exc, tb))
        if issubclass(exc_type, KeyboardInterrupt):
            QApplication.exit(130)
            return
        if showing.acquire(blocking=False):  # one apology at a time, never recursively
            try:
                prompter.error("Something went wrong", apology_text())
            finally:
                showing.release()

    def thread_hook(args: threading.ExceptHookArgs) -> None:
        log.critical("Uncaught exception in thread %s", args.thread,
                     exc_info=(args.exc_type, args.exc_value, args.exc_traceback))

    sys.excepthook = hook
    threading.excepthook = thread_hook


def load_style(app: QApplication) -> None:
    # Fusion everywhere: the style sheet then looks the same on every desktop.
    app.setStyle("Fusion")
    try:
        app.setStyleSheet(files("resources").joinpath("style.qss").read_text(encoding="utf-8"))
    except (FileNotFoundError, ModuleNotFoundError):
        log.warning("style.qss not found; using the platform style")


def _demo_module() -> ModuleType | None:
    try:
        from rso_manager import demo
    except ImportError:
        return None
    return demo


def _check_giving_way(check: StoppableCheck) -> str | None:
    """The open's quick_check on the checker's own thread, at a lower CPU priority where the
    system has one per thread (Linux), so that on a busy machine a read of every page gives way
    to the sign-in and the caseload."""
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 10)
    except (AttributeError, OSError):
        pass
    return check.run()


# --- first start, login, main window -----------------------------------------------------------


class Startup(QObject):
    """Runs the steps before the main window without exec(): each dialog is shown and the next
    step follows from its signal, so tests can drive the whole sequence.

    finished(code) is emitted when the app should end before a main window exists
    (cancelled: 0; cannot continue: 2).

    With OPENED (a database opened with check_later), its quick_check runs from start() on a
    worker of its own, beside the login and the caseload, which the one database worker serves;
    database_checked(state) follows. A file found damaged becomes read-only then, and a main
    window already open shows the red banner a damaged file opens with.
    """

    finished = Signal(int)
    main_window_shown = Signal(object)
    database_checked = Signal(object)  # DatabaseState

    def __init__(self, services: Services, url: str, prompter: Prompter, *, demo_requested: bool = False,
                 worker: Worker | None = None, opened: OpenedDatabase | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.services, self.url, self.prompter = services, url, prompter
        self.demo_requested = demo_requested
        self.worker = worker or Worker(self)
        self._reporting = False  # whether this object reports the worker's unhandled failures
        self._report_failures(True)
        self.database = describe(url)
        self.opened = opened
        self.integrity: StoppableCheck | None = None
        self.checker: Worker | None = None
        self.first_admin_dialog: FirstAdminDialog | None = None
        self.login_dialog: LoginDialog | None = None
        self.progress: QProgressDialog | None = None
        self.main_window: MainWindow | None = None

    def _report_failures(self, report: bool) -> None:
        """Until a main window is shown, and after it is gone, the worker's unhandled failures are
        this object's to report; while one is open, the window's (a second window, such as the
        benchmark's lead after a supervisor, finds them the window's already)."""
        if report and not self._reporting:
            self.worker.unhandled_error.connect(self._unhandled)
        elif not report and self._reporting:
            self.worker.unhandled_error.disconnect(self._unhandled)
        self._reporting = report

    def _unhandled(self, exc: BaseException) -> None:
        apologise(self.prompter, exc)

    def start(self) -> None:
        app = QApplication.instance()
        if isinstance(app, QApplication):
            # Between one dialog closing and the next opening no window is visible; that must
            # not end the application.
            app.setQuitOnLastWindowClosed(False)
        self.check_integrity()
        # Once the login is on screen: started before it, the process's start (its own
        # interpreter and imports, on the machine's other core) held the login back 40 ms.
        QTimer.singleShot(0, self, self.start_reads_apart)
        empty = needs_first_admin(self.services)
        if empty and self.demo_requested:
            self.generate_demo()
        elif empty:
            self.show_first_admin()
        elif self.demo_requested and not is_demo(self.services):
            self.prompter.error(
                "Not a demo database",
                f"{self.database} holds real records, so demo data cannot be added to it. Start "
                "without --demo to use it, or give --demo a new database file.")
            self.finished.emit(2)
        else:
            self.show_login()

    # the open's integrity check ---------------------------------------------------------------

    def check_integrity(self) -> None:
        if self.opened is None or self.opened.state.checked or self.checker is not None:
            return
        self.integrity = self.opened.integrity_check()
        # Not the database worker: the sign-in and the caseload must not queue behind a read of
        # every page. SQLite reads the file with the GIL released, so the GUI does not wait either.
        self.checker = Worker(self)
        self.checker.submit(_check_giving_way, self.integrity, owner=self, on_success=self._checked,
                            on_error=self._check_failed)

    def _checked(self, damage: str | None) -> None:
        assert self.opened is not None
        state: DatabaseState = self.opened.checked(damage)
        if state.damaged:
            log.error("Integrity check failed on %s; open read-only", self.database)
            if self.main_window is not None:
                self.main_window.show_database_damaged(state.damaged)
        self.database_checked.emit(state)

    def _check_failed(self, exc: BaseException) -> None:
        if not isinstance(exc, CheckStopped):  # stopped: the app is closing
            apologise(self.prompter, exc)

    def start_reads_apart(self) -> None:
        """The long reads beside the GUI (sign-off queue, reminders, dashboard, planner, a print's
        figures) get a process of their own, started while the user signs in, so that its imports
        are done by the time the main window asks for its first reads (which would wait for
        them, not fail)."""
        opened = self.opened
        if opened is None or self.services.apart is not None or opened.state.damaged:
            return
        url = opened.engine.url
        if url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:"):
            return  # a database in this process's memory cannot be read from another
        self.services.apart = ReadsApart(self.url, key_of(opened.engine))

    # demo -----------------------------------------------------------------------------------

    def generate_demo(self) -> None:
        demo = _demo_module()
        if demo is None:
            self.prompter.error("Demo data not available",
                                "This copy of RSO Manager cannot create demo data. Starting with an "
                                "empty database instead.")
            self.show_first_admin()
            return
        self.progress = QProgressDialog("Creating a fictional caseload for the demo...", "", 0, DEMO_OFFENDERS)
        self.progress.setWindowTitle("RSO Manager: demo")
        self.progress.setCancelButton(None)  # generation runs in one transaction; no half demo
        self.progress.setMinimumDuration(0)
        self.progress.setAutoClose(False)
        self.progress.setValue(0)
        self.progress.show()
        self.worker.submit(demo.generate, self.services, offenders=DEMO_OFFENDERS, seed=DEMO_SEED,
                           on_progress=self._demo_progress, owner=self, on_success=self._demo_done,
                           on_error=self._demo_failed)

    def _demo_progress(self, done: int, total: int) -> None:
        if self.progress is not None:
            self.progress.setMaximum(total)
            self.progress.setValue(done)
            self.progress.setLabelText(f"Creating a fictional caseload for the demo: {done:,} of {total:,} offenders...")

    def _close_progress(self) -> None:
        if self.progress is not None:
            self.progress.close()
            self.progress.deleteLater()
            self.progress = None

    def _demo_done(self, _result: object) -> None:
        self._close_progress()
        self.show_login()

    def _demo_failed(self, exc: BaseException) -> None:
        self._close_progress()
        if isinstance(exc, ValueError):
            self.prompter.error("Demo data not created", str(exc))
        else:
            apologise(self.prompter, exc)
        self.finished.emit(2)

    # accounts -------------------------------------------------------------------------------

    def show_first_admin(self) -> None:
        self.first_admin_dialog = FirstAdminDialog(self.services, self.worker, self.prompter, self.database)
        self.first_admin_dialog.created.connect(self._admin_created)
        self.first_admin_dialog.rejected.connect(lambda: self.finished.emit(0))
        self.first_admin_dialog.show()

    def _admin_created(self, user: UserInfo) -> None:
        self.show_login(user.username)

    def show_login(self, username: str = "") -> None:
        demo = is_demo(self.services)
        module = _demo_module() if demo else None
        codes_hint = getattr(module, "demo_codes_hint", None)
        self.login_dialog = LoginDialog(self.services, self.worker, self.prompter, database=self.database,
                                        demo=demo, demo_hint=getattr(module, "DEMO_PASSWORD_HINT", None),
                                        username=username,
                                        demo_codes=(lambda: codes_hint(self.services.clock.now()))
                                        if codes_hint else None)
        self.login_dialog.logged_in.connect(self.show_main)
        self.login_dialog.rejected.connect(lambda: self.finished.emit(0))
        self.login_dialog.show()
        # While the user signs in: the main window then opens without importing every workflow.
        extensions.preload()

    def show_main(self, actor: Actor) -> None:
        if extensions.preloading():
            # Signed in before the workflows were all imported (a quick sign-in, a busy machine):
            # waited for with the event loop running, not by joining the import on this thread.
            QTimer.singleShot(PRELOAD_POLL_MS, lambda: self.show_main(actor))
            return
        extensions.load()
        # The modules, the app's objects and the workflows' registrations live as long as the
        # process: later collections on the GUI thread need not walk them again.
        gui_thread_gc.freeze()
        self.main_window = build_main_window(self.services, actor, prompter=self.prompter, worker=self.worker,
                                             database=self.database, demo=is_demo(self.services))
        self.main_window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.main_window.sign_in_again.connect(self._sign_in_again)
        # From here the main window reports failures on the shared worker; one message each.
        self._report_failures(False)
        # Shown in a turn of the event loop of its own: built, shown and first painted in one,
        # the window held the GUI thread past 50 ms at sign-in (issue 16). A timer, not a zero
        # timeout: Qt sends that as a posted event, ahead of the timers and input that waited
        # while the window was built.
        QTimer.singleShot(SHOW_AFTER_MS, self.main_window, self._show_built)

    def _show_built(self) -> None:
        if self.main_window is None:
            return
        self.main_window.show()
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.setQuitOnLastWindowClosed(True)
        self.main_window_shown.emit(self.main_window)

    def _sign_in_again(self, username: str) -> None:
        """The account changed under the open session: back to the login, with a fresh Actor
        (and a fresh main window) if the account can still sign in. The old window closes
        itself after this; the app must not end when it does."""
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.setQuitOnLastWindowClosed(False)
        self._report_failures(True)
        self.main_window = None
        self.show_login(username)

    def shutdown(self) -> None:
        if self.integrity is not None:
            self.integrity.stop()
        if self.checker is not None:
            self.checker.wait_for_done(10_000)
        if self.services.apart is not None:
            self.services.apart.close()  # a read waiting on it raises ReadsClosed, not run here
        self.worker.wait_for_done(10_000)


def open_off_gui_thread(worker: Worker, url: str, clock: Clock) -> OpenedDatabase:
    """open_database as run_gui opens it (its integrity check left to the sign-in), run on
    WORKER while the GUI thread turns its events: deriving a passphrase's key (PBKDF2, 256,000
    rounds) and upgrading the schema held the GUI thread 240-355 ms before the login (issue
    16), and a PostgreSQL server far away holds it longer. A passphrase asked meanwhile is
    asked on the GUI thread (GuiThreadPrompt). Raises what open_database raised."""
    loop = QEventLoop()
    outcome: list[Any] = []

    def settle(value: object) -> None:
        outcome.append(value)
        loop.quit()

    worker.submit(open_database, url, clock, read_only_if_damaged=True, check_later=True,
                  on_success=settle, on_error=settle)
    loop.exec()  # the result is queued to this thread, so it cannot arrive before exec()
    if isinstance(outcome[0], BaseException):
        raise outcome[0]
    return outcome[0]


# --- entry point ---------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None, *, clock: Clock | None = None,
         prompter: Prompter | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    from ui import smoke_test  # the packaged app's own check: sign in offscreen, load, quit
    if smoke_test.requested(args_list):
        return smoke_test.run(args_list, clock=clock)
    if cli_command(args_list) is not None:
        from rso_manager import cli

        return cli.run(args_list, clock=clock)
    return run_gui(args_list, clock=clock, prompter=prompter)


def run_gui(argv: Sequence[str], *, clock: Clock | None = None, prompter: Prompter | None = None) -> int:
    args, qt_args = parse_gui_args(argv)
    make_files_private()
    log_file = setup_logging()
    log.info("Starting RSO Manager GUI")
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication([sys.argv[0] if sys.argv else "rso-manager", *qt_args])
    # Before anything uses QSettings (window state), so settings go under the right name.
    app.setOrganizationName(ORGANISATION)
    app.setApplicationName(APPLICATION)
    app.setDesktopFileName("rso-manager")  # matches packaging/rso-manager.desktop
    app.setWindowIcon(QIcon(str(files("resources").joinpath("icons").joinpath("rso-manager.png"))))
    accessibility.install(app)  # every window's unnamed controls named from their labels
    gui_thread_gc.install(app)  # cyclic garbage is collected on the GUI thread only
    load_style(app)
    prompter = prompter or QtPrompter(QApplication.activeWindow)
    install_excepthook(prompter)
    clock = clock or SystemClock()
    url = database_url(args)
    set_passphrase_prompt(GuiThreadPrompt())
    extensions.preload()  # the workflows import on their own thread while the database opens
    worker = Worker()
    try:
        # A damaged file opens read-only with a red banner (ui/workflows/backups.py); the check
        # itself runs while the user signs in (Startup.check_integrity).
        opened = open_off_gui_thread(worker, url, clock)
        engine, services = opened
    except (SchemaTooNewError, DatabaseOpenError) as exc:
        log.error("Cannot open %s: %s", describe(url), exc)
        prompter.error("The database cannot be opened", str(exc))
        return 2
    except Exception as exc:  # noqa: BLE001 - anything else: say where, keep the trace in the log
        log.exception("Cannot open %s", describe(url))
        prompter.error("The database cannot be opened",
                       f"RSO Manager could not open {describe(url)}:\n{exc}\n\nDetails are in {log_file}.")
        return 2
    startup = Startup(services, url, prompter, demo_requested=args.demo, opened=opened, worker=worker)
    startup.finished.connect(app.exit)
    # Start inside the event loop, so an early finished(code) reaches a running app.exit().
    QTimer.singleShot(0, startup.start)
    try:
        return app.exec()
    finally:
        startup.shutdown()
        # A signed checkpoint of the audit chain's head, outside the database, at every close.
        audit_checkpoints.write_on_close(services.session_factory, services.clock.now().isoformat())
        engine.dispose()
