"""The caseload page of the main window: the cases in one scope, a filter, an Overdue view.

The list fits a 1280-wide laptop: "My caseload" hides the offender-manager and team columns
(the same on every row), the team view hides the team; the user may choose other columns from
the header's menu, and the widths, order and choice are kept per scope (ui.kit.columns).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QFont, QFontMetrics, QKeyEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QTableView, QVBoxLayout, QWidget

from rso_manager.domain.roles import CaseloadScope
from rso_manager.services.caseload import (
    PAGE_ROWS,
    CaseloadRow,
    PageOfCases,
    caseload_page,
    caseload_size,
    list_caseload,
)
from rso_manager.services.unit_of_work import Actor, Services
from ui.caseload_model import (
    COL_DOB,
    COL_FLAGS,
    COL_MANAGER,
    COL_NAME,
    COL_NOTIFICATION,
    COL_REFERENCE,
    COL_RISK,
    COL_TEAM,
    COL_VISIT,
    HEADERS,
    CaseloadFilterProxy,
    CaseloadModel,
    PagedRows,
    PageQuery,
    PreparedRows,
    prepare_rows,
)
from ui.kit.columns import remember_columns
from ui.kit.table_export import install_table_export
from ui.kit.tables import ListPanel, configure_list_view, text_width
from ui.prompter import Prompter
from ui.worker import Worker

SCOPE_LABELS = {CaseloadScope.MINE: "My caseload", CaseloadScope.TEAM: "Team caseload",
                CaseloadScope.ALL: "All cases"}
# Columns that say the same on every row of a scope, hidden there until the user shows them.
SAME_ON_EVERY_ROW = {CaseloadScope.MINE: (COL_MANAGER, COL_TEAM), CaseloadScope.TEAM: (COL_TEAM,),
                     CaseloadScope.ALL: ()}
# Why a scope can be empty (the empty state says so, rather than showing an empty grid).
EMPTY_BECAUSE = {
    CaseloadScope.MINE: "no open case has you as its offender manager",
    CaseloadScope.TEAM: "no open case belongs to your team",
    CaseloadScope.ALL: "there are no open cases in the force",
}
OVERDUE_SHORTCUT = "Ctrl+Shift+D"
OPEN_BY_REFERENCE_SHORTCUT = "Ctrl+Shift+O"  # ui/workflows/open_by_reference.py
# A list loaded whole re-filters at every keystroke (100,000 rows in 2-15 ms: see
# CaseloadModel.set_filter). A paged list asks the database, so it waits for this pause in
# typing before it asks.
PAGED_FILTER_PAUSE_MS = 200
# A scope with more cases than this is listed a page at a time, sorted and filtered by the
# database: a national register's million rows would take the desktop seconds and hundreds of
# MB to bring in whole. Below it the whole list is loaded and filters instantly in memory.
PAGED_ABOVE_ROWS = 150_000

# Initial column widths in average characters: wide enough for typical content, so the first
# screen is readable without a ResizeToContents pass over every row.
_COLUMN_CHARS = {COL_REFERENCE: 12, COL_NAME: 28, COL_DOB: 12, COL_RISK: 12, COL_MANAGER: 20,
                 COL_TEAM: 14, COL_VISIT: 17, COL_NOTIFICATION: 19, COL_FLAGS: 30}
# Cap on fitted widths, so one very long name or officer does not push Flags off screen.
_MAX_COLUMN_CHARS = {COL_NAME: 30, COL_MANAGER: 24, COL_TEAM: 18}
# What Flags keeps before a long name may take more ("Visit overdue; 1 open breach").
_FLAGS_ROOM_CHARS = 34
# The columns narrowed, down to their least width in characters, when all do not fit.
_GIVES_WAY = ((COL_NAME, 20), (COL_MANAGER, 14), (COL_TEAM, 9))


def _load_caseload(services: Services, actor: Actor, scope: CaseloadScope, column: int,
                   order: Qt.SortOrder, query: PageQuery, paged_above: int,
                   page_rows: int) -> PreparedRows | PagedRows:
    """Worker thread: the query, then the indexing and sorting, so the GUI only swaps rows in;
    for a scope above PAGED_ABOVE rows, its size and the first page of QUERY instead."""
    if caseload_size(services, actor, scope, at_most=paged_above + 1) <= paged_above:
        return prepare_rows(list_caseload(services, actor, scope), column, order)
    # The first page first; how many cases in all follows in a job of its own (_counted).
    return PagedRows(_page(services, actor, scope, query, 0, page_rows), paged_above + 1, query,
                     counted=False)


def _page(services: Services, actor: Actor, scope: CaseloadScope, query: PageQuery,
          offset: int, rows: int) -> PageOfCases:
    filtered = bool(query.words or query.overdue_only)  # else every case in scope matches
    return caseload_page(services, actor, scope, sort=query.sort, descending=query.descending,
                         words=query.words, overdue_only=query.overdue_only, offset=offset, limit=rows,
                         count=filtered)


class CaseloadPage(QWidget):
    loaded = Signal(int)  # rows
    open_requested = Signal(object)  # CaseloadRow
    selection_changed = Signal()

    def __init__(self, services: Services, actor: Actor, worker: Worker, scope: CaseloadScope, *,
                 report: Callable[[BaseException, str], None], status: Callable[[str], None],
                 can_create: Callable[[], bool], paged_above: int | None = None,
                 prompter: Prompter | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.paged_above = PAGED_ABOVE_ROWS if paged_above is None else paged_above
        self.page_rows = PAGE_ROWS  # a paged caseload's rows per fetch
        self.services, self.actor, self.worker, self.scope = services, actor, worker, scope
        self._report, self._status, self._can_create = report, status, can_create
        self.loading = False
        self._load_seq = 0
        self.model = CaseloadModel(self)
        self.proxy = CaseloadFilterProxy(self)
        self.proxy.setSourceModel(self.model)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        top = QHBoxLayout()
        self.title_label = QLabel()
        self.title_label.setObjectName("pageTitle")
        top.addWidget(self.title_label)
        self.overdue_label = QLabel("Overdue only")
        self.overdue_label.setObjectName("overdueMarker")
        self.overdue_label.setToolTip(f"Only the cases with something overdue ({OVERDUE_SHORTCUT} for every case)")
        self.overdue_label.setVisible(False)
        top.addWidget(self.overdue_label)
        self.loading_label = QLabel("Loading caseload...")
        self.loading_label.setObjectName("loading")
        self.loading_label.setVisible(False)
        top.addWidget(self.loading_label)
        top.addStretch(1)
        self.filter_edit = QLineEdit()
        self.filter_edit.setPlaceholderText("Filter by name, reference, officer or flag  (Ctrl+F)")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.setMinimumWidth(360)
        self.filter_edit.setAccessibleName("Filter the caseload")
        self.filter_edit.textChanged.connect(self._filter_typed)
        self.filter_edit.returnPressed.connect(self._filter_return)
        top.addWidget(self.filter_edit)
        self.count_label = QLabel()
        self.count_label.setObjectName("countLabel")
        self.count_label.setMinimumWidth(130)
        self.count_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        top.addWidget(self.count_label)
        layout.addLayout(top)

        self._filter_timer = QTimer(self)
        self._filter_timer.setSingleShot(True)
        self._filter_timer.setInterval(PAGED_FILTER_PAUSE_MS)
        self._filter_timer.timeout.connect(self.apply_filter)

        self.table = QTableView()
        self.table.setObjectName("caseloadTable")
        self.table.setModel(self.proxy)
        configure_list_view(self.table)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(True)
        char = self.table.fontMetrics().averageCharWidth()
        for column, chars in _COLUMN_CHARS.items():
            title = self.table.fontMetrics().horizontalAdvance(HEADERS[column]) + 36  # sort arrow
            header.resizeSection(column, max(chars * char, title))
        header.resizeSection(COL_FLAGS, 16 * char)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(COL_VISIT, Qt.SortOrder.AscendingOrder)  # most urgent first
        self.table.activated.connect(self._activated)
        # The caseload as shown (its filter and columns) to CSV or Excel, audited (issue 17).
        self.export = (install_table_export(self.table, lambda: f"Caseload: {self.label}", services, actor, worker,
                                            prompter) if prompter is not None else None)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self.selection_changed.emit())
        self.proxy.layoutChanged.connect(self._update_count)
        self.proxy.modelReset.connect(self._update_count)
        self.columns = remember_columns(self.table, self._columns_key(), hidden=SAME_ON_EVERY_ROW[scope])
        self._columns_sized = self.columns.restored  # kept widths are the user's: not refitted

        # Esc clears the filter, typing in it or moving in the list (not a window shortcut: Esc
        # also closes dialogs and menus).
        self.filter_edit.installEventFilter(self)
        self.table.installEventFilter(self)

        self.panel = ListPanel(self.table, "Loading caseload...")
        layout.addWidget(self.panel, 1)
        self.title_label.setText(SCOPE_LABELS[scope])

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if (event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent)
                and event.key() == Qt.Key.Key_Escape and self.filter_edit.text()):
            self.clear_filter()
            return True
        return super().eventFilter(watched, event)

    @property
    def label(self) -> str:
        return SCOPE_LABELS[self.scope]

    def _columns_key(self) -> str:
        return f"caseload/{self.scope.value}"

    def set_scope(self, scope: CaseloadScope) -> None:
        if scope is self.scope:
            return
        self.scope = scope
        self.title_label.setText(SCOPE_LABELS[scope])
        self.columns.use_key(self._columns_key(), hidden=SAME_ON_EVERY_ROW[scope])
        self._columns_sized = self.columns.restored  # else fitted again to the new columns
        self.refresh()

    # --- loading -------------------------------------------------------------------------------

    def refresh(self) -> None:
        self._load_seq += 1
        seq, scope = self._load_seq, self.scope
        self.loading = True
        self.loading_label.setVisible(True)
        if self.model.total == 0:
            self.panel.show_rows(0, "Loading caseload...")
        self._status("Loading caseload...")
        column, order = self.model.sort_state
        self.worker.submit(_load_caseload, self.services, self.actor, scope, column, order,
                           self.model.page_query(), self.paged_above, self.page_rows, owner=self, on_success=lambda rows: self._arrived(seq, rows),
                           on_error=lambda exc: self._failed(seq, exc))

    def _arrived(self, seq: int, prepared: PreparedRows | PagedRows) -> None:
        if seq != self._load_seq:
            return  # an older request (scope changed meanwhile)
        selected = self.selected_row()
        if isinstance(prepared, PagedRows):
            if prepared.query != self.model.page_query():
                self._fetch_page(self.model.page_query(), 0, -1)  # sorted or filtered meanwhile
            self.model.set_paged(prepared, self.services.clock.today(), self._fetch_page)
            if not prepared.counted:
                self.worker.submit(caseload_size, self.services, self.actor, self.scope, owner=self,
                                   on_success=lambda n: self._counted(seq, n),
                                   on_error=lambda exc: self._report(exc, "The cases could not be counted"))
        else:
            self.model.set_prepared(prepared, self.services.clock.today())
        self.loading = False
        self.loading_label.setVisible(False)
        self._status("")
        if prepared.rows and not self._columns_sized:
            self._size_columns()
        if selected is not None:
            self.select_offender(selected.offender_id)
        self._update_count()
        self.loaded.emit(len(prepared.rows))

    def _counted(self, seq: int, cases: int) -> None:
        if seq == self._load_seq:
            self.model.set_in_scope(cases)
            self._update_count()

    def _fetch_page(self, query: PageQuery, offset: int, request: int, rows: int | None = None) -> None:
        """The model asks for a page (the next rows, or offset 0 for a new sort or filter), or
        for ROWS rows (the rest of the list, for an export)."""
        scope = self.scope
        if offset == 0 or rows:
            self.loading_label.setVisible(True)
        self.worker.submit(_page, self.services, self.actor, scope, query, offset, rows or self.page_rows, owner=self,
                           on_success=lambda page: self._page_arrived(request, page),
                           on_error=lambda exc: self._page_failed(request, exc))

    def _page_arrived(self, request: int, page: PageOfCases) -> None:
        self.model.add_page(request, page)
        if not self.model.fetching and not self.loading:
            self.loading_label.setVisible(False)
        self._update_count()

    def _page_failed(self, request: int, exc: BaseException) -> None:
        self.model.page_failed(request)
        if not self.model.fetching and not self.loading:
            self.loading_label.setVisible(False)
        self._report(exc, "The next cases could not be loaded")

    def _size_columns(self) -> None:
        """Fit columns to their content once, on the first rows (later loads keep any widths the
        user set). Only the first rows are measured, so this stays cheap at 100,000 rows."""
        header = self.table.horizontalHeader()
        char = self.table.fontMetrics().averageCharWidth()
        bold = QFont(header.font())
        bold.setBold(True)  # the style sheet's header font
        titles = QFontMetrics(bold)
        for column in range(self.model.columnCount()):
            if column == COL_FLAGS:
                continue
            width = text_width(self.table, column) + 6  # a little air between columns
            # Never narrower than its title with the sort arrow (a paged list fits to a page).
            title = titles.horizontalAdvance(HEADERS[column]) + 36
            header.resizeSection(column, max(title, min(width, _MAX_COLUMN_CHARS.get(column, 40) * char)))
        # Flags is the last column and stretches: start it small so it fills what is left
        # instead of pushing the table into a horizontal scroll.
        header.resizeSection(COL_FLAGS, 16 * char)
        others = sum(header.sectionSize(c) for c in range(header.count())
                     if c != COL_FLAGS and not header.isSectionHidden(c))
        width = self.table.viewport().width()
        # Every column shown (all cases) is wider than a laptop: the names give way, each in
        # proportion to what it has above a readable least (a cut name shows in full as a
        # tooltip), before Flags goes off screen.
        overflow = others + 16 * char - width
        excess = {c: header.sectionSize(c) - least * char for c, least in _GIVES_WAY
                  if not header.isSectionHidden(c) and header.sectionSize(c) > least * char}
        if overflow > 0 and excess:
            total = sum(excess.values())
            for column, room in excess.items():
                header.resizeSection(column, header.sectionSize(column) - min(room, -(-overflow * room // total)))
            others = sum(header.sectionSize(c) for c in range(header.count())
                         if c != COL_FLAGS and not header.isSectionHidden(c))
        # A name cut short while Flags has room to spare (the officer's own caseload, with two
        # columns fewer): the name takes what it needs of the spare width.
        spare = width - others - _FLAGS_ROOM_CHARS * char
        wanted = text_width(self.table, COL_NAME) + 6
        if spare > 0 and wanted > header.sectionSize(COL_NAME):
            header.resizeSection(COL_NAME, header.sectionSize(COL_NAME) + min(spare, wanted - header.sectionSize(COL_NAME)))
        self._columns_sized = True

    def _failed(self, seq: int, exc: BaseException) -> None:
        if seq != self._load_seq:
            return
        self.loading = False
        self.loading_label.setVisible(False)
        self._status("")
        if self.model.total == 0:
            self.panel.show_rows(0, "The caseload could not be loaded. Press F5 to try again.")
        self._report(exc, "The caseload could not be loaded")

    # --- filtering -----------------------------------------------------------------------------

    def empty_text(self) -> str:
        """Why nothing is listed, and what to do about it."""
        if self.model.total == 0:
            text = f"There are no cases in {self.label}: {EMPTY_BECAUSE[self.scope]}."
            return text + ("\nUse File > New offender record to add one." if self._can_create() else "")
        typed = self.proxy.filter_text
        if typed:
            which = "overdue case" if self.proxy.overdue_only else "case"
            return (f"No {which} in {self.label} matches \u201c{self.filter_edit.text().strip()}\u201d. "
                    f"Clear the filter (Esc) or search all cases by reference ({OPEN_BY_REFERENCE_SHORTCUT}).")
        return (f"Nothing is overdue in {self.label}. Turn off Overdue only ({OVERDUE_SHORTCUT}) "
                "to see every case.")

    def _update_count(self) -> None:
        total, shown = self.model.total, self.model.shown_count
        noun = "case" if total == 1 else "cases"
        late = " overdue" if self.proxy.overdue_only else ""
        if self.model.counted:
            self.count_label.setText(f"{shown:,}{late} of {total:,} {noun}")
        else:  # a paged caseload before its count arrives: more than the threshold
            self.count_label.setText(f"{self.model.rowCount():,}{late} of over {total - 1:,} {noun}")
        if not self.loading or total:
            self.panel.show_rows(shown, None if shown else self.empty_text())

    def _filter_typed(self, _text: str) -> None:
        if self.model.paged:
            self._filter_timer.start()
        else:
            self.apply_filter()

    def _filter_return(self) -> None:
        self.apply_filter()
        if self.proxy.rowCount() == 1:
            self.table.selectRow(0)
            self.open_selected()

    def apply_filter(self) -> None:
        self._filter_timer.stop()
        self.proxy.set_filter_text(self.filter_edit.text())
        self._update_count()

    def clear_filter(self) -> None:
        if self.filter_edit.text():
            self.filter_edit.clear()
            self.apply_filter()

    def focus_filter(self) -> None:
        self.filter_edit.setFocus()
        self.filter_edit.selectAll()

    def set_overdue_only(self, on: bool) -> None:
        self.proxy.set_overdue_only(on)
        self.overdue_label.setVisible(on)
        self._update_count()

    # --- choosing a case -----------------------------------------------------------------------

    def selected_row(self) -> CaseloadRow | None:
        rows = self.table.selectionModel().selectedRows()
        return self.proxy.row_at(rows[0].row()) if rows else None

    def select_offender(self, offender_id: int) -> bool:
        source_row = self.model.row_for_offender(offender_id)
        if source_row is None:
            return False
        index = self.proxy.mapFromSource(self.model.index(source_row, 0))
        if not index.isValid():
            return False
        self.table.selectRow(index.row())
        self.table.scrollTo(index)
        return True

    def _activated(self, index: QModelIndex) -> None:
        if index.isValid():
            self.open_requested.emit(self.proxy.row_at(index.row()))

    def open_selected(self) -> None:
        row = self.selected_row()
        if row is not None:
            self.open_requested.emit(row)
