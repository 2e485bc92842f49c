"""The service planner as it was before issue 16 (propose only, verbatim but for imports)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import select

from rso_manager.domain import visit_window as vw
from rso_manager.domain.roles import CaseloadScope, Role
from rso_manager.persistence import models as m
from rso_manager.services import access, case_summary, settings
from rso_manager.services.caseload import RISK_ORDER, offender_in_scope
from rso_manager.services.unit_of_work import (
    Actor,
    Services,
)
from rso_manager.services.visits.officers import officer_availability, team_officers
from rso_manager.services.visits.recording import recent_stamps
from rso_manager.services.visits.wording import readable, time_bands
from tests.planner_oracle.domain import Booking, Proposal, VisitRequest, plan


@dataclass(frozen=True)
class PlannedVisit:
    offender_id: int
    reference: str
    name: str
    risk_level: str | None
    offender_manager: str | None
    window_earliest: date | None
    window_latest: date | None
    window_reason: str
    days_overdue: int
    proposed_on: date
    time_band: str
    officer_ids: tuple[int, ...]
    officer_names: tuple[str, ...]
    warnings: tuple[str, ...] = ()
    visit_id: int | None = None
    status: str = "proposed"
    version_id: int | None = None  # of a booked visit: rebooking checks nobody changed it meanwhile


@dataclass(frozen=True)
class PlannerView:
    start: date
    days: int
    items: tuple[PlannedVisit, ...] = field(default_factory=tuple)
    time_bands: tuple[tuple[str, str], ...] = ()  # (band, "17:00-21:00") from the visit policy

    @property
    def overdue(self) -> tuple[PlannedVisit, ...]:
        return tuple(i for i in self.items if i.days_overdue > 0)


def propose(services: Services, actor: Actor, *, as_of: date, days: int, scope: CaseloadScope | None = None,
            seed: int = 0) -> PlannerView:
    """Proposals for every case in scope whose window closes within DAYS of AS_OF, overdue first,
    plus the visits already booked in that period."""
    scope = scope or (CaseloadScope.MINE if actor.role is Role.OFFENDER_MANAGER else CaseloadScope.TEAM)
    horizon = as_of + timedelta(days=days)
    with access.listing(services, actor) as s:
        policy = settings.visit_policy(s)
        booked_rows = s.execute(
            select(m.Visit, m.Offender).join(m.Offender, m.Offender.id == m.Visit.offender_id)
            .where(m.Visit.status == "booked", m.Visit.voided_at.is_(None), offender_in_scope(actor, scope, as_of))).all()
        booked_offenders = {o.id for _, o in booked_rows}
        bookings = [Booking(str(vo.user_id), v.planned_on) for v, _ in booked_rows for vo in v.officers if v.planned_on]
        candidates = s.scalars(select(m.Offender).where(
            m.Offender.status == "active", offender_in_scope(actor, scope, as_of),
            m.Offender.next_visit_due.is_not(None), m.Offender.next_visit_due <= horizon)).all()
        team_ids = {o.team_id for o in candidates} | {o.team_id for _, o in booked_rows}
        users = [u for t in team_ids for u in team_officers(s, t)] if team_ids else []
        by_id: dict[int | None, m.User] = {u.id: u for u in users}
        availability = officer_availability(s, users, as_of, horizon + timedelta(days=31))
        requests, meta = [], {}
        for o in candidates:
            if o.id in booked_offenders or o.offender_manager_id not in by_id:
                continue
            window = case_summary.visit_window(s, o, as_of)
            if window.latest is None:
                continue
            requests.append(VisitRequest(str(o.id), window, tuple(recent_stamps(s, o.id)), str(o.offender_manager_id)))
            meta[str(o.id)] = (o, window)
        # A team supervisor signs the visits' departures off, and nobody signs off a visit they
        # went on: a supervisor is paired as second officer only when no other officer is free
        # and another supervisor of the team is there that day to sign. If she alone is free,
        # the proposal says so.
        signers = {str(u.id) for u in users if u.role == Role.SUPERVISOR.value}
        own = {a.officer_id: a for a in availability}

        def left_to_sign(p: Proposal, team_id: int | None) -> bool:
            return any(by_id[int(i)].team_id == team_id and own[i].trained and not own[i].absent_on(p.date)
                       for i in signers - set(p.officer_ids))

        # plan() takes the most overdue first and books each proposal before the next; so here.
        proposals: list[Proposal] = []
        for r in sorted(requests, key=lambda r: (-vw.days_overdue(r.window, as_of), r.window.latest, r.offender_id)):
            taken = [*bookings, *(Booking(oid, p.date) for p in proposals for oid in p.officer_ids)]
            officers = [a for a in availability if a.officer_id not in signers or a.officer_id == r.offender_manager_id]
            [p] = plan([r], officers, taken, policy, seed, as_of=as_of)
            if len(p.officer_ids) < 2:
                [paired] = plan([r], availability, taken, policy, seed, as_of=as_of)
                if len(paired.officer_ids) == 2 and left_to_sign(paired, meta[r.offender_id][0].team_id):
                    p = paired
            proposals.append(p)
        items = []
        for p in proposals:
            o, window = meta[p.offender_id]
            ids = tuple(int(i) for i in p.officer_ids)
            warnings = [readable(w, {u.id: u.display_name for u in users}) for w in p.warnings]
            free_supervisors = [by_id[int(i)].display_name for i in sorted(signers) if len(ids) < 2
                                and i not in p.officer_ids and by_id[int(i)].team_id == o.team_id
                                and own[i].trained and not own[i].absent_on(p.date)]
            if free_supervisors:
                warnings.append(f"only {free_supervisors[0]}, the team's supervisor, who would sign the visit off, "
                                f"is free to go as second officer on {p.date:%d/%m/%Y}: if they go, another "
                                "supervisor or the OMU lead signs it")
            items.append(PlannedVisit(
                o.id, o.reference, f"{o.surname.upper()}, {o.forenames}", o.risk_level,
                by_id[o.offender_manager_id].display_name, window.earliest, window.latest, readable(window.reason),
                vw.days_overdue(window, as_of), p.date, p.band.value, ids,
                tuple(by_id[i].display_name for i in ids if i in by_id), tuple(warnings)))
        for v, o in booked_rows:
            if v.planned_on is None or not as_of - timedelta(days=days) <= v.planned_on <= horizon:
                continue
            ids = tuple(vo.user_id for vo in v.officers)
            names = dict(s.execute(select(m.User.id, m.User.display_name).where(m.User.id.in_(ids))).all())
            overdue = max(0, (as_of - v.window_latest).days) if v.window_latest else 0
            items.append(PlannedVisit(
                o.id, o.reference, f"{o.surname.upper()}, {o.forenames}", o.risk_level,
                s.scalar(select(m.User.display_name).where(m.User.id == o.offender_manager_id)),
                v.window_earliest, v.window_latest, "booked", overdue, v.planned_on, v.time_band or "",
                ids, tuple(names[i] for i in ids),
                (), v.id, "booked", v.version_id))
    items.sort(key=lambda i: (-i.days_overdue, i.proposed_on, -RISK_ORDER.get(i.risk_level, 0), i.offender_id))
    return PlannerView(as_of, days, tuple(items), time_bands(policy))
