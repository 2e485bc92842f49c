"""The audit trail screen's service: filters, keyset paging, the administrator's view without case
data, exports written owner-only and audited, and reading it audited once per search."""

from __future__ import annotations

import csv
import io
import json
import stat
from dataclasses import replace
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from rso_manager.persistence import models as m
from rso_manager.services import audit_trail, caseload
from rso_manager.services.audit_trail import TrailFilter
from rso_manager.services.caseload import AccessReason, OffenderDraft
from rso_manager.services.errors import PermissionDenied, ValidationFailed
from tests.opening import open_case

OPEN_TEXT = "Checking the new address before the home visit on Friday"


def _offender(services, world, surname="Trailcase"):
    return caseload.create_offender(services, world.om, OffenderDraft(
        surname=surname, forenames="Alpha", date_of_birth=date(1980, 1, 1),
        offender_manager_id=world.om.user_id, team_id=world.team_id))


def _actions(services, action):
    with services.session_factory() as s:
        return list(s.scalars(select(m.AuditEvent).where(m.AuditEvent.action == action)
                              .order_by(m.AuditEvent.id)))


@pytest.fixture
def case(services, world):
    rec = _offender(services, world)
    open_case(services, world.om, rec.offender_id, text=OPEN_TEXT)
    caseload.add_alias(services, world.om, rec.offender_id, "Al Trail")
    return rec


def test_newest_first_with_who_action_record_and_why(services, world, case):
    page = audit_trail.audit_trail(services, world.lead, TrailFilter(reference=case.reference))
    assert [e.action for e in page.events] == ["entry.create", "record.open", "record.create"]
    alias, opened, created = page.events
    assert alias.action_text == "Added an alias"
    assert opened.action_text == "Opened the record"
    assert opened.who == "Olly Manager (om)" and opened.role == "Offender manager"
    assert opened.record == f"{case.reference} TRAILCASE, Alpha"
    assert opened.reason == f"Managing this case: {OPEN_TEXT}"
    assert opened.cells()[0] == "25/11/2026 10:00"  # London time, dd/mm/yyyy HH:MM
    assert not page.more


def test_filters_by_user_kind_and_date(services, world, case, clock):
    other = _offender(services, world, "Othercase")
    clock.current += timedelta(days=3)
    open_case(services, world.lead, other.offender_id)
    by_lead = audit_trail.audit_trail(services, world.lead, TrailFilter(user_id=world.lead.user_id))
    assert {e.action for e in by_lead.events} >= {"record.open"}
    assert all(e.who.startswith("Lee Lead") for e in by_lead.events)

    openings = audit_trail.audit_trail(services, world.lead, TrailFilter(kind="openings"))
    assert {e.action for e in openings.events} == {"record.open"}
    changes = audit_trail.audit_trail(services, world.lead, TrailFilter(kind="changes"))
    assert {e.action for e in changes.events} == {"record.create", "entry.create"}

    later = audit_trail.audit_trail(services, world.lead, TrailFilter(
        date_from=date(2026, 11, 28), kind="openings"))
    assert [e.record.split()[0] for e in later.events] == [other.reference]
    earlier = audit_trail.audit_trail(services, world.lead, TrailFilter(
        date_to=date(2026, 11, 25), reference=other.reference.lower()))
    assert [e.action for e in earlier.events] == ["record.create"]


def test_bad_filters_name_the_field(services, world, case):
    with pytest.raises(ValidationFailed) as caught:
        audit_trail.audit_trail(services, world.lead, TrailFilter(date_from=date(2026, 11, 20),
                                                                  date_to=date(2026, 11, 1)))
    assert caught.value.problems[0].field == "date_to"
    with pytest.raises(ValidationFailed) as caught:
        audit_trail.audit_trail(services, world.lead, TrailFilter(reference="NO-SUCH-REF"))
    assert caught.value.problems[0].field == "reference" and "NO-SUCH-REF" in caught.value.problems[0].message


def test_pages_by_keyset_and_audits_one_read_per_search(services, world, case):
    for i in range(7):
        caseload.add_alias(services, world.om, case.offender_id, f"Alias {i}")
    f = TrailFilter(reference=case.reference)
    first = audit_trail.audit_trail(services, world.lead, f, limit=4)
    assert len(first.events) == 4 and first.more
    second = audit_trail.audit_trail(services, world.lead, f, before_id=first.last_id, limit=4)
    third = audit_trail.audit_trail(services, world.lead, f, before_id=second.last_id, limit=4)
    ids = [e.id for p in (first, second, third) for e in p.events]
    assert ids == sorted(ids, reverse=True) and len(set(ids)) == 10 and not third.more
    reads = _actions(services, "audit_trail.read")
    assert len(reads) == 1  # one per search, not per page
    assert json.loads(reads[0].details_json)["filter"] == {"reference": case.reference}
    assert reads[0].user_id == world.lead.user_id


def test_administrator_sees_references_only(services, world, case):
    caseload.correct_offender(services, world.om, case.offender_id, case.version_id,
                              replace(case.details, forenames="Alphonse"),
                              "Forename misspelt; he now lives near St Mary's school")
    page = audit_trail.audit_trail(services, world.admin, TrailFilter(reference=case.reference))
    opened = next(e for e in page.events if e.action == "record.open")
    assert opened.record == case.reference
    assert opened.reason == "Managing this case (text not shown)"
    text = " ".join(" ".join(e.cells()) for e in page.events)
    assert "Trailcase" not in text and "TRAILCASE" not in text and "Alpha" not in text
    assert OPEN_TEXT not in text and "Al Trail" not in text and "St Mary" not in text
    corrected = next(e for e in page.events if e.action == "record.correct")
    assert corrected.reason == "Not shown: may hold case detail"
    lead = audit_trail.audit_trail(services, world.lead, TrailFilter(reference=case.reference))
    assert "St Mary's school" in next(e for e in lead.events if e.action == "record.correct").reason


def test_offender_manager_and_supervisor_are_refused(services, world, case, tmp_path):
    for actor in (world.om, world.supervisor):
        with pytest.raises(PermissionDenied, match="audit trail"):
            audit_trail.audit_trail(services, actor, TrailFilter())
        with pytest.raises(PermissionDenied):
            audit_trail.export_trail(services, actor, TrailFilter(), str(tmp_path / "t.csv"), "csv")
    assert _actions(services, "audit_trail.read") == [] and not (tmp_path / "t.csv").exists()


def test_csv_export_is_owner_only_inert_and_audited(services, world, case, tmp_path):
    caseload.add_alias(services, world.om, case.offender_id, "=HYPERLINK(1)")
    path = tmp_path / "trail.csv"
    f = TrailFilter(reference=case.reference)
    result = audit_trail.export_trail(services, world.admin, f, str(path), "csv")
    assert result.rows == 4 and stat.S_IMODE(path.stat().st_mode) == 0o600
    rows = list(csv.reader(io.StringIO(path.read_bytes().decode("utf-8-sig"))))
    assert rows[0] == list(audit_trail.HEADER) and len(rows) == 5
    assert all(r[4] == case.reference for r in rows[1:])  # the administrator: references only
    assert "Trailcase" not in path.read_text("utf-8-sig")
    [audit] = _actions(services, "audit_trail.export")
    details = json.loads(audit.details_json)
    assert details["format"] == "csv" and details["rows"] == 4
    assert details["filter"] == {"reference": case.reference} and audit.user_id == world.admin.user_id
    assert _actions(services, "audit_trail.read") == []  # an export is its own audit row


def test_csv_cells_that_look_like_formulas_are_made_inert(services, world, tmp_path):
    rec = _offender(services, world)
    caseload.open_record(services, world.om, rec.offender_id, AccessReason.OTHER,
                         "=cmd|' /C calc'!A0 checking the address history for the visit today")
    path = tmp_path / "trail.csv"
    audit_trail.export_trail(services, world.lead, TrailFilter(kind="openings"), str(path), "csv")
    [row] = list(csv.reader(io.StringIO(path.read_bytes().decode("utf-8-sig"))))[1:]
    assert not row[5].startswith("=")  # "other: =cmd..." begins with text already
    assert audit_trail._inert("=1+1") == "'=1+1" and audit_trail._inert("-2") == "'-2"


def test_pdf_export_is_marked_owner_only_and_audited(services, world, case, tmp_path):
    path = tmp_path / "trail.pdf"
    result = audit_trail.export_trail(services, world.lead, TrailFilter(user_id=world.om.user_id),
                                      str(path), "pdf")
    data = path.read_bytes()
    assert data.startswith(b"%PDF") and result.rows == 3
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    from pypdf import PdfReader
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    assert "OFFICIAL-SENSITIVE" in text and "Audit trail" in text and "by Olly Manager" in text
    [audit] = _actions(services, "audit_trail.export")
    assert json.loads(audit.details_json)["filter"] == {"user_id": world.om.user_id}


def test_too_large_an_export_is_refused_with_a_message(services, world, case, tmp_path, monkeypatch):
    monkeypatch.setattr(audit_trail, "EXPORT_LIMIT", 2)
    path = tmp_path / "trail.csv"
    with pytest.raises(ValidationFailed, match="narrow the dates"):
        audit_trail.export_trail(services, world.lead, TrailFilter(), str(path), "csv")
    assert not path.exists() and _actions(services, "audit_trail.export") == []


def test_unwritable_path_leaves_no_audit_row(services, world, case, tmp_path):
    with pytest.raises(ValidationFailed) as caught:
        audit_trail.export_trail(services, world.lead, TrailFilter(),
                                 str(tmp_path / "missing" / "t.csv"), "csv")
    assert caught.value.problems[0].field == "path"
    assert _actions(services, "audit_trail.export") == []


def test_every_action_the_code_audits_is_said_in_the_users_words():
    """The audit trail screen names each action as its users would; a new action without words
    would show as its code ("force_transfer.out")."""
    import re
    from pathlib import Path

    from rso_manager.services import audit_trail

    root = Path(audit_trail.__file__).parents[1]
    written = set()
    for source in root.rglob("*.py"):
        text = source.read_text(encoding="utf-8")
        written |= set(re.findall(r'\.audit\(\s*"([a-z_.]+)"', text))
        written |= set(re.findall(r'\baction="([a-z_]+\.[a-z_.]+)"', text))
        written |= set(re.findall(r'^[A-Z_]*ACTION = "([a-z_.]+)"', text, re.M))
    assert {"search", "entry.create", "force_transfer.out"} <= written  # the scan finds them
    assert sorted(written - set(audit_trail._WORDS)) == []
