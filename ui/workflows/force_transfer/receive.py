"""The main window's File > "Import a case from another force...": choose the file, give its
passphrase, see the preview (who, from which force, whether its key is trusted, what it holds,
which records here may be the same person), then import it as a new record.

Nothing is written until Import; the preview and the import each run on the worker, and a change
to the file or passphrase after a preview asks for a new one.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from rso_manager.domain.roles import Permission
from rso_manager.services.force_transfer.importing import (
    ReceivedCase,
    TransferPreview,
    import_transfer,
    preview_transfer,
)
from ui.extensions import WorkflowHost, main_window_hook
from ui.kit.dialogs import ServiceDialog
from ui.kit.formatting import fmt_date, fmt_datetime
from ui.kit.forms import report_failure
from ui.workflows.force_transfer.passphrase import secret_field
from ui.workflows.force_transfer.send import FILES, fingerprint_text


def preview_text(p: TransferPreview) -> str:
    """The preview in words, as the dialog shows it."""
    trust = (f"Signed by {p.trusted_as}: a force this force trusts." if p.trusted else
             f"NOT TRUSTED: signed by a key this force has not been given (it says it is from "
             f"{p.from_force}). It cannot be imported until your administrator adds that force's key, "
             f"checking its fingerprint with them:\n{fingerprint_text(p.signer_fingerprint)}")
    sent = f" on {fmt_datetime(p.sent_at)}" if p.sent_at else ""
    lines = [f"{p.name}, born {fmt_date(p.date_of_birth)}" + (f", PNC {p.pnc_id}" if p.pnc_id else ""),
             f"Their reference {p.their_reference}, sent by {p.sent_by or 'someone not named'}{sent}.",
             trust, "",
             "The file holds: " + ("; ".join(f"{n} {what}" for what, n in p.counts) or "the person only") + "."]
    if p.already_imported_as:
        lines += ["", f"This file was imported before, as {p.already_imported_as}."]
    return "\n".join(lines)


def matches_text(p: TransferPreview) -> str:
    if not p.matches:
        return "No record here has the same surname and date of birth, or the same PNC number."
    return "\n".join(["Records here that may be the same person (nothing will be merged):"]
                     + [f"  {x.reference}  {x.name}: {x.why}; offender manager {x.offender_manager or 'none'}"
                        for x in p.matches])


class ReceiveDialog(ServiceDialog):
    """Test seams: path, passphrase, preview_button, preview_label, matches_label, as_new,
    reason, save_button, preview (the last TransferPreview shown)."""

    def __init__(self, host: WorkflowHost) -> None:
        super().__init__(host.services, host.actor, host.worker, host.prompter,
                         title="Import a case from another force", heading="Import a case from another force",
                         hint="Choose the file the other force sent and type the passphrase they gave you "
                              "separately, then Preview. The case arrives as a new record, its history "
                              "intact; it is never merged into a record here.",
                         save_text="Import", failure_title="Not imported", min_width=640, parent=host.window)
        self.host = host
        self.preview: TransferPreview | None = None
        where = QWidget()
        line = QHBoxLayout(where)
        line.setContentsMargins(0, 0, 0, 0)
        self.path = QLineEdit()
        self.path.setPlaceholderText("The .rsoxfer file")
        self.choose = QPushButton("Choose...")
        self.choose.clicked.connect(self._choose)
        line.addWidget(self.path, 1)
        line.addWidget(self.choose)
        self.row("&File", "file", where)
        self.passphrase = secret_field()
        self.row("&Passphrase", "passphrase", self.passphrase)
        self.preview_button = QPushButton("Pre&view")
        self.preview_button.clicked.connect(self.ask_preview)
        self.form.addRow("", self.preview_button)
        # One box for what the file holds and what it may match, so the two read as one answer.
        self.preview_box = QFrame()
        self.preview_box.setObjectName("recordHeader")
        box = QVBoxLayout(self.preview_box)
        self.preview_label, self.matches_label = QLabel(""), QLabel("")
        for label in (self.preview_label, self.matches_label):
            label.setTextFormat(Qt.TextFormat.PlainText)
            label.setWordWrap(True)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            box.addWidget(label)
        self.form.addRow("", self.preview_box)
        self.as_new = QCheckBox("I have looked at these records: import the case as a NEW record")
        self.row("", "confirm_new", self.as_new)
        self.reason = QPlainTextEdit()
        self.reason.setTabChangesFocus(True)
        self.reason.setFixedHeight(60)
        self.reason.setPlaceholderText("Why the case is taken on here, e.g. the person moved into the area")
        self.row("&Reason", "reason", self.reason)
        self.finish()
        self.path.textChanged.connect(self._forget_preview)
        self.passphrase.textChanged.connect(self._forget_preview)
        self._forget_preview()

    def _choose(self) -> None:
        chosen, _ = QFileDialog.getOpenFileName(self, "The transfer file", self.path.text(), FILES)
        if chosen:
            self.path.setText(chosen)

    def _forget_preview(self) -> None:
        self.preview = None
        self.preview_label.setText("")
        self.preview_box.setVisible(False)
        self.as_new.setVisible(False)
        self.as_new.setChecked(False)
        self.save_button.setEnabled(False)

    def ask_preview(self) -> None:
        self.errors.clear()
        self.preview_button.setEnabled(False)
        self._worker.submit(preview_transfer, self._services, self._actor, self.path.text(), self.passphrase.text(),
                            owner=self, on_success=self.show_preview, on_error=self._preview_failed)

    def _preview_failed(self, exc: BaseException) -> None:
        self.preview_button.setEnabled(True)
        report_failure(self._prompter, exc, title="Cannot preview the file", errors=self.errors)
        self.fit()

    def show_preview(self, preview: TransferPreview) -> None:
        self.preview_button.setEnabled(True)
        self.preview = preview
        self.preview_label.setText(preview_text(preview))
        self.matches_label.setText(matches_text(preview))
        self.preview_box.setVisible(True)
        self.as_new.setVisible(bool(preview.matches))
        self.save_button.setEnabled(preview.trusted and not preview.already_imported_as)
        self.fit()

    def submit(self) -> None:
        if self.preview is None:
            return
        self.call(import_transfer, self._services, self._actor, self.path.text(), self.passphrase.text(),
                  reason=self.reason.toPlainText(), confirm_new=self.as_new.isChecked())

    def _failed(self, exc: BaseException) -> None:
        super()._failed(exc)
        self.save_button.setEnabled(self.preview is not None)

    def after_success(self, result: ReceivedCase) -> None:
        notes = ("\n\n" + "\n".join(result.notes)) if result.notes else ""
        self.host.prompter.info(
            "Case imported", f"The case from {result.from_force} (their {result.their_reference}) is now "
                             f"{result.reference}, marked as transferred in.{notes}")
        self.host.refresh()


class ReceiveController:
    """Holds the dialog (a second press raises it)."""

    def __init__(self, host: WorkflowHost) -> None:
        self.host = host
        self.dialog: ReceiveDialog | None = None
        self.action = QAction("Import a case from another force...", host.window)
        self.action.setStatusTip("Take on a case another force sent as an encrypted, signed file")
        self.action.triggered.connect(self.open)

    def open(self) -> ReceiveDialog:
        if self.dialog is not None and self.dialog.isVisible():
            self.dialog.raise_()
            return self.dialog
        self.dialog = ReceiveDialog(self.host)
        self.dialog.open()
        return self.dialog


@main_window_hook(order=70)
def install(host: WorkflowHost) -> None:
    if not host.actor.can(Permission.WRITE_CASES):
        return
    controller = ReceiveController(host)
    host.add_menu_action("file", controller.action, order=40)
    host.add_part(controller)
