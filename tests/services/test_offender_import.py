"""Offenders in from a spreadsheet (issue 17 part 4): a good CSV and XLSX import in one
transaction with one batch audit row; a bad row imports nothing and is named by row and column;
possible duplicates (by the search: name and date of birth, PNC ID) are shown and must be
confirmed; on both databases."""

from __future__ import annotations

import io
import json
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import func, select

from rso_manager.persistence import models as m
from rso_manager.services import caseload
from rso_manager.services.caseload import OffenderDraft
from rso_manager.services.errors import PermissionDenied, ValidationFailed
from rso_manager.services.exchange import offender_import as imp

HEAD = "surname,forenames,date_of_birth,offender_manager,team,gender,pnc_id,mappa_category,mappa_level,identifying_marks"
GOOD = (f"{HEAD}\r\n"
        "Fakesmith,Alan John,17/05/1980,om,North,Male,2001/0012345A,1,1,Tattoo of an anchor\r\n"
        "Notreal,Beatrice,1979-02-28,om,,female,,2,1,\r\n")


def _count(services, model=m.Offender):
    with services.session_factory() as s:
        return s.scalar(select(func.count()).select_from(model))


def _actions(services, action):
    with services.session_factory() as s:
        return list(s.scalars(select(m.AuditEvent).where(m.AuditEvent.action == action)))


def test_a_good_csv_previews_then_imports_every_row_with_one_batch_audit_row(services, world):
    data = GOOD.encode("utf-8")
    preview = imp.preview_import(services, world.om, data, "list.csv")
    assert preview.can_import and preview.problems == () and preview.duplicates == ()
    assert [r.name for r in preview.rows] == ["FAKESMITH, Alan John", "NOTREAL, Beatrice"]
    assert preview.rows[1].draft.team_id == world.team_id and preview.rows[1].draft.mappa_category == 2
    assert preview.encoding == "UTF-8" and _count(services) == 0  # a preview creates nothing
    result = imp.import_offenders(services, world.om, data, "list.csv")
    assert len(result.references) == 2 and _count(services) == 2
    [batch] = _actions(services, imp.IMPORT_ACTION)
    details = json.loads(batch.details_json)
    assert details["rows"] == 2 and details["references"] == list(result.references)
    assert details["file"] == "list.csv" and len(_actions(services, "record.create")) == 2
    assert len(_actions(services, imp.PREVIEW_ACTION)) == 1
    # The importer has the new records open, as the creator of one has.
    record = caseload.reload_record(services, world.om, batch.offender_id or _first_id(services))
    assert record.details.pnc_id in ("2001/0012345A", None)


def _first_id(services):
    with services.session_factory() as s:
        return s.scalar(select(func.min(m.Offender.id)))


def test_a_bad_row_imports_nothing_and_names_its_row_and_column(services, world):
    bad = GOOD + "Thirdcase,Carl,31/02/1981,om,North,,,1,1,\r\n" + "Fourth,,01/01/1990,nobody,,,,4,1,\r\n"
    preview = imp.preview_import(services, world.om, bad.encode(), "bad.csv")
    assert not preview.can_import
    where = {(p.row, p.column) for p in preview.problems}
    assert (4, "date_of_birth") in where
    assert {(5, "forenames"), (5, "offender_manager"), (5, "mappa_category")} <= where
    dob = next(p for p in preview.problems if p.row == 4)
    assert "31/02/1981 is not a date that exists" in dob.message
    with pytest.raises(ValidationFailed) as refused:
        imp.import_offenders(services, world.om, bad.encode(), "bad.csv")
    assert refused.value.for_field("row 4, date_of_birth")
    assert _count(services) == 0 and _actions(services, imp.IMPORT_ACTION) == []


def test_possible_duplicates_are_shown_and_must_be_confirmed(services, world):
    there = caseload.create_offender(services, world.om2, OffenderDraft(
        surname="Fakesmith", forenames="Alan", date_of_birth=date(1980, 5, 17),
        offender_manager_id=world.om2.user_id, team_id=world.team2_id))
    by_pnc = caseload.create_offender(services, world.om, OffenderDraft(
        surname="Other", forenames="Person", date_of_birth=date(1970, 1, 1), pnc_id="01/12345A",
        offender_manager_id=world.om.user_id, team_id=world.team_id))
    preview = imp.preview_import(services, world.om, GOOD.encode(), "list.csv")
    assert preview.can_import
    found = {(d.row, d.reference, d.why) for d in preview.duplicates}
    assert (2, there.reference, "same name and date of birth") in found
    assert (2, by_pnc.reference, "same PNC ID") in found
    outside = next(d for d in preview.duplicates if d.reference == there.reference)
    assert not outside.inside_link and outside.offender_manager == "Oona Manager"
    with pytest.raises(ValidationFailed) as unconfirmed:
        imp.import_offenders(services, world.om, GOOD.encode(), "list.csv")
    assert there.reference in unconfirmed.value.for_field("confirm_duplicates")
    assert _count(services) == 2
    imp.import_offenders(services, world.om, GOOD.encode(), "list.csv", confirm_duplicates=True)
    assert _count(services) == 4


def test_xlsx_with_date_cells_imports(services, world):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEAD.split(","))
    ws.append(["Sheetcase", "Dora", datetime(1985, 3, 4), "om", None, None, None, 1, 2, None])
    out = io.BytesIO()
    wb.save(out)
    preview = imp.preview_import(services, world.om, out.getvalue(), "list.xlsx")
    assert preview.encoding == "Excel workbook" and preview.can_import
    assert preview.rows[0].draft.date_of_birth == date(1985, 3, 4) and preview.rows[0].draft.mappa_level == 2
    imp.import_offenders(services, world.om, out.getvalue(), "list.xlsx")
    assert _count(services) == 1


def test_cp1252_is_read_and_named(services, world):
    data = f"{HEAD}\r\nO’Fakeley,Zoë,01/01/1990,om,,,,,,\r\n".encode("cp1252")
    preview = imp.preview_import(services, world.om, data, "excel.csv")
    assert preview.encoding == "Windows-1252 (cp1252)" and preview.rows[0].draft.forenames == "Zoë"


def test_outside_the_team_and_without_the_right_it_is_refused(services, world):
    preview = imp.preview_import(services, world.om2, GOOD.encode(), "list.csv")
    assert {p.column for p in preview.problems} == {"team"} and len(preview.problems) == 2
    with pytest.raises(PermissionDenied):
        imp.preview_import(services, world.untrained, GOOD.encode(), "list.csv")
    with pytest.raises(PermissionDenied):
        imp.import_offenders(services, world.admin, GOOD.encode(), "list.csv")


def test_the_template_and_the_documented_columns_agree(tmp_path):
    assert imp.template_bytes("csv").decode("utf-8-sig").strip() == ",".join(c.key for c in imp.COLUMNS)
    ws = openpyxl.load_workbook(io.BytesIO(imp.template_bytes("xlsx"))).worksheets[0]
    assert [c.value for c in ws[1]] == [c.key for c in imp.COLUMNS]
    doc = (Path(__file__).parents[2] / "docs" / "import-columns.md").read_text(encoding="utf-8")
    assert imp.columns_markdown() in doc
