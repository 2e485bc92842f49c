"""The second factor: time-based one-time codes (RFC 6238, pyotp) and single-use recovery codes.

Administrator and OMU lead accounts always sign in with a code; an administrator's setting can
require it of every account. The secret is kept only in the (encrypted) database; recovery
codes only as Argon2 hashes, each struck out once used. Neither the secret nor any code is ever
written to the audit trail or a log.

Signing in with a code, and confirming an enrolment (which signs in), are in users.py, beside
the password check they share; this module holds the codes themselves and the administrator's
controls.
"""

from __future__ import annotations

import hmac
import json
import secrets
from dataclasses import dataclass
from datetime import datetime

import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.orm import Session

from rso_manager.domain.roles import Permission, Role
from rso_manager.persistence.models import User
from rso_manager.services import settings
from rso_manager.services.errors import (
    NotFound,
    PermissionDenied,
    ValidationFailed,
    reason_problem,
)
from rso_manager.services.setting_changes import change_settings
from rso_manager.services.unit_of_work import Actor, Services, unit_of_work

ISSUER = "RSO Manager"
STEP_SECONDS = 30           # RFC 6238's default; every authenticator app assumes it
DRIFT_STEPS = 1             # a code from the step before or after is accepted (clock drift)
RECOVERY_CODES = 10
ALWAYS_REQUIRED = frozenset({Role.ADMINISTRATOR, Role.OMU_LEAD})
EVERYONE_SETTING = "second_factor_for_everyone"
# Unambiguous when read aloud or written down: no 0/O, 1/I/L.
_RECOVERY_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
_RECOVERY_LENGTH = 10       # ~49 bits each
# Recovery codes are random, not chosen by a person, so a light Argon2 is ample (49 bits cannot
# be searched even at one hash a microsecond), and checking all ten stays well under a second.
_recovery_hasher = PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1)


@dataclass(frozen=True)
class Enrolment:
    """A new secret, not yet stored: shown as a QR code and as text, confirmed with one code."""

    username: str
    secret: str
    uri: str

    @property
    def grouped_secret(self) -> str:
        """The secret in groups of four, as people type it into an authenticator app."""
        return " ".join(self.secret[i:i + 4] for i in range(0, len(self.secret), 4))


@dataclass(frozen=True)
class SecondFactorStatus:
    enrolled: bool
    enrolled_at: datetime | None
    recovery_codes_left: int
    required: bool


def start_enrolment(username: str) -> Enrolment:
    """A fresh secret for USERNAME's authenticator app. Nothing is stored until
    users.confirm_enrolment() is given a code the app made from it."""
    secret = pyotp.random_base32()  # 160 bits, RFC 4226's recommended length
    uri = pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name=ISSUER)
    return Enrolment(username, secret, uri)


def current_code(secret: str, now: datetime) -> str:
    """The code an authenticator app shows at NOW (demo hints and tests)."""
    return pyotp.TOTP(secret).generate_otp(_step(now))


def _step(now: datetime) -> int:
    return int(now.timestamp()) // STEP_SECONDS


def required_for_everyone(session: Session) -> bool:
    return bool(settings.get(session, EVERYONE_SETTING))


def required_for(session: Session, user: User) -> bool:
    return Role(user.role) in ALWAYS_REQUIRED or required_for_everyone(session)


def is_totp_code(code: str) -> bool:
    """Six digits (spaces ignored): a one-time code; anything else is read as a recovery code."""
    digits = "".join(code.split())
    return len(digits) == 6 and digits.isdigit()


def accept_code(secret: str, last_step: int | None, code: str, now: datetime) -> int | None:
    """The time step CODE belongs to, if it is right within the drift allowed and newer than the
    last accepted one (so a code seen over a shoulder cannot be replayed); else None."""
    code = "".join(code.split())
    totp = pyotp.TOTP(secret)
    now_step = _step(now)
    for step in range(now_step - DRIFT_STEPS, now_step + DRIFT_STEPS + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step if last_step is None or step > last_step else None
    return None


def new_recovery_codes() -> tuple[list[str], str]:
    """Ten codes to show once, and the JSON of their hashes to store."""
    codes = []
    for _ in range(RECOVERY_CODES):
        raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(_RECOVERY_LENGTH))
        codes.append(f"{raw[:5]}-{raw[5:]}")
    hashes = [_recovery_hasher.hash(_normalise_recovery(c)) for c in codes]
    return codes, json.dumps(hashes)


def _normalise_recovery(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


def use_recovery_code(user: User, code: str) -> bool:
    """Strike CODE out of USER's recovery codes if it is one of them."""
    hashes: list[str | None] = json.loads(user.recovery_codes_json or "[]")
    wanted = _normalise_recovery(code)
    for i, stored in enumerate(hashes):
        if stored is None:
            continue
        try:
            _recovery_hasher.verify(stored, wanted)
        except (VerificationError, InvalidHashError):
            continue
        hashes[i] = None
        user.recovery_codes_json = json.dumps(hashes)
        return True
    return False


def recovery_codes_left(user: User) -> int:
    return sum(1 for h in json.loads(user.recovery_codes_json or "[]") if h is not None)


def enrol(user: User, secret: str, step: int, now: datetime) -> list[str]:
    """Store SECRET (already confirmed at STEP) on USER with fresh recovery codes; returns them."""
    codes, hashes = new_recovery_codes()
    user.totp_secret, user.totp_enrolled_at, user.totp_last_step = secret, now, step
    user.recovery_codes_json = hashes
    return codes


def clear(user: User) -> None:
    user.totp_secret = user.totp_enrolled_at = user.totp_last_step = user.recovery_codes_json = None


def status(services: Services, actor: Actor) -> SecondFactorStatus:
    """The signed-in user's own second factor, for the menu's "Set up sign-in code"."""
    with unit_of_work(services, actor) as uow:
        user = uow.session.get(User, uow.actor.user_id)
        if user is None:
            raise NotFound("Your account is not in this database.")
        return SecondFactorStatus(user.totp_secret is not None, user.totp_enrolled_at,
                                  recovery_codes_left(user), required_for(uow.session, user))


def _need_reason(reason: str) -> str:
    problem = reason_problem("reason", reason, "Say why.")
    if problem:
        raise ValidationFailed(problem)
    return reason.strip()


def reset_second_factor(services: Services, actor: Actor, user_id: int, version_id: int, reason: str) -> None:
    """An administrator clears an account's sign-in code (a lost or replaced phone), on the
    account as they read it (VERSION_ID). The person sets up a new one at their next sign-in;
    until then their password is their only factor."""
    reason = _need_reason(reason)
    with unit_of_work(services, actor) as uow:
        uow.authorise(Permission.MANAGE_USERS)
        if user_id == uow.actor.user_id:
            raise PermissionDenied("You cannot reset your own sign-in code: ask another administrator, "
                                   "or sign in with one of your recovery codes and set up a new code.")
        user = uow.load(User, user_id, version_id, permission=None)
        had = user.totp_secret is not None
        clear(user)
        uow.stamp_updated(user)
        uow.audit("second_factor.reset", entity="user", entity_id=user.id, reason=reason,
                  details={"was_enrolled": had})


def set_required_for_everyone(services: Services, actor: Actor, required: bool, reason: str) -> None:
    """The administrator's setting: every account (not only administrators and the OMU lead)
    signs in with a one-time code. Each person enrols at their next sign-in. Saved and audited
    as every setting is (setting_changes.change_settings)."""
    change_settings(services, actor, {EVERYONE_SETTING: required}, reason)


def everyone_required(services: Services) -> bool:
    with services.session_factory() as s:
        return required_for_everyone(s)
