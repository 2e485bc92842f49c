"""A written warning as a one-page A4 letter, made with reports.pdf_kit: marked
OFFICIAL-SENSITIVE top and bottom, numbered, in DejaVu Sans, so any name prints as typed.

Pure: the caller passes the text, so the letter shows exactly what the record holds.
"""

from __future__ import annotations

from datetime import date

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer

from rso_manager.reports.pdf_kit import Page, para, render, sample_styles

PAGE = Page(side=20 * mm, top=22 * mm, bottom=25 * mm)


def _para(text: str, style: ParagraphStyle) -> Flowable:
    return para(text, style, line_breaks=True)


def warning_letter_pdf(*, offender_name: str, offender_reference: str, date_of_birth: date | None,
                       given_on: date, given_by: str, rationale: str, breach: str | None = None,
                       unit: str = "Offender Management Unit") -> bytes:
    styles = sample_styles()
    body, heading = styles["BodyText"], styles["Heading1"]
    story: list[Flowable] = [
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
    return render(story, PAGE, title="Written warning", author=given_by)
