"""The one service dialog: fields with their messages under them, one service call on the
worker, the save button disabled while it runs, and a failure routed by report_failure."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import (
    Qt,
    Signal,
)
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLayout,
    QVBoxLayout,
    QWidget,
)

from rso_manager.services.errors import ValidationFailed
from rso_manager.services.unit_of_work import Actor, Services
from ui.kit.forms import (
    DateField,
    DateTimeField,
    FieldErrors,
    add_row,
    report_failure,
    typed_problems,
)
from ui.prompter import Prompter
from ui.worker import Worker


class ServiceDialog(QDialog):
    """A dialog that saves through one service call on the worker. Problems show under the
    fields they name; everything typed stays. Ctrl+Enter saves, even from a text box."""

    saved = Signal(object)

    def __init__(self, services: Services, actor: Actor, worker: Worker, prompter: Prompter, *, title: str,
                 heading: str, hint: str = "", save_text: str = "Save", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services, self._actor, self._worker, self._prompter = services, actor, worker, prompter
        self.setWindowTitle(title)
        self.layout_ = QVBoxLayout(self)
        # The layout sets the least size, so rows shown later (or a tall text box) are never
        # squeezed; the heading's width keeps the dialog from being narrow.
        self.layout_.setSizeConstraint(QLayout.SizeConstraint.SetMinimumSize)
        self.heading = QLabel(heading)
        self.heading.setMinimumWidth(500)
        self.heading.setObjectName("dialogHeading")
        self.heading.setTextFormat(Qt.TextFormat.PlainText)
        self.heading.setWordWrap(True)
        self.layout_.addWidget(self.heading)
        self.hint = QLabel(hint)
        self.hint.setObjectName("hint")
        self.hint.setWordWrap(True)
        self.hint.setVisible(bool(hint))
        self.layout_.addWidget(self.hint)
        self.errors = FieldErrors()
        self.layout_.addWidget(self.errors.general)
        self.form = QFormLayout()
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        self.form.setHorizontalSpacing(12)
        self.layout_.addLayout(self.form)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.save_button = self.buttons.addButton(save_text, QDialogButtonBox.ButtonRole.AcceptRole)
        self.save_button.setDefault(True)
        self.save_button.setToolTip("Ctrl+Enter")
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self).activated.connect(self.submit)
        self.typed_fields: dict[str, QWidget] = {}

    def row(self, label: str, name: str, widget: QWidget) -> QWidget:
        add_row(self.form, label, self.errors, name, widget)
        if isinstance(widget, DateField | DateTimeField):
            self.typed_fields[name] = widget
        return widget

    def finish(self) -> None:
        self.layout_.addWidget(self.buttons)

    def fit(self) -> None:
        """Grow to show everything (rows shown later, messages under fields), within the screen."""
        self.layout_.activate()
        hint = self.sizeHint()
        width, height = max(self.width(), hint.width()), max(self.height(), hint.height())
        screen = self.screen()
        if screen is not None:
            height = min(height, screen.availableGeometry().height() - 60)
        self.resize(width, height)

    def showEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        self.fit()

    def call(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> bool:
        """Check what was typed can be read, then save on the worker. False if not sent."""
        if not self.save_button.isEnabled():
            return False
        problems = typed_problems(self.typed_fields)
        if problems:
            self.errors.show(ValidationFailed(problems))
            self.fit()
            return False
        self.save_button.setEnabled(False)
        self._worker.submit(fn, *args, owner=self, on_success=self._done, on_error=self._failed, **kwargs)
        return True

    def _done(self, result: object) -> None:
        self.save_button.setEnabled(True)
        self.saved.emit(result)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.save_button.setEnabled(True)
        report_failure(self._prompter, exc, title="Not saved", errors=self.errors)
        self.fit()

    def submit(self) -> None:
        raise NotImplementedError
