"""The record's Relationships and Safeguarding parts.

Relationships: who the offender is close to, with children and access to children. Recording a
relationship with access to children opens a safeguarding concern (the service does this); the
page then takes the user straight to the referral form for it.

Safeguarding: each concern and its referral to children's social care, with the clocks the
service works out (referred the same day? a decision within one working day?), and disclosures
under s.327A or the Child Sex Offender Disclosure Scheme with their overdue stages.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QKeySequence
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QSplitter,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from rso_manager.services.caseload import EntryRow, OffenderRecord
from rso_manager.services.safeguarding import (
    DISCLOSURE_ROUTES,
    RELATIONSHIP_KINDS,
    ROUTE_LABEL,
    DisclosureInput,
    DisclosureView,
    Person,
    ReferralView,
    RelationshipInput,
    RelationshipResult,
    RelationshipView,
    SafeguardingView,
    disclosure_deciders,
    record_concern,
    record_disclosure,
    record_referral,
    record_referral_decision,
    record_relationship,
    referral_flags,
    relationship_warning,
    relationships_for,
    safeguarding_for,
    update_disclosure,
)
from rso_manager.services.supervision import sign_off_policy
from ui.extensions import record_page
from ui.kit.dialogs import ServiceDialog
from ui.kit.formatting import duration_text, fmt_date, fmt_datetime
from ui.kit.forms import DateField, DateTimeField, RationaleBox, combo_data, select_data
from ui.kit.record_page import (
    DetailedEntries,
    DetailedSectionTab,
    RecordContext,
    SectionSpec,
    detail_label,
)
from ui.kit.tables import Column, sorted_list_view

T = TypeVar("T")

KIND_LABELS = {"family": "Family", "friend": "Friend", "associate": "Associate", "partner": "Partner"}
DECISION_LABELS = {"disclose": "Disclose", "not_disclose": "Do not disclose"}
SHORT_ROUTE = {"s327a": "s.327A disclosure", "csods": "Disclosure scheme"}
FLAG_STYLE = ("QLabel#flagBanner { background: #fdecea; border: 1px solid #f1b5b0; border-radius: 4px; "
              "color: #8c1d18; padding: 6px 8px; font-weight: 600; }")
def _when(e: EntryRow) -> int:
    return e.when.toordinal() if e.when else 0


class RelationshipsModel(DetailedEntries):
    def __init__(self, parent=None) -> None:
        d: Callable[[EntryRow], RelationshipView | None] = lambda e: self.detail(e)  # noqa: E731
        super().__init__([
            Column("From", lambda e: fmt_date(e.when), _when),
            Column("Person", lambda e: d(e).person_name if d(e) else e.summary),
            Column("Kind", lambda e: KIND_LABELS.get(d(e).kind, d(e).kind) if d(e) else ""),
            Column("Children", lambda e: self._children(d(e)) if d(e) else e.status),
            Column("Safeguarding referral", lambda e: "Entered in error" if e.voided else
                   ((d(e).referral_state or "") if d(e) else "")),
            Column("Notes", lambda e: (d(e).notes or "") if d(e) else "", tooltip=lambda e: d(e).notes if d(e) else None),
        ], parent)
        self._bold = QFont()
        self._bold.setBold(True)

    @staticmethod
    def _children(view: RelationshipView) -> str:
        if view.access_to_children:
            return "Has access to children"
        return "Has children (no access)" if view.has_children else "No"

    def red(self, entry: EntryRow, column: int) -> bool:
        view = self.detail(entry)
        return column == 4 and view is not None and view.referral_overdue

    def extra(self, row: EntryRow, column: int, role: int) -> Any:
        view = self.detail(row)
        if role == Qt.ItemDataRole.FontRole and column == 3 and view is not None and view.access_to_children:
            return self._bold
        return super().extra(row, column, role)


class RelationshipDialog(ServiceDialog):
    def __init__(self, ctx: RecordContext, record: OffenderRecord, parent: QWidget | None = None) -> None:
        super().__init__(ctx.services, ctx.actor, ctx.worker, ctx.prompter, title="Record a relationship",
                         heading=f"Record a relationship: {record.name} ({record.reference})",
                         hint="Partners, family, friends and associates. Say whether the person has children "
                              "and whether the relationship gives access to children.",
                         save_text="Save", parent=parent)
        self.record = record
        self._warned = False
        self.person_name = QLineEdit()
        self.person_name.setMaxLength(200)
        self.person_name.setPlaceholderText("Full name, e.g. Carol JONES")
        self.row("&Name", "person_name", self.person_name)
        self.kind = QComboBox()
        for value in RELATIONSHIP_KINDS:
            self.kind.addItem(KIND_LABELS.get(value, value.title()), value)
        self.row("&Kind", "kind", self.kind)
        self.has_children = QCheckBox("This person has children")
        self.row("", "has_children", self.has_children)
        self.access = QCheckBox("The relationship gives access to children")
        self.access.toggled.connect(self._access_toggled)
        self.row("", "access_to_children", self.access)
        self.warning = QLabel()
        self.warning.setObjectName("flagBanner")
        self.warning.setStyleSheet(FLAG_STYLE)
        self.warning.setWordWrap(True)
        self.warning.setVisible(False)
        self.form.addRow(self.warning)
        self.from_date = DateField(calendar_start=ctx.services.clock.today)
        self.row("&From", "from_date", self.from_date)
        self.notes = QPlainTextEdit()
        self.notes.setTabChangesFocus(True)
        self.notes.setFixedHeight(70)
        self.notes.setPlaceholderText("How it became known, where the person lives, anything the next visit should check")
        self.row("N&otes", "notes", self.notes)
        self.finish()
        self.person_name.setFocus()

    def value(self) -> RelationshipInput:
        return RelationshipInput(person_name=self.person_name.text(), kind=combo_data(self.kind),
                                 has_children=self.has_children.isChecked(),
                                 access_to_children=self.access.isChecked(), from_date=self.from_date.date(),
                                 notes=self.notes.toPlainText() or None)

    def _access_toggled(self, on: bool) -> None:
        self._warned = False
        text = relationship_warning(self.value()) or ""
        self.warning.setText(text)
        self.warning.setVisible(bool(text))
        self.save_button.setText("Save and refer..." if on else "Save")
        self.fit()

    def submit(self) -> None:
        value = self.value()
        warning = relationship_warning(value)
        if warning and self.save_button.isEnabled() and not self._warned:
            if not self._prompter.confirm(
                    "A safeguarding referral follows", warning + "\n\nSave the relationship and go to the referral?",
                    ok="Save and refer", cancel="Go back"):
                return
            self._warned = True  # asked once: a correction after a refused save is not asked again
        self.call(record_relationship, self._services, self._actor, self.record.offender_id, value)


class RelationshipsPage(DetailedSectionTab):
    def __init__(self, ctx: RecordContext, spec: SectionSpec) -> None:
        super().__init__(ctx, spec, RelationshipsModel())
        self.about_label().setText(
            "Partners, family, friends and associates. A relationship giving access to children opens a "
            "safeguarding concern to refer the same day, and brings the next home visit forward.")
        self.wrap_columns(self.view, {0: "01/11/2026", 1: "Carol JONES-SMITH", 2: "Associate",
                                      3: "Has access to children", 4: "Referred; awaiting decision"}, stretch=5)
        self.add = self.add_button_for("Record a relationship...", self.open_form,
                                       tip="Record a partner, relative, friend or associate (Ctrl+N)")
        self.add.setShortcut(QKeySequence("Ctrl+N"))
        self.dialog: ServiceDialog | None = None

    def about_label(self) -> QLabel:
        return self.findChild(QLabel, "hint")

    def fetch(self, services, actor, offender_id):
        return relationships_for(services, actor, offender_id)

    def show_details(self, views: list[RelationshipView]) -> None:
        self.model.set_details({v.id: v for v in views})

    def open_form(self) -> RelationshipDialog | None:
        if self.record is None or not self.can_write:
            return None
        dialog = RelationshipDialog(self.ctx, self.record, parent=self)
        self.open_dialog(dialog, self._saved)
        return dialog

    def _saved(self, result: RelationshipResult) -> None:
        self.ctx.reload()
        if result.referral_prompt_id is None:
            return
        window = self.ctx.window
        pages = getattr(window, "section_tabs", {})
        page = pages.get("safeguarding")
        if isinstance(page, SafeguardingPage):
            try:
                window.tabs.setCurrentIndex(window.tab_index("Safeguarding"))  # type: ignore[attr-defined]
            except (AttributeError, KeyError):
                pass
            page.open_referral(result.referral_prompt_id)


# --- safeguarding: referrals and disclosures ----------------------------------------------------


def _decision_cell(r: ReferralView) -> str:
    if r.decision_at is not None:
        return f"{fmt_datetime(r.decision_at)}: {r.decision}"
    if r.decision_due is not None:
        return f"Awaited (due by end of {fmt_date(r.decision_due.date())})"
    return ""


def _short(text: str | None, limit: int = 140) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 3].rstrip(" .,;:") + "..."


def _referred_cell(r: ReferralView) -> str:
    if r.referred_at is None:
        return "Not yet referred"
    to = ", ".join(x for x in (r.agency, f"ref {r.reference}" if r.reference else None) if x)
    return f"{fmt_datetime(r.referred_at)}" + (f"\nto {to}" if to else "")


class ReferralsModel(DetailedEntries):
    """One row per concern: when it arose, what it is, its flags, the referral and the decision.
    Rows wrap (the list is short), so the flags and the agency stay readable on a laptop."""

    COL_RAISED, COL_CONCERN, COL_FLAGS, COL_REFERRED, COL_DELAY, COL_DECISION = range(6)

    def __init__(self, parent=None) -> None:
        d: Callable[[EntryRow], ReferralView | None] = lambda e: self.detail(e)  # noqa: E731
        super().__init__([
            Column("Concern raised", lambda e: fmt_datetime(d(e).concern_at) if d(e) else fmt_date(e.when),
                   lambda e: d(e).concern_at.timestamp() if d(e) else _when(e)),
            Column("Concern", lambda e: _short(d(e).concern, 90) if d(e) else _short(e.summary, 90),
                   tooltip=lambda e: e.summary),
            Column("Flags", lambda e: "\n".join(referral_flags(d(e))) if d(e) else ""),
            Column("Referred", lambda e: "Entered in error" if e.voided else (_referred_cell(d(e)) if d(e) else e.status)),
            Column("Time to refer", lambda e: duration_text(d(e).concern_to_referral) if d(e) else "",
                   lambda e: d(e).concern_to_referral.total_seconds() if d(e) and d(e).concern_to_referral else -1),
            Column("Social care decision", lambda e: _short(_decision_cell(d(e)), 90) if d(e) else "",
                   tooltip=lambda e: _decision_cell(d(e)) if d(e) else None),
        ], parent)

    def red(self, entry: EntryRow, column: int) -> bool:
        view = self.detail(entry)
        if view is None:
            return False
        if column == self.COL_FLAGS:
            return bool(referral_flags(view))
        if column in (self.COL_REFERRED, self.COL_DELAY):
            return view.not_referred_same_day
        if column == self.COL_DECISION:
            return view.flag is not None
        return False


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


class ConcernDialog(ServiceDialog):
    def __init__(self, ctx: RecordContext, record: OffenderRecord, parent: QWidget | None = None) -> None:
        super().__init__(ctx.services, ctx.actor, ctx.worker, ctx.prompter, title="Record a concern",
                         heading=f"Record a concern for a child: {record.name} ({record.reference})",
                         hint="Record the concern as soon as it is known, then refer it to children's social care "
                              "the same day: a concern not referred by the end of its day is flagged.",
                         save_text="Record concern", parent=parent)
        self.record = record
        self.concern = QPlainTextEdit()
        self.concern.setTabChangesFocus(True)
        self.concern.setFixedHeight(90)
        self.concern.setPlaceholderText("Who is at risk, and why")
        self.row("&Concern", "concern", self.concern)
        self.concern_at = DateTimeField(calendar_start=ctx.services.clock.today)
        self.concern_at.set_value(ctx.services.clock.now())
        self.row("&Known since", "concern_at", self.concern_at)
        self.relationship = QComboBox()
        self.relationship.addItem("Not about a recorded relationship", None)
        for entry in record.sections.get("relationships", ()):
            if not entry.voided:
                self.relationship.addItem(entry.summary, entry.id)
        self.row("&Relationship", "relationship_id", self.relationship)
        self.finish()
        self.concern.setFocus()

    def submit(self) -> None:
        self.call(record_concern, self._services, self._actor, self.record.offender_id, self.concern.toPlainText(),
                  self.concern_at.value(), combo_data(self.relationship))


class ReferralDialog(ServiceDialog):
    def __init__(self, ctx: RecordContext, referral_id: int, referral: ReferralView | None,
                 parent: QWidget | None = None) -> None:
        concern = referral.concern if referral else "the concern just recorded"
        since = f" (known since {fmt_datetime(referral.concern_at)})" if referral else ""
        super().__init__(ctx.services, ctx.actor, ctx.worker, ctx.prompter, title="Record the referral",
                         heading="Record the referral to children's social care",
                         hint=f"Concern{since}: {concern}\n\nRefer it the same day. The local authority's decision "
                              "is due within one working day of the referral.",
                         save_text="Record referral", parent=parent)
        self.referral_id, self.version_id = referral_id, referral.version_id if referral else None
        self.referred_at = DateTimeField(calendar_start=ctx.services.clock.today)
        self.referred_at.set_value(ctx.services.clock.now())
        self.row("&Referred at", "referred_at", self.referred_at)
        self.agency = QLineEdit()
        self.agency.setMaxLength(120)
        self.agency.setPlaceholderText("e.g. Northam Children's Services front door (MASH)")
        self.row("&Agency", "agency", self.agency)
        self.reference = QLineEdit()
        self.reference.setMaxLength(60)
        self.reference.setPlaceholderText("Their reference, if given")
        self.row("R&eference", "reference", self.reference)
        self.finish()
        self.agency.setFocus()

    def submit(self) -> None:
        self.call(record_referral, self._services, self._actor, self.referral_id, self.referred_at.value(),
                  self.agency.text(), self.reference.text() or None, self.version_id)


class DecisionDialog(ServiceDialog):
    def __init__(self, ctx: RecordContext, referral: ReferralView, parent: QWidget | None = None) -> None:
        due = f" It was due by the end of {fmt_date(referral.decision_due.date())}." if referral.decision_due else ""
        super().__init__(ctx.services, ctx.actor, ctx.worker, ctx.prompter, title="Record the decision received",
                         heading="Record the decision of children's social care",
                         hint=f"Referral of {fmt_datetime(referral.referred_at)} to {referral.agency}: "
                              f"{referral.concern}{due}",
                         save_text="Record decision", parent=parent)
        self.referral = referral
        self.decision = QPlainTextEdit()
        self.decision.setTabChangesFocus(True)
        self.decision.setFixedHeight(80)
        self.decision.setPlaceholderText("What they decided, e.g. strategy discussion held; section 47 enquiry opened")
        self.row("&Decision", "decision", self.decision)
        self.decision_at = DateTimeField(calendar_start=ctx.services.clock.today)
        self.decision_at.set_value(ctx.services.clock.now())
        self.row("&Received at", "decision_at", self.decision_at)
        self.finish()
        self.decision.setFocus()

    def submit(self) -> None:
        self.call(record_referral_decision, self._services, self._actor, self.referral.id,
                  self.decision.toPlainText(), self.decision_at.value(), self.referral.version_id)


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
            self.referral.addItem(f"{fmt_date(r.concern_at.date())}: {text}", r.id)
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


def _find(items: tuple[T, ...] | list[T], item_id: int | None) -> T | None:
    return next((i for i in items if getattr(i, "id", None) == item_id), None)


class SafeguardingPage(DetailedSectionTab):
    """Concerns and referrals in the top list, disclosures below; flags across the top."""

    def __init__(self, ctx: RecordContext, spec: SectionSpec) -> None:
        super().__init__(ctx, spec, ReferralsModel())
        self.view_data: SafeguardingView | None = None
        self.dialog: ServiceDialog | None = None
        self._pending_referral: int | None = None
        self._pending_select: int | None = None
        self._last_view: QTableView = self.view
        layout: QVBoxLayout = self.layout()  # type: ignore[assignment]
        about = self.findChild(QLabel, "hint")
        about.setText("Concerns for children and their referral to children's social care (refer the same day; "
                      "a decision is due within one working day), and disclosures under s.327A or the Child Sex "
                      "Offender Disclosure Scheme.")
        self.flags = QLabel()
        self.flags.setObjectName("flagBanner")
        self.flags.setStyleSheet(FLAG_STYLE)
        self.flags.setWordWrap(True)
        self.flags.setTextFormat(Qt.TextFormat.PlainText)
        self.flags.setVisible(False)
        layout.insertWidget(1, self.flags)

        self.concern_button = self.add_button_for("Record a concern...", self.open_concern,
                                                  tip="A new concern for a child (Ctrl+N)")
        self.concern_button.setShortcut(QKeySequence("Ctrl+N"))
        self.referral_button = self.add_button_for("Record the referral...", self.open_referral_for_selected,
                                                   tip="When, to whom and their reference (Ctrl+E)")
        self.referral_button.setShortcut(QKeySequence("Ctrl+E"))
        self.decision_button = self.add_button_for("Record the decision received...", self.open_decision,
                                                   tip="What children's social care decided, and when")
        self.empty.setText("No concerns recorded.")

        # Referrals: the base list, with a heading and the selected one in full.
        layout.removeWidget(self.stack)
        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        heading = QLabel("Concerns and referrals")
        heading.setObjectName("headerCaption")
        heading.setStyleSheet("font-weight: 600; font-size: 10pt;")
        top_layout.addWidget(heading)
        top_layout.addWidget(self.stack, 1)
        self.wrap_columns(self.view, {0: "23/11/2026 09:15", 2: "No decision within", 3: "to Northam Children's",
                                      4: "2 days 23 h", 5: "Awaited (due by end"}, stretch=1)

        # Disclosures.
        bottom = QWidget()
        bottom_layout = QVBoxLayout(bottom)
        bottom_layout.setContentsMargins(0, 6, 0, 0)
        row = QHBoxLayout()
        heading = QLabel("Disclosures")
        heading.setObjectName("headerCaption")
        heading.setStyleSheet("font-weight: 600; font-size: 10pt;")
        row.addWidget(heading)
        row.addStretch(1)
        self.disclosure_button = QPushButton("Record a disclosure decision...")
        self.disclosure_button.setToolTip("An s.327A decision or a disclosure scheme application (Ctrl+D)")
        self.disclosure_button.setShortcut(QKeySequence("Ctrl+D"))
        self.disclosure_button.clicked.connect(self.open_disclosure)
        self.progress_button = QPushButton("Update disclosure scheme progress...")
        self.progress_button.setToolTip("Checks, interview, decision, disclosure and completion")
        self.progress_button.clicked.connect(self.open_progress)
        for button in (self.disclosure_button, self.progress_button):
            button.setVisible(self.can_write)
            row.addWidget(button)
        bottom_layout.addLayout(row)
        self.disclosures = DisclosuresModel(self)
        self.disclosure_view = sorted_list_view(self.disclosures)
        self.wrap_columns(self.disclosure_view, {0: "Disclosure scheme", 1: "23/11/2026 09:15",
                                                 2: "Do not disclose (Sam Supervisor)", 3: "Carol Jones (mother),",
                                                 4: "Returned"}, stretch=5)
        self.disclosure_view.selectionModel().selectionChanged.connect(
            lambda *_: self._focus_table(self.disclosure_view))
        self.view.selectionModel().selectionChanged.connect(lambda *_: self._focus_table(self.view))
        self.disclosures_empty = QLabel("No disclosures recorded.")
        self.disclosures_empty.setObjectName("emptyState")
        self.disclosures_empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.disclosure_stack = QStackedWidget()
        self.disclosure_stack.addWidget(self.disclosure_view)
        self.disclosure_stack.addWidget(self.disclosures_empty)
        bottom_layout.addWidget(self.disclosure_stack, 1)

        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(top)
        splitter.addWidget(bottom)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([3000, 2000])  # referrals get the larger share, whatever the size hints say
        self.splitter = splitter
        layout.addWidget(splitter, 1)
        self.detail_text = detail_label()  # the selected concern or disclosure in full
        layout.addWidget(self.detail_text)
        self._selection_changed()

    # --- showing -------------------------------------------------------------------------------

    def set_entries(self, entries: tuple[EntryRow, ...]) -> None:
        referrals = tuple(e for e in entries if e.entity == "safeguarding_referral")
        super().set_entries(referrals)
        if hasattr(self, "disclosures"):
            disclosures = tuple(e for e in entries if e.entity == "disclosure")
            self.disclosures.set_rows(disclosures)
            self.disclosure_stack.setCurrentWidget(self.disclosure_view if disclosures else self.disclosures_empty)

    def count(self) -> int:
        extra = sum(1 for e in self.disclosures.rows() if not e.voided) if hasattr(self, "disclosures") else 0
        return self.active_count() + extra

    def fetch(self, services, actor, offender_id):
        return safeguarding_for(services, actor, offender_id)

    def show_details(self, view: SafeguardingView) -> None:
        self.view_data = view
        order = [r.id for r in reversed(view.referrals)]  # newest concern first
        self.model.set_details({r.id: r for r in view.referrals}, order)
        self.disclosures.set_details({d.id: d for d in view.disclosures}, [d.id for d in reversed(view.disclosures)])
        self.flags.setText("\n".join(f"\u2022 {line}" for line in view.flags))
        self.flags.setVisible(bool(view.flags))
        if self._pending_select is not None:
            self.select_entry(self._pending_select)
            self._pending_select = None
        if self._pending_referral is not None and _find(view.referrals, self._pending_referral) is not None:
            referral_id, self._pending_referral = self._pending_referral, None
            self.select_entry(referral_id)
            self._open_referral_dialog(referral_id)

    def _focus_table(self, view: QTableView) -> None:
        if view.selectionModel().hasSelection():
            self._last_view = view
            other = self.view if view is self.disclosure_view else self.disclosure_view
            other.selectionModel().blockSignals(True)
            other.clearSelection()
            other.selectionModel().blockSignals(False)
        self._selection_changed()

    def selected_entry(self) -> EntryRow | None:
        view = getattr(self, "_last_view", self.view)
        rows = view.selectionModel().selectedRows()
        if not rows:
            return None
        return view.model().mapToSource(rows[0]).data(Qt.ItemDataRole.UserRole + 1)

    def selected_referral(self) -> ReferralView | None:
        entry = self.selected_entry()
        return self.model.detail(entry) if entry is not None and entry.entity == "safeguarding_referral" else None

    def selected_disclosure(self) -> DisclosureView | None:
        entry = self.selected_entry()
        return self.disclosures.detail(entry) if entry is not None and entry.entity == "disclosure" else None

    def _selection_changed(self, *_args) -> None:
        super()._selection_changed()
        if not hasattr(self, "detail_text"):
            return
        referral, disclosure = self.selected_referral(), self.selected_disclosure()
        self.referral_button.setEnabled(referral is not None and referral.referred_at is None)
        self.decision_button.setEnabled(referral is not None and referral.referred_at is not None
                                        and referral.decision_at is None)
        self.progress_button.setEnabled(disclosure is not None and disclosure.completed_at is None)
        text = self._referral_text(referral) if referral else self._disclosure_text(disclosure) if disclosure else ""
        self.detail_text.setText(text)
        self.detail_text.setVisible(bool(text))

    @staticmethod
    def _referral_text(r: ReferralView) -> str:
        lines = [f"Concern ({fmt_datetime(r.concern_at)}): {r.concern}"]
        if r.referred_at:
            lines.append(f"Referred {fmt_datetime(r.referred_at)} by {r.referred_by or 'unknown'} to {r.agency}"
                         + (f", reference {r.reference}" if r.reference else "")
                         + f"; {duration_text(r.concern_to_referral)} after the concern.")
        else:
            lines.append("Not yet referred to children's social care.")
        if r.decision_at:
            lines.append(f"Decision received {fmt_datetime(r.decision_at)}: {r.decision}")
        flags = referral_flags(r)
        if flags:
            lines.append("Flags: " + "; ".join(flags) + ".")
        return "\n".join(lines)

    @staticmethod
    def _disclosure_text(d: DisclosureView) -> str:
        lines = [ROUTE_LABEL.get(d.route, d.route) + (f": applied {fmt_datetime(d.applied_at)} by {d.applicant}"
                                                      if d.applied_at else "")]
        if d.deadlines is not None:
            lines.append("; ".join(x for x in (_stage("Checks", d.checks_at, d.deadlines.checks_by),
                                               _stage("interview", d.interview_at, d.deadlines.interview_by),
                                               _stage("complete", d.completed_at, d.deadlines.complete_by)) if x))
        if d.decision:
            lines.append(f"Decision: {DECISION_LABELS.get(d.decision, d.decision)}"
                         + (f" by {d.decided_by}" if d.decided_by else "")
                         + (f" (sign-off {d.sign_off_status})" if d.sign_off_status else ""))
        if d.reasons:
            lines.append(f"Reasons: {d.reasons}")
        if d.disclosed_to:
            lines.append(f"Told: {d.disclosed_to}, {fmt_datetime(d.disclosed_at)}"
                         + (f"; conditions: {d.conditions}" if d.conditions else ""))
        if d.overdue_stages:
            lines.append("Overdue: " + ", ".join(s.value for s in d.overdue_stages))
        return "\n".join(lines)

    # --- workflows -----------------------------------------------------------------------------

    def open_concern(self) -> ConcernDialog | None:
        if self.record is None or not self.can_write:
            return None
        return self.open_dialog(ConcernDialog(self.ctx, self.record, parent=self), self._concern_saved)

    def _concern_saved(self, referral: ReferralView) -> None:
        self._pending_select = referral.id
        self.ctx.reload()

    def open_referral(self, referral_id: int) -> ReferralDialog | None:
        """Open the referral form for a concern: now if it is listed, else once it is."""
        if self.view_data is not None and _find(self.view_data.referrals, referral_id) is not None \
                and self._pending_referral is None:
            self.select_entry(referral_id)
            return self._open_referral_dialog(referral_id)
        self._pending_referral = referral_id
        return None

    def _open_referral_dialog(self, referral_id: int) -> ReferralDialog | None:
        if not self.can_write:
            return None
        referral = _find(self.view_data.referrals, referral_id) if self.view_data else None
        dialog = ReferralDialog(self.ctx, referral_id, referral, parent=self)
        self.open_dialog(dialog)
        return dialog

    def open_referral_for_selected(self) -> ReferralDialog | None:
        referral = self.selected_referral()
        if referral is None and self.view_data is not None:
            waiting = [r for r in self.view_data.referrals if r.referred_at is None]
            referral = waiting[0] if len(waiting) == 1 else None
        if referral is None or referral.referred_at is not None:
            return None
        return self._open_referral_dialog(referral.id)

    def open_decision(self) -> DecisionDialog | None:
        referral = self.selected_referral()
        if referral is None or referral.referred_at is None or referral.decision_at is not None or not self.can_write:
            return None
        return self.open_dialog(DecisionDialog(self.ctx, referral, parent=self))

    def open_disclosure(self) -> DisclosureDialog | None:
        if self.record is None or not self.can_write:
            return None
        referrals = self.view_data.referrals if self.view_data else ()
        return self.open_dialog(DisclosureDialog(self.ctx, self.record, referrals, parent=self))

    def open_progress(self) -> DisclosureDialog | None:
        disclosure = self.selected_disclosure()
        if self.record is None or disclosure is None or not self.can_write:
            return None
        referrals = self.view_data.referrals if self.view_data else ()
        return self.open_dialog(DisclosureDialog(self.ctx, self.record, referrals, disclosure, parent=self))


@record_page("relationships")
def relationships_page(ctx: RecordContext, spec: SectionSpec) -> RelationshipsPage:
    return RelationshipsPage(ctx, spec)


@record_page("safeguarding")
def safeguarding_page(ctx: RecordContext, spec: SectionSpec) -> SafeguardingPage:
    return SafeguardingPage(ctx, spec)
