from datetime import date

import pytest

from rso_manager.domain.roles import CaseloadScope
from rso_manager.persistence import audit_chain
from rso_manager.services import caseload
from rso_manager.services.caseload import AccessReason, OffenderDraft
from rso_manager.services.errors import ConcurrentEditError, PermissionDenied, ValidationFailed


def _draft(world, **kw):
    base = dict(surname="Testcase", forenames="Alpha", date_of_birth=date(1980, 1, 1),
                offender_manager_id=world.om.user_id, team_id=world.team_id)
    base.update(kw)
    return OffenderDraft(**base)


def test_create_list_open_correct_and_audit(services, world):
    rec = caseload.create_offender(services, world.om, _draft(world))
    rows = caseload.list_caseload(services, world.om, CaseloadScope.MINE)
    assert [r.name for r in rows] == ["TESTCASE, Alpha"]
    opened = caseload.open_record(services, world.om, rec.offender_id, AccessReason.CASE_MANAGEMENT, "preparing a visit")
    fixed = caseload.correct_offender(services, world.om, rec.offender_id, opened.version_id,
                                      _draft(world, forenames="Alfa"), "forename was misspelt")
    assert fixed.details.forenames == "Alfa"
    assert fixed.revisions[0].before["forenames"] == "Alpha"
    with services.session_factory() as s:
        report = audit_chain.verify(s)
        actions = [a for (a,) in s.execute(audit_chain.select(audit_chain.AuditEvent.action).order_by(audit_chain.AuditEvent.id))]
    assert report.ok
    # (audit.keyed and records.seal rows only seal what was written)
    assert [a for a in actions if a not in ("audit.keyed", "records.seal")] == [
        "record.create", "record.open", "record.correct"]


def test_stale_save_is_refused_with_who_and_when(services, world):
    rec = caseload.create_offender(services, world.om, _draft(world))
    caseload.correct_offender(services, world.supervisor, rec.offender_id, rec.version_id,
                              _draft(world, forenames="Alfa"), "forename was misspelt")
    with pytest.raises(ConcurrentEditError, match="Sam Supervisor"):
        caseload.correct_offender(services, world.om, rec.offender_id, rec.version_id,
                                  _draft(world, forenames="Alpher"), "forename was misspelt")


def test_bad_input_names_the_field(services, world, clock):
    with pytest.raises(ValidationFailed) as err:
        caseload.create_offender(services, world.om, _draft(world, surname=" ", date_of_birth=date(2030, 1, 1)))
    assert err.value.for_field("surname")
    assert "future" in err.value.for_field("date_of_birth")


def test_opening_needs_a_reason(services, world):
    rec = caseload.create_offender(services, world.om, _draft(world))
    with pytest.raises(ValidationFailed) as err:
        caseload.open_record(services, world.om, rec.offender_id, AccessReason.OTHER, "x")
    assert err.value.for_field("reason_text")


def test_untrained_user_can_read_but_not_write(services, world):
    with pytest.raises(PermissionDenied, match="trained"):
        caseload.create_offender(services, world.untrained, _draft(world))
    assert caseload.list_caseload(services, world.untrained, CaseloadScope.TEAM) == []


def test_void_keeps_the_entry(services, world):
    rec = caseload.create_offender(services, world.om, _draft(world))
    alias = caseload.add_alias(services, world.om, rec.offender_id, "Al Test")
    caseload.void_entry(services, world.om, "alias", alias.id, alias.version_id, "alias belonged to another case")
    record = caseload.reload_record(services, world.om, rec.offender_id)
    (row,) = record.sections["identity"]
    assert row.voided and row.status == "Entered in error"
