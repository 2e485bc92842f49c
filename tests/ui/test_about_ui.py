"""Help > About RSO Manager (issue 17): the version, the licence and the database in use, which a
support call starts from; a PostgreSQL database is named without its password."""

from __future__ import annotations

import os
from importlib import metadata
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint
from PySide6.QtGui import QColor, QGuiApplication, QPainter
from sqlalchemy import create_engine
from sqlalchemy.orm import sessionmaker

from rso_manager.clock import FixedClock
from rso_manager.services.unit_of_work import Services
from ui.workflows.about import UNCHOSEN_LICENCE, About, AboutDialog, database_in_use, gather

ROOT = Path(__file__).resolve().parents[2]


def _help_items(window) -> list[str]:
    return [a.text() for a in window.help_menu.actions() if a.isVisible() and not a.isSeparator()]


def test_help_has_one_about_showing_version_licence_and_the_database(qtbot, make_window, world, sqlite_url):
    window = make_window(world.om)
    assert _help_items(window).count("&About RSO Manager") == 1
    about = window.part(About)
    assert about is not None
    about.action.trigger()
    dialog = about.dialog
    assert isinstance(dialog, AboutDialog) and dialog.isVisible()
    values = {label: widget.text() for label, widget in dialog.values.items()}
    assert values["Version"].startswith(metadata.version("rso-manager"))
    if not (ROOT / "LICENSE").exists():
        assert values["Licence"] == UNCHOSEN_LICENCE
    database = sqlite_url.removeprefix("sqlite:///")
    assert values["Database"] == f"SQLite {database}"
    assert values["Qt"].startswith("Qt 6.") and "PySide6 6." in values["Qt"]
    assert values["Python"].startswith("3.")
    assert world.om.display_name in values["Signed in as"]
    dialog.copy_button.click()
    copied = QGuiApplication.clipboard().text()
    assert "Version: " in copied and f"Database: SQLite {database}" in copied
    assert all(dialog.values[label].accessibleName() for label in dialog.values)
    dialog.close()


def test_a_postgresql_database_is_named_by_server_and_database_never_its_password():
    engine = create_engine("postgresql+psycopg://rso_app:not-this-secret@db.omu.example:5433/rso_live")
    try:
        services = Services(sessionmaker(bind=engine), FixedClock())
        shown = database_in_use(services)
        assert shown == "PostgreSQL db.omu.example/rso_live"
        facts = gather(services)
        assert "not-this-secret" not in facts.as_text() and "rso_live" in facts.as_text()
    finally:
        engine.dispose()


@pytest.mark.skipif(not os.environ.get("RSO_SCREENSHOTS"), reason="set RSO_SCREENSHOTS=1 to write the screenshots")
def test_screenshot_of_the_about_dialog(qtbot, qapp, make_window, world):
    from ui.app import load_style

    style, sheet = qapp.style().name(), qapp.styleSheet()
    load_style(qapp)
    try:
        window = make_window(world.lead, demo=True)
        window.resize(1280, 720)
        about = window.part(About)
        dialog = about.show()
        qtbot.waitUntil(dialog.isVisible, timeout=2000)
        qtbot.wait(100)
        # What the user sees: the dialog over the middle of the main window.
        picture = window.grab()
        shown = dialog.grab()
        painter = QPainter(picture)
        corner = QPoint((picture.width() - shown.width()) // 2, (picture.height() - shown.height()) // 2)
        painter.drawPixmap(corner, shown)
        painter.setPen(QColor("#5f6b7a"))  # offscreen windows have no frame: draw the dialog's edge
        painter.drawRect(corner.x() - 1, corner.y() - 1, shown.width() + 1, shown.height() + 1)
        painter.end()
        path = Path("screenshots") / "about.png"
        path.parent.mkdir(exist_ok=True)
        assert picture.width() == 1280 and picture.height() == 720
        assert picture.save(str(path))
        dialog.close()
    finally:
        qapp.setStyleSheet(sheet)
        qapp.setStyle(style)
