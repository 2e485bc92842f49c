"""Directory sign-in's settings (issue 17 part 2) through the settings dialog's one writer, on
both databases: a directory value is checked with the rest of its row as the change leaves it,
named by its setting key, and nothing is saved; each value changed is one audit row; the
lookup account's password goes to this computer's keyring, never to the database; the accounts
page learns how each account signs in. No directory server is needed here."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from rso_manager.domain import directory_mapping as dm
from rso_manager.domain import setting_definitions as sd
from rso_manager.persistence import models as m
from rso_manager.services import directory_sign_in as ds
from rso_manager.services import users
from rso_manager.services.errors import PermissionDenied, ValidationFailed
from rso_manager.services.setting_changes import change_settings, editable_settings

REASON = "The force's directory replaces local passwords for OMU staff"
LOOKUP_DN = "cn=rso-lookup,ou=services,dc=force,dc=example"
LOOKUP_PASSWORD = "a lookup password for the fictional force"


def _directory_row(services):
    with services.session_factory() as s:
        row = s.scalar(select(m.Setting).where(m.Setting.key == "directory"))
        return None if row is None else json.loads(row.value_json)


def _audit(services, action):
    with services.session_factory() as s:
        return [(json.loads(e.details_json or "{}"), e.reason) for e in
                s.scalars(select(m.AuditEvent).where(m.AuditEvent.action == action).order_by(m.AuditEvent.id))]


def test_every_directory_value_is_a_setting_of_the_dialog():
    assert set(sd.directory_values({d.key: None for d in sd.DIRECTORY_DEFINITIONS})) == set(dm.DEFAULTS)
    assert all(d.group is sd.SettingGroup.DIRECTORY for d in sd.DIRECTORY_DEFINITIONS)
    assert sd.BY_KEY["directory.timeout_seconds"].range_text == "1 to 60 seconds"
    assert sd.BY_KEY["directory.recheck_minutes"].range_text == "1 to 60 minutes"


def test_switching_on_half_a_configuration_is_refused_field_by_field_and_nothing_saved(services, world):
    with pytest.raises(ValidationFailed) as nothing_else:
        change_settings(services, world.admin, {"directory.enabled": True}, REASON)
    for field, words in (("servers", "ldaps://"), ("base_dn", "DC=force"), ("offender_manager_group", "group")):
        assert words in (nothing_else.value.for_field(f"directory.{field}") or ""), nothing_else.value

    half = {"directory.enabled": True, "directory.servers": "ldap://dc1.force.example",
            "directory.base_dn": "DC=force,DC=example", "directory.offender_manager_group": "RSO Offender Managers"}
    with pytest.raises(ValidationFailed) as unencrypted:
        change_settings(services, world.admin, half, REASON)
    assert [p.field for p in unencrypted.value.problems] == ["directory.servers"]
    assert "unencrypted" in unencrypted.value.problems[0].message

    with pytest.raises(ValidationFailed) as out_of_range:
        change_settings(services, world.admin, {"directory.recheck_minutes": 0}, REASON)
    said = [p.message for p in out_of_range.value.problems if p.field == "directory.recheck_minutes"]
    assert len(said) == 1 and "1 to 60 minutes" in said[0]  # said once, not by each check
    assert _directory_row(services) is None and _audit(services, "setting.change") == []


def test_a_whole_configuration_is_saved_one_audit_row_a_value_and_signs_in_with_it(services, world):
    whole = {"directory.enabled": True, "directory.servers": "ldaps://dc1.force.example",
             "directory.base_dn": "DC=force,DC=example", "directory.offender_manager_group": "RSO Offender Managers",
             "directory.timeout_seconds": "8", "directory.user_filter": " (uid={username}) "}
    made = change_settings(services, world.admin, whole, REASON,
                           versions=editable_settings(services, world.admin).versions())
    assert {c.key for c in made} == set(whole)
    audited = {d["key"]: (d["before"], d["after"]) for d, reason in _audit(services, "setting.change")}
    assert audited["directory.timeout_seconds"] == (5, 8)
    assert audited["directory.user_filter"] == (dm.DEFAULTS["user_filter"], "(uid={username})")
    with services.session_factory() as s:
        config = ds.configuration(s)
    assert config is not None and config.servers == ("ldaps://dc1.force.example",) and config.timeout_seconds == 8
    read = editable_settings(services, world.admin)
    assert read["directory.enabled"].value is True and read["directory.group_attribute"].value == "memberOf"
    assert read["directory.timeout_seconds"].changed_by == "Ada Admin"

    # Switched off, it may be left half made while it is filled in; switched on again, it is checked.
    change_settings(services, world.admin, {"directory.enabled": False, "directory.base_dn": ""}, REASON)
    with pytest.raises(ValidationFailed) as again:
        change_settings(services, world.admin, {"directory.enabled": True}, REASON)
    assert again.value.for_field("directory.base_dn")
    # A setting elsewhere is not held up by the directory's row.
    change_settings(services, world.admin, {"caseload_ceiling": 45}, REASON)


def test_configure_is_change_settings_under_the_directory_keys(services, world):
    saved = ds.configure(services, world.admin, {"servers": "ldaps://dc1.force.example"}, reason=REASON)
    assert saved["servers"] == "ldaps://dc1.force.example" and saved["enabled"] is False
    assert [d for d, _ in _audit(services, "setting.change")] == [
        {"key": "directory.servers", "before": "", "after": "ldaps://dc1.force.example"}]
    with pytest.raises(ValidationFailed) as unknown:
        ds.configure(services, world.admin, {"password": "x"}, reason=REASON)
    assert unknown.value.for_field("directory.password")


def test_the_lookup_password_goes_to_the_keyring_never_the_database(services, world, memory_keyring):
    where = ds.store_lookup_password(services, world.admin, f" {LOOKUP_DN} ", LOOKUP_PASSWORD)
    assert memory_keyring.stored == {(ds.KEYRING_SERVICE, LOOKUP_DN): LOOKUP_PASSWORD}
    assert "not in the database" in where and ds.LOOKUP_PASSWORD_ENV in where and LOOKUP_DN in where
    [(details, reason)] = _audit(services, "setting.change")
    assert details["key"] == "directory.lookup_password" and details["lookup_dn"] == LOOKUP_DN and reason
    with services.session_factory() as s:
        everything = [e.details_json or "" for e in s.scalars(select(m.AuditEvent))]
        everything += [r.value_json for r in s.scalars(select(m.Setting))]
    assert not any(LOOKUP_PASSWORD in text for text in everything)
    config = dm.configuration({"enabled": True, "servers": "ldaps://dc1.force.example", "base_dn": "DC=force",
                               "offender_manager_group": "oms", "lookup_dn": LOOKUP_DN})
    assert config is not None and ds.lookup_password(config) == LOOKUP_PASSWORD  # what sign-in reads


def test_the_lookup_password_needs_the_administrator_a_dn_and_a_password(services, world, memory_keyring):
    with pytest.raises(PermissionDenied):
        ds.store_lookup_password(services, world.lead, LOOKUP_DN, LOOKUP_PASSWORD)
    with pytest.raises(ValidationFailed) as missing:
        ds.store_lookup_password(services, world.admin, "  ", "")
    assert missing.value.for_field("directory.lookup_dn") == ds.LOOKUP_DN_FIRST
    assert missing.value.for_field("lookup_password")
    assert memory_keyring.stored == {} and _audit(services, "setting.change") == []


def test_a_computer_with_no_keyring_is_told_to_use_the_variable(services, world, no_keyring):
    with pytest.raises(ds.NoKeyringHere) as caught:
        ds.store_lookup_password(services, world.admin, LOOKUP_DN, LOOKUP_PASSWORD)
    assert ds.LOOKUP_PASSWORD_ENV in str(caught.value) and "not kept" in str(caught.value)
    assert _audit(services, "setting.change") == []  # nothing kept, nothing said to be


def test_accounts_say_how_each_signs_in(services, world):
    before = ds.accounts_sign_in(services, world.admin)
    assert not before.directory_on
    assert {s.label for s in before.by_user.values()} == {"Local password"}
    listed = {u.id: u for u in users.list_users(services, world.admin)}
    om, supervisor = listed[world.om.user_id], listed[world.supervisor.user_id]
    ds.link_account(services, world.admin, om.id, om.version_id, reason=REASON, keep_local_password=True)
    ds.link_account(services, world.admin, supervisor.id, supervisor.version_id, reason=REASON,
                    keep_local_password=False)
    after = ds.accounts_sign_in(services, world.admin).by_user
    assert after[om.id].label == "Directory (local password kept)"
    assert after[supervisor.id].label == "Directory"
    assert after[world.lead.user_id].label == "Local password"
    with pytest.raises(PermissionDenied):
        ds.accounts_sign_in(services, world.lead)
