"""The case audit grades for the Case audits page: the compliance figures' own section (the
same numbers as the dashboard and the printed summary), for the force, as of today."""

from __future__ import annotations

from datetime import date

from rso_manager.reports.compliance_figures.case_audits import (
    CaseAuditFigures,
    case_audit_figures,
    first_quarter_shown,
)
from rso_manager.reports.compliance_figures.context import Ctx, resolve_scope
from rso_manager.reports.compliance_figures.inputs import Scope
from rso_manager.services.case_audits.delegates import may_audit
from rso_manager.services.reports import report_settings
from rso_manager.services.unit_of_work import Actor, Services, unit_of_work


def grade_figures(services: Services, actor: Actor, as_of: date | None = None) -> CaseAuditFigures:
    """Grades by team and quarter and the open findings, force-wide: an auditor audits the force."""
    as_of = as_of or services.clock.today()
    with unit_of_work(services, actor) as uow:
        may_audit(uow)
        s = uow.session
        c = Ctx(s, resolve_scope(s, Scope.force()), first_quarter_shown(as_of), as_of, as_of, report_settings(s))
        return case_audit_figures(c)
