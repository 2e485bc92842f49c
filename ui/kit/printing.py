"""Printing a PDF the app made on a printer the user chooses in the system print dialog.

The reports are PDFs (rso_manager/reports); printing renders each page with pypdfium2 at the
printer's resolution and paints it onto the QPrinter, one page at a time. QPainter may paint on
a QPrinter outside the GUI thread, so print_pdf runs on the worker with progress and a Cancel;
only asking for the printer (a modal dialog: the user's answer) is on the GUI thread, and it is
injected (AskPrinter) so tests answer it with a QPrinter writing a PDF file.

A letter or an acknowledgement is saved first (the file is the record that it was produced)
and then printed: print_saved_pdf is that one sequence, for every page that prints one.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

import pypdfium2 as pdfium
from PySide6.QtCore import QRectF, QUrl
from PySide6.QtGui import QDesktopServices, QImage, QPainter
from PySide6.QtPrintSupport import QAbstractPrintDialog, QPrintDialog, QPrinter
from PySide6.QtWidgets import QDialog, QWidget

from ui.prompter import Prompter
from ui.worker import Worker

# (parent, title) -> the printer the user chose and set up, or None if they cancelled.
AskPrinter = Callable[[QWidget | None, str], QPrinter | None]

# Opens a saved document for the user (the desktop's viewer; tests record the path instead).
Opener = Callable[[Path | str], Any]

# Above this a page's bitmap passes 140 MB (A4 at 600 dpi, 4 bytes a pixel) for no difference
# an office printer shows.
MAX_DPI = 600


class PrintCancelled(Exception):
    """The user cancelled while pages were being sent: the print job was abandoned."""


class ReportPrinter:
    """A host part that prints a report for a scope (compliance figures for the force, a team,
    an officer). A page showing figures asks `host.part(ReportPrinter)` for it, instead of
    importing the workflow that prints."""

    def open_dialog(self, scope: Any = None) -> Any:
        raise NotImplementedError


def ask_printer(parent: QWidget | None, title: str) -> QPrinter | None:
    """The system print dialog, for every page of the document."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle(title)
    dialog.setOption(QAbstractPrintDialog.PrintDialogOption.PrintToFile, True)
    dialog.setOption(QAbstractPrintDialog.PrintDialogOption.PrintPageRange, True)
    return printer if dialog.exec() == QDialog.DialogCode.Accepted else None


def printer_label(printer: QPrinter) -> str:
    """The printer the user chose, in words: its name, or the file "Print to file" writes."""
    if printer.outputFileName():
        return f"the file {printer.outputFileName()}"
    return printer.printerName() or "the printer"


def page_count(pdf: bytes) -> int:
    document = pdfium.PdfDocument(pdf)
    try:
        return len(document)
    finally:
        document.close()


def _pages_wanted(printer: QPrinter, count: int) -> range:
    """The page range chosen in the print dialog (1-based, 0 meaning all), as 0-based indexes."""
    first, last = printer.fromPage(), printer.toPage()
    if first <= 0 and last <= 0:
        return range(count)
    first = max(1, first)
    last = count if last <= 0 else min(last, count)
    return range(first - 1, last)


def print_pdf(pdf: bytes, printer: QPrinter, *, cancelled: Callable[[], bool] = lambda: False,
              progress: Callable[[int, int], None] | None = None) -> int:
    """Send PDF's pages (those chosen in the dialog) to PRINTER, each scaled to fit the printable
    area and centred; returns the number of pages sent. May run off the GUI thread, as long as
    nothing else uses PRINTER meanwhile. CANCELLED is asked before each page; a cancel abandons
    the job (PrintCancelled)."""
    document = pdfium.PdfDocument(pdf)
    painter = QPainter()
    sent = 0
    try:
        pages = _pages_wanted(printer, len(document))
        dpi = min(printer.resolution(), MAX_DPI)
        if not pages:
            return 0
        if not painter.begin(printer):
            raise OSError(f"Printing on {printer_label(printer)} could not be started.")
        area = printer.pageRect(QPrinter.Unit.DevicePixel)
        for position, index in enumerate(pages):
            if cancelled():
                printer.abort()  # the job goes no further (a printer may have printed pages it had)
                raise PrintCancelled(f"Printing cancelled after {sent} of {len(pages)} pages.")
            if progress is not None:
                progress(position, len(pages))
            if position:
                printer.newPage()
            page = document[index]
            bitmap = page.render(scale=dpi / 72, rev_byteorder=True, prefer_bgrx=True)
            try:
                image = QImage(bitmap.buffer, bitmap.width, bitmap.height, bitmap.stride,
                               QImage.Format.Format_RGBX8888)
                scale = min(area.width() / image.width(), area.height() / image.height())
                width, height = image.width() * scale, image.height() * scale
                target = QRectF((area.width() - width) / 2, (area.height() - height) / 2, width, height)
                painter.drawImage(target, image)
            finally:
                bitmap.close()
                page.close()
            sent += 1
        if progress is not None:
            progress(len(pages), len(pages))
        return sent
    finally:
        if painter.isActive():
            painter.end()
        document.close()


# --- a PDF the app has saved, then printed -----------------------------------------------------


def open_in_viewer(path: Path | str) -> None:
    """The saved document in the desktop's PDF viewer."""
    QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


class PrintingPlace(Protocol):
    """Where a print is asked for: a record page's RecordContext or the main window's host."""

    @property
    def worker(self) -> Worker: ...

    @property
    def prompter(self) -> Prompter: ...

    def show_status(self, text: str) -> None: ...

    def report(self, exc: BaseException, title: str = ...) -> None: ...


def _print_file(path: Path, printer: QPrinter) -> int:
    """Worker thread: the saved PDF's pages onto PRINTER."""
    return print_pdf(path.read_bytes(), printer)


def _pages(count: int) -> str:
    return f"{count} page{'s' if count != 1 else ''}"


def print_saved_pdf(place: PrintingPlace, path: Path, what: str, *, parent: QWidget, ask: AskPrinter,
                    opener: Opener, done: Callable[[str], None] | None = None) -> None:
    """GUI thread, once PATH holds a PDF the app has just saved (the record that WHAT, "warning
    letter", was produced, audited by the service that made it): the system print dialog, then
    the pages sent on the worker and a status message saying how many went to which printer.
    Cancelling the dialog prints nothing, keeps the file, says where it is and offers to open
    it. DONE, if given, hears "printed", "cancelled" or "failed"."""
    finish = done or (lambda _how: None)
    printer = ask(parent, f"Print the {what}")
    if printer is None:
        place.show_status(f"The {what} was not printed; it is saved as {path}")
        if place.prompter.confirm(f"{what.capitalize()} not printed",
                                  f"The {what} was not printed. It is saved as\n{path}\n\nOpen it now?",
                                  ok="Open", cancel="Close"):
            opener(path)
        finish("cancelled")
        return
    where = printer_label(printer)
    place.show_status(f"Sending the {what} to {where}...")

    def sent(count: int) -> None:
        place.show_status(f"The {what} was printed: {_pages(count)} sent to {where}. It is saved as {path}")
        finish("printed")

    def failed(exc: BaseException) -> None:
        place.show_status(f"The {what} was not printed; it is saved as {path}")
        if isinstance(exc, OSError):  # the printer's doing (offline, out of reach), not a fault to apologise for
            place.prompter.warning(f"The {what} was not printed",
                                   f"{exc}\n\nThe {what} is saved as\n{path}\nand can be printed from there.")
        else:
            place.report(exc, f"The {what} was not printed")
        finish("failed")

    place.worker.submit(_print_file, path, printer, owner=parent, on_success=sent, on_error=failed)
