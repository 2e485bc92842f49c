"""How every entry about the person is added and corrected: one unit of work, the case's write
permission, an audit row; a correction keeps the old values in the record's history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from rso_manager.domain.roles import Permission
from rso_manager.services import settings
from rso_manager.services.errors import FieldProblem, ValidationFailed, reason_problem
from rso_manager.services.unit_of_work import (
    Actor,
    Services,
    UnitOfWork,
    find_offender,
    unit_of_work,
)


@dataclass(frozen=True)
class Saved:
    """What a save gives back: the entry, its version now, and anything the user should know
    (a registration that fits no UK format)."""

    entry_id: int
    version_id: int
    warning: str | None = None


def clean(text: str | None) -> str | None:
    return (text or "").strip() or None


def required(field: str, text: str | None, message: str) -> FieldProblem | None:
    return None if clean(text) else FieldProblem(field, message)


def period_problems(from_date: date | None, to_date: date | None, today: date, what: str) -> list[FieldProblem]:
    """A from-to period: it has begun (a start in the future is recorded when it comes), and it
    ends after it starts."""
    problems = []
    if from_date is not None and from_date > today:
        problems.append(FieldProblem("from_date", f"The start date is in the future; record the {what} "
                                                  "when it begins."))
    if to_date is not None and from_date is not None and to_date < from_date:
        problems.append(FieldProblem("to_date", "The end date is before the start date; check both."))
    return problems


def refuse(problems: list[FieldProblem | None]) -> None:
    """Raise one ValidationFailed naming every field that is wrong (None: no problem)."""
    found = [p for p in problems if p is not None]
    if found:
        raise ValidationFailed(found)


def add_entry(services: Services, actor: Actor, offender_id: int, row: Any, *, entity: str,
              details: dict[str, Any], check: Any = None, warning: str | None = None) -> Saved:
    """Save ROW as a new entry on the case. CHECK(uow) runs first inside the transaction (a
    rule that reads a setting)."""
    with unit_of_work(services, actor) as uow:
        uow.authorise(Permission.WRITE_CASES, offender_id=offender_id)
        find_offender(uow.session, offender_id)
        if check is not None:
            check(uow)
        row.offender_id = offender_id
        uow.session.add(uow.stamp_created(row))
        uow.session.flush()
        uow.audit("entry.create", entity=entity, entity_id=row.id, offender_id=offender_id, details=details)
        return Saved(row.id, row.version_id, warning)


def correct_entry(services: Services, actor: Actor, model: Any, entry_id: int, version_id: int,
                  values: dict[str, Any], *, reason: str, field: str, warning: str | None = None) -> Saved:
    """Put an entry right in place: none of these entries starts a statutory clock, so nothing
    is re-evaluated. The old values stay in the record's history with REASON."""
    with unit_of_work(services, actor) as uow:
        row = uow.load(model, entry_id, version_id)
        uow.correct(row, values, entity=model.__tablename__, offender_id=row.offender_id,
                    reason=reason, field=field)
        return Saved(row.id, row.version_id, warning)


def reason_for(reason: str, what: str) -> FieldProblem | None:
    return reason_problem("reason", reason, f"Say why the {what} is being corrected.")


def setting(uow: UnitOfWork, key: str) -> Any:
    return settings.get(uow.session, key)
