"""The record's Relationships, Safeguarding and Actions parts, against the real services."""

from __future__ import annotations

import os
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from rso_manager.services import safeguarding
from rso_manager.services.caseload import AccessReason, open_record
from rso_manager.services.safeguarding import DisclosureInput
from tests.ui.conftest import make_offender
from ui.record_window import RecordWindow
from ui.workflows.actions import ActionResultDialog, ActionsPage, AddActionDialog
from ui.workflows.safeguarding import (
    DisclosureDialog,
    ReferralDialog,
    RelationshipDialog,
    RelationshipsPage,
    SafeguardingPage,
)

RED = QColor("#b3261e")
REASONS = ("Her two children under ten live with the new partner; his offending was against a child of a "
           "previous partner, so the presumption to disclose applies and nothing outweighs it. Tell the mother "
           "in person by 27 November.")


def _at(y, mo, d, h=10, mi=0):
    return datetime(y, mo, d, h, mi, tzinfo=UTC)  # winter: London time is UTC


def _window(qtbot, services, actor, prompter, offender_id) -> RecordWindow:
    from ui.worker import Worker

    opened = open_record(services, actor, offender_id, AccessReason.CASE_MANAGEMENT, "reviewing the record for a test")
    worker = Worker()
    window = RecordWindow(services, actor, worker, prompter, opened)
    window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)
    qtbot.addWidget(window)
    window._test_worker = worker
    window.resize(1200, 760)
    window.show()
    return window


def _show(qtbot, window, key: str, title: str):
    """Go to a part of the record; its detail is read when it is on screen."""
    page = window.section_tabs[key]
    window.tabs.setCurrentIndex(window.tab_index(title))
    qtbot.waitUntil(lambda: page.loaded, timeout=5000)
    return page


def _reloaded(qtbot, window, page):
    """Wait for the record to be re-read after a change and the page's detail to follow."""
    with qtbot.waitSignal(page.details_loaded, timeout=5000):
        with qtbot.waitSignal(window.changed, timeout=5000):
            pass


def _referral(services, actor, offender_id, referral_id):
    return next(r for r in safeguarding.safeguarding_for(services, actor, offender_id).referrals if r.id == referral_id)


def _fg(model, row, column):
    brush = model.index(row, column).data(Qt.ItemDataRole.ForegroundRole)
    return brush.color() if brush is not None else None


def test_relationship_with_access_to_children_leads_to_the_referral_form(qtbot, sqlite_services, world, prompter):
    record = make_offender(sqlite_services, world.om, "Marrowby", "Bryn")
    window = _window(qtbot, sqlite_services, world.om, prompter, record.offender_id)
    page = window.section_tabs["relationships"]
    assert isinstance(page, RelationshipsPage)
    window.tabs.setCurrentIndex(window.tab_index("Relationships"))
    page.add.click()
    dialog = page.dialog
    assert isinstance(dialog, RelationshipDialog) and dialog.isVisible()
    dialog.person_name.setText("Carol Jones")
    dialog.kind.setCurrentIndex(dialog.kind.findData("partner"))
    dialog.has_children.setChecked(True)
    dialog.access.setChecked(True)
    assert dialog.warning.isVisibleTo(dialog) and "safeguarding concern" in dialog.warning.text()
    assert dialog.save_button.text() == "Save and refer..."
    dialog.from_date.edit.setText("01/11/2026")

    prompter.confirms[:] = [False]  # "Go back": nothing is saved, everything stays typed
    dialog.submit()
    assert prompter.messages[-1][1] == "A safeguarding referral follows"
    assert "next home visit is brought forward" in prompter.messages[-1][2]
    assert dialog.isVisible() and dialog.person_name.text() == "Carol Jones"

    prompter.confirms[:] = [True]
    safeguarding_page = window.section_tabs["safeguarding"]
    assert isinstance(safeguarding_page, SafeguardingPage)
    dialog.submit()
    qtbot.waitUntil(lambda: isinstance(safeguarding_page.dialog, ReferralDialog), timeout=5000)
    referral_form = safeguarding_page.dialog
    assert referral_form.isVisible()
    assert window.tabs.currentIndex() == window.tab_index("Safeguarding")
    assert "Carol Jones" in referral_form.hint.text()
    assert referral_form.referred_at.date.text() == "25/11/2026" and referral_form.referred_at.time.text() == "10:00"

    referral_form.submit()  # no agency: the service's message under the field
    qtbot.waitUntil(lambda: referral_form.errors.message("agency") != "", timeout=5000)
    referral_form.agency.setText("Northam Children's Services (MASH)")
    referral_form.reference.setText("CS-4411")
    referral_form.sent_method.setCurrentIndex(referral_form.sent_method.findData("secure_email"))
    referral_form.submit()
    qtbot.waitUntil(lambda: safeguarding_page.model.rowCount() == 1
                    and safeguarding_page.model.index(0, 3).data().startswith("25/11/2026 10:00"), timeout=5000)
    assert safeguarding_page.model.index(0, 3).data() == \
        "25/11/2026 10:00\nto Northam Children's Services (MASH), ref CS-4411"
    assert safeguarding_page.model.index(0, 2).data() == ""
    assert not safeguarding_page.flags.isVisibleTo(safeguarding_page)
    assert window.header_values["visit"].text() != "Not planned"  # brought forward
    # The relationship is listed, with where its referral stands.
    _show(qtbot, window, "relationships", "Relationships")
    assert page.model.rowCount() == 1
    assert page.model.index(0, 3).data() == "Has access to children"
    assert page.model.index(0, 4).data() == "Referred; awaiting decision"


def test_flagged_referrals_show_in_red(qtbot, sqlite_services, world, prompter, clock):
    record = make_offender(sqlite_services, world.om, "Ashcombe", "Colin")
    oid = record.offender_id
    clock.current = _at(2026, 11, 23, 9)  # Monday
    late = safeguarding.record_concern(sqlite_services, world.om, oid, "Seen waiting outside Northam primary school")
    undecided = safeguarding.record_concern(sqlite_services, world.om, oid, "Babysitting for a neighbour's children")
    clock.current = _at(2026, 11, 23, 12)
    safeguarding.record_referral(sqlite_services, world.om, undecided.id, undecided.version_id,
                                 _at(2026, 11, 23, 11), "Northam MASH", "CS-1001", sent_method="phone")
    clock.current = _at(2026, 11, 25, 10)  # Wednesday: the decision was due by the end of Tuesday
    window = _window(qtbot, sqlite_services, world.om, prompter, oid)
    page = _show(qtbot, window, "safeguarding", "Safeguarding")
    rows = {page.model.row_at(r).id: r for r in range(page.model.rowCount())}
    late_row, undecided_row = rows[late.id], rows[undecided.id]
    assert page.model.index(late_row, 3).data() == "Not yet referred"
    assert page.model.index(late_row, 2).data() == "Not referred the same day"
    assert _fg(page.model, late_row, 2) == RED and _fg(page.model, late_row, 3) == RED
    assert page.model.index(undecided_row, 2).data() == "No decision within 1 working day"
    assert page.model.index(undecided_row, 5).data() == "Awaited (due by end of 24/11/2026)"
    assert page.model.index(undecided_row, 4).data() == "2 h"
    assert _fg(page.model, undecided_row, 5) == RED and _fg(page.model, undecided_row, 3) is None
    assert page.flags.isVisibleTo(page)
    assert "no decision from children's social care within 1 working day" in page.flags.text()
    assert "not referred the same day; refer it now" in page.flags.text()
    # Two concerns and the s.327A consideration each opened (issue 19).
    assert window.tabs.tabText(window.tab_index("Safeguarding")) == "Safeguarding (4)"

    # The decision is recorded from the selected referral.
    page.select_entry(undecided.id)
    assert page.decision_button.isEnabled() and not page.referral_button.isEnabled()
    dialog = page.open_decision()
    dialog.decision.setPlainText("Strategy discussion held; section 47 enquiry opened")
    dialog.submit()
    _reloaded(qtbot, window, page)
    row = next(r for r in range(page.model.rowCount()) if page.model.row_at(r).id == undecided.id)
    assert page.model.index(row, 2).data() == "Decision later than 1 working day"


def test_disclosure_decision_needs_reasons_and_csods_overdue_stages_show(qtbot, sqlite_services, world, prompter, clock):
    record = make_offender(sqlite_services, world.om, "Thistlewood", "Darren")
    oid = record.offender_id
    clock.current = _at(2026, 11, 10, 9)
    safeguarding.record_disclosure(sqlite_services, world.om, oid, DisclosureInput(
        route="csods", applied_at=_at(2026, 11, 10, 9), applicant="Mother of the partner's children"))
    clock.current = _at(2026, 11, 25, 10)
    window = _window(qtbot, sqlite_services, world.om, prompter, oid)
    page = _show(qtbot, window, "safeguarding", "Safeguarding")
    assert page.disclosures.rowCount() == 1
    assert page.disclosures.index(0, 5).data() == "Overdue: checks, interview"
    assert _fg(page.disclosures, 0, 5) == RED
    assert "Disclosure scheme application 10/11/2026: overdue at checks, interview." in page.flags.text()

    dialog = page.open_disclosure()
    assert isinstance(dialog, DisclosureDialog)
    qtbot.waitUntil(lambda: dialog.decided_by.count() > 1, timeout=5000)
    assert not dialog.applicant.isVisibleTo(dialog)  # s.327A by default: no application rows
    dialog.decision.setCurrentIndex(dialog.decision.findData("disclose"))
    dialog.decided_by.setCurrentIndex(dialog.decided_by.findData(world.supervisor.user_id))
    dialog.reasons.set_text("noted")
    dialog.submit()
    qtbot.waitUntil(lambda: dialog.errors.message("reasons") != "", timeout=5000)
    assert "stock phrase" in dialog.errors.message("reasons")
    assert dialog.reasons.text() == "noted"
    dialog.reasons.set_text(REASONS)
    dialog.submit()
    _reloaded(qtbot, window, page)
    assert page.disclosures.rowCount() == 2
    decided = next(r for r in range(2) if page.disclosures.index(r, 0).data() == "s.327A disclosure")
    assert page.disclosures.index(decided, 2).data() == "Disclose (Sam Supervisor)"
    assert page.disclosures.index(decided, 4).data() == "Pending"  # waiting for a supervisor's sign-off

    # The scheme application is moved on: checks and the interview done.
    scheme = 1 - decided
    page.disclosure_view.selectRow(scheme)
    assert page.progress_button.isEnabled()
    progress = page.open_progress()
    assert progress.route() == "csods" and progress.applicant.text() == "Mother of the partner's children"
    progress.checks_at.date.edit.setText("11/11/2026")
    progress.checks_at.time.setText("25:00")  # not a time: said so, nothing lost
    progress.submit()
    assert progress.errors.message("checks_at") == "Type the time as HH:MM (24-hour), e.g. 14:30."
    progress.checks_at.time.setText("08:30")
    progress.interview_at.set_value(_at(2026, 11, 18, 14))
    progress.submit()
    _reloaded(qtbot, window, page)
    row = next(r for r in range(2) if page.disclosures.index(r, 0).data() != "s.327A disclosure")
    assert page.disclosures.index(row, 5).data().startswith("Complete due")
    assert page.disclosures.index(row, 5).data(Qt.ItemDataRole.ForegroundRole) is None


def test_overdue_action_is_red_and_its_result_can_be_recorded(qtbot, sqlite_services, world, prompter, clock):
    record = make_offender(sqlite_services, world.om, "Brackenridge", "Elliot")
    oid = record.offender_id
    action = safeguarding.add_action(sqlite_services, world.om, oid, "Speak to the school's safeguarding lead",
                                     world.om.user_id, date(2026, 11, 30))
    safeguarding.add_action(sqlite_services, world.om, oid, "Check the new phone at the next visit",
                            world.om.user_id, date(2026, 12, 20))
    clock.current = _at(2026, 12, 2, 10)
    window = _window(qtbot, sqlite_services, world.om, prompter, oid)
    page = _show(qtbot, window, "actions", "Actions")
    assert isinstance(page, ActionsPage)
    assert page.model.index(0, 1).data() == "Speak to the school's safeguarding lead"  # open, soonest due first
    assert page.model.index(0, 4).data() == "Overdue by 2 days"
    assert page.model.index(0, 2).data() == "Olly Manager"
    for column in range(5):
        assert _fg(page.model, 0, column) == RED
    assert _fg(page.model, 1, 1) is None and page.model.index(1, 4).data() == "Open"

    add = page.open_add()
    assert isinstance(add, AddActionDialog)
    qtbot.waitUntil(lambda: add.owner.count() > 1, timeout=5000)
    assert add.owner.currentData() == world.om.user_id  # the case's offender manager by default
    add.description.setPlainText("Visit the partner's address with social care")
    add.due_on.edit.setText("01/12/2026")
    add.submit()
    qtbot.waitUntil(lambda: add.errors.message("due_on") != "", timeout=5000)
    assert "already passed" in add.errors.message("due_on")
    add.due_on.edit.setText("09/12/2026")
    add.submit()
    _reloaded(qtbot, window, page)
    assert page.model.rowCount() == 3

    page.select_entry(action.id)
    assert page.result_button.isEnabled()
    dialog = page.open_result()
    assert isinstance(dialog, ActionResultDialog)
    assert dialog.completed_on.text() == "02/12/2026"
    dialog.result.setPlainText("Spoke to Mrs Patel; no concerns raised at school")
    dialog.submit()
    _reloaded(qtbot, window, page)
    row = next(r for r in range(3) if page.model.row_at(r).id == action.id)
    assert row == 2  # done actions go last
    assert page.model.index(row, 4).data() == "Done 02/12/2026"
    assert _fg(page.model, row, 1) is None


def _link_two_records(qtbot, services, world, prompter):
    """Record, through the dialog, a relationship on one record linking to another by reference."""
    here = make_offender(services, world.om, "Hollowell", "Dean")
    there = make_offender(services, world.om, "Pennick", "Roy", dob=date(1977, 8, 12))
    window = _window(qtbot, services, world.om, prompter, here.offender_id)
    page = _show(qtbot, window, "relationships", "Relationships")
    dialog = page.open_form()
    assert isinstance(dialog, RelationshipDialog)
    dialog.kind.setCurrentIndex(dialog.kind.findData("associate"))
    dialog.linked_reference.setText("RSO-999999")
    dialog.find_linked()
    qtbot.waitUntil(lambda: "No case has the reference" in dialog.errors.message("linked_reference"), timeout=5000)
    dialog.linked_reference.setText(there.reference.lower())
    dialog.find_linked()
    qtbot.waitUntil(lambda: dialog.linked is not None, timeout=5000)
    assert dialog.found.text() == (f"Links to {there.reference}: PENNICK, Roy, offender manager "
                                   f"{world.om.display_name}. Both records will show the relationship.")
    assert dialog.errors.message("linked_reference") == ""
    dialog.notes.setPlainText("Co-defendant in the 2019 case; met again at the hostel")
    dialog.submit()
    _reloaded(qtbot, window, page)
    return window, page, here, there


def test_a_relationship_linked_to_another_record_shows_on_both(qtbot, sqlite_services, world, prompter):
    window, page, here, there = _link_two_records(qtbot, sqlite_services, world, prompter)
    assert page.model.rowCount() == 1
    assert page.model.index(0, 1).data() == f"Roy PENNICK ({there.reference})"
    assert page.linked_from.rowCount() == 0 and page.linked_from_panel.empty.isVisibleTo(page)

    other = _window(qtbot, sqlite_services, world.om, prompter, there.offender_id)
    other_page = _show(qtbot, other, "relationships", "Relationships")
    assert other_page.model.rowCount() == 0
    assert other_page.linked_from.rowCount() == 1
    assert [other_page.linked_from.index(0, c).data() for c in range(5)] == [
        here.reference, "HOLLOWELL, Dean", world.om.display_name, "Associate", ""]
    assert "Co-defendant" in other_page.linked_from.index(0, 5).data()


def test_a_linking_record_outside_the_caseload_shows_only_who_it_is(qtbot, sqlite_services, world, prompter):
    _window_, _page, here, there = _link_two_records(qtbot, sqlite_services, world, prompter)
    # Moved to the South team: om2 now reads that record, and the North record is outside their link.
    with sqlite_services.session_factory.begin() as s:
        from rso_manager.persistence import models as m

        row = s.get(m.Offender, there.offender_id)
        row.team_id, row.offender_manager_id = world.team2_id, world.om2.user_id
    other = _window(qtbot, sqlite_services, world.om2, prompter, there.offender_id)
    other_page = _show(qtbot, other, "relationships", "Relationships")
    assert other_page.linked_from.index(0, 0).data() == here.reference
    detail = other_page.linked_from.index(0, 5).data()
    assert "outside your caseload" in detail and "Co-defendant" not in detail


# --- screenshots (RSO_SCREENSHOTS=1 to write them) -------------------------------------------------

@pytest.mark.skipif(not os.environ.get("RSO_SCREENSHOTS"), reason="set RSO_SCREENSHOTS=1 to write the screenshots")
def test_screenshot_safeguarding_tab(qtbot, qapp, sqlite_services, world, prompter, clock):
    from ui.app import load_style

    style, sheet = qapp.style().name(), qapp.styleSheet()
    load_style(qapp)
    try:
        record = make_offender(sqlite_services, world.om, "Quillfeather", "Arthur", dob=date(1968, 4, 9))
        oid = record.offender_id
        clock.current = _at(2026, 11, 2, 16, 40)
        rel = safeguarding.record_relationship(sqlite_services, world.om, oid, safeguarding.RelationshipInput(
            person_name="Carol Jones", kind="partner", has_children=True, access_to_children=True,
            from_date=date(2026, 10, 20), notes="Two daughters, 6 and 9, live with her"))
        clock.current = _at(2026, 11, 2, 17, 55)
        referral = _referral(sqlite_services, world.om, oid, rel.referral_prompt_id)
        referral = safeguarding.record_referral(sqlite_services, world.om, referral.id, referral.version_id,
                                                _at(2026, 11, 2, 17, 50), "Northam Children's Services (MASH)",
                                                "CS-4411", sent_method="secure_email")
        clock.current = _at(2026, 11, 3, 12)
        safeguarding.record_referral_decision(sqlite_services, world.om, referral.id, referral.version_id,
                                              "Strategy discussion held; section 47 enquiry opened",
                                              _at(2026, 11, 3, 11, 30))
        clock.current = _at(2026, 11, 4, 9, 30)
        safeguarding.record_disclosure(sqlite_services, world.om, oid, DisclosureInput(
            route="s327a", decided_by_id=world.supervisor.user_id, decision="disclose", reasons=REASONS,
            disclosed_to="Carol Jones (mother)", disclosed_at=_at(2026, 11, 4, 9), referral_id=rel.referral_prompt_id,
            conditions="Not to be shared beyond the household"))
        clock.current = _at(2026, 11, 10, 9)
        safeguarding.record_disclosure(sqlite_services, world.om, oid, DisclosureInput(
            route="csods", applied_at=_at(2026, 11, 10, 9), applicant="Father of a child at the swimming club"))
        clock.current = _at(2026, 11, 23, 9, 15)
        safeguarding.record_concern(sqlite_services, world.om, oid,
                                    "Seen by a PCSO waiting outside Northam primary school at home time")
        undecided = safeguarding.record_concern(sqlite_services, world.om, oid,
                                                "Says he babysits for a neighbour's children at weekends")
        clock.current = _at(2026, 11, 23, 12)
        safeguarding.record_referral(sqlite_services, world.om, undecided.id, undecided.version_id,
                                     _at(2026, 11, 23, 11, 40), "Northam Children's Services (MASH)", "CS-5120",
                                     sent_method="portal")
        clock.current = _at(2026, 11, 25, 10)
        window = _window(qtbot, sqlite_services, world.om, prompter, oid)
        window.resize(1280, 720)
        page = _show(qtbot, window, "safeguarding", "Safeguarding")
        decided = next(r for r in range(page.disclosures.rowCount()) if page.disclosures.row_at(r).summary.startswith("s.327A"))
        page.disclosure_view.selectRow(decided)
        qtbot.wait(100)
        Path("screenshots").mkdir(exist_ok=True)
        assert window.grab().save("screenshots/safeguarding-tab.png")
    finally:
        qapp.setStyleSheet(sheet)
        qapp.setStyle(style)


@pytest.mark.skipif(not os.environ.get("RSO_SCREENSHOTS"), reason="set RSO_SCREENSHOTS=1 to write the screenshots")
def test_screenshot_actions_tab(qtbot, qapp, sqlite_services, world, prompter, clock):
    from ui.app import load_style

    style, sheet = qapp.style().name(), qapp.styleSheet()
    load_style(qapp)
    try:
        record = make_offender(sqlite_services, world.om, "Brackenridge", "Elliot", dob=date(1975, 6, 3))
        oid = record.offender_id
        clock.current = _at(2026, 11, 2, 10)
        done = safeguarding.add_action(sqlite_services, world.om, oid, "Speak to the school's safeguarding lead "
                                       "about the new partner's children", world.om.user_id, date(2026, 11, 20))
        safeguarding.add_action(sqlite_services, world.om, oid, "Check the new laptop with the digital media "
                                "investigator", world.supervisor.user_id, date(2026, 11, 30))
        safeguarding.add_action(sqlite_services, world.om, oid, "Visit the partner's address with social care",
                                world.om.user_id, date(2026, 12, 18))
        clock.current = _at(2026, 11, 18, 15)
        safeguarding.record_action_result(sqlite_services, world.om, done.id, done.version_id,
                                          "Spoke to Mrs Patel; no concerns raised at school, she will call if "
                                          "anything changes", date(2026, 11, 18))
        clock.current = _at(2026, 12, 2, 10)
        window = _window(qtbot, sqlite_services, world.om, prompter, oid)
        window.resize(1280, 720)
        page = _show(qtbot, window, "actions", "Actions")
        page.select_row(0)
        qtbot.wait(100)
        Path("screenshots").mkdir(exist_ok=True)
        assert window.grab().save("screenshots/actions-tab.png")
    finally:
        qapp.setStyleSheet(sheet)
        qapp.setStyle(style)


@pytest.mark.skipif(not os.environ.get("RSO_SCREENSHOTS"), reason="set RSO_SCREENSHOTS=1 to write the screenshots")
def test_screenshot_linked_relationship(qtbot, qapp, sqlite_services, world, prompter):
    from ui.app import load_style

    style, sheet = qapp.style().name(), qapp.styleSheet()
    load_style(qapp)
    try:
        here = make_offender(sqlite_services, world.om, "Hollowell", "Dean")
        there = make_offender(sqlite_services, world.om, "Pennick", "Roy", dob=date(1977, 8, 12))
        safeguarding.record_relationship(sqlite_services, world.om, here.offender_id, safeguarding.RelationshipInput(
            kind="associate", linked_reference=there.reference, from_date=date(2026, 9, 1),
            notes="Co-defendant in the 2019 case; met again at the hostel"))
        safeguarding.record_relationship(sqlite_services, world.om, there.offender_id, safeguarding.RelationshipInput(
            person_name="Maureen Pennick", kind="family", from_date=date(1977, 8, 12), notes="Mother"))
        window = _window(qtbot, sqlite_services, world.om, prompter, there.offender_id)
        window.resize(1280, 720)
        _show(qtbot, window, "relationships", "Relationships")
        qtbot.wait(100)
        Path("screenshots").mkdir(exist_ok=True)
        assert window.grab().save("screenshots/relationships-linked.png")
        page = _show(qtbot, window, "relationships", "Relationships")
        dialog = page.open_form()
        dialog.linked_reference.setText(here.reference)
        dialog.find_linked()
        qtbot.waitUntil(lambda: dialog.linked is not None, timeout=5000)
        qtbot.wait(100)
        assert dialog.grab().save("screenshots/relationship-dialog-linked.png")
        dialog.reject()
    finally:
        qapp.setStyleSheet(sheet)
        qapp.setStyle(style)
