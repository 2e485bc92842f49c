"""Warnings, oral or written, given beside a breach (a warning never closes one), and the written
warning letter."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from rso_manager.domain import safeguarding_response as sr
from rso_manager.domain.dates import add_working_days
from rso_manager.domain.roles import Permission
from rso_manager.domain.visit_window import TriggerKind
from rso_manager.persistence import models as m
from rso_manager.reports.warning_letter import warning_letter_pdf
from rso_manager.services import case_events, case_summary
from rso_manager.services.breaches.reasons import rationale_policy, rationale_problem
from rso_manager.services.breaches.views import WarningView, display_name_of, warning_view
from rso_manager.services.errors import FieldProblem, NotFound, ValidationFailed
from rso_manager.services.safeguarding.responses import open_response
from rso_manager.services.unit_of_work import (
    Actor,
    Services,
    UnitOfWork,
    find_offender,
    unit_of_work,
)

WARNING_KINDS = ("oral", "written")


@dataclass(frozen=True)
class WarningInput:
    kind: str = "oral"  # oral | written
    rationale: str = ""
    given_on: date | None = None
    breach_id: int | None = None
    # Behaviour that raises concern (issue 19): what it was (domain.safeguarding_response
    # CONCERN_KINDS) and whether the officer says it raises concern; None takes the default for
    # the kind (yes for internet history, device concealment and contact with children).
    concern_kind: str | None = None
    raises_concern: bool | None = None
    children: tuple[str, ...] = ()  # contact with children: the children, for their safety checks


def give_warning(services: Services, actor: Actor, offender_id: int, data: WarningInput) -> WarningView:
    """Record an oral or written warning with its rationale. It never closes a breach: a breach
    the law treats as an offence still needs a crime reference or a signed decision. Behaviour
    that raises concern pulls the next visit forward and prompts a risk review (issue 19)."""
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
        if data.concern_kind is not None and data.concern_kind not in sr.CONCERN_KINDS:
            problems.append(FieldProblem("concern_kind", "Choose what the behaviour was, or none."))
        raises = sr.warning_raises_concern_by_default(data.concern_kind) if data.raises_concern is None \
            else data.raises_concern
        if raises and data.concern_kind is None:
            problems.append(FieldProblem("concern_kind", "Say what the behaviour was that raises concern "
                                                         "(e.g. deleting internet history)."))
        if problems:
            raise ValidationFailed(problems)
        w = uow.stamp_created(m.FormalWarning(offender_id=offender_id, breach_id=data.breach_id, kind=data.kind,
                                              rationale=data.rationale.strip(), given_by_id=actor.user_id,
                                              given_on=data.given_on, raises_concern=raises,
                                              concern_kind=data.concern_kind))
        s.add(w)
        s.flush()
        uow.audit("entry.create", entity="warning", entity_id=w.id, offender_id=offender_id,
                  details={"kind": w.kind, "given_on": w.given_on, "breach_id": w.breach_id,
                           "raises_concern": raises, "concern_kind": w.concern_kind})
        if raises:
            _behaviour_raises_concern(uow, w, data.children)
        if w.kind == "written":
            case_events.request_sign_off(
                uow, entity="warning", entity_id=w.id, offender_id=offender_id,
                summary=f"Written warning given on {w.given_on:%d/%m/%Y} by {actor.display_name}: {w.rationale}")
        return warning_view(s, w)


def _behaviour_raises_concern(uow: UnitOfWork, w: m.FormalWarning, children: tuple[str, ...]) -> None:
    """As intelligence of the same behaviour would: the next home visit comes forward and a risk
    review goes on the plan; contact with children also opens a safeguarding response."""
    assert w.given_on is not None and w.concern_kind is not None
    label = sr.CONCERN_KIND_LABEL[w.concern_kind]
    # Its own kind of trigger, so the visit window says a warning (not intelligence) brought it forward.
    case_events.record_trigger(uow, w.offender_id, TriggerKind.WARNING, w.given_on, ("warning", w.id))
    o = find_offender(uow.session, w.offender_id)
    plan = case_summary.current_plan(uow.session, o.id)
    description = f"Review the risk assessment after the warning of {w.given_on:%d/%m/%Y}: {label.lower()}"
    a = uow.stamp_created(m.Action(
        offender_id=o.id, plan_id=plan.id if plan else None, description=description,
        owner_id=o.offender_manager_id or uow.actor.user_id,
        due_on=add_working_days(uow.services.clock.today(), case_events.RISK_REVIEW_WORKING_DAYS)))
    uow.session.add(a)
    uow.session.flush()
    uow.audit("entry.create", entity="plan_action", entity_id=a.id, offender_id=o.id,
              details={"description": description, "due_on": a.due_on, "warning_id": w.id})
    if w.concern_kind == "contact_with_children":
        open_response(uow, o.id, f"Warned on {w.given_on:%d/%m/%Y} for contact with children: {w.rationale}",
                      uow.now, origin="warning", origin_entity="warning", origin_id=w.id, children=children)


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
