"""The whole person as the record shows it: every photograph, description, mark, vehicle,
occupation and online identifier, newest first, those entered in error last (struck through on
screen); and the newest photograph itself, for the record's header."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, undefer

from rso_manager.persistence import models as m
from rso_manager.services import access
from rso_manager.services.unit_of_work import Actor, Services


@dataclass(frozen=True)
class PhotographView:
    id: int
    version_id: int
    taken_on: date
    media_type: str
    description: str | None
    voided: bool


@dataclass(frozen=True)
class DescriptionView:
    id: int
    version_id: int
    described_on: date
    height_cm: int | None
    build: str | None
    hair: str | None
    eyes: str | None
    notes: str | None
    voided: bool


@dataclass(frozen=True)
class MarkView:
    id: int
    version_id: int
    kind: str
    body_location: str
    description: str
    voided: bool


@dataclass(frozen=True)
class VehicleView:
    id: int
    version_id: int
    registration: str
    make: str | None
    model: str | None
    colour: str | None
    from_date: date | None
    to_date: date | None
    notified: bool
    voided: bool


@dataclass(frozen=True)
class OccupationView:
    id: int
    version_id: int
    kind: str
    organisation: str
    role: str | None
    address: str | None
    from_date: date | None
    to_date: date | None
    notified: bool
    voided: bool


@dataclass(frozen=True)
class IdentifierView:
    id: int
    version_id: int
    platform: str
    identifier: str
    source: str
    from_date: date | None
    to_date: date | None
    voided: bool


@dataclass(frozen=True)
class PersonView:
    photographs: tuple[PhotographView, ...]
    descriptions: tuple[DescriptionView, ...]
    marks: tuple[MarkView, ...]
    vehicles: tuple[VehicleView, ...]
    occupations: tuple[OccupationView, ...]
    identifiers: tuple[IdentifierView, ...]

    def count(self) -> int:
        """Entries not entered in error, for the part's title."""
        return sum(1 for part in (self.photographs, self.descriptions, self.marks, self.vehicles,
                                  self.occupations, self.identifiers) for e in part if not e.voided)


@dataclass(frozen=True)
class PhotographImage:
    id: int
    taken_on: date
    media_type: str
    description: str | None
    image: bytes


def _rows(s: Session, model: Any, offender_id: int, *newest: Any) -> list[Any]:
    return list(s.scalars(select(model).where(model.offender_id == offender_id)
                          .order_by(model.voided_at.is_not(None), *(c.desc() for c in newest), model.id.desc())))


def _view(cls: type, row: Any) -> Any:
    names = [f.name for f in fields(cls) if f.name != "voided"]
    return cls(**{name: getattr(row, name) for name in names}, voided=row.voided_at is not None)


def person_for(services: Services, actor: Actor, offender_id: int) -> PersonView:
    with access.reading(services, actor, offender_id) as s:
        return PersonView(
            tuple(_view(PhotographView, r) for r in _rows(s, m.Photograph, offender_id, m.Photograph.taken_on)),
            tuple(_view(DescriptionView, r) for r in _rows(s, m.PhysicalDescription, offender_id,
                                                           m.PhysicalDescription.described_on)),
            tuple(_view(MarkView, r) for r in _rows(s, m.DistinguishingMark, offender_id)),
            tuple(_view(VehicleView, r) for r in _rows(s, m.Vehicle, offender_id, m.Vehicle.from_date)),
            tuple(_view(OccupationView, r) for r in _rows(s, m.Occupation, offender_id, m.Occupation.from_date)),
            tuple(_view(IdentifierView, r) for r in _rows(s, m.OnlineIdentifier, offender_id,
                                                          m.OnlineIdentifier.from_date)),
        )


def newest_photograph(services: Services, actor: Actor, offender_id: int) -> PhotographImage | None:
    """The photograph taken most recently (not one entered in error), with its image."""
    with access.reading(services, actor, offender_id) as s:
        p = s.scalar(select(m.Photograph).options(undefer(m.Photograph.image))
                     .where(m.Photograph.offender_id == offender_id, m.Photograph.voided_at.is_(None))
                     .order_by(m.Photograph.taken_on.desc(), m.Photograph.id.desc()).limit(1))
        return None if p is None else PhotographImage(p.id, p.taken_on, p.media_type, p.description, bytes(p.image))
