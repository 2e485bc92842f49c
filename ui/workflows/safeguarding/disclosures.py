"""Disclosures under s.327A or the Child Sex Offender Disclosure Scheme, with their overdue
stages."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QHBoxLayout,
    QLineEdit,
    QRadioButton,
    QWidget,
)

from rso_manager.domain.dates import london_day
from rso_manager.services.caseload import EntryRow, OffenderRecord
from rso_manager.services.safeguarding import (
    DISCLOSURE_ROUTES,
    ROUTE_LABEL,
    DisclosureInput,
    DisclosureView,
    Person,
    ReferralView,
    disclosure_deciders,
    record_disclosure,
    update_disclosure,
)
from rso_manager.services.supervision import sign_off_policy
from ui.kit.dialogs import ServiceDialog
from ui.kit.formatting import fmt_date, fmt_datetime
from ui.kit.forms import DateTimeField, RationaleBox, combo_data, select_data
from ui.kit.record_page import (
    DetailedEntries,
    RecordContext,
)
from ui.kit.tables import Column
from ui.workflows.safeguarding.labels import DECISION_LABELS, SHORT_ROUTE


def _stage(label: str, done: datetime | None, due: datetime | None) -> str:
    if done is not None:
        return f"{label} {fmt_datetime(done)}"
    return f"{label} due {fmt_datetime(due)}" if due is not None else ""


class DisclosuresModel(DetailedEntries):
    def __init__(self, parent=None) -> None:
        d: Callable[[EntryRow], DisclosureView | None] = lambda e: self.detail(e)  # noqa: E731
        super().__init__([
            Column("Route", lambda e: SHORT_ROUTE.get(d(e).route, d(e).route) if d(e) else e.summary),
            Column("Applied", lambda e: fmt_datetime(d(e).applied_at) if d(e) else fmt_date(e.when)),
            Column("Decision", lambda e: self._decision(d(e)) if d(e) else ("Entered in error" if e.voided else "")),
            Column("Told", lambda e: (", ".join(x for x in (d(e).disclosed_to, fmt_datetime(d(e).disclosed_at)) if x))
                   if d(e) else ""),
            Column("Sign-off", lambda e: (d(e).sign_off_status or "").capitalize() if d(e) else ""),
            Column("Progress", lambda e: self._progress(d(e)) if d(e) else e.status,
                   tooltip=lambda e: self._progress(d(e)) if d(e) else None),
        ], parent)

    @staticmethod
    def _decision(view: DisclosureView) -> str:
        if view.decision is None:
            return "Not decided yet"
        who = f" ({view.decided_by})" if view.decided_by else ""
        return DECISION_LABELS.get(view.decision, view.decision) + who

    @staticmethod
    def _progress(view: DisclosureView) -> str:
        if view.completed_at is not None:
            return f"Complete {fmt_datetime(view.completed_at)}"
        if view.overdue_stages:
            return "Overdue: " + ", ".join(s.value for s in view.overdue_stages)
        if view.deadlines is not None:
            if view.checks_at is None:
                return _stage("Checks", None, view.deadlines.checks_by)
            if view.interview_at is None:
                return _stage("Interview", None, view.deadlines.interview_by)
            return _stage("Complete", None, view.deadlines.complete_by)
        return "Open"

    def red(self, entry: EntryRow, column: int) -> bool:
        view = self.detail(entry)
        return column == 5 and view is not None and bool(view.overdue_stages)


class DisclosureDialog(ServiceDialog):
    """s.327A decision, or a CSODS application moved on stage by stage."""

    def __init__(self, ctx: RecordContext, record: OffenderRecord, referrals: tuple[ReferralView, ...],
                 existing: DisclosureView | None = None, parent: QWidget | None = None) -> None:
        title = "Update disclosure scheme progress" if existing else "Record a disclosure decision"
        super().__init__(ctx.services, ctx.actor, ctx.worker, ctx.prompter, title=title,
                         heading=f"{title}: {record.name} ({record.reference})",
                         hint="A decision needs its reasons: what was considered and why. It goes to a supervisor "
                              "for sign-off. Disclosure scheme clocks run from the application: checks within 24 "
                              "hours, a face-to-face meeting within 10 days, closed within 45 days.",
                         save_text="Save", parent=parent)
        self.heading.setMinimumWidth(600)
        self.ctx, self.record, self.existing = ctx, record, existing
        today = ctx.services.clock.today

        route_box = QWidget()
        route_row = QHBoxLayout(route_box)
        route_row.setContentsMargins(0, 0, 0, 0)
        self.route_group = QButtonGroup(self)
        self.route_buttons: dict[str, QRadioButton] = {}
        for route in DISCLOSURE_ROUTES:
            button = QRadioButton(ROUTE_LABEL[route])
            self.route_group.addButton(button)
            self.route_buttons[route] = button
            route_row.addWidget(button)
            button.toggled.connect(self._route_changed)
        route_row.addStretch(1)
        self.row("Route", "route", route_box)
        self.referral = QComboBox()
        self.referral.addItem("Not linked to a recorded concern", None)
        for r in referrals:
            text = r.concern if len(r.concern) <= 70 else r.concern[:67] + "..."
            self.referral.addItem(f"{fmt_date(london_day(r.concern_at))}: {text}", r.id)
        self.row("Con&cern", "referral_id", self.referral)

        self.applied_at = DateTimeField(calendar_start=today)
        self.row("A&pplied", "applied_at", self.applied_at)
        self.applicant = QLineEdit()
        self.applicant.setMaxLength(200)
        self.applicant.setPlaceholderText("Who applied, e.g. the mother of the partner's children")
        self.row("Appli&cant", "applicant", self.applicant)
        self.checks_at = DateTimeField(calendar_start=today)
        self.row("C&hecks done", "checks_at", self.checks_at)
        self.interview_at = DateTimeField(calendar_start=today)
        self.row("&Interview", "interview_at", self.interview_at)

        self.decision = QComboBox()
        self.decision.addItem("Not decided yet", None)
        for value, text in DECISION_LABELS.items():
            self.decision.addItem(text, value)
        self.decision.currentIndexChanged.connect(self._decision_changed)
        self.row("&Decision", "decision", self.decision)
        self.decided_by = QComboBox()
        self.decided_by.addItem("Choose who decided", None)
        self.row("Decided &by", "decided_by_id", self.decided_by)
        self.reasons = RationaleBox(placeholder="What was considered, the decision and why, and what happens next")
        self.reasons.editor.setFixedHeight(90)
        self.row("&Reasons", "reasons", self.reasons)
        self.disclosed_to = QLineEdit()
        self.disclosed_to.setMaxLength(200)
        self.disclosed_to.setPlaceholderText("Who was told: parent, carer or other protector")
        self.row("&Told", "disclosed_to", self.disclosed_to)
        self.disclosed_at = DateTimeField(calendar_start=today)
        self.row("Told &at", "disclosed_at", self.disclosed_at)
        self.conditions = QLineEdit()
        self.conditions.setPlaceholderText("e.g. not to be shared beyond the household")
        self.row("C&onditions", "conditions", self.conditions)
        self.completed_at = DateTimeField(calendar_start=today)
        self.row("Co&mpleted", "completed_at", self.completed_at)
        self.finish()

        self._fill(existing)
        self._decision_changed()
        ctx.worker.submit(disclosure_deciders, ctx.services, ctx.actor, owner=self, on_success=self._deciders,
                          on_error=lambda exc: ctx.report(exc))
        ctx.worker.submit(sign_off_policy, ctx.services, ctx.actor, owner=self,
                          on_success=lambda p: self.reasons.set_policy(p.min_words, p.guidance), on_error=lambda _e: None)

    def _fill(self, d: DisclosureView | None) -> None:
        route = d.route if d else "s327a"
        self.route_buttons.get(route, self.route_buttons["s327a"]).setChecked(True)
        if d is None:
            self._route_changed()
            return
        select_data(self.referral, d.referral_id)
        self.applied_at.set_value(d.applied_at)
        self.applicant.setText(d.applicant or "")
        self.checks_at.set_value(d.checks_at)
        self.interview_at.set_value(d.interview_at)
        select_data(self.decision, d.decision)
        self.reasons.set_text(d.reasons or "")
        self.disclosed_to.setText(d.disclosed_to or "")
        self.disclosed_at.set_value(d.disclosed_at)
        self.conditions.setText(d.conditions or "")
        self.completed_at.set_value(d.completed_at)

    def _deciders(self, people: list[Person]) -> None:
        current = combo_data(self.decided_by) or (self.existing.decided_by_id if self.existing else None)
        for person in people:
            self.decided_by.addItem(person.name, person.id)
        select_data(self.decided_by, current)

    def route(self) -> str:
        return next((r for r, b in self.route_buttons.items() if b.isChecked()), "s327a")

    def _route_changed(self, *_args) -> None:
        csods = self.route() == "csods"
        for name in ("applied_at", "applicant", "checks_at", "interview_at", "completed_at"):
            self.form.setRowVisible(self.errors.widget(name).parentWidget(), csods)
        self.decision.setItemText(0, "Not decided yet" if csods else "Choose the decision")
        self.fit()

    def _decision_changed(self, *_args) -> None:
        # Who was told follows a decision to disclose; anything already typed stays editable.
        disclose = combo_data(self.decision) == "disclose"
        typed = bool(self.disclosed_to.text() or not self.disclosed_at.is_empty() or self.conditions.text())
        for widget in (self.disclosed_to, self.disclosed_at, self.conditions):
            widget.setEnabled(disclose or typed)

    def value(self) -> DisclosureInput:
        return DisclosureInput(
            route=self.route(), applied_at=self.applied_at.value(), applicant=self.applicant.text() or None,
            checks_at=self.checks_at.value(), interview_at=self.interview_at.value(),
            decided_by_id=combo_data(self.decided_by), decision=combo_data(self.decision),
            reasons=self.reasons.text() or None, disclosed_to=self.disclosed_to.text() or None,
            disclosed_at=self.disclosed_at.value(), conditions=self.conditions.text() or None,
            completed_at=self.completed_at.value(), referral_id=combo_data(self.referral))

    def submit(self) -> None:
        if self.existing is None:
            self.call(record_disclosure, self._services, self._actor, self.record.offender_id, self.value())
        else:
            self.call(update_disclosure, self._services, self._actor, self.existing.id, self.existing.version_id,
                      self.value())
