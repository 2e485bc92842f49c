"""A written warning as a one-page A4 letter, marked OFFICIAL-SENSITIVE top and bottom.

Pure: the caller passes the text, so the letter shows exactly what the record holds. Set in
the bundled DejaVu Sans (reports.fonts), so any name prints as typed.
"""

from __future__ import annotations

from datetime import date
from io import BytesIO
from xml.sax.saxutils import escape

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

from rso_manager.reports.fonts import FONT, FONT_BOLD, sample_styles

MARKING = "OFFICIAL-SENSITIVE"


class _NumberedCanvas(Canvas):
    """Draws the marking and "Page N of M" once the page count is known (after the last page)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._pages: list[dict] = []

    def showPage(self) -> None:  # noqa: N802 - ReportLab's name
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        for state in self._pages:
            self.__dict__.update(state)
            self._decorate(total)
            super().showPage()
        super().save()

    def _decorate(self, total: int) -> None:
        width, height = A4
        self.setFont(FONT_BOLD, 10)
        self.drawCentredString(width / 2, height - 12 * mm, MARKING)
        self.drawCentredString(width / 2, 10 * mm, MARKING)
        self.setFont(FONT, 8)
        self.drawRightString(width - 20 * mm, 15 * mm, f"Page {self._pageNumber} of {total}")


def _para(text: str, style) -> Paragraph:
    return Paragraph(escape(text).replace("\n", "<br/>"), style)


def warning_letter_pdf(*, offender_name: str, offender_reference: str, date_of_birth: date | None,
                       given_on: date, given_by: str, rationale: str, breach: str | None = None,
                       unit: str = "Offender Management Unit") -> bytes:
    styles = sample_styles()
    body, heading = styles["BodyText"], styles["Heading1"]
    story = [
        _para(unit, styles["Heading3"]),
        _para(f"Date: {given_on:%d/%m/%Y}", body),
        Spacer(1, 4 * mm),
        _para(f"To: {offender_name}", body),
        _para(f"Reference: {offender_reference}"
              + (f"    Date of birth: {date_of_birth:%d/%m/%Y}" if date_of_birth else ""), body),
        Spacer(1, 6 * mm),
        _para("Written warning", heading),
    ]
    if breach:
        story += [_para("This warning concerns:", styles["Heading4"]), _para(breach, body)]
    story += [
        _para("The reasons for this warning:", styles["Heading4"]),
        _para(rationale, body),
        Spacer(1, 4 * mm),
        _para("This warning is recorded on your file. It does not prevent any further action that "
              "the police may take about the matter above, including recording it as a crime. "
              "A further failure to comply may lead to arrest and prosecution.", body),
        Spacer(1, 10 * mm),
        _para(f"Given by: {given_by}", body),
        _para(f"On: {given_on:%d/%m/%Y}", body),
    ]
    out = BytesIO()
    doc = SimpleDocTemplate(out, pagesize=A4, topMargin=22 * mm, bottomMargin=25 * mm,
                            leftMargin=20 * mm, rightMargin=20 * mm,
                            title="Written warning", author=given_by,
                            initialFontName=FONT)  # else every page also names Helvetica
    doc.build(story, canvasmaker=_NumberedCanvas)
    return out.getvalue()
