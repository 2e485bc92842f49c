"""Taking a notification given in person at a designated station (s.87): what it answers, whether
it was late, and the breaches a late one or refused biometrics open (s.91)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from rso_manager.domain import notification_due as nd
from rso_manager.domain.dates import london_day
from rso_manager.domain.notification_kinds import DOMAIN_KIND
from rso_manager.domain.roles import Permission
from rso_manager.persistence import models as m
from rso_manager.services import case_summary, settings
from rso_manager.services.breaches import notification_breaches
from rso_manager.services.errors import FieldProblem, ValidationFailed
from rso_manager.services.notifications.events import (
    NewHome,
    has_no_fixed_abode,
    record_address_change,
)
from rso_manager.services.notifications.kinds import IN_PERSON, KINDS, LABELS, METHODS
from rso_manager.services.notifications.pending import (
    details_of,
    disregarded_periods,
    due_date,
    live,
    new_pending,
    notified_on,
    pending_rows,
    recompute_pending,
    set_details,
    set_due,
    taken_rows,
    void_pending,
)
from rso_manager.services.notifications.requirements import recompute_requirements
from rso_manager.services.notifications.stations import designated_stations
from rso_manager.services.unit_of_work import (
    Actor,
    Services,
    UnitOfWork,
    find_offender,
    unit_of_work,
)

S87_MESSAGE = (
    "The Sexual Offences Act 2003 s.87 requires notification in person at a police station on "
    "the force's designated list. A notification taken at home or by phone may be "
    "unenforceable. Ask the offender to attend {stations}."
)


@dataclass(frozen=True)
class NotificationInput:
    """A notification as given at the station. `kind` picks the pending item(s) it answers
    unless `pending_ids` names them; `event_on` dates a change nobody had recorded yet, and
    `new_home` is the address such a change of home address gives. `notified_at` is when the
    offender actually notified (a front-desk notification typed in later): it decides lateness,
    on its London date."""

    kind: str
    station_id: int | None
    method: str
    in_person: bool
    fingerprints_taken: bool | None = None
    photographs_taken: bool | None = None
    refused_biometrics: bool = False
    details: Mapping[str, Any] | None = None  # bank, card, passport/ID (2012 Regs)
    pending_ids: tuple[int, ...] = ()
    event_on: date | None = None
    notified_at: datetime | None = None  # default: now; never in the future or before the event
    new_home: NewHome | None = None


@dataclass(frozen=True)
class TakenNotification:
    notification_ids: tuple[int, ...]
    offender_id: int
    kinds: tuple[str, ...]
    notified_at: datetime
    station_id: int
    station_name: str
    taken_by_id: int
    taken_by: str
    fingerprints_taken: bool
    photographs_taken: bool
    refused_biometrics: bool
    details_captured: dict
    due_on: date | None
    late: bool
    breach_ids: tuple[int, ...]  # late notifications and refused biometrics: go to the decision
    next_due_on: date | None

    @property
    def breach_id(self) -> int | None:
        return self.breach_ids[0] if self.breach_ids else None

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(LABELS.get(k, k) for k in self.kinds)


def _s87_message(session: Session) -> str:
    names = [st.name for st in designated_stations(session)[:3]]
    stations = (", ".join(names[:-1]) + " or " + names[-1]) if len(names) > 1 else (
        names[0] if names else "a designated police station (ask the administrator to publish the list)")
    return S87_MESSAGE.format(stations=stations)


def _s87_problems(session: Session, inp: NotificationInput) -> list[FieldProblem]:
    """s.87(1): in person, at a station on the chief officer's list. Anything else is refused."""
    if inp.method in METHODS and inp.method != IN_PERSON:
        return [FieldProblem("method", _s87_message(session))]
    if not inp.in_person:
        return [FieldProblem("in_person", _s87_message(session))]
    st = session.get(m.PoliceStation, inp.station_id) if inp.station_id is not None else None
    if inp.station_id is not None and (st is None or not st.designated):
        name = st.name if st else "That station"
        return [FieldProblem("station_id", f"{name} is not on the force's designated list. {_s87_message(session)}")]
    return []


def _input_problems(inp: NotificationInput, today: date, now: datetime) -> list[FieldProblem]:
    problems = []
    if inp.method not in METHODS:
        problems.append(FieldProblem("method", "Choose how the notification was given."))
    if inp.station_id is None:
        problems.append(FieldProblem("station_id", "Choose the designated police station the offender attended."))
    if inp.kind not in KINDS and not inp.pending_ids:
        problems.append(FieldProblem("kind", "Choose which notification the offender is giving."))
    if inp.fingerprints_taken is None:
        problems.append(FieldProblem("fingerprints_taken", "Say whether fingerprints were taken (s.87(4))."))
    if inp.photographs_taken is None:
        problems.append(FieldProblem("photographs_taken", "Say whether photographs were taken (s.87(4))."))
    if inp.notified_at is not None and inp.notified_at.utcoffset() is None:
        problems.append(FieldProblem("notified_at", "Give the date and time the offender notified as UK time."))
    elif inp.notified_at is not None and inp.notified_at > now:
        problems.append(FieldProblem("notified_at", "That time is in the future: enter when the offender attended "
                                                    "the station (now, or earlier for one typed in later)."))
    if inp.event_on is not None and inp.event_on > today and inp.kind != "travel":
        problems.append(FieldProblem("event_on", "The event date is in the future."))
    return problems


def _unlisted_problems(inp: NotificationInput, on: date) -> list[FieldProblem]:
    """A change first heard of at the station carries what an event would have recorded."""
    problems = []
    if inp.event_on is not None and inp.kind != "travel" and on < inp.event_on:
        problems.append(FieldProblem("notified_at", f"The notification is dated {on:%d/%m/%Y}, before the change "
                                                    f"it notifies ({inp.event_on:%d/%m/%Y}): check both dates."))
    if inp.kind == "change_address":
        if inp.event_on is None:
            problems.append(FieldProblem("event_on", "Enter the date the offender moved in."))
        problems += (inp.new_home or NewHome()).problems()
    return problems


def _before_event_problems(targets: list[m.StatutoryNotification], on: date) -> list[FieldProblem]:
    """A notification cannot be made before what it notifies. Travel is the exception: it is
    notified ahead of the departure it dates (s.86)."""
    return [FieldProblem("notified_at", f"The notification is dated {on:%d/%m/%Y}, before the "
                                        f"{LABELS.get(n.kind, n.kind).lower()} it notifies "
                                        f"({n.event_on:%d/%m/%Y}): check the date it was made.")
            for n in targets if n.event_on is not None and n.kind != "travel" and on < n.event_on][:1]


def _targets(uow: UnitOfWork, offender_id: int, inp: NotificationInput) -> list[m.StatutoryNotification]:
    pending = pending_rows(uow.session, offender_id)
    if inp.pending_ids:
        by_id = {n.id: n for n in pending}
        missing = [i for i in inp.pending_ids if i not in by_id]
        if missing:
            raise ValidationFailed(FieldProblem("pending_ids", "That notification is no longer waiting; reload the record."))
        chosen = [by_id[i] for i in inp.pending_ids]
    else:
        chosen = [n for n in pending if n.kind == inp.kind]
    if inp.details:  # 2012 Regs: the bank, card and ID details due with this notification
        chosen += [n for n in pending if n.kind == "financial" and n not in chosen]
    return chosen


def _reset_periodic(uow: UnitOfWork, offender_id: int) -> None:
    """s.85(1),(2): the annual (or, with no fixed abode, weekly) notification falls due from the
    latest notification that restarts the clock; one pending item, replaced as the anchor moves."""
    s, policy = uow.session, settings.notification_policy(uow.session)
    history = [nd.Notified(notified_on(n), DOMAIN_KIND[n.kind]) for n in taken_rows(s, offender_id)
               if n.kind in DOMAIN_KIND]
    anchor = nd.periodic_anchor(history, policy)
    if anchor is None:
        return
    want = "weekly" if has_no_fixed_abode(s, offender_id) else "periodic"
    due = due_date(want, anchor, disregarded_periods(s, offender_id), policy)
    r = m.NotificationRequirement
    reqs = list(s.scalars(select(r).where(r.offender_id == offender_id, live(r))))
    ends = [x.ends_on for x in reqs if not x.indefinite and x.ends_on is not None]
    ended = bool(reqs) and len(ends) == len(reqs) and due is not None and due > max(ends)
    existing = None
    for n in pending_rows(s, offender_id):
        if n.kind in ("periodic", "weekly") and (n.kind != want or ended or existing is not None):
            void_pending(uow, n, "Superseded: the periodic clock restarted or the requirement ends first (s.85).")
        elif n.kind == want:
            existing = n
    if ended:
        return
    if existing is None:
        new_pending(uow, offender_id, want, anchor, due)
    else:
        set_due(uow, existing, anchor, due, f"periodic clock restarted {anchor:%d/%m/%Y} (s.85(2))")


def _audit_refusal(services: Services, actor: Actor, offender_id: int, problems: list[FieldProblem]) -> None:
    """The inspection found registrations taken at home and by phone: attempts are kept."""
    with unit_of_work(services, actor) as uow:
        uow.audit("notification.refuse", entity="statutory_notification", offender_id=offender_id,
                  outcome="refused", reason="; ".join(f"{p.field}: {p.message}" for p in problems))


def take_notification(services: Services, actor: Actor, offender_id: int, inp: NotificationInput) -> TakenNotification:
    """Record a notification given in person at a designated police station (s.87(1)).

    Answers the matching pending notification(s). One given after its due date is late: a
    breach opens (s.91) and its id comes back so the user goes to the breach decision. A refusal
    of fingerprints or photographs opens a breach too (s.87(4)). A notification that restarts
    the annual clock (s.85(2)) sets the next periodic or weekly one.
    """
    today = services.clock.today()
    with services.session_factory() as s:
        refused = _s87_problems(s, inp)
    if refused:
        _audit_refusal(services, actor, offender_id, refused)
        raise ValidationFailed(refused)
    problems = _input_problems(inp, today, services.clock.now())
    if problems:
        raise ValidationFailed(problems)
    with unit_of_work(services, actor) as uow:
        uow.authorise(Permission.WRITE_CASES, offender_id=offender_id)
        s = uow.session
        station = s.get_one(m.PoliceStation, inp.station_id)  # _s87_problems found it designated
        at = inp.notified_at or uow.now
        on = london_day(at)
        targets = _targets(uow, offender_id, inp)
        if not targets:  # volunteered, or a change nobody had recorded: date it from event_on
            problems = _unlisted_problems(inp, on)
            if problems:
                raise ValidationFailed(problems)
            details: dict[str, Any] = {}
            if inp.kind == "change_address" and inp.new_home is not None and inp.event_on is not None:
                a = record_address_change(uow, offender_id, inp.event_on, inp.new_home)
                details = {"address_id": a.id, "no_fixed_abode": inp.new_home.no_fixed_abode}
            others = [n.due_on for n in pending_rows(s, offender_id) if n.due_on]
            due = due_date(inp.kind, inp.event_on, disregarded_periods(s, offender_id), settings.notification_policy(s), others)
            targets = [new_pending(uow, offender_id, inp.kind, inp.event_on, due, details)]
        problems = _before_event_problems(targets, on)
        if problems:
            raise ValidationFailed(problems)
        captured = dict(inp.details or {})
        breaches = []
        for n in targets:
            d = details_of(n)
            d["taken"] = {"method": inp.method, "refused_biometrics": inp.refused_biometrics, "captured": captured}
            set_details(n, d)
            n.notified_at, n.station_id, n.in_person, n.taken_by_id = at, station.id, True, actor.user_id
            n.fingerprints_taken, n.photographs_taken = inp.fingerprints_taken, inp.photographs_taken
            n.late = n.due_on is not None and nd.is_late(n.due_on, on)
            uow.stamp_updated(n)
            s.flush()
            uow.audit("notification.take", entity="statutory_notification", entity_id=n.id,
                      offender_id=offender_id, details={"kind": n.kind, "due_on": n.due_on, "late": n.late,
                                                        "station": station.code, "notified_at": at,
                                                        "entered_later": at < uow.now})
            address_id = d.get("address_id")
            if n.kind in ("change_address", "change_premises") and address_id:
                moved_to = s.get(m.Address, address_id)
                if moved_to is not None and not moved_to.notified:
                    moved_to.notified = True
                    uow.stamp_updated(moved_to)
        if inp.refused_biometrics and True not in (inp.fingerprints_taken, inp.photographs_taken):
            # A refusal means neither was taken: recorded as False, which is how the breaches
            # workflow reads a refusal (None would mean "not asked").
            targets[0].fingerprints_taken = targets[0].photographs_taken = False
        s.flush()
        for n in targets:
            # One idempotent path opens late and refused-biometrics breaches (s.91), so a daily
            # sweep for missed notifications can never open the same breach twice.
            breaches.extend(notification_breaches(uow, n.id))
        _reset_periodic(uow, offender_id)
        recompute_pending(uow, offender_id, "notification taken")
        recompute_requirements(uow, offender_id)  # s.91B review date follows the first notification
        case_summary.refresh(s, offender_id, today)
        return taken_notification(s, targets, tuple(b.id for b in breaches))


def taken_notification(session: Session, rows: list[m.StatutoryNotification], breach_ids: tuple[int, ...]) -> TakenNotification:
    first = rows[0]
    taken = details_of(first).get("taken", {})
    station = session.get_one(m.PoliceStation, first.station_id)
    user = session.get_one(m.User, first.taken_by_id)
    dues = [n.due_on for n in rows if n.due_on]
    o = find_offender(session, first.offender_id)
    if first.notified_at is None:
        raise ValueError(f"notification {first.id} has not been given")
    return TakenNotification(
        tuple(n.id for n in rows), first.offender_id, tuple(n.kind for n in rows), first.notified_at,
        station.id, station.name, user.id, user.display_name, bool(first.fingerprints_taken),
        bool(first.photographs_taken), bool(taken.get("refused_biometrics")), dict(taken.get("captured", {})),
        min(dues, default=None), any(n.late for n in rows), breach_ids, o.next_notification_due)
