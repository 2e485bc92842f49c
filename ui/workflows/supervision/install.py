"""How supervision plugs into the main window: the sign-off queue page (Go > Sign-off queue,
Ctrl+3, and on the toolbar with its count), File > Absences and cover and File > Caseload cover."""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtGui import QAction

from rso_manager.domain.roles import Permission, Role
from rso_manager.services import reads_apart
from rso_manager.services.supervision import queue_count
from ui.extensions import WorkflowHost, main_window_hook
from ui.worker import Worker
from ui.workflows.supervision.absences import AbsenceCoverDialog
from ui.workflows.supervision.caseload_cover import CaseloadCoverDialog
from ui.workflows.supervision.queue_page import QUEUE_REFRESH_MS, SignOffQueuePage

log = logging.getLogger(__name__)


class QueueBadge(QObject):
    """The queue's count on its Go menu and toolbar action, kept current while the page itself
    is not made: the page (thousands of rows for the OMU lead) is built when first opened, so
    the main window is built, and the sign-in answered, within a turn of the event loop."""

    def __init__(self, host: WorkflowHost) -> None:
        super().__init__(host.window)
        self.host = host
        self.page: SignOffQueuePage | None = None
        # Its own thread: the count waits for the reads' process (behind a reminder scan, say),
        # and the window's one worker must not wait with it while a record is opened.
        self.worker = Worker(self, name="rso-queue-count")
        self.timer = QTimer(self)
        self.timer.setInterval(QUEUE_REFRESH_MS)
        self.timer.timeout.connect(self.refresh)
        self.action = host.add_page("sign_off", "Sign-off &queue", self.make_page, order=30, shortcut="Ctrl+3",
                                    part=SignOffQueuePage)
        self.action.setStatusTip("Entries waiting for your decision, oldest first")
        host.add_toolbar_action(self.action, order=30)
        self.timer.start()
        self.refresh()

    def make_page(self) -> SignOffQueuePage:
        host = self.host
        self.page = SignOffQueuePage(host.services, host.actor, host.worker, host.prompter,
                                     open_offender=host.open_offender, status=host.show_status,
                                     parent=host.window)
        self.page.build_panes()  # it is shown next: see build_panes
        self.page.count_changed.connect(self.counted)
        self.timer.stop()  # the page's own reads keep the count from now on
        self.page.refresh()
        return self.page

    def refresh(self) -> None:
        """The count again (after a change to the queue); the page's rows too once it is made."""
        if self.page is not None:
            self.page.refresh()
            return
        host = self.host
        self.worker.submit(reads_apart.read, host.services, queue_count, host.actor, owner=self,
                           on_success=self.counted, on_error=self._not_counted)

    def counted(self, n: int) -> None:
        self.action.setText(f"Sign-off &queue ({n})" if n else "Sign-off &queue")
        self.action.setToolTip(f"Sign-off queue: {n} waiting (Ctrl+3)" if n
                               else "Sign-off queue: nothing waiting (Ctrl+3)")

    def _not_counted(self, exc: BaseException) -> None:
        if self.host.worker.account_changed_elsewhere(exc):
            return
        # The badge keeps its last count; opening the queue reads it and says what went wrong.
        log.warning("the sign-off queue could not be counted: %s", type(exc).__name__)


@main_window_hook(order=50)
def add_sign_off(host: WorkflowHost) -> None:
    actor = host.actor
    badge = QueueBadge(host) if actor.can(Permission.SIGN_OFF) else None
    if actor.role in (Role.OMU_LEAD, Role.SUPERVISOR) and actor.trained:
        cover = QAction("&Absences and cover...", host.window)
        cover.setStatusTip("Record an absence and who covers the sign-off queue meanwhile")

        def open_cover() -> AbsenceCoverDialog:
            dialog = AbsenceCoverDialog(host.services, actor, host.worker, host.prompter, parent=host.window)
            if badge is not None:
                dialog.changed.connect(badge.refresh)
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
