"""Small dialogs that add one entry to a record tab (an alias, an address).

Shown with open(); each is a ServiceDialog: one service call, problems under the fields.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QLineEdit, QWidget

from rso_manager.services.caseload import OffenderRecord, add_address, add_alias
from rso_manager.services.unit_of_work import Actor, Services
from ui.kit.dialogs import ServiceDialog
from ui.kit.forms import DateField
from ui.prompter import Prompter
from ui.worker import Worker

ALIAS_KINDS = {"alias": "Alias", "previous": "Previous name", "nickname": "Nickname"}
ADDRESS_KINDS = {
    "home": "Home address",
    "other_premises": "Other premises (stays of 7 days or more)",
    "household_with_child": "Household with a child under 18 (stays of 12 hours or more)",
    "no_fixed_abode": "No fixed abode: place regularly found",
}


class _EntryDialog(ServiceDialog):
    # The name record_window listens for; the same as saved.
    added = Signal(object)  # the EntryRow

    def __init__(self, services: Services, actor: Actor, worker: Worker, prompter: Prompter,
                 record: OffenderRecord, title: str, hint: str, parent: QWidget | None) -> None:
        super().__init__(services, actor, worker, prompter, title=title,
                         heading=f"{title}: {record.name} ({record.reference})", hint=hint,
                         save_text="Add", parent=parent)
        self.record = record
        self.saved.connect(self.added.emit)


class AliasDialog(_EntryDialog):
    def __init__(self, services: Services, actor: Actor, worker: Worker, prompter: Prompter,
                 record: OffenderRecord, parent: QWidget | None = None) -> None:
        super().__init__(services, actor, worker, prompter, record, "Add another name",
                         "Aliases, previous names and nicknames are searched alongside the "
                         "record's main name.", parent)
        self.name = QLineEdit()
        self.name.setMaxLength(200)
        self.name.setPlaceholderText("Full name as used, e.g. John SMYTHE")
        self.row("&Name", "name", self.name)
        self.kind = QComboBox()
        for value, text in ALIAS_KINDS.items():
            self.kind.addItem(text, value)
        self.row("&Kind", "kind", self.kind)
        self.finish()
        self.name.setFocus()

    def submit(self) -> None:
        self.call(add_alias, self._services, self._actor, self.record.offender_id, self.name.text(),
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
        self.row("&Kind", "kind", self.kind)
        self.address_rows()
        self.elsewhere_note("postcode", self.postcode, record.offender_id)
        self.from_date = DateField(calendar_start=services.clock.today)
        self.row("Living there &from", "from_date", self.from_date)
        self.finish()
        self.line1.setFocus()

    def submit(self) -> None:
        self.call(add_address, self._services, self._actor, self.record.offender_id,
                  kind=self.kind.currentData(), line1=self.line1.text(), town=self.town.text() or None,
                  postcode=self.postcode.text() or None, from_date=self.from_date.date())
