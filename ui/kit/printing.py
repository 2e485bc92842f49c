"""Printing a PDF the app made on a printer the user chooses in the system print dialog.

The reports are PDFs (rso_manager/reports); printing renders each page with pypdfium2 at the
printer's resolution and paints it onto the QPrinter, one page at a time. QPainter may paint on
a QPrinter outside the GUI thread, so print_pdf runs on the worker with progress and a Cancel;
only asking for the printer (a modal dialog: the user's answer) is on the GUI thread, and it is
injected (AskPrinter) so tests answer it with a QPrinter writing a PDF file.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pypdfium2 as pdfium
from PySide6.QtCore import QRectF
from PySide6.QtGui import QImage, QPainter
from PySide6.QtPrintSupport import QAbstractPrintDialog, QPrintDialog, QPrinter
from PySide6.QtWidgets import QDialog, QWidget

# (parent, title) -> the printer the user chose and set up, or None if they cancelled.
AskPrinter = Callable[[QWidget | None, str], QPrinter | None]

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
            raise OSError(f"The printer {printer.printerName() or printer.outputFileName()} could not be started.")
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
