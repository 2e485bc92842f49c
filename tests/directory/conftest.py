"""A real OpenLDAP server for the run (tests/ldap_server.py) and databases configured to sign in
through it. Missing slapd skips loudly, except under CI=true, where it fails (as PostgreSQL)."""

from __future__ import annotations

import os
import socket

import pytest
from keyring.backend import KeyringBackend

from rso_manager.services import directory_sign_in
from tests import ldap_server
from tests.ldap_server import GROUPS, LOOKUP_DN, LOOKUP_PASSWORD, PEOPLE

CONFIG_REASON = "The force's directory replaces local passwords for OMU staff"


@pytest.fixture(scope="session")
def ldap():
    reason = ldap_server.unavailable_reason()
    if reason:
        if os.environ.get("CI") == "true":
            pytest.fail(f"Directory sign-in tests cannot run under CI: {reason}", pytrace=False)
        pytest.skip(f"!!! Directory sign-in tests SKIPPED: {reason}. Install slapd and ldap-utils "
                    "to run them. !!!")
    server = ldap_server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def directory(ldap, monkeypatch):
    """The standard people and groups, as each test starts."""
    ldap.reset()
    monkeypatch.setenv(directory_sign_in.LOOKUP_PASSWORD_ENV, LOOKUP_PASSWORD)
    return ldap


def settings_for(url: str, **overrides) -> dict:
    return {
        "enabled": True, "servers": url, "base_dn": PEOPLE, "user_filter": "(uid={username})",
        "lookup_dn": LOOKUP_DN, "group_attribute": "memberOf", "group_base_dn": GROUPS,
        "offender_manager_group": "rso-offender-managers", "supervisor_group": "rso-supervisors",
        "omu_lead_group": "rso-omu-leads", "administrator_group": "rso-administrators",
        "trained_group": "rso-trained", "team_groups": "North=rso-team-north",
        "timeout_seconds": 1, "recheck_minutes": 5, **overrides,
    }


@pytest.fixture
def configure(services, world, directory):
    """Set the database's directory settings as its administrator would; returns the values."""
    def configure(**overrides):
        values = settings_for(directory.url, **overrides)
        directory_sign_in.configure(services, world.admin, values, reason=CONFIG_REASON)
        return values
    return configure


class MemoryKeyring(KeyringBackend):
    """A credential store in this process: the OS's own would outlive the test (and on a
    build machine there is none)."""

    priority = 1

    def __init__(self) -> None:
        super().__init__()
        self.stored: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.stored.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.stored[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.stored.pop((service, username), None)


@pytest.fixture
def memory_keyring(monkeypatch):
    """This computer's keyring, empty, with no RSO_DIRECTORY_LOOKUP_PASSWORD beside it."""
    import keyring

    monkeypatch.delenv(directory_sign_in.LOOKUP_PASSWORD_ENV, raising=False)
    store = MemoryKeyring()
    before = keyring.get_keyring()
    keyring.set_keyring(store)
    try:
        yield store
    finally:
        keyring.set_keyring(before)


@pytest.fixture
def no_keyring(monkeypatch):
    """A computer with no credential store at all."""
    import keyring
    from keyring.backends.fail import Keyring as NoKeyring

    monkeypatch.delenv(directory_sign_in.LOOKUP_PASSWORD_ENV, raising=False)
    before = keyring.get_keyring()
    keyring.set_keyring(NoKeyring())
    try:
        yield
    finally:
        keyring.set_keyring(before)


@pytest.fixture
def silent_port():
    """An address that accepts connections and never answers: a hung directory server."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen(8)
        yield f"ldap://127.0.0.1:{s.getsockname()[1]}"
