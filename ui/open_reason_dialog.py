"""Ask why a record is being opened, then open it: every view is audited with its reason.

The rule (a listed purpose plus words that say something; more outside the user's caseload)
belongs to the service; this dialog calls open_record and shows whatever ValidationFailed says
next to the field it names.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QWidget

from rso_manager.services.caseload import AccessReason, open_record
from rso_manager.services.unit_of_work import Actor, Services
from ui.kit.dialogs import ServiceDialog
from ui.kit.forms import report_failure
from ui.prompter import Prompter
from ui.worker import Worker


class OpenReasonDialog(ServiceDialog):
    """Shown with open(), never exec(): the caller listens for record_opened.

    Test seam: choose(reason, text) fills the fields and submit() presses "Open record".
    """

    record_opened = Signal(object)  # OffenderRecord; the same as saved, by the name callers use

    def __init__(self, services: Services, actor: Actor, worker: Worker, prompter: Prompter,
                 offender_id: int, title: str, parent: QWidget | None = None, *,
                 outside_link: bool = False) -> None:
        super().__init__(services, actor, worker, prompter, title="Reason for opening the record",
                         heading=f"Open {title}",
                         hint="Your name, the time and the reason you give are kept in the audit trail "
                              "each time a record is opened (Data Protection Act 2018, s.62).",
                         save_text="Open record", parent=parent)
        self.offender_id = offender_id
        self.open_button = self.save_button
        self.outside_note = QLabel(
            "This case is outside your caseload. Give the purpose and, in at least ten words, why "
            "you need it: the opening goes to the case's supervisor for review.")
        self.outside_note.setWordWrap(True)
        self.outside_note.setObjectName("warning")
        self.outside_note.setVisible(outside_link)
        self.layout_.insertWidget(self.layout_.indexOf(self.hint) + 1, self.outside_note)

        self.reason = QComboBox()
        for code in AccessReason:
            self.reason.addItem(code.label, code)
        self.reason.setPlaceholderText("Choose a reason...")
        self.reason.setCurrentIndex(-1)
        self.row("&Reason", "reason", self.reason)
        self.details = QLineEdit()
        self.details.setPlaceholderText("e.g. preparing for the home visit on Thursday")
        self.row("&Details", "reason_text", self.details)
        self.finish()
        self.saved.connect(self.record_opened.emit)
        self.reason.setFocus()

    def choose(self, reason: AccessReason | None, text: str) -> None:
        self.reason.setCurrentIndex(-1 if reason is None else self.reason.findData(reason))
        self.details.setText(text)

    def selected_reason(self) -> AccessReason | None:
        data = self.reason.currentData()
        return AccessReason(data) if data is not None else None

    def submit(self) -> None:
        self.call(open_record, self._services, self._actor, self.offender_id,
                  self.selected_reason(), self.details.text())

    def _failed(self, exc: BaseException) -> None:
        # Only the title differs from ServiceDialog's: nothing was being saved.
        self.save_button.setEnabled(True)
        report_failure(self._prompter, exc, title="The record could not be opened", errors=self.errors)
        self.fit()
