"""Search the force (Ctrl+K): one box over names, aliases, dates of birth, PNC numbers, addresses,
phones, IMEIs, vehicles, online identifiers and associates on every case (issue 15).

Type and press Enter (or pause): the cases come back grouped, best first, each with a line per
thing that matched. A case outside the user's link shows only its reference, name and offender
manager, and opening it asks for a recorded reason that the case supervisor reviews.

The search runs on the worker; an answer to a query the user has since changed is dropped, so
the list always belongs to the text in the box. Each search is audited by the service.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt, QTimer
from PySide6.QtGui import QBrush, QColor, QFont, QKeyEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from rso_manager.domain.roles import Permission
from rso_manager.services import search
from rso_manager.services.errors import ValidationFailed
from rso_manager.services.search import CaseHit, SearchResults
from rso_manager.services.unit_of_work import Actor, Services
from ui.kit.forms import FieldErrors, report_failure
from ui.kit.table_export import install_table_export
from ui.kit.tables import Column, ListPanel, RowRole, RowsModel, sorted_list_view
from ui.prompter import Prompter
from ui.worker import Worker
from ui.workflows.search.opening import OpenCase, case_title

OUTSIDE_NOTE = "Outside your caseload: opening asks for a recorded reason"
FIRST_TEXT = ("Type a name, alias, date of birth, PNC number, address or postcode, phone, IMEI, "
              "vehicle registration or online identifier, then press Enter.")
PAUSE_MS = 500  # a pause in typing searches, as Enter does
GREY = QColor("#52606d")


def matched_text(hit: CaseHit) -> str:
    """What matched, a line each; outside the link only that opening it needs a reason."""
    if not hit.inside_link:
        return OUTSIDE_NOTE
    return "\n".join(m.sentence for m in hit.matches) or "Matched on the case itself"


class ResultsModel(RowsModel[CaseHit]):
    COLUMNS = (
        Column[CaseHit]("Reference", lambda h: h.reference),
        Column[CaseHit]("Name", lambda h: h.name),
        Column[CaseHit]("Offender manager", lambda h: h.offender_manager),
        Column[CaseHit]("What matched", matched_text, sort=lambda h: -h.score),
    )

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(self.COLUMNS, parent)

    def extra(self, row: CaseHit, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.TextAlignmentRole:
            # The case's reference and name beside the first thing that matched.
            return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        if row.inside_link:
            return None
        if role == Qt.ItemDataRole.ForegroundRole and column == 3:
            return QBrush(GREY)
        if role == Qt.ItemDataRole.FontRole and column == 3:
            font = QFont()
            font.setItalic(True)
            return font
        return None


class SearchDialog(QDialog):
    """Non-modal, one per main window: Ctrl+K brings it back with the last query and results.

    Test seams: `box`, `view`, `panel`, `status`, `errors`, `run()`, `hits()`, `open_current()`."""

    def __init__(self, services: Services, actor: Actor, worker: Worker, prompter: Prompter,
                 open_case: OpenCase, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services, self._actor, self._worker, self._prompter = services, actor, worker, prompter
        self._open_case = open_case
        self._asked = 0  # the number of the newest search: older answers are dropped
        self._shown_query: str | None = None  # the text the list is the answer to
        self.setWindowTitle("Search the force")
        self.setModal(False)
        self.resize(960, 560)
        layout = QVBoxLayout(self)
        heading = QLabel("Search every case in the force")
        heading.setObjectName("dialogHeading")
        layout.addWidget(heading)
        hint = QLabel("Up and Down choose a case, Enter opens it. A case outside your caseload shows only "
                      "its reference, name and offender manager; opening it asks for a recorded reason, "
                      "which your case supervisor reviews. Every search is recorded in the audit trail.")
        hint.setObjectName("hint")
        hint.setWordWrap(True)
        layout.addWidget(hint)
        self.box = QLineEdit()
        self.box.setPlaceholderText("e.g. 07700 900123, NM1 2AB, AB12 CDE, Smith John, 17/05/1980")
        self.box.setAccessibleName("Search text")
        self.box.setClearButtonEnabled(True)
        self.box.setMaxLength(200)
        self.errors = FieldErrors()
        layout.addWidget(self.errors.add("text", self.box))
        self.status = QLabel()
        self.status.setObjectName("countLabel")
        layout.addWidget(self.status)
        self.model = ResultsModel(self)
        self.view = sorted_list_view(self.model, wrap=True)
        self.view.setAccessibleName("Cases found")
        header = self.view.horizontalHeader()
        for column, width in ((0, 110), (1, 200), (2, 160)):
            header.resizeSection(column, width)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.view.setVerticalScrollMode(self.view.ScrollMode.ScrollPerPixel)
        self.view.activated.connect(lambda index: self.open_index(index))
        # Right-click or Ctrl+Shift+S: the results as shown (outside the caseload, only what
        # the list shows of a case), audited as an export.
        self.export = install_table_export(
            self.view, lambda: f"Search results for {self._shown_query or ''}".strip(), services, actor,
            worker, prompter, permission=Permission.SEARCH)
        self.panel = ListPanel(self.view, FIRST_TEXT)
        self.panel.show_rows(0)
        layout.addWidget(self.panel, 1)
        buttons = QDialogButtonBox()
        self.open_button = buttons.addButton("Open case", QDialogButtonBox.ButtonRole.ActionRole)
        self.open_button.setEnabled(False)
        self.open_button.clicked.connect(self.open_current)
        close = buttons.addButton(QDialogButtonBox.StandardButton.Close)
        close.clicked.connect(self.reject)
        for button in buttons.findChildren(QPushButton):
            # Return belongs to the box (search, or open the chosen case) and to the list (open):
            # no button may take it too and open a case the new text no longer found.
            button.setAutoDefault(False)
            button.setDefault(False)
        layout.addWidget(buttons)
        self.view.selectionModel().currentRowChanged.connect(
            lambda current, _previous: self.open_button.setEnabled(current.isValid()))

        self.pause = QTimer(self)
        self.pause.setSingleShot(True)
        self.pause.setInterval(PAUSE_MS)
        self.pause.timeout.connect(self._paused)
        self.box.textEdited.connect(self._typed)
        self.box.installEventFilter(self)
        # Read the names in while the officer types the first query (seconds on a large force);
        # a failure here is the search's to report, so it is left to the first search.
        worker.submit(search.prepare, services, actor, owner=self, on_error=lambda _exc: None)

    # --- searching ------------------------------------------------------------------------------

    def _typed(self, _text: str) -> None:
        self.errors.clear()
        self.pause.start()

    def _paused(self) -> None:
        if len(self.box.text().strip()) >= 2:  # a shorter text is said only when Enter asks for it
            self.run()

    def _return_in_box(self) -> None:
        if self._current_query() == self._shown_query and self.current_hit() is not None:
            self.open_current()
        else:
            self.run()

    def _current_query(self) -> str:
        return " ".join(self.box.text().split())

    def run(self) -> None:
        """Search for what is in the box now; the answer replaces the list if it is still wanted."""
        self.pause.stop()
        query = self._current_query()
        if query == self._shown_query:
            return
        self._asked += 1
        asked = self._asked
        self.status.setText(f"Searching for \u201c{query}\u201d...")
        self._worker.submit(search.search, self._services, self._actor, query, owner=self,
                            on_success=lambda results: self._answered(asked, query, results),
                            on_error=lambda exc: self._failed(asked, exc))

    def _answered(self, asked: int, query: str, results: SearchResults) -> None:
        if asked != self._asked:
            return  # the user typed on: this answer is to a question no longer asked
        self.errors.clear()
        self._shown_query = query
        self.model.set_rows(results.hits)
        self.view.resizeRowsToContents()
        count = len(results.hits)
        self.panel.show_rows(count, f"Nothing on any case matches \u201c{query}\u201d. Check the spelling, "
                                    "or try a date of birth, postcode, phone number or registration.")
        cases = "1 case" if count == 1 else f"{count} cases"
        more = ": the best shown, add to the text to narrow it" if results.truncated else ""
        self.status.setText(f"{cases} for \u201c{query}\u201d{more}" if count else "")
        self.open_button.setEnabled(bool(count))
        if count:
            self.view.selectRow(0)

    def _failed(self, asked: int, exc: BaseException) -> None:
        if asked != self._asked:
            return
        self.status.clear()
        report_failure(self._prompter, exc, title="No search made", errors=self.errors)
        if isinstance(exc, ValidationFailed):
            self.box.setFocus()

    # --- choosing and opening -------------------------------------------------------------------

    def hits(self) -> list[CaseHit]:
        """The cases in the order shown."""
        proxy = self.view.model()
        return [proxy.index(r, 0).data(RowRole) for r in range(proxy.rowCount())]

    def current_hit(self) -> CaseHit | None:
        index = self.view.currentIndex()
        return index.data(RowRole) if index.isValid() else None

    def open_index(self, index: QModelIndex) -> None:
        if index.isValid():
            self.view.selectRow(index.row())
            self.open_current()

    def open_current(self) -> None:
        hit = self.current_hit()
        if hit is None:
            return
        self.hide()  # the reason dialog comes next; Ctrl+K brings the results back
        self._open_case(hit.offender_id, case_title(hit.reference, hit.name, hit.offender_manager,
                                                    inside_link=hit.inside_link), hit.inside_link)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if watched is self.box and event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self._return_in_box()  # taken here, so the dialog never passes it to a button
                return True
            # Up and Down in the box move through the results, so the hands stay on the keys.
            if event.key() in (Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_PageUp, Qt.Key.Key_PageDown):
                self._move(event.key())
                return True
        return super().eventFilter(watched, event)

    def _move(self, key: int) -> None:
        rows = self.view.model().rowCount()
        if not rows:
            return
        current = self.view.currentIndex().row()
        step = {Qt.Key.Key_Up: -1, Qt.Key.Key_Down: 1, Qt.Key.Key_PageUp: -5, Qt.Key.Key_PageDown: 5}[Qt.Key(key)]
        row = max(0, min(rows - 1, (current if current >= 0 else -1) + step))
        self.view.selectRow(row)
        self.view.scrollTo(self.view.model().index(row, 0))

    def bring_back(self) -> None:
        """Show (again) with the box ready: its text selected, so typing starts a new search."""
        self.show()
        self.raise_()
        self.activateWindow()
        self.box.setFocus()
        self.box.selectAll()


class SearchLauncher:
    """One search dialog per main window, made on first use and brought back after (the host
    keeps this as a part: tests find the dialog through it)."""

    def __init__(self, make: Callable[[], SearchDialog]) -> None:
        self._make = make
        self.dialog: SearchDialog | None = None

    def show(self) -> SearchDialog:
        if self.dialog is None:
            self.dialog = self._make()
        self.dialog.bring_back()
        return self.dialog
