"""The decision on a breach: a crime reference, or a reasoned proposal not to record a crime
that a supervisor (not its author) approves or returns."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from rso_manager.domain.roles import Permission
from rso_manager.services.breaches import (
    BreachDecision,
    BreachView,
    NoCrimeProposal,
    breach_decision,
    decide_no_crime,
    propose_no_crime,
    record_crime_reference,
)
from rso_manager.services.caseload import OffenderRecord
from ui.kit.formatting import fmt_datetime
from ui.kit.record_dialog import RecordDialog
from ui.kit.record_page import RecordContext
from ui.kit.widgets import hint_label, notice_label, text_editor
from ui.workflows.breaches.texts import TWO_WAYS, breach_summary


class BreachDecisionDialog(RecordDialog):
    """The two ways to close a breach: (a) a crime reference, (b) a reasoned proposal not to record
    a crime, which goes to a supervisor. Loads the breach itself, so any page can open it."""

    def __init__(self, ctx: RecordContext, breach_id: int, record: OffenderRecord | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(ctx, record, "Decision on a breach", "", save_text="Record the crime reference",
                         parent=parent, width=640)
        self.breach_id = breach_id
        self.decision: BreachDecision | None = None
        self.loaded = False
        self.summary = notice_label("Loading the breach...")
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.layout_.insertWidget(self.layout_.indexOf(self.hint), self.summary)
        self.two_ways = hint_label(TWO_WAYS)
        self.layout_.insertWidget(self.layout_.indexOf(self.summary) + 1, self.two_ways)

        self.choice = QButtonGroup(self)
        self.crime_option = QRadioButton("(a) Record a crime reference: the breach closes")
        self.no_crime_option = QRadioButton("(b) Propose not recording a crime, with reasons: a supervisor decides")
        self.choice.addButton(self.crime_option)
        self.choice.addButton(self.no_crime_option)
        self.crime_option.setChecked(True)
        self.form.addRow(self.crime_option)
        self.crime_reference = QLineEdit()
        self.crime_reference.setMaxLength(40)
        self.row("&Crime reference", "crime_reference", self.crime_reference)
        self.format_hint = hint_label()
        self.form.addRow("", self.format_hint)
        self.form.addRow(self.no_crime_option)
        self.rationale = text_editor("What happened and what was considered, why recording a crime is not right "
                                     "in this case, and what will be done instead", 110)
        self.row("&Reasons", "rationale", self.rationale)
        self.rationale_hint = hint_label(
            "In your own words: a supervisor other than you signs it before the breach closes. Stock phrases "
            "(\"noted\", \"NFA\", \"as discussed\") are refused.")
        self.form.addRow("", self.rationale_hint)
        self.proposal_note = notice_label()
        self.proposal_note.setVisible(False)
        self.layout_.insertWidget(self.layout_.indexOf(self.summary) + 1, self.proposal_note)
        self.decide_button = QPushButton("Decide...")
        self.decide_button.setToolTip("Approve or return the proposal not to record a crime")
        self.decide_button.setVisible(False)
        self.decide_button.clicked.connect(self.open_decide)
        self.decide_button.setAutoDefault(False)
        self.buttons.addButton(self.decide_button, self.buttons.ButtonRole.ActionRole)
        self.decide_button.setVisible(False)
        self.crime_option.toggled.connect(self._option_changed)
        self.finish()
        self.supervisor_dialog: NoCrimeDecisionDialog | None = None
        self._set_enabled(False)
        ctx.worker.submit(breach_decision, ctx.services, ctx.actor, breach_id, owner=self,
                          on_success=self.set_decision, on_error=self._load_failed)

    def _load_failed(self, exc: BaseException) -> None:
        self.summary.setText("The breach could not be read.")
        self.ctx.report(exc, "The breach could not be read")

    def _set_enabled(self, on: bool) -> None:
        for w in (self.crime_option, self.no_crime_option, self.crime_reference, self.rationale, self.save_button):
            w.setEnabled(on)

    def set_decision(self, decision: BreachDecision) -> None:
        self.decision = decision
        self.loaded = True
        b, proposal = decision.breach, decision.proposal
        self.summary.setText(breach_summary(b))
        example = decision.crime_reference_example
        self.crime_reference.setPlaceholderText(f"e.g. {example}")
        self.format_hint.setText(f"In the force's format, for example {example}.")
        is_open = b.status == "open" and self.ctx.actor.can(Permission.WRITE_CASES)
        self._set_enabled(is_open)
        if proposal is not None:
            self.no_crime_option.setEnabled(False)
            self.rationale.setPlainText(proposal.rationale)
            self.proposal_note.setText(
                f"{proposal.proposed_by} proposed on {fmt_datetime(proposal.proposed_at)} not to record a crime; it "
                "is waiting for a supervisor's signature. Recording a crime reference now replaces the proposal.")
            self.proposal_note.setVisible(True)
            self.decide_button.setVisible(self.ctx.actor.can(Permission.SIGN_OFF))
            self.decide_button.setEnabled(proposal.may_decide)
            if not proposal.may_decide and proposal.why_not:
                self.decide_button.setToolTip(proposal.why_not)
        if b.status != "open":
            self.proposal_note.setText(f"This breach is closed. {b.decision}.")
            self.proposal_note.setVisible(True)
            self.save_button.setVisible(False)
        self._option_changed()
        self.mark_clean()
        if is_open:
            self.crime_reference.setFocus()

    def _option_changed(self, *_args) -> None:
        crime = self.crime_option.isChecked()
        open_ = self.decision is not None and self.decision.breach.status == "open"
        self.crime_reference.setEnabled(crime and open_)
        self.rationale.setEnabled(not crime and open_ and self.decision.proposal is None)
        self.save_button.setText("Record the crime reference" if crime else "Send to a supervisor")

    def choose_no_crime(self) -> None:
        self.no_crime_option.setChecked(True)

    def submit(self) -> None:
        if self.decision is None or self.decision.breach.status != "open":
            return
        b = self.decision.breach
        if self.crime_option.isChecked():
            self.call(record_crime_reference, self.ctx.services, self.ctx.actor, b.breach_id, b.version_id,
                      self.crime_reference.text())
        else:
            self.call(propose_no_crime, self.ctx.services, self.ctx.actor, b.breach_id, b.version_id,
                      self.rationale.toPlainText())

    def after_success(self, result: Any) -> None:
        if isinstance(result, BreachView) and result.status == "open":
            self.ctx.prompter.info("Sent to a supervisor",
                                   "The decision not to record a crime is waiting for a supervisor's signature. "
                                   "The breach stays open until it is signed.")

    def open_decide(self) -> NoCrimeDecisionDialog | None:
        if self.decision is None or self.decision.proposal is None or not self.decision.proposal.may_decide:
            return None
        self.supervisor_dialog = NoCrimeDecisionDialog(self.ctx, self.decision.breach, self.decision.proposal,
                                                       self.record, parent=self.parentWidget())
        # Signed or returned, the proposal is decided: this dialog has nothing left to ask.
        self.supervisor_dialog.saved.connect(lambda _r: (self.accept(), self.ctx.reload()))
        self.supervisor_dialog.open()
        return self.supervisor_dialog


class NoCrimeDecisionDialog(RecordDialog):
    """A supervisor approves (the breach closes, no crime recorded) or returns the proposal."""

    def __init__(self, ctx: RecordContext, breach: BreachView, proposal: NoCrimeProposal,
                 record: OffenderRecord | None = None, parent: QWidget | None = None) -> None:
        super().__init__(ctx, record, "No-crime decision",
                         "", save_text="Record my decision", parent=parent, width=640)
        self.breach, self.proposal = breach, proposal
        summary = notice_label(breach_summary(breach))
        self.layout_.insertWidget(self.layout_.indexOf(self.hint), summary)
        proposed = QLabel(f"{proposal.proposed_by} proposed on {fmt_datetime(proposal.proposed_at)} not to record a "
                          f"crime, because:\n{proposal.rationale}")
        proposed.setWordWrap(True)
        proposed.setTextFormat(Qt.TextFormat.PlainText)
        proposed.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        proposed.setStyleSheet("QLabel { background: #ffffff; border-left: 3px solid #1f3a5f; padding: 6px 8px; }")
        self.layout_.insertWidget(self.layout_.indexOf(self.hint), proposed)
        box = QWidget()
        choices = QVBoxLayout(box)
        choices.setContentsMargins(0, 0, 0, 0)
        self.approve = QRadioButton("Approve: no crime is recorded and the breach closes")
        self.send_back = QRadioButton("Return to the officer: the breach stays open")
        self.send_back.setToolTip("The officer then records a crime reference, or proposes again with better reasons.")
        choices.addWidget(self.approve)
        choices.addWidget(self.send_back)
        self.row("Decision", "decision", box)
        self.rationale = text_editor("Why you approve or return it: what you read, what you weighed, and what "
                                     "happens next", 110)
        self.row("Your &reasons", "rationale", self.rationale)
        self.form.addRow("", hint_label("Your reasons are signed with your name and kept with the breach. Stock "
                                        "phrases and wording copied from your recent sign-offs are refused."))
        self.finish()
        self.rationale.setFocus()

    def choice(self) -> str:
        if self.approve.isChecked():
            return "approve"
        return "return" if self.send_back.isChecked() else ""

    def submit(self) -> None:
        self.call(decide_no_crime, self.ctx.services, self.ctx.actor, self.proposal.sign_off_id,
                  self.proposal.version_id, self.choice(), self.rationale.toPlainText())
