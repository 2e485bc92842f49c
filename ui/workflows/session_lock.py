"""Lock the screen after a spell without keyboard or mouse use (security.md R11: 15 minutes).

Locking hides every record window and covers the main window, so case data is not left on an
unattended screen; unlocking needs the user's password, checked (and audited) by the same login
service as the login dialog, so the lockout after repeated failures applies here too.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from rso_manager.services.errors import AuthenticationFailed
from rso_manager.services.users import login
from ui.extensions import main_window_hook
from ui.qtcompat import emit

IDLE_MINUTES = 15

_INPUT_EVENTS = frozenset({
    QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.MouseMove, QEvent.Type.Wheel,
    QEvent.Type.TouchBegin,
})


class LockScreen(QWidget):
    """Covers the main window's contents while locked."""

    unlock_requested = Signal(str)

    def __init__(self, display_name: str, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("lockScreen")
        self.setAutoFillBackground(True)
        layout = QVBoxLayout(self)
        layout.setAlignment(Qt.AlignmentFlag.AlignCenter)
        title = QLabel("RSO Manager is locked")
        title.setObjectName("pageTitle")
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(title)
        hint = QLabel(f"Locked after {IDLE_MINUTES} minutes without use, to keep case records off an "
                      f"unattended screen.\nEnter the password for {display_name} to carry on.")
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
            emit(self.unlock_requested, self.password.text())


class SessionLock(QObject):
    """Watches the application's input; locks the main window when idle."""

    locked_changed = Signal(bool)

    def __init__(self, window, idle_ms: int = IDLE_MINUTES * 60_000) -> None:
        super().__init__(window)
        self.window = window
        self.locked = False
        self.screen: LockScreen | None = None
        self._hidden: list[QWidget] = []
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(idle_ms)
        self.timer.timeout.connect(self.lock)
        QApplication.instance().installEventFilter(self)
        self.timer.start()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if not self.locked and event.type() in _INPUT_EVENTS:
            self.timer.start()
        elif self.screen is not None and watched is self.window and event.type() == QEvent.Type.Resize:
            self.screen.setGeometry(self.window.rect())
        return False

    def lock(self) -> None:
        if self.locked:
            return
        self.locked = True
        self._hidden = [w for w in self.window.record_windows.values() if w.isVisible()]
        for record_window in self._hidden:
            record_window.hide()
        self.screen = LockScreen(self.window.actor.display_name, self.window)
        self.screen.unlock_requested.connect(self._try_unlock)
        self.screen.setGeometry(self.window.rect())
        self.window.menuBar().setEnabled(False)
        for toolbar in self.window.findChildren(QWidget, "mainToolbar"):
            toolbar.setEnabled(False)
        self.screen.show()
        self.screen.raise_()
        self.screen.password.setFocus()
        emit(self.locked_changed, True)

    def _try_unlock(self, password: str) -> None:
        self.window.worker.submit(login, self.window.services, self.window.actor.username, password,
                                  owner=self.window, on_success=lambda _actor: self.unlock(),
                                  on_error=self._refused)

    def _refused(self, exc: BaseException) -> None:
        if self.screen is None:
            return
        self.screen.unlock_button.setEnabled(True)
        self.screen.password.clear()
        if isinstance(exc, AuthenticationFailed):
            self.screen.problem.setText(str(exc))
        else:
            self.window._report(exc, "Could not unlock")

    def unlock(self) -> None:
        if not self.locked:
            return
        self.locked = False
        if self.screen is not None:
            self.screen.hide()
            self.screen.deleteLater()
            self.screen = None
        self.window.menuBar().setEnabled(True)
        for toolbar in self.window.findChildren(QWidget, "mainToolbar"):
            toolbar.setEnabled(True)
        for record_window in self._hidden:
            record_window.show()
        self._hidden = []
        self.timer.start()
        emit(self.locked_changed, False)


@main_window_hook
def install(window) -> None:
    # A child of the window: Qt drops its application event filter when the window goes.
    window.session_lock = SessionLock(window)
