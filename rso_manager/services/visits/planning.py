"""The planner: proposals for every case whose visit window closes soon (two trained officers, a
varied day and time band), and booking them."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache
from typing import Any

from sqlalchemy import select

from rso_manager.domain import visit_window as vw
from rso_manager.domain.roles import CaseloadScope, Permission, Role
from rso_manager.domain.visit_proposal import (
    Booking,
    Proposal,
    Rota,
    VisitRequest,
    plan_order,
    plan_seed,
    propose_with,
)
from rso_manager.persistence import models as m
from rso_manager.services import access, case_events, case_summary, settings
from rso_manager.services.caseload import RISK_ORDER, offender_in_scope
from rso_manager.services.errors import FieldProblem, ValidationFailed, reason_problem
from rso_manager.services.unit_of_work import (
    Actor,
    Services,
    UnitOfWork,
    find_offender,
    unit_of_work,
)
from rso_manager.services.visits.due_windows import recent_visits, visit_windows
from rso_manager.services.visits.officers import is_absent, officer_availability
from rso_manager.services.visits.wording import readable, time_bands


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
    plus the visits already booked in that period.

    A fixed number of set queries whatever the number of cases, and a rota kept as each proposal
    is booked: the whole force over 90 days is one pass, not a query and a recount per case."""
    scope = scope or (CaseloadScope.MINE if actor.role is Role.OFFENDER_MANAGER else CaseloadScope.TEAM)
    horizon = as_of + timedelta(days=days)
    V = m.Visit
    with access.listing(services, actor) as s:
        policy = settings.visit_policy(s)
        # Booked visits with their officers in one pass over the visits (no index leads on status).
        booked_rows: list[Any] = []
        visit_officers: dict[int, list[int]] = defaultdict(list)
        for row in s.execute(
                select(V.id, V.planned_on, V.time_band, V.window_earliest, V.window_latest, V.version_id,
                       *_CASE_COLUMNS, m.VisitOfficer.user_id)
                .join(m.Offender, m.Offender.id == V.offender_id)
                .outerjoin(m.VisitOfficer, m.VisitOfficer.visit_id == V.id)
                .where(V.status == "booked", V.voided_at.is_(None), offender_in_scope(actor, scope, as_of))
                .order_by(V.id, m.VisitOfficer.id)):
            if not booked_rows or booked_rows[-1].id != row.id:
                booked_rows.append(row)
            if row.user_id is not None:
                visit_officers[row.id].append(row.user_id)
        booked_offenders = {r.offender_id for r in booked_rows}
        bookings = [Booking(str(uid), r.planned_on) for r in booked_rows for uid in visit_officers[r.id] if r.planned_on]
        due = (m.Offender.status == "active", offender_in_scope(actor, scope, as_of),
               m.Offender.next_visit_due.is_not(None), m.Offender.next_visit_due <= horizon)
        candidates = s.execute(select(*_CASE_COLUMNS, m.Offender.created_at).where(*due)).all()
        team_ids = {o.team_id for o in candidates} | {r.team_id for r in booked_rows}
        users = _team_officers(s, team_ids)
        by_id: dict[int | None, m.User] = {u.id: u for u in users}
        names = {u.id: u.display_name for u in users}
        availability = officer_availability(s, users, as_of, horizon + timedelta(days=31))
        planned = [o for o in candidates if o.offender_id not in booked_offenders and o.offender_manager_id in by_id]
        cases = select(m.Offender.id).where(*due)
        windows = visit_windows(s, cases, {o.offender_id: o.created_at for o in planned}, as_of, policy)
        recent = recent_visits(s, cases)
        requests, meta = [], {}
        for o in planned:
            window = windows[o.offender_id]
            if window.latest is None:
                continue
            requests.append(VisitRequest(str(o.offender_id), window, tuple(recent.get(o.offender_id, ())),
                                         str(o.offender_manager_id)))
            meta[str(o.offender_id)] = (o, window)
        # A team supervisor signs the visits' departures off, and nobody signs off a visit they
        # went on: a supervisor is paired as second officer only when no other officer is free
        # and another supervisor of the team is there that day to sign. If she alone is free,
        # the proposal says so.
        signers = {str(u.id) for u in users if u.role == Role.SUPERVISOR.value}
        own = {a.officer_id: a for a in availability}
        team_signers: dict[int | None, list[str]] = defaultdict(list)
        for i in sorted(signers):
            if own[i].trained:
                team_signers[by_id[int(i)].team_id].append(i)

        def free_signers(team_id: int | None, on: date, officer_ids: tuple[str, ...]) -> list[str]:
            return [i for i in team_signers[team_id] if i not in officer_ids and not own[i].absent_on(on)]

        # Only a plan without two officers is tried again with the supervisors, and then any pair
        # has a supervisor in it: kept only if another of the case's team signs. A team whose one
        # supervisor is the only one planned (a team's plan) never can, so it is not tried.
        trained_signers = sum(len(ids) for ids in team_signers.values())

        def could_pair(team_id: int | None) -> bool:
            mine = len(team_signers[team_id])
            return mine >= 2 or (mine == 1 and trained_signers >= 2)

        rota = Rota(bookings, policy.daily_capacity)
        officers = rota.crew([a for a in availability if a.officer_id not in signers])
        everyone = rota.crew(availability)
        # Most overdue first, each proposal booked before the next (as domain plan() does).
        proposals: list[Proposal] = []
        for r in plan_order(requests, as_of):
            draw = plan_seed(seed, r)
            p = propose_with(officers, r, policy, draw, as_of=as_of, manager=own[r.offender_manager_id])
            if len(p.officer_ids) < 2 and could_pair(meta[r.offender_id][0].team_id):
                paired = propose_with(everyone, r, policy, draw, as_of=as_of)
                if len(paired.officer_ids) == 2 and free_signers(meta[r.offender_id][0].team_id, paired.date,
                                                                 paired.officer_ids):
                    p = paired
            rota.book(p)
            proposals.append(p)

        # A plan beyond the officers' capacity repeats long 'nobody free' reasons, officer by
        # officer ("12 fully booked; 14 absent"): each part is worded once, and so is each
        # reason (the force's plan repeats the same 165-officer reason for thousands of cases).
        @cache
        def worded_part(part: str) -> str:
            return readable(part, names)

        @cache
        def worded(text: str) -> str:
            return "; ".join([worded_part(part) for part in text.split("; ")])

        items = []
        for p in proposals:
            o, window = meta[p.offender_id]
            ids = tuple(int(i) for i in p.officer_ids)
            warnings = [worded(w) for w in p.warnings]
            free_supervisors = free_signers(o.team_id, p.date, p.officer_ids) if len(ids) < 2 else []
            if free_supervisors:
                warnings.append(f"only {by_id[int(free_supervisors[0])].display_name}, the team's supervisor, "
                                "who would sign the visit off, is free to go as second officer on "
                                f"{p.date:%d/%m/%Y}: if they go, another supervisor or the OMU lead signs it")
            items.append(PlannedVisit(
                o.offender_id, o.reference, f"{o.surname.upper()}, {o.forenames}", o.risk_level,
                by_id[o.offender_manager_id].display_name, window.earliest, window.latest, readable(window.reason),
                vw.days_overdue(window, as_of), p.date, p.band.value, ids,
                tuple(by_id[i].display_name for i in ids if i in by_id), tuple(warnings)))
        booked_in_view = [b for b in booked_rows
                          if b.planned_on is not None and as_of - timedelta(days=days) <= b.planned_on <= horizon]
        booked_names = _names(s, {b.offender_manager_id for b in booked_in_view}
                                | {uid for b in booked_in_view for uid in visit_officers[b.id]})
        for b in booked_in_view:
            ids = tuple(visit_officers[b.id])
            overdue = max(0, (as_of - b.window_latest).days) if b.window_latest else 0
            items.append(PlannedVisit(
                b.offender_id, b.reference, f"{b.surname.upper()}, {b.forenames}", b.risk_level,
                booked_names.get(b.offender_manager_id), b.window_earliest, b.window_latest, "booked", overdue,
                b.planned_on, b.time_band or "", ids, tuple(booked_names[i] for i in ids),
                (), b.id, "booked", b.version_id))
    items.sort(key=lambda i: (-i.days_overdue, i.proposed_on, -RISK_ORDER.get(i.risk_level, 0), i.offender_id))
    return PlannerView(as_of, days, tuple(items), time_bands(policy))


# What a plan shows of each case, read with its visits in one query.
_CASE_COLUMNS = (m.Offender.id.label("offender_id"), m.Offender.reference, m.Offender.surname,
                 m.Offender.forenames, m.Offender.risk_level, m.Offender.offender_manager_id, m.Offender.team_id)


def _team_officers(s, team_ids: set[int | None]) -> list[m.User]:
    """visits.officers.team_officers of each team in TEAM_IDS, in one query; no team: everyone."""
    everyone = list(s.scalars(select(m.User).where(
        m.User.active, m.User.role.in_((Role.OFFENDER_MANAGER.value, Role.SUPERVISOR.value))).order_by(m.User.id)))
    return [u for t in team_ids for u in everyone if t is None or u.team_id == t]


def _names(s, user_ids: set[int | None]) -> dict[int | None, str]:
    ids = [i for i in user_ids if i is not None]
    return dict(s.execute(select(m.User.id, m.User.display_name).where(m.User.id.in_(ids))).all()) if ids else {}


def book_visit(services: Services, actor: Actor, offender_id: int, *, on: date | None, time_band: str,
               officer_ids: tuple[int, ...], reason: str = "") -> int:
    """Book a home visit. Inside the due window it just books, and so does catching up an
    overdue visit as soon as possible (vw.booking_departure); otherwise it needs a reason and
    goes to a supervisor."""
    day = _booking_day(services, on, time_band)
    with unit_of_work(services, actor) as uow:
        uow.authorise(Permission.WRITE_CASES, offender_id=offender_id)
        return _book(uow, find_offender(uow.session, offender_id), None, day, time_band, officer_ids, reason)


def rebook_visit(services: Services, actor: Actor, visit_id: int, version_id: int, *, on: date | None,
                 time_band: str, officer_ids: tuple[int, ...], reason: str = "") -> int:
    """Move a booked visit to another day, band or officers, under the rules of book_visit; the
    booking as it was stays in the record's history."""
    day = _booking_day(services, on, time_band)
    with unit_of_work(services, actor) as uow:
        visit = uow.load(m.Visit, visit_id, version_id)
        return _book(uow, find_offender(uow.session, visit.offender_id), visit, day, time_band, officer_ids, reason)


def _booking_day(services: Services, on: date | None, time_band: str) -> date:
    """ON, once it and TIME_BAND can be booked at all."""
    problems = []
    if time_band not in {b.value for b in vw.TimeBand}:
        problems.append(FieldProblem("time_band", "Choose morning, afternoon or evening."))
    if on is None:
        problems.append(FieldProblem("on", "Enter the date of the visit (DD/MM/YYYY)."))
    elif on < services.clock.today():
        problems.append(FieldProblem("on", "The date is in the past; record a visit that happened with Record visit."))
    if problems or on is None:
        raise ValidationFailed(problems)
    return on


def _book(uow: UnitOfWork, o: m.Offender, visit: m.Visit | None, on: date, time_band: str,
          officer_ids: tuple[int, ...], reason: str) -> int:
    """Book the visit to O on ON (VISIT: the booking being moved)."""
    offender_id, services = o.id, uow.services
    today = services.clock.today()
    window = case_summary.visit_window(uow.session, o, today)
    for uid in officer_ids:
        user = uow.session.get(m.User, uid)
        if user is None or not user.trained:
            raise ValidationFailed(FieldProblem("officer_ids", "Only trained officers can be booked for a visit."))
        if is_absent(uow.session, uid, on):
            raise ValidationFailed(FieldProblem("officer_ids", f"{user.display_name} is absent on {on:%d/%m/%Y}."))
    departure = vw.booking_departure(window, on, today, settings.visit_policy(uow.session))
    outside = departure is not None
    if outside and reason_problem("reason", reason, ""):
        by = vw.catch_up_by(window, today, settings.visit_policy(uow.session))
        raise ValidationFailed(FieldProblem("reason", (
            f"The visit has been overdue since {window.latest + timedelta(days=1):%d/%m/%Y}: book it by "
            f"{by:%d/%m/%Y} to catch up, or say in words why it waits until {on:%d/%m/%Y}."
            if by is not None and window.latest is not None else
            f"{on:%d/%m/%Y} is outside the due window ({window.earliest or window.latest:%d/%m/%Y} to "
            f"{window.latest:%d/%m/%Y}): say in words why.")))
    if visit is not None:
        uow.keep_revision(visit, entity="visit", offender_id=offender_id, reason=reason.strip() or "rebooked")
        for vo in list(visit.officers):
            uow.session.delete(vo)  # the officer list of a booking, not a case record
        uow.stamp_updated(visit)
    else:
        visit = uow.stamp_created(m.Visit(offender_id=offender_id, kind="home", status="booked"))
        uow.session.add(visit)
    visit.planned_on, visit.time_band = on, time_band
    visit.window_earliest, visit.window_latest = window.earliest, window.latest
    visit.override_reason = reason.strip() or None
    uow.session.flush()
    for i, uid in enumerate(dict.fromkeys(officer_ids)):
        uow.session.add(m.VisitOfficer(visit_id=visit.id, user_id=uid, part="lead" if i == 0 else "second"))
    uow.audit("visit.book", entity="visit", entity_id=visit.id, offender_id=offender_id, reason=reason or None,
              details={"on": on, "band": time_band, "officers": list(officer_ids), "outside_window": outside})
    if departure is not None:
        case_events.request_sign_off(uow, entity="visit", entity_id=visit.id, offender_id=offender_id,
                                     summary=f"Visit booked for {on:%d/%m/%Y}, {readable(departure)}: {reason.strip()}")
    return visit.id
