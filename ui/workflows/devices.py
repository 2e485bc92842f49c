"""The devices page of the record: the device register, each device's checks, and the flags.

Every phone, computer or other device that can store images or go online is listed with its
identifiers, whether it was declared or found, and what happened to it at each visit. A device
never checked, or not checked at the last home visits, is flagged. A device found undeclared is
recorded here (or by the visit form) and opens a breach at once; the decision on that breach is
made on the breaches page.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush
from PySide6.QtWidgets import (
    QHeaderView,
    QLabel,
    QLineEdit,
    QRadioButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from rso_manager.services.caseload import OffenderRecord
from rso_manager.services.devices import (
    DEVICE_KINDS,
    DeviceBreach,
    DeviceCheckView,
    DeviceInput,
    DeviceRegister,
    DeviceView,
    change_device_status,
    declare_device,
    device_register,
    record_found_device,
)
from ui.extensions import record_page
from ui.kit.detail_pane import DetailPane, history_fields, history_of, split
from ui.kit.formatting import fmt_date
from ui.kit.forms import RED, DateField, combo_data
from ui.kit.record_dialog import RecordDialog
from ui.kit.record_page import RecordContext, SectionSpec
from ui.kit.register_page import RegisterPage
from ui.kit.tables import Column, ListPanel, RowsModel
from ui.kit.widgets import (
    AMBER,
    BOLD,
    GREY,
    PALE_RED,
    alert_label,
    combo,
    data_table,
    hint_label,
    select_first,
    selected_row,
    text_editor,
)

DEVICE_KIND_LABELS = {
    "phone": "Phone", "tablet": "Tablet", "laptop": "Laptop", "desktop": "Desktop computer",
    "console": "Games console", "camera": "Camera", "storage": "Storage (USB stick, card, drive)",
    "other": "Other device",
}
DEVICE_STATUS_LABELS = {"active": "In use", "disposed": "Disposed", "seized": "Seized"}
CHECK_RESULT_LABELS = {"checked": "Checked", "not_seen": "Not seen", "refused": "Refused"}
DECLARE, DECLARE_KEYS = "Declare a device...", "Ctrl+Shift+D"  # the button, and its key from any part


def text_or_none(text: str) -> str | None:
    return text.strip() or None


# --- device dialogs -------------------------------------------------------------------------


class DeviceDialog(RecordDialog):
    """Declare a device, or record one found that was not declared."""

    def __init__(self, ctx: RecordContext, record: OffenderRecord, *, found: bool = False,
                 parent: QWidget | None = None) -> None:
        self.found = found
        if found:
            title, hint, action = (
                "Record an undeclared device found",
                "A device the offender had not declared. It is recorded as found and as checked on the day "
                "it was found, and a breach opens at once: of the order's device prohibition if one is in "
                "force, otherwise of the duty to declare devices.", "Record the device and open a breach")
        else:
            title, hint, action = (
                "Declare a device",
                "A device the offender has told us about. Record every identifier you can read: the IMEI "
                "is checked as you save, so the device seen at the next visit can be matched to this one.",
                "Declare the device")
        super().__init__(ctx, record, title, hint, save_text=action, parent=parent, width=600)
        today = ctx.services.clock.today
        self.kind = combo({k: DEVICE_KIND_LABELS.get(k, k.title()) for k in DEVICE_KINDS})
        self.row("&Type", "kind", self.kind)
        self.make_model = QLineEdit()
        self.make_model.setMaxLength(120)
        self.make_model.setPlaceholderText("e.g. Samsung Galaxy A15, black")
        self.row("&Make and model", "make_model", self.make_model)
        self.imei = QLineEdit()
        self.imei.setMaxLength(24)
        self.imei.setPlaceholderText("15 digits: dial *#06# or read the box label")
        self.row("&IMEI", "imei", self.imei)
        self.elsewhere_note("imei", self.imei, record.offender_id)
        self.serial = QLineEdit()
        self.serial.setMaxLength(60)
        self.row("&Serial number", "serial", self.serial)
        self.phone_number = QLineEdit()
        self.phone_number.setMaxLength(30)
        self.phone_number.setPlaceholderText("e.g. 07700 900123")
        self.row("&Phone number", "phone_number", self.phone_number)
        self.elsewhere_note("phone", self.phone_number, record.offender_id)
        self.accounts = text_editor("Email addresses, usernames and social media accounts used on it, one a line", 64)
        self.row("A&ccounts", "accounts", self.accounts)
        self.monitoring_software = QLineEdit()
        self.monitoring_software.setMaxLength(120)
        self.monitoring_software.setPlaceholderText("Leave empty if none is installed")
        self.row("Mo&nitoring software", "monitoring_software", self.monitoring_software)
        self.on_date = DateField(calendar_start=today)
        self.on_date.set_date(today())
        self.row("&Found on" if found else "&Declared on", "found_on" if found else "declared_on", self.on_date)
        if not found:
            self.acquired_on = DateField(calendar_start=today)
            self.row("&Acquired on", "acquired_on", self.acquired_on)
            self.form.addRow("", hint_label("When known. Declared later than an order allows, a breach opens."))
        self.finish()
        self.make_model.setFocus()

    def data(self) -> DeviceInput:
        return DeviceInput(
            kind=combo_data(self.kind), make_model=text_or_none(self.make_model.text()),
            imei=text_or_none(self.imei.text()), serial=text_or_none(self.serial.text()),
            phone_number=text_or_none(self.phone_number.text()),
            accounts=text_or_none(self.accounts.toPlainText()),
            declared_on=None if self.found else self.on_date.date(),
            monitoring_software=text_or_none(self.monitoring_software.text()),
            acquired_on=None if self.found else self.acquired_on.date())

    def submit(self) -> None:
        assert self.record is not None
        if self.found:
            self.call(record_found_device, self.ctx.services, self.ctx.actor, self.record.offender_id,
                      self.data(), self.on_date.date())
        else:
            self.call(declare_device, self.ctx.services, self.ctx.actor, self.record.offender_id, self.data())

    def after_success(self, result: Any) -> None:
        if self.found:
            self.ctx.prompter.info(
                "Breach opened",
                f"{result.label} is recorded as found, not declared, and a breach has been opened. "
                "Record a crime reference, or a reasoned decision not to record a crime, on the "
                "Breaches & warnings page.")


class DeviceStatusDialog(RecordDialog):
    """Disposed or seized (or back in use, if that was a mistake), with the reason."""

    def __init__(self, ctx: RecordContext, record: OffenderRecord, device: DeviceView,
                 parent: QWidget | None = None) -> None:
        super().__init__(ctx, record, "Mark disposed or seized",
                         f"{device.label}. The device stays on the register with its checks; the status "
                         "before your change is kept in the record's History.",
                         save_text="Change the status", parent=parent)
        self.device = device
        box = QWidget()
        row = QVBoxLayout(box)
        row.setContentsMargins(0, 0, 0, 0)
        self.choices: dict[str, QRadioButton] = {}
        for status, text in (("seized", "Seized (by police, e.g. under a warrant)"),
                             ("disposed", "Disposed of (sold, lost, broken, given away)"),
                             ("active", "In use again (the earlier status was a mistake)")):
            if status == device.status:
                continue
            button = QRadioButton(text)
            self.choices[status] = button
            row.addWidget(button)
        next(iter(self.choices.values())).setChecked(True)
        self.row("New status", "status", box)
        self.reason = text_editor("e.g. Seized by DC Patel at the visit on 20/11/2026, exhibit AP/1, "
                                  "for examination by the digital forensics unit")
        self.row("&Reason", "reason", self.reason)
        self.finish()
        self.reason.setFocus()

    def status_choice(self) -> str:
        return next(s for s, b in self.choices.items() if b.isChecked())

    def choose(self, status: str) -> None:
        self.choices[status].setChecked(True)

    def submit(self) -> None:
        self.call(change_device_status, self.ctx.services, self.ctx.actor, self.device.device_id,
                  self.device.version_id, self.status_choice(), self.reason.toPlainText())


# --- the page ---------------------------------------------------------------------------------


def _identifiers(d: DeviceView) -> str:
    parts = [f"IMEI {d.imei}" if d.imei else "", f"Serial {d.serial}" if d.serial else "",
             f"Tel {d.phone_number}" if d.phone_number else ""]
    return "\n".join(p for p in parts if p) or "No identifier recorded"


class DevicesModel(RowsModel[DeviceView]):
    """Two lines a device: what it is, then its identifiers (IMEI or serial, phone number)."""

    def __init__(self, parent=None) -> None:
        self.found_on: dict[int, Any] = {}
        super().__init__([
            Column("Device", lambda d: f"{DEVICE_KIND_LABELS.get(d.kind, d.kind.title())}: "
                                       f"{d.make_model or 'make not recorded'}\n{_identifiers(d)}",
                   lambda d: (d.kind, d.make_model or ""),
                   tooltip=lambda d: d.accounts and f"Accounts and identifiers:\n{d.accounts}"),
            Column("Declared", self._declared, lambda d: (d.declared, d.declared_on.toordinal() if d.declared_on else 0),
                   tooltip=lambda d: f"Declared to {d.declared_to}" if d.declared_to else None),
            Column("Monitoring\nsoftware", lambda d: d.monitoring_software or "None"),
            Column("Status", lambda d: DEVICE_STATUS_LABELS.get(d.status, d.status)),
            Column("Last\nchecked", lambda d: fmt_date(d.last_checked_on, "Never"),
                   lambda d: d.last_checked_on.toordinal() if d.last_checked_on else 0),
            Column("Last\nresult", self._last_result),
            Column("Check due", lambda d: (d.flag or "").capitalize(), lambda d: d.flag or "", tooltip=lambda d: d.flag and (
                "This device has never been inspected: inspect it at the next visit." if d.flag == "never checked" else
                f"This device was {d.flag}. Inspect it at the next visit.")),
        ], parent)

    def _declared(self, d: DeviceView) -> str:
        if d.declared:
            return fmt_date(d.declared_on)
        found = self.found_on.get(d.device_id)
        return "FOUND NOT\nDECLARED" + (f"\n{fmt_date(found)}" if found else "")

    @staticmethod
    def _last_result(d: DeviceView) -> str:
        if d.last_result is None:
            return ""
        text = CHECK_RESULT_LABELS.get(d.last_result, d.last_result)
        return f"{text}\n{fmt_date(d.last_check_on)}" if d.last_check_on != d.last_checked_on else text

    def extra(self, row: DeviceView, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft
        if column == 1 and not row.declared:
            if role == Qt.ItemDataRole.ForegroundRole:
                return QBrush(RED)
            if role == Qt.ItemDataRole.FontRole:
                return BOLD
        if column in (4, 6) and row.flag:
            if role == Qt.ItemDataRole.ForegroundRole:
                return QBrush(RED)
            if role == Qt.ItemDataRole.BackgroundRole:
                return QBrush(PALE_RED)
            if role == Qt.ItemDataRole.FontRole and column == 6:
                return BOLD
        if column == 5 and row.last_result in ("not_seen", "refused") and role == Qt.ItemDataRole.ForegroundRole:
            return QBrush(AMBER)
        if row.status != "active" and role == Qt.ItemDataRole.ForegroundRole and column != 1:
            return QBrush(GREY)
        return None


class ChecksModel(RowsModel[DeviceCheckView]):
    def __init__(self, parent=None) -> None:
        super().__init__([
            Column("Date", lambda c: fmt_date(c.checked_on), lambda c: c.checked_on.toordinal()),
            Column("Where", lambda c: c.visit or "Outside a visit"),
            Column("Result", lambda c: CHECK_RESULT_LABELS.get(c.result, c.result)),
            Column("What the check found", lambda c: c.outcome or "", tooltip=lambda c: c.outcome),
            Column("Recorded by", lambda c: c.recorded_by or ""),
        ], parent)

    def extra(self, row: DeviceCheckView, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft
        if column == 2 and row.result != "checked":
            if role == Qt.ItemDataRole.ForegroundRole:
                return QBrush(RED if row.result == "refused" else AMBER)
            if role == Qt.ItemDataRole.FontRole:
                return BOLD
        return None


NO_DEVICE = "Select a device to read it in full: what it is, how it came to be known, its checks and its breaches."


def device_fields(d: DeviceView, checks: tuple[DeviceCheckView, ...], breaches: tuple[DeviceBreach, ...],
                  found_on: Any) -> dict[str, str]:
    """A device in plain words, for its pane."""
    if d.declared:
        declared = "Declared" + (f" on {fmt_date(d.declared_on)}" if d.declared_on else "") + (
            f" to {d.declared_to}" if d.declared_to else "")
    else:
        declared = "Not declared: found" + (f" on {fmt_date(found_on)}" if found_on else "")
    return {
        "Device": d.label,
        "Type": DEVICE_KIND_LABELS.get(d.kind, d.kind.title()),
        "Make and model": d.make_model or "Not recorded",
        "Identifiers": _identifiers(d),
        "Accounts": d.accounts or "",
        "Monitoring software": d.monitoring_software or "None installed",
        "Declared": declared,
        "Status": DEVICE_STATUS_LABELS.get(d.status, d.status),
        "Check due": (d.flag or "").capitalize(),
        "Checks": "\n".join(
            f"{fmt_date(c.checked_on)} {c.visit or 'outside a visit'}: {CHECK_RESULT_LABELS.get(c.result, c.result)}"
            + (f". {c.outcome}" if c.outcome else "") for c in checks) or "Never checked",
        "Breaches raised": "\n".join(
            f"{fmt_date(b.occurred_on)}: {b.description} ({'open' if b.status == 'open' else 'closed'}"
            + (f", crime reference {b.crime_reference}" if b.crime_reference else "") + ")" for b in breaches)
        or "None",
    }


class DevicePane(DetailPane):
    CAPTIONS = ("Device", "Type", "Make and model", "Identifiers", "Accounts", "Monitoring software", "Declared",
                "Status", "Check due", "Checks", "Breaches raised")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(self.CAPTIONS, NO_DEVICE, parent)


class DevicesPage(RegisterPage):
    def __init__(self, ctx: RecordContext, spec: SectionSpec) -> None:
        super().__init__(ctx, spec, "Every phone, computer and other device that can store images or go "
                                    "online, declared or found, and what happened to it at each visit. A "
                                    "device found that was not declared opens a breach.")
        self.register: DeviceRegister | None = None
        self.declare_button = self.add_button_for(DECLARE, self.declare)
        self.found_button = self.add_button_for("Record an undeclared device found...", self.record_found,
                                                tip="A device seen or seized that the offender had not declared")
        self.status_button = self.add_button_for("Mark disposed / seized...", self.change_status)
        self.shortcut(DECLARE_KEYS, self.declare, self.declare_button, window_wide=True)

        content = QWidget()
        layout = QVBoxLayout(content)
        layout.setContentsMargins(0, 0, 0, 0)
        self.alert = alert_label()
        layout.addWidget(self.alert)
        self.devices_model = DevicesModel(self)
        self.devices_view = data_table(self.devices_model, wrap=True)
        self.devices_view.setAccessibleName("Devices")
        header = self.devices_view.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        char = self.fontMetrics().averageCharWidth()
        for column, chars in ((2, 16), (6, 20)):  # monitoring software and the flag wrap
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(column, chars * char)
        self.devices_view.selectionModel().selectionChanged.connect(self._device_selected)
        self.devices_panel = ListPanel(self.devices_view, "No devices recorded. Declare each phone, computer or "
                                       "other device the offender uses, or record one found at a visit.")
        self.empty_label = self.devices_panel.empty

        history = QWidget()
        history_layout = QVBoxLayout(history)
        history_layout.setContentsMargins(0, 6, 0, 0)
        self.history_title = QLabel("Checks")
        self.history_title.setObjectName("sectionTitle")
        self.history_title.setStyleSheet("QLabel { font-weight: 600; color: #1f3a5f; }")
        self.history_title.setTextFormat(Qt.TextFormat.PlainText)
        history_layout.addWidget(self.history_title)
        self.checks_model = ChecksModel(self)
        self.checks_view = data_table(self.checks_model, wrap=True)
        self.checks_view.setAccessibleName("Checks of the selected device")
        # Beside the pane what the check found needs the room; the pane has each check in full.
        self.wrap_columns(self.checks_view, {0: "24/11/2026", 1: "Home visit (seen)", 2: "Not seen",
                                             4: "Olly Manager"}, stretch=3)
        self.checks_panel = ListPanel(self.checks_view, "Select a device to see its checks.")
        self.checks_empty = self.checks_panel.empty
        history_layout.addWidget(self.checks_panel, 1)
        # The selected device in full beside its checks: the register above keeps its width.
        self.detail_pane = DevicePane()
        below = split(history, self.detail_pane, (4, 3))

        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.devices_panel)
        splitter.addWidget(below)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([250, 270])
        splitter.setChildrenCollapsible(False)
        layout.addWidget(splitter, 1)
        self.set_page(content)

    # --- data ----------------------------------------------------------------------------------

    def fetch(self, services, actor, offender_id: int) -> DeviceRegister:  # runs on the worker
        return device_register(services, actor, offender_id)

    def show_details(self, register: DeviceRegister) -> None:
        current = self.selected_device()
        self.register = register
        self.devices_model.found_on = register.found_on
        self.devices_model.set_rows(register.devices)
        self.devices_panel.show_rows(len(register.devices))
        never = sum(1 for d in register.devices if d.flag == "never checked")
        stale = sum(1 for d in register.devices if d.flag and d.flag != "never checked")
        found = sum(1 for d in register.devices if not d.declared and d.status == "active")
        parts = []
        if never:
            parts.append(f"{never} never checked")
        if stale:
            visits = "visit" if register.check_window == 1 else f"{register.check_window} home visits"
            parts.append(f"{stale} not checked at the last {visits}")
        text = ""
        if parts:
            total = never + stale
            text = f"{total} device{'s' if total != 1 else ''} to inspect at the next visit: {', '.join(parts)}."
        if found:
            text += (" " if text else "") + (f"{found} device{'s' if found != 1 else ''} found that "
                                             f"{'were' if found != 1 else 'was'} not declared.")
        self.alert.setText(text)
        self.alert.setVisible(bool(text))
        if not select_first(self.devices_view, lambda d: current is not None and d.device_id == current.device_id):
            select_first(self.devices_view)
        self._device_selected()

    def selected_device(self) -> DeviceView | None:
        return selected_row(self.devices_view)

    def selected_key(self) -> tuple[str, int] | None:
        device = self.selected_device()
        return ("device", device.device_id) if device else None

    def _device_selected(self, *_args) -> None:
        device = self.selected_device()
        checks = self.register.checks.get(device.device_id, ()) if (self.register and device) else ()
        self.checks_model.set_rows(checks)
        if device is None or self.register is None:
            self.detail_pane.show_placeholder()
        else:
            self.detail_pane.show_fields(device, {
                **device_fields(device, checks, self.register.breaches.get(device.device_id, ()),
                                self.register.found_on.get(device.device_id)),
                **history_fields(history_of(self.record, "device", device.device_id), device.recorded_by,
                                 device.recorded_at)},
                warnings=[c for c, on in (("Declared", not device.declared), ("Check due", bool(device.flag))) if on])
        if device is None:
            self.history_title.setText("Checks")
            self.checks_panel.show_rows(0, "Select a device to see its checks.")
        else:
            self.history_title.setText(f"Checks of {device.label}")
            self.checks_panel.show_rows(len(checks), "No check recorded for this device yet: inspect it at the "
                                                     "next visit.")
        self._selection_changed()

    def update_buttons(self) -> None:
        self.status_button.setEnabled(self.selected_device() is not None)

    # --- actions -------------------------------------------------------------------------------

    def declare(self) -> DeviceDialog | None:
        if self.record is None or not self.can_write:
            return None
        return self.open_dialog(DeviceDialog(self.ctx, self.record))

    def record_found(self) -> DeviceDialog | None:
        if self.record is None or not self.can_write:
            return None
        return self.open_dialog(DeviceDialog(self.ctx, self.record, found=True))

    def change_status(self) -> DeviceStatusDialog | None:
        device = self.selected_device()
        if self.record is None or device is None or not self.can_write:
            return None
        return self.open_dialog(DeviceStatusDialog(self.ctx, self.record, device))


@record_page("devices", window_keys=((DECLARE_KEYS, DECLARE),))
def devices_page(ctx: RecordContext, spec: SectionSpec) -> DevicesPage:
    return DevicesPage(ctx, spec)
