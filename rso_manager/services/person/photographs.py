"""Photographs of the person, imported from a file, each with the day it was taken. Several are
kept; the newest is the one shown in the record's header. A file that is not a JPEG or PNG
image, or is larger than the force allows (setting photograph_max_bytes), is refused."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date

from rso_manager.domain.photograph_files import image_media_type, image_problem
from rso_manager.persistence import models as m
from rso_manager.services.errors import FieldProblem, ValidationFailed, past_date_problem
from rso_manager.services.person.entries import (
    Saved,
    add_entry,
    clean,
    correct_entry,
    reason_for,
    refuse,
    setting,
)
from rso_manager.services.unit_of_work import Actor, Services, UnitOfWork


@dataclass(frozen=True)
class PhotographInput:
    image: bytes = b""
    taken_on: date | None = None
    description: str | None = None


def _taken_problem(taken_on: date | None, today: date) -> FieldProblem | None:
    return past_date_problem("taken_on", taken_on, today, missing="Enter the date the photograph was taken.",
                             future="The date taken is in the future; check it.")


def add_photograph(services: Services, actor: Actor, offender_id: int, photo: PhotographInput) -> Saved:
    refuse([_taken_problem(photo.taken_on, services.clock.today())])
    data = bytes(photo.image or b"")

    def check(uow: UnitOfWork) -> None:
        problem = image_problem(data, int(setting(uow, "photograph_max_bytes")))
        if problem:
            raise ValidationFailed(FieldProblem("image", problem))

    digest = hashlib.sha256(data).hexdigest()
    media_type = image_media_type(data) or ""
    return add_entry(services, actor, offender_id, m.Photograph(
        taken_on=photo.taken_on, media_type=media_type, image=data, sha256=digest,
        description=clean(photo.description)), entity="photograph",
        details={"taken_on": photo.taken_on, "media_type": media_type, "bytes": len(data), "sha256": digest},
        check=check)


def correct_photograph(services: Services, actor: Actor, photograph_id: int, version_id: int, *,
                       taken_on: date | None, description: str | None, reason: str) -> Saved:
    """The date taken and the description; a different picture is a new photograph (and the
    wrong one is marked as entered in error)."""
    refuse([_taken_problem(taken_on, services.clock.today()), reason_for(reason, "photograph")])
    return correct_entry(services, actor, m.Photograph, photograph_id, version_id,
                         {"taken_on": taken_on, "description": clean(description)},
                         reason=reason, field="taken_on")
