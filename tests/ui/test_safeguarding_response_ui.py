"""Issue 19 on screen: an overdue child safety check in the offender manager's reminders and as
a caseload flag, escalated to the supervisor; the case's safeguarding response with its three
parts, their owners, due times and clocks, completed from the page."""

from __future__ import annotations

import os
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from rso_manager.services import safeguarding
from rso_manager.services.caseload import AccessReason, open_record
from rso_manager.services.safeguarding import RelationshipInput
from tests.opening import open_case
from tests.ui.conftest import make_offender
from ui.caseload_model import CaseloadModel
from ui.record_window import RecordWindow
from ui.workflows import reminders
from ui.workflows.reminders import controller_of
from ui.workflows.safeguarding import SafeguardingPage
from ui.workflows.safeguarding.responses import ChildCheckDialog, NotApplicableDialog


class _Notifier:
    def __init__(self) -> None:
        self.calls: list[tuple[str, str]] = []

    def notify(self, title: str, text: str) -> None:
        self.calls.append((title, text))


@pytest.fixture
def notifier(monkeypatch) -> _Notifier:
    fake = _Notifier()
    monkeypatch.setattr(reminders, "NOTIFIER_FACTORY", lambda _window, _on_click: fake)
    return fake


def _case_with_response(services, world, clock, surname="Quillfeather"):
    clock.current = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)  # Monday
    record = make_offender(services, world.om, surname, "Arthur")
    safeguarding.record_relationship(services, world.om, record.offender_id, RelationshipInput(
        person_name="Carol Jones", kind="partner", has_children=True, access_to_children=True,
        children=("Amy Jones (7)",)))
    return record


def _rows(dialog):
    return [dialog.model.row_at(i) for i in range(dialog.model.rowCount())]


def test_an_overdue_child_check_reminds_the_manager_flags_the_case_and_escalates(
        qtbot, make_window, sqlite_services, world, clock, notifier):
    record = _case_with_response(sqlite_services, world, clock)
    clock.current = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)  # the check was due by the end of Tuesday

    window = make_window(world.om)
    controller = controller_of(window)
    qtbot.waitUntil(lambda: controller.digest is not None, timeout=5000)
    dialog = controller.show_list()
    check = next(r for r in _rows(dialog) if r.what == "Child safety check")
    assert check.overdue and check.offender_id == record.offender_id and "Amy Jones (7)" in check.detail
    row = _rows(dialog).index(check)
    assert dialog.model.index(row, 0).data() == "Overdue since 24/11/2026"
    assert dialog.model.index(row, 0).data(Qt.ItemDataRole.ForegroundRole) is not None  # in red
    dialog.reject()
    model: CaseloadModel = window.model
    [at] = [i for i in range(model.rowCount()) if model.row_at(i).offender_id == record.offender_id]
    assert "Safeguarding overdue" in model.row_at(at).flags
    shown = " ".join(str(model.index(at, c).data(role) or "") for c in range(model.columnCount())
                     for role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole))
    assert "Safeguarding overdue" in shown

    boss = make_window(world.supervisor)
    theirs = controller_of(boss)
    qtbot.waitUntil(lambda: theirs.digest is not None, timeout=5000)
    escalated = next(r for r in theirs.digest.items if r.what == "Child safety check"
                     and r.offender_id == record.offender_id)
    assert escalated.overdue and escalated.detail.startswith("escalated: overdue, owner Olly Manager")
    listed = theirs.show_list()
    assert any("escalated" in listed.model.index(i, 1).data() for i in range(listed.model.rowCount()))
    listed.reject()


def _record_window(qtbot, services, actor, prompter, offender_id) -> RecordWindow:
    from ui.worker import Worker

    opened = open_record(services, actor, offender_id, AccessReason.CASE_MANAGEMENT, "reviewing the record for a test")
    worker = Worker()
    window = RecordWindow(services, actor, worker, prompter, opened)
    window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)
    qtbot.addWidget(window)
    window._test_worker = worker
    window.resize(1280, 720)
    window.show()
    return window


def _page(qtbot, window) -> SafeguardingPage:
    page = window.section_tabs["safeguarding"]
    window.tabs.setCurrentIndex(window.tab_index("Safeguarding"))
    qtbot.waitUntil(lambda: page.loaded and page.view_data is not None, timeout=5000)
    return page


def _select_part(qtbot, page, part):
    row = next(i for i in range(page.parts.rowCount()) if page.parts.row_at(i).part == part)
    page.parts_view.selectRow(page.parts_view.model().mapFromSource(page.parts.index(row, 0)).row())
    return page.parts.row_at(row)


def test_the_response_shows_its_parts_and_clocks_and_completes_a_check(qtbot, qtmodeltester, sqlite_services, world,
                                                                       prompter, clock):
    record = _case_with_response(sqlite_services, world, clock)
    clock.current = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)
    window = _record_window(qtbot, sqlite_services, world.om, prompter, record.offender_id)
    page = _page(qtbot, window)
    assert page.tabs.currentIndex() == 0
    parts = [page.parts.row_at(i) for i in range(page.parts.rowCount())]
    assert [p.part for p in parts] == ["safeguarding_referral", "disclosure", "child_safety_check"]
    texts = {p.part: [page.parts.index(i, c).data() for c in range(5)] for i, p in enumerate(parts)}
    assert texts["safeguarding_referral"][2] == "23/11/2026 23:59" and texts["safeguarding_referral"][3] == "Due in 9 h 59 min"
    assert texts["child_safety_check"][:4] == ["Check child: Amy Jones (7)", "Olly Manager",
                                               "24/11/2026 23:59", "Due in 1 day 9 h"]
    assert "Relationship with access to children" in page.response_summary.text()
    qtmodeltester.check(page.parts)

    check = _select_part(qtbot, page, "child_safety_check")
    assert page.complete_button.isEnabled() and page.not_applicable_button.isEnabled()
    dialog = page.complete_part()
    assert isinstance(dialog, ChildCheckDialog)
    dialog.result.setCurrentIndex(dialog.result.findData("safe"))
    dialog.checked_at.set_value(datetime(2026, 11, 23, 13, 30, tzinfo=UTC))
    with qtbot.waitSignal(page.details_loaded, timeout=5000):
        dialog.submit()
    done = next(p for p in page.parts.rows() if (p.part, p.id) == (check.part, check.id))
    assert not done.is_open and "Seen and safe" in page.parts.index(
        page.parts.rows().index(done), 4).data()

    _select_part(qtbot, page, "disclosure")
    na = page.mark_not_applicable()
    assert isinstance(na, NotApplicableDialog)
    na.reason.set_text("Not needed")
    na.submit()
    qtbot.waitUntil(lambda: bool(na.errors.general.text() or na.errors.message("not_applicable_reason")),
                    timeout=5000)
    assert na.isVisible()
    na.reject()


@pytest.mark.skipif(not os.environ.get("RSO_SCREENSHOTS"), reason="set RSO_SCREENSHOTS=1 to write the screenshots")
def test_screenshot_safeguarding_response(qtbot, qapp, sqlite_services, world, prompter, clock):
    from ui.app import load_style

    style, sheet = qapp.style().name(), qapp.styleSheet()
    load_style(qapp)
    try:
        record = _case_with_response(sqlite_services, world, clock)
        oid = record.offender_id
        open_case(sqlite_services, world.om, oid)
        [response] = safeguarding.safeguarding_for(sqlite_services, world.om, oid).responses
        clock.current = datetime(2026, 11, 23, 15, 10, tzinfo=UTC)
        safeguarding.record_referral(sqlite_services, world.om, response.referral_id, response.version_id,
                                     datetime(2026, 11, 23, 15, 0, tzinfo=UTC), "Northam Children's Services (MASH)",
                                     "CS-5120", sent_method="secure_email")
        safeguarding.add_child_check(sqlite_services, world.om, response.referral_id, "Nephew, about 12")
        clock.current = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)
        window = _record_window(qtbot, sqlite_services, world.om, prompter, oid)
        page = _page(qtbot, window)
        _select_part(qtbot, page, "child_safety_check")
        qtbot.wait(100)
        Path("screenshots").mkdir(exist_ok=True)
        assert window.grab().save("screenshots/safeguarding-response.png")
    finally:
        qapp.setStyleSheet(sheet)
        qapp.setStyle(style)


def test_dates_on_the_page_are_london_days(qtbot, sqlite_services, world, prompter, clock):
    """Summer: a concern at 23:30 UTC on 30 June is 00:30 on 1 July in London."""
    clock.current = datetime(2026, 6, 30, 23, 30, tzinfo=UTC)
    record = make_offender(sqlite_services, world.om, "Summerday", "Sam", dob=date(1970, 1, 1))
    safeguarding.record_concern(sqlite_services, world.om, record.offender_id, "Seen with children at night",
                                children=("Child at the park",))
    window = _record_window(qtbot, sqlite_services, world.om, prompter, record.offender_id)
    page = _page(qtbot, window)
    assert page.model.index(0, 0).data() == "01/07/2026 00:30"
    referral = page.parts.row_at(0)
    assert referral.part == "safeguarding_referral" and page.parts.index(0, 2).data() == "01/07/2026 23:59"


def test_the_warning_form_says_when_behaviour_raises_concern(qtbot, sqlite_services, world, prompter, clock):
    record = make_offender(sqlite_services, world.om, "Warnedby", "Will")
    window = _record_window(qtbot, sqlite_services, world.om, prompter, record.offender_id)
    page = window.section_tabs["breaches"]
    window.tabs.setCurrentIndex(window.tab_index("Breaches & warnings"))
    qtbot.waitUntil(lambda: page.loaded, timeout=5000)
    dialog = page.give_warning()
    assert not dialog.raises_concern.isChecked() and not dialog.raises_concern.isEnabled()
    for kind, default in (("internet_history", True), ("other", False), ("contact_with_children", True)):
        dialog.concern_kind.setCurrentIndex(dialog.concern_kind.findData(kind))
        assert dialog.raises_concern.isChecked() is default, kind
    assert dialog.children.isVisibleTo(dialog) and "safeguarding response" in dialog.concern_note.text()
    dialog.children.setText("Partner's daughter (9)")
    dialog.rationale.setPlainText("He was found alone with his partner's daughter after being told not to be; "
                                  "a warning now, and the safeguarding response opened for the child.")
    if os.environ.get("RSO_SCREENSHOTS"):
        Path("screenshots").mkdir(exist_ok=True)
        qtbot.wait(50)
        assert dialog.grab().save("screenshots/warning-raises-concern.png")
    with qtbot.waitSignal(dialog.saved, timeout=5000):
        dialog.submit()
    open_case(sqlite_services, world.om, record.offender_id)
    [response] = safeguarding.safeguarding_for(sqlite_services, world.om, record.offender_id).responses
    assert response.origin == "warning" and response.parts[-1].title.endswith("Partner's daughter (9)")
