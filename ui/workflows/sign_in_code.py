"""File > Set up sign-in code: anyone may set up (or move to a new phone) the one-time code they
sign in with. An account that must have one is taken through the same dialog at sign-in."""

from __future__ import annotations

from PySide6.QtGui import QAction

from rso_manager.services.second_factor import SecondFactorStatus, status
from ui.extensions import main_window_hook
from ui.second_factor import EnrolmentDialog


class SignInCode:
    def __init__(self, window) -> None:
        self.window = window
        self.dialog: EnrolmentDialog | None = None
        self.action = QAction("Set up sign-in &code...", window)
        self.action.triggered.connect(self.start)
        window.add_menu_action("file", self.action, order=70)

    def start(self) -> None:
        self.window.worker.submit(status, self.window.services, self.window.actor, owner=self.window,
                                  on_success=self._show, on_error=self.window.report)

    def _show(self, current: SecondFactorStatus) -> None:
        window = self.window
        self.dialog = EnrolmentDialog(window.services, window.worker, window.prompter, window.actor.username,
                                      has_code=current.enrolled, parent=window)
        self.dialog.enrolled.connect(lambda _actor: window.prompter.info(
            "Sign-in code set up", "From now on, sign in with your password and the code from your app."))
        self.dialog.open()


@main_window_hook(order=110)
def install(window) -> None:
    window.add_part(SignInCode(window))
