"""File > Caseload cover: an offender manager's absence and the officer, in their team or another,
who covers their cases meanwhile (their reminders go to that officer, who can record on them).
The team's supervisor names it for their team, the OMU lead for any team; the same people end a
cover early, with a reason (End cover...)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QHeaderView, QPushButton, QTableView, QWidget

from rso_manager.services.caseload_cover import (
    CaseloadCover,
    CaseloadCoverChoices,
    EndedCover,
    caseload_cover_choices,
    caseload_covers,
    end_caseload_cover,
    record_caseload_cover,
)
from rso_manager.services.unit_of_work import Actor, Services
from ui.kit.formatting import fmt_date
from ui.kit.forms import combo_data, report_failure, select_data
from ui.kit.tables import Column, ListPanel, RowsModel, configure_list_view, fit_to_text
from ui.prompter import Prompter
from ui.worker import Worker
from ui.workflows.supervision.absence_fields import AbsenceRegisterDialog, add_absence_rows


def cover_line(c: CaseloadCover) -> str:
    until = f"to {fmt_date(c.ends_on)}" if c.ends_on else "until further notice"
    return f"{c.user}, {fmt_date(c.starts_on)} {until}: covered by {c.cover_user}" + (
        f" ({c.reason})" if c.reason else "")


class CoversModel(RowsModel[CaseloadCover]):
    COL_WHO, COL_FROM, COL_TO, COL_COVER, COL_REASON = range(5)

    def __init__(self, parent=None) -> None:
        super().__init__([
            Column("Who is away", lambda c: c.user),
            Column("From", lambda c: fmt_date(c.starts_on), lambda c: c.starts_on.toordinal()),
            Column("To", lambda c: fmt_date(c.ends_on) if c.ends_on else "Until further notice",
                   lambda c: c.ends_on.toordinal() if c.ends_on else 10**7),
            Column("Covered by", lambda c: c.cover_user),
            Column("Reason", lambda c: c.reason or "", tooltip=lambda c: c.reason),
        ], parent)


class CaseloadCoverDialog(AbsenceRegisterDialog):
    """The covers now and to come, and a form to record one. It stays open after each save."""

    changed = Signal()

    def __init__(self, services: Services, actor: Actor, worker: Worker, prompter: Prompter,
                 parent: QWidget | None = None) -> None:
        super().__init__(
            services, actor, worker, prompter, title="Caseload cover", heading="Caseload cover",
            hint="While an offender manager is away, the officer you name covers their cases, from their "
                 "team or another: the reminders for those cases go to them, and they can open and record on "
                 "those cases (not the rest of the team's).",
            save_text="Record cover", parent=parent)
        self.choices: CaseloadCoverChoices | None = None
        at = self.layout_.indexOf(self.errors.general)
        self.section_caption("Cover now and to come", at)
        self.model = CoversModel(self)
        self.table = configure_list_view(QTableView())
        self.table.setObjectName("caseloadCovers")
        self.table.setAccessibleName("Caseload cover now and to come")
        self.table.setModel(self.model)
        self.table.setMinimumHeight(4 * (self.table.fontMetrics().height() + 10) + 30)
        self.table.horizontalHeader().setSectionResizeMode(CoversModel.COL_REASON, QHeaderView.ResizeMode.Stretch)
        self.table.selectionModel().selectionChanged.connect(self._cover_selected)
        self.table_stack = ListPanel(self.table, "Reading...")
        self.table_stack.setMinimumHeight(60)
        self.layout_.insertWidget(at + 1, self.table_stack, 1)
        end_row = QWidget()
        row = QHBoxLayout(end_row)
        row.setContentsMargins(0, 0, 0, 0)
        self.end_button = QPushButton("&End cover...")
        self.end_button.setAutoDefault(False)
        self.end_button.setToolTip("End the chosen cover from today, with a reason: the days it ran stay recorded")
        self.end_button.setEnabled(False)
        self.end_button.clicked.connect(self.end_selected)
        row.addWidget(self.end_button)
        row.addStretch(1)
        self.layout_.insertWidget(at + 2, end_row)
        self.section_caption("Record an absence and its cover", at + 3)

        add_absence_rows(self, services, "&Who is away", self._fill_covers)
        self.cover = QComboBox()
        self.cover.setAccessibleName("Covering officer")
        self.row("&Covered by", "cover_user_id", self.cover)
        self.finish()
        self.saved.connect(self._recorded)
        self.setEnabled(False)  # until the people are known
        worker.submit(caseload_cover_choices, services, actor, owner=self, on_success=self._choices_loaded,
                      on_error=self._report)
        self.reload()

    def _choices_loaded(self, choices: CaseloadCoverChoices) -> None:
        self.choices = choices
        self.who.blockSignals(True)
        self.who.clear()
        self.who.addItem("Choose the officer", None)
        for person in choices.absentees:
            self.who.addItem(person.name, person.id)
        self.who.blockSignals(False)
        self._fill_covers()
        self.setEnabled(True)
        self.who.setFocus()
        self.save_button.setDefault(True)

    def _fill_covers(self, *_args) -> None:
        """Anyone who may cover, never the absent officer: their own team's first, then the
        other teams' with the team named."""
        current = combo_data(self.cover)
        self.cover.clear()
        self.cover.addItem("Choose who covers", None)
        choices = self.choices
        absent_id = combo_data(self.who)
        team = next((p.team_id for p in choices.absentees if p.id == absent_id), None) if choices else None
        people = [p for p in (choices.covers if choices else ()) if p.id != absent_id]
        for person in sorted(people, key=lambda p: p.team_id != team):  # stable: names stay in order
            self.cover.addItem(person.name if person.team_id == team else f"{person.name} ({person.team})",
                               person.id)
        select_data(self.cover, current)

    def reload(self) -> None:
        self._worker.submit(caseload_covers, self._services, self._actor, owner=self,
                            on_success=self._covers_arrived, on_error=self._report)

    def _covers_arrived(self, covers: list[CaseloadCover]) -> None:
        self.model.set_rows(covers)
        self.table_stack.show_rows(len(covers), "No offender manager's cover recorded from today on.")
        fit_to_text(self.table, [c for c in range(self.model.columnCount()) if c != CoversModel.COL_REASON])
        self._cover_selected()
        self.fit()

    def selected_cover(self) -> CaseloadCover | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None

    def _cover_selected(self, *_args) -> None:
        self.end_button.setEnabled(self.selected_cover() is not None)

    def end_selected(self) -> None:
        """End the chosen cover from today, asked for the reason first."""
        cover = self.selected_cover()
        if cover is None:
            return
        reason = self._prompter.ask_reason(
            "End cover", f"End this cover from today: {cover_line(cover)}.\n{cover.cover_user} can no longer "
                         f"open or record on {cover.user}'s cases. Why does it end early?")
        if reason is None:
            return
        self.end_button.setEnabled(False)
        self._worker.submit(end_caseload_cover, self._services, self._actor, cover.cover_id, reason, owner=self,
                            on_success=self._ended, on_error=self._end_failed)

    def _ended(self, ended: EndedCover) -> None:
        cover = ended.cover
        self.done_label.setText(f"Ended: {cover_line(cover)}." if ended.outcome == "ended"
                                else f"Cancelled: {cover.user}'s cover by {cover.cover_user} (it had not begun "
                                     "before today, so nothing of it is kept but the record of its cancelling).")
        self.reload()
        self.changed.emit()

    def _end_failed(self, exc: BaseException) -> None:
        self._cover_selected()
        report_failure(self._prompter, exc, title="The cover was not ended")
        self.reload()

    def submit(self) -> None:
        self.call(record_caseload_cover, self._services, self._actor, combo_data(self.who),
                  combo_data(self.cover), self.starts_on.date(), self.ends_on.date(), self.reason.text())

    def _recorded(self, cover: CaseloadCover) -> None:
        self.errors.clear()
        self.done_label.setText(f"Recorded: {cover_line(cover)}.")
        self.reason.clear()
        self.ends_on.set_date(None)
        self.cover.setCurrentIndex(0)
        self.reload()
        self.changed.emit()
