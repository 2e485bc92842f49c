"""The record's "Visits" and "Risk & plan" pages (issue 3: risk-led visit planning and recording).

Visits: record a completed visit (ui/workflows/visit_form.py), book the next one, and the s.96B
warrant decision after failed entries. Risk & plan: risk assessments and the risk management
plan, with the home-visit interval in force and the next visit's due window above the list.
The services decide everything; these pages collect, call them on the worker and show.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from rso_manager.domain.police_handover import AGENCIES
from rso_manager.domain.roles import Permission
from rso_manager.services.caseload import OffenderRecord
from rso_manager.services.errors import ValidationFailed
from rso_manager.services.handover import HandoverView, correct_handover, record_handover
from rso_manager.services.visits import (
    RISK_TOOLS,
    PlanOutcome,
    RiskPlanView,
    VisitDefaults,
    VisitResult,
    readable,
    record_risk_assessment,
    record_warrant_decision,
    risk_plan_view,
    set_plan,
    visit_defaults,
)
from ui.extensions import record_page
from ui.kit.formatting import fmt_date, risk_label
from ui.kit.forms import DateField, FieldErrors, add_row, report_failure
from ui.kit.record_page import RecordContext, SectionSpec, SectionTab
from ui.workflows.visit_form import BookDialog, VisitForm, band_label, day_label, window_text

RISK_LEVELS = {"low": "Low", "medium": "Medium", "high": "High", "very_high": "Very high"}
PLAN_HEADINGS = (
    ("supervision", "Supervision", "Who supervises, how often, conditions to enforce"),
    ("monitoring_control", "Monitoring and control", "Home visits, device checks, order prohibitions"),
    ("interventions", "Interventions and treatment", "Programmes, treatment, other work to reduce risk"),
    ("victim_safety", "Victim safety", "Known and potential victims; how they are protected"),
    ("contingency", "Contingency", "What to do if risk rises or the plan breaks down"),
)

VISITS_ABOUT = ("Home visits and office interviews, planned and completed. Record a visit after it "
                "happened (Ctrl+Shift+V); book the next one inside its due window, or an overdue one as "
                "soon as possible. Unannounced, two "
                "trained officers and the home address are the default: any departure needs a reason "
                "and goes to your supervisor.")
RISK_ABOUT = ("Risk assessments (ARMS, RM2000, OSP) and the risk management plan. The plan sets how "
              "often the home visit is due; a longer interval than the risk level's default, or "
              "reactive management, applies only once a supervisor signs it off.")

_PANEL_STYLE = ("QFrame#duePanel { background: #f3f6fa; border: 1px solid #d5dde8; border-radius: 6px; }"
                "QLabel#panelCaption { color: #616e7c; font-size: 8.5pt; }"
                "QLabel#panelValue { font-weight: 600; }"
                "QLabel#panelWarning { color: #b3261e; font-weight: 600; }")


def _status(ctx: RecordContext, text: str) -> None:
    if isinstance(ctx.window, QMainWindow):
        ctx.window.statusBar().showMessage(text, 10_000)


def _restyle(label: QLabel, name: str) -> None:
    """Switch a label between the normal and the warning look (by object name)."""
    if label.objectName() != name:
        label.setObjectName(name)
        label.style().unpolish(label)
        label.style().polish(label)


def _value(text: str = "", name: str = "panelValue") -> QLabel:
    label = QLabel(text)
    label.setObjectName(name)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class _PanelPage(SectionTab):
    """A section list with an information panel above it, read through the worker only while
    the page is on screen (a record opens with every page built; most are never looked at)."""

    info_loaded = Signal(object)

    def __init__(self, ctx: RecordContext, spec: SectionSpec, about: str) -> None:
        super().__init__(spec, ctx.actor.can(Permission.WRITE_CASES))
        self.ctx = ctx
        self.record: OffenderRecord | None = None
        self.info: Any = None
        self._stale = True
        self._seq = 0
        # The list's own explanation describes this workflow rather than "coming later".
        about_label = self.layout().itemAt(0).widget()
        if isinstance(about_label, QLabel):
            about_label.setText(about)
        self.panel = QFrame()
        self.panel.setObjectName("duePanel")
        self.panel.setStyleSheet(_PANEL_STYLE)
        self.panel_grid = QGridLayout(self.panel)
        self.panel_grid.setContentsMargins(12, 8, 12, 8)
        self.panel_grid.setHorizontalSpacing(14)
        self.panel_grid.setVerticalSpacing(4)
        self.panel_grid.setColumnStretch(1, 1)
        self.layout().insertWidget(1, self.panel)

    def _row(self, row: int, caption: str, value: QWidget) -> None:
        cap = QLabel(caption)
        cap.setObjectName("panelCaption")
        self.panel_grid.addWidget(cap, row, 0, Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignRight)
        self.panel_grid.addWidget(value, row, 1)

    def set_record(self, record: OffenderRecord) -> None:
        super().set_record(record)
        self.record = record
        self._stale = True
        if self.isVisible():
            self.load_info()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        super().showEvent(event)
        if self._stale and self.record is not None:
            self.load_info()

    def load_info(self) -> None:
        if self.record is None:
            return
        self._stale = False
        self._seq += 1
        seq = self._seq
        self.ctx.worker.submit(self.info_source(), self.ctx.services, self.ctx.actor, self.record.offender_id,
                               owner=self, on_success=lambda info: self._info_arrived(seq, info),
                               on_error=lambda exc: self._info_failed(seq, exc))

    def _info_arrived(self, seq: int, info: Any) -> None:
        if seq != self._seq:
            return
        self.info = info
        self.show_info(info)
        self.info_loaded.emit(info)

    def _info_failed(self, seq: int, exc: BaseException) -> None:
        if seq == self._seq:
            self._stale = True
            self.ctx.report(exc, "The visit information could not be read")

    def info_source(self) -> Callable[..., Any]:
        raise NotImplementedError

    def show_info(self, info: Any) -> None:
        raise NotImplementedError

    def title(self) -> str:
        assert self.record is not None
        return f"{self.record.name} ({self.record.reference})"


# --- Visits ---------------------------------------------------------------------------------


class VisitsPage(_PanelPage):
    visit_recorded = Signal(object)  # VisitResult, after the summary and any warrant prompt

    def __init__(self, ctx: RecordContext, spec: SectionSpec) -> None:
        super().__init__(ctx, spec, VISITS_ABOUT)
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

        self.due_value = _value("Loading...")
        self._row(0, "Next home visit", self.due_value)
        self.booked_value = _value()
        self._row(1, "Booked", self.booked_value)
        warrant = QWidget()
        row = QHBoxLayout(warrant)
        row.setContentsMargins(0, 2, 0, 0)
        self.warrant_label = _value("", "panelWarning")
        row.addWidget(self.warrant_label, 1)
        self.warrant_button = QPushButton("Record the warrant decision...")
        self.warrant_button.clicked.connect(self._warrant_clicked)
        self.warrant_button.setVisible(self.can_write)
        row.addWidget(self.warrant_button)
        self.warrant_row = warrant
        self.panel_grid.addWidget(warrant, 2, 0, 1, 2)
        warrant.setVisible(False)
        self.address_value = _value()
        self._row(3, "Home address", self.address_value)
        handover = QWidget()
        row = QHBoxLayout(handover)
        row.setContentsMargins(0, 0, 0, 0)
        self.handover_value = _value()
        row.addWidget(self.handover_value, 1)
        self.handover_button = QPushButton("Record a hand-over...")
        self.handover_button.setToolTip("The case passed to the police alone when probation supervision (a licence) "
                                        "ended: the first police home visit is due from the take-over")
        self.handover_button.clicked.connect(self.open_handover)
        self.handover_button.setVisible(self.can_write)
        row.addWidget(self.handover_button)
        self._row(4, "Police-only management", handover)
        self.handover_dialog: HandoverDialog | None = None

    def info_source(self) -> Callable[..., Any]:
        return visit_defaults

    def show_info(self, info: VisitDefaults) -> None:
        w = info.window
        today = self.ctx.services.clock.today()
        self.due_value.setText(f"{window_text(w.earliest, w.latest, today)} ({readable(w.reason)})")
        overdue = w.latest is not None and w.latest < today
        _restyle(self.due_value, "panelWarning" if overdue else "panelValue")
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
        _restyle(self.address_value, "panelValue" if info.home_address else "panelWarning")
        h = info.handover
        self.handover_value.setText(
            f"Since {fmt_date(h.police_from)}, from {h.agency} (licence ended {fmt_date(h.licence_ended_on)})"
            + (f". {h.notes}" if h.notes else "") if h else "No hand-over recorded")
        self.handover_button.setText("Correct the hand-over..." if h else "Record a hand-over...")

    # --- hand-over into police-only management -------------------------------------------------

    def open_handover(self) -> HandoverDialog | None:
        if not self.can_write or self.record is None or not isinstance(self.info, VisitDefaults):
            return None
        dialog = HandoverDialog(self.ctx, self.record.offender_id, self.title(), self.info.handover)
        dialog.saved.connect(lambda _view: (_status(self.ctx, "Hand-over recorded: the first police home visit "
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
        self.form.recorded.connect(self._visit_recorded)
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
        self.ctx.prompter.info("Visit recorded", "\n\n".join(lines))
        if result.warrant_prompt:
            self.ask_warrant(result.visit_id)
        self.visit_recorded.emit(result)

    def _warrant_clicked(self) -> None:
        if isinstance(self.info, VisitDefaults) and self.info.warrant_visit_id is not None:
            self.ask_warrant(self.info.warrant_visit_id)

    def ask_warrant(self, visit_id: int, *, problem: str | None = None, text: str = "") -> None:
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
                self.ask_warrant(visit_id, problem=exc.for_field("warrant_decision"), text=decision)
            else:
                self.ctx.report(exc, "The warrant decision was not recorded")

        def done(_result: object) -> None:
            _status(self.ctx, "Warrant decision recorded and sent to your supervisor.")
            self.ctx.reload()

        self.ctx.worker.submit(record_warrant_decision, self.ctx.services, self.ctx.actor, visit_id, decision,
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
            window_reason=w.reason, on=start, time_band=None, officer_ids=first + second,
            officers=info.officers, time_bands=info.time_bands, catch_up_by=info.catch_up_by,
            on_reload=self.ctx.reload, parent=self.ctx.window)
        self.book_dialog.booked.connect(lambda _vid: (_status(self.ctx, "Visit booked."), self.ctx.reload()))
        self.book_dialog.open()
        return self.book_dialog


@record_page("visits")
def visits_page(ctx: RecordContext, spec: SectionSpec) -> VisitsPage:
    return VisitsPage(ctx, spec)


# --- Risk & plan ---------------------------------------------------------------------------


class _ServiceDialog(QDialog):
    """A small form that calls one service on the worker, with its messages under the fields."""

    saved = Signal(object)

    def __init__(self, ctx: RecordContext, title: str, heading: str, hint: str, save_text: str) -> None:
        super().__init__(ctx.window)
        self.ctx = ctx
        self._saving = False
        self.setWindowTitle(title)
        self.setMinimumWidth(560)
        self.outer = QVBoxLayout(self)
        head = QLabel(heading)
        head.setObjectName("dialogHeading")
        head.setTextFormat(Qt.TextFormat.PlainText)
        head.setWordWrap(True)
        self.outer.addWidget(head)
        self.hint = QLabel(hint)
        self.hint.setObjectName("hint")
        self.hint.setWordWrap(True)
        self.outer.addWidget(self.hint)
        self.errors = FieldErrors()
        self.outer.addWidget(self.errors.general)
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        self.outer.addLayout(self.form)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.save_button = self.buttons.addButton(save_text, QDialogButtonBox.ButtonRole.AcceptRole)
        self.save_button.setDefault(True)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)

    def finish(self) -> None:
        self.outer.addWidget(self.buttons)

    def call(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
        if self._saving:
            return
        self._saving = True
        self.save_button.setEnabled(False)
        self.ctx.worker.submit(fn, *args, owner=self, on_success=self._done, on_error=self._failed, **kwargs)

    def _done(self, result: object) -> None:
        self._saving = False
        self.save_button.setEnabled(True)
        self.saved.emit(result)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self._saving = False
        self.save_button.setEnabled(True)
        report_failure(self.ctx.prompter, exc, title="Not saved", errors=self.errors, on_reload=self.ctx.reload)

    def save(self) -> None:
        raise NotImplementedError


def _text_box(placeholder: str, height: int = 56) -> QPlainTextEdit:
    box = QPlainTextEdit()
    box.setTabChangesFocus(True)
    box.setPlaceholderText(placeholder)
    box.setFixedHeight(height)
    return box


class RiskAssessmentDialog(_ServiceDialog):
    def __init__(self, ctx: RecordContext, offender_id: int, title: str) -> None:
        super().__init__(ctx, "Record a risk assessment", f"Record a risk assessment: {title}",
                         "A new assessment sets the home visit interval and pulls the next visit forward. "
                         "It goes to your supervisor for sign-off.", "Record assessment")
        self.offender_id = offender_id
        self.tool = QComboBox()
        self.tool.addItem("Choose the tool...", None)
        for tool in RISK_TOOLS:
            self.tool.addItem(tool if tool != "other" else "Other", tool)
        add_row(self.form, "&Tool", self.errors, "tool", self.tool)
        self.level = QComboBox()
        self.level.addItem("Choose the risk level...", None)
        for value, text in RISK_LEVELS.items():
            self.level.addItem(text, value)
        add_row(self.form, "Risk &level", self.errors, "level", self.level)
        self.assessed_on = DateField(calendar_start=ctx.services.clock.today)
        self.assessed_on.set_date(ctx.services.clock.today())
        add_row(self.form, "&Assessed on", self.errors, "assessed_on", self.assessed_on)
        self.review_by = DateField(calendar_start=ctx.services.clock.today)
        add_row(self.form, "&Review by", self.errors, "review_by", self.review_by)
        self.notes = _text_box("Main factors, and anything that changed since the last assessment", 80)
        add_row(self.form, "&Notes", self.errors, "notes", self.notes)
        self.finish()
        self.tool.setFocus()

    def save(self) -> None:
        self.call(record_risk_assessment, self.ctx.services, self.ctx.actor, self.offender_id,
                  tool=self.tool.currentData() or "", level=self.level.currentData() or "",
                  assessed_on=self.assessed_on.date(), notes=self.notes.toPlainText() or None,
                  review_by=self.review_by.date())


class HandoverDialog(_ServiceDialog):
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
        add_row(self.form, "From &agency", self.errors, "from_agency", self.agency)
        self.licence_ended_on = DateField(calendar_start=ctx.services.clock.today)
        add_row(self.form, "&Licence ended on", self.errors, "licence_ended_on", self.licence_ended_on)
        self.police_from = DateField(calendar_start=ctx.services.clock.today)
        add_row(self.form, "&Police-only from", self.errors, "police_from", self.police_from)
        self.notes = _text_box("E.g. the transfer letter received, the probation officer who handed over")
        add_row(self.form, "&Notes", self.errors, "notes", self.notes)
        self.reason = _text_box("Why the hand-over is being corrected")
        if correcting:
            add_row(self.form, "&Reason", self.errors, "reason", self.reason)
            self.agency.setCurrentIndex(max(0, self.agency.findData(current.from_agency)))
            self.licence_ended_on.set_date(current.licence_ended_on)
            self.police_from.set_date(current.police_from)
            self.notes.setPlainText(current.notes or "")
        else:
            self.agency.setCurrentIndex(self.agency.findData("probation"))
        self.finish()
        self.agency.setFocus()

    def save(self) -> None:
        fields = dict(from_agency=self.agency.currentData() or "",
                      licence_ended_on=self.licence_ended_on.date(), police_from=self.police_from.date(),
                      notes=self.notes.toPlainText() or None)
        if self.current is None:
            self.call(record_handover, self.ctx.services, self.ctx.actor, self.offender_id, **fields)
        else:
            self.call(correct_handover, self.ctx.services, self.ctx.actor, self.current.handover_id,
                      self.current.version_id, reason=self.reason.toPlainText(), **fields)


class PlanDialog(_ServiceDialog):
    """A new risk management plan, started from the current one."""

    def __init__(self, ctx: RecordContext, offender_id: int, title: str, view: RiskPlanView) -> None:
        super().__init__(ctx, "Change the risk management plan", f"Risk management plan: {title}",
                         "The plan sets how often the home visit is due. A shorter interval applies at once; "
                         "a longer one than the risk level's default, or reactive management, needs a reason "
                         "and applies only once your supervisor signs it off.", "Save plan")
        self.setMinimumWidth(720)
        self.offender_id = offender_id
        plan = view.plan
        level = view.risk_level or "very_high"
        default = view.default_months.get(level)
        self.interval = QComboBox()
        self.interval.addItem(f"Default for {risk_label(view.risk_level).lower() if view.risk_level else 'an unassessed case'}"
                              + (f": every {default} month{'s' if default != 1 else ''}" if default else ""), None)
        for n in range(1, 25):
            self.interval.addItem(f"Every {n} month{'s' if n != 1 else ''}", n)
        if plan is not None and plan.visit_interval_months:
            self.interval.setCurrentIndex(self.interval.findData(plan.visit_interval_months))
        add_row(self.form, "Home &visits", self.errors, "visit_interval_months", self.interval)
        self.reactive = QCheckBox("Reactive management: no routine home visits")
        self.reactive.setToolTip("Only after years of continuously low risk, and only with a supervisor's sign-off")
        self.reactive.setChecked(bool(plan and plan.reactive))
        self.reactive.toggled.connect(lambda on: self.interval.setEnabled(not on))
        self.interval.setEnabled(not self.reactive.isChecked())
        add_row(self.form, "", self.errors, "reactive", self.reactive)
        self.effective_from = DateField(calendar_start=ctx.services.clock.today)
        self.effective_from.set_date(ctx.services.clock.today())
        add_row(self.form, "&Effective from", self.errors, "effective_from", self.effective_from)
        self.review_by = DateField(calendar_start=ctx.services.clock.today)
        self.review_by.set_date(plan.review_by if plan else None)
        add_row(self.form, "Re&view by", self.errors, "review_by", self.review_by)
        self.headings: dict[str, QPlainTextEdit] = {}
        for key, caption, placeholder in PLAN_HEADINGS:
            box = _text_box(placeholder)
            box.setPlainText(getattr(plan, key) or "" if plan else "")
            self.headings[key] = box
            add_row(self.form, caption, self.errors, key, box)
        self.reason = _text_box("Why the plan departs from the default; it goes to your supervisor")
        add_row(self.form, "&Reason", self.errors, "reason", self.reason)
        self.finish()
        self.interval.setFocus()

    def save(self) -> None:
        self.call(set_plan, self.ctx.services, self.ctx.actor, self.offender_id,
                  visit_interval_months=None if self.reactive.isChecked() else self.interval.currentData(),
                  reactive=self.reactive.isChecked(), effective_from=self.effective_from.date(),
                  review_by=self.review_by.date(), reason=self.reason.toPlainText(),
                  **{key: box.toPlainText().strip() or None for key, box in self.headings.items()})


class RiskPage(_PanelPage):
    def __init__(self, ctx: RecordContext, spec: SectionSpec) -> None:
        super().__init__(ctx, spec, RISK_ABOUT)
        self.dialog: QDialog | None = None
        self.assess_button = self.add_button_for("Record a risk assessment...", self.open_assessment)
        self.plan_button = self.add_button_for("Change the risk management plan...", self.open_plan)
        self.plan_button.setEnabled(False)  # until the current plan has been read
        self.risk_value = _value("Loading...")
        self._row(0, "Risk", self.risk_value)
        self.interval_value = _value()
        self._row(1, "Home visits", self.interval_value)
        self.window_value = _value()
        self._row(2, "Next home visit", self.window_value)
        self.plan_value = _value()
        self._row(3, "Plan", self.plan_value)
        self.review_value = _value("", "panelWarning")
        self._row(10, "Assessment review", self.review_value)
        # The plan's headings, each on its own line under the plan (hidden while empty).
        self.heading_rows: dict[str, tuple[QLabel, QLabel]] = {}
        for i, (key, caption, _placeholder) in enumerate(PLAN_HEADINGS, start=4):
            value = _value("", "panelText")
            self._row(i, caption, value)
            cap = self.panel_grid.itemAtPosition(i, 0).widget()
            self.heading_rows[key] = (cap, value)

    def info_source(self) -> Callable[..., Any]:
        return risk_plan_view

    def show_info(self, view: RiskPlanView) -> None:
        self.risk_value.setText(
            f"{risk_label(view.risk_level)} ({view.risk_tool}, assessed {fmt_date(view.assessed_on)})"
            if view.risk_level else "Not assessed: treated as very high risk until an assessment is recorded")
        self.interval_value.setText(view.interval)
        self.review_value.setText(view.review_flag or (f"Due by {fmt_date(view.review_by)}" if view.review_by else ""))
        _restyle(self.review_value, "panelWarning" if view.review_flag else "panelValue")
        review_caption = self.panel_grid.itemAtPosition(10, 0).widget()
        for widget in (review_caption, self.review_value):
            widget.setVisible(view.risk_level is not None)
        w = view.window
        today = self.ctx.services.clock.today()
        overdue = w.latest is not None and w.latest < today
        self.window_value.setText(f"{window_text(w.earliest, w.latest, today)} ({w.reason})")
        _restyle(self.window_value, "panelWarning" if overdue else "panelValue")
        p = view.plan
        if p is None:
            self.plan_value.setText("No risk management plan recorded: the risk level's default interval applies.")
        else:
            state = "  Waiting for a supervisor's sign-off." if p.pending_sign_off else ""
            self.plan_value.setText(f"Effective from {fmt_date(p.effective_from)}"
                                    + (f", review by {fmt_date(p.review_by)}" if p.review_by else "")
                                    + "." + state)
        for key, (cap, value) in self.heading_rows.items():
            text = (getattr(p, key) or "") if p is not None else ""
            value.setText(text)
            cap.setVisible(bool(text))
            value.setVisible(bool(text))
        self.plan_button.setEnabled(True)

    def open_assessment(self) -> RiskAssessmentDialog | None:
        if not self.can_write or self.record is None:
            return None
        dialog = RiskAssessmentDialog(self.ctx, self.record.offender_id, self.title())
        dialog.saved.connect(lambda _id: (_status(self.ctx, "Risk assessment recorded and sent for sign-off."),
                                          self.ctx.reload()))
        self.dialog = dialog
        dialog.open()
        return dialog

    def open_plan(self) -> PlanDialog | None:
        if not self.can_write or self.record is None or not isinstance(self.info, RiskPlanView):
            return None
        dialog = PlanDialog(self.ctx, self.record.offender_id, self.title(), self.info)
        dialog.saved.connect(self._plan_saved)
        self.dialog = dialog
        dialog.open()
        return dialog

    def _plan_saved(self, outcome: PlanOutcome) -> None:
        self.ctx.reload()
        if outcome.needs_sign_off:
            self.ctx.prompter.info(
                "Plan sent for sign-off",
                f"The plan ({outcome.interval}) departs from the default and has gone to your supervisor. "
                "Until they sign it off, the risk level's default interval applies.")
        else:
            _status(self.ctx, f"Risk management plan saved: {outcome.interval}.")


@record_page("risk")
def risk_page(ctx: RecordContext, spec: SectionSpec) -> RiskPage:
    return RiskPage(ctx, spec)
