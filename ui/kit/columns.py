"""Columns the user chooses and sizes, remembered per list: `remember_columns(view, key)`.

A right-click on a list's header offers a check per column. Widths, order and which columns are
shown are kept in the screen settings (an INI file in the app's data folder, so tests, which
point that folder at a temporary one, never touch a user's settings) under KEY, e.g.
"caseload/mine": the same list can have a different set of columns per scope. The sort is not
kept: every list opens in its own useful order.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QObject, QPoint, QSettings, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QHeaderView, QMenu, QTableView

from rso_manager.persistence.locations import data_dir

SETTINGS_FILE = "screens.ini"


def screen_settings() -> QSettings:
    return QSettings(str(data_dir() / SETTINGS_FILE), QSettings.Format.IniFormat)


def _ints(value: object) -> list[int] | None:
    """A list of ints read back from QSettings (an INI file gives strings, or one string for a
    one-item list); None if it is not one."""
    if value is None or value == "":
        return None
    items = value if isinstance(value, list | tuple) else [value]
    try:
        return [int(v) for v in items]
    except (TypeError, ValueError):
        return None


class RememberedColumns(QObject):
    """Test seams: `key`, menu() (the header's menu, not shown), set_shown(column, shown)."""

    def __init__(self, view: QTableView, key: str, *, settings: QSettings | None = None,
                 hidden: Iterable[int] = ()) -> None:
        super().__init__(view)
        self.view = view
        self.settings = settings if settings is not None else screen_settings()
        self.key = key
        self._restoring = False
        self.restored = False  # whether the last restore() found kept columns for the key
        header = self.header
        header.setSectionsMovable(True)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._show_menu)
        header.sectionResized.connect(lambda *_: self.save())
        header.sectionMoved.connect(lambda *_: self.save())
        self.restore(hidden)

    @property
    def header(self) -> QHeaderView:
        return self.view.horizontalHeader()

    def _titles(self) -> list[str]:
        model = self.view.model()
        return [str(model.headerData(c, Qt.Orientation.Horizontal) or "") for c in range(self.header.count())]

    # --- keeping -------------------------------------------------------------------------------

    def save(self) -> None:
        if self._restoring:
            return
        header, count = self.header, self.header.count()
        s = self.settings
        s.beginGroup(self.key)
        s.setValue("titles", self._titles())  # a list whose columns changed starts afresh
        # A hidden section reports width 0: keep the width it had, for when it is shown again.
        s.setValue("widths", [header.sectionSize(c) or header.defaultSectionSize() for c in range(count)])
        s.setValue("order", [header.logicalIndex(v) for v in range(count)])
        s.setValue("hidden", [c for c in range(count) if header.isSectionHidden(c)] or "")
        s.endGroup()

    def restore(self, hidden: Iterable[int] = ()) -> bool:
        """Apply what was kept under the key, else show all but HIDDEN. True if kept state was
        applied."""
        header, count = self.header, self.header.count()
        s = self.settings
        s.beginGroup(self.key)
        titles, widths, order = s.value("titles"), _ints(s.value("widths")), _ints(s.value("order"))
        kept_hidden = _ints(s.value("hidden")) or []
        s.endGroup()
        titles = [titles] if isinstance(titles, str) else list(titles or [])
        usable = (titles == self._titles() and widths is not None and len(widths) == count
                  and order is not None and sorted(order) == list(range(count)))
        self._restoring = True
        try:
            if usable:
                assert widths is not None and order is not None
                for visual, logical in enumerate(order):
                    header.moveSection(header.visualIndex(logical), visual)
                last = header.logicalIndex(count - 1)
                for column, width in enumerate(widths):
                    if column != last or not header.stretchLastSection():
                        header.resizeSection(column, max(width, header.minimumSectionSize()))
                wanted = set(kept_hidden)
            else:
                wanted = set(hidden)
            for column in range(count):
                header.setSectionHidden(column, column in wanted)
        finally:
            self._restoring = False
        self.restored = usable
        return usable

    def use_key(self, key: str, *, hidden: Iterable[int] = ()) -> None:
        """Switch to another KEY (another scope of the same list): keep this one's columns,
        then show the new one's."""
        if key == self.key:
            return
        self.save()
        self.key = key
        self.restore(hidden)

    # --- choosing ------------------------------------------------------------------------------

    def set_shown(self, column: int, shown: bool) -> None:
        header = self.header
        if not shown and sum(not header.isSectionHidden(c) for c in range(header.count())) <= 1:
            return  # the last column shown stays: an empty list would look like a broken one
        header.setSectionHidden(column, not shown)
        if shown and header.sectionSize(column) < header.minimumSectionSize() * 2:
            header.resizeSection(column, header.defaultSectionSize() * 2)
        self.save()

    def menu(self) -> QMenu:
        """A check per column, in the order they are on screen."""
        menu = QMenu(self.view)
        menu.setTitle("Columns")
        header, titles = self.header, self._titles()
        shown = [c for c in range(header.count()) if not header.isSectionHidden(c)]
        for visual in range(header.count()):
            column = header.logicalIndex(visual)
            action = QAction(titles[column], menu)
            action.setCheckable(True)
            action.setChecked(column in shown)
            action.setEnabled(column not in shown or len(shown) > 1)
            action.toggled.connect(lambda on, c=column: self.set_shown(c, on))
            menu.addAction(action)
        return menu

    def _show_menu(self, pos: QPoint) -> None:
        menu = self.menu()
        menu.exec(self.header.mapToGlobal(pos))
        menu.deleteLater()


def remember_columns(view: QTableView, key: str, *, settings: QSettings | None = None,
                     hidden: Iterable[int] = ()) -> RememberedColumns:
    """Let the user choose VIEW's columns from its header's menu, and keep their widths, order
    and choice under KEY. HIDDEN: the columns hidden until the user chooses otherwise. Call once
    the view has its model."""
    return RememberedColumns(view, key, settings=settings, hidden=hidden)
