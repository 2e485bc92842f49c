"""Issue #14, item 2 (follow-ups): the action, relationship and visit panes say who recorded the
entry and when; the risk & plan pane reads every assessment and plan in full; a part listing two
kinds selects the entry of the kind asked for when the ids are the same."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from rso_manager.domain.rationale import SignOffDecision
from rso_manager.services import supervision, visits
from rso_manager.services.caseload import AccessReason, open_record
from rso_manager.services.safeguarding import RelationshipInput, add_action, record_relationship
from rso_manager.services.visits import record_risk_assessment, set_plan
from tests.ui.conftest import make_offender

RATIONALE = ("Read the assessment against the last two visits and the notifications: the level is "
             "supported by the evidence and the review date is within the policy interval.")


def shown(pane) -> dict[str, str]:
    return {caption: label.text() for caption, label in pane.values.items() if not label.isHidden()}


def _show(window, key: str, title: str):
    page = window.section_tabs[key]
    window.tabs.setCurrentIndex(window.tab_index(title))
    window._qtbot.waitUntil(lambda: page.loaded and not page._stale, timeout=5000)
    return page


def _opened_by_supervisor(services, world, record):
    open_record(services, world.supervisor, record.offender_id, AccessReason.SUPERVISION,
                "Monthly supervision of the case with Olly")


def test_action_and_relationship_panes_say_who_recorded_them_and_when(qtbot, sqlite_services, world, prompter,
                                                                     record_window):
    record = make_offender(sqlite_services, world.om, "Quillfeather", "Arthur")
    _opened_by_supervisor(sqlite_services, world, record)
    action = add_action(sqlite_services, world.supervisor, record.offender_id, "Speak to the school",
                        world.om.user_id, sqlite_services.clock.today() + timedelta(days=7))
    rel = record_relationship(sqlite_services, world.supervisor, record.offender_id, RelationshipInput(
        person_name="Colin Brackenbury", kind="friend"))
    at = sqlite_services.clock.now().astimezone(UTC)
    window = record_window(record)
    page = _show(window, "actions", "Actions")
    assert page.select_entry(action.id)
    text = shown(page.detail_pane)
    assert text["Owner"] == "Olly Manager"
    assert text["Recorded"] == f"By Sam Supervisor on {at:%d/%m/%Y %H:%M}"  # London is UTC in November
    page = _show(window, "relationships", "Relationships")
    assert page.select_entry(rel.relationship_id)
    assert shown(page.detail_pane)["Recorded"] == f"By Sam Supervisor on {at:%d/%m/%Y %H:%M}"


def test_visit_pane_foot_says_who_recorded_the_visit(qtbot, sqlite_services, world, prompter, record_window):
    record = make_offender(sqlite_services, world.om, "Quillfeather", "Arthur")
    result = visits.record_visit(sqlite_services, world.om, visits.VisitInput(
        record.offender_id, datetime(2026, 11, 24, 9, 30, tzinfo=UTC), "seen",
        officer_ids=(world.om.user_id, world.supervisor.user_id)))
    window = record_window(record)
    page = _show(window, "visits", "Visits")
    assert page.select_entry(result.visit_id)
    qtbot.waitUntil(lambda: page.detail_pane.shown is not None, timeout=5000)
    text = shown(page.detail_pane)
    now = sqlite_services.clock.now().astimezone(UTC)
    assert text["Recorded"] == f"By Olly Manager on {now:%d/%m/%Y %H:%M}"
    assert text["Corrections"] == "Never corrected"
    # The foot comes after the visit's own rows, as on every pane.
    captions = list(page.detail_pane.values)
    assert captions.index("Recorded") > captions.index("Warrant decision")


def _risk_case(services, world, clock):
    """An earlier assessment signed off, a current one waiting; an earlier plan and a current one
    waiting. The first assessment and the first plan have the same id."""
    record = make_offender(services, world.om, "Quillfeather", "Arthur")
    oid = record.offender_id
    _opened_by_supervisor(services, world, record)
    today = clock.today()
    first = record_risk_assessment(services, world.om, oid, tool="RM2000", level="medium",
                                   assessed_on=today - timedelta(days=60), notes="Stable at home")
    plan = set_plan(services, world.om, oid, visit_interval_months=3, effective_from=today - timedelta(days=50),
                    supervision="Fortnightly appointments")
    item = next(i for i in supervision.queue_for(services, world.supervisor)
                if (i.entity, i.entity_id) == ("risk_assessment", first))
    supervision.sign_off(services, world.supervisor, item.sign_off_id, item.version_id, SignOffDecision.APPROVE,
                         RATIONALE)
    clock.current += timedelta(minutes=20)
    record_risk_assessment(services, world.supervisor, oid, tool="ARMS", level="high",
                           assessed_on=today - timedelta(days=2))
    set_plan(services, world.supervisor, oid, visit_interval_months=12, supervision="Monthly appointments",
             victim_safety="Former partner told of his release; marker on her address",
             monitoring_control="Unannounced home visits; the phone checked at each",
             reason="Stable for two years; the partner's address is marked")
    return record, first, plan.plan_id


def test_risk_pane_reads_an_earlier_assessment_and_plan_in_full(qtbot, sqlite_services, world, prompter,
                                                                record_window):
    record, first, first_plan = _risk_case(sqlite_services, world, sqlite_services.clock)
    assert first == first_plan  # the clash the page must tell apart
    window = record_window(record)
    page = _show(window, "risk", "Risk & plan")
    today = sqlite_services.clock.today()

    assert page.select_entry(first, "risk_assessment")
    text = shown(page.detail_pane)
    assert text["Entry"] == "Risk assessment (an earlier one)"
    assert (text["Assessment tool"], text["Risk level"]) == ("RM2000", "Medium")
    assert text["Assessor"] == "Olly Manager" and text["Notes"] == "Stable at home"
    assert text["Sign-off"].startswith("Signed off by Sam Supervisor on ")
    assert text["Recorded"].startswith("By Olly Manager on ")
    assert "Home visits" not in text and "Supervision" not in text

    assert page.select_entry(first_plan, "risk_management_plan")
    text = shown(page.detail_pane)
    assert text["Entry"] == "Risk management plan (an earlier one)"
    assert text["Effective from"] == (today - timedelta(days=50)).strftime("%d/%m/%Y")
    assert text["Home visits"] == "Every 3 months" and text["Supervision"] == "Fortnightly appointments"
    assert text["Recorded"].startswith("By Olly Manager on ")  # who wrote the plan
    assert text["Sign-off"] == "Not needed: the plan does not lengthen the interval"
    assert "Assessment tool" not in text and page.detail_pane.values["Sign-off"].objectName() == "detailValue"

    current = next(e for e in page.model.rows() if e.entity == "risk_management_plan" and e.id != first_plan)
    assert page.select_entry(current.id, "risk_management_plan")
    text = shown(page.detail_pane)
    assert text["Entry"] == "Risk management plan (the current one)"
    assert text["Home visits"] == "Every 12 months"
    assert text["Sign-off"].startswith("Waiting for sign-off by ")
    assert text["Sign-off"].endswith("the risk level's default interval applies until then")
    assert page.detail_pane.values["Sign-off"].objectName() == "detailWarning"
    assert text["Victim safety"] == "Former partner told of his release; marker on her address"
    assert text["Recorded"].startswith("By Sam Supervisor on ")

    newest = next(e for e in page.model.rows() if e.entity == "risk_assessment" and e.id != first)
    assert page.select_entry(newest.id, "risk_assessment")
    text = shown(page.detail_pane)
    assert text["Entry"] == "Risk assessment (the current one)" and text["Assessor"] == "Sam Supervisor"
    assert text["Sign-off"].startswith("Waiting for sign-off by ")


def test_select_entry_matches_the_kind_when_given(qtbot, sqlite_services, world, prompter, record_window):
    record, first, first_plan = _risk_case(sqlite_services, world, sqlite_services.clock)
    window = record_window(record)
    page = _show(window, "risk", "Risk & plan")
    assert page.select_entry(first_plan, "risk_management_plan")
    assert (page.selected_entry().entity, page.selected_entry().id) == ("risk_management_plan", first_plan)
    assert page.select_entry(first, "risk_assessment")
    assert (page.selected_entry().entity, page.selected_entry().id) == ("risk_assessment", first)
    assert not page.select_entry(first, "visit")
    assert page.select_entry(first)  # without a kind: the first entry with that id, as before
    assert page.selected_entry().id == first


def test_the_risk_page_opens_an_entry_of_the_kind_asked_for(qtbot, sqlite_services, world, prompter,
                                                            record_window):
    record, _first, first_plan = _risk_case(sqlite_services, world, sqlite_services.clock)
    window = record_window(record)
    page = window.section_tabs["risk"]
    window.show_part("risk")
    page.open_entry(first_plan, "risk_management_plan")  # at once, or once the part has been read
    qtbot.waitUntil(lambda: page.selected_entry() is not None, timeout=5000)
    assert (page.selected_entry().entity, page.selected_entry().id) == ("risk_management_plan", first_plan)
    assert shown(page.detail_pane)["Entry"] == "Risk management plan (an earlier one)"


# --- screenshots (RSO_SCREENSHOTS=1) ------------------------------------------------------------


@pytest.mark.skipif(not os.environ.get("RSO_SCREENSHOTS"), reason="set RSO_SCREENSHOTS=1 to write the screenshots")
def test_screenshot_of_an_earlier_assessment(qtbot, qapp, sqlite_services, world, prompter, record_window):
    """The action pane and the current plan are shot by test_entry_detail_panes_ui."""
    from ui.app import load_style

    record, first, _plan = _risk_case(sqlite_services, world, sqlite_services.clock)
    style, sheet = qapp.style().name(), qapp.styleSheet()
    load_style(qapp)
    try:
        window = record_window(record)
        window.resize(1280, 720)
        out = Path("screenshots")
        out.mkdir(exist_ok=True)
        page = _show(window, "risk", "Risk & plan")
        page.select_entry(first, "risk_assessment")
        qtbot.wait(150)
        assert window.grab().save(str(out / "risk-detail-assessment.png"))
    finally:
        qapp.setStyleSheet(sheet)
        qapp.setStyle(style)
