"""Supervisor sign-off: the queue page (Go > Sign-off queue, Ctrl+3) and absences and cover.

The queue lists what the signed-in supervisor must decide, oldest first, with why each item is
there (their own queue, covering for an absent colleague, or escalated). A decision needs a
reasoned rationale: the service judges it, and a refusal is shown in the pane with the text kept.

Also home to the small form pieces the supervision and safeguarding workflows share: a date and
time field, a dialog that saves through a service on the worker, and a rationale box with its
guidance and live word count.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QItemSelectionModel, QSortFilterProxyModel, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QBrush, QColor, QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from rso_manager.domain.rationale import SignOffDecision
from rso_manager.domain.roles import Permission, Role
from rso_manager.services.errors import (
    ConcurrentEditError,
    FieldProblem,
    ServiceError,
    ValidationFailed,
)
from rso_manager.services.supervision import (
    AbsenceRow,
    CoverOptions,
    QueueItem,
    SignOffEntry,
    SignOffPolicy,
    SignOffResult,
    absences_from,
    cover_options,
    name_cover,
    queue_for,
    record_absence_and_cover,
    sign_off,
    sign_off_entry,
    sign_off_policy,
)
from rso_manager.services.unit_of_work import Actor, Services
from ui.apology import apologise
from ui.extensions import main_window_hook
from ui.kit.formatting import fmt_date, fmt_datetime, show_value
from ui.kit.forms import (
    DateField,
    FieldErrors,
    RationaleBox,
    add_row,
    combo_data,
    error_label,
    report_failure,
    select_data,
    typed_problems,
)
from ui.kit.tables import Column, RowsModel, SortRole
from ui.prompter import Prompter
from ui.worker import Worker

if TYPE_CHECKING:
    from ui.main_window import MainWindow

RED = QColor("#b3261e")
QUEUE_REFRESH_MS = 5 * 60 * 1000  # the badge stays current without anyone pressing F5

DECISION_LABELS = {
    SignOffDecision.APPROVE: "&Approve",
    SignOffDecision.RETURN: "&Return to the author with direction",
    SignOffDecision.ESCALATE: "&Escalate to the OMU lead",
}
DECISION_DONE = {SignOffDecision.APPROVE: "Approved", SignOffDecision.RETURN: "Returned with direction",
                 SignOffDecision.ESCALATE: "Escalated to the OMU lead"}
DECISION_PROMPTS = {
    SignOffDecision.APPROVE: "What you considered, why you approve, and what happens next and by when.",
    SignOffDecision.RETURN: "What must change, why, who is to do it and by when.",
    SignOffDecision.ESCALATE: "What you considered, why the OMU lead must decide, and what is needed by when.",
}


# --- shared form pieces ------------------------------------------------------------------------

def _age_text(item: QueueItem) -> str:
    if item.age_days == 0:
        return "Today"
    return "1 day" if item.age_days == 1 else f"{item.age_days} days"


class QueueModel(RowsModel[QueueItem]):
    def __init__(self, parent=None) -> None:
        super().__init__([
            Column("Waiting", _age_text, lambda i: (i.requested_at.timestamp() * -1)),
            Column("Working days", lambda i: str(i.age_working_days), lambda i: i.age_working_days),
            Column("Offender", lambda i: f"{i.offender_name} ({i.offender_reference})" if i.offender_name else "No record",
                   tooltip=lambda i: i.offender_name),
            Column("To decide", lambda i: i.summary, tooltip=lambda i: i.summary),
            Column("Written by", lambda i: i.author or ""),
            Column("Why it is here", lambda i: i.why_here, tooltip=lambda i: i.routing),
        ], parent)
        self._bold = QFont()
        self._bold.setBold(True)

    def extra(self, row: QueueItem, column: int, role: int) -> Any:
        if row.escalated and role == Qt.ItemDataRole.ForegroundRole and column in (0, 1, 5):
            return QBrush(RED)
        if row.escalated and role == Qt.ItemDataRole.FontRole and column == 5:
            return self._bold
        if role == Qt.ItemDataRole.TextAlignmentRole and column == 1:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def row_for(self, sign_off_id: int) -> int | None:
        return next((i for i, r in enumerate(self.rows()) if r.sign_off_id == sign_off_id), None)


class SignOffQueuePage(QWidget):
    """Go > Sign-off queue: what the signed-in supervisor must decide, and the decision pane."""

    count_changed = Signal(int)
    loaded = Signal(int)
    signed = Signal(object)  # SignOffResult

    def __init__(self, services: Services, actor: Actor, worker: Worker, prompter: Prompter, *,
                 open_offender: Callable[[int, str], object] | None = None,
                 status: Callable[[str], None] | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services, self._actor, self._worker, self._prompter = services, actor, worker, prompter
        self._open_offender = open_offender
        self._status = status or (lambda _text: None)
        self.policy: SignOffPolicy | None = None
        self.loading = False
        self._seq = 0
        self._drafts: dict[int, tuple[str, str]] = {}  # sign_off_id -> (decision, text) not yet saved
        self._entry_seq = 0
        self._loading_draft = False
        self._entry_shown: int | None = None
        self.current: QueueItem | None = None

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        top = QHBoxLayout()
        self.title = QLabel("Sign-off queue")
        self.title.setObjectName("pageTitle")
        top.addWidget(self.title)
        self.loading_label = QLabel("Loading...")
        self.loading_label.setObjectName("loading")
        self.loading_label.setVisible(False)
        top.addWidget(self.loading_label)
        top.addStretch(1)
        self.refresh_button = QPushButton("Refresh")
        self.refresh_button.setToolTip("Read the queue again (F5 refreshes the caseload)")
        self.refresh_button.clicked.connect(self.refresh)
        top.addWidget(self.refresh_button)
        layout.addLayout(top)
        self.about = QLabel("Oldest first. Each decision needs a reasoned rationale: what was considered, "
                            "the decision, and what happens next and by when.")
        self.about.setObjectName("hint")
        self.about.setWordWrap(True)
        layout.addWidget(self.about)

        self.model = QueueModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSortRole(SortRole)
        self.proxy.setSourceModel(self.model)
        self.table = QTableView()
        self.table.setObjectName("signOffQueue")
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(-1, Qt.SortOrder.AscendingOrder)  # the service's order: oldest first
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setAccessibleName("Items waiting for your sign-off")
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 10)
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        for column in range(self.model.columnCount()):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)  # the queue is short: fit to content
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.empty = QLabel("Nothing is waiting for your sign-off.")
        self.empty.setObjectName("emptyState")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.table_stack = QStackedWidget()
        self.table_stack.addWidget(self.table)
        self.table_stack.addWidget(self.empty)

        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self.table_stack)
        self.pane = self._build_pane()
        self.splitter.addWidget(self.pane)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 3)
        layout.addWidget(self.splitter, 1)
        self._show_item(None)

        self.timer = QTimer(self)
        self.timer.setInterval(QUEUE_REFRESH_MS)
        self.timer.timeout.connect(self.refresh)
        self.timer.start()
        worker.submit(sign_off_policy, services, actor, owner=self, on_success=self._policy_loaded,
                      on_error=self._report)

    # --- building -------------------------------------------------------------------------------

    def _build_pane(self) -> QWidget:
        pane = QFrame()
        pane.setObjectName("signOffPane")
        pane.setStyleSheet("QFrame#signOffPane { background: #ffffff; border: 1px solid #d5dde8; border-radius: 4px; }"
                           "QFrame#signOffPane QLabel { background: transparent; }")
        outer = QHBoxLayout(pane)
        outer.setContentsMargins(12, 10, 12, 10)
        outer.setSpacing(18)

        # Left: the entry.
        left = QVBoxLayout()
        self.entry_heading = QLabel()
        self.entry_heading.setObjectName("dialogHeading")
        self.entry_heading.setTextFormat(Qt.TextFormat.PlainText)
        self.entry_heading.setWordWrap(True)
        left.addWidget(self.entry_heading)
        self.entry_summary = QLabel()
        self.entry_summary.setTextFormat(Qt.TextFormat.PlainText)
        self.entry_summary.setWordWrap(True)
        self.entry_summary.setStyleSheet("font-weight: 600;")
        self.entry_summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        left.addWidget(self.entry_summary)
        self.entry_meta = QLabel()
        self.entry_meta.setObjectName("hint")
        self.entry_meta.setTextFormat(Qt.TextFormat.PlainText)
        self.entry_meta.setWordWrap(True)
        left.addWidget(self.entry_meta)
        self.entry_why = QLabel()
        self.entry_why.setTextFormat(Qt.TextFormat.PlainText)
        self.entry_why.setWordWrap(True)
        left.addWidget(self.entry_why)
        self.fields_widget = QWidget()
        self.fields_form = QFormLayout(self.fields_widget)
        self.fields_form.setContentsMargins(0, 4, 0, 0)
        self.fields_form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        self.fields_form.setVerticalSpacing(3)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(self.fields_widget)
        scroll.viewport().setAutoFillBackground(False)
        self.fields_widget.setAutoFillBackground(False)
        scroll.setStyleSheet("QScrollArea, QScrollArea > QWidget > QWidget { background: transparent; }")
        left.addWidget(scroll, 1)
        buttons = QHBoxLayout()
        self.open_button = QPushButton("Open record")
        self.open_button.setToolTip("Open the offender's record (Ctrl+O); you are asked the reason first")
        self.open_button.setShortcut(QKeySequence("Ctrl+O"))
        self.open_button.clicked.connect(self.open_record)
        buttons.addWidget(self.open_button)
        buttons.addStretch(1)
        left.addLayout(buttons)
        outer.addLayout(left, 1)

        # Right: the decision.
        right = QVBoxLayout()
        caption = QLabel("Your decision")
        caption.setObjectName("dialogHeading")
        right.addWidget(caption)
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
        right.addWidget(self.errors.add("decision", self.decision_box))
        label = QLabel("&Rationale")
        right.addWidget(label)
        self.rationale = RationaleBox(placeholder=DECISION_PROMPTS[SignOffDecision.APPROVE])
        self.rationale.editor.setAccessibleName("Rationale")
        label.setBuddy(self.rationale.editor)
        self.rationale.editor.textChanged.connect(self._remember_draft)
        right.addWidget(self.errors.add("rationale", self.rationale), 1)
        right.addWidget(self.errors.general)
        row = QHBoxLayout()
        row.addStretch(1)
        self.sign_button = QPushButton("Sign off")
        self.sign_button.setDefault(True)
        self.sign_button.setToolTip("Record your decision and rationale (Ctrl+Enter)")
        self.sign_button.clicked.connect(self.submit)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(self.submit)
        row.addWidget(self.sign_button)
        right.addLayout(row)
        outer.addLayout(right, 1)
        self.decision_buttons[SignOffDecision.APPROVE].setChecked(True)  # the usual outcome; the rationale is the check
        return pane

    # --- loading --------------------------------------------------------------------------------

    def _policy_loaded(self, policy: SignOffPolicy) -> None:
        self.policy = policy
        self.rationale.set_policy(policy.min_words, policy.guidance)
        for decision, button in self.decision_buttons.items():
            button.setVisible(decision in policy.decisions)
        self.about.setText(
            "Oldest first. Each decision needs a reasoned rationale: what was considered, the decision, "
            f"and what happens next and by when. Items waiting more than {policy.escalation_working_days} "
            "working days are escalated to the OMU lead.")

    def refresh(self) -> None:
        self._seq += 1
        seq = self._seq
        self.loading = True
        self.loading_label.setVisible(True)
        self._worker.submit(queue_for, self._services, self._actor, owner=self,
                            on_success=lambda items: self._arrived(seq, items),
                            on_error=lambda exc: self._load_failed(seq, exc))

    def _arrived(self, seq: int, items: list[QueueItem]) -> None:
        if seq != self._seq:
            return
        keep = self.current.sign_off_id if self.current else None
        self.model.set_rows(items)
        self.loading = False
        self.loading_label.setVisible(False)
        live = {i.sign_off_id for i in items}
        self._drafts = {k: v for k, v in self._drafts.items() if k in live}
        self.table_stack.setCurrentWidget(self.table if items else self.empty)
        self.title.setText(f"Sign-off queue ({len(items)})" if items else "Sign-off queue")
        row = self.model.row_for(keep) if keep is not None else None
        if items:
            self.select_row(row if row is not None else 0)
        else:
            self._show_item(None)
        self.count_changed.emit(len(items))
        self.loaded.emit(len(items))

    def _load_failed(self, seq: int, exc: BaseException) -> None:
        if seq != self._seq:
            return
        self.loading = False
        self.loading_label.setVisible(False)
        self._report(exc)

    def _report(self, exc: BaseException) -> None:
        report_failure(self._prompter, exc, title="The sign-off queue could not be loaded")

    def count(self) -> int:
        return self.model.rowCount()

    # --- the selected item ------------------------------------------------------------------------

    def select_row(self, row: int) -> None:
        source = self.model.index(row, 0)
        index = self.proxy.mapFromSource(source)
        self.table.selectionModel().select(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
        self.table.setCurrentIndex(index)

    def select_item(self, sign_off_id: int) -> bool:
        row = self.model.row_for(sign_off_id)
        if row is None:
            return False
        self.select_row(row)
        return True

    def selected_item(self) -> QueueItem | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        return self.model.row_at(self.proxy.mapToSource(rows[0]).row())

    def _selection_changed(self, *_args) -> None:
        item = self.selected_item()
        if item is None or self.current is None or item.sign_off_id != self.current.sign_off_id:
            self._show_item(item)
        else:
            self.current = item  # the same item re-read: keep what is typed, take its new version

    def _show_item(self, item: QueueItem | None) -> None:
        self.current = item
        self.errors.clear()
        self.pane.setEnabled(item is not None)
        self._clear_fields()
        if item is None:
            self.entry_heading.setText("Nothing selected")
            self.entry_summary.setText("")
            self.entry_meta.setText("")
            self.entry_why.setText("")
            self._set_draft("approve", "")
            return
        who = f"{item.offender_name} ({item.offender_reference})" if item.offender_name else "Not on an offender record"
        self.entry_heading.setText(who)
        self.entry_summary.setText(item.summary)
        self.entry_meta.setText(
            f"Written by {item.author or 'unknown'}; sent for sign-off {fmt_datetime(item.requested_at)}, "
            f"waiting {_age_text(item)} ({item.age_working_days} working).")
        self.entry_why.setText(f"{item.why_here}. {item.why_detail}")
        self.entry_why.setStyleSheet(f"color: {RED.name()}; font-weight: 600;" if item.escalated else "")
        self.open_button.setEnabled(item.offender_id is not None and self._open_offender is not None)
        self._set_draft(*self._drafts.get(item.sign_off_id, ("approve", "")))
        self._entry_shown = None
        if self.isVisible():
            self._load_entry()

    def _load_entry(self) -> None:
        """Read the entry itself. Only when the page is on screen: reading it is audited as a
        consultation, which a badge refresh in the background is not."""
        item = self.current
        if item is None or self._entry_shown == item.sign_off_id:
            return
        self._entry_shown = item.sign_off_id
        self._entry_seq += 1
        seq = self._entry_seq
        self._worker.submit(sign_off_entry, self._services, self._actor, item.sign_off_id, owner=self,
                            on_success=lambda entry: self._entry_arrived(seq, entry),
                            on_error=lambda exc: self._entry_failed(seq, exc))

    def showEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        self._load_entry()

    def _clear_fields(self) -> None:
        while self.fields_form.rowCount():
            self.fields_form.removeRow(0)

    def _entry_arrived(self, seq: int, entry: SignOffEntry) -> None:
        if seq != self._entry_seq:
            return
        self._clear_fields()
        caption = QLabel(entry.title + (" (entered in error)" if entry.voided else ""))
        caption.setObjectName("headerCaption")
        caption.setWordWrap(True)
        caption.setTextFormat(Qt.TextFormat.PlainText)
        self.fields_form.addRow(caption)
        for label, value in entry.fields:
            text = QLabel(show_value(value))
            text.setTextFormat(Qt.TextFormat.PlainText)
            text.setWordWrap(True)
            text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.fields_form.addRow(QLabel(label + ":"), text)

    def _entry_failed(self, seq: int, exc: BaseException) -> None:
        if seq != self._entry_seq:
            return
        if isinstance(exc, ServiceError):
            self.fields_form.addRow(QLabel(str(exc)))
        else:
            apologise(self._prompter, exc)

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
        self.sign_button.setText({SignOffDecision.APPROVE: "Sign off: approve",
                                  SignOffDecision.RETURN: "Sign off: return",
                                  SignOffDecision.ESCALATE: "Sign off: escalate"}[decision])
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
        row = self.model.row_for(item.sign_off_id)
        rows = self.model.rows()
        if row is not None:
            del rows[row]
        self.current = None
        self.model.set_rows(rows)
        self.table_stack.setCurrentWidget(self.table if rows else self.empty)
        self.title.setText(f"Sign-off queue ({len(rows)})" if rows else "Sign-off queue")
        if rows:
            self.select_row(min(row or 0, len(rows) - 1))
        else:
            self._show_item(None)
        self.count_changed.emit(len(rows))
        who = f" for {item.offender_name}" if item.offender_name else ""
        self._status(f"{DECISION_DONE[decision]}: {item.summary}{who}.")
        self.signed.emit(result)
        self.refresh()

    def _refused(self, exc: BaseException) -> None:
        self.sign_button.setEnabled(True)
        if isinstance(exc, ValidationFailed):
            self.errors.show(self._without_guidance(exc))
        elif isinstance(exc, ConcurrentEditError):
            report_failure(self._prompter, exc, title="Not signed off", on_reload=self.refresh)
        elif isinstance(exc, ServiceError):
            self.errors.show_general(str(exc))
        else:
            apologise(self._prompter, exc)

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

    def open_record(self) -> None:
        item = self.current
        if item is None or item.offender_id is None or self._open_offender is None:
            return
        self._open_offender(item.offender_id, f"{item.offender_name} ({item.offender_reference})")


# --- absences and cover --------------------------------------------------------------------------


class AbsencesModel(RowsModel[AbsenceRow]):
    def __init__(self, parent=None) -> None:
        super().__init__([
            Column("Who", lambda a: a.user),
            Column("From", lambda a: fmt_date(a.starts_on), lambda a: a.starts_on.toordinal()),
            Column("To", lambda a: fmt_date(a.ends_on), lambda a: a.ends_on.toordinal()),
            Column("Reason", lambda a: a.reason, tooltip=lambda a: a.reason),
            Column("Sign-offs go to", lambda a: a.cover or "The OMU lead (no cover named)"),
        ], parent)

    def extra(self, row: AbsenceRow, column: int, role: int) -> Any:
        if column == 4 and row.cover is None and role == Qt.ItemDataRole.ForegroundRole:
            return QBrush(QColor("#52606d"))
        return None


class AbsenceCoverDialog(QDialog):
    """File > Absences and cover: record an absence and, for the OMU lead, name who takes the
    absent supervisor's sign-off queue. Only active, trained supervisors are offered as cover."""

    changed = Signal()

    def __init__(self, services: Services, actor: Actor, worker: Worker, prompter: Prompter,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services, self._actor, self._worker, self._prompter = services, actor, worker, prompter
        self.options: CoverOptions | None = None
        self.setWindowTitle("Absences and cover")
        self.setMinimumWidth(720)
        layout = QVBoxLayout(self)
        heading = QLabel("Absences and cover")
        heading.setObjectName("dialogHeading")
        layout.addWidget(heading)
        is_lead = actor.role is Role.OMU_LEAD
        hint = QLabel(
            "While a supervisor is away, their sign-off queue goes to the cover the OMU lead names; with "
            "no cover it goes to the OMU lead. Only active, trained supervisors can cover."
            + ("" if is_lead else " You can record your own absence here; the OMU lead names your cover."))
        hint.setObjectName("hint")
        hint.setWordWrap(True)
        layout.addWidget(hint)

        layout.addSpacing(4)
        caption = QLabel("Absences now and to come")
        caption.setStyleSheet("font-weight: 600;")
        layout.addWidget(caption)
        self.model = AbsencesModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 10)
        self.table.setMinimumHeight(4 * (self.table.fontMetrics().height() + 10) + 30)
        header = self.table.horizontalHeader()
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setHighlightSections(False)
        for col in (0, 1, 2):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.ResizeToContents)
        self.table.selectionModel().selectionChanged.connect(self._absence_selected)
        self.empty = QLabel("No absences recorded from today on.")
        self.empty.setObjectName("emptyState")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setMinimumHeight(60)
        self.table_stack = QStackedWidget()
        self.table_stack.addWidget(self.table)
        self.table_stack.addWidget(self.empty)
        layout.addWidget(self.table_stack, 1)

        # Naming cover for an absence already recorded (the OMU lead).
        self.cover_row = QWidget()
        row = QHBoxLayout(self.cover_row)
        row.setContentsMargins(0, 0, 0, 0)
        self.cover_caption = QLabel("Select an absence above to name or change its cover.")
        self.cover_caption.setObjectName("hint")
        row.addWidget(self.cover_caption)
        self.existing_cover = QComboBox()
        self.existing_cover.setMinimumWidth(200)
        self.existing_cover.setAccessibleName("Cover for the selected absence")
        row.addWidget(self.existing_cover)
        self.name_cover_button = QPushButton("Name cover")
        self.name_cover_button.setAutoDefault(False)
        self.name_cover_button.clicked.connect(self.name_cover_for_selected)
        self.name_cover_button.setEnabled(False)
        row.addWidget(self.name_cover_button)
        row.addStretch(1)
        self.cover_error = error_label()
        layout.addWidget(self.cover_row)
        layout.addWidget(self.cover_error)
        self.cover_row.setVisible(is_lead)

        box = QGroupBox("Record an absence")
        box.setStyleSheet("QGroupBox { font-weight: 600; border: 1px solid #d5dde8; border-radius: 4px; "
                          "margin-top: 12px; padding-top: 10px; } "
                          "QGroupBox::title { subcontrol-origin: margin; left: 10px; padding: 0 4px; } "
                          "QGroupBox QLabel, QGroupBox QLineEdit, QGroupBox QComboBox { font-weight: normal; }")
        box_layout = QVBoxLayout(box)
        self.errors = FieldErrors()
        box_layout.addWidget(self.errors.general)
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        self.who = QComboBox()
        self.who.setMinimumWidth(240)
        self.who.currentIndexChanged.connect(self._fill_covers)
        add_row(form, "&Who", self.errors, "user_id", self.who)
        dates = QWidget()
        dates_row = QHBoxLayout(dates)
        dates_row.setContentsMargins(0, 0, 0, 0)
        self.starts_on = DateField(calendar_start=services.clock.today)
        self.starts_on.set_date(services.clock.today())
        self.ends_on = DateField(calendar_start=services.clock.today)
        self.starts_box = self.errors.add("starts_on", self.starts_on)
        self.ends_box = self.errors.add("ends_on", self.ends_on)
        dates_row.addWidget(self.starts_box, 1)
        to = QLabel("to")
        dates_row.addWidget(to, 0, Qt.AlignmentFlag.AlignTop)
        dates_row.addWidget(self.ends_box, 1)
        caption = QLabel("&From")
        caption.setBuddy(self.starts_on.edit)
        form.addRow(caption, dates)
        self.reason = QLineEdit()
        self.reason.setMaxLength(200)
        self.reason.setPlaceholderText("Annual leave, sickness, a course...")
        add_row(form, "&Reason", self.errors, "reason", self.reason)
        self.cover = QComboBox()
        self.cover.setAccessibleName("Cover supervisor")
        if is_lead:
            add_row(form, "&Cover", self.errors, "cover_supervisor_id", self.cover)
        box_layout.addLayout(form)
        buttons = QHBoxLayout()
        self.done_label = QLabel()
        self.done_label.setObjectName("hint")
        self.done_label.setWordWrap(True)
        buttons.addWidget(self.done_label, 1)
        self.save_button = QPushButton("Record absence")
        self.save_button.setDefault(True)
        self.save_button.setToolTip("Ctrl+Enter")
        self.save_button.clicked.connect(self.submit)
        buttons.addWidget(self.save_button)
        box_layout.addLayout(buttons)
        layout.addWidget(box)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        for button in close.buttons():
            button.setAutoDefault(False)
        self.save_button.setAutoDefault(True)
        self.save_button.setDefault(True)
        layout.addWidget(close)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self).activated.connect(self.submit)
        self.setEnabled(False)  # until the people are known
        worker.submit(cover_options, services, actor, owner=self, on_success=self._options_loaded,
                      on_error=self._report)
        self.reload()

    def _report(self, exc: BaseException) -> None:
        report_failure(self._prompter, exc, title="Absences and cover")

    def _options_loaded(self, options: CoverOptions) -> None:
        self.options = options
        self.who.blockSignals(True)
        self.who.clear()
        for person in options.absentees:
            self.who.addItem(person.name, person.id)
        self.who.blockSignals(False)
        self._fill_covers()
        self.setEnabled(True)
        self.reason.setFocus()
        self.save_button.setDefault(True)  # Enter records the absence

    def _cover_choices(self, combo: QComboBox, absent_id: int | None, first: str) -> None:
        current = combo_data(combo)
        combo.clear()
        combo.addItem(first, None)
        for person in self.options.covers if self.options else ():
            if person.id != absent_id:
                combo.addItem(person.name, person.id)
        select_data(combo, current)

    def _fill_covers(self, *_args) -> None:
        self._cover_choices(self.cover, combo_data(self.who), "No cover: the queue goes to the OMU lead")

    def reload(self) -> None:
        self._worker.submit(absences_from, self._services, self._actor, owner=self,
                            on_success=self._absences_arrived, on_error=self._report)

    def _absences_arrived(self, rows: list[AbsenceRow]) -> None:
        self.model.set_rows(rows)
        self.table_stack.setCurrentWidget(self.table if rows else self.empty)
        self._absence_selected()

    def selected_absence(self) -> AbsenceRow | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None

    def _absence_selected(self, *_args) -> None:
        absence = self.selected_absence()
        self._cover_choices(self.existing_cover, absence.user_id if absence else None, "Choose a supervisor")
        if absence is not None and absence.cover_id is not None:
            select_data(self.existing_cover, absence.cover_id)
        self.name_cover_button.setEnabled(absence is not None)
        self.existing_cover.setEnabled(absence is not None)
        self.cover_caption.setText(f"Cover for {absence.user}, {fmt_date(absence.starts_on)} to "
                                   f"{fmt_date(absence.ends_on)}:" if absence else
                                   "Select an absence above to name or change its cover.")
        self.cover_error.setVisible(False)

    def submit(self) -> None:
        if not self.save_button.isEnabled() or self.options is None:
            return
        problems = typed_problems({"starts_on": self.starts_on, "ends_on": self.ends_on})
        if problems:
            self.errors.show(ValidationFailed(problems))
            return
        self.errors.clear()
        self.save_button.setEnabled(False)
        cover_id = combo_data(self.cover) if self.options.can_name_cover else None
        self._worker.submit(record_absence_and_cover, self._services, self._actor, combo_data(self.who),
                            self.starts_on.date(), self.ends_on.date(), self.reason.text(), cover_id,
                            owner=self, on_success=self._recorded, on_error=self._failed)

    def _recorded(self, result) -> None:
        absence, cover = result
        self.save_button.setEnabled(True)
        who = self.who.currentText()
        covered = f", covered by {self.cover.currentText()}" if cover is not None else ""
        self.done_label.setText(f"Recorded: {who} away {fmt_date(absence.starts_on)} to "
                                f"{fmt_date(absence.ends_on)}{covered}.")
        self.reason.clear()
        self.ends_on.set_date(None)
        self.cover.setCurrentIndex(0)
        self.reload()
        self.changed.emit()

    def _failed(self, exc: BaseException) -> None:
        self.save_button.setEnabled(True)
        report_failure(self._prompter, exc, title="Absence not recorded", errors=self.errors)

    def name_cover_for_selected(self) -> None:
        absence = self.selected_absence()
        if absence is None or not self.name_cover_button.isEnabled():
            return
        cover_id = combo_data(self.existing_cover)
        if cover_id is None:
            self._cover_failed(ValidationFailed(FieldProblem("cover_supervisor_id", "Choose who covers.")))
            return
        self.name_cover_button.setEnabled(False)
        self._worker.submit(name_cover, self._services, self._actor, absence.user_id, cover_id, absence.starts_on,
                            absence.ends_on, owner=self, on_success=self._cover_named, on_error=self._cover_failed)

    def _cover_named(self, _cover) -> None:
        self.name_cover_button.setEnabled(True)
        self.done_label.setText(f"Cover named: {self.existing_cover.currentText()}.")
        self.reload()
        self.changed.emit()

    def _cover_failed(self, exc: BaseException) -> None:
        self.name_cover_button.setEnabled(True)
        if isinstance(exc, ValidationFailed):
            self.cover_error.setText("\n".join(p.message for p in exc.problems))
            self.cover_error.setVisible(True)
        else:
            report_failure(self._prompter, exc, title="Cover not named", on_reload=self.reload)


# --- plugging in ---------------------------------------------------------------------------------


@main_window_hook(order=50)
def add_sign_off(window: MainWindow) -> None:
    actor = window.actor
    if actor.can(Permission.SIGN_OFF):
        page = SignOffQueuePage(window.services, actor, window.worker, window.prompter,
                                open_offender=window.open_offender,
                                status=window.show_status, parent=window)
        window.add_part(page)
        action = window.add_page("sign_off", "Sign-off &queue", page, order=30, shortcut="Ctrl+3")
        action.setStatusTip("Entries waiting for your decision, oldest first")
        window.add_toolbar_action(action, order=30)

        def counted(n: int) -> None:
            action.setText(f"Sign-off &queue ({n})" if n else "Sign-off &queue")
            action.setToolTip(f"Sign-off queue: {n} waiting (Ctrl+3)" if n else "Sign-off queue: nothing waiting (Ctrl+3)")

        page.count_changed.connect(counted)
        page.refresh()
    if actor.role in (Role.OMU_LEAD, Role.SUPERVISOR) and actor.trained:
        cover = QAction("&Absences and cover...", window)
        cover.setStatusTip("Record an absence and who covers the sign-off queue meanwhile")

        def open_cover() -> AbsenceCoverDialog:
            dialog = AbsenceCoverDialog(window.services, actor, window.worker, window.prompter, parent=window)
            page = window.part(SignOffQueuePage)
            if page is not None:
                dialog.changed.connect(page.refresh)
            dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            dialog.open()
            return dialog

        cover.triggered.connect(open_cover)
        window.add_menu_action("file", cover, order=50)
