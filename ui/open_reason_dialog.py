"""Ask why a record is being opened, then open it: every view is audited with its reason.

The rule (a listed purpose plus words that say something; more outside the user's caseload)
belongs to the service; this dialog calls open_record and shows whatever ValidationFailed says
next to the field it names.
"""

from __future__ import annotations

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

from rso_manager.services.caseload import AccessReason, OffenderRecord, open_record
from rso_manager.services.unit_of_work import Actor, Services
from ui.kit.forms import FieldErrors, add_row, report_failure
from ui.prompter import Prompter
from ui.worker import Worker


class OpenReasonDialog(QDialog):
    """Shown with open(), never exec(): the caller listens for record_opened.

    Test seam: choose(reason, text) fills the fields and submit() presses "Open record".
    """

    record_opened = Signal(object)  # OffenderRecord

    def __init__(self, services: Services, actor: Actor, worker: Worker, prompter: Prompter,
                 offender_id: int, title: str, parent: QWidget | None = None, *,
                 outside_link: bool = False) -> None:
        super().__init__(parent)
        self._services, self._actor, self._worker, self._prompter = services, actor, worker, prompter
        self.offender_id = offender_id
        self.setWindowTitle("Reason for opening the record")
        self.setMinimumWidth(500)

        layout = QVBoxLayout(self)
        heading = QLabel(f"Open {title}")
        heading.setObjectName("dialogHeading")
        heading.setTextFormat(Qt.TextFormat.PlainText)
        heading.setWordWrap(True)
        layout.addWidget(heading)
        note = QLabel("Your name, the time and the reason you give are kept in the audit trail "
                      "each time a record is opened (Data Protection Act 2018, s.62).")
        note.setWordWrap(True)
        note.setObjectName("hint")
        layout.addWidget(note)
        self.outside_note = QLabel(
            "This case is outside your caseload. Give the purpose and, in at least ten words, why "
            "you need it: the opening goes to the case's supervisor for review.")
        self.outside_note.setWordWrap(True)
        self.outside_note.setObjectName("warning")
        self.outside_note.setVisible(outside_link)
        layout.addWidget(self.outside_note)

        self.errors = FieldErrors()
        layout.addWidget(self.errors.general)
        form = QFormLayout()
        self.reason = QComboBox()
        for code in AccessReason:
            self.reason.addItem(code.label, code)
        self.reason.setPlaceholderText("Choose a reason...")
        self.reason.setCurrentIndex(-1)
        add_row(form, "&Reason", self.errors, "reason", self.reason)
        self.details = QLineEdit()
        self.details.setPlaceholderText("e.g. preparing for the home visit on Thursday")
        add_row(form, "&Details", self.errors, "reason_text", self.details)
        layout.addLayout(form)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.open_button = self.buttons.addButton("Open record", QDialogButtonBox.ButtonRole.AcceptRole)
        self.open_button.setDefault(True)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.reason.setFocus()

    def choose(self, reason: AccessReason | None, text: str) -> None:
        self.reason.setCurrentIndex(-1 if reason is None else self.reason.findData(reason))
        self.details.setText(text)

    def selected_reason(self) -> AccessReason | None:
        data = self.reason.currentData()
        return AccessReason(data) if data is not None else None

    def submit(self) -> None:
        if not self.open_button.isEnabled():
            return  # already opening
        self.open_button.setEnabled(False)
        self.open_button.setText("Opening...")
        self._worker.submit(open_record, self._services, self._actor, self.offender_id,
                            self.selected_reason(), self.details.text(),
                            owner=self, on_success=self._opened, on_error=self._failed)

    def _opened(self, record: OffenderRecord) -> None:
        self.errors.clear()
        self.record_opened.emit(record)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.open_button.setEnabled(True)
        self.open_button.setText("Open record")
        report_failure(self._prompter, exc, title="The record could not be opened", errors=self.errors)
        self.adjustSize()  # a wrapped field message must not run under the buttons
