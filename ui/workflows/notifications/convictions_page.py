"""The record's "Convictions & requirement" page (issue 4): convictions, findings and cautions
with the notification requirement each started (period, end or indefinite, depends on sentence,
review date), the sentence, and custody, hospital and time abroad."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QHeaderView, QLabel, QSplitter

from rso_manager.services import notifications as nt
from rso_manager.services.unit_of_work import Actor, Services
from ui.extensions import record_page
from ui.kit.detail_pane import history_fields, history_of
from ui.kit.formatting import fmt_date
from ui.kit.record_page import RecordContext, SectionSpec
from ui.kit.register_page import RegisterPage
from ui.kit.tables import Column, ListPanel, sorted_list_view
from ui.kit.widgets import AMBER, selected_row
from ui.workflows.notifications.conviction_dialogs import (
    ConvictionDialog,
    PeriodDialog,
    ReleaseDialog,
    SentenceDialog,
)
from ui.workflows.notifications.detail import ConvictionPane, conviction_fields
from ui.workflows.notifications.page_parts import (
    StyledRows,
    caption,
    fit_columns,
    fit_rows,
    heading_row,
    panel,
    value,
)
from ui.workflows.notifications.wording import (
    CONVICTION_KIND_LABELS,
    PERIOD_LABELS,
    SOURCE_LABELS,
    by_relevance,
    disposal_text,
    requirement_text,
    review_text,
    uk_dates,
)


class ConvictionsTab(RegisterPage):
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
        self.period_button = self.writer_button("Record c&ustody / hospital / time abroad...", self.open_period)
        self.release_button = self.writer_button("Record release or re&turn...", self.open_release,
                                                tip="End the custody, hospital or abroad period still open.")

        self.panel, self.panel_grid = panel()
        self.basis_label = QLabel()
        self.basis_label.setObjectName("hint")
        self.basis_label.setWordWrap(True)
        self.basis_label.setTextFormat(Qt.TextFormat.PlainText)
        self.content = self.page_layout()
        self.content.addWidget(self.panel)
        # The first (most relevant) requirement's cells, rebuilt with the panel.
        self.requirement_value = self.starts_value = self.review_value = value()
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
        fit_columns(self.conviction_view, stretch=2, widths={3: 20})
        self.conviction_view.doubleClicked.connect(lambda _i: self.open_sentence())
        self.one_selection(self.conviction_view)
        self.conviction_stack = ListPanel(self.conviction_view, "No conviction, finding or caution recorded yet. "
                                          "Record one from the court list, a custody record or a certificate.")
        self.conviction_empty = self.conviction_stack.empty
        self.content.addWidget(heading_row("Convictions, findings and cautions")[0])
        # The selected conviction in full under the list, which needs the width for its columns.
        self.detail_pane = ConvictionPane()
        split = QSplitter(Qt.Orientation.Vertical)
        split.setChildrenCollapsible(False)
        split.addWidget(self.conviction_stack)
        split.addWidget(self.detail_pane)
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 1)
        split.setSizes([1000, 1000])
        self.content.addWidget(split, 1)

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
        row, self.period_heading = heading_row("Custody, hospital and time abroad", self.period_button,
                                                self.release_button)
        self.content.addWidget(row)
        self.period_stack = ListPanel(self.period_view, "None recorded.")
        self.period_empty = self.period_stack.empty
        self.period_empty.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.period_empty.setObjectName("hint")
        self.content.addWidget(self.period_stack)
        self._show_periods(())

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
        return requirement_text(c.requirement)

    @staticmethod
    def _conviction_style(c: nt.ConvictionView, column: int) -> tuple[QColor | None, bool]:
        if column == 4 and not c.disposal:
            return AMBER, True
        if column == 5 and c.requirement and c.requirement.depends_on_sentence:
            return AMBER, True
        return None, False

    def fetch(self, services: Services, actor: Actor, offender_id: int) -> Any:  # runs on the worker
        return (nt.convictions_for(services, actor, offender_id),
                nt.notifications_for(services, actor, offender_id))

    def show_details(self, data: Any) -> None:
        convictions, view = data
        self.convictions = list(convictions)
        self.conviction_model.set_rows(self.convictions)
        self.conviction_stack.show_rows(len(self.convictions))
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
        self.requirements = by_relevance(requirements)
        for col, text in enumerate(("Notification requirement", "Period", "From", "Review (s.91B)")):
            grid.addWidget(caption(text), 0, col)
        if not self.requirements:
            self.requirement_value = value("None recorded")
            self.starts_value = self.review_value = value()
            grid.addWidget(self.requirement_value, 1, 0, 1, 4)
            self.basis_label.setText("A Schedule 3 conviction, finding or caution starts the requirement.")
        for i, r in enumerate(self.requirements, start=1):
            what = value(r.offence or "Notification order")
            what.setObjectName("requirementOffence")
            period = value(requirement_text(r))
            starts = value(fmt_date(r.starts_on))
            review = value(review_text(r) if r.indefinite else "Not applicable")
            if r.review_note:
                review.setToolTip(uk_dates(r.review_note))
            if not r.in_force:
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
        self.period_stack.show_rows(len(self.periods))
        fit_rows(self.period_view, len(self.periods), 4)
        self.period_stack.setFixedHeight(self.period_view.height() if self.periods else 28)
        self.release_button.setEnabled(any(p.ends_on is None for p in self.periods))

    def selected_key(self) -> tuple[str, int] | None:
        c = self.selected_conviction()
        return ("conviction", c.conviction_id) if c else None

    def selected_conviction(self) -> nt.ConvictionView | None:
        return selected_row(self.conviction_view)

    def update_buttons(self) -> None:
        if hasattr(self, "sentence_button"):  # not while the page is being built
            self.sentence_button.setEnabled(self.selected_conviction() is not None)
        if hasattr(self, "detail_pane"):
            c = self.selected_conviction()
            if c is None:
                self.detail_pane.show_placeholder()
            else:
                self.detail_pane.show_fields(c, {**conviction_fields(c), **history_fields(
                    history_of(self.record, "conviction", c.conviction_id), c.recorded_by, c.recorded_at)},
                    warnings=("Sentence",) if not c.disposal else ())

    def select_conviction(self, row: int) -> None:
        self.conviction_view.selectRow(row)

    # --- actions ---------------------------------------------------------------------------------

    def _args(self) -> tuple:
        c = self.ctx
        return c.services, c.actor, c.worker, c.prompter, self.record

    def open_conviction(self) -> ConvictionDialog | None:
        if self.record is None:
            return None
        return self.open_dialog(ConvictionDialog(*self._args(), parent=self), self._conviction_saved)

    def _conviction_saved(self, c: nt.ConvictionView) -> None:
        text = "Recorded. " + (f"Notification requirement: {c.requirement.summary}." if c.requirement
                               else "Not a Schedule 3 offence: no notification requirement.")
        if c.initial_due_on:
            text += f" Initial notification due by {fmt_date(c.initial_due_on)}."
        self.ctx.show_status(text)
        self.ctx.reload()

    def open_sentence(self) -> SentenceDialog | None:
        c = self.selected_conviction()
        if c is None or self.record is None or not self.can_write:
            return None
        return self.open_dialog(SentenceDialog(*self._args(), c, parent=self), self._conviction_saved)

    def open_period(self) -> PeriodDialog | None:
        if self.record is None:
            return None
        return self.open_dialog(PeriodDialog(*self._args(), parent=self), self._period_saved)

    def open_release(self) -> ReleaseDialog | None:
        open_periods = [p for p in self.periods if p.ends_on is None]
        if self.record is None or not open_periods:
            return None
        return self.open_dialog(ReleaseDialog(*self._args(), open_periods, parent=self), self._period_saved)

    def _period_saved(self, p: nt.PeriodView) -> None:
        text = f"{PERIOD_LABELS.get(p.kind, p.kind)} recorded; notification due dates recalculated."
        if p.release_notification_id:
            text += " The release is itself to be notified: see Notifications."
        self.ctx.show_status(text)
        self.ctx.reload()



@record_page("convictions")
def convictions_page(ctx: RecordContext, spec: SectionSpec) -> ConvictionsTab:
    return ConvictionsTab(ctx, spec)
