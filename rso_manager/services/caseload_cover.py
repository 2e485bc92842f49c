"""Caseload cover: while an offender manager is away, a named officer covers their cases.

The absence is an Absence row and the cover a CoverArrangement for the same days (the absent
officer in supervisor_id, whoever covers in cover_supervisor_id), saved together or not at all.
While it runs the absent officer's cases' reminders go to the covering officer too
(reminders.scan asks access.covered_officer_ids), the covering officer's own caseload lists them,
and the covering officer may write to those cases.

The covering officer may be in any team: their link to the absent officer's cases is Link.COVER
(access.link), case by case through the absent officer, never the whole team's, which
access.covered_team_ids keeps for a supervisor's queue. The cover's last day, or its voiding,
ends that link; the absent officer's own link to their cases never changes.

The team's supervisor names cover for their team, the OMU lead for anyone: the same people who
may move a case (Permission.REASSIGN_CASE). The same people end a cover early
(end_caseload_cover: the officer is back, or the wrong officer was named), with a reason; the
days it ran stay on the record.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from rso_manager.domain.roles import Permission, Role
from rso_manager.persistence import models as m
from rso_manager.services.errors import (
    FieldProblem,
    NotFound,
    PermissionDenied,
    ValidationFailed,
    reason_problem,
)
from rso_manager.services.supervision import absence_problems, add_absence
from rso_manager.services.unit_of_work import Actor, Services, UnitOfWork, unit_of_work

COVER_ACTION = "cover.caseload"
END_ACTION = "cover.caseload.end"
# Whose caseload is covered here; a supervisor's absence and queue cover are named in
# supervision (File > Absences and cover), where only a supervisor may take a queue.
ABSENT_ROLES = (Role.OFFENDER_MANAGER,)
COVER_ROLES = (Role.OFFENDER_MANAGER, Role.SUPERVISOR)


@dataclass(frozen=True)
class Officer:
    id: int
    name: str
    team_id: int | None
    team: str | None = None


@dataclass(frozen=True)
class CaseloadCoverChoices:
    absentees: tuple[Officer, ...]  # offender managers whose cover ACTOR may name
    covers: tuple[Officer, ...]  # who may cover: active, trained case holders in any team


@dataclass(frozen=True)
class CaseloadCover:
    cover_id: int
    absence_id: int | None
    user_id: int
    user: str
    cover_user_id: int
    cover_user: str
    starts_on: date
    ends_on: date | None
    reason: str | None


@dataclass(frozen=True)
class EndedCover:
    outcome: str  # "ended" (it ran, up to yesterday) or "cancelled" (voided: it had not run before today)
    cover: CaseloadCover


def _may_name(actor: Actor) -> None:
    if actor.role not in (Role.SUPERVISOR, Role.OMU_LEAD):
        raise PermissionDenied("Only the team's supervisor or the OMU lead names caseload cover.")


def _officers(s: Session, actor: Actor, roles: tuple[Role, ...], trained_only: bool,
              own_team_only: bool) -> tuple[Officer, ...]:
    stmt = (select(m.User.id, m.User.display_name, m.User.team_id, m.Team.name)
            .join(m.Team, m.Team.id == m.User.team_id)
            .where(m.User.active, m.User.role.in_([r.value for r in roles]))
            .order_by(m.User.display_name))
    if trained_only:
        stmt = stmt.where(m.User.trained)
    if own_team_only and actor.role is not Role.OMU_LEAD:
        stmt = stmt.where(m.User.team_id == actor.team_id)
    return tuple(Officer(uid, name, team_id, team) for uid, name, team_id, team in s.execute(stmt))


def caseload_cover_choices(services: Services, actor: Actor) -> CaseloadCoverChoices:
    """The absentees are the actor's team's (anyone's, for the OMU lead); the cover may be in
    any team."""
    _may_name(actor)
    with unit_of_work(services, actor) as uow:
        uow.authorise(Permission.REASSIGN_CASE)
        return CaseloadCoverChoices(_officers(uow.session, actor, ABSENT_ROLES, False, own_team_only=True),
                                    _officers(uow.session, actor, COVER_ROLES, True, own_team_only=False))


def _check_people(uow: UnitOfWork, user_id: int, cover_user_id: int) -> tuple[m.User, m.User]:
    s, actor = uow.session, uow.actor
    absent, cover = s.get(m.User, user_id), s.get(m.User, cover_user_id)
    if absent is None or cover is None:
        raise NotFound("No such officer.")
    if Role(absent.role) not in ABSENT_ROLES:
        raise ValidationFailed(FieldProblem(
            "user_id", f"{absent.display_name} is not an offender manager: a supervisor's absence and "
                       "cover are recorded under Absences and cover."))
    if actor.role is not Role.OMU_LEAD and absent.team_id != actor.team_id:
        raise ValidationFailed(FieldProblem(
            "user_id", "You can name cover only for an officer in your own team; the OMU lead names it "
                       "for other teams."))
    if Role(cover.role) not in COVER_ROLES or not cover.active or not cover.trained:
        raise ValidationFailed(FieldProblem(
            "cover_user_id", f"{cover.display_name} cannot cover a caseload: choose an active, "
                             "ViSOR/MOSOVO-trained offender manager or supervisor."))
    return absent, cover


def record_caseload_cover(services: Services, actor: Actor, user_id: int | None, cover_user_id: int | None,
                          starts_on: date | None, ends_on: date | None, reason: str) -> CaseloadCover:
    """An offender manager's absence and the officer covering their cases for the same days, in
    one step; problems with either are reported together."""
    _may_name(actor)
    problems = []
    if user_id is None:
        problems.append(FieldProblem("user_id", "Choose the officer who is away."))
    else:
        problems += absence_problems(actor, user_id, starts_on, ends_on, reason)
    if cover_user_id is None:
        problems.append(FieldProblem("cover_user_id", "Choose who covers the cases."))
    elif cover_user_id == user_id:
        problems.append(FieldProblem("cover_user_id", "Choose someone other than the officer who is away."))
    if problems:
        raise ValidationFailed(problems)
    assert user_id is not None and cover_user_id is not None and starts_on is not None and ends_on is not None
    with unit_of_work(services, actor) as uow:
        uow.authorise(Permission.REASSIGN_CASE)
        absent, cover = _check_people(uow, user_id, cover_user_id)
        absence = add_absence(uow, user_id, starts_on, ends_on, reason)
        c = uow.stamp_created(m.CoverArrangement(
            supervisor_id=user_id, cover_supervisor_id=cover_user_id, named_by_id=actor.user_id,
            starts_on=starts_on, ends_on=ends_on))
        uow.session.add(c)
        uow.session.flush()
        uow.audit(COVER_ACTION, entity="cover_arrangement", entity_id=c.id,
                  details={"user_id": user_id, "cover_id": cover_user_id, "absence_id": absence.id,
                           "from": starts_on, "to": ends_on})
        return CaseloadCover(c.id, absence.id, absent.id, absent.display_name, cover.id, cover.display_name,
                             starts_on, ends_on, absence.reason)


def caseload_covers(services: Services, actor: Actor, as_of: date | None = None) -> list[CaseloadCover]:
    """Offender managers' covers not yet over on AS_OF, soonest first: the actor's team's (all
    for the OMU lead)."""
    _may_name(actor)
    as_of = as_of or services.clock.today()
    with unit_of_work(services, actor) as uow:
        uow.authorise(Permission.REASSIGN_CASE)
        s = uow.session
        absent = m.User.__table__.alias("absent")
        covering = m.User.__table__.alias("covering")
        C = m.CoverArrangement
        stmt = (select(C, absent.c.display_name, covering.c.display_name)
                .join(absent, absent.c.id == C.supervisor_id).join(covering, covering.c.id == C.cover_supervisor_id)
                .where(C.voided_at.is_(None), or_(C.ends_on.is_(None), C.ends_on >= as_of),
                       absent.c.role.in_([r.value for r in ABSENT_ROLES]))
                .order_by(C.starts_on, C.id))
        if actor.role is not Role.OMU_LEAD:
            stmt = stmt.where(absent.c.team_id == actor.team_id)
        out = []
        for c, absent_name, cover_name in s.execute(stmt):
            absence = _absence_of(s, c)
            out.append(CaseloadCover(c.id, absence.id if absence else None, c.supervisor_id, absent_name,
                                     c.cover_supervisor_id, cover_name, c.starts_on, c.ends_on,
                                     absence.reason if absence else None))
        return out


def _absence_of(s: Session, c: m.CoverArrangement) -> m.Absence | None:
    """The absence recorded with cover C (record_caseload_cover saves the two together)."""
    return s.scalar(select(m.Absence).where(
        m.Absence.user_id == c.supervisor_id, m.Absence.voided_at.is_(None),
        m.Absence.starts_on == c.starts_on).order_by(m.Absence.id.desc()).limit(1))


def end_caseload_cover(services: Services, actor: Actor, cover_id: int, reason: str | None) -> EndedCover:
    """End cover COVER_ID, and the absence recorded with it, from today: the covering officer's
    link to the absent officer's cases ends at once. A cover that has run keeps the days it ran
    (it ends yesterday); one that would have run only from today on is voided. Either way the
    days it had are in the audit row, with REASON."""
    _may_name(actor)
    problem = reason_problem("reason", reason, "Say why the cover ends early (the officer is back, say).")
    if problem:
        raise ValidationFailed(problem)
    today = services.clock.today()
    with unit_of_work(services, actor) as uow:
        uow.authorise(Permission.REASSIGN_CASE)
        s = uow.session
        c = s.get(m.CoverArrangement, cover_id)
        absent = s.get(m.User, c.supervisor_id) if c is not None else None
        cover = s.get(m.User, c.cover_supervisor_id) if c is not None else None
        if (c is None or absent is None or cover is None or Role(absent.role) not in ABSENT_ROLES
                or (actor.role is not Role.OMU_LEAD and absent.team_id != actor.team_id)):
            raise NotFound("No such caseload cover for your team: it may have been moved or ended. Reload the list.")
        if c.voided_at is not None or (c.ends_on is not None and c.ends_on < today):
            raise ValidationFailed(FieldProblem("cover_id", "This cover has already ended: reload the list."))
        absence = _absence_of(s, c)
        had = {"from": c.starts_on, "to": c.ends_on}
        if c.starts_on >= today:  # nothing of it to keep
            c.voided_at = uow.now
            if absence is not None:
                absence.voided_at = uow.now
                uow.stamp_updated(absence)
            outcome = "cancelled"
        else:
            c.ends_on = today - timedelta(days=1)
            if absence is not None and absence.ends_on > c.ends_on:
                absence.ends_on = c.ends_on
                uow.stamp_updated(absence)
            outcome = "ended"
        uow.stamp_updated(c)
        uow.audit(END_ACTION, entity="cover_arrangement", entity_id=c.id, reason=(reason or "").strip(),
                  details={"user_id": c.supervisor_id, "cover_id": c.cover_supervisor_id,
                           "absence_id": absence.id if absence else None, "outcome": outcome,
                           "before": had, "after": {"from": c.starts_on, "to": c.ends_on}})
        return EndedCover(outcome, CaseloadCover(
            c.id, absence.id if absence else None, absent.id, absent.display_name, cover.id, cover.display_name,
            c.starts_on, c.ends_on, absence.reason if absence else None))
