"""A part of the offender record as a page: what is recorded there, its entries in a list (or
an empty state saying so), the actions on them, and the detail a workflow's service reads."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from PySide6.QtCore import (
    QItemSelectionModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetrics
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from rso_manager.domain.correction_policy import policy_for
from rso_manager.domain.roles import Permission
from rso_manager.services.caseload import EntryRow, OffenderRecord
from rso_manager.services.unit_of_work import Actor, Services
from ui.kit.correction_dialog import reinstate, start_correction
from ui.kit.dialogs import ServiceDialog
from ui.kit.formatting import fmt_date
from ui.kit.forms import RED, report_failure
from ui.kit.tables import Column, ListPanel, RowsModel, sorted_list_view
from ui.prompter import Prompter
from ui.worker import Worker

if TYPE_CHECKING:
    from ui.lookups import Lookups

@dataclass(frozen=True)
class RecordContext:
    """What a record page needs: the services, who is using them, and how to refresh."""

    services: Services
    actor: Actor
    worker: Worker
    prompter: Prompter
    lookups: Callable[[], Lookups | None]
    reload: Callable[[], None]  # re-read the record after a change; pages get set_record()
    window: QWidget  # the record window: the parent of a page's dialogs and its shortcuts
    show_part: Callable[[str], None]  # bring a part of the record (a SectionSpec key) to the front
    show_status: Callable[[str], None]  # a passing message in the record window's status bar
    # show_entry(key, entity_id, entity=None): bring a part to the front and ask its page to open
    # one entry (a page that can offers open_entry(entity_id), or open_entry(entity_id, entity) for
    # a part listing two kinds whose ids may be the same); what the page opened, or None. How one
    # workflow leads to another (a notification's breach to its decision) without importing it.
    show_entry: Callable[..., Any]
    # The record as last loaded (whole-record actions read its reference and names from it).
    current_record: Callable[[], OffenderRecord] | None = None
    # Open another case as the main window does (asks the reason); None where there is no main
    # window (a record window opened on its own).
    open_offender: Callable[..., Any] | None = None
    # select_in_part(key, entity_id, entity): bring a part forward with that entry selected and
    # shown in its pane, doing nothing to it (the case log going to a line's entry).
    select_in_part: Callable[[str, int, str | None], None] | None = None

    def select_entry(self, key: str, entity_id: int, entity: str | None = None) -> None:
        if self.select_in_part is None:
            self.show_part(key)
        else:
            self.select_in_part(key, entity_id, entity)

    def record(self) -> OffenderRecord:
        if self.current_record is None:
            raise RuntimeError("this context was made without its record")
        return self.current_record()

    def report(self, exc: BaseException, title: str = "That could not be done") -> None:
        report_failure(self.prompter, exc, title=title, on_reload=self.reload)


class RecordPage(Protocol):
    """A page for one part of the record. It may also offer open_entry(entity_id) (or
    open_entry(entity_id, entity=None), for a part listing two kinds), which
    RecordContext.show_entry calls."""

    def set_record(self, record: OffenderRecord) -> None: ...

    def count(self) -> int:
        """Entries to show beside the part's title in the navigation (0: none)."""
        ...


@dataclass(frozen=True)
class SectionSpec:
    key: str  # key in OffenderRecord.sections
    title: str
    about: str  # what is recorded here, and how
    add: str | None = None  # "alias" | "address": the tabs with an Add... workflow today


class SectionTab(QWidget):
    """One list tab: what is recorded here, the entries, and the actions on them."""

    void_requested = Signal(object)  # EntryRow
    add_requested = Signal(str)
    correct_requested = Signal(object)  # EntryRow
    reinstate_requested = Signal(object)  # EntryRow

    def __init__(self, spec: SectionSpec, can_write: bool, parent: QWidget | None = None, *,
                 about: str | None = None, corrections: bool = False) -> None:
        """ABOUT replaces the part's description above the list (a workflow saying how it works).
        CORRECTIONS: show "Correct..." and "Reinstate..." (whoever builds the tab answers their
        signals; DetailedSectionTab does)."""
        super().__init__(parent)
        self.spec = spec
        self.can_write = can_write
        self.setProperty("pageTitle", f"Record > {spec.title}")  # where its keys are, in Help
        layout = QVBoxLayout(self)
        about = QLabel(spec.about if about is None else about)
        about.setWordWrap(True)
        about.setObjectName("hint")
        layout.addWidget(about)
        buttons = self.buttons = QHBoxLayout()
        self.add_button: QPushButton | None = None
        if spec.add and can_write:
            self.add_button = QPushButton("Add an alias..." if spec.add == "alias" else "Add an address...")
            self.add_button.clicked.connect(lambda: self.add_requested.emit(spec.add))
            buttons.addWidget(self.add_button)
        # Short, so Correct... and a workflow's own actions share the row at 1280 wide.
        self.void_button = QPushButton("Mark in error...")
        self.void_button.setToolTip("Mark the entry as entered in error: it stays on the record, struck through, "
                                    "with your reason.")
        self.void_button.setEnabled(False)
        self.void_button.clicked.connect(self._void_clicked)
        self.void_button.setVisible(can_write)
        self.correct_button = QPushButton("Correct...")
        self.correct_button.setToolTip("Put right text that was mistyped; what it said before stays in History.")
        self.correct_button.setEnabled(False)
        self.correct_button.clicked.connect(lambda: self._entry_clicked(self.correct_requested, voided=False))
        self.correct_button.setVisible(can_write and corrections)
        self.reinstate_button = QPushButton("Reinstate...")
        self.reinstate_button.setToolTip("An entry marked as entered in error that was right after all counts "
                                         "again; History keeps both, with the reasons.")
        self.reinstate_button.setEnabled(False)
        self.reinstate_button.clicked.connect(lambda: self._entry_clicked(self.reinstate_requested, voided=True))
        self.reinstate_button.setVisible(False)  # in place of "Mark in error..." for such an entry
        self.corrections = corrections
        buttons.addWidget(self.correct_button)
        buttons.addWidget(self.void_button)
        buttons.addWidget(self.reinstate_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)

        self.model = EntriesModel(self)
        self.view = sorted_list_view(self.model)
        self.view.setAccessibleName(f"{spec.title}: entries")
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.view.selectionModel().selectionChanged.connect(self._selection_changed)
        self.stack = ListPanel(self.view, "Nothing recorded yet.")
        self.empty = self.stack.empty
        layout.addWidget(self.stack, 1)

    def set_record(self, record: OffenderRecord) -> None:
        self.set_entries(record.sections.get(self.spec.key, ()))

    def count(self) -> int:
        return self.active_count()

    def add_button_for(self, text: str, slot: Callable[[], Any], *, tip: str = "") -> QPushButton:
        """A workflow action beside the list (e.g. "Record a visit..."), shown to writers only."""
        button = QPushButton(text)
        button.setToolTip(tip)
        button.clicked.connect(lambda: slot())
        button.setVisible(self.can_write)
        self.buttons.insertWidget(self.buttons.indexOf(self.correct_button), button)
        return button

    def set_entries(self, entries: tuple[EntryRow, ...]) -> None:
        self.model.set_rows(entries)
        self.stack.show_rows(len(entries))
        self._selection_changed()

    def selected_entry(self) -> EntryRow | None:
        rows = self.view.selectionModel().selectedRows()
        if not rows:
            return None
        return self.view.model().mapToSource(rows[0]).data(Qt.ItemDataRole.UserRole + 1)

    def select_entry(self, entity_id: int, entity: str | None = None) -> bool:
        """Select the entry ENTITY_ID (of the kind ENTITY, when given: a part may list two kinds
        whose ids are the same); False when it is not listed."""
        for row, entry in enumerate(self.model.rows()):
            if entry.id == entity_id and (entity is None or entry.entity == entity):
                self.select_row(self.view.model().mapFromSource(self.model.index(row, 0)).row())
                return True
        return False

    def select_row(self, row: int) -> None:
        index = self.view.model().index(row, 0)
        self.view.selectionModel().select(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)

    def _selection_changed(self, *_args) -> None:
        self.entry_buttons(self.selected_entry())

    def entry_buttons(self, entry: EntryRow | None) -> None:
        """Enable the actions on the selected entry: an entry in error is reinstated, not corrected.
        "Reinstate..." takes the place of "Mark in error..." (one or the other applies),
        so the row of buttons is no wider for it."""
        voided = entry is not None and entry.voided
        self.void_button.setEnabled(entry is not None and not entry.voided)
        self.correct_button.setEnabled(entry is not None and not entry.voided and policy_for(entry.entity) is not None)
        self.reinstate_button.setEnabled(voided)
        if self.can_write and self.corrections:
            self.void_button.setVisible(not voided)
            self.reinstate_button.setVisible(voided)

    def _entry_clicked(self, signal: Any, *, voided: bool) -> None:
        entry = self.selected_entry()
        if entry is not None and entry.voided == voided:
            signal.emit(entry)

    def _void_clicked(self) -> None:
        entry = self.selected_entry()
        if entry is not None and not entry.voided:
            self.void_requested.emit(entry)

    def active_count(self) -> int:
        return sum(1 for e in self.model.rows() if not e.voided)


class EntriesModel(RowsModel[EntryRow]):
    """A record tab's entries. Voided ones stay listed, struck through and greyed."""

    def __init__(self, parent=None) -> None:
        super().__init__([
            Column("Date", lambda e: fmt_date(e.when), lambda e: e.when.toordinal() if e.when else 0),
            Column("Entry", lambda e: e.summary, tooltip=lambda e: e.summary),
            Column("Status", lambda e: e.status),
        ], parent)
        self._struck = QFont()
        self._struck.setStrikeOut(True)
        self._grey = QBrush(QColor("#80868b"))

    def extra(self, row: EntryRow, column: int, role: int) -> Any:
        if row.voided and role == Qt.ItemDataRole.FontRole:
            return self._struck
        if row.voided and role == Qt.ItemDataRole.ForegroundRole:
            return self._grey
        return None


# Bookkeeping columns a user does not need to read in "what it said before".


DETAIL_STYLE = ("QLabel#entryDetail { background: #f6f8fb; border: 1px solid #e4e8ee; border-radius: 4px; "
                "padding: 6px 8px; }")


class DetailedEntries(RowsModel[EntryRow]):
    """A record part's entries (so "Mark as entered in error" keeps working), shown with the
    detail the workflow's service reads; until that arrives, the generic summary."""

    def __init__(self, columns: list[Column[EntryRow]], parent=None) -> None:
        super().__init__(columns, parent)
        self.details: dict[int, Any] = {}
        self._struck = QFont()
        self._struck.setStrikeOut(True)
        self._grey = QBrush(QColor("#80868b"))
        self._red = QBrush(RED)

    def detail(self, entry: EntryRow) -> Any:
        return None if entry.voided else self.details.get(entry.id)

    def set_details(self, details: dict[int, Any], order: list[int] | None = None) -> None:
        self.beginResetModel()
        self.details = details
        if order is not None:
            rank = {entry_id: i for i, entry_id in enumerate(order)}
            self._rows.sort(key=lambda e: (e.voided, rank.get(e.id, len(rank))))
        self.endResetModel()

    def red(self, entry: EntryRow, column: int) -> bool:
        return False

    def extra(self, row: EntryRow, column: int, role: int) -> Any:
        if row.voided and role == Qt.ItemDataRole.FontRole:
            return self._struck
        if row.voided and role == Qt.ItemDataRole.ForegroundRole:
            return self._grey
        if role == Qt.ItemDataRole.ForegroundRole and self.red(row, column):
            return self._red
        return None


def detail_label() -> QLabel:
    label = QLabel()
    label.setObjectName("entryDetail")
    label.setStyleSheet(DETAIL_STYLE)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setVisible(False)
    return label


class DetailedSectionTab(SectionTab):
    """A SectionTab that reads a workflow's own detail from a service (fetch() on the worker,
    show_details() here) after each record (re)load, only while it is on screen.

    Test seams: `loading` while a read is out, `loaded` once the latest has been shown,
    `loads` counts the reads shown, and details_loaded is emitted after each."""

    details_loaded = Signal()
    FAILED_TITLE = "This part of the record could not be read"

    def __init__(self, ctx: RecordContext, spec: SectionSpec, model: DetailedEntries | None = None, *,
                 about: str | None = None) -> None:
        """MODEL: the list's own columns (None keeps the part's generic entries list); ABOUT as
        for SectionTab."""
        super().__init__(spec, ctx.actor.can(Permission.WRITE_CASES), about=about, corrections=True)
        self.ctx = ctx
        self.record: OffenderRecord | None = None
        self._seq = 0
        self._stale = False
        if model is not None:
            self.model = model
            model.setParent(self)
            proxy = self.view.model()
            proxy.setSourceModel(model)  # type: ignore[union-attr]
        self.loading = False
        self.loaded = False
        self.loads = 0
        self._after_load: list[Callable[[], Any]] = []
        self.dialog: QWidget | None = None  # the last dialog opened here (tests drive it)
        self.correct_requested.connect(self.open_correction)
        self.reinstate_requested.connect(lambda entry: reinstate(self.ctx, entry))

    def open_correction(self, entry: EntryRow) -> None:
        """The generic correction of ENTRY; the dialog becomes self.dialog once read."""
        start_correction(self.ctx, entry, self.record, opened=self._keep_dialog)

    def _keep_dialog(self, dialog: ServiceDialog) -> None:
        self.dialog = dialog

    def fit_columns(self, view: QTableView, stretch: int) -> None:
        header = view.horizontalHeader()
        for col in range(view.model().columnCount()):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Stretch if col == stretch
                                        else QHeaderView.ResizeMode.ResizeToContents)

    def wrap_columns(self, view: QTableView, samples: dict[int, str], stretch: int) -> None:
        """Widths fitting a typical value (or the title) with wrapping rows: the lists are
        short, and wrapping keeps every column on screen rather than scrolling sideways."""
        view.setWordWrap(True)
        view.setTextElideMode(Qt.TextElideMode.ElideRight)
        view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        view.ensurePolished()  # measure in the style sheet's font
        header = view.horizontalHeader()
        header.ensurePolished()
        bold = QFont(header.font())
        bold.setBold(True)
        metrics, title_metrics = view.fontMetrics(), QFontMetrics(bold)
        model = view.model()
        for col in range(model.columnCount()):
            if col == stretch:
                header.setSectionResizeMode(col, QHeaderView.ResizeMode.Stretch)
                continue
            title = str(model.headerData(col, Qt.Orientation.Horizontal) or "")
            width = max(metrics.horizontalAdvance(samples.get(col, "")) + 16,
                        title_metrics.horizontalAdvance(title) + 30)
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(col, width)

    def set_record(self, record: OffenderRecord) -> None:
        self.record = record
        super().set_record(record)  # the list and its count at once, from the record
        self._stale = True
        if self.isVisible():
            self.load_details()

    def showEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        if self._stale:
            self.load_details()

    def load_details(self) -> None:
        """The workflow's detail, read only for the part on screen: a record has many parts,
        and reading them all after every change would keep the worker busy for nothing."""
        if self.record is None:
            return
        self._stale = False
        self.loading, self.loaded = True, False
        self._seq += 1
        seq = self._seq
        self.ctx.worker.submit(self.fetch, self.ctx.services, self.ctx.actor, self.record.offender_id, owner=self,
                               on_success=lambda data: self._arrived(seq, data),
                               on_error=lambda exc: self._failed(seq, exc))

    def _arrived(self, seq: int, data: Any) -> None:
        if seq != self._seq:  # a later read is out: this one shows the record as it was
            return
        self.loading = False
        self.show_details(data)
        self.loaded = True
        self.loads += 1
        self._selection_changed()
        self.details_loaded.emit()
        waiting, self._after_load = self._after_load, []
        for action in waiting:
            action()

    def _failed(self, seq: int, exc: BaseException) -> None:
        if seq != self._seq:  # superseded: the later read reports for itself
            return
        self.loading = False
        self._stale = True  # read again when the part is next brought forward
        self._after_load.clear()
        self.ctx.report(exc, self.FAILED_TITLE)

    def when_loaded(self, action: Callable[[], Any]) -> None:
        """ACTION now, or once the read out now has been shown (dropped if it fails): an action
        asked for as the part is brought forward, before its detail has been read."""
        if self.loading:
            self._after_load.append(action)
        else:
            action()

    def fetch(self, services, actor, offender_id) -> Any:  # runs on the worker
        raise NotImplementedError

    def show_details(self, data: Any) -> None:
        raise NotImplementedError

    def selected_detail(self) -> Any:
        entry = self.selected_entry()
        return self.model.detail(entry) if entry is not None else None

    def open_dialog(self, dialog: ServiceDialog, on_saved: Callable[[Any], None] | None = None) -> ServiceDialog:
        dialog.saved.connect(on_saved or (lambda _r: self.ctx.reload()))
        self.dialog = dialog
        dialog.open()
        return dialog
