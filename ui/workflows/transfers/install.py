"""How transfers plug into the main window: Go > Case transfers, for those who may move cases."""

from __future__ import annotations

from rso_manager.domain.roles import Permission
from ui.extensions import WorkflowHost, main_window_hook
from ui.workflows.transfers.page import TransfersPage


@main_window_hook(order=55)
def add_transfers(host: WorkflowHost) -> None:
    if not host.actor.can(Permission.REASSIGN_CASE):
        return
    def make() -> TransfersPage:
        page = TransfersPage(host.services, host.actor, host.worker, host.prompter, status=host.show_status,
                             parent=host.window)
        page.transferred.connect(lambda _moved: host.refresh())  # the caseload shows who has them now
        return page

    action = host.add_page("transfers", "Case trans&fers", make, part=TransfersPage, order=35)
    action.setStatusTip("Move cases to another officer or team, with a reason")
