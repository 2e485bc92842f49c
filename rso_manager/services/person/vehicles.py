"""Vehicles the person owns, uses or has access to (SOA 2003 notification includes vehicles
kept at the home address). A registration that fits no UK format is kept as typed, in
capitals, with a warning in the result: a foreign or trade plate is still a plate seen."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from rso_manager.domain.vehicle_registration import normalise, registration_warning
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
class VehicleInput:
    registration: str = ""
    make: str | None = None
    model: str | None = None
    colour: str | None = None
    from_date: date | None = None
    to_date: date | None = None
    notified: bool = False


def _values(v: VehicleInput, today: date, *also: FieldProblem | None) -> dict[str, Any]:
    refuse([required("registration", v.registration, "Enter the registration, e.g. AB12 CDE."),
            *period_problems(v.from_date, v.to_date, today, "vehicle"), *also])
    return {"registration": normalise(v.registration), "make": clean(v.make), "model": clean(v.model),
            "colour": clean(v.colour), "from_date": v.from_date, "to_date": v.to_date, "notified": v.notified}


def add_vehicle(services: Services, actor: Actor, offender_id: int, v: VehicleInput) -> Saved:
    values = _values(v, services.clock.today())
    return add_entry(services, actor, offender_id, m.Vehicle(**values), entity="vehicle",
                     details={"registration": values["registration"], "notified": v.notified},
                     warning=registration_warning(v.registration))


def correct_vehicle(services: Services, actor: Actor, vehicle_id: int, version_id: int, v: VehicleInput,
                    reason: str) -> Saved:
    values = _values(v, services.clock.today(), reason_for(reason, "vehicle"))
    return correct_entry(services, actor, m.Vehicle, vehicle_id, version_id, values,
                         reason=reason, field="registration", warning=registration_warning(v.registration))
