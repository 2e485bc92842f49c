"""The GUI's question for a database passphrase (rso_manager.persistence.keys asks through it
when neither RSO_DB_KEY nor the OS keyring has the key)."""

from __future__ import annotations

from pathlib import Path

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
