"""Start-up at scale (issue 16): the caseload is the worker's first job, the workflows are
imported while the user signs in, and the caseload's proxy calls no Python per row."""

from __future__ import annotations

import sys
from datetime import date

from PySide6.QtCore import QIdentityProxyModel, QItemSelectionModel, QSortFilterProxyModel

from rso_manager.services import reads_apart
from rso_manager.services.caseload import CaseloadRow
from tests.ui.conftest import make_offender
from ui import extensions
from ui.caseload_model import COL_NAME, CaseloadFilterProxy, CaseloadModel
from ui.worker import Worker


class RecordingWorker(Worker):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.submitted: list[str] = []

    def submit(self, fn, *args, **kwargs):
        read = fn is reads_apart.read  # the service function it reads with: args[1]
        self.submitted.append(getattr(args[1] if read else fn, "__name__", "?"))
        return super().submit(fn, *args, **kwargs)


def test_the_caseload_is_the_workers_first_job(qtbot, make_window, sqlite_services, world):
    make_offender(sqlite_services, world.supervisor, "Quillfeather", "Arthur")
    worker = RecordingWorker()
    window = make_window(world.supervisor, worker=worker)
    assert worker.submitted[0] == "_load_caseload"
    # The queue's badge counts on a thread of its own: the count waits for the reads' process,
    # and the window's jobs (a record opened meanwhile) must not wait with it.
    assert "queue_count" not in worker.submitted
    assert window.model.total == 1


def test_workflows_are_imported_in_the_background_and_load_waits_for_them(monkeypatch):
    imported: list[str] = []
    monkeypatch.setattr(extensions, "_loaded", False)
    monkeypatch.setattr(extensions, "_preloading", None)
    monkeypatch.setattr(extensions, "_import_workflows", lambda: imported.append("workflows"))
    extensions.preload("ui.kit.formatting")
    thread = extensions._preloading
    assert thread is not None and thread.name == "rso-preload"
    extensions.preload()  # once only
    assert extensions._preloading is thread
    extensions.load()
    assert not thread.is_alive() and extensions._loaded
    # load() imports whatever the thread did not (here: everything, again), raising its errors.
    assert imported == ["workflows", "workflows"] and "ui.kit.formatting" in sys.modules


def test_a_failed_background_import_is_raised_by_load(monkeypatch):
    monkeypatch.setattr(extensions, "_loaded", False)
    monkeypatch.setattr(extensions, "_preloading", None)
    extensions.preload("ui.no_such_module_here")
    assert extensions._preloading is not None
    extensions._preloading.join()

    def broken() -> None:
        raise ImportError("a workflow that does not import")

    monkeypatch.setattr(extensions, "_import_workflows", broken)
    try:
        extensions.load()
    except ImportError as exc:
        assert "does not import" in str(exc)
    else:
        raise AssertionError("load() hid the failed import")
    assert not extensions._loaded


def _rows(n: int) -> list[CaseloadRow]:
    return [CaseloadRow(i, f"RSO-{i:06d}", f"NAME{i}, Pat", date(1980, 1, 1), "low", "Olly Manager", "North",
                        None, None, ("Visit overdue",) if i % 3 == 0 else ()) for i in range(n)]


def test_the_proxy_leaves_filtering_to_the_model(qtbot):
    # A sort-filter proxy maps every row again on each filter and load: a virtual call a row
    # through PySide, each taking the interpreter lock, which a busy worker holds (at 100,000
    # rows the keystroke's block was 470-490 ms with it, 230-310 ms without; issue 16). An
    # identity proxy maps only the rows asked for.
    assert issubclass(CaseloadFilterProxy, QIdentityProxyModel)
    assert not issubclass(CaseloadFilterProxy, QSortFilterProxyModel)
    model, proxy = CaseloadModel(), CaseloadFilterProxy()
    proxy.setSourceModel(model)
    model.set_rows(_rows(30), date(2026, 11, 25))
    proxy.set_filter_text("name2")
    assert model.total == 30 and model.rowCount() == proxy.rowCount() == 11  # NAME2, NAME20-29
    proxy.set_overdue_only(True)
    assert {proxy.row_at(r).offender_id for r in range(proxy.rowCount())} == {21, 24, 27}
    assert proxy.filter_text == "name2" and proxy.overdue_only


def test_the_selection_follows_its_row_through_filtering_and_sorting(qtbot):
    from PySide6.QtWidgets import QTableView

    model, proxy = CaseloadModel(), CaseloadFilterProxy()
    proxy.setSourceModel(model)
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(proxy)
    model.set_rows(_rows(30), date(2026, 11, 25))
    view.selectionModel().select(proxy.index(12, 0), QItemSelectionModel.SelectionFlag.ClearAndSelect
                                 | QItemSelectionModel.SelectionFlag.Rows)
    chosen = proxy.row_at(12)

    def selected() -> list[int]:
        return [proxy.row_at(i.row()).offender_id for i in view.selectionModel().selectedRows()]

    proxy.set_filter_text(chosen.name.split(",")[0].lower())
    assert selected() == [chosen.offender_id]
    proxy.sort(COL_NAME)
    assert selected() == [chosen.offender_id]
    proxy.set_filter_text("no such case")
    assert selected() == [] and proxy.rowCount() == 0
