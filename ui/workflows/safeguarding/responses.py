"""A concern's safeguarding response on the record (issue 19): its three parts (the referral,
the s.327A disclosure consideration, a check on each child) with their owners, due times and
clocks, and the forms that complete a part, mark it not applicable, add a child or record the
force's PPN reference. Every time is shown in London local time."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QComboBox, QLineEdit, QPlainTextEdit, QWidget

from rso_manager.domain.safeguarding_response import (
    CHECK_RESULT_LABEL,
    CHECK_RESULTS,
    PartState,
)
from rso_manager.services.safeguarding import (
    Person,
    ResponsePart,
    ResponseView,
    action_owners,
    add_child_check,
    change_part_owner,
    record_child_check,
    record_disclosure_made,
    record_not_applicable,
    record_ppn_reference,
)
from rso_manager.services.supervision import sign_off_policy
from ui.kit.dialogs import ServiceDialog
from ui.kit.formatting import duration_text, fmt_datetime
from ui.kit.forms import RED, DateTimeField, RationaleBox, combo_data, select_data
from ui.kit.record_page import RecordContext
from ui.kit.tables import Column, RowsModel

_SIGN_OFF = {"pending": "Awaiting sign-off", "escalated": "Escalated to the OMU lead", "approved": "Signed off",
             "returned": "Returned by the supervisor"}


def clock_text(p: ResponsePart) -> str:
    """Where the part stands, as an officer says it: "Due in 5 h", "Overdue by 1 day 3 h"."""
    c = p.clock
    if c.state is PartState.NOT_APPLICABLE:
        return "Not applicable"
    if c.state is PartState.OVERDUE:
        return f"Overdue by {duration_text(c.late_by)}"
    if c.state is PartState.OPEN:
        return f"Due in {duration_text(c.due_in)}" if c.due_in is not None else "Open"
    if c.state is PartState.DONE_LATE:
        return f"Done {duration_text(c.late_by)} late"
    return "Done on time"


def outcome_text(p: ResponsePart) -> str:
    if p.clock.state is PartState.NOT_APPLICABLE:
        return f"Not applicable: {p.not_applicable_reason or ''}"
    if p.done_at is None:
        return ""
    return f"{p.done or 'Done'} ({fmt_datetime(p.done_at)})"


_SHORT_PART = {"safeguarding_referral": "Referral to children's social care",
               "disclosure": "s.327A disclosure decision", "child_safety_check": "Check child"}


def short_title(p: ResponsePart) -> str:
    """The part in a few words for its row; a check names its child (the title in full is its tooltip)."""
    if p.part == "child_safety_check" and ": " in p.title:
        return f"Check child: {p.title.split(': ', 1)[1]}"
    return _SHORT_PART.get(p.part, p.title)


def done_text(p: ResponsePart) -> str:
    sign_off = _SIGN_OFF.get(p.sign_off_status or "", "")
    return "\n".join(t for t in (outcome_text(p), sign_off) if t)


def _order(p: ResponsePart) -> Any:
    return p.clock.due_at.timestamp() if p.clock.due_at else 0


class ResponsePartsModel(RowsModel[ResponsePart]):
    """The selected concern's parts, in the order they are done; open and overdue in red."""

    COL_PART, COL_OWNER, COL_DUE, COL_CLOCK, COL_OUTCOME = range(5)

    def __init__(self, parent=None) -> None:
        super().__init__([
            Column("Part", short_title, tooltip=lambda p: p.title),
            Column("Owner", lambda p: p.owner or "Not named"),
            Column("Due by", lambda p: fmt_datetime(p.clock.due_at), _order),
            Column("Clock", clock_text, lambda p: (p.clock.state.value, _order(p))),
            Column("Done and sign-off", done_text, tooltip=done_text),
        ], parent)

    def extra(self, row: ResponsePart, column: int, role: int) -> Any:
        if row.clock.state is not PartState.OVERDUE or column not in (self.COL_DUE, self.COL_CLOCK):
            return None
        if role == Qt.ItemDataRole.ForegroundRole:
            return RED
        if role == Qt.ItemDataRole.FontRole:
            font = QFont()
            font.setBold(True)
            return font
        return None


def response_summary(r: ResponseView) -> str:
    """One line over the parts: what raised the concern, whether it was shared, the PPN."""
    shared = "referred to children's social care" if r.shared_with_csc else "not yet referred to children's social care"
    ppn = f"PPN {r.ppn_reference}" if r.ppn_reference else "no PPN reference recorded"
    still = f"{r.open_parts} part{'s' if r.open_parts != 1 else ''} open" if r.open_parts else "every part closed"
    return f"{r.origin_label}, {fmt_datetime(r.concern_at)}: {shared}; {ppn}; {still}."


class ChildCheckDialog(ServiceDialog):
    """The check that a child named in a concern is safe: when, and what was found."""

    def __init__(self, ctx: RecordContext, part: ResponsePart, parent: QWidget | None = None) -> None:
        super().__init__(ctx.services, ctx.actor, ctx.worker, ctx.prompter, title="Record the child safety check",
                         heading=part.title,
                         hint=f"Due by {fmt_datetime(part.clock.due_at)} ({clock_text(part).lower()}). Record when "
                              "the child was checked and what was found; anything but safe needs what was done.",
                         save_text="Record the check", parent=parent)
        self.part = part
        self.checked_at = DateTimeField(calendar_start=ctx.services.clock.today)
        self.checked_at.set_value(ctx.services.clock.now())
        self.row("&Checked at", "checked_at", self.checked_at)
        self.result = QComboBox()
        self.result.addItem("Choose the result", None)
        for result in CHECK_RESULTS:
            self.result.addItem(CHECK_RESULT_LABEL[result], result)
        self.row("&Result", "result", self.result)
        self.notes = QPlainTextEdit()
        self.notes.setTabChangesFocus(True)
        self.notes.setFixedHeight(80)
        self.notes.setPlaceholderText("Who saw the child, where, and what was done about anything found")
        self.row("&Notes", "result_notes", self.notes)
        self.finish()
        self.result.setFocus()

    def submit(self) -> None:
        self.call(record_child_check, self._services, self._actor, self.part.id, self.part.version_id,
                  combo_data(self.result), self.checked_at.value(), self.notes.toPlainText() or None)


class NotApplicableDialog(ServiceDialog):
    """A part marked not applicable, with the reasoning a supervisor signs off."""

    def __init__(self, ctx: RecordContext, part: ResponsePart, parent: QWidget | None = None) -> None:
        super().__init__(ctx.services, ctx.actor, ctx.worker, ctx.prompter, title="Mark the part not applicable",
                         heading=f"Not applicable: {part.title}",
                         hint="Say what was considered and why this part is not needed. The decision goes to a "
                              "supervisor to sign off; returned, the part is back on its clock.",
                         save_text="Mark not applicable", parent=parent)
        self.part = part
        self.reason = RationaleBox(placeholder="What was considered, and why this part is not needed for this child")
        self.row("&Reason", "not_applicable_reason", self.reason)
        self.finish()
        self.reason.editor.setFocus()
        ctx.worker.submit(sign_off_policy, ctx.services, ctx.actor, owner=self,
                          on_success=lambda p: self.reason.set_policy(p.min_words, p.guidance),
                          on_error=lambda _e: None)

    def submit(self) -> None:
        self.call(record_not_applicable, self._services, self._actor, self.part.part, self.part.id,
                  self.part.version_id, self.reason.text())


class AddChildDialog(ServiceDialog):
    """Another child named after the concern was raised: a safety check of their own."""

    def __init__(self, ctx: RecordContext, response: ResponseView, parent: QWidget | None = None) -> None:
        super().__init__(ctx.services, ctx.actor, ctx.worker, ctx.prompter, title="Add a child to check",
                         heading="Add a child to the safeguarding response",
                         hint=f"Concern: {response.concern}\n\nThe check is due one working day from now and is "
                              "owned by the case's offender manager.",
                         save_text="Add the child", parent=parent)
        self.response = response
        self.child = QLineEdit()
        self.child.setMaxLength(200)
        self.child.setPlaceholderText("Name or description, e.g. nephew, about 12")
        self.row("&Child", "child", self.child)
        self.finish()
        self.child.setFocus()

    def submit(self) -> None:
        self.call(add_child_check, self._services, self._actor, self.response.referral_id, self.child.text())


class PpnDialog(ServiceDialog):
    """The force's public protection notice raised for the concern: its reference."""

    def __init__(self, ctx: RecordContext, response: ResponseView, parent: QWidget | None = None) -> None:
        super().__init__(ctx.services, ctx.actor, ctx.worker, ctx.prompter, title="Record the PPN reference",
                         heading="Record the public protection notice (PPN)",
                         hint=f"Concern: {response.concern}\n\nThe reference the force's own PPN system gave "
                              "when the concern was shared there.",
                         save_text="Record the reference", parent=parent)
        self.response = response
        self.reference = QLineEdit(response.ppn_reference or "")
        self.reference.setMaxLength(60)
        self.reference.setPlaceholderText("e.g. PPN/26/004410")
        self.row("&PPN reference", "ppn_reference", self.reference)
        self.finish()
        self.reference.setFocus()

    def submit(self) -> None:
        self.call(record_ppn_reference, self._services, self._actor, self.response.referral_id,
                  self.response.version_id, self.reference.text())



class OwnerDialog(ServiceDialog):
    """One part given to another officer (leave, a case moving on): the new owner is reminded of
    it from now on. With a reason; the old owner stays in the record's history."""

    def __init__(self, ctx: RecordContext, part: ResponsePart, parent: QWidget | None = None) -> None:
        super().__init__(ctx.services, ctx.actor, ctx.worker, ctx.prompter, title="Change the part's owner",
                         heading=f"Change the owner: {part.title}",
                         hint=f"Owned by {part.owner or 'nobody named'}; due by {fmt_datetime(part.clock.due_at)}. "
                              "The new owner is reminded before it falls due; once overdue it escalates to "
                              "the supervisors as before.",
                         save_text="Change the owner", parent=parent)
        self.part = part
        self.owner = QComboBox()
        self.owner.addItem("Loading the officers...", None)
        self.owner.setAccessibleName("The new owner of the part")
        self.row("New &owner", "owner_id", self.owner)
        self.reason = QPlainTextEdit()
        self.reason.setTabChangesFocus(True)
        self.reason.setFixedHeight(70)
        self.reason.setPlaceholderText("Why the part changes hands, e.g. the owner is on leave until the 14th")
        self.reason.setAccessibleName("Why the part changes owner")
        self.row("&Reason", "owner_reason", self.reason)
        self.finish()
        self.owner.setFocus()
        ctx.worker.submit(action_owners, ctx.services, ctx.actor, owner=self, on_success=self.set_owners,
                          on_error=lambda exc: ctx.report(exc))

    def set_owners(self, people: list[Person]) -> None:
        self.owner.clear()
        self.owner.addItem("Choose the officer", None)
        for person in people:
            if person.id != self.part.owner_id:
                self.owner.addItem(person.name, person.id)

    def choose(self, user_id: int) -> None:
        select_data(self.owner, user_id)

    def submit(self) -> None:
        self.call(change_part_owner, self._services, self._actor, self.part.part, self.part.id,
                  self.part.version_id, combo_data(self.owner), self.reason.toPlainText())


class DisclosureMadeDialog(ServiceDialog):
    """A decision to disclose carried out: who was told and when."""

    def __init__(self, ctx: RecordContext, part: ResponsePart, parent: QWidget | None = None) -> None:
        super().__init__(ctx.services, ctx.actor, ctx.worker, ctx.prompter, title="Record the disclosure made",
                         heading="Record the disclosure made",
                         hint="The decision was to disclose. Record who was told (the parent, carer or other "
                              "person best placed to protect the child) and when.",
                         save_text="Record the disclosure", parent=parent)
        self.part = part
        self.disclosed_to = QLineEdit()
        self.disclosed_to.setMaxLength(200)
        self.disclosed_to.setPlaceholderText("Who was told, e.g. Carol Jones, the child's mother")
        self.row("&Told", "disclosed_to", self.disclosed_to)
        self.disclosed_at = DateTimeField(calendar_start=ctx.services.clock.today)
        self.disclosed_at.set_value(ctx.services.clock.now())
        self.row("Told &at", "disclosed_at", self.disclosed_at)
        self.finish()
        self.disclosed_to.setFocus()

    def submit(self) -> None:
        self.call(record_disclosure_made, self._services, self._actor, self.part.id, self.part.version_id,
                  self.disclosed_to.text(), self.disclosed_at.value())
