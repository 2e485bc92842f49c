"""The staff a safeguarding entry names: who may decide a disclosure, who may own an action, and
names for ids."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from rso_manager.domain.roles import Permission, Role, allows
from rso_manager.persistence import models as m
from rso_manager.services import access
from rso_manager.services.unit_of_work import Actor, Services


def display_name_of(s: Session, user_id: int | None) -> str | None:
    return s.scalar(select(m.User.display_name).where(m.User.id == user_id)) if user_id else None


@dataclass(frozen=True)
class Person:
    id: int
    name: str


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
