"""The person as described (height, build, hair, eyes) and the distinguishing marks, each with
where on the body it is."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date
from typing import Any

from rso_manager.domain.person_labels import MARK_KINDS
from rso_manager.persistence import models as m
from rso_manager.services.errors import FieldProblem, past_date_problem
from rso_manager.services.person.entries import (
    Saved,
    add_entry,
    clean,
    correct_entry,
    reason_for,
    refuse,
    required,
)
from rso_manager.services.unit_of_work import Actor, Services

MIN_HEIGHT_CM, MAX_HEIGHT_CM = 100, 250


@dataclass(frozen=True)
class DescriptionInput:
    described_on: date | None = None
    height_cm: int | None = None
    build: str | None = None
    hair: str | None = None
    eyes: str | None = None
    notes: str | None = None


@dataclass(frozen=True)
class MarkInput:
    kind: str = "scar"
    body_location: str = ""
    description: str = ""


def _description_values(d: DescriptionInput, today: date, *also: FieldProblem | None) -> dict[str, Any]:
    problems: list[FieldProblem | None] = [past_date_problem("described_on", d.described_on, today,
                                  missing="Enter the date of this description.",
                                  future="The date is in the future; describe the person as seen.")]
    if d.height_cm is not None and not MIN_HEIGHT_CM <= d.height_cm <= MAX_HEIGHT_CM:
        problems.append(FieldProblem("height_cm", f"Enter the height in centimetres, between {MIN_HEIGHT_CM} "
                                                  f"and {MAX_HEIGHT_CM} (5 ft 10 in is 178 cm)."))
    values = {f.name: clean(v) if isinstance(v := getattr(d, f.name), str) else v for f in fields(d)}
    if all(values[k] is None for k in ("height_cm", "build", "hair", "eyes", "notes")):
        problems.append(FieldProblem("height_cm", "Enter at least one of height, build, hair, eyes or notes."))
    refuse([*problems, *also])
    return values


def add_description(services: Services, actor: Actor, offender_id: int, d: DescriptionInput) -> Saved:
    """A new description; the latest one is shown as the person's description now."""
    values = _description_values(d, services.clock.today())
    return add_entry(services, actor, offender_id, m.PhysicalDescription(**values),
                     entity="physical_description", details=values)


def correct_description(services: Services, actor: Actor, description_id: int, version_id: int,
                        d: DescriptionInput, reason: str) -> Saved:
    values = _description_values(d, services.clock.today(), reason_for(reason, "description"))
    return correct_entry(services, actor, m.PhysicalDescription, description_id, version_id, values,
                         reason=reason, field="height_cm")


def _mark_values(mark: MarkInput, *also: FieldProblem | None) -> dict[str, Any]:
    refuse([
        None if mark.kind in MARK_KINDS else FieldProblem("kind", "Choose scar, tattoo, birthmark, piercing or other."),
        required("body_location", mark.body_location, "Say where on the body it is, e.g. left forearm."),
        required("description", mark.description, "Describe the mark, e.g. the tattoo's words or picture."),
        *also,
    ])
    return {"kind": mark.kind, "body_location": clean(mark.body_location), "description": clean(mark.description)}


def add_mark(services: Services, actor: Actor, offender_id: int, mark: MarkInput) -> Saved:
    values = _mark_values(mark)
    return add_entry(services, actor, offender_id, m.DistinguishingMark(**values),
                     entity="distinguishing_mark", details={"kind": mark.kind, "body_location": values["body_location"]})


def correct_mark(services: Services, actor: Actor, mark_id: int, version_id: int, mark: MarkInput,
                 reason: str) -> Saved:
    values = _mark_values(mark, reason_for(reason, "mark"))
    return correct_entry(services, actor, m.DistinguishingMark, mark_id, version_id, values,
                         reason=reason, field="description")
