"""Concerns for a child and their referral to children's social care, with the clocks the
service works out: referred the same day? a decision within one working day?"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import (
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from rso_manager.domain.dates import london_day
from rso_manager.domain.safeguarding_response import children_named
from rso_manager.services.caseload import EntryRow, OffenderRecord
from rso_manager.services.safeguarding import (
    SENT_METHOD_LABEL,
    SENT_METHODS,
    ReferralView,
    record_acknowledgement,
    record_concern,
    record_referral,
    record_referral_decision,
    referral_flags,
)
from ui.kit.dialogs import ServiceDialog
from ui.kit.formatting import duration_text, fmt_date, fmt_datetime
from ui.kit.forms import DateTimeField, combo_data
from ui.kit.record_page import (
    DetailedEntries,
    RecordContext,
)
from ui.kit.tables import Column
from ui.workflows.safeguarding.labels import day_order, short


def _decision_cell(r: ReferralView) -> str:
    if r.decision_at is not None:
        return f"{fmt_datetime(r.decision_at)}: {r.decision}"
    if r.decision_due is not None:
        return f"Awaited (due by end of {fmt_date(london_day(r.decision_due))})"
    return ""



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
                   lambda e: d(e).concern_at.timestamp() if d(e) else day_order(e)),
            Column("Concern", lambda e: short(d(e).concern, 90) if d(e) else short(e.summary, 90),
                   tooltip=lambda e: e.summary),
            Column("Flags", lambda e: "\n".join(referral_flags(d(e))) if d(e) else ""),
            Column("Referred", lambda e: "Entered in error" if e.voided else (_referred_cell(d(e)) if d(e) else e.status)),
            Column("Time to refer", lambda e: duration_text(d(e).concern_to_referral) if d(e) else "",
                   lambda e: d(e).concern_to_referral.total_seconds() if d(e) and d(e).concern_to_referral else -1),
            Column("Social care decision", lambda e: short(_decision_cell(d(e)), 90) if d(e) else "",
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


class ConcernDialog(ServiceDialog):
    def __init__(self, ctx: RecordContext, record: OffenderRecord, parent: QWidget | None = None) -> None:
        super().__init__(ctx.services, ctx.actor, ctx.worker, ctx.prompter, title="Record a concern",
                         heading=f"Record a concern for a child: {record.name} ({record.reference})",
                         hint="Record the concern as soon as it is known. It opens the safeguarding response: the "
                              "referral to children's social care due the same working day, the s.327A disclosure "
                              "decision and a check that each child named is safe, each on its own clock.",
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
        # Each child named gets a safety check; the referral and the s.327A decision open too.
        self.children = QLineEdit()
        self.children.setMaxLength(400)
        self.children.setPlaceholderText("Names or descriptions, separated by commas, e.g. Amy (7), nephew (12)")
        self.children.setAccessibleName("Children the concern is about")
        self.row("C&hildren", "children", self.children)
        self.finish()
        self.concern.setFocus()

    def submit(self) -> None:
        self.call(record_concern, self._services, self._actor, self.record.offender_id, self.concern.toPlainText(),
                  self.concern_at.value(), combo_data(self.relationship),
                  children=children_named(self.children.text()))


class ReferralDialog(ServiceDialog):
    """The referral recorded as sent: when, to whom, how, and the local authority's reference."""

    def __init__(self, ctx: RecordContext, referral_id: int, referral: ReferralView | None,
                 parent: QWidget | None = None) -> None:
        concern = referral.concern if referral else "the concern just recorded"
        since = f" (known since {fmt_datetime(referral.concern_at)})" if referral else ""
        super().__init__(ctx.services, ctx.actor, ctx.worker, ctx.prompter, title="Record the referral as sent",
                         heading="Record the referral to children's social care as sent",
                         hint=f"Concern{since}: {concern}\n\nRefer it the same day. The local authority's "
                              "acknowledgement and decision are due within one working day of the referral.",
                         save_text="Record as sent", parent=parent)
        self.referral_id, self.version_id = referral_id, referral.version_id if referral else None
        self.referred_at = DateTimeField(calendar_start=ctx.services.clock.today)
        self.referred_at.set_value(ctx.services.clock.now())
        self.row("&Sent at", "referred_at", self.referred_at)
        self.sent_method = QComboBox()
        self.sent_method.addItem("Choose how it was sent", None)
        for method in SENT_METHODS:
            self.sent_method.addItem(SENT_METHOD_LABEL[method], method)
        self.row("&How", "sent_method", self.sent_method)
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
        self.call(record_referral, self._services, self._actor, self.referral_id, self.version_id,
                  self.referred_at.value(), self.agency.text(), self.reference.text() or None,
                  sent_method=combo_data(self.sent_method))


class AcknowledgementDialog(ServiceDialog):
    """The local authority's acknowledgement of a referral sent: when, and who acknowledged it."""

    def __init__(self, ctx: RecordContext, referral: ReferralView, parent: QWidget | None = None) -> None:
        sent = (f"Sent {fmt_datetime(referral.referred_at)} to {referral.agency}" if referral.referred_at
                else "Not yet recorded as sent")
        due = f" Due by the end of {fmt_date(london_day(referral.decision_due))}." if referral.decision_due else ""
        super().__init__(ctx.services, ctx.actor, ctx.worker, ctx.prompter, title="Record the acknowledgement",
                         heading="Record the local authority's acknowledgement",
                         hint=f"{sent}: {referral.concern}{due}", save_text="Record acknowledgement",
                         parent=parent)
        self.referral = referral
        self.acknowledged_at = DateTimeField(calendar_start=ctx.services.clock.today)
        self.acknowledged_at.set_value(ctx.services.clock.now())
        self.row("&Received at", "acknowledged_at", self.acknowledged_at)
        self.acknowledged_by = QLineEdit()
        self.acknowledged_by.setMaxLength(200)
        self.acknowledged_by.setPlaceholderText("Name and role, e.g. Sam Patel, duty social worker")
        self.row("&Acknowledged by", "acknowledged_by", self.acknowledged_by)
        self.finish()
        self.acknowledged_by.setFocus()

    def submit(self) -> None:
        self.call(record_acknowledgement, self._services, self._actor, self.referral.id, self.referral.version_id,
                  self.acknowledged_at.value(), self.acknowledged_by.text())


class DecisionDialog(ServiceDialog):
    def __init__(self, ctx: RecordContext, referral: ReferralView, parent: QWidget | None = None) -> None:
        due = f" It was due by the end of {fmt_date(london_day(referral.decision_due))}." if referral.decision_due else ""
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
                  self.referral.version_id, self.decision.toPlainText(), self.decision_at.value())
