"""Go > Briefings for everyone who reads frontline briefings; for the briefing role, whose window
has no caseload, it is the home page."""

from __future__ import annotations

from rso_manager.domain.roles import Permission
from ui.extensions import WorkflowHost, main_window_hook
from ui.workflows.briefings.page import BriefingsPage


@main_window_hook(order=45)
def add_briefings(host: WorkflowHost) -> None:
    if not host.actor.can(Permission.READ_BRIEFINGS):
        return
    action = host.add_page("briefings", "&Briefings", lambda: BriefingsPage(host), part=BriefingsPage,
                           order=45, shortcut="Ctrl+6")
    action.setStatusTip("Approved frontline briefings for an area, to read or print for a patrol")
    if not host.scopes:
        host.show_page("briefings")  # the only page: shown and loaded at once
