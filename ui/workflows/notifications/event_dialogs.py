"""Events the offender must notify and stays at premises not notified (SOA 2003 s.84): the
service creates the pending notification and its due date."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QLabel,
    QLineEdit,
    QSizePolicy,
    QSpinBox,
    QWidget,
)

from rso_manager.services import notifications as nt
from rso_manager.services.caseload import OffenderRecord
from rso_manager.services.unit_of_work import Actor, Services
from ui.kit.forms import DateField
from ui.prompter import Prompter
from ui.worker import Worker
from ui.workflows.notifications.dialog_frame import NotificationDialog, choices
from ui.workflows.notifications.wording import EVENT_DATE_CAPTIONS, EVENT_LABELS


class EventDialog(NotificationDialog):
    """Something the offender must notify: the service creates the pending notification and
    its due date."""

    def __init__(self, services: Services, actor: Actor, worker: Worker, prompter: Prompter,
                 record: OffenderRecord, parent: QWidget | None = None) -> None:
        super().__init__(services, actor, worker, prompter, record, "Record an event to be notified",
                         "The notification it calls for is added to \"Due and overdue\" with its due date.",
                         parent=parent)
        self.kind = self.row("&What happened", "kind", choices(EVENT_LABELS))
        self.event_on = self.row(EVENT_DATE_CAPTIONS["change_address"], "event_on",
                                 DateField(calendar_start=services.clock.today))
        self.date_caption = self.form.labelForField(self.event_on.parentWidget())

        def line(caption: str, name: str, placeholder: str = "", length: int = 200) -> QLineEdit:
            edit = QLineEdit()
            edit.setMaxLength(length)
            edit.setPlaceholderText(placeholder)
            return self.row(caption, name, edit)

        self.name = line("New &name", "name", "Full name now used")
        self.line1 = line("&Address", "line1", "House number and street")
        self.town = line("&Town", "town", length=100)
        self.postcode = line("&Postcode", "postcode", "e.g. NM1 2AB", 10)
        self.found_at = line("Can be &found at", "found_at", "Where they can regularly be found")
        self.household = line("Household &address", "address", "Address of the household")
        self.hours = QSpinBox()
        self.hours.setRange(0, 24 * 365)
        self.hours.setSuffix(" hours")
        self.hours.setSpecialValueText("Not entered")
        self.hours.setMinimumWidth(160)
        self.hours.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.row("&Length of stay", "hours", self.hours)
        self.child = QCheckBox("A child under 18 lives or stays there")
        self.child.setChecked(True)
        self.row("&Child", "child_under_18", self.child)
        self.safeguarding = QLabel("Recording this opens a safeguarding task: decide whether to refer to "
                                   "children's social care.")
        self.safeguarding.setObjectName("rules")
        self.safeguarding.setWordWrap(True)
        self.form.addRow("", self.safeguarding)
        self.destination = line("&Destination", "destination", "Countries and points of arrival")
        self.return_on = self.row("&Returning on", "return_on", DateField(calendar_start=services.clock.today))
        self.what = line("&Details", "what", "e.g. new current account; new passport")
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self._kind_changed()
        self.finish()
        self.kind.setFocus()

    def _kind_changed(self, *_args: object) -> None:
        kind = self.kind.currentData()
        if isinstance(self.date_caption, QLabel):
            self.date_caption.setText(EVENT_DATE_CAPTIONS.get(kind, "&Date"))
            self.captions["event_on"] = self.date_caption.text().replace("&", "")
        shown = {
            "change_name": (self.name,), "change_address": (self.line1, self.town, self.postcode),
            "no_fixed_abode": (self.found_at,), "household": (self.household, self.hours, self.child),
            "travel": (self.destination, self.return_on), "financial": (self.what,),
        }.get(kind, ())
        for widget in (self.name, self.line1, self.town, self.postcode, self.found_at, self.household,
                       self.hours, self.child, self.destination, self.return_on, self.what):
            self.set_row_visible(widget, widget in shown)
        self.form.setRowVisible(self.safeguarding, kind == "household")
        self.fit(shrink=True)

    def details(self) -> dict[str, Any]:
        kind = self.kind.currentData()
        if kind == "change_name":
            return {"name": self.name.text()}
        if kind == "change_address":
            return {"line1": self.line1.text(), "town": self.town.text(), "postcode": self.postcode.text()}
        if kind == "no_fixed_abode":
            return {"found_at": self.found_at.text()}
        if kind == "household":
            return {"address": self.household.text(), "hours": self.hours.value(),
                    "child_under_18": self.child.isChecked()}
        if kind == "travel":
            back = self.return_on.date()
            return {"destination": self.destination.text(), "return_on": back.isoformat() if back else None}
        if kind == "financial":
            return {"what": self.what.text()}
        return {}

    def submit(self) -> None:
        self.call(nt.record_event, self._services, self._actor, self.record.offender_id,
                  self.kind.currentData(), self.event_on.date(), self.details())


NEW_ADDRESS = -1


class StayDialog(NotificationDialog):
    """A stay at premises not notified: 7 days in any 12 months makes a change to notify."""

    def __init__(self, services: Services, actor: Actor, worker: Worker, prompter: Prompter,
                 record: OffenderRecord, counters: Sequence[nt.QualifyingCounter],
                 parent: QWidget | None = None) -> None:
        super().__init__(services, actor, worker, prompter, record, "Record a stay at other premises",
                         "Stays at an address the offender has not notified are counted: 7 days in any "
                         "12 months is a qualifying period, and the address must then be notified within "
                         "3 days (s.84(1)(c), s.84(6)).", parent=parent)
        self.address = QComboBox()
        for c in counters:
            self.address.addItem(f"{c.address} ({c.days_in_last_12_months} days so far)", c.address_id)
        self.address.addItem("A new address (type it below)", NEW_ADDRESS)
        self.row("&Premises", "address_id", self.address)
        self.address_rows()
        self.starts_on = self.row("&First day", "starts_on", DateField(calendar_start=services.clock.today))
        self.ends_on = self.row("&Last day", "ends_on", DateField(calendar_start=services.clock.today))
        self.address.currentIndexChanged.connect(self._address_changed)
        self._address_changed()
        self.finish()
        self.address.setFocus()

    def _address_changed(self, *_args: object) -> None:
        new = self.address.currentData() == NEW_ADDRESS
        for widget in (self.line1, self.town, self.postcode):
            self.set_row_visible(widget, new)
        if self.isVisible():
            self.fit(shrink=True)

    def submit(self) -> None:
        address_id = self.address.currentData()
        kw: dict[str, Any] = {"address_id": address_id} if address_id != NEW_ADDRESS else {
            "line1": self.line1.text(), "town": self.town.text(), "postcode": self.postcode.text()}
        self.call(nt.record_stay, self._services, self._actor, self.record.offender_id,
                  self.starts_on.date(), self.ends_on.date(), **kw)
