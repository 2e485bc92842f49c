"""Managers' case audits (issue 18 part 2): Go > Case audits, the audit form with its evidence,
and the grades by team over time (also for the dashboard)."""

from ui.kit.case_audit_grades import CaseAuditGradesWidget
from ui.workflows.case_audits import install  # noqa: F401  (its registration runs)
from ui.workflows.case_audits.audit_form import AuditFormDialog, FindingActionDialog
from ui.workflows.case_audits.page import CaseAuditsPage

__all__ = ["AuditFormDialog", "CaseAuditGradesWidget", "CaseAuditsPage", "FindingActionDialog"]
