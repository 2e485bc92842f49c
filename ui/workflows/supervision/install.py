"""How supervision plugs into the main window: the sign-off queue page (Go > Sign-off queue,
Ctrl+3, and on the toolbar with its count), File > Absences and cover and File > Caseload cover."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction

from rso_manager.domain.roles import Permission, Role
from ui.extensions import WorkflowHost, main_window_hook
from ui.workflows.supervision.absences import AbsenceCoverDialog
from ui.workflows.supervision.caseload_cover import CaseloadCoverDialog
from ui.workflows.supervision.queue_page import SignOffQueuePage


@main_window_hook(order=50)
def add_sign_off(host: WorkflowHost) -> None:
    actor = host.actor
    if actor.can(Permission.SIGN_OFF):
        page = SignOffQueuePage(host.services, actor, host.worker, host.prompter,
                                open_offender=host.open_offender, status=host.show_status, parent=host.window)
        host.add_part(page)
        action = host.add_page("sign_off", "Sign-off &queue", page, order=30, shortcut="Ctrl+3")
        action.setStatusTip("Entries waiting for your decision, oldest first")
        host.add_toolbar_action(action, order=30)

        def counted(n: int) -> None:
            action.setText(f"Sign-off &queue ({n})" if n else "Sign-off &queue")
            action.setToolTip(f"Sign-off queue: {n} waiting (Ctrl+3)" if n else "Sign-off queue: nothing waiting (Ctrl+3)")

        page.count_changed.connect(counted)
        page.refresh()
    if actor.role in (Role.OMU_LEAD, Role.SUPERVISOR) and actor.trained:
        cover = QAction("&Absences and cover...", host.window)
        cover.setStatusTip("Record an absence and who covers the sign-off queue meanwhile")

        def open_cover() -> AbsenceCoverDialog:
            dialog = AbsenceCoverDialog(host.services, actor, host.worker, host.prompter, parent=host.window)
            queue = host.part(SignOffQueuePage)
            if queue is not None:
                dialog.changed.connect(queue.refresh)
            dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            dialog.open()
            return dialog

        cover.triggered.connect(open_cover)
        host.add_menu_action("file", cover, order=50)

        caseload = QAction("Caseload co&ver...", host.window)
        caseload.setStatusTip("Record an offender manager's absence and who covers their cases meanwhile")

        def open_caseload_cover() -> CaseloadCoverDialog:
            dialog = CaseloadCoverDialog(host.services, actor, host.worker, host.prompter, parent=host.window)
            dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            dialog.open()
            return dialog

        caseload.triggered.connect(open_caseload_cover)
        host.add_menu_action("file", caseload, order=51)
