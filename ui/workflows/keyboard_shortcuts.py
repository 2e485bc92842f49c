"""Help > Keyboard shortcuts (F1 or Ctrl+/): every key of the windows, searchable (issue 17 part 7).

Read from the windows as they are when it opens: each menu item and toolbar action with its key
and where it lives, the keys of buttons and of window-wide shortcuts. A record window's parts
are built when first shown, so their keys are also listed from RECORD_WINDOW below: a part
nobody opened yet still says what its keys do. The keys every form shares (Tab, Return,
Ctrl+Enter, Escape) come first.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from PySide6.QtCore import QSortFilterProxyModel, Qt
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLineEdit,
    QMainWindow,
    QMenu,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from ui.extensions import WorkflowHost, main_window_hook
from ui.kit import accessibility
from ui.kit.accessibility import plain
from ui.kit.tables import Column, RowsModel, sorted_list_view
from ui.kit.widgets import hint_label

SHORTCUTS = ("F1", "Ctrl+/")
MAIN, RECORD, EVERYWHERE = "Main window", "Record window", "Every window"


@dataclass(frozen=True)
class Shortcut:
    keys: str  # as the platform writes them: "Ctrl+Shift+M"
    what: str  # the action, as its menu item or button says it
    where: str  # "File > Settings", "Toolbar", "Record > Visits"
    window: str  # MAIN, RECORD or EVERYWHERE


# Keys every window and form shares.
GENERAL = (
    Shortcut("Tab / Shift+Tab", "Move to the next / previous field or button", "Any window", EVERYWHERE),
    Shortcut("Alt+underlined letter", "Open a menu, or go to the field or button with that letter", "Any window",
             EVERYWHERE),
    Shortcut("Return / Ctrl+Return", "Save the form (its default button)", "Any form", EVERYWHERE),
    Shortcut("Escape", "Close the form or message without saving", "Any form", EVERYWHERE),
    Shortcut("Up / Down, Home / End", "Move through a list", "Any list", EVERYWHERE),
    Shortcut("Return", "Open the selected case or entry", "Any list", EVERYWHERE),
    Shortcut("Space", "Tick or untick the check box with the focus", "Any form", EVERYWHERE),
    Shortcut("Alt+Down", "Open the list of a drop-down field", "Any form", EVERYWHERE),
)

# The record window's keys, including those of parts built only when first shown.
RECORD_WINDOW = (
    Shortcut("F5", "Reload", "Record toolbar", RECORD),
    Shortcut("Ctrl+W", "Close", "Record toolbar", RECORD),
    Shortcut("Ctrl+Shift+M", "MAPPA summary", "Record toolbar", RECORD),
    Shortcut("Ctrl+Shift+F", "Frontline briefing", "Record toolbar", RECORD),
    Shortcut("Ctrl+N", "Add a note", "Record > Case log", RECORD),
    Shortcut("Ctrl+Shift+V", "Record a visit", "Record > Visits", RECORD),
    Shortcut("Ctrl+Shift+D", "Declare a device", "Record > Devices", RECORD),
    Shortcut("Ctrl+Shift+N", "Take a notification", "Record > Notifications", RECORD),
    Shortcut("Ctrl+Shift+O", "Record an order", "Record > Orders", RECORD),
    Shortcut("Ctrl+Shift+R", "Record a decision on the selected breach", "Record > Breaches & warnings", RECORD),
    Shortcut("Ctrl+Shift+B", "Open a breach", "Record > Breaches & warnings", RECORD),
    Shortcut("Ctrl+Shift+W", "Give a formal warning", "Record > Breaches & warnings", RECORD),
    Shortcut("Ctrl+N", "Add a relationship", "Record > Relationships", RECORD),
    Shortcut("Ctrl+N", "Record a concern", "Record > Safeguarding", RECORD),
    Shortcut("Ctrl+E", "Record a referral", "Record > Safeguarding", RECORD),
    Shortcut("Ctrl+D", "Record a disclosure decision", "Record > Safeguarding", RECORD),
    Shortcut("Ctrl+Shift+C", "Record a child's safety check", "Record > Safeguarding", RECORD),
    Shortcut("Ctrl+N", "Add an action", "Record > Actions", RECORD),
    Shortcut("Ctrl+E", "Record the result of the selected action", "Record > Actions", RECORD),
)


def _keys(sequences: Iterable[QKeySequence]) -> str:
    texts = [s.toString(QKeySequence.SequenceFormat.NativeText) for s in sequences if not s.isEmpty()]
    return " or ".join(t for t in texts if t)


def _menu_items(menu: QMenu, path: str) -> Iterable[tuple[QAction, str]]:
    for action in menu.actions():
        if action.isSeparator() or not action.isVisible():
            continue
        sub = action.menu()
        if isinstance(sub, QMenu):
            yield from _menu_items(sub, f"{path} > {plain(action.text())}")
        else:
            yield action, path


def window_shortcuts(window: QMainWindow, name: str) -> list[Shortcut]:
    """Every key WINDOW answers now: its menus' and toolbars' actions, its other actions, its
    buttons' keys and its window-wide shortcuts (a workflow names one with setWhatsThis)."""
    found: list[Shortcut] = []
    seen: set[int] = set()

    def add(keys: str, what: str, where: str, key: object) -> None:
        if keys and what and id(key) not in seen:
            seen.add(id(key))
            found.append(Shortcut(keys, what, where, name))

    for top in window.menuBar().actions():
        menu = top.menu()
        if isinstance(menu, QMenu) and top.isVisible():
            for action, path in _menu_items(menu, plain(top.text())):
                add(_keys(action.shortcuts()), plain(action.text()), path, action)
    for toolbar in window.findChildren(QToolBar):
        for action in toolbar.actions():
            if action.isVisible() and not action.isSeparator():
                add(_keys(action.shortcuts()), plain(action.text()), "Toolbar", action)
    for action in window.findChildren(QAction):
        if action.isVisible() and action.associatedObjects():  # placed somewhere its key works
            add(_keys(action.shortcuts()), plain(action.text()), "Window", action)
    for button in window.findChildren(QAbstractButton):
        if not button.shortcut().isEmpty():
            add(_keys([button.shortcut()]), plain(button.text()), _page_of(button), button)
    for shortcut in window.findChildren(QShortcut):
        what = plain(shortcut.whatsThis())
        where = str(shortcut.property("shortcutWhere") or "Window")
        add(_keys([shortcut.key()]), what, where, shortcut)
    return found


def _page_of(widget: QWidget) -> str:
    """The page or record part a button is on, as its title reads."""
    parent = widget.parentWidget()
    while parent is not None and not parent.isWindow():
        title = parent.property("pageTitle")
        if title:
            return str(title)
        parent = parent.parentWidget()
    return "Page"


def all_shortcuts(host_window: QMainWindow) -> list[Shortcut]:
    """The keys of the main window, of any record window open, then the record window's own."""
    rows = list(GENERAL) + window_shortcuts(host_window, MAIN)
    seen = set()
    for top in QApplication.topLevelWidgets():
        if isinstance(top, QMainWindow) and top is not host_window and top.findChild(QToolBar, "recordToolbar"):
            for row in window_shortcuts(top, RECORD):
                seen.add(row.keys)
                rows.append(row)
            break  # one record window says what every record window answers
    # By its keys: an open window names a key by its action's text ("MAPPA summary..."), which
    # the list of record keys may spell without the dots; listed twice, it read as two keys.
    rows += [row for row in RECORD_WINDOW if row.keys not in seen]
    return rows


class ShortcutsModel(RowsModel[Shortcut]):
    def __init__(self, parent=None) -> None:
        super().__init__([
            Column("Keys", lambda s: s.keys),
            Column("Action", lambda s: s.what),
            Column("Where", lambda s: s.where),
            Column("Window", lambda s: s.window),
        ], parent)


class ShortcutsDialog(QDialog):
    """Test seams: `search`, `model`, `proxy`, `view`."""

    def __init__(self, rows: list[Shortcut], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard shortcuts")
        layout = QVBoxLayout(self)
        layout.addWidget(hint_label("Every key of the main window and the record window. Type to find one: "
                                    "a key (\"Ctrl+Shift\"), an action (\"visit\") or a menu (\"File\")."))
        self.search = QLineEdit()
        self.search.setPlaceholderText("Find a shortcut")
        self.search.setAccessibleName("Find a shortcut")
        self.search.setClearButtonEnabled(True)
        layout.addWidget(self.search)
        self.model = ShortcutsModel(self)
        self.model.set_rows(rows)
        self.view = sorted_list_view(self.model)
        self.view.setAccessibleName("Keyboard shortcuts")
        self.proxy = self.view.model()
        assert isinstance(self.proxy, QSortFilterProxyModel)
        self.proxy.setFilterKeyColumn(-1)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.search.textChanged.connect(self.proxy.setFilterFixedString)
        header = self.view.horizontalHeader()
        for column in (0, 2, 3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.view, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        close = buttons.button(QDialogButtonBox.StandardButton.Close)
        close.setDefault(True)
        layout.addWidget(buttons)
        self.resize(900, 600)
        self.search.setFocus()


class ShortcutsHelp:
    """Help > Keyboard shortcuts, from any window of the app (F1 in a record window too)."""

    def __init__(self, host: WorkflowHost) -> None:
        self.host = host
        self.dialog: ShortcutsDialog | None = None
        self.action = QAction("&Keyboard shortcuts...", host.window)
        self.action.setObjectName("keyboardShortcutsAction")
        self.action.setShortcuts([QKeySequence(keys) for keys in SHORTCUTS])
        self.action.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
        self.action.setStatusTip("Every keyboard shortcut of the main window and the record window")
        self.action.triggered.connect(self.open)
        host.window.addAction(self.action)
        host.add_menu_action("help", self.action, order=10)

    def open(self) -> ShortcutsDialog:
        if self.dialog is not None and self.dialog.isVisible():
            self.dialog.raise_()
            self.dialog.activateWindow()
            return self.dialog
        self.dialog = ShortcutsDialog(all_shortcuts(self.host.window), parent=self.host.window)
        self.dialog.open()
        return self.dialog


@main_window_hook(order=125)
def keyboard_shortcuts(host: WorkflowHost) -> None:
    # The app's start installs it (ui/app.py); a window built without it (a test, a script) still
    # gets every control named as it is shown. Once per application.
    accessibility.install()
    host.add_part(ShortcutsHelp(host))
