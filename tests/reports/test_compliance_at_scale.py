"""The compliance PDF at scale (issue 16): plain table cells, tables made as the pages are laid,
the whole force's summary with each team's counts and the oldest items, every exception team by
team on request, a team's summary officer by officer with its lists in full on request, and the
build in a process of its own that a Cancel ends."""

from __future__ import annotations

import re
import threading
import time
from datetime import UTC, datetime
from io import BytesIO

import pytest
from pypdf import PdfReader
from reportlab.lib.units import mm
from sqlalchemy import select

from rso_manager.persistence import models as m
from rso_manager.reports import compliance_pdf, pdf_kit
from rso_manager.reports.compliance_figures import Scope, compute
from rso_manager.reports.separate_process import BuildCancelled, build_apart
from rso_manager.services import reports
from tests.reports.test_compliance import AS_OF, PERIOD, Builder, at

PRINTED = datetime(2026, 11, 25, 10, tzinfo=UTC)


def _text(pdf: bytes) -> str:
    return re.sub(r"\s+", " ", " ".join(p.extract_text() for p in PdfReader(BytesIO(pdf)).pages))


def _two_teams(services, world, north=30, south=5):
    """NORTH + SOUTH cases overdue a home visit, North's the oldest (seen longest ago)."""
    with services.session_factory.begin() as s:
        b = Builder(s, world)
        for i in range(north):
            b.offender(f"RSO-N{i:03d}", f"North-{i:03d}", seen=at(2025, 1, 1 + i % 28))
        for i in range(south):
            b.offender(f"RSO-S{i:03d}", f"South-{i:03d}", team=world.team2_id, om=world.om2.user_id,
                       seen=at(2025, 6, 1 + i))
    with services.session_factory() as s:
        figures = compute(s, Scope(), *PERIOD, AS_OF, reports.report_settings(s))
        team_of = {case_id: team for case_id, team in s.execute(select(m.Offender.id, m.Team.name).join(m.Team))}
    return figures, team_of


def test_the_force_summary_counts_each_team_and_lists_the_oldest(sqlite_services, world):
    figures, team_of = _two_teams(sqlite_services, world)
    assert len(figures.visits.overdue) == 35
    text = _text(compliance_pdf.build_pdf(figures, generated_by="Lee Lead (lead)", generated_at=PRINTED,
                                          team_of=team_of))
    assert "Exceptions by team" in text
    # Team, then the ten lists (visits overdue first), then the total.
    assert re.search(r"North 30 0 0 0 0 0 0 0 0 0 30", text), text[:3000]
    assert re.search(r"South 5 0 0 0 0 0 0 0 0 0 5", text)
    assert re.search(r"Whole force 35 0 0 0 0 0 0 0 0 0 35", text)
    oldest = [r.reference for r in figures.visits.overdue[:compliance_pdf.SUMMARY_ROWS]]
    rest = [r.reference for r in figures.visits.overdue[compliance_pdf.SUMMARY_ROWS:]]
    assert all(ref in text for ref in oldest) and not any(ref in text for ref in rest)
    assert f"The first {compliance_pdf.SUMMARY_ROWS} of 35" in text


def test_full_lists_print_every_exception_team_by_team(sqlite_services, world):
    figures, team_of = _two_teams(sqlite_services, world)
    text = _text(compliance_pdf.build_pdf(figures, generated_by="Lee Lead (lead)", generated_at=PRINTED,
                                          team_of=team_of, full_lists=True))
    north, south = text.index("North: every exception"), text.index("South: every exception")
    assert north < south
    assert all(f"RSO-N{i:03d}" in text[north:south] for i in range(30))
    assert all(f"RSO-S{i:03d}" in text[south:] for i in range(5))
    assert "RSO-S000" not in text[north:south]


def test_a_team_summary_counts_each_officer_and_lists_the_oldest(sqlite_services, world):
    _two_teams(sqlite_services, world)
    with sqlite_services.session_factory() as s:
        north = compute(s, Scope.team("North"), *PERIOD, AS_OF, reports.report_settings(s))
    text = _text(compliance_pdf.build_pdf(north, generated_by="Sue Pervisor (sup)", generated_at=PRINTED))
    assert "Exceptions by officer" in text and "Exceptions by team" not in text
    assert re.search(r"Olly Manager 30 0 0 0 0 0 0 0 0 0 30", text), text[:3000]
    assert re.search(r"Whole team 30 0 0 0 0 0 0 0 0 0 30", text)
    oldest = [r.reference for r in north.visits.overdue[:compliance_pdf.SUMMARY_ROWS]]
    rest = [r.reference for r in north.visits.overdue[compliance_pdf.SUMMARY_ROWS:]]
    assert all(ref in text for ref in oldest) and not any(ref in text for ref in rest)
    assert f"The first {compliance_pdf.SUMMARY_ROWS} of 30" in text
    assert compliance_pdf.FULL_LISTS_OPTION in text  # where the rest are


def test_a_team_report_with_full_lists_lists_every_case_in_its_sections(sqlite_services, world):
    _two_teams(sqlite_services, world)
    with sqlite_services.session_factory() as s:
        north = compute(s, Scope.team("North"), *PERIOD, AS_OF, reports.report_settings(s))
    text = _text(compliance_pdf.build_pdf(north, generated_by="Sue Pervisor (sup)", generated_at=PRINTED,
                                          full_lists=True))
    assert all(f"RSO-N{i:03d}" in text for i in range(30))
    assert "Exceptions by" not in text and "The first" not in text


def test_an_officer_report_lists_every_case(sqlite_services, world):
    _two_teams(sqlite_services, world)
    with sqlite_services.session_factory() as s:
        olly = compute(s, Scope.officer("om"), *PERIOD, AS_OF, reports.report_settings(s))
    text = _text(compliance_pdf.build_pdf(olly, generated_by="Sue Pervisor (sup)", generated_at=PRINTED))
    assert all(f"RSO-N{i:03d}" in text for i in range(30))
    assert "Exceptions by" not in text and "The first" not in text


def test_plain_tables_break_long_text_at_the_column_and_keep_it_as_typed():
    style = pdf_kit.paragraph_style("t", 8)
    [table] = pdf_kit.plain_tables(["Case", "What is needed"], [["R<1> & co", "word " * 60]], [30 * mm, None],
                                   frame_width=120 * mm, style=style)
    head, (case, needed) = table._cellvalues
    assert head == ["Case", "What is needed"] and case == "R<1> & co"  # plain: nothing escaped
    lines = needed.split("\n")
    assert len(lines) > 2 and all(pdf_kit.pdfmetrics.stringWidth(line, style.fontName, 8) <= 90 * mm - 12
                                  for line in lines)
    assert " ".join(lines) == ("word " * 60).strip()


def test_deferred_tables_print_what_eager_tables_print():
    style = pdf_kit.paragraph_style("t", 8)
    rows = [(f"RSO-{i:04d}", f"Name {i} " + "x" * (i % 90)) for i in range(333)]

    def build(story):
        return _text(pdf_kit.render(story, pdf_kit.Page(), title="t", author="a"))

    def cells(r):
        return [pdf_kit.TextLines(style, r, bold=(0,)), str(len(r[1]))]

    eager = pdf_kit.plain_tables(["Case", "n"], [cells(r) for r in rows], [None, 20 * mm],
                                 frame_width=170 * mm, style=style)
    deferred = pdf_kit.deferred_tables(["Case", "n"], rows, [None, 20 * mm], frame_width=170 * mm,
                                       style=style, cells=cells)
    assert len(deferred) == 1  # one stand-in, however long the listing
    assert build(list(eager)) == build(deferred)


def _slow(seconds: float) -> bytes:
    time.sleep(seconds)
    return b"done"


def _fails() -> bytes:
    raise ValueError("no such thing")


def test_a_document_built_apart_comes_back_or_raises_or_is_cancelled():
    assert build_apart(_slow, 0) == b"done"
    with pytest.raises(ValueError, match="no such thing"):
        build_apart(_fails)
    stop = threading.Event()
    threading.Timer(0.3, stop.set).start()
    started = time.perf_counter()
    with pytest.raises(BuildCancelled):
        build_apart(_slow, 60, cancelled=stop.is_set)
    assert time.perf_counter() - started < 20


def test_a_cancel_while_the_pdf_is_built_leaves_no_file_and_no_audit(sqlite_services, world, tmp_path):
    _two_teams(sqlite_services, world)
    asked = []

    def cancelled():  # no until the PDF is being built, then yes
        asked.append(1)
        return len(asked) > 1

    target = tmp_path / "summary.pdf"
    saved = reports.save_compliance_report(sqlite_services, world.lead, Scope(), *PERIOD, AS_OF, "pdf",
                                           str(target), cancelled=cancelled)
    assert not saved.saved and not target.exists()
    with sqlite_services.session_factory() as s:
        assert s.scalar(select(m.AuditEvent.id).where(m.AuditEvent.action == "export.print")) is None


def test_full_lists_are_asked_for_and_audited(services, world, tmp_path):
    _two_teams(services, world)
    target = tmp_path / "summary.pdf"
    saved = reports.save_compliance_report(services, world.lead, Scope(), *PERIOD, AS_OF, "pdf", str(target),
                                           full_lists=True)
    assert saved.saved
    text = _text(target.read_bytes())
    assert "North: every exception" in text and "RSO-N029" in text
    with services.session_factory() as s:
        event = s.scalars(select(m.AuditEvent).where(m.AuditEvent.action == "export.print")).one()
    assert '"full_lists": true' in event.details_json


def test_a_team_s_full_lists_are_asked_for_and_audited(services, world, tmp_path):
    _two_teams(services, world)
    target = tmp_path / "north.pdf"
    saved = reports.save_compliance_report(services, world.supervisor, Scope.team("North"), *PERIOD, AS_OF, "pdf",
                                           str(target), full_lists=True)
    assert saved.saved
    text = _text(target.read_bytes())
    assert all(f"RSO-N{i:03d}" in text for i in range(30)) and "The first" not in text
    with services.session_factory() as s:
        event = s.scalars(select(m.AuditEvent).where(m.AuditEvent.action == "export.print")).one()
    assert '"full_lists": true' in event.details_json
