"""Go > Sign-off queue: what the signed-in supervisor must decide, oldest first, with why each
item is there (their own queue, covering for an absent colleague, or escalated), and below it
the decision pane: the entry on the left, the decision on the right."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QItemSelectionModel, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from rso_manager.domain.rationale import SignOffDecision
from rso_manager.services import reads_apart
from rso_manager.services.errors import ServiceError
from rso_manager.services.supervision import (
    QueueItem,
    SignOffEntry,
    SignOffPolicy,
    SignOffResult,
    queue_for,
    sign_off_entry,
    sign_off_policy,
)
from rso_manager.services.unit_of_work import Actor, Services
from ui.kit.forms import RED, report_failure
from ui.kit.tables import Column, ListPanel, RowsModel, fit_to_text, sorted_list_view
from ui.prompter import Prompter
from ui.worker import Worker
from ui.workflows.supervision.decision_pane import DecisionPane
from ui.workflows.supervision.entry_pane import EntryPane

QUEUE_REFRESH_MS = 5 * 60 * 1000  # the badge stays current without anyone pressing F5

DECISION_DONE = {SignOffDecision.APPROVE: "Approved", SignOffDecision.RETURN: "Returned with direction",
                 SignOffDecision.ESCALATE: "Escalated to the OMU lead"}


def _age_text(item: QueueItem) -> str:
    if item.age_days == 0:
        return "Today"
    return "1 day" if item.age_days == 1 else f"{item.age_days} days"


class QueueModel(RowsModel[QueueItem]):
    COL_WAITING, COL_WORKING, COL_OFFENDER, COL_SUMMARY, COL_AUTHOR, COL_WHY = range(6)

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
        self._red = QBrush(RED)

    def extra(self, row: QueueItem, column: int, role: int) -> Any:
        if row.escalated and role == Qt.ItemDataRole.ForegroundRole and column in (0, 1, 5):
            return self._red
        if row.escalated and role == Qt.ItemDataRole.FontRole and column == 5:
            return self._bold
        if role == Qt.ItemDataRole.TextAlignmentRole and column == 1:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def row_for(self, sign_off_id: int) -> int | None:
        return next((i for i, r in enumerate(self.rows()) if r.sign_off_id == sign_off_id), None)


PANE_STYLE = ("QFrame#signOffPane { background: #ffffff; border: 1px solid #d5dde8; border-radius: 4px; }"
              "QFrame#signOffPane QLabel { background: transparent; }")


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
        self._entry_seq = 0
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
        self.table = sorted_list_view(self.model)  # the service's order: oldest first
        self.proxy = self.table.model()
        self.table.setObjectName("signOffQueue")
        self.table.setAccessibleName("Items waiting for your sign-off")
        header = self.table.horizontalHeader()
        # The columns are fitted to their text when the rows arrive (_fit_columns), not kept
        # fitted (ResizeToContents): that measured the rows again at every layout, and
        # selecting the first of the OMU lead's 444 items held the GUI thread 0.3-0.6 s.
        header.setSectionResizeMode(QueueModel.COL_SUMMARY, QHeaderView.ResizeMode.Stretch)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.table_stack = ListPanel(self.table, "Nothing is waiting for your sign-off.")
        self.empty = self.table_stack.empty

        # Built from the page down, each part in its parent before its own parts are made: a
        # part given a parent restyles all it holds (the application's style sheet), so a pane
        # built whole and then placed was restyled once for each level it went up (issue 16).
        self.splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.splitter.setChildrenCollapsible(False)
        layout.addWidget(self.splitter, 1)
        self.splitter.addWidget(self.table_stack)
        self.splitter.setStretchFactor(0, 2)
        # The entry and decision panes are built in a turn of the event loop of their own (or
        # when first needed): with them, building the OMU lead's main window held the GUI
        # thread past 50 ms (issue 16).
        self._pane: QFrame | None = None
        self._entry: EntryPane | None = None
        self._decision: DecisionPane | None = None
        QTimer.singleShot(0, self, self._build_panes)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(self.submit)

        self.timer = QTimer(self)
        self.timer.setInterval(QUEUE_REFRESH_MS)
        self.timer.timeout.connect(self.refresh)
        self.timer.start()
        worker.submit(sign_off_policy, services, actor, owner=self, on_success=self._policy_loaded,
                      on_error=self._report)

    def _build_panes(self) -> None:
        if self._pane is not None:
            return
        self._pane = QFrame(self.splitter)
        self._pane.setObjectName("signOffPane")
        self._pane.setStyleSheet(PANE_STYLE)
        self.splitter.addWidget(self._pane)
        self.splitter.setStretchFactor(1, 3)
        panes = QHBoxLayout(self._pane)
        panes.setContentsMargins(12, 10, 12, 10)
        panes.setSpacing(18)
        self._entry = EntryPane(self.open_record, parent=self._pane)
        panes.addWidget(self._entry, 1)
        self._decision = DecisionPane(self._services, self._actor, self._worker, self._prompter,
                                      on_reload=self.refresh, parent=self._pane)
        self._decision.signed.connect(self._signed)
        panes.addWidget(self._decision, 1)
        if self.policy is not None:
            self._decision.set_policy(self.policy)
        self._show_item(self.current)

    def build_panes(self) -> None:
        """The entry and decision panes now, not in a later turn: a page made as it is first
        shown must hold them before its splitter shares out its height, or the table takes it
        all and the decision pane is squeezed under it."""
        self._build_panes()

    @property
    def pane(self) -> QFrame:
        self._build_panes()
        assert self._pane is not None
        return self._pane

    @property
    def entry(self) -> EntryPane:
        self._build_panes()
        assert self._entry is not None
        return self._entry

    @property
    def decision_pane(self) -> DecisionPane:
        self._build_panes()
        assert self._decision is not None
        return self._decision

    # --- loading --------------------------------------------------------------------------------

    def _policy_loaded(self, policy: SignOffPolicy) -> None:
        self.policy = policy
        if self._decision is not None:  # else _build_panes gives it the policy
            self._decision.set_policy(policy)
        self.about.setText(
            "Oldest first. Each decision needs a reasoned rationale: what was considered, the decision, "
            f"and what happens next and by when. Items waiting more than {policy.escalation_working_days} "
            "working days are escalated to the OMU lead.")

    def refresh(self) -> None:
        self._seq += 1
        seq = self._seq
        self.loading = True
        self.loading_label.setVisible(True)
        # In the reads' process: 8,000 items of a force's queue are Python the GUI would wait for.
        self._worker.submit(reads_apart.read, self._services, queue_for, self._actor, owner=self,
                            on_success=lambda items: self._arrived(seq, items),
                            on_error=lambda exc: self._load_failed(seq, exc))

    def _arrived(self, seq: int, items: list[QueueItem]) -> None:
        if seq != self._seq:
            return
        keep = self.current.sign_off_id if self.current else None
        self.loading = False
        self.loading_label.setVisible(False)
        if self._decision is not None:  # panes not built yet hold no drafts
            self._decision.keep_drafts({i.sign_off_id for i in items})
        self._show_rows(items, self.model.row_for(keep) if keep is not None else None)
        self.loaded.emit(len(items))

    def _show_rows(self, items: list[QueueItem], select: int | None) -> None:
        self.model.set_rows(items)
        self._fit_columns()
        self.table_stack.show_rows(len(items))
        self.title.setText(f"Sign-off queue ({len(items)})" if items else "Sign-off queue")
        if items:
            self.select_row(min(select or 0, len(items) - 1))
        else:
            self._show_item(None)
        self.count_changed.emit(len(items))

    def _fit_columns(self) -> None:
        fit_to_text(self.table, [c for c in range(self.model.columnCount()) if c != QueueModel.COL_SUMMARY])

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
        index = self.proxy.mapFromSource(self.model.index(row, 0))
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
            self.current = item
            self.decision_pane.reread(item)

    def _show_item(self, item: QueueItem | None) -> None:
        self.current = item
        self.pane.setEnabled(item is not None)
        self.entry.show_item(item, can_open=self._open_offender is not None)
        self.decision_pane.show_item(item)
        self._entry_shown = None
        if item is not None and self.isVisible():
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

    def _entry_arrived(self, seq: int, entry: SignOffEntry) -> None:
        if seq == self._entry_seq:
            self.entry.show_entry(entry)

    def _entry_failed(self, seq: int, exc: BaseException) -> None:
        if seq != self._entry_seq:
            return
        if isinstance(exc, ServiceError):
            self.entry.show_problem(str(exc))
        else:
            report_failure(self._prompter, exc, title="The entry could not be read")

    # --- deciding ---------------------------------------------------------------------------------

    def decision(self) -> SignOffDecision:
        return self.decision_pane.decision()

    def submit(self) -> None:
        self.decision_pane.submit()

    def refusal(self) -> str:
        return self.decision_pane.refusal()

    def _signed(self, item: QueueItem, decision: SignOffDecision, result: SignOffResult) -> None:
        row = self.model.row_for(item.sign_off_id)
        rows = self.model.rows()
        if row is not None:
            del rows[row]
        self.current = None
        self._show_rows(rows, row)
        who = f" for {item.offender_name}" if item.offender_name else ""
        self._status(f"{DECISION_DONE[decision]}: {item.summary}{who}.")
        self.signed.emit(result)
        self.refresh()

    def open_record(self) -> None:
        item = self.current
        if item is None or item.offender_id is None or self._open_offender is None:
            return
        self._open_offender(item.offender_id, f"{item.offender_name} ({item.offender_reference})")
