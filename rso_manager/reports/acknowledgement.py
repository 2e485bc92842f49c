"""The written acknowledgement of a notification, SOA 2003 s.87(3), as a PDF.

Built in core as bytes; the UI only saves or prints them. The protective marking is drawn by
the canvas at the top and bottom of every page, never in the story, so no page can lose it
(security R19), and the footer names who printed it, when, and "Page n of N". Set in the
bundled DejaVu Sans (reports.fonts), so any name prints as typed.
"""

from __future__ import annotations

from datetime import datetime
from functools import partial
from io import BytesIO
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from rso_manager.clock import LONDON
from rso_manager.reports.fonts import FONT, FONT_BOLD, sample_styles

if TYPE_CHECKING:  # the service imports this module; only the type flows back
    from rso_manager.services.notifications import TakenNotification

MARKING = "OFFICIAL-SENSITIVE"
MARGIN = 20 * mm


class NumberedCanvas(Canvas):
    """Holds each page until the end so every footer can say "Page n of N"."""

    def __init__(self, *args, footer: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self._footer = footer
        self._saved: list[dict] = []

    def showPage(self) -> None:  # noqa: N802 (ReportLab's name)
        self._saved.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._saved)
        for number, state in enumerate(self._saved, start=1):
            self.__dict__.update(state)
            self._decorate(number, total)
            Canvas.showPage(self)
        Canvas.save(self)

    def _decorate(self, number: int, total: int) -> None:
        width, height = self._pagesize
        self.saveState()
        self.setFont(FONT_BOLD, 11)
        self.drawCentredString(width / 2, height - 12 * mm, MARKING)
        self.drawCentredString(width / 2, 8 * mm, MARKING)
        self.setFont(FONT, 8)
        self.drawString(MARGIN, 14 * mm, self._footer)
        self.drawRightString(width - MARGIN, 14 * mm, f"Page {number} of {total}")
        self.restoreState()


def _yes_no(value: bool) -> str:
    return "Yes" if value else "No"


def acknowledgement_pdf(taken: TakenNotification, *, offender_name: str, offender_reference: str,
                        station_name: str, generated_by: str, generated_at: datetime) -> bytes:
    """A4 acknowledgement of what was notified, where, when and to whom (s.87(3)), with the
    s.87(4) fingerprints and photographs record."""
    styles = sample_styles()
    body, small = styles["BodyText"], styles["BodyText"].clone("small", fontSize=8, leading=10)
    at = taken.notified_at.astimezone(LONDON)
    printed = generated_at.astimezone(LONDON)

    def p(text: str, style=body) -> Paragraph:
        return Paragraph(escape(text), style)

    rows = [
        ("Name", offender_name),
        ("Reference", offender_reference),
        ("Police station", station_name),
        ("Date and time", f"{at:%d/%m/%Y %H:%M} (UK time)"),
        ("Notification", "\n".join(taken.labels)),
        ("Received by", taken.taken_by),
        ("Fingerprints taken", _yes_no(taken.fingerprints_taken)),
        ("Photographs taken", _yes_no(taken.photographs_taken)),
    ]
    if taken.details_captured:
        rows.append(("Bank, card and passport/ID details", "Recorded (2012 Regulations)"))
    if taken.next_due_on:
        rows.append(("Next notification due by", f"{taken.next_due_on:%d/%m/%Y}"))
    table = Table([[p(k), [p(line) for line in v.split("\n")]] for k, v in rows],
                  colWidths=[55 * mm, None])
    table.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
        ("BACKGROUND", (0, 0), (0, -1), colors.whitesmoke),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("FONTNAME", (0, 0), (-1, -1), FONT),  # a table sets its cells' font even around Paragraphs
    ]))
    story = [
        Paragraph("Acknowledgement of notification", styles["Title"]),
        p("Sexual Offences Act 2003, Part 2, section 87(3)", styles["Heading3"]),
        Spacer(1, 4 * mm),
        p(f"This is written acknowledgement that {offender_name} attended {station_name} in person on "
          f"{at:%d/%m/%Y} at {at:%H:%M} and gave the notification set out below under Part 2 of the "
          "Sexual Offences Act 2003."),
        Spacer(1, 4 * mm),
        table,
        Spacer(1, 6 * mm),
        p("Keep this acknowledgement. Each notification must be given in person at a police station "
          "on the force's published list (section 87(1)). Failing without reasonable excuse to "
          "notify as required, or knowingly giving false information, is an offence under "
          "section 91 of the Act."),
        Spacer(1, 10 * mm),
        p("Signed (officer): ______________________________    Date: ______________"),
        Spacer(1, 6 * mm),
        p(f"Notification record number(s): {', '.join(str(i) for i in taken.notification_ids)}", small),
    ]
    footer = f"Printed by {generated_by} on {printed:%d/%m/%Y %H:%M} (UK time)"
    out = BytesIO()
    doc = SimpleDocTemplate(
        out, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=25 * mm, bottomMargin=25 * mm,
        title=f"Acknowledgement of notification: {offender_reference}", author=generated_by,
        subject=MARKING, initialFontName=FONT)  # else every page also names Helvetica
    doc.build(story, canvasmaker=partial(NumberedCanvas, footer=footer))
    return out.getvalue()
