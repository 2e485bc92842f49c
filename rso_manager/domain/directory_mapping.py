"""Directory sign-in (issue 17 part 2): what the force's directory groups make of a person here.

A directory account's role, its ViSOR/MOSOVO trained mark and (optionally) its team are read
from the groups the directory puts the person in, never set by hand: the groups are the force's
record of who does what, and a leaver taken out of them loses access here too.

A group in the configuration is named either by its full DN ("CN=RSO Supervisors,OU=Groups,
DC=force,DC=example") or by its common name alone ("RSO Supervisors"); both are compared without
regard to case or the spaces around "," and "=", as LDAP compares them. Someone in the groups
of several roles gets the first of ROLE_PRECEDENCE: administrator before OMU lead before
supervisor before offender manager before frontline briefing, so being in one more group never
takes a power away in a way the force did not mean. Someone in none gets no account.

The configuration is one setting row ("directory") of scalar values, so the settings dialog can
show each as a field. Plain LDAP sends the password in clear, so a server other than this
computer must be ldaps:// or use StartTLS. Pure: no network, no database.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from rso_manager.domain.roles import Role

ROLE_PRECEDENCE: tuple[Role, ...] = (Role.ADMINISTRATOR, Role.OMU_LEAD, Role.SUPERVISOR,
                                     Role.OFFENDER_MANAGER, Role.BRIEFING)
# The setting key of each role's group: "supervisor_group" and so on.
ROLE_GROUP_KEYS: dict[Role, str] = {role: f"{role.value}_group" for role in ROLE_PRECEDENCE}

# Active Directory's userAccountControl bit for a disabled account (MS-ADTS 2.2.16).
AD_ACCOUNT_DISABLE = 0x2

DEFAULTS: dict[str, Any] = {
    "enabled": False,
    # One or more ldaps://host[:port] addresses, separated by spaces or commas, tried in order.
    "servers": "",
    "start_tls": False,           # for ldap:// addresses: upgrade to TLS before the password goes
    "ca_file": "",                # the force's CA certificate (PEM); empty: the system's store
    "base_dn": "",
    # Active Directory's sign-in name; "(userPrincipalName={username}@force.example)" for UPNs,
    # "(uid={username})" for OpenLDAP.
    "user_filter": "(&(objectCategory=person)(sAMAccountName={username}))",
    # The read-only account that finds people and re-reads their groups (its password is kept
    # outside the database: services/directory_sign_in.py); empty: anonymous look-ups.
    "lookup_dn": "",
    "group_attribute": "memberOf",  # empty: groups are searched with group_filter instead
    "group_filter": "(&(objectClass=group)(member={dn}))",
    "group_base_dn": "",          # where groups are found; empty: where people are found
    "administrator_group": "",
    "omu_lead_group": "",
    "supervisor_group": "",
    "offender_manager_group": "",
    "briefing_group": "",
    "trained_group": "",          # empty: the trained mark stays as the administrator set it
    # "North=RSO Team North; South=RSO Team South": the team for each group; empty: teams are
    # set here by the administrator.
    "team_groups": "",
    "timeout_seconds": 5,
    "recheck_minutes": 5,
    # When the directory does not answer, an account that also has a local password may sign
    # in with it.
    "fallback_to_local": False,
}

MAX_TIMEOUT_SECONDS = 60
MAX_RECHECK_MINUTES = 60  # a leaver keeps access at most this long after leaving the group
_LOOPBACK = {"127.0.0.1", "::1", "localhost"}


@dataclass(frozen=True)
class DirectoryConfig:
    servers: tuple[str, ...]
    start_tls: bool
    ca_file: str
    base_dn: str
    user_filter: str
    lookup_dn: str
    group_attribute: str
    group_filter: str
    group_base_dn: str
    role_groups: tuple[tuple[Role, str], ...]  # in precedence order, only those configured
    trained_group: str
    team_groups: tuple[tuple[str, str], ...]   # (team name, group)
    timeout_seconds: int
    recheck_minutes: int
    fallback_to_local: bool


@dataclass(frozen=True)
class Membership:
    """What a person's groups give them here. ROLE None: no account (in no mapped group)."""

    role: Role | None
    trained: bool | None          # None: the directory does not say (no trained group set)
    team_name: str | None         # None: the directory does not say
    other_roles: tuple[Role, ...]  # roles of further groups the person is in, passed over


@dataclass(frozen=True)
class SignIn:
    """How one account signs in, in the accounts page's words."""

    directory: bool        # its password is the directory's, its role its groups'
    local_password: bool   # it has a local password (for a directory account: the fallback)

    @property
    def label(self) -> str:
        if not self.directory:
            return "Local password"
        return "Directory (local password kept)" if self.local_password else "Directory"


def normalise_dn(dn: str) -> str:
    """DN as LDAP compares it: case and the spaces around separators do not matter."""
    return re.sub(r"\s*([,=+])\s*", r"\1", dn.strip()).lower()


def _common_name(dn: str) -> str:
    first = normalise_dn(dn).split(",", 1)[0]
    return first.split("=", 1)[1] if "=" in first else first


def in_group(groups: Iterable[str], wanted: str) -> bool:
    """Whether any of GROUPS (DNs) is WANTED (a DN, or a bare common name)."""
    if not wanted.strip():
        return False
    target = normalise_dn(wanted)
    by_dn = "=" in target
    return any((normalise_dn(g) if by_dn else _common_name(g)) == target for g in groups)


def membership(config: DirectoryConfig, groups: Iterable[str]) -> Membership:
    groups = list(groups)
    roles = [role for role, group in config.role_groups if in_group(groups, group)]
    team = next((name for name, group in config.team_groups if in_group(groups, group)), None)
    return Membership(roles[0] if roles else None,
                      in_group(groups, config.trained_group) if config.trained_group else None,
                      team, tuple(roles[1:]))


def account_disabled(user_account_control: Any) -> bool:
    """An Active Directory account switched off by the force (an OpenLDAP entry has no such value)."""
    try:
        return bool(int(user_account_control) & AD_ACCOUNT_DISABLE)
    except (TypeError, ValueError):
        return False


def server_urls(text: str) -> tuple[str, ...]:
    return tuple(u for u in re.split(r"[\s,;]+", text.strip()) if u)


def _team_part(part: str) -> tuple[str, str] | None:
    """"North=RSO Team North" as (team, group); None if it is not that shape (a bare DN is not)."""
    if "=" not in part or part.strip().lower().startswith(("cn=", "ou=", "dc=")):
        return None
    team, group = (x.strip() for x in part.split("=", 1))
    return (team, group) if team and group else None


def team_groups(text: str) -> tuple[tuple[str, str], ...]:
    """"North=RSO Team North; South=RSO Team South" as (team, group) pairs."""
    return tuple(p for p in map(_team_part, re.split(r"[;\n]+", text)) if p is not None)


def _whole(values: Mapping[str, Any]) -> dict[str, Any]:
    return {**DEFAULTS, **{k: v for k, v in values.items() if k in DEFAULTS}}


def _port_ok(url: str) -> bool:
    try:
        urlsplit(url).port  # noqa: B018 (a bad port raises here)
    except ValueError:
        return False
    return True


def _number(values: Mapping[str, Any], key: str) -> int | None:
    value = values[key]
    if isinstance(value, bool):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def configuration_problems(values: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(field, how to fix it) for each thing wrong with VALUES, named by their setting keys.
    A configuration switched off may be incomplete (it is being filled in)."""
    v = _whole(values)
    problems: list[tuple[str, str]] = []
    unknown = sorted(set(values) - set(DEFAULTS))
    if unknown:
        problems.append((unknown[0], f"There is no directory setting called {unknown[0]}."))
    timeout, recheck = _number(v, "timeout_seconds"), _number(v, "recheck_minutes")
    if timeout is None or not 1 <= timeout <= MAX_TIMEOUT_SECONDS:
        problems.append(("timeout_seconds", f"Enter a whole number of seconds from 1 to {MAX_TIMEOUT_SECONDS}."))
    if recheck is None or not 1 <= recheck <= MAX_RECHECK_MINUTES:
        problems.append(("recheck_minutes", f"Enter a whole number of minutes from 1 to {MAX_RECHECK_MINUTES}: "
                                            "a leaver keeps access at most this long."))
    for key in ("servers", "ca_file", "base_dn", "user_filter", "lookup_dn", "group_attribute",
                "group_filter", "group_base_dn", "trained_group", "team_groups", *ROLE_GROUP_KEYS.values()):
        if not isinstance(v[key], str):
            problems.append((key, "Enter text."))
            v[key] = ""
    if not v["enabled"]:
        return problems
    urls = server_urls(v["servers"])
    if not urls:
        problems.append(("servers", "Enter the directory server's address, e.g. ldaps://dc1.force.example "
                                    "(several separated by spaces are tried in order)."))
    for url in urls:
        parts = urlsplit(url)
        if parts.scheme.lower() not in ("ldap", "ldaps") or not parts.hostname or not _port_ok(url):
            problems.append(("servers", f"{url} is not an LDAP address: write ldaps://host or ldaps://host:636."))
        elif (parts.scheme.lower() == "ldap" and not v["start_tls"]
              and parts.hostname.lower() not in _LOOPBACK):
            problems.append(("servers", f"{url} would send passwords unencrypted: use ldaps:// or turn on "
                                        "StartTLS."))
    if not v["base_dn"].strip() or "=" not in v["base_dn"]:
        problems.append(("base_dn", "Enter where people are found, e.g. DC=force,DC=example."))
    if v["group_base_dn"].strip() and "=" not in v["group_base_dn"]:
        problems.append(("group_base_dn", "Enter where groups are found, e.g. OU=Groups,DC=force,DC=example, "
                                          "or leave it empty to look where people are found."))
    if "{username}" not in v["user_filter"] or not v["user_filter"].strip().startswith("("):
        problems.append(("user_filter", "Enter an LDAP filter holding {username}, e.g. "
                                        "(sAMAccountName={username})."))
    if not v["group_attribute"].strip() and "{dn}" not in v["group_filter"]:
        problems.append(("group_filter", "Enter a filter holding {dn}, e.g. (member={dn}), or name "
                                         "the group attribute (memberOf)."))
    if not any(v[key].strip() for key in ROLE_GROUP_KEYS.values()):
        problems.append(("offender_manager_group", "Name the directory group of at least one role, "
                                                   "e.g. RSO Offender Managers."))
    for part in re.split(r"[;\n]+", v["team_groups"]):
        if part.strip() and _team_part(part) is None:
            problems.append(("team_groups", f"Write each team as Team name=group, separated by ';' "
                                            f"(\"{part.strip()}\" is not)."))
    return problems


def configuration(values: Mapping[str, Any]) -> DirectoryConfig | None:
    """The configuration to sign in with, or None when directory sign-in is off or VALUES are not
    a usable configuration (configuration_problems says why)."""
    v = _whole(values)
    if not v["enabled"] or configuration_problems(values):
        return None
    return DirectoryConfig(
        servers=server_urls(v["servers"]), start_tls=bool(v["start_tls"]), ca_file=v["ca_file"].strip(),
        base_dn=v["base_dn"].strip(), user_filter=v["user_filter"].strip(),
        lookup_dn=v["lookup_dn"].strip(), group_attribute=v["group_attribute"].strip(),
        group_filter=v["group_filter"].strip(),
        group_base_dn=v["group_base_dn"].strip() or v["base_dn"].strip(),
        role_groups=tuple((role, v[key].strip()) for role, key in ROLE_GROUP_KEYS.items() if v[key].strip()),
        trained_group=v["trained_group"].strip(), team_groups=team_groups(v["team_groups"]),
        timeout_seconds=int(v["timeout_seconds"]), recheck_minutes=int(v["recheck_minutes"]),
        fallback_to_local=bool(v["fallback_to_local"]),
    )
