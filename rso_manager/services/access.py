"""Need-to-know: a user's link to a case, the consultation that covers reading it, and the
recorded, reviewed opening of a case outside that link.

A user's link to a case is their own case, their team's case, a case they cover through a
recorded cover arrangement, or (the OMU lead) the whole force. Reading a record takes an opening
of it (a consultation row: who, when, why, DPA 2018 s.62), which covers the parts read while it
lasts. Outside the link, an opening takes a listed purpose and a reason that passes the same
filler rules as a sign-off rationale, and is put to the case supervisor for review. Writing
outside the link is refused.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import date, timedelta

from sqlalchemy import Select, or_, select, true
from sqlalchemy.orm import Session

from rso_manager.domain.rationale import reason_problems
from rso_manager.domain.roles import Link, Permission, Role, allows, link_to_case
from rso_manager.persistence import models as m
from rso_manager.services import settings
from rso_manager.services.errors import FieldProblem, NeedsReason, ValidationFailed
from rso_manager.services.unit_of_work import (
    Actor,
    Services,
    UnitOfWork,
    find_offender,
    refusal,
    unit_of_work,
)


def covered_team_ids(session: Session, user_id: int, today: date) -> set[int]:
    """Teams whose supervisor a recorded cover arrangement names USER for today. An offender
    manager's caseload cover (the same arrangement, for an absent officer) covers that officer's
    cases, not the team: it is left out here."""
    rows = session.execute(
        select(m.User.team_id)
        .join(m.CoverArrangement, m.CoverArrangement.supervisor_id == m.User.id)
        .where(m.User.role.in_((Role.SUPERVISOR.value, Role.OMU_LEAD.value)),
               m.CoverArrangement.cover_supervisor_id == user_id,
               m.CoverArrangement.voided_at.is_(None),
               m.CoverArrangement.starts_on <= today,
               or_(m.CoverArrangement.ends_on.is_(None), m.CoverArrangement.ends_on >= today))
    ).scalars()
    return {t for t in rows if t is not None}


def covered_officers(user_id: int, today: date) -> Select[int]:
    """The officers whose caseload USER covers today, by a recorded cover arrangement (an
    absent offender manager's, or a supervisor's: their own cases go with their queue). A
    query, so that lists can filter by it inside their one statement."""
    C = m.CoverArrangement
    return select(C.supervisor_id).where(
        C.cover_supervisor_id == user_id, C.voided_at.is_(None), C.starts_on <= today,
        or_(C.ends_on.is_(None), C.ends_on >= today))


def covered_officer_ids(session: Session, user_id: int, today: date) -> set[int]:
    """covered_officers, read: a caseload is covered officer by officer, in any team, unlike
    covered_team_ids, which is a supervisor's queue and widens to the whole team."""
    return set(session.scalars(covered_officers(user_id, today)))


def link(session: Session, actor: Actor, offender_id: int, today: date) -> Link:
    o = find_offender(session, offender_id)
    covers = ((o.team_id is not None and o.team_id != actor.team_id
               and o.team_id in covered_team_ids(session, actor.user_id, today))
              or (o.offender_manager_id is not None and o.offender_manager_id != actor.user_id
                  and o.offender_manager_id in covered_officer_ids(session, actor.user_id, today)))
    return link_to_case(user_id=actor.user_id, role=actor.role, team_id=actor.team_id,
                        case_manager_id=o.offender_manager_id, case_team_id=o.team_id,
                        covers=covers)


def current_consultation(uow: UnitOfWork, offender_id: int) -> m.Consultation | None:
    hours = int(settings.get(uow.session, "consultation_hours"))
    return uow.session.scalar(
        select(m.Consultation)
        .where(m.Consultation.user_id == uow.actor.user_id, m.Consultation.offender_id == offender_id,
               m.Consultation.opened_at >= uow.now - timedelta(hours=hours))
        .order_by(m.Consultation.id.desc()).limit(1))


def require_consultation(uow: UnitOfWork, offender_id: int) -> Link:
    """Reading any part of a record: the user may read it now (link and account as they are)
    and has opened it, with a reason, recently enough for that opening to cover this read."""
    actor = uow.actor
    here = uow.link(offender_id)
    inside = allows(actor.role, actor.trained, Permission.READ_CASES, here)
    if not inside and not allows(actor.role, actor.trained, Permission.READ_OUTSIDE_LINK, here):
        raise refusal(actor, Permission.READ_CASES, here)
    c = current_consultation(uow, offender_id)
    if c is None or (not inside and c.link != Link.NONE.value):
        raise NeedsReason("Open this record with a reason first: every reading of a record is "
                          "covered by an opening recorded in the audit trail.")
    return here


def open_consultation(uow: UnitOfWork, offender_id: int, purpose: str, reason: str) -> m.Consultation:
    """Record one opening. Inside the link the reason must say something; outside it, it must
    pass the sign-off filler rules at more length and goes to the case supervisor for review."""
    from rso_manager.services import case_events

    actor, s = uow.actor, uow.session
    here = uow.link(offender_id)
    inside = allows(actor.role, actor.trained, Permission.READ_CASES, here)
    if not inside and not allows(actor.role, actor.trained, Permission.READ_OUTSIDE_LINK, here):
        raise refusal(actor, Permission.READ_CASES, here)
    key = "open_reason_min_words" if inside else "outside_link_reason_min_words"
    problems = reason_problems(reason, int(settings.get(s, key)))
    if problems:
        raise ValidationFailed(FieldProblem("reason_text", " ".join(problems)))
    c = m.Consultation(user_id=actor.user_id, offender_id=offender_id, opened_at=uow.now,
                       link=here.value, purpose=purpose, reason=reason.strip())
    s.add(c)
    s.flush()
    if not inside:
        o = find_offender(s, offender_id)
        so = case_events.request_sign_off(
            uow, entity="consultation", entity_id=c.id, offender_id=offender_id,
            summary=(f"{actor.display_name} opened {o.reference}, a case outside their caseload, "
                     f"for: {purpose}. Reason given: {reason.strip()}"))
        c.review_sign_off_id = so.id
        s.flush()
    return c


@contextmanager
def reading(services: Services, actor: Actor, offender_id: int) -> Iterator[Session]:
    """A read of one record's parts, authorised and covered by the user's current opening."""
    with unit_of_work(services, actor) as uow:
        uow.consulted(offender_id)
        yield uow.session


@contextmanager
def listing(services: Services, actor: Actor, permission: Permission = Permission.READ_CASES
            ) -> Iterator[Session]:
    """A list across the user's caseload (their scope, never beyond it): the account is re-read
    and must hold PERMISSION."""
    with unit_of_work(services, actor) as uow:
        uow.authorise(permission)
        yield uow.session


def case_team_ids(session: Session, actor: Actor, today: date) -> set[int] | None:
    """Teams whose cases ACTOR may list; None for the whole force (the OMU lead). Cases of
    officers whose caseload ACTOR covers are listed by officer (visible_cases), not by team."""
    if actor.role is Role.OMU_LEAD:
        return None
    teams = covered_team_ids(session, actor.user_id, today)
    if actor.team_id is not None:
        teams.add(actor.team_id)
    return teams


def visible_cases(session: Session, actor: Actor, today: date):
    """A filter on Offender for lists: the cases ACTOR is linked to (all, for the OMU lead)."""
    teams = case_team_ids(session, actor, today)
    if teams is None:
        return true()
    officers = covered_officer_ids(session, actor.user_id, today) | {actor.user_id}
    return or_(m.Offender.offender_manager_id.in_(officers), m.Offender.team_id.in_(teams))


def linked_ids(session: Session, actor: Actor, today: date, offender_ids: Iterable[int]) -> set[int]:
    """Which of OFFENDER_IDS (cases already found, e.g. by a search) are inside ACTOR's link:
    the same rule as visible_cases, so what a search shows in full is what a list would."""
    ids = set(offender_ids)
    if not ids:
        return set()
    return set(session.scalars(select(m.Offender.id).where(m.Offender.id.in_(ids),
                                                           visible_cases(session, actor, today))))


@contextmanager
def reading_or_listing(services: Services, actor: Actor, offender_id: int | None
                       ) -> Iterator[Session]:
    """One record's part when OFFENDER_ID is given (covered by its opening), else a list that
    the caller narrows with visible_cases."""
    if offender_id is not None:
        with reading(services, actor, offender_id) as s:
            yield s
    else:
        with listing(services, actor) as s:
            yield s
