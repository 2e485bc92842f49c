"""File > Settings... (issue 17 part 6): the administrator's settings in one dialog, read and
saved on the worker; Save only once something changed and a reason is given; the service's
messages under the fields, on the right tab, with nothing saved; each tab at 1280x720."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from PySide6.QtWidgets import QDialog
from sqlalchemy import select

from rso_manager.domain.setting_definitions import SettingGroup
from rso_manager.persistence import models as m
from rso_manager.services import settings
from ui.workflows.settings_dialog import SettingsDialog, SettingsMenu

REASON = "Agreed by the OMU lead at the November performance meeting"


def _open(qtbot, make_window, world) -> SettingsDialog:
    window = make_window(world.admin)
    menu = window.part(SettingsMenu)
    assert menu is not None and menu.action.shortcut().toString() == "Ctrl+,"
    menu.action.trigger()
    dialog = menu.dialog
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.read is not None, timeout=5000)
    return dialog


def _audited(services):
    with services.session_factory() as s:
        return [json.loads(e.details_json) for e in
                s.scalars(select(m.AuditEvent).where(m.AuditEvent.action == "setting.change"))]


def test_save_waits_for_a_change_and_a_reason_then_saves_and_audits(qtbot, make_window, sqlite_services, world):
    dialog = _open(qtbot, make_window, world)
    assert dialog.value("session_lock_minutes") == 15 and dialog.value("visit_policy.interval_months.low") == 12
    assert "default 15 minutes" in dialog.helps["session_lock_minutes"].text()
    assert not dialog.save_button.isEnabled()
    dialog.set_value("session_lock_minutes", 10)
    assert not dialog.save_button.isEnabled()  # no reason yet
    dialog.reason.set_text(REASON)
    assert dialog.save_button.isEnabled()
    dialog.set_value("session_lock_minutes", 15)  # back as it was: nothing to save
    assert not dialog.save_button.isEnabled()
    dialog.set_value("session_lock_minutes", 10)
    dialog.set_value("second_factor_for_everyone", True)
    dialog.save_button.click()
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=5000)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert sorted(_audited(sqlite_services), key=lambda d: d["key"]) == [
        {"key": "second_factor_for_everyone", "before": False, "after": True},
        {"key": "session_lock_minutes", "before": 15, "after": 10}]


def test_a_refused_value_is_said_under_its_field_on_its_tab_and_nothing_is_saved(qtbot, make_window,
                                                                                  sqlite_services, world):
    dialog = _open(qtbot, make_window, world)
    dialog.set_value("caseload_ceiling", 40)
    dialog.set_value("crime_reference_pattern", "^CR\\d{8}$")  # the example no longer matches
    dialog.reason.set_text(REASON)
    dialog.tabs.setCurrentIndex(0)
    dialog.save_button.click()
    qtbot.waitUntil(lambda: dialog.errors.message("crime_reference_pattern") != "", timeout=5000)
    assert "NY-26-012345" in dialog.errors.message("crime_reference_pattern")
    assert dialog.tabs.currentIndex() == list(SettingGroup).index(SettingGroup.THRESHOLDS)
    assert dialog.isVisible() and dialog.value("caseload_ceiling") == 40  # nothing typed is lost
    with sqlite_services.session_factory() as s:
        assert settings.get(s, "caseload_ceiling") == 50
    assert _audited(sqlite_services) == []
    dialog.set_value("crime_reference_example", "CR00001234")
    dialog.save_button.click()
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=5000)
    with sqlite_services.session_factory() as s:
        assert settings.get(s, "crime_reference_pattern") == "^CR\\d{8}$"
        assert settings.get(s, "caseload_ceiling") == 40


def test_the_backup_folder_is_chosen_and_the_stations_list_opened_from_the_dialog(qtbot, make_window, world,
                                                                                  sqlite_services, tmp_path):
    dialog = _open(qtbot, make_window, world)
    dialog.choose_folder = lambda: str(tmp_path)
    dialog.browse_button.click()
    assert dialog.value("backup_folder") == str(tmp_path)
    qtbot.waitUntil(lambda: "designated" in dialog.stations_summary.text(), timeout=5000)
    before = {id(w) for w in dialog.host_window.findChildren(QDialog)}
    assert dialog.open_stations()
    opened = [w for w in dialog.host_window.findChildren(QDialog) if id(w) not in before]
    assert any(w.windowTitle() == "Designated police stations" for w in opened)
    for w in opened:
        w.done(0)


def test_only_the_administrator_has_the_settings(make_window, world):
    for who in (world.lead, world.supervisor, world.om):
        assert make_window(who).part(SettingsMenu) is None


@pytest.mark.skipif(not os.environ.get("RSO_SCREENSHOTS"), reason="set RSO_SCREENSHOTS=1 to write the screenshots")
def test_screenshot_each_tab(qtbot, qapp, make_window, world):
    from ui.app import load_style

    style, sheet = qapp.style().name(), qapp.styleSheet()
    load_style(qapp)
    try:
        dialog = _open(qtbot, make_window, world)
        dialog.resize(1280, 720)
        qtbot.waitUntil(lambda: "designated" in dialog.stations_summary.text(), timeout=5000)
        dialog.set_value("visit_policy.interval_months.medium", 4)
        dialog.reason.set_text(REASON)
        Path("screenshots").mkdir(exist_ok=True)
        names = {SettingGroup.VISITS: "visits", SettingGroup.THRESHOLDS: "thresholds",
                 SettingGroup.NOTIFICATIONS: "notifications", SettingGroup.SECURITY: "security",
                 SettingGroup.BACKUPS: "backups", SettingGroup.DOCUMENTS: "calendar",
                 # settings-directory.png, filled in and tested: tests/directory/ui/.
                 SettingGroup.DIRECTORY: "directory-defaults"}
        for index, group in enumerate(SettingGroup):
            dialog.tabs.setCurrentIndex(index)
            qtbot.wait(50)
            assert dialog.grab().save(f"screenshots/settings-{names[group]}.png")
        dialog.set_value("crime_reference_pattern", "([A-Z")
        dialog.save_button.click()
        qtbot.waitUntil(lambda: dialog.errors.message("crime_reference_pattern") != "", timeout=5000)
        qtbot.wait(50)
        assert dialog.grab().save("screenshots/settings-refused.png")
    finally:
        qapp.setStyleSheet(sheet)
        qapp.setStyle(style)
