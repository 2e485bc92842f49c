"""The main window: the caseload (or, for an administrator, the accounts), menus and status bar."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QSizePolicy,
    QStackedWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from rso_manager.domain.roles import CaseloadScope, Permission, caseload_scopes
from rso_manager.services.caseload import CaseloadRow, OffenderRecord
from rso_manager.services.unit_of_work import Actor, Services
from ui import extensions, gui_thread_gc
from ui.caseload_page import OVERDUE_SHORTCUT, SCOPE_LABELS, CaseloadPage
from ui.kit.forms import report_failure
from ui.lookups import Lookups, load_lookups
from ui.offender_form import OffenderForm
from ui.open_reason_dialog import OpenReasonDialog
from ui.prompter import Prompter, QtPrompter
from ui.record_window import RecordWindow
from ui.worker import Worker

P = TypeVar("P")

# As ui/workflows/backups.py draws the banner of a file that opened damaged.
DAMAGED_BANNER_STYLE = ("QLabel#damagedBanner { background: #b3261e; color: #ffffff; font-weight: 600; "
                        "padding: 8px 12px; }")

class MainWindow(QMainWindow):
    caseload_loaded = Signal(int)  # rows; tests and the status bar listen
    record_window_opened = Signal(object)  # RecordWindow
    # The account changed under this session: the app signs it in again (username).
    sign_in_again = Signal(str)
    # The open's integrity check found the file damaged after this window was built (the
    # message); the database is read-only from now on.
    database_damaged = Signal(str)

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
        # The worker's jobs (the caseload first) start once the window is built and polished,
        # in the next turn of the event loop (the polish requests were posted before it).
        self.worker.hold()
        QTimer.singleShot(0, self.worker.release)
        self.signing_out = False
        self.database, self.demo = database, demo
        self.scopes = caseload_scopes(actor.role) if actor.can(Permission.READ_CASES) else ()
        self.scope: CaseloadScope | None = self.scopes[0] if self.scopes else None
        self.lookups: Lookups | None = None
        self.record_windows: dict[int, RecordWindow] = {}
        self.reason_dialog: OpenReasonDialog | None = None
        self.form: OffenderForm | None = None
        self._frozen = False

        self.setWindowTitle(("[DEMO] " if demo else "") + "RSO Manager")
        self.resize(1280, 760)
        self._build_actions()
        self._build_menus()
        self._build_toolbar()
        self._build_central()
        self._build_status_bar()

        self.page_actions: dict[str, QAction] = {}
        self._page_widgets: dict[str, QWidget] = {}
        self._page_builders: dict[str, Callable[[], QWidget]] = {}
        self._page_parts: dict[str, type] = {}  # what a page not made yet will be, by key
        self._placed: dict[object, list[tuple[int, QAction]]] = {}
        self._status_orders: list[int] = []
        self._parts: list[object] = []
        if self.scopes:
            # First on the one worker: what the user came for. The workflows' own first reads
            # (the sign-off queue, reminders, the dashboard) queue behind it.
            self.refresh()
        for install in extensions.main_window_hooks():
            install(self)
        if self.scopes:
            self.worker.submit(load_lookups, services, actor, owner=self, on_success=self._lookups_loaded,
                               on_error=self.report)

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
        self.overdue_action = QAction("&Overdue only", self)
        self.overdue_action.setCheckable(True)
        self.overdue_action.setShortcut(QKeySequence(OVERDUE_SHORTCUT))
        self.overdue_action.setStatusTip("Show only the cases with a visit, notification or other item overdue")
        self.overdue_action.setToolTip(f"Only the cases with something overdue ({OVERDUE_SHORTCUT})")
        self.overdue_action.toggled.connect(self.set_overdue_only)
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
            view_menu.addAction(self.overdue_action)
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
        if self.scopes:
            toolbar.addAction(self.overdue_action)
        self.toolbar_extras = toolbar.addSeparator()  # workflows add their actions above this
        self.scope_combo = QComboBox()
        self.scope_combo.setAccessibleName("Caseload shown")
        for scope in self.scopes:
            self.scope_combo.addItem(SCOPE_LABELS[scope], scope.value)
        self.scope_combo.currentIndexChanged.connect(
            lambda i: self.set_scope(CaseloadScope(self.scope_combo.itemData(i))) if i >= 0 else None)
        # The caseload's own tools: shown on the caseload page only, where they do something.
        # (Overdue only stays: from another page it goes to the caseload's overdue cases.)
        self.caseload_tools: list[QAction] = []
        if len(self.scopes) > 1:
            self.caseload_tools += [toolbar.addSeparator(), toolbar.addWidget(QLabel(" Show: ")),
                                    toolbar.addWidget(self.scope_combo)]

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
        self.pages.currentChanged.connect(self._page_changed)
        layout.addWidget(self.pages, 1)
        self.setCentralWidget(central)
        if self.scope is not None:
            page = self.caseload_page = CaseloadPage(
                self.services, self.actor, self.worker, self.scope, report=self.report,
                status=lambda text: self.statusBar().showMessage(text) if text else self.statusBar().clearMessage(),
                can_create=self.new_action.isEnabled, prompter=self.prompter, parent=self)
            page.loaded.connect(self.caseload_loaded)
            page.loaded.connect(self._caseload_arrived)
            page.open_requested.connect(self._open_row)
            page.selection_changed.connect(lambda: self.open_action.setEnabled(self.selected_row() is not None))
            # The caseload's parts, where the tests and the screenshots look for them.
            self.model, self.proxy, self.table = page.model, page.proxy, page.table
            self.filter_edit, self.count_label = page.filter_edit, page.count_label
            self.title_label, self.loading_label = page.title_label, page.loading_label
            self.pages.addWidget(page)
        # Without a caseload (the administrator) the first page a workflow adds is the home page.

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

    @property
    def loading(self) -> bool:
        return self.caseload_page.loading if self.scopes else False

    def set_scope(self, scope: CaseloadScope) -> None:
        if scope not in self.scopes or scope is self.scope:
            return
        self.scope = scope
        for action in self.scope_actions.actions():
            action.setChecked(action.data() == scope.value)
        self.scope_combo.blockSignals(True)
        self.scope_combo.setCurrentIndex(self.scope_combo.findData(scope.value))
        self.scope_combo.blockSignals(False)
        self.caseload_page.set_scope(scope)

    def refresh(self) -> None:
        if self.scope is None:
            refresh = getattr(self.pages.currentWidget(), "refresh", None)
            if callable(refresh):
                refresh()
            return
        self.caseload_page.refresh()

    def set_overdue_only(self, on: bool) -> None:
        """The Overdue view: only the cases with something overdue, from the toolbar or View."""
        if not self.scopes:
            return
        if self.overdue_action.isChecked() != on:
            self.overdue_action.setChecked(on)  # toggled comes back here
            return
        self.pages.setCurrentWidget(self.caseload_page)
        self.caseload_page.set_overdue_only(on)

    def _page_changed(self, _index: int) -> None:
        on_caseload = self.scopes and self.pages.currentWidget() is self.caseload_page
        for action in self.caseload_tools:
            action.setVisible(bool(on_caseload))
        self.filter_action.setEnabled(bool(on_caseload))

    def apply_filter(self) -> None:
        self.caseload_page.apply_filter()

    def focus_filter(self) -> None:
        if self.scopes:
            self.pages.setCurrentWidget(self.caseload_page)
            self.caseload_page.focus_filter()

    def selected_row(self) -> CaseloadRow | None:
        return self.caseload_page.selected_row() if self.scopes else None

    def select_offender(self, offender_id: int) -> bool:
        return self.caseload_page.select_offender(offender_id)

    def _caseload_arrived(self, _rows: int) -> None:
        # The window, its pages and the rows live while it is open: later collections on the GUI
        # thread need not walk them (ui/gui_thread_gc.py). At every load: a refresh's 100,000
        # new rows, walked by the next collection, held the GUI thread 30-50 ms; the rows they
        # replace are freed by reference counting. A cycle of garbage made just before waits
        # for the window to close (thaw).
        self._frozen = True
        gui_thread_gc.freeze()

    def _lookups_loaded(self, lookups: Lookups) -> None:
        self.lookups = lookups

    # --- records -------------------------------------------------------------------------------

    def _open_row(self, row: CaseloadRow) -> None:
        self.open_offender(row.offender_id, f"{row.name} ({row.reference})")

    def open_selected(self) -> None:
        row = self.selected_row()
        if row is not None:
            self._open_row(row)

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
                              lookups=lambda: self.lookups, demo=self.demo,
                              open_offender=self.open_offender, parent=self)
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

    # --- the host workflows plug into (ui.extensions.WorkflowHost) -----------------------------

    @property
    def window(self) -> QMainWindow:
        return self

    def add_page(self, key: str, title: str, widget: QWidget | Callable[[], QWidget], *, order: int,
                 shortcut: str | None = None, part: type | None = None) -> QAction:
        """A page beside the caseload (e.g. the planner), reached from the Go menu. WIDGET may be
        a function making the page, called when it is first shown: a page nobody opens then
        costs the window's start nothing. PART: the type of the page a function makes, which
        is then kept as a part once made; asking for that part makes it (part())."""
        if not self.page_actions and self.scopes:
            home = QAction("&Caseload", self)
            home.setShortcut(QKeySequence("Ctrl+1"))
            home.triggered.connect(self._show_home)
            self.go_menu.insertAction(self.go_extras, home)
            self.page_actions["home"] = home
        if not isinstance(widget, QWidget):
            if self.pages.count() == 0:
                widget = widget()  # the home page (the administrator's): on screen at once
                if part is not None:
                    self.add_part(widget)
            else:
                self._page_builders[key] = widget
                if part is not None:
                    self._page_parts[key] = part
                widget = QWidget()  # a stand-in until the page is first shown
        self.pages.addWidget(widget)
        action = QAction(title, self)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(lambda: self.show_page(key))
        self._place(self.go_menu, self.go_extras, action, order)
        self.page_actions[key] = action
        self._page_widgets[key] = widget
        self.go_menu.menuAction().setVisible(len(self.page_actions) > 1)  # somewhere to go
        return action

    def page_widget(self, key: str) -> QWidget:
        """The page KEY, built now if it was added as a function and not shown yet."""
        build = self._page_builders.pop(key, None)
        if build is not None:
            stand_in = self._page_widgets[key]
            widget = build()
            self.pages.insertWidget(self.pages.indexOf(stand_in), widget)
            self.pages.removeWidget(stand_in)
            stand_in.deleteLater()
            self._page_widgets[key] = widget
            if self._page_parts.pop(key, None) is not None:
                self.add_part(widget)
        return self._page_widgets[key]

    def _show_home(self) -> None:
        self.pages.setCurrentIndex(0)
        _focus_into(self.pages.widget(0))

    def show_page(self, key: str) -> QWidget:
        made_now = key in self._page_builders
        widget = self.page_widget(key)
        self.pages.setCurrentWidget(widget)
        _focus_into(widget)
        refresh = getattr(widget, "refresh", None)
        # A page that began its first read as it was made is not asked for the same read again.
        if callable(refresh) and not (made_now and getattr(widget, "loading", False)):
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
        if self.isVisible():
            bar.show()  # a late banner (a check that found damage): Qt shows only what was there at show()

    def show_status(self, text: str, msecs: int = 10_000) -> None:
        self.statusBar().showMessage(text, msecs)

    def show_database_damaged(self, message: str) -> None:
        """The open's integrity check, finished after this window was built, found the file
        damaged (it is read-only from now on): the red banner it would have opened with."""
        if self.findChild(QLabel, "damagedBanner") is not None:
            return
        self.database_damaged.emit(message)
        label = QLabel(message)
        label.setObjectName("damagedBanner")
        label.setStyleSheet(DAMAGED_BANNER_STYLE)
        label.setWordWrap(True)
        label.setAccessibleName(message)
        label.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)  # the full width
        bar = QToolBar()
        bar.setObjectName("damagedBannerBar")
        bar.setMovable(False)
        bar.addWidget(label)
        self.add_banner(bar)

    def report(self, exc: BaseException, title: str = "That could not be done") -> None:
        report_failure(self.prompter, exc, title=title)

    def add_part(self, part: object) -> None:
        self._parts.append(part)

    def part(self, kind: type[P]) -> P | None:
        found = next((p for p in self._parts if isinstance(p, kind)), None)
        if found is None:  # a page not shown yet is made when asked for
            key = next((k for k, made in self._page_parts.items() if issubclass(made, kind)), None)
            if key is not None:
                self.page_widget(key)
                return self.part(kind)
        return found

    # --- other ---------------------------------------------------------------------------------

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
        if self._frozen:
            gui_thread_gc.thaw()  # this window's objects may be collected once it has gone
        super().closeEvent(event)


def _focus_into(page: QWidget) -> None:
    """Keyboard focus to the first control of PAGE, unless it is in the page already: whoever
    goes to a page (Ctrl+2, Ctrl+3...) types into it, not into a control it has just hidden."""
    focus = QApplication.focusWidget()
    if focus is not None and (focus is page or page.isAncestorOf(focus)):
        return
    candidate = page.nextInFocusChain()
    for _ in range(10_000):  # the chain is a ring through the window; this only bounds a broken one
        if candidate is None or candidate is page:
            return
        if (page.isAncestorOf(candidate) and candidate.isVisible() and candidate.isEnabled()
                and candidate.focusPolicy() & Qt.FocusPolicy.TabFocus):
            candidate.setFocus(Qt.FocusReason.OtherFocusReason)
            return
        candidate = candidate.nextInFocusChain()


def build_main_window(services: Services, actor: Actor, *, prompter: Prompter | None = None,
                      worker: Worker | None = None, database: str = "", demo: bool = False) -> MainWindow:
    """The seam the app and the tests use to get a working main window for a logged-in actor."""
    return MainWindow(services, actor, prompter=prompter, worker=worker, database=database, demo=demo)
