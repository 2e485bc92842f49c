"""Signing in through the force's directory (issue 17 part 2): LDAP as Active Directory speaks it.

The person's password is checked by the directory alone, by a simple bind as them over TLS
(ldaps:// or StartTLS), and is never stored or logged; their account here is made or brought up
to date from their directory groups (domain/directory_mapping.py): role, trained mark, team.
Finding the person and re-reading their groups is done by a read-only lookup account, whose
password is kept outside the database: RSO_DIRECTORY_LOOKUP_PASSWORD, else the OS keyring
(service "RSO Manager directory", user the lookup DN).

A directory account's groups are read again at every sign-in and, during a session, by the
account check every unit of work makes (UnitOfWork.current_actor) once the last reading is
older than the recheck interval: a person taken out of the group is refused at their next
action after it. What was read when is kept in this process only (one signed-in person a
desktop), so each desktop asks the directory for its own user.

A directory that does not answer within the timeout is said so in words. Where the
configuration allows it (fallback_to_local) an account that also has a local password signs
in with that, and a session carries on with the groups last read; otherwise it is refused.

Log lines from here name servers and error types only, never a person's name, DN or password
(log_privacy.py).
"""

from __future__ import annotations

import logging
import os
import ssl
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from rso_manager.domain import directory_mapping as dm
from rso_manager.domain import setting_definitions as sd
from rso_manager.domain.roles import Permission
from rso_manager.persistence.models import Team, User
from rso_manager.services import passwords, settings
from rso_manager.services.errors import (
    AccountChanged,
    AuthenticationFailed,
    FieldProblem,
    ServiceError,
    ValidationFailed,
    reason_problem,
)
from rso_manager.services.setting_changes import change_settings
from rso_manager.services.unit_of_work import SYSTEM, Actor, Services, UnitOfWork, unit_of_work

log = logging.getLogger(__name__)

SETTING = "directory"
LOOKUP_PASSWORD_ENV = "RSO_DIRECTORY_LOOKUP_PASSWORD"
KEYRING_SERVICE = "RSO Manager directory"
# What a directory account holds in place of a password hash: never a valid Argon2 hash, so no
# local password can match it.
NO_LOCAL_PASSWORD = "!directory: signs in through the force's directory"
MAX_DISPLAY_NAME_LENGTH = 120

NOT_IN_A_GROUP = (
    "Your directory account is not in any RSO Manager group, so it cannot sign in here. Ask your "
    "supervisor to have you added to the group for your role.")
REMOVED = (
    "Your directory account is no longer in an RSO Manager group (or has been switched off), so "
    "this session has ended. Ask your supervisor if you still need access.")
CHANGED = (
    "Your directory groups changed since you signed in (role, team or ViSOR/MOSOVO training). "
    "Sign in again to carry on with the access you have now.")
SWITCHED_OFF = ("Directory sign-in has been switched off for this database, so directory accounts "
                "cannot be checked. Ask your administrator.")


class DirectoryUnavailable(AuthenticationFailed):
    """No directory server answered (or none could be reached safely): said in words."""

    def __init__(self, servers: tuple[str, ...], timeout: int, *, fallback: bool = False):
        self.servers = servers
        tried = ", ".join(servers)
        then = (" You can sign in with your local password if your account has one." if fallback
                else " Try again in a few minutes; if it goes on, tell your IT service desk.")
        super().__init__(f"The directory server did not answer (tried {tried}, waiting {timeout} "
                         f"seconds for each).{then}")


class LookupAccountRefused(AuthenticationFailed):
    """The lookup account could not sign in to the directory: a configuration problem."""


@dataclass(frozen=True)
class DirectoryPerson:
    dn: str
    display_name: str
    groups: tuple[str, ...]
    disabled: bool


@dataclass(frozen=True)
class DirectoryAnswer:
    """What the directory made of a sign-in, for users._sign_in. PASSWORD_OK False with no
    FAILURE: refused as a wrong local password is (the caller counts it and audits it)."""

    user: User | None
    password_ok: bool
    failure: ServiceError | None = None
    how: str = "directory"
    local_password_checked: bool = False


# --- configuration -------------------------------------------------------------------------------


def stored_values(session: Session) -> dict[str, Any]:
    """The directory settings as saved, over the defaults (a row holds only what was changed)."""
    try:
        raw = settings.get(session, SETTING)
    except KeyError:
        raw = {}
    return {**dm.DEFAULTS, **(raw if isinstance(raw, dict) else {})}


def configuration(session: Session) -> dm.DirectoryConfig | None:
    """The configuration sign-in uses now, or None when directory sign-in is off."""
    return dm.configuration(stored_values(session))


def _problems(values: Mapping[str, Any]) -> list[FieldProblem]:
    """Named as the settings dialog names its fields ("directory.servers")."""
    return [FieldProblem(sd.DIRECTORY_PREFIX + field, message)
            for field, message in dm.configuration_problems(values)]


def configure(services: Services, actor: Actor, changes: Mapping[str, Any], *, reason: str) -> dict[str, Any]:
    """Change the directory settings named in CHANGES (keys of directory_mapping.DEFAULTS), for a
    script or a test: the settings dialog's one writer (setting_changes.change_settings) under
    their setting keys, so the whole configuration is checked as it will be, by the
    administrator only, one audit row a value changed. Returns the directory settings as saved;
    a problem is named by its setting key ("directory.servers")."""
    change_settings(services, actor, {sd.DIRECTORY_PREFIX + k: v for k, v in changes.items()}, reason)
    with services.session_factory() as s:
        return stored_values(s)


def lookup_password(config: dm.DirectoryConfig) -> str | None:
    """The lookup account's password on this computer; None for anonymous look-ups."""
    if not config.lookup_dn:
        return None
    from_env = os.environ.get(LOOKUP_PASSWORD_ENV)
    if from_env:
        return from_env
    try:
        import keyring
        stored = keyring.get_password(KEYRING_SERVICE, config.lookup_dn)
    except Exception as exc:  # no usable keyring here: said below, in words
        log.info("no keyring for the directory lookup password: %s", type(exc).__name__)
        stored = None
    if not stored:
        raise LookupAccountRefused(
            f"The directory lookup account's password is not set on this computer: set "
            f"{LOOKUP_PASSWORD_ENV} or store it in the keyring (service \"{KEYRING_SERVICE}\", user the "
            "lookup account's DN). Ask your administrator.")
    return str(stored)


LOOKUP_DN_FIRST = ("Enter the lookup account's DN first, e.g. CN=RSO Lookup,OU=Service Accounts,"
                   "DC=force,DC=example.")


class NoKeyringHere(ServiceError):
    """This computer has no credential store the lookup password can be kept in."""


# What people call the stores keyring writes to, by backend module (keyring.backends.*).
_STORE_NAMES = {"Windows": "Windows Credential Manager", "macOS": "macOS Keychain",
                "SecretService": "desktop keyring (Secret Service)", "kwallet": "KDE Wallet"}


def _store_name(backend: Any) -> str:
    module = type(backend).__module__.rsplit(".", 1)[-1]
    return _STORE_NAMES.get(module) or f"keyring ({getattr(backend, 'name', type(backend).__name__)})"


def store_lookup_password(services: Services, actor: Actor, lookup_dn: str, password: str) -> str:
    """Keep the lookup account's PASSWORD in this computer's OS keyring (service KEYRING_SERVICE,
    user LOOKUP_DN, the DN as on screen, saved or not), never in the database; returns where it
    went, in words. Administrators only; audited without the password. The keyring is written
    last, inside the unit of work, so a refusal there leaves no audit row of a password kept."""
    dn = lookup_dn.strip()
    problems = []
    if not dn or "=" not in dn:
        problems.append(FieldProblem(sd.DIRECTORY_PREFIX + "lookup_dn", LOOKUP_DN_FIRST))
    if not password:
        problems.append(FieldProblem("lookup_password", "Enter the lookup account's password."))
    if problems:
        raise ValidationFailed(problems)
    import keyring
    import keyring.errors
    with unit_of_work(services, actor) as uow:
        uow.authorise(Permission.MANAGE_USERS)
        backend = keyring.get_keyring()
        where = _store_name(backend)
        uow.audit("setting.change", entity="setting", reason="Directory lookup account's password kept on "
                                                            "this computer",
                  details={"key": "directory.lookup_password", "lookup_dn": dn, "kept_in": where})
        try:
            keyring.set_password(KEYRING_SERVICE, dn, password)
        except keyring.errors.NoKeyringError as exc:
            raise NoKeyringHere(
                "This computer has no credential store (keyring) RSO Manager can use, so the password was "
                f"not kept. Ask IT to set the environment variable {LOOKUP_PASSWORD_ENV} to the lookup "
                "account's password for RSO Manager on each computer staff sign in from.") from exc
        except (keyring.errors.KeyringError, OSError, RuntimeError) as exc:
            log.warning("the keyring refused the directory lookup password: %s", type(exc).__name__)
            raise NoKeyringHere(
                f"The {where} refused the password ({type(exc).__name__}), so it was not kept. Try again, or "
                f"ask IT to set the environment variable {LOOKUP_PASSWORD_ENV} instead.") from exc
    then = (f" {LOOKUP_PASSWORD_ENV} is set on this computer, and it is used instead while it is."
            if os.environ.get(LOOKUP_PASSWORD_ENV) else "")
    return (f"The lookup account's password is kept in this computer's {where} (entry \"{KEYRING_SERVICE}\", "
            f"user {dn}), for the account you are signed in to this computer with, and not in the database. "
            f"Each computer staff sign in from needs it too: set it there in the same way, or ask IT to set "
            f"{LOOKUP_PASSWORD_ENV}.{then} Test connection checks it.")


# --- talking to the directory --------------------------------------------------------------------


def _server(config: dm.DirectoryConfig, url: str) -> Any:
    import ldap3
    tls = ldap3.Tls(validate=ssl.CERT_REQUIRED, ca_certs_file=config.ca_file or None)
    return ldap3.Server(url, connect_timeout=config.timeout_seconds, get_info=ldap3.NONE, tls=tls)


def _bind(config: dm.DirectoryConfig, who: str | None, password: str | None) -> Any | None:
    """A connection bound as WHO (None: anonymous), on the first server that answers; None when
    the directory refused the credentials. DirectoryUnavailable when no server answered."""
    import ldap3
    from ldap3.core.exceptions import LDAPCommunicationError, LDAPException, LDAPStartTLSError

    for url in config.servers:
        conn = ldap3.Connection(_server(config, url), user=who, password=password, read_only=True,
                                receive_timeout=config.timeout_seconds, raise_exceptions=False,
                                auto_referrals=False)
        try:
            conn.open()
            if config.start_tls and not url.lower().startswith("ldaps"):
                conn.start_tls()
            if conn.bind():
                return conn
        except (LDAPCommunicationError, LDAPStartTLSError, ssl.SSLError, OSError) as exc:
            log.warning("directory server %s did not answer: %s", url, type(exc).__name__)
            conn.unbind()
            continue
        except LDAPException as exc:
            log.warning("directory server %s failed: %s", url, type(exc).__name__)
            conn.unbind()
            continue
        conn.unbind()
        if conn.result and conn.result.get("result") == 49:  # invalidCredentials
            return None
        log.warning("directory server %s refused the bind: %s", url,
                    (conn.result or {}).get("description"))
        return None
    raise DirectoryUnavailable(config.servers, config.timeout_seconds, fallback=config.fallback_to_local)


def _lookup_connection(config: dm.DirectoryConfig) -> Any:
    password = lookup_password(config)
    conn = _bind(config, config.lookup_dn or None, password)
    if conn is None:
        raise LookupAccountRefused("The directory refused the lookup account: check its DN and password "
                                   "(ask your administrator).")
    return conn


def _first(entry: Mapping[str, Any], name: str) -> Any:
    value = entry.get(name)
    if isinstance(value, list):
        return value[0] if value else None
    return value


def _attributes(config: dm.DirectoryConfig) -> list[str]:
    wanted = ["displayName", "cn", "userAccountControl"]
    return wanted + ([config.group_attribute] if config.group_attribute else [])


def _person(conn: Any, config: dm.DirectoryConfig, dn: str, attrs: Mapping[str, Any]) -> DirectoryPerson:
    from ldap3.utils.conv import escape_filter_chars
    if config.group_attribute:
        raw = attrs.get(config.group_attribute) or []
        groups = tuple(raw if isinstance(raw, list) else [raw])
    else:
        conn.search(config.group_base_dn, config.group_filter.replace("{dn}", escape_filter_chars(dn)),
                    attributes=[], size_limit=1000)
        groups = tuple(r["dn"] for r in conn.response or () if r.get("type") == "searchResEntry")
    name = str(_first(attrs, "displayName") or _first(attrs, "cn") or "").strip()
    return DirectoryPerson(dn, name[:MAX_DISPLAY_NAME_LENGTH], groups,
                           dm.account_disabled(_first(attrs, "userAccountControl")))


def _entries(conn: Any) -> list[tuple[str, Mapping[str, Any]]]:
    return [(r["dn"], r["attributes"]) for r in conn.response or () if r.get("type") == "searchResEntry"]


def _checked_search(conn: Any, config: dm.DirectoryConfig, *args: Any, **kwargs: Any) -> list[tuple[str, Mapping[str, Any]]]:
    from ldap3.core.exceptions import LDAPCommunicationError
    try:
        conn.search(*args, **kwargs)
    except LDAPCommunicationError as exc:
        log.warning("directory search did not answer: %s", type(exc).__name__)
        raise DirectoryUnavailable(config.servers, config.timeout_seconds,
                                   fallback=config.fallback_to_local) from exc
    return _entries(conn)


def authenticate(config: dm.DirectoryConfig, username: str, password: str) -> DirectoryPerson | None:
    """The person USERNAME is, if PASSWORD is theirs; None when the directory does not know them,
    knows them twice, or refuses the password."""
    from ldap3.utils.conv import escape_filter_chars
    if not password:
        return None  # an empty simple bind is an anonymous one, which most servers accept
    conn = _lookup_connection(config)
    try:
        found = _checked_search(conn, config, config.base_dn,
                                config.user_filter.replace("{username}", escape_filter_chars(username)),
                                attributes=_attributes(config), size_limit=2)
        if len(found) != 1:
            return None
        dn, attrs = found[0]
        person_conn = _bind(config, dn, password)
        if person_conn is None:
            return None
        person_conn.unbind()
        return _person(conn, config, dn, attrs)
    finally:
        conn.unbind()


def lookup(config: dm.DirectoryConfig, dn: str) -> DirectoryPerson | None:
    """The person at DN as the directory holds them now; None when they are gone."""
    import ldap3
    conn = _lookup_connection(config)
    try:
        found = _checked_search(conn, config, dn, "(objectClass=*)", search_scope=ldap3.BASE,
                                attributes=_attributes(config))
        return _person(conn, config, *found[0]) if found else None
    finally:
        conn.unbind()


# --- the local account, kept to the directory ----------------------------------------------------


# When each directory account was last found in its groups, per database (session factory).
_next_check: WeakKeyDictionary[Any, dict[int, datetime]] = WeakKeyDictionary()


def _mark_checked(services: Services, user_id: int, now: datetime, config: dm.DirectoryConfig) -> None:
    _next_check.setdefault(services.session_factory, {})[user_id] = now + timedelta(minutes=config.recheck_minutes)


def _forget(services: Services, user_id: int) -> None:
    _next_check.get(services.session_factory, {}).pop(user_id, None)


def has_local_password(user: User) -> bool:
    return user.password_hash.startswith("$argon2")


def _team_id(session: Session, membership: dm.Membership) -> int | None:
    if membership.team_name is None:
        return None
    return session.scalar(select(Team.id).where(func.lower(Team.name) == membership.team_name.lower()))


def _state(user: User) -> dict[str, Any]:
    return {"role": user.role, "team_id": user.team_id, "trained": user.trained}


def _apply(session: Session, user: User, membership: dm.Membership) -> dict[str, Any]:
    """Bring USER's role, trained mark and team to what the directory says; what changed."""
    assert membership.role is not None
    before = _state(user)
    user.role = membership.role.value
    if membership.trained is not None:
        user.trained = membership.trained
    team_id = _team_id(session, membership)
    if team_id is not None:
        user.team_id = team_id
    return {k: v for k, v in _state(user).items() if before[k] != v}


def _groups_detail(membership: dm.Membership) -> dict[str, Any]:
    return {"source": "directory", "also_in_groups_of": [r.value for r in membership.other_roles]}


def sign_in(uow: UnitOfWork, config: dm.DirectoryConfig, username: str, password: str,
            user: User | None) -> DirectoryAnswer:
    """Check USERNAME's PASSWORD with the directory and make or update their account here. USER is
    their account if they have one (a directory account, open and not locked)."""
    now = uow.now
    try:
        person = authenticate(config, username, password)
    except DirectoryUnavailable as exc:
        if config.fallback_to_local and user is not None and has_local_password(user):
            return DirectoryAnswer(user, passwords.verify_password(user.password_hash, password),
                                   how="local password (the directory did not answer)",
                                   local_password_checked=True)
        uow.audit("login", entity="user" if user else None, entity_id=user.id if user else None,
                  outcome="failed", details={"why": "directory did not answer",
                                             **({} if user else {"username": username})})
        return DirectoryAnswer(user, False, exc)
    except LookupAccountRefused as exc:
        uow.audit("login", entity="user" if user else None, entity_id=user.id if user else None,
                  outcome="failed", details={"why": "directory lookup account refused"})
        return DirectoryAnswer(user, False, exc)
    if person is None or person.disabled:
        return DirectoryAnswer(user, False)
    if user is not None and user.directory_dn and dm.normalise_dn(user.directory_dn) != dm.normalise_dn(person.dn):
        # The sign-in name now belongs to another directory entry (a reused name): not this account.
        return DirectoryAnswer(user, False)
    membership = dm.membership(config, person.groups)
    if membership.role is None:
        uow.audit("login", entity="user" if user else None, entity_id=user.id if user else None,
                  outcome="failed", details={"why": "in no RSO Manager group",
                                             **({} if user else {"username": username})})
        return DirectoryAnswer(user, False, AuthenticationFailed(NOT_IN_A_GROUP))
    if user is None:
        user = uow.stamp_created(User(
            username=username, display_name=person.display_name or username, role=membership.role.value,
            team_id=_team_id(uow.session, membership), trained=bool(membership.trained), active=True,
            password_hash=NO_LOCAL_PASSWORD, failed_logins=0, auth_source="directory",
            directory_dn=person.dn))
        uow.session.add(user)
        uow.session.flush()
        uow.audit("user.create", entity="user", entity_id=user.id,
                  details={"username": username, "role": user.role, "trained": user.trained,
                           "team_id": user.team_id, **_groups_detail(membership)})
    else:
        before = _state(user)
        changed = _apply(uow.session, user, membership)
        user.directory_dn = person.dn
        if person.display_name:
            user.display_name = person.display_name
        if changed:
            uow.stamp_updated(user)
            uow.audit("user.change", entity="user", entity_id=user.id, reason="Directory groups at sign-in",
                      details={"before": {k: before[k] for k in changed}, "after": changed,
                               **_groups_detail(membership)})
    _mark_checked(uow.services, user.id, now, config)
    return DirectoryAnswer(user, True)


def recheck_membership(uow: UnitOfWork, user: User) -> None:
    """Called by UnitOfWork.current_actor for a directory account: once the groups were last read
    longer ago than the recheck interval, read them again. Raises AccountChanged when the person
    is gone from the directory or its groups, or their groups now give other powers (the account
    is brought up to date first, audited, so their next sign-in starts from it)."""
    services = uow.services
    due = _next_check.get(services.session_factory, {}).get(user.id)
    if due is not None and uow.now < due:
        return
    config = configuration(uow.session)
    if config is None:
        raise AccountChanged(SWITCHED_OFF)
    if not user.directory_dn:
        raise AccountChanged(REMOVED)
    try:
        person = lookup(config, user.directory_dn)
    except (DirectoryUnavailable, LookupAccountRefused) as exc:
        if config.fallback_to_local:
            _mark_checked(services, user.id, uow.now, config)  # carry on with the groups last read
            return
        raise AccountChanged(str(exc)) from exc
    membership = dm.membership(config, person.groups) if person and not person.disabled else None
    if membership is None or membership.role is None:
        _forget(services, user.id)
        raise AccountChanged(REMOVED)
    with unit_of_work(services, SYSTEM) as sync:
        account = sync.session.get(User, user.id)
        assert account is not None
        before = _state(account)
        changed = _apply(sync.session, account, membership)
        if changed:
            sync.stamp_updated(account)
            sync.audit("user.change", entity="user", entity_id=account.id,
                       reason="Directory groups changed during a session",
                       details={"before": {k: before[k] for k in changed}, "after": changed,
                                **_groups_detail(membership)})
    if changed:
        _forget(services, user.id)
        raise AccountChanged(CHANGED)
    _mark_checked(services, user.id, uow.now, config)


def link_account(services: Services, actor: Actor, user_id: int, version_id: int, *, reason: str,
                 keep_local_password: bool) -> None:
    """Make an existing local account a directory account: from its next sign-in its password is
    the directory's and its role, training and team its groups'. KEEP_LOCAL_PASSWORD keeps its
    local password for when the directory does not answer (fallback_to_local); otherwise it can
    no longer sign in without the directory."""
    problem = reason_problem("reason", reason, "Say why this account now signs in through the directory.")
    if problem:
        raise ValidationFailed(problem)
    with unit_of_work(services, actor) as uow:
        uow.authorise(Permission.MANAGE_USERS)
        user = uow.load(User, user_id, version_id, permission=None)
        if user.auth_source == "directory":
            raise ValidationFailed(FieldProblem("auth_source", "This account signs in through the directory already."))
        user.auth_source = "directory"
        if not keep_local_password:
            user.password_hash = NO_LOCAL_PASSWORD
        uow.stamp_updated(user)
        uow.audit("user.change", entity="user", entity_id=user.id, reason=reason.strip(),
                  details={"before": {"auth_source": "local"}, "after": {"auth_source": "directory"},
                           "local_password_kept": keep_local_password})


@dataclass(frozen=True)
class AccountsSignIn:
    """How each account signs in, for the accounts page."""

    directory_on: bool                  # directory sign-in is switched on and usable
    by_user: Mapping[int, dm.SignIn]


def accounts_sign_in(services: Services, actor: Actor) -> AccountsSignIn:
    """Each account's sign-in (its password itself never leaves the database)."""
    with unit_of_work(services, actor) as uow:
        uow.authorise(Permission.MANAGE_USERS)
        rows = uow.session.execute(select(User.id, User.auth_source,
                                          User.password_hash.startswith("$argon2", autoescape=True)))
        return AccountsSignIn(configuration(uow.session) is not None,
                              {uid: dm.SignIn(source == "directory", bool(local)) for uid, source, local in rows})


# --- the administrator's "Test connection" button -------------------------------------------------------


@dataclass(frozen=True)
class ConnectionReport:
    ok: bool
    lines: tuple[str, ...]  # what was tried and what came of it, in order, in words

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


def try_connection(services: Services, actor: Actor, values: Mapping[str, Any] | None = None) -> ConnectionReport:
    """Try VALUES (the directory settings as the administrator has them on screen; None: as saved)
    without saving them: each server, the lookup account, where people are found, and each
    group named. Reads no person's entry."""
    import ldap3
    with unit_of_work(services, actor) as uow:
        uow.authorise(Permission.MANAGE_USERS)
        whole = {**stored_values(uow.session), **(values or {})}
    problems = _problems({**whole, "enabled": True})
    if problems:
        raise ValidationFailed(problems)
    config = dm.configuration({**whole, "enabled": True})
    assert config is not None
    lines: list[str] = []
    answered = False
    for url in config.servers:
        single = dm.DirectoryConfig(**{**config.__dict__, "servers": (url,)})
        started = time.monotonic()
        try:
            conn = _bind(single, None, None)
        except DirectoryUnavailable:
            lines.append(f"{url}: did not answer within {config.timeout_seconds} seconds.")
            continue
        ms = int((time.monotonic() - started) * 1000)
        answered = True
        lines.append(f"{url}: answered in {ms} ms" + (" (StartTLS)." if config.start_tls and
                                                       url.lower().startswith("ldap:") else "."))
        if conn is not None:
            conn.unbind()
    if not answered:
        return ConnectionReport(False, tuple(lines + ["No server answered: check the addresses, the "
                                                      "network and the firewall."]))
    try:
        conn = _lookup_connection(config)
    except (LookupAccountRefused, DirectoryUnavailable) as exc:
        return ConnectionReport(False, tuple(lines + [str(exc)]))
    ok = True
    try:
        lines.append("The lookup account signed in." if config.lookup_dn else "Anonymous look-ups are allowed.")
        base = _checked_search(conn, config, config.base_dn, "(objectClass=*)", search_scope=ldap3.BASE,
                               attributes=[])
        if base:
            lines.append(f"Where people are found ({config.base_dn}): found.")
        else:
            ok = False
            lines.append(f"Where people are found ({config.base_dn}): not found; check the base DN.")
        named = [(role.label, group) for role, group in config.role_groups]
        if config.trained_group:
            named.append(("ViSOR/MOSOVO trained", config.trained_group))
        named += [(f"Team {team}", group) for team, group in config.team_groups]
        for label, group in named:
            found = _group_exists(conn, config, group)
            ok = ok and found
            lines.append(f"{label} group ({group}): {'found' if found else 'not found; check its name'}.")
    except DirectoryUnavailable as exc:
        return ConnectionReport(False, tuple(lines + [str(exc)]))
    finally:
        conn.unbind()
    with services.session_factory() as s:
        teams = {name.lower() for name in s.scalars(select(Team.name))}
    for team, _group in config.team_groups:
        if team.lower() not in teams:
            ok = False
            lines.append(f"Team {team}: there is no team of that name here; create it or correct the name.")
    return ConnectionReport(ok, tuple(lines))


def _group_exists(conn: Any, config: dm.DirectoryConfig, group: str) -> bool:
    import ldap3
    from ldap3.utils.conv import escape_filter_chars
    if "=" in group:
        return bool(_checked_search(conn, config, group, "(objectClass=*)", search_scope=ldap3.BASE,
                                    attributes=[]))
    return bool(_checked_search(conn, config, config.group_base_dn, f"(cn={escape_filter_chars(group)})",
                                attributes=[], size_limit=1))

