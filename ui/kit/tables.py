"""The one way the app sets up a read-only list: rows selected whole, no editing in place, fixed
row heights (so 100,000 rows are never measured one by one) unless text wraps."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from PySide6.QtCore import (
    QAbstractItemModel,
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QStackedWidget,
    QTableView,
    QWidget,
)

SortRole = Qt.ItemDataRole.UserRole


RowRole = Qt.ItemDataRole.UserRole + 1


T = TypeVar("T")


_Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class Column(Generic[T]):
    title: str
    text: Callable[[T], str]
    sort: Callable[[T], Any] | None = None
    tooltip: Callable[[T], str | None] | None = None


class RowsModel(QAbstractTableModel, Generic[T]):
    def __init__(self, columns: Sequence[Column[T]], parent=None) -> None:
        super().__init__(parent)
        self._columns = list(columns)
        self._rows: list[T] = []

    def set_rows(self, rows: Sequence[T]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def rows(self) -> list[T]:
        return list(self._rows)

    def row_at(self, row: int) -> T:
        return self._rows[row]

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._columns)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: N802
        if (orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole
                and 0 <= section < len(self._columns)):
            return self._columns[section].title
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._rows)) \
                or not (0 <= index.column() < len(self._columns)):
            return None
        row, column = self._rows[index.row()], self._columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.text(row)
        if role == SortRole:
            value = (column.sort or column.text)(row)
            return "" if value is None else value
        if role == Qt.ItemDataRole.ToolTipRole and column.tooltip:
            return column.tooltip(row)
        if role == RowRole:
            return row
        return self.extra(row, index.column(), role)

    def extra(self, row: T, column: int, role: int) -> Any:
        return None


FITTED_ROWS = 100  # the rows whose text fits a column (a screen shows about 22)


def configure_list_view(view: QTableView, *, wrap: bool = False) -> QTableView:
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.setWordWrap(wrap)
    view.setTextElideMode(Qt.TextElideMode.ElideRight)
    view.setTabKeyNavigation(False)
    vertical = view.verticalHeader()
    vertical.setVisible(False)
    if wrap:
        # Rows grow to their wrapped text, and again when a column is resized.
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        view.horizontalHeader().sectionResized.connect(lambda *_: view.resizeRowsToContents())
    else:
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vertical.setDefaultSectionSize(view.fontMetrics().height() + 10)
    header = view.horizontalHeader()
    header.setHighlightSections(False)
    header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    # A column sized to its contents is measured on the rows in view and FITTED_ROWS more, not
    # on Qt's default 1,000: each layout asked every cell of a long list for its text and its
    # size through the style sheet (selecting the first of the OMU lead's 444 sign-offs held
    # the GUI thread 0.3-0.6 s, issue 16).
    header.setResizeContentsPrecision(FITTED_ROWS)
    vertical.setResizeContentsPrecision(FITTED_ROWS)  # QTableView.sizeHintForColumn reads this one
    return view


def text_width(view: QTableView, column: int, rows: int = FITTED_ROWS) -> int:
    """The widest text of COLUMN among the first ROWS rows of VIEW, as the view would size the
    cell (a bold cell measured bold), with the delegate's own margins.

    Measured from the text rather than by resizeColumnToContents or ResizeToContents: those ask
    the delegate for every role of every cell they measure, through the style sheet, which held
    the GUI thread 1.1 s when the force's 100,000 cases arrived and 0.1-0.6 s for a queue of
    444 sign-offs (issue 16)."""
    model = view.model()
    rows = min(model.rowCount(), rows)
    if rows == 0:
        return 0
    plain, bold = view.fontMetrics(), None
    widest = 0
    for row in range(rows):
        index = model.index(row, column)
        text = index.data(Qt.ItemDataRole.DisplayRole)
        if text:
            metrics = plain
            if index.data(Qt.ItemDataRole.FontRole) is not None:  # a bold cell (overdue, very high risk)
                if bold is None:
                    heavy = QFont(view.font())
                    heavy.setBold(True)
                    bold = QFontMetrics(heavy)
                metrics = bold
            widest = max(widest, metrics.horizontalAdvance(str(text)))
    first = model.index(0, column)
    padding = view.sizeHintForIndex(first).width() - plain.horizontalAdvance(
        str(first.data(Qt.ItemDataRole.DisplayRole) or ""))
    return widest + max(padding, 0)


def fit_to_text(view: QTableView, columns: Sequence[int]) -> None:
    """COLUMNS sized once to their title and the text of their first rows (text_width); the
    user may widen them after."""
    header = view.horizontalHeader()
    for column in columns:
        header.resizeSection(column, max(header.sectionSizeHint(column),
                                         text_width(view, column) + 6))  # a little air between columns


def sorted_list_view(model: QAbstractItemModel, *, wrap: bool = False) -> QTableView:
    """A list sortable by its raw values (SortRole) that keeps the service's order until a
    header is clicked."""
    view = QTableView()
    proxy = QSortFilterProxyModel(view)
    proxy.setSortRole(SortRole)
    proxy.setSourceModel(model)
    view.setModel(proxy)
    view.setSortingEnabled(True)
    view.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
    return configure_list_view(view, wrap=wrap)


class ListPanel(QStackedWidget):
    """A list (or any content: the dashboard's tiles), or in its place a sentence saying why it
    is empty and what to do: an empty grid says nothing, and looks like a list that failed to
    load."""

    def __init__(self, view: QWidget, empty_text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.view = view
        self.empty = QLabel(empty_text)
        self.empty.setObjectName("emptyState")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self.empty.setTextFormat(Qt.TextFormat.PlainText)
        self.addWidget(view)
        self.addWidget(self.empty)

    def show_rows(self, count: int, empty_text: str | None = None) -> None:
        """Show the list if it has rows, else the empty state (with EMPTY_TEXT, if given)."""
        if empty_text is not None:
            self.empty.setText(empty_text)
        self.setCurrentWidget(self.view if count else self.empty)

    def is_empty_shown(self) -> bool:
        return self.currentWidget() is self.empty
