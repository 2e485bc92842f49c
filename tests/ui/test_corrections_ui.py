"""Issue #14, item 3 on screen: the kit's Correct... and Reinstate... on a record part, against the
real services."""

from __future__ import annotations

from datetime import UTC, datetime

from rso_manager.persistence import models as m
from rso_manager.services import caseload, visits
from tests.ui.conftest import make_offender
from ui.kit.correction_dialog import CorrectionDialog

REASON = "Typed from the wrong notebook page; the officer's notes say the room was open"


def _visit(services, world, oid):
    return visits.record_visit(services, world.om, visits.VisitInput(
        oid, datetime(2026, 11, 25, 9, 30, tzinfo=UTC), "seen",
        officer_ids=(world.om.user_id, world.supervisor.user_id), people_present="Offender alone",
        notes="Spare room locked"))


def _visits_page(qtbot, window):
    window.tabs.setCurrentIndex(window.tab_index("Visits"))
    page = window.section_tabs["visits"]
    qtbot.waitUntil(lambda: page.loaded, timeout=5000)
    return page


def _reloaded(qtbot, window, page):
    with qtbot.waitSignal(page.details_loaded, timeout=5000):
        with qtbot.waitSignal(window.changed, timeout=5000):
            pass


def test_a_notes_correction_on_a_visit_keeps_the_history(qtbot, sqlite_services, world, record_window):
    record = make_offender(sqlite_services, world.om, "Quillfeather", "Arthur")
    result = _visit(sqlite_services, world, record.offender_id)
    window = record_window(record)
    page = _visits_page(qtbot, window)
    assert not page.correct_button.isEnabled()  # nothing selected
    assert page.select_entry(result.visit_id)
    assert page.correct_button.isVisible() and page.correct_button.isEnabled()
    page.correct_button.click()
    qtbot.waitUntil(lambda: isinstance(page.dialog, CorrectionDialog) and page.dialog.isVisible(), timeout=5000)
    dialog: CorrectionDialog = page.dialog
    # The fields no rule reads, with their values now; the rest named as not corrected here.
    assert dialog.editors["notes"].toPlainText() == "Spare room locked"
    assert dialog.editors["people_present"].toPlainText() == "Offender alone"
    assert "outcome" not in dialog.editors and "Outcome" in dialog.not_here.text()
    assert "mark the entry as entered in error and record it again" in dialog.not_here.text()

    dialog.editors["notes"].setPlainText("Spare room open; nothing of concern")
    dialog.submit()  # no reason yet: the service's message shows under the box, nothing saved
    qtbot.waitUntil(lambda: bool(dialog.errors.message("reason")), timeout=5000)
    assert dialog.isVisible() and "Say why the entry is being corrected" in dialog.errors.message("reason")
    dialog.reason.setPlainText(REASON)
    with qtbot.waitSignal(window.changed, timeout=5000):
        dialog.submit()
    qtbot.waitUntil(lambda: page.loaded, timeout=5000)

    with sqlite_services.session_factory() as s:
        assert s.get(m.Visit, result.visit_id).notes == "Spare room open; nothing of concern"
    # The record's History part shows the correction: the reason and what the notes said before.
    lines = [window.history_model.row_at(r) for r in range(window.history_model.rowCount())]
    mine = [h for h in lines if h.revision.reason == REASON]
    assert len(mine) == 1 and "Spare room locked" in mine[0].before_text
    assert page.select_entry(result.visit_id)
    qtbot.waitUntil(lambda: page.detail_pane.shown is not None, timeout=5000)
    assert page.detail_pane.values["Notes"].text() == "Spare room open; nothing of concern"


def test_an_entry_in_error_is_reinstated_with_a_reason(qtbot, sqlite_services, world, prompter, record_window):
    record = make_offender(sqlite_services, world.om, "Ashcombe", "Colin")
    result = _visit(sqlite_services, world, record.offender_id)
    caseload.void_entry(sqlite_services, world.om, "visit", result.visit_id, result.version_id,
                        "Recorded on the wrong case")
    window = record_window(record)
    page = _visits_page(qtbot, window)
    assert page.select_entry(result.visit_id)
    assert not page.correct_button.isEnabled() and not page.void_button.isVisible()
    assert page.reinstate_button.isVisible() and page.reinstate_button.isEnabled()
    prompter.reasons[:] = ["too short", "It was the right case after all: the PNC number matches"]
    with qtbot.waitSignal(window.changed, timeout=5000):
        page.reinstate_button.click()
    assert prompter.reason_requests[0]["title"] == "Reinstate an entry"
    assert prompter.reason_requests[1]["problem"]  # the first reason was refused, asked again
    qtbot.waitUntil(lambda: page.loaded, timeout=5000)
    entry = next(e for e in page.model.rows() if e.id == result.visit_id)
    assert not entry.voided
    reasons = [window.history_model.row_at(r).revision.reason for r in range(window.history_model.rowCount())]
    assert "Recorded on the wrong case" in reasons
    assert "It was the right case after all: the PNC number matches" in reasons
