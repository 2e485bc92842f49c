"""Reminders: what is due this week, overdue or waiting for the user (home visits,
notifications, plan actions, breach decisions, referral decisions, entries returned from
sign-off), as a badge in the main window's toolbar, a list,
and a desktop notification when something becomes overdue.

The database is the truth (rso_manager.reminders.scan); timers only decide when to look:

* one APScheduler 3 QtScheduler interval job (id "scan-due", every 5 minutes by default,
  coalesced, never skipped however late: misfire_grace_time=None). The job runs on the
  scheduler's thread pool, not the GUI thread (engineering.md 2), so it only calls the Qt-free
  scan and emits the digest through a signal of a QObject living on the GUI thread;
* a scan at start (through the window's worker), after each caseload load (so a change shows
  at once), and when the application becomes active again, which catches up after a laptop
  slept through the timer.

The scheduler stops (wait=False) when the window closes or the application quits.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Protocol

from apscheduler.schedulers import SchedulerNotRunningError
from apscheduler.schedulers.qt import QtScheduler
from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QSizePolicy,
    QStyle,
    QSystemTrayIcon,
    QTableWidget,
    QTableWidgetItem,
    QToolBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from rso_manager import reminders as core
from rso_manager.domain.roles import Permission
from rso_manager.reminders import Reminder, ReminderDigest
from rso_manager.services.unit_of_work import Actor, Services
from ui.extensions import main_window_hook
from ui.kit.formatting import fmt_date
from ui.open_reason_dialog import OpenReasonDialog

log = logging.getLogger(__name__)

# Injectable settings: tests use a fraction of a second. The interval is only how often to
# look; nothing is lost if a run is late or missed (the next scan reads the same database).
INTERVAL = timedelta(minutes=5)
DAYS_AHEAD = 7
RESCAN_ON_ACTIVATE_AFTER = 60.0  # seconds: switching windows back and forth does not hammer the DB
JOB_ID = "scan-due"
JOB_FUNC = "ui.workflows.reminders:scan_due"

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


def scan_due(services: Services, actor: Actor, days_ahead: int, bridge: ReminderBridge) -> None:
    """The scheduler job (APScheduler's thread pool): scan, then hand the digest over. It touches
    no widget, and a failure is logged for the next run to retry rather than raised."""
    try:
        digest = core.scan(services, actor, days_ahead=days_ahead)
    except Exception:  # noqa: BLE001 - a reminder scan must never take the scheduler down
        log.warning("reminder scan failed; the next run tries again", exc_info=True)
        return
    bridge.scanned.emit(digest)


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


def show_section(record_window, section: str) -> bool:
    """Bring the part of an open record named by SECTION (a record_window SECTIONS key) to the
    front. False when the record has no such part (then it opens where it always does)."""
    tab = getattr(record_window, "section_tabs", {}).get(section)
    if tab is None:
        return False
    for index in range(record_window.tabs.count()):
        if record_window.tabs.widget(index) is tab:
            record_window.tabs.setCurrentIndex(index)
            return True
    return False


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

    def __init__(self, window, *, interval: timedelta | None = None, notifier: Notifier | None = None,
                 days_ahead: int = DAYS_AHEAD) -> None:
        super().__init__(window)
        self.setObjectName("reminders")
        self.window = window
        self.services: Services = window.services
        self.actor: Actor = window.actor
        self.interval = interval or INTERVAL
        self.days_ahead = days_ahead
        self.notifier: Notifier = notifier or NOTIFIER_FACTORY(window, self.show_from_notification)
        self.digest: ReminderDigest | None = None
        self.scans = 0  # digests received (tests and diagnostics)
        self.dialog: ReminderDialog | None = None
        self._seen_overdue: set[object] | None = None  # Reminder keys; None until the first scan
        self._in_flight = False
        self._again = False
        self._last_scan = 0.0
        self._holder: list[QtScheduler | None] = [None]
        self.bridge = ReminderBridge()  # no parent: kept alive here and by the job's arguments
        self.bridge.scanned.connect(self._arrived)

        self.badge = QToolButton()
        self.badge.setObjectName("reminderBadge")
        self.badge.setStyleSheet(BADGE_STYLE)
        self.badge.setProperty("level", "none")
        self.badge.setToolTip(f"Home visits, notifications and plan actions overdue or due in the next "
                              f"{days_ahead} days; referral decisions overdue; breaches waiting for a "
                              "decision; your entries returned from sign-off. Click for the list (Ctrl+Shift+R).")
        self.badge.setAccessibleName("Reminders")
        self.badge.clicked.connect(self.show_list)
        self._show_badge()
        toolbar = window.findChild(QToolBar, "mainToolbar")
        if toolbar is not None:
            spacer = QWidget()
            spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
            toolbar.addWidget(spacer)
            toolbar.addWidget(self.badge)
        else:
            window.statusBar().addWidget(self.badge)
        self.action = QAction("&Reminders...", window)
        self.action.setShortcut(QKeySequence("Ctrl+Shift+R"))
        self.action.setStatusTip("What is due this week, overdue or waiting for you")
        self.action.triggered.connect(self.show_list)
        window.add_menu_action("file", self.action, order=40)

        app = QGuiApplication.instance()
        if app is not None:
            app.applicationStateChanged.connect(self._application_state)
            app.aboutToQuit.connect(self.stop)
        window.installEventFilter(self)
        window.caseload_loaded.connect(self._caseload_loaded)
        holder = self._holder
        window.destroyed.connect(lambda *_: _shutdown(holder))
        self.start()
        QTimer.singleShot(0, self, self.scan_now)  # at start: whatever fell due while the app was closed

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
            elif event.type() == QEvent.Type.Show and not self.running:
                self.start()
                self.scan_now()
        return False

    @Slot(int)
    def _caseload_loaded(self, _rows: int) -> None:
        self.scan_now()  # a change to a record reloads the caseload: show its effect at once

    def _application_state(self, state: Qt.ApplicationState) -> None:
        if state == Qt.ApplicationState.ApplicationActive and time.monotonic() - self._last_scan > RESCAN_ON_ACTIVATE_AFTER:
            self.scan_now()

    def scan_now(self) -> None:
        """Scan through the window's worker (start, activation, after a change)."""
        if self._in_flight:
            self._again = True
            return
        self._in_flight = True
        self._last_scan = time.monotonic()
        self.window.worker.submit(core.scan, self.services, self.actor, days_ahead=self.days_ahead, owner=self,
                                  on_success=self._scanned, on_error=self._scan_failed)

    def _scanned(self, digest: ReminderDigest) -> None:
        self._in_flight = False
        self._arrived(digest)
        if self._again:
            self._again = False
            self.scan_now()

    def _scan_failed(self, exc: BaseException) -> None:
        self._in_flight = False
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
        self._seen_overdue = overdue
        if new:
            n = len(new)
            self.notifier.notify(
                "RSO Manager: overdue",
                f"{n} reminder{'s' if n != 1 else ''} {'has' if n == 1 else 'have'} become overdue "
                f"({digest.overdue} overdue in all). "
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
        opened = self.window.open_offender(reminder.offender_id, f"{reminder.name} ({reminder.reference})")
        if isinstance(opened, OpenReasonDialog):
            # Connected after the main window's own slot, so the record window exists by then.
            opened.record_opened.connect(
                lambda _record, r=reminder: show_section(self.window.record_windows.get(r.offender_id), r.section))
        else:
            show_section(opened, reminder.section)


class ReminderDialog(QDialog):
    """The reminders as a list; double-click (or Enter) opens the record, asking the reason."""

    def __init__(self, parent: QWidget, open_record: Callable[[Reminder], None]) -> None:
        super().__init__(parent)
        self._open_record = open_record
        self.items: tuple[Reminder, ...] = ()
        self.setWindowTitle("Reminders")
        self.resize(720, 420)
        layout = QVBoxLayout(self)
        heading = QLabel("Due this week, overdue or waiting for you")
        heading.setObjectName("dialogHeading")
        layout.addWidget(heading)
        self.hint = QLabel()
        self.hint.setObjectName("hint")
        self.hint.setWordWrap(True)
        layout.addWidget(self.hint)
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels(["When", "What", "Name", "Reference"])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.itemActivated.connect(lambda item: self.open_row(item.row()))
        self.table.cellDoubleClicked.connect(lambda row, _col: self.open_row(row))
        layout.addWidget(self.table, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.open_button = buttons.addButton("Open record...", QDialogButtonBox.ButtonRole.ActionRole)
        self.open_button.clicked.connect(lambda: self.open_row(self.table.currentRow()))
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def set_digest(self, digest: ReminderDigest | None) -> None:
        self.items = digest.items if digest else ()
        self.hint.setText(
            "Still checking..." if digest is None else
            f"As of {fmt_date(digest.as_of)}: {badge_text(digest).lower()}. Double-click a line to open "
            "the record (you will be asked the reason)." if self.items else
            f"As of {fmt_date(digest.as_of)}: nothing is overdue, waiting or due in the next {DAYS_AHEAD} days.")
        self.table.setRowCount(len(self.items))
        red = Qt.GlobalColor.darkRed
        for row, r in enumerate(self.items):
            due = (f"Overdue since {fmt_date(r.due)}" if r.overdue else
                   f"Waiting since {fmt_date(r.due)}" if r.waiting else f"Due {fmt_date(r.due)}")
            what = f"{r.what}: {r.detail}" if r.detail else r.what
            for col, text in enumerate((due, what, r.name, r.reference)):
                cell = QTableWidgetItem(text)
                if r.overdue:
                    cell.setForeground(red)
                    font = cell.font()
                    font.setBold(col == 0)
                    cell.setFont(font)
                self.table.setItem(row, col, cell)
        if self.items:
            self.table.selectRow(0)
        self.open_button.setEnabled(bool(self.items))

    def open_row(self, row: int) -> None:
        if 0 <= row < len(self.items):
            reminder = self.items[row]
            self.accept()
            self._open_record(reminder)


@main_window_hook(order=30)
def add_reminders(window) -> None:
    if not window.actor.can(Permission.READ_CASES):
        return
    window.add_part(ReminderController(window))


def controller_of(window) -> ReminderController | None:
    return window.part(ReminderController)
