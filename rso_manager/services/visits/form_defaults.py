"""What the visit form starts with: the right practice unless the user changes it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from rso_manager.domain import visit_window as vw
from rso_manager.domain.roles import Role
from rso_manager.persistence import models as m
from rso_manager.services import access, case_summary, settings
from rso_manager.services.errors import NotFound
from rso_manager.services.handover import HandoverView
from rso_manager.services.handover import view_of as handover_view
from rso_manager.services.unit_of_work import Actor, Services
from rso_manager.services.visits.officers import is_absent, team_officers
from rso_manager.services.visits.recording import visit_history
from rso_manager.services.visits.wording import time_bands


@dataclass(frozen=True)
class BookedVisit:
    visit_id: int
    version_id: int
    planned_on: date
    time_band: str | None
    officer_ids: tuple[int, ...]


@dataclass(frozen=True)
class VisitDefaults:
    """What the visit form starts with: the right practice unless the user changes it."""

    offender_manager_id: int | None
    second_officer_id: int | None
    officers: tuple[tuple[int, str], ...]
    devices: tuple[tuple[int, str], ...]
    failed_attempts_since_seen: int
    window: vw.DueWindow
    bookings: tuple[BookedVisit, ...] = ()   # visits booked and not yet recorded, soonest first
    warrant_visit_id: int | None = None      # the failed visit still waiting for its s.96B decision
    warrant_visit_version: int | None = None  # ... as read, for record_warrant_decision
    time_bands: tuple[tuple[str, str], ...] = ()  # (band, "17:00-21:00") from the visit policy
    home_address: str | None = None          # where the officers are going; None: no current home address
    handover: HandoverView | None = None     # the case's hand-over into police-only management, if any
    catch_up_by: date | None = None          # overdue: book by this day to catch up without a reason
    second_officer_note: str | None = None   # why no second officer is proposed (only the supervisor is free)
    days_overdue: int = field(kw_only=True)  # of WINDOW today (services.clock); 0 when not overdue


def visit_defaults(services: Services, actor: Actor, offender_id: int) -> VisitDefaults:
    today = services.clock.today()
    with access.reading(services, actor, offender_id) as s:
        o = s.get(m.Offender, offender_id)
        if o is None:
            raise NotFound(f"No offender record {offender_id}.")
        team = [u for u in team_officers(s, o.team_id) if u.trained and not is_absent(s, u.id, today)]
        # Never the supervisor who would sign the visit's departures off: nobody signs off a
        # visit they went on. Another officer first; a supervisor only while another one is
        # left to sign; if the team's only supervisor is the one free, the form says so.
        others = [u for u in team if u.id not in (o.offender_manager_id, actor.user_id)]
        supervisors = [u for u in team if u.role == Role.SUPERVISOR.value and u.id != actor.user_id]
        second = next((u.id for u in others if u.role != Role.SUPERVISOR.value), None)
        if second is None and len(supervisors) >= 2:
            second = next((u.id for u in others if u.role == Role.SUPERVISOR.value), None)
        only = [u.display_name for u in others if u.role == Role.SUPERVISOR.value] if second is None else []
        second_note = (f"No other trained officer is free today except {only[0]}, the team's supervisor, who "
                       "would sign this visit off: if they go, another supervisor or the OMU lead signs it."
                       if only else None)
        devices = tuple((d.id, f"{d.kind.title()} {d.make_model or ''}".strip() + (f" (IMEI {d.imei})" if d.imei else ""))
                        for d in s.scalars(select(m.Device).where(
                            m.Device.offender_id == offender_id, m.Device.voided_at.is_(None),
                            m.Device.status == "active").order_by(m.Device.id)))
        failed = 0
        history = visit_history(s, offender_id)
        for visit in sorted(history, key=lambda v: v.on):
            if visit.kind == vw.VisitKind.HOME:
                failed = 0 if visit.outcome == vw.VisitOutcome.SEEN else failed + 1
        policy = settings.visit_policy(s)
        warrant_visit = warrant_version = None
        if vw.warrant_prompt_due(history, policy):
            last = s.scalar(select(m.Visit).where(
                m.Visit.offender_id == offender_id, m.Visit.kind == "home", m.Visit.status == "completed",
                m.Visit.voided_at.is_(None)).order_by(m.Visit.visited_at.desc(), m.Visit.id.desc()).limit(1))
            if last is not None and last.outcome != vw.VisitOutcome.SEEN and not last.warrant_decision:
                warrant_visit, warrant_version = last.id, last.version_id
        bookings = tuple(
            BookedVisit(v.id, v.version_id, v.planned_on, v.time_band, tuple(vo.user_id for vo in v.officers))
            for v in s.scalars(select(m.Visit).where(
                m.Visit.offender_id == offender_id, m.Visit.status == "booked", m.Visit.voided_at.is_(None),
                m.Visit.planned_on.is_not(None)).order_by(m.Visit.planned_on, m.Visit.id))
            if v.planned_on is not None)
        window = case_summary.visit_window(s, o, today)
        home = case_summary.current_home(s, offender_id)
        handover = s.scalar(select(m.PoliceHandover).where(
            m.PoliceHandover.offender_id == offender_id, m.PoliceHandover.voided_at.is_(None))
            .order_by(m.PoliceHandover.police_from.desc(), m.PoliceHandover.id.desc()).limit(1))
        return VisitDefaults(o.offender_manager_id, second, tuple((u.id, u.display_name) for u in team),
                             devices, failed, window, bookings,
                             warrant_visit, warrant_version, time_bands(policy),
                             home_address=case_summary.address_text(home) if home else None,
                             handover=handover_view(handover) if handover else None,
                             catch_up_by=vw.catch_up_by(window, today, policy),
                             second_officer_note=second_note,
                             days_overdue=vw.days_overdue(window, today))
