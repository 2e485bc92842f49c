"""The chief officer's list of designated police stations (s.87(1), (2A)-(2B)), where notifications
are given."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from rso_manager.domain.roles import Permission
from rso_manager.persistence import models as m
from rso_manager.services.errors import FieldProblem, ValidationFailed
from rso_manager.services.unit_of_work import Actor, Services, unit_of_work


@dataclass(frozen=True)
class StationView:
    station_id: int
    code: str
    name: str
    designated: bool
    version_id: int


def designated_stations(session: Session) -> list[m.PoliceStation]:
    return list(session.scalars(select(m.PoliceStation).where(m.PoliceStation.designated)
                                .order_by(m.PoliceStation.code)))


def _station_view(st: m.PoliceStation) -> StationView:
    return StationView(st.id, st.code, st.name, st.designated, st.version_id)


def list_stations(services: Services) -> list[StationView]:
    """Reference data: the chief officer's published list, designated ones first."""
    with services.session_factory() as s:
        return [_station_view(st) for st in s.scalars(select(m.PoliceStation).order_by(
            m.PoliceStation.designated.desc(), m.PoliceStation.code))]


def save_station(services: Services, actor: Actor, code: str, name: str, designated: bool) -> StationView:
    """Add a station or change one (matched by code). Stations are never deleted: past
    notifications name them; one no longer on the list is saved as not designated."""
    code, name = (code or "").strip().upper(), (name or "").strip()
    problems = []
    if not code or len(code) > 20:
        problems.append(FieldProblem("code", "Enter the station code (up to 20 characters)."))
    if not name or len(name) > 120:
        problems.append(FieldProblem("name", "Enter the station name (up to 120 characters)."))
    if problems:
        raise ValidationFailed(problems)
    with unit_of_work(services, actor) as uow:
        uow.authorise(Permission.MANAGE_USERS)
        st = uow.session.scalar(select(m.PoliceStation).where(m.PoliceStation.code == code))
        if st is None:
            st = uow.stamp_created(m.PoliceStation(code=code, name=name, designated=designated))
            uow.session.add(st)
            action, details = "station.create", {"code": code, "name": name, "designated": designated}
        else:
            details = {"before": {"name": st.name, "designated": st.designated},
                       "after": {"name": name, "designated": designated}}
            st.name, st.designated, action = name, designated, "station.change"
            uow.stamp_updated(st)
        uow.session.flush()
        uow.audit(action, entity="police_station", entity_id=st.id, details=details)
        return _station_view(st)
