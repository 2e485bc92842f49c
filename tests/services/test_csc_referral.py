"""The referral to children's social care (issue 15 item 4): its content, sent by a method, the
local authority's acknowledgement and decision against the one-working-day clock, and the
document printed owner-only with one audit row a print. SQLite and PostgreSQL."""

from __future__ import annotations

import io
import os
import stat
from datetime import UTC, date, datetime, timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from rso_manager.persistence import models as m
from rso_manager.services import caseload, devices, safeguarding, visits
from rso_manager.services.caseload import OffenderDraft
from rso_manager.services.devices import OrderInput, RequirementInput
from rso_manager.services.errors import NeedsReason, ValidationFailed
from rso_manager.services.notifications import ConvictionInput, record_conviction
from rso_manager.services.safeguarding import RelationshipInput
from tests.opening import open_case

HOUSEHOLD = "Amy Jones (6) and Beth Jones (9), living with their mother Carol Jones at 4 Mill Lane, Northam NM1 2AB"
SOURCE = "PCSO Dale, from the school's safeguarding lead"


def _at(y, mo, d, h=10, mi=0):
    return datetime(y, mo, d, h, mi, tzinfo=UTC)  # winter: London time is UTC


def _case(services, world, clock):
    """A case with a conviction, an SHPO prohibition, an assessment, a relationship giving access
    to children (which opens the concern), an action and a visit after the concern."""
    clock.current = _at(2026, 11, 2, 9)
    oid = caseload.create_offender(services, world.om, OffenderDraft(
        surname="Quillfeather", forenames="Arthur", date_of_birth=date(1968, 4, 9), gender="male",
        pnc_id="88/123456X", offender_manager_id=world.om.user_id, team_id=world.team_id)).offender_id
    record_conviction(services, world.om, oid, ConvictionInput(
        court="Northam Crown Court", convicted_on=date(2019, 5, 3), offence="Sexual assault of a child under 13",
        disposal="imprisonment", sentence_months=36, source="court_list"))
    devices.record_order(services, world.om, oid, OrderInput("SHPO", "Northam Crown Court", date(2022, 6, 1), None, True), [
        RequirementInput("prohibition", "contact", "No unsupervised contact with any child under 16",
                         date(2022, 6, 1), None, True)])
    visits.record_risk_assessment(services, world.om, oid, tool="ARMS", level="high", assessed_on=date(2026, 10, 1))
    rel = safeguarding.record_relationship(services, world.om, oid, RelationshipInput(
        person_name="Carol Jones", kind="partner", has_children=True, access_to_children=True,
        from_date=date(2026, 10, 20), notes="Two daughters, 6 and 9"))
    safeguarding.add_action(services, world.om, oid, "Speak to the school's safeguarding lead", world.om.user_id,
                            date(2026, 11, 20))
    with services.session_factory.begin() as s:
        s.add(m.Address(offender_id=oid, kind="home", line1="12 Orchard Road", town="Northam", postcode="NM2 3CD",
                        from_date=date(2025, 1, 1), created_at=clock.now()))
        s.add(m.Visit(offender_id=oid, kind="home", status="completed", outcome="seen", announced=False,
                      visited_at=_at(2026, 11, 2, 14), created_at=clock.now()))
    return oid, rel.referral_prompt_id


def _view(services, actor, oid, referral_id):
    return next(r for r in safeguarding.safeguarding_for(services, actor, oid).referrals if r.id == referral_id)


def test_sending_needs_a_method_and_acknowledgement_needs_a_sent_referral(services, world, clock):
    oid, rid = _case(services, world, clock)
    r = _view(services, world.om, oid, rid)
    clock.current = _at(2026, 11, 2, 17)
    with pytest.raises(ValidationFailed) as err:
        safeguarding.record_acknowledgement(services, world.om, rid, r.version_id, _at(2026, 11, 2, 16),
                                            "Duty social worker, Northam MASH")
    assert "as sent before its acknowledgement" in err.value.for_field("acknowledged_at")

    for method in (None, "", "fax"):
        with pytest.raises(ValidationFailed) as err:
            safeguarding.record_referral(services, world.om, rid, r.version_id, _at(2026, 11, 2, 15),
                                         "Northam MASH", None, sent_method=method)
        assert "Choose how the referral was sent" in err.value.for_field("sent_method")
    assert _view(services, world.om, oid, rid).referred_at is None  # nothing was recorded

    sent = safeguarding.record_referral(services, world.om, rid, r.version_id, _at(2026, 11, 2, 15),
                                        "Northam MASH", "CS-4411", sent_method="secure_email")
    assert sent.sent_method == "secure_email" and sent.referral_late_by is None
    assert sent.decision_due == datetime(2026, 11, 3, 23, 59, 59, 999999, tzinfo=UTC)

    with pytest.raises(ValidationFailed) as err:
        safeguarding.record_acknowledgement(services, world.om, rid, sent.version_id, _at(2026, 11, 2, 14), "Duty SW")
    assert "before the referral was sent" in err.value.for_field("acknowledged_at")
    with pytest.raises(ValidationFailed) as err:
        safeguarding.record_acknowledgement(services, world.om, rid, sent.version_id, _at(2026, 11, 2, 16), "  ")
    assert err.value.for_field("acknowledged_by")

    # Acknowledged the same day; the decision came two days later, a day after it was due.
    acked = safeguarding.record_acknowledgement(services, world.om, rid, sent.version_id, _at(2026, 11, 2, 16, 30),
                                                "Sam Patel, duty social worker")
    assert acked.acknowledged_by == "Sam Patel, duty social worker" and acked.acknowledgement_late_by is None
    assert safeguarding.referral_state(acked) == "Acknowledged; awaiting decision"
    with pytest.raises(ValidationFailed, match="already recorded"):
        safeguarding.record_acknowledgement(services, world.om, rid, acked.version_id, _at(2026, 11, 2, 16, 45), "X")
    clock.current = _at(2026, 11, 5, 9)
    decided = safeguarding.record_referral_decision(services, world.om, rid, acked.version_id,
                                                    "Strategy discussion; section 47 enquiry", _at(2026, 11, 4, 12))
    assert decided.decision_late_by == _at(2026, 11, 4, 12) - decided.decision_due
    with services.session_factory() as s:
        actions = s.scalars(select(m.AuditEvent.action).where(m.AuditEvent.entity == "safeguarding_referral",
                                                              m.AuditEvent.entity_id == rid)).all()
        refer = s.scalars(select(m.AuditEvent).where(m.AuditEvent.action == "safeguarding.refer",
                                                     m.AuditEvent.entity_id == rid)).one()
    assert "safeguarding.acknowledged" in actions and "secure_email" in (refer.details_json or "")


def test_a_late_referral_says_by_how_much(services, world, clock):
    oid, rid = _case(services, world, clock)
    r = _view(services, world.om, oid, rid)
    clock.current = _at(2026, 11, 3, 11)
    open_case(services, world.om, oid)
    waiting = _view(services, world.om, oid, rid)
    assert waiting.referral_due == datetime(2026, 11, 2, 23, 59, 59, 999999, tzinfo=UTC)
    assert waiting.referral_late_by is not None and waiting.referral_late_by > timedelta(hours=11)
    sent = safeguarding.record_referral(services, world.om, rid, r.version_id, _at(2026, 11, 3, 10), "MASH", None,
                                        sent_method="phone")
    assert timedelta(hours=10) <= sent.referral_late_by <= timedelta(hours=10, seconds=1)


def test_the_document_holds_what_the_local_authority_needs(services, world, clock):
    oid, rid = _case(services, world, clock)
    r = _view(services, world.om, oid, rid)
    with pytest.raises(ValidationFailed) as err:
        safeguarding.record_referral_content(services, world.om, rid, r.version_id, " ", "")
    assert err.value.for_field("household") and err.value.for_field("concern_source")
    content = safeguarding.record_referral_content(services, world.om, rid, r.version_id, HOUSEHOLD, SOURCE)
    assert (content.household, content.concern_source) == (HOUSEHOLD, SOURCE)
    clock.current = _at(2026, 11, 2, 16)
    safeguarding.record_referral(services, world.om, rid, content.version_id, _at(2026, 11, 2, 15, 30),
                                 "Northam MASH", "CS-4411", sent_method="portal")

    doc = safeguarding.referral_document(services, world.om, rid)
    assert doc.household == HOUSEHOLD and doc.concern_source == SOURCE
    assert "Carol Jones" in doc.concern and "Carol Jones (partner" in doc.relationship
    assert doc.offender_name == "Arthur QUILLFEATHER" and doc.date_of_birth == date(1968, 4, 9)
    assert doc.address == "12 Orchard Road, Northam, NM2 3CD"
    assert [c.text for c in doc.convictions] == ["Sexual assault of a child under 13 (Northam Crown Court); imprisonment"]
    assert doc.orders[0].text.startswith("SHPO, Northam Crown Court; indefinite")
    assert doc.prohibitions == ("SHPO: No unsupervised contact with any child under 16",)
    assert doc.risk_level == "High" and doc.risk_assessment == "ARMS, high, assessed 01/10/2026"
    assert [a.text for a in doc.actions] == [
        f"Speak to the school's safeguarding lead (owner {world.om.display_name}): open"]
    assert [v.text for v in doc.visits_since_concern] == ["Home visit (unannounced): seen"]
    assert doc.sent_method == "The local authority's portal" and doc.their_reference == "CS-4411"
    assert doc.offender_manager == world.om.display_name and doc.team
    assert doc.printed_by == world.om.display_name


def test_the_pdf_is_marked_owner_only_and_each_print_audited(services, world, clock, tmp_path):
    oid, rid = _case(services, world, clock)
    r = _view(services, world.om, oid, rid)
    safeguarding.record_referral_content(services, world.om, rid, r.version_id, HOUSEHOLD, SOURCE)
    path = tmp_path / "referral.pdf"
    for _ in range(2):
        printed = safeguarding.print_referral_document(services, world.om, rid, path)
    assert printed.path == str(path) and printed.bytes == path.stat().st_size
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    reader = PdfReader(io.BytesIO(path.read_bytes()))
    pages = [p.extract_text() for p in reader.pages]
    assert all("OFFICIAL-SENSITIVE" in p and "Safeguarding use only" in p for p in pages)
    text = " ".join(" ".join(pages).split())
    for needed in ("Referral to children's social care", "Amy Jones (6)", "Carol Jones", SOURCE,
                   "No unsupervised contact with any child under 16", "Sexual assault of a child under 13",
                   "Officer contact", world.om.display_name, "02/11/2026 09:00", "The concern"):
        assert needed in text, needed
    with services.session_factory() as s:
        prints = s.scalars(select(m.AuditEvent).where(m.AuditEvent.action == "export.print",
                                                      m.AuditEvent.entity == "safeguarding_referral")).all()
    assert len(prints) == 2 and all(p.offender_id == oid and str(path) in p.details_json for p in prints)

    # A folder that cannot be written: the message names the field, and nothing is audited.
    with pytest.raises(ValidationFailed) as err:
        safeguarding.print_referral_document(services, world.om, rid, tmp_path / "missing" / "referral.pdf")
    assert "could not be saved there" in err.value.for_field("path")
    with services.session_factory() as s:
        assert len(s.scalars(select(m.AuditEvent).where(m.AuditEvent.action == "export.print",
                                                        m.AuditEvent.entity == "safeguarding_referral")).all()) == 2


def test_the_document_is_a_read_of_the_record(services, world, clock, tmp_path):
    oid, rid = _case(services, world, clock)
    with pytest.raises(NeedsReason):
        safeguarding.referral_document(services, world.supervisor, rid)
    with pytest.raises(NeedsReason):
        safeguarding.print_referral_document(services, world.supervisor, rid, tmp_path / "r.pdf")
    assert not (tmp_path / "r.pdf").exists()
    open_case(services, world.supervisor, oid)
    assert safeguarding.referral_document(services, world.supervisor, rid).referral_id == rid
