"""Help > Keyboard shortcuts (F1 or Ctrl+/) lists every key of the windows, read from them, and
finds one as the user types (issue 17 part 7)."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import Qt

from ui.kit.tables import RowRole
from ui.workflows.keyboard_shortcuts import ShortcutsHelp


def _rows(dialog):
    proxy = dialog.proxy
    return [proxy.index(r, 0).data(RowRole) for r in range(proxy.rowCount())]


def test_f1_lists_the_main_and_record_window_keys_and_finds_one(qtbot, make_window, world):
    window = make_window(world.admin)
    help_part = window.part(ShortcutsHelp)
    assert help_part is not None
    assert [s.toString() for s in help_part.action.shortcuts()] == ["F1", "Ctrl+/"]
    assert help_part.action.shortcutContext() == Qt.ShortcutContext.ApplicationShortcut  # from a record too
    help_part.action.trigger()
    dialog = help_part.dialog
    assert dialog is not None and dialog.isVisible()
    rows = _rows(dialog)
    by_what = {(r.what, r.keys): r for r in rows}
    settings = by_what[("Settings...", "Ctrl+,")]
    assert settings.where == "File" and settings.window == "Main window"
    assert ("Quit", "Ctrl+Q") in by_what
    assert ("Keyboard shortcuts...", "F1 or Ctrl+/") in by_what
    assert any(r.window == "Record window" and r.keys == "Ctrl+Shift+M" for r in rows)  # MAPPA summary
    dialog.search.setText("settings")
    assert [r.what for r in _rows(dialog)] == ["Settings..."]
    dialog.search.setText("ctrl+shift+m")
    # Once, named as the list of record keys has it or (a record window open) as its action says.
    assert [r.what.rstrip(".") for r in _rows(dialog)] == ["MAPPA summary"]
    if os.environ.get("RSO_SCREENSHOTS"):
        dialog.search.clear()
        Path("screenshots").mkdir(exist_ok=True)
        dialog.resize(1280, 720)
        assert dialog.grab().save("screenshots/keyboard-shortcuts.png")
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible()


def test_an_officer_sees_the_caseload_keys(qtbot, make_window, world):
    window = make_window(world.om)
    dialog = window.part(ShortcutsHelp).open()
    keys = {(r.what, r.keys) for r in _rows(dialog)}
    assert ("Filter", "Ctrl+F") in keys
    assert ("New offender record...", "Ctrl+N") in keys
    dialog.search.setText("Go")
    assert all("go" in f"{r.keys} {r.what} {r.where} {r.window}".casefold() for r in _rows(dialog))
