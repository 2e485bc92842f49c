"""Statutory notifications and the convictions that start them (issue 4), in the record window.

* "Convictions & requirement": convictions, findings and cautions with the notification
  requirement each started (period, end or indefinite, depends on sentence, review date), the
  sentence, and custody, hospital and time abroad.
* "Notifications": the requirement and next due date, what is due and overdue, what was taken
  (late ones flagged), stays at unnotified premises, and the s.87 "Take a notification" dialog.
  A late notification opens a breach (the service does it) and the user is taken straight to
  the breach decision.
* File > "Designated police stations..." for the administrator.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QStandardPaths, Qt, QUrl
from PySide6.QtGui import QAction, QBrush, QColor, QDesktopServices, QFont, QKeySequence
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from rso_manager.domain.roles import Permission
from rso_manager.services import notifications as nt
from rso_manager.services.caseload import EntryRow, OffenderRecord
from rso_manager.services.unit_of_work import Actor, Services
from ui.extensions import WorkflowHost, main_window_hook, record_page
from ui.kit.formatting import fmt_date, fmt_datetime
from ui.kit.record_page import RecordContext, SectionSpec, SectionTab
from ui.kit.tables import Column, RowRole, RowsModel, sorted_list_view
from ui.workflows.notification_dialogs import (
    CONVICTION_KIND_LABELS,
    PERIOD_LABELS,
    SOURCE_LABELS,
    ConvictionDialog,
    EventDialog,
    PeriodDialog,
    ReleaseDialog,
    SentenceDialog,
    StationsDialog,
    StayDialog,
    TakeNotificationDialog,
    disposal_text,
    pending_status,
    plural,
)

RED = QColor("#b3261e")
AMBER = QColor("#8a5a00")
TAKE_SHORTCUT = "Ctrl+Shift+N"


def open_document(path: Path) -> None:
    """Open a saved document in the user's viewer (replaced in tests)."""
    QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


def documents_folder() -> Path:
    docs = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(docs) / "RSO Manager" if docs else Path(tempfile.gettempdir()) / "rso-manager"




def go_to_breach_decision(ctx: RecordContext, breach_id: int) -> Any:
    """Show the record's breaches part and, where the breaches workflow offers it, the decision
    on this breach (crime reference, or no crime for sign-off)."""
    window: Any = ctx.window
    try:
        window.tabs.setCurrentIndex(window.tab_index("Breaches"))
    except (AttributeError, KeyError):
        pass
    try:
        from ui.workflows.breaches import open_breach_decision
    except ImportError:
        return None
    return open_breach_decision(ctx, breach_id)


def _status(ctx: RecordContext, text: str) -> None:
    bar = getattr(ctx.window, "statusBar", None)
    if callable(bar):
        bar().showMessage(text, 15000)


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


def _heading(text: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName("sectionHeading")
    label.setStyleSheet("font-weight: 600; color: #1f3a5f; padding-top: 4px;")
    return label


def _heading_row(text: str, *buttons: QPushButton) -> tuple[QWidget, QLabel]:
    """A table's heading with the actions on that table beside it."""
    row = QWidget()
    layout = QHBoxLayout(row)
    layout.setContentsMargins(0, 4, 0, 0)
    heading = _heading(text)
    layout.addWidget(heading)
    layout.addStretch(1)
    for button in buttons:
        layout.addWidget(button)
    return row, heading


def _columns(view: QTableView, *, stretch: int, widths: dict[int, int]) -> None:
    """Fitted columns, one stretching; long free text (courts, stations) gets a set width in
    average characters, elided with the full text in the tooltip, so it cannot squeeze the rest."""
    header = view.horizontalHeader()
    for col in range(view.model().columnCount()):
        header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
    for col, chars in widths.items():
        header.setSectionResizeMode(col, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(col, chars * view.fontMetrics().averageCharWidth())
    header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)


_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")


def uk_dates(text: str) -> str:
    """The rules' explanations name dates as 2021-05-13; staff read 13/05/2021."""
    return _ISO.sub(lambda m: f"{m[3]}/{m[2]}/{m[1]}", text)


def _fit_rows(view: QTableView, rows: int, most: int) -> None:
    """A short table as tall as its rows (at least one, at most MOST), not a fixed block."""
    shown = max(1, min(rows, most))
    view.setFixedHeight(shown * view.verticalHeader().defaultSectionSize()
                        + view.horizontalHeader().sizeHint().height() + 2 * view.frameWidth() + 4)


def _panel() -> tuple[QFrame, QGridLayout]:
    frame = QFrame()
    frame.setObjectName("recordHeader")  # the header's calm panel style
    grid = QGridLayout(frame)
    grid.setContentsMargins(12, 8, 12, 8)
    grid.setHorizontalSpacing(18)
    grid.setVerticalSpacing(2)
    return frame, grid


def _caption(text: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName("headerCaption")
    return label


def _value(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setObjectName("headerValue")
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def _set_overdue(label: QLabel, overdue: bool) -> None:
    label.setProperty("overdue", overdue)
    label.style().unpolish(label)
    label.style().polish(label)


def _listed(view: QTableView, empty_text: str) -> tuple[QStackedWidget, QLabel]:
    empty = QLabel(empty_text)
    empty.setObjectName("emptyState")
    empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
    stack = QStackedWidget()
    stack.addWidget(view)
    stack.addWidget(empty)
    return stack, empty


def _selected(view: QTableView) -> Any:
    rows = view.selectionModel().selectedRows()
    if not rows:
        return None
    return rows[0].data(RowRole)


def _in_force(r: nt.RequirementView, today: date) -> bool:
    return r.indefinite or r.depends_on_sentence or (r.ends_on is not None and r.ends_on >= today)


def _requirement_text(r: nt.RequirementView, today: date | None = None) -> str:
    if r.depends_on_sentence:
        return "Depends on sentence"
    if r.indefinite:
        return "Indefinite"
    if today is not None and r.ends_on is not None and r.ends_on < today:
        return f"Ended {fmt_date(r.ends_on)}"
    return f"Until {fmt_date(r.ends_on)}"


def _by_relevance(reqs: tuple[nt.RequirementView, ...], today: date) -> list[nt.RequirementView]:
    """In force first (newest first), then those that have ended."""
    return sorted(reqs, key=lambda r: (not _in_force(r, today), -r.starts_on.toordinal()))


def _review_text(r: nt.RequirementView) -> str:
    if r.review_eligible_on:
        late = " (after the order ends, s.91A(2)(b))" if r.review_barred_by else ""
        return f"Can apply from {fmt_date(r.review_eligible_on)}{late}"
    if r.review_barred_by:
        return f"Not while the {r.review_barred_by} has effect (s.91A(2)(b))"
    return "Not applicable"


class _WorkflowTab(SectionTab):
    """A record part with its own tables instead of the generic list; the generic list's "Mark
    as entered in error..." works on whichever of this page's rows is selected."""

    ENTITY = ""

    def __init__(self, ctx: RecordContext, spec: SectionSpec, about: str) -> None:
        super().__init__(replace(spec, about=about), ctx.actor.can(Permission.WRITE_CASES))
        self.ctx = ctx
        self.record: OffenderRecord | None = None
        self.loading = False
        self.loads = 0  # completed loads: tests wait on it
        self.stack.setVisible(False)  # the generic list; this page shows its own tables
        self.content = QVBoxLayout()
        self.content.setContentsMargins(0, 0, 0, 0)
        self.layout().addLayout(self.content, 1)
        self.dialog: Any = None

    def watch(self, view: QTableView) -> None:
        view.selectionModel().selectionChanged.connect(self._selection_changed)
        view.selectionModel().selectionChanged.connect(lambda *_a: self._clear_others(view))

    def _tables(self) -> list[QTableView]:
        return []

    def _clear_others(self, view: QTableView) -> None:
        if view.selectionModel().hasSelection():
            for other in self._tables():
                if other is not view and other.selectionModel().hasSelection():
                    other.clearSelection()

    def _selected_id(self) -> int | None:
        return None

    def selected_entry(self) -> EntryRow | None:
        wanted = self._selected_id()
        if wanted is None or self.record is None:
            return None
        return next((e for e in self.record.sections.get(self.spec.key, ())
                     if e.entity == self.ENTITY and e.id == wanted), None)

    def set_record(self, record: OffenderRecord) -> None:
        self.record = record
        super().set_record(record)
        self.refresh()

    def refresh(self) -> None:
        if self.record is None:
            return
        self.loading = True
        self.ctx.worker.submit(self._load, self.ctx.services, self.ctx.actor, self.record.offender_id,
                               owner=self, on_success=self._loaded, on_error=self._load_failed)

    def _load_failed(self, exc: BaseException) -> None:
        self.loading = False
        self.ctx.report(exc, "This part of the record could not be read")

    def _loaded(self, data: Any) -> None:
        self.loading = False
        self.show_data(data)
        self.loads += 1
        self._selection_changed()

    @staticmethod
    def _load(services: Services, actor: Actor, offender_id: int) -> Any:
        raise NotImplementedError

    def show_data(self, data: Any) -> None:
        raise NotImplementedError

    def extra_button(self, text: str, slot: Callable[[], Any], *, tip: str = "") -> QPushButton:
        """An action placed beside the table it works on, shown to writers only."""
        button = QPushButton(text)
        button.setToolTip(tip)
        button.clicked.connect(lambda: slot())
        button.setVisible(self.can_write)
        return button

    def _open(self, dialog: Any, on_saved: Callable[[Any], None]) -> Any:
        self.dialog = dialog
        dialog.saved.connect(on_saved)
        dialog.open()
        return dialog


# --- convictions & requirement -----------------------------------------------------------------------


class ConvictionsTab(_WorkflowTab):
    ENTITY = "conviction"

    def __init__(self, ctx: RecordContext, spec: SectionSpec) -> None:
        super().__init__(ctx, spec, "Convictions, findings and cautions for Schedule 3 offences, and the "
                         "notification requirement each one starts (s.80, s.82). Days in custody, in "
                         "hospital or abroad are recorded here: they do not count towards deadlines.")
        self.convictions: list[nt.ConvictionView] = []
        self.periods: tuple[nt.PeriodView, ...] = ()
        self.requirements: list[nt.RequirementView] = []
        self.record_button = self.add_button_for("&Record a conviction, finding or caution...", self.open_conviction)
        self.record_button.setDefault(True)
        self.sentence_button = self.add_button_for("&Enter the sentence...", self.open_sentence,
                                                   tip="Enter or correct the sentence of the selected conviction.")
        self.period_button = self.extra_button("Record c&ustody / hospital / time abroad...", self.open_period)
        self.release_button = self.extra_button("Record release or re&turn...", self.open_release,
                                                tip="End the custody, hospital or abroad period still open.")

        self.panel, self.panel_grid = _panel()
        self.basis_label = QLabel()
        self.basis_label.setObjectName("hint")
        self.basis_label.setWordWrap(True)
        self.basis_label.setTextFormat(Qt.TextFormat.PlainText)
        self.content.addWidget(self.panel)
        # The first (most relevant) requirement's cells, rebuilt with the panel.
        self.requirement_value = self.starts_value = self.review_value = _value()
        self._show_requirements(())

        self.conviction_model = StyledRows([
            Column("Date", lambda c: fmt_date(c.convicted_on), lambda c: c.convicted_on.toordinal()),
            Column("Kind", lambda c: CONVICTION_KIND_LABELS.get(c.kind, c.kind).split(" (")[0]),
            Column("Offence", lambda c: c.offence + ("" if c.schedule3 else " (not Schedule 3)"),
                   tooltip=lambda c: c.offence),
            Column("Court", lambda c: c.court or "", tooltip=lambda c: c.court),
            Column("Sentence", self._sentence_text),
            Column("Requirement", self._requirement_cell,
                   tooltip=lambda c: uk_dates(c.requirement.basis) if c.requirement else "Not a Schedule 3 offence"),
            Column("Learned from", lambda c: SOURCE_LABELS.get(c.source or "", c.source or ""),
                   tooltip=lambda c: f"Learned on {fmt_date(c.learned_on)}" if c.learned_on else None),
        ], self._conviction_style, self)
        self.conviction_view = sorted_list_view(self.conviction_model)
        _columns(self.conviction_view, stretch=2, widths={3: 20})
        self.conviction_view.doubleClicked.connect(lambda _i: self.open_sentence())
        self.watch(self.conviction_view)
        stack, self.conviction_empty = _listed(self.conviction_view, "No conviction, finding or caution recorded yet.")
        self.conviction_stack = stack
        self.content.addWidget(_heading_row("Convictions, findings and cautions")[0])
        self.content.addWidget(stack, 1)

        self.period_model = StyledRows([
            Column("Kind", lambda p: PERIOD_LABELS.get(p.kind, p.kind)),
            Column("From", lambda p: fmt_date(p.starts_on), lambda p: p.starts_on.toordinal()),
            Column("Until", lambda p: fmt_date(p.ends_on) if p.ends_on else "Continuing: deadlines paused",
                   lambda p: p.ends_on.toordinal() if p.ends_on else 10**7),
        ], lambda p, col: (AMBER, True) if col == 2 and p.ends_on is None else (None, False), self)
        self.period_view = sorted_list_view(self.period_model)
        header = self.period_view.horizontalHeader()
        for col in range(3):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        row, self.period_heading = _heading_row("Custody, hospital and time abroad", self.period_button,
                                                self.release_button)
        self.content.addWidget(row)
        self.period_stack, self.period_empty = _listed(self.period_view, "None recorded.")
        self.period_empty.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.period_empty.setObjectName("hint")
        self.content.addWidget(self.period_stack)
        self._show_periods(())

    def _tables(self) -> list[QTableView]:
        return [self.conviction_view]

    @staticmethod
    def _sentence_text(c: nt.ConvictionView) -> str:
        text = disposal_text(c.disposal)
        if c.sentence_text:
            text += f", {c.sentence_text}"
        if c.discharge_months:
            text += f", {c.discharge_months} months"
        return text

    def _requirement_cell(self, c: nt.ConvictionView) -> str:
        if not c.requirement:
            return "None (not Schedule 3)"
        return _requirement_text(c.requirement, self.ctx.services.clock.today())

    @staticmethod
    def _conviction_style(c: nt.ConvictionView, column: int) -> tuple[QColor | None, bool]:
        if column == 4 and not c.disposal:
            return AMBER, True
        if column == 5 and c.requirement and c.requirement.depends_on_sentence:
            return AMBER, True
        return None, False

    @staticmethod
    def _load(services: Services, actor: Actor, offender_id: int) -> Any:
        return (nt.convictions_for(services, actor, offender_id),
                nt.notifications_for(services, actor, offender_id))

    def show_data(self, data: Any) -> None:
        convictions, view = data
        self.convictions = list(convictions)
        self.conviction_model.set_rows(self.convictions)
        self.conviction_stack.setCurrentWidget(self.conviction_view if self.convictions else self.conviction_empty)
        self._show_requirements(view.requirements)
        self._show_periods(view.disregarded)

    def _show_requirements(self, requirements: tuple[nt.RequirementView, ...]) -> None:
        """One line per requirement: what, the period, from when, and the s.91B review date."""
        grid = self.panel_grid
        while grid.count():
            item = grid.takeAt(0)
            widget = item.widget() if item else None
            if widget is not None and widget is not self.basis_label:
                widget.hide()
                widget.deleteLater()
        today = self.ctx.services.clock.today()
        self.requirements = _by_relevance(requirements, today)
        for col, text in enumerate(("Notification requirement", "Period", "From", "Review (s.91B)")):
            grid.addWidget(_caption(text), 0, col)
        if not self.requirements:
            self.requirement_value = _value("None recorded")
            self.starts_value = self.review_value = _value()
            grid.addWidget(self.requirement_value, 1, 0, 1, 4)
            self.basis_label.setText("A Schedule 3 conviction, finding or caution starts the requirement.")
        for i, r in enumerate(self.requirements, start=1):
            what = _value(r.offence or "Notification order")
            what.setObjectName("requirementOffence")
            period = _value(_requirement_text(r, today))
            starts = _value(fmt_date(r.starts_on))
            review = _value(_review_text(r) if r.indefinite else "Not applicable")
            if r.review_note:
                review.setToolTip(uk_dates(r.review_note))
            if not _in_force(r, today):
                for label in (what, period, starts, review):
                    label.setStyleSheet("color: #7b8794;")
            grid.addWidget(what, i, 0)
            grid.addWidget(period, i, 1)
            grid.addWidget(starts, i, 2)
            grid.addWidget(review, i, 3)
            if i == 1:
                self.requirement_value, self.starts_value, self.review_value = period, starts, review
        if self.requirements:
            self.basis_label.setText("\n".join(uk_dates(r.basis) for r in self.requirements if r.basis))
        grid.addWidget(self.basis_label, len(self.requirements) + 1 if self.requirements else 2, 0, 1, 4)
        for col, stretch in enumerate((4, 2, 1, 3)):
            grid.setColumnStretch(col, stretch)

    def _show_periods(self, periods: tuple[nt.PeriodView, ...]) -> None:
        self.periods = tuple(periods)
        self.period_model.set_rows(self.periods)
        self.period_stack.setCurrentWidget(self.period_view if self.periods else self.period_empty)
        _fit_rows(self.period_view, len(self.periods), 4)
        self.period_stack.setFixedHeight(self.period_view.height() if self.periods else 28)
        self.release_button.setEnabled(any(p.ends_on is None for p in self.periods))

    def _selected_id(self) -> int | None:
        c = self.selected_conviction()
        return c.conviction_id if c else None

    def selected_conviction(self) -> nt.ConvictionView | None:
        return _selected(self.conviction_view)

    def _selection_changed(self, *_args) -> None:
        super()._selection_changed()
        if hasattr(self, "sentence_button"):
            self.sentence_button.setEnabled(self.selected_conviction() is not None)

    def select_conviction(self, row: int) -> None:
        self.conviction_view.selectRow(row)

    # --- actions ---------------------------------------------------------------------------------

    def _args(self) -> tuple:
        c = self.ctx
        return c.services, c.actor, c.worker, c.prompter, self.record

    def open_conviction(self) -> ConvictionDialog | None:
        if self.record is None:
            return None
        return self._open(ConvictionDialog(*self._args(), parent=self), self._conviction_saved)

    def _conviction_saved(self, c: nt.ConvictionView) -> None:
        text = "Recorded. " + (f"Notification requirement: {c.requirement.summary}." if c.requirement
                               else "Not a Schedule 3 offence: no notification requirement.")
        if c.initial_due_on:
            text += f" Initial notification due by {fmt_date(c.initial_due_on)}."
        _status(self.ctx, text)
        self.ctx.reload()

    def open_sentence(self) -> SentenceDialog | None:
        c = self.selected_conviction()
        if c is None or self.record is None or not self.can_write:
            return None
        return self._open(SentenceDialog(*self._args(), c, parent=self), self._conviction_saved)

    def open_period(self) -> PeriodDialog | None:
        if self.record is None:
            return None
        return self._open(PeriodDialog(*self._args(), parent=self), self._period_saved)

    def open_release(self) -> ReleaseDialog | None:
        open_periods = [p for p in self.periods if p.ends_on is None]
        if self.record is None or not open_periods:
            return None
        return self._open(ReleaseDialog(*self._args(), open_periods, parent=self), self._period_saved)

    def _period_saved(self, p: nt.PeriodView) -> None:
        text = f"{PERIOD_LABELS.get(p.kind, p.kind)} recorded; notification due dates recalculated."
        if p.release_notification_id:
            text += " The release is itself to be notified: see Notifications."
        _status(self.ctx, text)
        self.ctx.reload()


# --- notifications ------------------------------------------------------------------------------------


def _pending_style(p: nt.PendingNotification, column: int) -> tuple[QColor | None, bool]:
    if p.overdue and column in (2, 3):
        return RED, True
    if p.due_soon and column == 3:
        return AMBER, True
    return None, False


def _biometrics(t: nt.TakenRow) -> str:
    refused = [w for w, v in (("fingerprints", t.fingerprints_taken), ("photographs", t.photographs_taken))
               if v is False]
    if refused:
        return "REFUSED " + " and ".join(refused)
    return "Taken" if t.fingerprints_taken or t.photographs_taken else ""


def _taken_style(t: nt.TakenRow, column: int) -> tuple[QColor | None, bool]:
    if (column == 5 and t.late) or (column == 6 and "REFUSED" in _biometrics(t)):
        return RED, True
    return None, False


class NotificationsTab(_WorkflowTab):
    ENTITY = "statutory_notification"

    def __init__(self, ctx: RecordContext, spec: SectionSpec) -> None:
        super().__init__(ctx, spec, "Notifications the offender must give in person at a designated police "
                         "station (s.83-s.87): what is due, what was given, and stays that count towards "
                         "a qualifying period. A late notification opens a breach.")
        self.view_data: nt.NotificationsView | None = None
        self.stations: list[nt.StationView] = []
        self.opener: Callable[[Path], None] = open_document
        self.ack_folder: Path | None = None  # default: Documents/RSO Manager
        self.breach_dialog: Any = None  # the breach decision opened after a late notification
        self.take_button = self.add_button_for("&Take a notification...", self.open_take,
                                               tip=f"Record a notification given at a station ({TAKE_SHORTCUT})")
        self.take_button.setDefault(True)
        self.event_button = self.add_button_for("Record an e&vent...", self.open_event,
                                                tip="A change of name or address, travel, a household stay...")
        self.stay_button = self.add_button_for("Record a &stay at other premises...", self.open_stay)
        self.print_button = self.extra_button("&Print acknowledgement...", self.print_selected,
                                              tip="The written acknowledgement (s.87(3)) of the selected "
                                                  "notification, as a PDF")
        self.take_action = QAction("Take a notification...", ctx.window)
        self.take_action.setShortcut(QKeySequence(TAKE_SHORTCUT))
        self.take_action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.take_action.triggered.connect(self._take_from_anywhere)
        if self.can_write:
            ctx.window.addAction(self.take_action)

        self.panel, grid = _panel()
        grid.addWidget(_caption("Notification requirement"), 0, 0)
        grid.addWidget(_caption("Next notification due"), 0, 1)
        grid.addWidget(_caption("Waiting to be given"), 0, 2)
        self.requirement_value = _value("None recorded")
        self.next_due_value = _value("Nothing due")
        self.waiting_value = _value()
        grid.addWidget(self.requirement_value, 1, 0)
        grid.addWidget(self.next_due_value, 1, 1)
        grid.addWidget(self.waiting_value, 1, 2)
        for col, stretch in enumerate((2, 1, 1)):
            grid.setColumnStretch(col, stretch)
        self.content.addWidget(self.panel)

        self.pending_model = StyledRows([
            Column("Notification", lambda p: p.label, tooltip=lambda p: p.label),
            Column("Event", lambda p: fmt_date(p.event_on), lambda p: p.event_on.toordinal() if p.event_on else 0),
            Column("Due by", lambda p: fmt_date(p.due_on, "After release"),
                   lambda p: p.due_on.toordinal() if p.due_on else 10**7),
            Column("Status", pending_status, lambda p: (-p.days_overdue, p.due_on.toordinal() if p.due_on else 10**7)),
        ], _pending_style, self)
        self.pending_view = sorted_list_view(self.pending_model)
        header = self.pending_view.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for col in (1, 2, 3):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        self.pending_view.doubleClicked.connect(lambda _i: self.open_take())
        self.watch(self.pending_view)
        self.pending_stack, self.pending_empty = _listed(self.pending_view, "Nothing waiting to be notified.")

        self.taken_model = StyledRows([
            Column("Given", lambda t: fmt_datetime(t.notified_at), lambda t: t.notified_at.timestamp()),
            Column("Notification", lambda t: t.label, tooltip=lambda t: t.label),
            Column("Station", lambda t: t.station or "", tooltip=lambda t: t.station),
            Column("Taken by", lambda t: t.taken_by or ""),
            Column("Due by", lambda t: fmt_date(t.due_on), lambda t: t.due_on.toordinal() if t.due_on else 0),
            Column("On time", lambda t: "LATE" if t.late else "On time"),
            Column("Biometrics", _biometrics, tooltip=lambda t: "Fingerprints and photographs (s.87(4))"),
        ], _taken_style, self)
        self.taken_view = sorted_list_view(self.taken_model)
        _columns(self.taken_view, stretch=1, widths={2: 22})
        self.watch(self.taken_view)
        self.taken_stack, self.taken_empty = _listed(self.taken_view, "No notification given yet.")

        self.stays_model = StyledRows([
            Column("Premises not notified", lambda c: c.address, tooltip=lambda c: c.address),
            Column("Days in the last 12 months", lambda c: f"{c.days_in_last_12_months} of 7",
                   lambda c: c.days_in_last_12_months),
            Column("Qualifying period (s.84(6))", lambda c: f"REACHED {fmt_date(c.reached_on)}: notify"
                   if c.flagged else "Not reached"),
        ], lambda c, col: (RED, True) if c.flagged and col in (1, 2) else (None, False), self)
        self.stays_view = sorted_list_view(self.stays_model)
        header = self.stays_view.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)

        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.setChildrenCollapsible(False)
        for heading, widget in ((_heading_row("Due and overdue")[0], self.pending_stack),
                                (_heading_row("Taken", self.print_button)[0], self.taken_stack)):
            box = QWidget()
            layout = QVBoxLayout(box)
            layout.setContentsMargins(0, 0, 0, 0)
            layout.setSpacing(2)
            layout.addWidget(heading)
            layout.addWidget(widget, 1)
            splitter.addWidget(box)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        self.content.addWidget(splitter, 1)
        self.stays_box = QWidget()
        layout = QVBoxLayout(self.stays_box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(_heading_row("Stays at premises not notified (7 days in 12 months must be notified)")[0])
        layout.addWidget(self.stays_view)
        self.content.addWidget(self.stays_box)
        self.stays_box.setVisible(False)
        self._selection_changed()

    def _tables(self) -> list[QTableView]:
        return [self.pending_view, self.taken_view]

    @staticmethod
    def _load(services: Services, actor: Actor, offender_id: int) -> Any:
        return nt.notifications_for(services, actor, offender_id), nt.list_stations(services)

    def show_data(self, data: Any) -> None:
        view, stations = data
        self.view_data, self.stations = view, list(stations)
        reqs = [r for r in _by_relevance(view.requirements, view.as_of) if _in_force(r, view.as_of)]
        if not view.requirements:
            self.requirement_value.setText("None recorded: record the conviction first")
        elif not reqs:
            ended = max(r.ends_on for r in view.requirements if r.ends_on)
            self.requirement_value.setText(f"Ended {fmt_date(ended)}")
        else:
            self.requirement_value.setText("\n".join(
                _requirement_text(r) + (f" from {fmt_date(r.starts_on)}" if not r.depends_on_sentence else "")
                + (f" ({r.offence})" if len(reqs) > 1 and r.offence else "") for r in reqs))
        self.requirement_value.setToolTip("\n".join(f"{r.offence}: {uk_dates(r.basis)}" for r in view.requirements))
        overdue = [p for p in view.pending if p.overdue]
        self.next_due_value.setText(fmt_date(view.next_due_on, "Nothing due")
                                    + (" (OVERDUE)" if view.next_due_on and view.next_due_on < view.as_of else ""))
        _set_overdue(self.next_due_value, bool(view.next_due_on and view.next_due_on < view.as_of))
        waiting = plural(len(view.pending), "notification")
        self.waiting_value.setText(waiting + (f", {len(overdue)} OVERDUE" if overdue else ""))
        _set_overdue(self.waiting_value, bool(overdue))
        self.pending_model.set_rows(view.pending)
        self.pending_stack.setCurrentWidget(self.pending_view if view.pending else self.pending_empty)
        self.taken_model.set_rows(view.taken)
        self.taken_stack.setCurrentWidget(self.taken_view if view.taken else self.taken_empty)
        self.stays_model.set_rows(view.stays)
        _fit_rows(self.stays_view, len(view.stays), 3)
        self.stays_box.setVisible(bool(view.stays))

    def selected_pending(self) -> nt.PendingNotification | None:
        return _selected(self.pending_view)

    def selected_taken(self) -> nt.TakenRow | None:
        return _selected(self.taken_view)

    def _selected_id(self) -> int | None:
        item = self.selected_pending() or self.selected_taken()
        return item.notification_id if item else None

    def _selection_changed(self, *_args) -> None:
        super()._selection_changed()
        if hasattr(self, "print_button"):
            self.print_button.setEnabled(self.selected_taken() is not None)

    # --- actions ---------------------------------------------------------------------------------

    def _args(self) -> tuple:
        c = self.ctx
        return c.services, c.actor, c.worker, c.prompter, self.record

    def _take_from_anywhere(self) -> None:
        window: Any = self.ctx.window
        try:
            window.tabs.setCurrentIndex(window.tab_index("Notifications"))
        except (AttributeError, KeyError):
            pass
        self.open_take()

    def open_take(self) -> TakeNotificationDialog | None:
        if self.record is None or self.view_data is None or not self.can_write:
            if self.loading:
                _status(self.ctx, "Still reading the notifications; try again in a moment.")
            return None
        dialog = TakeNotificationDialog(*self._args(), self.view_data.pending, self.stations, parent=self)
        chosen = self.selected_pending()
        if chosen is not None:  # the row the user picked, on its own
            for p in self.view_data.pending:
                dialog.check(p.notification_id, p.notification_id == chosen.notification_id)
        dialog.taken.connect(self._taken)
        self.dialog = dialog
        dialog.open()
        return dialog

    def _taken(self, taken: nt.TakenNotification, print_ack: bool) -> None:
        self.ctx.reload()
        what = ", ".join(taken.labels)
        _status(self.ctx, f"Notification recorded: {what}. Next due {fmt_date(taken.next_due_on, 'not set')}.")
        if print_ack:
            self.print_acknowledgement(taken.notification_ids[0])
        if taken.breach_ids:
            reasons = []
            if taken.late:
                reasons.append(f"it was given late (it was due by {fmt_date(taken.due_on)})")
            if taken.refused_biometrics:
                reasons.append("fingerprints or photographs were refused (s.87(4))")
            self.ctx.prompter.warning(
                "Breach opened",
                f"The notification is recorded, but {' and '.join(reasons) or 'it shows a breach'}, so a "
                "breach of the notification requirements (s.91) has been opened.\n\nThe breach decision is "
                "shown next: record a crime reference, or propose no crime with a rationale for a "
                "supervisor to sign off.")
            self.breach_dialog = go_to_breach_decision(self.ctx, taken.breach_ids[0])

    def open_event(self) -> EventDialog | None:
        if self.record is None:
            return None
        return self._open(EventDialog(*self._args(), parent=self), self._event_saved)

    def _event_saved(self, result: nt.EventRecorded) -> None:
        n = result.notification
        text = f"{n.label} recorded: to be notified by {fmt_date(n.due_on, 'after release')}."
        if result.referral_id:
            text += " A safeguarding task has been opened: see Safeguarding."
        _status(self.ctx, text)
        self.ctx.reload()

    def open_stay(self) -> StayDialog | None:
        if self.record is None or self.view_data is None:
            return None
        return self._open(StayDialog(*self._args(), self.view_data.stays, parent=self), self._stay_saved)

    def _stay_saved(self, result: nt.StayResult) -> None:
        self.ctx.reload()
        if result.flagged:
            self.ctx.prompter.warning(
                "Qualifying period reached",
                f"The offender has stayed {plural(result.days_in_last_12_months, 'day')} in the last 12 months "
                f"at premises not notified; the qualifying period (s.84(6)) was reached on "
                f"{fmt_date(result.reached_on)}. The address must be notified by {fmt_date(result.due_on)} "
                "(s.84(1)(c)). It is listed under Due and overdue.")
        else:
            _status(self.ctx, f"Stay recorded: {plural(result.days_in_last_12_months, 'day')} at those "
                    "premises in the last 12 months (7 is a qualifying period).")

    def print_selected(self) -> None:
        taken = self.selected_taken()
        if taken is not None:
            self.print_acknowledgement(taken.notification_id)

    def print_acknowledgement(self, notification_id: int) -> None:
        if self.record is None:
            return
        folder = self.ack_folder or documents_folder()
        self.ctx.worker.submit(nt.save_acknowledgement, self.ctx.services, self.ctx.actor, notification_id, folder,
                               owner=self, on_success=self._saved_acknowledgement,
                               on_error=lambda e: self.ctx.report(e, "The acknowledgement was not printed"))

    def _saved_acknowledgement(self, path: Path) -> None:
        _status(self.ctx, f"Acknowledgement saved as {path}")
        self.opener(path)


@record_page("convictions")
def convictions_page(ctx: RecordContext, spec: SectionSpec) -> ConvictionsTab:
    return ConvictionsTab(ctx, spec)


@record_page("notifications")
def notifications_page(ctx: RecordContext, spec: SectionSpec) -> NotificationsTab:
    return NotificationsTab(ctx, spec)


# --- administrator: designated stations --------------------------------------------------------------


class StationsMenu:
    """File > Designated police stations, for the administrator."""

    def __init__(self, host: WorkflowHost) -> None:
        self.host = host
        self.dialog: StationsDialog | None = None
        self.action = QAction("Designated police &stations...", host.window)
        self.action.setStatusTip("The stations where offenders may notify (s.87)")
        self.action.triggered.connect(self.open)
        host.add_menu_action("file", self.action, order=80)

    def open(self) -> StationsDialog:
        host = self.host
        self.dialog = StationsDialog(host.services, host.actor, host.worker, host.prompter, parent=host.window)
        self.dialog.open()
        return self.dialog


@main_window_hook(order=90)
def stations_menu(host: WorkflowHost) -> None:
    if host.actor.can(Permission.MANAGE_USERS):
        host.add_part(StationsMenu(host))
