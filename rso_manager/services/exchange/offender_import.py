"""Offenders imported from a spreadsheet (CSV or Excel): the OMU's old lists brought in once.

The columns are documented (COLUMNS, docs/import-columns.md) and a template is offered to fill
in. A preview comes first: every row checked with the same rules as the offender form
(caseload.validate_draft, the placing rules), every problem named by its row and column, the
records already here that may be the same person (the force-wide search: name and date of
birth, or PNC number), and what would be created. The import itself is all or nothing: one
transaction, the normal creation rows of each record and one audit row for the batch
("offender_import", with the file's digest and the references made). A file with any problem
imports nothing (security T5).

A file is refused, with where and why, when it holds NUL bytes, a cell longer than its column
takes (a 1 MB cell), ragged rows, impossible dates, or text that is neither UTF-8 nor
Windows-1252 (cp1252, what Excel saves as "CSV" on a British Windows; named when used).
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import threading
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from sqlalchemy import select

from rso_manager.domain import search_terms as st
from rso_manager.domain.roles import Permission, Role
from rso_manager.persistence import models as m
from rso_manager.services import access, case_summary
from rso_manager.services.caseload import (
    GENDERS,
    OffenderDraft,
    add_offender,
    check_placing,
    validate_draft,
)
from rso_manager.services.errors import FieldProblem, ValidationFailed
from rso_manager.services.unit_of_work import Actor, Services, UnitOfWork, unit_of_work

IMPORT_ACTION = "offender_import"
PREVIEW_ACTION = "offender_import.preview"
MAX_FILE_BYTES = 5 * 1024 * 1024  # about 20,000 rows of these columns
MAX_ROWS = 5_000                  # an import is an OMU's list, not a force's database
FILE = "file"                     # the "column" of a problem with the whole file


@dataclass(frozen=True)
class ImportColumn:
    key: str            # the heading in the template (and the field named in problems)
    heading: str        # how the documentation names it
    required: bool
    max_chars: int
    meaning: str
    aliases: tuple[str, ...] = ()


COLUMNS: tuple[ImportColumn, ...] = (
    ImportColumn("surname", "Surname", True, 80, "Family name.", ("last_name", "family_name")),
    ImportColumn("forenames", "Forenames", True, 120, "Given names, as on the PNC.",
                 ("forename", "first_names", "first_name", "given_names")),
    ImportColumn("date_of_birth", "Date of birth", True, 10,
                 "DD/MM/YYYY (or YYYY-MM-DD; an Excel date cell is read as a date).", ("dob", "born")),
    ImportColumn("offender_manager", "Offender manager", True, 60,
                 "The offender manager's RSO Manager username (e.g. om.northam1).",
                 ("om", "offender_manager_username", "manager")),
    ImportColumn("team", "Team", False, 80,
                 "The team's name; empty: the offender manager's team.", ("team_name",)),
    ImportColumn("gender", "Gender", False, 20,
                 "Male, Female, Non-binary or Not known; empty: not recorded.", ("sex",)),
    ImportColumn("pnc_id", "PNC ID", False, 20, "PNC ID, e.g. 1998/0123456A.", ("pnc", "pnc_number")),
    ImportColumn("mappa_category", "MAPPA category", False, 1, "1, 2 or 3; empty: 1.", ("category",)),
    ImportColumn("mappa_level", "MAPPA level", False, 1, "1, 2 or 3; empty: 1.", ("level",)),
    ImportColumn("identifying_marks", "Identifying marks", False, 2_000,
                 "Scars, tattoos and other marks, in words.", ("marks",)),
)
_BY_KEY = {c.key: c for c in COLUMNS}
_HEADINGS = {alias: c.key for c in COLUMNS for alias in (c.key, *c.aliases)}
# The form's field names as the import's columns.
_FIELD_COLUMN = {"offender_manager_id": "offender_manager", "team_id": "team"}
_GENDER_CODES = {**{k: k for k in GENDERS}, **{v.casefold(): k for k, v in GENDERS.items()},
                 "m": "male", "f": "female", "non binary": "non_binary", "unknown": "not_known"}
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
_DMY = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
_YMD = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_FIELD_LIMIT = threading.Lock()


@dataclass(frozen=True)
class ImportProblem:
    row: int      # as the spreadsheet numbers it (the headings are row 1); 0: the whole file
    column: str   # a key of COLUMNS, the heading as typed, or "file"
    message: str

    @property
    def where(self) -> str:
        if self.column == FILE:
            return "the file" if self.row == 0 else f"row {self.row}"
        return f"row {self.row}, {self.column}"


@dataclass(frozen=True)
class ImportRow:
    """One record the import would create."""

    row: int
    draft: OffenderDraft
    offender_manager: str  # display name
    team: str | None

    @property
    def name(self) -> str:
        return f"{self.draft.surname.upper()}, {self.draft.forenames}"


@dataclass(frozen=True)
class PossibleDuplicate:
    row: int
    reference: str
    name: str
    offender_manager: str
    why: str               # "same name and date of birth", "same PNC ID"
    inside_link: bool


@dataclass(frozen=True)
class ImportPreview:
    file_name: str
    encoding: str          # "UTF-8", "Windows-1252 (cp1252)", "Excel workbook"
    sha256: str
    rows: tuple[ImportRow, ...]
    problems: tuple[ImportProblem, ...]
    duplicates: tuple[PossibleDuplicate, ...]

    @property
    def can_import(self) -> bool:
        return bool(self.rows) and not self.problems


@dataclass(frozen=True)
class ImportResult:
    file_name: str
    references: tuple[str, ...]


class _Refused(Exception):
    def __init__(self, problem: ImportProblem):
        super().__init__(problem.message)
        self.problem = problem


# --- the template --------------------------------------------------------------------------


def template_bytes(fmt: str) -> bytes:
    """An empty spreadsheet with the headings (CSV or XLSX); the XLSX explains each column on a
    second sheet."""
    headings = [c.key for c in COLUMNS]
    if fmt == "csv":
        return ("\ufeff" + ",".join(headings) + "\r\n").encode("utf-8")
    if fmt != "xlsx":
        raise ValidationFailed(FieldProblem("format", "Choose CSV or Excel (.xlsx)."))
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = "Offenders"
    ws.append(headings)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    ws.freeze_panes = "A2"
    for i, c in enumerate(COLUMNS):
        ws.column_dimensions[chr(ord("A") + i)].width = max(14, len(c.key) + 4)
    notes = wb.create_sheet("Columns")
    notes.append(["Column", "Required", "What to enter"])
    for cell in notes[1]:
        cell.font = Font(bold=True)
    for c in COLUMNS:
        notes.append([c.key, "yes" if c.required else "no", c.meaning])
    notes.column_dimensions["A"].width = 20
    notes.column_dimensions["C"].width = 80
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def columns_markdown() -> str:
    """The columns as docs/import-columns.md lists them (a test keeps the two the same)."""
    lines = ["| Column | Required | What to enter |", "|---|---|---|"]
    lines += [f"| `{c.key}` | {'yes' if c.required else 'no'} | {c.meaning} |" for c in COLUMNS]
    return "\n".join(lines)


# --- reading the file ------------------------------------------------------------------------


def _is_xlsx(data: bytes, file_name: str) -> bool:
    return data[:4] == b"PK\x03\x04" or file_name.casefold().endswith((".xlsx", ".xlsm"))


def _decode(data: bytes) -> tuple[str, str]:
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8"), "UTF-8"
        except UnicodeDecodeError as exc:
            # The mark says UTF-8: reading the rest as anything else would garble names.
            line = data[:exc.start + 3].count(b"\n") + 1
            raise _Refused(ImportProblem(line, FILE, (
                f"The file starts as UTF-8 but byte 0x{data[exc.start + 3]:02X} on line {line} is not UTF-8: "
                "save it again from the spreadsheet as \"CSV UTF-8 (comma delimited)\"."))) from None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise _Refused(ImportProblem(0, FILE, "The file is saved as UTF-16 (\"Unicode text\"): save it "
                                              "from Excel as \"CSV UTF-8 (comma delimited)\" and import that."))
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "Windows-1252 (cp1252)"
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise _Refused(ImportProblem(line, FILE, (
            f"Byte 0x{data[exc.start]:02X} on line {line} is neither UTF-8 nor Windows-1252 (cp1252) "
            "text: save the file as \"CSV UTF-8 (comma delimited)\" and import that."))) from None


def _csv_rows(text: str) -> Iterator[tuple[int, list[Any]]]:
    # The csv module refuses a field over its limit (128 KB) with no row: raised here to the
    # file's size so that a long cell reaches the length check, which names row and column.
    with _FIELD_LIMIT:
        old = csv.field_size_limit(MAX_FILE_BYTES + 1)
        try:
            reader = csv.reader(io.StringIO(text, newline=""), strict=True)
            rows = []
            number = 0
            try:
                for number, row in enumerate(reader, start=1):  # noqa: B007 - kept for the message
                    rows.append(row)
            except csv.Error as exc:
                raise _Refused(ImportProblem(number + 1, FILE, (
                    f"Row {number + 1} cannot be read as CSV ({exc}): check its quotation marks, "
                    "or save the file again from the spreadsheet."))) from None
        finally:
            csv.field_size_limit(old)
    yield from enumerate(rows, start=1)


def _xlsx_rows(data: bytes) -> Iterator[tuple[int, list[Any]]]:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
        raise _Refused(ImportProblem(0, FILE, (
            f"The file cannot be read as an Excel workbook ({type(exc).__name__}): save it again "
            "from Excel as .xlsx, or as CSV UTF-8."))) from None
    try:
        ws = wb.worksheets[0]
        if len(wb.worksheets) > 1 and "Offenders" in wb.sheetnames:
            ws = wb["Offenders"]
        for number, row in enumerate(ws.iter_rows(values_only=True), start=1):
            if number > MAX_ROWS + 50:
                break
            yield number, list(row)
    finally:
        wb.close()


def _read(data: bytes, file_name: str) -> tuple[str, list[tuple[int, list[Any]]]]:
    """(how it was read, [(row number, cells)]) or _Refused."""
    if not data:
        raise _Refused(ImportProblem(0, FILE, "The file is empty: fill in the template and choose it again."))
    if len(data) > MAX_FILE_BYTES:
        raise _Refused(ImportProblem(0, FILE, (
            f"The file is {len(data) / 1024 / 1024:.1f} MB; at most {MAX_FILE_BYTES // 1024 // 1024} MB "
            f"({MAX_ROWS:,} rows) is imported at once: split it.")))
    if _is_xlsx(data, file_name):
        return "Excel workbook", list(_xlsx_rows(data))
    text, encoding = _decode(data)
    return encoding, list(_csv_rows(text))


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _cell_problem(col: ImportColumn, value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    if "\x00" in value:
        return ("holds a NUL byte: the file may be damaged, or not text; save it again from the "
                "spreadsheet as CSV UTF-8.")
    bad = _CONTROL.search(value if col.key == "identifying_marks" else value.replace("\t", "\x01"))
    if bad is None and col.key != "identifying_marks":
        bad = re.search("[\n\r]", value)
    if bad is not None:
        char = bad.group()
        what = "a line break" if char in "\r\n" else f"the control character U+{ord(char):04X}"
        return f"holds {what} at position {bad.start() + 1}: remove it."
    if len(value.strip()) > col.max_chars:
        return f"is {len(value.strip()):,} characters long; this column takes at most {col.max_chars:,}."
    return None


def _date_cell(value: Any) -> tuple[date | None, str | None]:
    if isinstance(value, datetime):
        return value.date(), None
    if isinstance(value, date):
        return value, None
    if isinstance(value, int | float):
        return None, ("is a number, not a date: format the column as a date in the spreadsheet, or "
                      "type the date as DD/MM/YYYY.")
    text = _text(value)
    match = _DMY.fullmatch(text)
    if match:
        d, mo, y = (int(g) for g in match.groups())
    else:
        match = _YMD.fullmatch(text)
        if match is None:
            return None, f"'{text[:40]}' is not a date: write it as DD/MM/YYYY, e.g. 17/05/1980."
        y, mo, d = (int(g) for g in match.groups())
    try:
        return date(y, mo, d), None
    except ValueError:
        return None, f"{text} is not a date that exists (day {d} of month {mo}): check the day and month."


def _int_cell(value: Any) -> tuple[int | None, str | None]:
    text = _text(value)
    if not text:
        return 1, None
    if text in ("1", "2", "3"):
        return int(text), None
    return None, f"'{text[:20]}' is not 1, 2 or 3."


# --- checking the rows -------------------------------------------------------------------------


@dataclass(frozen=True)
class _Checked:
    encoding: str
    rows: tuple[ImportRow, ...]
    problems: tuple[ImportProblem, ...]


def _header(cells: list[Any], number: int) -> tuple[list[str | None], list[ImportProblem]]:
    keys: list[str | None] = []
    problems = []
    seen: dict[str, int] = {}
    for i, raw in enumerate(cells, start=1):
        heading = _text(raw)
        if not heading:
            keys.append(None)
            continue
        norm = re.sub(r"[\s\-]+", "_", heading.casefold().strip())
        key = _HEADINGS.get(norm)
        if key is None:
            problems.append(ImportProblem(number, heading[:40], (
                f"Column {i} is headed '{heading[:40]}', which is not a column the import takes. The "
                f"columns are: {', '.join(c.key for c in COLUMNS)}.")))
        elif key in seen:
            problems.append(ImportProblem(number, key, f"Columns {seen[key]} and {i} are both {key}: keep one."))
        else:
            seen[key] = i
        keys.append(key)
    for c in COLUMNS:
        if c.required and c.key not in seen:
            problems.append(ImportProblem(number, c.key, f"The headings have no {c.key} column: add it "
                                                         "(the template has every column)."))
    return keys, problems


def _check(uow: UnitOfWork, data: bytes, file_name: str) -> _Checked:
    try:
        encoding, table = _read(data, file_name)
    except _Refused as refused:
        return _Checked("", (), (refused.problem,))
    problems: list[ImportProblem] = []
    body = [(n, cells) for n, cells in table if not all(_blank(v) for v in cells)]
    if not body:
        return _Checked(encoding, (), (ImportProblem(0, FILE, "The file has no headings and no rows: "
                                                              "fill in the template."),))
    header_row, header_cells = body[0]
    keys, problems = _header(header_cells, header_row)
    if problems:
        return _Checked(encoding, (), tuple(problems))
    width = max(i for i, k in enumerate(keys, start=1) if k is not None)
    rows = body[1:]
    if not rows:
        return _Checked(encoding, (), (ImportProblem(header_row, FILE, "The file has headings but no rows "
                                                                       "of offenders under them."),))
    if len(rows) > MAX_ROWS:
        return _Checked(encoding, (), (ImportProblem(0, FILE, (
            f"The file has {len(rows):,} rows; at most {MAX_ROWS:,} are imported at once: split it.")),))
    s = uow.session
    users = {u.username: u for u in s.scalars(select(m.User).where(
        m.User.active, m.User.role.in_((Role.OFFENDER_MANAGER.value, Role.SUPERVISOR.value,
                                        Role.OMU_LEAD.value))))}
    teams = {t.name.casefold(): t for t in s.scalars(select(m.Team))}
    today = uow.services.clock.today()
    made: list[ImportRow] = []
    first_of: dict[tuple[str, str, date], int] = {}
    pnc_first: dict[str, int] = {}
    for number, cells in rows:
        row_problems: list[ImportProblem] = []
        if len(cells) > width and not all(_blank(v) for v in cells[width:]):
            extra = next(i for i, v in enumerate(cells[width:], start=width + 1) if not _blank(v))
            row_problems.append(ImportProblem(number, f"column {extra}", (
                f"This row has a value in column {extra}, beyond the {width} headed columns: the row's "
                "cells have shifted (a comma in a name?) or the heading is missing.")))
        elif len(cells) < width and not _is_xlsx(data, file_name):
            row_problems.append(ImportProblem(number, FILE, (
                f"This row has {len(cells)} cells; the headings have {width}: a cell is missing (a "
                "value with a comma must be in quotation marks).")))
        values: dict[str, Any] = {}
        for i, key in enumerate(keys):
            if key is None:
                continue
            value = cells[i] if i < len(cells) else None
            problem = _cell_problem(_BY_KEY[key], value)
            if problem:
                row_problems.append(ImportProblem(number, key, f"The {key} cell {problem}"))
            else:
                values[key] = value
        if row_problems:
            problems += row_problems
            continue
        draft, om, team, read_problems = _draft(values, users, teams)
        cell_problems = [replace(p, row=number) for p in read_problems]
        cell_problems += [ImportProblem(number, _FIELD_COLUMN.get(p.field, p.field), p.message)
                          for p in validate_draft(draft, today)
                          if not any(c.column == _FIELD_COLUMN.get(p.field, p.field) for c in cell_problems)]
        if not cell_problems:
            try:
                check_placing(uow, draft)
            except ValidationFailed as refused:
                cell_problems += [ImportProblem(number, _FIELD_COLUMN.get(p.field, p.field), p.message)
                                  for p in refused.problems]
        if not cell_problems and draft.date_of_birth is not None:
            same = (st.fold(draft.surname), st.fold(draft.forenames), draft.date_of_birth)
            if same in first_of:
                cell_problems.append(ImportProblem(number, "surname", (
                    f"Row {first_of[same]} is the same person (same names and date of birth): keep one row.")))
            first_of.setdefault(same, number)
            if draft.pnc_id:
                pnc = st.normalise_pnc(draft.pnc_id)
                if pnc in pnc_first:
                    cell_problems.append(ImportProblem(number, "pnc_id", (
                        f"Row {pnc_first[pnc]} has the same PNC ID: one person, one row.")))
                pnc_first.setdefault(pnc, number)
        if cell_problems:
            problems += cell_problems
            continue
        assert om is not None
        made.append(ImportRow(number, draft, om.display_name, team.name if team is not None else None))
    return _Checked(encoding, tuple(made), tuple(problems))


def _draft(values: dict[str, Any], users: dict[str, m.User], teams: dict[str, m.Team]
           ) -> tuple[OffenderDraft, m.User | None, m.Team | None, list[ImportProblem]]:
    """The row's values as the form's draft, and the problems of reading them (row number
    filled in by the caller)."""
    problems: list[tuple[str, str]] = []
    born, problem = _date_cell(values.get("date_of_birth"))
    if problem and not _blank(values.get("date_of_birth")):
        problems.append(("date_of_birth", f"The date of birth {problem}"))
    username = _text(values.get("offender_manager")).casefold()
    om = users.get(username)
    if om is None and username:
        problems.append(("offender_manager", (
            f"No offender manager's account is called '{username[:60]}': use the username they sign in with.")))
    team_name = _text(values.get("team"))
    team = teams.get(team_name.casefold()) if team_name else None
    if team_name and team is None:
        problems.append(("team", f"No team is called '{team_name[:80]}': use the team's name as RSO Manager has it."))
    gender_text = _text(values.get("gender"))
    gender = _GENDER_CODES.get(gender_text.casefold().replace("-", " ").strip()) if gender_text else None
    if gender_text and gender is None:
        problems.append(("gender", f"'{gender_text[:20]}' is not one of: {', '.join(GENDERS.values())}."))
    numbers = {}
    for key in ("mappa_category", "mappa_level"):
        n, problem = _int_cell(values.get(key))
        if problem:
            problems.append((key, f"The MAPPA {key.split('_')[1]} {problem}"))
        numbers[key] = n or 1
    draft = OffenderDraft(
        surname=_text(values.get("surname")), forenames=_text(values.get("forenames")),
        date_of_birth=born, gender=gender, pnc_id=_text(values.get("pnc_id")) or None,
        identifying_marks=_text(values.get("identifying_marks")) or None,
        offender_manager_id=om.id if om is not None else None,
        team_id=team.id if team is not None else (om.team_id if om is not None else None),
        mappa_category=numbers["mappa_category"], mappa_level=numbers["mappa_level"])
    if om is None and username:
        # Said once, as the account's problem, not again as "choose the offender manager".
        draft = replace(draft, offender_manager_id=-1)
    return draft, om, team, [ImportProblem(0, k, msg) for k, msg in problems]


# --- possible duplicates -------------------------------------------------------------------------


def _duplicates(uow: UnitOfWork, rows: Sequence[ImportRow]) -> list[PossibleDuplicate]:
    """Records here that may be a row's person: the force-wide search's name matching with the
    same date of birth, or the same PNC ID (as the search's index holds them)."""
    from rso_manager.services.search.query import find

    if not rows:
        return []
    s, services, today = uow.session, uow.services, uow.services.clock.today()
    T = m.table_of(m.SearchTerm)
    dobs = {r.draft.date_of_birth.isoformat() for r in rows if r.draft.date_of_birth}
    born: dict[str, set[int]] = {}
    for i in range(0, len(dobs), 500):
        chunk = sorted(dobs)[i:i + 500]
        for oid, value in s.execute(select(T.c.offender_id, T.c.value)
                                    .where(T.c.kind == "dob", T.c.value.in_(chunk))):
            born.setdefault(value, set()).add(oid)
    pncs = {st.normalise_pnc(r.draft.pnc_id) for r in rows if r.draft.pnc_id}
    by_pnc: dict[str, set[int]] = {}
    for i in range(0, len(pncs), 500):
        chunk = sorted(pncs)[i:i + 500]
        for oid, value in s.execute(select(T.c.offender_id, T.c.value)
                                    .where(T.c.kind == "pnc", T.c.value.in_(chunk))):
            by_pnc.setdefault(value, set()).add(oid)
    found: list[tuple[int, int, str]] = []
    for r in rows:
        assert r.draft.date_of_birth is not None
        same_day = born.get(r.draft.date_of_birth.isoformat(), set())
        named = set()
        if same_day:
            # The surname and first forename: every word asked must match, and a second forename
            # one list has and the other not must not hide the person.
            asked = f"{r.draft.surname} {(r.draft.forenames.split() or [''])[0]}"
            named = {f.offender_id for f in find(s, services.session_factory, asked, today)
                     if f.kind in ("name", "alias")}
        for oid in sorted(same_day & named):
            found.append((r.row, oid, "same name and date of birth"))
        for oid in sorted(by_pnc.get(st.normalise_pnc(r.draft.pnc_id or ""), set()) - (same_day & named)):
            found.append((r.row, oid, "same PNC ID"))
    if not found:
        return []
    ids = {oid for _row, oid, _why in found}
    manager = m.table_of(m.User).alias("manager")
    cases = {c.id: c for c in s.execute(
        select(m.Offender.id, m.Offender.reference, m.Offender.surname, m.Offender.forenames,
               manager.c.display_name)
        .outerjoin(manager, manager.c.id == m.Offender.offender_manager_id)
        .where(m.Offender.id.in_(ids)))}
    inside = access.linked_ids(s, uow.actor, today, ids)
    return [PossibleDuplicate(row, cases[oid].reference, f"{cases[oid].surname.upper()}, {cases[oid].forenames}",
                              cases[oid].display_name or "Unassigned", why, oid in inside)
            for row, oid, why in found]


# --- the service -------------------------------------------------------------------------------


def _authorise(uow: UnitOfWork) -> None:
    uow.authorise(Permission.WRITE_CASES)


def _preview(uow: UnitOfWork, data: bytes, file_name: str) -> ImportPreview:
    checked = _check(uow, data, file_name)
    duplicates = _duplicates(uow, checked.rows) if not checked.problems else []
    return ImportPreview(file_name, checked.encoding, hashlib.sha256(data).hexdigest(), checked.rows,
                         checked.problems, tuple(duplicates))


def preview_import(services: Services, actor: Actor, data: bytes, file_name: str) -> ImportPreview:
    """What importing DATA (the file FILE_NAME) would do: the rows it would create, every problem
    by row and column, and records here that may be the same people. Nothing is created; the
    preview is audited, as a search is (it shows which cases hold a name)."""
    from rso_manager.services.search.query import ensure_current

    with unit_of_work(services, actor) as uow:
        _authorise(uow)
    ensure_current(services)
    with unit_of_work(services, actor) as uow:
        _authorise(uow)
        preview = _preview(uow, data, file_name)
        uow.audit(PREVIEW_ACTION, entity="offender", details={
            "file": file_name, "sha256": preview.sha256, "rows": len(preview.rows),
            "problems": len(preview.problems),
            "possible_duplicates": sorted({d.reference for d in preview.duplicates})})
        return preview


def import_problems(preview: ImportPreview) -> list[FieldProblem]:
    """A preview's problems as the services name fields: "row 4, date_of_birth"."""
    return [FieldProblem(p.where, p.message) for p in preview.problems]


def import_offenders(services: Services, actor: Actor, data: bytes, file_name: str, *,
                     confirm_duplicates: bool = False) -> ImportResult:
    """Create every row of DATA as a new record, all or nothing, in one transaction: any problem
    (ValidationFailed naming each row and column) creates none. Possible duplicates must be
    confirmed as looked at (CONFIRM_DUPLICATES), as a case from another force is. One audit row
    for the batch, besides each record's creation row."""
    from rso_manager.services.search.query import ensure_current

    ensure_current(services)
    with unit_of_work(services, actor) as uow:
        _authorise(uow)
        preview = _preview(uow, data, file_name)
        if preview.problems:
            raise ValidationFailed(import_problems(preview))
        if not preview.rows:
            raise ValidationFailed(FieldProblem(FILE, "The file has no rows to import."))
        if preview.duplicates and not confirm_duplicates:
            refs = ", ".join(sorted({d.reference for d in preview.duplicates}))
            raise ValidationFailed(FieldProblem("confirm_duplicates", (
                f"Records here may be the same people ({refs}): look at them, then confirm that the rows "
                "are new people.")))
        references = [_create(uow, r.draft) for r in preview.rows]
        uow.audit(IMPORT_ACTION, entity="offender", details={
            "file": file_name, "sha256": preview.sha256, "encoding": preview.encoding,
            "rows": len(references), "references": references,
            "possible_duplicates": sorted({d.reference for d in preview.duplicates})})
        return ImportResult(file_name, tuple(references))


def _create(uow: UnitOfWork, draft: OffenderDraft) -> str:
    """One record, as caseload.create_offender makes it, inside the import's transaction."""
    columns = {f: getattr(draft, f) for f in OffenderDraft.__dataclass_fields__}
    o = add_offender(uow, columns, why="Created the record (import).", details={**columns, "imported": True})
    case_summary.refresh(uow.session, o.id, uow.services.clock.today())
    return o.reference


__all__ = ["COLUMNS", "IMPORT_ACTION", "MAX_FILE_BYTES", "MAX_ROWS", "PREVIEW_ACTION", "ImportColumn",
           "ImportPreview", "ImportProblem", "ImportResult", "ImportRow", "PossibleDuplicate", "columns_markdown",
           "import_offenders", "import_problems", "preview_import", "template_bytes"]

