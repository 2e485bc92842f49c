"""Export to CSV... / Export to Excel... for any list: its context menu, and Ctrl+Shift+S
(Excel, or CSV when the name typed ends .csv).

What is exported is what the list shows: its visible columns and its rows in the order and
filter on screen, as the text the cells show. That text is read from the model on the GUI
thread (a model is not to be touched from another thread) in slices of a few milliseconds, so
a 100,000-row caseload never freezes the window; the file is then built and written, with its
audit row, by services/exchange/spreadsheet_out on the worker. A list the database sends a page
at a time (a caseload of more than 150,000 cases) is fetched whole first: the file holds the
list, not the pages scrolled through.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractItemModel, QAbstractProxyModel, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QTableView

from rso_manager.domain.roles import Permission
from rso_manager.services.errors import ValidationFailed
from rso_manager.services.exchange import spreadsheet_out
from rso_manager.services.exchange.spreadsheet_out import ListExport
from rso_manager.services.unit_of_work import Actor, Services
from ui.kit.forms import report_failure
from ui.kit.save_location import Chooser, choose_save_path, documents_folder, with_suffix
from ui.prompter import Prompter
from ui.worker import Worker

SHORTCUT = "Ctrl+Shift+S"
FILTERS = {"csv": "CSV, comma separated (*.csv)", "xlsx": "Excel workbook (*.xlsx)"}
SLICE_SECONDS = 0.03  # the longest the GUI thread reads cells before letting events through
FETCH_POLL_MS = 50  # how often a list being fetched whole is looked at
REFERENCE_HEADINGS = ("reference", "case reference", "case")


def suggested_name(title: str, fmt: str) -> str:
    safe = "".join(c if c.isalnum() or c in " -_" else " " for c in title).split()
    return "-".join(safe).lower()[:60] + spreadsheet_out.SUFFIXES[fmt]


class TableExport(QObject):
    """The two export actions of one list view. Test seams: csv_action, xlsx_action, export(),
    busy, last (the ListExport of the last export)."""

    exported = Signal(object)  # ListExport

    def __init__(self, view: QTableView, title: str | Callable[[], str], services: Services, actor: Actor,
                 worker: Worker, prompter: Prompter, *, chooser: Chooser = choose_save_path,
                 permission: Permission = Permission.READ_CASES,
                 status: Callable[[str], None] | None = None) -> None:
        super().__init__(view)
        self.view, self._title = view, title
        self.services, self.actor, self.worker, self.prompter = services, actor, worker, prompter
        self.chooser, self.permission = chooser, permission
        self._status = status
        self.busy = False
        self.last: ListExport | None = None
        self._cancelled = False
        self.csv_action = QAction("Export to &CSV...", view)
        self.csv_action.setStatusTip("Save this list, as shown, as a CSV file (audited)")
        self.csv_action.triggered.connect(lambda: self.export("csv"))
        self.xlsx_action = QAction("Export to &Excel...", view)
        self.xlsx_action.setStatusTip(f"Save this list, as shown, as an Excel workbook (audited) ({SHORTCUT})")
        self.xlsx_action.setShortcut(QKeySequence(SHORTCUT))
        self.xlsx_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.xlsx_action.triggered.connect(lambda: self.export("xlsx", either=True))
        for action in (self.csv_action, self.xlsx_action):
            view.addAction(action)
        if view.contextMenuPolicy() == Qt.ContextMenuPolicy.DefaultContextMenu:
            view.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)

    def title(self) -> str:
        return self._title() if callable(self._title) else self._title

    def export(self, fmt: str, path: str | None = None, *, either: bool = False) -> bool:
        """Ask where (unless PATH), then read the list and save it. EITHER: the dialog offers
        both formats and the name's ending decides. False if nothing was started."""
        model = self.view.model()
        if self.busy or model is None:
            return False
        if model.rowCount() == 0:
            self.prompter.info("Nothing to export", "The list is empty: there is nothing to export.")
            return False
        missing = _rows_not_loaded(model)
        if missing and self._too_long(model.rowCount() + missing, fmt):
            return False
        if path is None:
            filters = ";;".join([FILTERS[fmt]] + ([FILTERS["csv"]] if either and fmt != "csv" else []))
            path = self.chooser(self.view.window(), "Export the list",
                                str(documents_folder() / suggested_name(self.title(), fmt)), filters)
            if not path:
                return False
        if either and Path(path).suffix.casefold() == ".csv":
            fmt = "csv"
        target = str(with_suffix(path, spreadsheet_out.SUFFIXES[fmt]))
        self.busy = True
        self._cancelled = False
        self._when_whole(model, fmt, lambda: _Reading(self, model, fmt, target).start())
        return True

    def _too_long(self, rows: int, fmt: str) -> bool:
        problems = [p for p in spreadsheet_out.export_problems(self.title(), ["-"], rows, fmt) if p.field == "rows"]
        if problems:
            report_failure(self.prompter, ValidationFailed(problems), title="The list was not exported")
        return bool(problems)

    def _when_whole(self, model: QAbstractItemModel, fmt: str, then: Callable[[], None]) -> None:
        """THEN, once every row of the list is in MODEL: at once for a list loaded whole; a
        paged list is asked for the rest in one request and looked at until it has come (or
        failed: the list has said why)."""
        source = _list_of(model)
        if not _rows_not_loaded(model):
            then()
            return
        asked = False

        def look() -> None:
            nonlocal asked
            missing = _rows_not_loaded(model)
            if missing == 0:
                then()
                return
            if missing is not None and not source.fetching:  # type: ignore[attr-defined]
                if asked:  # the request failed and the list reported it
                    self.busy = False
                    self._say("The rest of the list could not be loaded: nothing was exported.")
                    return
                if self._too_long(model.rowCount() + missing, fmt):
                    self.busy = False
                    return
                self._say(f"Loading the other {missing:,} rows of the list to export them...")
                asked = source.fetch_rest()  # type: ignore[attr-defined]
            QTimer.singleShot(FETCH_POLL_MS, self, look)  # not after the list's window is gone

        look()

    def _say(self, text: str) -> None:
        if self._status is not None:
            self._status(text)

    def _read(self, model: QAbstractItemModel, fmt: str, path: str, header: list[str],
              rows: list[list[Any]], references: list[str]) -> None:
        self.worker.submit(spreadsheet_out.export_list, self.services, self.actor, title=self.title(),
                           header=header, rows=rows, path=path, fmt=fmt, references=references,
                           permission=self.permission, owner=self,
                           on_success=self._done, on_error=self._failed)

    def _done(self, result: ListExport) -> None:
        self.busy = False
        self.last = result
        text = f"Exported {result.rows:,} row{'s' if result.rows != 1 else ''} to {result.path}."
        if self._status is not None:
            self._status(text)
        else:
            self.prompter.info("List exported", text + " The export is recorded in the audit trail.")
        self.exported.emit(result)

    def _failed(self, exc: BaseException) -> None:
        self.busy = False
        report_failure(self.prompter, exc, title="The list was not exported")


def _list_of(model: QAbstractItemModel) -> QAbstractItemModel:
    """The model under MODEL's proxies: the one that knows whether it holds the whole list."""
    while isinstance(model, QAbstractProxyModel) and model.sourceModel() is not None:
        model = model.sourceModel()
    return model


def _rows_not_loaded(model: QAbstractItemModel) -> int | None:
    """Rows of the list not fetched into MODEL yet (0 for every list loaded whole; None while a
    paged list is still counting), from ui.caseload_model.CaseloadModel.rows_not_loaded."""
    source = _list_of(model)
    ask = getattr(source, "rows_not_loaded", None)
    return ask() if ask is not None else 0


class _Reading(QObject):
    """The cells of MODEL as shown, read a slice at a time on the GUI thread."""

    def __init__(self, owner: TableExport, model: QAbstractItemModel, fmt: str, path: str) -> None:
        super().__init__(owner)
        self.owner, self.model, self.fmt, self.path = owner, model, fmt, path
        view = owner.view
        self.columns = [c for c in range(model.columnCount()) if not view.isColumnHidden(c)]
        self.header = [str(model.headerData(c, Qt.Orientation.Horizontal) or "") for c in self.columns]
        headings = [h.casefold() for h in self.header]
        self.reference = next((self.columns.index(c) for c, h in zip(self.columns, headings, strict=True)
                               if h in REFERENCE_HEADINGS), None)
        self.rows: list[list[Any]] = []
        self.next_row = 0
        self.changed = False
        # A list that reloads while being read would mix two lists: it is read again instead.
        for signal in (model.modelReset, model.layoutChanged, model.rowsInserted, model.rowsRemoved):
            signal.connect(self._changed)

    def start(self) -> None:
        QTimer.singleShot(0, self._step)

    def _changed(self, *_args: Any) -> None:
        self.changed = True

    def _disconnect(self) -> None:
        for signal in (self.model.modelReset, self.model.layoutChanged, self.model.rowsInserted,
                       self.model.rowsRemoved):
            signal.disconnect(self._changed)

    def _step(self) -> None:
        if self.changed:
            self._disconnect()
            self.owner.busy = False
            self.owner.prompter.info("Export again", "The list changed while it was being exported: "
                                                     "nothing was saved. Export it again.")
            self.deleteLater()
            return
        model, columns, rows = self.model, self.columns, self.rows
        total = model.rowCount()
        started = time.perf_counter()
        r = self.next_row
        index, display = model.index, Qt.ItemDataRole.DisplayRole
        while r < total and time.perf_counter() - started < SLICE_SECONDS:
            for _ in range(200):
                if r >= total:
                    break
                rows.append([index(r, c).data(display) for c in columns])
                r += 1
        self.next_row = r
        if r < total:
            QTimer.singleShot(0, self._step)
            return
        self._disconnect()
        refs = [str(row[self.reference] or "") for row in rows] if self.reference is not None else []
        self.owner._read(model, self.fmt, self.path, self.header, rows, refs)
        self.deleteLater()


def install_table_export(view: QTableView, title: str | Callable[[], str], services: Services, actor: Actor,
                         worker: Worker, prompter: Prompter, **kwargs: Any) -> TableExport:
    """Give VIEW its export actions (context menu and Ctrl+Shift+S); TITLE names the list in the
    audit trail and the file's suggested name."""
    return TableExport(view, title, services, actor, worker, prompter, **kwargs)


__all__ = ["FILTERS", "SHORTCUT", "TableExport", "install_table_export", "suggested_name"]


