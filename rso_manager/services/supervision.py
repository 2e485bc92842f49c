"""Supervisor sign-off: each supervisor's queue, cover while they are away, escalation of items
left waiting, and decisions that must carry a reasoned rationale (domain rule R20).

The rules live in domain.rationale; this module feeds them from the database and records what
happened. Routing is worked out when a queue is read, not when an item is requested, so an
absence recorded today moves items that were already waiting.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from rso_manager.domain.dates import london_day, working_days_between
from rso_manager.domain.entry_fields import field_label
from rso_manager.domain.rationale import (
    GUIDANCE,
    RationalePolicy,
    RoutingDecision,
    SignOffDecision,
    UserId,
    assess_rationale,
    escalation_due,
    route_sign_off,
)
from rso_manager.domain.roles import Permission, Role
from rso_manager.persistence import models as m
from rso_manager.services import breaches as _breaches  # noqa: F401 - registers what a no-crime decision does
from rso_manager.services import case_audits as _case_audits  # noqa: F401 - registers what a decision on a case audit does
from rso_manager.services import case_events, case_summary, settings
from rso_manager.services.errors import (
    FieldProblem,
    NotFound,
    PermissionDenied,
    ServiceError,
    ValidationFailed,
)
from rso_manager.services.unit_of_work import Actor, Services, UnitOfWork, unit_of_work

SIGNING_ROLES = frozenset({Role.SUPERVISOR, Role.OMU_LEAD})
OPEN_STATUSES = ("pending", "escalated")  # escalated: decided "escalate", now with the OMU lead
_STATUS_FOR = {SignOffDecision.APPROVE: "approved", SignOffDecision.RETURN: "returned",
               SignOffDecision.ESCALATE: "escalated"}
_DONE = {"approve": "approved", "return": "returned", "superseded": "superseded by a later entry"}
# Entries a user may send for sign-off themselves; the named workflows request their own.
SIGNABLE_ENTITIES = case_events.CASE_ENTRIES
# A sign-off can also be about an opening of a record outside the opener's caseload, or a kind
# a workflow registers with case_events.on_decision (a decision not to record a crime is about
# its breach); case_events.entry_kind says which row each is about.


@dataclass(frozen=True)
class AbsenceInfo:
    id: int
    user_id: int
    starts_on: date
    ends_on: date
    reason: str


@dataclass(frozen=True)
class CoverInfo:
    id: int
    supervisor_id: int
    cover_supervisor_id: int
    named_by_id: int
    starts_on: date
    ends_on: date | None


@dataclass(frozen=True)
class QueueItem:
    sign_off_id: int
    version_id: int
    offender_id: int | None
    offender_reference: str | None
    offender_name: str | None
    entity: str
    entity_id: int
    summary: str
    author_id: int
    author: str | None
    owner_supervisor_id: int | None  # whose queue it was put in
    status: str  # pending | escalated
    requested_at: datetime
    age_days: int
    age_working_days: int
    via_cover: bool  # in this queue because the actor covers the absent owner
    escalated: bool  # waited past the limit, or escalated by a supervisor: the OMU lead sees it
    routing: str  # why it is in this queue, for the tooltip
    owner: str | None = None  # name of the supervisor whose queue it was put in

    @property
    def why_here(self) -> str:
        """In a few words, why this item is in the reader's queue."""
        if self.escalated:
            return "Escalated by a supervisor" if self.status == "escalated" else "Waiting too long: escalated"
        if self.via_cover:
            return f"Covering for {self.owner or 'an absent supervisor'}"
        return "Your queue"

    @property
    def why_detail(self) -> str:
        """A sentence on how the item reached this queue, for the sign-off pane."""
        if self.status == "escalated":
            return "A supervisor escalated this entry to the OMU lead to decide."
        if self.via_cover:
            return f"{self.owner or 'The owning supervisor'} is away and you are the named cover."
        if self.escalated:
            return self.routing if self.routing.startswith("Waiting") else \
                "It has waited past the escalation limit, so the OMU lead sees it too."
        if self.routing.startswith("Owning supervisor is available"):
            return "Sent to you as the supervisor for this case."
        return self.routing


@dataclass(frozen=True)
class SignOffResult:
    sign_off_id: int
    version_id: int
    status: str
    supervisor_id: int | None
    decision: str | None
    rationale: str | None
    signed_by_id: int | None
    signed_at: datetime | None
    via_cover: bool


def _result(so: m.SignOff) -> SignOffResult:
    return SignOffResult(so.id, so.version_id, so.status, so.supervisor_id, so.decision, so.rationale,
                         so.signed_by_id, so.signed_at, so.via_cover)


# --- who is where ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Roster:
    """Everything route_sign_off needs for one day, read once per call."""

    users: dict[UserId, tuple[bool, bool, bool]]  # id -> (is_supervisor, trained, active)
    names: dict[int, str]
    absences: dict[UserId, list[tuple[date, date | None]]]
    cover: dict[UserId, UserId]
    lead_id: int | None


def _omu_lead_id(s: Session) -> int | None:
    return s.scalar(select(m.User.id).where(m.User.role == Role.OMU_LEAD.value, m.User.active,
                                            m.User.trained).order_by(m.User.id).limit(1))


def _roster(s: Session, on: date) -> _Roster:
    users: dict[UserId, tuple[bool, bool, bool]] = {}
    names: dict[int, str] = {}
    for uid, name, role, trained, active in s.execute(
            select(m.User.id, m.User.display_name, m.User.role, m.User.trained, m.User.active)):
        users[uid] = (Role(role) in SIGNING_ROLES, bool(trained), bool(active))
        names[uid] = name
    absences: dict[UserId, list[tuple[date, date | None]]] = {}
    for a in s.scalars(select(m.Absence).where(m.Absence.voided_at.is_(None), m.Absence.starts_on <= on,
                                               m.Absence.ends_on >= on)):
        absences.setdefault(a.user_id, []).append((a.starts_on, a.ends_on))
    cover: dict[UserId, UserId] = {c.supervisor_id: c.cover_supervisor_id for c in s.scalars(  # latest named wins
        select(m.CoverArrangement).where(
            m.CoverArrangement.voided_at.is_(None), m.CoverArrangement.starts_on <= on,
            or_(m.CoverArrangement.ends_on.is_(None), m.CoverArrangement.ends_on >= on))
        .order_by(m.CoverArrangement.id))}
    return _Roster(users, names, absences, cover, _omu_lead_id(s))


def _route(r: _Roster, supervisor_id: int | None, on: date, took_part: frozenset[int]) -> RoutingDecision:
    """Who signs, on ON, an item in SUPERVISOR_ID's queue (None: the lead's). Anyone who took
    part in the entry (its author, a visit's officers) cannot sign it, so for this item they
    count as unavailable: it moves on to the cover, the OMU lead, or, if the lead took part too,
    another supervisor."""
    users: dict[UserId, tuple[bool, bool, bool]] = {**r.users, **{uid: (False, False, False) for uid in took_part}}
    lead: UserId = r.lead_id or 0  # no lead set up: the item routes to no one rather than to a junior
    if lead in took_part:
        lead = next((uid for uid in sorted(users) if uid not in took_part and all(users[uid])
                     and not any(start <= on and (end is None or on <= end) for start, end in r.absences.get(uid, ()))),
                    0)
    owner = supervisor_id or lead
    return route_sign_off(owner, r.absences, r.cover, users, on, lead)


def _signer(s: Session, actor: Actor) -> tuple[bool, bool, Role | None]:
    return case_events.signer_standing(s, actor.user_id)


# --- absence and cover -------------------------------------------------------------------------


def absence_problems(actor: Actor, user_id: int, starts_on: date | None, ends_on: date | None,
                      reason: str) -> list[FieldProblem]:
    if actor.user_id != user_id and actor.role not in (Role.SUPERVISOR, Role.OMU_LEAD, Role.ADMINISTRATOR):
        raise PermissionDenied("Only the person themselves, a supervisor or the OMU lead can record an absence.")
    problems = []
    if starts_on is None:
        problems.append(FieldProblem("starts_on", "Enter the first day of the absence."))
    if ends_on is None:
        problems.append(FieldProblem("ends_on", "Enter the last day of the absence."))
    elif starts_on is not None and ends_on < starts_on:
        problems.append(FieldProblem("ends_on", "The absence ends before it starts; check the dates."))
    if not reason.strip():
        problems.append(FieldProblem("reason", "Say why (leave, sickness, course): it is shown to the cover."))
    return problems


def add_absence(uow: UnitOfWork, user_id: int, starts_on: date, ends_on: date, reason: str) -> AbsenceInfo:
    if uow.session.get(m.User, user_id) is None:
        raise NotFound(f"No user {user_id}.")
    a = uow.stamp_created(m.Absence(user_id=user_id, starts_on=starts_on, ends_on=ends_on,
                                    reason=reason.strip()))
    uow.session.add(a)
    uow.session.flush()
    uow.audit("absence.record", entity="absence", entity_id=a.id,
              details={"user_id": user_id, "from": starts_on, "to": ends_on})
    return AbsenceInfo(a.id, a.user_id, a.starts_on, a.ends_on, a.reason)


def record_absence(services: Services, actor: Actor, user_id: int, starts_on: date, ends_on: date,
                   reason: str) -> AbsenceInfo:
    problems = absence_problems(actor, user_id, starts_on, ends_on, reason)
    if problems:
        raise ValidationFailed(problems)
    with unit_of_work(services, actor) as uow:
        return add_absence(uow, user_id, starts_on, ends_on, reason)


def _cover_problems(lead_actor: Actor, supervisor_id: int, cover_supervisor_id: int, starts_on: date | None,
                    ends_on: date | None) -> list[FieldProblem]:
    if not lead_actor.can(Permission.NAME_COVER):
        raise PermissionDenied("Only the OMU lead names cover for a supervisor's sign-off queue.")
    problems = []
    if ends_on is not None and starts_on is not None and ends_on < starts_on:
        problems.append(FieldProblem("ends_on", "The cover ends before it starts; check the dates."))
    if supervisor_id == cover_supervisor_id:
        problems.append(FieldProblem("cover_supervisor_id", "A supervisor cannot cover their own queue."))
    return problems


def _add_cover(uow: UnitOfWork, supervisor_id: int, cover_supervisor_id: int, starts_on: date,
               ends_on: date | None) -> CoverInfo:
    sup, cov = uow.session.get(m.User, supervisor_id), uow.session.get(m.User, cover_supervisor_id)
    if sup is None or cov is None:
        raise NotFound("No such user.")
    if Role(sup.role) not in SIGNING_ROLES:
        raise ValidationFailed(FieldProblem(
            "supervisor_id", f"{sup.display_name} is not a supervisor, so has no sign-off queue to cover."))
    if Role(cov.role) not in SIGNING_ROLES or not cov.trained or not cov.active:
        raise ValidationFailed(FieldProblem(
            "cover_supervisor_id",
            f"{cov.display_name} cannot cover: sign-offs go only to an active, trained supervisor. "
            "Choose another supervisor, or leave the queue with the OMU lead."))
    c = uow.stamp_created(m.CoverArrangement(
        supervisor_id=supervisor_id, cover_supervisor_id=cover_supervisor_id,
        named_by_id=uow.actor.user_id, starts_on=starts_on, ends_on=ends_on))
    uow.session.add(c)
    uow.session.flush()
    uow.audit("cover.name", entity="cover_arrangement", entity_id=c.id,
              details={"supervisor_id": supervisor_id, "cover_id": cover_supervisor_id,
                       "from": starts_on, "to": ends_on})
    return CoverInfo(c.id, c.supervisor_id, c.cover_supervisor_id, c.named_by_id, c.starts_on, c.ends_on)


def name_cover(services: Services, lead_actor: Actor, supervisor_id: int, cover_supervisor_id: int,
               starts_on: date, ends_on: date | None = None) -> CoverInfo:
    """The OMU lead names who takes a supervisor's queue; never an untrained or junior user."""
    problems = _cover_problems(lead_actor, supervisor_id, cover_supervisor_id, starts_on, ends_on)
    if problems:
        raise ValidationFailed(problems[0])
    with unit_of_work(services, lead_actor) as uow:
        uow.authorise(Permission.NAME_COVER)
        return _add_cover(uow, supervisor_id, cover_supervisor_id, starts_on, ends_on)


def record_absence_and_cover(services: Services, actor: Actor, user_id: int, starts_on: date | None,
                             ends_on: date | None, reason: str,
                             cover_supervisor_id: int | None = None) -> tuple[AbsenceInfo, CoverInfo | None]:
    """An absence and, if the OMU lead names one, the cover for the same days, in one step: both
    are saved or neither is. Problems with either are reported together."""
    problems = absence_problems(actor, user_id, starts_on, ends_on, reason)
    if cover_supervisor_id is not None:
        problems += [p for p in _cover_problems(actor, user_id, cover_supervisor_id, starts_on, ends_on)
                     if p.field != "ends_on"]
    if problems:
        raise ValidationFailed(problems)
    assert starts_on is not None and ends_on is not None
    with unit_of_work(services, actor) as uow:
        if cover_supervisor_id is not None:
            uow.authorise(Permission.NAME_COVER)
        absence = add_absence(uow, user_id, starts_on, ends_on, reason)
        cover = (_add_cover(uow, user_id, cover_supervisor_id, starts_on, ends_on)
                 if cover_supervisor_id is not None else None)
        return absence, cover


@dataclass(frozen=True)
class Person:
    id: int
    name: str


@dataclass(frozen=True)
class CoverOptions:
    """What the absence and cover form offers ACTOR."""

    absentees: tuple[Person, ...]  # whose absence the actor may record here
    covers: tuple[Person, ...]  # who may take a queue: active, trained supervisors
    can_name_cover: bool  # the OMU lead only


@dataclass(frozen=True)
class AbsenceRow:
    absence_id: int
    user_id: int
    user: str
    starts_on: date
    ends_on: date
    reason: str
    cover_id: int | None  # the cover named for (part of) these days, latest first
    cover: str | None
    role: Role  # a supervisor's absence moves a sign-off queue; an offender manager's, a caseload


def cover_options(services: Services, actor: Actor) -> CoverOptions:
    """The OMU lead records any supervisor's absence and names cover; a supervisor records
    their own absence. Cover goes only to an active, trained supervisor."""
    if actor.role not in SIGNING_ROLES:
        raise PermissionDenied("Only supervisors and the OMU lead record absences from the sign-off queue.")
    with unit_of_work(services, actor) as uow:
        s = uow.session
        supervisors = [Person(u.id, u.display_name) for u in s.scalars(
            select(m.User).where(m.User.role == Role.SUPERVISOR.value, m.User.active).order_by(m.User.display_name))]
        trained = {uid for uid, in s.execute(select(m.User.id).where(m.User.trained))}
    is_lead = actor.can(Permission.NAME_COVER)
    absentees = tuple(supervisors) if is_lead else (Person(actor.user_id, actor.display_name),)
    return CoverOptions(absentees, tuple(p for p in supervisors if p.id in trained) if is_lead else (), is_lead)


def absences_from(services: Services, actor: Actor, as_of: date | None = None) -> list[AbsenceRow]:
    """Absences not yet over on AS_OF, soonest first, each with the cover named for it. A
    supervisor sees their own; the OMU lead sees everyone's."""
    if actor.role not in SIGNING_ROLES:
        raise PermissionDenied("Only supervisors and the OMU lead see absences and cover.")
    as_of = as_of or services.clock.today()
    with unit_of_work(services, actor) as uow:
        s = uow.session
        names = dict(s.execute(select(m.User.id, m.User.display_name)).all())
        roles = dict(s.execute(select(m.User.id, m.User.role)).all())
        stmt = (select(m.Absence).where(m.Absence.voided_at.is_(None), m.Absence.ends_on >= as_of)
                .order_by(m.Absence.starts_on, m.Absence.id))
        if actor.role is not Role.OMU_LEAD:
            stmt = stmt.where(m.Absence.user_id == actor.user_id)
        rows = []
        for a in s.scalars(stmt):
            cover_id = s.scalar(select(m.CoverArrangement.cover_supervisor_id).where(
                m.CoverArrangement.voided_at.is_(None), m.CoverArrangement.supervisor_id == a.user_id,
                m.CoverArrangement.starts_on <= a.ends_on,
                or_(m.CoverArrangement.ends_on.is_(None), m.CoverArrangement.ends_on >= a.starts_on))
                .order_by(m.CoverArrangement.id.desc()).limit(1))
            rows.append(AbsenceRow(a.id, a.user_id, names.get(a.user_id, "?"), a.starts_on, a.ends_on, a.reason,
                                   cover_id, names.get(cover_id) if cover_id else None, Role(roles[a.user_id])))
        return rows


# --- the queue -----------------------------------------------------------------------------------


def queue_for(services: Services, actor: Actor, as_of: date | None = None) -> list[QueueItem]:
    """What ACTOR must decide on AS_OF, oldest first: their own queue, the queues of absent
    supervisors they cover, and (for the OMU lead) everything escalated."""
    as_of = as_of or services.clock.today()
    with unit_of_work(services, actor) as uow:
        s = uow.session
        is_supervisor, trained, role = _signer(s, actor)
        if not (is_supervisor and trained):
            return []  # never routed to an untrained or junior user
        r = _roster(s, as_of)
        limit = int(settings.get(s, "sign_off_escalation_working_days"))
        is_lead = role is Role.OMU_LEAD
        # The case's reference and name come in the same query: one query for the queue, not
        # one per item (thousands wait in the OMU lead's at national scale), and as plain
        # columns: the queue only reads them, and 8,000 ORM objects cost ~0.1 s of the worker's
        # hold on the interpreter while the lead types in her caseload's filter (issue 16).
        stmt = (select(m.SignOff.__table__, m.Offender.reference, m.Offender.surname, m.Offender.forenames)
                .outerjoin(m.Offender, m.Offender.id == m.SignOff.offender_id)
                .where(m.SignOff.status.in_(OPEN_STATUSES))
                .order_by(m.SignOff.requested_at, m.SignOff.id))
        # Every open item is routed, not only those put in the actor's queue: one whose owner
        # took part in the entry passes to the cover, the lead or another supervisor.
        open_rows = s.execute(stmt).all()
        took_part = case_events.took_part_many(s, open_rows)
        # Both depend only on the day an item was asked for, and thousands share a few hundred days.
        overdue_from = cache(lambda day: escalation_due(day, as_of, limit))
        working_days_since = cache(lambda day: working_days_between(day, as_of))
        items = []
        for so in open_rows:
            reference, surname, forenames = so.reference, so.surname, so.forenames
            took = took_part[so.id]
            route = _route(r, so.supervisor_id, as_of, took)
            requested_on = london_day(so.requested_at)
            escalated = so.status == "escalated" or overdue_from(requested_on)
            mine = route.assignee_id == actor.user_id
            if not (mine or (is_lead and escalated and actor.user_id not in took)):
                continue
            known = so.offender_id is not None and reference is not None
            items.append(QueueItem(
                sign_off_id=so.id, version_id=so.version_id, offender_id=so.offender_id,
                offender_reference=reference if known else None,
                offender_name=f"{surname.upper()}, {forenames}" if known else None,
                entity=so.entity, entity_id=so.entity_id, summary=so.summary, author_id=so.author_id,
                author=r.names.get(so.author_id), owner_supervisor_id=so.supervisor_id, status=so.status,
                requested_at=so.requested_at, age_days=(as_of - requested_on).days,
                age_working_days=working_days_since(requested_on),
                via_cover=mine and route.via_cover, escalated=escalated,
                routing=route.reason if mine else f"Waiting more than {limit} working days: escalated to the OMU lead.",
                owner=r.names.get(so.supervisor_id) if so.supervisor_id else None,
            ))
        return items


@dataclass(frozen=True)
class SignOffPolicy:
    """What the sign-off pane tells the supervisor before they write."""

    min_words: int
    guidance: str
    escalation_working_days: int
    decisions: tuple[SignOffDecision, ...]  # open to this actor: the OMU lead cannot escalate


def queue_count(services: Services, actor: Actor, as_of: date | None = None) -> int:
    """How many items queue_for gives ACTOR: the badge on a queue not opened yet, without
    sending thousands of items to the window for one number."""
    return len(queue_for(services, actor, as_of))


def sign_off_policy(services: Services, actor: Actor) -> SignOffPolicy:
    with services.session_factory() as s:
        min_words = int(settings.get(s, "rationale_min_words"))
        limit = int(settings.get(s, "sign_off_escalation_working_days"))
    decisions = tuple(d for d in SignOffDecision if not (d is SignOffDecision.ESCALATE and actor.role is Role.OMU_LEAD))
    return SignOffPolicy(min_words, GUIDANCE, limit, decisions)


@dataclass(frozen=True)
class SignOffEntry:
    """The entry a sign-off is about, field by field, for the supervisor to read before deciding."""

    sign_off_id: int
    entity: str
    title: str  # what the entry is, as a heading: "The relationship", "Decision not to record a crime: ..."
    fields: tuple[tuple[str, object], ...]  # (label in users' words, value); values are raw (dates, times, text)
    voided: bool


_ENTRY_HIDDEN = frozenset({"id", "version_id", "offender_id", "created_at", "created_by_id", "updated_at",
                           "updated_by_id", "voided_by_id", "photo"})


_CODES = {
    "route": {"s327a": "s.327A MAPPA disclosure", "csods": "Child Sex Offender Disclosure Scheme"},
    "decision": {"disclose": "Disclose", "not_disclose": "Do not disclose"},
}
_CODE = re.compile(r"^[a-z][a-z0-9_]*$")


def _readable(key: str, value: object) -> object:
    """Stored codes ("not_disclose", "partner") as words; other values unchanged."""
    if not isinstance(value, str):
        return value
    named = _CODES.get(key, {}).get(value)
    if named:
        return named
    return value.replace("_", " ").capitalize() if _CODE.match(value) and len(value) <= 30 else value


def sign_off_entry(services: Services, actor: Actor, sign_off_id: int) -> SignOffEntry:
    """Read the entry behind a queue item. Audited: reading it is a consultation of the record,
    its purpose the sign-off."""
    with unit_of_work(services, actor) as uow:
        s = uow.session
        so = s.get(m.SignOff, sign_off_id)
        if so is None:
            raise NotFound(f"No sign-off request {sign_off_id}.")
        uow.authorise(Permission.SIGN_OFF, offender_id=so.offender_id)
        kind = case_events.entry_kind(so.entity)
        model = kind.model
        row = s.get(model, so.entity_id) if model is not None else None
        fields: list[tuple[str, object]] = []
        if row is not None:
            for column in row.__table__.columns:
                key, value = column.key, getattr(row, column.key)
                # A copy kept as JSON is for the machine: the fields beside it say the same.
                if key in _ENTRY_HIDDEN or key.endswith("_json") or value is None or value == "":
                    continue
                if key.endswith("_by_id") or key in ("owner_id", "user_id"):
                    value = s.scalar(select(m.User.display_name).where(m.User.id == value)) or value
                elif key.endswith("_id"):
                    continue  # a link to another row, not something to read
                fields.append((field_label(key), _readable(key, value)))
        uow.audit("sign_off.view", entity=so.entity, entity_id=so.entity_id, offender_id=so.offender_id,
                  reason="reviewing the entry for sign-off", details={"sign_off_id": so.id})
        if row is not None and kind.title is not None:
            title = kind.title(row)
        else:
            title = f"The {so.entity.replace('_', ' ')}"
        return SignOffEntry(so.id, so.entity, title, tuple(fields),
                            row is None or getattr(row, "voided_at", None) is not None)


# --- deciding ------------------------------------------------------------------------------------


class _Refused(Exception):
    """Carries a refusal out of the unit of work, which rolls back, so it can be recorded in its own."""

    def __init__(self, error: ServiceError, sign_off: m.SignOff, rationale: str | None):
        self.error, self.rationale = error, rationale
        self.sign_off_id, self.entity, self.entity_id, self.offender_id = (
            sign_off.id, sign_off.entity, sign_off.entity_id, sign_off.offender_id)


def sign_off(services: Services, actor: Actor, sign_off_id: int, version_id: int,
             decision: SignOffDecision | str, rationale: str) -> SignOffResult:
    """Approve, return with direction, or escalate. A refused rationale is kept (SignOffRefusal)
    and audited even though the call fails: the compliance summary counts refusals."""
    decision = SignOffDecision(decision)
    text = rationale.strip()
    try:
        with unit_of_work(services, actor) as uow:
            return _decide(uow, sign_off_id, version_id, decision, text)
    except _Refused as refused:
        with unit_of_work(services, actor) as uow:
            if refused.rationale is not None:
                uow.session.add(m.SignOffRefusal(
                    sign_off_id=refused.sign_off_id, user_id=actor.user_id, attempted_at=uow.now,
                    text=text, reason=refused.rationale))
            uow.audit("sign_off.decide", entity="sign_off", entity_id=refused.sign_off_id,
                      offender_id=refused.offender_id, outcome="refused", reason=str(refused.error),
                      details={"decision": decision.value, "entity": refused.entity,
                               "entity_id": refused.entity_id, "text": text})
        raise refused.error from None


def _may_decide(uow: UnitOfWork, so: m.SignOff, decision: SignOffDecision, lead_id: int | None) -> None:
    """Whether this user may make DECISION on SO now; a refusal of the user (not of the
    rationale) is recorded as an attempt."""
    s, actor = uow.session, uow.actor
    try:
        uow.authorise(Permission.SIGN_OFF, offender_id=so.offender_id)
    except PermissionDenied as exc:
        raise _Refused(exc, so, None) from None
    role = _signer(s, actor)[2]
    allowed = case_events.sign_off_allowed(s, so, actor.user_id)
    if not allowed.allowed:
        raise _Refused(PermissionDenied(allowed.reason), so, None)
    if so.status not in OPEN_STATUSES:
        raise ValidationFailed(FieldProblem(
            "decision", f"This has already been decided ({_DONE.get(so.decision or '', so.status)}); nothing is waiting."))
    took = case_events.took_part(s, so.entity, so.entity_id, so.author_id)
    if so.status == "escalated" and role is not Role.OMU_LEAD and lead_id not in took:
        raise _Refused(PermissionDenied("This entry was escalated to the OMU lead; only the OMU lead can decide it."),
                       so, None)
    if decision is SignOffDecision.ESCALATE and role is Role.OMU_LEAD:
        raise ValidationFailed(FieldProblem("decision", "The OMU lead is where escalations go: approve, "
                                                        "or return it with direction."))


def _decide(uow: UnitOfWork, sign_off_id: int, version_id: int, decision: SignOffDecision,
            text: str) -> SignOffResult:
    s, actor, today = uow.session, uow.actor, uow.services.clock.today()
    lead_id = _omu_lead_id(s)
    so = uow.load(m.SignOff, sign_off_id, version_id, permission=None,
                  refusals=lambda so: _may_decide(uow, so, decision, lead_id))
    took = case_events.took_part(s, so.entity, so.entity_id, so.author_id)
    recent = [r for r in s.scalars(
        select(m.SignOff.rationale).where(m.SignOff.signed_by_id == actor.user_id,
                                          m.SignOff.rationale.is_not(None), m.SignOff.id != so.id)
        .order_by(m.SignOff.signed_at.desc(), m.SignOff.id.desc()).limit(RationalePolicy.recent_window)) if r]
    verdict = assess_rationale(text, recent, RationalePolicy(min_words=int(settings.get(s, "rationale_min_words"))))
    if not verdict.ok:
        problems = " ".join(verdict.problems)
        raise _Refused(ValidationFailed(FieldProblem("rationale", f"{problems} {verdict.guidance}")), so, problems)

    if decision is SignOffDecision.ESCALATE and (lead_id is None or lead_id in took):
        raise ValidationFailed(FieldProblem("decision", "No OMU lead is set up to escalate to; ask the administrator."
                                            if lead_id is None else "The OMU lead took part in this entry, so "
                                            "cannot decide it: approve, or return it with direction."))
    route = _route(_roster(s, today), so.supervisor_id, today, took)
    if so.decision is not None:
        # Deciding an escalated item: keep the supervisor's escalation and rationale in history.
        uow.keep_revision(so, entity="sign_off", offender_id=so.offender_id, reason="decided after escalation")
    so.status, so.decision, so.rationale = _STATUS_FOR[decision], decision.value, text
    so.signed_by_id, so.signed_at = actor.user_id, uow.now
    so.via_cover = route.via_cover and route.assignee_id == actor.user_id
    if decision is SignOffDecision.ESCALATE:
        so.supervisor_id = lead_id
    uow.stamp_updated(so)
    s.flush()
    uow.audit("sign_off.decide", entity="sign_off", entity_id=so.id, offender_id=so.offender_id, reason=text,
              details={"decision": decision.value, "entity": so.entity, "entity_id": so.entity_id,
                       "via_cover": so.via_cover})
    # What the decision does to the entry itself (a no-crime approval closes its breach), in
    # the same transaction: the decision and its effect are saved together or not at all.
    kind = case_events.entry_kind(so.entity)
    handler = {SignOffDecision.APPROVE: kind.approve, SignOffDecision.RETURN: kind.return_}.get(decision)
    if handler is not None:
        row = s.get(kind.model, so.entity_id) if kind.model is not None else None
        handler(uow, so, row)
    if so.offender_id is not None:
        # An approved plan interval changes the visit window (case_summary reads approvals).
        case_summary.refresh(s, so.offender_id, today)
    return _result(so)


def request_entry_sign_off(services: Services, actor: Actor, entity: str, entity_id: int,
                           offender_id: int | None, summary: str) -> SignOffResult:
    """Send any case entry for sign-off: the "other entries an OMU configures"."""
    model = SIGNABLE_ENTITIES.get(entity)
    if model is None:
        raise ValidationFailed(FieldProblem("entity", f"Entries of kind {entity} cannot be sent for sign-off."))
    if not summary.strip():
        raise ValidationFailed(FieldProblem("summary", "Say what the supervisor is asked to decide."))
    with unit_of_work(services, actor) as uow:
        row = uow.session.get(model, entity_id)
        if row is None or row.voided_at is not None:
            raise NotFound(f"No {entity.replace('_', ' ')} {entity_id}.")
        uow.authorise(Permission.WRITE_CASES, offender_id=row.offender_id)
        if offender_id is not None and row.offender_id != offender_id:
            raise ValidationFailed(FieldProblem("entity_id", "That entry belongs to another offender's record."))
        waiting = uow.session.scalar(select(m.SignOff.id).where(
            m.SignOff.entity == entity, m.SignOff.entity_id == entity_id, m.SignOff.status.in_(OPEN_STATUSES)))
        if waiting is not None:
            raise ValidationFailed(FieldProblem("entity_id", "This entry is already waiting for sign-off."))
        so = case_events.request_sign_off(uow, entity=entity, entity_id=entity_id, offender_id=row.offender_id,
                                          summary=summary.strip())
        return _result(so)
