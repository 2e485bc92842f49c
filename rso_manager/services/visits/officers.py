"""Who can go on a visit: the team's active officers, and who is absent on a day."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from rso_manager.domain.roles import Role
from rso_manager.domain.visit_proposal import OfficerAvailability
from rso_manager.persistence import models as m


def is_absent(session, user_id: int, on: date) -> bool:
    return session.scalar(select(m.Absence.id).where(
        m.Absence.user_id == user_id, m.Absence.voided_at.is_(None),
        m.Absence.starts_on <= on, m.Absence.ends_on >= on)) is not None


def team_officers(session, team_id: int | None) -> list[m.User]:
    stmt = select(m.User).where(m.User.active, m.User.role.in_((Role.OFFENDER_MANAGER.value, Role.SUPERVISOR.value)))
    if team_id is not None:
        stmt = stmt.where(m.User.team_id == team_id)
    return list(session.scalars(stmt.order_by(m.User.id)))


def officer_availability(session, users: list[m.User], start: date, end: date) -> list[OfficerAvailability]:
    absences: dict[int, list[tuple[date, date]]] = {}
    for a in session.scalars(select(m.Absence).where(
            m.Absence.voided_at.is_(None), m.Absence.ends_on >= start, m.Absence.starts_on <= end)):
        absences.setdefault(a.user_id, []).append((a.starts_on, a.ends_on))
    return [OfficerAvailability(str(u.id), u.trained, tuple(absences.get(u.id, ()))) for u in users]
