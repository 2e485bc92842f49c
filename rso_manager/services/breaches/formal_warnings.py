"""Warnings, oral or written, given beside a breach (a warning never closes one), and the written
warning letter."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from rso_manager.domain.roles import Permission
from rso_manager.persistence import models as m
from rso_manager.reports.warning_letter import warning_letter_pdf
from rso_manager.services import case_events
from rso_manager.services.breaches.reasons import rationale_policy, rationale_problem
from rso_manager.services.breaches.views import WarningView, display_name_of, warning_view
from rso_manager.services.errors import FieldProblem, NotFound, ValidationFailed
from rso_manager.services.unit_of_work import Actor, Services, find_offender, unit_of_work

WARNING_KINDS = ("oral", "written")


@dataclass(frozen=True)
class WarningInput:
    kind: str = "oral"  # oral | written
    rationale: str = ""
    given_on: date | None = None
    breach_id: int | None = None


def give_warning(services: Services, actor: Actor, offender_id: int, data: WarningInput) -> WarningView:
    """Record an oral or written warning with its rationale. It never closes a breach: a breach
    the law treats as an offence still needs a crime reference or a signed decision."""
    today = services.clock.today()
    with unit_of_work(services, actor) as uow:
        uow.authorise(Permission.WRITE_CASES, offender_id=offender_id)
        s = uow.session
        find_offender(s, offender_id)
        problems = []
        if data.kind not in WARNING_KINDS:
            problems.append(FieldProblem("kind", "Choose an oral or a written warning."))
        if data.given_on is None:
            problems.append(FieldProblem("given_on", "Enter the date the warning was given (DD/MM/YYYY)."))
        elif data.given_on > today:
            problems.append(FieldProblem("given_on", "The date is in the future; record the warning once it is given."))
        problem = rationale_problem(data.rationale, [], rationale_policy(s))
        if problem:
            problems.append(problem)
        if data.breach_id is not None:
            b = s.get(m.Breach, data.breach_id)
            if b is None or b.offender_id != offender_id or b.voided_at is not None:
                problems.append(FieldProblem("breach_id", "Choose a breach on this offender's record, or none."))
        if problems:
            raise ValidationFailed(problems)
        w = uow.stamp_created(m.FormalWarning(offender_id=offender_id, breach_id=data.breach_id, kind=data.kind,
                                              rationale=data.rationale.strip(), given_by_id=actor.user_id,
                                              given_on=data.given_on))
        s.add(w)
        s.flush()
        uow.audit("entry.create", entity="warning", entity_id=w.id, offender_id=offender_id,
                  details={"kind": w.kind, "given_on": w.given_on, "breach_id": w.breach_id})
        if w.kind == "written":
            case_events.request_sign_off(
                uow, entity="warning", entity_id=w.id, offender_id=offender_id,
                summary=f"Written warning given on {w.given_on:%d/%m/%Y} by {actor.display_name}: {w.rationale}")
        return warning_view(s, w)


def print_warning_letter(services: Services, actor: Actor, warning_id: int) -> bytes:
    """The written warning as a PDF letter; printing is audited."""
    with unit_of_work(services, actor) as uow:
        s = uow.session
        w = s.get(m.FormalWarning, warning_id)
        if w is None or w.voided_at is not None:
            raise NotFound(f"No warning {warning_id}.")
        uow.authorise(Permission.PRINT_REPORTS, offender_id=w.offender_id)
        if w.kind != "written":
            raise ValidationFailed(FieldProblem("kind", "Only a written warning is printed as a letter."))
        o = find_offender(s, w.offender_id)
        b = s.get(m.Breach, w.breach_id) if w.breach_id else None
        pdf = warning_letter_pdf(
            offender_name=f"{o.forenames} {o.surname.upper()}", offender_reference=o.reference,
            date_of_birth=o.date_of_birth, given_on=w.given_on, given_by=display_name_of(s, w.given_by_id) or "?",
            rationale=w.rationale,
            breach=f"{b.description} (on {b.occurred_on:%d/%m/%Y})" if b else None)
        uow.audit("export.print", entity="warning", entity_id=w.id, offender_id=o.id,
                  details={"document": "warning_letter"})
        return pdf
