"""Go > Case audits (Ctrl+8) for the OMU lead, and for a trained supervisor once the worker has
found them named as a current delegate (the delegation is in the database, read off the GUI
thread)."""

from __future__ import annotations

from rso_manager.domain.roles import Permission, Role
from rso_manager.services import case_audits
from rso_manager.services.case_audits import AuditStanding
from ui.extensions import WorkflowHost, main_window_hook
from ui.workflows.case_audits.page import CaseAuditsPage


def _add(host: WorkflowHost) -> None:
    action = host.add_page("case_audits", "Case a&udits", lambda: CaseAuditsPage(host), part=CaseAuditsPage,
                           order=65, shortcut="Ctrl+8")
    action.setStatusTip("Draw a sample of cases and audit them against the inspection's checklist")


@main_window_hook(order=65)
def add_case_audits(host: WorkflowHost) -> None:
    actor = host.actor
    if actor.can(Permission.AUDIT_CASES):
        _add(host)
    elif actor.role is Role.SUPERVISOR and actor.trained:
        def answered(standing: AuditStanding) -> None:
            if standing.may_audit:
                _add(host)

        host.worker.submit(case_audits.audit_standing, host.services, actor, owner=host.window,
                           on_success=answered, on_error=lambda _exc: None)
