"""The breaches page of the record, the breach decision dialog, and warnings.

Every breach ends in one of exactly two ways: a crime reference in the force's format, or a
reasoned decision not to record a crime that a supervisor (not its author) signs. Open breaches
come first, with their age in days, red once a week has passed without a decision. A warning is
recorded beside a breach with its rationale and never closes it.

open_breach_decision(ctx, breach_id) is the way in for other pages (the notifications page opens
it after a late notification).
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QBrush, QColor, QDesktopServices
from PySide6.QtWidgets import (
    QButtonGroup,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from rso_manager.domain.roles import Permission
from rso_manager.services.breaches import (
    BREACH_AGE_ALERT_DAYS,
    STATUTORY_DUTIES,
    BreachDecision,
    BreachInput,
    BreachRegister,
    BreachView,
    NoCrimeProposal,
    WarningInput,
    WarningView,
    breach_decision,
    breach_is_old,
    breach_register,
    decide_no_crime,
    give_warning,
    open_manual_breach,
    print_warning_letter,
    propose_no_crime,
    record_crime_reference,
    record_order_breach,
)
from rso_manager.services.caseload import OffenderRecord
from rso_manager.services.devices import orders_for
from rso_manager.services.unit_of_work import Actor, Services
from ui.apology import apologise
from ui.extensions import record_page
from ui.kit.formatting import fmt_date, fmt_datetime
from ui.kit.forms import DateField, add_row
from ui.kit.record_page import RecordContext, SectionSpec
from ui.kit.tables import Column, RowsModel
from ui.workflows.devices import (
    BOLD,
    RED,
    WorkflowDialog,
    WorkflowPage,
    alert_label,
    combo,
    combo_select,
    data_table,
    hint_label,
    long_combo,
    notice_label,
    select_first,
    selected_row,
    text_editor,
)
from ui.workflows.orders import REQUIREMENT_KINDS, order_title

BREACH_KIND_LABELS = {
    "statutory_duty": "A statutory notification duty",
    "order": "A prohibition or requirement of an order",
    "licence": "A licence condition",
}
WARNING_KIND_LABELS = {"oral": "Oral", "written": "Written"}
SIGN_OFF_LABELS = {"pending": "Awaiting sign-off", "approved": "Signed off", "returned": "Returned",
                   "escalated": "Escalated"}
TWO_WAYS = ("A breach closes in one of two ways only: a crime reference, or a reasoned decision not to "
            "record a crime that a supervisor signs. A warning does not close a breach.")
GREY = QColor("#80868b")
AMBER = QColor("#8a5a00")


def open_document(path: Path) -> None:
    """Open a saved PDF with the desktop's viewer (replaced in tests)."""
    QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


def write_warning_letter(services: Services, actor: Actor, warning_id: int, reference: str) -> Path:
    """On the worker: the letter as a PDF in a private temporary folder, ready to open and print."""
    pdf = print_warning_letter(services, actor, warning_id)
    folder = Path(tempfile.mkdtemp(prefix="rso-letter-"))
    path = folder / f"warning-letter-{reference}-{warning_id}.pdf"
    path.write_bytes(pdf)
    return path


def _breach_of(b: BreachView) -> str:
    if b.order_requirement:
        return b.order_requirement
    if b.duty:
        return b.duty
    return "Licence condition" if b.kind == "licence" else b.kind.replace("_", " ").capitalize()


def _status(b: BreachView, proposal: NoCrimeProposal | None) -> str:
    if b.status != "open":
        return "Closed"
    return "Open: awaiting sign-off" if proposal else "Open"


def _age(b: BreachView) -> str:
    """Days open so far; for a closed breach, the days it took to close (greyed)."""
    return f"{b.age_days} day{'s' if b.age_days != 1 else ''}"


def _warnings_text(b: BreachView) -> str:
    if not b.warnings:
        return ""
    return "\n".join(f"{WARNING_KIND_LABELS.get(w.kind, w.kind)} {fmt_date(w.given_on)}" for w in b.warnings)


def _breach_summary(b: BreachView) -> str:
    when = f"Breach on {fmt_date(b.occurred_on)}: " + (f"open for {b.age_days} day{'s' if b.age_days != 1 else ''}"
                                                        if b.status == "open" else "closed")
    return f"{when}.\n{b.description}\nBreach of: {_breach_of(b)}.\nNow: {b.decision}."


# --- models ---------------------------------------------------------------------------------


def _breaches_model(page: BreachesPage) -> RowsModel[BreachView]:
    """The breaches table; the page supplies the pending proposals for the status column."""

    class Model(RowsModel[BreachView]):
        def extra(self, row: BreachView, column: int, role: int) -> Any:
            if role == Qt.ItemDataRole.TextAlignmentRole:
                return Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft
            if role == Qt.ItemDataRole.ForegroundRole:
                if row.status != "open":
                    return QBrush(GREY)
                if column == 1 and breach_is_old(row):
                    return QBrush(RED)
                if column == 3 and row.breach_id in page.proposals:
                    return QBrush(AMBER)
            if role == Qt.ItemDataRole.FontRole and row.status == "open" and column in (1, 3):
                return BOLD if column == 3 or breach_is_old(row) else None
            if role == Qt.ItemDataRole.ToolTipRole and column == 1 and breach_is_old(row):
                return f"Open for more than {BREACH_AGE_ALERT_DAYS} days without a crime reference or a signed decision."
            return None

    return Model([
        Column("Occurred", lambda b: fmt_date(b.occurred_on), lambda b: b.occurred_on.toordinal()),
        Column("Age", _age, lambda b: (b.status == "open", b.age_days)),
        Column("What happened", lambda b: b.description, tooltip=lambda b: f"{b.description}\nBreach of: {_breach_of(b)}"),
        Column("Status", lambda b: _status(b, page.proposals.get(b.breach_id))),
        Column("Crime reference", lambda b: b.crime_reference or ""),
        Column("Decision", lambda b: b.decision, tooltip=lambda b: b.decision),
        Column("Warnings", _warnings_text),
    ], page)


def _warnings_model(page: BreachesPage) -> RowsModel[WarningView]:
    def breach_text(w: WarningView) -> str:
        b = page.breach_by_id(w.breach_id) if w.breach_id else None
        return f"Breach of {fmt_date(b.occurred_on)}" if b else ("" if not w.breach_id else "A breach")

    class Model(RowsModel[WarningView]):
        def extra(self, row: WarningView, column: int, role: int) -> Any:
            if role == Qt.ItemDataRole.TextAlignmentRole:
                return Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft
            if column == 5 and row.sign_off_status == "returned" and role == Qt.ItemDataRole.ForegroundRole:
                return QBrush(RED)
            return None

    return Model([
        Column("Given on", lambda w: fmt_date(w.given_on), lambda w: w.given_on.toordinal()),
        Column("Kind", lambda w: WARNING_KIND_LABELS.get(w.kind, w.kind)),
        Column("Given by", lambda w: w.given_by),
        Column("Rationale", lambda w: w.rationale, tooltip=lambda w: w.rationale),
        Column("About", breach_text),
        Column("Sign-off", lambda w: SIGN_OFF_LABELS.get(w.sign_off_status or "", "") if w.kind == "written" else "Not needed"),
    ], page)


# --- the decision dialog ----------------------------------------------------------------------


def _record_of(ctx: RecordContext, record: OffenderRecord | None) -> OffenderRecord | None:
    if record is not None:
        return record
    candidate = getattr(ctx.window, "record", None)
    return candidate if isinstance(candidate, OffenderRecord) else None


class BreachDecisionDialog(WorkflowDialog):
    """The two ways to close a breach: (a) a crime reference, (b) a reasoned proposal not to record
    a crime, which goes to a supervisor. Loads the breach itself, so any page can open it."""

    def __init__(self, ctx: RecordContext, breach_id: int, record: OffenderRecord | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(ctx, _record_of(ctx, record), "Decision on a breach", "", action="Record the crime reference",
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
        self.form.addRow("&Crime reference", self.errors.add("crime_reference", self.crime_reference))
        self.format_hint = hint_label()
        self.form.addRow("", self.format_hint)
        self.form.addRow(self.no_crime_option)
        self.rationale = text_editor("What happened and what was considered, why recording a crime is not right "
                                     "in this case, and what will be done instead", 110)
        self.form.addRow("&Reasons", self.errors.add("rationale", self.rationale))
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
        self.finish_layout()
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
        self.summary.setText(_breach_summary(b))
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
        self._initial = self._typed()
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
        self.supervisor_dialog.done.connect(lambda _r: self.accept())
        self.supervisor_dialog.open()
        return self.supervisor_dialog


def open_breach_decision(ctx: RecordContext, breach_id: int, record: OffenderRecord | None = None) -> BreachDecisionDialog:
    """Show the decision dialog for one breach (from any page: it loads the breach itself)."""
    dialog = BreachDecisionDialog(ctx, breach_id, record)
    dialog.open()
    return dialog


class NoCrimeDecisionDialog(WorkflowDialog):
    """A supervisor approves (the breach closes, no crime recorded) or returns the proposal."""

    def __init__(self, ctx: RecordContext, breach: BreachView, proposal: NoCrimeProposal,
                 record: OffenderRecord | None = None, parent: QWidget | None = None) -> None:
        super().__init__(ctx, _record_of(ctx, record), "No-crime decision",
                         "", action="Record my decision", parent=parent, width=640)
        self.breach, self.proposal = breach, proposal
        summary = notice_label(_breach_summary(breach))
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
        add_row(self.form, "Decision", self.errors, "decision", box)
        self.rationale = text_editor("Why you approve or return it: what you read, what you weighed, and what "
                                     "happens next", 110)
        add_row(self.form, "Your &reasons", self.errors, "rationale", self.rationale)
        self.form.addRow("", hint_label("Your reasons are signed with your name and kept with the breach. Stock "
                                        "phrases and wording copied from your recent sign-offs are refused."))
        self.finish_layout()
        self.rationale.setFocus()

    def choice(self) -> str:
        if self.approve.isChecked():
            return "approve"
        return "return" if self.send_back.isChecked() else ""

    def submit(self) -> None:
        self.call(decide_no_crime, self.ctx.services, self.ctx.actor, self.proposal.sign_off_id, self.choice(),
                  self.rationale.toPlainText())


# --- opening a breach, giving a warning ---------------------------------------------------------


class OpenBreachDialog(WorkflowDialog):
    """A breach no automatic rule caught: a duty, an order's item, or a licence condition."""

    def __init__(self, ctx: RecordContext, record: OffenderRecord, parent: QWidget | None = None) -> None:
        super().__init__(ctx, record, "Open a breach",
                         "For a breach found another way (intelligence, a licence condition, an order's "
                         "prohibition). Late and missed notifications and undeclared devices open their "
                         "breaches by themselves.", action="Open the breach", parent=parent, width=620)
        self.kind = combo(BREACH_KIND_LABELS)
        add_row(self.form, "&Breach of", self.errors, "kind", self.kind)
        self.duty = combo([(None, "Choose the duty...")] + list(STATUTORY_DUTIES.items()))
        add_row(self.form, "&Duty", self.errors, "duty", self.duty)
        self.requirement = long_combo()
        self.requirement.addItem("Loading the orders...", None)
        add_row(self.form, "Order &item", self.errors, "order_requirement_id", self.requirement)
        self.occurred_on = DateField(calendar_start=ctx.services.clock.today)
        add_row(self.form, "&Happened on", self.errors, "occurred_on", self.occurred_on)
        self.description = text_editor("What was done or not done, and how it came to light", 90)
        add_row(self.form, "&What happened", self.errors, "description", self.description)
        self.form.addRow("", hint_label(TWO_WAYS))
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.finish_layout()
        self._kind_changed()
        ctx.worker.submit(orders_for, ctx.services, ctx.actor, record.offender_id, owner=self,
                          on_success=self._orders_loaded, on_error=lambda e: apologise(ctx.prompter, e))
        self.kind.setFocus()

    def _orders_loaded(self, orders) -> None:
        self.requirement.clear()
        items = [(r.requirement_id, f"{order_title(o)}: {REQUIREMENT_KINDS.get(r.kind, r.kind)}: {r.text}"
                  + ("" if r.in_force else " (ended)"))
                 for o in orders for r in o.requirements]
        self.requirement.addItem("Choose the prohibition or requirement..." if items else "No order items recorded", None)
        for value, text in items:
            self.requirement.addItem(text, value)
            self.requirement.setItemData(self.requirement.count() - 1, text, Qt.ItemDataRole.ToolTipRole)

    def _kind_changed(self, *_args) -> None:
        kind = self.kind.currentData()
        for name, show in (("duty", kind == "statutory_duty"), ("order_requirement_id", kind == "order")):
            widget = self.errors.widget(name)
            container = widget.parentWidget()
            container.setVisible(show)
            label = self.form.labelForField(container)
            if label is not None:
                label.setVisible(show)

    def submit(self) -> None:
        assert self.record is not None
        kind = self.kind.currentData()
        requirement_id = self.requirement.currentData()
        if kind == "order" and requirement_id is not None:
            self.call(record_order_breach, self.ctx.services, self.ctx.actor, self.record.offender_id, requirement_id,
                      self.occurred_on.date(), self.description.toPlainText())
            return
        self.call(open_manual_breach, self.ctx.services, self.ctx.actor, self.record.offender_id, BreachInput(
            kind=kind, occurred_on=self.occurred_on.date(), description=self.description.toPlainText(),
            order_requirement_id=requirement_id if kind == "order" else None,
            duty=self.duty.currentData() if kind == "statutory_duty" else None))

    def after_success(self, result: Any) -> None:
        if isinstance(result, BreachView) and result.already_open:
            self.ctx.prompter.warning(
                "Breach already open",
                f"A breach for this duty and date is already open (breach on {fmt_date(result.occurred_on)}: "
                f"{result.description}). One failure is one breach, so no second one was opened; add what you "
                "found to the open breach's decision or give a warning against it.")


class WarningDialog(WorkflowDialog):
    """An oral or written warning with the officer's rationale; it never closes a breach."""

    def __init__(self, ctx: RecordContext, record: OffenderRecord, breaches: list[BreachView],
                 breach_id: int | None = None, parent: QWidget | None = None) -> None:
        super().__init__(ctx, record, "Give a warning",
                         "Record what the offender was warned about and why a warning was the right response.",
                         action="Record the warning", parent=parent, width=600)
        box = QWidget()
        row = QHBoxLayout(box)
        row.setContentsMargins(0, 0, 0, 0)
        self.oral = QRadioButton("Oral")
        self.written = QRadioButton("Written (a letter, signed off by a supervisor)")
        self.oral.setChecked(True)
        row.addWidget(self.oral)
        row.addWidget(self.written)
        row.addStretch(1)
        add_row(self.form, "Kind", self.errors, "kind", box)
        self.given_on = DateField(calendar_start=ctx.services.clock.today)
        self.given_on.set_date(ctx.services.clock.today())
        add_row(self.form, "&Given on", self.errors, "given_on", self.given_on)
        self.breach = long_combo()
        self.breach.addItem("Not about a particular breach", None)
        for b in breaches:
            text = f"{fmt_date(b.occurred_on)}: {b.description}" + ("" if b.status == "open" else " (closed)")
            self.breach.addItem(text if len(text) <= 90 else text[:87] + "...", b.breach_id)
            self.breach.setItemData(self.breach.count() - 1, text, Qt.ItemDataRole.ToolTipRole)
        combo_select(self.breach, breach_id)
        add_row(self.form, "About the &breach", self.errors, "breach_id", self.breach)
        self.rationale = text_editor("What the offender was warned about, why a warning and not another response, "
                                     "and what happens if it happens again", 110)
        add_row(self.form, "&Rationale", self.errors, "rationale", self.rationale)
        note = notice_label("A warning does not close a breach. The breach still needs a crime reference, or a "
                            "reasoned decision not to record a crime that a supervisor signs.")
        self.layout_.insertWidget(self.layout_.indexOf(self.errors.general), note)
        self.finish_layout()
        self.rationale.setFocus()

    def submit(self) -> None:
        assert self.record is not None
        self.call(give_warning, self.ctx.services, self.ctx.actor, self.record.offender_id, WarningInput(
            kind="written" if self.written.isChecked() else "oral", rationale=self.rationale.toPlainText(),
            given_on=self.given_on.date(), breach_id=self.breach.currentData()))


# --- the page ---------------------------------------------------------------------------------


class BreachesPage(WorkflowPage):
    def __init__(self, ctx: RecordContext, spec: SectionSpec) -> None:
        super().__init__(ctx, spec, "Breaches of notification duties, orders and licences, open ones first, and "
                                    "warnings. " + TWO_WAYS)
        self.register: BreachRegister | None = None
        self.proposals: dict[int, NoCrimeProposal] = {}
        self.opener: Callable[[Path], None] | None = None  # tests replace the PDF viewer
        self.decision_button = self.add_button_for("Record the decision...", self.record_decision,
                                                   tip="A crime reference, or a reasoned proposal not to record a crime")
        self.decide_button = self.add_button_for("Decide...", self.decide,
                                                 tip="Approve or return a proposal not to record a crime")
        self.decide_button.setVisible(ctx.actor.can(Permission.SIGN_OFF))
        self.open_button = self.add_button_for("Open a breach...", self.open_breach)
        self.warning_button = self.add_button_for("Give a warning...", self.give_warning)
        self.print_button = self.add_button_for("Print warning letter...", self.print_letter,
                                                tip="The selected written warning as a PDF letter")
        self.print_button.setVisible(ctx.actor.can(Permission.PRINT_REPORTS))
        self.shortcut("Ctrl+Shift+R", self.record_decision, self.decision_button)
        self.shortcut("Ctrl+Shift+B", self.open_breach, self.open_button)
        self.shortcut("Ctrl+Shift+W", self.give_warning, self.warning_button)

        content = QWidget()
        layout = QVBoxLayout(content)
        layout.setContentsMargins(0, 0, 0, 0)
        self.alert = alert_label()
        layout.addWidget(self.alert)
        self.breaches_model = _breaches_model(self)
        self.breaches_view = data_table(self.breaches_model, wrap=True)
        self.breaches_view.setAccessibleName("Breaches")
        header = self.breaches_view.horizontalHeader()
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        char = self.fontMetrics().averageCharWidth()
        for column, chars in ((3, 16), (5, 24)):  # status and decision wrap rather than crowd the description
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(column, chars * char)
        self.breaches_view.selectionModel().selectionChanged.connect(self._breach_selected)
        self.breaches_view.doubleClicked.connect(lambda *_: self.record_decision())
        self.breaches_empty = QLabel("No breaches recorded.")
        self.breaches_empty.setObjectName("emptyState")
        self.breaches_empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.breaches_stack = QStackedWidget()
        self.breaches_stack.addWidget(self.breaches_view)
        self.breaches_stack.addWidget(self.breaches_empty)
        self.detail = QLabel()
        self.detail.setWordWrap(True)
        self.detail.setTextFormat(Qt.TextFormat.PlainText)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.detail.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.detail.setStyleSheet("QLabel { background: #f3f6fa; padding: 8px; }")
        detail_scroll = QScrollArea()
        detail_scroll.setWidgetResizable(True)
        detail_scroll.setWidget(self.detail)
        detail_scroll.setStyleSheet("QScrollArea { border: 1px solid #d5dde8; border-radius: 4px; background: #f3f6fa; }")
        detail_scroll.setMinimumHeight(90)

        warnings = QWidget()
        warnings_layout = QVBoxLayout(warnings)
        warnings_layout.setContentsMargins(0, 6, 0, 0)
        title = QLabel("Warnings")
        title.setStyleSheet("QLabel { font-weight: 600; color: #1f3a5f; }")
        warnings_layout.addWidget(title)
        self.warnings_model = _warnings_model(self)
        self.warnings_view = data_table(self.warnings_model, wrap=True)
        self.warnings_view.setAccessibleName("Warnings")
        self.warnings_view.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.warnings_view.selectionModel().selectionChanged.connect(self._warning_selected)
        self.warnings_empty = QLabel("No warnings given.")
        self.warnings_empty.setObjectName("emptyState")
        self.warnings_empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.warnings_stack = QStackedWidget()
        self.warnings_stack.addWidget(self.warnings_view)
        self.warnings_stack.addWidget(self.warnings_empty)
        warnings_layout.addWidget(self.warnings_stack, 1)

        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.breaches_stack)
        splitter.addWidget(detail_scroll)
        splitter.addWidget(warnings)
        splitter.setStretchFactor(0, 4)
        splitter.setStretchFactor(1, 1)
        splitter.setStretchFactor(2, 2)
        splitter.setSizes([320, 110, 170])
        splitter.setChildrenCollapsible(False)
        layout.addWidget(splitter, 1)
        self.set_page(content)

    # --- data ----------------------------------------------------------------------------------

    def load(self, services, actor, offender_id: int) -> BreachRegister:
        return breach_register(services, actor, offender_id)

    def show_data(self, register: BreachRegister) -> None:
        current = self.selected_breach()
        self.register = register
        self.proposals = dict(register.proposals)
        self.breaches_model.set_rows(register.breaches)
        self.warnings_model.set_rows(register.warnings)
        self.breaches_stack.setCurrentWidget(self.breaches_view if register.breaches else self.breaches_empty)
        self.warnings_stack.setCurrentWidget(self.warnings_view if register.warnings else self.warnings_empty)
        # Only the breaches still needing a decision: one with a crime reference or a signed
        # decision has its answer, whatever its status says.
        undecided = [b for b in register.breaches if b.needs_decision]
        old = [b for b in undecided if breach_is_old(b)]
        text = ""
        if undecided:
            text = (f"{len(undecided)} open breach{'es' if len(undecided) != 1 else ''} without a crime reference "
                    "or a signed decision: each needs one or the other.")
            if old:
                text += f" {len(old)} {'has' if len(old) == 1 else 'have'} been open for more than a week."
        self.alert.setText(text)
        self.alert.setVisible(bool(text))
        if not select_first(self.breaches_view, lambda b: current is not None and b.breach_id == current.breach_id):
            select_first(self.breaches_view)
        self._breach_selected()

    def breach_by_id(self, breach_id: int | None) -> BreachView | None:
        if self.register is None or breach_id is None:
            return None
        return next((b for b in self.register.breaches if b.breach_id == breach_id), None)

    def selected_breach(self) -> BreachView | None:
        return selected_row(self.breaches_view)

    def selected_warning(self) -> WarningView | None:
        return selected_row(self.warnings_view)

    def select_breach(self, breach_id: int) -> bool:
        return select_first(self.breaches_view, lambda b: b.breach_id == breach_id)

    def select_warning(self, warning_id: int) -> bool:
        return select_first(self.warnings_view, lambda w: w.warning_id == warning_id)

    def selected_key(self) -> tuple[str, int] | None:
        warning = self.selected_warning()
        if warning is not None:
            return ("warning", warning.warning_id)
        breach = self.selected_breach()
        return ("breach", breach.breach_id) if breach else None

    def _breach_selected(self, *_args) -> None:
        b = self.selected_breach()
        if b is not None and self.warnings_view.selectionModel().hasSelection():
            self.warnings_view.selectionModel().clearSelection()
        self.detail.setText(self._detail(b) if b else "Select a breach to read it in full.")
        self._selection_changed()

    def _warning_selected(self, *_args) -> None:
        if self.selected_warning() is not None and self.breaches_view.selectionModel().hasSelection():
            self.breaches_view.selectionModel().clearSelection()
        self._selection_changed()

    def _detail(self, b: BreachView) -> str:
        lines = [_breach_summary(b)]
        proposal = self.proposals.get(b.breach_id)
        if proposal is not None:
            lines.append(f"Proposed by {proposal.proposed_by} on {fmt_datetime(proposal.proposed_at)} not to record "
                         f"a crime: {proposal.rationale}")
            if not proposal.may_decide and self.ctx.actor.can(Permission.SIGN_OFF) and proposal.why_not:
                lines.append(proposal.why_not)
        elif b.no_crime_rationale:
            lines.append(f"Reasons for not recording a crime: {b.no_crime_rationale}")
        for w in b.warnings:
            lines.append(f"{WARNING_KIND_LABELS.get(w.kind, w.kind)} warning given {fmt_date(w.given_on)} by "
                         f"{w.given_by}: {w.rationale}")
        return "\n".join(lines)

    def update_buttons(self) -> None:
        b = self.selected_breach()
        proposal = self.proposals.get(b.breach_id) if b else None
        self.decision_button.setEnabled(b is not None and b.status == "open")
        self.decide_button.setEnabled(proposal is not None and proposal.may_decide)
        self.decide_button.setToolTip(proposal.why_not if proposal and proposal.why_not else
                                      "Approve or return a proposal not to record a crime")
        warning = self.selected_warning()
        self.print_button.setEnabled(warning is not None and warning.kind == "written")

    # --- actions -------------------------------------------------------------------------------

    def record_decision(self) -> BreachDecisionDialog | None:
        b = self.selected_breach()
        if b is None or b.status != "open" or not self.can_write:
            return None
        return self.open_dialog(BreachDecisionDialog(self.ctx, b.breach_id, self.record))

    def decide(self) -> NoCrimeDecisionDialog | None:
        b = self.selected_breach()
        proposal = self.proposals.get(b.breach_id) if b else None
        if b is None or proposal is None or not proposal.may_decide:
            return None
        return self.open_dialog(NoCrimeDecisionDialog(self.ctx, b, proposal, self.record))

    def open_breach(self) -> OpenBreachDialog | None:
        if self.record is None or not self.can_write:
            return None
        return self.open_dialog(OpenBreachDialog(self.ctx, self.record))

    def give_warning(self) -> WarningDialog | None:
        if self.record is None or not self.can_write:
            return None
        b = self.selected_breach()
        breaches = list(self.register.breaches) if self.register else []
        return self.open_dialog(WarningDialog(self.ctx, self.record, breaches, b.breach_id if b else None))

    def print_letter(self) -> None:
        warning = self.selected_warning()
        if warning is None or warning.kind != "written" or self.record is None:
            return
        self.print_button.setEnabled(False)

        def printed(path: Path) -> None:
            self.update_buttons()
            (self.opener or open_document)(path)

        def failed(exc: BaseException) -> None:
            self.update_buttons()
            self.ctx.report(exc, "The letter was not printed")

        self.ctx.worker.submit(write_warning_letter, self.ctx.services, self.ctx.actor, warning.warning_id,
                               self.record.reference, owner=self, on_success=printed, on_error=failed)


@record_page("breaches")
def breaches_page(ctx: RecordContext, spec: SectionSpec) -> BreachesPage:
    return BreachesPage(ctx, spec)
