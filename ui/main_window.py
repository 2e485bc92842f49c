"""The main window: the caseload (or, for an administrator, the accounts), menus and status bar."""

from __future__ import annotations

from typing import TypeVar

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QStackedWidget,
    QTableView,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from rso_manager.domain.roles import CaseloadScope, Permission, caseload_scopes
from rso_manager.services.caseload import CaseloadRow, OffenderRecord, list_caseload
from rso_manager.services.unit_of_work import Actor, Services
from rso_manager.services.users import list_users
from ui import extensions
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
    PreparedRows,
    prepare_rows,
)
from ui.kit.forms import report_failure
from ui.kit.tables import configure_list_view
from ui.lookups import Lookups, load_lookups
from ui.offender_form import OffenderForm
from ui.open_reason_dialog import OpenReasonDialog
from ui.prompter import Prompter, QtPrompter
from ui.record_window import RecordWindow
from ui.table_models import UsersModel
from ui.worker import Worker

P = TypeVar("P")

SCOPE_LABELS = {CaseloadScope.MINE: "My caseload", CaseloadScope.TEAM: "Team caseload",
                CaseloadScope.ALL: "All cases"}
# Typing into the filter re-filters at once for a normal caseload; above this many rows the
# filter waits for a pause in typing (one pass over 100,000 rows takes ~0.2 s).
DEBOUNCE_ABOVE_ROWS = 20_000

# Initial column widths in average characters: wide enough for typical content, so the first
# screen is readable without a ResizeToContents pass over every row.
_COLUMN_CHARS = {COL_REFERENCE: 12, COL_NAME: 28, COL_DOB: 12, COL_RISK: 12, COL_MANAGER: 20,
                 COL_TEAM: 14, COL_VISIT: 17, COL_NOTIFICATION: 19, COL_FLAGS: 30}


def _load_caseload(services: Services, actor: Actor, scope: CaseloadScope, column: int,
                   order: Qt.SortOrder) -> PreparedRows:
    """Worker thread: the query, then the indexing and sorting, so the GUI only swaps rows in."""
    return prepare_rows(list_caseload(services, actor, scope), column, order)


# Cap on fitted widths, so one very long name or officer does not push Flags off screen.
_MAX_COLUMN_CHARS = {COL_NAME: 34, COL_MANAGER: 26, COL_TEAM: 20}


class MainWindow(QMainWindow):
    caseload_loaded = Signal(int)  # rows; tests and the status bar listen
    record_window_opened = Signal(object)  # RecordWindow
    # The account changed under this session: the app signs it in again (username).
    sign_in_again = Signal(str)

    def __init__(self, services: Services, actor: Actor, *, prompter: Prompter | None = None,
                 worker: Worker | None = None, database: str = "", demo: bool = False,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services, self.actor = services, actor
        self.prompter: Prompter = prompter or QtPrompter(lambda: self)
        self.worker = worker or Worker(self)
        self.worker.unhandled_error.connect(self.report)
        self.worker.account_changed.connect(self.require_sign_in)
        self.worker.handles_account_changes = True
        self.signing_out = False
        self.database, self.demo = database, demo
        self.scopes = caseload_scopes(actor.role) if actor.can(Permission.READ_CASES) else ()
        self.scope: CaseloadScope | None = self.scopes[0] if self.scopes else None
        self.lookups: Lookups | None = None
        self.record_windows: dict[int, RecordWindow] = {}
        self.reason_dialog: OpenReasonDialog | None = None
        self.form: OffenderForm | None = None
        self.loading = False
        self._load_seq = 0
        self._columns_sized = False

        self.setWindowTitle(("[DEMO] " if demo else "") + "RSO Manager")
        self.resize(1280, 760)
        self._build_actions()
        self._build_menus()
        self._build_toolbar()
        self._build_central()
        self._build_status_bar()

        self.page_actions: dict[str, QAction] = {}
        self._page_widgets: dict[str, QWidget] = {}
        self._placed: dict[object, list[tuple[int, QAction]]] = {}
        self._status_orders: list[int] = []
        self._parts: list[object] = []
        for install in extensions.main_window_hooks():
            install(self)

        if self.scopes:
            self.refresh()
            self.worker.submit(load_lookups, services, actor, owner=self, on_success=self._lookups_loaded,
                               on_error=self.report)
        else:
            self._load_users()

    # --- construction ---------------------------------------------------------------------------

    def _build_actions(self) -> None:
        can_write = self.actor.can(Permission.WRITE_CASES)
        self.new_action = QAction("&New offender record...", self)
        self.new_action.setShortcut(QKeySequence("Ctrl+N"))
        self.new_action.setStatusTip("Create a record for a newly registered offender")
        self.new_action.triggered.connect(self.new_record)
        self.new_action.setVisible(can_write and bool(self.scopes))
        self.new_action.setEnabled(can_write and bool(self.scopes))
        self.open_action = QAction("&Open record...", self)
        self.open_action.setStatusTip("Open the selected record (Enter or double-click)")
        self.open_action.triggered.connect(self.open_selected)
        self.open_action.setEnabled(False)
        self.refresh_action = QAction("&Refresh", self)
        self.refresh_action.setShortcut(QKeySequence(Qt.Key.Key_F5))
        self.refresh_action.triggered.connect(self.refresh)
        self.quit_action = QAction("&Quit", self)
        self.quit_action.setShortcut(QKeySequence("Ctrl+Q"))
        self.quit_action.triggered.connect(self.close)
        self.filter_action = QAction("&Filter", self)
        self.filter_action.setShortcut(QKeySequence("Ctrl+F"))
        self.filter_action.triggered.connect(self.focus_filter)
        self.about_action = QAction("&About RSO Manager", self)
        self.about_action.triggered.connect(self.about)
        self.scope_actions = QActionGroup(self)
        self.scope_actions.setExclusive(True)
        for scope in self.scopes:
            action = QAction(SCOPE_LABELS[scope], self)
            action.setCheckable(True)
            action.setData(scope.value)
            action.setChecked(scope is self.scope)
            self.scope_actions.addAction(action)
        self.scope_actions.triggered.connect(lambda a: self.set_scope(CaseloadScope(a.data())))

    def _build_menus(self) -> None:
        file_menu = self.file_menu = self.menuBar().addMenu("&File")
        if self.new_action.isVisible():
            file_menu.addAction(self.new_action)
        if self.scopes:
            file_menu.addAction(self.open_action)
        file_menu.addAction(self.refresh_action)
        file_menu.addSeparator()
        self.file_extras = file_menu.addSeparator()  # workflows add their items above this
        file_menu.addAction(self.quit_action)
        view_menu = self.view_menu = self.menuBar().addMenu("&View")
        if self.scopes:
            view_menu.addAction(self.filter_action)
            view_menu.addSeparator()
            for action in self.scope_actions.actions():
                view_menu.addAction(action)
        self.view_extras = view_menu.addSeparator()
        self.go_menu = self.menuBar().addMenu("&Go")
        self.go_menu.menuAction().setVisible(False)  # until a workflow adds a second page
        self.go_extras = self.go_menu.addSeparator()
        self.go_extras.setVisible(False)
        help_menu = self.help_menu = self.menuBar().addMenu("&Help")
        self.help_extras = help_menu.addSeparator()
        help_menu.addAction(self.about_action)

    def _build_toolbar(self) -> None:
        toolbar = self.toolbar = self.addToolBar("Main")
        toolbar.setObjectName("mainToolbar")
        toolbar.setMovable(False)
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        if self.new_action.isVisible():
            toolbar.addAction(self.new_action)
        if self.scopes:
            toolbar.addAction(self.open_action)
        toolbar.addAction(self.refresh_action)
        self.toolbar_extras = toolbar.addSeparator()  # workflows add their actions above this
        self.scope_combo = QComboBox()
        self.scope_combo.setAccessibleName("Caseload shown")
        for scope in self.scopes:
            self.scope_combo.addItem(SCOPE_LABELS[scope], scope.value)
        self.scope_combo.currentIndexChanged.connect(
            lambda i: self.set_scope(CaseloadScope(self.scope_combo.itemData(i))) if i >= 0 else None)
        if len(self.scopes) > 1:
            toolbar.addSeparator()
            toolbar.addWidget(QLabel(" Show: "))
            toolbar.addWidget(self.scope_combo)

    def _build_central(self) -> None:
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(10, 6, 10, 6)
        if self.demo:
            banner = QLabel("DEMO DATABASE: all people and records are fictional. Do not enter real cases.")
            banner.setObjectName("demoBanner")
            banner.setAlignment(Qt.AlignmentFlag.AlignCenter)
            layout.addWidget(banner)
        self.pages = QStackedWidget()
        layout.addWidget(self.pages, 1)
        self.setCentralWidget(central)
        self.model = CaseloadModel(self)
        self.proxy = CaseloadFilterProxy(self)
        self.proxy.setSourceModel(self.model)
        if self.scopes:
            self.caseload_page = self._build_caseload_page()
            self.pages.addWidget(self.caseload_page)
        else:
            self.admin_page = self._build_admin_page()
            self.pages.addWidget(self.admin_page)

    def _build_caseload_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        top = QHBoxLayout()
        self.title_label = QLabel()
        self.title_label.setObjectName("pageTitle")
        top.addWidget(self.title_label)
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
        self._filter_timer.setInterval(200)
        self._filter_timer.timeout.connect(self.apply_filter)

        self.table = QTableView()
        self.table.setObjectName("caseloadTable")
        self.table.setModel(self.proxy)
        configure_list_view(self.table)
        header = self.table.horizontalHeader()
        header.setSectionsMovable(True)
        header.setStretchLastSection(True)
        char = self.table.fontMetrics().averageCharWidth()
        for column, chars in _COLUMN_CHARS.items():
            title = self.table.fontMetrics().horizontalAdvance(HEADERS[column]) + 36  # sort arrow
            header.resizeSection(column, max(chars * char, title))
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(COL_VISIT, Qt.SortOrder.AscendingOrder)  # most urgent first
        self.table.activated.connect(self._activated)
        self.table.selectionModel().selectionChanged.connect(
            lambda *_: self.open_action.setEnabled(self.selected_row() is not None))
        self.proxy.layoutChanged.connect(self._update_count)
        self.proxy.modelReset.connect(self._update_count)

        self.empty_label = QLabel()
        self.empty_label.setObjectName("emptyState")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        self.table_stack = QStackedWidget()
        self.table_stack.addWidget(self.table)
        self.table_stack.addWidget(self.empty_label)
        layout.addWidget(self.table_stack, 1)
        self._update_title()
        return page

    def _build_admin_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        title = QLabel("User accounts")
        title.setObjectName("pageTitle")
        layout.addWidget(title)
        note = QLabel("As an administrator you manage accounts and the audit trail. Administrators "
                      "have no caseload and cannot open offender records (Data Protection Act 2018, "
                      "s.57: data is seen only by those who need it). Every change to an account "
                      "is audited with its reason.")
        note.setWordWrap(True)
        note.setObjectName("hint")
        layout.addWidget(note)
        self.users_model = UsersModel(self)
        self.users_table = QTableView()
        self.users_table.setModel(self.users_model)
        configure_list_view(self.users_table)
        self.users_table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.users_table.horizontalHeader().setStretchLastSection(True)
        layout.addWidget(self.users_table, 1)
        return page

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        # Workflows' status widgets (backups, reminders), before who is signed in.
        self.status_extras = QWidget()
        extras = QHBoxLayout(self.status_extras)
        extras.setContentsMargins(0, 0, 0, 0)
        extras.setSpacing(12)
        bar.addPermanentWidget(self.status_extras)
        self.user_label = QLabel(f"{self.actor.display_name}  |  {self.actor.role.label}"
                                 + ("" if self.actor.trained or not self.scopes else "  |  not ViSOR-trained: read only"))
        self.user_label.setObjectName("statusUser")
        bar.addPermanentWidget(self.user_label)
        self.database_label = QLabel(self.database)
        self.database_label.setObjectName("statusDatabase")
        self.database_label.setToolTip(self.database)
        bar.addPermanentWidget(self.database_label)
        if self.demo:
            self.demo_label = QLabel("DEMO")
            self.demo_label.setObjectName("demoMarker")
            self.demo_label.setToolTip("This is a demonstration database with fictional people.")
            bar.addPermanentWidget(self.demo_label)

    # --- caseload ------------------------------------------------------------------------------

    def _update_title(self) -> None:
        if self.scope is not None:
            self.title_label.setText(SCOPE_LABELS[self.scope])

    def set_scope(self, scope: CaseloadScope) -> None:
        if scope not in self.scopes or scope is self.scope:
            return
        self.scope = scope
        for action in self.scope_actions.actions():
            action.setChecked(action.data() == scope.value)
        self.scope_combo.blockSignals(True)
        self.scope_combo.setCurrentIndex(self.scope_combo.findData(scope.value))
        self.scope_combo.blockSignals(False)
        self._update_title()
        self.refresh()

    def refresh(self) -> None:
        if self.scope is None:
            self._load_users()
            return
        self._load_seq += 1
        seq, scope = self._load_seq, self.scope
        self.loading = True
        self.loading_label.setVisible(True)
        if self.model.rowCount() == 0:
            self._show_empty("Loading caseload...")
        self.statusBar().showMessage("Loading caseload...")
        column, order = self.model.sort_state
        self.worker.submit(_load_caseload, self.services, self.actor, scope, column, order,
                           owner=self, on_success=lambda rows: self._caseload_arrived(seq, rows),
                           on_error=lambda exc: self._caseload_failed(seq, exc))

    def _caseload_arrived(self, seq: int, prepared: PreparedRows) -> None:
        if seq != self._load_seq:
            return  # an older request (scope changed meanwhile)
        selected = self.selected_row()
        rows = prepared.rows
        self.model.set_prepared(prepared, self.services.clock.today())
        self.loading = False
        self.loading_label.setVisible(False)
        self.statusBar().clearMessage()
        if rows:
            self.table_stack.setCurrentWidget(self.table)
        else:
            self._show_empty(
                "There are no cases in this view."
                + ("\nUse File > New offender record to add one." if self.new_action.isEnabled() else ""))
        if rows and not self._columns_sized:
            self._size_columns()
        if selected is not None:
            self.select_offender(selected.offender_id)
        self._update_count()
        self.caseload_loaded.emit(len(rows))

    def _size_columns(self) -> None:
        """Fit columns to their content once, on the first rows (later loads keep any widths the
        user set). Only the first rows are measured, so this stays cheap at 100,000 rows."""
        header = self.table.horizontalHeader()
        header.setResizeContentsPrecision(300)
        self.table.resizeColumnsToContents()
        char = self.table.fontMetrics().averageCharWidth()
        for column in range(self.model.columnCount()):
            width = header.sectionSize(column) + 6  # a little air between columns
            header.resizeSection(column, min(width, _MAX_COLUMN_CHARS.get(column, 40) * char))
        # Flags is the last column and stretches: start it small so it fills what is left
        # instead of pushing the table into a horizontal scroll.
        header.resizeSection(COL_FLAGS, 16 * char)
        self._columns_sized = True

    def _caseload_failed(self, seq: int, exc: BaseException) -> None:
        if seq != self._load_seq:
            return
        self.loading = False
        self.loading_label.setVisible(False)
        self.statusBar().clearMessage()
        if self.model.rowCount() == 0:
            self._show_empty("The caseload could not be loaded. Press F5 to try again.")
        self.report(exc, "The caseload could not be loaded")

    def _show_empty(self, text: str) -> None:
        self.empty_label.setText(text)
        self.table_stack.setCurrentWidget(self.empty_label)

    def _update_count(self) -> None:
        total, shown = self.model.rowCount(), self.proxy.rowCount()
        noun = "case" if total == 1 else "cases"
        self.count_label.setText(f"{shown:,} of {total:,} {noun}")

    def _filter_typed(self, text: str) -> None:
        if self.model.rowCount() > DEBOUNCE_ABOVE_ROWS:
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

    def focus_filter(self) -> None:
        if self.scopes:
            self.filter_edit.setFocus()
            self.filter_edit.selectAll()

    def selected_row(self) -> CaseloadRow | None:
        if not self.scopes:
            return None
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

    def _lookups_loaded(self, lookups: Lookups) -> None:
        self.lookups = lookups

    def _load_users(self) -> None:
        self.statusBar().showMessage("Loading accounts...")
        self.worker.submit(list_users, self.services, self.actor, owner=self, on_success=self._users_arrived,
                           on_error=self.report)

    def _users_arrived(self, users) -> None:
        self.statusBar().clearMessage()
        self.users_model.set_rows(users)

    # --- records -------------------------------------------------------------------------------

    def _activated(self, index: QModelIndex) -> None:
        if index.isValid():
            row = self.proxy.row_at(index.row())
            self.open_offender(row.offender_id, f"{row.name} ({row.reference})")

    def open_selected(self) -> None:
        row = self.selected_row()
        if row is not None:
            self.open_offender(row.offender_id, f"{row.name} ({row.reference})")

    def open_offender(self, offender_id: int, title: str, *,
                      outside_link: bool = False) -> OpenReasonDialog | RecordWindow:
        """Ask the reason (no reason, no view), then open. A record already open in this session
        is brought to the front instead of being opened again."""
        window = self.record_windows.get(offender_id)
        if window is not None:
            window.showNormal()
            window.raise_()
            window.activateWindow()
            return window
        if self.reason_dialog is not None and self.reason_dialog.isVisible():
            self.reason_dialog.reject()
        self.reason_dialog = OpenReasonDialog(self.services, self.actor, self.worker, self.prompter,
                                              offender_id, title, parent=self,
                                              outside_link=outside_link)
        self.reason_dialog.record_opened.connect(self.show_record)
        self.reason_dialog.open()
        return self.reason_dialog

    def show_record(self, record: OffenderRecord) -> RecordWindow:
        window = RecordWindow(self.services, self.actor, self.worker, self.prompter, record,
                              lookups=lambda: self.lookups, demo=self.demo, parent=self)
        window.changed.connect(lambda _r: self.refresh())
        window.closed.connect(lambda oid: self.record_windows.pop(oid, None))
        self.record_windows[record.offender_id] = window
        window.show()
        self.record_window_opened.emit(window)
        return window

    def new_record(self) -> OffenderForm | None:
        if not self.new_action.isEnabled():
            return None
        if self.form is not None and self.form.isVisible():
            self.form.raise_()
            return self.form
        self.form = OffenderForm(self.services, self.actor, self.worker, self.prompter,
                                 lookups=self.lookups, parent=self)
        self.form.saved.connect(self._created)
        self.form.open()
        return self.form

    def _created(self, record: OffenderRecord) -> None:
        # The creator sees what they entered at once; the creation itself is audited.
        self.refresh()
        self.show_record(record)

    # --- pages added by workflows ----------------------------------------------------------------

    # --- the host workflows plug into (ui.extensions.WorkflowHost) -----------------------------

    @property
    def window(self) -> QMainWindow:
        return self

    def add_page(self, key: str, title: str, widget: QWidget, *, order: int,
                 shortcut: str | None = None) -> QAction:
        """A page beside the caseload (e.g. the planner), reached from the Go menu."""
        if not self.page_actions:
            home = QAction("&Caseload" if self.scopes else "&Accounts", self)
            home.setShortcut(QKeySequence("Ctrl+1"))
            home.triggered.connect(lambda: self.pages.setCurrentIndex(0))
            self.go_menu.insertAction(self.go_extras, home)
            self.page_actions["home"] = home
            self.go_menu.menuAction().setVisible(True)
        self.pages.addWidget(widget)
        action = QAction(title, self)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(lambda: self.show_page(key))
        self._place(self.go_menu, self.go_extras, action, order)
        self.page_actions[key] = action
        self._page_widgets[key] = widget
        return action

    def show_page(self, key: str) -> QWidget:
        widget = self._page_widgets[key]
        self.pages.setCurrentWidget(widget)
        refresh = getattr(widget, "refresh", None)
        if callable(refresh):
            refresh()
        return widget

    def add_menu_action(self, menu: extensions.Menu, action: QAction, *, order: int) -> None:
        target, end = {"file": (self.file_menu, self.file_extras), "view": (self.view_menu, self.view_extras),
                       "help": (self.help_menu, self.help_extras)}[menu]
        self._place(target, end, action, order)

    def add_toolbar_action(self, action: QAction, *, order: int) -> None:
        self._place(self.toolbar, self.toolbar_extras, action, order)

    def _place(self, container: QWidget, end: QAction, action: QAction, order: int) -> None:
        """Insert ACTION among the workflows' actions in CONTAINER by ORDER, before END."""
        placed = self._placed.setdefault(container, [])
        later = [a for o, a in placed if o > order]
        container.insertAction(later[0] if later else end, action)
        placed.append((order, action))
        placed.sort(key=lambda pair: pair[0])

    def add_status_widget(self, widget: QWidget, *, order: int, permanent: bool = True) -> None:
        if not permanent:
            self.statusBar().addWidget(widget)
            return
        index = sum(1 for o in self._status_orders if o <= order)
        self._status_orders.append(order)
        self.status_extras.layout().insertWidget(index, widget)

    def add_banner(self, bar: QToolBar) -> None:
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, bar)
        self.insertToolBarBreak(bar)

    def show_status(self, text: str, msecs: int = 10_000) -> None:
        self.statusBar().showMessage(text, msecs)

    def report(self, exc: BaseException, title: str = "That could not be done") -> None:
        report_failure(self.prompter, exc, title=title)

    def add_part(self, part: object) -> None:
        self._parts.append(part)

    def part(self, kind: type[P]) -> P | None:
        return next((p for p in self._parts if isinstance(p, kind)), None)

    # --- other ---------------------------------------------------------------------------------

    def about(self) -> None:
        self.prompter.info(
            "About RSO Manager",
            "RSO Manager\nCase management for Offender Management Units.\n\n"
            f"Database: {self.database or 'unknown'}\n"
            f"Signed in as {self.actor.display_name} ({self.actor.role.label})."
            + ("\n\nThis is a DEMO database: every person in it is fictional." if self.demo else ""))

    def case_windows(self) -> list[QWidget]:
        """Every other window of the app on screen: record windows, dialogs, messages. Menus and
        tooltips are not windows a user works in."""
        return [w for w in QApplication.topLevelWidgets()
                if w is not self and w.isVisible()
                and w.windowType() not in (Qt.WindowType.Popup, Qt.WindowType.ToolTip)]

    def require_sign_in(self, exc: BaseException) -> None:
        """The account is not what it was at sign-in (closed, locked, role, team or training):
        what it shows and can do was decided for the old account, so every case window goes,
        the user is told why, once, and the app asks for a fresh sign-in."""
        if self.signing_out:
            return
        self.signing_out = True
        for window in self.case_windows():
            window.hide()
        self.hide()
        self.sign_in_again.emit(self.actor.username)  # the app shows the login behind the message
        self.prompter.warning("Sign in again", f"{exc}\n\nAnything not yet saved could not be kept.")
        self.close()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        for window in list(self.record_windows.values()):
            if not window.close() and not self.signing_out:
                event.ignore()
                return
        self.worker.handles_account_changes = False
        self.worker.wait_for_done(10_000)  # let a save in flight finish before the app goes
        super().closeEvent(event)


def build_main_window(services: Services, actor: Actor, *, prompter: Prompter | None = None,
                      worker: Worker | None = None, database: str = "", demo: bool = False) -> MainWindow:
    """The seam the app and the tests use to get a working main window for a logged-in actor."""
    return MainWindow(services, actor, prompter=prompter, worker=worker, database=database, demo=demo)
