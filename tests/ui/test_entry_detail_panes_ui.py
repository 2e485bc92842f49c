"""Issue #14, item 2: every kind of entry read back in full beside (or under) its list: its
fields in words, who recorded it and when, its corrections, and why an entry in error no longer
counts."""

from __future__ import annotations

import os
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from rso_manager.services import notifications as nt
from rso_manager.services.caseload import RevisionRow, void_entry
from rso_manager.services.corrections import correct_entry
from rso_manager.services.safeguarding import (
    RelationshipInput,
    add_action,
    record_action_result,
    record_relationship,
)
from rso_manager.services.visits import record_risk_assessment, set_plan
from tests.ui.conftest import make_offender
from tests.ui.test_devices_breaches_ui import (
    REASONS,
    WARNING,
    _breaches,
    _devices,
    _full_record,
    _orders,
)
from ui.kit.detail_pane import entry_history
from ui.kit.widgets import select_first

STAMP = datetime(2026, 11, 20, 10, tzinfo=UTC)


def shown(pane) -> dict[str, str]:
    """The pane's rows as a user reads them: caption -> text, the hidden ones left out."""
    return {caption: label.text() for caption, label in pane.values.items() if not label.isHidden()}


def _show(window, key: str, title: str):
    page = window.section_tabs[key]
    window.tabs.setCurrentIndex(window.tab_index(title))
    window._qtbot.waitUntil(lambda: page.loaded and not page._stale, timeout=5000)
    return page


def _select(page, entity: str, entity_id: int) -> None:
    """Select one entry of a part listing two kinds, whose ids may be the same."""
    row = next(i for i, e in enumerate(page.model.rows()) if (e.entity, e.id) == (entity, entity_id))
    page.select_row(page.view.model().mapFromSource(page.model.index(row, 0)).row())


def _reloaded(qtbot, window, page) -> None:
    before = page.loads
    window.reload()
    qtbot.waitUntil(lambda: page.loads > before and page.loaded, timeout=5000)


# --- the history lines every pane ends with ----------------------------------------------------


def _rev(version: int, reason: str, voided: bool, minute: int) -> RevisionRow:
    return RevisionRow("device", 7, version, STAMP + timedelta(minutes=minute), "Olly Manager", reason,
                       {"voided_at": "2026-11-20T10:00:00+00:00" if voided else None})


def test_entry_history_tells_corrections_from_the_error_mark_and_its_reversal():
    # Newest first: a typo put right, then marked in error, reinstated, and marked in error again.
    revisions = (_rev(5, "Wrong offender", False, 4), _rev(4, "Was right after all", True, 3),
                 _rev(3, "Duplicate", False, 2), _rev(2, "Make mistyped", False, 1),
                 RevisionRow("device", 8, 1, STAMP, "Olly Manager", "Another device", {"voided_at": None}))
    voided = entry_history(revisions, "device", 7, voided=True)
    assert [r.reason for r in voided.corrections] == ["Make mistyped"]
    assert voided.voided is not None and voided.voided.reason == "Wrong offender"
    live = entry_history(revisions[1:], "device", 7, voided=False)
    assert [r.reason for r in live.corrections] == ["Make mistyped"] and live.voided is None


# --- devices, orders, breaches and warnings ----------------------------------------------------


def test_device_pane_shows_its_fields_checks_breaches_and_corrections(qtbot, sqlite_services, world, prompter,
                                                                      record_window):
    record, phone = _full_record(sqlite_services, world)
    correct_entry(sqlite_services, world.om, "device", phone.device_id, phone.version_id,
                  {"make_model": "Motorola moto g54 5G"}, "The model was read from the box: it is the 5G one")
    window = record_window(record)
    page = _devices(window)
    assert select_first(page.devices_view, lambda d: d.device_id == phone.device_id)
    text = shown(page.detail_pane)
    assert text["Make and model"] == "Motorola moto g54 5G"
    assert text["Declared"] == "Declared on 02/03/2025 to Olly Manager"
    assert text["Accounts"] == "arthur.q@example.net\nFacebook: arthur.quill"
    assert text["Checks"].splitlines() == [
        "24/11/2026 Home visit (seen): Not seen",
        "15/09/2026 Home visit (seen): Checked. Browsing history present; monitoring software running; "
        "nothing of concern."]
    assert text["Breaches raised"] == "None"
    assert text["Recorded"].startswith("By Olly Manager on ")
    assert text["Corrections"].startswith("Corrected once; last by Olly Manager on ")
    assert "it is the 5G one" in text["Corrections"]

    assert select_first(page.devices_view, lambda d: not d.declared)
    text = shown(page.detail_pane)
    assert text["Declared"] == "Not declared: found on 24/11/2026"
    assert text["Breaches raised"].startswith("24/11/2026: Undeclared phone Samsung Galaxy A15")
    assert text["Breaches raised"].endswith("(open)")
    assert page.detail_pane.values["Declared"].objectName() == "detailWarning"
    assert text["Corrections"] == "Never corrected"


def test_order_pane_lists_its_prohibitions_and_an_item_its_wording(qtbot, sqlite_services, world, prompter,
                                                                   record_window):
    record, _phone = _full_record(sqlite_services, world)
    page = _orders(record_window(record))
    shpo = next(o for o in page.orders if o.kind == "SHPO")
    assert page.select("civil_order", shpo.order_id)
    text = shown(page.detail.current())
    assert text["Court"] == "Northam Crown Court" and text["Made on"] == "01/03/2025"
    assert text["Until"] == "Until further order" and text["Today"] == "In force"
    assert text["New device notified within"] == "3 days of getting it"
    assert len(text["Prohibitions"].splitlines()) == 3
    assert text["Positive requirements"].startswith("\u2022 To make any device available for inspection")
    assert text["Recorded"].startswith("By Olly Manager on ")
    item = next(r for r in shpo.requirements if r.category == "foreign_travel")
    assert page.select("order_requirement", item.requirement_id)
    text = shown(page.detail.current())
    assert text["Wording"] == "Not to travel to any country outside the United Kingdom"
    assert text["Until"] == "28/02/2030" and text["Of the order"].startswith("SHPO")


def test_breach_pane_shows_the_decision_its_reasons_and_the_warnings(qtbot, sqlite_services, world, prompter,
                                                                     record_window):
    record, _phone = _full_record(sqlite_services, world)
    page = _breaches(record_window(record))
    late = next(b for b in page.breaches_model.rows() if b.description.startswith("Moved to 4 Mill Lane"))
    assert page.select_breach(late.breach_id)
    text = shown(page.detail.current())
    assert text["No-crime rationale"] == REASONS
    assert text["Sign-off"].startswith("Proposal not to record a crime by Olly Manager on ")
    assert text["Warnings"].startswith(f"Oral warning given 12/11/2026 by Olly Manager: {WARNING}")
    assert text["How it was opened"] == "Opened by an officer"
    assert text["Recorded"].startswith("By Olly Manager on ")

    closed = next(b for b in page.breaches_model.rows() if b.status == "closed")
    assert page.select_breach(closed.breach_id)
    text = shown(page.detail.current())
    assert text["Crime reference"] == "NY-26-004112" and text["Status"].startswith("Closed on ")
    assert "No-crime rationale" not in text

    [warning] = page.warnings_model.rows()
    assert page.select_warning(warning.warning_id)
    assert page.detail.current() is page.detail.warning_pane
    text = shown(page.detail.warning_pane)
    assert text["Rationale"] == WARNING and text["Given"] == "On 12/11/2026 by Olly Manager"
    assert text["About"].startswith("The breach of 10/11/2026: Moved to 4 Mill Lane")
    assert text["Sign-off"] == "Not needed: an oral warning"


# --- notifications and convictions -------------------------------------------------------------


def test_notification_and_conviction_panes(qtbot, sqlite_services, world, prompter, record_window):
    record = make_offender(sqlite_services, world.om, "Quillfeather", "Arthur")
    oid = record.offender_id
    from rso_manager.domain.notification_period import DisposalKind

    conviction = nt.record_conviction(sqlite_services, world.om, oid, nt.ConvictionInput(
        court="Northam Crown Court", convicted_on=date(2026, 9, 1), offence="Sexual assault (s.3)",
        disposal=DisposalKind.IMPRISONMENT, sentence_months=12, source="court_list"))
    station = next(s.station_id for s in nt.list_stations(sqlite_services) if s.code == "NTH-01")
    nt.take_notification(sqlite_services, world.om, oid, nt.NotificationInput(
        kind="initial", station_id=station, method=nt.IN_PERSON, in_person=True, fingerprints_taken=True,
        photographs_taken=False, notified_at=datetime(2026, 9, 2, 11, tzinfo=UTC)))
    nt.record_event(sqlite_services, world.om, oid, "change_address", sqlite_services.clock.today() - timedelta(days=1),
                    {"line1": "4 Tanner Row", "town": "Northam", "postcode": "NM2 7QT"})
    window = record_window(record)

    page = _show(window, "notifications", "Notifications")
    assert page.detail_pane.placeholder.isVisibleTo(page)
    [taken] = page.taken_model.rows()
    assert select_first(page.taken_view, lambda t: t.notification_id == taken.notification_id)
    text = shown(page.detail_pane)
    assert text["Given"] == "02/09/2026 12:00" and text["Taken by"] == "Olly Manager"
    assert text["In person"] == "Yes" and text["Fingerprints"] == "Taken" and text["Photographs"] == "REFUSED"
    assert text["Where"] and text["Late"] == "No"
    assert page.detail_pane.values["Photographs"].objectName() == "detailWarning"
    assert text["Recorded"].startswith("By Olly Manager on ")
    change = next(p for p in page.pending_model.rows() if p.kind == "change_address")
    assert select_first(page.pending_view, lambda p: p.notification_id == change.notification_id)
    text = shown(page.detail_pane)
    assert text["Given"] == "Not yet given"
    assert sorted(text["Details"].splitlines()) == ["Address: 4 Tanner Row", "Postcode: NM2 7QT", "Town: Northam"]

    page = _show(window, "convictions", "Convictions")
    assert select_first(page.conviction_view, lambda c: c.conviction_id == conviction.conviction_id)
    text = shown(page.detail_pane)
    assert text["Conviction"] == "Sexual assault (s.3) (01/09/2026)" and text["Convicted on"] == "01/09/2026"
    assert text["Schedule 3"].startswith("Yes") and text["Source"] == "Court list"
    assert text["Notification requirement"].startswith("From 01/09/2026: ")
    assert text["Notification period"]
    assert text["Recorded"].startswith("By Olly Manager on ")


# --- actions, relationships, risk & plan: lists of record entries, which may be in error ----------


def test_action_pane_shows_owner_due_result_and_an_action_in_error_says_why(qtbot, sqlite_services, world, prompter,
                                                                            record_window):
    record = make_offender(sqlite_services, world.om, "Quillfeather", "Arthur")
    today = sqlite_services.clock.today()
    done = add_action(sqlite_services, world.om, record.offender_id, "Speak to the school's safeguarding lead",
                      world.om.user_id, today + timedelta(days=7))
    record_action_result(sqlite_services, world.om, done.id, done.version_id,
                         "Spoke to Mrs Patel; no contact with pupils reported", today)
    wrong = add_action(sqlite_services, world.om, record.offender_id, "Check the allotment shed",
                       world.om.user_id, today + timedelta(days=3))
    void_entry(sqlite_services, world.om, "plan_action", wrong.id, wrong.version_id,
               "Recorded on the wrong offender's plan")
    window = record_window(record)
    page = _show(window, "actions", "Actions")
    assert page.select_entry(done.id)
    text = shown(page.detail_pane)
    assert text["Action"] == "Speak to the school's safeguarding lead"
    assert text["Owner"] == "Olly Manager"
    assert text["Due"] == (today + timedelta(days=7)).strftime("%d/%m/%Y")
    assert text["Result"] == "Spoke to Mrs Patel; no contact with pupils reported"
    assert text["Completed"] == today.strftime("%d/%m/%Y")
    assert page.select_entry(wrong.id)
    assert page.detail_pane.shown is None
    why = page.detail_pane.placeholder.text()
    assert "entered in error" in why and "Recorded on the wrong offender's plan" in why
    assert "Olly Manager" in why


def test_relationship_pane_shows_children_access_and_the_linked_record(qtbot, sqlite_services, world, prompter,
                                                                       record_window):
    other = make_offender(sqlite_services, world.om, "Brackenbury", "Colin")
    record = make_offender(sqlite_services, world.om, "Quillfeather", "Arthur")
    rel = record_relationship(sqlite_services, world.om, record.offender_id, RelationshipInput(
        person_name="Colin Brackenbury", kind="associate", from_date=date(2026, 6, 1),
        notes="Met on the programme; drinks together on Fridays", linked_reference=other.reference))
    partner = record_relationship(sqlite_services, world.om, record.offender_id, RelationshipInput(
        person_name="Carol Jones", kind="partner", has_children=True, access_to_children=True,
        from_date=date(2026, 10, 1)))
    window = record_window(record)
    page = _show(window, "relationships", "Relationships")
    assert page.select_entry(rel.relationship_id)
    text = shown(page.detail_pane)
    assert text["Person"] == "Colin Brackenbury"
    assert text["Linked record"].startswith(f"{other.reference}: ")
    assert text["From"] == "01/06/2026" and text["Until"] == "Continuing"
    assert text["Children"] == "No children known; no access to children"
    assert text["Notes"] == "Met on the programme; drinks together on Fridays"
    assert page.select_entry(partner.relationship_id)
    text = shown(page.detail_pane)
    assert text["Children"] == "Has children; has access to children"
    assert text["Linked record"] == "Not on the register"
    assert text["Safeguarding referral"]

    entry = next(e for e in page.model.rows() if e.id == rel.relationship_id)
    void_entry(sqlite_services, world.om, "relationship", entry.id, entry.version_id, "Not an associate: a namesake")
    _reloaded(qtbot, window, page)
    assert page.select_entry(rel.relationship_id)
    assert "Not an associate: a namesake" in page.detail_pane.placeholder.text()


def test_risk_pane_shows_the_assessment_and_the_plan_headings(qtbot, sqlite_services, world, prompter,
                                                              record_window):
    record = make_offender(sqlite_services, world.om, "Quillfeather", "Arthur")
    today = sqlite_services.clock.today()
    assessment = record_risk_assessment(sqlite_services, world.om, record.offender_id, tool="ARMS", level="high",
                                        assessed_on=today - timedelta(days=2))
    set_plan(sqlite_services, world.om, record.offender_id, visit_interval_months=3,
             supervision="Weekly appointments with the offender manager",
             victim_safety="Former partner told of his release; marker on her address")
    window = record_window(record)
    page = _show(window, "risk", "Risk & plan")
    assert page.select_entry(assessment)
    text = shown(page.detail_pane)
    assert text["Assessment tool"] == "ARMS" and text["Risk level"] == "High"
    assert text["Date"] == (today - timedelta(days=2)).strftime("%d/%m/%Y")
    assert text["Review"].startswith("Review by ")
    plan = next(e for e in page.model.rows() if e.entity == "risk_management_plan")
    _select(page, "risk_management_plan", plan.id)  # select_entry(id) would find the assessment: both are 1
    text = shown(page.detail_pane)
    assert text["Home visits"] == "Every 3 months"
    assert text["Supervision"] == "Weekly appointments with the offender manager"
    assert text["Victim safety"] == "Former partner told of his release; marker on her address"


# --- screenshots (RSO_SCREENSHOTS=1) ------------------------------------------------------------


@pytest.mark.skipif(not os.environ.get("RSO_SCREENSHOTS"), reason="set RSO_SCREENSHOTS=1 to write the screenshots")
def test_screenshots_of_the_detail_panes(qtbot, qapp, sqlite_services, world, prompter, record_window):
    from ui.app import load_style

    record, phone = _full_record(sqlite_services, world)
    oid = record.offender_id
    today = sqlite_services.clock.today()
    action = add_action(sqlite_services, world.om, oid, "Speak to the school's safeguarding lead about the "
                        "new address", world.om.user_id, today + timedelta(days=7))
    rel = record_relationship(sqlite_services, world.om, oid, RelationshipInput(
        person_name="Carol Jones", kind="partner", has_children=True, access_to_children=True,
        from_date=date(2026, 10, 1), notes="Met through work; her two children live with her"))
    record_risk_assessment(sqlite_services, world.om, oid, tool="ARMS", level="high",
                           assessed_on=today - timedelta(days=2))
    set_plan(sqlite_services, world.om, oid, visit_interval_months=3,
             supervision="Weekly appointments with the offender manager",
             monitoring_control="Unannounced home visits; the phone checked at each",
             victim_safety="Former partner told of his release; marker on her address")
    style, sheet = qapp.style().name(), qapp.styleSheet()
    load_style(qapp)
    try:
        window = record_window(record)
        window.resize(1280, 720)
        out = Path("screenshots")
        out.mkdir(exist_ok=True)

        def shoot(name: str) -> None:
            qtbot.wait(150)
            assert window.grab().save(str(out / name))

        page = _devices(window)
        select_first(page.devices_view, lambda d: not d.declared)
        shoot("device-detail.png")
        page = _breaches(window)
        select_first(page.breaches_view, lambda b: b.description.startswith("Moved to 4 Mill Lane"))
        shoot("breach-detail.png")
        page = _orders(window)
        page.select("civil_order", next(o.order_id for o in page.orders if o.kind == "SHPO"))
        shoot("order-detail.png")
        page = _show(window, "actions", "Actions")
        page.select_entry(action.id)
        shoot("action-detail.png")
        page = _show(window, "relationships", "Relationships")
        page.select_entry(rel.relationship_id)
        shoot("relationship-detail.png")
        page = _show(window, "risk", "Risk & plan")
        _select(page, "risk_management_plan", next(
            e.id for e in page.model.rows() if e.entity == "risk_management_plan"))
        shoot("risk-detail.png")
    finally:
        qapp.setStyleSheet(sheet)
        qapp.setStyle(style)
