"""A person convicted through the watch may already be on the register (an earlier conviction,
a case from another force): before the conviction makes a new case, the records with the same
PNC ID, or the same name and date of birth, are shown so the user chooses to add the conviction
to one of them or to make a new case. Nothing is merged without that choice."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from rso_manager.domain import court_watch as cw
from rso_manager.domain.search_terms import normalise_pnc
from rso_manager.persistence import models as m
from rso_manager.services.court_watch.views import find_person
from rso_manager.services.court_watch.watch import READ_ACTION
from rso_manager.services.unit_of_work import Actor, Services, unit_of_work

MAX_SHOWN = 10


@dataclass(frozen=True)
class ExistingCase:
    """A record that may be the person convicted. As in a search of the force, only what tells
    the user whether it is them: the reference, the name and who manages it."""

    offender_id: int
    reference: str
    name: str
    offender_manager: str | None
    why: str  # "same PNC ID", "same name and date of birth"

    @property
    def text(self) -> str:
        managed = f", managed by {self.offender_manager}" if self.offender_manager else ""
        return f"{self.reference} {self.name} ({self.why}{managed})"


def possible_cases(s: Session, cp: m.ChargedPerson) -> tuple[ExistingCase, ...]:
    """The records CP may already be: the same PNC ID first, then the same name and date of birth."""
    Off, manager = m.Offender, m.User.__table__.alias("manager")
    found: dict[int, tuple[m.Offender, str | None, list[str]]] = {}
    pnc = normalise_pnc(cp.pnc_id or "")
    if pnc:
        # PNC IDs are kept as entered ("1998/0123456A" or "98/123456a"): the serial's end narrows in SQL.
        tail = pnc[-5:].upper()
        for o, om in s.execute(select(Off, manager.c.display_name)
                               .outerjoin(manager, manager.c.id == Off.offender_manager_id)
                               .where(func.upper(Off.pnc_id).like(f"%{tail}%"))):
            if normalise_pnc(o.pnc_id or "") == pnc:
                found.setdefault(o.id, (o, om, []))[2].append("same PNC ID")
    wanted = cw.comparable_name(cp.surname, cp.forenames)
    for o, om in s.execute(select(Off, manager.c.display_name)
                           .outerjoin(manager, manager.c.id == Off.offender_manager_id)
                           .where(Off.date_of_birth == cp.date_of_birth)):
        if cw.comparable_name(o.surname, o.forenames) == wanted:
            found.setdefault(o.id, (o, om, []))[2].append("same name and date of birth")
    ranked = sorted(found.values(), key=lambda x: ("same PNC ID" not in x[2], x[0].reference))
    return tuple(ExistingCase(o.id, o.reference, f"{o.surname.upper()}, {o.forenames}", om, " and ".join(why))
                 for o, om, why in ranked[:MAX_SHOWN])


def existing_cases(services: Services, actor: Actor, charged_person_id: int) -> tuple[ExistingCase, ...]:
    """The records the watched person may already be, for the outcome form to offer before a
    conviction is recorded. Audited: the user saw which records match."""
    with unit_of_work(services, actor) as uow:
        cp = find_person(uow, charged_person_id)
        cases = possible_cases(uow.session, cp)
        uow.audit(READ_ACTION, entity="charged_person", entity_id=cp.id,
                  details={"existing_cases": [c.reference for c in cases]})
        return cases

