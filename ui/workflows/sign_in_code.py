"""File > Set up sign-in code: anyone may set up (or move to a new phone) the one-time code they
sign in with. An account that must have one is taken through the same dialog at sign-in."""

from __future__ import annotations

from PySide6.QtGui import QAction

from rso_manager.services.second_factor import SecondFactorStatus, status
from ui.extensions import WorkflowHost, main_window_hook
from ui.second_factor import EnrolmentDialog


class SignInCode:
    def __init__(self, host: WorkflowHost) -> None:
        self.host = host
        self.dialog: EnrolmentDialog | None = None
        self.action = QAction("Set up sign-in &code...", host.window)
        self.action.triggered.connect(self.start)
        host.add_menu_action("file", self.action, order=70)

    def start(self) -> None:
        self.host.worker.submit(status, self.host.services, self.host.actor, owner=self.host.window,
                                on_success=self._show, on_error=self.host.report)

    def _show(self, current: SecondFactorStatus) -> None:
        host = self.host
        self.dialog = EnrolmentDialog(host.services, host.worker, host.prompter, host.actor.username,
                                      has_code=current.enrolled, parent=host.window)
        self.dialog.enrolled.connect(lambda _actor: host.prompter.info(
            "Sign-in code set up", "From now on, sign in with your password and the code from your app."))
        self.dialog.open()


@main_window_hook(order=110)
def install(host: WorkflowHost) -> None:
    host.add_part(SignInCode(host))
