"""File > Absences and cover: record a supervisor's absence and, for the OMU lead, name who takes
the absent supervisor's sign-off queue. Only active, trained supervisors are offered as cover.

The list shows every absence the user may see, offender managers' too (recorded under File >
Caseload cover): a supervisor's cover takes their sign-offs and their own cases' reminders, an
offender manager's only their cases and reminders, so each has its own column."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QWidget,
)

from rso_manager.domain.roles import Role
from rso_manager.services.errors import FieldProblem, ValidationFailed
from rso_manager.services.supervision import (
    AbsenceRow,
    CoverOptions,
    Person,
    absences_from,
    cover_options,
    name_cover,
    record_absence_and_cover,
)
from rso_manager.services.unit_of_work import Actor, Services
from ui.kit.dialogs import ServiceDialog
from ui.kit.formatting import fmt_date
from ui.kit.forms import combo_data, select_data
from ui.kit.tables import Column, ListPanel, RowsModel, configure_list_view
from ui.prompter import Prompter
from ui.worker import Worker
from ui.workflows.supervision.absence_fields import AbsenceRegisterDialog, add_absence_rows

NO_COVER = "The OMU lead (no cover named)"
NO_CASELOAD_COVER = "Stay with them (no cover named)"
NO_QUEUE = "An offender manager has no sign-off queue: their cover takes their cases and reminders."


class AbsencesModel(RowsModel[AbsenceRow]):
    COL_WHO, COL_FROM, COL_TO, COL_REASON, COL_COVER, COL_CASES = range(6)

    def __init__(self, parent=None) -> None:
        super().__init__([
            Column("Who", lambda a: a.user),
            Column("From", lambda a: fmt_date(a.starts_on), lambda a: a.starts_on.toordinal()),
            Column("To", lambda a: fmt_date(a.ends_on), lambda a: a.ends_on.toordinal()),
            Column("Reason", lambda a: a.reason, tooltip=lambda a: a.reason),
            Column("Sign-offs go to", lambda a: (a.cover or NO_COVER) if self.is_supervisor(a) else "",
                   tooltip=lambda a: None if self.is_supervisor(a) else NO_QUEUE),
            Column("Cases and reminders go to", lambda a: a.cover or NO_CASELOAD_COVER),
        ], parent)
        self._grey = QBrush(QColor("#52606d"))

    def is_supervisor(self, row: AbsenceRow) -> bool:
        return row.role is not Role.OFFENDER_MANAGER  # a supervisor's or the lead's sign-off queue

    def extra(self, row: AbsenceRow, column: int, role: int) -> Any:
        if (column in (self.COL_COVER, self.COL_CASES) and row.cover is None
                and role == Qt.ItemDataRole.ForegroundRole):
            return self._grey
        return None


def _fill_covers(combo: QComboBox, people: tuple[Person, ...] | list[Person], absent_id: int | None,
                 first: str) -> None:
    """Who may cover, never the absent supervisor, keeping the choice already made."""
    current = combo_data(combo)
    combo.clear()
    combo.addItem(first, None)
    for person in people:
        if person.id != absent_id:
            combo.addItem(person.name, person.id)
    select_data(combo, current)


class NameCoverDialog(ServiceDialog):
    """The OMU lead names (or changes) who covers an absence already recorded."""

    def __init__(self, services: Services, actor: Actor, worker: Worker, prompter: Prompter,
                 absence: AbsenceRow, options: CoverOptions, parent: QWidget | None = None) -> None:
        super().__init__(services, actor, worker, prompter, title="Name cover",
                         heading=f"Cover for {absence.user}, {fmt_date(absence.starts_on)} to "
                                 f"{fmt_date(absence.ends_on)}",
                         hint="Their sign-off queue goes to this supervisor while they are away.",
                         save_text="Name cover", parent=parent)
        self.absence = absence
        self.cover = QComboBox()
        self.cover.setMinimumWidth(240)
        self.cover.setAccessibleName("Cover for the selected absence")
        _fill_covers(self.cover, options.covers, absence.user_id, "Choose a supervisor")
        if absence.cover_id is not None:
            select_data(self.cover, absence.cover_id)
        self.row("&Cover", "cover_supervisor_id", self.cover)
        self.finish()
        self.cover.setFocus()

    def submit(self) -> None:
        a, cover_id = self.absence, combo_data(self.cover)
        if cover_id is None:  # the first item only asks
            self.errors.show(ValidationFailed(FieldProblem("cover_supervisor_id", "Choose who covers.")))
            return
        self.call(name_cover, self._services, self._actor, a.user_id, cover_id, a.starts_on, a.ends_on)


class AbsenceCoverDialog(AbsenceRegisterDialog):
    """The absences now and to come, and a form to record one. It stays open after each save:
    a lead often records several in one sitting."""

    changed = Signal()

    def __init__(self, services: Services, actor: Actor, worker: Worker, prompter: Prompter,
                 parent: QWidget | None = None) -> None:
        is_lead = actor.role is Role.OMU_LEAD
        super().__init__(
            services, actor, worker, prompter, title="Absences and cover", heading="Absences and cover",
            hint="While a supervisor is away, their sign-off queue goes to the cover the OMU lead names; with "
                 "no cover it goes to the OMU lead. Only active, trained supervisors can cover."
                 + ("" if is_lead else " You can record your own absence here; the OMU lead names your cover."),
            save_text="Record absence", parent=parent)
        self.options: CoverOptions | None = None
        self.name_dialog: NameCoverDialog | None = None
        self.heading.setMinimumWidth(840)  # the layout sets the least width: the list needs room for its reasons

        # The list and, for the lead, naming cover for one of them: between the hint and the form.
        at = self.layout_.indexOf(self.errors.general)
        self.section_caption("Absences now and to come", at)
        self.model = AbsencesModel(self)
        self.table = configure_list_view(QTableView())
        self.table.setModel(self.model)
        self.table.setMinimumHeight(4 * (self.table.fontMetrics().height() + 10) + 30)
        header = self.table.horizontalHeader()
        for col in range(self.model.columnCount()):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(AbsencesModel.COL_REASON, QHeaderView.ResizeMode.Stretch)
        self.table.selectionModel().selectionChanged.connect(self._absence_selected)
        self.table_stack = ListPanel(self.table, "No absences recorded from today on.")
        self.table_stack.setMinimumHeight(60)
        self.empty = self.table_stack.empty
        self.layout_.insertWidget(at + 1, self.table_stack, 1)

        self.cover_row = QWidget()
        row = QHBoxLayout(self.cover_row)
        row.setContentsMargins(0, 0, 0, 0)
        self.cover_caption = QLabel()
        self.cover_caption.setObjectName("hint")
        row.addWidget(self.cover_caption)
        self.name_cover_button = QPushButton("Name cover...")
        self.name_cover_button.setAutoDefault(False)
        self.name_cover_button.clicked.connect(self.name_cover_for_selected)
        row.addWidget(self.name_cover_button)
        row.addStretch(1)
        self.layout_.insertWidget(at + 2, self.cover_row)
        self.cover_row.setVisible(is_lead)
        self.section_caption("Record an absence", at + 3)

        add_absence_rows(self, services, "&Who", self._fill_covers)
        self.cover = QComboBox()
        self.cover.setAccessibleName("Cover supervisor")
        if is_lead:
            self.row("&Cover", "cover_supervisor_id", self.cover)
        self.finish()
        self.saved.connect(self._recorded)
        self.setEnabled(False)  # until the people are known
        worker.submit(cover_options, services, actor, owner=self, on_success=self._options_loaded,
                      on_error=self._report)
        self.reload()

    def _options_loaded(self, options: CoverOptions) -> None:
        self.options = options
        self._absence_selected()
        self.who.blockSignals(True)
        self.who.clear()
        for person in options.absentees:
            self.who.addItem(person.name, person.id)
        self.who.blockSignals(False)
        self._fill_covers()
        self.setEnabled(True)
        self.reason.setFocus()
        self.save_button.setDefault(True)  # Enter records the absence

    def _fill_covers(self, *_args) -> None:
        _fill_covers(self.cover, self.options.covers if self.options else (), combo_data(self.who),
                     "No cover: the queue goes to the OMU lead")

    def reload(self) -> None:
        self._worker.submit(absences_from, self._services, self._actor, owner=self,
                            on_success=self._absences_arrived, on_error=self._report)

    def _absences_arrived(self, rows: list[AbsenceRow]) -> None:
        self.model.set_rows(rows)
        self.table_stack.show_rows(len(rows))
        self._absence_selected()

    def selected_absence(self) -> AbsenceRow | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None

    def _absence_selected(self, *_args) -> None:
        absence = self.selected_absence()
        self.name_cover_button.setEnabled(absence is not None)
        if absence is not None and not self.model.is_supervisor(absence):
            # An offender manager's cover is named with their absence under File > Caseload cover.
            self.name_cover_button.setEnabled(False)
            self.cover_caption.setText(
                f"Cover for {absence.user}, {fmt_date(absence.starts_on)} to {fmt_date(absence.ends_on)}: "
                + (f"cases and reminders go to {absence.cover}" if absence.cover
                   else "cases and reminders stay with them")
                + " (File > Caseload cover).")
            return
        self.cover_caption.setText(
            f"Cover for {absence.user}, {fmt_date(absence.starts_on)} to {fmt_date(absence.ends_on)}: "
            f"{absence.cover or NO_COVER}." if absence else "Select an absence above to name or change its cover.")

    def submit(self) -> None:
        if self.options is None:
            return
        cover_id = combo_data(self.cover) if self.options.can_name_cover else None
        if self.call(record_absence_and_cover, self._services, self._actor, combo_data(self.who),
                     self.starts_on.date(), self.ends_on.date(), self.reason.text(), cover_id):
            self.errors.clear()

    def _recorded(self, result: Any) -> None:
        absence, cover = result
        covered = f", covered by {self.cover.currentText()}" if cover is not None else ""
        self.done_label.setText(f"Recorded: {self.who.currentText()} away {fmt_date(absence.starts_on)} to "
                                f"{fmt_date(absence.ends_on)}{covered}.")
        self.reason.clear()
        self.ends_on.set_date(None)
        self.cover.setCurrentIndex(0)
        self.reload()
        self.changed.emit()

    def name_cover_for_selected(self) -> NameCoverDialog | None:
        absence = self.selected_absence()
        if absence is None or self.options is None or not self.model.is_supervisor(absence):
            return None
        dialog = NameCoverDialog(self._services, self._actor, self._worker, self._prompter, absence, self.options,
                                 parent=self)
        dialog.saved.connect(lambda _cover: self._cover_named(dialog.cover.currentText()))
        self.name_dialog = dialog
        dialog.open()
        return dialog

    def _cover_named(self, who: str) -> None:
        self.done_label.setText(f"Cover named: {who}.")
        self.reload()
        self.changed.emit()
