"""Risk-led visit planning and recording.

The right practice is the default path: visits are unannounced, by two trained officers, at the
home address, due by the risk management plan rather than a calendar. Any departure needs a
reason and goes to a supervisor's sign-off queue, so it is visible rather than silent.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import func, select

from rso_manager.clock import LONDON
from rso_manager.domain import visit_window as vw
from rso_manager.domain.dates import add_months, london_day
from rso_manager.domain.roles import CaseloadScope, Permission, Role
from rso_manager.domain.visit_proposal import (
    Booking,
    OfficerAvailability,
    Proposal,
    VisitRequest,
    plan,
)
from rso_manager.persistence import models as m
from rso_manager.services import access, case_events, case_summary, devices, settings
from rso_manager.services.caseload import RISK_ORDER, _scope_filter
from rso_manager.services.devices import DeviceCheckInput, DeviceInput
from rso_manager.services.errors import (
    FieldProblem,
    NotFound,
    ValidationFailed,
    past_date_problem,
    reason_problem,
)
from rso_manager.services.handover import HandoverView
from rso_manager.services.handover import view_of as handover_view
from rso_manager.services.unit_of_work import (
    Actor,
    Services,
    UnitOfWork,
    find_offender,
    unit_of_work,
)

RISK_TOOLS = vw.RISK_TOOLS


# --- risk assessments, plans, triggers --------------------------------------------------------


@dataclass(frozen=True)
class PlanOutcome:
    plan_id: int
    interval: str
    needs_sign_off: bool
    sign_off_id: int | None


def record_risk_assessment(services: Services, actor: Actor, offender_id: int, *, tool: str,
                           level: str, assessed_on: date | None, notes: str | None = None,
                           review_by: date | None = None) -> int:
    """A new assessment changes the interval and pulls the next visit forward; it also ends
    reactive management until a supervisor signs it off again. It goes for sign-off itself.
    Without REVIEW_BY it is due for review after the policy's interval for its tool and level,
    so no assessment is left standing for ever."""
    problems = []
    if tool not in RISK_TOOLS:
        problems.append(FieldProblem("tool", f"Choose the assessment tool: {', '.join(RISK_TOOLS)}."))
    if level not in {r.value for r in vw.RiskLevel}:
        problems.append(FieldProblem("level", "Choose the risk level: low, medium, high or very high."))
    problems += filter(None, [past_date_problem(
        "assessed_on", assessed_on, services.clock.today(), missing="Enter the date of the assessment.",
        future="The assessment date is in the future; enter the date it was completed.")])
    if review_by is not None and assessed_on is not None and review_by <= assessed_on:
        problems.append(FieldProblem("review_by", "The review date must be after the assessment date; "
                                                  "leave it empty to use the policy's review interval."))
    if problems:
        raise ValidationFailed(problems)
    with unit_of_work(services, actor) as uow:
        uow.authorise(Permission.WRITE_CASES, offender_id=offender_id)
        find_offender(uow.session, offender_id)
        if review_by is None:
            review_by = add_months(assessed_on, settings.visit_policy(uow.session).review_months(tool, level))
        ra = uow.stamp_created(m.RiskAssessment(offender_id=offender_id, tool=tool, level=level,
                                                assessed_on=assessed_on, assessor_id=actor.user_id,
                                                notes=notes, review_by=review_by))
        uow.session.add(ra)
        uow.session.flush()
        uow.audit("entry.create", entity="risk_assessment", entity_id=ra.id, offender_id=offender_id,
                  details={"tool": tool, "level": level, "assessed_on": assessed_on, "review_by": review_by})
        case_events.request_sign_off(uow, entity="risk_assessment", entity_id=ra.id, offender_id=offender_id,
                                     summary=f"{tool} risk assessment: {level.replace('_', ' ')} risk")
        case_events.record_trigger(uow, offender_id, vw.TriggerKind.RISK_ASSESSMENT, assessed_on,
                                   ("risk_assessment", ra.id))
        return ra.id


def set_plan(services: Services, actor: Actor, offender_id: int, *, visit_interval_months: int | None,
             reactive: bool = False, effective_from: date | None = None, review_by: date | None = None,
             supervision: str | None = None, monitoring_control: str | None = None,
             interventions: str | None = None, victim_safety: str | None = None,
             contingency: str | None = None, reason: str = "") -> PlanOutcome:
    """A new risk management plan. A shorter interval applies at once; a longer one, or
    reactive management, applies only once a supervisor signs it off."""
    today = services.clock.today()
    if visit_interval_months is not None and not 1 <= visit_interval_months <= 24:
        raise ValidationFailed(FieldProblem("visit_interval_months", "Enter an interval between 1 and 24 months, or leave it empty to use the risk level's default."))
    with unit_of_work(services, actor) as uow:
        uow.authorise(Permission.WRITE_CASES, offender_id=offender_id)
        find_offender(uow.session, offender_id)
        policy = settings.visit_policy(uow.session)
        risk = case_summary.current_risk(uow.session, offender_id)
        needs_sign_off = False
        if reactive:
            decision = vw.reactive_management_allowed(case_summary.risk_history(uow.session, offender_id),
                                                      today, policy)
            if not decision.needs_sign_off:
                raise ValidationFailed(FieldProblem("reactive", f"Reactive management is not allowed: {decision.reason}."))
            needs_sign_off, interval_text = True, "reactive management (no routine visits)"
        else:
            level = vw.RiskLevel(risk.level) if risk else vw.RiskLevel.VERY_HIGH
            decision = vw.home_visit_interval(level, visit_interval_months, policy)
            needs_sign_off, interval_text = decision.needs_sign_off, decision.reason
        problem = needs_sign_off and reason_problem(
            "reason", reason, "This plan departs from the default and needs a supervisor's sign-off: say why.")
        if problem:
            raise ValidationFailed(problem)
        p = uow.stamp_created(m.RiskManagementPlan(
            offender_id=offender_id, effective_from=effective_from or today, review_by=review_by,
            visit_interval_months=None if reactive else visit_interval_months, reactive=reactive,
            supervision=supervision, monitoring_control=monitoring_control, interventions=interventions,
            victim_safety=victim_safety, contingency=contingency))
        uow.session.add(p)
        uow.session.flush()
        uow.audit("entry.create", entity="risk_management_plan", entity_id=p.id, offender_id=offender_id,
                  reason=reason or None, details={"interval": visit_interval_months, "reactive": reactive})
        so = None
        if needs_sign_off:
            so = case_events.request_sign_off(uow, entity="risk_management_plan", entity_id=p.id,
                                              offender_id=offender_id,
                                              summary=f"Plan departs from default: {interval_text}. Reason: {reason.strip()}")
        case_summary.refresh(uow.session, offender_id, today)
        return PlanOutcome(p.id, interval_text, needs_sign_off, so.id if so else None)


def record_intelligence(services: Services, actor: Actor, offender_id: int, text: str, occurred_on: date) -> int:
    if not text.strip():
        raise ValidationFailed(FieldProblem("text", "Describe the intelligence received."))
    if occurred_on > services.clock.today():
        raise ValidationFailed(FieldProblem("occurred_on", "The date is in the future; enter when it was received."))
    with unit_of_work(services, actor) as uow:
        uow.authorise(Permission.WRITE_CASES, offender_id=offender_id)
        find_offender(uow.session, offender_id)
        note = uow.stamp_created(m.CaseNote(offender_id=offender_id, kind="intelligence", text=text.strip(),
                                            occurred_on=occurred_on))
        uow.session.add(note)
        uow.session.flush()
        uow.audit("entry.create", entity="case_note", entity_id=note.id, offender_id=offender_id)
        case_events.record_trigger(uow, offender_id, vw.TriggerKind.INTELLIGENCE, occurred_on, ("case_note", note.id))
        return note.id


def record_trigger(services: Services, actor: Actor, offender_id: int, kind: vw.TriggerKind, on: date) -> None:
    """A trigger recorded by hand (e.g. release from custody learned from a prison)."""
    if on > services.clock.today():
        raise ValidationFailed(FieldProblem("on", "The date is in the future; record the event when it happens."))
    with unit_of_work(services, actor) as uow:
        uow.authorise(Permission.WRITE_CASES, offender_id=offender_id)
        find_offender(uow.session, offender_id)
        case_events.record_trigger(uow, offender_id, kind, on)


# --- recording a visit ----------------------------------------------------------------------


@dataclass(frozen=True)
class VisitInput:
    offender_id: int
    visited_at: datetime | None
    outcome: str | None
    kind: str = "home"            # home | office
    announced: bool = False
    officer_ids: tuple[int, ...] = ()
    at_home_address: bool = True
    location: str | None = None
    override_reason: str = ""
    people_present: str | None = None
    notes: str | None = None
    device_checks: tuple[DeviceCheckInput, ...] = ()
    found_devices: tuple[DeviceInput, ...] = ()
    planned_visit_id: int | None = None


@dataclass(frozen=True)
class VisitResult:
    visit_id: int
    departures: tuple[str, ...]
    sign_off_id: int | None
    warrant_prompt: bool
    pattern_warning: str | None
    breach_ids: tuple[int, ...] = ()
    next_visit_due: date | None = None


def departures_from_default(v: VisitInput) -> list[str]:
    """Each way this visit departs from unannounced, two officers, at home."""
    out = []
    if v.kind == "office":
        out.append("office interview instead of a home visit")
    elif not v.at_home_address:
        out.append("not at the notified home address")
    if v.announced:
        out.append("announced in advance")
    if len(set(v.officer_ids)) < 2:
        out.append("one officer only")
    return out


def _absent(session, user_id: int, on: date) -> bool:
    return session.scalar(select(m.Absence.id).where(
        m.Absence.user_id == user_id, m.Absence.voided_at.is_(None),
        m.Absence.starts_on <= on, m.Absence.ends_on >= on)) is not None


def _validate_visit(uow: UnitOfWork, v: VisitInput) -> list[FieldProblem]:
    problems = []
    now = uow.now
    if v.visited_at is None:
        problems.append(FieldProblem("visited_at", "Enter the date and time of the visit."))
    elif v.visited_at > now + timedelta(minutes=5):
        problems.append(FieldProblem("visited_at", "The visit time is in the future; a completed visit must have happened. Plan future visits in the planner."))
    if v.kind not in ("home", "office"):
        problems.append(FieldProblem("kind", "Choose home visit or office interview."))
    if v.outcome not in {o.value for o in vw.VisitOutcome}:
        problems.append(FieldProblem("outcome", "Choose the outcome: seen, no answer, refused entry or not at address."))
    if not v.officer_ids:
        problems.append(FieldProblem("officer_ids", "Name the officers present."))
    on = london_day(v.visited_at) if v.visited_at else uow.services.clock.today()
    for uid in v.officer_ids:
        user = uow.session.get(m.User, uid)
        if user is None or not user.active:
            problems.append(FieldProblem("officer_ids", f"Officer {uid} is not an active user."))
        elif not user.trained:
            problems.append(FieldProblem("officer_ids", f"{user.display_name} is not ViSOR/MOSOVO trained and cannot be a visiting officer; choose a trained officer."))
        elif _absent(uow.session, uid, on):
            problems.append(FieldProblem("officer_ids", f"{user.display_name} is recorded as absent on {on:%d/%m/%Y}; choose another officer or correct the absence."))
    if departures_from_default(v):
        problems += filter(None, [reason_problem(
            "override_reason", v.override_reason, "This visit departs from unannounced, two officers, at "
            "home: say why. It will go to your supervisor.")])
    for check in v.device_checks:
        if check.result not in ("checked", "not_seen", "refused"):
            problems.append(FieldProblem("device_checks", "Mark each device as checked, not seen or refused."))
    return problems


def record_visit(services: Services, actor: Actor, v: VisitInput) -> VisitResult:
    with unit_of_work(services, actor) as uow:
        uow.authorise(Permission.WRITE_CASES, offender_id=v.offender_id)
        problems = _validate_visit(uow, v)
        if problems:
            raise ValidationFailed(problems)
        policy = settings.visit_policy(uow.session)
        today = services.clock.today()
        window = case_summary.visit_window(uow.session, uow.session.get(m.Offender, v.offender_id), today)
        visit = uow.session.get(m.Visit, v.planned_visit_id) if v.planned_visit_id else None
        if visit is None:
            visit = uow.stamp_created(m.Visit(offender_id=v.offender_id))
            uow.session.add(visit)
        else:
            uow.stamp_updated(visit)
        departures = departures_from_default(v)
        visit.kind, visit.status, visit.visited_at, visit.outcome = v.kind, "completed", v.visited_at, v.outcome
        visit.announced, visit.location = v.announced, v.location or ("home address" if v.at_home_address and v.kind == "home" else None)
        visit.override_reason = v.override_reason.strip() or None
        visit.people_present, visit.notes = v.people_present, v.notes
        visit.window_earliest, visit.window_latest = window.earliest, window.latest
        visit.time_band = (policy.band_of(v.visited_at.astimezone(LONDON).time()) or vw.TimeBand.EVENING).value
        uow.session.flush()
        for i, uid in enumerate(dict.fromkeys(v.officer_ids)):
            uow.session.add(m.VisitOfficer(visit_id=visit.id, user_id=uid, part="lead" if i == 0 else "second"))
        uow.audit("visit.record", entity="visit", entity_id=visit.id, offender_id=v.offender_id,
                  reason=visit.override_reason,
                  details={"kind": v.kind, "outcome": v.outcome, "announced": v.announced,
                           "officers": list(v.officer_ids), "departures": departures})
        breach_ids = _record_devices(uow, visit, v)
        so = None
        if departures:
            so = case_events.request_sign_off(
                uow, entity="visit", entity_id=visit.id, offender_id=v.offender_id,
                summary=f"Visit on {london_day(v.visited_at):%d/%m/%Y} departs from the default: {'; '.join(departures)}. "
                        f"Reason given: {v.override_reason.strip()}")
        history = _visit_history(uow.session, v.offender_id)
        warrant = vw.warrant_prompt_due(history, policy)
        recent = _recent_stamps(uow.session, v.offender_id)
        case_summary.refresh(uow.session, v.offender_id, today)
        return VisitResult(visit.id, tuple(departures), so.id if so else None, warrant,
                           vw.pattern_warning(recent, policy), tuple(breach_ids),
                           uow.session.get(m.Offender, v.offender_id).next_visit_due)


def _record_devices(uow: UnitOfWork, visit: m.Visit, v: VisitInput) -> list[int]:
    """Device checks at the visit; a device found that was not declared is recorded and opens
    a breach (the breach decision itself belongs to the breaches workflow). Each problem names
    its row ("device_checks[0].outcome", "found_devices[1].imei"), so a form can show it there."""
    on = london_day(v.visited_at)
    problems: list[FieldProblem] = []
    for i, check in enumerate(v.device_checks):
        try:
            devices.check_device(uow, check.device_id, visit.id, check.result, check.outcome, on)
        except ValidationFailed as err:
            problems += [FieldProblem(f"device_checks[{i}].{p.field}", p.message) for p in err.problems]
    found = []
    for i, d in enumerate(v.found_devices):
        try:
            found.append(devices.record_undeclared_device(uow, v.offender_id, visit.id, d, on))
        except ValidationFailed as err:
            problems += [FieldProblem(f"found_devices[{i}].{p.field}", p.message) for p in err.problems]
    if problems:
        raise ValidationFailed(problems)
    if not found:
        return []
    return list(uow.session.scalars(select(m.Breach.id).where(m.Breach.device_id.in_([d.id for d in found]))))


def record_warrant_decision(services: Services, actor: Actor, visit_id: int, decision: str) -> None:
    """s.96B: after two failed entry attempts, record whether a warrant is applied for and why."""
    problem = reason_problem("warrant_decision", decision,
                             "Record the decision on a s.96B warrant application and the reason.")
    if problem:
        raise ValidationFailed(problem)
    with unit_of_work(services, actor) as uow:
        visit = uow.session.get(m.Visit, visit_id)
        if visit is None:
            raise NotFound(f"No visit {visit_id}.")
        uow.authorise(Permission.WRITE_CASES, offender_id=visit.offender_id)
        visit.warrant_decision = decision.strip()
        uow.stamp_updated(visit)
        uow.audit("visit.warrant_decision", entity="visit", entity_id=visit_id, offender_id=visit.offender_id,
                  reason=decision.strip())
        case_events.request_sign_off(uow, entity="visit_warrant", entity_id=visit_id, offender_id=visit.offender_id,
                                     summary=f"s.96B warrant decision after failed entries: {decision.strip()}")


def _visit_history(session, offender_id: int) -> list[vw.Visit]:
    return [vw.Visit(london_day(v.visited_at), vw.VisitKind(v.kind), vw.VisitOutcome(v.outcome))
            for v in session.scalars(select(m.Visit).where(
                m.Visit.offender_id == offender_id, m.Visit.status == "completed", m.Visit.voided_at.is_(None)))]


def _recent_stamps(session, offender_id: int, n: int = 6) -> list[tuple[date, vw.TimeBand]]:
    rows = session.execute(
        select(m.Visit.visited_at, m.Visit.planned_on, m.Visit.time_band)
        .where(m.Visit.offender_id == offender_id, m.Visit.kind == "home", m.Visit.voided_at.is_(None),
               m.Visit.status.in_(("completed", "booked")), m.Visit.time_band.is_not(None))
        .order_by(func.coalesce(m.Visit.planned_on, m.Visit.visited_at).desc()).limit(n)).all()
    return [((london_day(at) if at else planned), vw.TimeBand(band)) for at, planned, band in rows]


# --- planning -------------------------------------------------------------------------------


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


def _officers(session, team_id: int | None) -> list[m.User]:
    stmt = select(m.User).where(m.User.active, m.User.role.in_((Role.OFFENDER_MANAGER.value, Role.SUPERVISOR.value)))
    if team_id is not None:
        stmt = stmt.where(m.User.team_id == team_id)
    return list(session.scalars(stmt.order_by(m.User.id)))


def _availability(session, users: list[m.User], start: date, end: date) -> list[OfficerAvailability]:
    absences: dict[int, list[tuple[date, date]]] = {}
    for a in session.scalars(select(m.Absence).where(
            m.Absence.voided_at.is_(None), m.Absence.ends_on >= start, m.Absence.starts_on <= end)):
        absences.setdefault(a.user_id, []).append((a.starts_on, a.ends_on))
    return [OfficerAvailability(str(u.id), u.trained, tuple(absences.get(u.id, ()))) for u in users]


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
            .where(m.Visit.status == "booked", m.Visit.voided_at.is_(None), _scope_filter(actor, scope))).all()
        booked_offenders = {o.id for _, o in booked_rows}
        bookings = [Booking(str(vo.user_id), v.planned_on) for v, _ in booked_rows for vo in v.officers if v.planned_on]
        candidates = s.scalars(select(m.Offender).where(
            m.Offender.status == "active", _scope_filter(actor, scope),
            m.Offender.next_visit_due.is_not(None), m.Offender.next_visit_due <= horizon)).all()
        team_ids = {o.team_id for o in candidates} | {o.team_id for _, o in booked_rows}
        users = [u for t in team_ids for u in _officers(s, t)] if team_ids else []
        by_id = {u.id: u for u in users}
        availability = _availability(s, users, as_of, horizon + timedelta(days=31))
        requests, meta = [], {}
        for o in candidates:
            if o.id in booked_offenders or o.offender_manager_id not in by_id:
                continue
            window = case_summary.visit_window(s, o, as_of)
            if window.latest is None:
                continue
            requests.append(VisitRequest(str(o.id), window, tuple(_recent_stamps(s, o.id)), str(o.offender_manager_id)))
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
            overdue = max(0, (as_of - v.window_latest).days) if v.window_latest else 0
            items.append(PlannedVisit(
                o.id, o.reference, f"{o.surname.upper()}, {o.forenames}", o.risk_level,
                s.scalar(select(m.User.display_name).where(m.User.id == o.offender_manager_id)),
                v.window_earliest, v.window_latest, "booked", overdue, v.planned_on, v.time_band or "",
                ids, tuple(s.scalar(select(m.User.display_name).where(m.User.id == i)) for i in ids),
                (), v.id, "booked", v.version_id))
    items.sort(key=lambda i: (-i.days_overdue, i.proposed_on, -RISK_ORDER.get(i.risk_level, 0), i.offender_id))
    return PlannerView(as_of, days, tuple(items), time_bands(policy))


def book_visit(services: Services, actor: Actor, offender_id: int, *, on: date | None, time_band: str,
               officer_ids: tuple[int, ...], reason: str = "", visit_id: int | None = None,
               version_id: int | None = None) -> int:
    """Book (or rebook) a visit. Inside the due window it just books, and so does catching up an
    overdue visit as soon as possible (vw.booking_departure); otherwise it needs a reason and
    goes to a supervisor."""
    problems = []
    if time_band not in {b.value for b in vw.TimeBand}:
        problems.append(FieldProblem("time_band", "Choose morning, afternoon or evening."))
    if on is None:
        problems.append(FieldProblem("on", "Enter the date of the visit (DD/MM/YYYY)."))
    elif on < services.clock.today():
        problems.append(FieldProblem("on", "The date is in the past; record a visit that happened with Record visit."))
    if problems:
        raise ValidationFailed(problems)
    with unit_of_work(services, actor, stale_entity=("visit", m.Visit, visit_id or 0)) as uow:
        uow.authorise(Permission.WRITE_CASES, offender_id=offender_id)
        o = find_offender(uow.session, offender_id)
        today = services.clock.today()
        window = case_summary.visit_window(uow.session, o, today)
        for uid in officer_ids:
            user = uow.session.get(m.User, uid)
            if user is None or not user.trained:
                raise ValidationFailed(FieldProblem("officer_ids", "Only trained officers can be booked for a visit."))
            if _absent(uow.session, uid, on):
                raise ValidationFailed(FieldProblem("officer_ids", f"{user.display_name} is absent on {on:%d/%m/%Y}."))
        departure = vw.booking_departure(window, on, today, settings.visit_policy(uow.session))
        outside = departure is not None
        if outside and reason_problem("reason", reason, ""):
            by = vw.catch_up_by(window, today, settings.visit_policy(uow.session))
            raise ValidationFailed(FieldProblem("reason", (
                f"The visit has been overdue since {window.latest + timedelta(days=1):%d/%m/%Y}: book it by "
                f"{by:%d/%m/%Y} to catch up, or say in words why it waits until {on:%d/%m/%Y}."
                if by is not None else
                f"{on:%d/%m/%Y} is outside the due window ({window.earliest or window.latest:%d/%m/%Y} to "
                f"{window.latest:%d/%m/%Y}): say in words why.")))
        if visit_id is not None:
            visit = uow.session.get(m.Visit, visit_id)
            if visit is None:
                raise NotFound(f"No visit {visit_id}.")
            if version_id is not None and visit.version_id != version_id:
                from sqlalchemy.orm.exc import StaleDataError
                raise StaleDataError("visit changed")
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
        if outside:
            case_events.request_sign_off(uow, entity="visit", entity_id=visit.id, offender_id=offender_id,
                                         summary=f"Visit booked for {on:%d/%m/%Y}, {readable(departure)}: {reason.strip()}")
        return visit.id


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
    time_bands: tuple[tuple[str, str], ...] = ()  # (band, "17:00-21:00") from the visit policy
    home_address: str | None = None          # where the officers are going; None: no current home address
    handover: HandoverView | None = None     # the case's hand-over into police-only management, if any
    catch_up_by: date | None = None          # overdue: book by this day to catch up without a reason
    second_officer_note: str | None = None   # why no second officer is proposed (only the supervisor is free)


def visit_defaults(services: Services, actor: Actor, offender_id: int) -> VisitDefaults:
    today = services.clock.today()
    with access.reading(services, actor, offender_id) as s:
        o = s.get(m.Offender, offender_id)
        if o is None:
            raise NotFound(f"No offender record {offender_id}.")
        team = [u for u in _officers(s, o.team_id) if u.trained and not _absent(s, u.id, today)]
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
        history = _visit_history(s, offender_id)
        for visit in sorted(history, key=lambda v: v.on):
            if visit.kind == vw.VisitKind.HOME:
                failed = 0 if visit.outcome == vw.VisitOutcome.SEEN else failed + 1
        policy = settings.visit_policy(s)
        warrant_visit = None
        if vw.warrant_prompt_due(history, policy):
            last = s.scalar(select(m.Visit).where(
                m.Visit.offender_id == offender_id, m.Visit.kind == "home", m.Visit.status == "completed",
                m.Visit.voided_at.is_(None)).order_by(m.Visit.visited_at.desc(), m.Visit.id.desc()).limit(1))
            if last is not None and last.outcome != vw.VisitOutcome.SEEN and not last.warrant_decision:
                warrant_visit = last.id
        bookings = tuple(
            BookedVisit(v.id, v.version_id, v.planned_on, v.time_band, tuple(vo.user_id for vo in v.officers))
            for v in s.scalars(select(m.Visit).where(
                m.Visit.offender_id == offender_id, m.Visit.status == "booked", m.Visit.voided_at.is_(None),
                m.Visit.planned_on.is_not(None)).order_by(m.Visit.planned_on, m.Visit.id)))
        window = case_summary.visit_window(s, o, today)
        home = case_summary.current_home(s, offender_id)
        handover = s.scalar(select(m.PoliceHandover).where(
            m.PoliceHandover.offender_id == offender_id, m.PoliceHandover.voided_at.is_(None))
            .order_by(m.PoliceHandover.police_from.desc(), m.PoliceHandover.id.desc()).limit(1))
        return VisitDefaults(o.offender_manager_id, second, tuple((u.id, u.display_name) for u in team),
                             devices, failed, window, bookings,
                             warrant_visit, time_bands(policy),
                             home_address=case_summary.address_text(home) if home else None,
                             handover=handover_view(handover) if handover else None,
                             catch_up_by=vw.catch_up_by(window, today, policy),
                             second_officer_note=second_note)


def time_bands(policy) -> tuple[tuple[str, str], ...]:
    """Each time band with its hours as the policy sets them, e.g. ("evening", "17:00-21:00")."""
    return tuple((band.value, f"{start:%H:%M}-{end:%H:%M}") for band, (start, end) in policy.time_bands.items())


_ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_OFFICER_REFS = (re.compile(r"(offender manager )(\d+)\b"), re.compile(r"(covered by )(\d+)\b"),
                 re.compile(r"( and )(\d+)\b(?=$|[;:,)])"), re.compile(r"(^|[(;] ?)(\d+)(?= (?:not trained|absent|fully booked))"))


def readable(text: str, names: dict[int, str] | None = None) -> str:
    """A rule's explanation as a user reads it: UK dates, and officers by name rather than by
    their number in the planner's working."""
    text = _ISO_DATE.sub(lambda g: f"{g[3]}/{g[2]}/{g[1]}", text)
    if names:
        for pattern in _OFFICER_REFS:
            text = pattern.sub(lambda g: g[1] + names.get(int(g[2]), g[2]), text)
    return text


# --- the risk & plan page -------------------------------------------------------------------


@dataclass(frozen=True)
class PlanText:
    """The current risk management plan, to start a new one from."""

    plan_id: int
    effective_from: date
    review_by: date | None
    visit_interval_months: int | None
    reactive: bool
    supervision: str | None
    monitoring_control: str | None
    interventions: str | None
    victim_safety: str | None
    contingency: str | None
    pending_sign_off: bool


@dataclass(frozen=True)
class RiskPlanView:
    risk_level: str | None
    risk_tool: str | None
    assessed_on: date | None
    interval: str                 # the interval in force, and why
    window: vw.DueWindow          # the next home visit's window (reason with UK dates)
    last_home_visit: date | None
    plan: PlanText | None
    default_months: dict[str, int]  # the OMU default interval by risk level
    risk_tools: tuple[str, ...] = RISK_TOOLS
    review_by: date | None = None   # when the current assessment is due for review
    review_flag: str | None = None  # the current assessment has no review date, or its review is overdue


def risk_plan_view(services: Services, actor: Actor, offender_id: int) -> RiskPlanView:
    """What the risk & plan page shows above its list: the interval in force, the due window,
    and the current plan (to start a changed plan from)."""
    today = services.clock.today()
    with access.reading(services, actor, offender_id) as s:
        o = s.get(m.Offender, offender_id)
        if o is None:
            raise NotFound(f"No offender record {offender_id}.")
        policy = settings.visit_policy(s)
        risk = case_summary.current_risk(s, offender_id)
        decision = case_summary.interval_in_force(s, offender_id, today)
        if decision is None:
            interval = "Reactive management, signed off: no routine home visits"
        else:
            interval = decision.reason[0].upper() + decision.reason[1:]
            if risk is None:
                interval += " (no risk assessment yet: treated as very high risk until assessed)"
        window = case_summary.visit_window(s, o, today)
        window = vw.DueWindow(window.earliest, window.latest, readable(window.reason), window.pulled_forward_by)
        p = case_summary.current_plan(s, offender_id)
        plan = None
        if p is not None:
            pending = s.scalar(select(m.SignOff.id).where(
                m.SignOff.entity == "risk_management_plan", m.SignOff.entity_id == p.id,
                m.SignOff.status == "pending")) is not None
            plan = PlanText(p.id, p.effective_from, p.review_by, p.visit_interval_months, p.reactive, p.supervision,
                            p.monitoring_control, p.interventions, p.victim_safety, p.contingency, pending)
        return RiskPlanView(risk.level if risk else None, risk.tool if risk else None,
                            risk.assessed_on if risk else None, readable(interval), window,
                            case_summary.last_home_visit(s, offender_id), plan,
                            {r.value: n for r, n in policy.interval_months.items()},
                            review_by=risk.review_by if risk else None,
                            review_flag=review_flag(risk, today, policy))


def review_flag(risk: m.RiskAssessment | None, today: date, policy) -> str | None:
    """What is wrong with the current assessment's review: none set (it would never fall due),
    or the date has passed."""
    if risk is None:
        return None
    if risk.review_by is None:
        months = policy.review_months(risk.tool, risk.level)
        return (f"No review date: the {risk.tool} assessment of {risk.assessed_on:%d/%m/%Y} was saved without one. "
                f"The policy reviews it after {months} month{'s' if months != 1 else ''}, by "
                f"{add_months(risk.assessed_on, months):%d/%m/%Y}: record the review as a new assessment.")
    if risk.review_by < today:
        return f"Review overdue: the {risk.tool} assessment was due for review by {risk.review_by:%d/%m/%Y}."
    return None


