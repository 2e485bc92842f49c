"""Naming cover for an absence already recorded: its own small service dialog from the list."""

from __future__ import annotations

from datetime import date

from rso_manager.services.supervision import record_absence_and_cover
from ui.workflows.supervision import AbsenceCoverDialog, NameCoverDialog


def test_the_lead_names_cover_for_a_listed_absence(qtbot, make_window, sqlite_services, world):
    record_absence_and_cover(sqlite_services, world.lead, world.supervisor.user_id, date(2026, 12, 14),
                             date(2026, 12, 18), "Training course")
    window = make_window(world.lead)
    next(a for a in window.file_menu.actions() if a.text() == "&Absences and cover...").trigger()
    dialog = window.findChild(AbsenceCoverDialog)
    qtbot.waitUntil(lambda: dialog.isEnabled() and dialog.model.rowCount() == 1, timeout=5000)
    assert dialog.model.index(0, 4).data() == "The OMU lead (no cover named)"
    assert dialog.name_cover_for_selected() is None  # nothing selected
    dialog.table.selectRow(0)
    assert dialog.cover_caption.text() == \
        "Cover for Sam Supervisor, 14/12/2026 to 18/12/2026: The OMU lead (no cover named)."
    naming = dialog.name_cover_for_selected()
    assert isinstance(naming, NameCoverDialog) and naming.isVisible()
    covers = [naming.cover.itemText(i) for i in range(naming.cover.count())]
    assert covers == ["Choose a supervisor", "Sue Supervisor"]  # never the absent supervisor
    naming.submit()
    assert naming.errors.message("cover_supervisor_id") == "Choose who covers."
    naming.cover.setCurrentIndex(naming.cover.findData(world.supervisor2.user_id))
    with qtbot.waitSignal(dialog.changed, timeout=5000):
        naming.submit()
    assert dialog.done_label.text() == "Cover named: Sue Supervisor."
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 1 and dialog.model.index(0, 4).data() == "Sue Supervisor",
                    timeout=5000)
    assert dialog.isVisible()  # the list stays open for the next one
