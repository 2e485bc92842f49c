"""Backups and integrity in the main window: a daily verified backup and a weekly full integrity
check (APScheduler 3 jobs, as in reminders.py: fixed ids, replace_existing, coalesce,
misfire_grace_time=None; the job bodies are Qt-free and hand their result to the GUI thread by a
signal), the age of the last good backup in the status bar (a warning past two days), and a red
banner across the top when the database is damaged and open read-only.

The first run after start waits START_DELAY, so opening the app is never slowed by a backup.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from pathlib import Path

from apscheduler.schedulers import SchedulerNotRunningError
from apscheduler.schedulers.qt import QtScheduler
from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QLabel, QToolBar
from sqlalchemy import select

from rso_manager.clock import Clock
from rso_manager.database import data_dir, describe
from rso_manager.persistence import models as m
from rso_manager.persistence.backup import STAMP, BackupResult, back_up, generations
from rso_manager.persistence.integrity import IntegrityReport, damaged_message, full_check, state_of
from rso_manager.services.unit_of_work import Services
from ui.extensions import WorkflowHost, main_window_hook

log = logging.getLogger(__name__)

BACKUP_INTERVAL = timedelta(days=1)
CHECK_INTERVAL = timedelta(weeks=1)
WARN_AFTER = timedelta(days=2)
START_DELAY = timedelta(minutes=2)
BACKUP_JOB_ID = "daily-backup"
CHECK_JOB_ID = "weekly-integrity-check"
FOLDER_SETTING = "backup_folder"  # setting.value_json: a JSON string path
CHECK_MARKER = "last-integrity-check"  # a timestamp in the backup folder; nothing personal

BANNER_STYLE = "QLabel#damagedBanner { background: #b3261e; color: #ffffff; font-weight: 600; padding: 8px 12px; }"
PLAIN_STYLE = "QLabel#plainBanner { background: #fff4d6; color: #5c3d00; padding: 6px 12px; }"
STATUS_WARN_STYLE = "QLabel#backupStatus[stale=\"true\"] { color: #b3261e; font-weight: 600; }"


def engine_of(services: Services):
    return services.session_factory.kw.get("bind")


def backup_folder(services: Services) -> Path:
    """The configured folder (setting backup_folder), else <data dir>/backups."""
    import json

    with services.session_factory() as s:
        raw = s.scalar(select(m.Setting.value_json).where(m.Setting.key == FOLDER_SETTING))
    try:
        configured = json.loads(raw) if raw else None
    except ValueError:
        configured = None
    return Path(configured) if isinstance(configured, str) and configured else data_dir() / "backups"


def _stem_suffix(services: Services) -> tuple[str, str]:
    """How this database's backups are named (see rso_manager.persistence.backup)."""
    engine = engine_of(services)
    if engine is None:
        return "rso", ".db"
    if engine.dialect.name == "sqlite" and engine.url.database:
        p = Path(engine.url.database)
        return p.stem, p.suffix
    return engine.url.database or "rso", ".dump"


def last_good_backup(folder: Path, stem: str, suffix: str) -> datetime | None:
    """Only verified copies stay in the folder (one that fails is deleted), so the newest is good."""
    if not folder.is_dir():
        return None
    found = generations(folder, stem, suffix)
    if not found:
        return None
    stamp = found[-1].name[len(stem) + 1:len(stem) + 1 + 15]
    return datetime.strptime(stamp, STAMP).replace(tzinfo=UTC)


def _age(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    if minutes < 60:
        return "just now" if minutes < 2 else f"{minutes} minutes ago"
    hours = minutes // 60
    if hours < 48:
        return f"{hours} hour{'s' if hours != 1 else ''} ago"
    return f"{hours // 24} days ago"


def backup_status(last: datetime | None, now: datetime) -> tuple[str, bool]:
    """The status bar's text, and whether it is a warning (no backup, or older than two days)."""
    if last is None:
        return "No backup yet: use File > Back up now", True
    age = now - last
    if age > WARN_AFTER:
        return f"Last good backup {_age(age)}: back up now (File > Back up now)", True
    return f"Last good backup {_age(max(age, timedelta(0)))}", False


class BackupBridge(QObject):
    """Lives on the GUI thread; the scheduler's thread emits, Qt queues to the receivers."""

    backed_up = Signal(object)  # BackupResult or Exception
    checked = Signal(object)  # IntegrityReport or Exception


def run_backup(services: Services, folder: Path, bridge: BackupBridge) -> None:
    """The daily job (scheduler thread): back up, verify, prune; report either way, never raise."""
    try:
        result: BackupResult | Exception = back_up(engine_of(services), folder, when=services.clock.now())
    except Exception as exc:  # noqa: BLE001 - reported in the status bar; tomorrow's run tries again
        log.warning("scheduled backup failed: %s", exc)
        result = exc
    bridge.backed_up.emit(result)


def run_check(services: Services, folder: Path, bridge: BackupBridge) -> None:
    """The weekly job: integrity_check, foreign_key_check, cipher_integrity_check, audit chain."""
    try:
        report: IntegrityReport | Exception = full_check(engine_of(services))
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        (folder / CHECK_MARKER).write_text(services.clock.now().isoformat(), encoding="ascii")
    except Exception as exc:  # noqa: BLE001
        log.warning("scheduled integrity check failed: %s", exc)
        report = exc
    bridge.checked.emit(report)


def _last_check(folder: Path) -> datetime | None:
    try:
        return datetime.fromisoformat((folder / CHECK_MARKER).read_text(encoding="ascii").strip())
    except (OSError, ValueError):
        return None


def _shutdown(holder: list[QtScheduler | None]) -> None:
    scheduler, holder[0] = holder[0], None
    if scheduler is None:
        return
    try:
        scheduler.remove_all_jobs()
        scheduler.shutdown(wait=False)
    except SchedulerNotRunningError:
        pass


def _banner(host: WorkflowHost, name: str, text: str, style: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName(name)
    label.setStyleSheet(style)
    label.setWordWrap(True)
    label.setAccessibleName(text)
    bar = QToolBar()
    bar.setObjectName(f"{name}Bar")
    bar.setMovable(False)
    bar.addWidget(label)
    host.add_banner(bar)
    return label


class BackupController(QObject):
    """Owns the two jobs, the status-bar label and the banners for one main window."""

    def __init__(self, host: WorkflowHost, *, clock: Clock | None = None, folder: Path | None = None,
                 start_delay: timedelta | None = None) -> None:
        super().__init__(host.window)
        self.setObjectName("backups")
        self.host = host
        self.services: Services = host.services
        self.clock: Clock = clock or self.services.clock
        # Given (tests), or read from the settings on the worker: no database work on the GUI
        # thread while the window is built (issue 16). None until known.
        self.folder: Path | None = folder
        self.stem, self.suffix = _stem_suffix(self.services)
        self.start_delay = START_DELAY if start_delay is None else start_delay
        self.last_error: str | None = None
        self.last_check: IntegrityReport | Exception | None = None
        self._holder: list[QtScheduler | None] = [None]
        self.bridge = BackupBridge()
        self.bridge.backed_up.connect(self._backed_up)
        self.bridge.checked.connect(self._checked)

        state = state_of(engine_of(self.services))
        self._damaged = bool(state.damaged)
        self.banner: QLabel | None = None
        if state.damaged:
            self.banner = _banner(host, "damagedBanner", state.damaged, BANNER_STYLE)
        elif state.warning:
            _banner(host, "plainBanner", state.warning, PLAIN_STYLE)
        # Damage the open's check finds after sign-in stops the backups: no copies of a damaged file.
        host.database_damaged.connect(lambda _message: self.stop())

        self.label = QLabel()
        self.label.setObjectName("backupStatus")
        self.label.setStyleSheet(STATUS_WARN_STYLE)
        host.add_status_widget(self.label, order=20)
        self.action = QAction("Back &up now", host.window)
        self.action.setEnabled(False)  # until the folder is known
        self.action.triggered.connect(self.back_up_now)
        host.add_menu_action("file", self.action, order=60)
        holder = self._holder
        host.window.destroyed.connect(lambda *_: _shutdown(holder))
        if folder is not None:
            self._folder_known(folder)
        else:
            self.label.setText("Backups: reading the settings...")
            host.worker.submit(backup_folder, self.services, owner=self, on_success=self._folder_known,
                               on_error=self._folder_failed)

    def _folder_known(self, folder: Path) -> None:
        self.folder = folder
        self.action.setStatusTip(f"Make a verified backup in {folder}")
        self.action.setEnabled(True)
        self.refresh()
        if not self._damaged:  # a damaged file fails every backup; the banner says what to do
            self.start()

    def _folder_failed(self, exc: BaseException) -> None:
        # No backups to a folder nobody chose: the status bar says so, in red, until a restart.
        log.warning("backup folder setting could not be read: %s", type(exc).__name__)
        self.label.setText("Backups are off: the backup folder setting could not be read. Restart the app.")
        self._mark_stale(True)

    # --- scheduling ---------------------------------------------------------------------------

    @property
    def running(self) -> bool:
        return self._holder[0] is not None

    def _first_run(self, last: datetime | None, interval: timedelta) -> datetime:
        # What is due comes from the injected clock; the scheduler runs on the wall clock, so
        # hand it a wait, not the injected clock's moment (a test's fixed past date would
        # otherwise start a backup at once).
        now = self.clock.now()
        wait = ((last + interval) - now) if last else timedelta(0)
        return datetime.now(UTC) + max(wait, self.start_delay)

    def start(self) -> None:
        if self.running or self.folder is None:
            return
        scheduler = QtScheduler(timezone="UTC")
        last = last_good_backup(self.folder, self.stem, self.suffix)
        scheduler.add_job("ui.workflows.backups:run_backup", "interval",
                          seconds=BACKUP_INTERVAL.total_seconds(), id=BACKUP_JOB_ID,
                          next_run_time=self._first_run(last, BACKUP_INTERVAL),
                          replace_existing=True, coalesce=True, misfire_grace_time=None, max_instances=1,
                          args=(self.services, self.folder, self.bridge))
        scheduler.add_job("ui.workflows.backups:run_check", "interval",
                          seconds=CHECK_INTERVAL.total_seconds(), id=CHECK_JOB_ID,
                          next_run_time=self._first_run(_last_check(self.folder), CHECK_INTERVAL)
                          + timedelta(minutes=1),
                          replace_existing=True, coalesce=True, misfire_grace_time=None, max_instances=1,
                          args=(self.services, self.folder, self.bridge))
        scheduler.start()
        self._holder[0] = scheduler

    @Slot()
    def stop(self) -> None:
        _shutdown(self._holder)

    def jobs(self):
        scheduler = self._holder[0]
        return scheduler.get_jobs() if scheduler is not None else []

    def back_up_now(self) -> None:
        if self.folder is None:
            return
        self.label.setText("Backing up...")
        self.host.worker.submit(run_backup, self.services, self.folder, self.bridge, owner=self)

    # --- showing ------------------------------------------------------------------------------

    def refresh(self) -> None:
        if self.folder is None:
            return
        text, stale = backup_status(last_good_backup(self.folder, self.stem, self.suffix), self.clock.now())
        if self.last_error:
            text, stale = f"{text}. The last backup failed: {self.last_error}", True
        self.label.setText(text)
        self.label.setToolTip(f"Backups: {self.folder}")
        self._mark_stale(stale)

    def _mark_stale(self, stale: bool) -> None:
        if self.label.property("stale") != stale:
            self.label.setProperty("stale", stale)
            self.label.style().unpolish(self.label)
            self.label.style().polish(self.label)

    @Slot(object)
    def _backed_up(self, result: object) -> None:
        self.last_error = str(result) if isinstance(result, Exception) else None
        if isinstance(result, BackupResult) and result.report.audit_problem:
            self.last_error = f"the copy was kept, but {result.report.audit_problem}"
        self.refresh()

    @Slot(object)
    def _checked(self, report: object) -> None:
        self.last_check = report  # type: ignore[assignment]
        if isinstance(report, IntegrityReport) and not report.ok and self.banner is None:
            engine = engine_of(self.services)
            where = describe(str(engine.url)) if engine is not None else "in use"
            self.banner = _banner(self.host, "damagedBanner", damaged_message(where, report.summary()), BANNER_STYLE)


@main_window_hook(order=20)
def add_backups(host: WorkflowHost) -> None:
    host.add_part(BackupController(host))


def controller_of(host: WorkflowHost) -> BackupController | None:
    return host.part(BackupController)
