"""The record's Case log part, against the real services."""

from __future__ import annotations

import os
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from rso_manager.persistence import models as m
from rso_manager.services import case_log, caseload, safeguarding, visits
from rso_manager.services.case_log import IntelligenceInput, NoteInput
from rso_manager.services.visits import VisitInput
from tests.ui.conftest import make_offender
from ui.kit.forms import select_data
from ui.workflows.case_log import CaseLogPage, IntelligenceDialog, NoteDialog


def _at(y, mo, d, h=10, mi=0):
    return datetime(y, mo, d, h, mi, tzinfo=UTC)  # winter: London time is UTC


def _case(services, world, clock):
    record = make_offender(services, world.om, "Marrowby", "Bryn")
    oid = record.offender_id
    clock.current = _at(2026, 11, 20, 9)
    safeguarding.record_relationship(services, world.om, oid, safeguarding.RelationshipInput(
        person_name="Dee Friend", kind="friend", from_date=date(2026, 11, 1)))
    clock.current = _at(2026, 11, 21, 14)
    visits.record_visit(services, world.om, VisitInput(
        offender_id=oid, visited_at=_at(2026, 11, 21, 13), outcome="seen",
        officer_ids=(world.om.user_id, world.supervisor.user_id), notes="Laptop examined, nothing found"))
    clock.current = _at(2026, 11, 24, 11)
    note = case_log.add_case_note(services, world.om, oid, NoteInput("Rang to say he has changed jobs",
                                                                     date(2026, 11, 24)))
    with services.session_factory() as s:
        version = s.get(m.CaseNote, note).version_id
    caseload.void_entry(services, world.om, "case_note", note, version, "Meant for another case")
    clock.current = _at(2026, 11, 25, 10)
    return record


def _page(qtbot, window) -> CaseLogPage:
    page = window.section_tabs["case_log"]
    assert isinstance(page, CaseLogPage)
    window.show_part("case_log")
    qtbot.waitUntil(lambda: page.loaded, timeout=5000)
    return page


def _reread(qtbot, page, action):
    with qtbot.waitSignal(page.details_loaded, timeout=5000):
        action()


def test_the_log_filters_by_kind_and_text(qtbot, qtmodeltester, sqlite_services, world, clock, record_window):
    record = _case(sqlite_services, world, clock)
    window = record_window(record)
    page = _page(qtbot, window)
    kinds = {line.kind for line in page.lines()}
    assert {"relationship", "visit", "case_note", "entered_in_error"} <= kinds
    qtmodeltester.check(page.log_model)
    struck = next(r for r, line in enumerate(page.lines()) if line.kind == "case_note")
    assert page.log_model.index(struck, 3).data(0x0006).strikeOut()  # FontRole: entered in error

    _reread(qtbot, page, lambda: select_data(page.kind, "visit"))
    assert [line.kind for line in page.lines()] == ["visit"]
    assert page.log_model.index(0, 3).data().startswith("Home visit")
    _reread(qtbot, page, lambda: select_data(page.kind, "warning"))
    assert page.lines() == [] and page.log_panel.is_empty_shown()
    assert "Clear them" in page.log_panel.empty.text()
    _reread(qtbot, page, page.clear_filters)
    _reread(qtbot, page, lambda: page.search.setText("DEE FRIEND"))
    assert [line.kind for line in page.lines()] == ["relationship"]


def test_adding_a_note_shows_it_at_the_top(qtbot, sqlite_services, world, clock, record_window):
    record = _case(sqlite_services, world, clock)
    window = record_window(record)
    page = _page(qtbot, window)
    dialog = page.add_note()
    assert isinstance(dialog, NoteDialog)
    assert dialog.occurred_on.date() == date(2026, 11, 25)
    dialog.text.setPlainText("Met his new employer; they know of the order")
    with qtbot.waitSignal(page.details_loaded, timeout=5000):
        dialog.submit()
    top = page.lines()[0]
    assert (top.kind, top.summary) == ("case_note", "Case note: Met his new employer; they know of the order")
    assert page.selected_line() == top  # the new note is selected
    assert page.selected_entry() is not None and page.void_button.isEnabled()


def test_intelligence_asks_for_every_grade(qtbot, sqlite_services, world, clock, record_window):
    record = _case(sqlite_services, world, clock)
    window = record_window(record)
    page = _page(qtbot, window)
    dialog = page.add_intelligence()
    assert isinstance(dialog, IntelligenceDialog)
    assert [dialog.grades["source_evaluation"].itemText(i) for i in range(4)] == [
        "Choose...", "1: Reliable", "2: Untested", "3: Not reliable"]
    dialog.text.setPlainText("Seen with an undeclared phone outside the leisure centre")
    select_data(dialog.grades["intelligence_assessment"], "B")
    select_data(dialog.grades["handling_code"], "P")
    dialog.submit()
    qtbot.waitUntil(lambda: dialog.errors.is_marked("source_evaluation"), timeout=5000)
    assert "Choose the source evaluation" in dialog.errors.message("source_evaluation")
    assert dialog.isVisible()
    select_data(dialog.grades["source_evaluation"], "2")
    with qtbot.waitSignal(page.details_loaded, timeout=5000):
        dialog.submit()
    assert page.lines()[0].kind in ("intelligence", "visit_trigger")
    assert any("graded 2/B/P" in line.summary for line in page.lines()[:2])
    with sqlite_services.session_factory() as s:
        assert s.scalar(select(m.VisitTrigger.kind).where(m.VisitTrigger.source_entity == "case_note")) == "intelligence"


def test_opening_a_line_brings_its_part_forward(qtbot, sqlite_services, world, clock, record_window):
    record = _case(sqlite_services, world, clock)
    window = record_window(record)
    page = _page(qtbot, window)
    row = next(r for r, line in enumerate(page.lines()) if line.kind == "relationship")
    relationship_id = page.log_model.row_at(row).entity_id
    page.open_line(row)
    relationships = window.section_tabs["relationships"]
    assert window.tabs.stack.currentWidget() is relationships
    qtbot.waitUntil(lambda: relationships.selected_entry() is not None, timeout=5000)
    assert relationships.selected_entry().id == relationship_id
    window.show_part("case_log")
    row = next(r for r, line in enumerate(page.lines()) if line.kind == "visit")
    page.log_view.selectRow(page.proxy.mapFromSource(page.log_model.index(row, 0)).row())
    assert page.open_button.isEnabled() and page.detail.isVisible()
    visit_id = page.log_model.row_at(row).entity_id
    page.open_selected()
    visits = window.section_tabs["visits"]
    assert window.tabs.stack.currentWidget() is visits
    qtbot.waitUntil(lambda: visits.selected_entry() is not None, timeout=5000)
    assert (visits.selected_entry().entity, visits.selected_entry().id) == ("visit", visit_id)  # the line's entry


# --- screenshot (RSO_SCREENSHOTS=1) ------------------------------------------------------------


@pytest.mark.skipif(not os.environ.get("RSO_SCREENSHOTS"), reason="set RSO_SCREENSHOTS=1 to write the screenshots")
def test_screenshot_case_log(qtbot, qapp, sqlite_services, world, clock, record_window):
    from ui.app import load_style

    style, sheet = qapp.style().name(), qapp.styleSheet()
    load_style(qapp)
    try:
        record = _case(sqlite_services, world, clock)
        oid = record.offender_id
        case_log.add_intelligence(sqlite_services, world.om, oid, IntelligenceInput(
            "Seen with a phone he has not declared, outside the leisure centre on Saturday",
            date(2026, 11, 25), "2", "B", "P"))
        clock.current = _at(2026, 11, 25, 11, 30)
        case_log.add_case_note(sqlite_services, world.om, oid, NoteInput(
            "Spoke to the hostel manager: he is keeping to the curfew and signing in each night", date(2026, 11, 25)))
        window = record_window(record)
        window.resize(1280, 720)
        page = _page(qtbot, window)
        page.log_view.selectRow(1)
        qtbot.wait(100)
        assert (window.width(), window.height()) == (1280, 720)
        Path("screenshots").mkdir(exist_ok=True)
        assert window.grab().save("screenshots/case-log.png")
    finally:
        qapp.setStyleSheet(sheet)
        qapp.setStyle(style)


def test_the_navigation_counts_the_log_once_it_is_read(qtbot, sqlite_services, world, clock, record_window):
    record = _case(sqlite_services, world, clock)
    window = record_window(record)
    index = window.tab_index("Case log")
    page = _page(qtbot, window)
    assert window.tabs.tabText(index) == f"Case log ({len(page.lines())})" and page.lines()
