"""Issue 12 in the GUI: the visit form shows where the officers are going (or that nobody knows),
an overdue visit is booked from the record without a reason, the hand-over into police-only
management is recorded and corrected on the Visits page, and the risk page flags an assessment
without a review date."""

from __future__ import annotations

import os
from datetime import UTC, date, datetime

from sqlalchemy import update

from rso_manager.domain.dates import add_working_days
from rso_manager.persistence import models as m
from rso_manager.services import caseload, notifications, visits
from rso_manager.services.visits import VisitInput
from tests.ui.conftest import make_offender
from ui.workflows.visits.risk_page import RiskPage
from ui.workflows.visits.visits_page import HandoverDialog, VisitsPage


def _page(window, key: str):
    window.tabs.setCurrentIndex(window.tab_index({"visits": "Visits", "risk": "Risk"}[key]))
    page = window.section_tabs[key]
    return page


def _loaded(qtbot, page):
    qtbot.waitUntil(lambda: page.info is not None, timeout=5000)
    return page


def test_the_visit_form_shows_the_home_address_or_that_there_is_none(qtbot, sqlite_services, world, record_window):
    record = make_offender(sqlite_services, world.om, "Quillfeather", "Arthur")
    caseload.add_address(sqlite_services, world.om, record.offender_id, kind="home", line1="12 Example Row",
                         town="Northam", postcode="NM1 2AB", from_date=date(2026, 1, 10))
    window = record_window(record)
    page: VisitsPage = _loaded(qtbot, _page(window, "visits"))
    assert page.address_value.text() == "12 Example Row, Northam NM1 2AB"
    form = page.open_visit_form()
    qtbot.waitUntil(lambda: form.defaults is not None, timeout=5000)
    assert form.address_label.text() == "Home address: 12 Example Row, Northam NM1 2AB"
    form.done(0)

    bare = make_offender(sqlite_services, world.om, "Ashcombe", "Colin")
    window2 = record_window(bare)
    page2: VisitsPage = _loaded(qtbot, _page(window2, "visits"))
    assert page2.address_value.text().startswith("No current home address")
    assert page2.address_value.objectName() == "panelWarning"
    form2 = page2.open_visit_form()
    qtbot.waitUntil(lambda: form2.defaults is not None, timeout=5000)
    assert form2.address_label.text().startswith("No current home address is recorded")
    form2.done(0)


def test_an_overdue_visit_is_booked_from_the_record_without_a_reason(qtbot, sqlite_services, world, prompter,
                                                                     record_window):
    record = make_offender(sqlite_services, world.om)
    visits.record_risk_assessment(sqlite_services, world.om, record.offender_id, tool="RM2000", level="very_high",
                                  assessed_on=date(2026, 9, 1))
    visits.record_visit(sqlite_services, world.om, VisitInput(
        record.offender_id, datetime(2026, 9, 2, 18, tzinfo=UTC), "seen",
        officer_ids=(world.om.user_id, world.supervisor.user_id)))
    window = record_window(record)
    page: VisitsPage = _loaded(qtbot, _page(window, "visits"))
    page.open_booking()
    qtbot.waitUntil(lambda: page.book_dialog is not None and page.book_dialog.isVisible(), timeout=5000)
    dialog = page.book_dialog
    assert "Book it by 30/11/2026 to catch up" in dialog.hint.text()
    dialog.on.edit.setText("01/12/2026")  # later than catching up: a reason
    dialog.submit()
    qtbot.waitUntil(lambda: dialog.errors.message("reason") != "", timeout=5000)
    assert "book it by 30/11/2026" in dialog.errors.message("reason")
    dialog.on.edit.setText("30/11/2026")
    with qtbot.waitSignal(window.changed, timeout=5000):
        dialog.submit()
    qtbot.waitUntil(lambda: "Mon 30/11/2026" in page.booked_value.text(), timeout=5000)


def test_record_and_correct_a_hand_over_on_the_visits_page(qtbot, sqlite_services, world, prompter, record_window):
    record = make_offender(sqlite_services, world.om, "Ashcombe", "Colin")
    oid = record.offender_id
    notifications.record_conviction(sqlite_services, world.om, oid, notifications.ConvictionInput(
        convicted_on=date(2015, 2, 2), offence="Sexual assault of a child under 13", source="certificate"))
    notifications.record_disregarded_period(sqlite_services, world.om, oid, "custody", date(2015, 2, 2),
                                            date(2020, 6, 1))
    window = record_window(record)
    page: VisitsPage = _loaded(qtbot, _page(window, "visits"))
    assert page.due_value.text().startswith("Overdue by") and page.handover_value.text() == "No hand-over recorded"

    dialog: HandoverDialog = page.open_handover()
    assert dialog.agency.currentData() == "probation" and dialog.reason.parentWidget() is None
    dialog.licence_ended_on.edit.setText("20/11/2026")
    dialog.police_from.edit.setText("19/11/2026")
    dialog.submit()
    qtbot.waitUntil(lambda: dialog.errors.message("police_from") != "", timeout=5000)
    assert "20/11/2026 or later" in dialog.errors.message("police_from")
    if os.environ.get("RSO_SCREENSHOTS"):
        dialog.grab().save("screenshots/handover-dialog.png")
    dialog.police_from.edit.setText("23/11/2026")
    with qtbot.waitSignal(page.details_loaded, timeout=5000):
        dialog.submit()
    qtbot.waitUntil(lambda: page.handover_value.text().startswith("Since 23/11/2026"), timeout=5000)
    assert page.handover_value.text() == "Since 23/11/2026, from the Probation Service (licence ended 20/11/2026)"
    due = add_working_days(date(2026, 11, 23), 10)
    assert page.due_value.text().startswith(f"Due between 23/11/2026 and {due:%d/%m/%Y}")
    assert "police take-over from the Probation Service on 23/11/2026" in page.due_value.text()
    assert page.handover_button.text() == "Correct the hand-over..."

    fix = page.open_handover()
    assert fix.police_from.date() == date(2026, 11, 23)
    fix.police_from.edit.setText("24/11/2026")
    fix.submit()  # a correction needs its reason
    qtbot.waitUntil(lambda: fix.errors.message("reason") != "", timeout=5000)
    fix.reason.setPlainText("The transfer letter gives Tuesday as the take-over date")
    with qtbot.waitSignal(page.details_loaded, timeout=5000):
        fix.submit()
    qtbot.waitUntil(lambda: page.handover_value.text().startswith("Since 24/11/2026"), timeout=5000)
    qtbot.waitUntil(lambda: any(line.revision.entity == "police_handover" for line in window.history_model.rows()),
                    timeout=5000)


def test_the_risk_page_flags_an_assessment_without_a_review_date(qtbot, sqlite_services, world, record_window):
    record = make_offender(sqlite_services, world.om)
    ra = visits.record_risk_assessment(sqlite_services, world.om, record.offender_id, tool="ARMS",
                                       level="medium", assessed_on=date(2026, 10, 1))
    window = record_window(record)
    page: RiskPage = _loaded(qtbot, _page(window, "risk"))
    assert page.review_value.text() == "Due by 01/04/2027" and page.review_value.objectName() == "panelValue"

    with sqlite_services.session_factory.begin() as s:  # as saved before review dates were filled in
        s.execute(update(m.RiskAssessment).where(m.RiskAssessment.id == ra).values(review_by=None))
    with qtbot.waitSignal(page.details_loaded, timeout=5000):
        window.reload()
    qtbot.waitUntil(lambda: page.review_value.text().startswith("No review date"), timeout=5000)
    assert page.review_value.objectName() == "panelWarning"
