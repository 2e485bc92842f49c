"""The safeguarding response (issue 19): every concern about a child, whatever raised it, opens
three tracked parts with an owner and a due time (domain.safeguarding_response):

* the referral to children's social care (the SafeguardingReferral row is the concern and its
  referral part);
* the s.327A disclosure consideration (a Disclosure, route "s327a", tied to the concern);
* a check that each child named is safe (ChildSafetyCheck).

Each part is done (referral made, disclosure decided with reasons, child checked) or marked not
applicable with a reason meeting the rationale rules; the disclosure decision and every "not
applicable" go to a supervisor's sign-off. Returned, a "not applicable" reopens the part.
Every write that changes a part keeps Offender.next_safeguarding_due (next_due.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from rso_manager.domain import safeguarding_response as sr
from rso_manager.domain.roles import Permission, Role, allows
from rso_manager.persistence import models as m
from rso_manager.services import case_events, settings
from rso_manager.services.errors import FieldProblem, NotFound, ValidationFailed, reason_problem
from rso_manager.services.safeguarding.checks import aware_problem, reasoned_problem
from rso_manager.services.safeguarding.disclosures import (
    DisclosureInput,
    _disclosure_problems,
    _request_decision_sign_off,
)
from rso_manager.services.safeguarding.next_due import refresh_next_due
from rso_manager.services.unit_of_work import (
    Actor,
    Services,
    UnitOfWork,
    find_offender,
    unit_of_work,
)

UNNAMED_CHILD = "The child or children the concern is about (name them when known)"


def _owner(uow: UnitOfWork, offender_id: int, owner_id: int | None) -> int | None:
    if owner_id is not None:
        return owner_id
    return find_offender(uow.session, offender_id).offender_manager_id or uow.actor.user_id


def open_response(uow: UnitOfWork, offender_id: int, concern: str, concern_at: datetime, *, origin: str,
                  origin_entity: str | None = None, origin_id: int | None = None,
                  children: Sequence[str] = (), relationship_id: int | None = None,
                  owner_id: int | None = None, concern_source: str | None = None) -> m.SafeguardingReferral:
    """The one way a concern about a child is opened, inside the caller's unit of work: the
    concern with its referral due, the s.327A consideration, and one check per child named (one
    for the children not yet named when none is)."""
    if origin not in sr.ORIGINS:
        raise ValueError(f"unknown concern origin {origin}")
    s = uow.session
    policy = settings.safeguarding_response_policy(s)
    owner = _owner(uow, offender_id, owner_id)
    r = uow.stamp_created(m.SafeguardingReferral(
        offender_id=offender_id, concern=concern, concern_at=concern_at, relationship_id=relationship_id,
        concern_origin=origin, origin_entity=origin_entity, origin_id=origin_id, owner_id=owner,
        referral_due_at=sr.referral_due(concern_at, policy), concern_source=concern_source))
    s.add(r)
    s.flush()
    uow.audit("safeguarding.concern", entity="safeguarding_referral", entity_id=r.id, offender_id=offender_id,
              details={"concern_at": concern_at, "origin": origin, "origin_entity": origin_entity,
                       "origin_id": origin_id, "referral_due_at": r.referral_due_at, "owner_id": owner})
    d = uow.stamp_created(m.Disclosure(offender_id=offender_id, route="s327a", referral_id=r.id, owner_id=owner,
                                       due_at=sr.disclosure_due(concern_at, policy)))
    s.add(d)
    s.flush()
    uow.audit("entry.create", entity="disclosure", entity_id=d.id, offender_id=offender_id,
              details={"route": "s327a", "referral_id": r.id, "due_at": d.due_at, "owner_id": owner})
    names = [c.strip() for c in children if c and c.strip()] or [UNNAMED_CHILD]
    for child in names:
        _add_check(uow, r, child[:200], owner, sr.child_check_due(concern_at, policy))
    refresh_next_due(s, offender_id)
    return r


def _add_check(uow: UnitOfWork, r: m.SafeguardingReferral, child: str, owner_id: int | None,
               due_at: datetime) -> m.ChildSafetyCheck:
    c = uow.stamp_created(m.ChildSafetyCheck(offender_id=r.offender_id, referral_id=r.id, child=child,
                                             owner_id=owner_id or uow.actor.user_id, due_at=due_at))
    uow.session.add(c)
    uow.session.flush()
    uow.audit("entry.create", entity="child_safety_check", entity_id=c.id, offender_id=r.offender_id,
              details={"referral_id": r.id, "due_at": due_at, "owner_id": c.owner_id})
    return c


# --- completing a part ---------------------------------------------------------------------------

def add_child_check(services: Services, actor: Actor, referral_id: int, child: str,
                    owner_id: int | None = None) -> int:
    """Another child named after the concern was opened: a check due N working days from now."""
    if not (child or "").strip():
        raise ValidationFailed(FieldProblem("child", "Name the child (or describe them, e.g. 'partner's daughter, 9')."))
    with unit_of_work(services, actor) as uow:
        r = uow.session.get(m.SafeguardingReferral, referral_id)
        if r is None or r.voided_at is not None:
            raise NotFound(f"No safeguarding concern {referral_id}.")
        uow.authorise(Permission.WRITE_CASES, offender_id=r.offender_id)
        _active_owner(uow.session, owner_id)
        due = sr.child_check_due(uow.now, settings.safeguarding_response_policy(uow.session))
        c = _add_check(uow, r, child.strip()[:200], _owner(uow, r.offender_id, owner_id), due)
        refresh_next_due(uow.session, r.offender_id)
        return c.id


def _active_owner(s: Session, owner_id: int | None) -> None:
    if owner_id is None:
        return
    owner = s.get(m.User, owner_id)
    if owner is None or not owner.active:
        raise ValidationFailed(FieldProblem("owner_id", "The owner must be an active user."))


def record_child_check(services: Services, actor: Actor, check_id: int, version_id: int, result: str,
                       checked_at: datetime | None, notes: str | None = None) -> None:
    """The child was checked: seen and safe, a concern for them, or not found. Anything but safe
    needs notes saying what was done."""
    now = services.clock.now()
    problems = [p for p in (aware_problem("checked_at", checked_at, now, "time of the check"),) if p]
    if checked_at is None:
        problems.append(FieldProblem("checked_at", "Enter when the child was checked (date and time)."))
    if result not in sr.CHECK_RESULTS:
        problems.append(FieldProblem("result", "Choose seen and safe, a concern for the child, or not found."))
    elif result != "safe" and not (notes or "").strip():
        problems.append(FieldProblem("result_notes", "Say what was found and what was done about it."))
    if problems:
        raise ValidationFailed(problems)
    with unit_of_work(services, actor) as uow:
        c = uow.load(m.ChildSafetyCheck, check_id, version_id)
        if c.checked_at is not None:
            raise ValidationFailed(FieldProblem("result", "This check already has a result."))
        c.result, c.checked_at, c.result_notes = result, checked_at, (notes or "").strip() or None
        c.not_applicable_reason = c.not_applicable_at = None
        uow.stamp_updated(c)
        uow.session.flush()
        uow.audit("entry.update", entity="child_safety_check", entity_id=c.id, offender_id=c.offender_id,
                  details={"result": result, "checked_at": checked_at})
        refresh_next_due(uow.session, c.offender_id)


def record_disclosure_decision(services: Services, actor: Actor, disclosure_id: int, version_id: int,
                               decision: str | None, reasons: str | None, decided_by_id: int | None,
                               disclosed_to: str | None = None, disclosed_at: datetime | None = None,
                               conditions: str | None = None) -> None:
    """The s.327A consideration decided: disclose or not, why, who decided; if disclosed, to whom
    and when. Completed when decided (completed_at, what its clock measures); to sign-off."""
    now = services.clock.now()
    with unit_of_work(services, actor) as uow:
        d = uow.load(m.Disclosure, disclosure_id, version_id)
        if d.route != "s327a":
            raise ValidationFailed(FieldProblem("decision", "Only an s.327A consideration is decided here."))
        if d.decision is not None:
            raise ValidationFailed(FieldProblem("decision", "This consideration is already decided; correct it "
                                                            "through the disclosure's own form."))
        problems = _disclosure_problems(uow.session, d.offender_id, DisclosureInput(
            route="s327a", decision=decision, reasons=reasons, decided_by_id=decided_by_id,
            disclosed_to=disclosed_to, disclosed_at=disclosed_at, conditions=conditions,
            referral_id=d.referral_id), now)
        if problems:
            raise ValidationFailed(problems)
        d.decision, d.reasons, d.decided_by_id = decision, (reasons or "").strip(), decided_by_id
        d.disclosed_to, d.disclosed_at = (disclosed_to or "").strip() or None, disclosed_at
        d.conditions, d.completed_at = (conditions or "").strip() or None, now
        d.not_applicable_reason = d.not_applicable_at = None
        uow.stamp_updated(d)
        uow.session.flush()
        uow.audit("entry.update", entity="disclosure", entity_id=d.id, offender_id=d.offender_id,
                  details={"route": "s327a", "decision": decision, "disclosed_at": disclosed_at})
        _request_decision_sign_off(uow, d)
        refresh_next_due(uow.session, d.offender_id)


def record_disclosure_made(services: Services, actor: Actor, disclosure_id: int, version_id: int,
                           disclosed_to: str, disclosed_at: datetime | None) -> None:
    """A decision to disclose carried out later: to whom and when the person was told."""
    now = services.clock.now()
    problems = [p for p in (aware_problem("disclosed_at", disclosed_at, now, "disclosure time"),) if p]
    if disclosed_at is None:
        problems.append(FieldProblem("disclosed_at", "Enter when they were told."))
    if not (disclosed_to or "").strip():
        problems.append(FieldProblem("disclosed_to", "Enter who was told (parent, carer or other protector)."))
    if problems:
        raise ValidationFailed(problems)
    with unit_of_work(services, actor) as uow:
        d = uow.load(m.Disclosure, disclosure_id, version_id)
        if d.decision != "disclose":
            raise ValidationFailed(FieldProblem("disclosed_to", "A disclosure is recorded only after a decision "
                                                                "to disclose."))
        if d.disclosed_at is not None:
            raise ValidationFailed(FieldProblem("disclosed_at", "The disclosure is already recorded."))
        d.disclosed_to, d.disclosed_at = disclosed_to.strip(), disclosed_at
        uow.stamp_updated(d)
        uow.session.flush()
        uow.audit("entry.update", entity="disclosure", entity_id=d.id, offender_id=d.offender_id,
                  details={"disclosed_at": disclosed_at})


# The three kinds share the not-applicable columns (typed Any: they share no base declaring them).
_NA_MODELS: dict[str, Any] = {
    sr.PART_REFERRAL: m.SafeguardingReferral, sr.PART_DISCLOSURE: m.Disclosure,
    sr.PART_CHILD_CHECK: m.ChildSafetyCheck}


def _is_done(row: object) -> bool:
    if isinstance(row, m.SafeguardingReferral):
        return row.referred_at is not None
    if isinstance(row, m.Disclosure):
        return row.decision is not None
    return getattr(row, "checked_at", None) is not None


def record_not_applicable(services: Services, actor: Actor, part: str, entry_id: int, version_id: int,
                          reason: str) -> None:
    """Mark one part not applicable. Only with a reason that says what was considered and why
    (the rationale rules), and the decision goes to a supervisor's sign-off."""
    model = _NA_MODELS.get(part)
    if model is None:
        raise NotFound(f"No safeguarding part called {part}.")
    with unit_of_work(services, actor) as uow:
        problem = reasoned_problem(uow.session, "not_applicable_reason", reason,
                                   "reason this part is not needed")
        if problem:
            raise ValidationFailed(problem)
        row = uow.load(model, entry_id, version_id)
        if _is_done(row):
            raise ValidationFailed(FieldProblem("not_applicable_reason", "This part is already done."))
        if row.not_applicable_at is not None:
            raise ValidationFailed(FieldProblem("not_applicable_reason", "This part is already marked not "
                                                                         "applicable."))
        row.not_applicable_reason, row.not_applicable_at = reason.strip(), uow.now
        if isinstance(row, m.SafeguardingReferral):
            row.not_applicable_by_id = actor.user_id
        uow.stamp_updated(row)
        uow.session.flush()
        uow.audit("entry.update", entity=part, entity_id=row.id, offender_id=row.offender_id,
                  reason=reason.strip(), details={"not_applicable": True})
        case_events.request_sign_off(uow, entity=part, entity_id=row.id, offender_id=row.offender_id,
                                     summary=f"{sr.PART_LABEL[part]} marked not applicable: {reason.strip()}")
        refresh_next_due(uow.session, row.offender_id)


def _reopen_not_applicable(uow: UnitOfWork, so: m.SignOff, _decision: object) -> None:
    """A returned "not applicable" puts the part back on its clock: the supervisor did not agree
    it was not needed. (A returned disclosure decision stays with its author to work on.)"""
    model = _NA_MODELS[so.entity]
    row = uow.session.get(model, so.entity_id)
    if row is None or row.not_applicable_at is None or _is_done(row):
        return
    uow.keep_revision(row, entity=so.entity, offender_id=row.offender_id, reason="not applicable returned")
    row.not_applicable_reason = row.not_applicable_at = None
    if isinstance(row, m.SafeguardingReferral):
        row.not_applicable_by_id = None
    uow.stamp_updated(row)
    uow.session.flush()
    uow.audit("entry.update", entity=so.entity, entity_id=row.id, offender_id=row.offender_id,
              details={"not_applicable": False, "sign_off_id": so.id})
    refresh_next_due(uow.session, row.offender_id)


for _part, _model in _NA_MODELS.items():
    case_events.on_decision(_part, model=_model, return_=_reopen_not_applicable)


def change_part_owner(services: Services, actor: Actor, part: str, entry_id: int, version_id: int,
                      owner_id: int | None, reason: str) -> None:
    """Give one part to another officer (leave, a case moving teams): the new owner is reminded
    and the old one no longer is. With a reason; the old owner stays in the record's history."""
    model = _NA_MODELS.get(part)
    if model is None:
        raise NotFound(f"No safeguarding part called {part}.")
    problems = [p for p in (reason_problem("owner_reason", reason, "Say why the part changes hands."),) if p]
    if owner_id is None:
        problems.append(FieldProblem("owner_id", "Choose the officer who will own this part."))
    if problems:
        raise ValidationFailed(problems)
    with unit_of_work(services, actor) as uow:
        owner = uow.session.get(m.User, owner_id)
        if owner is None or not owner.active or not allows(Role(owner.role), bool(owner.trained),
                                                             Permission.WRITE_CASES):
            raise ValidationFailed(FieldProblem("owner_id", "The owner must be an active, trained officer who "
                                                            "can work on cases."))
        row = uow.load(model, entry_id, version_id)
        telling = isinstance(row, m.Disclosure) and row.decision == "disclose" and row.disclosed_at is None
        if not telling and not sr.part_clock(getattr(row, _DUE_COLUMN[part]), _done_at(row),
                                             row.not_applicable_at, uow.now).is_open:
            raise ValidationFailed(FieldProblem("owner_id", "This part is closed: there is nothing left to own."))
        uow.correct(row, {"owner_id": owner_id}, entity=part, offender_id=row.offender_id, reason=reason,
                    field="owner_id", action="entry.update")


_DUE_COLUMN = {sr.PART_REFERRAL: "referral_due_at", sr.PART_DISCLOSURE: "due_at", sr.PART_CHILD_CHECK: "due_at"}


def _done_at(row: object) -> datetime | None:
    if isinstance(row, m.SafeguardingReferral):
        return row.referred_at
    if isinstance(row, m.Disclosure):
        return row.completed_at if row.decision else None
    return getattr(row, "checked_at", None)


def record_ppn_reference(services: Services, actor: Actor, referral_id: int, version_id: int,
                         ppn_reference: str) -> None:
    """The force's own public protection notice raised for the concern: its reference, free text."""
    text = (ppn_reference or "").strip()
    if not text:
        raise ValidationFailed(FieldProblem("ppn_reference", "Enter the PPN reference as the force's system gives it."))
    if len(text) > 60:
        raise ValidationFailed(FieldProblem("ppn_reference", "Keep the PPN reference to 60 characters."))
    with unit_of_work(services, actor) as uow:
        r = uow.load(m.SafeguardingReferral, referral_id, version_id)
        r.ppn_reference = text
        uow.stamp_updated(r)
        uow.session.flush()
        uow.audit("entry.update", entity="safeguarding_referral", entity_id=r.id, offender_id=r.offender_id,
                  details={"ppn_reference": text})


# --- reading ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ResponsePart:
    part: str  # sr.PART_*
    id: int
    version_id: int
    title: str
    owner: str | None
    clock: sr.PartClock
    done_at: datetime | None
    done: str | None  # what was done, in a few words
    not_applicable_reason: str | None
    sign_off_status: str | None
    owner_id: int | None = None
    decision: str | None = None  # the s.327A consideration's: disclose | not_disclose
    disclosed_at: datetime | None = None

    @property
    def is_open(self) -> bool:
        return self.clock.is_open

    @property
    def awaits_disclosure(self) -> bool:
        """Decided to disclose, and the person not yet told."""
        return self.part == sr.PART_DISCLOSURE and self.decision == "disclose" and self.disclosed_at is None


@dataclass(frozen=True)
class ResponseView:
    referral_id: int
    version_id: int
    concern: str
    concern_at: datetime
    origin: str | None
    origin_label: str
    shared_with_csc: bool
    ppn_reference: str | None
    parts: tuple[ResponsePart, ...]

    @property
    def open_parts(self) -> int:
        return sum(p.is_open for p in self.parts)


def _latest_sign_offs(s: Session, keys: Iterable[tuple[str, int]]) -> dict[tuple[str, int], str]:
    keys = list(keys)
    if not keys:
        return {}
    out: dict[tuple[str, int], str] = {}
    entities = {k[0] for k in keys}
    ids = {k[1] for k in keys}
    for entity, entity_id, status in s.execute(
            select(m.SignOff.entity, m.SignOff.entity_id, m.SignOff.status)
            .where(m.SignOff.entity.in_(entities), m.SignOff.entity_id.in_(ids)).order_by(m.SignOff.id)):
        out[(entity, entity_id)] = status  # the latest request wins
    return out


def responses_on(s: Session, offender_id: int, now: datetime) -> tuple[ResponseView, ...]:
    """Every response on the record opened through open_response (those with a referral due
    time), newest concern first, each with its three parts and their clocks."""
    F, D, C = m.SafeguardingReferral, m.Disclosure, m.ChildSafetyCheck
    referrals = s.scalars(select(F).where(F.offender_id == offender_id, F.voided_at.is_(None),
                                          F.referral_due_at.is_not(None))
                          .order_by(F.concern_at.desc(), F.id.desc())).all()
    if not referrals:
        return ()
    ids = [r.id for r in referrals]
    disclosures = s.scalars(select(D).where(D.referral_id.in_(ids), D.voided_at.is_(None), D.route == "s327a",
                                            D.due_at.is_not(None)).order_by(D.id)).all()
    checks = s.scalars(select(C).where(C.referral_id.in_(ids), C.voided_at.is_(None)).order_by(C.id)).all()
    users: dict[int | None, str] = dict(s.execute(select(m.User.id, m.User.display_name)).all())
    status = _latest_sign_offs(s, [(sr.PART_REFERRAL, r.id) for r in referrals]
                               + [(sr.PART_DISCLOSURE, d.id) for d in disclosures]
                               + [(sr.PART_CHILD_CHECK, c.id) for c in checks])
    out = []
    for r in referrals:
        parts = [ResponsePart(
            sr.PART_REFERRAL, r.id, r.version_id, sr.PART_LABEL[sr.PART_REFERRAL], users.get(r.owner_id),
            sr.part_clock(r.referral_due_at, r.referred_at, r.not_applicable_at, now), r.referred_at,
            f"Referred to {r.agency}" + (f" (ref. {r.reference})" if r.reference else "") if r.referred_at else None,
            r.not_applicable_reason, status.get((sr.PART_REFERRAL, r.id)), r.owner_id)]
        for d in (d for d in disclosures if d.referral_id == r.id):
            done = None
            if d.decision == "disclose":
                done = "Decided to disclose" + (f"; told {d.disclosed_to}" if d.disclosed_to else "; not yet told")
            elif d.decision == "not_disclose":
                done = "Decided not to disclose"
            parts.append(ResponsePart(
                sr.PART_DISCLOSURE, d.id, d.version_id, sr.PART_LABEL[sr.PART_DISCLOSURE], users.get(d.owner_id),
                sr.part_clock(d.due_at, d.completed_at if d.decision else None, d.not_applicable_at, now),
                d.completed_at if d.decision else None, done, d.not_applicable_reason,
                status.get((sr.PART_DISCLOSURE, d.id)), d.owner_id, d.decision, d.disclosed_at))
        for c in (c for c in checks if c.referral_id == r.id):
            parts.append(ResponsePart(
                sr.PART_CHILD_CHECK, c.id, c.version_id, f"{sr.PART_LABEL[sr.PART_CHILD_CHECK]}: {c.child}",
                users.get(c.owner_id), sr.part_clock(c.due_at, c.checked_at, c.not_applicable_at, now), c.checked_at,
                sr.CHECK_RESULT_LABEL.get(c.result or "", None), c.not_applicable_reason,
                status.get((sr.PART_CHILD_CHECK, c.id)), c.owner_id))
        out.append(ResponseView(r.id, r.version_id, r.concern, r.concern_at, r.concern_origin,
                                sr.ORIGIN_LABEL.get(r.concern_origin or "", "Entered directly"),
                                r.referred_at is not None, r.ppn_reference, tuple(parts)))
    return tuple(out)
