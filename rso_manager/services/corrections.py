"""Correcting a recorded entry in place, and reinstating one marked as entered in error.

What may be corrected in place is domain/correction_policy.py's to say: free text no rule reads.
A correction runs no rule again (no sign-off, no breach, no window): it keeps the entry's old
values as a revision with the reason (uow.correct) and changes only what was asked.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import String

from rso_manager.domain import correction_policy
from rso_manager.domain.entry_fields import field_label
from rso_manager.persistence import models as m
from rso_manager.services import case_events, case_summary
from rso_manager.services.access import reading
from rso_manager.services.entity_names import entity_name
from rso_manager.services.errors import FieldProblem, NotFound, ValidationFailed, reason_problem
from rso_manager.services.unit_of_work import Actor, Services, unit_of_work


@dataclass(frozen=True)
class CorrectableField:
    name: str
    label: str
    value: str
    multiline: bool
    required: bool  # the entry cannot be left without it
    max_length: int | None


@dataclass(frozen=True)
class CorrectionForm:
    """An entry as the correction dialog starts from it: what may be corrected, with its values
    now, and what may not (label, what changing it would re-evaluate)."""

    entity: str
    entry_id: int
    version_id: int
    voided: bool
    fields: tuple[CorrectableField, ...]
    not_in_place: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Corrected:
    entity: str
    entry_id: int
    version_id: int
    changed: tuple[str, ...]


def _model(entity: str, verb: str) -> type[m.CaseEntry]:
    model = case_events.CASE_ENTRIES.get(entity)
    if model is None:
        raise NotFound(f"Entries of kind {entity} cannot be {verb}.")
    return model


def _policy(entity: str) -> correction_policy.EntryPolicy:
    policy = correction_policy.policy_for(entity)
    if policy is None:
        raise NotFound(f"An entry of this kind ({entity_name(_model(entity, 'corrected'))}) is not corrected in "
                       "place: mark it as entered in error and record it again.")
    return policy


def _column(model: type[m.CaseEntry], name: str) -> Any:
    return model.__table__.columns[name]  # type: ignore[attr-defined]


def _max_length(model: type[m.CaseEntry], name: str) -> int | None:
    kind = _column(model, name).type
    return kind.length if isinstance(kind, String) else None


def correction_form(services: Services, actor: Actor, entity: str, entry_id: int) -> CorrectionForm:
    """The entry's correctable fields as they stand, read under the user's opening of its record."""
    model = _model(entity, "corrected")
    policy = _policy(entity)
    with services.session_factory() as s:  # which record the entry is on, to read it under its opening
        row = s.get(model, entry_id)
        offender_id = row.offender_id if row is not None else None
    if offender_id is None:
        raise NotFound(f"That {entity_name(model)} no longer exists.")
    with reading(services, actor, offender_id) as session:
        row = session.get(model, entry_id)
        if row is None:
            raise NotFound(f"That {entity_name(model)} no longer exists.")
        fields = tuple(CorrectableField(
            f.name, field_label(f.name), getattr(row, f.name) or "", f.multiline,
            required=not _column(model, f.name).nullable, max_length=_max_length(model, f.name))
            for f in policy.in_place)
        return CorrectionForm(entity, entry_id, row.version_id, row.voided_at is not None, fields,
                              tuple((field_label(name), sentence) for name, sentence in policy.re_evaluates.items()))


def _problems(entity: str, model: type[m.CaseEntry], policy: correction_policy.EntryPolicy,
              changes: Mapping[str, Any]) -> tuple[dict[str, str | None], list[FieldProblem]]:
    values: dict[str, str | None] = {}
    problems: list[FieldProblem] = []
    for name, value in changes.items():
        if not policy.correctable(name):
            problems.append(FieldProblem(name, correction_policy.refusal(entity, name)))
            continue
        text = value.strip() if isinstance(value, str) else ("" if value is None else str(value))
        label = field_label(name)
        limit = _max_length(model, name)
        if not text and not _column(model, name).nullable:
            problems.append(FieldProblem(name, f"Enter the {label.lower()}: the entry cannot be left without it."))
        elif limit is not None and len(text) > limit:
            problems.append(FieldProblem(name, f"{label} can be at most {limit} characters; it is {len(text)}."))
        values[name] = text or None
    return values, problems


def correct_entry(services: Services, actor: Actor, entity: str, entry_id: int, version_id: int,
                  changes: Mapping[str, Any], reason: str) -> Corrected:
    """Put right CHANGES (field -> new value) of an entry as the user read it (VERSION_ID), with
    REASON. Only the fields the policy allows in place; a field a rule reads is refused with
    what changing it would re-evaluate and the way to do it (entered in error, recorded again)."""
    model = _model(entity, "corrected")
    policy = _policy(entity)
    if not changes:
        first = policy.in_place[0].name
        raise ValidationFailed(FieldProblem(first, "Nothing has changed; edit a field before saving."))
    values, problems = _problems(entity, model, policy, changes)
    problems += filter(None, [reason_problem("reason", reason, "Say why the entry is being corrected.")])
    if problems:
        raise ValidationFailed(problems)
    with unit_of_work(services, actor) as uow:
        row = uow.load(model, entry_id, version_id)
        changed = uow.correct(row, values, entity=entity, offender_id=row.offender_id, reason=reason,
                              field=next(iter(values)))
        return Corrected(entity, entry_id, row.version_id, tuple(changed))


def reinstate_entry(services: Services, actor: Actor, entity: str, entry_id: int, version_id: int,
                    reason: str) -> Corrected:
    """Reverse "entered in error" with REASON: the entry counts again, and the history keeps
    both the void (its revision and audit) and this reversal."""
    model = _model(entity, "reinstated")
    problem = reason_problem("reason", reason, "Say why the entry was not in error after all.")
    if problem:
        raise ValidationFailed(problem)
    with unit_of_work(services, actor) as uow:
        row = uow.session.get(model, entry_id)
        if row is not None and row.voided_at is None:
            raise ValidationFailed(FieldProblem("reason", "This entry is not marked as entered in error, so "
                                                          "there is nothing to reinstate."))
        row = uow.load(model, entry_id, version_id, voided_ok=True)
        voided, void_reason = row.voided_at, row.void_reason
        uow.keep_revision(row, entity=entity, offender_id=row.offender_id, reason=reason.strip())
        row.voided_at, row.voided_by_id, row.void_reason = None, None, None
        uow.stamp_updated(row)
        uow.session.flush()
        uow.audit("entry.reinstate", entity=entity, entity_id=entry_id, offender_id=row.offender_id,
                  reason=reason.strip(), details={"voided_at": voided, "void_reason": void_reason})
        # A reinstated visit, assessment or hand-over counts again: the next visit due follows.
        case_summary.refresh(uow.session, row.offender_id, services.clock.today())
        return Corrected(entity, entry_id, row.version_id, ("voided_at", "voided_by_id", "void_reason"))
