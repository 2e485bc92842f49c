"""Online accounts and internet identifiers (a username, an e-mail address, a gamer tag): the
platform, the identifier, and whether the person declared it or it was found."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from rso_manager.domain.person_labels import IDENTIFIER_SOURCES
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
class IdentifierInput:
    platform: str = ""
    identifier: str = ""
    source: str = "declared"
    from_date: date | None = None
    to_date: date | None = None


def _values(i: IdentifierInput, today: date, *also: FieldProblem | None) -> dict[str, Any]:
    refuse([required("platform", i.platform, "Enter the platform or service, e.g. Facebook, e-mail, Xbox."),
            required("identifier", i.identifier, "Enter the username, handle or address as it is written."),
            None if i.source in IDENTIFIER_SOURCES else FieldProblem("source", "Choose declared or found."),
            *period_problems(i.from_date, i.to_date, today, "account"), *also])
    return {"platform": clean(i.platform), "identifier": clean(i.identifier), "source": i.source,
            "from_date": i.from_date, "to_date": i.to_date}


def add_identifier(services: Services, actor: Actor, offender_id: int, i: IdentifierInput) -> Saved:
    values = _values(i, services.clock.today())
    return add_entry(services, actor, offender_id, m.OnlineIdentifier(**values), entity="online_identifier",
                     details={"platform": values["platform"], "source": i.source})


def correct_identifier(services: Services, actor: Actor, identifier_id: int, version_id: int,
                       i: IdentifierInput, reason: str) -> Saved:
    values = _values(i, services.clock.today(), reason_for(reason, "online identifier"))
    return correct_entry(services, actor, m.OnlineIdentifier, identifier_id, version_id, values,
                         reason=reason, field="identifier")
