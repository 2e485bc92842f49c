"""File > Caseload cover: an offender manager's absence and the officer, in their team or another,
who covers their cases meanwhile (their reminders go to that officer, who can record on them).
The team's supervisor names it for their team, the OMU lead for any team."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QLabel, QWidget

from rso_manager.services.caseload_cover import (
    CaseloadCover,
    CaseloadCoverChoices,
    caseload_cover_choices,
    caseload_covers,
    record_caseload_cover,
)
from rso_manager.services.unit_of_work import Actor, Services
from ui.kit.formatting import fmt_date
from ui.kit.forms import combo_data, select_data
from ui.prompter import Prompter
from ui.worker import Worker
from ui.workflows.supervision.absence_fields import AbsenceRegisterDialog, add_absence_rows


def cover_line(c: CaseloadCover) -> str:
    until = f"to {fmt_date(c.ends_on)}" if c.ends_on else "until further notice"
    return f"{c.user}, {fmt_date(c.starts_on)} {until}: covered by {c.cover_user}" + (
        f" ({c.reason})" if c.reason else "")


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
        self.current = QLabel("Reading...")
        self.current.setWordWrap(True)
        self.current.setTextFormat(Qt.TextFormat.PlainText)
        self.layout_.insertWidget(at + 1, self.current)
        self.section_caption("Record an absence and its cover", at + 2)

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
        self.current.setText("\n".join(cover_line(c) for c in covers) if covers
                             else "No offender manager's cover recorded from today on.")
        self.fit()

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
