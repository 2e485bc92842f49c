"""The compliance summary's " Case audits" section (issue 18). Imported by compliance_pdf.build_pdf
when it runs, so it may use that module's section helpers."""

from __future__ import annotations

from reportlab.platypus import Flowable

from rso_manager.reports.compliance_figures import ComplianceFigures


def section(f: ComplianceFigures, st, lim: int | None) -> list[Flowable]:
    return []
