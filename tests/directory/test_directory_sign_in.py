"""Signing in through a real OpenLDAP server (issue 17 part 2): role, training and team from the
groups, a wrong password refused as a local one is, a person taken out of the group refused at
their next action, and a directory that does not answer said so, falling back to a local
password only where the configuration allows it. Each test runs on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from rso_manager.domain.roles import Role
from rso_manager.persistence import models as m
from rso_manager.services import caseload, directory_sign_in, users
from rso_manager.services.directory_sign_in import DirectoryUnavailable
from rso_manager.services.errors import AccountChanged, AuthenticationFailed, ValidationFailed
from tests.conftest import PASSWORD
from tests.directory.conftest import CONFIG_REASON
from tests.ldap_server import STANDARD_PEOPLE, group_dn

DANA, SID, UNA, NELL = STANDARD_PEOPLE


def _account(services, username):
    with services.session_factory() as s:
        return s.scalar(select(m.User).where(m.User.username == username))


def _audit(services, action=None):
    with services.session_factory() as s:
        q = select(m.AuditEvent).order_by(m.AuditEvent.id)
        if action:
            q = q.where(m.AuditEvent.action == action)
        return list(s.scalars(q))


def _act(services, actor):
    """Any action of an offender manager's day: here, their caseload."""
    return caseload.list_caseload(services, actor, caseload.CaseloadScope.MINE)


def test_first_sign_in_makes_the_account_from_the_groups(services, world, configure):
    configure()
    actor = users.login(services, DANA.uid, DANA.password)
    assert (actor.role, actor.trained, actor.team_id, actor.display_name) == (
        Role.OFFENDER_MANAGER, True, world.team_id, "Dana Field")
    account = _account(services, DANA.uid)
    assert account.auth_source == "directory" and account.directory_dn == DANA.dn
    assert not directory_sign_in.has_local_password(account)  # no usable local password
    created = _audit(services, "user.create")[-1]
    assert '"source": "directory"' in created.details_json
    assert _audit(services, "login")[-1].outcome == "ok"
    _act(services, actor)  # and the account works

    # In the supervisors' group as well as the offender managers': the supervisor's role.
    assert users.login(services, SID.uid, SID.password).role is Role.SUPERVISOR
    # Not in the trained group: not trained, so no case entries.
    una = users.login(services, UNA.uid, UNA.password)
    assert (una.role, una.trained, una.team_id) == (Role.OFFENDER_MANAGER, False, None)


def test_local_accounts_still_sign_in_with_their_own_password(services, world, configure):
    configure()
    assert users.login(services, "om", PASSWORD).user_id == world.om.user_id


def test_a_wrong_password_gets_the_local_refusal_and_the_lockout(services, world, configure, clock):
    configure()
    with pytest.raises(AuthenticationFailed) as unknown:
        users.login(services, DANA.uid, "not dana's password at all")
    assert str(unknown.value) == users.SIGN_IN_FAILED and _account(services, DANA.uid) is None
    users.login(services, DANA.uid, DANA.password)
    for _ in range(users.MAX_FAILED_LOGINS):
        with pytest.raises(AuthenticationFailed) as refused:
            users.login(services, DANA.uid, "not dana's password at all")
        assert str(refused.value) == users.SIGN_IN_FAILED
    with pytest.raises(AuthenticationFailed) as locked:
        users.login(services, DANA.uid, DANA.password)  # the right password, inside the lockout
    assert str(locked.value) == users.SIGN_IN_FAILED
    clock.advance(minutes=31)
    assert users.login(services, DANA.uid, DANA.password).username == DANA.uid
    # An empty password is an anonymous bind, which LDAP servers accept: never a sign-in.
    with pytest.raises(AuthenticationFailed):
        users.login(services, DANA.uid, "")
    # Neither the password nor the person's DN is in the audit trail.
    for row in _audit(services):
        text = row.details_json or ""
        assert DANA.password not in text and DANA.dn not in text and "not dana" not in text


def test_someone_in_no_group_is_told_so_and_gets_no_account(services, world, configure):
    configure()
    with pytest.raises(AuthenticationFailed) as refused:
        users.login(services, NELL.uid, NELL.password)
    assert str(refused.value) == directory_sign_in.NOT_IN_A_GROUP
    assert _account(services, NELL.uid) is None


def test_removed_from_the_group_the_next_action_is_refused(services, world, configure, directory, clock):
    configure()
    dana = users.login(services, DANA.uid, DANA.password)
    _act(services, dana)
    directory.remove_member("rso-offender-managers", DANA.dn)
    clock.advance(minutes=4)
    _act(services, dana)  # read again at most every 5 minutes (the setting)
    clock.advance(minutes=1)
    with pytest.raises(AccountChanged) as refused:
        _act(services, dana)
    assert str(refused.value) == directory_sign_in.REMOVED
    with pytest.raises(AccountChanged):
        _act(services, dana)  # and every action after it
    with pytest.raises(AuthenticationFailed) as again:
        users.login(services, DANA.uid, DANA.password)
    assert str(again.value) == directory_sign_in.NOT_IN_A_GROUP


def test_taken_out_of_the_trained_group_the_account_follows(services, world, configure, directory, clock):
    configure()
    dana = users.login(services, DANA.uid, DANA.password)
    directory.remove_member("rso-trained", DANA.dn)
    clock.advance(minutes=5)
    with pytest.raises(AccountChanged) as changed:
        _act(services, dana)
    assert str(changed.value) == directory_sign_in.CHANGED
    assert _account(services, DANA.uid).trained is False
    change = _audit(services, "user.change")[-1]
    assert '"trained": false' in change.details_json and change.username == "system"
    again = users.login(services, DANA.uid, DANA.password)
    assert (again.role, again.trained) == (Role.OFFENDER_MANAGER, False)
    _act(services, again)


def test_every_sign_in_reads_the_groups_again(services, world, configure, directory):
    configure()
    users.login(services, DANA.uid, DANA.password)
    directory.set_members("rso-supervisors", [SID.dn, DANA.dn])
    assert users.login(services, DANA.uid, DANA.password).role is Role.SUPERVISOR


def _link_om(services, world, *, keep_local_password):
    info = next(u for u in users.list_users(services, world.admin) if u.username == "om")
    directory_sign_in.link_account(services, world.admin, info.id, info.version_id,
                                   reason="Olly now signs in with his force account",
                                   keep_local_password=keep_local_password)


def test_a_silent_server_is_said_and_falls_back_to_a_local_password_where_allowed(
        services, world, configure, silent_port):
    _link_om(services, world, keep_local_password=True)
    configure(servers=silent_port, fallback_to_local=True)
    # Olly kept his local password: he signs in with it while the directory is silent.
    actor = users.login(services, "om", PASSWORD)
    assert actor.user_id == world.om.user_id
    assert '"password": "local password (the directory did not answer)"' in _audit(services, "login")[-1].details_json
    # Someone with no local password is told the directory did not answer.
    with pytest.raises(DirectoryUnavailable) as silent:
        users.login(services, DANA.uid, DANA.password)
    assert str(silent.value).startswith("The directory server did not answer")
    assert silent_port in str(silent.value)

    configure(servers=silent_port, fallback_to_local=False)
    with pytest.raises(DirectoryUnavailable) as refused:
        users.login(services, "om", PASSWORD)
    assert "did not answer" in str(refused.value)
    assert _audit(services, "login")[-1].outcome == "failed"


def test_a_hung_directory_ends_a_session_unless_falling_back_is_allowed(
        services, world, configure, directory, clock):
    configure(fallback_to_local=True)
    dana = users.login(services, DANA.uid, DANA.password)
    directory.pause()
    try:
        clock.advance(minutes=5)
        _act(services, dana)  # allowed: carries on with the groups last read
        configure(fallback_to_local=False)
        clock.advance(minutes=5)
        with pytest.raises(AccountChanged) as refused:
            _act(services, dana)
        assert "did not answer" in str(refused.value)
    finally:
        directory.resume()
    _act(services, dana)  # answering again


def test_a_directory_account_linked_without_its_password_cannot_sign_in_locally(
        services, world, configure, silent_port):
    _link_om(services, world, keep_local_password=False)
    configure(servers=silent_port, fallback_to_local=True)
    with pytest.raises(DirectoryUnavailable):
        users.login(services, "om", PASSWORD)


def test_bad_settings_name_the_field_and_save_nothing(services, world, directory):
    cases = [
        ({"servers": "ldap://dc1.force.example"}, "servers", "unencrypted"),
        ({"servers": "http://dc1.force.example"}, "servers", "not an LDAP address"),
        ({"servers": ""}, "servers", "address"),
        ({"base_dn": ""}, "base_dn", "DC=force"),
        ({"user_filter": "(uid=dana)"}, "user_filter", "{username}"),
        ({"recheck_minutes": 0}, "recheck_minutes", "1 to 60"),
        ({"timeout_seconds": "soon"}, "timeout_seconds", "seconds"),
        ({"team_groups": "rso-team-north"}, "team_groups", "Team name=group"),
    ]
    from tests.directory.conftest import settings_for
    for change, field, words in cases:
        with pytest.raises(ValidationFailed) as caught:
            directory_sign_in.configure(services, world.admin, settings_for(directory.url, **change),
                                        reason=CONFIG_REASON)
        assert words in (caught.value.for_field(f"directory.{field}") or ""), (change, caught.value)
    with pytest.raises(ValidationFailed) as no_reason:
        directory_sign_in.configure(services, world.admin, settings_for(directory.url), reason="ok")
    assert no_reason.value.for_field("reason")
    with services.session_factory() as s:
        assert s.scalar(select(m.Setting).where(m.Setting.key == "directory")) is None
    with services.session_factory() as s:
        assert directory_sign_in.configuration(s) is None


def test_only_an_administrator_configures_it(services, world, directory):
    from rso_manager.services.errors import PermissionDenied
    from tests.directory.conftest import settings_for
    with pytest.raises(PermissionDenied):
        directory_sign_in.configure(services, world.lead, settings_for(directory.url), reason=CONFIG_REASON)
    with pytest.raises(PermissionDenied):
        directory_sign_in.try_connection(services, world.om)


def test_test_connection_says_what_it_found(services, world, configure, silent_port, directory):
    configure()
    report = directory_sign_in.try_connection(services, world.admin)
    assert report.ok, report.text
    assert report.lines[0].startswith(f"{directory.url}: answered in ")
    assert "The lookup account signed in." in report.lines
    assert "Supervisor group (rso-supervisors): found." in report.lines
    assert "Team North group (rso-team-north): found." in report.lines

    missing = directory_sign_in.try_connection(services, world.admin, {
        "servers": f"{silent_port} {directory.url}", "supervisor_group": group_dn("rso-nobody"),
        "team_groups": "North=rso-team-north; West=rso-team-north"})
    assert not missing.ok
    assert missing.lines[0] == f"{silent_port}: did not answer within 1 seconds."
    assert f"Supervisor group ({group_dn('rso-nobody')}): not found; check its name." in missing.lines
    assert any(line.startswith("Team West: there is no team") for line in missing.lines)

    silent = directory_sign_in.try_connection(services, world.admin, {"servers": silent_port})
    assert not silent.ok and "No server answered" in silent.lines[-1]


def test_a_second_server_answers_when_the_first_is_silent(services, world, configure, silent_port, directory):
    configure(servers=f"{silent_port} {directory.url}")
    assert users.login(services, DANA.uid, DANA.password).username == DANA.uid


def test_the_lookup_accounts_password_missing_is_said(services, world, configure, monkeypatch):
    configure()
    monkeypatch.delenv(directory_sign_in.LOOKUP_PASSWORD_ENV)
    import keyring
    from keyring.backends.fail import Keyring as NoKeyring
    before = keyring.get_keyring()
    keyring.set_keyring(NoKeyring())  # a computer with no credential store
    try:
        with pytest.raises(directory_sign_in.LookupAccountRefused) as caught:
            users.login(services, DANA.uid, DANA.password)
    finally:
        keyring.set_keyring(before)
    assert directory_sign_in.LOOKUP_PASSWORD_ENV in str(caught.value)


def test_reauthenticating_a_directory_session_asks_the_directory(services, world, configure, directory):
    configure()
    dana = users.login(services, DANA.uid, DANA.password)
    directory.set_password(DANA.dn, "dana changed her password at the force")
    with pytest.raises(AuthenticationFailed):
        users.reauthenticate(services, dana, DANA.password)
    assert users.reauthenticate(services, dana, "dana changed her password at the force").user_id == dana.user_id


def test_groups_searched_by_member_where_the_directory_keeps_no_memberof(services, world, configure, directory,
                                                                           clock):
    configure(group_attribute="", group_filter="(&(objectClass=groupOfNames)(member={dn}))",
              supervisor_group=group_dn("rso-supervisors"))  # by DN this time
    sid = users.login(services, SID.uid, SID.password)
    assert (sid.role, sid.trained, sid.team_id) == (Role.SUPERVISOR, True, world.team_id)
    directory.remove_member("rso-supervisors", SID.dn)
    clock.advance(minutes=5)
    with pytest.raises(AccountChanged):
        _act(services, sid)
    assert _account(services, SID.uid).role == Role.OFFENDER_MANAGER.value
