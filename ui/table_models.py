"""Small read-only table models for short lists (record tabs, history, users).

One generic model described by columns; each column gives display text and a raw sort value.
The lists are short (tens of rows), so the proxy's own sort is fine here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from PySide6.QtCore import Qt

from rso_manager.services.caseload import RevisionRow
from rso_manager.services.users import UserInfo
from ui.kit.formatting import fmt_date, fmt_datetime
from ui.kit.tables import Column, RowsModel

_HIDDEN_FIELDS = {"id", "version_id", "created_at", "created_by_id", "updated_at", "updated_by_id",
                  "offender_id", "photo", "voided_by_id"}
_VOID_FIELDS = {"voided_at", "void_reason"}
# An offender revision is a correction of these; the derived summaries (risk, due dates) change
# through other workflows and are not part of "what the details said".
_OFFENDER_FIELDS = ("surname", "forenames", "date_of_birth", "gender", "pnc_id", "identifying_marks",
                    "offender_manager_id", "team_id", "mappa_category", "mappa_level")

FIELD_LABELS = {
    "surname": "Surname", "forenames": "Forenames", "date_of_birth": "Date of birth",
    "gender": "Gender", "pnc_id": "PNC ID", "identifying_marks": "Identifying marks",
    "offender_manager_id": "Offender manager", "team_id": "Team", "mappa_category": "MAPPA category",
    "mappa_level": "MAPPA level", "line1": "Address", "from_date": "From", "to_date": "To",
}


@dataclass(frozen=True)
class Names:
    """Id -> name lookups so history shows people and teams, not database ids."""

    users: dict[int, str]
    teams: dict[int, str]


def _field_value(key: str, value: Any, names: Names | None) -> str:
    if value is None or value == "":
        return "(blank)"
    if names and key == "offender_manager_id":
        return names.users.get(value, f"user {value}")
    if names and key == "team_id":
        return names.teams.get(value, f"team {value}")
    if isinstance(value, str) and len(value) >= 10 and value[4:5] == "-" and value[7:8] == "-":
        try:
            if len(value) == 10:
                return fmt_date(date.fromisoformat(value))
            if value[10:11] == "T":
                moment = datetime.fromisoformat(value)
                return fmt_datetime(moment) if moment.tzinfo else value
        except ValueError:
            return value
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def snapshot_of(details: Any) -> dict[str, Any]:
    """A dataclass (e.g. OffenderDraft) in the same JSON shape as a revision snapshot."""
    out = {}
    for key, value in vars(details).items():
        out[key] = value.isoformat() if isinstance(value, date) else value
    return out


def revision_changes(revision: RevisionRow, after: dict | None, names: Names | None = None) -> str:
    """'Field: old value' for each field that differs from the state that followed, or, when
    that is unknown (an entry marked in error), what the entry said."""
    before = revision.before
    if revision.entity == "offender":
        keys = [k for k in _OFFENDER_FIELDS if k in before]
    else:
        keys = [k for k in before if k not in _HIDDEN_FIELDS and not k.endswith("_json")]
        if after is None and not before.get("voided_at"):
            keys = [k for k in keys if k not in _VOID_FIELDS]
    parts = []
    for key in keys:
        if after is not None and key in after and after[key] == before[key]:
            continue
        if after is None and before[key] in (None, ""):
            continue  # listing what an entry said: blanks add nothing
        label = FIELD_LABELS.get(key, key.replace("_", " ").capitalize())
        parts.append(f"{label}: {_field_value(key, before[key], names)}")
    return "\n".join(parts) or "(no visible change)"


def history_lines(revisions: Sequence[RevisionRow], current_offender: dict | None,
                  names: Names | None = None) -> list[HistoryLine]:
    """Revisions come newest first; each is compared with the next newer state of the same thing."""
    newer: dict[tuple[str, int], dict] = {}
    lines = []
    for revision in revisions:
        key = (revision.entity, revision.entity_id)
        after = newer.get(key)
        if after is None and revision.entity == "offender":
            after = current_offender
        lines.append(HistoryLine(revision, revision_changes(revision, after, names)))
        newer[key] = revision.before
    return lines


@dataclass(frozen=True)
class HistoryLine:
    revision: RevisionRow
    before_text: str

    @property
    def what(self) -> str:
        entity = self.revision.entity.replace("_", " ")
        if self.revision.entity == "offender":
            return "Personal details corrected"
        if "voided_at" in self.revision.before and not self.revision.before.get("voided_at"):
            return f"{entity.capitalize()} marked as entered in error"
        return f"{entity.capitalize()} changed"


class HistoryModel(RowsModel[HistoryLine]):
    def extra(self, row: HistoryLine, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.TextAlignmentRole:
            # Rows wrap to several lines; reading starts at the top of each cell.
            return Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft
        return None

    def __init__(self, parent=None) -> None:
        super().__init__([
            Column("When", lambda h: fmt_datetime(h.revision.changed_at),
                   lambda h: h.revision.changed_at.timestamp()),
            Column("Changed by", lambda h: h.revision.changed_by),
            Column("What", lambda h: h.what),
            Column("Reason given", lambda h: h.revision.reason, tooltip=lambda h: h.revision.reason),
            Column("Values before the change", lambda h: h.before_text, tooltip=lambda h: h.before_text),
        ], parent)


USER_COLUMNS: tuple[Column[UserInfo], ...] = (
    Column("Username", lambda u: u.username),
    Column("Name", lambda u: u.display_name),
    Column("Role", lambda u: u.role.label),
    Column("Team", lambda u: u.team_name or ""),
    Column("ViSOR trained", lambda u: "Yes" if u.trained else "No"),
    Column("Account", lambda u: "Active" if u.active else "Closed"),
    Column("Locked until", lambda u: fmt_datetime(u.locked_until)),
)


class UsersModel(RowsModel[UserInfo]):
    """Accounts, with USER_COLUMNS unless COLUMNS are given (a page that shows more)."""

    def __init__(self, parent=None, *, columns: Sequence[Column[UserInfo]] = USER_COLUMNS) -> None:
        super().__init__(columns, parent)
