"""Any list the app shows (caseload, exception lists, search results, planner) saved as CSV or
Excel, audited: which list, how many rows, which cases (security R1: every export is a row of
the audit trail), and cells a spreadsheet would run as formulas made inert
(domain/spreadsheet_cells, OWASP CSV injection).

The file is written owner-only and only with its audit row (printed_files.audited_file). Excel
files are built in openpyxl's write-only mode, which streams rows instead of keeping a cell
object per value: a 100,000-row caseload stays within memory and seconds.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from rso_manager.clock import LONDON
from rso_manager.domain import spreadsheet_cells as cells
from rso_manager.domain.roles import Permission
from rso_manager.services.errors import FieldProblem, ValidationFailed
from rso_manager.services.printed_files import audited_file
from rso_manager.services.unit_of_work import Actor, Services, unit_of_work

EXPORT_ACTION = "list.export"
FORMATS = ("csv", "xlsx")
SUFFIXES = {"csv": ".csv", "xlsx": ".xlsx"}
EXPORT_LIMIT = 200_000  # rows: twice the largest caseload the app is built for
MARKING = "OFFICIAL-SENSITIVE"
# What openpyxl refuses in a cell (C0 controls but tab, newline and CR): dropped, not fatal.
_XLSX_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_SHEET_TITLE_BAD = re.compile(r"[\[\]:*?/\\]")


@dataclass(frozen=True)
class ListExport:
    path: str
    fmt: str
    rows: int


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """HEADER and ROWS as UTF-8 CSV with a BOM (Excel then reads it as UTF-8), every cell inert."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([cells.cell_text(h) for h in header])
    for row in rows:
        writer.writerow([cells.cell_text(v) for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def xlsx_bytes(title: str, header: Sequence[str], rows: Iterable[Sequence[Any]], *,
               marking_line: str = MARKING) -> bytes:
    """HEADER and ROWS as an Excel workbook of one sheet named for TITLE; text that a spreadsheet
    would run is stored as text with Excel's quote prefix (shown as typed, never evaluated, and
    still text if someone edits the cell); dates are dates; the marking in the page header and
    footer, so it is on every printed page."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(_sheet_title(title))
    ws.freeze_panes = "A2"
    ws.oddHeader.center.text = marking_line
    ws.oddFooter.center.text = f"{marking_line} - page &P of &N"
    bold = Font(bold=True)

    def cell(value: Any) -> Any:
        if value is None or isinstance(value, bool | int | float):
            return value
        if isinstance(value, datetime):
            local = value.astimezone(LONDON).replace(tzinfo=None) if value.tzinfo else value
            c = WriteOnlyCell(ws, value=local)
            c.number_format = "DD/MM/YYYY HH:MM"
            return c
        if isinstance(value, date):
            c = WriteOnlyCell(ws, value=value)
            c.number_format = "DD/MM/YYYY"
            return c
        text = _XLSX_ILLEGAL.sub("", str(value))
        if not cells.is_formula_like(text):
            return text
        c = WriteOnlyCell(ws, value=text)
        c.data_type = "s"  # openpyxl took "=..." for a formula
        c.quotePrefix = True
        return c

    heads = []
    for h in header:
        c = WriteOnlyCell(ws, value=_XLSX_ILLEGAL.sub("", str(h)))
        c.font = bold
        heads.append(c)
    ws.append(heads)
    for row in rows:
        ws.append([cell(v) for v in row])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _sheet_title(title: str) -> str:
    """An Excel sheet name: at most 31 characters, none of []:*?/\\."""
    return (_SHEET_TITLE_BAD.sub(" ", title).strip() or "List")[:31]


def export_problems(title: str, header: Sequence[str], row_count: int, fmt: str) -> list[FieldProblem]:
    problems = []
    if fmt not in FORMATS:
        problems.append(FieldProblem("format", "Choose CSV or Excel (.xlsx)."))
    if not title.strip():
        problems.append(FieldProblem("title", "Say which list this is (e.g. 'Caseload')."))
    if not header:
        problems.append(FieldProblem("header", "The list has no columns to export."))
    if row_count > EXPORT_LIMIT:
        problems.append(FieldProblem("rows", f"More than {EXPORT_LIMIT:,} rows: narrow the list before "
                                             "exporting it."))
    return problems


def export_list(services: Services, actor: Actor, *, title: str, header: Sequence[str],
                rows: Sequence[Sequence[Any]], path: str, fmt: str, references: Iterable[str] = (),
                permission: Permission = Permission.READ_CASES) -> ListExport:
    """The list TITLE (HEADER and ROWS as shown) written to PATH as FMT (csv or xlsx), owner-only,
    with one audit row naming the list, the row count and the cases (REFERENCES) it holds. The
    user must still hold PERMISSION (the one the list was read with) as their account is now.
    No file without its audit row."""
    problems = export_problems(title, header, len(rows), fmt)
    if problems:
        raise ValidationFailed(problems)
    data = csv_bytes(header, rows) if fmt == "csv" else xlsx_bytes(title, header, rows)
    cases = list(dict.fromkeys(r for r in references if r))
    with audited_file(path, "list") as write, unit_of_work(services, actor) as uow:
        uow.authorise(permission)
        uow.audit(EXPORT_ACTION, entity="list", details={
            "list": title.strip(), "format": fmt, "rows": len(rows), "columns": list(header),
            "references": cases, "saved_to": str(path), "bytes": len(data),
            "sha256": hashlib.sha256(data).hexdigest()})
        uow.session.flush()
        write(data)
    return ListExport(str(path), fmt, len(rows))


__all__ = ["EXPORT_ACTION", "EXPORT_LIMIT", "FORMATS", "SUFFIXES", "ListExport", "csv_bytes", "export_list",
           "export_problems", "xlsx_bytes"]
