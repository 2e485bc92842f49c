"""Setting up a sign-in code in a test database, and the code an authenticator app would show:
administrator and OMU lead accounts cannot sign in without one."""

from __future__ import annotations

import pyotp

from rso_manager.services import second_factor, users
from rso_manager.services.unit_of_work import Services
from tests.conftest import PASSWORD


def code_now(secret: str, clock, steps: int = 0) -> str:
    """What the app shows at CLOCK's time (STEPS of 30 seconds later or, negative, earlier)."""
    return pyotp.TOTP(secret).at(clock.now().timestamp() + 30 * steps)


def enrol(services: Services, username: str = "lead", password: str = PASSWORD) -> tuple[str, tuple[str, ...]]:
    """Set up USERNAME's code; returns the secret and the recovery codes. The clock is moved on
    30 seconds, as the code used to confirm is spent."""
    enrolment = second_factor.start_enrolment(username)
    result = users.confirm_enrolment(services, username, password, enrolment.secret,
                                     code_now(enrolment.secret, services.clock))
    services.clock.advance(seconds=30)
    return enrolment.secret, result.recovery_codes
