"""On the record window: "Frontline briefing..." for those who make entries. The offender manager
reads the approved text (who approved it, when), writes a new one and approves it; a new text
for a case that has one says why it changes, and the old stays in the record's history."""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QLabel, QLineEdit

from rso_manager.domain import frontline_briefing as fb
from rso_manager.domain.roles import Permission
from rso_manager.services.briefings import (
    BriefingView,
    briefing_for,
    correct_briefing,
    record_briefing,
)
from rso_manager.services.caseload import OffenderRecord
from ui.extensions import record_action
from ui.kit.dialogs import ServiceDialog, record_heading
from ui.kit.formatting import fmt_datetime
from ui.kit.forms import RED
from ui.kit.record_page import RecordContext
from ui.kit.widgets import hint_label, text_editor

SHORTCUT = "Ctrl+Shift+F"


class BriefingDialog(ServiceDialog):
    """The case's briefing: the approved text as it stands, and a new one to approve."""

    def __init__(self, ctx: RecordContext, record: OffenderRecord) -> None:
        super().__init__(ctx.services, ctx.actor, ctx.worker, ctx.prompter, title="Frontline briefing",
                         heading=record_heading("Frontline briefing", record), save_text="Approve",
                         failure_title="Briefing not approved", min_width=620, on_reload=self.load,
                         parent=ctx.window)
        self.ctx, self.record = ctx, record
        self.current: BriefingView | None = None
        self.hint.setText("What response and neighbourhood officers are shown of this case, in an area's "
                          "briefing and its printed handout, once you approve it. Write for an officer on "
                          "patrol: who this is, what they could see breached, whom to call.")
        self.hint.setVisible(True)
        self.approval = hint_label("Reading the current briefing...")
        self.approval.setObjectName("briefingApproval")
        self.layout_.insertWidget(self.layout_.indexOf(self.errors.general), self.approval)
        self.summary = text_editor("Who they are and why it matters on patrol", 120)
        self.prohibitions = text_editor("e.g. No contact with anyone under 18. Not to drive a vehicle "
                                        "not notified. Not to enter Northam Park.", 90)
        self.contact = QLineEdit()
        self.contact.setMaxLength(fb.CONTACT_MAX)
        self.contact.setPlaceholderText("Left empty: the offender manager and the team")
        self.reason = QLineEdit()
        self.reason.setPlaceholderText("Why the briefing changes, e.g. a new vehicle notified")
        self.count = QLabel()
        self.count.setObjectName("hint")
        self.row("&Summary", "summary", self.summary)
        self.form.addRow("", self.count)
        self.row("&Prohibitions", "prohibitions", self.prohibitions)
        self.row("&Whom to call", "contact", self.contact)
        self.row("&Why it changes", "reason", self.reason)
        self._show_reason(False)
        self.summary.textChanged.connect(self._count)
        self.finish()
        self.save_button.setEnabled(False)  # until the current text is read
        self._count()
        self.load()

    def _show_reason(self, shown: bool) -> None:
        self.reason.parentWidget().setVisible(shown)
        label = self.form.labelForField(self.reason.parentWidget())
        if label is not None:
            label.setVisible(shown)

    def _count(self) -> None:
        n = len(self.summary.toPlainText().strip())
        self.count.setText(f"{n:,} of {fb.SUMMARY_MAX:,} characters")
        self.count.setStyleSheet(f"color: {RED};" if n > fb.SUMMARY_MAX else "")

    def load(self) -> None:
        self.ctx.worker.submit(briefing_for, self.ctx.services, self.ctx.actor, self.record.offender_id,
                               owner=self, on_success=self._loaded, on_error=self._not_loaded)

    def _not_loaded(self, exc: BaseException) -> None:
        self.approval.setText("The current briefing could not be read.")
        self.ctx.report(exc, "Briefing not read")

    def _loaded(self, current: BriefingView | None) -> None:
        self.current = current
        if current is None:
            self.approval.setText("No briefing is approved for this case yet: officers on patrol are not shown it.")
        else:
            when = fmt_datetime(current.approved_at) if current.approved_at else "an unknown time"
            earlier = (f" It replaced {current.earlier_texts} earlier text{'s' if current.earlier_texts != 1 else ''},"
                       " kept in the record's history." if current.earlier_texts else "")
            self.approval.setText(f"Approved by {current.approved_by or 'an unknown user'} on {when}.{earlier}")
            self.summary.setPlainText(current.summary)
            self.prohibitions.setPlainText(current.prohibitions or "")
            self.contact.setText(current.contact or "")
        self._show_reason(current is not None)
        self.mark_clean()
        self.save_button.setEnabled(True)
        self.fit()

    def submit(self) -> None:
        current = self.current
        text = {"summary": self.summary.toPlainText(), "prohibitions": self.prohibitions.toPlainText(),
                "contact": self.contact.text()}
        if current is None:
            self.call(record_briefing, self._services, self._actor, self.record.offender_id, **text)
        else:
            self.call(correct_briefing, self._services, self._actor, current.id, current.version_id,
                      reason=self.reason.text(), **text)

    def after_success(self, result: Any) -> None:
        self.ctx.show_status("Frontline briefing approved: officers on patrol in the area see it now.")


class BriefingAction(QAction):
    """The record window's action, holding the dialog it opens (a second press raises it). A
    child of the window, so it lasts as long as the window does."""

    def __init__(self, ctx: RecordContext) -> None:
        super().__init__("Frontline &briefing...", ctx.window)
        self.ctx = ctx
        self.dialog: BriefingDialog | None = None
        self.setShortcut(QKeySequence(SHORTCUT))
        self.setToolTip(f"What officers on patrol are shown of this case: write and approve it ({SHORTCUT})")
        self.triggered.connect(self.open)

    def open(self) -> BriefingDialog:
        if self.dialog is not None and self.dialog.isVisible():
            self.dialog.raise_()
            return self.dialog
        self.dialog = BriefingDialog(self.ctx, self.ctx.record())
        self.dialog.open()
        return self.dialog


@record_action(order=30)
def briefing_action(ctx: RecordContext) -> QAction | None:
    return BriefingAction(ctx) if ctx.actor.can(Permission.WRITE_CASES) else None
