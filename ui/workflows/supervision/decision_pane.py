"""The right of the decision pane: approve, return or escalate, with a reasoned rationale. The
service judges the rationale; a refusal is shown under the box with the text kept, and what was
typed for each item stays until it is signed off, whichever item is looked at meanwhile."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from rso_manager.domain.rationale import SignOffDecision
from rso_manager.services.errors import (
    ConcurrentEditError,
    FieldProblem,
    ServiceError,
    ValidationFailed,
)
from rso_manager.services.supervision import QueueItem, SignOffPolicy, SignOffResult, sign_off
from rso_manager.services.unit_of_work import Actor, Services
from ui.kit.forms import FieldErrors, RationaleBox, report_failure
from ui.prompter import Prompter
from ui.worker import Worker

DECISION_LABELS = {
    SignOffDecision.APPROVE: "&Approve",
    SignOffDecision.RETURN: "&Return to the author with direction",
    SignOffDecision.ESCALATE: "&Escalate to the OMU lead",
}
DECISION_PROMPTS = {
    SignOffDecision.APPROVE: "What you considered, why you approve, and what happens next and by when.",
    SignOffDecision.RETURN: "What must change, why, who is to do it and by when.",
    SignOffDecision.ESCALATE: "What you considered, why the OMU lead must decide, and what is needed by when.",
}
SIGN_TEXT = {SignOffDecision.APPROVE: "Sign off: approve", SignOffDecision.RETURN: "Sign off: return",
             SignOffDecision.ESCALATE: "Sign off: escalate"}


class DecisionPane(QWidget):
    """Your decision on the item shown; signed emits (item, decision, result) once saved."""

    signed = Signal(object, object, object)

    def __init__(self, services: Services, actor: Actor, worker: Worker, prompter: Prompter, *,
                 on_reload: Callable[[], None], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services, self._actor, self._worker, self._prompter = services, actor, worker, prompter
        self._on_reload = on_reload
        self.policy: SignOffPolicy | None = None
        self.current: QueueItem | None = None
        self._drafts: dict[int, tuple[str, str]] = {}  # sign_off_id -> (decision, text) not yet saved
        self._loading_draft = False

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        caption = QLabel("Your decision")
        caption.setObjectName("dialogHeading")
        layout.addWidget(caption)
        self.errors = FieldErrors()
        self.decision_box = QWidget()
        radios = QHBoxLayout(self.decision_box)
        radios.setContentsMargins(0, 0, 0, 0)
        self.decision_group = QButtonGroup(self)
        self.decision_buttons: dict[SignOffDecision, QRadioButton] = {}
        for decision in SignOffDecision:
            button = QRadioButton(DECISION_LABELS[decision])
            button.setProperty("decision", decision.value)
            self.decision_group.addButton(button)
            self.decision_buttons[decision] = button
            radios.addWidget(button)
            button.toggled.connect(self._decision_changed)
        radios.addStretch(1)
        layout.addWidget(self.errors.add("decision", self.decision_box))
        label = QLabel("&Rationale")
        layout.addWidget(label)
        self.rationale = RationaleBox(placeholder=DECISION_PROMPTS[SignOffDecision.APPROVE])
        self.rationale.editor.setAccessibleName("Rationale")
        label.setBuddy(self.rationale.editor)
        self.rationale.editor.textChanged.connect(self._remember_draft)
        layout.addWidget(self.errors.add("rationale", self.rationale), 1)
        layout.addWidget(self.errors.general)
        row = QHBoxLayout()
        row.addStretch(1)
        self.sign_button = QPushButton("Sign off")
        self.sign_button.setDefault(True)
        self.sign_button.setToolTip("Record your decision and rationale (Ctrl+Enter)")
        self.sign_button.clicked.connect(self.submit)
        row.addWidget(self.sign_button)
        layout.addLayout(row)
        self.decision_buttons[SignOffDecision.APPROVE].setChecked(True)  # the usual outcome; the rationale is the check

    def set_policy(self, policy: SignOffPolicy) -> None:
        self.policy = policy
        self.rationale.set_policy(policy.min_words, policy.guidance)
        for decision, button in self.decision_buttons.items():
            button.setVisible(decision in policy.decisions)

    # --- the item and its draft -------------------------------------------------------------------

    def show_item(self, item: QueueItem | None) -> None:
        self.current = item
        self.errors.clear()
        self._set_draft(*self._drafts.get(item.sign_off_id, ("approve", "")) if item else ("approve", ""))

    def reread(self, item: QueueItem) -> None:
        """The item shown, read again: keep what is typed, take its new version."""
        self.current = item

    def keep_drafts(self, live: set[int]) -> None:
        self._drafts = {k: v for k, v in self._drafts.items() if k in live}

    def _set_draft(self, decision: str, text: str) -> None:
        self._loading_draft = True
        try:
            button = self.decision_buttons.get(SignOffDecision(decision))
            if button is not None and not button.isHidden():
                button.setChecked(True)
            self.rationale.set_text(text)
        finally:
            self._loading_draft = False

    def decision(self) -> SignOffDecision:
        checked = self.decision_group.checkedButton()
        return SignOffDecision(str(checked.property("decision"))) if checked else SignOffDecision.APPROVE

    def set_decision(self, decision: SignOffDecision) -> None:
        self.decision_buttons[decision].setChecked(True)

    def _decision_changed(self, *_args) -> None:
        decision = self.decision()
        self.rationale.editor.setPlaceholderText(DECISION_PROMPTS[decision])
        self.sign_button.setText(SIGN_TEXT[decision])
        self._remember_draft()

    def _remember_draft(self) -> None:
        if self.current is not None and not self._loading_draft:
            self._drafts[self.current.sign_off_id] = (self.decision().value, self.rationale.text())

    # --- deciding ---------------------------------------------------------------------------------

    def submit(self) -> None:
        item = self.current
        if item is None or not self.sign_button.isEnabled():
            return
        self.errors.clear()
        self.sign_button.setEnabled(False)
        decision = self.decision()
        self._worker.submit(sign_off, self._services, self._actor, item.sign_off_id, item.version_id, decision,
                            self.rationale.text(), owner=self,
                            on_success=lambda result: self._signed(item, decision, result),
                            on_error=self._refused)

    def _signed(self, item: QueueItem, decision: SignOffDecision, result: SignOffResult) -> None:
        self.sign_button.setEnabled(True)
        self._drafts.pop(item.sign_off_id, None)
        self.current = None
        self.signed.emit(item, decision, result)

    def _refused(self, exc: BaseException) -> None:
        self.sign_button.setEnabled(True)
        if isinstance(exc, ValidationFailed):
            self.errors.show(self._without_guidance(exc))
        elif isinstance(exc, ServiceError) and not isinstance(exc, ConcurrentEditError):
            self.errors.show_general(str(exc))  # in the pane, beside the decision it is about
        else:
            report_failure(self._prompter, exc, title="Not signed off", on_reload=self._on_reload)

    def _without_guidance(self, exc: ValidationFailed) -> ValidationFailed:
        """The guidance is printed under the box already: show only what is wrong."""
        guidance = self.policy.guidance if self.policy else ""
        if not guidance:
            return exc
        return ValidationFailed([FieldProblem(p.field, p.message.replace(guidance, "").strip() or p.message)
                                 for p in exc.problems])

    def refusal(self) -> str:
        """What the service said about the last attempt, as shown in the pane."""
        return "\n".join(t for t in (self.errors.message("rationale"), self.errors.message("decision"),
                                     self.errors.general.text() if not self.errors.general.isHidden() else "") if t)
