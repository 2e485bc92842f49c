"""First start (create the administrator) and logging in.

Both are ServiceDialogs: their service runs on the worker (Argon2 hashing takes ~0.2 s by
design) and its messages show next to the fields.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QDialogButtonBox, QLabel, QLineEdit, QWidget

from rso_manager.services import passwords
from rso_manager.services.errors import (
    AuthenticationFailed,
    FieldProblem,
    SecondFactorEnrolmentRequired,
    SecondFactorRequired,
    ValidationFailed,
    WrongSecondFactor,
)
from rso_manager.services.second_factor import is_totp_code
from rso_manager.services.unit_of_work import Services
from rso_manager.services.users import (
    MAX_USERNAME_LENGTH,
    create_first_admin,
    login,
    normalise_username,
)
from ui.kit.dialogs import ServiceDialog
from ui.kit.forms import report_failure
from ui.prompter import Prompter
from ui.second_factor import EnrolmentDialog
from ui.worker import Worker

PASSWORD_RULES = (
    f"Use at least {passwords.MIN_LENGTH} characters; a phrase of several ordinary words is easiest "
    "to remember. No symbols or digits are required. It must not be easy to guess: not a common or "
    "breached password, not the username or the person's name, and not made of words about the "
    "work such as police or RSO. If it is refused, the reason shows under the field. It never expires."
)


def _hint(text: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName("hint")
    label.setWordWrap(True)
    return label


def _password_edit() -> QLineEdit:
    edit = QLineEdit()
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    edit.setMaxLength(passwords.MAX_LENGTH + 1)  # one over, so the service's message can show
    return edit


class _BeforeSignIn(ServiceDialog):
    """A ServiceDialog shown before anyone has signed in: its service calls take no actor."""

    def __init__(self, services: Services, worker: Worker, prompter: Prompter, **kwargs) -> None:
        super().__init__(services, None, worker, prompter, **kwargs)  # type: ignore[arg-type]


class FirstAdminDialog(_BeforeSignIn):
    """Shown once, on an empty database: there is no default account or password to leave behind."""

    created = Signal(object)  # UserInfo; the same as saved, by the name the app listens for

    def __init__(self, services: Services, worker: Worker, prompter: Prompter, database: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__(
            services, worker, prompter, title="RSO Manager: first start",
            heading="Create the administrator account",
            hint="This database has no accounts yet. The administrator creates the accounts of the unit's "
                 "staff and looks after the audit trail; an administrator cannot open offender records."
                 + (f"\n\nDatabase: {database}" if database else ""),
            save_text="Create account", parent=parent)
        self.setMinimumWidth(540)
        self.username = QLineEdit()
        self.username.setMaxLength(MAX_USERNAME_LENGTH)
        self.username.setPlaceholderText("e.g. j.smith")
        self.row("&Username", "username", self.username)
        self.display_name = QLineEdit()
        self.display_name.setMaxLength(120)
        self.row("&Full name", "display_name", self.display_name)
        self.password = _password_edit()
        self.row("&Password", "password", self.password)
        self.password_again = _password_edit()
        self.row("Password &again", "password_again", self.password_again)
        rules = _hint(PASSWORD_RULES)
        rules.setObjectName("rules")
        self.layout_.addWidget(rules)
        self.layout_.addStretch(1)  # spare height below the fields, not between wrapped labels
        self.finish()
        self.saved.connect(self.created.emit)
        self.username.setFocus()

    def submit(self) -> None:
        if self.password.text() != self.password_again.text():
            # A typing check, not a password rule: the two entries must be the same.
            self.errors.show(ValidationFailed(FieldProblem(
                "password_again", "The two passwords are different. Type the same password in both boxes.")))
            return
        self.call(create_first_admin, self._services, self.username.text().strip(),
                  self.display_name.text(), self.password.text())


class LoginDialog(_BeforeSignIn):
    """The password, then (for an account with one) the sign-in code. An account that must have a
    code and has none is taken through setting one up, which signs it in.

    What differs from ServiceDialog: no field is the service's to mark (one message line says why
    the sign-in failed), and some failures are steps (the code, setting one up), not problems."""

    logged_in = Signal(object)  # Actor

    def __init__(self, services: Services, worker: Worker, prompter: Prompter, *, database: str = "",
                 demo: bool = False, demo_hint: str | None = None, username: str = "",
                 demo_codes: Callable[[], str] | None = None, parent: QWidget | None = None) -> None:
        super().__init__(services, worker, prompter, title=("[DEMO] " if demo else "") + "RSO Manager: log in",
                         heading="Log in to RSO Manager", hint=f"Database: {database}" if database else "",
                         save_text="Log in", parent=parent)
        self.enrolment_dialog: EnrolmentDialog | None = None
        self.setMinimumWidth(460)
        if demo:
            banner = QLabel("DEMO DATABASE: fictional people only")
            banner.setObjectName("demoBanner")
            banner.setAlignment(Qt.AlignmentFlag.AlignCenter)
            self.layout_.insertWidget(0, banner)
        self.demo_label = QLabel()
        self.demo_label.setObjectName("demoHint")
        self.demo_label.setWordWrap(True)
        self.demo_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.demo_label.setVisible(demo)
        self.layout_.insertWidget(self.layout_.indexOf(self.hint) + 1, self.demo_label)
        self.message = self.errors.general
        self.username = QLineEdit(username)
        self.username.setMaxLength(MAX_USERNAME_LENGTH)
        self.form.addRow("&Username", self.username)
        self.password = _password_edit()
        self.form.addRow("&Password", self.password)
        self.code = QLineEdit()
        self.code.setMaxLength(20)
        self.code.setPlaceholderText("6 digits, or a recovery code")
        self.code_caption = QLabel("Sign-in &code")
        self.code_caption.setBuddy(self.code)
        self.form.addRow(self.code_caption, self.code)
        self.code_caption.setVisible(False)
        self.code.setVisible(False)
        self.code_hint = _hint("")
        self.code_hint.setVisible(False)
        self.layout_.addWidget(self.code_hint)
        self.layout_.addStretch(1)  # spare height below the fields, not between wrapped labels
        self.back_button = self.buttons.addButton("Start again", QDialogButtonBox.ButtonRole.ResetRole)
        self.back_button.setVisible(False)
        self.back_button.clicked.connect(self._password_step)
        self.finish()
        self.saved.connect(self._signed_in)
        (self.password if username else self.username).setFocus()
        self._demo_text = ""
        self._demo_codes = demo_codes if demo else None
        if demo:
            hint = (demo_hint or "").strip()
            self._demo_text = ("This is a demonstration database with fictional people."
                               + (f"\n{hint[0].upper()}{hint[1:]}" if hint else ""))
            self._show_demo_hint()
            if self._demo_codes is not None:
                # The codes change every 30 seconds; a second's lag at most.
                self._demo_timer = QTimer(self)
                self._demo_timer.setInterval(1000)
                self._demo_timer.timeout.connect(self._show_demo_hint)
                self._demo_timer.start()

    def _show_demo_hint(self) -> None:
        codes = self._demo_codes() if self._demo_codes is not None else ""
        self.demo_label.setText(self._demo_text + (f"\n{codes}" if codes else ""))

    @property
    def asking_for_code(self) -> bool:
        return not self.code.isHidden()

    def _code_step(self) -> None:
        self.username.setReadOnly(True)
        self.password.setReadOnly(True)
        self.code_caption.setVisible(True)
        self.code.setVisible(True)
        self.code_hint.setText(
            "Enter the 6-digit code your authenticator app shows for RSO Manager now. Without your "
            "phone, use one of your recovery codes; each works once.")
        self.code_hint.setVisible(True)
        self.back_button.setVisible(True)
        self.code.clear()
        self.code.setFocus()

    def _password_step(self) -> None:
        self.username.setReadOnly(False)
        self.password.setReadOnly(False)
        self.password.clear()
        self.code.clear()
        for widget in (self.code_caption, self.code, self.code_hint, self.back_button):
            widget.setVisible(False)
        self.errors.clear()
        self.password.setFocus()

    def submit(self) -> None:
        self.errors.clear()
        code = self.code.text().strip() if self.asking_for_code else None
        self.call(login, self._services, self.username.text().strip(), self.password.text(), code)

    def _signed_in(self, actor) -> None:
        used_recovery = self.asking_for_code and not is_totp_code(self.code.text())
        self.password.clear()
        self.code.clear()
        if used_recovery:
            self._prompter.info(
                "Recovery code used",
                "You signed in with a recovery code; it cannot be used again. If your phone is lost, "
                "set up a new sign-in code (File > Set up sign-in code) or ask your administrator to "
                "reset it.")
        self.logged_in.emit(actor)

    def _enrolled(self, actor) -> None:
        self._signed_in(actor)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.save_button.setEnabled(True)
        if isinstance(exc, SecondFactorRequired):
            self._code_step()
        elif isinstance(exc, WrongSecondFactor):
            self.errors.show_general(str(exc))
            self.code.clear()
            self.code.setFocus()
        elif isinstance(exc, SecondFactorEnrolmentRequired):
            self._enrol()
        elif isinstance(exc, AuthenticationFailed):
            if self.asking_for_code:
                self._password_step()
            self.errors.show_general(str(exc))
            self.password.clear()
            self.password.setFocus()
        else:
            report_failure(self._prompter, exc, title="Could not log in")
        self.fit()

    def _enrol(self) -> None:
        # The password was right a moment ago; it is handed on, not asked for again.
        self.enrolment_dialog = EnrolmentDialog(self._services, self._worker, self._prompter,
                                                normalise_username(self.username.text()) or "",
                                                password=self.password.text(),
                                                parent=self)
        self.enrolment_dialog.enrolled.connect(self._enrolled)
        self.enrolment_dialog.rejected.connect(self._password_step)
        self.enrolment_dialog.open()
