"""The record's Case log part: everything recorded on the case, newest first, narrowed by kind,
date and text, each line opening its entry in the part that holds it; and the place officers add
case notes and intelligence."""

from __future__ import annotations

from typing import Any, cast

from PySide6.QtCore import QSortFilterProxyModel, Qt, QTimer
from PySide6.QtGui import QBrush, QColor, QFont, QKeySequence
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QLineEdit, QPushButton

from rso_manager.domain.intelligence_grading import GradingScheme
from rso_manager.services.case_log import (
    ENTERED_IN_ERROR,
    INTELLIGENCE,
    LOG_KINDS,
    NOTE,
    LogFilter,
    LogLine,
    case_log_for,
    intelligence_scheme,
)
from rso_manager.services.caseload import EntryRow
from ui.extensions import record_page
from ui.kit.formatting import fmt_date, fmt_datetime
from ui.kit.forms import DateField, combo_data
from ui.kit.record_page import RecordContext, SectionSpec, detail_label
from ui.kit.register_page import RegisterPage
from ui.kit.tables import Column, ListPanel, RowsModel, sorted_list_view
from ui.workflows.case_log.dialogs import IntelligenceDialog, NoteDialog

ABOUT = ("Everything recorded on this case, newest first: each kind of entry, sign-offs asked for and "
         "decided, corrections and entries marked as entered in error. Open a line (double-click or "
         "Enter) to go to its entry.")


class CaseLogModel(RowsModel[LogLine]):
    """The log's lines; an entry marked as entered in error is struck through and greyed."""

    def __init__(self, parent=None) -> None:
        super().__init__([
            Column("Recorded", lambda line: fmt_datetime(line.at), lambda line: line.at.timestamp()),
            Column("Date", lambda line: fmt_date(line.on), lambda line: line.on.toordinal() if line.on else 0),
            Column("Kind", lambda line: line.kind_label),
            Column("Entry", lambda line: line.summary, tooltip=lambda line: line.summary),
            Column("By", lambda line: line.by or ""),
            Column("Status", lambda line: line.status),
        ], parent)
        self._struck = QFont()
        self._struck.setStrikeOut(True)
        self._grey = QBrush(QColor("#80868b"))

    def extra(self, row: LogLine, column: int, role: int) -> Any:
        struck = row.entered_in_error and row.kind != ENTERED_IN_ERROR
        if struck and role == Qt.ItemDataRole.FontRole:
            return self._struck
        if struck and role == Qt.ItemDataRole.ForegroundRole:
            return self._grey
        return None


class CaseLogPage(RegisterPage):
    """Test seams: kind, since, until, search; lines(); open_line(row); add_note(),
    add_intelligence() return their dialogs; `dialog` is the last opened."""

    def __init__(self, ctx: RecordContext, spec: SectionSpec) -> None:
        super().__init__(ctx, spec, ABOUT)
        self.scheme: GradingScheme | None = None
        self.note_button = self.add_button_for("Add a note...", self.add_note, tip="A case note (Ctrl+N)")
        self.note_button.setShortcut(QKeySequence("Ctrl+N"))
        self.intel_button = self.add_button_for("Add intelligence...", self.add_intelligence,
                                                tip="Graded intelligence: it brings the next home visit forward")
        layout = self.page_layout()

        filters = QHBoxLayout()
        self.kind = QComboBox()
        self.kind.addItem("All kinds", None)
        for key, label in LOG_KINDS.items():
            self.kind.addItem(label, key)
        self.kind.setMaxVisibleItems(20)
        self.kind.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.kind.setMinimumContentsLength(14)
        self.since = DateField(calendar_start=ctx.services.clock.today)
        self.until = DateField(calendar_start=ctx.services.clock.today)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Words written")
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(120)
        for field in (self.since, self.until):
            field.edit.setMinimumWidth(field.edit.fontMetrics().horizontalAdvance("DD/MM/YYYY") + 24)
        self.clear_button = QPushButton("Clear filters")
        self.clear_button.clicked.connect(self.clear_filters)
        for title, widget in (("&Show", self.kind), ("&From", self.since), ("&To", self.until),
                              ("Searc&h", self.search)):
            buddy = QLabel(title)
            buddy.setBuddy(widget)
            filters.addWidget(buddy)
            filters.addWidget(widget, 2 if widget is self.search else 0)
        filters.addWidget(self.clear_button)
        layout.addLayout(filters)
        self.filter_problem = QLabel()
        self.filter_problem.setObjectName("fieldError")
        self.filter_problem.setVisible(False)
        layout.addWidget(self.filter_problem)

        self.log_model = CaseLogModel(self)
        self.log_view = sorted_list_view(self.log_model)
        self.proxy = cast(QSortFilterProxyModel, self.log_view.model())
        self.log_view.activated.connect(lambda index: self.open_line(self.proxy.mapToSource(index).row()))
        self.log_view.selectionModel().selectionChanged.connect(self._selection_changed)
        self.log_panel = ListPanel(self.log_view, "Nothing recorded on this case yet.")
        layout.addWidget(self.log_panel, 1)
        self.wrap_columns(self.log_view, {0: "25/11/2026 10:00", 1: "25/11/2026", 2: "Entered in error",
                                          4: "Olly Manager", 5: "waiting for Sam Supervisor"}, stretch=3)
        self.detail = detail_label()
        layout.addWidget(self.detail)
        self.open_button = self.writer_button("Open entry", self.open_selected,
                                              tip="Go to this entry in its part of the record (Enter)")
        self.open_button.setVisible(True)  # reading, not writing: everyone may open a line
        self.buttons.insertWidget(self.buttons.count() - 1, self.open_button)

        self._typing = QTimer(self)
        self._typing.setSingleShot(True)
        self._typing.setInterval(300)
        self._typing.timeout.connect(self.load_details)
        self.search.textChanged.connect(lambda _t: self._typing.start())
        self.kind.currentIndexChanged.connect(lambda _i: self.load_details())
        for field in (self.since, self.until):
            field.changed.connect(self._date_typed)
        self._pending_open: int | None = None

    def _date_typed(self) -> None:
        """Read again once a date is whole (or emptied); meanwhile say what a date looks like."""
        unreadable = [f for f in (self.since, self.until) if f.text().strip() and f.date() is None]
        self.filter_problem.setText("Type dates as DD/MM/YYYY, e.g. 01/11/2026." if unreadable else "")
        self.filter_problem.setVisible(any(len(f.text().strip()) >= 10 for f in unreadable))
        if not unreadable:
            self._typing.start()

    # --- reading -------------------------------------------------------------------------------

    def log_filter(self) -> LogFilter:
        kind = combo_data(self.kind)
        return LogFilter(frozenset({kind}) if kind else None, self.since.date(), self.until.date(),
                         self.search.text())

    def fetch(self, services, actor, offender_id):
        return intelligence_scheme(services, actor), case_log_for(services, actor, offender_id, self.log_filter())

    def show_details(self, data: tuple[GradingScheme, list[LogLine]]) -> None:
        self.scheme, lines = data
        self.log_model.set_rows(lines)
        narrowed = self.log_filter() != LogFilter()
        self.log_panel.show_rows(len(lines), "Nothing in the log matches these filters. Clear them to see "
                                             "everything." if narrowed else None)
        if self._pending_open is not None:
            self.select_note(self._pending_open)
            self._pending_open = None

    def lines(self) -> list[LogLine]:
        return self.log_model.rows()

    def count(self) -> int:
        return len(self.lines())

    def clear_filters(self) -> None:
        quiet = (self.kind, self.search, self.since, self.until)
        for widget in quiet:
            widget.blockSignals(True)
        self.kind.setCurrentIndex(0)
        self.search.clear()
        self.since.set_date(None)
        self.until.set_date(None)
        for widget in quiet:
            widget.blockSignals(False)
        self.filter_problem.setVisible(False)
        self.load_details()

    # --- the selected line -----------------------------------------------------------------------

    def selected_line(self) -> LogLine | None:
        rows = self.log_view.selectionModel().selectedRows() if hasattr(self, "log_view") else []
        if not rows:
            return None
        return self.log_model.row_at(self.proxy.mapToSource(rows[0]).row())

    def selected_entry(self) -> EntryRow | None:
        """A note or intelligence entry of the log's own is what "Mark as entered in error" marks."""
        line = self.selected_line()
        if line is None or line.kind not in (NOTE, INTELLIGENCE):
            return None
        return EntryRow(line.entity, line.entity_id, line.on, line.summary, line.status, line.entered_in_error,
                        line.version_id)

    def update_buttons(self) -> None:
        line = self.selected_line()
        self.open_button.setEnabled(line is not None and line.part is not None and line.part != self.spec.key)
        self.detail.setVisible(line is not None)
        if line is not None:
            self.detail.setText(f"{line.kind_label}, recorded {fmt_datetime(line.at)}"
                                + (f" by {line.by}" if line.by else "") + f"\n{line.summary}"
                                + (f"\n{line.status}" if line.status else ""))

    def open_selected(self) -> None:
        index = self.log_view.currentIndex()
        if index.isValid():
            self.open_line(self.proxy.mapToSource(index).row())

    def open_line(self, row: int) -> Any:
        """Go to the line's entry in the part of the record that holds it."""
        line = self.log_model.row_at(row)
        if line.part is None or line.part == self.spec.key:
            return None
        self.ctx.select_entry(line.part, line.entity_id, line.entity)
        return None

    def open_entry(self, note_id: int) -> None:
        """RecordContext.show_entry("case_log", id): select that note once the log is read."""
        self._pending_open = note_id
        self.when_loaded(lambda: self.select_note(note_id) and None)

    def select_note(self, note_id: int) -> bool:
        for row, line in enumerate(self.lines()):
            if line.entity == "case_note" and line.entity_id == note_id and line.kind != ENTERED_IN_ERROR:
                index = self.proxy.mapFromSource(self.log_model.index(row, 0))
                self.log_view.setCurrentIndex(index)
                self.log_view.selectRow(index.row())
                self._pending_open = None
                return True
        return False

    # --- adding ----------------------------------------------------------------------------------

    def add_note(self) -> NoteDialog | None:
        if self.record is None or not self.can_write:
            return None
        dialog = NoteDialog(self.ctx, self.record, parent=self)
        self.open_dialog(dialog, self._added)
        return dialog

    def add_intelligence(self) -> IntelligenceDialog | None:
        if self.record is None or not self.can_write or self.scheme is None:
            return None
        dialog = IntelligenceDialog(self.ctx, self.record, self.scheme, parent=self)
        self.open_dialog(dialog, self._added)
        return dialog

    def _added(self, result: Any) -> None:
        note_id = result if isinstance(result, int) else getattr(result, "note_id", None)
        self._pending_open = note_id
        self.ctx.reload()
        if hasattr(result, "next_visit_due") and result.next_visit_due is not None:
            self.ctx.show_status(f"Intelligence added; the next home visit is due by {fmt_date(result.next_visit_due)}.")


@record_page("case_log")
def case_log_page(ctx: RecordContext, spec: SectionSpec) -> CaseLogPage:
    return CaseLogPage(ctx, spec)

