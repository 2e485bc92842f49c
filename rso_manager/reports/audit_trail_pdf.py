"""The audit trail, as filtered on screen, as a landscape A4 PDF made with reports.pdf_kit:
marked OFFICIAL-SENSITIVE on every page, numbered, the header row repeated on each page.

Pure: the caller passes the rows as text, already cut to what the reader may see.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer, TableStyle

from rso_manager.reports.pdf_kit import Page, page_tables, para, paragraph_style, render

PAGE = Page(side=12 * mm, top=20 * mm, bottom=22 * mm, size=landscape(A4))
# When, who, role, action, record, why, outcome: the reason takes what the others leave.
WIDTHS = (30 * mm, 40 * mm, 28 * mm, 45 * mm, 45 * mm, None, 20 * mm)


def _style(rows: range) -> TableStyle:
    commands = [("GRID", (0, 0), (-1, -1), 0.25, colors.HexColor("#9AA5B1")),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#E4E7EB")),
                ("VALIGN", (0, 0), (-1, -1), "TOP")]
    commands += [("BACKGROUND", (0, i + 1), (-1, i + 1), colors.HexColor("#F5F7FA"))
                 for i, row in enumerate(rows) if row % 2]
    return TableStyle(commands)


def build_pdf(header: Sequence[str], rows: Sequence[Sequence[str]], *, filter_text: str,
              generated_by: str, generated_at: datetime) -> bytes:
    cell = paragraph_style("trail_cell", 7.5)
    head = paragraph_style("trail_head", 7.5, bold=True)
    story: list[Flowable] = [
        para("Audit trail", paragraph_style("trail_title", 15, bold=True)),
        para(f"{filter_text}. {len(rows)} event{'s' if len(rows) != 1 else ''}, newest first.",
             paragraph_style("trail_filter", 9)),
        Spacer(1, 4 * mm),
    ]
    if rows:
        story += page_tables(header, rows, WIDTHS, frame_width=PAGE.frame_width, style=cell,
                             header_style=head, table_style=_style)
    else:
        story.append(para("No event matches this filter.", paragraph_style("trail_none", 9)))
    footer = f"Exported by {generated_by} on {generated_at:%d/%m/%Y at %H:%M}"
    return render(story, PAGE, title="Audit trail", author=generated_by, footer=footer)
