"""Reminders in the main window: the APScheduler job, the start-up scan, the badge, the list and
the (faked) desktop notification."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from apscheduler.triggers.interval import IntervalTrigger
from PySide6.QtWidgets import QLabel

from rso_manager.services import breaches, visits
from rso_manager.services.caseload import AccessReason
from rso_manager.services.visits import VisitInput
from tests.ui.conftest import make_offender
from ui.open_reason_dialog import OpenReasonDialog
from ui.workflows import reminders
from ui.workflows.reminders import ReminderController, badge_text, controller_of


@dataclass
class FakeNotifier:
    calls: list[tuple[str, str]] = field(default_factory=list)

    def notify(self, title: str, text: str) -> None:
        self.calls.append((title, text))


@pytest.fixture
def notifier(monkeypatch) -> FakeNotifier:
    fake = FakeNotifier()
    monkeypatch.setattr(reminders, "NOTIFIER_FACTORY", lambda _window, _on_click: fake)
    return fake


def _overdue_case(services, world, surname="Quillfeather"):
    record = make_offender(services, world.om, surname, "Arthur")
    visits.record_risk_assessment(services, world.om, record.offender_id, tool="RM2000", level="very_high",
                                  assessed_on=date(2026, 9, 1))
    visits.record_visit(services, world.om, VisitInput(
        record.offender_id, datetime(2026, 9, 2, 18, tzinfo=UTC), "seen",
        officer_ids=(world.om.user_id, world.supervisor.user_id)))
    return record


def test_a_reminder_already_due_at_start_shows_at_start(qtbot, make_window, sqlite_services, world, notifier):
    late = _overdue_case(sqlite_services, world)
    window = make_window(world.om)
    controller = controller_of(window)
    assert isinstance(controller, ReminderController)
    qtbot.waitUntil(lambda: controller.badge.text() == "1 overdue", timeout=5000)
    assert controller.badge.property("level") == "overdue"
    assert controller.badge.isVisibleTo(window)
    assert notifier.calls == []  # already known at start: the badge says it; no desktop pop-up

    # The default job: one interval job, text reference, never skipped when late.
    job = controller._holder[0].get_job(reminders.JOB_ID)
    assert job.func_ref == "ui.workflows.reminders:scan_due"
    assert isinstance(job.trigger, IntervalTrigger) and job.trigger.interval == timedelta(minutes=5)
    assert job.coalesce and job.misfire_grace_time is None and job.max_instances == 1
    assert str(controller._holder[0].timezone) == "Europe/London"

    dialog = controller.show_list()
    assert dialog.isVisible() and dialog.model.rowCount() == 1
    assert dialog.model.index(0, 0).data() == "Overdue since 02/10/2026"
    assert dialog.model.index(0, 2).data() == "QUILLFEATHER, Arthur"
    dialog.table.activated.emit(dialog.model.index(0, 2))  # as a double-click on the name
    assert not dialog.isVisible()
    reason = window.reason_dialog
    assert isinstance(reason, OpenReasonDialog) and reason.isVisible()
    assert reason.offender_id == late.offender_id
    assert reason.findChild(QLabel, "dialogHeading").text() == f"Open QUILLFEATHER, Arthur ({late.reference})"
    reason.reject()


def test_the_interval_job_fires_and_notifies_new_overdue_items(qtbot, make_window, sqlite_services, world,
                                                               notifier, monkeypatch):
    monkeypatch.setattr(reminders, "INTERVAL", timedelta(seconds=0.2))
    window = make_window(world.om)
    controller = controller_of(window)
    qtbot.waitUntil(lambda: controller.scans >= 1, timeout=5000)
    assert controller.badge.text() == "Nothing due this week"
    assert controller._holder[0].get_job(reminders.JOB_ID).trigger.interval == timedelta(seconds=0.2)

    _overdue_case(sqlite_services, world)  # someone records it while the app is open
    qtbot.waitUntil(lambda: controller.badge.text() == "1 overdue", timeout=5000)
    qtbot.waitUntil(lambda: len(notifier.calls) == 1, timeout=5000)
    title, text = notifier.calls[0]
    assert title == "RSO Manager: overdue" and "1 reminder has become overdue" in text
    assert "QUILLFEATHER" not in text  # no names on a desktop notification
    scans = controller.scans
    qtbot.waitUntil(lambda: controller.scans >= scans + 2, timeout=5000)  # it keeps running ...
    assert len(notifier.calls) == 1  # ... and does not repeat itself

    window.close()
    assert not controller.running  # shut down with the window


def test_an_empty_list_says_why_and_what_shows_there(qtbot, make_window, world, notifier):
    window = make_window(world.om)
    controller = controller_of(window)
    qtbot.waitUntil(lambda: controller.digest is not None, timeout=5000)
    dialog = controller.show_list()
    assert dialog.panel.is_empty_shown() and not dialog.open_button.isEnabled()
    assert "Nothing is overdue, waiting or due in the next 7 days" in dialog.panel.empty.text()
    assert dialog.hint.text() == "As of 25/11/2026."
    dialog.reject()


def test_the_badge_sits_in_the_toolbar_through_the_host(make_window, world, notifier):
    from PySide6.QtWidgets import QToolBar

    window = make_window(world.om)
    badge = controller_of(window).badge
    assert isinstance(badge.parent(), QToolBar) and badge.parent() is window.toolbar


def test_badge_text():
    from rso_manager.reminders import Reminder, ReminderDigest

    def r(overdue):
        return Reminder(1, "R1", "A, B", "Home visit", date(2026, 11, 20), overdue)

    assert badge_text(None) == "Checking what is due..."
    assert badge_text(ReminderDigest(date(2026, 11, 25), ())) == "Nothing due this week"
    assert badge_text(ReminderDigest(date(2026, 11, 25), (r(True),) * 3 + (r(False),) * 5)) == \
        "3 overdue, 5 due this week"
    waiting = Reminder(1, "R1", "A, B", "Breach decision", date(2026, 11, 20), False, waiting=True)
    assert badge_text(ReminderDigest(date(2026, 11, 25), (r(True), waiting, waiting))) == "1 overdue, 2 waiting"


def test_no_reminders_for_an_administrator(make_window, world):
    window = make_window(world.admin)
    assert controller_of(window) is None


def test_a_breach_waiting_for_a_decision_reminds_and_opens_the_breaches(qtbot, make_window, sqlite_services,
                                                                      world, notifier):
    """Issue 12: a breach with no crime reference or decision is in the list, says what waits,
    and opens the record at its breaches."""
    record = make_offender(sqlite_services, world.om, "Rowanberry", "Beth")
    visits.record_visit(sqlite_services, world.om, VisitInput(
        record.offender_id, datetime(2026, 11, 25, 9, tzinfo=UTC), "seen",
        officer_ids=(world.om.user_id, world.om2.user_id)))
    breaches.open_manual_breach(sqlite_services, world.om, record.offender_id, breaches.BreachInput(
        occurred_on=date(2026, 11, 23), duty="biometrics", description="Refused photographs at the visit"))
    window = make_window(world.om)
    controller = controller_of(window)
    qtbot.waitUntil(lambda: controller.badge.text() == "1 waiting", timeout=5000)
    assert controller.badge.property("level") == "none" and notifier.calls == []

    dialog = controller.show_list()
    assert dialog.model.rowCount() == 1
    assert dialog.model.index(0, 0).data() == "Waiting since 23/11/2026"
    assert dialog.model.index(0, 1).data() == ("Breach decision: breach: crime reference or reasoned "
                                              "no-crime decision")
    dialog.table.activated.emit(dialog.model.index(0, 1))
    reason = window.reason_dialog
    assert isinstance(reason, OpenReasonDialog) and reason.offender_id == record.offender_id
    reason.choose(AccessReason.CASE_MANAGEMENT, "deciding the breach of 23 November")
    with qtbot.waitSignal(window.record_window_opened, timeout=5000) as opened:
        reason.submit()
    record_window = opened.args[0]
    assert record_window.tabs.tabText(record_window.tabs.currentIndex()).startswith("Breaches")


@pytest.mark.skipif(not os.environ.get("RSO_SCREENSHOTS"), reason="set RSO_SCREENSHOTS=1 to write the screenshots")
def test_screenshot_of_the_reminders_list(qtbot, qapp, make_window, sqlite_services, world, notifier):
    """screenshots/reminders.png: the list over the main window, on a 1280x720 screen."""
    from PySide6.QtGui import QPainter

    from ui.app import load_style

    style, sheet = qapp.style().name(), qapp.styleSheet()
    load_style(qapp)
    try:
        _overdue_case(sqlite_services, world)
        _overdue_case(sqlite_services, world, "Ravenscroft")
        waiting = make_offender(sqlite_services, world.om, "Rowanberry", "Beth")
        visits.record_visit(sqlite_services, world.om, VisitInput(
            waiting.offender_id, datetime(2026, 11, 25, 9, tzinfo=UTC), "seen",
            officer_ids=(world.om.user_id, world.om2.user_id)))
        breaches.open_manual_breach(sqlite_services, world.om, waiting.offender_id, breaches.BreachInput(
            occurred_on=date(2026, 11, 23), duty="biometrics", description="Refused photographs at the visit"))
        window = make_window(world.om)
        window.resize(1280, 720)
        controller = controller_of(window)
        qtbot.waitUntil(lambda: controller.badge.text() == "2 overdue, 1 waiting", timeout=5000)
        dialog = controller.show_list()
        assert dialog.model.rowCount() == 3
        qtbot.wait(100)
        canvas = window.grab()
        painter = QPainter(canvas)
        painter.drawPixmap((1280 - dialog.width()) // 2, (720 - dialog.height()) // 2, dialog.grab())
        painter.end()
        path = Path("screenshots") / "reminders.png"
        path.parent.mkdir(exist_ok=True)
        assert canvas.save(str(path))
        dialog.reject()
    finally:
        qapp.setStyleSheet(sheet)
        qapp.setStyle(style)


def test_a_record_opens_while_a_slow_scan_runs(qtbot, make_window, sqlite_services, world, notifier,
                                             monkeypatch):
    """Issue 16: the scan has a worker of its own, so the window's worker (opening a record)
    never queues behind it; asked again meanwhile, it runs once more after, never beside it."""
    import threading

    late = _overdue_case(sqlite_services, world)
    started, release = threading.Event(), threading.Event()
    scans: list[str] = []

    def held() -> None:
        scans.append(threading.current_thread().name)
        started.set()
        release.wait(10)

    monkeypatch.setattr(reminders, "SCAN_STARTED", held)
    window = make_window(world.om)
    controller = controller_of(window)
    try:
        qtbot.waitUntil(started.is_set, timeout=5000)
        assert scans[0].startswith("rso-reminders")
        # The scheduler's turn while a scan runs is skipped; the window's own asks queue one more.
        reminders.scan_due(sqlite_services, world.om, 7, controller.bridge)
        controller.scan_now()
        controller.scan_now()
        assert len(scans) == 1

        reason = window.open_offender(late.offender_id, "QUILLFEATHER, Arthur")
        reason.choose(AccessReason.CASE_MANAGEMENT, "checking the overdue visit")
        with qtbot.waitSignal(window.record_window_opened, timeout=5000):
            reason.submit()
        record_window = window.record_windows[late.offender_id]
        qtbot.waitUntil(lambda: not window.worker.busy, timeout=5000)  # every part of it read
        assert record_window.isVisible()
        assert controller.digest is None and controller.badge.text() == "Checking what is due..."
    finally:
        release.set()
    qtbot.waitUntil(lambda: controller.scans == 2 and not controller._in_flight, timeout=5000)
    assert controller.badge.text() == "1 overdue" and len(scans) == 2
    record_window.close()


def test_the_start_scan_waits_for_the_first_caseload(qtbot, make_window, sqlite_services, world, notifier,
                                                     monkeypatch):
    """Issue 16: run beside the caseload, the scan shared its interpreter lock and slowed the
    OMU lead's 100,000 cases by a third; it starts once they are in, and once only."""
    import threading

    from ui import caseload_page

    _overdue_case(sqlite_services, world)
    release = threading.Event()
    load = caseload_page._load_caseload

    def held(*args):
        release.wait(10)
        return load(*args)

    scanned: list[bool] = []
    monkeypatch.setattr(caseload_page, "_load_caseload", held)
    monkeypatch.setattr(reminders, "SCAN_STARTED", lambda: scanned.append(release.is_set()))
    window = make_window(world.om, wait=False)
    controller = controller_of(window)
    try:
        qtbot.wait(300)
        assert scanned == [] and window.loading
    finally:
        release.set()
    qtbot.waitUntil(lambda: controller.badge.text() == "1 overdue", timeout=5000)
    assert scanned == [True]
    qtbot.wait(50)
    assert controller.scans == 1


def test_the_start_scan_runs_when_the_caseload_never_arrives(qtbot, make_window, sqlite_services, world,
                                                            notifier, prompter, monkeypatch):
    from sqlalchemy.exc import OperationalError

    from ui import caseload_page

    _overdue_case(sqlite_services, world)

    def fails(*_args):
        raise OperationalError("SELECT", {}, Exception("database is locked"))

    monkeypatch.setattr(caseload_page, "_load_caseload", fails)
    monkeypatch.setattr(reminders, "FIRST_SCAN_LATEST_MS", 200)
    window = make_window(world.om, wait=False)
    controller = controller_of(window)
    qtbot.waitUntil(lambda: controller.badge.text() == "1 overdue", timeout=5000)
    assert controller.scans == 1
