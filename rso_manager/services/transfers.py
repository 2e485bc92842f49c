"""Moving cases to another officer or team, one or many at once, with a reason.

Moving a case is the team supervisor's decision within their team and the OMU lead's between
teams (Permission.REASSIGN_CASE, the placing rule of caseload.correct_offender). A batch is one
unit of work: every case moves or none does. Each case keeps its old officer and team in its
history (a revision) and gets its own audit row, "offender.transfer", saying from whom to whom
and why, which the case log reads.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select

from rso_manager.domain.roles import Permission, Role
from rso_manager.persistence import models as m
from rso_manager.services import access
from rso_manager.services.caseload import OffenderDraft, check_placing
from rso_manager.services.errors import FieldProblem, ValidationFailed, reason_problem
from rso_manager.services.unit_of_work import Actor, Services, unit_of_work

TRANSFER_ACTION = "offender.transfer"
# How a transfer's revision of the record begins: the case log tells it from a correction by it.
TRANSFER_REASON = "Transferred from"
# Who can hold a caseload: the officers a case can be moved to.
CASE_HOLDERS = (Role.OFFENDER_MANAGER, Role.SUPERVISOR)


@dataclass(frozen=True)
class CaseToMove:
    offender_id: int
    version_id: int  # as the user read it: a case changed since is not moved blind


@dataclass(frozen=True)
class MovableCase:
    offender_id: int
    version_id: int
    reference: str
    name: str
    offender_manager_id: int | None
    offender_manager: str | None
    team_id: int | None
    team: str | None
    risk_level: str | None


@dataclass(frozen=True)
class Officer:
    id: int
    name: str
    team_id: int | None  # never None: only officers in a team are offered
    team: str


@dataclass(frozen=True)
class TransferOptions:
    """What the transfer screen offers ACTOR: the cases they may move and who to."""

    cases: tuple[MovableCase, ...]
    officers: tuple[Officer, ...]
    between_teams: bool  # the OMU lead: any team; a supervisor: their own


@dataclass(frozen=True)
class Transferred:
    offender_id: int
    reference: str
    version_id: int


def transfer_options(services: Services, actor: Actor) -> TransferOptions:
    """The active cases ACTOR may move (their team's; the force's for the OMU lead), by
    reference, and the active, trained officers who can take them."""
    between = actor.role is Role.OMU_LEAD
    manager = m.User.__table__.alias("manager")
    with access.listing(services, actor, Permission.REASSIGN_CASE) as s:
        stmt = (select(m.Offender.id, m.Offender.version_id, m.Offender.reference, m.Offender.surname,
                       m.Offender.forenames, m.Offender.offender_manager_id, manager.c.display_name,
                       m.Offender.team_id, m.Team.name, m.Offender.risk_level)
                .outerjoin(manager, manager.c.id == m.Offender.offender_manager_id)
                .outerjoin(m.Team, m.Team.id == m.Offender.team_id)
                .where(m.Offender.status != "ended").order_by(m.Offender.reference))
        people = (select(m.User.id, m.User.display_name, m.User.team_id, m.Team.name)
                  .join(m.Team, m.Team.id == m.User.team_id)
                  .where(m.User.active, m.User.trained, m.User.role.in_([r.value for r in CASE_HOLDERS]))
                  .order_by(m.Team.name, m.User.display_name))
        if not between:
            stmt = stmt.where(m.Offender.team_id == actor.team_id)
            people = people.where(m.User.team_id == actor.team_id)
        cases = tuple(MovableCase(oid, vid, ref, f"{sur.upper()}, {fore}", om_id, om, team_id, team, risk)
                      for oid, vid, ref, sur, fore, om_id, om, team_id, team, risk in s.execute(stmt))
        officers = tuple(Officer(uid, name, team_id, team) for uid, name, team_id, team in s.execute(people))
    return TransferOptions(cases, officers, between)


def transfer_cases(services: Services, actor: Actor, cases: Sequence[CaseToMove], to_officer_id: int | None,
                   reason: str) -> list[Transferred]:
    """Move CASES to TO_OFFICER (and so to their team), all or none, each audited with REASON."""
    problems = []
    if not cases:
        problems.append(FieldProblem("cases", "Choose the cases to transfer."))
    if to_officer_id is None:
        problems.append(FieldProblem("to_officer_id", "Choose the officer who takes the cases."))
    problems += filter(None, [reason_problem("reason", reason, "Say why the cases are moving.")])
    if problems:
        raise ValidationFailed(problems)
    assert to_officer_id is not None
    why = reason.strip()
    with unit_of_work(services, actor) as uow:
        uow.authorise(Permission.REASSIGN_CASE)
        s = uow.session
        officer = s.get(m.User, to_officer_id)
        if (officer is None or not officer.active or not officer.trained or officer.team_id is None
                or Role(officer.role) not in CASE_HOLDERS):
            raise ValidationFailed(FieldProblem(
                "to_officer_id", "Cases go only to an active, ViSOR/MOSOVO-trained offender manager or "
                                 "supervisor in a team; choose another officer."))
        try:
            check_placing(uow, OffenderDraft(offender_manager_id=officer.id, team_id=officer.team_id))
        except ValidationFailed as refused:  # the placing rule names the record's fields
            raise ValidationFailed([FieldProblem("to_officer_id", p.message) for p in refused.problems]) from None
        team = s.scalar(select(m.Team.name).where(m.Team.id == officer.team_id))
        to = {"officer_id": officer.id, "officer": officer.display_name, "team_id": officer.team_id, "team": team}
        moved = []
        for case in cases:
            o = uow.load(m.Offender, case.offender_id, case.version_id, permission=Permission.REASSIGN_CASE)
            if (o.offender_manager_id, o.team_id) == (officer.id, officer.team_id):
                raise ValidationFailed(FieldProblem(
                    "cases", f"{o.reference} is already {officer.display_name}'s case; leave it out of the transfer."))
            was = {"officer_id": o.offender_manager_id,
                   "officer": s.scalar(select(m.User.display_name).where(m.User.id == o.offender_manager_id))
                   if o.offender_manager_id else None,
                   "team_id": o.team_id,
                   "team": s.scalar(select(m.Team.name).where(m.Team.id == o.team_id)) if o.team_id else None}
            uow.keep_revision(o, entity="offender", offender_id=o.id,
                              reason=f"{TRANSFER_REASON} {was['officer'] or 'no officer'} ({was['team'] or 'no team'}) "
                                     f"to {officer.display_name} ({team}): {why}")
            o.offender_manager_id, o.team_id = officer.id, officer.team_id
            uow.stamp_updated(o)
            s.flush()
            uow.audit(TRANSFER_ACTION, entity="offender", entity_id=o.id, offender_id=o.id, reason=why,
                      details={"from": was, "to": to, "cases_in_transfer": len(cases)})
            moved.append(Transferred(o.id, o.reference, o.version_id))
        return moved
