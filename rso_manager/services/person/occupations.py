"""Employment, education and volunteering: where the person is during the day, and with whom
(an employer or college may need to know under a disclosure)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from rso_manager.domain.person_labels import OCCUPATION_KINDS
from rso_manager.persistence import models as m
from rso_manager.services.errors import FieldProblem
from rso_manager.services.person.entries import (
    Saved,
    add_entry,
    clean,
    correct_entry,
    period_problems,
    reason_for,
    refuse,
    required,
)
from rso_manager.services.unit_of_work import Actor, Services


@dataclass(frozen=True)
class OccupationInput:
    kind: str = "employment"
    organisation: str = ""
    role: str | None = None
    address: str | None = None
    from_date: date | None = None
    to_date: date | None = None
    notified: bool = False


def _values(o: OccupationInput, today: date, *also: FieldProblem | None) -> dict[str, Any]:
    refuse([None if o.kind in OCCUPATION_KINDS else FieldProblem("kind", "Choose employment, education or volunteering."),
            required("organisation", o.organisation, "Enter the employer, school, college or organisation."),
            *period_problems(o.from_date, o.to_date, today, "employment or course"), *also])
    return {"kind": o.kind, "organisation": clean(o.organisation), "role": clean(o.role),
            "address": clean(o.address), "from_date": o.from_date, "to_date": o.to_date, "notified": o.notified}


def add_occupation(services: Services, actor: Actor, offender_id: int, o: OccupationInput) -> Saved:
    values = _values(o, services.clock.today())
    return add_entry(services, actor, offender_id, m.Occupation(**values), entity="occupation",
                     details={"kind": o.kind, "organisation": values["organisation"]})


def correct_occupation(services: Services, actor: Actor, occupation_id: int, version_id: int,
                       o: OccupationInput, reason: str) -> Saved:
    values = _values(o, services.clock.today(), reason_for(reason, "employment or education entry"))
    return correct_entry(services, actor, m.Occupation, occupation_id, version_id, values,
                         reason=reason, field="organisation")
