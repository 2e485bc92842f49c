"""MAPPA summary... on the record window's toolbar: the PDF saved where the user chose (only the
save dialog's answer is faked), or printed on the printer chosen; hidden from roles that cannot
read cases."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QToolBar
from sqlalchemy import select

from rso_manager.domain.roles import Role
from rso_manager.persistence import models as m
from rso_manager.services import caseload
from tests.mappa_case import build_case
from ui.extensions import record_actions
from ui.kit.record_page import RecordContext
from ui.workflows.mappa_summary import SHORTCUT, MappaSummaryAction


class SaveDialogAnswer:
    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.suggested: list[str] = []

    def __call__(self, parent, caption: str, suggested: str, file_filter: str) -> str:
        self.suggested.append(suggested)
        return str(self.path) if self.path else ""


def _window(qtbot, sqlite_services, world, clock, record_window):
    case = build_case(sqlite_services, world, clock)
    record = caseload.reload_record(sqlite_services, world.om, case.offender_id)
    window = record_window(record)
    [action] = window.findChildren(MappaSummaryAction)
    return window, action, case


def _prints(services) -> list[m.AuditEvent]:
    with services.session_factory() as s:
        return list(s.scalars(select(m.AuditEvent).where(m.AuditEvent.action == "export.print")))


def test_the_action_saves_the_summary_where_the_user_chose(qtbot, sqlite_services, world, clock, record_window,
                                                          tmp_path):
    window, action, case = _window(qtbot, sqlite_services, world, clock, record_window)
    assert action.text() == "MAPPA summary..." and action.shortcut().toString() == SHORTCUT
    toolbar = window.findChild(QToolBar, "recordToolbar")
    assert action in toolbar.actions() and action.toolTip()
    answer = action.chooser = SaveDialogAnswer(tmp_path / "for the meeting")  # typed without .pdf
    action.folder = lambda: tmp_path
    with qtbot.waitSignal(action.finished_job, timeout=20000) as job:
        action.trigger()
        assert not action.isEnabled()  # built on the worker; the window stays usable meanwhile
    assert job.args == ["saved"] and action.isEnabled()
    assert answer.suggested == [str(tmp_path / f"{case.reference}-mappa-summary-2026-11-25.pdf")]
    saved = tmp_path / "for the meeting.pdf"
    assert window.statusBar().currentMessage() == f"Saved the MAPPA summary as {saved}"
    assert stat.S_IMODE(saved.stat().st_mode) == 0o600
    first = PdfReader(saved).pages[0]
    assert "ASHDOWN, Martin James" in first.extract_text() and len(first.images) == 1
    [audit] = _prints(sqlite_services)
    assert audit.offender_id == case.offender_id and audit.username == "om"


def test_cancelling_the_save_dialog_writes_and_audits_nothing(qtbot, sqlite_services, world, clock,
                                                             record_window):
    _window_, action, _case = _window(qtbot, sqlite_services, world, clock, record_window)
    action.chooser = SaveDialogAnswer(None)
    action.trigger()
    assert action.isEnabled() and _prints(sqlite_services) == []


def test_print_sends_the_summary_to_the_printer_chosen(qtbot, sqlite_services, world, clock, record_window,
                                                      tmp_path):
    window, action, _case = _window(qtbot, sqlite_services, world, clock, record_window)
    output = tmp_path / "printer.pdf"

    def printer(parent, title: str) -> QPrinter:
        p = QPrinter(QPrinter.PrinterMode.ScreenResolution)
        p.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        p.setOutputFileName(str(output))
        return p

    action.ask_printer = printer
    with qtbot.waitSignal(action.finished_job, timeout=30000) as job:
        action.print_action.trigger()
    assert job.args == ["printed"]
    assert output.exists() and len(PdfReader(output).pages) >= 2
    assert "The MAPPA summary was printed" in window.statusBar().currentMessage()
    assert len(_prints(sqlite_services)) == 1


def test_roles_that_cannot_read_cases_are_not_offered_it(sqlite_services, world):
    from rso_manager.services.unit_of_work import Actor

    briefing = Actor(99, "patrol", "Pat Patrol", Role.BRIEFING, world.team_id, True)
    make = next(f for f in record_actions() if f.__name__ == "mappa_summary_action")
    for actor in (world.admin, briefing):
        ctx = RecordContext(sqlite_services, actor, None, None, lambda: None, lambda: None, None,  # type: ignore[arg-type]
                            show_part=lambda _k: None, show_status=lambda _t: None, show_entry=lambda _k, _i: None)
        assert make(ctx) is None


@pytest.mark.skipif(not os.environ.get("RSO_SCREENSHOTS"), reason="set RSO_SCREENSHOTS=1 to write the screenshots")
def test_screenshot_of_the_record_toolbar(qtbot, sqlite_services, world, clock, record_window):
    """screenshots/mappa-summary-action.png: the record window (1280x720) with MAPPA summary... on its toolbar."""
    window, _action, _case = _window(qtbot, sqlite_services, world, clock, record_window)
    window.resize(1280, 720)
    qtbot.wait(300)
    assert window.grab().save("screenshots/mappa-summary-action.png")
