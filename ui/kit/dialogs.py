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
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from rso_manager.domain.roles import Permission
from rso_manager.services.caseload import OffenderRecord
from rso_manager.services.errors import ValidationFailed
from rso_manager.services.unit_of_work import Actor, Services
from ui.kit import accessibility
from ui.kit.forms import (
    DateField,
    DateTimeField,
    FieldErrors,
    add_row,
    report_failure,
    typed_problems,
)
from ui.kit.known_elsewhere import KnownElsewhereNote
from ui.prompter import Prompter
from ui.worker import Worker


def record_heading(title: str, record: OffenderRecord | None) -> str:
    """A dialog's heading naming the record it is about: "Record a device: SMITH, John (RSO-0001)"."""
    return f"{title}: {record.name} ({record.reference})" if record else title


class ServiceDialog(QDialog):
    """A dialog that saves through one service call on the worker. Problems show under the
    fields they name; everything typed stays. Return or Ctrl+Enter saves, wherever the focus is.
    Closing with unsaved text asks first, and does nothing while a save is on its way."""

    saved = Signal(object)
    failure_title = "Not saved"  # the title of a message about a failed save
    # What closing with unsaved text asks.
    discard_question = ("Discard what you typed?",
                        "This form has text that is not saved. Close it and lose the text?", "Discard")

    def __init__(self, services: Services, actor: Actor, worker: Worker, prompter: Prompter, *, title: str,
                 heading: str, hint: str = "", save_text: str = "Save", failure_title: str | None = None,
                 min_width: int = 500, on_reload: Callable[[], None] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services, self._actor, self._worker, self._prompter = services, actor, worker, prompter
        if failure_title is not None:
            self.failure_title = failure_title
        # A save refused because someone changed the entry meanwhile offers Reload: this re-reads
        # what the dialog was opened from.
        self.on_reload = on_reload
        self.setWindowTitle(title)
        self.layout_ = QVBoxLayout(self)
        # The layout sets the least size, so rows shown later (or a tall text box) are never
        # squeezed; the heading's width keeps the dialog from being narrow.
        self.layout_.setSizeConstraint(QLayout.SizeConstraint.SetMinimumSize)
        self.heading = QLabel(heading)
        # The least width: the layout (SetMinimumSize), not setMinimumWidth, sets the dialog's.
        self.layout_.addStrut(min_width)
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
        self.busy = False  # a save is on its way: its result decides what happens
        self._clean_text: list[str] = []
        self.saved.connect(self._settle)

    def row(self, label: str, name: str, widget: QWidget) -> QWidget:
        add_row(self.form, label, self.errors, name, widget)
        if isinstance(widget, DateField | DateTimeField):
            self.typed_fields[name] = widget
        return widget

    def elsewhere_note(self, kind: str, field: QLineEdit, offender_id: int | None) -> KnownElsewhereNote | None:
        """Under FIELD, the other cases that already hold its value ("also known elsewhere"),
        said before saving and no more than the user's access allows; none for a user who
        cannot search."""
        if not self._actor.can(Permission.SEARCH):
            return None
        note = KnownElsewhereNote(self._services, self._worker, self._actor, kind, field, offender_id)
        self.form.addRow("", note)
        return note

    def address_rows(self, postcode_label: str = "&Postcode") -> None:
        """The address fields (line1, town, postcode), named as the services name them."""
        self.line1 = QLineEdit()
        self.line1.setMaxLength(200)
        self.line1.setPlaceholderText("House number and street")
        self.row("&Address", "line1", self.line1)
        self.town = QLineEdit()
        self.town.setMaxLength(100)
        self.row("&Town", "town", self.town)
        self.postcode = QLineEdit()
        self.postcode.setMaxLength(10)
        self.postcode.setPlaceholderText("e.g. NM1 2AB")
        self.row(postcode_label, "postcode", self.postcode)

    def finish(self) -> None:
        self.layout_.addWidget(self.buttons)
        self.mark_clean()
        self.return_means_save()

    def return_means_save(self) -> None:
        """Return always saves: no other button of the form (Remove, Add another item...) takes
        it over when it has the focus."""
        for button in self.findChildren(QPushButton):
            button.setAutoDefault(button is self.save_button)
        self.save_button.setDefault(True)

    def _typed(self) -> list[str]:
        return ([e.text() for e in self.findChildren(QLineEdit)]
                + [e.toPlainText() for e in self.findChildren(QPlainTextEdit)])

    def mark_clean(self) -> None:
        """What is in the fields now is what was loaded, not typed (e.g. a proposal read back)."""
        self._clean_text = self._typed()

    def is_dirty(self) -> bool:
        return self._typed() != self._clean_text

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
        self.return_means_save()  # and the buttons added after finish()
        accessibility.name_unnamed_controls(self)  # rows a workflow built without the kit's row()
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
        self.busy = True
        self._worker.submit(fn, *args, owner=self, on_success=self._done, on_error=self._failed, **kwargs)
        return True

    def _done(self, result: object) -> None:
        self.save_button.setEnabled(True)
        self.saved.emit(result)
        self.accept()

    def _settle(self, result: Any) -> None:
        self.busy = False
        self.errors.clear()
        self.mark_clean()
        self.after_success(result)

    def after_success(self, result: Any) -> None:
        """Something to say once saved (e.g. that a breach opened)."""

    def _failed(self, exc: BaseException) -> None:
        self.busy = False
        self.save_button.setEnabled(True)
        report_failure(self._prompter, exc, title=self.failure_title, errors=self.errors,
                       on_reload=self.on_reload)
        self.fit()

    def reject(self) -> None:
        if self.busy:
            return
        title, text, ok = self.discard_question
        if self.is_dirty() and not self._prompter.confirm(title, text, ok=ok, cancel="Keep editing"):
            return
        super().reject()

    def submit(self) -> None:
        raise NotImplementedError
