"""The one way the app sets up a read-only list: rows selected whole, no editing in place, fixed
row heights (so 100,000 rows are never measured one by one) unless text wraps."""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, QSortFilterProxyModel, Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView

from ui.table_models import SortRole


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
    return view


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
