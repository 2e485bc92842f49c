"""The administrator's File > "Force keys...": this force's name and public key (to send to
other forces, with its fingerprint to read out), and the other forces whose keys it trusts.

Adding a key is one service call with a reason (AddTrustedForceDialog); removing one asks for a
reason; both are audited by the service. Reads and saves run on the worker.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
)

from rso_manager.domain.roles import Permission
from rso_manager.services.force_transfer.signing_key import (
    ForceIdentity,
    TrustedForce,
    add_trusted_force,
    force_identity,
    list_trusted_forces,
    remove_trusted_force,
    set_force_name,
)
from rso_manager.services.unit_of_work import Actor, Services
from ui.extensions import WorkflowHost, main_window_hook
from ui.kit.dialogs import ServiceDialog
from ui.kit.formatting import fmt_datetime
from ui.kit.forms import report_failure
from ui.kit.tables import Column, ListPanel, RowRole, RowsModel, sorted_list_view
from ui.workflows.force_transfer.send import fingerprint_text

COLUMNS: list[Column[TrustedForce]] = [
    Column("Force", lambda t: t.force_name),
    # The start of the fingerprint tells keys apart; the whole of it is what is read out.
    Column("Fingerprint (start)", lambda t: fingerprint_text(t.fingerprint[:24]) + " ...",
           tooltip=lambda t: fingerprint_text(t.fingerprint)),
    Column("Added", lambda t: f"{fmt_datetime(t.added_at)} by {t.added_by}", lambda t: t.added_at),
]


def keys_and_trust(services: Services, actor: Actor) -> tuple[ForceIdentity, list[TrustedForce]]:
    """On the worker: what the dialog shows."""
    return force_identity(services, actor), list_trusted_forces(services, actor)


class AddTrustedForceDialog(ServiceDialog):
    def __init__(self, host: WorkflowHost, parent: QDialog) -> None:
        super().__init__(host.services, host.actor, host.worker, host.prompter, title="Trust another force's key",
                         heading="Trust another force's key",
                         hint="Paste the key text the other force sent. Before saving, read its fingerprint "
                              "to them by phone (or check it another way they trust): a key is only as good "
                              "as that check.", save_text="Trust this key", min_width=560, parent=parent)
        self.force = QLineEdit()
        self.force.setMaxLength(120)
        self.force.setPlaceholderText("e.g. Greater Manchester Police")
        self.row("&Force", "force_name", self.force)
        self.key = QPlainTextEdit()
        self.key.setTabChangesFocus(True)
        self.key.setFixedHeight(90)
        self.key.setPlaceholderText("RSO Manager force key\nforce: ...\nkey: ...\nfingerprint: ...")
        self.row("&Key", "public_key", self.key)
        self.reason = QLineEdit()
        self.reason.setPlaceholderText("How the key came and how it was checked")
        self.row("&Reason", "reason", self.reason)
        self.finish()

    def submit(self) -> None:
        self.call(add_trusted_force, self._services, self._actor, self.force.text(), self.key.toPlainText(),
                  self.reason.text())


class ForceNameDialog(ServiceDialog):
    def __init__(self, host: WorkflowHost, current: str, parent: QDialog) -> None:
        super().__init__(host.services, host.actor, host.worker, host.prompter, title="This force's name",
                         heading="This force's name", hint="What the files this force sends say it is.",
                         parent=parent)
        self.name = QLineEdit(current)
        self.name.setMaxLength(120)
        self.row("&Name", "force_name", self.name)
        self.reason = QLineEdit()
        self.row("&Reason", "reason", self.reason)
        self.finish()

    def submit(self) -> None:
        self.call(set_force_name, self._services, self._actor, self.name.text(), self.reason.text())


class ForceKeysDialog(QDialog):
    """Test seams: identity_text, model, panel, view, add_button, remove_button, load()."""

    def __init__(self, host: WorkflowHost) -> None:
        super().__init__(host.window)
        self.host = host
        self.identity: ForceIdentity | None = None
        self.setWindowTitle("Force keys")
        layout = QVBoxLayout(self)
        ours = QLabel("This force's key: send the text below to a force that is to receive cases from you, "
                      "and read them its fingerprint by phone.")
        ours.setWordWrap(True)
        layout.addWidget(ours)
        self.identity_text = QPlainTextEdit()
        self.identity_text.setReadOnly(True)
        self.identity_text.setFixedHeight(96)
        layout.addWidget(self.identity_text)
        line = QHBoxLayout()
        self.copy_button = QPushButton("&Copy the key text")
        self.copy_button.clicked.connect(lambda: QGuiApplication.clipboard().setText(self.identity_text.toPlainText()))
        self.name_button = QPushButton("Set this force's &name...")
        self.name_button.clicked.connect(self.set_name)
        line.addWidget(self.copy_button)
        line.addWidget(self.name_button)
        line.addStretch(1)
        layout.addLayout(line)
        theirs = QLabel("Forces whose files this force trusts:")
        layout.addWidget(theirs)
        self.model: RowsModel[TrustedForce] = RowsModel(COLUMNS, self)
        self.view = sorted_list_view(self.model)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.panel = ListPanel(self.view, "No force's key is trusted yet: files from other forces can be "
                                          "previewed but not imported. Add a force's key when it sends one.")
        layout.addWidget(self.panel, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.add_button = buttons.addButton("&Add a force's key...", QDialogButtonBox.ButtonRole.ActionRole)
        self.remove_button = buttons.addButton("&Stop trusting...", QDialogButtonBox.ButtonRole.ActionRole)
        self.add_button.clicked.connect(self.add)
        self.remove_button.clicked.connect(self.remove)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(760, 480)
        self.load()

    def load(self) -> None:
        self.host.worker.submit(keys_and_trust, self.host.services, self.host.actor,
                                owner=self, on_success=self._show, on_error=self.host.report)

    def _show(self, result: tuple[ForceIdentity, list[TrustedForce]]) -> None:
        self.identity, trusted = result
        self.identity_text.setPlainText(self.identity.public_key_text)
        self.model.set_rows(trusted)
        self.panel.show_rows(len(trusted))

    def current(self) -> TrustedForce | None:
        index = self.view.currentIndex()
        row = index.data(RowRole) if index.isValid() else None
        return row if isinstance(row, TrustedForce) else None

    def add(self) -> AddTrustedForceDialog:
        dialog = AddTrustedForceDialog(self.host, self)
        dialog.saved.connect(lambda _r: self.load())
        dialog.open()
        return dialog

    def set_name(self) -> ForceNameDialog:
        dialog = ForceNameDialog(self.host, self.identity.force_name if self.identity else "", self)
        dialog.saved.connect(lambda _r: self.load())
        dialog.open()
        return dialog

    def remove(self) -> None:
        chosen = self.current()
        if chosen is None:
            self.host.prompter.info("Stop trusting a key", "Choose a force in the list first.")
            return
        reason = self.host.prompter.ask_reason(
            "Stop trusting a key", f"Why files signed by {chosen.force_name}'s key are no longer to be imported:")
        if reason is None:
            return
        self.host.worker.submit(remove_trusted_force, self.host.services, self.host.actor, chosen.fingerprint,
                                reason, owner=self, on_success=lambda _r: self.load(),
                                on_error=lambda exc: report_failure(self.host.prompter, exc, title="Still trusted"))


class ForceKeysController:
    def __init__(self, host: WorkflowHost) -> None:
        self.host = host
        self.dialog: ForceKeysDialog | None = None
        self.action = QAction("Force &keys...", host.window)
        self.action.setStatusTip("This force's key for case transfers, and the other forces' keys it trusts")
        self.action.triggered.connect(self.open)

    def open(self) -> ForceKeysDialog:
        if self.dialog is not None and self.dialog.isVisible():
            self.dialog.raise_()
            return self.dialog
        self.dialog = ForceKeysDialog(self.host)
        self.dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)
        self.dialog.open()
        return self.dialog


@main_window_hook(order=71)
def install(host: WorkflowHost) -> None:
    if not host.actor.can(Permission.MANAGE_USERS):
        return
    controller = ForceKeysController(host)
    host.add_menu_action("file", controller.action, order=41)
    host.add_part(controller)
