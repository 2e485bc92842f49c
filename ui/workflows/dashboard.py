"""Go > Dashboard (Ctrl+4): the compliance figures, live, for supervisors and OMU leads.

The same figures as the printed compliance summary (rso_manager.services.reports), for the
reader's own scope by default (an OMU lead the force, a supervisor their team), as tiles grouped
by section. Every figure is a link: clicking it lists the cases behind it, and double-clicking a
case opens its record (with the reason asked, as from the caseload). Everything loads on the
worker; the page refreshes each time it is shown.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QSortFilterProxyModel, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from rso_manager.domain.roles import Permission
from rso_manager.reports.compliance_figures import ExceptionRow, Scope
from rso_manager.services import reads_apart
from rso_manager.services.reports import (
    Dashboard,
    ReportOptions,
    Tile,
    dashboard_cases,
    dashboard_for,
)
from ui.extensions import WorkflowHost, main_window_hook
from ui.kit.case_audit_grades import CaseAuditGradesWidget
from ui.kit.flow_layout import FlowLayout, WidthWatcher
from ui.kit.formatting import fmt_date, fmt_datetime
from ui.kit.forms import report_failure
from ui.kit.printing import ReportPrinter
from ui.kit.table_export import install_table_export
from ui.kit.tables import Column, ListPanel, RowRole, RowsModel, SortRole, configure_list_view

TILE_WIDTH = 138

# Local to the page: resources/style.qss belongs to the whole app. Navy for figures, red only
# for an exception that is not zero (the app's rule).
STYLE = """
QFrame#dashSection { background: #ffffff; border: 1px solid #d5dde8; border-radius: 6px; }
QLabel#dashSectionTitle { font-weight: 600; color: #1f3a5f; font-size: 10.5pt; }
QPushButton#figureTile {
    background: #f6f8fb; border: 1px solid #d5dde8; border-radius: 5px; padding: 0; text-align: left;
}
QPushButton#figureTile:hover { background: #eaf0f7; border-color: #9fb3cc; }
QPushButton#figureTile:focus { border: 1px solid #1f3a5f; }
QPushButton#figureTile[alert="true"] { background: #fdf1f0; border-color: #e6b0ab; }
QPushButton#figureTile[alert="true"]:hover { background: #fbe4e2; }
QPushButton#figureTile[chosen="true"] { border: 2px solid #1f3a5f; }
QLabel#tileValue { font-size: 17pt; font-weight: 700; color: #1f3a5f; }
QLabel#tileValue[alert="true"] { color: #b3261e; }
QLabel#tileLabel { font-weight: 600; color: #1f2933; }
QLabel#tileDetail { color: #616e7c; font-size: 8.5pt; }
QFrame#casesPanel { background: #ffffff; border: 1px solid #d5dde8; border-radius: 6px; }
QLabel#casesTitle { font-size: 11pt; font-weight: 600; color: #1f3a5f; }
QLabel#scopeLabel { color: #323f4b; }
"""


class FigureTile(QPushButton):
    """One figure: the number, what it counts, a line of context. Clicking lists the cases."""

    def __init__(self, tile: Tile, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tile = tile
        self.setObjectName("figureTile")
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        alert = tile.exception and tile.value > 0
        self.setProperty("alert", alert)
        self.setProperty("chosen", False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 5, 10, 8)
        layout.setSpacing(0)
        self.value_label = QLabel(f"{tile.value:,}")
        self.value_label.setObjectName("tileValue")
        self.value_label.setProperty("alert", alert)
        self.caption = QLabel(tile.label)
        self.caption.setObjectName("tileLabel")
        self.caption.setWordWrap(True)
        self.detail = QLabel(tile.detail)
        self.detail.setObjectName("tileDetail")
        self.detail.setWordWrap(True)
        for label in (self.value_label, self.caption, self.detail):
            label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
            label.setTextFormat(Qt.TextFormat.PlainText)
            layout.addWidget(label)
        layout.addStretch(1)
        self._height = 0
        self.setMinimumWidth(TILE_WIDTH)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setAccessibleName(f"{tile.label}: {tile.value}")
        self.setToolTip(f"{tile.list_title}: {tile.value:,}. Click to list them.")

    def set_chosen(self, chosen: bool) -> None:
        if bool(self.property("chosen")) != chosen:
            self.setProperty("chosen", chosen)
            self.style().unpolish(self)
            self.style().polish(self)
            if self._height:
                self.setFixedHeight(self._height)  # polishing re-applies the app's min-height

    def set_height(self, height: int) -> None:
        self._height = height
        self.setFixedHeight(height)

    def natural_height(self) -> int:
        """The height the labels need at the tile's width, in the page's fonts (call once the
        tile is on the page, so the style sheet has set them)."""
        for widget in (self, self.value_label, self.caption, self.detail):
            widget.ensurePolished()
        return self.layout().heightForWidth(max(self.width(), TILE_WIDTH))


class SectionCard(QFrame):
    def __init__(self, title: str, tiles: list[FigureTile], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("dashSection")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 8)
        layout.setSpacing(4)
        heading = QLabel(title)
        heading.setObjectName("dashSectionTitle")
        layout.addWidget(heading)
        row = QGridLayout()
        row.setHorizontalSpacing(8)
        for i, tile in enumerate(tiles):
            row.addWidget(tile, 0, i)
        layout.addLayout(row)


class CasesModel(RowsModel[ExceptionRow]):
    def __init__(self, parent=None) -> None:
        super().__init__([
            Column("Reference", lambda r: r.reference or ""),
            Column("Name", lambda r: r.name or ""),
            Column("Officer", lambda r: r.officer or "Unallocated"),
            Column("What is needed", lambda r: r.needed, tooltip=lambda r: r.needed),
            Column("Days", lambda r: "" if r.days is None else str(r.days),
                   lambda r: -10**9 if r.days is None else r.days),
        ], parent)

    def extra(self, row: ExceptionRow, column: int, role: int) -> Any:
        if column == 4 and role == Qt.ItemDataRole.TextAlignmentRole:
            return Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        if column == 4 and role == Qt.ItemDataRole.ToolTipRole and row.since is not None:
            return f"Since {fmt_date(row.since)}"
        return None


class CasesPanel(QFrame):
    """The list behind one figure. Double-click (or Enter) opens the case's record."""

    open_requested = Signal(object)  # ExceptionRow
    closed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("casesPanel")
        self.key: str | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 10)
        top = QHBoxLayout()
        self.title = QLabel()
        self.title.setObjectName("casesTitle")
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        top.addWidget(self.title)
        self.loading = QLabel("Loading...")
        self.loading.setObjectName("loading")
        self.loading.setVisible(False)
        top.addWidget(self.loading)
        self.hint = QLabel("Double-click a case (or select it and press Enter) to open its record.")
        self.hint.setObjectName("hint")
        self.hint.setWordWrap(True)  # the panel stays as narrow as the window
        self.hint.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        top.addSpacing(12)
        top.addWidget(self.hint, 1)
        self.filter = QLineEdit()
        self.filter.setPlaceholderText("Filter this list")
        self.filter.setClearButtonEnabled(True)
        self.filter.setMinimumWidth(200)
        self.filter.setAccessibleName("Filter the list of cases")
        top.addWidget(self.filter)
        self.close_button = QPushButton("Close list")
        self.close_button.setToolTip("Close the list (Esc)")
        self.close_button.clicked.connect(self.close_list)
        top.addWidget(self.close_button)
        layout.addLayout(top)

        self.model = CasesModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SortRole)
        self.proxy.setFilterKeyColumn(-1)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.filter.textChanged.connect(self.proxy.setFilterFixedString)
        self.table = QTableView()
        self.table.setObjectName("casesTable")
        self.table.setModel(self.proxy)
        configure_list_view(self.table)
        self.table.setSortingEnabled(True)
        header = self.table.horizontalHeader()
        char = self.table.fontMetrics().averageCharWidth()
        for column, chars in ((0, 13), (1, 28), (2, 22), (4, 7)):
            header.resizeSection(column, chars * char + 16)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        header.setStretchLastSection(False)
        self.table.activated.connect(self._activated)
        self.stack = ListPanel(self.table, "Loading the list...")
        self.empty = self.stack.empty
        layout.addWidget(self.stack, 1)
        escape = QShortcut(QKeySequence(Qt.Key.Key_Escape), self)
        escape.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        escape.activated.connect(self.close_list)

    def show_loading(self, key: str, title: str) -> None:
        self.key = key
        self.title.setText(title)
        self.loading.setVisible(True)
        self.model.set_rows([])
        self.stack.show_rows(0, "Loading the list...")
        self.setVisible(True)

    def show_rows(self, key: str, title: str, rows: tuple[ExceptionRow, ...]) -> None:
        self.key = key
        self.loading.setVisible(False)
        self.title.setText(f"{title}: {len(rows):,}")
        self.filter.clear()
        self.proxy.sort(-1)  # the service's order (oldest first for exceptions)
        self.table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.model.set_rows(rows)
        openable = any(r.offender_id is not None for r in rows)
        self.hint.setVisible(openable)
        self.stack.show_rows(len(rows), "None: nothing to list.")
        if rows:
            self._fit_columns()
            self.table.selectRow(0)
        self.setVisible(True)

    def _fit_columns(self) -> None:
        """Reference, name and officer as wide as their text (within reason); the need takes
        the rest."""
        header = self.table.horizontalHeader()
        header.setResizeContentsPrecision(200)
        char = self.table.fontMetrics().averageCharWidth()
        for column, cap in ((0, 16), (1, 36), (2, 26), (4, 7)):
            self.table.resizeColumnToContents(column)
            header.resizeSection(column, min(header.sectionSize(column) + 8, cap * char + 24))

    def rows(self) -> list[ExceptionRow]:
        return [self.proxy.index(r, 0).data(RowRole) for r in range(self.proxy.rowCount())]

    def _activated(self, index) -> None:
        if index.isValid():
            self.open_requested.emit(index.data(RowRole))

    def close_list(self) -> None:
        self.setVisible(False)
        self.key = None
        self.closed.emit()


class DashboardPage(QWidget):
    """Test seams: `loaded` (after each load), tiles[key], cases, `cases_loaded`."""

    loaded = Signal(object)  # Dashboard
    cases_loaded = Signal(str)  # the figure's key

    def __init__(self, host: WorkflowHost) -> None:
        super().__init__()
        self.host = host
        self.services, self.actor, self.worker, self.prompter = host.services, host.actor, host.worker, host.prompter
        self.options: ReportOptions | None = None
        self.dashboard: Dashboard | None = None
        self.scope: Scope | None = None
        self.loading = False
        self.tiles: dict[str, FigureTile] = {}
        self._seq = 0
        self._cases_seq = 0
        self.setStyleSheet(STYLE)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        top = QHBoxLayout()
        title = QLabel("Compliance dashboard")
        title.setObjectName("pageTitle")
        top.addWidget(title)
        self.scope_combo = QComboBox()
        self.scope_combo.setAccessibleName("Figures for")
        self.scope_combo.setMinimumWidth(180)
        self.scope_combo.activated.connect(self._scope_chosen)
        self.scope_combo.setVisible(False)
        top.addWidget(self.scope_combo)
        # Its own line under the title, wrapping: beside the title it held the page at 1,323 px.
        self.period_label = QLabel()
        self.period_label.setObjectName("scopeLabel")
        self.period_label.setWordWrap(True)
        self.loading_label = QLabel("Loading the figures...")
        self.loading_label.setObjectName("loading")
        self.loading_label.setVisible(False)
        top.addWidget(self.loading_label)
        top.addStretch(1)
        self.updated_label = QLabel()
        self.updated_label.setObjectName("countLabel")
        top.addWidget(self.updated_label)
        self.refresh_button = QPushButton("Refresh")
        self.refresh_button.setToolTip("Count the figures again")
        self.refresh_button.clicked.connect(self.refresh)
        top.addWidget(self.refresh_button)
        self.print_button = QPushButton("Print these figures...")
        self.print_button.setToolTip("Save or print these figures, with every list, as the compliance summary (Ctrl+P)")
        self.print_button.clicked.connect(self.print_summary)
        top.addWidget(self.print_button)
        layout.addLayout(top)
        layout.addWidget(self.period_label)

        self.grid_host = WidthWatcher()
        self._fit_timer = QTimer(self)
        self._fit_timer.setSingleShot(True)
        self._fit_timer.setInterval(0)
        self._fit_timer.timeout.connect(self.fit_tiles)
        self.grid_host.resized.connect(self._fit_timer.start)
        self.flow = FlowLayout(self.grid_host, spacing=10)
        self.flow.setContentsMargins(0, 4, 0, 4)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        # Below the tiles, scrolling with them: how the lead's case audits graded each team (issue 18).
        self.grades = CaseAuditGradesWidget()
        self.grades.setMinimumHeight(200)  # a few teams' rows stay readable under the tiles
        content = QWidget()
        column = QVBoxLayout(content)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.grid_host)
        column.addWidget(self.grades)
        column.addStretch(1)
        self.scroll.setWidget(content)
        self.figures_stack = ListPanel(self.scroll, "Loading the figures...")
        self.figures_stack.show_rows(0)
        self.empty = self.figures_stack.empty

        self.cases = CasesPanel()
        self.cases.setVisible(False)
        self.cases.open_requested.connect(self.open_case)
        self.cases.closed.connect(self._cases_closed)
        # The list behind a figure goes to CSV or Excel (right-click, Ctrl+Shift+S), audited.
        self.cases_export = install_table_export(self.cases.table, lambda: f"Dashboard: {self.cases.title.text()}",
                                                 self.services, self.actor, self.worker, self.prompter)
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self.figures_stack)
        self.splitter.addWidget(self.cases)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        layout.addWidget(self.splitter, 1)

    # --- loading ----------------------------------------------------------------------------------

    def refresh(self) -> None:
        """Load (again) on the worker; the figures shown stay until the new ones arrive."""
        self._seq += 1
        seq = self._seq
        self.loading = True
        self.loading_label.setText("Loading the figures..." if self.dashboard is None else "Refreshing...")
        self.loading_label.setVisible(True)
        self.refresh_button.setEnabled(False)
        # In the reads' process: a force's figures are seconds of Python the GUI would wait for.
        self.worker.submit(reads_apart.read, self.services, dashboard_for, self.actor, self.scope, self.options,
                           owner=self,
                           on_success=lambda result: self._arrived(seq, result),
                           on_error=lambda exc: self._failed(seq, exc))

    def _arrived(self, seq: int, result: tuple[ReportOptions, Dashboard]) -> None:
        if seq != self._seq:
            return
        options, dashboard = result
        first = self.options is None
        self.options, self.dashboard = options, dashboard
        figures = dashboard.figures
        self.scope = Scope(figures.scope.kind, figures.scope.name)
        if first:
            self._fill_scopes(options)
        self._select_scope(self.scope)
        self.loading = False
        self.loading_label.setVisible(False)
        self.refresh_button.setEnabled(True)
        self.period_label.setText(f"Period {fmt_date(figures.period_from)} to {fmt_date(figures.period_to)}"
                                  f"; outstanding as of the end of {fmt_date(figures.as_of)}")
        self.updated_label.setText(f"Counted at {fmt_datetime(dashboard.loaded_at)[-5:]}")
        self.updated_label.setToolTip(f"Counted at {fmt_datetime(dashboard.loaded_at)}")
        self._build_tiles(dashboard)
        self.grades.show_figures(figures.case_audits)
        self.figures_stack.show_rows(1)
        # An open list follows the new figures.
        if self.cases.isVisible() and self.cases.key in self.tiles:
            self.show_cases(self.cases.key)
        elif self.cases.isVisible():
            self.cases.close_list()
        self.loaded.emit(dashboard)

    def _failed(self, seq: int, exc: BaseException) -> None:
        if seq != self._seq:
            return
        self.loading = False
        self.loading_label.setVisible(False)
        self.refresh_button.setEnabled(True)
        if self.dashboard is None:
            self.empty.setText("The figures could not be loaded. Press Refresh to try again.")
        report_failure(self.prompter, exc, title="The dashboard could not be loaded")

    def _fill_scopes(self, options: ReportOptions) -> None:
        self.scope_combo.clear()
        self.scope_combo.addItem("Whole force", ("force", ""))
        for team in options.teams:
            self.scope_combo.addItem(f"Team: {team}", ("team", team))
        if options.scope.kind == "officer":
            self.scope_combo.addItem("My cases", ("officer", options.scope.name or ""))
        self.scope_combo.setVisible(True)

    def _select_scope(self, scope: Scope) -> None:
        for i in range(self.scope_combo.count()):
            kind, name = self.scope_combo.itemData(i)
            if kind == scope.kind and (kind == "force" or name.casefold() == (scope.name or "").casefold()):
                self.scope_combo.setCurrentIndex(i)
                return

    def _scope_chosen(self, index: int) -> None:
        kind, name = self.scope_combo.itemData(index)
        scope = Scope.force() if kind == "force" else Scope(kind, name)
        if scope != self.scope:
            self.scope = scope
            self.cases.close_list()
            self.refresh()

    def set_scope(self, scope: Scope) -> None:
        self.scope = scope
        self.refresh()

    def _build_tiles(self, dashboard: Dashboard) -> None:
        chosen = self.cases.key if self.cases.isVisible() else None
        while self.flow.count():
            item = self.flow.takeAt(0)
            if item is not None and item.widget() is not None:
                item.widget().deleteLater()
        self.tiles = {}
        for section in dashboard.sections:
            tiles = []
            for tile in section.tiles:
                widget = FigureTile(tile)
                widget.clicked.connect(lambda _checked=False, key=tile.key: self.show_cases(key))
                widget.set_chosen(tile.key == chosen)
                self.tiles[tile.key] = widget
                tiles.append(widget)
            self.flow.addWidget(SectionCard(section.title, tiles))
        self.fit_tiles()
        self.grid_host.updateGeometry()
        self._fit_timer.start()  # again once the flow has given the tiles their widths

    def fit_tiles(self) -> None:
        """One height for every tile, the least their words need at their widths, so the cards
        line up in rows without gaps."""
        if not self.tiles:
            return
        height = max(t.natural_height() for t in self.tiles.values())
        for widget in self.tiles.values():
            if widget.height() != height or widget.maximumHeight() != height:
                widget.set_height(height)

    # --- the list behind a figure -------------------------------------------------------------------

    def show_cases(self, key: str) -> None:
        if self.dashboard is None or key not in self.tiles:
            return
        tile = self.tiles[key].tile
        for k, widget in self.tiles.items():
            widget.set_chosen(k == key)
        if not self.cases.isVisible():
            # The list gets the room the figures do not need when that is enough for a dozen
            # rows; otherwise the page is shared and the figures scroll above the list.
            self.fit_tiles()
            total = max(self.splitter.height(), 400)
            needed = self.flow.heightForWidth(self.scroll.viewport().width()) + 4
            figures = needed if total - needed >= 320 else total * 11 // 20
            self.splitter.setSizes([figures, total - figures])
        # Once the splitter has made room for the list, keep the chosen figure in sight.
        QTimer.singleShot(0, self, lambda: self._keep_in_sight(key))
        if tile.rows is not None:
            self.cases.show_rows(key, tile.list_title, tile.rows)
            self.cases_loaded.emit(key)
            return
        self._cases_seq += 1
        seq = self._cases_seq
        figures = self.dashboard.figures
        self.cases.show_loading(key, tile.list_title)
        self.worker.submit(reads_apart.read, self.services, dashboard_cases, self.actor, self.scope or Scope.force(),
                           key,
                           figures.period_from, figures.period_to, figures.as_of, owner=self,
                           on_success=lambda rows: self._cases_arrived(seq, key, tile.list_title, rows),
                           on_error=lambda exc: self._cases_failed(seq, exc))

    def _keep_in_sight(self, key: str) -> None:
        widget = self.tiles.get(key)
        if widget is not None:
            self.scroll.ensureWidgetVisible(widget, 0, 8)

    def _cases_arrived(self, seq: int, key: str, title: str, rows: tuple[ExceptionRow, ...]) -> None:
        if seq != self._cases_seq or self.cases.key != key:
            return
        self.cases.show_rows(key, title, rows)
        self.cases_loaded.emit(key)

    def _cases_failed(self, seq: int, exc: BaseException) -> None:
        if seq != self._cases_seq:
            return
        self.cases.close_list()
        report_failure(self.prompter, exc, title="The list could not be loaded")

    def _cases_closed(self) -> None:
        for widget in self.tiles.values():
            widget.set_chosen(False)

    def open_case(self, row: ExceptionRow) -> None:
        if row.offender_id is None:
            self.host.show_status("This line is not about one case, so there is no record to open.", 8000)
            return
        self.host.open_offender(row.offender_id, f"{row.name} ({row.reference})")

    def print_summary(self) -> None:
        """The printed compliance summary, for the figures' scope (whichever workflow prints it)."""
        printer = self.host.part(ReportPrinter)
        if printer is not None:
            printer.open_dialog(self.scope)


@main_window_hook(order=60)
def add_dashboard(host: WorkflowHost) -> None:
    if not host.actor.can(Permission.PRINT_REPORTS) or not host.scopes:
        return
    action = host.add_page("dashboard", "&Dashboard", lambda: DashboardPage(host), part=DashboardPage,
                           order=40, shortcut="Ctrl+4")
    action.setStatusTip("Compliance figures for your scope; click a figure to list its cases")
