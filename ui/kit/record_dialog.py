"""A ServiceDialog opened from a part of one offender's record: on the record window, its
heading naming the record, and a save refused because someone else changed the entry offers
Reload, which re-reads the record."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from rso_manager.services.caseload import OffenderRecord
from ui.kit.dialogs import ServiceDialog, record_heading
from ui.kit.record_page import RecordContext


class RecordDialog(ServiceDialog):
    """Test seams: the field widgets are attributes; submit() presses the main button."""

    def __init__(self, ctx: RecordContext, record: OffenderRecord | None, title: str, hint: str = "",
                 *, save_text: str, width: int = 520, heading: str | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(ctx.services, ctx.actor, ctx.worker, ctx.prompter, title=title,
                         heading=record_heading(title, record) if heading is None else heading,
                         hint=hint, save_text=save_text, min_width=width, on_reload=ctx.reload,
                         parent=parent if parent is not None else ctx.window)
        self.ctx = ctx
        self.record = record
