"""Closing a breach, one of two ways: a crime reference in the force's format, or a supervisor's
signed decision not to record a crime (supervision.sign_off decides it)."""

from __future__ import annotations

from rso_manager.domain.device_identifiers import crime_reference_problem, normalise_crime_reference
from rso_manager.domain.rationale import SignOffDecision
from rso_manager.persistence import models as m
from rso_manager.services import case_events, case_summary, settings
from rso_manager.services.breaches.reasons import rationale_policy, rationale_problem
from rso_manager.services.breaches.views import NO_CRIME, BreachView, breach_view, no_crime_sign_off
from rso_manager.services.errors import FieldProblem, NotFound, ValidationFailed
from rso_manager.services.unit_of_work import Actor, Services, UnitOfWork, unit_of_work

RISK_REVIEW_WORKING_DAYS = 10


def _close(uow: UnitOfWork, b: m.Breach) -> None:
    """The only place a breach's status becomes closed."""
    uow.session.flush()
    approved = no_crime_sign_off(uow.session, b.id, "approved") if b.no_crime_rationale else None
    if not b.crime_reference and approved is None:
        raise ValidationFailed(FieldProblem(
            "crime_reference",
            "A breach closes only when a crime reference is recorded, or a supervisor has signed a "
            "reasoned decision not to record a crime. A warning does not close a breach."))
    b.status, b.closed_at = "closed", uow.now
    uow.stamp_updated(b)
    uow.session.flush()
    uow.audit("breach.close", entity="breach", entity_id=b.id, offender_id=b.offender_id,
              details={"crime_reference": b.crime_reference,
                       "no_crime_sign_off_id": approved.id if approved else None})
    case_summary.refresh(uow.session, b.offender_id, uow.services.clock.today())


def close_breach(services: Services, actor: Actor, breach_id: int, version_id: int) -> BreachView:
    """Close a breach; refused unless a crime reference or an approved no-crime decision exists."""
    with unit_of_work(services, actor) as uow:
        b = uow.load(m.Breach, breach_id, version_id)
        if b.status != "closed":
            _close(uow, b)
        return breach_view(uow.session, b, services.clock.today())


def record_crime_reference(services: Services, actor: Actor, breach_id: int, version_id: int,
                           crime_reference: str) -> BreachView:
    """Record the crime the breach was recorded as; this closes the breach."""
    with unit_of_work(services, actor) as uow:
        s = uow.session
        problem = crime_reference_problem(crime_reference, settings.get(s, "crime_reference_pattern"),
                                          settings.get(s, "crime_reference_example"))
        if problem:
            raise ValidationFailed(FieldProblem("crime_reference", problem))
        b = uow.load(m.Breach, breach_id, version_id)
        if b.status == "closed":
            raise ValidationFailed(FieldProblem("crime_reference", "This breach is already closed."))
        b.crime_reference = normalise_crime_reference(crime_reference)
        uow.stamp_updated(b)
        pending = no_crime_sign_off(s, b.id, "pending")
        if pending is not None:
            # A crime was recorded after all: the proposal not to record one no longer applies,
            # and must not sit in a supervisor's queue.
            pending.status, pending.decision = "returned", "superseded"
            pending.rationale = f"Superseded: crime recorded as {b.crime_reference} by {actor.display_name}."
            uow.stamp_updated(pending)
        s.flush()
        uow.audit("breach.crime_reference", entity="breach", entity_id=b.id, offender_id=b.offender_id,
                  details={"crime_reference": b.crime_reference})
        _close(uow, b)
        return breach_view(s, b, services.clock.today())


def propose_no_crime(services: Services, actor: Actor, breach_id: int, version_id: int,
                     rationale: str) -> BreachView:
    """Propose not recording a crime, with reasons; a supervisor must sign before it closes."""
    with unit_of_work(services, actor) as uow:
        s = uow.session
        problem = rationale_problem(rationale, [], rationale_policy(s))
        if problem:
            raise ValidationFailed(problem)
        b = uow.load(m.Breach, breach_id, version_id)
        if b.status == "closed":
            raise ValidationFailed(FieldProblem("rationale", "This breach is already closed."))
        if no_crime_sign_off(s, b.id, "pending") is not None:
            raise ValidationFailed(FieldProblem("rationale", "A decision not to record a crime is already waiting for sign-off."))
        b.no_crime_rationale = rationale.strip()
        uow.stamp_updated(b)
        s.flush()
        case_events.request_sign_off(
            uow, entity=NO_CRIME, entity_id=b.id, offender_id=b.offender_id,
            summary=f"Decision not to record a crime for the breach on {b.occurred_on:%d/%m/%Y} "
                    f"({b.description}). Reasons: {b.no_crime_rationale}")
        return breach_view(s, b, services.clock.today())


def decide_no_crime(services: Services, actor: Actor, sign_off_id: int, version_id: int, decision: str,
                    rationale: str) -> BreachView:
    """A supervisor approves (the breach closes) or returns (it stays open) a no-crime proposal.

    The decision is made by supervision.sign_off, the one path for every sign-off, so the rules
    (a reasoned rationale, not one's own entry, escalation) are the same as in the queue; this
    returns the breach as the decision left it. VERSION_ID is the sign-off's, as the supervisor
    read it.
    """
    from rso_manager.services import supervision  # supervision imports this module for its handlers

    try:
        choice = SignOffDecision(decision)
    except ValueError:
        raise ValidationFailed(FieldProblem("decision", "Choose approve or return.")) from None
    with services.session_factory() as s:
        so = s.get(m.SignOff, sign_off_id)
        if so is None or so.entity != NO_CRIME:
            raise NotFound(f"No decision not to record a crime is waiting as sign-off {sign_off_id}.")
        breach_id = so.entity_id
    supervision.sign_off(services, actor, sign_off_id, version_id, choice, rationale)
    with services.session_factory() as s:  # the actor was authorised to decide it just now
        return breach_view(s, s.get_one(m.Breach, breach_id), services.clock.today())


def _approve_no_crime(uow: UnitOfWork, so: m.SignOff, b: m.Breach | None) -> None:
    """Approval closes the breach: a signed, reasoned decision not to record a crime."""
    if b is None or b.voided_at is not None:
        raise NotFound(f"No breach {so.entity_id} (it may have been marked as entered in error).")
    if b.status != "closed":
        _close(uow, b)


def _return_no_crime(uow: UnitOfWork, so: m.SignOff, b: m.Breach | None) -> None:
    """A returned proposal leaves the breach open with no reasons: the officer records a crime
    or proposes again. The returned reasons stay in the breach's history and the summary."""
    if b is None or b.voided_at is not None or b.status == "closed":
        return
    uow.keep_revision(b, entity="breach", offender_id=b.offender_id,
                      reason="Decision not to record a crime returned by the supervisor.")
    b.no_crime_rationale = None
    uow.stamp_updated(b)
    uow.session.flush()


def _no_crime_title(b: m.Breach) -> str:
    return f"Decision not to record a crime: {b.description}, {b.occurred_on:%d/%m/%Y}"


case_events.on_decision(NO_CRIME, model=m.Breach, title=_no_crime_title, approve=_approve_no_crime,
                        return_=_return_no_crime)
