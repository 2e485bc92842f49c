"""The administrator's settings (issue 17 part 6), on both databases: changes need the
administrator and a reason, each changed setting is one audit row with its old and new values,
bad values are refused naming the setting and nothing is saved, a stale save is refused, and a
changed visit interval is the one the next visit of a new case is worked out from."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from rso_manager.domain.dates import add_months
from rso_manager.persistence import models as m
from rso_manager.services import caseload, second_factor, settings, visits
from rso_manager.services.caseload import OffenderDraft
from rso_manager.services.errors import ConcurrentEditError, PermissionDenied, ValidationFailed
from rso_manager.services.setting_changes import (
    NOTHING_CHANGED,
    change_settings,
    editable_settings,
    session_lock_minutes,
)
from rso_manager.services.visits import VisitInput
from tests.opening import open_case

REASON = "OMU policy agreed at the November performance meeting"
HIGH = "visit_policy.interval_months.high"


def _changes(services):
    with services.session_factory() as s:
        return [(json.loads(e.details_json), e.reason, e.entity) for e in
                s.scalars(select(m.AuditEvent).where(m.AuditEvent.action == "setting.change").order_by(m.AuditEvent.id))]


def test_the_administrator_changes_settings_with_a_reason_audited_old_and_new(services, world):
    before = editable_settings(services, world.admin)
    assert before["session_lock_minutes"].value == 15 and before["session_lock_minutes"].is_default
    assert before[HIGH].value == 3 and before[HIGH].version_id == 0
    made = change_settings(services, world.admin, {"session_lock_minutes": 10, HIGH: 2,
                                                   "caseload_ceiling": 50,  # as it is: not a change
                                                   "crime_reference_example": " NY-26-000001 "},
                           REASON, versions=before.versions())
    assert {c.key for c in made} == {"session_lock_minutes", HIGH, "crime_reference_example"}
    assert sorted(_changes(services), key=lambda c: c[0]["key"]) == [
        ({"key": "crime_reference_example", "before": "NY-26-012345", "after": "NY-26-000001"}, REASON, "setting"),
        ({"key": "session_lock_minutes", "before": 15, "after": 10}, REASON, "setting"),
        ({"key": HIGH, "before": 3, "after": 2}, REASON, "setting"),
    ]
    after = editable_settings(services, world.admin)
    assert after["session_lock_minutes"].value == 10 and after["session_lock_minutes"].changed_by == "Ada Admin"
    assert after["session_lock_minutes"].default == 15
    assert session_lock_minutes(services) == 10
    with services.session_factory() as s:
        policy = settings.visit_policy(s)
        assert policy.interval_months["high"] == 2 and policy.interval_months["low"] == 12  # the rest as it was
        assert settings.get(s, "crime_reference_example") == "NY-26-000001"
    # A second change of the same row: the old value is what the first left.
    change_settings(services, world.admin, {HIGH: 3}, "Back to three months after the HMICFRS feedback",
                    versions=after.versions())
    assert _changes(services)[-1][0] == {"key": HIGH, "before": 2, "after": 3}


def test_anyone_but_the_administrator_is_refused(services, world):
    for who in (world.lead, world.supervisor, world.om):
        with pytest.raises(PermissionDenied):
            change_settings(services, who, {"caseload_ceiling": 40}, REASON)
        with pytest.raises(PermissionDenied):
            editable_settings(services, who)
    assert _changes(services) == []


def test_bad_values_are_refused_naming_the_setting_and_nothing_is_saved(services, world, tmp_path):
    a_file = tmp_path / "not-a-folder"
    a_file.write_text("x")
    with pytest.raises(ValidationFailed) as bad:
        change_settings(services, world.admin, {
            "session_lock_minutes": 45, "caseload_ceiling": "lots", "crime_reference_pattern": "([A-Z",
            "backup_folder": str(a_file), "second_factor_for_everyone": "yes", "omu_contact": "x" * 301,
            "reminder_days_ahead": 10,  # good, but not saved with the bad ones
        }, "noted")
    err = bad.value
    assert "1 to 30 minutes" in err.for_field("session_lock_minutes")
    assert "whole number" in err.for_field("caseload_ceiling")
    assert "regular expression" in err.for_field("crime_reference_pattern")
    assert "is a file" in err.for_field("backup_folder")
    assert err.for_field("second_factor_for_everyone") and err.for_field("omu_contact")
    assert err.for_field("reason")  # "noted" says nothing
    assert err.for_field("reminder_days_ahead") is None
    with pytest.raises(ValidationFailed) as bad:
        change_settings(services, world.admin, {"backup_folder": "backups/here", "no_such_setting": 1}, REASON)
    assert bad.value.for_field("no_such_setting")
    with pytest.raises(ValidationFailed) as bad:
        change_settings(services, world.admin, {"backup_folder": "backups/here"}, REASON)
    assert "full path" in bad.value.for_field("backup_folder")
    with services.session_factory() as s:
        assert s.scalar(select(func.count()).select_from(m.Setting).where(m.Setting.key.in_(
            ("reminder_days_ahead", "session_lock_minutes", "backup_folder")))) == 0
    assert _changes(services) == []


def test_settings_are_checked_together(services, world):
    # A medium-risk interval shorter than the high-risk one is said on the setting changed.
    with pytest.raises(ValidationFailed) as bad:
        change_settings(services, world.admin, {"visit_policy.interval_months.medium": 2}, REASON)
    assert "higher risk" in bad.value.for_field("visit_policy.interval_months.medium")
    # A new format must accept the example; format and example changed together are fine.
    with pytest.raises(ValidationFailed) as bad:
        change_settings(services, world.admin, {"crime_reference_pattern": r"^CR\d{8}$"}, REASON)
    assert "NY-26-012345" in bad.value.for_field("crime_reference_pattern")
    change_settings(services, world.admin, {"crime_reference_pattern": r"^CR\d{8}$",
                                            "crime_reference_example": "CR00001234"}, REASON)
    with pytest.raises(ValidationFailed) as bad:  # nothing changed
        change_settings(services, world.admin, {"crime_reference_example": "CR00001234"}, REASON)
    assert bad.value.for_field(NOTHING_CHANGED)


def test_a_save_on_settings_changed_meanwhile_is_refused(services, world):
    read = editable_settings(services, world.admin)
    change_settings(services, world.admin, {"caseload_ceiling": 45}, REASON, versions=read.versions())
    with pytest.raises(ConcurrentEditError) as stale:
        change_settings(services, world.admin, {"caseload_ceiling": 40}, "A second administrator's view of it",
                        versions=read.versions())
    assert "Ada Admin" in str(stale.value)
    # Another setting in another row is not held up by it.
    change_settings(services, world.admin, {"omu_contact": "OMU desk 01234 567890"}, REASON, versions=read.versions())
    with services.session_factory() as s:
        assert settings.get(s, "caseload_ceiling") == 45


def test_a_changed_interval_sets_the_next_visit_of_a_new_case(services, world):
    change_settings(services, world.admin, {HIGH: 2}, REASON)
    rec = caseload.create_offender(services, world.om, OffenderDraft(
        surname="Settingscase", forenames="Sol", date_of_birth=date(1975, 3, 3),
        offender_manager_id=world.om.user_id, team_id=world.team_id))
    visits.record_risk_assessment(services, world.om, rec.offender_id, tool="RM2000", level="high",
                                  assessed_on=date(2026, 11, 20))
    visits.record_visit(services, world.om, VisitInput(
        offender_id=rec.offender_id, visited_at=datetime(2026, 11, 25, 9, 30, tzinfo=UTC), outcome="seen",
        officer_ids=(world.om.user_id, world.supervisor.user_id)))
    assert open_case(services, world.om, rec.offender_id).next_visit_due == add_months(date(2026, 11, 25), 2)


def test_the_second_factor_policy_is_a_setting_like_any_other(services, world):
    second_factor.set_required_for_everyone(services, world.admin, True, "force policy from 1 December")
    assert editable_settings(services, world.admin)["second_factor_for_everyone"].value is True
    with services.session_factory() as s:
        assert second_factor.required_for_everyone(s)
    assert _changes(services)[-1][0] == {"key": "second_factor_for_everyone", "before": False, "after": True}
