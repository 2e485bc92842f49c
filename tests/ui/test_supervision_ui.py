"""The sign-off queue page and the absences and cover dialog, against the real services."""

from __future__ import annotations

import os
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import select, update

from rso_manager.domain.rationale import SignOffDecision
from rso_manager.persistence import models as m
from rso_manager.services.safeguarding import RelationshipInput, record_relationship
from rso_manager.services.supervision import queue_for, request_entry_sign_off, sign_off
from tests.ui.conftest import make_offender
from ui.workflows.supervision import AbsenceCoverDialog, SignOffQueuePage

REASONED = ("Considered the new partner's account, the school's view and the last home visit; approve the "
            "entry as recorded. Olly to visit the partner's address with social care by 4 December 2026.")


def _waiting_item(services, world, surname="Quillfeather"):
    """An entry by Olly (offender manager) sent for sign-off: it goes to Sam, the team's supervisor."""
    record = make_offender(services, world.om, surname, "Arthur")
    rel = record_relationship(services, world.om, record.offender_id, RelationshipInput(
        person_name="Brenda Holt", kind="partner", from_date=date(2026, 11, 1)))
    result = request_entry_sign_off(services, world.om, "relationship", rel.relationship_id, record.offender_id,
                                    "New partner Brenda Holt: is the risk plan still right?")
    return record, result


def _page(window) -> SignOffQueuePage:
    page = window.part(SignOffQueuePage)
    assert page is not None
    return page


def _queue_action(window):
    return window.page_actions["sign_off"]


def test_offender_manager_has_no_queue(make_window, world):
    window = make_window(world.om)
    assert window.part(SignOffQueuePage) is None
    assert "sign_off" not in window.page_actions


def test_the_queue_is_counted_before_its_page_is_made_and_the_page_is_made_when_opened(
        qtbot, make_window, sqlite_services, world):
    """The OMU lead's thousands of items are not made into rows until she opens the queue."""
    from ui.workflows.supervision.install import QueueBadge

    _waiting_item(sqlite_services, world)
    window = make_window(world.supervisor)
    qtbot.waitUntil(lambda: _queue_action(window).text() == "Sign-off &queue (1)", timeout=5000)
    assert window.findChildren(SignOffQueuePage) == []
    [item] = queue_for(sqlite_services, world.supervisor)
    sign_off(sqlite_services, world.supervisor, item.sign_off_id, item.version_id, SignOffDecision.APPROVE, REASONED)
    window.findChild(QueueBadge).timer.timeout.emit()  # the badge's own refresh, every few minutes
    qtbot.waitUntil(lambda: _queue_action(window).text() == "Sign-off &queue", timeout=5000)
    assert window.findChildren(SignOffQueuePage) == []
    _waiting_item(sqlite_services, world, surname="Marchbank")
    page = window.show_page("sign_off")
    assert isinstance(page, SignOffQueuePage) and window.part(SignOffQueuePage) is page
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=5000)
    assert "marchbank" in page.current.offender_name.casefold()  # read when opened, not kept from the start
    assert _queue_action(window).text() == "Sign-off &queue (1)"
    assert not window.findChild(QueueBadge).timer.isActive()  # the page keeps the count now


def test_the_queue_made_when_first_opened_is_read_once(qtbot, make_window, sqlite_services, world, monkeypatch):
    """The page reads its rows as it is made (so that a part asked for before it is shown has
    them): showing it then does not read the same rows a second time. Shown again, it reads again."""
    from ui.workflows.supervision import queue_page

    asked: list[int] = []

    def counted(services, actor):
        asked.append(actor.user_id)
        return queue_for(services, actor)

    monkeypatch.setattr(queue_page, "queue_for", counted)
    _waiting_item(sqlite_services, world)
    window = make_window(world.supervisor)
    page = window.show_page("sign_off")
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=5000)
    qtbot.wait(50)
    assert len(asked) == 1
    window.show_page("sign_off")
    qtbot.waitUntil(lambda: len(asked) == 2, timeout=5000)


def test_the_queue_made_when_first_opened_gives_its_decision_pane_the_room(qtbot, make_window, sqlite_services, world):
    """Its panes built in a later turn, the splitter gave the table the page's height and
    squeezed the rationale under it."""
    _waiting_item(sqlite_services, world)
    window = make_window(world.supervisor)
    window.resize(1280, 720)
    window.show()
    page = window.show_page("sign_off")
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=5000)
    qtbot.wait(50)
    assert page.pane.height() > page.table_stack.height()
    assert page.decision_pane.rationale.height() >= 100


def test_noted_is_refused_and_kept_then_a_reasoned_sign_off_leaves_the_queue(
        qtbot, make_window, sqlite_services, world):
    record, request = _waiting_item(sqlite_services, world)
    window = make_window(world.supervisor)
    page = _page(window)
    qtbot.waitUntil(lambda: page.model.rowCount() == 1 and page.policy is not None, timeout=5000)
    assert _queue_action(window).text() == "Sign-off &queue (1)"
    assert _queue_action(window).shortcut().toString() == "Ctrl+3"
    window.show_page("sign_off")
    assert window.pages.currentWidget() is page
    item = page.current
    assert item is not None and item.sign_off_id == request.sign_off_id
    index = page.model.index(0, 5)
    assert index.data() == "Your queue"
    assert page.model.index(0, 2).data() == f"QUILLFEATHER, Arthur ({record.reference})"
    assert page.model.index(0, 4).data() == "Olly Manager"
    assert "A good rationale says what was considered" in page.decision_pane.rationale.guidance.text()
    qtbot.waitUntil(lambda: page.entry.fields_form.rowCount() > 1, timeout=15000)  # the entry itself

    page.decision_pane.rationale.set_text("noted")
    assert page.decision_pane.rationale.counter.text() == "1 word of at least 15"
    qtbot.mouseClick(page.decision_pane.sign_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.refusal() != "", timeout=5000)
    assert "stock phrase" in page.decision_pane.errors.message("rationale")
    assert page.decision_pane.rationale.text() == "noted"  # kept
    assert page.model.rowCount() == 1 and page.current.sign_off_id == request.sign_off_id
    with sqlite_services.session_factory() as s:
        refusals = s.scalars(select(m.SignOffRefusal)).all()
    assert [r.text for r in refusals] == ["noted"]

    page.decision_pane.rationale.set_text(REASONED)
    assert page.decision_pane.rationale.words() >= 15
    assert page.decision() is SignOffDecision.APPROVE
    with qtbot.waitSignal(page.signed, timeout=5000):
        qtbot.keyClick(page.decision_pane.rationale.editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert page.model.rowCount() == 0
    assert page.table_stack.currentWidget() is page.empty
    assert _queue_action(window).text() == "Sign-off &queue"
    assert window.statusBar().currentMessage().startswith("Approved: New partner Brenda Holt")
    assert queue_for(sqlite_services, world.supervisor) == []
    with sqlite_services.session_factory() as s:
        done = s.get(m.SignOff, request.sign_off_id)
    assert (done.status, done.rationale) == ("approved", REASONED)


def test_lead_names_sue_to_cover_sams_absence_and_sams_item_shows_in_sues_queue(
        qtbot, make_window, sqlite_services, world, prompter):
    _waiting_item(sqlite_services, world)
    lead = make_window(world.lead)
    action = next(a for a in lead.file_menu.actions() if a.text() == "&Absences and cover...")
    action.trigger()
    dialog = lead.findChild(AbsenceCoverDialog)
    assert dialog is not None and dialog.isVisible()
    qtbot.waitUntil(lambda: dialog.isEnabled(), timeout=5000)
    # Only trained supervisors are offered as cover, never the absent one.
    dialog.who.setCurrentIndex(dialog.who.findData(world.supervisor.user_id))
    covers = [dialog.cover.itemText(i) for i in range(dialog.cover.count())]
    assert covers == ["No cover: the queue goes to the OMU lead", "Sue Supervisor"]
    dialog.ends_on.edit.setText("04/12/2026")
    dialog.reason.setText("Annual leave")
    dialog.cover.setCurrentIndex(dialog.cover.findData(world.supervisor2.user_id))

    # Sue's accreditation lapses while the form is open: the service refuses, and says why.
    with sqlite_services.session_factory.begin() as s:
        s.execute(update(m.User).where(m.User.id == world.supervisor2.user_id).values(trained=False))
    dialog.submit()
    qtbot.waitUntil(lambda: dialog.errors.message("cover_supervisor_id") != "", timeout=5000)
    assert "cannot cover: sign-offs go only to an active, trained supervisor" in \
        dialog.errors.message("cover_supervisor_id")
    assert dialog.reason.text() == "Annual leave" and dialog.ends_on.text() == "04/12/2026"
    assert dialog.model.rowCount() == 0  # nothing half-saved

    with sqlite_services.session_factory.begin() as s:
        s.execute(update(m.User).where(m.User.id == world.supervisor2.user_id).values(trained=True))
    with qtbot.waitSignal(dialog.changed, timeout=5000):
        dialog.submit()
    assert dialog.done_label.text() == ("Recorded: Sam Supervisor away 25/11/2026 to 04/12/2026, "
                                        "covered by Sue Supervisor.")
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 1, timeout=5000)
    assert dialog.model.index(0, 4).data() == "Sue Supervisor"

    sam = make_window(world.supervisor)
    sue = make_window(world.supervisor2)
    sam_page, sue_page = _page(sam), _page(sue)
    qtbot.waitUntil(lambda: not sam_page.loading and not sue_page.loading and sue_page.model.rowCount() == 1,
                    timeout=5000)
    assert sam_page.model.rowCount() == 0
    assert sue_page.model.index(0, 5).data() == "Covering for Sam Supervisor"
    assert "named cover" in sue_page.model.index(0, 5).data(Qt.ItemDataRole.ToolTipRole)
    assert _queue_action(sue).text() == "Sign-off &queue (1)"


def test_a_supervisor_records_only_their_own_absence(qtbot, make_window, world):
    window = make_window(world.supervisor)
    next(a for a in window.file_menu.actions() if a.text() == "&Absences and cover...").trigger()
    dialog = window.findChild(AbsenceCoverDialog)
    qtbot.waitUntil(lambda: dialog.isEnabled(), timeout=5000)
    assert [dialog.who.itemText(i) for i in range(dialog.who.count())] == ["Sam Supervisor"]
    assert not dialog.cover.isVisibleTo(dialog) and not dialog.cover_row.isVisibleTo(dialog)
    dialog.submit()  # no end date, no reason: the service's messages under the fields
    qtbot.waitUntil(lambda: dialog.errors.message("reason") != "", timeout=5000)
    assert dialog.errors.message("ends_on") == "Enter the last day of the absence."


# --- screenshots (RSO_SCREENSHOTS=1 to write them) -------------------------------------------------

needs_screenshots = pytest.mark.skipif(not os.environ.get("RSO_SCREENSHOTS"),
                                       reason="set RSO_SCREENSHOTS=1 to write the screenshots")


@pytest.fixture
def styled(qapp):
    from ui.app import load_style

    style, sheet = qapp.style().name(), qapp.styleSheet()
    load_style(qapp)
    yield
    qapp.setStyleSheet(sheet)
    qapp.setStyle(style)


def _save(qtbot, widget, name: str) -> None:
    qtbot.wait(100)  # let layouts settle
    path = Path("screenshots") / name
    path.parent.mkdir(exist_ok=True)
    assert widget.grab().save(str(path))


def _realistic_queue(services, world, clock):
    from rso_manager.services import safeguarding

    def at(d, h=10, mi=0):
        return datetime(2026, 11, d, h, mi, tzinfo=UTC)

    clock.current = at(13, 9, 40)
    a = make_offender(services, world.om, "Kettleby", "Gareth", dob=date(1971, 3, 2))
    rel = safeguarding.record_relationship(services, world.om, a.offender_id, safeguarding.RelationshipInput(
        person_name="Dean Morley", kind="associate", from_date=date(2026, 10, 1),
        notes="Met at the gym; Dean has convictions for supplying drugs"))
    request_entry_sign_off(services, world.om, "relationship", rel.relationship_id, a.offender_id,
                           "New associate Dean Morley (drugs supply): review the risk management plan")
    clock.current = at(18, 14, 30)
    e = make_offender(services, world.om, "Fallowfield", "Colin", dob=date(1990, 5, 23))
    rel = safeguarding.record_relationship(services, world.om, e.offender_id, safeguarding.RelationshipInput(
        person_name="Tracy Fallowfield", kind="family", from_date=date(2026, 11, 16),
        notes="Sister; he is staying at her flat at weekends"))
    request_entry_sign_off(services, world.om, "relationship", rel.relationship_id, e.offender_id,
                           "Weekend stays at his sister's flat: is an address check needed?")
    clock.current = at(20, 15, 5)
    b = make_offender(services, world.om, "Wrenshaw", "Harvey", dob=date(1984, 8, 19))
    safeguarding.record_disclosure(services, world.om, b.offender_id, safeguarding.DisclosureInput(
        route="s327a", decided_by_id=world.supervisor2.user_id, decision="disclose",
        reasons=("The new partner has a daughter of seven; his convictions are for offences against girls of "
                 "that age, so the presumption to disclose applies. Mother to be told in person on 27 November.")))
    clock.current = at(24, 11, 20)
    c = make_offender(services, world.om, "Oakhurst", "Frank", dob=date(1962, 12, 1))
    action = safeguarding.add_action(services, world.om, c.offender_id,
                                     "Check the new laptop with the digital media investigator", world.om.user_id,
                                     date(2026, 12, 4))
    request_entry_sign_off(services, world.om, "plan_action", action.id, c.offender_id,
                           "Plan action: laptop check by the DMI before 4 December")
    clock.current = at(25, 8, 50)
    f = make_offender(services, world.om, "Pennywhistle", "Darren", dob=date(1977, 2, 14))
    rel = safeguarding.record_relationship(services, world.om, f.offender_id, safeguarding.RelationshipInput(
        person_name="Leanne Price", kind="partner", from_date=date(2026, 11, 20)))
    request_entry_sign_off(services, world.om, "relationship", rel.relationship_id, f.offender_id,
                           "New partner Leanne Price, no children: no referral needed?")
    clock.current = at(25, 10, 0)


@needs_screenshots
def test_screenshot_sign_off_queue(qtbot, styled, make_window, sqlite_services, world, clock):
    _realistic_queue(sqlite_services, world, clock)
    window = make_window(world.supervisor)
    window.resize(1280, 720)
    page = _page(window)
    window.show_page("sign_off")
    qtbot.waitUntil(lambda: page.model.rowCount() >= 2 and page.policy is not None and not page.loading,
                    timeout=5000)
    page.select_row(1)
    qtbot.waitUntil(lambda: page.entry.fields_form.rowCount() > 1, timeout=15000)
    page.decision_pane.rationale.set_text("noted")
    page.submit()
    qtbot.waitUntil(lambda: page.refusal() != "", timeout=5000)
    _save(qtbot, window, "sign-off-queue.png")


@needs_screenshots
def test_screenshot_cover(qtbot, styled, make_window, sqlite_services, world):
    from rso_manager.services.supervision import record_absence_and_cover

    record_absence_and_cover(sqlite_services, world.lead, world.supervisor2.user_id, date(2026, 12, 14),
                             date(2026, 12, 18), "Training course (MAPPA chairing)", world.supervisor.user_id)
    window = make_window(world.lead)
    next(a for a in window.file_menu.actions() if a.text() == "&Absences and cover...").trigger()
    dialog = window.findChild(AbsenceCoverDialog)
    qtbot.waitUntil(lambda: dialog.isEnabled() and dialog.model.rowCount() == 1, timeout=5000)
    dialog.who.setCurrentIndex(dialog.who.findData(world.supervisor.user_id))
    dialog.ends_on.edit.setText("04/12/2026")
    dialog.reason.setText("Annual leave")
    dialog.cover.setCurrentIndex(dialog.cover.findData(world.supervisor2.user_id))
    _save(qtbot, dialog, "cover.png")


def test_the_queue_and_its_panes_are_not_built_with_the_window(qtbot, sqlite_services, prompter, world):
    """Issue 16: building the OMU lead's window with the queue's page and panes held the GUI
    thread past 50 ms. The page is made when first asked for, with its panes, as it is shown
    next (built a turn later, the splitter squeezed them)."""
    from ui.main_window import build_main_window

    window = build_main_window(sqlite_services, world.supervisor, prompter=prompter, database="SQLite test.db")
    try:
        assert window.findChildren(SignOffQueuePage) == []
        page = _page(window)
        assert page._pane is not None
        window.show()
        qtbot.waitUntil(lambda: page.policy is not None and not page.loading, timeout=5000)
        assert page.decision_pane.isVisibleTo(page) and page.entry.isVisibleTo(page)
    finally:
        window.close()
        window.worker.wait_for_done(5000)
        window.deleteLater()
