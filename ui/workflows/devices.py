"""The devices page of the record: the device register, each device's checks, and the flags.

Every phone, computer or other device that can store images or go online is listed with its
identifiers, whether it was declared or found, and what happened to it at each visit. A device
never checked, or not checked at the last home visits, is flagged. A device found undeclared is
recorded here (or by the visit form) and opens a breach at once; the decision on that breach is
made on the breaches page.

Also the pieces the orders and breaches pages share: WorkflowPage (a record page with its own
tables that still offers "Mark as entered in error...") and WorkflowDialog (a form that calls one
service on the worker and shows the service's messages beside the fields).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QItemSelectionModel, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QSplitter,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from rso_manager.domain.roles import Permission
from rso_manager.services.caseload import EntryRow, OffenderRecord
from rso_manager.services.devices import (
    DEVICE_KINDS,
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
from ui.kit.formatting import fmt_date
from ui.kit.forms import DateField, FieldErrors, add_row, report_failure
from ui.kit.record_page import RecordContext, SectionSpec, SectionTab
from ui.kit.tables import Column, RowRole, RowsModel, sorted_list_view

DEVICE_KIND_LABELS = {
    "phone": "Phone", "tablet": "Tablet", "laptop": "Laptop", "desktop": "Desktop computer",
    "console": "Games console", "camera": "Camera", "storage": "Storage (USB stick, card, drive)",
    "other": "Other device",
}
DEVICE_STATUS_LABELS = {"active": "In use", "disposed": "Disposed", "seized": "Seized"}
CHECK_RESULT_LABELS = {"checked": "Checked", "not_seen": "Not seen", "refused": "Refused"}

RED = QColor("#b3261e")
PALE_RED = QColor("#fdecea")
AMBER = QColor("#8a5a00")
BOLD = QFont()
BOLD.setBold(True)


# --- shared pieces ---------------------------------------------------------------------------


def data_table(model: RowsModel, *, wrap: bool = False) -> QTableView:
    """A read-only, sortable table that keeps the service's order until a header is clicked."""
    view = sorted_list_view(model, wrap=wrap)
    view.setStyleSheet("QTableView::item { padding-top: 3px; padding-bottom: 3px; }")
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    return view


def selected_row(view: QTableView) -> Any:
    rows = view.selectionModel().selectedRows()
    if not rows:
        return None
    return rows[0].data(RowRole)


def select_first(view: QTableView, match: Callable[[Any], bool] | None = None) -> bool:
    """Select the first row (or the first that MATCHes); False if there is none."""
    model = view.model()
    for r in range(model.rowCount()):
        index = model.index(r, 0)
        if match is None or match(index.data(RowRole)):
            view.selectionModel().select(
                index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
            view.setCurrentIndex(index)
            return True
    return False


def hint_label(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setObjectName("hint")
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    return label


def notice_label(text: str = "") -> QLabel:
    """A boxed note the user must not miss (what closes a breach, what opens one)."""
    label = QLabel(text)
    label.setObjectName("rules")
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    return label


def alert_label() -> QLabel:
    label = QLabel()
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setStyleSheet("QLabel { color: #b3261e; background: #fdecea; border: 1px solid #f3c1bc;"
                        " border-radius: 4px; padding: 5px 8px; font-weight: 600; }")
    label.setVisible(False)
    return label


def text_editor(placeholder: str = "", height: int = 80) -> QPlainTextEdit:
    edit = QPlainTextEdit()
    edit.setTabChangesFocus(True)
    edit.setPlaceholderText(placeholder)
    edit.setFixedHeight(height)
    return edit


def long_combo() -> QComboBox:
    """A combo box whose long entries (breaches, order items) do not push the form off the screen."""
    box = QComboBox()
    box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    box.setMinimumContentsLength(30)
    return box


def combo(items: dict[str, str] | Sequence[tuple[Any, str]]) -> QComboBox:
    box = QComboBox()
    for value, text in (items.items() if isinstance(items, dict) else items):
        box.addItem(text, value)
    return box


def combo_select(box: QComboBox, value: Any) -> None:
    index = box.findData(value)
    if index >= 0:
        box.setCurrentIndex(index)


def text_or_none(text: str) -> str | None:
    return text.strip() or None


class WorkflowDialog(QDialog):
    """A form that calls one service on the worker, shown with open().

    The service's messages go beside the fields it names (FieldErrors), nothing typed is lost,
    and after a success the record is re-read (ctx.reload) so every page shows the change.
    Test seams: the field widgets are attributes; submit() presses the main button.
    """

    done = Signal(object)  # the service's result

    def __init__(self, ctx: RecordContext, record: OffenderRecord | None, title: str, hint: str,
                 *, action: str, parent: QWidget | None = None, width: int = 520) -> None:
        super().__init__(parent if parent is not None else ctx.window)
        self.ctx = ctx
        self.record = record
        self.busy = False
        self.setWindowTitle(title)
        self.setMinimumWidth(width)
        self.layout_ = QVBoxLayout(self)
        heading = QLabel(f"{title}: {record.name} ({record.reference})" if record else title)
        heading.setObjectName("dialogHeading")
        heading.setTextFormat(Qt.TextFormat.PlainText)
        heading.setWordWrap(True)
        self.layout_.addWidget(heading)
        self.hint = hint_label(hint)
        self.hint.setVisible(bool(hint))
        self.layout_.addWidget(self.hint)
        self.errors = FieldErrors()
        self.layout_.addWidget(self.errors.general)
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.layout_.addLayout(self.form)
        self.status = hint_label()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.save_button = self.buttons.addButton(action, QDialogButtonBox.ButtonRole.AcceptRole)
        self.save_button.setDefault(True)
        self.save_button.setAutoDefault(True)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        for button in self.buttons.buttons():
            if button is not self.save_button:
                button.setAutoDefault(False)  # Return always means the main action
        self._initial: list[str] = []

    def finish_layout(self) -> None:
        self.layout_.addWidget(self.status)
        self.layout_.addWidget(self.buttons)
        self._initial = self._typed()

    def _typed(self) -> list[str]:
        return ([e.text() for e in self.findChildren(QLineEdit)]
                + [e.toPlainText() for e in self.findChildren(QPlainTextEdit)])

    def is_dirty(self) -> bool:
        return self._typed() != self._initial

    def call(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
        if self.busy:
            return
        self.busy = True
        self.save_button.setEnabled(False)
        self.status.setText("Saving...")
        self.ctx.worker.submit(fn, *args, owner=self, on_success=self._succeeded, on_error=self._failed, **kwargs)

    def _succeeded(self, result: Any) -> None:
        self.busy = False
        self.save_button.setEnabled(True)
        self.status.clear()
        self.errors.clear()
        self._initial = self._typed()
        self.done.emit(result)
        self.accept()
        self.after_success(result)
        self.ctx.reload()

    def after_success(self, result: Any) -> None:
        """Something to say once saved (e.g. that a breach opened)."""

    def _failed(self, exc: BaseException) -> None:
        self.busy = False
        self.save_button.setEnabled(True)
        self.save_button.setDefault(True)
        self.status.clear()
        self.show_failure(exc)

    def show_failure(self, exc: BaseException) -> None:
        report_failure(self.ctx.prompter, exc, title="Not saved", errors=self.errors, on_reload=self.ctx.reload)

    def submit(self) -> None:
        raise NotImplementedError

    def reject(self) -> None:
        if self.busy:
            return  # a save is in flight; its result decides what happens
        if self.is_dirty() and not self.ctx.prompter.confirm(
                "Discard what you typed?", "This form has text that is not saved. Close it and lose the text?",
                ok="Discard", cancel="Keep editing"):
            return
        super().reject()


class WorkflowPage(SectionTab):
    """A record page with its own tables, loaded on the worker each time the record is shown.

    The generic list of the part's entries stays (hidden) behind it: it gives the count in the
    navigation and the entry that "Mark as entered in error..." marks.
    """

    refreshed = Signal()

    def __init__(self, ctx: RecordContext, spec: SectionSpec, about: str) -> None:
        super().__init__(spec, ctx.actor.can(Permission.WRITE_CASES))
        self.ctx = ctx
        self.record: OffenderRecord | None = None
        self.loaded = False  # data has arrived at least once
        self.loading = False  # a read is on its way
        self._stale = True
        self._seq = 0
        self.dialog: QDialog | None = None  # the last dialog opened here (tests drive it)
        layout = self.layout()
        about_label = layout.itemAt(0).widget()
        if isinstance(about_label, QLabel):
            about_label.setText(about)
        layout.removeWidget(self.stack)
        self.stack.hide()
        self.void_button.setToolTip("The selected entry stays on the record, struck through, with your reason.")

    def set_page(self, content: QWidget) -> None:
        self.layout().addWidget(content, 1)

    def shortcut(self, keys: str, slot: Callable[[], Any], button: QPushButton | None = None,
                 *, window_wide: bool = False) -> QShortcut:
        """A key for a main action: window-wide (the page is brought forward first) or while
        this page has the focus."""
        if window_wide:
            shortcut = QShortcut(QKeySequence(keys), self.ctx.window)
            shortcut.setContext(Qt.ShortcutContext.WindowShortcut)

            def activated() -> None:
                if self.can_write and (button is None or button.isEnabled()):
                    self.bring_forward()
                    slot()
            shortcut.activated.connect(activated)
        else:
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(lambda: slot() if button is None or button.isEnabled() else None)
        if button is not None:
            text = QKeySequence(keys).toString(QKeySequence.SequenceFormat.NativeText)
            button.setToolTip(f"{button.toolTip()} ({text})".strip() if button.toolTip() else text)
        return shortcut

    def bring_forward(self) -> None:
        """Show this page in the record window (when it is inside one)."""
        tabs = getattr(self.ctx.window, "tabs", None)
        stack = getattr(tabs, "stack", None)
        if stack is not None and stack.indexOf(self) >= 0:
            tabs.setCurrentIndex(stack.indexOf(self))

    # --- loading ---------------------------------------------------------------------------------

    def set_record(self, record: OffenderRecord) -> None:
        """Called on every (re)load of the record: the page reads its own data only when it is
        on screen, so opening a record does not run a query for every part of it."""
        self.record = record
        super().set_record(record)
        self._stale = True
        if self.isVisible():
            self.refresh()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        if self._stale:
            self.refresh()

    def refresh(self) -> None:
        if self.record is None:
            return
        self._stale = False
        self.loading = True
        self._seq += 1
        seq = self._seq
        self.ctx.worker.submit(self.load, self.ctx.services, self.ctx.actor, self.record.offender_id, owner=self,
                               on_success=lambda data: self._arrived(seq, data),
                               on_error=lambda exc: self._load_failed(seq, exc))

    def _arrived(self, seq: int, data: Any) -> None:
        if seq != self._seq:
            return  # a newer load is on its way
        self.loaded, self.loading = True, False
        self.show_data(data)
        self._selection_changed()
        self.refreshed.emit()

    def _load_failed(self, seq: int, exc: BaseException) -> None:
        if seq == self._seq:
            self.loading = False
            self.ctx.report(exc, "This part of the record could not be read")

    def load(self, services, actor, offender_id: int) -> Any:  # runs on the worker
        raise NotImplementedError

    def show_data(self, data: Any) -> None:
        raise NotImplementedError

    # --- selection and "entered in error" ----------------------------------------------------

    def selected_key(self) -> tuple[str, int] | None:
        """(entity, id) of what is selected on this page."""
        return None

    def selected_entry(self) -> EntryRow | None:
        key = self.selected_key()
        if key is None:
            return None
        return next((e for e in self.model.rows() if (e.entity, e.id) == key), None)

    def _selection_changed(self, *_args) -> None:
        if not hasattr(self, "ctx"):
            return  # during SectionTab's own construction
        entry = self.selected_entry()
        self.void_button.setEnabled(entry is not None and not entry.voided)
        self.update_buttons()

    def update_buttons(self) -> None:
        """Enable the page's actions for what is selected."""

    def open_dialog(self, dialog: QDialog) -> QDialog:
        self.dialog = dialog
        dialog.open()
        return dialog


# --- device dialogs -------------------------------------------------------------------------


class DeviceDialog(WorkflowDialog):
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
        super().__init__(ctx, record, title, hint, action=action, parent=parent, width=600)
        today = ctx.services.clock.today
        self.kind = combo({k: DEVICE_KIND_LABELS.get(k, k.title()) for k in DEVICE_KINDS})
        add_row(self.form, "&Type", self.errors, "kind", self.kind)
        self.make_model = QLineEdit()
        self.make_model.setMaxLength(120)
        self.make_model.setPlaceholderText("e.g. Samsung Galaxy A15, black")
        add_row(self.form, "&Make and model", self.errors, "make_model", self.make_model)
        self.imei = QLineEdit()
        self.imei.setMaxLength(24)
        self.imei.setPlaceholderText("15 digits: dial *#06# or read the box label")
        add_row(self.form, "&IMEI", self.errors, "imei", self.imei)
        self.serial = QLineEdit()
        self.serial.setMaxLength(60)
        add_row(self.form, "&Serial number", self.errors, "serial", self.serial)
        self.phone_number = QLineEdit()
        self.phone_number.setMaxLength(30)
        self.phone_number.setPlaceholderText("e.g. 07700 900123")
        add_row(self.form, "&Phone number", self.errors, "phone_number", self.phone_number)
        self.accounts = text_editor("Email addresses, usernames and social media accounts used on it, one a line", 64)
        add_row(self.form, "A&ccounts", self.errors, "accounts", self.accounts)
        self.monitoring_software = QLineEdit()
        self.monitoring_software.setMaxLength(120)
        self.monitoring_software.setPlaceholderText("Leave empty if none is installed")
        add_row(self.form, "Mo&nitoring software", self.errors, "monitoring_software", self.monitoring_software)
        self.on_date = DateField(calendar_start=today)
        self.on_date.set_date(today())
        add_row(self.form, "&Found on" if found else "&Declared on", self.errors,
                "found_on" if found else "declared_on", self.on_date)
        if not found:
            self.acquired_on = DateField(calendar_start=today)
            add_row(self.form, "&Acquired on", self.errors, "acquired_on", self.acquired_on)
            self.form.addRow("", hint_label("When known. Declared later than an order allows, a breach opens."))
        self.finish_layout()
        self.make_model.setFocus()

    def data(self) -> DeviceInput:
        return DeviceInput(
            kind=self.kind.currentData(), make_model=text_or_none(self.make_model.text()),
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


class DeviceStatusDialog(WorkflowDialog):
    """Disposed or seized (or back in use, if that was a mistake), with the reason."""

    def __init__(self, ctx: RecordContext, record: OffenderRecord, device: DeviceView,
                 parent: QWidget | None = None) -> None:
        super().__init__(ctx, record, "Mark disposed or seized",
                         f"{device.label}. The device stays on the register with its checks; the status "
                         "before your change is kept in the record's History.",
                         action="Change the status", parent=parent)
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
        add_row(self.form, "New status", self.errors, "status", box)
        self.reason = text_editor("e.g. Seized by DC Patel at the visit on 20/11/2026, exhibit AP/1, "
                                  "for examination by the digital forensics unit")
        add_row(self.form, "&Reason", self.errors, "reason", self.reason)
        self.finish_layout()
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
            return QBrush(QColor("#80868b"))
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


class DevicesPage(WorkflowPage):
    def __init__(self, ctx: RecordContext, spec: SectionSpec) -> None:
        super().__init__(ctx, spec, "Every phone, computer and other device that can store images or go "
                                    "online, declared or found, and what happened to it at each visit. A "
                                    "device found that was not declared opens a breach.")
        self.register: DeviceRegister | None = None
        self.declare_button = self.add_button_for("Declare a device...", self.declare)
        self.found_button = self.add_button_for("Record an undeclared device found...", self.record_found,
                                                tip="A device seen or seized that the offender had not declared")
        self.status_button = self.add_button_for("Mark disposed / seized...", self.change_status)
        self.shortcut("Ctrl+Shift+D", self.declare, self.declare_button, window_wide=True)

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
        self.empty_label = QLabel("No devices recorded. Declare each phone, computer or other device the "
                                  "offender uses, or record one found at a visit.")
        self.empty_label.setObjectName("emptyState")
        self.empty_label.setWordWrap(True)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.devices_stack = QStackedWidget()
        self.devices_stack.addWidget(self.devices_view)
        self.devices_stack.addWidget(self.empty_label)

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
        self.checks_view.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.checks_empty = QLabel()
        self.checks_empty.setObjectName("emptyState")
        self.checks_empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.checks_stack = QStackedWidget()
        self.checks_stack.addWidget(self.checks_view)
        self.checks_stack.addWidget(self.checks_empty)
        history_layout.addWidget(self.checks_stack, 1)

        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.devices_stack)
        splitter.addWidget(history)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([340, 180])
        splitter.setChildrenCollapsible(False)
        layout.addWidget(splitter, 1)
        self.set_page(content)

    # --- data ----------------------------------------------------------------------------------

    def load(self, services, actor, offender_id: int) -> DeviceRegister:
        return device_register(services, actor, offender_id)

    def show_data(self, register: DeviceRegister) -> None:
        current = self.selected_device()
        self.register = register
        self.devices_model.found_on = register.found_on
        self.devices_model.set_rows(register.devices)
        self.devices_stack.setCurrentWidget(self.devices_view if register.devices else self.empty_label)
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
        if device is None:
            self.history_title.setText("Checks")
            self.checks_empty.setText("Select a device to see its checks.")
        else:
            self.history_title.setText(f"Checks of {device.label}")
            self.checks_empty.setText("No check recorded for this device yet: inspect it at the next visit.")
        self.checks_stack.setCurrentWidget(self.checks_view if checks else self.checks_empty)
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


@record_page("devices")
def devices_page(ctx: RecordContext, spec: SectionSpec) -> DevicesPage:
    return DevicesPage(ctx, spec)
