"""The administrator's settings (issue 17 part 6): what each setting an OMU may change holds now,
and the one way to change them.

Every change is the administrator's alone (Permission.MANAGE_USERS, "manage accounts and
settings"), validated against domain/setting_definitions.py, given a reason that says something
(errors.reason_problem: the same filler rules as every other reason), and audited as one
"setting.change" row per setting changed, holding its old and new values. A save made on
settings someone else changed since they were read is refused, saying who and when.

A setting never saved reads its default (services/settings.py, resources/visit_policy.json), so
a new release's defaults reach every OMU that has not chosen otherwise; a number inside a policy
row (the visit intervals) is written into that row, leaving its other numbers as they were.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import datetime
from importlib.resources import files
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from rso_manager.domain import setting_definitions as sd
from rso_manager.domain.notification_due import DEFAULT_POLICY
from rso_manager.domain.roles import Permission
from rso_manager.domain.visit_policy import PolicyError, policy_from_dict
from rso_manager.persistence import models as m
from rso_manager.services import settings
from rso_manager.services.errors import (
    ConcurrentEditError,
    FieldProblem,
    ValidationFailed,
    reason_problem,
)
from rso_manager.services.unit_of_work import Actor, Services, UnitOfWork, unit_of_work

ACTION = "setting.change"
NOTHING_CHANGED = "settings"  # the field a save that changes nothing is refused on
_REASON_ASK = "Say why the setting changes (the decision or policy behind it, and who made it)."
# Policy rows that must hold every number (the visit policy is read whole); any other policy row
# holds only the numbers the OMU changed, the rest keep following the release's defaults.
_WHOLE_ROWS = frozenset({"visit_policy"})


@dataclass(frozen=True)
class SettingValue:
    definition: sd.SettingDefinition
    value: Any
    default: Any
    version_id: int              # of the row holding it; 0 when never saved (the default stands)
    changed_by: str | None
    changed_at: datetime | None

    @property
    def key(self) -> str:
        return self.definition.key

    @property
    def is_default(self) -> bool:
        return self.value == self.default


@dataclass(frozen=True)
class EditableSettings:
    values: tuple[SettingValue, ...]

    def __getitem__(self, key: str) -> SettingValue:
        return next(v for v in self.values if v.key == key)

    def versions(self) -> dict[str, int]:
        """What a save passes back, so a change made meanwhile by someone else is caught."""
        return {v.key: v.version_id for v in self.values}


@dataclass(frozen=True)
class SettingChange:
    key: str
    before: Any
    after: Any


def _shipped(row_key: str) -> Any:
    if row_key == "visit_policy":
        return json.loads(files("resources").joinpath("visit_policy.json").read_text(encoding="utf-8"))
    if row_key == "notification_policy":
        return {f.name: getattr(DEFAULT_POLICY, f.name) for f in fields(DEFAULT_POLICY)
                if isinstance(getattr(DEFAULT_POLICY, f.name), int)}
    return settings.DEFAULTS[row_key]


def _at(value: Any, path: tuple[str, ...]) -> Any:
    for part in path:
        if not isinstance(value, Mapping) or part not in value:
            return None
        value = value[part]
    return value


def _rows(session: Session) -> dict[str, m.Setting]:
    keys = {d.row_key for d in sd.DEFINITIONS}
    return {row.key: row for row in session.scalars(select(m.Setting).where(m.Setting.key.in_(keys)))}


def _stored(row: m.Setting | None) -> Any:
    if row is None:
        return None
    try:
        return json.loads(row.value_json)
    except ValueError:
        return None  # a damaged value reads as its default rather than stopping every screen


def _value(d: sd.SettingDefinition, row: m.Setting | None) -> tuple[Any, Any]:
    """(the value now, its default) of D."""
    _, *path = d.stored_as
    default = _at(_shipped(d.row_key), tuple(path))
    stored = _stored(row)
    now = _at(stored, tuple(path)) if stored is not None else None
    return (default if now is None else now), default


def _names(session: Session, rows: Mapping[str, m.Setting]) -> dict[int, str]:
    ids = {r.updated_by_id or r.created_by_id for r in rows.values()} - {None}
    if not ids:
        return {}
    return {uid: name for uid, name in session.execute(
        select(m.User.id, m.User.display_name).where(m.User.id.in_(ids)))}


def _read(session: Session) -> tuple[dict[str, m.Setting], EditableSettings]:
    rows = _rows(session)
    names = _names(session, rows)
    out = []
    for d in sd.DEFINITIONS:
        row = rows.get(d.row_key)
        value, default = _value(d, row)
        by = (row.updated_by_id or row.created_by_id) if row is not None else None
        out.append(SettingValue(d, value, default, row.version_id if row is not None else 0,
                                names.get(by) if by else None,
                                (row.updated_at or row.created_at) if row is not None else None))
    return rows, EditableSettings(tuple(out))


def editable_settings(services: Services, actor: Actor) -> EditableSettings:
    """Every setting the administrator may change, with its value now, its default, and who
    last changed it. Reading settings opens no one's record, so it is not a consultation."""
    with unit_of_work(services, actor) as uow:
        uow.authorise(Permission.MANAGE_USERS)
        return _read(uow.session)[1]


def _machine_problems(changed: Mapping[str, Any]) -> list[tuple[str, str]]:
    """What only this computer can say: a backup folder that is a file, or no full path here."""
    found = []
    for key, value in changed.items():
        if sd.BY_KEY[key].kind is not sd.SettingKind.FOLDER or not value:
            continue
        path = Path(value)
        if not path.is_absolute():
            found.append((key, f'"{value}" is not a full path on this computer: give it from the root or drive.'))
        elif path.exists() and not path.is_dir():
            found.append((key, f'"{value}" is a file, not a folder: choose a folder for the backups.'))
    return found


def _check_versions(uow: UnitOfWork, rows: Mapping[str, m.Setting], keys: set[str],
                    versions: Mapping[str, int]) -> None:
    for key in sorted(keys):
        if key not in versions:
            continue
        row = rows.get(sd.BY_KEY[key].row_key)
        if row is None:
            if versions[key] != 0:  # a setting once saved is never deleted: read elsewhere
                raise ConcurrentEditError("setting", None, None)
            continue
        if row.version_id != versions[key]:
            by = row.updated_by_id or row.created_by_id
            user = uow.session.get(m.User, by) if by else None
            raise ConcurrentEditError("setting", user.display_name if user else None,
                                      row.updated_at or row.created_at)


def _new_row_value(row_key: str, row: m.Setting | None, updates: Mapping[tuple[str, ...], Any]) -> Any:
    if () in updates:
        return updates[()]
    stored = _stored(row)
    base = stored if isinstance(stored, dict) else (_shipped(row_key) if row_key in _WHOLE_ROWS else {})
    value = json.loads(json.dumps(base))  # a deep copy: the stored dict is left as read
    for path, new in updates.items():
        node = value
        for part in path[:-1]:
            node = node.setdefault(part, {})
        node[path[-1]] = new
    return value


def change_settings(services: Services, actor: Actor, changes: Mapping[str, Any], reason: str, *,
                    versions: Mapping[str, int] | None = None) -> tuple[SettingChange, ...]:
    """Change the settings CHANGES names (key: new value) for REASON, on the values as read
    (VERSIONS, from EditableSettings.versions(); None skips the check, for a script). Values
    equal to the present one are not changes; a save with no change is refused. All or nothing:
    one bad value and nothing is saved. Returns what changed."""
    with unit_of_work(services, actor) as uow:
        uow.authorise(Permission.MANAGE_USERS)
        unknown = [FieldProblem(k, "This is not a setting an administrator may change here.")
                   for k in changes if k not in sd.BY_KEY]
        if unknown:
            raise ValidationFailed(unknown)
        rows, now = _read(uow.session)
        current = {v.key: v.value for v in now.values}
        wanted = {k: sd.normalised(k, v) for k, v in changes.items()}
        changed = {k: v for k, v in wanted.items() if v != current[k]}
        problems = [FieldProblem(k, msg) for k, msg in sd.problems({**current, **changed}, frozenset(changed))]
        problems += [FieldProblem(k, msg) for k, msg in _machine_problems(changed)]
        bad_reason = reason_problem("reason", reason, _REASON_ASK)
        if bad_reason:
            problems.append(bad_reason)
        if not changed and not problems:
            problems.append(FieldProblem(NOTHING_CHANGED, "Nothing has changed: change a setting before saving."))
        if problems:
            raise ValidationFailed(problems)
        if versions is not None:
            _check_versions(uow, rows, set(changed), versions)
        return _write(uow, rows, current, changed, reason.strip())


def _write(uow: UnitOfWork, rows: dict[str, m.Setting], current: Mapping[str, Any], changed: Mapping[str, Any],
           reason: str) -> tuple[SettingChange, ...]:
    by_row: dict[str, dict[tuple[str, ...], Any]] = {}
    for key, value in changed.items():
        row_key, *path = sd.BY_KEY[key].stored_as
        by_row.setdefault(row_key, {})[tuple(path)] = value
    for row_key, updates in by_row.items():
        row = rows.get(row_key)
        new = _new_row_value(row_key, row, updates)
        if row_key == "visit_policy":
            try:
                policy_from_dict(new)
            except PolicyError as exc:  # the definitions' ranges should make this unreachable
                raise ValidationFailed(FieldProblem(next(k for k in changed if k.startswith("visit_policy.")),
                                                    str(exc))) from exc
        if row is None:
            row = uow.stamp_created(m.Setting(key=row_key, value_json=json.dumps(new)))
            uow.session.add(row)
            rows[row_key] = row
        else:
            row.value_json = json.dumps(new)
            uow.stamp_updated(row)
    try:
        uow.session.flush()
    except IntegrityError as exc:  # another administrator saved the same new setting meanwhile
        raise ConcurrentEditError("setting", None, None) from exc
    out = []
    for key, value in changed.items():
        uow.audit(ACTION, entity="setting", entity_id=rows[sd.BY_KEY[key].row_key].id, reason=reason,
                  details={"key": key, "before": current[key], "after": value})
        out.append(SettingChange(key, current[key], value))
    return tuple(out)


def setting_now(services: Services, key: str) -> Any:
    """The value of one setting now (a defined one), for the code it governs."""
    d = sd.BY_KEY[key]
    with services.session_factory() as s:
        row = s.scalar(select(m.Setting).where(m.Setting.key == d.row_key))
        return _value(d, row)[0]


def session_lock_minutes(services: Services) -> int:
    """Minutes idle before the screen locks (ui/workflows/session_lock.py reads it at sign-in)."""
    return int(setting_now(services, "session_lock_minutes"))


__all__ = ["ACTION", "NOTHING_CHANGED", "EditableSettings", "SettingChange", "SettingValue", "change_settings",
           "editable_settings", "session_lock_minutes", "setting_now"]
