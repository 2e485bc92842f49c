"""The one seam for modal questions (design.md 9): widgets ask a Prompter, never QMessageBox.

The real QtPrompter blocks in exec(), which is what a user expects from "Are you sure?". Tests
inject a fake that records what was said and returns canned answers, so no test ever waits on
a modal dialog.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)


class Prompter(Protocol):
    def info(self, title: str, text: str) -> None: ...

    def warning(self, title: str, text: str) -> None: ...

    def error(self, title: str, text: str) -> None: ...

    def confirm(self, title: str, text: str, *, ok: str = "OK", cancel: str = "Cancel") -> bool:
        """True if the user chose `ok`."""
        ...

    def ask_reason(self, title: str, label: str, *, text: str = "", problem: str | None = None) -> str | None:
        """Free text explaining a change; None if the user cancelled. `problem` is the service's
        message about the previous answer, shown above the (kept) text."""
        ...


class QtPrompter:
    """Message boxes parented to whichever window is in front."""

    def __init__(self, parent: QWidget | Callable[[], QWidget | None] | None = None) -> None:
        self._parent = parent

    def _parent_widget(self) -> QWidget | None:
        if callable(self._parent) and not isinstance(self._parent, QWidget):
            return self._parent()
        return self._parent

    def _box(self, icon: QMessageBox.Icon, title: str, text: str) -> None:
        box = QMessageBox(icon, title, text, QMessageBox.StandardButton.Ok, self._parent_widget())
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.exec()

    def info(self, title: str, text: str) -> None:
        self._box(QMessageBox.Icon.Information, title, text)

    def warning(self, title: str, text: str) -> None:
        self._box(QMessageBox.Icon.Warning, title, text)

    def error(self, title: str, text: str) -> None:
        self._box(QMessageBox.Icon.Critical, title, text)

    def confirm(self, title: str, text: str, *, ok: str = "OK", cancel: str = "Cancel") -> bool:
        box = QMessageBox(QMessageBox.Icon.Question, title, text, QMessageBox.StandardButton.NoButton,
                          self._parent_widget())
        box.setTextFormat(Qt.TextFormat.PlainText)
        yes = box.addButton(ok, QMessageBox.ButtonRole.AcceptRole)
        no = box.addButton(cancel, QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(no)  # the safe choice is the default
        box.exec()
        return box.clickedButton() is yes

    def ask_reason(self, title: str, label: str, *, text: str = "", problem: str | None = None) -> str | None:
        dialog = ReasonDialog(title, label, text=text, problem=problem, parent=self._parent_widget())
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.text()


class ReasonDialog(QDialog):
    """A few lines of text explaining a change, with the service's complaint shown above."""

    def __init__(self, title: str, label: str, *, text: str = "", problem: str | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(440)
        layout = QVBoxLayout(self)
        prompt = QLabel(label)
        prompt.setWordWrap(True)
        layout.addWidget(prompt)
        self.problem = QLabel(problem or "")
        self.problem.setObjectName("fieldError")
        self.problem.setWordWrap(True)
        self.problem.setVisible(bool(problem))
        layout.addWidget(self.problem)
        self.editor = QPlainTextEdit(text)
        self.editor.setTabChangesFocus(True)
        self.editor.setFixedHeight(90)
        if problem:
            self.editor.setProperty("invalid", True)
        layout.addWidget(self.editor)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.editor.setFocus()

    def text(self) -> str:
        return self.editor.toPlainText()
