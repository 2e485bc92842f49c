"""The one "Correct..." dialog for any entry of the record, and "Reinstate..." for one marked as
entered in error. What may be corrected in place comes from the service (the domain's
correction policy): the dialog shows those fields with their values now and a reason box, and
says which fields are not corrected here and why."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QLabel, QLineEdit, QPlainTextEdit, QWidget

from rso_manager.services.caseload import EntryRow, OffenderRecord
from rso_manager.services.corrections import (
    CorrectionForm,
    correct_entry,
    correction_form,
    reinstate_entry,
)
from rso_manager.services.errors import ValidationFailed
from ui.kit.dialogs import ServiceDialog, record_heading
from ui.kit.widgets import text_editor

if TYPE_CHECKING:
    from ui.kit.record_page import RecordContext


class CorrectionDialog(ServiceDialog):
    """Test seams: `editors` (field name -> its box), `reason`; submit() presses Save."""

    failure_title = "Correction not saved"

    def __init__(self, ctx: RecordContext, form: CorrectionForm, entry: EntryRow,
                 record: OffenderRecord | None = None) -> None:
        super().__init__(
            ctx.services, ctx.actor, ctx.worker, ctx.prompter, title="Correct an entry",
            heading=record_heading("Correct an entry", record),
            hint=f"{entry.summary}\n\nPut right what was mistyped. The values before your correction stay in "
                 "the record's History with your reason; nothing else about the entry is looked at again.",
            save_text="Save correction", min_width=560, on_reload=ctx.reload, parent=ctx.window)
        self.form_read = form
        self.editors: dict[str, QLineEdit | QPlainTextEdit] = {}
        for f in form.fields:
            editor: QLineEdit | QPlainTextEdit
            if f.multiline:
                editor = text_editor(height=72)
                editor.setPlainText(f.value)
            else:
                editor = QLineEdit(f.value)
                if f.max_length:
                    editor.setMaxLength(f.max_length)
            self.editors[f.name] = editor
            self.row(f"{f.label}{'' if f.required else ' (optional)'}", f.name, editor)
        if form.not_in_place:
            labels = list(dict.fromkeys(label for label, _why in form.not_in_place))
            note = QLabel("Not corrected here, because the rules read them: " + ", ".join(labels)
                          + ". To change one, mark the entry as entered in error and record it again.")
            note.setObjectName("hint")
            note.setWordWrap(True)
            note.setToolTip("\n".join(f"{label}: changing it re-evaluates {why}." for label, why in form.not_in_place))
            self.not_here = note
            self.form.addRow(note)
        self.reason = text_editor("Why the entry is being corrected, e.g. the officer's notebook says otherwise", 56)
        self.row("&Reason", "reason", self.reason)
        self.finish()
        first = next(iter(self.editors.values()), None)
        (first or self.reason).setFocus()

    @staticmethod
    def _text(editor: QWidget) -> str:
        return editor.toPlainText() if isinstance(editor, QPlainTextEdit) else editor.text()  # type: ignore[attr-defined]

    def changes(self) -> dict[str, Any]:
        """Only the fields the user changed: the rest are not put right by this correction."""
        before = {f.name: f.value for f in self.form_read.fields}
        return {name: self._text(e) for name, e in self.editors.items() if self._text(e) != before[name]}

    def submit(self) -> None:
        f = self.form_read
        self.call(correct_entry, self._services, self._actor, f.entity, f.entry_id, f.version_id, self.changes(),
                  self.reason.toPlainText())


def start_correction(ctx: RecordContext, entry: EntryRow, record: OffenderRecord | None,
                     opened: Any = None) -> None:
    """Read what may be corrected of ENTRY, then open the dialog (given to OPENED(dialog), which
    keeps it and connects its `saved`)."""

    def show(form: CorrectionForm) -> None:
        dialog = CorrectionDialog(ctx, form, entry, record)
        dialog.saved.connect(lambda _r: (ctx.show_status("Correction saved: what it said before is in History."),
                                         ctx.reload()))
        if opened is not None:
            opened(dialog)
        dialog.open()

    ctx.worker.submit(correction_form, ctx.services, ctx.actor, entry.entity, entry.id, owner=ctx.window,
                      on_success=show, on_error=lambda exc: ctx.report(exc, "The entry could not be read to correct"))


def reinstate(ctx: RecordContext, entry: EntryRow, *, problem: str | None = None, text: str = "") -> None:
    """Reverse "entered in error" for ENTRY, with a reason asked for (and asked again while the
    service refuses it)."""
    reason = ctx.prompter.ask_reason(
        "Reinstate an entry",
        f"Why was this entry not entered in error after all?\n\n{entry.summary}\n\nIt counts again on the "
        "record; History keeps both its marking in error and this reinstatement.", text=text, problem=problem)
    if reason is None:
        return

    def failed(exc: BaseException) -> None:
        if isinstance(exc, ValidationFailed) and exc.for_field("reason"):
            reinstate(ctx, entry, problem=exc.for_field("reason"), text=reason)
        else:
            ctx.report(exc, "Not reinstated")

    def done(_result: object) -> None:
        ctx.show_status("Entry reinstated: History keeps its marking in error and your reason.")
        ctx.reload()

    ctx.worker.submit(reinstate_entry, ctx.services, ctx.actor, entry.entity, entry.id, entry.version_id, reason,
                      owner=ctx.window, on_success=done, on_error=failed)
