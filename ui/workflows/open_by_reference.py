"""File > Open a record by reference (Ctrl+Shift+O): any case in the force by its reference.

Inside the user's link the record opens with the usual reason. Outside it the header shows only
the reference, the name and the offender manager, and the opening takes a fuller reason that the
case supervisor reviews (services.access).
"""

from __future__ import annotations

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QInputDialog

from rso_manager.domain.roles import Permission
from rso_manager.services.caseload import CaseHeader, find_by_reference
from ui.extensions import WorkflowHost, main_window_hook
from ui.kit.forms import report_failure


def open_by_reference(host: WorkflowHost, reference: str | None = None) -> None:
    """Ask for a reference (unless given), look it up off the GUI thread, then open it."""
    if reference is None:
        text, ok = QInputDialog.getText(host.window, "Open a record by reference",
                                        "Case reference (e.g. RSO-000123):")
        if not ok:
            return
        reference = text

    def found(header: CaseHeader) -> None:
        title = f"{header.name} ({header.reference})"
        if header.needs_review:
            title += f", managed by {header.offender_manager or 'no one yet'}"
        host.open_offender(header.offender_id, title, outside_link=header.needs_review)

    def failed(exc: BaseException) -> None:
        report_failure(host.prompter, exc, title="No record opened")

    host.worker.submit(find_by_reference, host.services, host.actor, reference,
                       owner=host.window, on_success=found, on_error=failed)


@main_window_hook(order=80)
def _install(host: WorkflowHost) -> None:
    if not (host.actor.can(Permission.READ_CASES) or host.actor.can(Permission.READ_OUTSIDE_LINK)):
        return
    action = QAction("Open a record by &reference...", host.window)
    action.setShortcut(QKeySequence("Ctrl+Shift+O"))
    action.triggered.connect(lambda: open_by_reference(host))
    host.add_menu_action("file", action, order=20)
