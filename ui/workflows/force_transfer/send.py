"""The record window's "Send to another force...": the whole case as one encrypted, signed file.

A supervisor's or the OMU lead's decision (REASSIGN_CASE), so the action is shown to them only;
the service checks again on the case itself.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QWidget,
)

from rso_manager.domain.roles import Permission
from rso_manager.services.caseload import OffenderRecord
from rso_manager.services.errors import FieldProblem, ValidationFailed
from rso_manager.services.force_transfer.export import SentCase, give_to_force
from ui.extensions import record_action
from ui.kit.dialogs import ServiceDialog, record_heading
from ui.kit.record_page import RecordContext
from ui.workflows.force_transfer.passphrase import StrengthLabel, secret_field

FILES = "Case transfer files (*.rsoxfer)"


def default_path(reference: str) -> Path:
    documents = Path.home() / "Documents"
    return (documents if documents.is_dir() else Path.home()) / f"transfer-{reference}.rsoxfer"


def fingerprint_text(fp: str) -> str:
    """A fingerprint as forces read it to each other: groups of four."""
    return " ".join(fp[i:i + 4] for i in range(0, len(fp), 4))


class SendDialog(ServiceDialog):
    """Test seams: to_force, reason, passphrase, passphrase_again, strength, path."""

    def __init__(self, ctx: RecordContext, record: OffenderRecord) -> None:
        super().__init__(ctx.services, ctx.actor, ctx.worker, ctx.prompter, title="Send to another force",
                         heading=record_heading("Send to another force", record),
                         hint="The whole record and its history go into one file, encrypted with the "
                              "passphrase below and signed with this force's key. Once it is saved the "
                              "case ends here: it leaves the caseload, its history stays.",
                         save_text="Save the file", failure_title="Not sent", min_width=560, parent=ctx.window)
        self.ctx, self.record = ctx, record
        self.to_force = QLineEdit()
        self.to_force.setMaxLength(120)
        self.to_force.setPlaceholderText("e.g. Greater Manchester Police")
        self.row("&To force", "to_force", self.to_force)
        self.reason = QPlainTextEdit()
        self.reason.setTabChangesFocus(True)
        self.reason.setFixedHeight(70)
        self.reason.setPlaceholderText("Why the case goes there, e.g. where the person moved and when")
        self.row("&Reason", "reason", self.reason)
        self.passphrase = secret_field("Four or more unrelated words")
        self.row("&Passphrase", "passphrase", self.passphrase)
        self.passphrase_again = secret_field()
        self.row("Passphrase &again", "passphrase_again", self.passphrase_again)
        self.strength = StrengthLabel(self.passphrase, [record.details.surname, record.details.forenames])
        self.form.addRow("", self.strength)
        where = QWidget()
        line = QHBoxLayout(where)
        line.setContentsMargins(0, 0, 0, 0)
        self.path = QLineEdit(str(default_path(record.reference)))
        self.choose = QPushButton("Choose...")
        self.choose.clicked.connect(self._choose)
        line.addWidget(self.path, 1)
        line.addWidget(self.choose)
        self.row("Save &as", "path", where)
        self.finish()
        self.to_force.setFocus()

    def _choose(self) -> None:
        chosen, _ = QFileDialog.getSaveFileName(self, "Save the transfer file", self.path.text(), FILES)
        if chosen:
            self.path.setText(chosen)

    def submit(self) -> None:
        if self.passphrase.text() != self.passphrase_again.text():
            self.errors.show(ValidationFailed(FieldProblem(
                "passphrase_again", "The two passphrases differ; type the same passphrase twice.")))
            self.fit()
            return
        self.call(give_to_force, self._services, self._actor, self.record.offender_id, self.record.version_id,
                  to_force=self.to_force.text(), reason=self.reason.toPlainText(),
                  passphrase=self.passphrase.text(), path=self.path.text())

    def after_success(self, result: SentCase) -> None:
        self.ctx.prompter.info(
            "Case sent", f"{result.reference} is saved for {result.to_force} in {result.path}.\n\n"
                         "Send the file, and give them the passphrase another way (by phone, not in the "
                         "same e-mail). They check the file came from us by this force key's fingerprint:\n"
                         f"{fingerprint_text(result.signer_fingerprint)}\n\nThe case has ended here.")
        self.ctx.reload()


class SendAction(QAction):
    """Holds the dialog it opens (a second press raises it); a child of the record window."""

    def __init__(self, ctx: RecordContext) -> None:
        super().__init__("Send to another force...", ctx.window)
        self.ctx = ctx
        self.dialog: SendDialog | None = None
        self.setStatusTip("Export the whole case as an encrypted, signed file for the force it moves to")
        self.triggered.connect(self.open)

    def open(self) -> SendDialog | None:
        if self.dialog is not None and self.dialog.isVisible():
            self.dialog.raise_()
            return self.dialog
        self.dialog = SendDialog(self.ctx, self.ctx.record())
        self.dialog.open()
        return self.dialog


@record_action(order=60)
def send_action(ctx: RecordContext) -> QAction | None:
    return SendAction(ctx) if ctx.actor.can(Permission.REASSIGN_CASE) else None
