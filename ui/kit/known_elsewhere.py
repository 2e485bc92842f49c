"""A note under a form's field: the value being recorded is already on another case (issue 15).

When the field loses the focus, or its text stops changing for a moment, the value is looked up
in the force's search index on the worker; the note then says which other case holds it, no more
than the user's access allows (outside the link: the reference only, as the service words it),
and is hidden when no other case does. It never stops the save: knowing is the point.

A form adds it under the field it watches:

    self.phone_elsewhere = KnownElsewhereNote(ctx.services, ctx.worker, ctx.actor, "phone",
                                              self.phone, offender_id=record.offender_id)
    self.form.addRow("", self.phone_elsewhere)
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QLabel, QLineEdit, QWidget

from rso_manager.services import search
from rso_manager.services.errors import ServiceError
from rso_manager.services.search import ElsewhereHit
from rso_manager.services.unit_of_work import Actor, Services
from ui.worker import Worker

PAUSE_MS = 600  # typing has stopped: look the value up
MOST_SHOWN = 3  # cases named in the note; the rest are counted


def note_text(hits: tuple[ElsewhereHit, ...]) -> str:
    lines = [hit.sentence for hit in hits[:MOST_SHOWN]]
    more = len(hits) - MOST_SHOWN
    if more > 0:
        lines.append(f"... and on {more} more case{'s' if more > 1 else ''}.")
    return "\n".join(lines)


class KnownElsewhereNote(QLabel):
    """Test seams: `text()`, `isHidden()`, `checked_value` (the value the note is about), `check()`."""

    def __init__(self, services: Services, worker: Worker, actor: Actor, kind: str, field: QLineEdit,
                 offender_id: int | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services, self._worker, self._actor = services, worker, actor
        self.kind, self.field, self.offender_id = kind, field, offender_id
        self.setObjectName("knownElsewhere")
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setAccessibleName("Also recorded on another case")
        self.setVisible(False)
        self.checked_value: str | None = None  # what the shown note (or its absence) answers
        self._asked = 0
        self.pause = QTimer(self)
        self.pause.setSingleShot(True)
        self.pause.setInterval(PAUSE_MS)
        self.pause.timeout.connect(self.check)
        field.textChanged.connect(lambda _t: self.pause.start())
        field.editingFinished.connect(self.check)  # the focus left, or Return

    def check(self) -> None:
        """Look the field's value up now (once per value)."""
        self.pause.stop()
        value = self.field.text().strip()
        if value == self.checked_value:
            return
        self._asked += 1
        asked = self._asked
        if not value:
            self._show(asked, value, ())
            return
        self._worker.submit(search.known_elsewhere, self._services, self._actor, self.kind, value,
                            offender_id=self.offender_id, owner=self,
                            on_success=lambda hits: self._show(asked, value, hits),
                            on_error=lambda exc: self._failed(asked, value, exc))

    def _show(self, asked: int, value: str, hits: tuple[ElsewhereHit, ...]) -> None:
        if asked != self._asked:
            return  # the field changed since: a newer look-up answers
        self.checked_value = value
        self.setText(note_text(hits))
        self.setVisible(bool(hits))

    def _failed(self, asked: int, value: str, exc: BaseException) -> None:
        if isinstance(exc, ServiceError):
            # Too short to look up, or not the user's to search: the form says nothing more.
            self._show(asked, value, ())
            return
        self._show(asked, value, ())
        self._worker.unhandled_error.emit(exc)  # a fault: logged and apologised for by the app
