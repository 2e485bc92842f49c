"""A whole case as plain JSON, and back: every row of the case in every case table, with the
history of corrections (record_revision), the sign-offs of its entries, and the names of the
people who wrote them.

Rows travel column by column as stored (dates ISO, blobs base64), ids and all, so the receiving
database can keep each entry's own dates and versions and rebuild every link between entries
under new ids. What belongs to the sending force and means nothing elsewhere stays behind: its
audit trail (its own hash chain, which reports the export), who opened the record
(consultations), and the review sign-offs of those openings.

People: every account a row names (its author, the officer at a visit, the assessor) travels as
its name and username only. On import each becomes an inactive account of this database, named
"Name (Sending Force)", with no password and the briefing role: it can never sign in, it holds
no case, and every screen that says who recorded an entry names the real author. The same
person in a later file from the same force (the same signing key) is the same account.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, LargeBinary, Table, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from rso_manager.domain.roles import Role
from rso_manager.persistence import models as m
from rso_manager.persistence.models import table_of
from rso_manager.persistence.types import TZDateTime
from rso_manager.services.entity_names import entity_name
from rso_manager.services.force_transfer.file_format import TransferFileError

PAYLOAD_VERSION = 1
CASE_TABLES: tuple[Table, ...] = tuple(table_of(model) for model in m.CASE_ENTRY_MODELS)
_HISTORY = ("visit_officer", "record_revision", "sign_off", "sign_off_refusal")
# What a count in the preview is called, by table.
LABELS: dict[str, str] = {table_of(model).name: entity_name(model) for model in m.CASE_ENTRY_MODELS}
LABELS.update({"record_revision": "earlier version (correction history)", "sign_off": "sign-off",
               "visit_officer": "officer at a visit", "sign_off_refusal": "refused sign-off attempt"})
# Entries whose links to other entries are by (table, id) rather than a foreign key.
_SOFT_LINKS = {"visit_trigger": ("source_entity", "source_id"), "sign_off": ("entity", "entity_id"),
               "record_revision": ("entity", "entity_id")}
NO_PASSWORD = "!transferred: never signs in"


def _encode(table: Table, row: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in row.items():
        if value is None:
            continue
        if isinstance(value, bytes):
            value = base64.b64encode(value).decode("ascii")
        elif isinstance(value, date | datetime):
            value = value.isoformat()
        out[key] = value
    return out


def _decode(table: Table, row: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in row.items():
        column = table.c.get(key)
        if column is None:
            raise TransferFileError("file", f"The file holds a {key} on {table.name} that this version "
                                            "of RSO Manager does not know. Ask which version sent it.")
        if value is not None:
            if isinstance(column.type, LargeBinary):
                value = base64.b64decode(value)
            elif isinstance(column.type, TZDateTime):
                value = datetime.fromisoformat(value)
            elif isinstance(column.type, Date):
                value = date.fromisoformat(value)
        out[key] = value
    return out


def _rows(s: Session, table: Table, where) -> list[dict[str, Any]]:
    return [dict(r._mapping) for r in s.execute(select(table).where(where).order_by(table.c.id))]


def _user_columns(table: Table) -> list[str]:
    return [c.name for c in table.c if any(fk.column.table.name == "app_user" for fk in c.foreign_keys)]


def collect(s: Session, offender_id: int) -> dict[str, Any]:
    """The case OFFENDER_ID as the payload of a transfer file."""
    offender = table_of(m.Offender)
    tables: dict[str, list[dict[str, Any]]] = {"offender": _rows(s, offender, offender.c.id == offender_id)}
    for table in CASE_TABLES:
        tables[table.name] = _rows(s, table, table.c.offender_id == offender_id)
    visit_ids = [r["id"] for r in tables["visit"]]
    vo = table_of(m.VisitOfficer)
    tables["visit_officer"] = _rows(s, vo, vo.c.visit_id.in_(visit_ids)) if visit_ids else []
    rr, so, sr = table_of(m.RecordRevision), table_of(m.SignOff), table_of(m.SignOffRefusal)
    tables["record_revision"] = _rows(s, rr, rr.c.offender_id == offender_id)
    entries = {t.name for t in CASE_TABLES} | {"offender"}
    tables["sign_off"] = [r for r in _rows(s, so, so.c.offender_id == offender_id) if r["entity"] in entries]
    sign_off_ids = [r["id"] for r in tables["sign_off"]]
    tables["sign_off_refusal"] = _rows(s, sr, sr.c.sign_off_id.in_(sign_off_ids)) if sign_off_ids else []

    people: set[int] = set()
    stations: set[int] = set()
    for name, rows in tables.items():
        table = m.Base.metadata.tables[name]
        for column in _user_columns(table):
            people.update(r[column] for r in rows if r.get(column))
        if name == "statutory_notification":
            stations.update(r["station_id"] for r in rows if r.get("station_id"))
    team_id = tables["offender"][0]["team_id"]
    return {
        "payload_version": PAYLOAD_VERSION,
        "tables": {name: [_encode(m.Base.metadata.tables[name], r) for r in rows] for name, rows in tables.items()},
        "people": {str(u.id): {"name": u.display_name, "username": u.username}
                   for u in s.scalars(select(m.User).where(m.User.id.in_(people)))} if people else {},
        "stations": {str(p.id): {"code": p.code, "name": p.name}
                     for p in s.scalars(select(m.PoliceStation).where(m.PoliceStation.id.in_(stations)))}
        if stations else {},
        "team": s.scalar(select(m.Team.name).where(m.Team.id == team_id)) if team_id else None,
    }


def counts(payload: dict[str, Any]) -> list[tuple[str, int]]:
    """(what, how many) for every kind of entry the file holds, the person first."""
    tables = payload.get("tables") or {}
    return [(LABELS.get(name, name.replace("_", " ")), len(rows)) for name, rows in tables.items()
            if name != "offender" and rows]


def person(payload: dict[str, Any]) -> dict[str, Any]:
    """The offender row of PAYLOAD, decoded; TransferFileError when the file has none."""
    if payload.get("payload_version") != PAYLOAD_VERSION:
        raise TransferFileError("file", "This transfer file holds a case in a layout this version of "
                                        "RSO Manager does not know. Update RSO Manager, then try again.")
    rows = (payload.get("tables") or {}).get("offender") or []
    if len(rows) != 1:
        raise TransferFileError("file", "This transfer file holds no case.")
    return _decode(table_of(m.Offender), rows[0])


# --- restoring ------------------------------------------------------------------------------


_MODELS: dict[str, type] = {table_of(mapper.class_).name: mapper.class_ for mapper in m.Base.registry.mappers}


def _insert(s: Session, table: Table, values: dict[str, Any]) -> int:
    """One row through the ORM, so whatever follows each flush (the record seals, the search
    index) sees it as it sees any new entry; the row keeps the version it had (the ORM starts
    every new row at 1), so its history's version numbers still read in order."""
    version = values.pop("version_id", None)
    # Every column given, None included: a value left out would take the model's default.
    given = {c.name: None for c in table.c if c.nullable and c.name != "id"} | values
    obj = _MODELS[table.name](**given)
    s.add(obj)
    s.flush()
    if version is not None and version != obj.version_id:
        s.execute(update(table).where(table.c.id == obj.id).values(version_id=version))
        set_committed_value(obj, "version_id", version)
    return int(obj.id)


def _authors(s: Session, payload: dict[str, Any], signer: str, force: str, created_at: datetime) -> dict[int, int]:
    """The sending force's people as inactive accounts here (made once per person and key)."""
    out: dict[int, int] = {}
    for old, who in (payload.get("people") or {}).items():
        tag = hashlib.sha256(f"{signer}:{who.get('username')}:{old}".encode()).hexdigest()[:12]
        username = f"transferred.{tag}"
        user = s.scalar(select(m.User).where(m.User.username == username))
        if user is None:
            user = m.User(username=username, display_name=f"{who.get('name') or '?'} ({force})"[:120],
                          role=Role.BRIEFING.value, team_id=None, trained=False, active=False,
                          password_hash=NO_PASSWORD, failed_logins=0, created_at=created_at)
            s.add(user)
            s.flush()
        out[int(old)] = user.id
    return out


def _stations(s: Session, payload: dict[str, Any], force: str, created_at: datetime) -> dict[int, int]:
    """Where the sending force took notifications: kept as stations of theirs, not designated here."""
    out: dict[int, int] = {}
    for old, station in (payload.get("stations") or {}).items():
        code = "T" + hashlib.sha256(f"{force}:{station['code']}".encode()).hexdigest()[:10].upper()
        found = s.scalar(select(m.PoliceStation).where(m.PoliceStation.code == code))
        if found is None:
            found = m.PoliceStation(code=code, name=f"{station['name']} ({force})"[:120], designated=False,
                                    created_at=created_at)
            s.add(found)
            s.flush()
        out[int(old)] = found.id
    return out


def _order(names: Iterable[str]) -> list[Table]:
    """Tables in an order that inserts every row after the rows it points to; visit triggers
    (which name their source by table and id) after every case table."""
    wanted = set(names)
    ordered = [t for t in m.Base.metadata.sorted_tables if t.name in wanted and t.name not in _HISTORY]
    ordered.sort(key=lambda t: t.name == "visit_trigger")
    return ordered + [m.Base.metadata.tables[n] for n in _HISTORY if n in wanted]


def restore(s: Session, payload: dict[str, Any], *, offender: dict[str, Any], signer: str, force: str,
            now: datetime) -> tuple[int, list[str]]:
    """Write PAYLOAD's case as new rows, OFFENDER's columns replacing the offender row's own.
    Returns the new offender id and what could not be kept as it was (in words)."""
    tables = payload.get("tables") or {}
    if set(tables) - {t.name for t in CASE_TABLES} - {"offender", *_HISTORY}:
        raise TransferFileError("file", "This transfer file holds parts of a record this version of "
                                        "RSO Manager does not know. Ask which version sent it.")
    people = _authors(s, payload, signer, force, now)
    stations = _stations(s, payload, force, now)
    ids: dict[str, dict[int, int]] = {}
    notes: list[str] = []
    unlinked = 0
    for table in _order(tables):
        ids[table.name] = {}
        for raw in tables[table.name]:
            row = _decode(table, raw)
            old_id = row.pop("id")
            for column in table.c:
                value = row.get(column.name)
                if value is None or not column.foreign_keys:
                    continue
                target = next(iter(column.foreign_keys)).column.table.name
                if target == "app_user":
                    row[column.name] = people.get(value)
                elif target == "police_station":
                    row[column.name] = stations.get(value)
                elif column.name == "linked_offender_id":
                    row[column.name] = None  # a person on the sending force's register, not ours
                    unlinked += 1
                elif target in ids and value in ids[target]:
                    row[column.name] = ids[target][value]
                elif column.nullable:
                    row[column.name] = None
                else:
                    raise TransferFileError("file", f"The file's {table.name} {old_id} points to a "
                                                    f"{target} the file does not hold.")
            if table.name in _SOFT_LINKS:
                kind, ident = _SOFT_LINKS[table.name]
                source = row.get(kind)
                mapped = ids.get(source or "", {}).get(row.get(ident))  # type: ignore[arg-type]
                if mapped is not None:
                    row[ident] = mapped
                elif table.c[ident].nullable:
                    row[ident] = None
            if table.name == "offender":
                row.update(offender)
            ids[table.name][old_id] = _insert(s, table, row)
    if unlinked:
        notes.append(f"{unlinked} relationship{'s' if unlinked > 1 else ''} named a person on the "
                     "sending force's register: the name is kept, the link to their record is not.")
    return ids["offender"][next(iter(ids["offender"]))], notes
