"""Recording a case's hand-over into police-only management (the seed's first case study).

When probation supervision (a licence) ends, the police manage the case alone. The hand-over
records from which agency, when the licence ended and from when the police took over; the first
police home visit is then due from the take-over (case_summary.case_start_of), not from a
release years before. A wrong entry is corrected with the old values kept in the record's
history, or marked entered in error like any case entry.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from rso_manager.domain.police_handover import AGENCIES, agency_label
from rso_manager.domain.roles import Permission
from rso_manager.persistence import models as m
from rso_manager.services import case_summary
from rso_manager.services.errors import (
    FieldProblem,
    ValidationFailed,
    past_date_problem,
    reason_problem,
)
from rso_manager.services.unit_of_work import Actor, Services, find_offender, unit_of_work


@dataclass(frozen=True)
class HandoverView:
    handover_id: int
    version_id: int
    from_agency: str
    agency: str                 # as a reader says it: "the Probation Service"
    licence_ended_on: date
    police_from: date
    notes: str | None


def view_of(h: m.PoliceHandover) -> HandoverView:
    return HandoverView(h.id, h.version_id, h.from_agency, agency_label(h.from_agency), h.licence_ended_on,
                        h.police_from, h.notes)


def _clean(notes: str | None) -> str | None:
    return (notes or "").strip() or None


def _problems(from_agency: str, licence_ended_on: date | None, police_from: date | None, notes: str | None,
              today: date) -> list[FieldProblem]:
    problems = []
    if from_agency not in AGENCIES:
        problems.append(FieldProblem("from_agency", "Choose the agency whose supervision ended: the Probation "
                                                    "Service, a youth justice service or another agency."))
    elif from_agency == "other" and not notes:
        problems.append(FieldProblem("notes", "Say which agency supervised the case until the hand-over."))
    problems += filter(None, [
        past_date_problem("licence_ended_on", licence_ended_on, today,
                          missing="Enter the date the licence (the agency's supervision) ended.",
                          future="The licence end date is in the future; record the hand-over once it has ended."),
        past_date_problem("police_from", police_from, today,
                          missing="Enter the date the police took the case over.",
                          future="The take-over date is in the future; record the hand-over on the day the "
                                 "police take the case over."),
    ])
    if licence_ended_on and police_from and police_from < licence_ended_on:
        problems.append(FieldProblem("police_from", f"Police-only management begins when the licence ends: enter "
                                                    f"{licence_ended_on:%d/%m/%Y} or later."))
    return problems


def record_handover(services: Services, actor: Actor, offender_id: int, *, from_agency: str,
                    licence_ended_on: date | None, police_from: date | None,
                    notes: str | None = None) -> HandoverView:
    notes = _clean(notes)
    today = services.clock.today()
    problems = _problems(from_agency, licence_ended_on, police_from, notes, today)
    if problems:
        raise ValidationFailed(problems)
    with unit_of_work(services, actor) as uow:
        uow.authorise(Permission.WRITE_CASES, offender_id=offender_id)
        find_offender(uow.session, offender_id)
        h = uow.stamp_created(m.PoliceHandover(offender_id=offender_id, from_agency=from_agency,
                                               licence_ended_on=licence_ended_on, police_from=police_from,
                                               notes=notes))
        uow.session.add(h)
        uow.session.flush()
        uow.audit("entry.create", entity="police_handover", entity_id=h.id, offender_id=offender_id,
                  details={"from_agency": from_agency, "licence_ended_on": licence_ended_on,
                           "police_from": police_from})
        case_summary.refresh(uow.session, offender_id, today)
        return view_of(h)


def correct_handover(services: Services, actor: Actor, handover_id: int, version_id: int, *, from_agency: str,
                     licence_ended_on: date | None, police_from: date | None, notes: str | None,
                     reason: str) -> HandoverView:
    """Put a hand-over right; the values before the correction stay in the record's history."""
    notes = _clean(notes)
    today = services.clock.today()
    problems = _problems(from_agency, licence_ended_on, police_from, notes, today)
    problems += filter(None, [reason_problem("reason", reason, "Say why the hand-over is being corrected.")])
    if problems:
        raise ValidationFailed(problems)
    with unit_of_work(services, actor) as uow:
        h = uow.load(m.PoliceHandover, handover_id, version_id)
        uow.correct(h, {"from_agency": from_agency, "licence_ended_on": licence_ended_on,
                        "police_from": police_from, "notes": notes},
                    entity="police_handover", offender_id=h.offender_id, reason=reason, field="police_from")
        case_summary.refresh(uow.session, h.offender_id, today)
        return view_of(h)
