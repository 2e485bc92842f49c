"""The administrator's accounts page: every account, new accounts and teams, and changes to an account
(role, team, ViSOR/MOSOVO training, closing, unlocking) with a recorded reason. The rules
(password policy, who may do this, what is audited) are the users service's.

Each account shows how it signs in: with its local password, or through the force's directory
(issue 17 part 2), whose groups then set its role, training and team. Linking a local account to
the directory is the directory sign-in service's, with a reason, audited."""

from __future__ import annotations

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from rso_manager.domain.directory_mapping import SignIn
from rso_manager.domain.roles import Permission, Role
from rso_manager.services.briefings import TeamPatch, set_team_patch, team_patches
from rso_manager.services.directory_sign_in import AccountsSignIn, accounts_sign_in, link_account
from rso_manager.services.errors import FieldProblem, ValidationFailed
from rso_manager.services.second_factor import (
    ALWAYS_REQUIRED,
    everyone_required,
    set_required_for_everyone,
)
from rso_manager.services.users import (
    UserInfo,
    change_user,
    create_team,
    create_user,
    list_teams,
    list_users,
)
from ui.extensions import WorkflowHost, main_window_hook
from ui.kit.dialogs import ServiceDialog
from ui.kit.tables import Column, configure_list_view
from ui.login import PASSWORD_RULES
from ui.table_models import USER_COLUMNS, UsersModel


class _AccountDialog(ServiceDialog):
    """One users-service call; problems appear beside their fields."""

    def __init__(self, host: WorkflowHost, title: str, *, hint: str = "") -> None:
        super().__init__(host.services, host.actor, host.worker, host.prompter, title=title, heading=title,
                         hint=hint, parent=host.window)
        self.setMinimumWidth(520)

    def save(self) -> None:
        self.submit()


def _team_combo(teams, current: int | None = None, *, none_label: str = "No team") -> QComboBox:
    combo = QComboBox()
    combo.addItem(none_label, None)
    for team in teams:
        combo.addItem(team.name, team.id)
    if current is not None:
        combo.setCurrentIndex(max(0, combo.findData(current)))
    return combo


class NewAccountDialog(_AccountDialog):
    def __init__(self, host: WorkflowHost, teams) -> None:
        codes = " and ".join(r.label.lower() + "s" for r in Role if r in ALWAYS_REQUIRED)
        super().__init__(host, "New account", hint=(
            f"{PASSWORD_RULES}\n\nOnly ViSOR/MOSOVO-trained staff can make case entries or hold "
            f"cases. {codes[0].upper()}{codes[1:]} also sign in with a one-time code, set up at "
            "their first sign-in."))
        self.username, self.display_name = QLineEdit(), QLineEdit()
        self.password, self.password_again = QLineEdit(), QLineEdit()
        for field in (self.password, self.password_again):
            field.setEchoMode(QLineEdit.EchoMode.Password)
        self.role = QComboBox()
        for role in Role:
            self.role.addItem(role.label, role.value)
        self.team = _team_combo(teams)
        self.trained = QCheckBox("ViSOR/MOSOVO trained (accredited)")
        self.row("&Username", "username", self.username)
        self.row("&Full name", "display_name", self.display_name)
        self.row("&Password", "password", self.password)
        self.row("Password &again", "password_again", self.password_again)
        self.row("&Role", "role", self.role)
        self.row("&Team", "team_id", self.team)
        self.row("", "trained", self.trained)
        self.finish()

    def submit(self) -> None:
        if self.password.text() != self.password_again.text():
            self.errors.show(ValidationFailed(FieldProblem("password_again", "The two passwords differ; type the same password twice.")))
            return
        self.call(create_user, self._services, self._actor,
                  username=self.username.text().strip(), display_name=self.display_name.text(),
                  password=self.password.text(), role=Role(self.role.currentData()),
                  team_id=self.team.currentData(), trained=self.trained.isChecked())


class ChangeAccountDialog(_AccountDialog):
    def __init__(self, host: WorkflowHost, user: UserInfo, teams) -> None:
        super().__init__(host, f"Change account: {user.display_name}")
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
        self.row("&Role", "role", self.role)
        self.row("&Team", "team_id", self.team)
        self.row("", "trained", self.trained)
        self.row("", "active", self.active)
        self.row("", "unlock", self.unlock)
        self.row("", "reset_second_factor", self.reset_code)
        self.row("R&eason", "reason", self.reason)
        self.finish()

    def submit(self) -> None:
        self.call(change_user, self._services, self._actor, self.user.id, self.user.version_id,
                  reason=self.reason.text(), role=Role(self.role.currentData()),
                  team_id=self.team.currentData(), trained=self.trained.isChecked(),
                  active=self.active.isChecked(), unlock=self.unlock.isChecked(),
                  reset_second_factor=self.reset_code.isChecked())


class NewTeamDialog(_AccountDialog):
    def __init__(self, host: WorkflowHost) -> None:
        super().__init__(host, "New team")
        self.name = QLineEdit()
        self.row("Team &name", "name", self.name)
        self.finish()

    def submit(self) -> None:
        self.call(create_team, self._services, self._actor, self.name.text())


class TeamPatchDialog(_AccountDialog):
    """A team's patch as postcode districts: the area its frontline briefings cover."""

    def __init__(self, host: WorkflowHost, patches: list[TeamPatch]) -> None:
        super().__init__(host, "Team patch", hint=(
            "The postcode districts the team covers (the first half of the postcode, e.g. LS1 LS2 LS6). "
            "Frontline briefings for the team's patch show the cases whose current home is in them."))
        self.patches = {p.id: p for p in patches}
        self.team = QComboBox()
        for p in patches:
            self.team.addItem(p.name, p.id)
        self.districts = QLineEdit()
        self.districts.setPlaceholderText("e.g. LS1 LS2 LS6 (empty: no patch)")
        self.team.currentIndexChanged.connect(self._team_changed)
        self.row("&Team", "team_id", self.team)
        self.row("Postcode &districts", "districts", self.districts)
        self._team_changed()
        self.finish()

    def _team_changed(self, _index: int = 0) -> None:
        chosen = self.patches.get(self.team.currentData())
        self.districts.setText(chosen.text if chosen else "")

    def submit(self) -> None:
        chosen = self.patches.get(self.team.currentData())
        if chosen is None:
            return
        self.call(set_team_patch, self._services, self._actor, chosen.id, chosen.version_id, self.districts.text())


class LinkToDirectoryDialog(_AccountDialog):
    """Make a local account a directory account, with a reason (directory_sign_in.link_account)."""

    def __init__(self, host: WorkflowHost, user: UserInfo, directory_on: bool) -> None:
        off = ("" if directory_on else
               "\n\nDirectory sign-in is not switched on yet (File > Settings, Directory sign-in): until it "
               "is, this account signs in with its local password if it is kept, and not at all if not.")
        super().__init__(host, f"Link to directory account: {user.display_name}", hint=(
            f"From its next sign-in, \"{user.username}\" signs in with the force's directory password of the "
            f"same sign-in name, and its role, ViSOR/MOSOVO training and team follow its directory groups "
            f"(a person in no RSO Manager group cannot sign in). Its history here stays with it.{off}"))
        self.user = user
        self.keep_local = QCheckBox("Keep the local password, for when the directory does not answer")
        self.keep_local.setToolTip("Used only if the directory settings allow a local password when the "
                                   "directory is down")
        self.keep_local.setAccessibleName("Keep the local password for when the directory does not answer")
        self.reason = QLineEdit()
        self.reason.setPlaceholderText("e.g. OMU staff now sign in with their force accounts (change 2026/114)")
        self.reason.setAccessibleName("Reason for linking the account")
        self.row("", "keep_local_password", self.keep_local)
        self.row("R&eason", "reason", self.reason)
        self.finish()

    def submit(self) -> None:
        self.call(link_account, self._services, self._actor, self.user.id, self.user.version_id,
                  reason=self.reason.text(), keep_local_password=self.keep_local.isChecked())


def _accounts_and_sign_in(services, actor) -> tuple[list[UserInfo], AccountsSignIn]:
    """Run on the worker: the accounts, and how each signs in."""
    return list_users(services, actor), accounts_sign_in(services, actor)


class AccountsModel(UsersModel):
    """The accounts, with how each signs in (read alongside them, by account id)."""

    def __init__(self, parent=None) -> None:
        # UserInfo does not carry the sign-in source, so it is looked up here by account id.
        signs_in = Column("Signs in with", lambda u: self.sign_in_of(u).label)
        super().__init__(parent, columns=(*USER_COLUMNS[:6], signs_in, *USER_COLUMNS[6:]))
        self.sign_in = AccountsSignIn(False, {})

    def sign_in_of(self, user: UserInfo) -> SignIn:
        return self.sign_in.by_user.get(user.id, SignIn(False, True))

    def set_accounts(self, listed: tuple[list[UserInfo], AccountsSignIn]) -> None:
        users, self.sign_in = listed
        self.set_rows(users)


class AccountsPage(QWidget):
    """The administrator's page: every account, and the buttons that change them."""

    def __init__(self, host: WorkflowHost) -> None:
        super().__init__()
        self.host = host
        layout = QVBoxLayout(self)
        title = QLabel("User accounts")
        title.setObjectName("pageTitle")
        layout.addWidget(title)
        note = QLabel("As an administrator you manage accounts and the audit trail. Administrators "
                      "have no caseload and cannot open offender records (Data Protection Act 2018, "
                      "s.57: data is seen only by those who need it). Every change to an account "
                      "is audited with its reason.")
        note.setWordWrap(True)
        note.setObjectName("hint")
        layout.addWidget(note)
        self.bar = QHBoxLayout()
        layout.addLayout(self.bar)
        self.model = AccountsModel(self)
        self.table = QTableView()
        self.table.setObjectName("usersTable")
        self.table.setModel(self.model)
        configure_list_view(self.table)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        layout.addWidget(self.table, 1)

    def refresh(self) -> None:
        self.host.worker.submit(_accounts_and_sign_in, self.host.services, self.host.actor, owner=self,
                                on_success=self.model.set_accounts, on_error=self.host.report)


class Accounts:
    """The accounts page, its buttons and the dialogs behind them."""

    def __init__(self, host: WorkflowHost) -> None:
        self.host = host
        self.dialog: QDialog | None = None
        self.page = AccountsPage(host)
        self.model, self.table = self.page.model, self.page.table
        self.new_button = QPushButton("New account...")
        self.new_button.setShortcut(QKeySequence("Ctrl+Shift+U"))
        self.new_button.clicked.connect(self.new_account)
        self.change_button = QPushButton("Change account...")
        self.change_button.clicked.connect(self.change_selected)
        self.link_button = QPushButton("Lin&k to directory account...")
        self.link_button.setToolTip("The selected account signs in through the force's directory from now on")
        self.link_button.clicked.connect(self.link_selected)
        self.team_button = QPushButton("New team...")
        self.team_button.clicked.connect(self.new_team)
        self.patch_button = QPushButton("Team patch...")
        self.patch_button.setToolTip("The postcode districts a team covers, for frontline briefings")
        self.patch_button.clicked.connect(self.team_patch)
        self.codes_button = QPushButton("Sign-in codes for everyone")
        self.codes_button.setCheckable(True)
        self.codes_button.setToolTip("When on, every account (not only administrators and the OMU lead) "
                                     "signs in with a one-time code")
        self.codes_button.clicked.connect(self.toggle_codes_for_everyone)
        for button in (self.new_button, self.change_button, self.link_button, self.team_button, self.patch_button,
                       self.codes_button):
            self.page.bar.addWidget(button)
        self.page.bar.addStretch(1)
        self.table.doubleClicked.connect(lambda _i: self.change_selected())
        host.add_page("accounts", "User &accounts", self.page, order=10, shortcut="Ctrl+2")
        host.show_page("accounts")  # loads the list
        action = QAction("New &account...", host.window)
        action.triggered.connect(self.new_account)
        host.add_menu_action("file", action, order=10)
        host.worker.submit(everyone_required, host.services, owner=self.page,
                           on_success=self.codes_button.setChecked, on_error=host.report)

    def toggle_codes_for_everyone(self) -> None:
        wanted = self.codes_button.isChecked()
        self.codes_button.setChecked(not wanted)  # until saved
        reason = self.host.prompter.ask_reason(
            "Sign-in codes for every account",
            ("Every account will sign in with a one-time code, set up at its next sign-in. "
             if wanted else "Only administrators and the OMU lead will need a one-time code. ")
            + "Why is this changing?")
        if reason is None:
            return
        self.host.worker.submit(set_required_for_everyone, self.host.services, self.host.actor, wanted,
                                reason, owner=self.page,
                                on_success=lambda _r: self.codes_button.setChecked(wanted),
                                on_error=self.host.report)

    def _with_teams(self, build) -> None:
        self.host.worker.submit(list_teams, self.host.services, owner=self.page,
                                on_success=lambda teams: self._show(build(teams)),
                                on_error=self.host.report)

    def _show(self, dialog: ServiceDialog) -> None:
        self.dialog = dialog
        dialog.saved.connect(lambda _result: self.page.refresh())
        dialog.open()

    def new_account(self) -> None:
        self._with_teams(lambda teams: NewAccountDialog(self.host, teams))

    def new_team(self) -> None:
        self._show(NewTeamDialog(self.host))

    def team_patch(self) -> None:
        self.host.worker.submit(team_patches, self.host.services, self.host.actor, owner=self.page,
                                on_success=lambda patches: self._show(TeamPatchDialog(self.host, patches)),
                                on_error=self.host.report)

    def selected_user(self) -> UserInfo | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None

    def change_selected(self) -> None:
        user = self.selected_user()
        if user is None:
            self.host.prompter.info("Change account", "Select the account to change in the list first.")
            return
        self._with_teams(lambda teams: ChangeAccountDialog(self.host, user, teams))

    def link_selected(self) -> None:
        user = self.selected_user()
        if user is None:
            self.host.prompter.info("Link to directory account", "Select the account to link in the list first.")
            return
        if self.model.sign_in_of(user).directory:
            self.host.prompter.info("Link to directory account",
                                    f"{user.display_name} signs in through the directory already.")
            return
        self._show(LinkToDirectoryDialog(self.host, user, self.model.sign_in.directory_on))


@main_window_hook(order=100)
def install(host: WorkflowHost) -> None:
    if host.actor.can(Permission.MANAGE_USERS):
        host.add_part(Accounts(host))
