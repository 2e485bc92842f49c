"""Adding a case note, and graded intelligence, from the case log."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QPlainTextEdit, QWidget

from rso_manager.domain.intelligence_grading import GRADES, GradingScheme
from rso_manager.services.case_log import (
    IntelligenceInput,
    NoteInput,
    add_case_note,
    add_intelligence,
)
from rso_manager.services.caseload import OffenderRecord
from ui.kit.forms import DateField, combo_data
from ui.kit.record_dialog import RecordDialog
from ui.kit.record_page import RecordContext


def _text_box(placeholder: str) -> QPlainTextEdit:
    box = QPlainTextEdit()
    box.setTabChangesFocus(True)
    box.setFixedHeight(110)
    box.setPlaceholderText(placeholder)
    return box


class NoteDialog(RecordDialog):
    """Test seams: text, occurred_on; submit()."""

    def __init__(self, ctx: RecordContext, record: OffenderRecord | None, parent: QWidget | None = None) -> None:
        super().__init__(ctx, record, "Add a case note",
                         "What happened or was learned, in a few plain sentences. A note that turns out "
                         "to be wrong is marked as entered in error, never deleted.", save_text="Add note",
                         parent=parent)
        self.text = _text_box("e.g. Phoned to say he starts work at the depot on Monday, 6am to 2pm")
        self.row("&Note", "text", self.text)
        self.occurred_on = DateField(calendar_start=ctx.services.clock.today)
        self.occurred_on.set_date(ctx.services.clock.today())
        self.row("&Date", "occurred_on", self.occurred_on)
        self.finish()
        self.text.setFocus()

    def value(self) -> NoteInput:
        return NoteInput(self.text.toPlainText(), self.occurred_on.date())

    def submit(self) -> None:
        assert self.record is not None
        self.call(add_case_note, self._services, self._actor, self.record.offender_id, self.value())


class IntelligenceDialog(RecordDialog):
    """Test seams: text, occurred_on, the grade combos in `grades` by field name; submit()."""

    def __init__(self, ctx: RecordContext, record: OffenderRecord | None, scheme: GradingScheme,
                 parent: QWidget | None = None) -> None:
        super().__init__(ctx, record, "Add intelligence",
                         f"Intelligence received about the offender, graded under the {scheme.name} model. "
                         "It brings the next home visit forward and prompts a review of the risk.",
                         save_text="Add intelligence", parent=parent)
        self.text = _text_box("What was reported, by whom (not naming a covert source), where and when")
        self.row("&Intelligence", "text", self.text)
        self.occurred_on = DateField(calendar_start=ctx.services.clock.today)
        self.occurred_on.set_date(ctx.services.clock.today())
        self.row("&Received", "occurred_on", self.occurred_on)
        self.grades: dict[str, QComboBox] = {}
        labels = {"source_evaluation": "&Source evaluation", "intelligence_assessment": "Intelligence &assessment",
                  "handling_code": "&Handling code"}
        for field, title in GRADES:
            combo = QComboBox()
            combo.addItem("Choose...", None)
            for code, meaning in getattr(scheme, field):
                combo.addItem(f"{code}: {meaning}", code)
            combo.setToolTip(title)
            self.grades[field] = combo
            self.row(labels.get(field, title), field, combo)
        self.finish()
        self.text.setFocus()

    def value(self) -> IntelligenceInput:
        g = {field: combo_data(combo) for field, combo in self.grades.items()}
        return IntelligenceInput(self.text.toPlainText(), self.occurred_on.date(), **g)

    def submit(self) -> None:
        assert self.record is not None
        self.call(add_intelligence, self._services, self._actor, self.record.offender_id, self.value())
