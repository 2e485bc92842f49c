"""Who the benchmark acts as: the demo's OMU lead (the whole force), the first team's
supervisor (one team) and one of its offender managers."""

from __future__ import annotations

from sqlalchemy import select

from rso_manager.demo.invented import TEAMS
from rso_manager.domain.roles import Role
from rso_manager.persistence import models as m
from rso_manager.services.unit_of_work import Actor, Services

TEAM = TEAMS[0]
LEAD, SUPERVISOR, OFFICER = "lead", f"sup.{TEAM.lower()}", f"om.{TEAM.lower()}1"


def actor_of(services: Services, username: str) -> Actor:
    """The Actor a sign-in returns, read from the account without signing in: a benchmark that
    signed the OMU lead in would spend her one-time code, which other runs on the same shared
    database also use (sign-in itself is timed in figure 8)."""
    with services.session_factory() as s:
        u = s.scalars(select(m.User).where(m.User.username == username)).one()
        return Actor(u.id, u.username, u.display_name, Role(u.role), u.team_id, u.trained)
