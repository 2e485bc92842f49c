"""Transfer of a case to another force (issue 15 item 6): one encrypted, signed file exported
from one database and imported into a second, its history intact; a tampered or wrongly keyed
file refused with a message naming the file or the passphrase; an untrusted signer shown; a
possible match shown and never merged."""

from __future__ import annotations

import json
import os
import shutil
import stat
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select, update

from rso_manager.persistence import audit_chain
from rso_manager.persistence import models as m
from rso_manager.persistence.engine import make_engine, make_session_factory
from rso_manager.persistence.models import table_of
from rso_manager.services import caseload
from rso_manager.services.caseload import AccessReason, OffenderDraft
from rso_manager.services.errors import NeedsReason, PermissionDenied, ValidationFailed
from rso_manager.services.force_transfer import case_file, file_format, signing_key
from rso_manager.services.force_transfer.export import give_to_force
from rso_manager.services.force_transfer.importing import import_transfer, preview_transfer
from rso_manager.services.unit_of_work import Services, unit_of_work
from tests.conftest import world_from

PASSPHRASE = "lantern orchard velvet quarry nineteen"
REASON = "He moved to Manchester on licence; GMP take on management from Monday"
TAKE_ON = "Case received from the sending force after he moved into our area"
KNOWN = datetime(2024, 3, 4, 10, 30, tzinfo=UTC)


@pytest.fixture
def receiving(request, db_url, sqlite_template, tmp_path, clock):
    """A SECOND database on the same backend, with its own World and its own force key."""
    factory = None
    if db_url.startswith("sqlite"):
        target = tmp_path / "receiving.db"
        shutil.copy(sqlite_template, target)
        url = f"sqlite:///{target}"
    else:
        factory = request.getfixturevalue("postgres_databases")
        url = factory.take()
    engine = make_engine(url)
    yield Services(make_session_factory(engine), clock)
    engine.dispose()
    if factory is not None:
        factory.give_back(url)


def _case(services, world, surname="Whitlock", pnc="2001/0123456X"):
    rec = caseload.create_offender(services, world.om, OffenderDraft(
        surname=surname, forenames="Dennis", date_of_birth=date(1979, 5, 17), gender="male", pnc_id=pnc,
        offender_manager_id=world.om.user_id, team_id=world.team_id))
    oid = rec.offender_id
    caseload.add_alias(services, world.om, oid, "Denny White")
    rec = caseload.correct_offender(services, world.om, oid, rec.version_id,
                                    OffenderDraft(**{**rec.details.__dict__, "identifying_marks": "Scar on left hand"}),
                                    "Scar seen and recorded at the home visit")
    with services.session_factory.begin() as s:  # entries linked to each other, with old dates
        device = m.Device(offender_id=oid, kind="phone", imei="356938035643809", phone_number="07700 900123",
                          declared=True, status="active", created_at=KNOWN, created_by_id=world.om.user_id)
        visit = m.Visit(offender_id=oid, kind="home", status="completed", visited_at=KNOWN, outcome="seen",
                        created_at=KNOWN, created_by_id=world.om.user_id)
        note = m.CaseNote(offender_id=oid, kind="note", text="Discussed the move to Manchester",
                          occurred_on=date(2024, 3, 4), created_at=KNOWN, created_by_id=world.om.user_id)
        s.add_all([device, visit, note])
        s.flush()
        # Changed twice since: the version travels with the row (the ORM would start it at 1).
        s.execute(update(table_of(m.Visit)).where(table_of(m.Visit).c.id == visit.id).values(version_id=3))
        s.add(m.VisitOfficer(visit_id=visit.id, user_id=world.supervisor.user_id, part="second"))
        s.add(m.DeviceCheck(offender_id=oid, device_id=device.id, visit_id=visit.id, result="checked",
                            checked_on=date(2024, 3, 4), created_at=KNOWN, created_by_id=world.om.user_id))
        s.add(m.VisitTrigger(offender_id=oid, kind="intelligence", occurred_on=date(2024, 3, 4),
                             source_entity="case_note", source_id=note.id, created_at=KNOWN))
        s.add(m.SignOff(offender_id=oid, entity="case_note", entity_id=note.id, summary="Note on the move",
                        author_id=world.om.user_id, supervisor_id=world.supervisor.user_id, requested_at=KNOWN,
                        status="approved", decision="approved", rationale="Move discussed and agreed with GMP",
                        signed_by_id=world.supervisor.user_id, signed_at=KNOWN + timedelta(hours=2),
                        created_at=KNOWN))
    return caseload.reload_record(services, world.om, oid)


def _send(services, world, tmp_path, rec, *, actor=None, passphrase=PASSPHRASE):
    actor = actor or world.supervisor
    caseload.open_record(services, actor, rec.offender_id, AccessReason.CASE_MANAGEMENT,
                         "Preparing the transfer to Greater Manchester")
    rec = caseload.reload_record(services, actor, rec.offender_id)
    path = tmp_path / "whitlock.rsoxfer"
    sent = give_to_force(services, actor, rec.offender_id, rec.version_id, to_force="Greater Manchester Police",
                         reason=REASON, passphrase=passphrase, path=path)
    return sent, path


def _trust(sending, receiving, world_here, name="North Yorkshire Police"):
    identity = signing_key.force_identity(sending, world_from(sending).lead)
    signing_key.add_trusted_force(receiving, world_here.admin, name, identity.public_key_text,
                                  "Key read out and fingerprint checked by phone with their OMU")
    return identity


_IDS = {"id", "offender_id", "entity_id", "source_id", "reference", "status", "offender_manager_id", "team_id",
        "updated_at", "updated_by_id", "risk_level", "next_visit_due", "next_notification_due", "open_breaches"}


def _shape(services, oid):
    """The case as the file would carry it, without the ids that must differ between databases."""
    with services.session_factory() as s:
        payload = case_file.collect(s, oid)
        table = m.Base.metadata.tables
        people = {k: v["name"] for k, v in payload["people"].items()}
        out = {}
        for name, rows in payload["tables"].items():
            fks = {c.name for c in table[name].c if c.foreign_keys} - {"offender_id"}
            out[name] = sorted(json.dumps({k: (people.get(str(v), v).split(" (")[0] if k in fks and
                                               isinstance(v, int) and str(v) in people else
                                               "<link>" if k in fks else v)
                                           for k, v in r.items() if k not in _IDS}, sort_keys=True)
                               for r in rows)
        return out


def test_a_case_exported_and_imported_into_a_second_database_keeps_its_record_and_history(
        services, world, receiving, tmp_path):
    rec = _case(services, world)
    before = _shape(services, rec.offender_id)
    sent, path = _send(services, world, tmp_path, rec)

    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    with services.session_factory() as s:  # the case has ended here, saying where it went
        o = s.get(m.Offender, rec.offender_id)
        assert o.status == "ended"
        out = s.scalar(select(m.ForceTransfer).where(m.ForceTransfer.offender_id == o.id))
        assert (out.direction, out.other_force, out.file_sha256) == ("out", "Greater Manchester Police", sent.file_sha256)
        audit = s.scalars(select(m.AuditEvent).where(m.AuditEvent.action == "force_transfer.out")).one()
        assert audit.offender_id == o.id and audit.reason == REASON
        assert audit_chain.verify(s).ok
    after = caseload.reload_record(services, world.supervisor, rec.offender_id)
    assert (after.status, after.force_transfer.direction, after.force_transfer.other_force) == (
        "ended", "out", "Greater Manchester Police")
    assert after.revisions[0].before["status"] == "active"  # the old status kept in its history
    assert rec.offender_id not in {r.offender_id for r in caseload.list_caseload(services, world.lead, caseload.CaseloadScope.ALL)}

    here = world_from(receiving)
    _trust(services, receiving, here)
    preview = preview_transfer(receiving, here.om, path, PASSPHRASE)
    assert preview.trusted_as == "North Yorkshire Police" and preview.their_reference == rec.reference
    assert ("alias", 1) in preview.counts and ("device check", 1) in preview.counts
    assert preview.matches == ()

    got = import_transfer(receiving, here.om, path, PASSPHRASE, reason=TAKE_ON)
    assert got.from_force == "North Yorkshire Police"
    assert _shape(receiving, got.offender_id) == before  # every entry, revision and sign-off, dates kept

    with receiving.session_factory() as s:
        o = s.get(m.Offender, got.offender_id)
        assert (o.status, o.offender_manager_id, o.pnc_id) == ("active", here.om.user_id, "2001/0123456X")
        inbound = s.scalar(select(m.ForceTransfer).where(m.ForceTransfer.offender_id == o.id))
        assert (inbound.direction, inbound.file_sha256) == ("in", sent.file_sha256)
        check = s.scalar(select(m.DeviceCheck).where(m.DeviceCheck.offender_id == o.id))
        assert s.get(m.Device, check.device_id).imei == "356938035643809"  # links rebuilt under new ids
        assert s.get(m.Visit, check.visit_id).offender_id == o.id
        note = s.scalar(select(m.CaseNote).where(m.CaseNote.offender_id == o.id))
        assert note.created_at == KNOWN
        so = s.scalar(select(m.SignOff).where(m.SignOff.offender_id == o.id))
        assert so.entity_id == note.id and so.rationale == "Move discussed and agreed with GMP"
        trigger = s.scalar(select(m.VisitTrigger).where(m.VisitTrigger.offender_id == o.id))
        assert trigger.source_id == note.id
        assert s.scalar(select(m.Visit.version_id).where(m.Visit.offender_id == o.id)) == 3
        author = s.get(m.User, note.created_by_id)  # foreign authors: named, inactive, powerless
        assert author.display_name == "Olly Manager (North Yorkshire Police)"
        assert not author.active and author.role == "briefing" and author.id != here.om.user_id
        assert s.scalars(select(m.AuditEvent).where(m.AuditEvent.action == "force_transfer.in")).one().offender_id == o.id
        # Found by the force-wide search like any case recorded here.
        assert s.scalar(select(m.SearchTerm.id).where(m.SearchTerm.offender_id == o.id,
                                                      m.SearchTerm.kind == "alias")) is not None
        assert audit_chain.verify(s).ok
    record = caseload.reload_record(receiving, here.om, got.offender_id)  # the importer has it open
    assert (record.force_transfer.direction, record.force_transfer.other_force) == ("in", "North Yorkshire Police")
    assert record.revisions[0].changed_by == "Olly Manager (North Yorkshire Police)"
    with pytest.raises(ValidationFailed, match="imported before") as e:
        import_transfer(receiving, here.om, path, PASSPHRASE, reason=TAKE_ON)
    assert e.value.problems[0].field == "file"


def test_a_tampered_byte_is_refused_naming_the_file(services, world, receiving, tmp_path):
    _, path = _send(services, world, tmp_path, _case(services, world))
    data = bytearray(path.read_bytes())
    for where in (len(data) // 2, 30, len(data) - 3):  # ciphertext, header, signature
        bad = bytearray(data)
        bad[where] ^= 0x01
        path.write_bytes(bytes(bad))
        with pytest.raises(ValidationFailed, match="altered or damaged") as e:
            preview_transfer(receiving, world_from(receiving).om, path, PASSPHRASE)
        assert e.value.problems[0].field == "file"


def test_a_wrong_passphrase_or_an_unknown_file_is_refused_with_a_message(services, world, receiving, tmp_path):
    _, path = _send(services, world, tmp_path, _case(services, world))
    om = world_from(receiving).om
    with pytest.raises(ValidationFailed, match="passphrase does not open") as e:
        preview_transfer(receiving, om, path, "lantern orchard velvet quarry twenty")
    assert e.value.problems[0].field == "passphrase"
    other = tmp_path / "letter.pdf"
    other.write_bytes(b"%PDF-1.7\n" + b"x" * 200)
    with pytest.raises(ValidationFailed, match="not a case transfer file") as e:
        preview_transfer(receiving, om, other, PASSPHRASE)
    assert e.value.problems[0].field == "file"
    newer = tmp_path / "newer.rsoxfer"
    newer.write_bytes(b"RSOXFER\x02" + path.read_bytes()[8:])
    with pytest.raises(ValidationFailed, match="newer version") as e:
        preview_transfer(receiving, om, newer, PASSPHRASE)
    assert e.value.problems[0].field == "file"


def test_an_untrusted_signer_is_shown_in_the_preview_and_cannot_be_imported(services, world, receiving, tmp_path):
    _, path = _send(services, world, tmp_path, _case(services, world))
    om = world_from(receiving).om
    preview = preview_transfer(receiving, om, path, PASSPHRASE)
    assert not preview.trusted and preview.trusted_as is None
    assert preview.signer_fingerprint == signing_key.force_identity(services, world.lead).fingerprint
    with pytest.raises(ValidationFailed, match="does not trust") as e:
        import_transfer(receiving, om, path, PASSPHRASE, reason=TAKE_ON)
    assert e.value.problems[0].field == "file"
    with receiving.session_factory() as s:
        assert s.scalar(select(m.Offender).where(m.Offender.surname == "Whitlock")) is None


def test_a_possible_match_is_shown_and_never_merged(services, world, receiving, tmp_path):
    _, path = _send(services, world, tmp_path, _case(services, world))
    here = world_from(receiving)
    _trust(services, receiving, here)
    existing = caseload.create_offender(receiving, here.om2, OffenderDraft(   # known here already
        surname="WHITLOCK", forenames="Denis", date_of_birth=date(1979, 5, 17),
        offender_manager_id=here.om2.user_id, team_id=here.team2_id))
    preview = preview_transfer(receiving, here.om, path, PASSPHRASE)
    assert [(x.reference, x.why, x.offender_manager) for x in preview.matches] == [
        (existing.reference, "same surname and date of birth", "Oona Manager")]
    with pytest.raises(ValidationFailed, match=existing.reference) as e:
        import_transfer(receiving, here.om, path, PASSPHRASE, reason=TAKE_ON)
    assert e.value.problems[0].field == "confirm_new"
    with pytest.raises(ValidationFailed, match="never merged"):
        import_transfer(receiving, here.om, path, PASSPHRASE, reason=TAKE_ON, merge_into=existing.offender_id)
    got = import_transfer(receiving, here.om, path, PASSPHRASE, reason=TAKE_ON, confirm_new=True)
    assert got.offender_id != existing.offender_id
    with receiving.session_factory() as s:
        assert s.scalar(select(m.Alias).where(m.Alias.offender_id == existing.offender_id)) is None
        assert s.get(m.Offender, existing.offender_id).version_id == existing.version_id


def test_sending_is_the_supervisors_decision_on_an_open_record_with_a_strong_passphrase(services, world, tmp_path):
    rec = _case(services, world)
    path = tmp_path / "x.rsoxfer"
    with pytest.raises(PermissionDenied):
        _send(services, world, tmp_path, rec, actor=world.om)  # an offender manager cannot move a case
    with pytest.raises(NeedsReason):  # the supervisor has not opened it
        give_to_force(services, world.supervisor, rec.offender_id, rec.version_id, to_force="GMP",
                      reason=REASON, passphrase=PASSPHRASE, path=path)
    with pytest.raises(ValidationFailed) as e:
        give_to_force(services, world.supervisor, rec.offender_id, rec.version_id, to_force="",
                      reason="moved", passphrase="password123", path=path)
    assert {p.field for p in e.value.problems} == {"to_force", "reason", "passphrase"}
    assert not path.exists()
    with services.session_factory() as s:
        assert s.get(m.Offender, rec.offender_id).status == "active"
        assert s.scalar(select(m.ForceTransfer)) is None


def test_the_force_key_is_kept_encrypted_and_trust_is_for_the_administrator(services, world, receiving):
    identity = signing_key.force_identity(services, world.lead)
    with services.session_factory() as s:
        stored = s.scalar(select(m.Setting.value_json).where(m.Setting.key == signing_key.KEY_SETTING))
    assert "private_key" in stored and identity.fingerprint not in stored
    assert signing_key.force_identity(services, world.supervisor).fingerprint == identity.fingerprint  # kept
    here = world_from(receiving)
    with pytest.raises(PermissionDenied):
        signing_key.add_trusted_force(receiving, here.lead, "North Yorkshire Police", identity.public_key_text,
                                      "Key read out and fingerprint checked by phone")
    with pytest.raises(ValidationFailed) as e:
        signing_key.add_trusted_force(receiving, here.admin, "NYP", "not a key", "Key read out by phone today")
    assert e.value.problems[0].field == "public_key"
    _trust(services, receiving, here)
    assert [t.fingerprint for t in signing_key.list_trusted_forces(receiving, here.admin)] == [identity.fingerprint]
    signing_key.remove_trusted_force(receiving, here.admin, identity.fingerprint,
                                     "The force replaced its key after a laptop was lost")
    assert signing_key.list_trusted_forces(receiving, here.admin) == []
    with receiving.session_factory() as s:
        actions = s.scalars(select(m.AuditEvent.action).where(m.AuditEvent.action.like("force_key.%"))).all()
    assert actions == ["force_key.trust", "force_key.distrust"]


def test_a_file_the_import_cannot_account_for_writes_nothing(services, world, receiving, tmp_path):
    """A signed file (by a trusted key) whose device check names a device it does not hold."""
    rec = _case(services, world)
    with unit_of_work(services, world.lead) as uow:
        payload = case_file.collect(uow.session, rec.offender_id)
        payload["tables"]["device_check"][0]["device_id"] = 999_999
        data = file_format.seal(payload, PASSPHRASE, signing_key.signing_key(uow), {"from_force": "NYP"})
    path = tmp_path / "odd.rsoxfer"
    path.write_bytes(data)
    here = world_from(receiving)
    _trust(services, receiving, here)
    with receiving.session_factory() as s:
        people = s.scalar(select(func.count(m.User.id)))
    with pytest.raises(ValidationFailed, match="does not hold") as e:
        import_transfer(receiving, here.om, path, PASSPHRASE, reason=TAKE_ON)
    assert e.value.problems[0].field == "file"
    with receiving.session_factory() as s:
        assert s.scalar(select(func.count(m.Offender.id))) == 0
        assert s.scalar(select(func.count(m.User.id))) == people  # no author accounts left behind
