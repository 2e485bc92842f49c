"""The cases the user may move (their team's; the force's for the OMU lead), several chosen at
once (Ctrl or Shift and click), and the transfer of those chosen."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from rso_manager.services.transfers import (
    MovableCase,
    TransferOptions,
    Transferred,
    transfer_options,
)
from rso_manager.services.unit_of_work import Actor, Services
from ui.kit.formatting import risk_label
from ui.kit.forms import report_failure
from ui.kit.tables import Column, ListPanel, RowsModel, sorted_list_view
from ui.prompter import Prompter
from ui.worker import Worker
from ui.workflows.transfers.dialog import TransferDialog


class MovableCasesModel(RowsModel[MovableCase]):
    def __init__(self, parent=None) -> None:
        super().__init__([
            Column("Reference", lambda c: c.reference),
            Column("Name", lambda c: c.name),
            Column("Offender manager", lambda c: c.offender_manager or "Not allocated"),
            Column("Team", lambda c: c.team or ""),
            Column("Risk", lambda c: risk_label(c.risk_level)),
        ], parent)


class TransfersPage(QWidget):
    transferred = Signal(object)  # list[Transferred]

    def __init__(self, services: Services, actor: Actor, worker: Worker, prompter: Prompter,
                 status=None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services, self._actor, self._worker, self._prompter = services, actor, worker, prompter
        self._status = status or (lambda _text: None)
        self.options: TransferOptions | None = None
        self.dialog: TransferDialog | None = None
        self.loaded = False
        layout = QVBoxLayout(self)
        about = QLabel("Move cases to another officer with a reason: choose one or more (Ctrl or Shift and "
                       "click), then Transfer. Each case keeps who managed it before in its history.")
        about.setObjectName("hint")
        about.setWordWrap(True)
        layout.addWidget(about)
        buttons = QHBoxLayout()
        self.transfer_button = QPushButton("&Transfer selected cases...")
        self.transfer_button.setEnabled(False)
        self.transfer_button.clicked.connect(self.open_transfer)
        buttons.addWidget(self.transfer_button)
        self.chosen = QLabel("No case chosen.")
        self.chosen.setObjectName("hint")
        buttons.addWidget(self.chosen)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.model = MovableCasesModel(self)
        self.view = sorted_list_view(self.model)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        header = self.view.horizontalHeader()
        for col in range(self.model.columnCount()):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.view.selectionModel().selectionChanged.connect(self._selection_changed)
        self.panel = ListPanel(self.view, "No active case you can move.")
        layout.addWidget(self.panel, 1)

    def refresh(self) -> None:
        """Read the cases again (the host calls this each time the page is shown)."""
        self.loaded = False
        self._worker.submit(transfer_options, self._services, self._actor, owner=self,
                            on_success=self._arrived, on_error=self._failed)

    def _arrived(self, options: TransferOptions) -> None:
        self.options = options
        self.model.set_rows(options.cases)
        self.panel.show_rows(len(options.cases))
        self._selection_changed()
        self.loaded = True

    def _failed(self, exc: BaseException) -> None:
        report_failure(self._prompter, exc, title="The cases could not be listed")

    def selected_cases(self) -> list[MovableCase]:
        proxy = self.view.model()
        rows = sorted(proxy.mapToSource(i).row() for i in self.view.selectionModel().selectedRows())  # type: ignore[attr-defined]
        return [self.model.row_at(r) for r in rows]

    def _selection_changed(self, *_args) -> None:
        n = len(self.selected_cases())
        self.transfer_button.setEnabled(n > 0)
        self.chosen.setText(f"{n} case{'s' if n != 1 else ''} chosen." if n else "No case chosen.")

    def open_transfer(self) -> TransferDialog | None:
        cases = self.selected_cases()
        if not cases or self.options is None:
            return None
        dialog = TransferDialog(self._services, self._actor, self._worker, self._prompter, cases, self.options,
                                parent=self)
        dialog.saved.connect(self._saved)
        self.dialog = dialog
        dialog.open()
        return dialog

    def _saved(self, moved: list[Transferred]) -> None:
        who = self.dialog.officer.currentText() if self.dialog else "the officer"
        self._status(f"Transferred {len(moved)} case{'s' if len(moved) != 1 else ''} to {who}.")
        self.refresh()
        self.transferred.emit(moved)
