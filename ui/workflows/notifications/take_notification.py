"""Taking a notification (SOA 2003 s.87): the offender attends and notifies; which items,
where, how, and the fingerprints and photographs."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QRadioButton,
    QTreeWidget,
    QTreeWidgetItem,
    QWidget,
)

from rso_manager.services import notifications as nt
from rso_manager.services.caseload import OffenderRecord
from rso_manager.services.errors import FieldProblem, ValidationFailed
from rso_manager.services.unit_of_work import Actor, Services
from ui.kit.formatting import fmt_date
from ui.kit.forms import RED, DateField, DateTimeField, typed_problems
from ui.prompter import Prompter
from ui.worker import Worker
from ui.workflows.notifications.dialog_frame import NotificationDialog, choices
from ui.workflows.notifications.wording import METHOD_LABELS, pending_status

OTHER_ITEM = -1
S87_FIELDS = ("method", "station_id", "in_person")


class _YesRefused(QWidget):
    """Taken / Refused, as s.87(4) asks; a refusal is recorded as False."""

    def __init__(self, what: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.taken = QRadioButton("Taken")
        self.refused = QRadioButton("Refused")
        self.taken.setAccessibleName(f"{what} taken")
        self.refused.setAccessibleName(f"{what} refused")
        self.group = QButtonGroup(self)
        self.group.addButton(self.taken)
        self.group.addButton(self.refused)
        self.taken.setChecked(True)
        layout.addWidget(self.taken)
        layout.addWidget(self.refused)
        layout.addStretch(1)
        self.setFocusProxy(self.taken)

    def value(self) -> bool | None:
        return True if self.taken.isChecked() else (False if self.refused.isChecked() else None)


class TakeNotificationDialog(NotificationDialog):
    """The offender attends and notifies (s.87): which items, where, how, and biometrics.

    A notification taken at home, by phone or at a station not on the force's list is refused by
    the service; its s.87 message is shown beside the field, prominently, and nothing typed is
    lost. `taken` carries the TakenNotification and whether to print the acknowledgement.
    """

    taken = Signal(object, bool)

    def __init__(self, services: Services, actor: Actor, worker: Worker, prompter: Prompter,
                 record: OffenderRecord, pending: Sequence[nt.PendingNotification],
                 stations: Sequence[nt.StationView], parent: QWidget | None = None) -> None:
        super().__init__(services, actor, worker, prompter, record, "Take a notification",
                         "The offender must notify in person at a police station on the force's "
                         "designated list (s.87(1)). Tick what is being notified today.",
                         save_text="Record notification", min_width=720, parent=parent)
        self._pending = {p.notification_id: p for p in pending}
        self.pending = QTreeWidget()
        self.pending.setAccessibleName("Notifications being given")
        self.pending.setColumnCount(3)
        self.pending.setHeaderLabels(["Notification", "Due by", "Status"])
        self.pending.setRootIsDecorated(False)
        self.pending.setUniformRowHeights(True)
        self.pending.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.pending.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        header = self.pending.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        due_now = [p for p in pending if p.overdue or p.due_soon]
        red = QBrush(RED)
        for p in pending:
            item = QTreeWidgetItem([p.label, fmt_date(p.due_on, "After release"), pending_status(p)])
            item.setData(0, Qt.ItemDataRole.UserRole, p.notification_id)
            item.setToolTip(0, p.label)
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(0, Qt.CheckState.Checked if p in due_now or (not due_now and p is pending[0])
                               else Qt.CheckState.Unchecked)
            if p.overdue:
                for col in (1, 2):
                    item.setForeground(col, red)
            self.pending.addTopLevelItem(item)
        other = QTreeWidgetItem(["Something not listed here", "", ""])
        other.setToolTip(0, "A change nobody has recorded yet, or a notification given early")
        other.setData(0, Qt.ItemDataRole.UserRole, OTHER_ITEM)
        other.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
        other.setCheckState(0, Qt.CheckState.Unchecked if pending else Qt.CheckState.Checked)
        self.pending.addTopLevelItem(other)
        rows = min(self.pending.topLevelItemCount(), 7)
        row_height = self.pending.fontMetrics().lineSpacing() + 3
        self.pending.setFixedHeight(rows * row_height + self.pending.header().sizeHint().height()
                                    + 2 * self.pending.frameWidth() + 4)
        self.row("&Notifying", "pending_ids", self.pending)
        self.kind = choices({k: v for k, v in nt.LABELS.items() if k != "did_not_occur"})
        self.row("&Which", "kind", self.kind)
        self.event_on = self.row("&Event date", "event_on", DateField(calendar_start=services.clock.today))
        # A change of home nobody had recorded: the new address, as the event would have given it.
        self.no_fixed_abode = QCheckBox("No fixed abode (no sole or main residence)")
        self.row("New &home", "no_fixed_abode", self.no_fixed_abode)
        self.address_rows()
        self.kind.currentIndexChanged.connect(lambda _i: self._items_changed())
        self.no_fixed_abode.toggled.connect(lambda _on: self._items_changed())
        self.pending.itemChanged.connect(self._items_changed)
        self.notified_at = DateTimeField(calendar_start=services.clock.today)
        self.notified_at.set_value(services.clock.now())
        self.notified_at.setToolTip("When the offender attended. Change it only for a notification typed in "
                                    "after it was made: lateness is judged on this date.")
        self.row("&Notified at", "notified_at", self.notified_at)

        self.method = self.row("&How given", "method", choices(METHOD_LABELS))
        self.station = QComboBox()
        model = QStandardItemModel(self.station)
        for st in stations:
            item = QStandardItem(st.name if st.designated else f"{st.name}: not designated")
            item.setData(st.station_id, Qt.ItemDataRole.UserRole)
            item.setData(st.code, Qt.ItemDataRole.ToolTipRole)
            if not st.designated:
                item.setEnabled(False)
                item.setToolTip("Not on the force's designated list (s.87(1)): a notification here "
                                "cannot be recorded.")
            model.appendRow(item)
        self.station.setModel(model)
        designated = [i for i, st in enumerate(stations) if st.designated]
        self.station.setCurrentIndex(designated[0] if designated else -1)
        self.row("&Station", "station_id", self.station)
        for name in S87_FIELDS[:2]:  # the s.87 refusal stands out under its field
            self.errors.error_line(name).setObjectName("refusalError")
        self.setStyleSheet("QLabel#refusalError { color: #8c1d18; background: #fdecea; border: 1px solid #b3261e;"
                           " border-radius: 4px; padding: 6px 8px; font-size: 10pt; font-weight: 600; }")
        self.fingerprints = self.row("&Fingerprints", "fingerprints_taken", _YesRefused("Fingerprints"))
        self.photographs = self.row("&Photographs", "photographs_taken", _YesRefused("Photographs"))
        self.refusal_note = QLabel("A refusal is an offence (s.87(4), s.91): a breach will be opened.")
        self.refusal_note.setObjectName("fieldError")
        self.refusal_note.setVisible(False)
        self.form.addRow("", self.refusal_note)
        for group in (self.fingerprints.group, self.photographs.group):
            group.buttonToggled.connect(self._biometrics_changed)

        box = QFrame()
        grid = QFormLayout(box)
        grid.setContentsMargins(0, 0, 0, 0)
        self.details_given = QCheckBox("Bank, card and passport/ID details given (2012 Regs)")
        self.details_given.setChecked(True)
        grid.addRow(self.details_given)
        self.bank = QLineEdit()
        self.bank.setPlaceholderText("New or changed accounts, or leave empty if none")
        self.cards = QLineEdit()
        self.cards.setPlaceholderText("New or changed debit or credit cards")
        self.passport = QLineEdit()
        self.passport.setPlaceholderText("Passport or other ID document")
        for caption, edit in (("Bank accounts", self.bank), ("Cards", self.cards), ("Passport/ID", self.passport)):
            edit.setMaxLength(300)
            grid.addRow(caption, edit)
        self.details_given.toggled.connect(self._details_toggled)
        self.row("&Details", "details", box)
        self.print_ack = QCheckBox("Print the written acknowledgement (s.87(3)) when recorded")
        self.print_ack.setChecked(True)
        self.form.addRow("", self.print_ack)
        self._items_changed()
        self.saved.connect(lambda result: self.taken.emit(result, self.print_ack.isChecked()))
        self.finish()
        self.pending.setFocus()

    def _items(self) -> list[QTreeWidgetItem]:
        return [self.pending.topLevelItem(i) for i in range(self.pending.topLevelItemCount())]

    @staticmethod
    def _id(item: QTreeWidgetItem) -> int:
        return item.data(0, Qt.ItemDataRole.UserRole)

    def _checked(self) -> list[int]:
        return [self._id(it) for it in self._items() if it.checkState(0) == Qt.CheckState.Checked]

    def _items_changed(self, item: QTreeWidgetItem | None = None, _column: int = 0) -> None:
        if item is not None and item.checkState(0) == Qt.CheckState.Checked:
            # "Not listed" and listed items answer different questions: one or the other.
            other = self._id(item) == OTHER_ITEM
            self.pending.blockSignals(True)
            for it in self._items():
                if it is not item and (self._id(it) == OTHER_ITEM) != other:
                    it.setCheckState(0, Qt.CheckState.Unchecked)
            self.pending.blockSignals(False)
        unlisted = OTHER_ITEM in self._checked()
        self.set_row_visible(self.kind, unlisted)
        self.set_row_visible(self.event_on, unlisted)
        moving = unlisted and self.kind.currentData() == "change_address"
        self.set_row_visible(self.no_fixed_abode, moving)
        for widget in (self.line1, self.town, self.postcode):
            self.set_row_visible(widget, moving and not self.no_fixed_abode.isChecked())
        if self.isVisible():
            self.fit()

    def _details_toggled(self, on: bool) -> None:
        for edit in (self.bank, self.cards, self.passport):
            edit.setEnabled(on)

    def _biometrics_changed(self, *_args: object) -> None:
        self.refusal_note.setVisible(False in (self.fingerprints.value(), self.photographs.value()))

    def check(self, notification_id: int, on: bool = True) -> None:
        for item in self._items():
            if self._id(item) == notification_id:
                item.setCheckState(0, Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)

    def choose_station(self, station_id: int) -> None:
        index = self.station.findData(station_id, Qt.ItemDataRole.UserRole)
        self.station.setCurrentIndex(index)

    def details(self) -> dict[str, Any] | None:
        if not self.details_given.isChecked():
            return None
        given = {k: e.text().strip() for k, e in (("bank", self.bank), ("cards", self.cards),
                                                   ("passport", self.passport)) if e.text().strip()}
        return {"given": True, **given}

    def notification_input(self) -> nt.NotificationInput:
        checked = self._checked()
        unlisted = OTHER_ITEM in checked
        method = self.method.currentData()
        fingerprints, photographs = self.fingerprints.value(), self.photographs.value()
        first = self._pending.get(checked[0]) if checked and not unlisted else None
        kind = first.kind if first is not None else self.kind.currentData()
        new_home = nt.NewHome(self.line1.text(), self.town.text(), self.postcode.text(),
                              self.no_fixed_abode.isChecked()) if unlisted and kind == "change_address" else None
        return nt.NotificationInput(
            kind=kind, station_id=self.station.currentData(Qt.ItemDataRole.UserRole),
            method=method, in_person=method == nt.IN_PERSON, fingerprints_taken=fingerprints,
            photographs_taken=photographs, refused_biometrics=False in (fingerprints, photographs),
            details=self.details(), pending_ids=() if unlisted else tuple(checked),
            event_on=self.event_on.date() if unlisted else None, notified_at=self.notified_at.value(),
            new_home=new_home)

    def submit(self) -> None:
        problems = [] if self._checked() else [FieldProblem("pending_ids", "Tick what the offender is notifying.")]
        problems += typed_problems({"notified_at": self.notified_at})
        if self.notified_at.is_empty():
            problems.append(FieldProblem("notified_at", "Enter when the offender notified (now, unless it is "
                                                        "being typed in later)."))
        if problems:
            self.errors.clear()
            self.errors.show(ValidationFailed(problems))
            self.fit()
            return
        self.call(nt.take_notification, self._services, self._actor, self.record.offender_id,
                  self.notification_input())

    def s87_message(self) -> str:
        return next((m for m in (self.errors.message(f) for f in S87_FIELDS[:2]) if m), "")
