"""File > Absences and cover lists offender managers' absences too: theirs send cases and reminders
to the cover, not sign-offs. File > Caseload cover offers officers of any team."""

from __future__ import annotations

import os
from datetime import date, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from rso_manager.services.caseload_cover import record_caseload_cover
from rso_manager.services.supervision import record_absence_and_cover
from ui.workflows.supervision import AbsenceCoverDialog, AbsencesModel, CaseloadCoverDialog


def _absences(qtbot, make_window, world, rows: int) -> AbsenceCoverDialog:
    window = make_window(world.lead)
    next(a for a in window.file_menu.actions() if a.text() == "&Absences and cover...").trigger()
    dialog = window.findChild(AbsenceCoverDialog)
    qtbot.waitUntil(lambda: dialog.isEnabled() and dialog.model.rowCount() == rows, timeout=5000)
    return dialog


def _record_both(services, world, clock):
    record_absence_and_cover(services, world.lead, world.supervisor.user_id, date(2026, 12, 14),
                             date(2026, 12, 18), "Training course")
    today = clock.today()
    record_caseload_cover(services, world.lead, world.om.user_id, world.om2.user_id, today,
                          today + timedelta(days=9), "Annual leave")


def test_an_offender_managers_absence_says_where_cases_and_reminders_go(qtbot, make_window, sqlite_services,
                                                                        world, clock):
    _record_both(sqlite_services, world, clock)
    dialog = _absences(qtbot, make_window, world, 2)
    model = dialog.model
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert headers[AbsencesModel.COL_COVER:] == ["Sign-offs go to", "Cases and reminders go to"]
    rows = {model.index(r, AbsencesModel.COL_WHO).data(): r for r in range(model.rowCount())}
    om, sup = rows["Olly Manager"], rows["Sam Supervisor"]
    assert model.index(om, AbsencesModel.COL_COVER).data() == ""  # an offender manager has no queue
    assert "no sign-off queue" in model.index(om, AbsencesModel.COL_COVER).data(Qt.ItemDataRole.ToolTipRole)
    assert model.index(om, AbsencesModel.COL_CASES).data() == "Oona Manager"
    assert model.index(sup, AbsencesModel.COL_COVER).data() == "The OMU lead (no cover named)"
    assert model.index(sup, AbsencesModel.COL_CASES).data() == "Stay with them (no cover named)"

    dialog.table.selectRow(om)
    assert "cases and reminders go to Oona Manager" in dialog.cover_caption.text()
    assert "File > Caseload cover" in dialog.cover_caption.text()
    assert not dialog.name_cover_button.isEnabled() and dialog.name_cover_for_selected() is None
    dialog.table.selectRow(sup)
    assert dialog.name_cover_button.isEnabled()


def test_caseload_cover_offers_officers_of_other_teams_after_the_teams_own(qtbot, make_window, sqlite_services,
                                                                          world):
    window = make_window(world.supervisor)
    dialog = CaseloadCoverDialog(sqlite_services, world.supervisor, window.worker, window.prompter, parent=window)
    qtbot.addWidget(dialog)
    dialog.open()
    qtbot.waitUntil(lambda: dialog.choices is not None and dialog.isEnabled(), timeout=5000)
    dialog.who.setCurrentIndex(dialog.who.findData(world.om.user_id))
    covers = [dialog.cover.itemText(i) for i in range(dialog.cover.count())]
    assert covers[0] == "Choose who covers" and "Olly Manager" not in covers
    assert covers.index("Sam Supervisor") < covers.index("Oona Manager (South)")
    assert "another" in dialog.hint.text()


@pytest.mark.skipif(not os.environ.get("RSO_SCREENSHOTS"), reason="set RSO_SCREENSHOTS=1 to write the screenshots")
def test_screenshot_absences_of_both_kinds(qtbot, qapp, make_window, sqlite_services, world, clock):
    from ui.app import load_style

    style, sheet = qapp.style().name(), qapp.styleSheet()
    load_style(qapp)
    try:
        _record_both(sqlite_services, world, clock)
        dialog = _absences(qtbot, make_window, world, 2)
        dialog.table.selectRow(0)
        qtbot.wait(100)
        Path("screenshots").mkdir(exist_ok=True)
        assert dialog.grab().save("screenshots/absences-both-kinds.png")
        cover = CaseloadCoverDialog(sqlite_services, world.lead, dialog._worker, dialog._prompter,
                                    parent=dialog.window())
        qtbot.addWidget(cover)
        cover.open()
        qtbot.waitUntil(lambda: cover.choices is not None and cover.model.rowCount() > 0, timeout=5000)
        cover.who.setCurrentIndex(cover.who.findData(world.om.user_id))
        cover.cover.setCurrentIndex(cover.cover.findText("Oona Manager (South)"))
        qtbot.wait(100)
        assert cover.grab().save("screenshots/caseload-cover-any-team.png")
    finally:
        qapp.setStyleSheet(sheet)
        qapp.setStyle(style)


def test_the_covering_officers_caseload_lists_the_covered_cases_flagged(qtbot, make_window, sqlite_services,
                                                                        world, clock):
    from tests.ui.conftest import make_offender

    make_offender(sqlite_services, world.om, "Aldous", "Ray")
    make_offender(sqlite_services, world.om2, "Southgate", "Kim")
    today = clock.today()
    record_caseload_cover(sqlite_services, world.lead, world.om.user_id, world.om2.user_id, today,
                          today + timedelta(days=9), "Annual leave")
    window = make_window(world.om2)
    window.resize(1280, 720)
    model = window.caseload_page.model
    flags = {model.index(r, 1).data(): model.index(r, 8).data() for r in range(model.rowCount())}
    assert set(flags) == {"ALDOUS, Ray", "SOUTHGATE, Kim"}
    assert flags["ALDOUS, Ray"].startswith("Covering for Olly Manager; ")
    assert "Covering" not in flags["SOUTHGATE, Kim"]
    if os.environ.get("RSO_SCREENSHOTS"):
        qtbot.wait(100)
        Path("screenshots").mkdir(exist_ok=True)
        assert window.grab().save("screenshots/caseload-covering.png")
