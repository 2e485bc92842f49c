"""Fixtures for the UI tests: a recording prompter, offenders made through the services, and
main windows that are closed (and whose worker has finished) before the database goes."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pytest

from rso_manager.services.caseload import OffenderDraft, OffenderRecord, create_offender
from rso_manager.services.unit_of_work import Actor, Services


@pytest.fixture(autouse=True)
def _gc_on_the_gui_thread(qapp):
    """As in the app: cyclic garbage collected on the GUI thread only (ui/gui_thread_gc.py),
    while a GUI test runs; the tests after it collect as usual."""
    from ui import gui_thread_gc

    gui_thread_gc.install(qapp)
    yield
    gui_thread_gc.uninstall()


@dataclass
class FakePrompter:
    """Records every message; answers confirm/ask_reason from queues (default: cancel)."""

    messages: list[tuple[str, str, str]] = field(default_factory=list)
    confirms: list[bool] = field(default_factory=list)
    reasons: list[str | None] = field(default_factory=list)
    reason_requests: list[dict] = field(default_factory=list)

    def info(self, title: str, text: str) -> None:
        self.messages.append(("info", title, text))

    def warning(self, title: str, text: str) -> None:
        self.messages.append(("warning", title, text))

    def error(self, title: str, text: str) -> None:
        self.messages.append(("error", title, text))

    def confirm(self, title: str, text: str, *, ok: str = "OK", cancel: str = "Cancel") -> bool:
        self.messages.append(("confirm", title, text))
        return self.confirms.pop(0) if self.confirms else False

    def ask_reason(self, title: str, label: str, *, text: str = "", problem: str | None = None) -> str | None:
        self.reason_requests.append({"title": title, "text": text, "problem": problem})
        return self.reasons.pop(0) if self.reasons else None

    def texts(self, kind: str | None = None) -> list[str]:
        return [t for k, _title, t in self.messages if kind is None or k == kind]


@pytest.fixture
def prompter() -> FakePrompter:
    return FakePrompter()


def make_offender(services: Services, actor: Actor, surname: str = "Testcase", forenames: str = "Alex",
                  dob: date = date(1980, 5, 17), **kw) -> OffenderRecord:
    draft = OffenderDraft(surname=surname, forenames=forenames, date_of_birth=dob,
                          offender_manager_id=kw.pop("offender_manager_id", actor.user_id),
                          team_id=kw.pop("team_id", actor.team_id), **kw)
    return create_offender(services, actor, draft)


@pytest.fixture
def make_window(qtbot, sqlite_services, prompter):
    """Build a logged-in main window; closed, with its worker drained, at teardown."""
    from ui.main_window import build_main_window

    windows = []

    def build(actor: Actor, *, wait: bool = True, **kw):
        window = build_main_window(sqlite_services, actor, prompter=prompter, database="SQLite test.db", **kw)
        windows.append(window)
        window.show()
        if wait and window.scopes:
            qtbot.waitUntil(lambda: not window.loading, timeout=5000)
        return window

    yield build
    prompter.confirms[:] = [True] * 20  # "discard changes?" at teardown: yes
    for window in windows:
        for record_window in list(window.record_windows.values()):
            record_window.close()
        window.close()
        window.worker.wait_for_done(5000)
        window.deleteLater()


@pytest.fixture
def record_window(qtbot, sqlite_services, world, prompter):
    """Open a record window as an officer would (a reason, audited); its worker is drained
    before the window goes, so no page's load outlives the test."""
    from PySide6.QtCore import Qt

    from rso_manager.services.caseload import AccessReason, open_record
    from ui.record_window import RecordWindow
    from ui.worker import Worker

    def build(record: OffenderRecord, actor: Actor | None = None) -> RecordWindow:
        actor = actor or world.om
        opened = open_record(sqlite_services, actor, record.offender_id, AccessReason.CASE_MANAGEMENT,
                             "reviewing the record for a test")
        worker = Worker()
        window = RecordWindow(sqlite_services, actor, worker, prompter, opened)
        window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)
        qtbot.addWidget(window, before_close_func=lambda _w: worker.wait_for_done(5000))
        window._test_worker = worker  # keep it alive with the window
        window._qtbot = qtbot
        window.show()
        return window

    return build
