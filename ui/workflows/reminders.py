"""Reminders: what is due this week, overdue or waiting for the user (home visits,
notifications, plan actions, breach decisions, referral decisions, entries returned from
sign-off), as a badge in the main window's toolbar, a list,
and a desktop notification when something becomes overdue.

The database is the truth (rso_manager.reminders.scan); timers only decide when to look:

* one APScheduler 3 QtScheduler interval job (id "scan-due", every 5 minutes by default,
  coalesced, never skipped however late: misfire_grace_time=None). The job runs on the
  scheduler's thread pool, not the GUI thread (engineering.md 2), so it only calls the Qt-free
  scan and emits the digest through a signal of a QObject living on the GUI thread;
* a scan at start, after each caseload load but the first (so a change shows at once; the
  start's scan covers the first), and when the application becomes active again, which
  catches up after a laptop slept through the timer. These run on the reminders' own worker,
  not the window's: at national scale a team's scan reads thousands of rows, and opening a
  record or saving an entry must not queue behind it (issue 16).

One scan at a time: a scan asked for while one runs follows it once (it may have started before
the change it is to show), and the scheduler's job skips its turn while one runs.

The scheduler stops (wait=False) when the window closes or the application quits.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any, Protocol

from apscheduler.schedulers import SchedulerNotRunningError
from apscheduler.schedulers.qt import QtScheduler
from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QAction, QFont, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QSizePolicy,
    QStyle,
    QSystemTrayIcon,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
    QWidgetAction,
)

from rso_manager import reminders as core
from rso_manager.domain.roles import Permission
from rso_manager.reminders import Reminder, ReminderDigest
from rso_manager.services import reads_apart
from rso_manager.services.unit_of_work import Actor, Services
from ui.extensions import WorkflowHost, main_window_hook
from ui.kit.formatting import fmt_date
from ui.kit.forms import RED
from ui.kit.tables import Column, ListPanel, RowsModel, configure_list_view
from ui.worker import Worker

log = logging.getLogger(__name__)

# Injectable settings: tests use a fraction of a second. The interval is only how often to
# look; nothing is lost if a run is late or missed (the next scan reads the same database).
INTERVAL = timedelta(minutes=5)
DAYS_AHEAD = 7
RESCAN_ON_ACTIVATE_AFTER = 60.0  # seconds: switching windows back and forth does not hammer the DB
JOB_ID = "scan-due"
JOB_FUNC = "ui.workflows.reminders:scan_due"
# Last among the toolbar's workflow actions, so the badge sits at the right-hand end.
BADGE_ORDER = 1000
# How long closing the window waits for a scan in flight: the database may be closed right after
# the window (signing out, tests), and a read outliving it would fail for nothing.
WAIT_ON_CLOSE_MS = 5000
# The start's scan waits for the window's first caseload: both read much of the database, and
# run side by side they shared one interpreter lock, so the OMU lead's 100,000 cases took 1.0 s
# to load instead of 0.63 s (issue 16). A caseload that never arrives (it failed) waits this long.
FIRST_SCAN_LATEST_MS = 10_000
# For tests only: called on the scanning thread as each scan begins (e.g. to hold it there).
SCAN_STARTED: Callable[[], None] | None = None

BADGE_STYLE = """
QToolButton#reminderBadge { border-radius: 10px; padding: 3px 12px; font-weight: 600;
    background: #e4e8ee; color: #323f4b; border: 1px solid #c4ccd8; }
QToolButton#reminderBadge[level="overdue"] { background: #b3261e; color: #ffffff; border-color: #8e1d17; }
QToolButton#reminderBadge[level="due"] { background: #fff4d6; color: #5c3d00; border-color: #e0b252; }
QToolButton#reminderBadge:hover { border-color: #1f3a5f; }
"""


class Notifier(Protocol):
    def notify(self, title: str, text: str) -> None: ...


class TrayNotifier:
    """Desktop notifications through the system tray, where the desktop has one.

    The text never names anyone: notifications can show on a locked screen and stay in the
    desktop's history, outside the access controls of the application.
    """

    def __init__(self, window: QWidget, on_click: Callable[[], None] | None = None) -> None:
        self._window = window
        self._on_click = on_click
        self._tray: QSystemTrayIcon | None = None

    def notify(self, title: str, text: str) -> None:
        if not QSystemTrayIcon.isSystemTrayAvailable() or not QSystemTrayIcon.supportsMessages():
            return
        if self._tray is None:
            icon = self._window.windowIcon()
            if icon.isNull():
                icon = self._window.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
            self._tray = QSystemTrayIcon(icon, self._window)
            self._tray.setToolTip("RSO Manager")
            if self._on_click is not None:
                self._tray.messageClicked.connect(self._on_click)
            self._tray.show()
        self._tray.showMessage(title, text, QSystemTrayIcon.MessageIcon.Warning, 15_000)


# A factory, so tests can fake the desktop (which is outside the product).
NOTIFIER_FACTORY: Callable[[QWidget, Callable[[], None]], Notifier] = TrayNotifier


class ReminderBridge(QObject):
    """Created on the GUI thread and never moved: the scheduler thread emits, Qt queues the
    call to the receivers on the GUI thread."""

    scanned = Signal(object)  # ReminderDigest

    def __init__(self) -> None:
        super().__init__()
        # Held while a scan runs, whichever thread runs it (the scheduler's, the reminders' worker).
        self.scanning = threading.Lock()


def _scan(services: Services, actor: Actor, days_ahead: int) -> ReminderDigest:
    if SCAN_STARTED is not None:
        SCAN_STARTED()
    # In the reads' process: a force's scan is Python the GUI would wait for beside it.
    return reads_apart.read(services, core.scan, actor, days_ahead=days_ahead)


def scan_due(services: Services, actor: Actor, days_ahead: int, bridge: ReminderBridge) -> None:
    """The scheduler job (APScheduler's thread pool): scan, then hand the digest over. It touches
    no widget, and a failure is logged for the next run to retry rather than raised. While
    another scan runs it skips its turn: that scan's digest is as fresh as this one would be."""
    if not bridge.scanning.acquire(blocking=False):
        return
    try:
        digest = _scan(services, actor, days_ahead)
    except Exception:  # noqa: BLE001 - a reminder scan must never take the scheduler down
        log.warning("reminder scan failed; the next run tries again", exc_info=True)
        return
    finally:
        bridge.scanning.release()
    bridge.scanned.emit(digest)


def scan_for_window(services: Services, actor: Actor, days_ahead: int, bridge: ReminderBridge) -> ReminderDigest:
    """The window's own scan, on the reminders' worker. It waits for a scheduled scan already
    running rather than skip: it was asked for after a change that one may have missed."""
    with bridge.scanning:
        return _scan(services, actor, days_ahead)


def badge_text(digest: ReminderDigest | None) -> str:
    if digest is None:
        return "Checking what is due..."
    parts = []
    if digest.overdue:
        parts.append(f"{digest.overdue} overdue")
    if digest.due_soon:
        parts.append(f"{digest.due_soon} due this week")
    if digest.waiting:
        parts.append(f"{digest.waiting} waiting")
    return ", ".join(parts) if parts else "Nothing due this week"


def show_section(opened: object, section: str) -> None:
    """Bring the part of an open record named by SECTION (a SectionSpec key) to the front; a
    record without that part opens where it always does."""
    show_part = getattr(opened, "show_part", None)
    if section and callable(show_part):
        show_part(section)


def _shutdown(holder: list[QtScheduler | None]) -> None:
    scheduler, holder[0] = holder[0], None
    if scheduler is None:
        return
    try:
        scheduler.remove_all_jobs()  # a timer already queued then finds nothing to run
        scheduler.shutdown(wait=False)
    except SchedulerNotRunningError:
        pass


class ReminderController(QObject):
    """Owns the scheduler, the badge and the list for one main window."""

    updated = Signal(object)  # ReminderDigest, once shown

    def __init__(self, host: WorkflowHost, *, interval: timedelta | None = None, notifier: Notifier | None = None,
                 days_ahead: int = DAYS_AHEAD) -> None:
        super().__init__(host.window)
        self.setObjectName("reminders")
        self.host = host
        self.window = window = host.window  # watched for closing; the parent of the list
        self.services: Services = host.services
        self.actor: Actor = host.actor
        self.interval = interval or INTERVAL
        self.days_ahead = days_ahead
        self.notifier: Notifier = notifier or NOTIFIER_FACTORY(window, self.show_from_notification)
        self.digest: ReminderDigest | None = None
        self.scans = 0  # digests received (tests and diagnostics)
        self.dialog: ReminderDialog | None = None
        self._seen_overdue: set[object] | None = None  # Reminder keys; None until the first scan
        self._seen_imminent: set[str] = set()
        self._in_flight = False
        self._again = False
        self._start_scan_pending = True  # until the start's scan: after the window's first caseload
        self._last_scan = 0.0
        # A worker of its own, sharing the window's write gate (the scan only reads; should it
        # ever write, the screen lock refuses it as any other job's write).
        self.scanner = Worker(self, name="rso-reminders")
        self.scanner.gate = host.worker.gate
        self._holder: list[QtScheduler | None] = [None]
        self.bridge = ReminderBridge()  # no parent: kept alive here and by the job's arguments
        self.bridge.scanned.connect(self._arrived)

        self.badge = QToolButton()
        self.badge.setObjectName("reminderBadge")
        self.badge.setStyleSheet(BADGE_STYLE)
        self.badge.setProperty("level", "none")
        self.badge.setToolTip(f"Home visits, notifications and plan actions overdue or due in the next "
                              f"{days_ahead} days; referral decisions and safeguarding work overdue; breaches "
                              "waiting for a decision; your entries returned from sign-off. Click for the list (Ctrl+Shift+R).")
        self.badge.setAccessibleName("Reminders")
        self.badge.clicked.connect(self.show_list)
        self._show_badge()
        # At the right-hand end of the workflows' toolbar actions: a spacer, then the badge.
        spacer = QWidget()
        spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        for order, widget in ((BADGE_ORDER - 1, spacer), (BADGE_ORDER, self.badge)):
            holder = QWidgetAction(window)
            holder.setDefaultWidget(widget)
            host.add_toolbar_action(holder, order=order)
        self.action = QAction("&Reminders...", window)
        self.action.setShortcut(QKeySequence("Ctrl+Shift+R"))
        self.action.setStatusTip("What is due this week, overdue or waiting for you")
        self.action.triggered.connect(self.show_list)
        host.add_menu_action("file", self.action, order=40)

        app = QGuiApplication.instance()
        if app is not None:
            app.applicationStateChanged.connect(self._application_state)
            app.aboutToQuit.connect(self.stop)
        window.installEventFilter(self)
        host.caseload_loaded.connect(self._caseload_loaded)
        holder = self._holder
        window.destroyed.connect(lambda *_: _shutdown(holder))
        self.start()
        # At start, whatever fell due while the app was closed: once the caseload is in.
        QTimer.singleShot(FIRST_SCAN_LATEST_MS, self, self._first_scan)

    # --- scheduling ---------------------------------------------------------------------------

    @property
    def running(self) -> bool:
        return self._holder[0] is not None

    def start(self) -> None:
        if self.running:
            return
        scheduler = QtScheduler(timezone="Europe/London")
        scheduler.add_job(JOB_FUNC, "interval", seconds=self.interval.total_seconds(), id=JOB_ID,
                          replace_existing=True, coalesce=True, misfire_grace_time=None, max_instances=1,
                          args=(self.services, self.actor, self.days_ahead, self.bridge))
        scheduler.start()
        self._holder[0] = scheduler

    @Slot()
    def stop(self) -> None:
        _shutdown(self._holder)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if watched is self.window:
            if event.type() == QEvent.Type.Hide and not event.spontaneous():
                self.stop()  # closed (a minimised window is hidden spontaneously, and keeps going)
                self.scanner.wait_for_done(WAIT_ON_CLOSE_MS)
            elif event.type() == QEvent.Type.Show and not self.running:
                self.start()
                self.scan_now()
        return False

    @Slot(int)
    def _caseload_loaded(self, _rows: int) -> None:
        if self._start_scan_pending:
            self._first_scan()
            return
        self.scan_now()  # a change to a record reloads the caseload: show its effect at once

    def _first_scan(self) -> None:
        if self._start_scan_pending:
            self._start_scan_pending = False
            self.scan_now()

    def _application_state(self, state: Qt.ApplicationState) -> None:
        if state == Qt.ApplicationState.ApplicationActive and time.monotonic() - self._last_scan > RESCAN_ON_ACTIVATE_AFTER:
            self.scan_now()

    def scan_now(self) -> None:
        """Scan on the reminders' worker (start, activation, after a change); asked again while
        one runs, it scans once more when that one is done."""
        if self._in_flight:
            self._again = True
            return
        self._in_flight = True
        self._last_scan = time.monotonic()
        self.scanner.submit(scan_for_window, self.services, self.actor, self.days_ahead, self.bridge, owner=self,
                            on_success=self._scanned, on_error=self._scan_failed)

    def _scanned(self, digest: ReminderDigest) -> None:
        self._in_flight = False
        self._arrived(digest)
        if self._again:
            self._again = False
            self.scan_now()

    def _scan_failed(self, exc: BaseException) -> None:
        self._in_flight = False
        if self.host.worker.account_changed_elsewhere(exc):
            return
        log.warning("reminder scan failed: %s", exc)
        self.badge.setToolTip("The reminders could not be read just now; they are tried again shortly.")

    # --- showing ------------------------------------------------------------------------------

    @Slot(object)
    def _arrived(self, digest: ReminderDigest) -> None:
        self.scans += 1
        self._last_scan = time.monotonic()
        self.digest = digest
        self._show_badge()
        overdue = {r.key or (r.offender_id, r.what) for r in digest.items if r.overdue}
        new = overdue - self._seen_overdue if self._seen_overdue is not None else set()
        # A safeguarding part due within hours warns its owner once, before it falls due.
        imminent = {r.key for r in digest.items if r.imminent}
        soon = imminent - self._seen_imminent if self._seen_overdue is not None else set()
        self._seen_overdue, self._seen_imminent = overdue, imminent
        if new:
            n = len(new)
            escalated = sum(1 for r in digest.items if r.escalated and (r.key or (r.offender_id, r.what)) in new)
            self.notifier.notify(
                "RSO Manager: overdue",
                f"{n} reminder{'s' if n != 1 else ''} {'has' if n == 1 else 'have'} become overdue "
                f"({digest.overdue} overdue in all"
                + (f"; {escalated} escalated to you from a colleague's safeguarding work" if escalated else "")
                + "). Open RSO Manager to see which.")
        if soon:
            first = next(r for r in digest.items if r.key in soon)
            more = f" and {len(soon) - 1} more" if len(soon) > 1 else ""
            self.notifier.notify(
                "RSO Manager: due soon",
                f"{first.what} ({first.detail}) for {first.name} ({first.reference}){more}. "
                "Open RSO Manager to see which.")
        if self.dialog is not None and self.dialog.isVisible():
            self.dialog.set_digest(digest)
        self.updated.emit(digest)

    def _show_badge(self) -> None:
        d = self.digest
        self.badge.setText(badge_text(d))
        level = "overdue" if d and d.overdue else "due" if d and d.due_soon else "none"
        if self.badge.property("level") != level:
            self.badge.setProperty("level", level)
            self.badge.style().unpolish(self.badge)
            self.badge.style().polish(self.badge)

    def show_list(self) -> ReminderDialog:
        if self.dialog is None:
            self.dialog = ReminderDialog(self.window, self._open)
        self.dialog.set_digest(self.digest)
        if not self.dialog.isVisible():
            self.dialog.open()
        self.dialog.raise_()
        return self.dialog

    def show_from_notification(self) -> None:
        self.window.showNormal()
        self.window.raise_()
        self.window.activateWindow()
        self.show_list()

    def _open(self, reminder: Reminder) -> None:
        """Open the record (asking the reason) at the part the reminder is about."""
        if reminder.section == "court_watch":  # a hearing's outcome: the person has no record yet
            self.host.show_page("court_watch")
            return
        title = f"{reminder.name} ({reminder.reference})"
        opened: Any = self.host.open_offender(reminder.offender_id, title)
        record_opened = getattr(opened, "record_opened", None)
        if record_opened is not None:
            # The reason is asked first. Connected after the host's own slot, so the record is
            # open by then, and opening it again brings that window to the front.
            record_opened.connect(lambda _record, r=reminder: show_section(
                self.host.open_offender(r.offender_id, title), r.section))
        else:
            show_section(opened, reminder.section)


def _when(r: Reminder) -> str:
    return (f"Overdue since {fmt_date(r.due)}" if r.overdue else
            f"Waiting since {fmt_date(r.due)}" if r.waiting else f"Due {fmt_date(r.due)}")


def _what(r: Reminder) -> str:
    return f"{r.what}: {r.detail}" if r.detail else r.what


class RemindersModel(RowsModel[Reminder]):
    """The reminders in the order the scan gives (most urgent first); what is overdue in red."""

    def __init__(self, parent=None) -> None:
        super().__init__([
            Column("When", _when, lambda r: r.due),
            Column("What", _what, tooltip=_what),
            Column("Name", lambda r: r.name),
            Column("Reference", lambda r: r.reference),
        ], parent)

    def extra(self, row: Reminder, column: int, role: int) -> Any:
        if not row.overdue:
            return None
        if role == Qt.ItemDataRole.ForegroundRole:
            return RED
        if role == Qt.ItemDataRole.FontRole and column == 0:
            font = QFont()
            font.setBold(True)
            return font
        return None


class ReminderDialog(QDialog):
    """The reminders as a list; double-click (or Enter) opens the record, asking the reason."""

    def __init__(self, parent: QWidget, open_record: Callable[[Reminder], None]) -> None:
        super().__init__(parent)
        self._open_record = open_record
        self.items: tuple[Reminder, ...] = ()
        self.setWindowTitle("Reminders")
        self.resize(880, 440)
        layout = QVBoxLayout(self)
        heading = QLabel("Due this week, overdue or waiting for you")
        heading.setObjectName("dialogHeading")
        layout.addWidget(heading)
        self.hint = QLabel()
        self.hint.setObjectName("hint")
        self.hint.setWordWrap(True)
        layout.addWidget(self.hint)
        self.model = RemindersModel(self)
        self.table = QTableView()
        self.table.setObjectName("remindersTable")
        self.table.setModel(self.model)
        configure_list_view(self.table)
        header = self.table.horizontalHeader()
        # What takes the room left (its whole text in the tooltip): the name and reference are
        # never pushed off the side.
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.activated.connect(lambda index: self.open_row(index.row()))
        self.panel = ListPanel(self.table, "Still checking what is due...")
        layout.addWidget(self.panel, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.open_button = buttons.addButton("Open record...", QDialogButtonBox.ButtonRole.ActionRole)
        self.open_button.clicked.connect(lambda: self.open_row(self.table.currentIndex().row()))
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def set_digest(self, digest: ReminderDigest | None) -> None:
        self.items = digest.items if digest else ()
        self.hint.setText(
            "Still checking..." if digest is None else
            f"As of {fmt_date(digest.as_of)}: {badge_text(digest).lower()}. Double-click a line to open "
            "the record (you will be asked the reason)." if self.items else
            f"As of {fmt_date(digest.as_of)}.")
        self.model.set_rows(self.items)
        self.panel.show_rows(len(self.items), None if digest is None else (
            f"Nothing is overdue, waiting or due in the next {DAYS_AHEAD} days. Home visits, "
            "notifications, plan actions and decisions show here as they fall due."))
        if self.items:
            self.table.setCurrentIndex(self.model.index(0, 0))
            self.table.selectRow(0)
        self.open_button.setEnabled(bool(self.items))

    def open_row(self, row: int) -> None:
        if 0 <= row < len(self.items):
            reminder = self.items[row]
            self.accept()
            self._open_record(reminder)


@main_window_hook(order=30)
def add_reminders(host: WorkflowHost) -> None:
    if not host.actor.can(Permission.READ_CASES):
        return
    host.add_part(ReminderController(host))


def controller_of(host: WorkflowHost) -> ReminderController | None:
    return host.part(ReminderController)
