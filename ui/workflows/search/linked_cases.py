"""Linked cases... (a record's toolbar): the values recorded on this case that other cases hold too.

"The link is kept on both records" (issue 15): an address, phone, device, vehicle, online
identifier or associate recorded here that another case also holds is listed with that case, both
ways, from the search index. Outside the user's link the other case shows only its reference, and
opening it asks for a recorded reason as any search result does.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QObject, Qt
from PySide6.QtGui import QAction, QBrush, QColor
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from rso_manager.domain.roles import Permission
from rso_manager.services import search
from rso_manager.services.caseload import OffenderRecord
from rso_manager.services.search import ElsewhereHit
from ui.extensions import record_action
from ui.kit.record_page import RecordContext
from ui.kit.tables import Column, ListPanel, RowRole, RowsModel, sorted_list_view
from ui.workflows.search.opening import OpenCase, case_title, opener_in

INSIDE = "In your caseload"
OUTSIDE = "Outside your caseload: opening asks for a recorded reason"
LOADING = "Reading the values this case shares with other cases..."
NONE_SHARED = ("Nothing recorded on this case (addresses, phones, devices, vehicles, online identifiers, "
               "associates) is recorded on another case.")


class LinkedModel(RowsModel[ElsewhereHit]):
    COLUMNS = (
        Column[ElsewhereHit]("Shared", lambda h: h.kind_label),
        Column[ElsewhereHit]("Other case", lambda h: h.reference),
        Column[ElsewhereHit]("What is recorded", lambda h: h.sentence),
        Column[ElsewhereHit]("Your access", lambda h: INSIDE if h.inside_link else OUTSIDE),
    )

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(self.COLUMNS, parent)

    def extra(self, row: ElsewhereHit, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.ForegroundRole and column == 3 and not row.inside_link:
            return QBrush(QColor("#52606d"))
        return None


class LinkedCasesDialog(QDialog):
    """Test seams: `model`, `panel`, `view`, `open_button`, `open_current()`."""

    def __init__(self, ctx: RecordContext, record: OffenderRecord, open_case: OpenCase | None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent if parent is not None else ctx.window)
        self.ctx, self.record, self._open_case = ctx, record, open_case
        self.setWindowTitle(f"Linked cases: {record.reference}")
        self.resize(980, 420)
        layout = QVBoxLayout(self)
        heading = QLabel(f"Linked cases: {record.name} ({record.reference})")
        heading.setObjectName("dialogHeading")
        heading.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(heading)
        hint = QLabel("Values recorded on this case that another case also holds, kept on both records. "
                      "Enter or a double-click opens the other case; outside your caseload it asks for a "
                      "recorded reason first.")
        hint.setObjectName("hint")
        hint.setWordWrap(True)
        layout.addWidget(hint)
        self.model = LinkedModel(self)
        self.view = sorted_list_view(self.model, wrap=True)
        self.view.setAccessibleName("Values shared with other cases")
        header = self.view.horizontalHeader()
        header.resizeSection(0, 150)
        header.resizeSection(1, 110)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        header.resizeSection(3, 400)
        self.view.activated.connect(self.open_index)
        self.panel = ListPanel(self.view, LOADING)
        self.panel.show_rows(0)
        layout.addWidget(self.panel, 1)
        buttons = QDialogButtonBox()
        self.open_button = buttons.addButton("Open case", QDialogButtonBox.ButtonRole.ActionRole)
        self.open_button.setEnabled(False)
        self.open_button.setVisible(open_case is not None)
        self.open_button.clicked.connect(self.open_current)
        buttons.addButton(QDialogButtonBox.StandardButton.Close).clicked.connect(self.reject)
        for button in buttons.findChildren(QPushButton):
            button.setAutoDefault(False)  # Return opens the chosen row, once
            button.setDefault(False)
        layout.addWidget(buttons)
        self.view.selectionModel().currentRowChanged.connect(
            lambda current, _previous: self.open_button.setEnabled(current.isValid()))
        self.load()

    def load(self) -> None:
        self.ctx.worker.submit(search.shared_identifiers, self.ctx.services, self.ctx.actor,
                               self.record.offender_id, owner=self, on_success=self._loaded,
                               on_error=self._failed)

    def _loaded(self, hits: tuple[ElsewhereHit, ...]) -> None:
        self.model.set_rows(hits)
        self.view.resizeRowsToContents()
        self.panel.show_rows(len(hits), NONE_SHARED)
        if hits:
            self.view.selectRow(0)
            self.view.setFocus()

    def _failed(self, exc: BaseException) -> None:
        self.panel.show_rows(0, "The linked cases could not be read.")
        self.ctx.report(exc, "Linked cases not read")

    def current_hit(self) -> ElsewhereHit | None:
        index = self.view.currentIndex()
        return index.data(RowRole) if index.isValid() else None

    def open_index(self, index: QModelIndex) -> None:
        if index.isValid():
            self.view.selectRow(index.row())
            self.open_current()

    def open_current(self) -> None:
        hit = self.current_hit()
        if hit is None or self._open_case is None:
            return
        self._open_case(hit.offender_id, case_title(hit.reference, inside_link=hit.inside_link), hit.inside_link)


@record_action(order=40)
def _linked_cases_action(ctx: RecordContext) -> QAction | None:
    if not ctx.actor.can(Permission.SEARCH):
        return None
    action = QAction("Linked cases...", ctx.window)
    action.setStatusTip("Values on this case (address, phone, vehicle...) that other cases also hold")

    def show() -> None:
        dialog = LinkedCasesDialog(ctx, ctx.record(), opener_in(ctx))
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()

    action.triggered.connect(show)
    return action
