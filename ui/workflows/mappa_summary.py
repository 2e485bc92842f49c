"""The record window's "MAPPA summary..." (Ctrl+Shift+M): the case on paper for a MAPPA meeting or a
plan review, with the person's photograph (issue 15 item 5, issue 14 item 4).

Clicking it (or the shortcut) asks where to save the PDF; its menu also offers Print..., which
saves it privately and sends it to a printer the user chooses, as a warning letter is printed.
Either way the service writes the file owner-only with its audit row; it is built on the worker,
so the record window stays usable meanwhile. Not offered to roles that cannot read cases.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu

from rso_manager.domain.roles import Permission
from rso_manager.services.mappa_summary import print_meeting_summary, summary_file_name
from ui.extensions import record_action
from ui.kit.printing import AskPrinter, Opener, ask_printer, open_in_viewer, print_saved_pdf
from ui.kit.record_page import RecordContext
from ui.kit.save_location import (
    PDF_FILTER,
    Chooser,
    choose_save_path,
    documents_folder,
    with_suffix,
)

SHORTCUT = "Ctrl+Shift+M"
WHAT = "MAPPA summary"


class MappaSummaryAction(QAction):
    """The toolbar action. Test seams: chooser, ask_printer, opener, folder; `finished_job` says
    "saved", "printed", "cancelled" or "failed"."""

    finished_job = Signal(str)

    def __init__(self, ctx: RecordContext) -> None:
        super().__init__(f"{WHAT}...", ctx.window)
        self.ctx = ctx
        self.chooser: Chooser = choose_save_path
        self.ask_printer: AskPrinter = ask_printer
        self.opener: Opener = open_in_viewer
        self.folder: Callable[[], Path] = documents_folder
        self.setObjectName("mappaSummaryAction")
        self.setShortcut(QKeySequence(SHORTCUT))
        self.setToolTip(f"The case on paper for a MAPPA meeting or plan review, with the photograph, "
                        f"marked OFFICIAL-SENSITIVE: saved as a PDF only you can read, or printed "
                        f"({SHORTCUT}). Recorded in the audit trail.")
        menu = QMenu(ctx.window)
        self.save_action = menu.addAction("Save as PDF...")
        self.save_action.triggered.connect(self.save)
        self.print_action = menu.addAction("Print...")
        self.print_action.triggered.connect(self.print_summary)
        self.setMenu(menu)
        self.triggered.connect(self.save)

    def _file_name(self) -> str:
        return summary_file_name(self.ctx.record().reference, self.ctx.services.clock.today())

    def save(self) -> None:
        suggested = str(self.folder() / self._file_name())
        chosen = self.chooser(self.ctx.window, f"Save the {WHAT}", suggested, PDF_FILTER)
        if not chosen:
            return
        self._build(with_suffix(chosen, ".pdf"), self._saved)

    def print_summary(self) -> None:
        """Saved first in a private folder (the file is the record that it was printed), then
        the print dialog."""
        self._build(Path(tempfile.mkdtemp(prefix="rso-mappa-")) / self._file_name(), self._print)

    def _build(self, path: Path, then: Callable[[Path], None]) -> None:
        self.setEnabled(False)
        self.ctx.show_status(f"Preparing the {WHAT}...")

        def built(written: Path) -> None:
            self.setEnabled(True)
            then(written)

        def failed(exc: BaseException) -> None:
            self.setEnabled(True)
            self.ctx.show_status(f"The {WHAT} was not saved.")
            self.ctx.report(exc, f"The {WHAT} was not saved")
            self.finished_job.emit("failed")

        self.ctx.worker.submit(print_meeting_summary, self.ctx.services, self.ctx.actor,
                               self.ctx.record().offender_id, path, owner=self, on_success=built,
                               on_error=failed)

    def _saved(self, path: Path) -> None:
        self.ctx.show_status(f"Saved the {WHAT} as {path}")
        self.finished_job.emit("saved")

    def _print(self, path: Path) -> None:
        print_saved_pdf(self.ctx, path, WHAT, parent=self.ctx.window, ask=self.ask_printer, opener=self.opener,
                        done=self.finished_job.emit)


@record_action(order=20)
def mappa_summary_action(ctx: RecordContext) -> QAction | None:
    return MappaSummaryAction(ctx) if ctx.actor.can(Permission.READ_CASES) else None
