"""Go > Audit trail: filtered by user, exported to CSV through the save-path chooser, paged with
Load more, shown only to the OMU lead and the administrator."""

from __future__ import annotations

import csv
import io
import json
import os
import stat
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from rso_manager.persistence import models as m
from rso_manager.services import caseload
from rso_manager.services.caseload import AccessReason, open_record
from tests.ui.conftest import make_offender
from ui.kit.forms import select_data
from ui.workflows.audit_trail import AuditTrailPage

REASON = "Checking the new address before the home visit on Friday"


def _audits(services, action):
    with services.session_factory() as s:
        return list(s.scalars(select(m.AuditEvent).where(m.AuditEvent.action == action)))


def _trail(qtbot, make_window, actor) -> AuditTrailPage:
    window = make_window(actor)
    page = window.part(AuditTrailPage)
    assert page is not None
    window.show_page("audit_trail")
    qtbot.waitUntil(lambda: page.search_button.isEnabled() and page.user.count() > 1, timeout=5000)
    return page


def _search(qtbot, page):
    before = len(_audits_of(page))
    page.search_button.click()
    qtbot.waitUntil(lambda: page.search_button.isEnabled() and len(_audits_of(page)) > before, timeout=5000)


def _audits_of(page):
    return _audits(page.host.services, "audit_trail.read")


def test_filter_by_user_then_export_csv(qtbot, qtmodeltester, make_window, sqlite_services, world, tmp_path):
    record = make_offender(sqlite_services, world.om, "Trailcase", "Alpha")
    open_record(sqlite_services, world.om, record.offender_id, AccessReason.CASE_MANAGEMENT, REASON)
    caseload.add_alias(sqlite_services, world.om, record.offender_id, "Al Trail")
    page = _trail(qtbot, make_window, world.lead)
    assert page.model.rowCount() > 0 and len(_audits_of(page)) == 1  # the first search, on showing

    select_data(page.user, world.om.user_id)
    _search(qtbot, page)
    qtmodeltester.check(page.model)
    rows = page.model.rows()
    assert [e.action for e in rows] == ["entry.create", "record.open", "record.create"]
    assert {page.model.index(r, 1).data() for r in range(page.model.rowCount())} == {"Olly Manager (om)"}
    assert page.model.index(1, 0).data() == "25/11/2026 10:00"
    assert page.model.index(1, 3).data() == "Opened the record"
    assert REASON in page.model.index(1, 5).data()
    assert not page.more_button.isEnabled() and page.count.text().startswith("3 events shown")

    target = tmp_path / "trail"  # the chooser's answer without the extension: .csv is added
    asked = []
    page.chooser = lambda parent, caption, suggested, flt: asked.append((caption, suggested, flt)) or str(target)
    page.csv_button.click()
    qtbot.waitUntil(lambda: _audits(sqlite_services, "audit_trail.export") != [], timeout=5000)
    qtbot.waitUntil(page.csv_button.isEnabled, timeout=5000)
    assert asked[0][0] == "Export the audit trail as CSV" and asked[0][1].endswith(".csv")
    saved = tmp_path / "trail.csv"
    assert stat.S_IMODE(saved.stat().st_mode) == 0o600
    lines = list(csv.reader(io.StringIO(saved.read_bytes().decode("utf-8-sig"))))
    assert len(lines) == 4 and {r[1] for r in lines[1:]} == {"Olly Manager (om)"}
    [audit] = _audits(sqlite_services, "audit_trail.export")
    assert json.loads(audit.details_json)["filter"] == {"user_id": world.om.user_id}


def test_a_cancelled_chooser_exports_nothing(qtbot, make_window, sqlite_services, world):
    page = _trail(qtbot, make_window, world.admin)
    page.chooser = lambda *a: ""
    page.pdf_button.click()
    assert _audits(sqlite_services, "audit_trail.export") == []


def test_bad_dates_and_unknown_reference_are_said_under_the_boxes(qtbot, make_window, world):
    page = _trail(qtbot, make_window, world.lead)
    page.date_from.edit.setText("31/02/2026")
    page.search_button.click()
    assert "DD/MM/YYYY" in page.errors.message("date_from")
    page.date_from.edit.clear()
    page.reference.setText("RSO-999999")
    page.search_button.click()
    qtbot.waitUntil(lambda: page.errors.message("reference") != "", timeout=5000)
    assert "RSO-999999" in page.errors.message("reference")


def test_load_more_adds_older_events(qtbot, make_window, sqlite_services, world, monkeypatch):
    from rso_manager.services import audit_trail

    record = make_offender(sqlite_services, world.om)
    for i in range(5):
        caseload.add_alias(sqlite_services, world.om, record.offender_id, f"Alias {i}")
    monkeypatch.setattr(audit_trail, "PAGE_SIZE", 3)  # a page of three
    page = _trail(qtbot, make_window, world.lead)
    assert page.model.rowCount() == 3 and page.more_button.isEnabled()
    first = [e.id for e in page.model.rows()]
    page.more_button.click()
    qtbot.waitUntil(lambda: page.model.rowCount() == 6, timeout=5000)
    ids = [e.id for e in page.model.rows()]
    assert ids[:3] == first and ids == sorted(ids, reverse=True)
    assert len(_audits_of(page)) == 1  # Load more is the same search


def test_only_the_lead_and_the_administrator_have_the_page(qtbot, make_window, world):
    for actor in (world.om, world.supervisor):
        assert make_window(actor).part(AuditTrailPage) is None
    admin = make_window(world.admin)
    assert admin.part(AuditTrailPage) is not None


# --- screenshot (RSO_SCREENSHOTS=1) ------------------------------------------------------------


@pytest.mark.skipif(not os.environ.get("RSO_SCREENSHOTS"), reason="set RSO_SCREENSHOTS=1 to write the screenshots")
@pytest.mark.parametrize("who", ["lead", "admin"])
def test_screenshot_of_the_audit_trail(qtbot, qapp, make_window, sqlite_services, world, clock, who):
    from ui.app import load_style

    style, sheet = qapp.style().name(), qapp.styleSheet()
    load_style(qapp)
    try:
        people = [("Quillfeather", "Arthur"), ("Okonkwo", "Chidi"), ("Łukasz", "Nowak")]
        for hour, (surname, forenames) in enumerate(people, start=8):
            clock.current = datetime(2026, 11, 24, hour, 15, tzinfo=UTC)
            rec = make_offender(sqlite_services, world.om, surname, forenames)
            clock.current = datetime(2026, 11, 24, hour, 40, tzinfo=UTC)
            open_record(sqlite_services, world.om, rec.offender_id, AccessReason.VISIT_PREPARATION, REASON)
            caseload.add_alias(sqlite_services, world.om, rec.offender_id, f"{forenames} {surname[:3]}")
            open_record(sqlite_services, world.lead, rec.offender_id, AccessReason.COMPLIANCE_CHECK,
                        "Quarterly audit of MAPPA category 1 cases in the North team")
        clock.current = datetime(2026, 11, 25, 10, tzinfo=UTC)
        window = make_window(getattr(world, who))
        window.resize(1280, 720)
        page = window.part(AuditTrailPage)
        window.show_page("audit_trail")
        qtbot.waitUntil(lambda: page.model.rowCount() > 0 and page.user.count() > 1, timeout=5000)
        qtbot.wait(100)
        Path("screenshots").mkdir(exist_ok=True)
        assert window.grab().save(f"screenshots/audit-trail-{who}.png")
    finally:
        qapp.setStyleSheet(sheet)
        qapp.setStyle(style)
