"""Small widgets the record's registers share: hints and notices, the text box and combo boxes of
their forms, the marks their lists use, and the one way to build, read and set the selection of
a register's list."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import QComboBox, QHeaderView, QLabel, QPlainTextEdit, QTableView

from ui.kit.tables import RowRole, RowsModel, sorted_list_view

BOLD = QFont()
BOLD.setBold(True)
GREY = QColor("#80868b")  # what has ended or is closed
AMBER = QColor("#8a5a00")  # what needs a look but is not yet wrong
PALE_RED = QColor("#fdecea")  # behind a red mark that must not be missed


def hint_label(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setObjectName("hint")
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    return label


def notice_label(text: str = "") -> QLabel:
    """A boxed note the user must not miss (what closes a breach, what opens one)."""
    label = QLabel(text)
    label.setObjectName("rules")
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    return label


def alert_label() -> QLabel:
    """A red line over a list saying what needs doing (devices to inspect, breaches to decide);
    hidden while there is nothing to say."""
    label = QLabel()
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setStyleSheet("QLabel { color: #b3261e; background: #fdecea; border: 1px solid #f3c1bc;"
                        " border-radius: 4px; padding: 5px 8px; font-weight: 600; }")
    label.setVisible(False)
    return label


def text_editor(placeholder: str = "", height: int = 80) -> QPlainTextEdit:
    edit = QPlainTextEdit()
    edit.setTabChangesFocus(True)
    edit.setPlaceholderText(placeholder)
    edit.setFixedHeight(height)
    return edit


def long_combo() -> QComboBox:
    """A combo box whose long entries (breaches, order items) do not push the form off the screen."""
    box = QComboBox()
    box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    box.setMinimumContentsLength(30)
    return box


def combo(items: dict[str, str] | Sequence[tuple[Any, str]]) -> QComboBox:
    """A combo box of labels, each carrying its value (read it with forms.combo_data)."""
    box = QComboBox()
    for value, text in (items.items() if isinstance(items, dict) else items):
        box.addItem(text, value)
    return box


def data_table(model: RowsModel, *, wrap: bool = False) -> QTableView:
    """A register's read-only, sortable list (kit.tables.sorted_list_view) whose columns fit
    their contents; a little padding keeps wrapped lines apart."""
    view = sorted_list_view(model, wrap=wrap)
    view.setStyleSheet("QTableView::item { padding-top: 3px; padding-bottom: 3px; }")
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    return view


def selected_row(view: QTableView) -> Any:
    """The row object (RowRole) selected in VIEW, or None."""
    rows = view.selectionModel().selectedRows()
    if not rows:
        return None
    return rows[0].data(RowRole)


def select_first(view: QTableView, match: Callable[[Any], bool] | None = None) -> bool:
    """Select the first row (or the first that MATCHes); False if there is none."""
    model = view.model()
    for r in range(model.rowCount()):
        index = model.index(r, 0)
        if match is None or match(index.data(RowRole)):
            view.selectionModel().select(
                index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
            view.setCurrentIndex(index)
            return True
    return False
