"""A record page with an information panel above its list (the Visits and the Risk & plan
pages), read through the worker only while the page is on screen."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFormLayout, QFrame, QGridLayout, QLabel, QWidget

from ui.kit.record_dialog import RecordDialog
from ui.kit.record_page import DetailedEntries, DetailedSectionTab, RecordContext, SectionSpec

PANEL_STYLE = ("QFrame#duePanel { background: #f3f6fa; border: 1px solid #d5dde8; border-radius: 6px; }"
               "QLabel#panelCaption { color: #616e7c; font-size: 8.5pt; }"
               "QLabel#panelValue { font-weight: 600; }"
               "QLabel#panelWarning { color: #b3261e; font-weight: 600; }")


def restyle(label: QLabel, name: str) -> None:
    """Switch a label between the normal and the warning look (by object name)."""
    if label.objectName() != name:
        label.setObjectName(name)
        label.style().unpolish(label)
        label.style().polish(label)


def panel_value(text: str = "", name: str = "panelValue") -> QLabel:
    label = QLabel(text)
    label.setObjectName(name)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class PanelPage(DetailedSectionTab):
    """The part's entries with an information panel above them: fetch() reads what the panel
    shows, on the worker, while the page is on screen; show_details() shows it and keeps it as
    `info`, which the page's dialogs start from."""

    FAILED_TITLE = "The visit information could not be read"

    def __init__(self, ctx: RecordContext, spec: SectionSpec, about: str,
                 model: DetailedEntries | None = None) -> None:
        super().__init__(ctx, spec, model, about=about)
        self.info: Any = None
        self.panel = QFrame()
        self.panel.setObjectName("duePanel")
        self.panel.setStyleSheet(PANEL_STYLE)
        self.panel_grid = QGridLayout(self.panel)
        self.panel_grid.setContentsMargins(12, 8, 12, 8)
        self.panel_grid.setHorizontalSpacing(14)
        self.panel_grid.setVerticalSpacing(4)
        self.panel_grid.setColumnStretch(1, 1)
        self.layout().insertWidget(1, self.panel)

    def _row(self, row: int, caption: str, value: QWidget) -> None:
        cap = QLabel(caption)
        cap.setObjectName("panelCaption")
        self.panel_grid.addWidget(cap, row, 0, Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignRight)
        self.panel_grid.addWidget(value, row, 1)

    def title(self) -> str:
        assert self.record is not None
        return f"{self.record.name} ({self.record.reference})"


class PageDialog(RecordDialog):
    """A record dialog whose fields grow with it (the visits' plan and hand-over forms)."""

    def __init__(self, ctx: RecordContext, title: str, heading: str, hint: str, save_text: str, *,
                 min_width: int = 560) -> None:
        super().__init__(ctx, None, title, hint, save_text=save_text, width=min_width, heading=heading)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
