"""The GUI's question for a database passphrase (rso_manager.persistence.keys asks through it
when neither RSO_DB_KEY nor the OS keyring has the key)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt, QThread, Signal, Slot
from PySide6.QtWidgets import QApplication, QInputDialog, QLineEdit, QMessageBox

from rso_manager.services.passwords import password_problems


def _ask(title: str, label: str) -> str | None:
    text, ok = QInputDialog.getText(QApplication.activeWindow(), title, label, QLineEdit.EchoMode.Password)
    return text if ok and text else None


def ask_database_passphrase(path: Path, new: bool) -> str | None:
    """None when the user cancels. A new database's passphrase is checked and asked twice."""
    if not new:
        return _ask("Database passphrase", f"The database {path.name} is encrypted.\nPassphrase:")
    while True:
        first = _ask("New database passphrase",
                     f"Choose a passphrase for the new encrypted database {path.name}.\n"
                     "Without it the data cannot be read, by anyone. Passphrase:")
        if first is None:
            return None
        problems = password_problems(first)
        if problems:
            QMessageBox.warning(QApplication.activeWindow(), "Passphrase too weak", " ".join(problems))
            continue
        if _ask("New database passphrase", "The same passphrase again:") == first:
            return first
        QMessageBox.warning(QApplication.activeWindow(), "Passphrases differ",
                            "The two passphrases differ. Enter it again.")


class GuiThreadPrompt(QObject):
    """ASK as a prompt any thread may call: the database opens on a worker (ui.app), so the key
    is resolved there, but a dialog may only be shown from the GUI thread. A call from another
    thread waits there while the GUI thread asks. Create it on the GUI thread."""

    _asked = Signal(object)  # [the call, its answer]

    def __init__(self, ask: Callable[[Path, bool], str | None] = ask_database_passphrase) -> None:
        super().__init__()
        self._ask = ask
        self._asked.connect(self._run, Qt.ConnectionType.BlockingQueuedConnection)

    @Slot(object)
    def _run(self, box: list[Any]) -> None:
        box[1] = box[0]()

    def __call__(self, path: Path, new: bool) -> str | None:
        if QThread.currentThread() is self.thread():
            return self._ask(path, new)
        box: list[Any] = [lambda: self._ask(path, new), None]
        self._asked.emit(box)  # returns once _run has run on the GUI thread
        return box[1]
