"""What an OMU's administrator may change (issue 17 part 6), and what each value may be.

One list read by the settings dialog (label, help, range, tab) and by the service that saves
(validation), so the form and the rule never disagree. A definition's KEY is what a change is
audited under; most are a setting row of their own, and a few are one number inside a row that
holds a policy as JSON ("visit_policy.interval_months.high" is interval_months.high of the row
"visit_policy"), so the rest of that policy is left as it was.

Where a number has a statutory or guidance floor or ceiling it is the range: the screen locks
after at most 30 minutes idle (CJIS 5.5.5; security.md R11 asks for 15); travel is notified
at least 7 days ahead unless details are unknown (domain.md R8).

Directory sign-in (issue 17 part 2) is one row ("directory") of scalar values, each a setting
here ("directory.servers"); a change to any of them is checked with the rest of that row as it
would be (domain/directory_mapping.py), since a half-made configuration that is switched on
would lock every directory account out. Pure: no database, no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import PurePosixPath, PureWindowsPath
from typing import Any

from rso_manager.domain import directory_mapping as dm
from rso_manager.domain.device_identifiers import crime_reference_problem
from rso_manager.domain.roles import Role
from rso_manager.domain.visit_window import RiskLevel


class SettingGroup(StrEnum):
    """The dialog's tabs, in the order they are shown."""

    VISITS = "Visits"
    THRESHOLDS = "Thresholds"
    NOTIFICATIONS = "Notifications & stations"
    SECURITY = "Security"
    BACKUPS = "Backups"
    DOCUMENTS = "Calendar & documents"
    DIRECTORY = "Directory sign-in"


class SettingKind(StrEnum):
    NUMBER = "number"       # a whole number between minimum and maximum, in UNIT
    SWITCH = "switch"       # on or off
    TEXT = "text"           # free text, up to max_length
    PATTERN = "pattern"     # a regular expression that EXAMPLE_KEY's value must match
    FOLDER = "folder"       # an absolute folder path, or empty for the default


@dataclass(frozen=True)
class SettingDefinition:
    key: str
    label: str
    help: str
    group: SettingGroup
    kind: SettingKind
    minimum: int | None = None
    maximum: int | None = None
    unit: str = ""
    max_length: int = 200
    example_key: str | None = None  # PATTERN: the setting holding an example it must match
    effect: str = ""                # when a change takes effect, where that is not at once

    @property
    def stored_as(self) -> tuple[str, ...]:
        """The setting row's key, then the path inside its JSON (empty for a row of its own)."""
        row, *path = self.key.split(".")
        return (row, *path)

    @property
    def row_key(self) -> str:
        return self.stored_as[0]

    def unit_for(self, n: Any) -> str:
        """UNIT for N of them: "1 month", "2 months", "1 working day", "1 hour ahead"."""
        if n != 1:
            return self.unit
        words = self.unit.split(" ")
        plural = next((i for i, w in enumerate(words) if w.endswith("s")), None)
        if plural is not None:
            words[plural] = words[plural][:-1]
        return " ".join(words)

    @property
    def range_text(self) -> str:
        """The range said under the field: "1 to 30 minutes"."""
        if self.kind is not SettingKind.NUMBER:
            return ""
        unit = f" {self.unit}" if self.unit else ""
        return f"{self.minimum} to {self.maximum}{unit}"


_G, _K = SettingGroup, SettingKind
_LEVEL_WORDS = {RiskLevel.VERY_HIGH: "Very high", RiskLevel.HIGH: "High", RiskLevel.MEDIUM: "Medium",
                RiskLevel.LOW: "Low"}
# Highest risk first: each interval may be no longer than the one for the level below it.
RISK_LADDER = (RiskLevel.VERY_HIGH, RiskLevel.HIGH, RiskLevel.MEDIUM, RiskLevel.LOW)
INTERVAL_KEYS = tuple(f"visit_policy.interval_months.{level.value}" for level in RISK_LADDER)


def _interval(level: RiskLevel) -> SettingDefinition:
    return SettingDefinition(
        f"visit_policy.interval_months.{level.value}", f"{_LEVEL_WORDS[level]} risk: visit every",
        f"The longest gap between home visits to a case assessed as {level.value.replace('_', ' ')} risk, "
        "unless its risk management plan sets its own. Applies to the next visit worked out for each case.",
        _G.VISITS, _K.NUMBER, 1, 24, "months")


DIRECTORY_PREFIX = "directory."


def _directory(name: str, label: str, help: str, kind: SettingKind, *, max_length: int = 300,
               unit: str = "", effect: str = "at each person's next sign-in") -> SettingDefinition:
    maximum = {"timeout_seconds": dm.MAX_TIMEOUT_SECONDS, "recheck_minutes": dm.MAX_RECHECK_MINUTES}.get(name)
    return SettingDefinition(DIRECTORY_PREFIX + name, label, help, _G.DIRECTORY, kind,
                             1 if maximum else None, maximum, unit, max_length, effect=effect)


_ROLE_GROUP_WORDS = {Role.ADMINISTRATOR: "administrators", Role.OMU_LEAD: "OMU leads",
                     Role.SUPERVISOR: "supervisors", Role.OFFENDER_MANAGER: "offender managers",
                     Role.BRIEFING: "frontline officers who read approved briefings only"}

DIRECTORY_DEFINITIONS: tuple[SettingDefinition, ...] = (
    _directory("enabled", "Sign in through the force's directory",
               "On: staff sign in with their force (Active Directory) name and password, and their role, "
               "ViSOR/MOSOVO mark and team come from their directory groups. Accounts made here keep their "
               "own passwords.", _K.SWITCH),
    _directory("servers", "Directory servers",
               "One or more addresses, ldaps://host or ldaps://host:636, separated by spaces and tried in "
               "order. A plain ldap:// address needs StartTLS, or the passwords would travel unencrypted.",
               _K.TEXT, max_length=500),
    _directory("start_tls", "StartTLS on ldap:// addresses",
               "Upgrade an ldap:// connection to TLS before any password is sent (for a server that offers "
               "no ldaps://).", _K.SWITCH),
    _directory("ca_file", "CA certificate file",
               "The force's CA certificate (a PEM file on this computer) that the servers' certificates are "
               "checked against. Empty: this computer's own certificate store.", _K.TEXT, max_length=500),
    _directory("timeout_seconds", "Wait for a server",
               "How long to wait for a directory server to answer before trying the next one, and before "
               "saying that none answered.", _K.NUMBER, unit="seconds"),
    _directory("lookup_dn", "Lookup account",
               "The DN of the read-only account that finds people and re-reads their groups. Its password is "
               "kept on each computer (Set lookup password), never in the database. Empty: anonymous look-ups.",
               _K.TEXT),
    _directory("base_dn", "Where people are found",
               "The base DN searched for staff, e.g. OU=Staff,DC=force,DC=example.", _K.TEXT),
    _directory("user_filter", "Sign-in name filter",
               "The LDAP filter finding a person by the name they sign in with, {username}. Active Directory: "
               "(&(objectCategory=person)(sAMAccountName={username})); OpenLDAP: (uid={username}).", _K.TEXT),
    _directory("group_attribute", "Group attribute",
               "The attribute of a person that lists their groups (memberOf in Active Directory). Empty: "
               "groups are searched with the group filter instead.", _K.TEXT, max_length=100),
    _directory("group_filter", "Group filter",
               "Used when the group attribute is empty: finds the groups a person is in, {dn} standing for "
               "the person's DN, e.g. (&(objectClass=group)(member={dn})).", _K.TEXT),
    _directory("group_base_dn", "Where groups are found",
               "The base DN searched for groups, e.g. OU=Groups,DC=force,DC=example. Empty: where people are "
               "found.", _K.TEXT),
    *(_directory(dm.ROLE_GROUP_KEYS[role], f"{role.label.split(' (')[0]} group",
                 f"Members of this directory group are {_ROLE_GROUP_WORDS[role]} here, named by its common "
                 "name (RSO Supervisors) or full DN. Someone in the groups of several roles gets the first of "
                 "administrator, OMU lead, supervisor, offender manager, frontline briefing; someone in none "
                 "cannot sign in.", _K.TEXT)
      for role in dm.ROLE_PRECEDENCE),
    _directory("trained_group", "ViSOR/MOSOVO trained group",
               "Members are marked ViSOR/MOSOVO trained (accredited) and others not. Empty: the mark stays as "
               "the administrator sets it on the accounts page.", _K.TEXT),
    _directory("team_groups", "Team groups",
               "The team of each directory group, as Team name=group separated by ';', e.g. North=RSO Team "
               "North; South=RSO Team South. Empty: teams are set on the accounts page.", _K.TEXT,
               max_length=1000),
    _directory("recheck_minutes", "Read groups again after",
               "During a session a person's groups are read again once this long has passed, so someone "
               "taken out of a group loses access by then at the latest.", _K.NUMBER, unit="minutes"),
    _directory("fallback_to_local", "Local password when the directory is down",
               "On: when no directory server answers, an account that also kept a local password signs in "
               "with it, and a session carries on with the groups last read. Off: directory accounts wait "
               "for the directory.", _K.SWITCH),
)

DEFINITIONS: tuple[SettingDefinition, ...] = (
    *(_interval(level) for level in RISK_LADDER),
    SettingDefinition(
        "visit_policy.trigger_working_days", "Intelligence brings a visit within",
        "New intelligence about a case pulls its next home visit forward to within this many working days.",
        _G.VISITS, _K.NUMBER, 1, 30, "working days"),
    SettingDefinition(
        "visit_policy.overdue_working_days", "A visit is overdue after",
        "Working days past the latest date before a due visit is flagged as overdue.",
        _G.VISITS, _K.NUMBER, 0, 20, "working days"),
    SettingDefinition(
        "visit_policy.daily_capacity", "Home visits a pair can make a day",
        "How many home visits the planner books for one pair of officers on one day.",
        _G.VISITS, _K.NUMBER, 1, 12, "visits"),
    SettingDefinition(
        "device_check_visits", "Devices unchecked after",
        "A device not checked at the last this-many home visits is listed as not checked.",
        _G.VISITS, _K.NUMBER, 1, 10, "home visits"),

    SettingDefinition(
        "caseload_ceiling", "Caseload ceiling per officer",
        "Officers with more cases than this are shown as over the ceiling on the dashboard and in "
        "the compliance report (HMICFRS found 100 a case \"double\" what is manageable).",
        _G.THRESHOLDS, _K.NUMBER, 1, 200, "cases"),
    SettingDefinition(
        "sign_off_escalation_working_days", "Sign-off escalates after",
        "An entry waiting for a supervisor's sign-off longer than this goes to the OMU lead.",
        _G.THRESHOLDS, _K.NUMBER, 1, 20, "working days"),
    SettingDefinition(
        "rationale_min_words", "Least words in a rationale",
        "A supervisor's sign-off rationale shorter than this is refused as saying too little.",
        _G.THRESHOLDS, _K.NUMBER, 5, 100, "words"),
    SettingDefinition(
        "consultation_hours", "One opening of a record lasts",
        "How long a reason given to open a record covers what is read in it before a new reason is asked for.",
        _G.THRESHOLDS, _K.NUMBER, 1, 24, "hours"),
    SettingDefinition(
        "open_reason_min_words", "Least words to open a linked record",
        "The reason for opening a case the user is linked to must have at least this many words.",
        _G.THRESHOLDS, _K.NUMBER, 1, 20, "words"),
    SettingDefinition(
        "outside_link_reason_min_words", "Least words to open any other record",
        "The reason for opening a case outside the user's caseload (which its supervisor reviews).",
        _G.THRESHOLDS, _K.NUMBER, 3, 50, "words"),
    *(SettingDefinition(
        f"safeguarding_{part}_working_days", label,
        f"Working days from a concern about a child to when {what} is due (0: the same working day).",
        _G.THRESHOLDS, _K.NUMBER, 0, 10, "working days")
      for part, label, what in (
          ("referral", "Safeguarding referral due within", "the referral to children's social care"),
          ("disclosure", "Disclosure decision due within", "the decision on a disclosure"),
          ("child_check", "Child safety check due within", "the check on the child's safety"))),
    SettingDefinition(
        "safeguarding_remind_hours_before", "Warn a safeguarding part's owner",
        "Hours before a referral, disclosure decision or child safety check falls due that its owner gets a "
        "desktop notification (it is in their reminders from a week before).",
        _G.THRESHOLDS, _K.NUMBER, 1, 24, "hours before"),
    SettingDefinition(
        "crime_reference_pattern", "Crime reference format",
        "The force's crime reference numbers as a regular expression, matched against the whole "
        "reference in capitals. The example below must match it.",
        _G.THRESHOLDS, _K.PATTERN, max_length=200, example_key="crime_reference_example"),
    SettingDefinition(
        "crime_reference_example", "Crime reference example",
        "Shown to officers as what a crime reference looks like.",
        _G.THRESHOLDS, _K.TEXT, max_length=40),

    SettingDefinition(
        "reminder_days_ahead", "Remind of notifications due within",
        "Notifications falling due within this many days are listed among the reminders.",
        _G.NOTIFICATIONS, _K.NUMBER, 1, 60, "days"),
    SettingDefinition(
        "notification_policy.travel_short_notice_hours", "Travel at short notice notified",
        "Hours before travel an offender must notify it when its details were not known 7 days "
        "ahead (configurable until the wording for England and Wales is checked).",
        _G.NOTIFICATIONS, _K.NUMBER, 1, 72, "hours ahead"),

    SettingDefinition(
        "session_lock_minutes", "Lock the screen after",
        "Minutes without keyboard or mouse use before the screen locks and hides every record "
        "(security guidance: 15, and never more than 30).",
        _G.SECURITY, _K.NUMBER, 1, 30, "minutes", effect="from each user's next sign-in"),
    SettingDefinition(
        "second_factor_for_everyone", "Every account signs in with a code",
        "On: every account signs in with a one-time code from an authenticator app, and each "
        "person sets one up at their next sign-in. Off: only administrators and OMU leads must.",
        _G.SECURITY, _K.SWITCH),

    SettingDefinition(
        "backup_folder", "Backup folder",
        "Where the daily verified backup is written, on this computer or a drive it keeps. "
        "Leave empty for the folder beside the database. Give a full path.",
        _G.BACKUPS, _K.FOLDER, max_length=500, effect="from the next start"),
    SettingDefinition(
        "backup_keep", "Backups kept",
        "How many daily backups are kept; older ones are removed once a new one is verified.",
        _G.BACKUPS, _K.NUMBER, 2, 365, "backups"),

    SettingDefinition(
        "calendar_include_personal", "Calendars show names and addresses",
        "On: visits exported to a calendar carry the person's name and home address. Off (the "
        "default): only the case reference, time band and officers, as a calendar syncs to phones.",
        _G.DOCUMENTS, _K.SWITCH),
    SettingDefinition(
        "omu_contact", "OMU contact for documents",
        "The OMU's telephone and secure email, printed as the contact on documents sent outside "
        "the force (e.g. a referral to children's social care).",
        _G.DOCUMENTS, _K.TEXT, max_length=300),
    *DIRECTORY_DEFINITIONS,
)


BY_KEY: Mapping[str, SettingDefinition] = {d.key: d for d in DEFINITIONS}

_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def definition(key: str) -> SettingDefinition | None:
    return BY_KEY.get(key)


def in_group(group: SettingGroup) -> tuple[SettingDefinition, ...]:
    return tuple(d for d in DEFINITIONS if d.group is group)


def _number(d: SettingDefinition, raw: Any) -> tuple[Any, str | None]:
    # bool is an int; "true" for a count is a slip, not a number.
    if isinstance(raw, str) and raw.strip().lstrip("-").isdigit():
        raw = int(raw.strip())
    if isinstance(raw, bool) or not isinstance(raw, int):
        return raw, f"Enter a whole number from {d.range_text}."
    assert d.minimum is not None and d.maximum is not None
    if not d.minimum <= raw <= d.maximum:
        return raw, f"{raw} is out of range: enter a whole number from {d.range_text}."
    return raw, None


def _folder(raw: str) -> str | None:
    if not raw:
        return None
    if not (PureWindowsPath(raw).is_absolute() or PurePosixPath(raw).is_absolute()):
        return f'"{raw}" is not a full path: give it from the drive or the root, e.g. D:\\RSO backups.'
    return None


def parse(d: SettingDefinition, raw: Any) -> tuple[Any, str | None]:
    """RAW as the value to store, and what is wrong with it on its own (None if nothing)."""
    if d.kind is SettingKind.NUMBER:
        return _number(d, raw)
    if d.kind is SettingKind.SWITCH:
        if not isinstance(raw, bool):
            return raw, "Choose on or off."
        return raw, None
    if not isinstance(raw, str):
        return raw, "Enter text."
    text = raw.strip()
    if _CONTROL.search(text) or (d.kind is not SettingKind.TEXT and "\n" in text):
        return text, "Remove the control characters (pasted from another program?)."
    if len(text) > d.max_length:
        return text, f"Shorten it to {d.max_length} characters or fewer (it has {len(text)})."
    if d.kind is SettingKind.PATTERN:
        if not text:
            return text, "Enter the format as a regular expression, e.g. ^[A-Z]{2}-\\d{2}-\\d{6}$."
        try:
            compiled = re.compile(text)
        except re.error as exc:
            return text, f"This is not a regular expression that can be used ({exc.msg}, at position {exc.pos})."
        if compiled.fullmatch(""):
            return text, "The format matches an empty reference: it must require at least one character."
    if d.kind is SettingKind.FOLDER:
        return text, _folder(text)
    if d.key == "crime_reference_example" and not text:
        return text, "Enter an example crime reference, e.g. NY-26-012345."
    return text, None


def problems(values: Mapping[str, Any], changed: frozenset[str] | None = None) -> list[tuple[str, str]]:
    """What is wrong with VALUES (every setting as it would be after a save), each as (key, how to
    fix it). Only the settings in CHANGED (None: all) are checked one by one, so a value saved
    long ago never blocks another change. Checked across settings: the visit intervals lengthen
    as the risk falls, and the crime reference example matches the format; such a problem is
    said on the setting that was changed."""
    changed = frozenset(values) if changed is None else changed
    found: list[tuple[str, str]] = []
    for key in sorted(changed, key=lambda k: _ORDER.get(k, len(_ORDER))):
        d = BY_KEY.get(key)
        if d is None:
            found.append((key, "This is not a setting an administrator may change here."))
            continue
        _, problem = parse(d, values.get(key))
        if problem:
            found.append((key, problem))
    bad = {key for key, _ in found}

    def said_on(first: str, second: str) -> str:
        return second if second in changed and first not in changed else first

    for higher, lower in zip(INTERVAL_KEYS, INTERVAL_KEYS[1:], strict=False):
        h, lo = values.get(higher), values.get(lower)
        if higher in bad or lower in bad or not (changed & {higher, lower}):
            continue
        if isinstance(h, int) and isinstance(lo, int) and h > lo:
            found.append((said_on(higher, lower),
                          f"A {_risk_words(higher)} case would be visited less often than a "
                          f"{_risk_words(lower)} one ({h} months against {lo}): a higher risk is "
                          "visited at least as often."))
    for d in DEFINITIONS:
        example_key = d.example_key
        if d.kind is not SettingKind.PATTERN or example_key is None or d.key in bad or example_key in bad:
            continue
        if not (changed & {d.key, example_key}):
            continue
        pattern, example = values.get(d.key), values.get(example_key)
        if isinstance(pattern, str) and isinstance(example, str) and example.strip():
            if crime_reference_problem(example, pattern.strip(), example.strip()) is not None:
                found.append((said_on(d.key, example_key),
                              f'The example "{example.strip()}" does not match the format: change the '
                              "format, or the example to one the format accepts."))
    found += _directory_problems(values, changed, bad)
    return found


def directory_values(values: Mapping[str, Any]) -> dict[str, Any]:
    """The directory settings among VALUES, by their names in the directory row."""
    return {k.removeprefix(DIRECTORY_PREFIX): v for k, v in values.items() if k.startswith(DIRECTORY_PREFIX)}


def _directory_problems(values: Mapping[str, Any], changed: frozenset[str], bad: set[str]) -> list[tuple[str, str]]:
    """The directory row, as a change would leave it, checked whole; a value already refused on its
    own is not said twice."""
    if not any(k.startswith(DIRECTORY_PREFIX) for k in changed):
        return []
    return [(DIRECTORY_PREFIX + field, message)
            for field, message in dm.configuration_problems(directory_values(values))
            if DIRECTORY_PREFIX + field not in bad]


_ORDER = {d.key: i for i, d in enumerate(DEFINITIONS)}


def _risk_words(key: str) -> str:
    return _LEVEL_WORDS[RiskLevel(key.rsplit(".", 1)[1])].lower() + " risk"


def normalised(key: str, raw: Any) -> Any:
    """The value as stored (numbers given as text read as numbers, text trimmed)."""
    return parse(BY_KEY[key], raw)[0]


__all__ = ["BY_KEY", "DEFINITIONS", "DIRECTORY_DEFINITIONS", "DIRECTORY_PREFIX", "INTERVAL_KEYS", "SettingDefinition", "SettingGroup", "SettingKind",
           "definition", "directory_values", "in_group", "normalised", "parse", "problems"]
