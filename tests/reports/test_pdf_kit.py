"""reports.pdf_kit, and every PDF the app produces going through it: DejaVu Sans embedded and
no other font, the marking at the top and at the bottom of every page, "Page n of N"."""

from __future__ import annotations

import ast
from datetime import UTC, date, datetime
from io import BytesIO
from pathlib import Path

import pytest
from pypdf import PdfReader
from reportlab.lib.units import mm

from rso_manager.reports import pdf_kit
from rso_manager.reports.acknowledgement import acknowledgement_pdf
from rso_manager.reports.compliance_figures import Scope, compute
from rso_manager.reports.compliance_pdf import build_pdf
from rso_manager.reports.pdf_kit import FONT, FONT_BOLD, MARKING
from rso_manager.reports.warning_letter import warning_letter_pdf
from rso_manager.services import reports
from rso_manager.services.notifications import TakenNotification

NAME = "Łukasz ÑÚÑEZ-ØBERG & <Sons>"
PRINTED = datetime(2026, 11, 25, 10, 5, tzinfo=UTC)
CORE = Path(__file__).resolve().parents[2] / "rso_manager"


def _warning_letter() -> bytes:
    # A rationale long enough to run onto a second page.
    return warning_letter_pdf(offender_name=NAME, offender_reference="NTH-0001", date_of_birth=date(1980, 1, 1),
                              given_on=date(2026, 11, 25), given_by="Zoë Ødegård", breach="Late <b>notification</b>",
                              rationale="\n".join(f"Reason {i}: did not notify a change of address." for i in range(90)))


def _acknowledgement() -> bytes:
    taken = TakenNotification(
        (1, 2), 1, ("initial", "change_address"), datetime(2026, 11, 25, 10, tzinfo=UTC), 1,
        "Northam Central Police Station", 2, "Zoë Ødegård", True, True, False, {}, date(2026, 11, 26), False, (),
        date(2027, 11, 25))
    return acknowledgement_pdf(taken, offender_name=NAME, offender_reference="NTH-0001",
                               station_name="Northam Central Police Station", generated_by="Zoë Ødegård",
                               generated_at=PRINTED)


def _compliance(services) -> bytes:
    with services.session_factory() as s:
        figures = compute(s, Scope(), date(2026, 10, 1), date(2026, 11, 25), date(2026, 11, 25),
                          reports.report_settings(s))
    return build_pdf(figures, generated_by="Lee Lead (lead)", generated_at=PRINTED)


@pytest.fixture
def every_pdf(sqlite_services, world) -> dict[str, bytes]:
    """One of each PDF the app produces."""
    return {"warning letter": _warning_letter(), "acknowledgement": _acknowledgement(),
            "compliance summary": _compliance(sqlite_services)}


def _lines(page) -> list[tuple[str, float]]:
    """The page's text runs with the height of their baseline above the foot of the page."""
    runs: list[tuple[str, float]] = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            runs.append((text.strip(), tm[4] * cm[1] + tm[5] * cm[3] + cm[5]))

    page.extract_text(visitor_text=visit)
    return runs


def test_every_pdf_embeds_dejavu_and_no_other_font(every_pdf):
    for name, pdf in every_pdf.items():
        for number, page in enumerate(PdfReader(BytesIO(pdf)).pages, start=1):
            used = [f.get_object() for f in page["/Resources"]["/Font"].values()]
            fonts = {str(f["/BaseFont"]) for f in used}
            embedded = {str(f["/BaseFont"]) for f in used if "/FontFile2" in f.get("/FontDescriptor", {})}
            assert fonts and all(f.split("+")[-1] in (FONT, FONT_BOLD) for f in fonts), (name, number, fonts)
            assert embedded == fonts, (name, number)


def test_every_page_of_every_pdf_is_marked_top_and_bottom_and_numbered(every_pdf):
    for name, pdf in every_pdf.items():
        pages = PdfReader(BytesIO(pdf)).pages
        assert name == "acknowledgement" or len(pages) > 1, f"the {name} should run over pages here"
        for number, page in enumerate(pages, start=1):
            height = float(page.mediabox.height)
            marks = [y for text, y in _lines(page) if text == MARKING]
            assert any(y > height - 15 * mm for y in marks), f"{name} page {number}: no marking at the top"
            assert any(y < 15 * mm for y in marks), f"{name} page {number}: no marking at the bottom"
            assert f"Page {number} of {len(pages)}" in page.extract_text(), (name, number)


def test_record_text_prints_as_typed(every_pdf):
    for name in ("warning letter", "acknowledgement"):
        text = " ".join(p.extract_text() for p in PdfReader(BytesIO(every_pdf[name])).pages)
        assert NAME in text, name
    letter = PdfReader(BytesIO(every_pdf["warning letter"])).pages[0].extract_text()
    assert "Late <b>notification</b>" in letter  # markup typed into a record is text, not markup


def test_para_escapes_and_lines_bolds_only_what_it_is_told():
    style = pdf_kit.paragraph_style("t", 9)
    assert pdf_kit.para("a < b & <i>c</i>", style).text == "a &lt; b &amp; &lt;i&gt;c&lt;/i&gt;"
    assert pdf_kit.para("one\ntwo", style, line_breaks=True).text == "one<br/>two"
    assert pdf_kit.lines(style, "R<1>", "Ann & Bo", bold=(0,)).text == "<b>R&lt;1&gt;</b><br/>Ann &amp; Bo"


def test_column_widths_fill_the_frame_and_never_overflow_it():
    assert pdf_kit.fit_widths([30 * mm, None, None], 130 * mm) == pytest.approx([30 * mm, 50 * mm, 50 * mm])
    assert pdf_kit.fit_widths([30 * mm, 40 * mm], 130 * mm) == [30 * mm, 40 * mm]
    with pytest.raises(ValueError, match="do not fit"):
        pdf_kit.fit_widths([100 * mm, 40 * mm], 130 * mm)
    with pytest.raises(ValueError, match="do not fit"):
        pdf_kit.fit_widths([130 * mm, None], 130 * mm)


def test_page_tables_repeat_the_header_and_wrap_text_cells():
    style = pdf_kit.paragraph_style("t", 8)
    body = [[f"RSO-{i}", "x" * 300] for i in range(120)]
    tables = pdf_kit.page_tables(["Case", "What is needed"], body, [30 * mm, None], frame_width=170 * mm,
                                 style=style, rows_per_table=50)
    assert [len(t._cellvalues) for t in tables] == [51, 51, 21]  # each with its header row
    for t in tables:
        assert t.repeatRows == 1 and t._cellvalues[0][0].text == "Case"
        assert sum(t._colWidths) == pytest.approx(170 * mm)
        assert all(type(c).__name__ == "Paragraph" for row in t._cellvalues for c in row)
    assert pdf_kit.page_tables(None, [], [None], frame_width=170 * mm, style=style) == []


# The one way: only the kit makes documents, canvases, tables and paragraphs, or escapes text.
_KIT_ONLY = {"SimpleDocTemplate", "BaseDocTemplate", "Canvas", "Table", "Paragraph", "getSampleStyleSheet",
             "escape", "TTFont", "registerFont"}


def test_only_the_kit_builds_pdfs():
    offenders = []
    for path in sorted(CORE.rglob("*.py")):
        if path.name == "pdf_kit.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] in ("reportlab", "xml"):
                offenders += [f"{path.relative_to(CORE)}: {a.name}" for a in node.names if a.name in _KIT_ONLY]
                if node.module.startswith(("reportlab.pdfgen", "reportlab.pdfbase")):
                    offenders.append(f"{path.relative_to(CORE)}: {node.module}")
    assert offenders == []
