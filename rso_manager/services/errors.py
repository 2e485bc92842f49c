"""Errors a user can cause or meet, each with a message fit to show them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from rso_manager.domain.rationale import reason_problems


class ServiceError(Exception):
    """Base for errors the UI shows as a message, not a traceback."""


class PermissionDenied(ServiceError):
    pass


class NotFound(ServiceError):
    pass


@dataclass(frozen=True)
class FieldProblem:
    field: str
    message: str


def past_date_problem(field: str, value: date | None, today: date, *, missing: str,
                      future: str) -> FieldProblem | None:
    """A date that must be given and cannot be in the future (something that has happened)."""
    if value is None:
        return FieldProblem(field, missing)
    if value > today:
        return FieldProblem(field, future)
    return None


MIN_REASON_WORDS = 3  # a reason for a change says what happened, not "noted" or "xxxxxxxxxx"


def reason_problem(field: str, text: str | None, ask: str) -> FieldProblem | None:
    """The one rule for every reason a user is asked for (a correction, a void, a status change,
    an account change): the sign-off filler rules, with ASK saying what the reason is for."""
    problems = reason_problems(text or "", MIN_REASON_WORDS)
    if not problems:
        return None
    return FieldProblem(field, f"{ask} {' '.join(problems)}")


class ValidationFailed(ServiceError):
    """One or more fields are wrong. Each problem names the field and says how to fix it."""

    def __init__(self, problems: list[FieldProblem] | FieldProblem):
        self.problems = [problems] if isinstance(problems, FieldProblem) else list(problems)
        super().__init__("; ".join(f"{p.field}: {p.message}" for p in self.problems))

    def for_field(self, field: str) -> str | None:
        return next((p.message for p in self.problems if p.field == field), None)


class ConcurrentEditError(ServiceError):
    """Someone else saved the record after it was loaded."""

    def __init__(self, entity: str, changed_by: str | None, changed_at: datetime | None):
        self.entity, self.changed_by, self.changed_at = entity, changed_by, changed_at
        when = changed_at.strftime("%d %b %Y %H:%M UTC") if changed_at else "an unknown time"
        super().__init__(
            f"This {entity} was changed by {changed_by or 'another user'} at {when} after you "
            "opened it. Reload it to see their change, then make yours again."
        )


class EnteredInError(ServiceError):
    """The row is marked as entered in error: it stays on the record as it was, unchanged."""

    def __init__(self, entity: str):
        self.entity = entity
        super().__init__(f"This {entity} is marked as entered in error, so it cannot be changed. "
                         "Record a new one if it is needed.")


class AuthenticationFailed(ServiceError):
    pass


class SecondFactorRequired(ServiceError):
    """The password was right; this account also needs its one-time code (or a recovery code).
    Nothing is signed in yet: ask for the code and call login again with it."""


class WrongSecondFactor(AuthenticationFailed):
    """The password was right but the one-time or recovery code was not; it counts as a failed
    sign-in for the lockout."""


class SecondFactorEnrolmentRequired(ServiceError):
    """The password was right, and this account must sign in with a one-time code but has none
    set up yet: it must enrol (users.confirm_enrolment) before it can sign in."""


class AccountChanged(ServiceError):
    """The signed-in account no longer holds the powers it had at sign-in (closed, locked, role,
    team or training changed). The user must sign in again; nothing was written."""


class NeedsReason(PermissionDenied):
    """The case is outside the user's link to it: opening it takes a recorded reason."""


class DatabaseBusy(ServiceError):
    def __init__(self) -> None:
        super().__init__("The database is busy with another user's change. Wait a moment and try again.")


class StorageFull(ServiceError):
    """The database could not grow (disk full, or SQLite's page limit): nothing was saved."""

    def __init__(self, cause: str) -> None:
        self.cause = cause
        super().__init__(
            f"Nothing was saved: the disk holding the database is full ({cause}). Free some space "
            "on that disk, or ask IT to, then try again.")
