"""The record's "Visits" page (issue 3): record a completed visit, book the next one, the s.96B
warrant decision after failed entries, and the hand-over into police-only management. The
services decide everything; the page collects, calls them on the worker and shows.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QPushButton, QWidget

from rso_manager.domain.police_handover import AGENCIES
from rso_manager.services.errors import ValidationFailed
from rso_manager.services.handover import HandoverView, correct_handover, record_handover
from rso_manager.services.unit_of_work import Actor, Services
from rso_manager.services.visits import (
    VisitDefaults,
    VisitDetail,
    VisitResult,
    readable,
    record_warrant_decision,
    visit_defaults,
    visit_details,
)
from ui.extensions import record_page
from ui.kit.detail_pane import history_of, place_beside
from ui.kit.formatting import fmt_date
from ui.kit.forms import DateField
from ui.kit.record_page import RecordContext, SectionSpec
from ui.kit.widgets import text_editor
from ui.workflows.visits.booking import BookDialog
from ui.workflows.visits.panel_page import PageDialog, PanelPage, panel_value, restyle
from ui.workflows.visits.visit_detail import VisitDetailPane, VisitsModel
from ui.workflows.visits.visit_form import VisitForm
from ui.workflows.visits.wording import band_label, day_label, window_text

VISITS_ABOUT = ("Home visits and office interviews, planned and completed. Record a visit after it "
                "happened (Ctrl+Shift+V); book the next one inside its due window, or an overdue one as "
                "soon as possible. Unannounced, two "
                "trained officers and the home address are the default: any departure needs a reason "
                "and goes to your supervisor.")


class VisitsPage(PanelPage):
    visit_recorded = Signal(object)  # VisitResult, after the summary and any warrant prompt

    def __init__(self, ctx: RecordContext, spec: SectionSpec) -> None:
        super().__init__(ctx, spec, VISITS_ABOUT, VisitsModel())
        # The list beside the selected visit read in full.
        self.fit_columns(self.view, stretch=1)
        self.detail_pane = VisitDetailPane()
        self.split = place_beside(self, self.detail_pane)
        self.view.selectionModel().selectionChanged.connect(self._show_selected)
        self.form: VisitForm | None = None
        self.book_dialog: BookDialog | None = None
        self.record_button = self.add_button_for(
            "Record a visit...", self.open_visit_form,
            tip="Record a home visit or office interview that has happened (Ctrl+Shift+V)")
        self.book_button = self.add_button_for(
            "Book a visit...", self.open_booking, tip="Book the next home visit inside its due window")
        self.record_action = QAction("Record a visit...", ctx.window)
        self.record_action.setShortcut(QKeySequence("Ctrl+Shift+V"))
        self.record_action.triggered.connect(self.open_visit_form)
        if self.can_write:
            ctx.window.addAction(self.record_action)

        self.due_value = panel_value("Loading...")
        self._row(0, "Next home visit", self.due_value)
        self.booked_value = panel_value()
        self._row(1, "Booked", self.booked_value)
        warrant = QWidget()
        row = QHBoxLayout(warrant)
        row.setContentsMargins(0, 2, 0, 0)
        self.warrant_label = panel_value("", "panelWarning")
        row.addWidget(self.warrant_label, 1)
        self.warrant_button = QPushButton("Record the warrant decision...")
        self.warrant_button.clicked.connect(self._warrant_clicked)
        self.warrant_button.setVisible(self.can_write)
        row.addWidget(self.warrant_button)
        self.warrant_row = warrant
        self.panel_grid.addWidget(warrant, 2, 0, 1, 2)
        warrant.setVisible(False)
        self.address_value = panel_value()
        self._row(3, "Home address", self.address_value)
        handover = QWidget()
        row = QHBoxLayout(handover)
        row.setContentsMargins(0, 0, 0, 0)
        self.handover_value = panel_value()
        row.addWidget(self.handover_value, 1)
        self.handover_button = QPushButton("Record a hand-over...")
        self.handover_button.setToolTip("The case passed to the police alone when probation supervision (a licence) "
                                        "ended: the first police home visit is due from the take-over")
        self.handover_button.clicked.connect(self.open_handover)
        self.handover_button.setVisible(self.can_write)
        row.addWidget(self.handover_button)
        self._row(4, "Police-only management", handover)
        self.handover_dialog: HandoverDialog | None = None

    def fetch(self, services: Services, actor: Actor, offender_id: int
              ) -> tuple[VisitDefaults, dict[int, VisitDetail]]:  # runs on the worker
        return visit_defaults(services, actor, offender_id), visit_details(services, actor, offender_id)

    def show_details(self, data: tuple[VisitDefaults, dict[int, VisitDetail]]) -> None:
        info, details = data
        self.model.set_details(details)
        self._show_selected()
        self.info = info
        w = info.window
        self.due_value.setText(f"{window_text(w.earliest, w.latest, info.days_overdue)} ({readable(w.reason)})")
        restyle(self.due_value, "panelWarning" if info.days_overdue else "panelValue")
        names = dict(info.officers)
        self.booked_value.setText("\n".join(
            f"{day_label(b.planned_on)}, {band_label(b.time_band).lower()}"
            + (f" ({' and '.join(names.get(i, f'officer {i}') for i in b.officer_ids)})" if b.officer_ids else "")
            for b in info.bookings) or "Nothing booked")
        failed = info.failed_attempts_since_seen
        self.warrant_label.setText(
            f"{failed} failed entry attempts since the offender was last seen at home: record the decision "
            "on applying for a s.96B warrant.")
        self.warrant_row.setVisible(info.warrant_visit_id is not None)
        self.address_value.setText(info.home_address or "No current home address: record where the offender lives "
                                                        "on Addresses before the next visit.")
        restyle(self.address_value, "panelValue" if info.home_address else "panelWarning")
        h = info.handover
        self.handover_value.setText(
            f"Since {fmt_date(h.police_from)}, from {h.agency} (licence ended {fmt_date(h.licence_ended_on)})"
            + (f". {h.notes}" if h.notes else "") if h else "No hand-over recorded")
        self.handover_button.setText("Correct the hand-over..." if h else "Record a hand-over...")

    def _show_selected(self, *_args) -> None:
        entry = self.selected_entry()
        self.detail_pane.show_visit(self.selected_detail(), voided=entry is not None and entry.voided,
                                    history=history_of(self.record, entry.entity, entry.id, entry.voided)
                                    if entry is not None else None)

    # --- hand-over into police-only management -------------------------------------------------

    def open_handover(self) -> HandoverDialog | None:
        if not self.can_write or self.record is None or not isinstance(self.info, VisitDefaults):
            return None
        dialog = HandoverDialog(self.ctx, self.record.offender_id, self.title(), self.info.handover)
        dialog.saved.connect(lambda _view: (self.ctx.show_status("Hand-over recorded: the first police home visit "
                                                              "is due from the take-over."), self.ctx.reload()))
        self.handover_dialog = dialog
        dialog.open()
        return dialog

    # --- recording ----------------------------------------------------------------------------

    def open_visit_form(self) -> VisitForm | None:
        if not self.can_write or self.record is None:
            return None
        if self.form is not None and self.form.isVisible():
            self.form.raise_()
            return self.form
        self.form = VisitForm(self.ctx.services, self.ctx.actor, self.ctx.worker, self.ctx.prompter,
                              offender_id=self.record.offender_id, title=self.title(),
                              on_reload=self.ctx.reload, parent=self.ctx.window)
        self.form.saved.connect(self._visit_recorded)
        self.form.open()
        return self.form

    def _visit_recorded(self, result: VisitResult) -> None:
        self.ctx.reload()
        lines = ["The visit has been recorded."]
        if result.next_visit_due:
            lines.append(f"The next home visit is now due by {fmt_date(result.next_visit_due)}.")
        if result.departures:
            lines.append("It has gone to your supervisor for sign-off, because it departs from the "
                         f"default: {'; '.join(result.departures)}.")
        if result.pattern_warning:
            lines.append(f"Pattern warning: {result.pattern_warning}.")
        if result.breach_ids:
            n = len(result.breach_ids)
            lines.append(f"{n} breach{'es' if n > 1 else ''} opened for the undeclared device"
                         f"{'s' if n > 1 else ''}: see Breaches & warnings.")
        if result.referral_id is not None:
            lines.append("A safeguarding response is open for the concern about a child: the referral to "
                         "children's social care is due by the end of the working day. See Safeguarding.")
        self.ctx.prompter.info("Visit recorded", "\n\n".join(lines))
        if result.warrant_prompt:
            self.ask_warrant(result.visit_id, result.version_id)
        self.visit_recorded.emit(result)

    def _warrant_clicked(self) -> None:
        info = self.info
        if isinstance(info, VisitDefaults) and info.warrant_visit_id is not None \
                and info.warrant_visit_version is not None:
            self.ask_warrant(info.warrant_visit_id, info.warrant_visit_version)

    def ask_warrant(self, visit_id: int, version_id: int, *, problem: str | None = None, text: str = "") -> None:
        decision = self.ctx.prompter.ask_reason(
            "s.96B warrant decision",
            "Entry has been sought without success on two occasions since the offender was last seen "
            "at home. Record whether a warrant to enter and search the home (s.96B Sexual Offences Act "
            "2003) will be applied for, who decided, and why. It goes to your supervisor.",
            text=text, problem=problem)
        if decision is None:
            self.ctx.prompter.warning(
                "Warrant decision not recorded",
                "The s.96B warrant decision is still to be recorded. The Visits page keeps asking for it "
                "until it is.")
            self.ctx.reload()
            return

        def failed(exc: BaseException) -> None:
            if isinstance(exc, ValidationFailed) and exc.for_field("warrant_decision"):
                self.ask_warrant(visit_id, version_id, problem=exc.for_field("warrant_decision"), text=decision)
            else:
                self.ctx.report(exc, "The warrant decision was not recorded")

        def done(_result: object) -> None:
            self.ctx.show_status("Warrant decision recorded and sent to your supervisor.")
            self.ctx.reload()

        self.ctx.worker.submit(record_warrant_decision, self.ctx.services, self.ctx.actor, visit_id, version_id,
                               decision,
                               owner=self, on_success=done, on_error=failed)

    # --- booking ------------------------------------------------------------------------------

    def open_booking(self) -> None:
        """Book from the team's officers and the window: read them first, then show the dialog."""
        if not self.can_write or self.record is None:
            return
        self.book_button.setEnabled(False)

        def failed(exc: BaseException) -> None:
            self.book_button.setEnabled(True)
            self.ctx.report(exc, "The booking could not be started")

        self.ctx.worker.submit(visit_defaults, self.ctx.services, self.ctx.actor, self.record.offender_id,
                               owner=self, on_success=self._show_booking, on_error=failed)

    def _show_booking(self, info: VisitDefaults) -> BookDialog:
        self.book_button.setEnabled(True)
        assert self.record is not None
        w = info.window
        today = self.ctx.services.clock.today()
        start = max(w.earliest or today, today)
        second = [info.second_officer_id] if info.second_officer_id is not None else []
        first = [info.offender_manager_id] if info.offender_manager_id is not None else []
        self.book_dialog = BookDialog(
            self.ctx.services, self.ctx.actor, self.ctx.worker, self.ctx.prompter,
            offender_id=self.record.offender_id, title=self.title(), earliest=w.earliest, latest=w.latest,
            days_overdue=info.days_overdue, window_reason=w.reason, on=start, time_band=None, officer_ids=first + second,
            officers=info.officers, time_bands=info.time_bands, catch_up_by=info.catch_up_by,
            on_reload=self.ctx.reload, parent=self.ctx.window)
        self.book_dialog.saved.connect(lambda _vid: (self.ctx.show_status("Visit booked."), self.ctx.reload()))
        self.book_dialog.open()
        return self.book_dialog


@record_page("visits")
def visits_page(ctx: RecordContext, spec: SectionSpec) -> VisitsPage:
    return VisitsPage(ctx, spec)


class HandoverDialog(PageDialog):
    """Record the case's hand-over into police-only management, or correct the one recorded."""

    def __init__(self, ctx: RecordContext, offender_id: int, title: str, current: HandoverView | None) -> None:
        correcting = current is not None
        super().__init__(
            ctx, "Correct the hand-over" if correcting else "Record a hand-over",
            f"Hand-over into police-only management: {title}",
            "When probation supervision (a licence) ends and the police manage the case alone, the first police "
            "home visit is due within the trigger period of the take-over."
            + (" Your correction keeps the values before it in the record's History." if correcting else ""),
            "Save correction" if correcting else "Record hand-over")
        self.offender_id, self.current = offender_id, current
        self.agency = QComboBox()
        self.agency.addItem("Choose the agency...", None)
        for value, text in AGENCIES.items():
            self.agency.addItem(text[0].upper() + text[1:], value)
        self.row("From &agency", "from_agency", self.agency)
        self.licence_ended_on = DateField(calendar_start=ctx.services.clock.today)
        self.row("&Licence ended on", "licence_ended_on", self.licence_ended_on)
        self.police_from = DateField(calendar_start=ctx.services.clock.today)
        self.row("&Police-only from", "police_from", self.police_from)
        self.notes = text_editor("E.g. the transfer letter received, the probation officer who handed over", 56)
        self.row("&Notes", "notes", self.notes)
        self.reason = text_editor("Why the hand-over is being corrected", 56)
        if correcting:
            self.row("&Reason", "reason", self.reason)
            self.agency.setCurrentIndex(max(0, self.agency.findData(current.from_agency)))
            self.licence_ended_on.set_date(current.licence_ended_on)
            self.police_from.set_date(current.police_from)
            self.notes.setPlainText(current.notes or "")
        else:
            self.agency.setCurrentIndex(self.agency.findData("probation"))
        self.finish()
        self.agency.setFocus()

    def submit(self) -> None:
        fields = dict(from_agency=self.agency.currentData() or "",
                      licence_ended_on=self.licence_ended_on.date(), police_from=self.police_from.date(),
                      notes=self.notes.toPlainText() or None)
        if self.current is None:
            self.call(record_handover, self.ctx.services, self.ctx.actor, self.offender_id, **fields)
        else:
            self.call(correct_handover, self.ctx.services, self.ctx.actor, self.current.handover_id,
                      self.current.version_id, reason=self.reason.toPlainText(), **fields)
