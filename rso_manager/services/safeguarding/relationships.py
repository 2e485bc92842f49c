"""The people around an offender: partners, family, friends and associates, and whether they have
children or access to them. A relationship with access to children is a safeguarding concern
from the moment it is recorded.

The other person may be on the register too (a co-offender, an associate): the relationship then
links to their record, found by its reference, and both records show it. The other record shows
only its reference, name and offender manager, and the relationship's detail only to a user who
may read the record it is recorded on."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from rso_manager.domain.roles import Permission, allows
from rso_manager.domain.visit_window import TriggerKind
from rso_manager.persistence import models as m
from rso_manager.services import access, case_events
from rso_manager.services.errors import FieldProblem, NotFound, ValidationFailed
from rso_manager.services.safeguarding.referrals import add_concern, referral_state, referral_view
from rso_manager.services.unit_of_work import (
    Actor,
    Services,
    UnitOfWork,
    find_offender,
    unit_of_work,
)

RELATIONSHIP_KINDS = ("family", "friend", "associate", "partner")


@dataclass(frozen=True)
class RelationshipInput:
    person_name: str = ""
    kind: str = "associate"  # family | friend | associate | partner
    has_children: bool = False
    access_to_children: bool = False
    from_date: date | None = None
    notes: str | None = None
    # The other person's own record, by its reference (RSO-000123), when they are on the register.
    linked_reference: str | None = None
    # The children the offender has access to through this person, by name or description: each
    # gets a safety check (issue 19).
    children: tuple[str, ...] = ()


@dataclass(frozen=True)
class LinkedCase:
    """Another record a relationship links to: what anyone who may look a case up is shown of it
    (caseload.CaseHeader), nothing of the record itself."""

    offender_id: int
    reference: str
    name: str
    offender_manager: str | None


@dataclass(frozen=True)
class RelationshipResult:
    relationship_id: int
    version_id: int
    # Set when the relationship gives access to children: the concern awaiting a referral,
    # so the UI can open the referral form on it straight away.
    referral_prompt_id: int | None
    next_visit_due: date | None


def record_relationship(services: Services, actor: Actor, offender_id: int,
                        rel: RelationshipInput) -> RelationshipResult:
    """A relationship giving access to children is a safeguarding concern from the moment it is
    known: it opens the safeguarding response (referral, s.327A consideration, a safety check on
    each child named) and pulls the next home visit forward."""
    today = services.clock.today()
    problems = []
    reference = (rel.linked_reference or "").strip().upper()
    if not rel.person_name.strip() and not reference:
        problems.append(FieldProblem("person_name", "Enter the person's name, or the reference of their "
                                                    "record if they are on the register."))
    if rel.kind not in RELATIONSHIP_KINDS:
        problems.append(FieldProblem("kind", "Choose family, friend, associate or partner."))
    if rel.from_date is not None and rel.from_date > today:
        problems.append(FieldProblem("from_date", "The start date is in the future; record it when it begins."))
    if problems:
        raise ValidationFailed(problems)
    with unit_of_work(services, actor) as uow:
        uow.authorise(Permission.WRITE_CASES, offender_id=offender_id)
        find_offender(uow.session, offender_id)
        other = _linked_record(uow, offender_id, reference) if reference else None
        name = rel.person_name.strip() or (_person_name(other) if other else "")
        r = uow.stamp_created(m.Relationship(
            offender_id=offender_id, person_name=name, kind=rel.kind, has_children=rel.has_children,
            access_to_children=rel.access_to_children, from_date=rel.from_date,
            notes=(rel.notes or "").strip() or None, linked_offender_id=other.id if other else None))
        uow.session.add(r)
        uow.session.flush()
        uow.audit("entry.create", entity="relationship", entity_id=r.id, offender_id=offender_id,
                  details={"kind": rel.kind, "has_children": rel.has_children,
                           "access_to_children": rel.access_to_children,
                           **({"linked_offender_id": other.id, "linked_reference": other.reference}
                              if other else {})})
        prompt_id = None
        if rel.access_to_children:
            concern = (f"New {rel.kind} relationship with {name}, who "
                       + ("has children and " if rel.has_children else "")
                       + "has access to children. Consider a referral to children's social care.")
            prompt_id = add_concern(uow, offender_id, concern, uow.now, r.id, origin="relationship",
                                    origin_entity="relationship", origin_id=r.id, children=rel.children).id
            # The visit is pulled forward from the day it became known, not from_date: a
            # relationship learned late still needs a prompt visit.
            case_events.record_trigger(uow, offender_id, TriggerKind.NEW_RELATIONSHIP, today, ("relationship", r.id))
        o = find_offender(uow.session, offender_id)
        return RelationshipResult(r.id, r.version_id, prompt_id, o.next_visit_due)


def _person_name(o: m.Offender) -> str:
    return f"{o.forenames} {o.surname.upper()}"


def _linked_record(uow: UnitOfWork, offender_id: int, reference: str) -> m.Offender:
    """The other record by its reference, anywhere in the force (as caseload.find_by_reference
    finds it); never the record itself."""
    other = uow.session.scalar(select(m.Offender).where(func.upper(m.Offender.reference) == reference))
    if other is None:
        raise ValidationFailed(FieldProblem(
            "linked_reference", f"No record has the reference {reference}. Check it, or leave it empty "
                                "if the person is not on the register."))
    if other.id == offender_id:
        raise ValidationFailed(FieldProblem(
            "linked_reference", "That is this record's own reference; enter the other person's."))
    return other


def _linked_case(s: Session, o: m.Offender) -> LinkedCase:
    manager = s.scalar(select(m.User.display_name).where(m.User.id == o.offender_manager_id)) \
        if o.offender_manager_id else None
    return LinkedCase(o.id, o.reference, f"{o.surname.upper()}, {o.forenames}", manager)


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
    linked: LinkedCase | None = None  # the other person's own record, when they are on the register
    # Set on a relationship recorded on another record that links to this one: that record. Its
    # kind and dates are shown; its children, notes and referral only to a user who may read
    # that record (WITHHELD otherwise).
    recorded_on: LinkedCase | None = None
    withheld: bool = False
    # Who entered it on this record, and when (not said of one recorded on another record).
    recorded_by: str | None = None
    recorded_at: datetime | None = None


def relationship_warning(rel: RelationshipInput) -> str | None:
    """What follows from saving REL, for the form to say before the user commits to it."""
    if not rel.access_to_children:
        return None
    return ("This person has access to children. Saving opens a safeguarding concern and its response: a referral to "
            "children's social care due today, an s.327A disclosure decision and a safety check on each "
            "child named, and the next home visit is brought forward.")


def relationships_for(services: Services, actor: Actor, offender_id: int,
                      now: datetime | None = None) -> list[RelationshipView]:
    """The record's relationships (not those entered in error), newest first, each with where
    its safeguarding referral stands; then those recorded on other records that link to this
    one (recorded_on set), newest first."""
    now = now or services.clock.now()
    with access.reading(services, actor, offender_id) as s:
        if s.get(m.Offender, offender_id) is None:
            raise NotFound(f"No offender record {offender_id}.")
        referrals: dict[int | None, m.SafeguardingReferral] = {}
        for r in s.scalars(select(m.SafeguardingReferral).where(
                m.SafeguardingReferral.offender_id == offender_id, m.SafeguardingReferral.voided_at.is_(None),
                m.SafeguardingReferral.relationship_id.is_not(None)).order_by(m.SafeguardingReferral.id)):
            referrals[r.relationship_id] = r  # the latest concern about each relationship
        out = []
        recorder = aliased(m.User, name="recorder")
        for rel, recorded_by in s.execute(
                select(m.Relationship, recorder.display_name)
                .outerjoin(recorder, recorder.id == m.Relationship.created_by_id)
                .where(m.Relationship.offender_id == offender_id, m.Relationship.voided_at.is_(None))
                .order_by(m.Relationship.id.desc())):
            ref = referrals.get(rel.id)
            view = referral_view(s, ref, (), now) if ref is not None else None
            linked = s.get(m.Offender, rel.linked_offender_id) if rel.linked_offender_id else None
            out.append(RelationshipView(
                rel.id, rel.version_id, rel.person_name, rel.kind, rel.has_children, rel.access_to_children,
                rel.from_date, rel.to_date, rel.notes, referral_state(view) if view else None,
                bool(view and view.not_referred_same_day and view.referred_at is None),
                linked=_linked_case(s, linked) if linked else None, recorded_by=recorded_by,
                recorded_at=rel.created_at))
        return out + _linked_from(s, actor, offender_id, services.clock.today())


def _linked_from(s: Session, actor: Actor, offender_id: int, today: date) -> list[RelationshipView]:
    """Relationships other records hold with this one. Reading this record covers knowing that
    they exist and whose record they are on; their detail is that record's, so it is shown only
    to a user who may read it (its reference, name and manager are what a look-up shows anyone)."""
    out = []
    for rel, other in s.execute(
            select(m.Relationship, m.Offender).join(m.Offender, m.Offender.id == m.Relationship.offender_id)
            .where(m.Relationship.linked_offender_id == offender_id, m.Relationship.voided_at.is_(None))
            .order_by(m.Relationship.id.desc())):
        here = access.link(s, actor, other.id, today)
        readable = allows(actor.role, actor.trained, Permission.READ_CASES, here)
        case = _linked_case(s, other)
        out.append(RelationshipView(
            rel.id, rel.version_id, case.name, rel.kind, readable and rel.has_children,
            readable and rel.access_to_children, rel.from_date, rel.to_date, rel.notes if readable else None,
            None, False, recorded_on=case, withheld=not readable))
    return out
