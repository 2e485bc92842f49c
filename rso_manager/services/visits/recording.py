"""Recording a visit: the default is unannounced, two trained officers, at home; a departure needs
a reason and goes for sign-off. After two failed entries, the s.96B warrant decision."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import func, select

from rso_manager.clock import LONDON
from rso_manager.domain import visit_window as vw
from rso_manager.domain.dates import london_day
from rso_manager.domain.roles import Permission
from rso_manager.persistence import models as m
from rso_manager.services import case_events, case_summary, devices, settings
from rso_manager.services.devices import DeviceCheckInput, DeviceInput
from rso_manager.services.errors import FieldProblem, ValidationFailed, reason_problem
from rso_manager.services.safeguarding.responses import open_response
from rso_manager.services.unit_of_work import (
    Actor,
    Services,
    UnitOfWork,
    find_offender,
    unit_of_work,
)
from rso_manager.services.visits.officers import is_absent


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
    # The version of the booking the form read: a booking changed meanwhile (rebooked,
    # recorded by someone else) is refused as stale rather than overwritten.
    planned_visit_version: int | None = None
    # The visit raised a concern about a child (issue 19): what was seen, and the children named,
    # open a safeguarding response with the visit.
    child_concern: bool = False
    child_concern_seen: str | None = None
    children: tuple[str, ...] = ()


@dataclass(frozen=True)
class VisitResult:
    visit_id: int
    departures: tuple[str, ...]
    sign_off_id: int | None
    warrant_prompt: bool
    pattern_warning: str | None
    breach_ids: tuple[int, ...] = ()
    next_visit_due: date | None = None
    version_id: int = field(kw_only=True)  # the visit as recorded: a warrant decision on it changes this one
    referral_id: int | None = field(default=None, kw_only=True)  # the concern about a child it opened


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
        elif is_absent(uow.session, uid, on):
            problems.append(FieldProblem("officer_ids", f"{user.display_name} is recorded as absent on {on:%d/%m/%Y}; choose another officer or correct the absence."))
    if departures_from_default(v):
        problems += filter(None, [reason_problem(
            "override_reason", v.override_reason, "This visit departs from unannounced, two officers, at "
            "home: say why. It will go to your supervisor.")])
    for check in v.device_checks:
        if check.result not in ("checked", "not_seen", "refused"):
            problems.append(FieldProblem("device_checks", "Mark each device as checked, not seen or refused."))
    if v.child_concern and not (v.child_concern_seen or "").strip():
        problems.append(FieldProblem("child_concern_seen", "Say what was seen or heard that raises the concern "
                                                           "about a child: it goes to children's social care."))
    elif v.child_concern and len(v.child_concern_seen or "") > 2000:
        problems.append(FieldProblem("child_concern_seen", "Keep what was seen to 2,000 characters; put the "
                                                           "rest in the visit's notes."))
    return problems


def _booking(uow: UnitOfWork, v: VisitInput) -> m.Visit | None:
    """The booked visit this visit records, as the form read it; None for an unbooked visit."""
    if v.planned_visit_id is None:
        return None
    if v.planned_visit_version is None:
        raise ValidationFailed([FieldProblem("planned_visit_id", "Choose the booking again: the form did not "
                                             "say which version of it was read.")])
    visit = uow.load(m.Visit, v.planned_visit_id, v.planned_visit_version, permission=None)
    if visit.offender_id != v.offender_id or visit.status != "booked":
        raise ValidationFailed([FieldProblem("planned_visit_id", "That booking is not an open booking for this "
                                             "person: choose another or record it as not booked.")])
    return visit


def record_visit(services: Services, actor: Actor, v: VisitInput) -> VisitResult:
    with unit_of_work(services, actor) as uow:
        uow.authorise(Permission.WRITE_CASES, offender_id=v.offender_id)
        problems = _validate_visit(uow, v)
        if problems or v.visited_at is None:  # (_validate_visit asks for the time)
            raise ValidationFailed(problems)
        policy = settings.visit_policy(uow.session)
        today = services.clock.today()
        o = find_offender(uow.session, v.offender_id)
        window = case_summary.visit_window(uow.session, o, today)
        visit = _booking(uow, v)
        if visit is None:
            visit = uow.stamp_created(m.Visit(offender_id=v.offender_id))
            uow.session.add(visit)
        else:
            # The booking as it was (its officers are in its visit.book audit); the visit names
            # the officers who went, who may not be those booked.
            uow.keep_revision(visit, entity="visit", offender_id=v.offender_id, reason="booked visit recorded")
            for vo in list(visit.officers):
                uow.session.delete(vo)  # the officer list of a booking, not a case record
            uow.session.flush()
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
        breach_ids = _record_devices(uow, visit, v, london_day(v.visited_at))
        so = None
        if departures:
            so = case_events.request_sign_off(
                uow, entity="visit", entity_id=visit.id, offender_id=v.offender_id,
                summary=f"Visit on {london_day(v.visited_at):%d/%m/%Y} departs from the default: {'; '.join(departures)}. "
                        f"Reason given: {v.override_reason.strip()}")
        referral = None
        if v.child_concern:
            referral = open_response(
                uow, v.offender_id, f"Seen at the visit on {london_day(v.visited_at):%d/%m/%Y}: "
                f"{(v.child_concern_seen or '').strip()}", uow.now, origin="visit", origin_entity="visit",
                origin_id=visit.id, children=v.children)
        history = visit_history(uow.session, v.offender_id)
        warrant = vw.warrant_prompt_due(history, policy)
        recent = recent_stamps(uow.session, v.offender_id)
        case_summary.refresh(uow.session, v.offender_id, today)
        uow.session.flush()
        return VisitResult(visit.id, tuple(departures), so.id if so else None, warrant,
                           vw.pattern_warning(recent, policy), tuple(breach_ids),
                           o.next_visit_due, version_id=visit.version_id,
                           referral_id=referral.id if referral else None)


def _record_devices(uow: UnitOfWork, visit: m.Visit, v: VisitInput, on: date) -> list[int]:
    """Device checks at the visit; a device found that was not declared is recorded and opens
    a breach (the breach decision itself belongs to the breaches workflow). Each problem names
    its row ("device_checks[0].outcome", "found_devices[1].imei"), so a form can show it there.
    ON is the visit's London day."""
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


def record_warrant_decision(services: Services, actor: Actor, visit_id: int, version_id: int,
                            decision: str) -> None:
    """s.96B: after two failed entry attempts, record whether a warrant is applied for and why,
    on the failed visit as the user read it (VERSION_ID)."""
    problem = reason_problem("warrant_decision", decision,
                             "Record the decision on a s.96B warrant application and the reason.")
    if problem:
        raise ValidationFailed(problem)
    with unit_of_work(services, actor) as uow:
        visit = uow.load(m.Visit, visit_id, version_id)
        visit.warrant_decision = decision.strip()
        uow.stamp_updated(visit)
        uow.audit("visit.warrant_decision", entity="visit", entity_id=visit_id, offender_id=visit.offender_id,
                  reason=decision.strip())
        case_events.request_sign_off(uow, entity="visit_warrant", entity_id=visit_id, offender_id=visit.offender_id,
                                     summary=f"s.96B warrant decision after failed entries: {decision.strip()}")


def visit_history(session, offender_id: int) -> list[vw.Visit]:
    return [vw.Visit(london_day(v.visited_at), vw.VisitKind(v.kind), vw.VisitOutcome(v.outcome))
            for v in session.scalars(select(m.Visit).where(
                m.Visit.offender_id == offender_id, m.Visit.status == "completed", m.Visit.voided_at.is_(None)))]


def recent_stamps(session, offender_id: int, n: int = 6) -> list[tuple[date, vw.TimeBand]]:
    rows = session.execute(
        select(m.Visit.visited_at, m.Visit.planned_on, m.Visit.time_band)
        .where(m.Visit.offender_id == offender_id, m.Visit.kind == "home", m.Visit.voided_at.is_(None),
               m.Visit.status.in_(("completed", "booked")), m.Visit.time_band.is_not(None))
        .order_by(func.coalesce(m.Visit.planned_on, m.Visit.visited_at).desc()).limit(n)).all()
    return [((london_day(at) if at else planned), vw.TimeBand(band)) for at, planned, band in rows]
