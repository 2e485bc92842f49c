"""Setting up a sign-in code: the QR code and the typed key for an authenticator app, one code to
confirm, then the ten recovery codes, shown this once.

Used by the login dialog (first sign-in of an account that must have a code) and by the menu
item "Set up sign-in code" (ui/workflows/sign_in_code.py). The rules are the services'.
"""

from __future__ import annotations

import io

import segno
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFontDatabase, QPixmap
from PySide6.QtWidgets import (
    QDialogButtonBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from rso_manager.services import passwords
from rso_manager.services.errors import (
    AuthenticationFailed,
    FieldProblem,
    SecondFactorRequired,
    ValidationFailed,
    WrongSecondFactor,
)
from rso_manager.services.second_factor import ISSUER, start_enrolment
from rso_manager.services.unit_of_work import Services
from rso_manager.services.users import EnrolmentResult, confirm_enrolment
from ui.kit.dialogs import ServiceDialog
from ui.kit.forms import report_failure
from ui.prompter import Prompter
from ui.worker import Worker


def qr_pixmap(text: str, scale: int = 5) -> QPixmap:
    """TEXT as a QR code: segno draws the PNG, Qt only shows it."""
    buffer = io.BytesIO()
    segno.make(text, error="m").save(buffer, kind="png", scale=scale, border=4)
    pixmap = QPixmap()
    pixmap.loadFromData(buffer.getvalue(), "PNG")
    return pixmap


def _fixed_font_label(text: str) -> QLabel:
    label = QLabel(text)
    label.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def _code_edit(placeholder: str) -> QLineEdit:
    edit = QLineEdit()
    edit.setMaxLength(20)
    edit.setPlaceholderText(placeholder)
    edit.setInputMethodHints(Qt.InputMethodHint.ImhSensitiveData)
    return edit


class EnrolmentDialog(ServiceDialog):
    """PASSWORD given: it was typed a moment ago at the login dialog, so it is not asked again.
    HAS_CODE: the account already has a code, which must be given to replace it.

    What differs from ServiceDialog: a confirmed code does not close the dialog but shows the
    recovery codes (pages 0 and 1), which the user must say are kept; no one is signed in yet."""

    enrolled = Signal(object)  # Actor

    def __init__(self, services: Services, worker: Worker, prompter: Prompter, username: str, *,
                 password: str | None = None, has_code: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(
            services, None, worker, prompter,  # type: ignore[arg-type]  # before anyone is signed in
            title="RSO Manager: set up your sign-in code", heading="Set up your sign-in code",
            hint=("Your account signs in with its password and a one-time code from an authenticator app "
                  "on your phone (for example Microsoft Authenticator or Google Authenticator). "
                  if not has_code else "This replaces your sign-in code, for example on a new phone. ")
            + "In the app, add an account and scan the QR code, or choose to type a key and enter the "
              "key below. Then type the 6-digit code the app shows.",
            save_text="Confirm", parent=parent)
        self._password = password
        self._has_code = has_code
        self.enrolment = start_enrolment(username)
        self.setMinimumWidth(640)
        self.pages = QStackedWidget()
        self.pages.addWidget(self._key_page(username))
        self.pages.addWidget(self._codes_page())
        self.layout_.insertWidget(self.layout_.indexOf(self.errors.general), self.pages)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setMaxLength(passwords.MAX_LENGTH + 1)
        if password is None:
            self.row("Your &password", "password", self.password)
        self.current_code = _code_edit("from the app as it is now, or a recovery code")
        if has_code:
            self.row("C&urrent code", "current_code", self.current_code)
        self.code = _code_edit("6 digits, from the app after adding the new key")
        self.row("&Code from the app", "code", self.code)
        self.finish()
        self.confirm_button = self.save_button
        (self.password if password is None else self.current_code if has_code else self.code).setFocus()

    def _key_page(self, username: str) -> QWidget:
        page = QWidget()
        row = QHBoxLayout(page)
        row.setContentsMargins(0, 0, 0, 0)
        self.qr = QLabel()
        self.qr.setPixmap(qr_pixmap(self.enrolment.uri))
        self.qr.setAccessibleName("QR code for the authenticator app")
        self.qr.setAlignment(Qt.AlignmentFlag.AlignTop)
        row.addWidget(self.qr)
        details = QGridLayout()
        details.addWidget(QLabel("Issuer"), 0, 0)
        details.addWidget(_fixed_font_label(ISSUER), 0, 1)
        details.addWidget(QLabel("Account"), 1, 0)
        details.addWidget(_fixed_font_label(username), 1, 1)
        details.addWidget(QLabel("Key"), 2, 0)
        self.secret = _fixed_font_label(self.enrolment.grouped_secret)
        self.secret.setAccessibleName("Key to type into the authenticator app")
        self.secret.setWordWrap(True)
        details.addWidget(self.secret, 2, 1)
        details.addWidget(QLabel("Type"), 3, 0)
        kind = QLabel("Time-based (TOTP), 6 digits, a new code every 30 seconds")
        kind.setWordWrap(True)
        details.addWidget(kind, 3, 1)
        details.setColumnStretch(1, 1)
        details.setRowStretch(4, 1)
        row.addLayout(details, 1)
        return page

    def _codes_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        self.codes = _fixed_font_label("")
        # Large, to be copied out by hand without slips (the style sheet sets label fonts).
        self.codes.setStyleSheet("font-family: monospace; font-size: 15pt; padding: 12px;")
        self.codes.setAccessibleName("Recovery codes")
        self.codes.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.codes)
        layout.addStretch(1)
        return page

    def submit(self) -> None:
        if self.pages.currentIndex() == 1:
            self._kept_safe()
            return
        self.errors.clear()
        password = self._password if self._password is not None else self.password.text()
        self.call(confirm_enrolment, self._services, self.enrolment.username, password,
                  self.enrolment.secret, self.code.text().strip(),
                  current_code=self.current_code.text().strip() or None)

    def _done(self, result: object) -> None:
        assert isinstance(result, EnrolmentResult)
        self._actor = result.actor
        codes = result.recovery_codes
        half = (len(codes) + 1) // 2
        self.codes.setText("\n".join(f"{a}      {b}" for a, b in zip(codes[:half], codes[half:], strict=False)))
        self.heading.setText("Your recovery codes")
        self.hint.setText(
            "Each code works once, in place of the code from your phone, if you lose it or it is not to "
            "hand. Write them down or print them now and keep them somewhere safe, away from this "
            "computer. They are shown only this once; an administrator can also reset your sign-in "
            "code.")
        for row in range(self.form.rowCount()):  # the fields did their part
            self.form.setRowVisible(row, False)
        self.pages.setCurrentIndex(1)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setVisible(False)
        self.save_button.setEnabled(True)
        self.save_button.setText("I have kept them safe")
        self.save_button.setFocus()

    def _kept_safe(self) -> None:
        self.codes.clear()  # shown once
        self.saved.emit(self._actor)
        self.enrolled.emit(self._actor)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.save_button.setEnabled(True)
        field = None
        if isinstance(exc, WrongSecondFactor | SecondFactorRequired) and self._has_code:
            field = "current_code"
        elif isinstance(exc, AuthenticationFailed) and self._password is None:
            field = "password"
        if field is not None:
            self.errors.show(ValidationFailed(FieldProblem(field, str(exc))))
        elif isinstance(exc, ValidationFailed):
            self.errors.show(exc)
            self.code.selectAll()
            self.code.setFocus()
        elif isinstance(exc, AuthenticationFailed):
            self.errors.show_general(str(exc))
        else:
            report_failure(self._prompter, exc, title="The sign-in code was not set up", errors=self.errors)
        self.fit()
