"""The passphrase of a transfer file: typed twice, with its strength said while it is typed."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QLabel, QLineEdit

from rso_manager.services import passwords

STRONG = "Strong enough. Give it to the other force by phone or a separate message, never with the file."


def secret_field(placeholder: str = "") -> QLineEdit:
    field = QLineEdit()
    field.setEchoMode(QLineEdit.EchoMode.Password)
    field.setMaxLength(passwords.MAX_LENGTH)
    field.setPlaceholderText(placeholder)
    return field


class StrengthLabel(QLabel):
    """What the password rules say of FIELD's text, a moment after typing stops (zxcvbn is
    pure and quick, but not worth running on every key)."""

    def __init__(self, field: QLineEdit, context: list[str]) -> None:
        super().__init__("Use four or more words that have nothing to do with the case or the unit.")
        self.setObjectName("hint")
        self.setWordWrap(True)
        self.field, self.context = field, context
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(250)
        self.timer.timeout.connect(self.judge)
        field.textChanged.connect(lambda _text: self.timer.start())

    def judge(self) -> None:
        problems = passwords.password_problems(self.field.text(), "", self.context)
        self.setText(problems[0] if problems else STRONG)
