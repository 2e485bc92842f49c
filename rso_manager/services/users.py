"""Accounts: first administrator, login with lockout, creating and changing users."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select

from rso_manager.domain.roles import Permission, Role, allows
from rso_manager.persistence.models import Team, User
from rso_manager.services import passwords
from rso_manager.services.errors import (
    AuthenticationFailed,
    FieldProblem,
    NotFound,
    ValidationFailed,
)
from rso_manager.services.unit_of_work import SYSTEM, Actor, Services, require, unit_of_work

MAX_FAILED_LOGINS = 5          # CJIS 5.5.3
LOCKOUT = timedelta(minutes=30)


@dataclass(frozen=True)
class UserInfo:
    id: int
    username: str
    display_name: str
    role: Role
    team_id: int | None
    team_name: str | None
    trained: bool
    active: bool
    locked_until: datetime | None
    version_id: int

    @property
    def can_hold_cases(self) -> bool:
        """Only active, ViSOR/MOSOVO-trained staff in a case-holding role may manage a case."""
        return self.active and allows(self.role, self.trained, Permission.WRITE_CASES)


@dataclass(frozen=True)
class TeamInfo:
    id: int
    name: str


def _info(u: User) -> UserInfo:
    return UserInfo(u.id, u.username, u.display_name, Role(u.role), u.team_id,
                    u.team.name if u.team else None, u.trained, u.active, u.locked_until, u.version_id)


def actor_for(u: User) -> Actor:
    return Actor(u.id, u.username, u.display_name, Role(u.role), u.team_id, u.trained)


def needs_first_admin(services: Services) -> bool:
    with services.session_factory() as s:
        return s.scalar(select(func.count(User.id))) == 0


def _validate_new_user(username: str, display_name: str, password: str) -> list[FieldProblem]:
    problems = []
    if not username.strip() or not username.replace(".", "").replace("_", "").isalnum():
        problems.append(FieldProblem("username", "Enter a username of letters and digits (dots and underscores allowed)."))
    if not display_name.strip():
        problems.append(FieldProblem("display_name", "Enter the person's full name."))
    problems += [FieldProblem("password", p) for p in passwords.password_problems(password, username)]
    return problems


def create_first_admin(services: Services, username: str, display_name: str, password: str) -> UserInfo:
    """The first account on an empty database: there is no default password to leave behind."""
    if not needs_first_admin(services):
        raise ValidationFailed(FieldProblem("username", "This database already has accounts; log in instead."))
    return _create(services, SYSTEM, username, display_name, password, Role.ADMINISTRATOR, None, True)


def create_user(services: Services, actor: Actor, *, username: str, display_name: str, password: str,
                role: Role, team_id: int | None, trained: bool) -> UserInfo:
    require(actor, Permission.MANAGE_USERS)
    return _create(services, actor, username, display_name, password, role, team_id, trained)


def _create(services: Services, actor: Actor, username: str, display_name: str, password: str,
            role: Role, team_id: int | None, trained: bool) -> UserInfo:
    problems = _validate_new_user(username, display_name, password)
    with unit_of_work(services, actor) as uow:
        if uow.session.scalar(select(User.id).where(func.lower(User.username) == username.lower())):
            problems.append(FieldProblem("username", f"The username {username} is taken; choose another."))
        if problems:
            raise ValidationFailed(problems)
        user = uow.stamp_created(User(
            username=username, display_name=display_name.strip(), role=role.value, team_id=team_id,
            trained=trained, active=True, password_hash=passwords.hash_password(password), failed_logins=0,
        ))
        uow.session.add(user)
        uow.session.flush()
        uow.audit("user.create", entity="user", entity_id=user.id,
                  details={"username": username, "role": role.value, "trained": trained, "team_id": team_id})
        uow.session.refresh(user)
        return _info(user)


def login(services: Services, username: str, password: str) -> Actor:
    """Check a password, counting failures: the 6th attempt inside the lockout is refused
    even with the right password."""
    now = services.clock.now()
    generic = "The username or password is not right. Check them and try again."
    with unit_of_work(services, SYSTEM) as uow:
        user = uow.session.scalar(select(User).where(func.lower(User.username) == username.lower()))
        if user is None:
            uow.audit("login", outcome="failed", details={"username": username, "why": "unknown user"})
            failure = AuthenticationFailed(generic)
        elif not user.active:
            uow.audit("login", entity="user", entity_id=user.id, outcome="failed", details={"why": "inactive"})
            failure = AuthenticationFailed("This account has been closed. Ask your administrator.")
        elif user.locked_until and user.locked_until > now:
            uow.audit("login", entity="user", entity_id=user.id, outcome="refused", details={"why": "locked"})
            minutes = int((user.locked_until - now).total_seconds() // 60) + 1
            failure = AuthenticationFailed(
                f"This account is locked after {MAX_FAILED_LOGINS} failed attempts. Try again in "
                f"{minutes} minutes, or ask your administrator to unlock it.")
        elif not passwords.verify_password(user.password_hash, password):
            user.failed_logins += 1
            if user.failed_logins >= MAX_FAILED_LOGINS:
                user.locked_until = now + LOCKOUT
                user.failed_logins = 0
                uow.audit("account.lock", entity="user", entity_id=user.id)
            uow.audit("login", entity="user", entity_id=user.id, outcome="failed", details={"why": "password"})
            failure = AuthenticationFailed(generic)
        else:
            user.failed_logins, user.locked_until, user.last_login_at = 0, None, now
            if passwords.needs_rehash(user.password_hash):
                user.password_hash = passwords.hash_password(password)
            actor = actor_for(user)
            uow.actor = actor
            uow.audit("login", entity="user", entity_id=user.id)
            failure = None
    if failure:
        raise failure
    return actor


def list_users(services: Services, actor: Actor) -> list[UserInfo]:
    with services.session_factory() as s:
        return [_info(u) for u in s.scalars(select(User).order_by(User.display_name))]


def list_teams(services: Services) -> list[TeamInfo]:
    with services.session_factory() as s:
        return [TeamInfo(t.id, t.name) for t in s.scalars(select(Team).where(Team.active).order_by(Team.name))]


def create_team(services: Services, actor: Actor, name: str) -> TeamInfo:
    require(actor, Permission.MANAGE_USERS)
    if not name.strip():
        raise ValidationFailed(FieldProblem("name", "Enter the team's name."))
    with unit_of_work(services, actor) as uow:
        team = uow.stamp_created(Team(name=name.strip(), active=True))
        uow.session.add(team)
        uow.session.flush()
        uow.audit("team.create", entity="team", entity_id=team.id, details={"name": name})
        return TeamInfo(team.id, team.name)


def change_user(services: Services, actor: Actor, user_id: int, version_id: int, *, reason: str,
                role: Role | None = None, team_id: int | None = None, trained: bool | None = None,
                active: bool | None = None, unlock: bool = False) -> UserInfo:
    require(actor, Permission.MANAGE_USERS)
    if len(reason.strip()) < 10:
        raise ValidationFailed(FieldProblem("reason", "Say why this account is changing (at least 10 characters)."))
    with unit_of_work(services, actor, stale_entity=("user account", User, user_id)) as uow:
        user = uow.session.get(User, user_id)
        if user is None:
            raise NotFound(f"No user with id {user_id}.")
        if user.version_id != version_id:
            from sqlalchemy.orm.exc import StaleDataError
            raise StaleDataError("user changed")
        before = {"role": user.role, "team_id": user.team_id, "trained": user.trained, "active": user.active}
        if role is not None:
            user.role = role.value
        if team_id is not None:
            user.team_id = team_id
        if trained is not None:
            user.trained = trained
        if active is not None:
            user.active = active
        if unlock:
            user.locked_until, user.failed_logins = None, 0
        uow.stamp_updated(user)
        after = {"role": user.role, "team_id": user.team_id, "trained": user.trained, "active": user.active}
        uow.audit("user.change", entity="user", entity_id=user.id, reason=reason,
                  details={"before": before, "after": after, "unlocked": unlock})
    return _info(user)
