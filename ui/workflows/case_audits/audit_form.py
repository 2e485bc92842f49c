"""The audit form: the checklist from the inspection with the record's evidence beside each
question, the auditor's answer and note, the grade and findings; "Make an action..." turns a
finding into a plan action with an owner and a due date. Saving a draft and completing (which
puts the audit to sign-off) run on the worker; the evidence came with the form (open_audit)."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from rso_manager.domain.case_audit_checklist import (
    ANSWER_LABEL,
    GRADE_LABEL,
    Response,
    suggested_grade,
)
from rso_manager.services import case_audits
from rso_manager.services.case_audits import AuditDraft, AuditForm, AuditView, FindingAction, Owner
from rso_manager.services.errors import ValidationFailed
from rso_manager.services.unit_of_work import Actor, Services
from ui.kit.dialogs import ServiceDialog
from ui.kit.formatting import fmt_date, fmt_datetime
from ui.kit.forms import DateField, FieldErrors, combo_data, report_failure, select_data
from ui.kit.widgets import hint_label, text_editor
from ui.prompter import Prompter
from ui.worker import Worker

STYLE = """
QFrame#auditQuestion { background: #ffffff; border: 1px solid #d5dde8; border-radius: 5px; }
QFrame#auditQuestion QLabel { background: transparent; }
QLabel#auditQuestionText { font-weight: 600; color: #1f2933; }
QLabel#auditEvidence { color: #243b53; }
QLabel#auditInspection { color: #52606d; font-style: italic; }
"""
NOT_ANSWERED = "Not answered"


class QuestionRow(QFrame):
    """One question: its text, the inspection finding behind it, the evidence, the answer and note."""

    def __init__(self, key: str, text: str, finding: str, lines: tuple[str, ...], errors: FieldErrors) -> None:
        super().__init__()
        self.key = key
        self.setObjectName("auditQuestion")
        grid = QGridLayout(self)
        grid.setContentsMargins(10, 8, 10, 8)
        grid.setHorizontalSpacing(14)
        question = QLabel(text)
        question.setObjectName("auditQuestionText")
        question.setWordWrap(True)
        grid.addWidget(question, 0, 0, 1, 2)
        evidence = QLabel("\n".join(f"• {line}" for line in lines))
        evidence.setObjectName("auditEvidence")
        evidence.setTextFormat(Qt.TextFormat.PlainText)
        evidence.setWordWrap(True)
        evidence.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        evidence.setAccessibleName(f"Evidence: {text}")
        self.evidence = evidence
        grid.addWidget(evidence, 1, 0)
        inspection = QLabel(f"Inspection: {finding}")
        inspection.setObjectName("auditInspection")
        inspection.setWordWrap(True)
        grid.addWidget(inspection, 2, 0)
        side = QVBoxLayout()
        self.answer = QComboBox()
        self.answer.addItem(NOT_ANSWERED, None)
        for value, label in ANSWER_LABEL.items():
            self.answer.addItem(label, value)
        self.answer.setAccessibleName(f"Answer: {text}")
        side.addWidget(errors.add(f"answer.{key}", self.answer))
        self.note = QLineEdit()
        self.note.setPlaceholderText("What you saw (needed unless met)")
        self.note.setAccessibleName(f"Note: {text}")
        side.addWidget(self.note)
        side.addStretch(1)
        grid.addLayout(side, 1, 1, 2, 1)
        grid.setColumnStretch(0, 3)
        grid.setColumnStretch(1, 1)
        grid.setColumnMinimumWidth(1, 230)

    def response(self) -> Response:
        return Response(combo_data(self.answer), self.note.text())

    def show_response(self, r: Response | None) -> None:
        select_data(self.answer, r.answer if r else None)
        self.note.setText(r.note if r else "")


class FindingActionDialog(ServiceDialog):
    """A finding made an action for the case's officer or a supervisor, due by a date."""

    def __init__(self, services: Services, actor: Actor, worker: Worker, prompter: Prompter, audit: AuditView,
                 owners: list[Owner], finding: str = "", parent: QWidget | None = None) -> None:
        super().__init__(services, actor, worker, prompter, title="Make an action from a finding",
                         heading=f"Make an action from a finding: {audit.name} ({audit.reference})",
                         hint="The action goes on the case's plan with its owner and due date, and is listed "
                              "with the case's other actions.", save_text="Make the action",
                         failure_title="Action not made", parent=parent)
        self.audit = audit
        self.description = text_editor("What is to be done about the finding", 70)
        self.description.setPlainText(finding)
        self.row("&What is to be done", "description", self.description)
        self.owner = QComboBox()
        self.owner.addItem("Choose who...", None)
        for o in owners:
            self.owner.addItem(f"{o.name} ({o.part.lower()})", o.user_id)
        self.row("&Owner", "owner_id", self.owner)
        self.due = DateField(calendar_start=services.clock.today)
        self.row("&Due by", "due_on", self.due)
        self.finish()

    def submit(self) -> None:
        self.call(case_audits.add_finding_action, self._services, self._actor, self.audit.id,
                  self.description.toPlainText(), combo_data(self.owner), self.due.date())


class AuditFormDialog(QDialog):
    """The audit of one case."""

    changed = Signal(object)  # AuditView after each save

    def __init__(self, services: Services, actor: Actor, worker: Worker, prompter: Prompter, form: AuditForm,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services, self.actor, self.worker, self.prompter = services, actor, worker, prompter
        self.form = form
        self.audit = form.audit
        self.setWindowTitle(f"Case audit: {self.audit.name} ({self.audit.reference})")
        self.setStyleSheet(STYLE)
        self.resize(1180, 680)
        layout = QVBoxLayout(self)
        heading = QLabel(f"Case audit: {self.audit.name} ({self.audit.reference})")
        heading.setObjectName("dialogHeading")
        layout.addWidget(heading)
        self.status = hint_label("")
        layout.addWidget(self.status)
        self.errors = FieldErrors()
        layout.addWidget(self.errors.general)

        body = QWidget()
        rows = QVBoxLayout(body)
        rows.setSpacing(8)
        self.questions: dict[str, QuestionRow] = {}
        for q in form.evidence.questions:
            row = QuestionRow(q.key, q.text, q.finding, q.lines, self.errors)
            row.answer.currentIndexChanged.connect(self._suggest)
            self.questions[q.key] = row
            rows.addWidget(row)
        rows.addStretch(1)
        self.questions_area = QScrollArea()
        self.questions_area.setWidgetResizable(True)
        self.questions_area.setFrameShape(QFrame.Shape.NoFrame)
        self.questions_area.setWidget(body)
        layout.addWidget(self.questions_area, 1)

        bottom = QGridLayout()
        bottom.setHorizontalSpacing(12)
        self.grade = QComboBox()
        self.grade.addItem("Not graded", None)
        for value, label in GRADE_LABEL.items():
            self.grade.addItem(label, value)
        self.grade.setAccessibleName("Grade")
        grade_label = QLabel("&Grade")
        grade_label.setBuddy(self.grade)
        bottom.addWidget(grade_label, 0, 0)
        bottom.addWidget(self.errors.add("grade", self.grade), 0, 1)
        self.suggestion = hint_label("")
        bottom.addWidget(self.suggestion, 1, 1)
        self.findings = QPlainTextEdit()
        self.findings.setTabChangesFocus(True)
        self.findings.setPlaceholderText("Findings: what is good, what is not, and what must change")
        self.findings.setFixedHeight(70)
        self.findings.setAccessibleName("Findings")
        findings_label = QLabel("&Findings")
        findings_label.setBuddy(self.findings)
        bottom.addWidget(findings_label, 0, 2)
        bottom.addWidget(self.errors.add("findings", self.findings), 0, 3, 2, 1)
        bottom.setColumnStretch(3, 1)
        layout.addLayout(bottom)
        self.actions_label = hint_label("")
        layout.addWidget(self.actions_label)

        buttons = QHBoxLayout()
        self.action_button = QPushButton("Make an &action from a finding...")
        self.action_button.clicked.connect(self.make_action)
        self.save_button = QPushButton("&Save draft")
        self.save_button.setToolTip("Keep the answers so far (Ctrl+S)")
        self.save_button.clicked.connect(self.save_draft)
        self.complete_button = QPushButton("&Complete and send for sign-off")
        self.complete_button.clicked.connect(self.complete)
        self.correct_button = QPushButton("Save as a c&orrection...")
        self.correct_button.setToolTip("Change a completed audit's answers, grade or findings, with a reason; "
                                       "the old values stay in its history")
        self.correct_button.clicked.connect(self.correct)
        self.void_button = QPushButton("Entered in &error...")
        self.void_button.setToolTip("Mark this audit entered in error, with a reason")
        self.void_button.clicked.connect(self.void)
        close = QPushButton("Close")
        close.clicked.connect(self.close)
        buttons.addWidget(self.action_button)
        buttons.addStretch(1)
        for b in (self.void_button, self.correct_button, self.save_button, self.complete_button, close):
            buttons.addWidget(b)
        layout.addLayout(buttons)
        QShortcut(QKeySequence("Ctrl+S"), self).activated.connect(self.save_draft)
        self.show_audit(self.audit)

    # --- showing -----------------------------------------------------------------------------------

    def show_audit(self, audit: AuditView) -> None:
        self.audit = audit
        for key, row in self.questions.items():
            row.show_response(audit.responses.get(key))
        select_data(self.grade, audit.grade)
        self.findings.setPlainText(audit.findings)
        done = audit.completed_at is not None
        state = {"pending": "completed, awaiting sign-off", "escalated": "completed, escalated for sign-off",
                 "approved": "signed off", "returned": "returned at sign-off for changes"}.get(
            audit.sign_off_status or "", "completed" if done else "in progress")
        self.status.setText(f"Audited by {audit.auditor or 'unknown'}, started {fmt_datetime(audit.started_at)}; "
                            f"{state}. Officer: {audit.officer or 'unallocated'}"
                            + (f", team {audit.team}." if audit.team else "."))
        mine = not audit.voided and audit.auditor_id == self.actor.user_id
        for w in (self.save_button, self.complete_button):
            w.setEnabled(mine and not done)
        self.correct_button.setEnabled(mine and done)
        self.void_button.setEnabled(not audit.voided)
        self.action_button.setEnabled(not audit.voided)
        if audit.voided:
            self.status.setText(f"Marked entered in error. {self.status.text()}")
        self._show_actions(audit.actions)
        self._suggest()

    def _show_actions(self, actions: tuple[FindingAction, ...]) -> None:
        self.actions_label.setText(
            "Actions from findings: " + "; ".join(f"{a.description} ({a.owner}, due {fmt_date(a.due_on)})"
                                                  for a in actions) if actions else "No action made from a finding yet.")

    def _suggest(self, *_args) -> None:
        g = suggested_grade(self.responses())
        self.suggestion.setText(f"The answers suggest: {g.label}. You grade the case." if g else
                                "Answer every question to see the grade the answers suggest.")

    def responses(self) -> dict[str, Response]:
        return {key: row.response() for key, row in self.questions.items()}

    def draft(self) -> AuditDraft:
        return AuditDraft(self.responses(), combo_data(self.grade), self.findings.toPlainText())

    # --- saving ------------------------------------------------------------------------------------

    def _busy(self, busy: bool) -> None:
        for w in (self.save_button, self.complete_button):
            w.setEnabled(not busy)

    def save_draft(self) -> None:
        if not self.save_button.isEnabled():
            return
        self._run(case_audits.save_audit, "Draft saved.")

    def complete(self) -> None:
        self._run(case_audits.complete_audit, "Completed and sent for sign-off.")

    def _run(self, fn, done: str) -> None:
        self.errors.clear()
        self._busy(True)
        self.worker.submit(fn, self.services, self.actor, self.audit.id, self.audit.version_id, self.draft(),
                           owner=self, on_success=lambda audit: self._saved(audit, done), on_error=self._failed)

    def _saved(self, audit: AuditView, done: str) -> None:
        self.show_audit(audit)
        self.status.setText(f"{done} {self.status.text()}")
        self.changed.emit(audit)

    def _failed(self, exc: BaseException) -> None:
        self._busy(False)
        report_failure(self.prompter, exc, title="Audit not saved", errors=self.errors)
        first = next((row for row in self.questions.values() if self.errors.is_marked(f"answer.{row.key}")), None)
        if first is not None:
            self.questions_area.ensureWidgetVisible(first)

    def correct(self, problem: str | None = None, text: str = "") -> None:
        reason = self.prompter.ask_reason("Correct the audit", "Why is the completed audit being corrected? The old "
                                          "answers stay in its history.", text=text, problem=problem)
        if reason is None:
            return
        self.errors.clear()
        self.worker.submit(case_audits.correct_audit, self.services, self.actor, self.audit.id, self.audit.version_id,
                           self.draft(), reason, owner=self,
                           on_success=lambda audit: self._saved(audit, "Corrected."),
                           on_error=lambda exc: self._reasoned_failure(exc, reason, self.correct))

    def void(self, problem: str | None = None, text: str = "") -> None:
        reason = self.prompter.ask_reason("Audit entered in error", "Why was this audit entered in error (the wrong "
                                          "case, a sample drawn again)?", text=text, problem=problem)
        if reason is None:
            return
        self.worker.submit(case_audits.void_audit, self.services, self.actor, self.audit.id, self.audit.version_id,
                           reason, owner=self, on_success=lambda audit: self._saved(audit, ""),
                           on_error=lambda exc: self._reasoned_failure(exc, reason, self.void))

    def _reasoned_failure(self, exc: BaseException, reason: str, again) -> None:
        if isinstance(exc, ValidationFailed) and exc.for_field("reason"):
            again(exc.for_field("reason"), reason)  # asked again, the text kept
            return
        self._failed(exc)

    # --- findings into actions ---------------------------------------------------------------------

    def make_action(self) -> None:
        self.worker.submit(case_audits.finding_owners, self.services, self.actor, self.audit.id, owner=self,
                           on_success=self._ask_action,
                           on_error=lambda exc: report_failure(self.prompter, exc, title="No action made"))

    def _ask_action(self, owners: list[Owner]) -> None:
        first_line = self.findings.toPlainText().strip().split("\n")[0]
        dialog = FindingActionDialog(self.services, self.actor, self.worker, self.prompter, self.audit, owners,
                                     first_line, parent=self)
        dialog.saved.connect(self._action_made)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        self.action_dialog = dialog

    def _action_made(self, action: FindingAction) -> None:
        self.audit = replace(self.audit, actions=(*self.audit.actions, action))
        self._show_actions(self.audit.actions)
        self.changed.emit(self.audit)
