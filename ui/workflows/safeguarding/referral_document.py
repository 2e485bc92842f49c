"""The referral document for children's social care: the officer completes what only they know
(the child and household, where the concern came from), the record supplies the rest, and the
PDF is saved where they choose (owner-only, audited) and then offered for printing."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QWidget,
)

from rso_manager.services.caseload import OffenderRecord
from rso_manager.services.errors import FieldProblem, ValidationFailed
from rso_manager.services.safeguarding import (
    ReferralView,
    print_referral_document,
    record_referral_content,
)
from rso_manager.services.unit_of_work import Actor, Services
from ui.kit.dialogs import ServiceDialog, record_heading
from ui.kit.formatting import fmt_datetime
from ui.kit.record_page import RecordContext


def default_path(reference: str, referral_id: int) -> Path:
    documents = Path.home() / "Documents"
    return (documents if documents.is_dir() else Path.home()) / f"csc-referral-{reference}-{referral_id}.pdf"


def save_referral_document(services: Services, actor: Actor, referral: ReferralView, household: str,
                           concern_source: str, path: str) -> Path:
    """On the worker: the content checked and recorded, then the PDF written to PATH. The folder
    is checked first, so a document that cannot be saved records nothing."""
    target = Path(path.strip()).expanduser() if path.strip() else None
    if target is None:
        raise ValidationFailed(FieldProblem("path", "Choose where to save the document."))
    if not target.parent.is_dir():
        raise ValidationFailed(FieldProblem("path", "That folder does not exist; choose another."))
    if target.suffix.lower() != ".pdf":
        target = target.with_name(target.name + ".pdf")
    # Checks the content (a document without the child or the source is no use to the local
    # authority) and records it when it changed.
    record_referral_content(services, actor, referral.id, referral.version_id, household, concern_source)
    print_referral_document(services, actor, referral.id, target)
    return target


class ReferralDocumentDialog(ServiceDialog):
    """Test seams: household, concern_source, path."""

    def __init__(self, ctx: RecordContext, record: OffenderRecord | None, referral: ReferralView,
                 parent: QWidget | None = None) -> None:
        super().__init__(ctx.services, ctx.actor, ctx.worker, ctx.prompter, title="Referral document",
                         heading=record_heading("Referral document for children's social care", record),
                         hint=f"Concern of {fmt_datetime(referral.concern_at)}: {referral.concern}\n\nAdd what only "
                              "you know. The record adds the rest: convictions, orders and risk, the prohibitions in "
                              "force, the action already taken, and your contact details. The PDF is marked "
                              "OFFICIAL-SENSITIVE, saved for you alone, and each one is recorded in the audit trail.",
                         save_text="Save and print...", min_width=620, parent=parent)
        self.referral = referral
        self.household = QPlainTextEdit(referral.household or "")
        self.household.setTabChangesFocus(True)
        self.household.setFixedHeight(80)
        self.household.setPlaceholderText("The child or children (ages or dates of birth), where they live, "
                                          "and who else lives there")
        self.row("Child and &household", "household", self.household)
        self.concern_source = QLineEdit(referral.concern_source or "")
        self.concern_source.setMaxLength(200)
        self.concern_source.setPlaceholderText("Who told us, e.g. the school's safeguarding lead via a PCSO")
        self.row("&Source of the concern", "concern_source", self.concern_source)
        where = QWidget()
        row = QHBoxLayout(where)
        row.setContentsMargins(0, 0, 0, 0)
        reference = record.reference if record is not None else "case"
        self.path = QLineEdit(str(default_path(reference, referral.id)))
        self.choose = QPushButton("Choose...")
        self.choose.clicked.connect(self._choose)
        row.addWidget(self.path, 1)
        row.addWidget(self.choose)
        self.row("Save &as", "path", where)
        self.finish()
        (self.concern_source if referral.household else self.household).setFocus()

    def _choose(self) -> None:
        chosen, _ = QFileDialog.getSaveFileName(self, "Save the referral document", self.path.text(),
                                                "PDF documents (*.pdf)")
        if chosen:
            self.path.setText(chosen)

    def submit(self) -> None:
        self.call(save_referral_document, self._services, self._actor, self.referral,
                  self.household.toPlainText(), self.concern_source.text(), self.path.text())
