"""Print warning letter... and Print acknowledgement...: the PDF is saved (the record that it was
produced, audited) and then printed on the printer chosen in the system print dialog (issue 13).

The user's answer to the modal print dialog is the one thing faked: a real QPrinter writing a PDF
file stands in for the printer they chose, or None for Cancel.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtPrintSupport import QPrinter
from sqlalchemy import select

from rso_manager.persistence import models as m
from rso_manager.services import breaches as br
from tests.ui.conftest import make_offender
from ui.kit.printing import page_count

WARNING = ("Warned that declaring a device late is an offence and that any further delay will be recorded "
           "as a crime and put before the CPS.")


class PrintDialogAnswers:
    """Stands in for the user at the system print dialog: records the titles it was opened with
    and answers with a PDF printer writing OUTPUT, or None (Cancel)."""

    def __init__(self, output: Path | None) -> None:
        self.output = output
        self.asked: list[str] = []

    def __call__(self, parent, title: str) -> QPrinter | None:
        self.asked.append(title)
        if self.output is None:
            return None
        printer = QPrinter(QPrinter.PrinterMode.ScreenResolution)
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(self.output))
        return printer


def _audits(services, action: str) -> list[m.AuditEvent]:
    with services.session_factory() as s:
        return list(s.scalars(select(m.AuditEvent).where(m.AuditEvent.action == action)))


def _status(window) -> str:
    return window.statusBar().currentMessage()


def _saved_path(window) -> Path:
    """The saved file the status message names."""
    return Path(_status(window).rsplit("saved as ", 1)[1])


def _shown(qtbot, window, key: str):
    page = window.section_tabs[key]
    page.ctx.show_part(key)
    qtbot.waitUntil(lambda: page.loaded and not page.loading, timeout=5000)
    return page


# --- the warning letter ---------------------------------------------------------------------------


@pytest.fixture
def letter_page(qtbot, sqlite_services, world, record_window):
    """The Breaches part of a record with a written warning selected, for a supervisor (who may
    print), with the viewer replaced by a list of the paths opened."""
    record = make_offender(sqlite_services, world.supervisor)
    breach = br.open_manual_breach(sqlite_services, world.supervisor, record.offender_id, br.BreachInput(
        "statutory_duty", date(2026, 11, 20), "Declared a tablet 10 days after getting it",
        duty="device_declaration"))
    warning = br.give_warning(sqlite_services, world.supervisor, record.offender_id, br.WarningInput(
        kind="written", rationale=WARNING, given_on=date(2026, 11, 24), breach_id=breach.breach_id))
    window = record_window(record, world.supervisor)
    page = _shown(qtbot, window, "breaches")
    page.opened = []
    page.opener = page.opened.append
    assert page.select_warning(warning.warning_id) and page.print_button.isEnabled()
    return window, page


def test_a_warning_letter_is_saved_then_every_page_printed_on_the_printer_chosen(
        qtbot, letter_page, sqlite_services, prompter, tmp_path):
    window, page = letter_page
    answer = page.ask_printer = PrintDialogAnswers(tmp_path / "printer-output.pdf")
    page.print_letter()
    assert not page.print_button.isEnabled()  # until the letter is out
    qtbot.waitUntil(lambda: "was printed" in _status(window), timeout=20_000)
    assert answer.asked == ["Print the warning letter"]
    saved = _saved_path(window)
    letter_pages = page_count(saved.read_bytes())
    assert len(PdfReader(answer.output).pages) == letter_pages >= 1
    assert f"{letter_pages} page{'s' if letter_pages != 1 else ''} sent to the file {answer.output}" in _status(window)
    assert page.opened == [] and prompter.messages == []  # printed: nothing to ask
    assert page.print_button.isEnabled()
    [audit] = _audits(sqlite_services, "export.print")  # the service's audit of the letter, once
    assert audit.entity == "warning"


def test_a_cancelled_print_dialog_prints_nothing_keeps_the_letter_and_offers_to_open_it(
        qtbot, letter_page, sqlite_services, prompter, tmp_path):
    window, page = letter_page
    answer = page.ask_printer = PrintDialogAnswers(None)
    prompter.confirms[:] = [False]  # "Open it now?" No
    page.print_letter()
    qtbot.waitUntil(lambda: page.print_button.isEnabled(), timeout=10_000)
    assert answer.asked == ["Print the warning letter"]
    saved = _saved_path(window)
    assert "not printed" in _status(window)
    assert saved.read_bytes().startswith(b"%PDF") and page_count(saved.read_bytes()) >= 1
    [(kind, title, text)] = prompter.messages
    assert (kind, title) == ("confirm", "Warning letter not printed") and str(saved) in text
    assert page.opened == []
    assert len(_audits(sqlite_services, "export.print")) == 1  # the letter produced, recorded

    prompter.confirms[:] = [True]  # again, and this time "Open it now?" Yes
    page.print_letter()
    qtbot.waitUntil(lambda: bool(page.opened), timeout=10_000)
    assert page.opened[0].read_bytes().startswith(b"%PDF") and page.opened[0] != saved


def test_a_printer_that_cannot_start_says_the_letter_is_still_saved(qtbot, letter_page, prompter, tmp_path):
    window, page = letter_page
    page.ask_printer = PrintDialogAnswers(tmp_path / "no such folder" / "out.pdf")
    page.print_letter()
    qtbot.waitUntil(lambda: bool(prompter.messages), timeout=20_000)
    [(kind, title, text)] = prompter.messages
    assert (kind, title) == ("warning", "The warning letter was not printed")
    assert "could not be started" in text and str(_saved_path(window)) in text
    assert "not printed" in _status(window) and _saved_path(window).read_bytes().startswith(b"%PDF")
    assert page.print_button.isEnabled()


# --- the s.87(3) acknowledgement --------------------------------------------------------------------


@pytest.fixture
def notifications_page(qtbot, sqlite_services, world, record_window, tmp_path):
    """The Notifications part of an officer's record, acknowledgements saved into a temporary
    folder, the viewer replaced by a list of the paths opened."""
    record = make_offender(sqlite_services, world.om, "Kettleby", "Frank")
    window = record_window(record)
    page = _shown(qtbot, window, "notifications")
    page.ack_folder = tmp_path / "acks"
    page.opened = []
    page.opener = page.opened.append
    return window, page


def _take_a_change_of_name(qtbot, page, *, print_ack: bool) -> None:
    dialog = page.open_take()
    dialog.kind.setCurrentIndex(dialog.kind.findData("change_name"))
    dialog.event_on.edit.setText("24/11/2026")
    dialog.print_ack.setChecked(print_ack)
    before = page.loads
    dialog.submit()
    qtbot.waitUntil(lambda: page.loads > before and page.taken_model.rowCount() == 1, timeout=5000)


def test_the_acknowledgement_ticked_in_the_take_dialog_is_saved_and_printed(
        qtbot, notifications_page, sqlite_services, prompter, tmp_path):
    window, page = notifications_page
    answer = page.ask_printer = PrintDialogAnswers(tmp_path / "printer-output.pdf")
    _take_a_change_of_name(qtbot, page, print_ack=True)
    qtbot.waitUntil(lambda: "was printed" in _status(window), timeout=20_000)
    assert answer.asked == ["Print the acknowledgement"]
    [saved] = (tmp_path / "acks").iterdir()
    assert _saved_path(window) == saved
    assert len(PdfReader(answer.output).pages) == page_count(saved.read_bytes()) >= 1
    assert f"sent to the file {answer.output}" in _status(window)
    assert page.opened == [] and prompter.messages == []
    [audit] = _audits(sqlite_services, "export.print")
    assert audit.entity == "statutory_notification"


def test_a_cancelled_print_of_the_acknowledgement_keeps_the_saved_file(
        qtbot, notifications_page, sqlite_services, prompter, tmp_path):
    window, page = notifications_page
    page.ask_printer = PrintDialogAnswers(None)
    _take_a_change_of_name(qtbot, page, print_ack=False)
    assert page.ask_printer.asked == []  # not ticked: not printed
    page.taken_view.selectRow(0)
    prompter.confirms[:] = [False]  # "Open it now?" No
    page.print_button.click()
    qtbot.waitUntil(lambda: bool(prompter.messages), timeout=10_000)
    assert page.ask_printer.asked == ["Print the acknowledgement"]
    [saved] = (tmp_path / "acks").iterdir()
    assert saved.read_bytes().startswith(b"%PDF")
    assert str(saved) in _status(window) and "not printed" in _status(window)
    [(kind, title, text)] = prompter.messages
    assert (kind, title) == ("confirm", "Acknowledgement not printed") and str(saved) in text
    assert page.opened == [] and len(_audits(sqlite_services, "export.print")) == 1
