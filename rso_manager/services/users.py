"""Accounts: first administrator, signing in (password, then a one-time code where required),
lockout, creating and changing users.

Signing in gives nothing away: an unknown, closed or locked account is checked against a dummy
Argon2 hash, so every attempt costs one full password verification and gets the same answer.
What a failed attempt leaves in the append-only audit trail is a normalised username, and only
if it is one by the username rules; anything else typed in that box (often a password) is
recorded as a fixed marker and its length.

Where directory sign-in is configured, a directory account (and a username this database does
not know yet) is signed in by the force's directory instead (services/directory_sign_in.py), with
the same refusal and lockout for a wrong password; local accounts stay local.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from rso_manager.domain.roles import Permission, Role, allows
from rso_manager.persistence.models import Team, User
from rso_manager.services import directory_sign_in, passwords, second_factor
from rso_manager.services.errors import (
    AuthenticationFailed,
    FieldProblem,
    PermissionDenied,
    SecondFactorEnrolmentRequired,
    SecondFactorRequired,
    ServiceError,
    ValidationFailed,
    WrongSecondFactor,
    reason_problem,
)
from rso_manager.services.unit_of_work import SYSTEM, Actor, Services, UnitOfWork, unit_of_work

MAX_FAILED_LOGINS = 5          # CJIS 5.5.3
LOCKOUT = timedelta(minutes=30)
MAX_USERNAME_LENGTH = 60       # app_user.username is String(60)
MAX_DISPLAY_NAME_LENGTH = 120
# Lower-case letters, digits, dots, underscores and hyphens, starting with a letter or digit.
USERNAME_PATTERN = re.compile(r"[a-z0-9][a-z0-9._-]*")
NOT_A_USERNAME = "<not a username>"

SIGN_IN_FAILED = (
    "The username or password is not right, or the account is locked or closed. Check them and "
    f"try again. After {MAX_FAILED_LOGINS} failed attempts in a row an account is locked for "
    f"{int(LOCKOUT.total_seconds() // 60)} minutes; your administrator can unlock or reopen it.")
CODE_NEEDED = ("Enter the 6-digit sign-in code your authenticator app shows now, or one of your "
               "recovery codes.")
CODE_WRONG = (
    "That sign-in code is not right, or it has been used already. Enter the code your "
    "authenticator app shows now (it changes every 30 seconds), or one of your recovery codes. "
    f"After {MAX_FAILED_LOGINS} failed attempts in a row the account is locked.")
ENROLMENT_NEEDED = (
    "This account signs in with a one-time code from an authenticator app on your phone, and none "
    "is set up yet. Sign in to the RSO Manager app to set it up; it takes a minute.")


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
    second_factor: bool = False  # a sign-in code is set up

    @property
    def can_hold_cases(self) -> bool:
        """Only active, ViSOR/MOSOVO-trained staff in a case-holding role may manage a case."""
        return self.active and allows(self.role, self.trained, Permission.WRITE_CASES)


@dataclass(frozen=True)
class TeamInfo:
    id: int
    name: str


@dataclass(frozen=True)
class EnrolmentResult:
    """Signed in with the new code; the recovery codes are shown to the person once, never again."""

    actor: Actor
    recovery_codes: tuple[str, ...]


def _info(u: User) -> UserInfo:
    return UserInfo(u.id, u.username, u.display_name, Role(u.role), u.team_id,
                    u.team.name if u.team else None, u.trained, u.active, u.locked_until, u.version_id,
                    u.totp_secret is not None)


def actor_for(u: User) -> Actor:
    return Actor(u.id, u.username, u.display_name, Role(u.role), u.team_id, u.trained)


def normalise_username(text: str) -> str | None:
    """TEXT as a username (stripped, lower case), or None if it cannot be one. Checked before
    anything is looked up or stored, so its cost does not grow with what was typed."""
    if len(text) > 4 * MAX_USERNAME_LENGTH:  # don't even strip megabytes
        return None
    name = text.strip().lower()
    if len(name) > MAX_USERNAME_LENGTH or not USERNAME_PATTERN.fullmatch(name):
        return None
    return name


def username_problem(text: str) -> FieldProblem | None:
    if normalise_username(text) is None:
        return FieldProblem("username", f"Enter a username of up to {MAX_USERNAME_LENGTH} letters and "
                            "digits (dots, underscores and hyphens allowed), e.g. j.smith.")
    return None


def needs_first_admin(services: Services) -> bool:
    with services.session_factory() as s:
        return s.scalar(select(func.count(User.id))) == 0


def _password_context(session: Session, display_name: str) -> list[str]:
    """Words an attacker would try first: the person's names and the unit's team names (there
    is no setting for the force's name)."""
    return [display_name, *session.scalars(select(Team.name))]


def _validate_new_user(session: Session, username: str, display_name: str,
                       password: str) -> list[FieldProblem]:
    problems = []
    problem = username_problem(username)
    if problem:
        problems.append(problem)
    if not display_name.strip():
        problems.append(FieldProblem("display_name", "Enter the person's full name."))
    elif len(display_name.strip()) > MAX_DISPLAY_NAME_LENGTH:
        problems.append(FieldProblem("display_name", f"Use at most {MAX_DISPLAY_NAME_LENGTH} characters."))
    name = normalise_username(username) or ""
    problems += [FieldProblem("password", p) for p in
                 passwords.password_problems(password, name, _password_context(session, display_name))]
    return problems


def create_first_admin(services: Services, username: str, display_name: str, password: str) -> UserInfo:
    """The first account on an empty database: there is no default password to leave behind."""
    if not needs_first_admin(services):
        raise ValidationFailed(FieldProblem("username", "This database already has accounts; log in instead."))
    return _create(services, SYSTEM, username, display_name, password, Role.ADMINISTRATOR, None, True)


def create_user(services: Services, actor: Actor, *, username: str, display_name: str, password: str,
                role: Role, team_id: int | None, trained: bool) -> UserInfo:
    return _create(services, actor, username, display_name, password, role, team_id, trained)


def _create(services: Services, actor: Actor, username: str, display_name: str, password: str,
            role: Role, team_id: int | None, trained: bool) -> UserInfo:
    with unit_of_work(services, actor) as uow:
        if actor is not SYSTEM:
            uow.authorise(Permission.MANAGE_USERS)
        problems = _validate_new_user(uow.session, username, display_name, password)
        name = normalise_username(username)
        if name and uow.session.scalar(select(User.id).where(func.lower(User.username) == name)):
            problems.append(FieldProblem("username", f"The username {name} is taken; choose another."))
        if problems:
            raise ValidationFailed(problems)
        user = uow.stamp_created(User(
            username=name, display_name=display_name.strip(), role=role.value, team_id=team_id,
            trained=trained, active=True, password_hash=passwords.hash_password(password), failed_logins=0,
        ))
        uow.session.add(user)
        uow.session.flush()
        uow.audit("user.create", entity="user", entity_id=user.id,
                  details={"username": name, "role": role.value, "trained": trained, "team_id": team_id})
        uow.session.refresh(user)
        return _info(user)


# --- signing in ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _NewSecret:
    secret: str
    code: str


def _typed_name(text: str) -> dict[str, object]:
    """What the audit trail may keep of the username box: never free text."""
    name = normalise_username(text)
    return {"username": name} if name is not None else {"username": NOT_A_USERNAME, "length": len(text)}


def _count_failure(uow: UnitOfWork, user: User, now: datetime, why: str) -> None:
    user.failed_logins += 1
    if user.failed_logins >= MAX_FAILED_LOGINS:
        user.locked_until = now + LOCKOUT
        user.failed_logins = 0
        uow.audit("account.lock", entity="user", entity_id=user.id)
    uow.audit("login", entity="user", entity_id=user.id, outcome="failed", details={"why": why})


def _second_factor(uow: UnitOfWork, user: User, now: datetime, code: str | None,
                   recovery: bool) -> tuple[ServiceError | None, str | None]:
    """After a right password: the code, if the account has one or must have one."""
    if user.totp_secret is None:
        return None, None
    if not code or not code.strip():
        uow.audit("login", entity="user", entity_id=user.id, outcome="incomplete",
                  details={"why": "code needed"})
        return SecondFactorRequired(CODE_NEEDED), None
    if recovery or not second_factor.is_totp_code(code):
        if second_factor.use_recovery_code(user, code):
            uow.audit("second_factor.recovery_used", entity="user", entity_id=user.id,
                      details={"left": second_factor.recovery_codes_left(user)})
            return None, "recovery code"
        _count_failure(uow, user, now, "recovery code")
        return WrongSecondFactor(CODE_WRONG), None
    step = second_factor.accept_code(user.totp_secret, user.totp_last_step, code, now)
    if step is None:
        _count_failure(uow, user, now, "code")
        return WrongSecondFactor(CODE_WRONG), None
    user.totp_last_step = step
    return None, "code"


def _sign_in(services: Services, username: str, password: str, *, code: str | None = None,
             recovery: bool = False, new_secret: _NewSecret | None = None,
             password_only: bool = False) -> tuple[Actor, list[str]]:
    now = services.clock.now()
    name = normalise_username(username)
    codes: list[str] = []
    failure: ServiceError | None = None
    with unit_of_work(services, SYSTEM) as uow:
        # Not a username: nothing is looked up, but the same work is done.
        user = uow.session.scalar(select(User).where(func.lower(User.username) == name)) if name else None
        why = ("unknown user" if user is None else "inactive" if not user.active
               else "locked" if user.locked_until and user.locked_until > now else None)
        directory = directory_sign_in.configuration(uow.session) if name else None
        checked_locally, how_checked = False, "local password"
        if directory is not None and why in (None, "unknown user") and (
                user is None or user.auth_source == "directory"):
            answer = directory_sign_in.sign_in(uow, directory, name or "", password, user)
            user, password_ok, failure = answer.user, answer.password_ok, answer.failure
            how_checked, checked_locally = answer.how, answer.local_password_checked
            if user is not None and why == "unknown user" and password_ok:
                why = None  # made from the directory just now
        elif user is not None and why is None:
            password_ok = passwords.verify_password(user.password_hash, password)
            checked_locally = True
        else:
            password_ok = passwords.verify_against_nobody(password)
        if failure is not None:
            pass  # the directory said why, and audited it
        elif why is not None or user is None:  # (why is set whenever user is None)
            uow.audit("login", entity="user" if user else None, entity_id=user.id if user else None,
                      outcome="refused" if why == "locked" else "failed",
                      details={"why": why, **(_typed_name(username) if user is None else {})})
            failure = AuthenticationFailed(SIGN_IN_FAILED)
        elif not password_ok:
            _count_failure(uow, user, now, "password")
            failure = AuthenticationFailed(SIGN_IN_FAILED)
        else:
            how = None
            if not password_only:
                failure, how = _second_factor(uow, user, now, code, recovery)
                if failure is None and how is None and new_secret is None \
                        and second_factor.required_for(uow.session, user):
                    uow.audit("login", entity="user", entity_id=user.id, outcome="incomplete",
                              details={"why": "enrolment needed"})
                    failure = SecondFactorEnrolmentRequired(ENROLMENT_NEEDED)
            if failure is None and new_secret is not None:
                step = second_factor.accept_code(new_secret.secret, None, new_secret.code, now)
                if step is None:
                    failure = ValidationFailed(FieldProblem(
                        "code", "That code does not match the new secret. Check the app shows "
                                "RSO Manager and your username, and enter the code it shows now."))
                else:
                    replaced = user.totp_secret is not None
                    codes = second_factor.enrol(user, new_secret.secret, step, now)
                    uow.audit("second_factor.enrol", entity="user", entity_id=user.id,
                              details={"replaced": replaced, "recovery_codes": len(codes)})
                    how = "new code"
            if failure is None:
                user.failed_logins, user.locked_until, user.last_login_at = 0, None, now
                if checked_locally and passwords.needs_rehash(user.password_hash):
                    user.password_hash = passwords.hash_password(password)
                actor = actor_for(user)
                uow.actor = actor
                uow.audit("login", entity="user", entity_id=user.id,
                          details={"second_factor": how, **({"unlock": True} if password_only else {}),
                                   **({"password": how_checked} if directory is not None else {})})
    if failure is not None:
        raise failure
    return actor, codes


def login(services: Services, username: str, password: str, code: str | None = None) -> Actor:
    """Check a password, then the one-time code (or a recovery code) if the account has one.

    Raises AuthenticationFailed (the same words whatever was wrong), SecondFactorRequired when
    the password was right and a code is needed, WrongSecondFactor, or
    SecondFactorEnrolmentRequired when the account must set a code up first (confirm_enrolment).
    Failed passwords and codes count towards the lockout: the 6th attempt inside it is refused
    even with the right password.
    """
    return _sign_in(services, username, password, code=code)[0]


def use_recovery_code(services: Services, username: str, password: str, recovery_code: str) -> Actor:
    """Sign in with a recovery code in place of the one-time code; the code is struck out."""
    return _sign_in(services, username, password, code=recovery_code, recovery=True)[0]


def confirm_enrolment(services: Services, username: str, password: str, secret: str, code: str, *,
                      current_code: str | None = None) -> EnrolmentResult:
    """Store SECRET (from second_factor.start_enrolment) once CODE shows the person's app holds
    it, and sign in. An account that already has a code must give a CURRENT_CODE from it (or a
    recovery code) too, so a password alone can never move the second factor to another phone."""
    actor, codes = _sign_in(services, username, password, code=current_code,
                            new_secret=_NewSecret(secret, code))
    return EnrolmentResult(actor, tuple(codes))


def reauthenticate(services: Services, actor: Actor, password: str) -> Actor:
    """The password again for an open session (unlocking the screen): one verification, the same
    lockout, audited; no code, as the session was opened with one."""
    return _sign_in(services, actor.username, password, password_only=True)[0]


# --- accounts and teams --------------------------------------------------------------------------


def list_users(services: Services, actor: Actor) -> list[UserInfo]:
    """Colleagues, for the pickers (offender manager, officers on a visit) and the accounts page;
    asked by an account as it stands now."""
    with unit_of_work(services, actor) as uow:
        return [_info(u) for u in uow.session.scalars(select(User).order_by(User.display_name))]


def list_teams(services: Services) -> list[TeamInfo]:
    with services.session_factory() as s:
        return [TeamInfo(t.id, t.name) for t in s.scalars(select(Team).where(Team.active).order_by(Team.name))]


def create_team(services: Services, actor: Actor, name: str) -> TeamInfo:
    if not name.strip():
        raise ValidationFailed(FieldProblem("name", "Enter the team's name."))
    with unit_of_work(services, actor) as uow:
        uow.authorise(Permission.MANAGE_USERS)
        team = uow.stamp_created(Team(name=name.strip(), active=True))
        uow.session.add(team)
        uow.session.flush()
        uow.audit("team.create", entity="team", entity_id=team.id, details={"name": name})
        return TeamInfo(team.id, team.name)


def change_user(services: Services, actor: Actor, user_id: int, version_id: int, *, reason: str,
                role: Role | None = None, team_id: int | None = None, trained: bool | None = None,
                active: bool | None = None, unlock: bool = False,
                reset_second_factor: bool = False) -> UserInfo:
    """RESET_SECOND_FACTOR: clear the account's sign-in code (a lost phone); the person sets up a
    new one at their next sign-in."""
    problem = reason_problem("reason", reason, "Say why this account is changing.")
    if problem:
        raise ValidationFailed(problem)
    with unit_of_work(services, actor) as uow:
        uow.authorise(Permission.MANAGE_USERS)
        user = uow.load(User, user_id, version_id, permission=None)
        if user.id == uow.actor.user_id and (
                (role is not None and role.value != user.role) or active is False
                or (trained is False and user.trained) or reset_second_factor):
            # Otherwise an administrator could make themselves OMU lead and read every case.
            raise PermissionDenied("You cannot change your own role, close your own account, remove "
                                   "your own training mark or reset your own sign-in code. Ask another "
                                   "administrator.")
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
        if reset_second_factor:
            uow.audit("second_factor.reset", entity="user", entity_id=user.id, reason=reason,
                      details={"was_enrolled": user.totp_secret is not None})
            second_factor.clear(user)
        uow.stamp_updated(user)
        after = {"role": user.role, "team_id": user.team_id, "trained": user.trained, "active": user.active}
        uow.audit("user.change", entity="user", entity_id=user.id, reason=reason,
                  details={"before": before, "after": after, "unlocked": unlock})
    return _info(user)
