"""Where the user saves a document the app made: the system save dialog (injected as a Chooser,
so tests answer it) and the folder it starts in."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QStandardPaths
from PySide6.QtWidgets import QFileDialog, QWidget

# (parent, caption, suggested path, filter) -> the chosen path, or "" if cancelled.
Chooser = Callable[[QWidget, str, str, str], str]
PDF_FILTER = "PDF documents (*.pdf)"


def choose_save_path(parent: QWidget, caption: str, suggested: str, file_filter: str) -> str:
    """The system save dialog (it asks before replacing a file that exists)."""
    path, _selected = QFileDialog.getSaveFileName(parent, caption, suggested, file_filter)
    return path


def documents_folder() -> Path:
    """The user's documents folder, or their home when the desktop names none."""
    docs = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(docs) if docs else Path.home()


def with_suffix(path: str, suffix: str) -> Path:
    """PATH as typed, with SUFFIX (".pdf") added when the user left it off."""
    target = Path(path)
    return target if target.suffix.casefold() == suffix.casefold() else target.with_name(target.name + suffix)
