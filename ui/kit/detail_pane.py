"""An entry of the record read back in full beside (or under) its list: a caption and its value
a row, a row shown only when there is something to say, and the lines every entry has: who
recorded it and when, how often it was corrected, and why it was marked as entered in error."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QLabel,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from rso_manager.services.caseload import EntryRow, OffenderRecord, RevisionRow
from ui.kit.formatting import fmt_datetime
from ui.kit.record_page import SectionTab

DETAIL_STYLE = ("QFrame#detailPane { background: #f6f8fb; border: 1px solid #e4e8ee; border-radius: 4px; }"
                "QLabel#detailCaption { color: #616e7c; }"
                "QLabel#detailHeading { font-weight: 600; }"
                "QLabel#detailWarning { color: #b3261e; font-weight: 600; }")

# The lines at the foot of every pane, filled by history_fields().
HISTORY_CAPTIONS = ("Recorded", "Corrections", "Entered in error")


@dataclass(frozen=True)
class EntryHistory:
    """What the record's History says of one entry: its corrections, and the mark that put it
    in error when it is in error now."""

    corrections: tuple[RevisionRow, ...]  # newest first
    voided: RevisionRow | None


def entry_history(revisions: Sequence[RevisionRow], entity: str, entity_id: int, voided: bool) -> EntryHistory:
    """Split the record's revisions of one entry (newest first, as OffenderRecord keeps them):
    marking an entry in error or reinstating it keeps a revision too, which is not a correction.
    A revision holds the values before the change, so the change is read against the next one."""
    own = [r for r in revisions if r.entity == entity and r.entity_id == entity_id]
    corrections: list[RevisionRow] = []
    mark: RevisionRow | None = None
    after_voided = voided  # the state after the newest revision: the entry as it is now
    for i, rev in enumerate(own):  # newest first
        before_voided = rev.before.get("voided_at") is not None
        if before_voided == after_voided:
            corrections.append(rev)
        elif i == 0 and voided:
            mark = rev
        after_voided = before_voided
    return EntryHistory(tuple(corrections), mark)


def history_of(record: OffenderRecord | None, entity: str, entity_id: int, voided: bool = False) -> EntryHistory:
    """entry_history of one entry of RECORD (none before the record is read)."""
    return entry_history(record.revisions if record is not None else (), entity, entity_id, voided)


def times(n: int) -> str:
    return {1: "once", 2: "twice"}.get(n, f"{n} times")


def history_fields(history: EntryHistory, recorded_by: str | None = None,
                   recorded_at: datetime | None = None) -> dict[str, str]:
    """The foot of a pane: who recorded the entry and when, its corrections, its error mark."""
    recorded = " ".join(p for p in (f"by {recorded_by}" if recorded_by else "",
                                    f"on {fmt_datetime(recorded_at)}" if recorded_at else "") if p)
    fields = {"Recorded": recorded[:1].upper() + recorded[1:]}
    if history.corrections:
        last = history.corrections[0]
        fields["Corrections"] = (f"Corrected {times(len(history.corrections))}; last by {last.changed_by} on "
                                 f"{fmt_datetime(last.changed_at)}: {last.reason}. "
                                 "What it said before is in History.")
    else:
        fields["Corrections"] = "Never corrected"
    if history.voided is not None:
        fields["Entered in error"] = void_text(history.voided)
    return fields


def void_text(mark: RevisionRow) -> str:
    return f"Marked by {mark.changed_by} on {fmt_datetime(mark.changed_at)}: {mark.reason}"


def voided_placeholder(noun: str, history: EntryHistory) -> str:
    """What a pane says of an entry marked as entered in error: that it no longer counts, and why."""
    why = f" ({void_text(history.voided)})" if history.voided is not None else ""
    return (f"This {noun} is marked as entered in error{why}: it no longer counts. Reinstate it if it was "
            "right after all.")


class DetailPane(QScrollArea):
    """One entry in full, or a sentence saying what to select. The first caption is the heading.

    Test seams: `values` (caption -> its label), `captions`, `placeholder`, `shown` (the view
    shown, None while the placeholder is)."""

    def __init__(self, captions: Sequence[str], placeholder: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.empty_text = placeholder
        # It takes the focus so a keyboard user can scroll it and a reader says what it is.
        self.setAccessibleName("Selected entry in full")
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        frame = QFrame()
        frame.setObjectName("detailPane")
        frame.setStyleSheet(DETAIL_STYLE)
        outer = QVBoxLayout(frame)
        outer.setContentsMargins(10, 8, 10, 8)
        self.placeholder = QLabel(placeholder)
        self.placeholder.setObjectName("detailCaption")
        self.placeholder.setWordWrap(True)
        self.placeholder.setTextFormat(Qt.TextFormat.PlainText)
        outer.addWidget(self.placeholder)
        self.body = QWidget()
        # A grid, not a QFormLayout: that one kept row heights for a wider pane, cutting a value
        # that wraps to a line more once the pane is laid out beside its list.
        grid = QGridLayout(self.body)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(6)
        grid.setColumnStretch(1, 1)
        self.values: dict[str, QLabel] = {}
        self.captions: dict[str, QLabel] = {}
        for row, caption in enumerate((*captions, *(c for c in HISTORY_CAPTIONS if c not in captions))):
            cap = QLabel(caption)
            cap.setObjectName("detailCaption")
            value = QLabel()
            value.setObjectName("detailValue")
            value.setWordWrap(True)
            value.setTextFormat(Qt.TextFormat.PlainText)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            value.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
            grid.addWidget(cap, row, 0, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
            grid.addWidget(value, row, 1)
            self.values[caption], self.captions[caption] = value, cap
        self.heading = self.values[captions[0]]
        self.heading_caption = captions[0]
        self.heading.setObjectName("detailHeading")
        outer.addWidget(self.body)
        outer.addStretch(1)
        self.body.setVisible(False)
        self.setWidget(frame)
        self.shown: object | None = None

    def show_fields(self, shown: object, fields: Mapping[str, str], *, warnings: Collection[str] = ()) -> None:
        """SHOWN's FIELDS (caption -> text; a caption left out or empty is hidden), the captions in
        WARNINGS in red."""
        self.shown = shown
        self.setAccessibleDescription(fields.get(self.heading_caption, ""))
        self.placeholder.setVisible(False)
        self.body.setVisible(True)
        for caption, label in self.values.items():
            self.set_field(caption, fields.get(caption, ""))
            if label is not self.heading:
                self.warn(caption, caption in warnings)
        self.verticalScrollBar().setValue(0)

    def show_placeholder(self, text: str | None = None) -> None:
        """Nothing selected (the pane's sentence), or TEXT: e.g. why an entry no longer counts."""
        self.shown = None
        self.body.setVisible(False)
        self.placeholder.setText(text or self.empty_text)
        self.placeholder.setVisible(True)

    def set_field(self, caption: str, text: str) -> None:
        """A row shows only when there is something to say in it."""
        self.values[caption].setText(text)
        self.values[caption].setVisible(bool(text))
        self.captions[caption].setVisible(bool(text))

    def warn(self, caption: str, on: bool) -> None:
        label = self.values[caption]
        name = "detailWarning" if on else "detailValue"
        if label.objectName() != name:
            label.setObjectName(name)
            label.style().unpolish(label)
            label.style().polish(label)


class PaneStack(QStackedWidget):
    """A pane for each kind of entry of a page's lists (a breach or a warning, an order or one of
    its items), the one selected shown. Test seams: `panes` (kind -> DetailPane), `current()`."""

    def __init__(self, panes: Mapping[str, DetailPane], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.panes = dict(panes)
        for pane in self.panes.values():
            self.addWidget(pane)

    def current(self) -> DetailPane:
        widget = self.currentWidget()
        assert isinstance(widget, DetailPane)
        return widget

    def pane(self, kind: str) -> DetailPane:
        """The pane for KIND, brought forward."""
        self.setCurrentWidget(self.panes[kind])
        return self.panes[kind]


def split(first: QWidget, second: QWidget, stretch: tuple[int, int] = (1, 1), *,
          under: bool = False) -> QSplitter:
    """FIRST and SECOND side by side (SECOND UNDER FIRST), sharing the room in proportion to
    STRETCH, in a splitter the user can move but not collapse."""
    splitter = QSplitter(Qt.Orientation.Vertical if under else Qt.Orientation.Horizontal)
    splitter.setChildrenCollapsible(False)
    splitter.addWidget(first)
    splitter.addWidget(second)
    splitter.setStretchFactor(0, stretch[0])
    splitter.setStretchFactor(1, stretch[1])
    splitter.setSizes([stretch[0] * 1000, stretch[1] * 1000])  # in proportion from the start, not only when resized
    return splitter


def place_beside(page: SectionTab, pane: QWidget, stretch: tuple[int, int] = (5, 6), *,
                 under: bool = False) -> QSplitter:
    """PANE beside the page's entries list (UNDER it, for a list that needs the width)."""
    stack = page.stack
    placeholder = QWidget()
    page.layout().replaceWidget(stack, placeholder)
    splitter = split(stack, pane, stretch, under=under)
    page.layout().replaceWidget(placeholder, splitter)
    placeholder.deleteLater()
    return splitter


def show_selected(pane: DetailPane, record: OffenderRecord | None, entry: EntryRow | None, detail: Any, noun: str,
                  fields: Callable[[Any], Mapping[str, str]], *, recorded_by: str | None = None,
                  recorded_at: datetime | None = None, warnings: Collection[str] = ()) -> None:
    """The selected ENTRY of a DetailedSectionTab in PANE: its DETAIL (the workflow's view) in
    FIELDS, or why it no longer counts when it is in error, or the pane's sentence."""
    if entry is None:
        pane.show_placeholder()
    elif entry.voided:
        pane.show_placeholder(voided_placeholder(noun, history_of(record, entry.entity, entry.id, True)))
    elif detail is None:
        pane.show_placeholder(f"Reading the {noun}...")
    else:
        pane.show_fields(detail, {**fields(detail), **history_fields(
            history_of(record, entry.entity, entry.id), recorded_by, recorded_at)}, warnings=warnings)
