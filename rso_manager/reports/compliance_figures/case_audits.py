"""Case audit figures (issue 18): grades by team and quarter, and findings still open."""

from __future__ import annotations

from dataclasses import dataclass

from rso_manager.reports.compliance_figures.context import Ctx
from rso_manager.reports.compliance_figures.figures import ExceptionRow


@dataclass(frozen=True)
class GradeCount:
    team: str
    quarter: str  # "2026 Q4"
    good: int
    requires_improvement: int
    inadequate: int


@dataclass(frozen=True)
class CaseAuditFigures:
    grades: tuple[GradeCount, ...] = ()
    open_findings: tuple[ExceptionRow, ...] = ()


def case_audit_figures(c: Ctx) -> CaseAuditFigures:
    return CaseAuditFigures()
