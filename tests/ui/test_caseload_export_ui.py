"""The caseload as shown goes to CSV or Excel (issue 17 part 5): right-click or Ctrl+Shift+S, a
name that a spreadsheet would run as a formula kept as text, and the export audited."""

import openpyxl
from PySide6.QtCore import Qt
from sqlalchemy import select

from rso_manager.persistence import models as m
from tests.ui.conftest import make_offender


def test_the_caseload_exports_as_shown_with_formulas_neutralised(qtbot, make_window, sqlite_services, world, tmp_path):
    rec = make_offender(sqlite_services, world.om, "=HYPERLINK(1)", "Eve")
    make_offender(sqlite_services, world.om, "Plainname", "Sid")
    window = make_window(world.om)
    page = window.caseload_page
    qtbot.waitUntil(lambda: page.model.rowCount() == 2, timeout=10_000)
    export = page.export
    assert {a.text() for a in page.table.actions()} >= {"Export to &CSV...", "Export to &Excel..."}
    export.chooser = lambda *_a: str(tmp_path / "caseload.xlsx")
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: export.last is not None, timeout=10_000)
    sheet = openpyxl.load_workbook(tmp_path / "caseload.xlsx").active
    cells = [c for row in sheet.iter_rows() for c in row]
    named = next(c for c in cells if isinstance(c.value, str) and "HYPERLINK" in c.value)
    assert named.data_type == "s"  # text, not a formula ("f") that Excel would run
    assert rec.reference in {c.value for c in cells}
    with sqlite_services.session_factory() as s:
        row = s.scalars(select(m.AuditEvent).where(m.AuditEvent.action == "list.export")).one()
    assert "Caseload" in (row.details_json or "") and rec.reference in (row.details_json or "")
