"""Hearings of a watched person: listed today or later, or, when already past, entered with
their outcome at once (a past hearing with none would only be a reminder of something known)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from rso_manager.domain import court_watch as cw
from rso_manager.persistence import models as m
from rso_manager.services.court_watch.outcomes import OutcomeInput, apply_outcome
from rso_manager.services.court_watch.views import ChargedPersonView, find_person, person_view
from rso_manager.services.errors import FieldProblem, ValidationFailed, reason_problem
from rso_manager.services.unit_of_work import Actor, Services, unit_of_work


@dataclass(frozen=True)
class HearingInput:
    hearing_on: date | None = None
    court: str | None = None
    purpose: str | None = None


def _text(value: str | None) -> str | None:
    return " ".join(value.split()) or None if value else None


def add_hearing(services: Services, actor: Actor, charged_person_id: int, data: HearingInput,
                outcome: OutcomeInput | None = None) -> ChargedPersonView:
    """List a hearing. OUTCOME records what happened at a hearing that has already passed, in
    the same transaction."""
    today = services.clock.today()
    with unit_of_work(services, actor) as uow:
        cp = find_person(uow, charged_person_id)
        if cp.status == "closed":
            raise ValidationFailed(FieldProblem("hearing_on", "The watch of this person is closed."))
        problems = cw.hearing_problems(data.hearing_on, today, cp.charged_on, outcome_given=outcome is not None)
        if problems:
            raise ValidationFailed([FieldProblem(f, msg) for f, msg in problems])
        h = uow.stamp_created(m.CourtHearing(charged_person_id=cp.id, hearing_on=data.hearing_on,
                                             court=_text(data.court) or cp.court, purpose=_text(data.purpose)))
        uow.session.add(h)
        uow.session.flush()
        uow.audit("entry.create", entity="court_hearing", entity_id=h.id, offender_id=cp.offender_id,
                  details={"charged_person_id": cp.id, "hearing_on": h.hearing_on, "court": h.court})
        if outcome is not None:
            apply_outcome(uow, cp, h, outcome)
        return person_view(uow.session, cp)


def correct_hearing(services: Services, actor: Actor, hearing_id: int, version_id: int, data: HearingInput,
                    reason: str) -> ChargedPersonView:
    """Put a hearing's date, court or purpose right; the old values are kept."""
    today = services.clock.today()
    problem = reason_problem("reason", reason, "Say why the hearing is being corrected.")
    if problem:
        raise ValidationFailed(problem)
    with unit_of_work(services, actor) as uow:
        h0 = uow.session.get(m.CourtHearing, hearing_id)
        cp = find_person(uow, h0.charged_person_id if h0 is not None else 0)
        h = uow.load(m.CourtHearing, hearing_id, version_id, permission=None)
        problems = cw.hearing_problems(data.hearing_on, today, cp.charged_on, outcome_given=h.outcome is not None)
        if h.outcome is None and data.hearing_on == h.hearing_on:
            problems = [p for p in problems if p[0] != "hearing_on" or data.hearing_on is None]
        if problems:
            raise ValidationFailed([FieldProblem(f, msg) for f, msg in problems])
        uow.correct(h, {"hearing_on": data.hearing_on, "court": _text(data.court), "purpose": _text(data.purpose)},
                    entity="court_hearing", offender_id=cp.offender_id, reason=reason, field="hearing_on",
                    action="entry.correct")
        return person_view(uow.session, cp)
