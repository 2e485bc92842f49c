"""What the two absence dialogs share (a supervisor's queue cover, an offender manager's caseload
cover): a dialog that lists what is recorded and records more, staying open after each save,
and the rows of an absence: who is away, from and to, and why."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QDialogButtonBox, QHBoxLayout, QLabel, QLineEdit, QWidget

from rso_manager.services.unit_of_work import Services
from ui.kit.dialogs import ServiceDialog
from ui.kit.forms import DateField, report_failure


def add_absence_rows(dialog: ServiceDialog, services: Services, who_label: str,
                     on_who_changed: Callable[[], None]) -> None:
    """Adds dialog.who, dialog.starts_on, dialog.ends_on and dialog.reason, named as the
    absence services name them (user_id, starts_on, ends_on, reason)."""
    dialog.who = QComboBox()
    dialog.who.setMinimumWidth(240)
    dialog.who.currentIndexChanged.connect(on_who_changed)
    dialog.row(who_label, "user_id", dialog.who)
    dates = QWidget()
    dates_row = QHBoxLayout(dates)
    dates_row.setContentsMargins(0, 0, 0, 0)
    dialog.starts_on = DateField(calendar_start=services.clock.today)
    dialog.starts_on.set_date(services.clock.today())
    dialog.ends_on = DateField(calendar_start=services.clock.today)
    dates_row.addWidget(dialog.errors.add("starts_on", dialog.starts_on), 1)
    dates_row.addWidget(QLabel("to"), 0, Qt.AlignmentFlag.AlignTop)
    dates_row.addWidget(dialog.errors.add("ends_on", dialog.ends_on), 1)
    dialog.typed_fields.update(starts_on=dialog.starts_on, ends_on=dialog.ends_on)
    caption = QLabel("&From")
    caption.setBuddy(dialog.starts_on.edit)
    dialog.form.addRow(caption, dates)
    dialog.reason = QLineEdit()
    dialog.reason.setMaxLength(200)
    dialog.reason.setPlaceholderText("Annual leave, sickness, a course...")
    dialog.row("&Reason", "reason", dialog.reason)


class AbsenceRegisterDialog(ServiceDialog):
    """Lists the absences recorded and records another; it stays open after each save (Close
    closes it), and says under the form what the last save recorded."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Close")
        self.done_label = QLabel()
        self.done_label.setObjectName("hint")
        self.done_label.setWordWrap(True)

    def section_caption(self, text: str, at: int) -> None:
        caption = QLabel(text)
        caption.setStyleSheet("font-weight: 600;")
        self.layout_.insertWidget(at, caption)

    def finish(self) -> None:
        self.layout_.addWidget(self.done_label)
        super().finish()

    def accept(self) -> None:
        """A save keeps the dialog open; Close closes it."""

    def _report(self, exc: BaseException) -> None:
        report_failure(self._prompter, exc, title=self.windowTitle())
