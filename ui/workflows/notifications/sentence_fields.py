"""The sentence as the court passed it, in the conviction and sentence dialogs: the disposal,
and the terms (years, months, weeks, days, and how each runs with the one above) or the
discharge length it needs, shown only when it needs them."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QSpinBox, QVBoxLayout, QWidget

from rso_manager.domain.notification_period import (
    TERM_DISPOSALS,
    DisposalKind,
    Duration,
    SentenceTerm,
    TermRuns,
)
from rso_manager.services.errors import FieldProblem, ValidationFailed
from ui.kit.forms import select_data
from ui.workflows.notifications.dialog_frame import NotificationDialog, choices, months, months_box
from ui.workflows.notifications.wording import DISPOSAL_LABELS

RUNS_LABELS = {
    TermRuns.CONSECUTIVE: "Consecutive to the term above",
    TermRuns.CONCURRENT: "Concurrent with the term above",
    TermRuns.PARTLY_CONCURRENT: "Partly concurrent: overlapping the term above by",
}


class _DurationBox(QWidget):
    """Years, months, weeks and days, as the court states a term."""

    UNITS = (("years", 0, 99), ("months", 0, 1200), ("weeks", 0, 5200), ("days", 0, 36500))

    def __init__(self, what: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        self.boxes: dict[str, QSpinBox] = {}
        for unit, low, high in self.UNITS:
            box = QSpinBox()
            box.setRange(low, high)
            box.setSuffix(f" {unit}")
            box.setAccessibleName(f"{what}: {unit}")
            box.setMinimumWidth(92)
            layout.addWidget(box)
            self.boxes[unit] = box
        layout.addStretch(1)
        self.setFocusProxy(self.boxes["years"])

    def value(self) -> Duration:
        return Duration(*(self.boxes[u].value() for u, _low, _high in self.UNITS))

    def set_value(self, d: Duration) -> None:
        for unit, _low, _high in self.UNITS:
            self.boxes[unit].setValue(getattr(d, unit))


class _TermRow(QWidget):
    def __init__(self, editor: _TermsEditor, first: bool) -> None:
        super().__init__(editor)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 4)
        layout.setSpacing(2)
        top = QHBoxLayout()
        self.length = _DurationBox("Term")
        top.addWidget(self.length, 1)
        self.remove = QPushButton("Remove")
        self.remove.setVisible(not first)
        self.remove.clicked.connect(lambda: editor.remove(self))
        top.addWidget(self.remove)
        layout.addLayout(top)
        bottom = QHBoxLayout()
        self.runs = choices(RUNS_LABELS)
        self.runs.setAccessibleName("How this term runs with the one above")
        self.overlap = _DurationBox("Overlap")
        bottom.addWidget(self.runs)
        bottom.addWidget(self.overlap, 1)
        self.runs_row = QWidget()
        self.runs_row.setLayout(bottom)
        self.runs_row.setVisible(not first)
        layout.addWidget(self.runs_row)
        self.runs.currentIndexChanged.connect(self._runs_changed)
        self._runs_changed()

    def _runs_changed(self, *_args: object) -> None:
        self.overlap.setVisible(self.runs.currentData() == TermRuns.PARTLY_CONCURRENT.value)

    def term(self) -> SentenceTerm:
        runs = TermRuns(self.runs.currentData())
        return SentenceTerm(self.length.value(), runs,
                            self.overlap.value() if runs is TermRuns.PARTLY_CONCURRENT else Duration())


class _TermsEditor(QWidget):
    """The terms for the Schedule 3 offences, each in years, months, weeks and days, and how
    each runs with the one above; the service counts them as one term (s.82(3)-(4))."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.layout_ = QVBoxLayout(self)
        self.layout_.setContentsMargins(0, 0, 0, 0)
        self.rows: list[_TermRow] = []
        self.add_button = QPushButton("Add another term")
        self.add_button.setToolTip("A further term for another Schedule 3 offence, consecutive, concurrent or "
                                   "partly concurrent")
        self.add_button.clicked.connect(lambda: self.add())
        self.layout_.addWidget(self.add_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.add()
        self.setFocusProxy(self.rows[0].length)

    def add(self, term: SentenceTerm | None = None) -> _TermRow:
        row = _TermRow(self, first=not self.rows)
        if term is not None:
            row.length.set_value(term.length)
            select_data(row.runs, term.runs.value)
            row.overlap.set_value(term.overlap)
        self.rows.append(row)
        self.layout_.insertWidget(len(self.rows) - 1, row)
        row.show()  # a row added once the dialog is showing is not shown with it
        self.changed.emit()
        return row

    def remove(self, row: _TermRow) -> None:
        self.rows.remove(row)
        row.hide()
        row.deleteLater()
        self.changed.emit()

    def terms(self) -> tuple[SentenceTerm, ...]:
        """Every term typed; an empty first term alone means nothing entered."""
        terms = tuple(r.term() for r in self.rows)
        return () if len(terms) == 1 and terms[0].length.is_zero else terms

    def set_terms(self, terms: Sequence[SentenceTerm]) -> None:
        for row in self.rows[1:]:
            self.remove(row)
        if terms:
            self.rows[0].length.set_value(terms[0].length)
        for t in terms[1:]:
            self.add(t)


class DisposalRows:
    """Disposal with the term or discharge length it needs, shown only when it needs them."""

    def __init__(self, dialog: NotificationDialog, *, allow_unsentenced: bool) -> None:
        self.dialog = dialog
        self.disposal = choices(DISPOSAL_LABELS, "Not yet sentenced" if allow_unsentenced else "Choose...")
        dialog.row("&Disposal", "disposal", self.disposal)
        self.terms = _TermsEditor()
        self.terms.setToolTip("The term for each Schedule 3 offence as the court passed it; for a detention and "
                              "training order, the whole order. Consecutive terms add, concurrent ones count the "
                              "longest, partly concurrent ones add less the overlap (s.82(3)-(4)).")
        self.terms.changed.connect(lambda: dialog.fit() if dialog.isVisible() else None)
        dialog.row("&Term", "sentence_terms", self.terms)
        self.discharge_months = months_box("Conditional discharge in months")
        dialog.row("Discharge &length", "discharge_months", self.discharge_months)
        self.disposal.currentIndexChanged.connect(self.update)
        self.update()

    def value(self) -> str | None:
        return self.disposal.currentData()

    def update(self, *_args: object) -> None:
        code = self.value()
        kind = DisposalKind(code) if code else None
        self.dialog.set_row_visible(self.terms, kind in TERM_DISPOSALS)
        self.dialog.set_row_visible(self.discharge_months, kind is DisposalKind.CONDITIONAL_DISCHARGE)

    def values(self) -> tuple[tuple[SentenceTerm, ...], int | None]:
        """(the terms, the discharge length), each only where the disposal needs it."""
        code = self.value()
        kind = DisposalKind(code) if code else None
        return (self.terms.terms() if kind in TERM_DISPOSALS else (),
                months(self.discharge_months) if kind is DisposalKind.CONDITIONAL_DISCHARGE else None)

    @staticmethod
    def fold(exc: BaseException) -> BaseException:
        """A problem with one term (sentence_terms[1].overlap) goes under the terms, numbered."""
        if not isinstance(exc, ValidationFailed):
            return exc
        problems = []
        for p in exc.problems:
            if p.field.startswith("sentence_terms["):
                index = int(p.field[len("sentence_terms["):].split("]")[0])
                p = FieldProblem("sentence_terms", f"Term {index + 1}: {p.message}")
            problems.append(p)
        return ValidationFailed(problems)
