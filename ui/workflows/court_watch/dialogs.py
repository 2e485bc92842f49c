"""The court watch's forms: a person charged (added or corrected), a hearing (added or corrected),
an outcome. Each saves through one service call on the worker (ServiceDialog); the service's
messages show under the fields. A correction asks for its reason, and the old values stay in
the entry's history (services.court_watch keeps them as revisions)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QWidget,
)

from rso_manager.domain import court_watch as cw
from rso_manager.domain.notification_period import DisposalKind
from rso_manager.services import court_watch
from rso_manager.services.court_watch import ChargedPersonView, HearingView
from ui.kit.dialogs import ServiceDialog
from ui.kit.formatting import fmt_date
from ui.kit.forms import DateField
from ui.kit.layout_items import widget_of
from ui.kit.widgets import text_editor

REASON_HINT = "Why the entry is being corrected, e.g. the court's register says otherwise"

DISPOSALS = {
    DisposalKind.IMPRISONMENT: "Imprisonment", DisposalKind.LIFE: "Life imprisonment", DisposalKind.IPP: "IPP",
    DisposalKind.HOSPITAL_ORDER_RESTRICTED: "Hospital order with restriction",
    DisposalKind.HOSPITAL_ORDER: "Hospital order", DisposalKind.CONDITIONAL_DISCHARGE: "Conditional discharge",
    DisposalKind.DTO: "Detention and training order", DisposalKind.OTHER: "Other (fine, community order)",
}


def _line(max_length: int, placeholder: str = "", name: str = "") -> QLineEdit:
    edit = QLineEdit()
    edit.setMaxLength(max_length)
    edit.setPlaceholderText(placeholder)
    edit.setAccessibleName(name)
    return edit


def _combo(items: dict[str, str], name: str) -> QComboBox:
    combo = QComboBox()
    combo.setAccessibleName(name)
    for key, label in items.items():
        combo.addItem(label, key)
    return combo


def _choose(combo: QComboBox, key: object) -> None:
    index = combo.findData(key)
    if index >= 0:
        combo.setCurrentIndex(index)


def row_visible(form: QFormLayout, widget: QWidget, on: bool) -> None:
    """Show or hide the form row holding WIDGET (with its label and message)."""
    for row in range(form.rowCount()):
        field = widget_of(form.itemAt(row, QFormLayout.ItemRole.FieldRole))
        if field is widget or (field is not None and widget in field.findChildren(QWidget)):
            form.setRowVisible(row, on)
            return


class ChargedPersonDialog(ServiceDialog):
    """Put a person charged with a Schedule 3 offence on the watch, or (CORRECTING) put their
    details right with a reason: the offences and hearings are their own entries then."""

    def __init__(self, host: Any, parent: QWidget | None = None, *,
                 correcting: ChargedPersonView | None = None) -> None:
        if correcting is None:
            texts = dict(title="Add a person charged", heading="Add a person charged to the court watch",
                         hint="Someone charged with a Schedule 3 offence: they are watched through their hearings "
                              "so the OMU knows the day a court convicts.", save_text="Add to the watch")
        else:
            texts = dict(title="Correct a person charged",
                         heading=f"Correct the details: {correcting.name} ({correcting.reference})",
                         hint="Put right what was mistyped or has changed (bail, the SHPO application). The values "
                              "before your correction stay in the entry's history with your reason.",
                         save_text="Save correction")
        super().__init__(host.services, host.actor, host.worker, host.prompter, min_width=560, parent=parent,
                         **texts)
        self.correcting = correcting
        today = host.services.clock.today
        self.surname = self.row("&Surname", "surname", _line(80, name="Surname"))
        self.forenames = self.row("&Forenames", "forenames", _line(120, name="Forenames"))
        self.date_of_birth = self.row("Date of &birth", "date_of_birth", DateField(calendar_start=today))
        self.pnc = self.row("&PNC ID", "pnc_id", _line(20, "e.g. 85/123456X", "PNC ID"))
        self.charged_on = self.row("&Charged on", "charged_on", DateField(calendar_start=today))
        self.court = self.row("C&ourt", "court", _line(120, "e.g. Northmoor Crown Court", "Court"))
        self.custody = self.row("Bail or re&mand", "custody", _combo(cw.CUSTODY, "Bail or remand"))
        self.officer = self.row("Officer in the &case", "officer_in_case", _line(120, name="Officer in the case"))
        self.offences = QPlainTextEdit()
        self.offences.setAccessibleName("Offences charged")
        self.offences.setPlaceholderText("One offence a line, e.g. Sexual assault (SOA 2003 s.3)")
        self.offences.setFixedHeight(64)
        self.threshold = QCheckBox("Notification depends on the sentence (a threshold offence of Schedule 3)")
        self.first_hearing = DateField(calendar_start=today)
        if correcting is None:
            self.row("Offences (&one a line)", "offences", self.offences)
            self.row("", "threshold", self.threshold)
        self.shpo = self.row("SHPO a&pplication", "shpo_application", _combo(cw.SHPO_APPLICATION, "SHPO application"))
        self.shpo_by = self.row("Drafted or attached b&y", "shpo_application_by",
                                _line(120, name="SHPO application drafted or attached by"))
        self.reason = text_editor(REASON_HINT, 56)
        self.reason.setAccessibleName("Reason for the correction")
        if correcting is None:
            self.row("&Next hearing", "hearing_on", self.first_hearing)
        else:
            self.row("&Reason", "reason", self.reason)
            self._fill(correcting)
        self.finish()

    def _fill(self, p: ChargedPersonView) -> None:
        self.surname.setText(p.surname)
        self.forenames.setText(p.forenames)
        self.date_of_birth.set_date(p.date_of_birth)
        self.pnc.setText(p.pnc_id or "")
        self.charged_on.set_date(p.charged_on)
        self.court.setText(p.court or "")
        _choose(self.custody, p.custody)
        self.officer.setText(p.officer_in_case or "")
        _choose(self.shpo, p.shpo_application)
        self.shpo_by.setText(p.shpo_application_by or "")
        self.mark_clean()

    def values(self) -> court_watch.ChargeInput:
        offences = tuple(court_watch.OffenceInput(line.strip(), True, self.threshold.isChecked())
                         for line in self.offences.toPlainText().splitlines() if line.strip())
        return court_watch.ChargeInput(
            surname=self.surname.text(), forenames=self.forenames.text(), date_of_birth=self.date_of_birth.date(),
            pnc_id=self.pnc.text(), charged_on=self.charged_on.date(), court=self.court.text(),
            custody=self.custody.currentData(), officer_in_case=self.officer.text(),
            shpo_application=self.shpo.currentData(), shpo_application_by=self.shpo_by.text(), offences=offences,
            first_hearing_on=self.first_hearing.date(), first_hearing_purpose=None)

    def submit(self) -> None:
        if self.correcting is None:
            self.call(court_watch.record_charged_person, self._services, self._actor, self.values())
        else:
            p = self.correcting
            self.call(court_watch.correct_charged_person, self._services, self._actor, p.charged_person_id,
                      p.version_id, self.values(), self.reason.toPlainText())


class HearingDialog(ServiceDialog):
    """List a hearing; one already past is entered with its outcome."""

    def __init__(self, host: Any, person: ChargedPersonView, parent: QWidget | None = None) -> None:
        super().__init__(host.services, host.actor, host.worker, host.prompter, title="Add a hearing",
                         heading=f"Add a hearing: {person.name} ({person.reference})",
                         hint="A hearing today or later is listed; one that has passed needs its outcome.",
                         save_text="Add the hearing", parent=parent)
        self.person = person
        today = host.services.clock.today
        self.hearing_on = self.row("&Date", "hearing_on", DateField(calendar_start=today))
        self.court = self.row("C&ourt", "court", _line(120, person.court or "", "Court"))
        self.purpose = self.row("&Purpose", "purpose", _line(60, "e.g. Plea, Trial, Sentence", "Purpose"))
        outcomes = {"": "Still to come", **{k: v for k, v in cw.OUTCOMES.items() if k != "sentenced"}}
        self.outcome = self.row("&Outcome (if passed)", "outcome", _combo(outcomes, "Outcome if the hearing has passed"))
        self.next_on = self.row("Adjourned &to", "next_hearing_on", DateField(calendar_start=today))
        self.notes = self.row("&Notes", "outcome_notes", _line(300, "Why it ended, if it did", "Notes"))
        self.finish()

    def submit(self) -> None:
        outcome = self.outcome.currentData()
        given = court_watch.OutcomeInput(outcome=outcome, notes=self.notes.text(),
                                         next_hearing_on=self.next_on.date()) if outcome else None
        self.call(court_watch.add_hearing, self._services, self._actor, self.person.charged_person_id,
                  court_watch.HearingInput(self.hearing_on.date(), self.court.text(), self.purpose.text()), given)


class CorrectHearingDialog(ServiceDialog):
    """Put a hearing's date, court or purpose right (the listing office moved it, a typing
    slip), with a reason; its outcome is not changed here."""

    def __init__(self, host: Any, person: ChargedPersonView, parent: QWidget | None = None) -> None:
        super().__init__(host.services, host.actor, host.worker, host.prompter, title="Correct a hearing",
                         heading=f"Correct a hearing: {person.name} ({person.reference})",
                         hint="The values before your correction stay in the hearing's history with your reason. "
                              "A hearing still to come stays listed; one that has passed keeps its outcome.",
                         save_text="Save correction", min_width=520, parent=parent)
        self.person = person
        today = host.services.clock.today
        self.which = self.row("&Hearing", "hearing_id", _combo({}, "Hearing to correct"))
        for h in person.hearings:
            self.which.addItem(f"{fmt_date(h.hearing_on)}{f' {h.purpose}' if h.purpose else ''}: {h.outcome_text}",
                               h.hearing_id)
        self.hearing_on = self.row("&Date", "hearing_on", DateField(calendar_start=today))
        self.court = self.row("C&ourt", "court", _line(120, person.court or "", "Court"))
        self.purpose = self.row("&Purpose", "purpose", _line(60, "e.g. Plea, Trial, Sentence", "Purpose"))
        self.reason = text_editor(REASON_HINT, 56)
        self.reason.setAccessibleName("Reason for the correction")
        self.row("&Reason", "reason", self.reason)
        open_one = next((h for h in person.hearings if h.outcome is None), None)
        if open_one is not None:
            _choose(self.which, open_one.hearing_id)
        elif person.hearings:
            self.which.setCurrentIndex(len(person.hearings) - 1)
        self.which.currentIndexChanged.connect(self._refill)
        self._refill()
        self.finish()

    def chosen(self) -> HearingView | None:
        return next((h for h in self.person.hearings if h.hearing_id == self.which.currentData()), None)

    def _refill(self, *_: object) -> None:
        h = self.chosen()
        if h is None:
            return
        self.hearing_on.set_date(h.hearing_on)
        self.court.setText(h.court or "")
        self.purpose.setText(h.purpose or "")
        self.mark_clean()

    def submit(self) -> None:
        h = self.chosen()
        if h is None:
            return
        self.call(court_watch.correct_hearing, self._services, self._actor, h.hearing_id, h.version_id,
                  court_watch.HearingInput(self.hearing_on.date(), self.court.text(), self.purpose.text()),
                  self.reason.toPlainText())


NO_CHOICE, NEW_CASE = "", "new"


class OutcomeDialog(ServiceDialog):
    """What a hearing decided; a conviction makes the registered case."""

    def __init__(self, host: Any, person: ChargedPersonView, hearing: HearingView,
                 parent: QWidget | None = None) -> None:
        super().__init__(host.services, host.actor, host.worker, host.prompter, title="Record the outcome",
                         heading=f"Outcome of the hearing of {hearing.hearing_on:%d/%m/%Y}: {person.name}",
                         hint="A conviction creates the case record (or goes on the record this person already "
                              "has, if you choose it), its conviction and the initial notification due within 3 days "
                              "beginning with the conviction (s.83(1)). An SHPO made goes on the case's Orders tab.",
                         save_text="Record the outcome", min_width=560, parent=parent)
        self.person, self.hearing = person, hearing
        today = host.services.clock.today
        allowed = {"pending": ("adjourned", "discontinued", "acquitted", "convicted", "shpo_made", "shpo_refused"),
                   "convicted": ("adjourned", "sentenced", "shpo_made", "shpo_refused")}.get(person.status, ())
        self.outcome = self.row("&Outcome", "outcome", _combo({k: cw.OUTCOMES[k] for k in allowed}, "Outcome"))
        self.next_on = self.row("Adjourned &to", "next_hearing_on", DateField(calendar_start=today))
        self.convicted_on = self.row("Con&victed on", "convicted_on", DateField(calendar_start=today))
        self.convicted_on.set_date(hearing.hearing_on)
        # Records this person may already be: read once the form is open (an audited read).
        self.cases: tuple[court_watch.ExistingCase, ...] | None = None
        self.case_choice = self.row("Record it &on", "existing_offender_id",
                                    _combo({NO_CHOICE: "Looking for records this person may already be...",
                                            NEW_CASE: "A new case"}, "Record the conviction on"))
        self.order_ends_on = self.row("SHPO has effect &until", "order_ends_on", DateField(calendar_start=today))
        self.order_indefinite = QCheckBox("Until further order")
        self.order_indefinite.setAccessibleName("SHPO until further order")
        self.row("", "order_indefinite", self.order_indefinite)
        self.disposal = self.row("&Disposal", "disposal", _combo({k.value: v for k, v in DISPOSALS.items()}, "Disposal"))
        self.months = QSpinBox()
        self.months.setRange(0, 1200)
        self.months.setSuffix(" months")
        self.months.setAccessibleName("Sentence in months")
        self.row("Sentence &length", "sentence_terms", self.months)
        self.notes = self.row("&Notes", "outcome_notes", _line(300, "Why the case ended, or what the court said",
                                                                  "Notes"))
        self.outcome.currentIndexChanged.connect(self._shown)
        self._shown()
        self.finish()

        if person.status == "pending":
            host.worker.submit(court_watch.existing_cases, host.services, host.actor, person.charged_person_id,
                               owner=self, on_success=self.show_cases, on_error=lambda _exc: self.show_cases(()))

    def show_cases(self, cases: tuple[court_watch.ExistingCase, ...]) -> None:
        """The choice of record: each that may be this person, or a new case. With none, a new
        case is the only choice; with some, the user must pick (nothing is merged unasked)."""
        self.cases = tuple(cases)
        self.case_choice.clear()
        if self.cases:
            self.case_choice.addItem(f"Choose: {len(self.cases)} record(s) may already be this person", NO_CHOICE)
            for c in self.cases:
                self.case_choice.addItem(f"Add to {c.reference}, {c.name}", c.offender_id)
                self.case_choice.setItemData(self.case_choice.count() - 1, c.text, Qt.ItemDataRole.ToolTipRole)
            self.case_choice.addItem("Create a new case (not one of these)", NEW_CASE)
        else:
            self.case_choice.addItem("A new case (no record on the register matches)", NEW_CASE)
        self.fit()

    def _shown(self, *_: object) -> None:
        chosen = self.outcome.currentData()
        for widget, kinds in ((self.next_on, {"adjourned"}), (self.convicted_on, {"convicted"}),
                              (self.case_choice, {"convicted"}), (self.disposal, {"sentenced"}),
                              (self.months, {"sentenced"}), (self.order_ends_on, {"shpo_made"}),
                              (self.order_indefinite, {"shpo_made"})):
            row_visible(self.form, widget, chosen in kinds)
        if self.isVisible():
            self.fit()

    def submit(self) -> None:
        chosen = self.outcome.currentData() or ""
        months = self.months.value() or None
        case = self.case_choice.currentData()
        self.call(court_watch.record_outcome, self._services, self._actor, self.hearing.hearing_id,
                  self.hearing.version_id, court_watch.OutcomeInput(
                      outcome=chosen, notes=self.notes.text(), next_hearing_on=self.next_on.date(),
                      convicted_on=self.convicted_on.date(),
                      existing_offender_id=case if isinstance(case, int) else None, new_case=case == NEW_CASE,
                      disposal=self.disposal.currentData() if chosen == "sentenced" else None,
                      sentence_months=months if chosen == "sentenced" else None,
                      order_ends_on=self.order_ends_on.date() if not self.order_indefinite.isChecked() else None,
                      order_indefinite=self.order_indefinite.isChecked()))
