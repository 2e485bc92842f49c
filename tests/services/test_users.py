from datetime import timedelta

import pytest
from sqlalchemy import event, select

from rso_manager.domain.roles import Role
from rso_manager.persistence.models import AuditEvent
from rso_manager.services import passwords, users
from rso_manager.services.errors import AuthenticationFailed, PermissionDenied, ValidationFailed
from tests.conftest import PASSWORD


def _login_rows(services):
    with services.session_factory() as s:
        return s.scalars(select(AuditEvent).where(AuditEvent.action == "login").order_by(AuditEvent.id)).all()


def test_login_locks_after_five_failures_and_opens_after_thirty_minutes(services, world, clock):
    for _ in range(5):
        with pytest.raises(AuthenticationFailed):
            users.login(services, "om", "wrong password entirely here")
    with pytest.raises(AuthenticationFailed) as refused:
        users.login(services, "om", PASSWORD)  # the right password, refused while locked
    # The same words as a wrong password: the answer does not tell whether the account exists.
    assert str(refused.value) == users.SIGN_IN_FAILED
    clock.advance(minutes=29)
    with pytest.raises(AuthenticationFailed):
        users.login(services, "om", PASSWORD)
    assert [r.outcome for r in _login_rows(services)][-2:] == ["refused", "refused"]
    clock.advance(minutes=2)
    assert users.login(services, "om", PASSWORD).username == "om"


def test_logins_are_audited_without_the_password(services, world):
    with pytest.raises(AuthenticationFailed):
        users.login(services, "om", "not the password at all")
    users.login(services, "om", PASSWORD)
    rows = _login_rows(services)
    assert [r.outcome for r in rows] == ["failed", "ok"]
    assert all("not the password" not in (r.details_json or "") for r in rows)


@pytest.mark.parametrize("username", ["om", "nobody.here", "OM ", "a password typed here!", "x" * 5_000_000])
def test_every_attempt_runs_exactly_one_password_verification(services, world, username):
    """Known, unknown and impossible usernames cost the same Argon2 check: no enumeration by time."""
    before = passwords.verification_count()
    with pytest.raises(AuthenticationFailed) as refused:
        users.login(services, username, "wrong password entirely here")
    assert passwords.verification_count() - before == 1
    assert str(refused.value) == users.SIGN_IN_FAILED


@pytest.mark.parametrize("who", ["closed", "locked"])
def test_closed_and_locked_accounts_get_the_same_check_and_answer(services, world, who):
    info = next(u for u in users.list_users(services, world.admin) if u.username == "om")
    if who == "closed":
        users.change_user(services, world.admin, info.id, info.version_id, active=False,
                          reason="officer has left the unit")
    else:
        for _ in range(5):
            with pytest.raises(AuthenticationFailed):
                users.login(services, "om", "wrong password entirely here")
    before = passwords.verification_count()
    with pytest.raises(AuthenticationFailed) as refused:
        users.login(services, "om", PASSWORD)
    assert passwords.verification_count() - before == 1
    assert str(refused.value) == users.SIGN_IN_FAILED


def test_what_the_audit_keeps_of_a_failed_username_is_never_free_text(services, world, db_url):
    huge = "my secret passphrase " * 250_000  # ~5 MB typed into the username box
    engine = services.session_factory.kw["bind"]
    statements = []

    def seen(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", seen)
    try:
        for typed in (huge, "Correct Horse Battery", "  Nobody.Here  ", "y" * 61):
            with pytest.raises(AuthenticationFailed):
                users.login(services, typed, "wrong password entirely here")
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    # Only the well-formed name was looked up; the others touched only the audit trail.
    assert sum("app_user" in s for s in statements) == 1
    rows = _login_rows(services)
    details = [r.details_json for r in rows]
    assert '"username": "<not a username>"' in details[0] and f'"length": {len(huge)}' in details[0]
    assert '"username": "<not a username>"' in details[1]
    assert '"username": "nobody.here"' in details[2]
    assert '"username": "<not a username>"' in details[3]
    assert all(len(d) < 200 for d in details)
    assert not any("secret" in d or "orse" in d for d in details)


@pytest.mark.parametrize("password, problem", [
    ("password", "15 characters"),
    ("Password123456789", "commonly used password"),
    ("Summer2026Summer2026", "easy to guess"),
    ("my name is om and this is long", "username"),
    ("police rso manager offender", "words about you or the unit"),
    ("olly manager north police", "words about you or the unit"),
    ("x" * 257, "at most 256"),
])
def test_password_policy_names_the_problem(services, world, password, problem):
    with pytest.raises(ValidationFailed) as err:
        users.create_user(services, world.admin, username="om", display_name="Olly Manager", password=password,
                          role=Role.OFFENDER_MANAGER, team_id=None, trained=True)
    assert problem in err.value.for_field("password")


@pytest.mark.parametrize("password", [PASSWORD, "a passphrase that is long enough",
                                      "demo password for training only"])
def test_passphrases_are_accepted(password):
    assert passwords.password_problems(password, "om.new", ["Nova Newcomer", "North", "South"]) == []


@pytest.mark.parametrize("username", ["bad name!", "x" * 61, "", ".dot.first", "ünïcode"])
def test_usernames_follow_the_pattern_and_length(services, world, username):
    with pytest.raises(ValidationFailed) as err:
        users.create_user(services, world.admin, username=username, display_name="X Y",
                          password="a passphrase that is long enough", role=Role.SUPERVISOR,
                          team_id=None, trained=True)
    assert "letters and digits" in err.value.for_field("username")


def test_usernames_are_stored_normalised(services, world):
    info = users.create_user(services, world.admin, username="  J.Smith-Jones ", display_name="Jo Smith",
                             password="a passphrase that is long enough", role=Role.SUPERVISOR,
                             team_id=world.team_id, trained=True)
    assert info.username == "j.smith-jones"
    assert users.login(services, "J.SMITH-JONES", "a passphrase that is long enough").user_id == info.id


def test_first_admin_only_on_an_empty_database(empty_sqlite_url, clock):
    from rso_manager.database import open_database

    engine, svc = open_database(empty_sqlite_url, clock)
    assert users.needs_first_admin(svc)
    with pytest.raises(ValidationFailed) as err:
        users.create_first_admin(svc, "admin", "Ada Admin", "short")
    assert "15 characters" in err.value.for_field("password")
    users.create_first_admin(svc, "admin", "Ada Admin", "a passphrase that is long enough")
    assert not users.needs_first_admin(svc)
    with pytest.raises(ValidationFailed, match="already has accounts"):
        users.create_first_admin(svc, "admin2", "Other", "a passphrase that is long enough")
    engine.dispose()


def test_only_the_administrator_manages_accounts(services, world):
    with pytest.raises(PermissionDenied):
        users.create_user(services, world.supervisor, username="x", display_name="X",
                          password="a passphrase that is long enough", role=Role.SUPERVISOR,
                          team_id=None, trained=True)


def test_an_administrator_cannot_change_their_own_role_or_close_their_own_account(services, world):
    me = next(u for u in users.list_users(services, world.admin) if u.username == "admin")
    for change in ({"role": Role.OMU_LEAD}, {"active": False}, {"trained": False}):
        with pytest.raises(PermissionDenied, match="your own"):
            users.change_user(services, world.admin, me.id, me.version_id,
                              reason="I would like to read the caseload", **change)
    with services.session_factory() as s:
        assert s.scalar(select(AuditEvent.id).where(AuditEvent.action == "user.change")) is None
    # Saving their own account unchanged (the dialog sends every field) is not refused.
    users.change_user(services, world.admin, me.id, me.version_id, role=Role.ADMINISTRATOR, active=True,
                      trained=True, reason="no change, checking the dialog")
    other = next(u for u in users.list_users(services, world.admin) if u.username == "om")
    assert users.change_user(services, world.admin, other.id, other.version_id, role=Role.SUPERVISOR,
                             reason="promoted to team supervisor").role is Role.SUPERVISOR


def test_admin_unlock_is_audited_with_a_reason(services, world, clock):
    for _ in range(5):
        with pytest.raises(AuthenticationFailed):
            users.login(services, "om", "wrong password entirely here")
    info = next(u for u in users.list_users(services, world.admin) if u.username == "om")
    assert info.locked_until == clock.now() + timedelta(minutes=30)
    users.change_user(services, world.admin, info.id, info.version_id, unlock=True,
                      reason="officer confirmed identity by phone")
    assert users.login(services, "om", PASSWORD)
