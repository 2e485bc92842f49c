from datetime import timedelta

import pytest
from sqlalchemy import select

from rso_manager.domain.roles import Role
from rso_manager.persistence.models import AuditEvent
from rso_manager.services import users
from rso_manager.services.errors import AuthenticationFailed, PermissionDenied, ValidationFailed
from tests.conftest import PASSWORD


def test_login_locks_after_five_failures_and_opens_after_thirty_minutes(services, world, clock):
    for _ in range(5):
        with pytest.raises(AuthenticationFailed):
            users.login(services, "om", "wrong password entirely here")
    with pytest.raises(AuthenticationFailed, match="locked"):
        users.login(services, "om", PASSWORD)  # the right password, refused while locked
    clock.advance(minutes=29)
    with pytest.raises(AuthenticationFailed, match="locked"):
        users.login(services, "om", PASSWORD)
    clock.advance(minutes=2)
    assert users.login(services, "om", PASSWORD).username == "om"


def test_logins_are_audited_without_the_password(services, world):
    with pytest.raises(AuthenticationFailed):
        users.login(services, "om", "not the password at all")
    users.login(services, "om", PASSWORD)
    with services.session_factory() as s:
        rows = s.scalars(select(AuditEvent).where(AuditEvent.action == "login")).all()
    assert [r.outcome for r in rows] == ["failed", "ok"]
    assert all("not the password" not in (r.details_json or "") for r in rows)


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


@pytest.mark.parametrize("password, problem", [
    ("password", "15 characters"),
    ("correcthorsebatterystaple", "common or breached"),
    ("my name is om and this is long", "username"),
])
def test_password_policy_names_the_problem(services, world, password, problem):
    with pytest.raises(ValidationFailed) as err:
        users.create_user(services, world.admin, username="om", display_name="X", password=password,
                          role=Role.OFFENDER_MANAGER, team_id=None, trained=True)
    assert problem in str(err.value)


def test_only_the_administrator_manages_accounts(services, world):
    with pytest.raises(PermissionDenied):
        users.create_user(services, world.supervisor, username="x", display_name="X",
                          password="a passphrase that is long enough", role=Role.SUPERVISOR,
                          team_id=None, trained=True)


def test_admin_unlock_is_audited_with_a_reason(services, world, clock):
    for _ in range(5):
        with pytest.raises(AuthenticationFailed):
            users.login(services, "om", "wrong password entirely here")
    info = next(u for u in users.list_users(services, world.admin) if u.username == "om")
    assert info.locked_until == clock.now() + timedelta(minutes=30)
    users.change_user(services, world.admin, info.id, info.version_id, unlock=True,
                      reason="officer confirmed identity by phone")
    assert users.login(services, "om", PASSWORD)
