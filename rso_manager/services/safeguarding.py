"""Relationships, safeguarding referrals, disclosures and risk management plan actions.

The inspection found delays in referrals to children's social care and in disclosures to
parents (rules R21-R23). Every concern is a SafeguardingReferral row from the moment it is
known (concern_at), so the clocks in domain.safeguarding_clocks can measure how long the
referral, the local authority's decision and any disclosure took.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from rso_manager.domain import safeguarding_clocks as sc
from rso_manager.domain.rationale import RationalePolicy, assess_rationale
from rso_manager.domain.roles import Permission, Role, allows
from rso_manager.domain.visit_window import TriggerKind
from rso_manager.persistence import models as m
from rso_manager.services import access, case_events, case_summary, settings
from rso_manager.services.errors import FieldProblem, NotFound, ValidationFailed
from rso_manager.services.unit_of_work import (
    Actor,
    Services,
    UnitOfWork,
    find_offender,
    unit_of_work,
)

RELATIONSHIP_KINDS = ("family", "friend", "associate", "partner")
DISCLOSURE_ROUTES = ("s327a", "csods")
DISCLOSURE_DECISIONS = ("disclose", "not_disclose")
ROUTE_LABEL = {"s327a": "s.327A MAPPA disclosure", "csods": "Child Sex Offender Disclosure Scheme"}


# --- inputs and views ----------------------------------------------------------------------------


@dataclass(frozen=True)
class RelationshipInput:
    person_name: str = ""
    kind: str = "associate"  # family | friend | associate | partner
    has_children: bool = False
    access_to_children: bool = False
    from_date: date | None = None
    notes: str | None = None


@dataclass(frozen=True)
class RelationshipResult:
    relationship_id: int
    version_id: int
    # Set when the relationship gives access to children: the concern awaiting a referral,
    # so the UI can open the referral form on it straight away.
    referral_prompt_id: int | None
    next_visit_due: date | None


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


@dataclass(frozen=True)
class SafeguardingView:
    offender_id: int
    referrals: tuple[ReferralView, ...]
    disclosures: tuple[DisclosureView, ...]
    flags: tuple[str, ...]  # one line per problem, for the record's banner


@dataclass(frozen=True)
class SafeguardingException:
    offender_id: int
    offender_reference: str
    offender_name: str
    entity: str
    entity_id: int
    problem: str
    since: datetime  # when it became due, for sorting oldest first


@dataclass(frozen=True)
class Timeliness:
    concern_to_referral_median: timedelta | None
    concern_to_referral_worst: timedelta | None
    concern_to_disclosure_median: timedelta | None
    concern_to_disclosure_worst: timedelta | None
    concerns: int
    not_yet_referred: int  # have no duration yet, so are counted here rather than hidden


@dataclass(frozen=True)
class ActionView:
    id: int
    version_id: int
    offender_id: int
    plan_id: int | None
    description: str
    owner_id: int
    owner: str | None
    due_on: date
    result: str | None
    completed_on: date | None
    overdue: bool
    days_overdue: int


# --- shared helpers ------------------------------------------------------------------------------



def _aware_problem(field: str, moment: datetime | None, now: datetime, label: str) -> FieldProblem | None:
    if moment is None:
        return None
    if not _aware(moment):
        return FieldProblem(field, f"The {label} needs a time zone.")
    if moment > now:
        return FieldProblem(field, f"The {label} is in the future; record it once it has happened.")
    return None


def _aware(moment: datetime | None) -> bool:
    return moment is not None and moment.utcoffset() is not None


def _reasoned(s: Session, field: str, text: str | None, what: str) -> FieldProblem | None:
    """Disclosure reasons meet the same bar as a sign-off rationale (boilerplate, length)."""
    if not (text or "").strip():
        return FieldProblem(field, f"Record the {what}: what was considered and why.")
    verdict = assess_rationale(text, (), RationalePolicy(min_words=int(settings.get(s, "rationale_min_words"))))
    return None if verdict.ok else FieldProblem(field, f"{' '.join(verdict.problems)} {verdict.guidance}")


def _name(s: Session, user_id: int | None) -> str | None:
    return s.scalar(select(m.User.display_name).where(m.User.id == user_id)) if user_id else None


def _add_concern(uow: UnitOfWork, offender_id: int, concern: str, concern_at: datetime,
                 relationship_id: int | None = None) -> m.SafeguardingReferral:
    r = uow.stamp_created(m.SafeguardingReferral(offender_id=offender_id, concern=concern,
                                                 concern_at=concern_at, relationship_id=relationship_id))
    uow.session.add(r)
    uow.session.flush()
    uow.audit("safeguarding.concern", entity="safeguarding_referral", entity_id=r.id,
              offender_id=offender_id, details={"concern_at": concern_at})
    return r


def _referral(uow: UnitOfWork, referral_id: int, version_id: int | None) -> m.SafeguardingReferral:
    r = uow.session.get(m.SafeguardingReferral, referral_id)
    if r is None or r.voided_at is not None:
        raise NotFound(f"No safeguarding referral {referral_id}.")
    uow.authorise(Permission.WRITE_CASES, offender_id=r.offender_id)
    if version_id is not None and r.version_id != version_id:
        raise StaleDataError("referral changed since it was loaded")
    return r


# --- relationships and concerns -----------------------------------------------------------------


def record_relationship(services: Services, actor: Actor, offender_id: int,
                        rel: RelationshipInput) -> RelationshipResult:
    """A relationship giving access to children is a safeguarding concern from the moment it is
    known: it opens a referral prompt and pulls the next home visit forward."""
    today = services.clock.today()
    problems = []
    if not rel.person_name.strip():
        problems.append(FieldProblem("person_name", "Enter the person's name."))
    if rel.kind not in RELATIONSHIP_KINDS:
        problems.append(FieldProblem("kind", "Choose family, friend, associate or partner."))
    if rel.from_date is not None and rel.from_date > today:
        problems.append(FieldProblem("from_date", "The start date is in the future; record it when it begins."))
    if problems:
        raise ValidationFailed(problems)
    name = rel.person_name.strip()
    with unit_of_work(services, actor) as uow:
        uow.authorise(Permission.WRITE_CASES, offender_id=offender_id)
        find_offender(uow.session, offender_id)
        r = uow.stamp_created(m.Relationship(
            offender_id=offender_id, person_name=name, kind=rel.kind, has_children=rel.has_children,
            access_to_children=rel.access_to_children, from_date=rel.from_date,
            notes=(rel.notes or "").strip() or None))
        uow.session.add(r)
        uow.session.flush()
        uow.audit("entry.create", entity="relationship", entity_id=r.id, offender_id=offender_id,
                  details={"kind": rel.kind, "has_children": rel.has_children,
                           "access_to_children": rel.access_to_children})
        prompt_id = None
        if rel.access_to_children:
            concern = (f"New {rel.kind} relationship with {name}, who "
                       + ("has children and " if rel.has_children else "")
                       + "has access to children. Consider a referral to children's social care.")
            prompt_id = _add_concern(uow, offender_id, concern, uow.now, r.id).id
            # The visit is pulled forward from the day it became known, not from_date: a
            # relationship learned late still needs a prompt visit.
            case_events.record_trigger(uow, offender_id, TriggerKind.NEW_RELATIONSHIP, today, ("relationship", r.id))
        o = uow.session.get(m.Offender, offender_id)
        return RelationshipResult(r.id, r.version_id, prompt_id, o.next_visit_due)


def record_concern(services: Services, actor: Actor, offender_id: int, concern: str,
                   concern_at: datetime | None = None, relationship_id: int | None = None) -> ReferralView:
    """A concern for a child. Unreferred by the end of its London day, it is flagged."""
    now = services.clock.now()
    concern_at = concern_at or now
    problems = [p for p in (_aware_problem("concern_at", concern_at, now, "time of the concern"),) if p]
    if not concern.strip():
        problems.append(FieldProblem("concern", "Describe the concern: who is at risk and why."))
    if problems:
        raise ValidationFailed(problems)
    with unit_of_work(services, actor) as uow:
        uow.authorise(Permission.WRITE_CASES, offender_id=offender_id)
        find_offender(uow.session, offender_id)
        if relationship_id is not None:
            rel = uow.session.get(m.Relationship, relationship_id)
            if rel is None or rel.offender_id != offender_id:
                raise ValidationFailed(FieldProblem("relationship_id", "That relationship is on another record."))
        r = _add_concern(uow, offender_id, concern.strip(), concern_at, relationship_id)
        return _referral_view(uow.session, r, (), now)


def record_referral(services: Services, actor: Actor, referral_id: int, referred_at: datetime,
                    agency: str, reference: str | None, version_id: int | None = None) -> ReferralView:
    now = services.clock.now()
    problems = [p for p in (_aware_problem("referred_at", referred_at, now, "referral time"),) if p]
    if referred_at is None:
        problems.append(FieldProblem("referred_at", "Enter when the referral was made (date and time)."))
    if not agency.strip():
        problems.append(FieldProblem("agency", "Name who the referral went to (e.g. the local authority's front door)."))
    if problems:
        raise ValidationFailed(problems)
    with unit_of_work(services, actor, stale_entity=("referral", m.SafeguardingReferral, referral_id)) as uow:
        r = _referral(uow, referral_id, version_id)
        if r.referred_at is not None:
            raise ValidationFailed(FieldProblem("referred_at", "This referral is already recorded as made."))
        r.referred_at, r.referred_by_id = referred_at, actor.user_id
        r.agency, r.reference = agency.strip(), (reference or "").strip() or None
        uow.stamp_updated(r)
        uow.session.flush()
        uow.audit("safeguarding.refer", entity="safeguarding_referral", entity_id=r.id, offender_id=r.offender_id,
                  details={"referred_at": referred_at, "agency": r.agency, "reference": r.reference})
        return _referral_view(uow.session, r, (), now)


def record_referral_decision(services: Services, actor: Actor, referral_id: int, decision: str,
                             decision_at: datetime, version_id: int | None = None) -> ReferralView:
    """The local authority's decision; due within one working day of the referral."""
    now = services.clock.now()
    problems = [p for p in (_aware_problem("decision_at", decision_at, now, "decision time"),) if p]
    if decision_at is None:
        problems.append(FieldProblem("decision_at", "Enter when the decision was received (date and time)."))
    if not decision.strip():
        problems.append(FieldProblem("decision", "Record what children's social care decided."))
    if problems:
        raise ValidationFailed(problems)
    with unit_of_work(services, actor, stale_entity=("referral", m.SafeguardingReferral, referral_id)) as uow:
        r = _referral(uow, referral_id, version_id)
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
        return _referral_view(uow.session, r, (), now)


# --- disclosures ---------------------------------------------------------------------------------


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
        problem = _aware_problem(field, moment, now, label)
        if problem:
            problems.append(problem)
        elif field != "applied_at" and moment is not None and _aware(d.applied_at) and moment < d.applied_at:
            problems.append(FieldProblem(field, f"The {label} is before the application; check the date."))
    if d.decision is not None:
        if d.decision not in DISCLOSURE_DECISIONS:
            problems.append(FieldProblem("decision", "Choose disclose or do not disclose."))
        if d.decided_by_id is None or s.get(m.User, d.decided_by_id) is None:
            problems.append(FieldProblem("decided_by_id", "Choose who made the decision."))
        problem = _reasoned(s, "reasons", d.reasons, "reasons for the decision")
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
        row = uow.stamp_created(m.Disclosure(offender_id=offender_id, **_disclosure_columns(d)))
        uow.session.add(row)
        uow.session.flush()
        uow.audit("entry.create", entity="disclosure", entity_id=row.id, offender_id=offender_id,
                  details={"route": d.route, "decision": d.decision})
        if d.decision is not None:
            _request_decision_sign_off(uow, row)
        return _disclosure_view(uow.session, row, now)


def update_disclosure(services: Services, actor: Actor, disclosure_id: int, version_id: int,
                      d: DisclosureInput) -> DisclosureView:
    """Move a CSODS application on (checks, interview, decision, disclosure, completion).
    The earlier values stay in the record's history."""
    now = services.clock.now()
    with unit_of_work(services, actor, stale_entity=("disclosure", m.Disclosure, disclosure_id)) as uow:
        row = uow.session.get(m.Disclosure, disclosure_id)
        if row is None or row.voided_at is not None:
            raise NotFound(f"No disclosure {disclosure_id}.")
        uow.authorise(Permission.WRITE_CASES, offender_id=row.offender_id)
        if row.version_id != version_id:
            raise StaleDataError("disclosure changed since it was loaded")
        problems = _disclosure_problems(uow.session, row.offender_id, d, now)
        if problems:
            raise ValidationFailed(problems)
        had_decision = row.decision
        uow.keep_revision(row, entity="disclosure", offender_id=row.offender_id, reason="disclosure updated")
        for key, value in _disclosure_columns(d).items():
            setattr(row, key, value)
        uow.stamp_updated(row)
        uow.session.flush()
        uow.audit("entry.update", entity="disclosure", entity_id=row.id, offender_id=row.offender_id,
                  details={"route": d.route, "decision": d.decision})
        if d.decision is not None and d.decision != had_decision:
            _request_decision_sign_off(uow, row)
        return _disclosure_view(uow.session, row, now)


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


# --- reading -------------------------------------------------------------------------------------


def _first_disclosed(disclosures: Iterable[m.Disclosure], referral_id: int) -> datetime | None:
    return min((d.disclosed_at for d in disclosures if d.referral_id == referral_id and d.disclosed_at), default=None)


def _referral_view(s: Session, r: m.SafeguardingReferral, disclosures: Iterable[m.Disclosure],
                   now: datetime) -> ReferralView:
    to_referral, to_disclosure = sc.durations(r.concern_at, r.referred_at, _first_disclosed(disclosures, r.id))
    return ReferralView(
        id=r.id, version_id=r.version_id, concern=r.concern, concern_at=r.concern_at, relationship_id=r.relationship_id,
        referred_at=r.referred_at, referred_by=_name(s, r.referred_by_id), agency=r.agency, reference=r.reference,
        decision=r.decision, decision_at=r.decision_at,
        decision_due=sc.referral_decision_due(r.referred_at) if r.referred_at else None,
        flag=sc.referral_flag(r.referred_at, r.decision_at, now) if r.referred_at else None,
        not_referred_same_day=sc.concern_without_referral(r.concern_at, r.referred_at, now),
        concern_to_referral=to_referral, concern_to_disclosure=to_disclosure,
    )


def _csods(d: m.Disclosure, now: datetime) -> tuple[sc.CsodsDeadlines | None, tuple[sc.CsodsStage, ...]]:
    if d.route != "csods" or d.applied_at is None:
        return None, ()
    deadlines = sc.csods_deadlines(d.applied_at)
    return deadlines, tuple(sc.csods_status(deadlines, d.checks_at, d.interview_at, d.completed_at, now))


def _disclosure_view(s: Session, d: m.Disclosure, now: datetime) -> DisclosureView:
    deadlines, overdue = _csods(d, now)
    status = s.scalar(select(m.SignOff.status).where(m.SignOff.entity == "disclosure", m.SignOff.entity_id == d.id)
                      .order_by(m.SignOff.id.desc()).limit(1))
    return DisclosureView(
        id=d.id, version_id=d.version_id, route=d.route, applied_at=d.applied_at, applicant=d.applicant,
        checks_at=d.checks_at, interview_at=d.interview_at, decided_by=_name(s, d.decided_by_id),
        decision=d.decision, reasons=d.reasons, disclosed_to=d.disclosed_to, disclosed_at=d.disclosed_at,
        conditions=d.conditions, completed_at=d.completed_at, referral_id=d.referral_id,
        deadlines=deadlines, overdue_stages=overdue, sign_off_status=status, decided_by_id=d.decided_by_id,
    )


def _flag_lines(referrals: Iterable[ReferralView], disclosures: Iterable[DisclosureView]) -> tuple[str, ...]:
    lines = []
    for r in referrals:
        if r.flag is sc.ReferralFlag.DECISION_OVERDUE:
            lines.append(f"Referral of {r.referred_at:%d/%m/%Y %H:%M}: no decision from children's social care "
                         f"within 1 working day (due {r.decision_due:%d/%m/%Y}); chase it.")
        elif r.flag is sc.ReferralFlag.DECISION_LATE:
            lines.append(f"Referral of {r.referred_at:%d/%m/%Y %H:%M}: decision came after the working-day deadline.")
        if r.not_referred_same_day:
            lines.append(f"Concern of {r.concern_at:%d/%m/%Y %H:%M} was not referred the same day"
                         + ("." if r.referred_at else "; refer it now."))
    for d in disclosures:
        if d.overdue_stages:
            stages = ", ".join(s.value for s in d.overdue_stages)
            lines.append(f"Disclosure scheme application {d.applied_at:%d/%m/%Y}: overdue at {stages}.")
    return tuple(lines)


def safeguarding_for(services: Services, actor: Actor, offender_id: int, now: datetime | None = None) -> SafeguardingView:
    """The record's safeguarding tab: referrals and disclosures with their clocks and flags."""
    now = now or services.clock.now()
    with access.reading(services, actor, offender_id) as s:
        if s.get(m.Offender, offender_id) is None:
            raise NotFound(f"No offender record {offender_id}.")
        disclosures = s.scalars(select(m.Disclosure).where(
            m.Disclosure.offender_id == offender_id, m.Disclosure.voided_at.is_(None)).order_by(m.Disclosure.id)).all()
        referrals = tuple(_referral_view(s, r, disclosures, now) for r in s.scalars(
            select(m.SafeguardingReferral).where(m.SafeguardingReferral.offender_id == offender_id,
                                                 m.SafeguardingReferral.voided_at.is_(None))
            .order_by(m.SafeguardingReferral.concern_at, m.SafeguardingReferral.id)))
        views = tuple(_disclosure_view(s, d, now) for d in disclosures)
        return SafeguardingView(offender_id, referrals, views, _flag_lines(referrals, views))


def safeguarding_exceptions(services: Services, actor: Actor, now: datetime | None = None,
                            team_id: int | None = None) -> list[SafeguardingException]:
    """Open problems across the caseload for the compliance summary, oldest first: decisions
    overdue, concerns still unreferred after their day, CSODS stages past their deadline."""
    now = now or services.clock.now()
    out: list[SafeguardingException] = []
    with access.listing(services, actor) as s:
        def scoped(stmt, model):
            stmt = stmt.join(m.Offender, m.Offender.id == model.offender_id).where(model.voided_at.is_(None))
            return stmt.where(m.Offender.team_id == team_id) if team_id is not None else stmt

        def exception(o: m.Offender, entity: str, entity_id: int, problem: str, since: datetime) -> None:
            out.append(SafeguardingException(o.id, o.reference, f"{o.surname.upper()}, {o.forenames}",
                                             entity, entity_id, problem, since))

        # Only rows still open can be exceptions: unreferred, or referred and undecided.
        for r, o in s.execute(scoped(select(m.SafeguardingReferral, m.Offender), m.SafeguardingReferral).where(
                m.SafeguardingReferral.decision_at.is_(None))):
            if r.referred_at is None:
                if sc.concern_without_referral(r.concern_at, None, now):
                    exception(o, "safeguarding_referral", r.id, "Concern not referred to children's social care",
                              sc.end_of_london_day(sc.london_day(r.concern_at)))
            elif sc.referral_flag(r.referred_at, None, now) is sc.ReferralFlag.DECISION_OVERDUE:
                exception(o, "safeguarding_referral", r.id, "No decision on referral within 1 working day",
                          sc.referral_decision_due(r.referred_at))
        for d, o in s.execute(scoped(select(m.Disclosure, m.Offender), m.Disclosure).where(
                m.Disclosure.route == "csods", m.Disclosure.completed_at.is_(None))):
            deadlines, overdue = _csods(d, now)
            for stage in overdue:
                due = {sc.CsodsStage.CHECKS: deadlines.checks_by, sc.CsodsStage.INTERVIEW: deadlines.interview_by,
                       sc.CsodsStage.COMPLETE: deadlines.complete_by}[stage]
                exception(o, "disclosure", d.id, f"Disclosure scheme {stage.value} overdue", due)
    return sorted(out, key=lambda e: (e.since, e.offender_id, e.entity_id))


def timeliness(services: Services, actor: Actor, period_from: date, period_to: date,
               team_id: int | None = None) -> Timeliness:
    """Median and worst time from concern to referral and to disclosure, for concerns raised
    on London days PERIOD_FROM to PERIOD_TO inclusive."""
    start = sc.end_of_london_day(period_from - timedelta(days=1))
    end = sc.end_of_london_day(period_to)
    with access.listing(services, actor) as s:
        stmt = (select(m.SafeguardingReferral).join(m.Offender, m.Offender.id == m.SafeguardingReferral.offender_id)
                .where(m.SafeguardingReferral.voided_at.is_(None), m.SafeguardingReferral.concern_at > start,
                       m.SafeguardingReferral.concern_at <= end))
        if team_id is not None:
            stmt = stmt.where(m.Offender.team_id == team_id)
        referrals = s.scalars(stmt).all()
        disclosures = s.scalars(select(m.Disclosure).where(
            m.Disclosure.voided_at.is_(None), m.Disclosure.referral_id.in_([r.id for r in referrals]),
            m.Disclosure.disclosed_at.is_not(None))).all() if referrals else []
    pairs = [sc.durations(r.concern_at, r.referred_at, _first_disclosed(disclosures, r.id)) for r in referrals]
    ref_med, ref_worst = sc.summary(p[0] for p in pairs)
    dis_med, dis_worst = sc.summary(p[1] for p in pairs)
    return Timeliness(ref_med, ref_worst, dis_med, dis_worst, len(referrals),
                      sum(1 for r in referrals if r.referred_at is None))


# --- risk management plan actions ----------------------------------------------------------------


def _action_view(a: m.Action, owner: str | None, as_of: date) -> ActionView:
    overdue = a.completed_on is None and a.due_on < as_of
    return ActionView(a.id, a.version_id, a.offender_id, a.plan_id, a.description, a.owner_id, owner, a.due_on,
                      a.result, a.completed_on, overdue, (as_of - a.due_on).days if overdue else 0)


def add_action(services: Services, actor: Actor, offender_id: int, description: str, owner_id: int | None,
               due_on: date | None) -> ActionView:
    """An action on the current risk management plan, with an owner and a due date."""
    today = services.clock.today()
    problems = []
    if not description.strip():
        problems.append(FieldProblem("description", "Say what is to be done."))
    if owner_id is None:
        problems.append(FieldProblem("owner_id", "Choose who owns the action."))
    if due_on is None:
        problems.append(FieldProblem("due_on", "Enter the date it is due."))
    elif due_on < today:
        problems.append(FieldProblem("due_on", "The due date has already passed; choose a date from today on."))
    if problems:
        raise ValidationFailed(problems)
    with unit_of_work(services, actor) as uow:
        uow.authorise(Permission.WRITE_CASES, offender_id=offender_id)
        find_offender(uow.session, offender_id)
        owner = uow.session.get(m.User, owner_id)
        if owner is None or not owner.active:
            raise ValidationFailed(FieldProblem("owner_id", "The owner must be an active user."))
        plan = case_summary.current_plan(uow.session, offender_id)
        a = uow.stamp_created(m.Action(offender_id=offender_id, plan_id=plan.id if plan else None,
                                       description=description.strip(), owner_id=owner_id, due_on=due_on))
        uow.session.add(a)
        uow.session.flush()
        uow.audit("entry.create", entity="plan_action", entity_id=a.id, offender_id=offender_id,
                  details={"owner_id": owner_id, "due_on": due_on})
        return _action_view(a, owner.display_name, today)


def record_action_result(services: Services, actor: Actor, action_id: int, version_id: int, result: str,
                         completed_on: date) -> ActionView:
    today = services.clock.today()
    problems = []
    if not result.strip():
        problems.append(FieldProblem("result", "Record what was done and what came of it."))
    if completed_on is None:
        problems.append(FieldProblem("completed_on", "Enter the date it was done."))
    elif completed_on > today:
        problems.append(FieldProblem("completed_on", "The completion date is in the future."))
    if problems:
        raise ValidationFailed(problems)
    with unit_of_work(services, actor, stale_entity=("action", m.Action, action_id)) as uow:
        a = uow.session.get(m.Action, action_id)
        if a is None or a.voided_at is not None:
            raise NotFound(f"No action {action_id}.")
        uow.authorise(Permission.WRITE_CASES, offender_id=a.offender_id)
        if a.version_id != version_id:
            raise StaleDataError("action changed since it was loaded")
        if a.completed_on is not None:
            raise ValidationFailed(FieldProblem("result", "This action already has a result."))
        a.result, a.completed_on = result.strip(), completed_on
        uow.stamp_updated(a)
        uow.session.flush()
        uow.audit("entry.update", entity="plan_action", entity_id=a.id, offender_id=a.offender_id,
                  details={"completed_on": completed_on})
        return _action_view(a, _name(uow.session, a.owner_id), today)


def overdue_actions(services: Services, actor: Actor, as_of: date | None = None, *, offender_id: int | None = None,
                    team_id: int | None = None) -> list[ActionView]:
    """Open actions past their due date, most overdue first: for the record and the summary."""
    as_of = as_of or services.clock.today()
    stmt = (select(m.Action, m.User.display_name).join(m.User, m.User.id == m.Action.owner_id)
            .join(m.Offender, m.Offender.id == m.Action.offender_id)
            .where(m.Action.voided_at.is_(None), m.Action.completed_on.is_(None), m.Action.due_on < as_of)
            .order_by(m.Action.due_on, m.Action.id))
    if offender_id is not None:
        stmt = stmt.where(m.Action.offender_id == offender_id)
    if team_id is not None:
        stmt = stmt.where(m.Offender.team_id == team_id)
    with access.reading_or_listing(services, actor, offender_id) as s:
        stmt = stmt.where(access.visible_cases(s, actor, services.clock.today()))
        return [_action_view(a, owner, as_of) for a, owner in s.execute(stmt)]


# --- what the record's pages list ---------------------------------------------------------------


@dataclass(frozen=True)
class RelationshipView:
    id: int
    version_id: int
    person_name: str
    kind: str
    has_children: bool
    access_to_children: bool
    from_date: date | None
    to_date: date | None
    notes: str | None
    referral_state: str | None  # for access to children: where its safeguarding referral stands
    referral_overdue: bool  # the concern was not referred the same day


@dataclass(frozen=True)
class Person:
    id: int
    name: str


def relationship_warning(rel: RelationshipInput) -> str | None:
    """What follows from saving REL, for the form to say before the user commits to it."""
    if not rel.access_to_children:
        return None
    return ("This person has access to children. Saving opens a safeguarding concern that must be "
            "referred to children's social care today, and the next home visit is brought forward.")


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
    if r.referred_at is not None:
        return "Referred; awaiting decision"
    return "Not yet referred"


def relationships_for(services: Services, actor: Actor, offender_id: int,
                      now: datetime | None = None) -> list[RelationshipView]:
    """The record's relationships (not those entered in error), newest first, each with where
    its safeguarding referral stands."""
    now = now or services.clock.now()
    with access.reading(services, actor, offender_id) as s:
        if s.get(m.Offender, offender_id) is None:
            raise NotFound(f"No offender record {offender_id}.")
        referrals: dict[int, m.SafeguardingReferral] = {}
        for r in s.scalars(select(m.SafeguardingReferral).where(
                m.SafeguardingReferral.offender_id == offender_id, m.SafeguardingReferral.voided_at.is_(None),
                m.SafeguardingReferral.relationship_id.is_not(None)).order_by(m.SafeguardingReferral.id)):
            referrals[r.relationship_id] = r  # the latest concern about each relationship
        out = []
        for rel in s.scalars(select(m.Relationship).where(
                m.Relationship.offender_id == offender_id, m.Relationship.voided_at.is_(None))
                .order_by(m.Relationship.id.desc())):
            ref = referrals.get(rel.id)
            view = _referral_view(s, ref, (), now) if ref is not None else None
            out.append(RelationshipView(
                rel.id, rel.version_id, rel.person_name, rel.kind, rel.has_children, rel.access_to_children,
                rel.from_date, rel.to_date, rel.notes, referral_state(view) if view else None,
                bool(view and view.not_referred_same_day and view.referred_at is None)))
        return out


def actions_for(services: Services, actor: Actor, offender_id: int, as_of: date | None = None) -> list[ActionView]:
    """Every action on the record (not those entered in error): open ones first, soonest due."""
    as_of = as_of or services.clock.today()
    stmt = (select(m.Action, m.User.display_name).join(m.User, m.User.id == m.Action.owner_id)
            .where(m.Action.offender_id == offender_id, m.Action.voided_at.is_(None))
            .order_by(m.Action.completed_on.is_not(None), m.Action.due_on, m.Action.id))
    with access.reading(services, actor, offender_id) as s:
        return [_action_view(a, owner, as_of) for a, owner in s.execute(stmt)]


def disclosure_deciders(services: Services, actor: Actor) -> list[Person]:
    """Who may be named as having made a disclosure decision: active, trained supervisors and
    the OMU lead (a decision goes to a supervisor for sign-off as well)."""
    with access.listing(services, actor) as s:
        return [Person(u.id, u.display_name) for u in s.scalars(
            select(m.User).where(m.User.active, m.User.trained,
                                 m.User.role.in_((Role.SUPERVISOR.value, Role.OMU_LEAD.value)))
            .order_by(m.User.display_name))]


def action_owners(services: Services, actor: Actor) -> list[Person]:
    """Who may own an action: active staff who hold cases (trained, with write access)."""
    with access.listing(services, actor) as s:
        return [Person(u.id, u.display_name) for u in s.scalars(
            select(m.User).where(m.User.active).order_by(m.User.display_name))
            if allows(Role(u.role), bool(u.trained), Permission.WRITE_CASES)]
