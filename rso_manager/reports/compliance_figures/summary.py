"""The whole summary: compute() assembles every section for a scope, period and as-of day;
to_json() exports it, leaving out what is for screens only."""

from __future__ import annotations

import dataclasses
import functools
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from rso_manager.persistence import cycle_collector
from rso_manager.reports.compliance_figures.breaches import breach_figures
from rso_manager.reports.compliance_figures.case_audits import case_audit_figures
from rso_manager.reports.compliance_figures.caseload import caseload_figures
from rso_manager.reports.compliance_figures.context import Ctx, resolve_scope
from rso_manager.reports.compliance_figures.court_watch import court_watch_figures
from rso_manager.reports.compliance_figures.devices import device_figures
from rso_manager.reports.compliance_figures.figures import (
    BreachFigures,
    ComplianceFigures,
    SettingsUsed,
    Share,
)
from rso_manager.reports.compliance_figures.inputs import ReportSettings, Scope
from rso_manager.reports.compliance_figures.notifications import notification_figures
from rso_manager.reports.compliance_figures.risk_plan import (
    actions_overdue,
    risk_assessments_overdue,
)
from rso_manager.reports.compliance_figures.safeguarding import safeguarding_figures
from rso_manager.reports.compliance_figures.supervision import supervision_figures
from rso_manager.reports.compliance_figures.visits import visit_figures


def compute(session: Session, scope: Scope, period_from: date, period_to: date, as_of: date,
            report_settings: ReportSettings) -> ComplianceFigures:
    """The figures for SCOPE over PERIOD_FROM..PERIOD_TO (inclusive London days), as of AS_OF,
    measured against REPORT_SETTINGS.

    Raises ValueError for an unknown team or officer (naming the valid ones) or a bad period.
    """
    if period_from > period_to:
        raise ValueError(f"the period starts ({period_from:%d/%m/%Y}) after it ends ({period_to:%d/%m/%Y})")
    if as_of < period_to:
        raise ValueError(f"the as-of date ({as_of:%d/%m/%Y}) is before the end of the period "
                         f"({period_to:%d/%m/%Y}): figures cannot be as of a day inside the period")
    with cycle_collector.paused():  # hundreds of thousands of short-lived, acyclic rows
        return _compute(session, scope, period_from, period_to, as_of, report_settings)


def _compute(session: Session, scope: Scope, period_from: date, period_to: date, as_of: date,
             cfg: ReportSettings) -> ComplianceFigures:
    resolved = resolve_scope(session, scope)
    c = Ctx(session, resolved, period_from, period_to, as_of, cfg)
    return ComplianceFigures(
        scope=resolved.info, period_from=period_from, period_to=period_to, as_of=as_of,
        settings=SettingsUsed(cfg.caseload_ceiling, cfg.device_check_visits, cfg.due_soon_days,
                              cfg.sign_off_escalation_working_days, cfg.visit_policy.pattern_run),
        caseload=caseload_figures(c), visits=visit_figures(c), notifications=notification_figures(c),
        breaches=breach_figures(c), devices=device_figures(c), supervision=supervision_figures(c),
        safeguarding=safeguarding_figures(c), actions_overdue=actions_overdue(c),
        risk_assessments_overdue=risk_assessments_overdue(c),
        court_watch=court_watch_figures(c), case_audits=case_audit_figures(c),
    )


_AS_IS = (str, int, float, type(None))


@functools.cache
def _exported(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(cls) if not f.metadata.get("internal"))


def _plain(value: Any) -> Any:
    # The commonest first: the whole force's lists are a hundred thousand rows of plain values.
    if isinstance(value, _AS_IS):
        return value
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Share):
        return {"numerator": value.numerator, "denominator": value.denominator,
                "fraction": None if value.fraction is None else round(value.fraction, 4)}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        out = {name: _plain(getattr(value, name)) for name in _exported(type(value))}
        if isinstance(value, BreachFigures):
            out["warnings_given"] = value.warnings_given
        return out
    return value


def to_json(figures: ComplianceFigures) -> dict[str, Any]:
    """The figures as JSON-ready values: dates ISO 8601, shares with their parts and fraction."""
    return _plain(figures)
