"""The left of the decision pane: the queued item and the entry behind it, in the words of the
people who sign it off: labels an offender manager uses, UK dates, Yes and No."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from rso_manager.domain.dates import london_day
from rso_manager.domain.entry_fields import field_label
from rso_manager.services.supervision import QueueItem, SignOffEntry
from ui.kit.formatting import fmt_date, fmt_datetime, show_value
from ui.kit.forms import RED
from ui.kit.layout_items import widget_of


def shown_fields(entry: SignOffEntry) -> list[tuple[str, str]]:
    """The entry's fields as (label, text). A copy kept as JSON for the machine is left out:
    the fields beside it say the same for a person."""
    return [(field_label(name), show_value(value)) for name, value in entry.fields
            if not name.lower().replace(" ", "_").endswith("_json")]


def waiting_text(item: QueueItem) -> str:
    """How long the item has waited, as a supervisor says it."""
    if item.age_days <= 0:
        return "Waiting since today"
    since = fmt_date(london_day(item.requested_at))
    working = item.age_working_days
    if working <= 0:
        return f"Waiting since {since}, no working day yet"
    return f"Waiting {working} working day{'s' if working != 1 else ''} (since {since})"


def _text(label: QLabel, selectable: bool = False) -> QLabel:
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    if selectable:
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class EntryPane(QWidget):
    """Who the item is about, what is to be decided, who wrote it and how long it has waited,
    why it is in this queue, and the entry field by field."""

    def __init__(self, open_record: Callable[[], None], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.heading = _text(QLabel())
        self.heading.setObjectName("dialogHeading")
        layout.addWidget(self.heading)
        self.summary = _text(QLabel(), selectable=True)
        self.summary.setStyleSheet("font-weight: 600;")
        layout.addWidget(self.summary)
        self.meta = _text(QLabel())
        self.meta.setObjectName("hint")
        layout.addWidget(self.meta)
        self.why = _text(QLabel())
        layout.addWidget(self.why)

        self.fields_widget = QWidget()
        self.fields_form = QFormLayout(self.fields_widget)
        self.fields_form.setContentsMargins(0, 4, 0, 0)
        self.fields_form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        self.fields_form.setVerticalSpacing(3)
        self.fields_form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)  # labels wrap instead
        scroll.setWidget(self.fields_widget)
        scroll.viewport().setAutoFillBackground(False)
        self.fields_widget.setAutoFillBackground(False)
        scroll.setStyleSheet("QScrollArea, QScrollArea > QWidget > QWidget { background: transparent; }")
        layout.addWidget(scroll, 1)

        buttons = QHBoxLayout()
        self.open_button = QPushButton("Open record")
        self.open_button.setToolTip("Open the offender's record (Ctrl+O); you are asked the reason first")
        self.open_button.setShortcut(QKeySequence("Ctrl+O"))
        self.open_button.clicked.connect(open_record)
        buttons.addWidget(self.open_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)

    def show_item(self, item: QueueItem | None, *, can_open: bool) -> None:
        self.clear_fields()
        if item is None:
            self.heading.setText("Nothing selected")
            for label in (self.summary, self.meta, self.why):
                label.setText("")
            self.open_button.setEnabled(False)
            return
        self.heading.setText(f"{item.offender_name} ({item.offender_reference})" if item.offender_name
                             else "Not on an offender record")
        self.summary.setText(item.summary)
        self.meta.setText(f"Written by {item.author or 'unknown'}; sent for sign-off "
                          f"{fmt_datetime(item.requested_at)}. {waiting_text(item)}.")
        self.why.setText(f"{item.why_here}. {item.why_detail}")
        self.why.setStyleSheet(f"color: {RED.name()}; font-weight: 600;" if item.escalated else "")
        self.open_button.setEnabled(item.offender_id is not None and can_open)

    def clear_fields(self) -> None:
        while self.fields_form.rowCount():
            self.fields_form.removeRow(0)

    def show_entry(self, entry: SignOffEntry) -> None:
        self.clear_fields()
        caption = _text(QLabel(entry.title + (" (entered in error)" if entry.voided else "")))
        caption.setObjectName("headerCaption")
        self.fields_form.addRow(caption)
        for label, value in shown_fields(entry):
            self.fields_form.addRow(QLabel(label + ":"), _text(QLabel(value), selectable=True))

    def show_problem(self, text: str) -> None:
        self.fields_form.addRow(_text(QLabel(text)))

    def shown_text(self) -> str:
        """The pane as read on screen, line by line (what a supervisor sees)."""
        lines = [w.text() for w in (self.heading, self.summary, self.meta, self.why) if w.text()]
        form = self.fields_form
        for row in range(form.rowCount()):
            parts: list[str] = []
            seen: list[QWidget] = []
            for role in (QFormLayout.ItemRole.LabelRole, QFormLayout.ItemRole.FieldRole,
                         QFormLayout.ItemRole.SpanningRole):
                widget = widget_of(form.itemAt(row, role))
                if isinstance(widget, QLabel) and widget not in seen:  # a spanning row answers twice
                    seen.append(widget)
                    parts.append(widget.text())
            if parts:
                lines.append(" ".join(parts))
        return "\n".join(lines)
