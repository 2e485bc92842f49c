"""Adding a case note, and graded intelligence, from the case log."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QComboBox, QLineEdit, QPlainTextEdit, QWidget

from rso_manager.domain.intelligence_grading import GRADES, GradingScheme
from rso_manager.domain.safeguarding_response import children_named
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
    """Test seams: text, occurred_on, the grade combos in `grades` by field name, child_concern
    and child_names; submit()."""

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
        # Intelligence about a child opens a safeguarding response (issue 19): a referral, an
        # s.327A decision and a check on each child named.
        self.child_concern = QCheckBox("This marks a concern about a child")
        self.child_concern.setToolTip("Opens a safeguarding response: a referral to children's social care, an "
                                      "s.327A disclosure decision and a check that each child named is safe")
        self.child_concern.setAccessibleName("This marks a concern about a child")
        self.child_concern.toggled.connect(self._child_concern_toggled)
        self.row("", "child_concern", self.child_concern)
        self.child_names = QLineEdit()
        self.child_names.setMaxLength(400)
        self.child_names.setPlaceholderText("The children, separated by commas, e.g. girl about 10, Amy (7)")
        self.child_names.setAccessibleName("Children the intelligence is about")
        self.row("C&hildren", "children", self.child_names)
        self._child_concern_toggled(False)
        self.finish()
        self.text.setFocus()

    def _child_concern_toggled(self, on: bool) -> None:
        self.child_names.setEnabled(on)

    def value(self) -> IntelligenceInput:
        g = {field: combo_data(combo) for field, combo in self.grades.items()}
        concern = self.child_concern.isChecked()
        return IntelligenceInput(self.text.toPlainText(), self.occurred_on.date(), **g, child_concern=concern,
                                 children=children_named(self.child_names.text()) if concern else ())

    def submit(self) -> None:
        assert self.record is not None
        self.call(add_intelligence, self._services, self._actor, self.record.offender_id, self.value())
