"""Printed and exported reports: permission, one consistent read, then an audit row.

Printing case data is an export like any other (security.md): who printed what scope, for
which period and when is written to the audit trail before the bytes are handed back.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

from sqlalchemy import text
from sqlalchemy.orm import Session

from rso_manager.domain.roles import Permission
from rso_manager.reports import compliance_figures, compliance_pdf
from rso_manager.reports.compliance_figures import ComplianceFigures, Scope
from rso_manager.services.errors import FieldProblem, ValidationFailed
from rso_manager.services.unit_of_work import Actor, Services, require, unit_of_work

FORMATS = ("pdf", "json")


@contextmanager
def _snapshot(services: Services) -> Iterator[Session]:
    """One read-only snapshot for every query of a report, so its figures agree with each other
    even while colleagues keep saving. PostgreSQL: REPEATABLE READ. SQLite: an explicit BEGIN
    (the driver starts no transaction for SELECTs, so each would otherwise see its own moment);
    in WAL mode the snapshot is taken at the first read and blocks no writer."""
    with services.session_factory() as session:
        dialect = session.get_bind().dialect.name
        if dialect == "postgresql":
            # Set on the connection as it is checked out; the pool resets it on return.
            session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
        elif dialect == "sqlite":
            session.connection().execute(text("BEGIN"))
        try:
            yield session
        finally:
            session.rollback()


def compliance_figures_for(services: Services, actor: Actor, scope: Scope, period_from: date,
                           period_to: date, as_of: date) -> ComplianceFigures:
    """The figures alone (for the dashboard): not an export, so not audited as one."""
    require(actor, Permission.PRINT_REPORTS)
    with _snapshot(services) as session:
        try:
            return compliance_figures.compute(session, scope, period_from, period_to, as_of)
        except ValueError as exc:
            raise ValidationFailed(FieldProblem("scope", str(exc))) from None


def compliance_json(figures: ComplianceFigures, *, generated_by: str, generated_at) -> bytes:
    body = {"marking": compliance_pdf.MARKING, "report": "compliance_summary",
            "generated_by": generated_by, "generated_at": generated_at.isoformat(),
            **compliance_figures.to_json(figures)}
    return json.dumps(body, indent=2, ensure_ascii=False).encode("utf-8")


def compliance_report(services: Services, actor: Actor, scope: Scope, period_from: date, period_to: date,
                      as_of: date, fmt: str = "pdf") -> bytes:
    """The compliance summary as PDF or JSON bytes; one audit row ("export.print") per call.

    Raises PermissionDenied for roles without PRINT_REPORTS (supervisors and OMU leads have it)
    and ValidationFailed for an unknown format, team or officer, or a bad period.
    """
    require(actor, Permission.PRINT_REPORTS)
    if fmt not in FORMATS:
        raise ValidationFailed(FieldProblem("format", f"Choose a format: {' or '.join(FORMATS)}."))
    figures = compliance_figures_for(services, actor, scope, period_from, period_to, as_of)
    now = services.clock.now()
    generated_by = f"{actor.display_name} ({actor.username})"
    if fmt == "pdf":
        data = compliance_pdf.build_pdf(figures, generated_by=generated_by, generated_at=now)
    else:
        data = compliance_json(figures, generated_by=generated_by, generated_at=now)
    with unit_of_work(services, actor) as uow:
        uow.audit("export.print", entity="compliance_report", details={
            "report": "compliance_summary", "format": fmt,
            "scope": {"kind": figures.scope.kind, "name": figures.scope.name},
            "period_from": period_from, "period_to": period_to, "as_of": as_of,
            "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest(),
        })
    return data
