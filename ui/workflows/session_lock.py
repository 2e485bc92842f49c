"""Lock the screen after a spell without keyboard or mouse use (security.md R11: 15 minutes), or
at once with Ctrl+L.

Locking hides every window that can show case data - record windows and every open dialog (a
correction half typed, a visit form) - and covers the main window, so nothing is left on an
unattended screen. It also closes the worker's write gate (ui/worker.py): a save from a dialog
behind the lock, or one already queued, commits nothing and tells the dialog "unlock to save".
Hidden dialogs are not closed, so what was typed in them is still there after unlocking, and they
come back where they were. Unlocking needs the user's password, checked (and audited) by the
sign-in service (users.reauthenticate), so the lockout after repeated failures applies here too;
an account whose powers changed meanwhile must sign in again instead.

Input is watched where the window system delivers it, on each top-level QWindow (every one the
application has, looked over again whenever the focus moves to another), not by an application
event filter: that is called, in Python, for every event to every object (about 180,000 while a
record window was built, a second of the GUI thread's time). The application filter is installed
only while locked, to keep back windows that open meanwhile; few events pass then.
"""

from __future__ import annotations

import logging

import shiboken6
from PySide6.QtCore import QEvent, QObject, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from rso_manager.services.errors import AccountChanged, ServiceError
from rso_manager.services.setting_changes import session_lock_minutes
from rso_manager.services.unit_of_work import Actor, Services
from rso_manager.services.users import reauthenticate
from ui.apology import apology_text
from ui.extensions import WorkflowHost, main_window_hook

log = logging.getLogger(__name__)

IDLE_MINUTES = 15
LOCK_SHORTCUT = "Ctrl+L"
_WATCHED = "sessionLockWatchesFinished"  # a dialog's property: connected once, however many locks

_INPUT_EVENTS = frozenset({
    QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.MouseMove, QEvent.Type.Wheel,
    QEvent.Type.TouchBegin,
})


def _same_powers(before: Actor, now: Actor) -> bool:
    return (before.user_id, before.role, before.team_id, before.trained) == \
        (now.user_id, now.role, now.team_id, now.trained)


def unlock_as_signed_in(services: Services, actor: Actor, password: str) -> Actor:
    """The password again (the worker job). An account whose powers changed meanwhile is
    AccountChanged, which the worker hands to the host: the forms behind the lock were built for
    the old powers, so the window is rebuilt by signing in again."""
    now = reauthenticate(services, actor, password)
    if not _same_powers(actor, now):
        raise AccountChanged(
            "Your account was changed while the screen was locked (its role, team or "
            "training). Sign in again to carry on with what the account now allows.")
    return now


class LockScreen(QWidget):
    """Covers the main window's contents while locked."""

    unlock_requested = Signal(str)

    def __init__(self, display_name: str, parent: QWidget, idle_minutes: int = IDLE_MINUTES) -> None:
        super().__init__(parent)
        self.setObjectName("lockScreen")
        self.setAutoFillBackground(True)
        layout = QVBoxLayout(self)
        layout.setAlignment(Qt.AlignmentFlag.AlignCenter)
        title = QLabel("RSO Manager is locked")
        title.setObjectName("pageTitle")
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(title)
        hint = QLabel(f"Locked ({LOCK_SHORTCUT}, or after {idle_minutes} minutes without use), to keep "
                      "case records off an unattended screen. Open forms are kept as they were.\n"
                      f"Enter the password for {display_name} to carry on.")
        hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(hint)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText("Password")
        self.password.setAccessibleName("Password to unlock")
        self.password.setMaximumWidth(320)
        self.password.returnPressed.connect(self._submit)
        layout.addWidget(self.password, 0, Qt.AlignmentFlag.AlignCenter)
        self.problem = QLabel("")
        self.problem.setObjectName("fieldError")
        self.problem.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.problem.setWordWrap(True)
        layout.addWidget(self.problem)
        self.unlock_button = QPushButton("Unlock")
        self.unlock_button.setDefault(True)
        self.unlock_button.clicked.connect(self._submit)
        layout.addWidget(self.unlock_button, 0, Qt.AlignmentFlag.AlignCenter)

    def _submit(self) -> None:
        if self.password.text():
            self.unlock_button.setEnabled(False)
            self.unlock_requested.emit(self.password.text())


class SessionLock(QObject):
    """Watches the application's input; locks the main window and hides its other windows."""

    locked_changed = Signal(bool)

    def __init__(self, host: WorkflowHost, idle_ms: int = IDLE_MINUTES * 60_000) -> None:
        super().__init__(host.window)
        self.host = host
        self.idle_minutes = max(1, idle_ms // 60_000)
        # The whole window: what the lock covers, and disables so Tab cannot reach under it.
        self.window = window = host.window
        self.locked = False
        self.screen: LockScreen | None = None
        self._hidden: list[QWidget] = []
        self._finished_while_locked: set[int] = set()
        self._places: dict[int, QPoint] = {}
        self._over = False  # the session ended (sign in again): never locks again
        self._active: QWidget | None = None
        self._disabled: list[QWidget] = []
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(idle_ms)
        self.timer.timeout.connect(self.lock)
        self.action = QAction("&Lock screen", window)
        self.action.setShortcut(QKeySequence(LOCK_SHORTCUT))
        # From a record window or dialog too, not only while the main window is in front.
        self.action.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
        self.action.setStatusTip("Hide every record and form until your password is given again")
        self.action.triggered.connect(self.lock)
        window.addAction(self.action)
        host.add_menu_action("file", self.action, order=90)
        window.installEventFilter(self)  # its Hide (the session ends) and Resize (the lock screen)
        gui = QGuiApplication.instance()
        assert isinstance(gui, QGuiApplication)
        gui.focusWindowChanged.connect(self._watch_windows)
        self._watch_windows()
        self.timer.start()

    def set_idle_minutes(self, minutes: int) -> None:
        """Lock after MINUTES without use, counted from now."""
        self.idle_minutes = max(1, int(minutes))
        self.timer.setInterval(self.idle_minutes * 60_000)
        if self.timer.isActive():
            self.timer.start()

    def _watch_windows(self, *_focus: object) -> None:
        """Every top-level window's input, filtered before it reaches the window's widgets.
        Installing a filter again only moves it to the front: no window is watched twice."""
        if self._over:
            return
        for handle in QGuiApplication.topLevelWindows():
            handle.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if self._over:
            return False
        kind = event.type()
        if watched is self.window:
            if kind == QEvent.Type.Hide and not event.spontaneous():
                # The main window goes (closed, or the account must sign in again): so does the
                # session, before the login that follows could be hidden or refused its audit row.
                self._stand_down()
            elif kind == QEvent.Type.Resize and self.screen is not None:
                self.screen.setGeometry(self.window.rect())
            return False
        if not self.locked:
            if kind == QEvent.Type.KeyPress and QKeySequence(event.keyCombination()) == self.action.shortcut():
                # The action's shortcut does not fire while a modal form is in front (Qt blocks
                # the main window then), and that is when the lock matters most.
                self.lock()
                return True
            if kind in _INPUT_EVENTS:
                self.timer.start()
        elif kind == QEvent.Type.Show and isinstance(watched, QWidget) and self._is_case_window(watched):
            # Opened while locked (a record whose load finished, a message): kept back until
            # unlocked. Hidden now, before it is painted.
            self._hide(watched, placed=False)
        return False

    def _is_case_window(self, widget: QWidget) -> bool:
        return widget.isWindow() and widget is not self.window and widget.windowType() not in (
            Qt.WindowType.Popup, Qt.WindowType.ToolTip)

    def _hide(self, widget: QWidget, *, placed: bool = True) -> None:
        if widget not in self._hidden:
            self._hidden.append(widget)
            if placed:
                self._places[id(widget)] = widget.pos()
            if isinstance(widget, QDialog) and not widget.property(_WATCHED):
                widget.setProperty(_WATCHED, True)
                widget.finished.connect(self._dialog_finished)
        widget.hide()

    def _dialog_finished(self, _result: int) -> None:
        # Answered or closed while hidden (by a result arriving): not brought back.
        if self.locked and self.sender() is not None:
            self._finished_while_locked.add(id(self.sender()))

    def lock(self) -> None:
        if self.locked or self._over:
            return
        self.locked = True
        self.host.worker.gate.close()
        self.timer.stop()
        active = QApplication.activeWindow()
        self._active = active if active is not self.window else None
        popup = QApplication.activePopupWidget()
        for _ in range(10):  # menus and combo lists open on top: closed, not kept
            if popup is None:
                break
            popup.close()
            popup = QApplication.activePopupWidget()
        self._hidden, self._finished_while_locked = [], set()
        QApplication.instance().installEventFilter(self)  # windows shown while locked: kept back
        for widget in QApplication.topLevelWidgets():
            if widget.isVisible() and self._is_case_window(widget):
                self._hide(widget)
        self.screen = LockScreen(self.host.actor.display_name, self.window, self.idle_minutes)
        self.screen.unlock_requested.connect(self._try_unlock)
        self.screen.setGeometry(self.window.rect())
        self._set_window_enabled(False)
        self.screen.show()
        self.screen.raise_()
        self.screen.password.setFocus()
        self.locked_changed.emit(True)

    def _set_window_enabled(self, enabled: bool) -> None:
        # Covered is not enough: Tab would still reach the caseload under the lock screen. Every
        # part of the window but the lock screen (menus, toolbars, pages, status bar) is
        # disabled; what was disabled already stays so after the unlock.
        if not enabled:
            self._disabled = [part for part in self.window.findChildren(
                QWidget, options=Qt.FindChildOption.FindDirectChildrenOnly)
                if part is not self.screen and not part.isWindow() and part.isEnabled()]
        for part in self._disabled:
            if shiboken6.isValid(part):
                part.setEnabled(enabled)
        if enabled:
            self._disabled = []

    def _try_unlock(self, password: str) -> None:
        # The password alone: the session was opened with the second factor where one applies.
        self.host.worker.submit(unlock_as_signed_in, self.host.services, self.host.actor, password,
                                owner=self.window, on_success=self._signed_in, on_error=self._refused,
                                allowed_while_locked=True)

    def _signed_in(self, _actor: Actor) -> None:
        if self.locked:
            self.unlock()

    def _refused(self, exc: BaseException) -> None:
        if self.screen is None:
            return
        self.screen.unlock_button.setEnabled(True)
        self.screen.password.clear()
        if isinstance(exc, ServiceError):
            self.screen.problem.setText(str(exc))
        else:
            # Said on the lock screen: a message box would be hidden like every other window.
            log.error("Unlock failed", exc_info=(type(exc), exc, exc.__traceback__))
            self.screen.problem.setText(apology_text())

    def _stand_down(self) -> None:
        """The session is over (the window closed, or sign in again): nothing comes back, and the
        login that follows is neither hidden nor refused its audit row."""
        self._over = True
        self.timer.stop()
        QApplication.instance().removeEventFilter(self)
        self.locked = False
        self._hidden = []
        if self.screen is not None:
            self.screen.hide()
        self._set_window_enabled(True)
        self.host.worker.gate.open()

    def unlock(self) -> None:
        if not self.locked:
            return
        self.locked = False
        QApplication.instance().removeEventFilter(self)
        if self.screen is not None:
            self.screen.hide()
            self.screen.deleteLater()
            self.screen = None
        self._set_window_enabled(True)
        self.host.worker.gate.open()
        hidden, self._hidden = self._hidden, []
        for widget in hidden:
            if shiboken6.isValid(widget) and id(widget) not in self._finished_while_locked:
                if id(widget) in self._places:
                    # Moved before showing: a dialog is otherwise re-centred on its parent.
                    widget.move(self._places[id(widget)])
                widget.show()
        self._places = {}
        if self._active is not None and shiboken6.isValid(self._active) and self._active.isVisible():
            self._active.raise_()
            self._active.activateWindow()
        self._active = None
        self.timer.start()
        self.locked_changed.emit(False)


@main_window_hook(order=10)
def install(host: WorkflowHost) -> None:
    # A child of the window: Qt drops its application event filter when the window goes.
    lock = SessionLock(host)
    host.add_part(lock)
    # The administrator sets the idle time (File > Settings > Security; 15 minutes unless
    # changed), read on the worker like every other read: the default holds the moments until
    # it comes, and if it cannot be read.
    host.worker.submit(session_lock_minutes, host.services, owner=lock, on_success=lock.set_idle_minutes,
                       on_error=lambda exc: log.warning("The session lock keeps %s minutes: its setting "
                                                        "could not be read (%s)", IDLE_MINUTES, type(exc).__name__))
