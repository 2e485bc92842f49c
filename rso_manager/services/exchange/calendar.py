"""Booked home visits of a chosen week as an iCalendar file (RFC 5545) that Outlook opens.

A calendar leaves the case system: it syncs to phones and is read over shoulders. So an event
holds only what a calendar may: the case reference, the time band as a time range, the
officers. Names and addresses go in only when an administrator has allowed it (the setting
"calendar_include_personal", default off, each change audited with a reason).

Each visit keeps one UID ("visit-<id>@<this database>") and carries its row's version as
SEQUENCE and its last save as LAST-MODIFIED, so importing next week's export again updates the
events already in the calendar instead of adding copies; a cancelled visit (or one marked
entered in error) goes out as STATUS:CANCELLED, which takes it out of the calendar. Every export
is audited: who exported which visits.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import or_, select

from rso_manager.clock import LONDON
from rso_manager.domain.dates import week_start
from rso_manager.domain.roles import CaseloadScope, Permission, Role
from rso_manager.domain.visit_window import TimeBand
from rso_manager.persistence import models as m
from rso_manager.persistence.audit_checkpoints import database_id
from rso_manager.services import access, case_summary, settings
from rso_manager.services.caseload import offender_in_scope
from rso_manager.services.errors import FieldProblem, ValidationFailed
from rso_manager.services.printed_files import audited_file
from rso_manager.services.setting_changes import change_settings
from rso_manager.services.unit_of_work import Actor, Services, UnitOfWork, unit_of_work

EXPORT_ACTION = "calendar.export"
PERSONAL_SETTING = "calendar_include_personal"
PRODID = "-//RSO Manager//Booked home visits//EN"
_UID_HOST_BAD = re.compile(r"[^a-z0-9.-]+")


@dataclass(frozen=True)
class CalendarEvent:
    """One visit as the calendar shows it (what the export writes, for tests and previews)."""

    uid: str
    visit_id: int
    reference: str
    starts: datetime
    ends: datetime
    status: str  # CONFIRMED | CANCELLED
    summary: str
    description: str
    location: str | None
    sequence: int
    last_modified: datetime


@dataclass(frozen=True)
class CalendarExport:
    path: str
    week_start: date
    events: int
    cancelled: int


def _default_scope(actor: Actor) -> CaseloadScope:
    return CaseloadScope.MINE if actor.role is Role.OFFENDER_MANAGER else CaseloadScope.TEAM


def _uid_host(uow: UnitOfWork) -> str:
    """What makes a UID this database's: its id (set when the audit chain began), else the
    force's name, so two databases never give two visits the same UID."""
    from rso_manager.services.force_transfer.signing_key import NAME_SETTING

    raw = database_id(uow.session)
    if not raw:
        name = uow.session.scalar(select(m.Setting.value_json).where(m.Setting.key == NAME_SETTING))
        raw = json.loads(name) if name else "rso-manager"
    return _UID_HOST_BAD.sub("-", str(raw).casefold()).strip("-.") or "rso-manager"


def include_personal(services: Services) -> bool:
    with services.session_factory() as s:
        return bool(settings.get(s, PERSONAL_SETTING))


def set_include_personal(services: Services, actor: Actor, allowed: bool, reason: str) -> None:
    """The administrator's choice: calendar exports carry the person's name and home address
    (off by default). Saved and audited with the reason as every setting is
    (setting_changes.change_settings)."""
    change_settings(services, actor, {PERSONAL_SETTING: allowed}, reason)


def _events(uow: UnitOfWork, week_start: date, scope: CaseloadScope) -> list[CalendarEvent]:
    s, actor, today = uow.session, uow.actor, uow.services.clock.today()
    V, Off = m.Visit, m.Offender
    week_end = week_start + timedelta(days=6)
    mine = V.id.in_(select(m.VisitOfficer.visit_id).where(m.VisitOfficer.user_id == actor.user_id))
    # The user's caseload in SCOPE, and any visit they are booked on within their link.
    in_scope = or_(offender_in_scope(actor, scope, today),
                   mine & access.visible_cases(s, actor, today))
    rows = s.execute(
        select(V.id, V.status, V.voided_at, V.planned_on, V.time_band, V.version_id, V.created_at,
               V.updated_at, Off.id.label("offender_id"), Off.reference, Off.surname, Off.forenames)
        .join(Off, Off.id == V.offender_id)
        .where(V.kind == "home", V.status.in_(("booked", "completed", "cancelled")),
               V.planned_on >= week_start, V.planned_on <= week_end, in_scope)
        .order_by(V.planned_on, V.id)).all()
    officers: dict[int, list[str]] = {}
    ids = [r.id for r in rows]
    if ids:
        for visit_id, name in s.execute(
                select(m.VisitOfficer.visit_id, m.User.display_name)
                .join(m.User, m.User.id == m.VisitOfficer.user_id)
                .where(m.VisitOfficer.visit_id.in_(ids)).order_by(m.VisitOfficer.id)):
            officers.setdefault(visit_id, []).append(name)
    bands = settings.visit_policy(s).time_bands
    personal = bool(settings.get(s, PERSONAL_SETTING))
    host = _uid_host(uow)
    out = []
    for r in rows:
        band = _band(r.time_band)
        start_t, end_t = bands[band] if band is not None else (time(9, 0), time(17, 0))
        names = officers.get(r.id, [])
        cancelled = r.status == "cancelled" or r.voided_at is not None
        hours = f"{start_t:%H:%M}-{end_t:%H:%M}"
        band_text = f"{band.value} ({hours})" if band is not None else f"time band not set ({hours})"
        summary = f"Home visit {r.reference}"
        location = None
        if personal:
            summary += f": {r.surname.upper()}, {r.forenames}"
            home = case_summary.current_home(s, r.offender_id)
            location = case_summary.address_text(home) if home is not None else None
        description = (f"Case {r.reference}. Unannounced home visit, {band_text}. "
                       f"Officers: {' and '.join(names) or 'not named'}."
                       + (" CANCELLED." if cancelled else "")
                       + " OFFICIAL-SENSITIVE: open the case in RSO Manager for its details.")
        out.append(CalendarEvent(
            uid=f"visit-{r.id}@{host}", visit_id=r.id, reference=r.reference,
            starts=datetime.combine(r.planned_on, start_t, LONDON),
            ends=datetime.combine(r.planned_on, end_t, LONDON),
            status="CANCELLED" if cancelled else "CONFIRMED", summary=summary,
            description=description, location=location,
            # SEQUENCE starts at 0 for a new event; each save of the visit raises version_id.
            sequence=max(0, r.version_id - 1), last_modified=r.updated_at or r.created_at))
    return out


def _band(value: str | None) -> TimeBand | None:
    try:
        return TimeBand(value) if value else None
    except ValueError:
        return None


def ical_bytes(events: list[CalendarEvent], now: datetime) -> bytes:
    from icalendar import Calendar, Event

    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    # PUBLISH: a copy to import; Outlook then matches each event by UID and SEQUENCE.
    cal.add("method", "PUBLISH")
    for e in events:
        ev = Event()
        ev.add("uid", e.uid)
        ev.add("dtstamp", now)
        ev.add("dtstart", e.starts)
        ev.add("dtend", e.ends)
        ev.add("summary", e.summary)
        ev.add("description", e.description)
        if e.location:
            ev.add("location", e.location)
        ev.add("status", e.status)
        ev.add("sequence", e.sequence)
        ev.add("last-modified", e.last_modified)
        ev.add("class", "CONFIDENTIAL")
        ev.add("transp", "OPAQUE")
        ev.add("categories", ["RSO home visit"])
        cal.add_component(ev)
    cal.add_missing_timezones()
    return cal.to_ical()


def week_events(services: Services, actor: Actor, *, week_of: date,
                scope: CaseloadScope | None = None) -> list[CalendarEvent]:
    """What an export of the week holding WEEK_OF would hold (nothing is written or audited;
    nothing of a record is shown that the caseload does not show already)."""
    with unit_of_work(services, actor) as uow:
        uow.authorise(Permission.READ_CASES)
        return _events(uow, week_start(week_of), scope or _default_scope(uow.actor))


def export_week(services: Services, actor: Actor, *, week_of: date, path: str,
                scope: CaseloadScope | None = None) -> CalendarExport:
    """The week (Monday to Sunday) holding WEEK_OF written to PATH as an .ics file, owner-only,
    with one audit row of who exported which visits. No file without its audit row."""
    if week_of is None:
        raise ValidationFailed(FieldProblem("week_of", "Choose the week to export."))
    start = week_start(week_of)
    with audited_file(path, "calendar") as write, unit_of_work(services, actor) as uow:
        uow.authorise(Permission.READ_CASES)
        chosen = scope or _default_scope(uow.actor)
        events = _events(uow, start, chosen)
        data = ical_bytes(events, uow.now)
        uow.audit(EXPORT_ACTION, entity="visit", details={
            "week_start": start, "scope": chosen.value, "visit_ids": [e.visit_id for e in events],
            "references": list(dict.fromkeys(e.reference for e in events)),
            "personal": bool(settings.get(uow.session, PERSONAL_SETTING)),
            "saved_to": str(path), "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()})
        uow.session.flush()
        write(data)
    return CalendarExport(str(path), start, len(events), sum(e.status == "CANCELLED" for e in events))


__all__ = ["EXPORT_ACTION", "PERSONAL_SETTING", "CalendarEvent", "CalendarExport", "export_week", "ical_bytes",
           "include_personal", "set_include_personal", "week_events"]
