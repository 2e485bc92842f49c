"""The MAPPA meeting summary PDF, parsed back with pypdf: the marking on every page, the person
and their photograph at the top, every section in order, the risk history drawn as a chart."""

from __future__ import annotations

import os
import re
from dataclasses import replace
from datetime import UTC, date, datetime
from io import BytesIO
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from pypdf import PdfReader
from reportlab.lib.units import mm

from rso_manager.reports import mappa_summary_pdf
from rso_manager.reports.pdf_kit import FONT, FONT_BOLD, MARKING
from rso_manager.services import caseload, mappa_summary
from rso_manager.services.caseload import OffenderDraft
from tests.mappa_case import build_case
from tests.opening import open_case

PRINTED = datetime(2026, 11, 25, 10, 5, tzinfo=UTC)


@pytest.fixture
def summary(sqlite_services, world, clock):
    case = build_case(sqlite_services, world, clock)
    return mappa_summary.meeting_summary(sqlite_services, world.om, case.offender_id)


def _pdf(summary) -> bytes:
    return mappa_summary_pdf.build_pdf(summary, printed_by="Olly Manager (om)", printed_at=PRINTED)


def _text(reader: PdfReader) -> str:
    return "\n".join(p.extract_text() for p in reader.pages)


def _marks(page) -> list[float]:
    heights: list[float] = []

    def visit(text, cm, tm, font, size):
        if text.strip() == MARKING:
            heights.append(tm[5] * cm[3] + cm[5])

    page.extract_text(visitor_text=visit)
    return heights


def test_every_page_is_marked_top_and_bottom_and_names_only_dejavu(summary):
    reader = PdfReader(BytesIO(_pdf(summary)))
    assert len(reader.pages) >= 2
    for number, page in enumerate(reader.pages, start=1):
        height = float(page.mediabox.height)
        marks = _marks(page)
        assert any(y > height - 15 * mm for y in marks) and any(y < 15 * mm for y in marks), number
        text = page.extract_text()
        assert f"Page {number} of {len(reader.pages)}" in text
        assert "Printed by Olly Manager (om) on 25/11/2026 at 10:05 GMT" in text
        fonts = {str(f.get_object()["/BaseFont"]).split("+")[-1] for f in page["/Resources"]["/Font"].values()}
        assert fonts <= {FONT, FONT_BOLD}, fonts


def test_the_first_page_shows_the_person_their_photograph_and_the_handling_line(summary):
    reader = PdfReader(BytesIO(_pdf(summary)))
    first = reader.pages[0]
    text = first.extract_text()
    assert "MAPPA meeting summary" in text and "Handling: OFFICIAL-SENSITIVE" in text
    assert "ASHDOWN, Martin James" in text and summary.identity.reference in text
    assert "Marty Ashe" in text and "78/123456X" in text and "14 Larch Close, Northam NM4 7QT" in text
    assert "taken 04/05/2026" in text
    assert len(first.images) == 1
    assert first.images[0].image.size == (240, 300)  # the photograph itself, not a thumbnail of it


def test_every_section_is_there_in_order_with_its_content(summary):
    text = _text(PdfReader(BytesIO(_pdf(summary))))
    flat = re.sub(r"\s+", " ", text)
    at = [flat.find(f" {heading} ") for heading in mappa_summary_pdf.SECTIONS]
    assert -1 not in at and at == sorted(at), dict(zip(mappa_summary_pdf.SECTIONS, at, strict=True))
    for expected in ("Sexual assault (s.3)", "SHPO made 20/02/2025 at Northam Crown Court",
                     "Not to have unsupervised contact with any child under 16",
                     "Previous victim's school told of the prohibition", "Partner present; phone checked",
                     "Seen in the play area of Larch Park", "Joanne Bell",
                     "Confirm with Joanne Bell whether her children visit", "15/09/2026 19:00"):
        assert expected in flat, expected
    assert not re.search(r"\d{4}-\d{2}-\d{2}", flat), "dates print as dd/mm/yyyy"


def test_the_risk_history_is_a_chart_naming_each_tool(summary):
    first_page_with_chart = next(p for p in PdfReader(BytesIO(_pdf(summary))).pages
                                 if "Risk level over time" in p.extract_text())
    text = first_page_with_chart.extract_text()
    for label in ("Very high", "High", "Medium", "Low", "RM2000", "ARMS", "03/03/2025", "04/05/2026"):
        assert label in text, label
    content = first_page_with_chart.get_contents().get_data().decode("latin-1")
    assert len(re.findall(r" l\b", content)) >= 8  # the step line, the grid and the axis are drawn lines


def test_a_case_with_no_photograph_says_so(summary):
    reader = PdfReader(BytesIO(_pdf(replace(summary, photograph=None))))
    assert "No photograph on record" in reader.pages[0].extract_text()
    assert len(reader.pages[0].images) == 0


def test_record_text_prints_as_typed(summary):
    odd = replace(summary, identity=replace(summary.identity, name="ØBERG & <Sons>, Łukasz"))
    assert "ØBERG & <Sons>, Łukasz" in PdfReader(BytesIO(_pdf(odd))).pages[0].extract_text()


@pytest.mark.skipif(not os.environ.get("RSO_SCREENSHOTS"), reason="set RSO_SCREENSHOTS=1 to write the screenshots")
def test_screenshot_of_the_first_page(summary):
    """screenshots/mappa-summary.png: the first page at 1280 px wide, as it prints."""
    document = pdfium.PdfDocument(_pdf(summary))
    page = document[0]
    bitmap = page.render(scale=1280 / page.get_width())
    Path("screenshots").mkdir(exist_ok=True)
    bitmap.to_pil().save("screenshots/mappa-summary.png")
    page.close()
    document.close()


def test_a_new_case_with_nothing_recorded_yet_prints_what_is_missing(sqlite_services, world):
    oid = caseload.create_offender(sqlite_services, world.om, OffenderDraft(
        surname="Newcase", forenames="Sam", date_of_birth=date(1990, 1, 1), offender_manager_id=world.om.user_id,
        team_id=world.team_id)).offender_id
    open_case(sqlite_services, world.om, oid)
    empty = mappa_summary.meeting_summary(sqlite_services, world.om, oid)
    text = re.sub(r"\s+", " ", _text(PdfReader(BytesIO(_pdf(empty)))))
    for said in ("No photograph on record", "No conviction, finding or caution recorded.",
                 "No risk assessment on record", "No risk management plan recorded.", "No visit recorded.",
                 "No breach recorded.", "No relationship recorded.", "No open action."):
        assert said in text, said
    assert "Risk level over time" not in text
