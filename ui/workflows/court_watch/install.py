"""Go > Court watch (Ctrl+7) for those who keep it: offender managers, supervisors and the OMU
lead, trained (WATCH_COURTS)."""

from __future__ import annotations

from rso_manager.domain.roles import Permission
from ui.extensions import WorkflowHost, main_window_hook
from ui.workflows.court_watch.page import CourtWatchPage


@main_window_hook(order=47)
def add_court_watch(host: WorkflowHost) -> None:
    if not host.actor.can(Permission.WATCH_COURTS):
        return
    action = host.add_page("court_watch", "Court &watch", lambda: CourtWatchPage(host), part=CourtWatchPage,
                           order=47, shortcut="Ctrl+7")
    action.setStatusTip("People charged with a Schedule 3 offence, their hearings, and today's court list")
