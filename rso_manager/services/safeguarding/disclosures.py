"""Disclosures to a parent or carer: s.327A MAPPA disclosure or the Child Sex Offender Disclosure
Scheme (R23), the decision going to sign-off."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from rso_manager.domain import safeguarding_clocks as sc
from rso_manager.domain.roles import Permission
from rso_manager.persistence import models as m
from rso_manager.services import case_events
from rso_manager.services.errors import FieldProblem, ValidationFailed
from rso_manager.services.safeguarding.checks import aware_problem, is_aware, reasoned_problem
from rso_manager.services.safeguarding.next_due import refresh_next_due
from rso_manager.services.safeguarding.staff import display_name_of
from rso_manager.services.unit_of_work import (
    Actor,
    Services,
    UnitOfWork,
    find_offender,
    unit_of_work,
)

DISCLOSURE_ROUTES = ("s327a", "csods")
DISCLOSURE_DECISIONS = ("disclose", "not_disclose")
ROUTE_LABEL = {"s327a": "s.327A MAPPA disclosure", "csods": "Child Sex Offender Disclosure Scheme"}


@dataclass(frozen=True)
class DisclosureInput:
    route: str = "s327a"  # s327a | csods
    applied_at: datetime | None = None  # CSODS: the application; its clocks run from here
    applicant: str | None = None
    checks_at: datetime | None = None
    interview_at: datetime | None = None
    decided_by_id: int | None = None
    decision: str | None = None  # disclose | not_disclose; None while a CSODS application is open
    reasons: str | None = None
    disclosed_to: str | None = None
    disclosed_at: datetime | None = None
    conditions: str | None = None
    completed_at: datetime | None = None
    referral_id: int | None = None


@dataclass(frozen=True)
class DisclosureView:
    id: int
    version_id: int
    route: str
    applied_at: datetime | None
    applicant: str | None
    checks_at: datetime | None
    interview_at: datetime | None
    decided_by: str | None
    decision: str | None
    reasons: str | None
    disclosed_to: str | None
    disclosed_at: datetime | None
    conditions: str | None
    completed_at: datetime | None
    referral_id: int | None
    deadlines: sc.CsodsDeadlines | None  # CSODS only
    overdue_stages: tuple[sc.CsodsStage, ...]
    sign_off_status: str | None
    decided_by_id: int | None = None


def _disclosure_problems(s: Session, offender_id: int, d: DisclosureInput, now: datetime) -> list[FieldProblem]:
    problems: list[FieldProblem] = []
    if d.route not in DISCLOSURE_ROUTES:
        problems.append(FieldProblem("route", "Choose s.327A MAPPA disclosure or the Child Sex Offender Disclosure Scheme."))
    if d.route == "csods":
        if d.applied_at is None:
            problems.append(FieldProblem("applied_at", "Enter when the application was made: the scheme's clocks run from it."))
        if not (d.applicant or "").strip():
            problems.append(FieldProblem("applicant", "Enter who applied."))
    for field, moment, label in (("applied_at", d.applied_at, "application time"), ("checks_at", d.checks_at, "checks time"),
                                 ("interview_at", d.interview_at, "interview time"),
                                 ("disclosed_at", d.disclosed_at, "disclosure time"),
                                 ("completed_at", d.completed_at, "completion time")):
        problem = aware_problem(field, moment, now, label)
        if problem:
            problems.append(problem)
        elif field != "applied_at" and moment is not None and d.applied_at is not None and is_aware(d.applied_at) \
                and moment < d.applied_at:
            problems.append(FieldProblem(field, f"The {label} is before the application; check the date."))
    if d.decision is not None:
        if d.decision not in DISCLOSURE_DECISIONS:
            problems.append(FieldProblem("decision", "Choose disclose or do not disclose."))
        if d.decided_by_id is None or s.get(m.User, d.decided_by_id) is None:
            problems.append(FieldProblem("decided_by_id", "Choose who made the decision."))
        problem = reasoned_problem(s, "reasons", d.reasons, "reasons for the decision")
        if problem:
            problems.append(problem)
    elif d.route == "s327a":
        problems.append(FieldProblem("decision", "An s.327A entry records a decision: disclose or not, and why."))
    if d.disclosed_at is not None or (d.disclosed_to or "").strip():
        if d.decision != "disclose":
            problems.append(FieldProblem("disclosed_to", "A disclosure is recorded only after a decision to disclose."))
        if not (d.disclosed_to or "").strip():
            problems.append(FieldProblem("disclosed_to", "Enter who was told (parent, carer or other protector)."))
        if d.disclosed_at is None:
            problems.append(FieldProblem("disclosed_at", "Enter when they were told."))
    if d.referral_id is not None:
        ref = s.get(m.SafeguardingReferral, d.referral_id)
        if ref is None or ref.offender_id != offender_id:
            problems.append(FieldProblem("referral_id", "That concern belongs to another record."))
    return problems


def record_disclosure(services: Services, actor: Actor, offender_id: int, d: DisclosureInput) -> DisclosureView:
    """s.327A presumption or CSODS application. A decision goes to a supervisor for sign-off."""
    now = services.clock.now()
    with unit_of_work(services, actor) as uow:
        uow.authorise(Permission.WRITE_CASES, offender_id=offender_id)
        find_offender(uow.session, offender_id)
        problems = _disclosure_problems(uow.session, offender_id, d, now)
        if problems:
            raise ValidationFailed(problems)
        waiting = _open_consideration(uow.session, d) if d.decision is not None else None
        if waiting is not None:
            # The concern's own s.327A consideration is what this decision answers: one record of
            # it, its clock stopped, rather than a second disclosure beside an undecided one.
            for key, value in _disclosure_columns(d).items():
                setattr(waiting, key, value)
            waiting.completed_at = waiting.completed_at or now
            waiting.not_applicable_reason = waiting.not_applicable_at = None
            uow.stamp_updated(waiting)
            uow.session.flush()
            uow.audit("entry.update", entity="disclosure", entity_id=waiting.id, offender_id=offender_id,
                      details={"route": d.route, "decision": d.decision})
            _request_decision_sign_off(uow, waiting)
            refresh_next_due(uow.session, offender_id)
            return disclosure_view(uow.session, waiting, now)
        row = uow.stamp_created(m.Disclosure(offender_id=offender_id, **_disclosure_columns(d)))
        uow.session.add(row)
        uow.session.flush()
        uow.audit("entry.create", entity="disclosure", entity_id=row.id, offender_id=offender_id,
                  details={"route": d.route, "decision": d.decision})
        if d.decision is not None:
            _request_decision_sign_off(uow, row)
        refresh_next_due(uow.session, offender_id)
        return disclosure_view(uow.session, row, now)


def update_disclosure(services: Services, actor: Actor, disclosure_id: int, version_id: int,
                      d: DisclosureInput) -> DisclosureView:
    """Move a CSODS application on (checks, interview, decision, disclosure, completion).
    The earlier values stay in the record's history."""
    now = services.clock.now()
    with unit_of_work(services, actor) as uow:
        row = uow.load(m.Disclosure, disclosure_id, version_id)
        problems = _disclosure_problems(uow.session, row.offender_id, d, now)
        if problems:
            raise ValidationFailed(problems)
        had_decision = row.decision
        uow.keep_revision(row, entity="disclosure", offender_id=row.offender_id, reason="disclosure updated")
        completed_at = row.completed_at
        for key, value in _disclosure_columns(d).items():
            setattr(row, key, value)
        if row.route == "s327a" and row.decision is not None and row.completed_at is None:
            # The consideration a concern opened is completed when decided: what its clock measures.
            row.completed_at = completed_at or now
        uow.stamp_updated(row)
        uow.session.flush()
        uow.audit("entry.update", entity="disclosure", entity_id=row.id, offender_id=row.offender_id,
                  details={"route": d.route, "decision": d.decision})
        if d.decision is not None and d.decision != had_decision:
            _request_decision_sign_off(uow, row)
        refresh_next_due(uow.session, row.offender_id)
        return disclosure_view(uow.session, row, now)


def _open_consideration(s: Session, d: DisclosureInput) -> m.Disclosure | None:
    """The undecided s.327A consideration the concern D names opened (issue 19), if any."""
    if d.route != "s327a" or d.referral_id is None:
        return None
    D = m.Disclosure
    return s.scalars(select(D).where(D.referral_id == d.referral_id, D.route == "s327a", D.voided_at.is_(None),
                                     D.due_at.is_not(None), D.decision.is_(None)).order_by(D.id).limit(1)).first()


def _disclosure_columns(d: DisclosureInput) -> dict:
    def text(v: str | None) -> str | None:
        return (v or "").strip() or None

    return dict(route=d.route, applied_at=d.applied_at, applicant=text(d.applicant), checks_at=d.checks_at,
                interview_at=d.interview_at, decided_by_id=d.decided_by_id, decision=d.decision,
                reasons=text(d.reasons), disclosed_to=text(d.disclosed_to), disclosed_at=d.disclosed_at,
                conditions=text(d.conditions), completed_at=d.completed_at, referral_id=d.referral_id)


def _request_decision_sign_off(uow: UnitOfWork, row: m.Disclosure) -> None:
    verb = "disclose" if row.decision == "disclose" else "not to disclose"
    case_events.request_sign_off(uow, entity="disclosure", entity_id=row.id, offender_id=row.offender_id,
                                 summary=f"{ROUTE_LABEL[row.route]}: decision {verb}")


def csods_clock(d: m.Disclosure, now: datetime) -> tuple[sc.CsodsDeadlines | None, tuple[sc.CsodsStage, ...]]:
    if d.route != "csods" or d.applied_at is None:
        return None, ()
    deadlines = sc.csods_deadlines(d.applied_at)
    return deadlines, tuple(sc.csods_status(deadlines, d.checks_at, d.interview_at, d.completed_at, now))


def disclosure_view(s: Session, d: m.Disclosure, now: datetime) -> DisclosureView:
    deadlines, overdue = csods_clock(d, now)
    status = s.scalar(select(m.SignOff.status).where(m.SignOff.entity == "disclosure", m.SignOff.entity_id == d.id)
                      .order_by(m.SignOff.id.desc()).limit(1))
    return DisclosureView(
        id=d.id, version_id=d.version_id, route=d.route, applied_at=d.applied_at, applicant=d.applicant,
        checks_at=d.checks_at, interview_at=d.interview_at, decided_by=display_name_of(s, d.decided_by_id),
        decision=d.decision, reasons=d.reasons, disclosed_to=d.disclosed_to, disclosed_at=d.disclosed_at,
        conditions=d.conditions, completed_at=d.completed_at, referral_id=d.referral_id,
        deadlines=deadlines, overdue_stages=overdue, sign_off_status=status, decided_by_id=d.decided_by_id,
    )
