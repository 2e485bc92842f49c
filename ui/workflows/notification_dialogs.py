"""Dialogs of the notifications workflow (SOA 2003 Part 2): convictions and sentences, custody,
hospital and time abroad, notifiable events, stays, taking a notification at a station, and
the administrator's list of designated police stations.

Every dialog is shown with open(), calls its service on the worker and shows ValidationFailed
beside the field it names, keeping everything typed. The rules (due dates, what s.87 allows,
what a sentence means for the requirement) are the services'; these only collect and show.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QSizePolicy,
    QSpinBox,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from rso_manager.domain.notification_period import (
    TERM_DISPOSALS,
    DisposalKind,
    Duration,
    SentenceTerm,
    TermRuns,
)
from rso_manager.services import notifications as nt
from rso_manager.services.caseload import OffenderRecord
from rso_manager.services.errors import FieldProblem, ValidationFailed
from rso_manager.services.unit_of_work import Actor, Services
from ui.apology import apologise
from ui.kit.formatting import fmt_date
from ui.kit.forms import (
    DateField,
    DateTimeField,
    FieldErrors,
    add_row,
    report_failure,
    typed_problems,
)
from ui.kit.tables import Column, RowsModel
from ui.prompter import Prompter
from ui.worker import Worker

# --- display labels (words only: the codes and what they mean are the services') ---------------

CONVICTION_KIND_LABELS = {
    "conviction": "Conviction",
    "finding": "Finding (not guilty by insanity, or under a disability)",
    "caution": "Caution",
}
SOURCE_LABELS = {
    "court_list": "Court list",
    "custody_record": "Custody record",
    "certificate": "Certificate (s.92)",
}
DISPOSAL_LABELS = {
    DisposalKind.IMPRISONMENT: "Imprisonment (enter the term)",
    DisposalKind.LIFE: "Life imprisonment",
    DisposalKind.IPP: "Imprisonment for public protection (IPP)",
    DisposalKind.HOSPITAL_ORDER_RESTRICTED: "Hospital order with a restriction order",
    DisposalKind.HOSPITAL_ORDER: "Hospital order without restriction",
    DisposalKind.DTO: "Detention and training order (enter the whole order)",
    DisposalKind.CONDITIONAL_DISCHARGE: "Conditional discharge (enter its length)",
    DisposalKind.CAUTION: "Caution",
    DisposalKind.OTHER: "Other: fine, community order, etc.",
}
PERIOD_LABELS = {"custody": "Custody", "hospital": "Detention in hospital", "abroad": "Time abroad"}
METHOD_LABELS = {
    nt.IN_PERSON: "In person at a designated police station",
    "home_visit": "At home, during a home visit",
    "telephone": "By telephone",
    "other": "Some other way",
}
EVENT_LABELS = {
    "change_address": "Change of home address",
    "change_name": "Change of name",
    "no_fixed_abode": "No fixed abode (no sole or main residence)",
    "household": "Stay of 12 hours or more in a household with a child",
    "travel": "Foreign travel",
    "financial": "New bank, card or passport/ID details",
    "did_not_occur": "A change given in advance did not happen",
}
EVENT_DATE_CAPTIONS = {
    "change_address": "Moved in &on",
    "change_name": "Name used &from",
    "no_fixed_abode": "No fixed abode &from",
    "household": "Stay begins &on",
    "travel": "&Departure date",
    "financial": "Details changed &on",
    "did_not_occur": "Date given in the &advance notice",
}


def disposal_text(code: str | None) -> str:
    if not code:
        return "Not yet sentenced"
    try:
        return DISPOSAL_LABELS[DisposalKind(code)].split(" (enter")[0]
    except ValueError:
        return code


def _months_box(what: str) -> QSpinBox:
    box = QSpinBox()
    box.setRange(0, 1200)
    box.setSuffix(" months")
    box.setSpecialValueText("Not entered")
    box.setAccessibleName(what)
    box.setMinimumWidth(160)
    box.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
    return box


def _months(box: QSpinBox) -> int | None:
    return box.value() or None


def _combo(items: dict[Any, str], placeholder: str | None = None) -> QComboBox:
    combo = QComboBox()
    if placeholder is not None:
        combo.addItem(placeholder, None)
    for value, text in items.items():
        combo.addItem(text, value.value if hasattr(value, "value") else value)
    return combo


def _select(combo: QComboBox, value: Any) -> None:
    index = combo.findData(value)
    if index >= 0:
        combo.setCurrentIndex(index)


# --- the common frame ---------------------------------------------------------------------------


class ServiceDialog(QDialog):
    """Heading, hint, a form whose fields show the service's problems, and Save/Cancel.

    Subclasses build rows with self.row(), then call self.finish(); submit() calls
    self.call(service_fn, ...). On success `saved` carries the service's result.
    """

    saved = Signal(object)

    def __init__(self, services: Services, actor: Actor, worker: Worker, prompter: Prompter,
                 record: OffenderRecord | None, title: str, hint: str, *, save_text: str = "Save",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services, self._actor, self._worker, self._prompter = services, actor, worker, prompter
        self.record = record
        self.setWindowTitle(title)
        self.setMinimumWidth(600)
        self.layout_ = QVBoxLayout(self)
        heading = QLabel(f"{title}: {record.name} ({record.reference})" if record else title)
        heading.setObjectName("dialogHeading")
        heading.setTextFormat(Qt.TextFormat.PlainText)
        heading.setWordWrap(True)
        self.layout_.addWidget(heading)
        if hint:
            note = QLabel(hint)
            note.setObjectName("hint")
            note.setWordWrap(True)
            self.layout_.addWidget(note)
        self.errors = FieldErrors()
        self.layout_.addWidget(self.errors.general)
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.layout_.addLayout(self.form)
        self.captions: dict[str, str] = {}
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.save_button = self.buttons.addButton(save_text, QDialogButtonBox.ButtonRole.AcceptRole)
        self.save_button.setDefault(True)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)

    def row(self, caption: str, name: str, widget: QWidget) -> QWidget:
        add_row(self.form, caption, self.errors, name, widget)
        self.captions[name] = caption.replace("&", "")
        return widget

    def address_rows(self) -> None:
        """The address fields (line1, town, postcode), named as the services name them."""
        self.line1 = QLineEdit()
        self.line1.setMaxLength(200)
        self.line1.setPlaceholderText("House number and street")
        self.row("&Address", "line1", self.line1)
        self.town = QLineEdit()
        self.town.setMaxLength(100)
        self.row("&Town", "town", self.town)
        self.postcode = QLineEdit()
        self.postcode.setMaxLength(10)
        self.postcode.setPlaceholderText("e.g. NM1 2AB")
        self.row("P&ostcode", "postcode", self.postcode)

    def set_row_visible(self, widget: QWidget, visible: bool) -> None:
        """Show or hide the form row holding WIDGET (its container, with the error line)."""
        container = widget.parentWidget()
        if container is not None:
            self.form.setRowVisible(container, visible)

    def finish(self) -> None:
        self.layout_.addWidget(self.buttons)

    def fit(self, *, shrink: bool = False) -> None:
        """Grow (or, when rows were hidden, shrink) to the layout's needs: error lines appear
        after the dialog is shown, and a cramped row would overlap its neighbours."""
        self.layout_.activate()
        hint = self.sizeHint()
        height = hint.height() if shrink else max(self.height(), hint.height())
        self.resize(max(self.width(), hint.width()), height)

    def call(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
        if not self.save_button.isEnabled():
            return
        self.save_button.setEnabled(False)
        self._worker.submit(fn, *args, owner=self, on_success=self._succeeded, on_error=self._failed, **kwargs)

    def _succeeded(self, result: object) -> None:
        self.save_button.setEnabled(True)
        self.saved.emit(result)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.save_button.setEnabled(True)
        report_failure(self._prompter, exc, title="Not saved", errors=self.errors)
        if isinstance(exc, ValidationFailed) and not self.errors.general.isVisibleTo(self):
            named = [self.captions[p.field] for p in exc.problems if p.field in self.captions]
            if named:
                self.errors.show_general("Nothing was saved. Check " + ", ".join(dict.fromkeys(named))
                                         + ": the reason is shown under it.")
        self.fit()

    def submit(self) -> None:
        raise NotImplementedError


# --- convictions ---------------------------------------------------------------------------------


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
        self.runs = _combo(RUNS_LABELS)
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
            _select(row.runs, term.runs.value)
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


class _DisposalRows:
    """Disposal with the term or discharge length it needs, shown only when it needs them."""

    def __init__(self, dialog: ServiceDialog, *, allow_unsentenced: bool) -> None:
        self.dialog = dialog
        self.disposal = _combo(DISPOSAL_LABELS, "Not yet sentenced" if allow_unsentenced else "Choose...")
        dialog.row("&Disposal", "disposal", self.disposal)
        self.terms = _TermsEditor()
        self.terms.setToolTip("The term for each Schedule 3 offence as the court passed it; for a detention and "
                              "training order, the whole order. Consecutive terms add, concurrent ones count the "
                              "longest, partly concurrent ones add less the overlap (s.82(3)-(4)).")
        self.terms.changed.connect(lambda: dialog.fit() if dialog.isVisible() else None)
        dialog.row("&Term", "sentence_terms", self.terms)
        self.discharge_months = _months_box("Conditional discharge in months")
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
                _months(self.discharge_months) if kind is DisposalKind.CONDITIONAL_DISCHARGE else None)

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


class ConvictionDialog(ServiceDialog):
    """Record a conviction, finding or caution as learned from the court list, a custody record
    or a s.92 certificate; the service works out the notification requirement."""

    def __init__(self, services: Services, actor: Actor, worker: Worker, prompter: Prompter,
                 record: OffenderRecord, parent: QWidget | None = None) -> None:
        super().__init__(services, actor, worker, prompter, record, "Record a conviction, finding or caution",
                         "A Schedule 3 offence makes a relevant offender (s.80): the notification "
                         "requirement and the initial notification, due within 3 days, are worked out "
                         "from what you enter here. A threshold offence waits for the sentence.",
                         parent=parent)
        self.kind = self.row("&Kind", "kind", _combo(CONVICTION_KIND_LABELS))
        self.convicted_on = self.row("Date of c&onviction", "convicted_on",
                                     DateField(calendar_start=services.clock.today))
        self.offence = QLineEdit()
        self.offence.setMaxLength(300)
        self.offence.setPlaceholderText("e.g. Sexual assault (s.3 SOA 2003)")
        self.row("O&ffence", "offence", self.offence)
        self.court = QLineEdit()
        self.court.setMaxLength(200)
        self.court.setPlaceholderText("e.g. Northam Crown Court (for a caution, the station)")
        self.row("&Court", "court", self.court)
        self.schedule3 = QCheckBox("Schedule 3 offence: the offender must notify (s.80)")
        self.schedule3.setChecked(True)
        self.row("Schedule &3", "schedule3", self.schedule3)
        self.threshold = QCheckBox("Only if the sentence meets the Schedule 3 threshold")
        self.threshold.setToolTip("Some Schedule 3 entries apply only above a sentence or age threshold; "
                                  "the requirement then shows \"depends on sentence\" until it is entered.")
        self.row("T&hreshold", "threshold_depends_on_sentence", self.threshold)
        self.disposal = _DisposalRows(self, allow_unsentenced=True)
        self.source = self.row("Lea&rned from", "source", _combo(SOURCE_LABELS, "Choose..."))
        self.learned_on = self.row("Learned o&n", "learned_on", DateField(calendar_start=services.clock.today))
        self.learned_on.set_date(services.clock.today())
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.finish()
        self.convicted_on.setFocus()

    def _kind_changed(self, *_args: object) -> None:
        caution = self.kind.currentData() == "caution"
        if caution and self.disposal.value() is None:
            _select(self.disposal.disposal, DisposalKind.CAUTION.value)
        elif not caution and self.disposal.value() == DisposalKind.CAUTION.value:
            self.disposal.disposal.setCurrentIndex(0)

    def submit(self) -> None:
        terms, discharge = self.disposal.values()
        data = nt.ConvictionInput(
            kind=self.kind.currentData(), court=self.court.text(), convicted_on=self.convicted_on.date(),
            offence=self.offence.text(), schedule3=self.schedule3.isChecked(),
            threshold_depends_on_sentence=self.threshold.isChecked(), disposal=self.disposal.value(),
            sentence_terms=terms, discharge_months=discharge, source=self.source.currentData(),
            learned_on=self.learned_on.date())
        self.call(nt.record_conviction, self._services, self._actor, self.record.offender_id, data)

    def _failed(self, exc: BaseException) -> None:
        super()._failed(_DisposalRows.fold(exc))


class SentenceDialog(ServiceDialog):
    """Enter (or correct) the sentence of one conviction: a correction, with its source."""

    def __init__(self, services: Services, actor: Actor, worker: Worker, prompter: Prompter,
                 record: OffenderRecord, conviction: nt.ConvictionView, parent: QWidget | None = None) -> None:
        title = "Correct the sentence" if conviction.disposal else "Enter the sentence"
        super().__init__(services, actor, worker, prompter, record, title,
                         f"{conviction.offence}, {CONVICTION_KIND_LABELS.get(conviction.kind, conviction.kind).lower()} "
                         f"of {fmt_date(conviction.convicted_on)}"
                         + (f" at {conviction.court}" if conviction.court else "")
                         + ". The notification requirement is worked out again from the sentence; "
                         "what the record said before is kept in History.", parent=parent)
        self.conviction = conviction
        self.disposal = _DisposalRows(self, allow_unsentenced=False)
        if conviction.disposal:
            _select(self.disposal.disposal, conviction.disposal)
            self.disposal.terms.set_terms(conviction.sentence_terms)
            self.disposal.discharge_months.setValue(conviction.discharge_months or 0)
        self.sentenced_on = self.row("&Sentenced on", "sentenced_on", DateField(calendar_start=services.clock.today))
        self.sentenced_on.set_date(conviction.sentenced_on or services.clock.today())
        self.reason = QPlainTextEdit()
        self.reason.setTabChangesFocus(True)
        self.reason.setFixedHeight(70)
        self.reason.setPlaceholderText("Where the sentence comes from, e.g. \"Court result, Northam Crown "
                                       "Court, 02/12/2026\"")
        self.row("&Reason", "reason", self.reason)
        self.finish()
        self.disposal.disposal.setFocus()

    def submit(self) -> None:
        terms, discharge = self.disposal.values()
        c = self.conviction
        self.call(nt.enter_sentence, self._services, self._actor, c.conviction_id, c.version_id,
                  self.disposal.value(), None, discharge, self.reason.toPlainText(),
                  sentenced_on=self.sentenced_on.date(), sentence_terms=terms)

    def _failed(self, exc: BaseException) -> None:
        super()._failed(_DisposalRows.fold(exc))


class PeriodDialog(ServiceDialog):
    """Custody, hospital detention or time abroad: days that do not count (s.83(6), s.84(5))."""

    def __init__(self, services: Services, actor: Actor, worker: Worker, prompter: Prompter,
                 record: OffenderRecord, parent: QWidget | None = None) -> None:
        super().__init__(services, actor, worker, prompter, record, "Record custody, hospital or time abroad",
                         "Days in custody, in hospital or abroad do not count towards notification "
                         "deadlines. Leave the end empty while it continues, and record the release or "
                         "return when it happens: release is itself notifiable (s.84(1)(d)).", parent=parent)
        self.kind = self.row("&Kind", "kind", _combo(PERIOD_LABELS))
        self.starts_on = self.row("&From", "starts_on", DateField(calendar_start=services.clock.today))
        self.ends_on = self.row("&Until (release or return)", "ends_on", DateField(calendar_start=services.clock.today))
        self.ends_on.edit.setPlaceholderText("Empty while it continues")
        self.finish()
        self.starts_on.setFocus()

    def submit(self) -> None:
        self.call(nt.record_disregarded_period, self._services, self._actor, self.record.offender_id,
                  self.kind.currentData(), self.starts_on.date(), self.ends_on.date())


class ReleaseDialog(ServiceDialog):
    """End an open custody, hospital or abroad period: release or return."""

    def __init__(self, services: Services, actor: Actor, worker: Worker, prompter: Prompter,
                 record: OffenderRecord, periods: Sequence[nt.PeriodView], parent: QWidget | None = None) -> None:
        super().__init__(services, actor, worker, prompter, record, "Record release or return",
                         "A release from custody or hospital is a change to notify within 3 days "
                         "(s.84(1)(d)); it also brings the next home visit forward.", parent=parent)
        self.period = QComboBox()
        for p in periods:
            self.period.addItem(f"{PERIOD_LABELS.get(p.kind, p.kind)} from {fmt_date(p.starts_on)}", p)
        self.row("&Period", "period_id", self.period)
        self.ends_on = self.row("&Released or returned on", "ends_on", DateField(calendar_start=services.clock.today))
        self.ends_on.set_date(services.clock.today())
        self.finish()
        self.ends_on.setFocus()

    def submit(self) -> None:
        p: nt.PeriodView | None = self.period.currentData()
        if p is None:
            self.errors.show_general("There is no custody, hospital or abroad period still open.")
            return
        self.call(nt.end_disregarded_period, self._services, self._actor, p.period_id, p.version_id,
                  self.ends_on.date())


# --- events and stays ----------------------------------------------------------------------------


class EventDialog(ServiceDialog):
    """Something the offender must notify: the service creates the pending notification and
    its due date."""

    def __init__(self, services: Services, actor: Actor, worker: Worker, prompter: Prompter,
                 record: OffenderRecord, parent: QWidget | None = None) -> None:
        super().__init__(services, actor, worker, prompter, record, "Record an event to be notified",
                         "The notification it calls for is added to \"Due and overdue\" with its due date.",
                         parent=parent)
        self.kind = self.row("&What happened", "kind", _combo(EVENT_LABELS))
        self.event_on = self.row(EVENT_DATE_CAPTIONS["change_address"], "event_on",
                                 DateField(calendar_start=services.clock.today))
        self.date_caption = self.form.labelForField(self.event_on.parentWidget())

        def line(caption: str, name: str, placeholder: str = "", length: int = 200) -> QLineEdit:
            edit = QLineEdit()
            edit.setMaxLength(length)
            edit.setPlaceholderText(placeholder)
            return self.row(caption, name, edit)

        self.name = line("New &name", "name", "Full name now used")
        self.line1 = line("&Address", "line1", "House number and street")
        self.town = line("&Town", "town", length=100)
        self.postcode = line("&Postcode", "postcode", "e.g. NM1 2AB", 10)
        self.found_at = line("Can be &found at", "found_at", "Where they can regularly be found")
        self.household = line("Household &address", "address", "Address of the household")
        self.hours = QSpinBox()
        self.hours.setRange(0, 24 * 365)
        self.hours.setSuffix(" hours")
        self.hours.setSpecialValueText("Not entered")
        self.hours.setMinimumWidth(160)
        self.hours.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.row("&Length of stay", "hours", self.hours)
        self.child = QCheckBox("A child under 18 lives or stays there")
        self.child.setChecked(True)
        self.row("&Child", "child_under_18", self.child)
        self.safeguarding = QLabel("Recording this opens a safeguarding task: decide whether to refer to "
                                   "children's social care.")
        self.safeguarding.setObjectName("rules")
        self.safeguarding.setWordWrap(True)
        self.form.addRow("", self.safeguarding)
        self.destination = line("&Destination", "destination", "Countries and points of arrival")
        self.return_on = self.row("&Returning on", "return_on", DateField(calendar_start=services.clock.today))
        self.what = line("&Details", "what", "e.g. new current account; new passport")
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self._kind_changed()
        self.finish()
        self.kind.setFocus()

    def _kind_changed(self, *_args: object) -> None:
        kind = self.kind.currentData()
        if isinstance(self.date_caption, QLabel):
            self.date_caption.setText(EVENT_DATE_CAPTIONS.get(kind, "&Date"))
            self.captions["event_on"] = self.date_caption.text().replace("&", "")
        shown = {
            "change_name": (self.name,), "change_address": (self.line1, self.town, self.postcode),
            "no_fixed_abode": (self.found_at,), "household": (self.household, self.hours, self.child),
            "travel": (self.destination, self.return_on), "financial": (self.what,),
        }.get(kind, ())
        for widget in (self.name, self.line1, self.town, self.postcode, self.found_at, self.household,
                       self.hours, self.child, self.destination, self.return_on, self.what):
            self.set_row_visible(widget, widget in shown)
        self.form.setRowVisible(self.safeguarding, kind == "household")
        self.fit(shrink=True)

    def details(self) -> dict[str, Any]:
        kind = self.kind.currentData()
        if kind == "change_name":
            return {"name": self.name.text()}
        if kind == "change_address":
            return {"line1": self.line1.text(), "town": self.town.text(), "postcode": self.postcode.text()}
        if kind == "no_fixed_abode":
            return {"found_at": self.found_at.text()}
        if kind == "household":
            return {"address": self.household.text(), "hours": self.hours.value(),
                    "child_under_18": self.child.isChecked()}
        if kind == "travel":
            back = self.return_on.date()
            return {"destination": self.destination.text(), "return_on": back.isoformat() if back else None}
        if kind == "financial":
            return {"what": self.what.text()}
        return {}

    def submit(self) -> None:
        self.call(nt.record_event, self._services, self._actor, self.record.offender_id,
                  self.kind.currentData(), self.event_on.date(), self.details())


NEW_ADDRESS = -1


class StayDialog(ServiceDialog):
    """A stay at premises not notified: 7 days in any 12 months makes a change to notify."""

    def __init__(self, services: Services, actor: Actor, worker: Worker, prompter: Prompter,
                 record: OffenderRecord, counters: Sequence[nt.QualifyingCounter],
                 parent: QWidget | None = None) -> None:
        super().__init__(services, actor, worker, prompter, record, "Record a stay at other premises",
                         "Stays at an address the offender has not notified are counted: 7 days in any "
                         "12 months is a qualifying period, and the address must then be notified within "
                         "3 days (s.84(1)(c), s.84(6)).", parent=parent)
        self.address = QComboBox()
        for c in counters:
            self.address.addItem(f"{c.address} ({c.days_in_last_12_months} days so far)", c.address_id)
        self.address.addItem("A new address (type it below)", NEW_ADDRESS)
        self.row("&Premises", "address_id", self.address)
        self.address_rows()
        self.starts_on = self.row("&First day", "starts_on", DateField(calendar_start=services.clock.today))
        self.ends_on = self.row("&Last day", "ends_on", DateField(calendar_start=services.clock.today))
        self.address.currentIndexChanged.connect(self._address_changed)
        self._address_changed()
        self.finish()
        self.address.setFocus()

    def _address_changed(self, *_args: object) -> None:
        new = self.address.currentData() == NEW_ADDRESS
        for widget in (self.line1, self.town, self.postcode):
            self.set_row_visible(widget, new)
        if self.isVisible():
            self.fit(shrink=True)

    def submit(self) -> None:
        address_id = self.address.currentData()
        kw: dict[str, Any] = {"address_id": address_id} if address_id != NEW_ADDRESS else {
            "line1": self.line1.text(), "town": self.town.text(), "postcode": self.postcode.text()}
        self.call(nt.record_stay, self._services, self._actor, self.record.offender_id,
                  self.starts_on.date(), self.ends_on.date(), **kw)


# --- taking a notification -------------------------------------------------------------------------


OTHER_ITEM = -1
S87_FIELDS = ("method", "station_id", "in_person")


def plural(n: int, word: str) -> str:
    return f"{n} {word}{'s' * (n != 1)}"


def pending_status(p: nt.PendingNotification) -> str:
    if p.due_on is None:
        return "Paused (custody, hospital or abroad)"
    if p.overdue:
        return f"OVERDUE {plural(p.days_overdue, 'day')}"
    return "Due soon" if p.due_soon else "Due"


class _YesRefused(QWidget):
    """Taken / Refused, as s.87(4) asks; a refusal is recorded as False."""

    def __init__(self, what: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.taken = QRadioButton("Taken")
        self.refused = QRadioButton("Refused")
        self.taken.setAccessibleName(f"{what} taken")
        self.refused.setAccessibleName(f"{what} refused")
        self.group = QButtonGroup(self)
        self.group.addButton(self.taken)
        self.group.addButton(self.refused)
        self.taken.setChecked(True)
        layout.addWidget(self.taken)
        layout.addWidget(self.refused)
        layout.addStretch(1)
        self.setFocusProxy(self.taken)

    def value(self) -> bool | None:
        return True if self.taken.isChecked() else (False if self.refused.isChecked() else None)


class TakeNotificationDialog(ServiceDialog):
    """The offender attends and notifies (s.87): which items, where, how, and biometrics.

    A notification taken at home, by phone or at a station not on the force's list is refused by
    the service; its s.87 message is shown beside the field, prominently, and nothing typed is
    lost. `taken` carries the TakenNotification and whether to print the acknowledgement.
    """

    taken = Signal(object, bool)

    def __init__(self, services: Services, actor: Actor, worker: Worker, prompter: Prompter,
                 record: OffenderRecord, pending: Sequence[nt.PendingNotification],
                 stations: Sequence[nt.StationView], parent: QWidget | None = None) -> None:
        super().__init__(services, actor, worker, prompter, record, "Take a notification",
                         "The offender must notify in person at a police station on the force's "
                         "designated list (s.87(1)). Tick what is being notified today.",
                         save_text="Record notification", parent=parent)
        self.setMinimumWidth(720)
        self.setStyleSheet("QLabel#s87Error { color: #8c1d18; background: #fdecea; border: 1px solid #b3261e;"
                           " border-radius: 4px; padding: 6px 8px; font-size: 10pt; font-weight: 600; }")
        self._pending = {p.notification_id: p for p in pending}
        self.pending = QTreeWidget()
        self.pending.setAccessibleName("Notifications being given")
        self.pending.setColumnCount(3)
        self.pending.setHeaderLabels(["Notification", "Due by", "Status"])
        self.pending.setRootIsDecorated(False)
        self.pending.setUniformRowHeights(True)
        self.pending.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.pending.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        header = self.pending.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        due_now = [p for p in pending if p.overdue or p.due_soon]
        red = QBrush(QColor("#b3261e"))
        for p in pending:
            item = QTreeWidgetItem([p.label, fmt_date(p.due_on, "After release"), pending_status(p)])
            item.setData(0, Qt.ItemDataRole.UserRole, p.notification_id)
            item.setToolTip(0, p.label)
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(0, Qt.CheckState.Checked if p in due_now or (not due_now and p is pending[0])
                               else Qt.CheckState.Unchecked)
            if p.overdue:
                for col in (1, 2):
                    item.setForeground(col, red)
            self.pending.addTopLevelItem(item)
        other = QTreeWidgetItem(["Something not listed here", "", ""])
        other.setToolTip(0, "A change nobody has recorded yet, or a notification given early")
        other.setData(0, Qt.ItemDataRole.UserRole, OTHER_ITEM)
        other.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
        other.setCheckState(0, Qt.CheckState.Unchecked if pending else Qt.CheckState.Checked)
        self.pending.addTopLevelItem(other)
        rows = min(self.pending.topLevelItemCount(), 7)
        row_height = self.pending.fontMetrics().lineSpacing() + 3
        self.pending.setFixedHeight(rows * row_height + self.pending.header().sizeHint().height()
                                    + 2 * self.pending.frameWidth() + 4)
        self.row("&Notifying", "pending_ids", self.pending)
        self.kind = _combo({k: v for k, v in nt.LABELS.items() if k != "did_not_occur"})
        self.row("&Which", "kind", self.kind)
        self.event_on = self.row("&Event date", "event_on", DateField(calendar_start=services.clock.today))
        # A change of home nobody had recorded: the new address, as the event would have given it.
        self.no_fixed_abode = QCheckBox("No fixed abode (no sole or main residence)")
        self.row("New &home", "no_fixed_abode", self.no_fixed_abode)
        self.address_rows()
        self.kind.currentIndexChanged.connect(lambda _i: self._items_changed())
        self.no_fixed_abode.toggled.connect(lambda _on: self._items_changed())
        self.pending.itemChanged.connect(self._items_changed)
        self.notified_at = DateTimeField(calendar_start=services.clock.today)
        self.notified_at.set_value(services.clock.now())
        self.notified_at.setToolTip("When the offender attended. Change it only for a notification typed in "
                                    "after it was made: lateness is judged on this date.")
        self.row("&Notified at", "notified_at", self.notified_at)

        self.method = self.row("&How given", "method", _combo(METHOD_LABELS))
        self.station = QComboBox()
        model = QStandardItemModel(self.station)
        for st in stations:
            item = QStandardItem(st.name if st.designated else f"{st.name}: not designated")
            item.setData(st.station_id, Qt.ItemDataRole.UserRole)
            item.setData(st.code, Qt.ItemDataRole.ToolTipRole)
            if not st.designated:
                item.setEnabled(False)
                item.setToolTip("Not on the force's designated list (s.87(1)): a notification here "
                                "cannot be recorded.")
            model.appendRow(item)
        self.station.setModel(model)
        designated = [i for i, st in enumerate(stations) if st.designated]
        self.station.setCurrentIndex(designated[0] if designated else -1)
        self.row("&Station", "station_id", self.station)
        for name in S87_FIELDS[:2]:  # the s.87 refusal stands out beside its field
            label = self.errors.widget(name).parentWidget().findChild(QLabel, "fieldError")
            if label is not None:
                label.setObjectName("s87Error")
        self.fingerprints = self.row("&Fingerprints", "fingerprints_taken", _YesRefused("Fingerprints"))
        self.photographs = self.row("&Photographs", "photographs_taken", _YesRefused("Photographs"))
        self.refusal_note = QLabel("A refusal is an offence (s.87(4), s.91): a breach will be opened.")
        self.refusal_note.setObjectName("fieldError")
        self.refusal_note.setVisible(False)
        self.form.addRow("", self.refusal_note)
        for group in (self.fingerprints.group, self.photographs.group):
            group.buttonToggled.connect(self._biometrics_changed)

        box = QFrame()
        grid = QFormLayout(box)
        grid.setContentsMargins(0, 0, 0, 0)
        self.details_given = QCheckBox("Bank, card and passport/ID details given (2012 Regs)")
        self.details_given.setChecked(True)
        grid.addRow(self.details_given)
        self.bank = QLineEdit()
        self.bank.setPlaceholderText("New or changed accounts, or leave empty if none")
        self.cards = QLineEdit()
        self.cards.setPlaceholderText("New or changed debit or credit cards")
        self.passport = QLineEdit()
        self.passport.setPlaceholderText("Passport or other ID document")
        for caption, edit in (("Bank accounts", self.bank), ("Cards", self.cards), ("Passport/ID", self.passport)):
            edit.setMaxLength(300)
            grid.addRow(caption, edit)
        self.details_given.toggled.connect(self._details_toggled)
        self.row("&Details", "details", box)
        self.print_ack = QCheckBox("Print the written acknowledgement (s.87(3)) when recorded")
        self.print_ack.setChecked(True)
        self.form.addRow("", self.print_ack)
        self._items_changed()
        self.finish()
        self.pending.setFocus()

    def _items(self) -> list[QTreeWidgetItem]:
        return [self.pending.topLevelItem(i) for i in range(self.pending.topLevelItemCount())]

    @staticmethod
    def _id(item: QTreeWidgetItem) -> int:
        return item.data(0, Qt.ItemDataRole.UserRole)

    def _checked(self) -> list[int]:
        return [self._id(it) for it in self._items() if it.checkState(0) == Qt.CheckState.Checked]

    def _items_changed(self, item: QTreeWidgetItem | None = None, _column: int = 0) -> None:
        if item is not None and item.checkState(0) == Qt.CheckState.Checked:
            # "Not listed" and listed items answer different questions: one or the other.
            other = self._id(item) == OTHER_ITEM
            self.pending.blockSignals(True)
            for it in self._items():
                if it is not item and (self._id(it) == OTHER_ITEM) != other:
                    it.setCheckState(0, Qt.CheckState.Unchecked)
            self.pending.blockSignals(False)
        unlisted = OTHER_ITEM in self._checked()
        self.set_row_visible(self.kind, unlisted)
        self.set_row_visible(self.event_on, unlisted)
        moving = unlisted and self.kind.currentData() == "change_address"
        self.set_row_visible(self.no_fixed_abode, moving)
        for widget in (self.line1, self.town, self.postcode):
            self.set_row_visible(widget, moving and not self.no_fixed_abode.isChecked())
        if self.isVisible():
            self.fit()

    def _details_toggled(self, on: bool) -> None:
        for edit in (self.bank, self.cards, self.passport):
            edit.setEnabled(on)

    def _biometrics_changed(self, *_args: object) -> None:
        self.refusal_note.setVisible(False in (self.fingerprints.value(), self.photographs.value()))

    def check(self, notification_id: int, on: bool = True) -> None:
        for item in self._items():
            if self._id(item) == notification_id:
                item.setCheckState(0, Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)

    def choose_station(self, station_id: int) -> None:
        index = self.station.findData(station_id, Qt.ItemDataRole.UserRole)
        self.station.setCurrentIndex(index)

    def details(self) -> dict[str, Any] | None:
        if not self.details_given.isChecked():
            return None
        given = {k: e.text().strip() for k, e in (("bank", self.bank), ("cards", self.cards),
                                                   ("passport", self.passport)) if e.text().strip()}
        return {"given": True, **given}

    def notification_input(self) -> nt.NotificationInput:
        checked = self._checked()
        unlisted = OTHER_ITEM in checked
        method = self.method.currentData()
        fingerprints, photographs = self.fingerprints.value(), self.photographs.value()
        first = self._pending.get(checked[0]) if checked and not unlisted else None
        kind = first.kind if first is not None else self.kind.currentData()
        new_home = nt.NewHome(self.line1.text(), self.town.text(), self.postcode.text(),
                              self.no_fixed_abode.isChecked()) if unlisted and kind == "change_address" else None
        return nt.NotificationInput(
            kind=kind, station_id=self.station.currentData(Qt.ItemDataRole.UserRole),
            method=method, in_person=method == nt.IN_PERSON, fingerprints_taken=fingerprints,
            photographs_taken=photographs, refused_biometrics=False in (fingerprints, photographs),
            details=self.details(), pending_ids=() if unlisted else tuple(checked),
            event_on=self.event_on.date() if unlisted else None, notified_at=self.notified_at.value(),
            new_home=new_home)

    def submit(self) -> None:
        problems = [] if self._checked() else [FieldProblem("pending_ids", "Tick what the offender is notifying.")]
        problems += typed_problems({"notified_at": self.notified_at})
        if self.notified_at.is_empty():
            problems.append(FieldProblem("notified_at", "Enter when the offender notified (now, unless it is "
                                                        "being typed in later)."))
        if problems:
            self.errors.clear()
            self.errors.show(ValidationFailed(problems))
            self.fit()
            return
        self.call(nt.take_notification, self._services, self._actor, self.record.offender_id,
                  self.notification_input())

    def _succeeded(self, result: object) -> None:
        self.save_button.setEnabled(True)
        self.taken.emit(result, self.print_ack.isChecked())
        super()._succeeded(result)

    def s87_message(self) -> str:
        return next((m for m in (self.errors.message(f) for f in S87_FIELDS[:2]) if m), "")


# --- designated stations (administrator) -----------------------------------------------------------


class StationsModel(RowsModel[nt.StationView]):
    def __init__(self, parent=None) -> None:
        super().__init__([
            Column("Code", lambda s: s.code),
            Column("Station", lambda s: s.name),
            Column("Designated (s.87)", lambda s: "Yes" if s.designated else "No: notifications refused here"),
        ], parent)


class StationDialog(ServiceDialog):
    """Add a station or change one; a station is never deleted, only taken off the list."""

    def __init__(self, services: Services, actor: Actor, worker: Worker, prompter: Prompter,
                 station: nt.StationView | None, parent: QWidget | None = None) -> None:
        super().__init__(services, actor, worker, prompter, None,
                         "Change a police station" if station else "Add a police station",
                         "Keep this list the same as the chief officer's published list of stations "
                         "where offenders may notify (s.87(1), (2A)).", parent=parent)
        self.setMinimumWidth(460)
        self.code = QLineEdit(station.code if station else "")
        self.code.setMaxLength(20)
        self.code.setReadOnly(station is not None)
        self.row("&Code", "code", self.code)
        self.name = QLineEdit(station.name if station else "")
        self.name.setMaxLength(120)
        self.row("&Name", "name", self.name)
        self.designated = QCheckBox("On the designated list: offenders may notify here")
        self.designated.setChecked(station.designated if station else True)
        self.row("&Designated", "designated", self.designated)
        self.finish()
        (self.name if station else self.code).setFocus()

    def submit(self) -> None:
        self.call(nt.save_station, self._services, self._actor, self.code.text(), self.name.text(),
                  self.designated.isChecked())


class StationsDialog(QDialog):
    """File > Designated police stations: the list an offender may notify at."""

    def __init__(self, services: Services, actor: Actor, worker: Worker, prompter: Prompter,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        from ui.kit.tables import sorted_list_view

        self._services, self._actor, self._worker, self._prompter = services, actor, worker, prompter
        self.setWindowTitle("Designated police stations")
        self.resize(680, 420)
        layout = QVBoxLayout(self)
        heading = QLabel("Designated police stations")
        heading.setObjectName("dialogHeading")
        layout.addWidget(heading)
        hint = QLabel("Offenders may notify only at a station on this list (s.87(1)). A station taken off "
                      "the list stays here, marked not designated, because past notifications name it.")
        hint.setObjectName("hint")
        hint.setWordWrap(True)
        layout.addWidget(hint)
        self.model = StationsModel(self)
        self.view = sorted_list_view(self.model)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.view.doubleClicked.connect(lambda _i: self.edit())
        layout.addWidget(self.view, 1)
        row = QHBoxLayout()
        self.add_button = QPushButton("&Add a station...")
        self.add_button.clicked.connect(lambda: self.edit(new=True))
        self.edit_button = QPushButton("&Change...")
        self.edit_button.clicked.connect(lambda: self.edit())
        row.addWidget(self.add_button)
        row.addWidget(self.edit_button)
        row.addStretch(1)
        close = QPushButton("Close")
        close.clicked.connect(self.accept)
        row.addWidget(close)
        layout.addLayout(row)
        self.editor: StationDialog | None = None
        self.refresh()

    def refresh(self) -> None:
        self._worker.submit(nt.list_stations, self._services, owner=self, on_success=self.model.set_rows,
                            on_error=lambda e: report_failure(self._prompter, e, title="Stations not loaded",
                                                              unexpected=lambda x: apologise(self._prompter, x)))

    def selected(self) -> nt.StationView | None:
        rows = self.view.selectionModel().selectedRows()
        if not rows:
            return None
        return self.model.row_at(self.view.model().mapToSource(rows[0]).row())

    def edit(self, new: bool = False) -> StationDialog | None:
        station = None if new else self.selected()
        if not new and station is None:
            return None
        self.editor = StationDialog(self._services, self._actor, self._worker, self._prompter, station, parent=self)
        self.editor.saved.connect(lambda _s: self.refresh())
        self.editor.open()
        return self.editor
