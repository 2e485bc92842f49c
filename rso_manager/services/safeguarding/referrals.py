"""Safeguarding concerns and referrals to children's social care (R21-R22): each concern is a
referral row from the moment it is known, so its clocks (domain.safeguarding_clocks) measure the
referral and the local authority's decision."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from rso_manager.domain import safeguarding_clocks as sc
from rso_manager.domain.dates import london_day
from rso_manager.domain.roles import Permission
from rso_manager.domain.safeguarding_response import ORIGINS
from rso_manager.persistence import models as m
from rso_manager.services.errors import FieldProblem, ValidationFailed
from rso_manager.services.safeguarding.checks import aware_problem
from rso_manager.services.safeguarding.next_due import refresh_next_due
from rso_manager.services.safeguarding.responses import open_response
from rso_manager.services.safeguarding.staff import display_name_of
from rso_manager.services.unit_of_work import (
    Actor,
    Services,
    UnitOfWork,
    find_offender,
    unit_of_work,
)


@dataclass(frozen=True)
class ReferralView:
    id: int
    version_id: int
    concern: str
    concern_at: datetime
    relationship_id: int | None
    referred_at: datetime | None
    referred_by: str | None
    agency: str | None
    reference: str | None
    decision: str | None
    decision_at: datetime | None
    decision_due: datetime | None
    flag: sc.ReferralFlag | None  # decision overdue / late (1 working day)
    not_referred_same_day: bool
    concern_to_referral: timedelta | None
    concern_to_disclosure: timedelta | None
    # The referral document and its stages (issue 15): what the local authority was told, how it
    # was sent, and the acknowledgement; each "late by" is measured against the clocks above.
    concern_source: str | None = None
    household: str | None = None
    sent_method: str | None = None  # SENT_METHODS
    acknowledged_at: datetime | None = None
    acknowledged_by: str | None = None
    referral_due: datetime | None = None  # the end of the concern's London day (R21)
    referral_late_by: timedelta | None = None  # made (or still not made) after referral_due
    acknowledgement_late_by: timedelta | None = None  # against decision_due: one working day for both
    decision_late_by: timedelta | None = None


# How a referral reached the local authority; a referral is recorded as sent by one of them.
SENT_METHODS = ("secure_email", "portal", "phone", "in_person")
SENT_METHOD_LABEL = {"secure_email": "Secure email", "portal": "The local authority's portal",
                     "phone": "Telephone", "in_person": "In person"}


def late_by(due: datetime | None, done: datetime | None, now: datetime) -> timedelta | None:
    """How far past DUE the step was done, or is still undone at NOW; None when on time (or
    nothing is due yet)."""
    if due is None:
        return None
    moment = done or now
    return moment - due if moment > due else None


def add_concern(uow: UnitOfWork, offender_id: int, concern: str, concern_at: datetime,
                relationship_id: int | None = None, *, origin: str = "direct", origin_entity: str | None = None,
                origin_id: int | None = None, children: Sequence[str] = ()) -> m.SafeguardingReferral:
    """A concern inside the caller's unit of work: it opens the whole safeguarding response."""
    return open_response(uow, offender_id, concern, concern_at, origin=origin, origin_entity=origin_entity,
                         origin_id=origin_id, children=children, relationship_id=relationship_id)


def record_concern(services: Services, actor: Actor, offender_id: int, concern: str,
                   concern_at: datetime | None = None, relationship_id: int | None = None, *,
                   children: Sequence[str] = (), origin: str = "direct", origin_entity: str | None = None,
                   origin_id: int | None = None) -> ReferralView:
    """A concern for a child, entered directly or from another workflow (a visit: ORIGIN "visit",
    ORIGIN_ENTITY "visit" and its id). It opens the response: the referral due the same working
    day, the s.327A consideration and a check on each of CHILDREN."""
    now = services.clock.now()
    concern_at = concern_at or now
    problems = [p for p in (aware_problem("concern_at", concern_at, now, "time of the concern"),) if p]
    if not concern.strip():
        problems.append(FieldProblem("concern", "Describe the concern: who is at risk and why."))
    if origin not in ORIGINS:
        problems.append(FieldProblem("origin", "Say what raised the concern: " + ", ".join(ORIGINS) + "."))
    if problems:
        raise ValidationFailed(problems)
    with unit_of_work(services, actor) as uow:
        uow.authorise(Permission.WRITE_CASES, offender_id=offender_id)
        find_offender(uow.session, offender_id)
        if relationship_id is not None:
            rel = uow.session.get(m.Relationship, relationship_id)
            if rel is None or rel.offender_id != offender_id:
                raise ValidationFailed(FieldProblem("relationship_id", "That relationship is on another record."))
        r = add_concern(uow, offender_id, concern.strip(), concern_at, relationship_id, origin=origin,
                        origin_entity=origin_entity, origin_id=origin_id, children=children)
        return referral_view(uow.session, r, (), now)


def record_referral(services: Services, actor: Actor, referral_id: int, version_id: int, referred_at: datetime,
                    agency: str, reference: str | None, *, sent_method: str | None) -> ReferralView:
    """The referral recorded as sent: when, to whom, by which of SENT_METHODS (required), and the
    local authority's reference if they gave one."""
    now = services.clock.now()
    problems = [p for p in (aware_problem("referred_at", referred_at, now, "referral time"),) if p]
    if referred_at is None:
        problems.append(FieldProblem("referred_at", "Enter when the referral was made (date and time)."))
    if not agency.strip():
        problems.append(FieldProblem("agency", "Name who the referral went to (e.g. the local authority's front door)."))
    if sent_method not in SENT_METHODS:
        problems.append(FieldProblem("sent_method", "Choose how the referral was sent: secure email, the local "
                                                    "authority's portal, telephone or in person."))
    if problems:
        raise ValidationFailed(problems)
    with unit_of_work(services, actor) as uow:
        r = uow.load(m.SafeguardingReferral, referral_id, version_id)
        if r.referred_at is not None:
            raise ValidationFailed(FieldProblem("referred_at", "This referral is already recorded as made."))
        r.referred_at, r.referred_by_id = referred_at, actor.user_id
        r.not_applicable_reason = r.not_applicable_at = r.not_applicable_by_id = None
        r.agency, r.reference = agency.strip(), (reference or "").strip() or None
        r.sent_method = sent_method
        uow.stamp_updated(r)
        uow.session.flush()
        uow.audit("safeguarding.refer", entity="safeguarding_referral", entity_id=r.id, offender_id=r.offender_id,
                  details={"referred_at": referred_at, "agency": r.agency, "reference": r.reference,
                           "sent_method": sent_method})
        refresh_next_due(uow.session, r.offender_id)
        return referral_view(uow.session, r, (), now)


def record_referral_decision(services: Services, actor: Actor, referral_id: int, version_id: int, decision: str,
                             decision_at: datetime) -> ReferralView:
    """The local authority's decision; due within one working day of the referral."""
    now = services.clock.now()
    problems = [p for p in (aware_problem("decision_at", decision_at, now, "decision time"),) if p]
    if decision_at is None:
        problems.append(FieldProblem("decision_at", "Enter when the decision was received (date and time)."))
    if not decision.strip():
        problems.append(FieldProblem("decision", "Record what children's social care decided."))
    if problems:
        raise ValidationFailed(problems)
    with unit_of_work(services, actor) as uow:
        r = uow.load(m.SafeguardingReferral, referral_id, version_id)
        if r.referred_at is None:
            raise ValidationFailed(FieldProblem("decision", "Record the referral before its decision."))
        if decision_at < r.referred_at:
            raise ValidationFailed(FieldProblem("decision_at", "The decision is dated before the referral; check the time."))
        if r.decision is not None:
            raise ValidationFailed(FieldProblem("decision", "A decision is already recorded on this referral."))
        r.decision, r.decision_at = decision.strip(), decision_at
        uow.stamp_updated(r)
        uow.session.flush()
        uow.audit("safeguarding.decision", entity="safeguarding_referral", entity_id=r.id,
                  offender_id=r.offender_id, details={"decision_at": decision_at})
        return referral_view(uow.session, r, (), now)


def record_acknowledgement(services: Services, actor: Actor, referral_id: int, version_id: int,
                           acknowledged_at: datetime, acknowledged_by: str) -> ReferralView:
    """The local authority's acknowledgement of a referral sent: when, and who acknowledged it
    (a name and role at their front door). Due, like the decision, within one working day."""
    now = services.clock.now()
    problems = [p for p in (aware_problem("acknowledged_at", acknowledged_at, now, "acknowledgement time"),) if p]
    if acknowledged_at is None:
        problems.append(FieldProblem("acknowledged_at", "Enter when the acknowledgement came (date and time)."))
    if not (acknowledged_by or "").strip():
        problems.append(FieldProblem("acknowledged_by", "Name who acknowledged it, e.g. the duty social worker."))
    elif len(acknowledged_by.strip()) > 200:
        problems.append(FieldProblem("acknowledged_by", "Keep the name to 200 characters."))
    if problems:
        raise ValidationFailed(problems)
    with unit_of_work(services, actor) as uow:
        r = uow.load(m.SafeguardingReferral, referral_id, version_id)
        if r.referred_at is None:
            raise ValidationFailed(FieldProblem("acknowledged_at", "Record the referral as sent before its "
                                                                   "acknowledgement."))
        if acknowledged_at < r.referred_at:
            raise ValidationFailed(FieldProblem("acknowledged_at", "The acknowledgement is dated before the referral "
                                                                   "was sent; check the time."))
        if r.acknowledged_at is not None:
            raise ValidationFailed(FieldProblem("acknowledged_at", "An acknowledgement is already recorded on this "
                                                                   "referral."))
        r.acknowledged_at, r.acknowledged_by = acknowledged_at, acknowledged_by.strip()
        uow.stamp_updated(r)
        uow.session.flush()
        uow.audit("safeguarding.acknowledged", entity="safeguarding_referral", entity_id=r.id,
                  offender_id=r.offender_id, details={"acknowledged_at": acknowledged_at})
        return referral_view(uow.session, r, (), now)


def first_disclosed(disclosures: Iterable[m.Disclosure], referral_id: int) -> datetime | None:
    return min((d.disclosed_at for d in disclosures if d.referral_id == referral_id and d.disclosed_at), default=None)


def referral_view(s: Session, r: m.SafeguardingReferral, disclosures: Iterable[m.Disclosure],
                  now: datetime) -> ReferralView:
    to_referral, to_disclosure = sc.durations(r.concern_at, r.referred_at, first_disclosed(disclosures, r.id))
    referral_due = r.referral_due_at or sc.end_of_london_day(london_day(r.concern_at))
    decision_due = sc.referral_decision_due(r.referred_at) if r.referred_at else None
    return ReferralView(
        id=r.id, version_id=r.version_id, concern=r.concern, concern_at=r.concern_at, relationship_id=r.relationship_id,
        referred_at=r.referred_at, referred_by=display_name_of(s, r.referred_by_id), agency=r.agency, reference=r.reference,
        decision=r.decision, decision_at=r.decision_at,
        decision_due=decision_due,
        flag=sc.referral_flag(r.referred_at, r.decision_at, now) if r.referred_at else None,
        not_referred_same_day=_not_referred_in_time(r, now),
        concern_to_referral=to_referral, concern_to_disclosure=to_disclosure,
        concern_source=r.concern_source, household=r.household, sent_method=r.sent_method,
        acknowledged_at=r.acknowledged_at, acknowledged_by=r.acknowledged_by,
        referral_due=referral_due,
        # A referral dated before its concern (phoned through first) is on time, as in the clocks.
        referral_late_by=late_by(referral_due, r.referred_at, now),
        acknowledgement_late_by=late_by(decision_due, r.acknowledged_at, now),
        decision_late_by=late_by(decision_due, r.decision_at, now),
    )


def _not_referred_in_time(r: m.SafeguardingReferral, now: datetime) -> bool:
    """Past the referral's due time with no referral (or made after it). A response's referral
    marked not applicable is not late; a concern from before responses had due times keeps the
    calendar-day rule."""
    if r.referral_due_at is None:
        return sc.concern_without_referral(r.concern_at, r.referred_at, now)
    if r.not_applicable_at is not None and r.referred_at is None:
        return False
    return now > r.referral_due_at and (r.referred_at is None or r.referred_at > r.referral_due_at)


def referral_flags(r: ReferralView) -> tuple[str, ...]:
    """The referral's problems in a few words each, for its row in the list."""
    flags = []
    if r.not_referred_same_day:
        flags.append("Not referred the same day")
    if r.flag is sc.ReferralFlag.DECISION_OVERDUE:
        flags.append("No decision within 1 working day")
    elif r.flag is sc.ReferralFlag.DECISION_LATE:
        flags.append("Decision later than 1 working day")
    return tuple(flags)


def referral_state(r: ReferralView) -> str:
    if r.decision_at is not None:
        return "Decision received"
    if r.acknowledged_at is not None:
        return "Acknowledged; awaiting decision"
    if r.referred_at is not None:
        return "Referred; awaiting decision"
    return "Not yet referred"
