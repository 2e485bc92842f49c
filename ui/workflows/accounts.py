"""The administrator's account management: new accounts and teams, and changes to an account
(role, team, ViSOR/MOSOVO training, closing, unlocking) with a recorded reason. The rules
(password policy, who may do this, what is audited) are the users service's."""

from __future__ import annotations

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from rso_manager.domain.roles import Permission, Role
from rso_manager.services.errors import FieldProblem, ValidationFailed
from rso_manager.services.second_factor import (
    ALWAYS_REQUIRED,
    everyone_required,
    set_required_for_everyone,
)
from rso_manager.services.users import UserInfo, change_user, create_team, create_user, list_teams
from ui.extensions import main_window_hook
from ui.kit.forms import FieldErrors, add_row, report_failure
from ui.login import PASSWORD_RULES


class _AccountDialog(QDialog):
    """Runs one users-service call on the worker; problems appear beside their fields."""

    def __init__(self, window, title: str) -> None:
        super().__init__(window)
        self.window_ = window
        self.setWindowTitle(title)
        self.setMinimumWidth(520)
        self.layout_ = QVBoxLayout(self)
        self.errors = FieldErrors()
        self.layout_.addWidget(self.errors.general)
        self.form = QFormLayout()
        self.layout_.addLayout(self.form)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        self.layout_.addWidget(self.buttons)

    def _run(self, fn, *args, **kwargs) -> None:
        self.buttons.setEnabled(False)
        self.window_.worker.submit(fn, *args, owner=self, on_success=self._saved, on_error=self._failed, **kwargs)

    def _saved(self, _result) -> None:
        self.window_._load_users()
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.buttons.setEnabled(True)
        if isinstance(exc, ValidationFailed):
            self.errors.show(exc)
        else:
            report_failure(self.window_.prompter, exc, title="Not saved")

    def save(self) -> None:  # pragma: no cover - overridden
        raise NotImplementedError


def _team_combo(teams, current: int | None = None, *, none_label: str = "No team") -> QComboBox:
    combo = QComboBox()
    combo.addItem(none_label, None)
    for team in teams:
        combo.addItem(team.name, team.id)
    if current is not None:
        combo.setCurrentIndex(max(0, combo.findData(current)))
    return combo


class NewAccountDialog(_AccountDialog):
    def __init__(self, window, teams) -> None:
        super().__init__(window, "New account")
        codes = " and ".join(r.label.lower() + "s" for r in Role if r in ALWAYS_REQUIRED)
        hint = QLabel(f"{PASSWORD_RULES}\n\nOnly ViSOR/MOSOVO-trained staff can make case entries or hold "
                      f"cases. {codes[0].upper()}{codes[1:]} also sign in with a one-time code, set up at "
                      "their first sign-in.")
        hint.setObjectName("hint")
        hint.setWordWrap(True)
        self.layout_.insertWidget(0, hint)
        self.username, self.display_name = QLineEdit(), QLineEdit()
        self.password, self.password_again = QLineEdit(), QLineEdit()
        for field in (self.password, self.password_again):
            field.setEchoMode(QLineEdit.EchoMode.Password)
        self.role = QComboBox()
        for role in Role:
            self.role.addItem(role.label, role.value)
        self.team = _team_combo(teams)
        self.trained = QCheckBox("ViSOR/MOSOVO trained (accredited)")
        add_row(self.form, "&Username", self.errors, "username", self.username)
        add_row(self.form, "&Full name", self.errors, "display_name", self.display_name)
        add_row(self.form, "&Password", self.errors, "password", self.password)
        add_row(self.form, "Password &again", self.errors, "password_again", self.password_again)
        add_row(self.form, "&Role", self.errors, "role", self.role)
        add_row(self.form, "&Team", self.errors, "team_id", self.team)
        add_row(self.form, "", self.errors, "trained", self.trained)

    def save(self) -> None:
        if self.password.text() != self.password_again.text():
            self.errors.show(ValidationFailed(FieldProblem("password_again", "The two passwords differ; type the same password twice.")))
            return
        self._run(create_user, self.window_.services, self.window_.actor,
                  username=self.username.text().strip(), display_name=self.display_name.text(),
                  password=self.password.text(), role=Role(self.role.currentData()),
                  team_id=self.team.currentData(), trained=self.trained.isChecked())


class ChangeAccountDialog(_AccountDialog):
    def __init__(self, window, user: UserInfo, teams) -> None:
        super().__init__(window, f"Change account: {user.display_name}")
        self.user = user
        self.role = QComboBox()
        for role in Role:
            self.role.addItem(role.label, role.value)
        self.role.setCurrentIndex(self.role.findData(user.role.value))
        self.team = _team_combo(teams, user.team_id)
        self.trained = QCheckBox("ViSOR/MOSOVO trained (accredited)")
        self.trained.setChecked(user.trained)
        self.active = QCheckBox("Account open (untick to close it; the account and its history stay)")
        self.active.setChecked(user.active)
        self.unlock = QCheckBox("Unlock after failed logins")
        self.unlock.setEnabled(user.locked_until is not None)
        self.reset_code = QCheckBox("Reset the sign-in code (lost or replaced phone; a new one is set "
                                    "up at the next sign-in)")
        self.reset_code.setEnabled(user.second_factor)
        self.reason = QLineEdit()
        self.reason.setPlaceholderText("Why is this account changing?")
        add_row(self.form, "&Role", self.errors, "role", self.role)
        add_row(self.form, "&Team", self.errors, "team_id", self.team)
        add_row(self.form, "", self.errors, "trained", self.trained)
        add_row(self.form, "", self.errors, "active", self.active)
        add_row(self.form, "", self.errors, "unlock", self.unlock)
        add_row(self.form, "", self.errors, "reset_second_factor", self.reset_code)
        add_row(self.form, "R&eason", self.errors, "reason", self.reason)

    def save(self) -> None:
        self._run(change_user, self.window_.services, self.window_.actor, self.user.id, self.user.version_id,
                  reason=self.reason.text(), role=Role(self.role.currentData()),
                  team_id=self.team.currentData(), trained=self.trained.isChecked(),
                  active=self.active.isChecked(), unlock=self.unlock.isChecked(),
                  reset_second_factor=self.reset_code.isChecked())


class NewTeamDialog(_AccountDialog):
    def __init__(self, window) -> None:
        super().__init__(window, "New team")
        self.name = QLineEdit()
        add_row(self.form, "Team &name", self.errors, "name", self.name)

    def save(self) -> None:
        self._run(create_team, self.window_.services, self.window_.actor, self.name.text())


class Accounts:
    """Buttons on the administrator's accounts page and the dialogs behind them."""

    def __init__(self, window) -> None:
        self.window = window
        self.dialog: QDialog | None = None
        bar = QHBoxLayout()
        self.new_button = QPushButton("New account...")
        self.new_button.setShortcut(QKeySequence("Ctrl+Shift+U"))
        self.new_button.clicked.connect(self.new_account)
        self.change_button = QPushButton("Change account...")
        self.change_button.clicked.connect(self.change_selected)
        self.team_button = QPushButton("New team...")
        self.team_button.clicked.connect(self.new_team)
        self.codes_button = QPushButton("Sign-in codes for everyone")
        self.codes_button.setCheckable(True)
        self.codes_button.setToolTip("When on, every account (not only administrators and the OMU lead) "
                                     "signs in with a one-time code")
        self.codes_button.clicked.connect(self.toggle_codes_for_everyone)
        for button in (self.new_button, self.change_button, self.team_button, self.codes_button):
            bar.addWidget(button)
        bar.addStretch(1)
        holder = QWidget()
        holder.setLayout(bar)
        page_layout = window.admin_page.layout()
        page_layout.insertWidget(page_layout.indexOf(window.users_table), holder)
        window.users_table.doubleClicked.connect(lambda _i: self.change_selected())
        action = QAction("New &account...", window)
        action.triggered.connect(self.new_account)
        window.add_menu_action("file", action, order=10)
        window.worker.submit(everyone_required, window.services, owner=window,
                             on_success=self.codes_button.setChecked, on_error=window.report)

    def toggle_codes_for_everyone(self) -> None:
        wanted = self.codes_button.isChecked()
        self.codes_button.setChecked(not wanted)  # until saved
        reason = self.window.prompter.ask_reason(
            "Sign-in codes for every account",
            ("Every account will sign in with a one-time code, set up at its next sign-in. "
             if wanted else "Only administrators and the OMU lead will need a one-time code. ")
            + "Why is this changing?")
        if reason is None:
            return
        self.window.worker.submit(set_required_for_everyone, self.window.services, self.window.actor, wanted,
                                  reason, owner=self.window,
                                  on_success=lambda _r: self.codes_button.setChecked(wanted),
                                  on_error=self.window.report)

    def _with_teams(self, build) -> None:
        self.window.worker.submit(list_teams, self.window.services, owner=self.window,
                                  on_success=lambda teams: self._show(build(teams)),
                                  on_error=self.window.report)

    def _show(self, dialog: QDialog) -> None:
        self.dialog = dialog
        dialog.open()

    def new_account(self) -> None:
        self._with_teams(lambda teams: NewAccountDialog(self.window, teams))

    def new_team(self) -> None:
        self._show(NewTeamDialog(self.window))

    def selected_user(self) -> UserInfo | None:
        rows = self.window.users_table.selectionModel().selectedRows()
        return self.window.users_model.rows()[rows[0].row()] if rows else None

    def change_selected(self) -> None:
        user = self.selected_user()
        if user is None:
            self.window.prompter.info("Change account", "Select the account to change in the list first.")
            return
        self._with_teams(lambda teams: ChangeAccountDialog(self.window, user, teams))


@main_window_hook(order=100)
def install(window) -> None:
    if window.actor.can(Permission.MANAGE_USERS) and hasattr(window, "admin_page"):
        window.add_part(Accounts(window))
