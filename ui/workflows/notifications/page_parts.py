"""What the record's Convictions and Notifications pages share: tables coloured for what is
late, headings with the actions on their table, and the calm panel above them. The pages
themselves are registers (ui.kit.register_page)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QWidget,
)

from ui.kit.tables import RowsModel


class StyledRows(RowsModel):
    """Rows with a colour and weight per cell: red for what is wrong or overdue."""

    def __init__(self, columns, style: Callable[[Any, int], tuple[QColor | None, bool]], parent=None) -> None:
        super().__init__(columns, parent)
        self._style = style
        self._bold = QFont()
        self._bold.setBold(True)

    def extra(self, row: Any, column: int, role: int) -> Any:
        colour, bold = self._style(row, column)
        if role == Qt.ItemDataRole.ForegroundRole and colour is not None:
            return QBrush(colour)
        if role == Qt.ItemDataRole.FontRole and bold:
            return self._bold
        return None


def heading(text: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName("sectionHeading")
    label.setStyleSheet("font-weight: 600; color: #1f3a5f; padding-top: 4px;")
    return label


def heading_row(text: str, *buttons: QPushButton) -> tuple[QWidget, QLabel]:
    """A table's heading with the actions on that table beside it."""
    row = QWidget()
    layout = QHBoxLayout(row)
    layout.setContentsMargins(0, 4, 0, 0)
    title = heading(text)
    layout.addWidget(title)
    layout.addStretch(1)
    for button in buttons:
        layout.addWidget(button)
    return row, title


def fit_columns(view: QTableView, *, stretch: int, widths: dict[int, int]) -> None:
    """Fitted columns, one stretching; long free text (courts, stations) gets a set width in
    average characters, elided with the full text in the tooltip, so it cannot squeeze the rest."""
    header = view.horizontalHeader()
    for col in range(view.model().columnCount()):
        header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
    for col, chars in widths.items():
        header.setSectionResizeMode(col, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(col, chars * view.fontMetrics().averageCharWidth())
    header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)


def fit_rows(view: QTableView, rows: int, most: int) -> None:
    """A short table as tall as its rows (at least one, at most MOST), not a fixed block."""
    shown = max(1, min(rows, most))
    view.setFixedHeight(shown * view.verticalHeader().defaultSectionSize()
                        + view.horizontalHeader().sizeHint().height() + 2 * view.frameWidth() + 4)


def panel() -> tuple[QFrame, QGridLayout]:
    frame = QFrame()
    frame.setObjectName("recordHeader")  # the header's calm panel style
    grid = QGridLayout(frame)
    grid.setContentsMargins(12, 8, 12, 8)
    grid.setHorizontalSpacing(18)
    grid.setVerticalSpacing(2)
    return frame, grid


def caption(text: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName("headerCaption")
    return label


def value(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setObjectName("headerValue")
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def set_overdue(label: QLabel, overdue: bool) -> None:
    label.setProperty("overdue", overdue)
    label.style().unpolish(label)
    label.style().polish(label)
