"""A recorded visit read back in full: when, who went, what was found, how it departed from the
default and where its sign-off stands. Codes are returned as stored (outcome "no_answer");
the pages word them."""

from __future__ import annotations

import json
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from rso_manager.domain.device_labels import device_label
from rso_manager.persistence import models as m
from rso_manager.services.access import reading
from rso_manager.services.unit_of_work import Actor, Services


@dataclass(frozen=True)
class DeviceCheckLine:
    device: str  # "Phone Samsung A14 IMEI 35...", as the device register names it
    result: str  # checked | not_seen | refused
    outcome: str | None


@dataclass(frozen=True)
class VisitDetail:
    visit_id: int
    version_id: int
    kind: str  # home | office
    status: str  # proposed | booked | completed | cancelled
    visited_at: datetime | None
    planned_on: date | None
    time_band: str | None
    officers: tuple[str, ...]  # by name, the lead first
    announced: bool
    location: str | None
    outcome: str | None
    people_present: str | None
    notes: str | None
    device_checks: tuple[DeviceCheckLine, ...]
    devices_found: tuple[str, ...]  # undeclared devices found at the visit
    departures: tuple[str, ...]  # from unannounced, two officers, at home, as recorded
    departure_reason: str | None
    sign_off: str  # pending | escalated | approved | returned | none: no sign-off asked
    signed_by: str | None  # the supervisor deciding, or to decide when pending
    signed_at: datetime | None
    sign_off_rationale: str | None
    warrant_decision: str | None
    recorded_by: str | None = None  # who entered the visit on the record, and when
    recorded_at: datetime | None = None


def _label(d: m.Device) -> str:
    return device_label(d.kind, d.make_model, d.imei, d.serial)


def user_names(s: Session, ids: Collection[int | None]) -> dict[int, str]:
    """Display names of the users IDS names, in one query."""
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    return {uid: name for uid, name in s.execute(select(m.User.id, m.User.display_name).where(m.User.id.in_(wanted)))}


@dataclass(frozen=True)
class _Recording:
    """A visit's visit.record audit row: the departures as the rule found them then, who
    recorded the visit and when (a booked visit is recorded after it was made)."""

    departures: tuple[str, ...]
    by_id: int | None
    at: datetime


def _recordings(s: Session, offender_id: int) -> dict[int, _Recording]:
    out: dict[int, _Recording] = {}
    for entity_id, details, user_id, at in s.execute(
            select(m.AuditEvent.entity_id, m.AuditEvent.details_json, m.AuditEvent.user_id, m.AuditEvent.occurred_at)
            .where(m.AuditEvent.offender_id == offender_id, m.AuditEvent.entity == "visit",
                   m.AuditEvent.action == "visit.record").order_by(m.AuditEvent.id)):
        found = json.loads(details or "{}").get("departures") or []
        if entity_id is not None:
            out[entity_id] = _Recording(tuple(str(d) for d in found), user_id, at)
    return out


def visit_details(services: Services, actor: Actor, offender_id: int) -> dict[int, VisitDetail]:
    """Every visit on the record, by id, read under the user's opening of it."""
    with reading(services, actor, offender_id) as s:
        visits = s.scalars(select(m.Visit).where(m.Visit.offender_id == offender_id)).all()
        ids = [v.id for v in visits]
        if not ids:
            return {}
        officers = s.execute(select(m.VisitOfficer.visit_id, m.VisitOfficer.user_id, m.VisitOfficer.part)
                             .where(m.VisitOfficer.visit_id.in_(ids)).order_by(m.VisitOfficer.id)).all()
        checks = s.execute(select(m.DeviceCheck, m.Device).join(m.Device, m.Device.id == m.DeviceCheck.device_id)
                           .where(m.DeviceCheck.visit_id.in_(ids), m.DeviceCheck.voided_at.is_(None))
                           .order_by(m.DeviceCheck.id)).all()
        found = s.scalars(select(m.Device).where(m.Device.found_at_visit_id.in_(ids), m.Device.voided_at.is_(None))
                          .order_by(m.Device.id)).all()
        sign_offs = {so.entity_id: so for so in s.scalars(
            select(m.SignOff).where(m.SignOff.entity == "visit", m.SignOff.entity_id.in_(ids))
            .order_by(m.SignOff.id))}  # the latest asked for each visit wins
        recordings = _recordings(s, offender_id)
        names = user_names(s, {uid for _v, uid, _p in officers}
                       | {so.signed_by_id or so.supervisor_id for so in sign_offs.values()}
                       | {v.created_by_id for v in visits} | {r.by_id for r in recordings.values()})
        out = {}
        for v in visits:
            so = sign_offs.get(v.id)
            who = (so.signed_by_id or so.supervisor_id) if so else None
            # Who recorded what happened; a visit only planned so far: who planned it.
            rec = recordings.get(v.id)
            recorder, recorded_at = (rec.by_id, rec.at) if rec else (v.created_by_id, v.created_at)
            out[v.id] = VisitDetail(
                visit_id=v.id, version_id=v.version_id, kind=v.kind, status=v.status, visited_at=v.visited_at,
                planned_on=v.planned_on, time_band=v.time_band,
                officers=tuple(names.get(uid, "an officer no longer on the system")
                               for vid, uid, _part in officers if vid == v.id),
                announced=v.announced, location=v.location, outcome=v.outcome,
                people_present=v.people_present, notes=v.notes,
                device_checks=tuple(DeviceCheckLine(_label(d), c.result, c.outcome)
                                    for c, d in checks if c.visit_id == v.id),
                devices_found=tuple(_label(d) for d in found if d.found_at_visit_id == v.id),
                departures=rec.departures if rec else (), departure_reason=v.override_reason,
                sign_off=so.status if so else "none", signed_by=names.get(who) if who else None,
                signed_at=so.signed_at if so else None, sign_off_rationale=so.rationale if so else None,
                warrant_decision=v.warrant_decision,
                recorded_by=names.get(recorder) if recorder else None, recorded_at=recorded_at)
        return out
