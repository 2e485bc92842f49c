"""File > Designated police stations, for the administrator: the stations where offenders may
notify (s.87(1), (2A)). A station is never deleted, only taken off the list."""

from __future__ import annotations

from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from rso_manager.domain.roles import Permission
from rso_manager.services import notifications as nt
from rso_manager.services.unit_of_work import Actor, Services
from ui.extensions import WorkflowHost, main_window_hook
from ui.kit.forms import report_failure
from ui.kit.tables import Column, RowsModel, sorted_list_view
from ui.prompter import Prompter
from ui.worker import Worker
from ui.workflows.notifications.dialog_frame import NotificationDialog


class StationsModel(RowsModel[nt.StationView]):
    def __init__(self, parent=None) -> None:
        super().__init__([
            Column("Code", lambda s: s.code),
            Column("Station", lambda s: s.name),
            Column("Designated (s.87)", lambda s: "Yes" if s.designated else "No: notifications refused here"),
        ], parent)


class StationDialog(NotificationDialog):
    """Add a station or change one; a station is never deleted, only taken off the list."""

    def __init__(self, services: Services, actor: Actor, worker: Worker, prompter: Prompter,
                 station: nt.StationView | None, parent: QWidget | None = None) -> None:
        super().__init__(services, actor, worker, prompter, None,
                         "Change a police station" if station else "Add a police station",
                         "Keep this list the same as the chief officer's published list of stations "
                         "where offenders may notify (s.87(1), (2A)).", parent=parent)
        self.code = QLineEdit(station.code if station else "")
        self.code.setMaxLength(20)
        self.code.setReadOnly(station is not None)
        self.row("&Code", "code", self.code)
        self.name = QLineEdit(station.name if station else "")
        self.name.setMaxLength(120)
        self.row("&Name", "name", self.name)
        self.designated = QCheckBox("On the designated list: offenders may notify here")
        self.designated.setChecked(station.designated if station else True)
        self.row("&Designated", "designated", self.designated)
        self.finish()
        (self.name if station else self.code).setFocus()

    def submit(self) -> None:
        self.call(nt.save_station, self._services, self._actor, self.code.text(), self.name.text(),
                  self.designated.isChecked())


class StationsDialog(QDialog):
    """File > Designated police stations: the list an offender may notify at."""

    def __init__(self, services: Services, actor: Actor, worker: Worker, prompter: Prompter,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services, self._actor, self._worker, self._prompter = services, actor, worker, prompter
        self.setWindowTitle("Designated police stations")
        self.resize(680, 420)
        layout = QVBoxLayout(self)
        heading = QLabel("Designated police stations")
        heading.setObjectName("dialogHeading")
        layout.addWidget(heading)
        hint = QLabel("Offenders may notify only at a station on this list (s.87(1)). A station taken off "
                      "the list stays here, marked not designated, because past notifications name it.")
        hint.setObjectName("hint")
        hint.setWordWrap(True)
        layout.addWidget(hint)
        self.model = StationsModel(self)
        self.view = sorted_list_view(self.model)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.view.doubleClicked.connect(lambda _i: self.edit())
        layout.addWidget(self.view, 1)
        row = QHBoxLayout()
        self.add_button = QPushButton("&Add a station...")
        self.add_button.clicked.connect(lambda: self.edit(new=True))
        self.edit_button = QPushButton("&Change...")
        self.edit_button.clicked.connect(lambda: self.edit())
        row.addWidget(self.add_button)
        row.addWidget(self.edit_button)
        row.addStretch(1)
        close = QPushButton("Close")
        close.clicked.connect(self.accept)
        row.addWidget(close)
        layout.addLayout(row)
        self.editor: StationDialog | None = None
        self.refresh()

    def refresh(self) -> None:
        self._worker.submit(nt.list_stations, self._services, owner=self, on_success=self.model.set_rows,
                            on_error=lambda e: report_failure(self._prompter, e, title="Stations not loaded"))

    def selected(self) -> nt.StationView | None:
        rows = self.view.selectionModel().selectedRows()
        if not rows:
            return None
        return self.model.row_at(self.view.model().mapToSource(rows[0]).row())

    def edit(self, new: bool = False) -> StationDialog | None:
        station = None if new else self.selected()
        if not new and station is None:
            return None
        self.editor = StationDialog(self._services, self._actor, self._worker, self._prompter, station, parent=self)
        self.editor.saved.connect(lambda _s: self.refresh())
        self.editor.open()
        return self.editor


class StationsMenu:
    """File > Designated police stations, for the administrator."""

    def __init__(self, host: WorkflowHost) -> None:
        self.host = host
        self.dialog: StationsDialog | None = None
        self.action = QAction("Designated police &stations...", host.window)
        self.action.setObjectName("designatedStationsAction")  # the settings dialog opens it
        self.action.setStatusTip("The stations where offenders may notify (s.87)")
        self.action.triggered.connect(self.open)
        host.add_menu_action("file", self.action, order=80)

    def open(self) -> StationsDialog:
        host = self.host
        self.dialog = StationsDialog(host.services, host.actor, host.worker, host.prompter, parent=host.window)
        self.dialog.open()
        return self.dialog


@main_window_hook(order=90)
def stations_menu(host: WorkflowHost) -> None:
    if host.actor.can(Permission.MANAGE_USERS):
        host.add_part(StationsMenu(host))
