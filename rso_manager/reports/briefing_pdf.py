"""An area's frontline briefings as an A4 handout for a shift briefing (issue 15 item 3): one card
per case (photograph, name and aliases, address, vehicles, risk, the approved text, prohibitions,
whom to call), OFFICIAL-SENSITIVE and the handling line on every page, the area and the day
printed on every page, who printed it in the footer.

Pure: the caller passes the AreaBriefing, already cut to what the reader may see.
"""

from __future__ import annotations

from datetime import datetime
from io import BytesIO
from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Image, KeepTogether, Spacer, TableStyle

from rso_manager.clock import LONDON
from rso_manager.domain.frontline_briefing import HANDLING_LINE, AreaBriefing, BriefingCard
from rso_manager.reports.pdf_kit import (
    FONT,
    FONT_BOLD,
    INK,
    MUTED,
    NumberedCanvas,
    Page,
    fit_text,
    page_tables,
    para,
    paragraph_style,
    render,
)

PAGE = Page(side=15 * mm, top=30 * mm, bottom=24 * mm)
PHOTO_WIDTH, PHOTO_HEIGHT = 30 * mm, 37.5 * mm
LABEL_WIDTH = 31 * mm
BORDER = colors.HexColor("#9AA5B1")
RISK_INK = {"Very high": colors.HexColor("#B42318"), "High": colors.HexColor("#B42318")}


def _header(area: str, printed_on: str):
    """Under the top marking of every page: the handling line, then the area and the day."""
    def decorate(canvas: NumberedCanvas, _number: int, _total: int) -> None:
        p = PAGE
        canvas.setFillColor(INK)
        canvas.setFont(FONT_BOLD, 8.5)
        canvas.drawCentredString(p.width / 2, p.height - 16 * mm, HANDLING_LINE)
        canvas.setFillColor(MUTED)
        canvas.setFont(FONT, 8)
        canvas.drawString(p.side, p.height - 22 * mm,
                          fit_text(f"Frontline briefing: {area}", FONT, 8, p.frame_width * 0.7))
        canvas.drawRightString(p.width - p.side, p.height - 22 * mm, f"Printed {printed_on}")
    return decorate


def _table(rows: list[list[Any]], widths: list[float], style: ParagraphStyle, *commands: tuple[Any, ...]) -> Flowable:
    """A small table of a card (a few rows, so one table), laid out by the kit."""
    return page_tables(None, rows, widths, frame_width=sum(widths), style=style,
                       table_style=lambda _rows: TableStyle(list(commands)))[0]


def _photo(card: BriefingCard, small: ParagraphStyle) -> Flowable:
    if card.photograph:
        try:
            image = Image(BytesIO(card.photograph), width=PHOTO_WIDTH, height=PHOTO_HEIGHT, kind="proportional")
            taken = f"Taken {card.photograph_taken_on:%d/%m/%Y}" if card.photograph_taken_on else ""
            return _table([[image], [para(taken, small)]], [PHOTO_WIDTH + 2 * mm], small,
                          ("LEFTPADDING", (0, 0), (-1, -1), 0))
        except Exception:  # an image reportlab cannot read is said, not a failed handout
            pass
    return para("No photograph on record", small)


def _card(card: BriefingCard, width: float) -> Flowable:
    name = paragraph_style("brief_name", 11, bold=True)
    body = paragraph_style("brief_body", 8.5)
    label = paragraph_style("brief_label", 8.5, bold=True)
    small = paragraph_style("brief_small", 7, color=MUTED)
    risk = paragraph_style("brief_risk", 9, bold=True, color=RISK_INK.get(card.risk, INK), alignment=TA_RIGHT)

    def row(caption: str, text: str) -> list[Flowable]:
        return [para(caption, label), para(text, body, line_breaks=True)]

    rows = [[para(f"{card.name} ({card.reference})", name), para(f"Risk: {card.risk}", risk)]]
    details = [row("Also known as", ", ".join(card.aliases))] if card.aliases else []
    details += [row("Address", card.address),
                row("Vehicles", "; ".join(card.vehicles) if card.vehicles else "None recorded"),
                row("Briefing", card.summary)]
    if card.prohibitions:
        details.append(row("Prohibitions", card.prohibitions))
    details.append(row("Contact", card.contact))
    text_width = width - PHOTO_WIDTH - 8 * mm
    facts = _table(details, [LABEL_WIDTH, text_width - LABEL_WIDTH], body,
                   ("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                   ("TOPPADDING", (0, 0), (-1, -1), 1), ("BOTTOMPADDING", (0, 0), (-1, -1), 1))
    approved = para(f"Approved by {card.approved_by} on {card.approved_at.astimezone(LONDON):%d/%m/%Y}", small)
    inner = _table([rows[0], [facts, ""], [approved, ""]], [text_width - 34 * mm, 34 * mm], body,
                   ("SPAN", (0, 1), (1, 1)), ("SPAN", (0, 2), (1, 2)), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                   ("LEFTPADDING", (0, 0), (-1, -1), 0))
    outer = _table([[_photo(card, small), inner]], [PHOTO_WIDTH + 6 * mm, width - PHOTO_WIDTH - 6 * mm], body,
                   ("BOX", (0, 0), (-1, -1), 0.6, BORDER), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                   ("TOPPADDING", (0, 0), (-1, -1), 5), ("BOTTOMPADDING", (0, 0), (-1, -1), 5))
    return KeepTogether([outer, Spacer(1, 4 * mm)])


def build_pdf(briefing: AreaBriefing, *, printed_by: str, printed_at: datetime) -> bytes:
    local = printed_at.astimezone(LONDON)
    printed_on = f"{local:%d/%m/%Y}"
    count = len(briefing.cards)
    story: list[Flowable] = [
        para("Frontline briefing", paragraph_style("brief_title", 16, bold=True)),
        para(briefing.area, paragraph_style("brief_area", 11)),
        para(f"Approved briefings of active cases living in the area on {briefing.as_of:%d/%m/%Y}: "
             f"{count} case{'s' if count != 1 else ''}.", paragraph_style("brief_intro", 9, color=MUTED)),
        Spacer(1, 5 * mm),
    ]
    if briefing.cards:
        story += [_card(card, PAGE.frame_width) for card in briefing.cards]
    else:
        story.append(para("No case living in this area has an approved briefing.", paragraph_style("brief_none", 10)))
    footer = f"Printed by {printed_by} on {printed_on} at {local:%H:%M}"
    return render(story, PAGE, title=f"Frontline briefing: {briefing.area}", author=printed_by, footer=footer,
                  decorate=_header(briefing.area, printed_on))
