"""Small dialogs that add one entry to a record tab (an alias, an address).

Shown with open(); each calls its service on the worker and shows ValidationFailed inline.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from rso_manager.services.caseload import OffenderRecord, add_address, add_alias
from rso_manager.services.unit_of_work import Actor, Services
from ui.kit.forms import DateField, FieldErrors, add_row, report_failure
from ui.prompter import Prompter
from ui.worker import Worker

ALIAS_KINDS = {"alias": "Alias", "previous": "Previous name", "nickname": "Nickname"}
ADDRESS_KINDS = {
    "home": "Home address",
    "other_premises": "Other premises (stays of 7 days or more)",
    "household_with_child": "Household with a child under 18 (stays of 12 hours or more)",
    "no_fixed_abode": "No fixed abode: place regularly found",
}


class _EntryDialog(QDialog):
    added = Signal(object)  # the EntryRow

    def __init__(self, services: Services, actor: Actor, worker: Worker, prompter: Prompter,
                 record: OffenderRecord, title: str, hint: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self._services, self._actor, self._worker, self._prompter = services, actor, worker, prompter
        self.record = record
        self.setWindowTitle(title)
        self.setMinimumWidth(480)
        self.layout_ = QVBoxLayout(self)
        heading = QLabel(f"{title}: {record.name} ({record.reference})")
        heading.setObjectName("dialogHeading")
        heading.setTextFormat(Qt.TextFormat.PlainText)
        heading.setWordWrap(True)
        self.layout_.addWidget(heading)
        note = QLabel(hint)
        note.setObjectName("hint")
        note.setWordWrap(True)
        self.layout_.addWidget(note)
        self.errors = FieldErrors()
        self.layout_.addWidget(self.errors.general)
        self.form = QFormLayout()
        self.layout_.addLayout(self.form)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.save_button = self.buttons.addButton("Add", QDialogButtonBox.ButtonRole.AcceptRole)
        self.save_button.setDefault(True)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)

    def _finish_layout(self) -> None:
        self.layout_.addWidget(self.buttons)

    def _call(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
        if not self.save_button.isEnabled():
            return
        self.save_button.setEnabled(False)
        self._worker.submit(fn, *args, owner=self, on_success=self._done, on_error=self._failed, **kwargs)

    def _done(self, entry: object) -> None:
        self.save_button.setEnabled(True)
        self.added.emit(entry)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.save_button.setEnabled(True)
        report_failure(self._prompter, exc, title="Not added", errors=self.errors)

    def submit(self) -> None:
        raise NotImplementedError


class AliasDialog(_EntryDialog):
    def __init__(self, services: Services, actor: Actor, worker: Worker, prompter: Prompter,
                 record: OffenderRecord, parent: QWidget | None = None) -> None:
        super().__init__(services, actor, worker, prompter, record, "Add another name",
                         "Aliases, previous names and nicknames are searched alongside the "
                         "record's main name.", parent)
        self.name = QLineEdit()
        self.name.setMaxLength(200)
        self.name.setPlaceholderText("Full name as used, e.g. John SMYTHE")
        add_row(self.form, "&Name", self.errors, "name", self.name)
        self.kind = QComboBox()
        for value, text in ALIAS_KINDS.items():
            self.kind.addItem(text, value)
        add_row(self.form, "&Kind", self.errors, "kind", self.kind)
        self._finish_layout()
        self.name.setFocus()

    def submit(self) -> None:
        self._call(add_alias, self._services, self._actor, self.record.offender_id, self.name.text(),
                   self.kind.currentData())


class AddressDialog(_EntryDialog):
    def __init__(self, services: Services, actor: Actor, worker: Worker, prompter: Prompter,
                 record: OffenderRecord, parent: QWidget | None = None) -> None:
        super().__init__(services, actor, worker, prompter, record, "Add an address",
                         "A new home address ends the current one on the date it starts; "
                         "the old address stays in the list with its dates.", parent)
        self.kind = QComboBox()
        for value, text in ADDRESS_KINDS.items():
            self.kind.addItem(text, value)
        add_row(self.form, "&Kind", self.errors, "kind", self.kind)
        self.line1 = QLineEdit()
        self.line1.setMaxLength(200)
        self.line1.setPlaceholderText("House number and street")
        add_row(self.form, "&Address", self.errors, "line1", self.line1)
        self.town = QLineEdit()
        self.town.setMaxLength(100)
        add_row(self.form, "&Town", self.errors, "town", self.town)
        self.postcode = QLineEdit()
        self.postcode.setMaxLength(10)
        self.postcode.setPlaceholderText("e.g. LS1 4AP")
        add_row(self.form, "&Postcode", self.errors, "postcode", self.postcode)
        self.from_date = DateField(calendar_start=services.clock.today)
        add_row(self.form, "Living there &from", self.errors, "from_date", self.from_date)
        self._finish_layout()
        self.line1.setFocus()

    def submit(self) -> None:
        self._call(add_address, self._services, self._actor, self.record.offender_id,
                   kind=self.kind.currentData(), line1=self.line1.text(), town=self.town.text() or None,
                   postcode=self.postcode.text() or None, from_date=self.from_date.date())
