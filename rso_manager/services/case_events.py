"""What one workflow asks of another inside the same transaction: a visit trigger, a breach,
a sign-off request. Each takes the caller's UnitOfWork so the whole action commits or fails as
one and is audited once per record written."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any, cast

from sqlalchemy import func, inspect, or_, select
from sqlalchemy.orm import Session

from rso_manager.domain.dates import add_working_days, london_day
from rso_manager.domain.rationale import Decision, can_sign_off
from rso_manager.domain.roles import Role
from rso_manager.domain.visit_window import TriggerKind
from rso_manager.persistence import models as m
from rso_manager.services import case_summary
from rso_manager.services.unit_of_work import UnitOfWork, find_offender


def record_trigger(uow: UnitOfWork, offender_id: int, kind: TriggerKind, on: date,
                   source: tuple[str, int] | None = None) -> m.VisitTrigger:
    """Pull the next home visit forward (issue: triggers due within N working days)."""
    t = uow.stamp_created(m.VisitTrigger(offender_id=offender_id, kind=kind.value, occurred_on=on,
                                         source_entity=source[0] if source else None,
                                         source_id=source[1] if source else None))
    uow.session.add(t)
    uow.session.flush()
    uow.audit("entry.create", entity="visit_trigger", entity_id=t.id, offender_id=offender_id,
              details={"kind": kind.value, "on": on})
    case_summary.refresh(uow.session, offender_id, uow.services.clock.today())
    return t


def team_supervisor(uow: UnitOfWork, offender_id: int | None, exclude: Collection[int] = ()) -> int | None:
    """The trained supervisor of the offender's team with the fewest items waiting, leaving out
    EXCLUDE (those who took part in the entry)."""
    team_id = uow.session.scalar(select(m.Offender.team_id).where(m.Offender.id == offender_id)) if offender_id else None
    waiting = (select(func.count(m.SignOff.id)).where(m.SignOff.supervisor_id == m.User.id,
                                                      m.SignOff.status == "pending").scalar_subquery())
    stmt = (select(m.User.id).where(m.User.role == Role.SUPERVISOR.value, m.User.trained, m.User.active)
            .order_by(waiting, m.User.id))
    if exclude:
        stmt = stmt.where(m.User.id.not_in(list(exclude)))
    if team_id is not None:
        in_team = uow.session.scalar(stmt.where(m.User.team_id == team_id).limit(1))
        if in_team is not None:
            return in_team
    return uow.session.scalar(stmt.limit(1))


def request_sign_off(uow: UnitOfWork, *, entity: str, entity_id: int, offender_id: int | None,
                     summary: str) -> m.SignOff:
    """Put an entry in a supervisor's queue. Routing to cover during absence happens when the
    queue is read, so a later absence still moves items that were already waiting."""
    took = took_part(uow.session, entity, entity_id, uow.actor.user_id)
    so = uow.stamp_created(m.SignOff(
        offender_id=offender_id, entity=entity, entity_id=entity_id, summary=summary,
        author_id=uow.actor.user_id, supervisor_id=team_supervisor(uow, offender_id, took),
        requested_at=uow.now, status="pending", via_cover=False))
    uow.session.add(so)
    uow.session.flush()
    uow.audit("sign_off.request", entity=entity, entity_id=entity_id, offender_id=offender_id,
              details={"sign_off_id": so.id, "summary": summary})
    return so


def open_breach(uow: UnitOfWork, *, offender_id: int, kind: str, source: str, occurred_on: date,
                description: str, duty: str | None = None, notification_id: int | None = None,
                device_id: int | None = None, order_requirement_id: int | None = None) -> m.Breach:
    """Open a breach; it stays open until a crime reference or a signed reasoned decision.
    Every breach, automatic or manual, pulls the next home visit forward and prompts a review
    of the risk assessment.

    Idempotent: one failure is one breach (s.91 allows one prosecution per failure), so if a
    breach of the same duty (or order item, or device) on the same date is already open, that
    one is returned instead. A hand-opened breach then takes the notification it was about."""
    same = matching_open_breach(uow.session, offender_id=offender_id, kind=kind, duty=duty,
                                occurred_on=occurred_on, notification_id=notification_id, device_id=device_id,
                                order_requirement_id=order_requirement_id)
    if same is not None:
        if same.notification_id is None and notification_id is not None:
            same.notification_id = notification_id
            uow.stamp_updated(same)
            uow.session.flush()
            uow.audit("entry.update", entity="breach", entity_id=same.id, offender_id=offender_id,
                      reason="linked to the notification it is about",
                      details={"notification_id": notification_id, "source": source})
        return same
    b = uow.stamp_created(m.Breach(
        offender_id=offender_id, kind=kind, source=source, duty=duty, occurred_on=occurred_on,
        description=description, status="open", notification_id=notification_id, device_id=device_id,
        order_requirement_id=order_requirement_id))
    uow.session.add(b)
    uow.session.flush()
    uow.audit("breach.open", entity="breach", entity_id=b.id, offender_id=offender_id,
              details={"source": source, "kind": kind, "occurred_on": occurred_on})
    record_trigger(uow, offender_id, TriggerKind.BREACH, occurred_on, ("breach", b.id))
    _prompt_risk_review(uow, b)
    return b


def matching_open_breach(session: Session, *, offender_id: int, kind: str, duty: str | None,
                         occurred_on: date | None, notification_id: int | None = None,
                         device_id: int | None = None, order_requirement_id: int | None = None) -> m.Breach | None:
    """The open breach recording the same failure, if any: same offender, what was breached
    (duty, order item, device) and date. Two notifications missed on one day are two failures,
    so the notifications must agree when both breaches name one; a breach opened by hand names
    none and matches either."""
    if occurred_on is None:
        return None
    B = m.Breach

    def same(column, value):
        return column.is_(None) if value is None else column == value

    stmt = select(B).where(B.offender_id == offender_id, B.status == "open", B.voided_at.is_(None),
                           B.kind == kind, B.occurred_on == occurred_on, same(B.duty, duty),
                           same(B.device_id, device_id), same(B.order_requirement_id, order_requirement_id))
    if notification_id is not None:
        stmt = stmt.where(or_(B.notification_id.is_(None), B.notification_id == notification_id))
    return session.scalars(stmt.order_by(B.id).limit(1)).first()


RISK_REVIEW_WORKING_DAYS = 10


def _prompt_risk_review(uow: UnitOfWork, b: m.Breach) -> None:
    s = uow.session
    o = find_offender(s, b.offender_id)
    description = f"Review the risk assessment after breach on {b.occurred_on:%d/%m/%Y}"
    already = s.scalar(select(m.Action.id).where(
        m.Action.offender_id == b.offender_id, m.Action.description == description,
        m.Action.completed_on.is_(None), m.Action.voided_at.is_(None)))
    if already is not None:  # two breaches the same day need one review, not two
        return
    owner = o.offender_manager_id or uow.actor.user_id or team_supervisor(uow, o.id)
    plan = case_summary.current_plan(s, o.id)
    a = uow.stamp_created(m.Action(
        offender_id=o.id, plan_id=plan.id if plan else None, description=description, owner_id=owner,
        due_on=add_working_days(uow.services.clock.today(), RISK_REVIEW_WORKING_DAYS)))
    s.add(a)
    s.flush()
    uow.audit("entry.create", entity="plan_action", entity_id=a.id, offender_id=o.id,
              details={"description": description, "due_on": a.due_on, "breach_id": b.id})



# Each kind of case entry by its table name (CASE_ENTRY_MODELS are the mapped CaseEntry
# subclasses, typed there as Base).
CASE_ENTRIES: dict[str, type[m.CaseEntry]] = {model.__tablename__: cast(type[m.CaseEntry], model)
                                              for model in m.CASE_ENTRY_MODELS}


# --- what deciding a sign-off does to its entry --------------------------------------------------

DecisionHandler = Callable[[UnitOfWork, m.SignOff, Any], None]


@dataclass(frozen=True)
class EntryKind:
    """A kind of entry sent for sign-off: the row it is about, how the queue names it, what
    approving or returning it does, and who took part in it besides the author."""

    model: type[m.Base] | None = None  # SignOff.entity_id is this model's id
    title: Callable[[Any], str] | None = None
    approve: DecisionHandler | None = None
    return_: DecisionHandler | None = None
    took_part: Callable[[Session, Any], Iterable[int]] | None = None


_KINDS: dict[str, EntryKind] = {}


def on_decision(entity: str, *, model: type[m.Base] | None = None, title: Callable[[Any], str] | None = None,
                approve: DecisionHandler | None = None, return_: DecisionHandler | None = None,
                took_part: Callable[[Session, Any], Iterable[int]] | None = None) -> None:
    """Register what a sign-off decision on ENTITY does. supervision.sign_off is the one path
    that decides; each workflow says here what the decision means for its own records."""
    _KINDS[entity] = EntryKind(model, title, approve, return_, took_part)


# A s.96B warrant decision is recorded on the failed visit (entity_id is the visit's id).
on_decision("visit_warrant", model=m.Visit,
            title=lambda v: "s.96B warrant decision after failed entries"
            + (f" (visit of {london_day(v.visited_at):%d/%m/%Y})" if v.visited_at else ""))


def entry_kind(entity: str) -> EntryKind:
    """What is registered for ENTITY; a case entry's own table otherwise."""
    kind = _KINDS.get(entity)
    if kind is not None:
        return kind
    models: tuple[type[m.Base], ...] = (*m.CASE_ENTRY_MODELS, m.Consultation)
    model = next((mdl for mdl in models if mdl.__tablename__ == entity), None)
    return EntryKind(model)


# Columns naming someone who did the recorded work, rather than who last touched the row.
_NOT_TAKING_PART = frozenset({"updated_by_id", "voided_by_id"})


def _people_columns(table: Any) -> list[Any]:
    """TABLE's columns naming someone who took part: those referring to a user, except who
    last touched or voided the row."""
    return [column for column in table.columns if column.key not in _NOT_TAKING_PART
            and any(fk.column.table.name == m.User.__tablename__ for fk in column.foreign_keys)]


def _people_on(row: Any) -> set[int]:
    return {value for column in _people_columns(row.__table__) if (value := getattr(row, column.key)) is not None}


def _taking(author_id: int | None, named: Iterable[int | None] = ()) -> frozenset[int]:
    """The author and everyone the entry NAMES (its user columns, a visit's officers)."""
    return frozenset(p for p in (author_id, *named) if p is not None)


def took_part(session: Session, entity: str, entity_id: int, author_id: int | None = None,
              visit_officers: dict[int, set[int]] | None = None) -> frozenset[int]:
    """Everyone recorded as taking part in the entry: its author, whoever the row names (who
    created it, the assessor, the officer who gave the warning...) and, for a visit, every
    officer at it. None of them may sign it off."""
    kind = entry_kind(entity)
    row = session.get(kind.model, entity_id) if kind.model is not None else None
    if row is None:  # an entry gone from its table names no one but the author
        return _taking(author_id)
    named = set(kind.took_part(session, row)) if kind.took_part is not None else _people_on(row)
    if isinstance(row, m.Visit):
        named |= (visit_officers.get(row.id, set()) if visit_officers is not None else set(session.scalars(
            select(m.VisitOfficer.user_id).where(m.VisitOfficer.visit_id == row.id))))
    return _taking(author_id, named)


def took_part_many(session: Session, sign_offs: Iterable[Any]) -> dict[int, frozenset[int]]:
    """took_part for many sign-offs (objects or rows with id, entity, entity_id and author_id),
    reading each kind's people columns and the visits' officers in one query each rather than
    one per item, and as plain values rather than whole entries: the OMU lead's queue of
    thousands is routed item by item on every read, on the worker beside the GUI (issue 16)."""
    sign_offs = list(sign_offs)
    kinds = {entity: entry_kind(entity) for entity in {so.entity for so in sign_offs}}
    plain: dict[type[m.Base], set[int]] = {}  # kinds whose people are their user columns
    for so in sign_offs:
        kind = kinds[so.entity]
        if kind.model is not None and kind.took_part is None:
            plain.setdefault(kind.model, set()).add(so.entity_id)
    people: dict[tuple[type[m.Base], int], set[int]] = {}
    officers: dict[int, set[int]] = {}
    for model, ids in plain.items():
        key = inspect(model).primary_key[0]
        for entity_id, *user_ids in session.execute(
                select(key, *_people_columns(model.__table__)).where(key.in_(ids))).all():
            people[(model, entity_id)] = {uid for uid in user_ids if uid is not None}
        if model is m.Visit:
            for visit_id, user_id in session.execute(select(m.VisitOfficer.visit_id, m.VisitOfficer.user_id)
                                                     .where(m.VisitOfficer.visit_id.in_(ids))):
                officers.setdefault(visit_id, set()).add(user_id)
    out = {}
    for so in sign_offs:
        kind = kinds[so.entity]
        if kind.model is None or kind.took_part is not None:
            out[so.id] = took_part(session, so.entity, so.entity_id, so.author_id, officers)
            continue
        named = people.get((kind.model, so.entity_id))
        if named is None:  # an entry gone from its table names no one but the author
            out[so.id] = _taking(so.author_id)
        else:
            out[so.id] = _taking(so.author_id, named | officers.get(so.entity_id, set())
                                 if kind.model is m.Visit else named)
    return out


def signer_standing(session: Session, user_id: int) -> tuple[bool, bool, Role | None]:
    """(may sign at all, trained, role) from the database, not the login-time Actor, so a
    withdrawn accreditation takes effect at once."""
    u = session.get(m.User, user_id)
    if u is None or not u.active:
        return False, False, None
    role = Role(u.role)
    return role in (Role.SUPERVISOR, Role.OMU_LEAD), bool(u.trained), role


def sign_off_allowed(session: Session, so: m.SignOff, user_id: int) -> Decision:
    """The one answer to "may this user decide this sign-off?": not its author, nobody who took
    part in the entry, and only a trained supervisor or the OMU lead."""
    is_supervisor, trained, _role = signer_standing(session, user_id)
    return can_sign_off(so.author_id, user_id, is_supervisor, trained,
                        took_part(session, so.entity, so.entity_id, so.author_id))
