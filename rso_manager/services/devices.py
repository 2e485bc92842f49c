"""The device register, device checks at visits, and the civil orders that govern devices.

The inspection found offenders' devices unrecorded, no record of which devices were checked, and
a new phone in breach of an SHPO not acted on. So every device capable of storing images or
going online is registered with identifiers that are validated at entry, each visit records
what happened to each device, and a device found undeclared opens a breach in the same
transaction that records it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, fields, replace
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from rso_manager.domain import civil_orders as co
from rso_manager.domain.dates import london_day, within_days_beginning_with
from rso_manager.domain.device_identifiers import device_check_flags, imei_problem, normalise_imei
from rso_manager.domain.device_labels import device_label
from rso_manager.domain.roles import Permission
from rso_manager.persistence import models as m
from rso_manager.services import access, case_events, settings
from rso_manager.services.errors import FieldProblem, NotFound, ValidationFailed, reason_problem
from rso_manager.services.unit_of_work import (
    Actor,
    Services,
    UnitOfWork,
    find_offender,
    unit_of_work,
)

DEVICE_KINDS = ("phone", "tablet", "laptop", "desktop", "console", "camera", "storage", "other")
ONLINE_KINDS = frozenset({"phone", "tablet", "laptop", "desktop", "console"})
DEVICE_STATUSES = ("active", "disposed", "seized")
CHECK_RESULTS = ("checked", "not_seen", "refused")
ORDER_KINDS_WITH_DEVICE_TERMS = tuple(k.value for k in co.OrderKind)
_PHONE_DIGITS = re.compile(r"[\s\-()+.]")


@dataclass(frozen=True)
class DeviceInput:
    kind: str = "phone"
    make_model: str | None = None
    imei: str | None = None
    serial: str | None = None
    phone_number: str | None = None
    accounts: str | None = None  # accounts and internet identifiers, one a line
    declared_on: date | None = None
    declared_to_id: int | None = None  # the officer it was declared to; defaults to the user
    monitoring_software: str | None = None
    acquired_on: date | None = None  # when known: tests the order's days to notify a new device


@dataclass(frozen=True)
class DeviceCheckInput:
    device_id: int
    result: str  # checked | not_seen | refused
    outcome: str | None = None


@dataclass(frozen=True)
class DeviceView:
    device_id: int
    version_id: int
    offender_id: int
    kind: str
    make_model: str | None
    imei: str | None
    serial: str | None
    phone_number: str | None
    accounts: str | None
    declared: bool
    declared_on: date | None
    declared_to: str | None
    monitoring_software: str | None
    status: str
    found_at_visit_id: int | None
    last_checked_on: date | None  # last inspection with result "checked"
    last_check_on: date | None    # last attempt of any result
    last_result: str | None
    flag: str | None              # "never checked" | "not checked at the last N home visits"
    recorded_by: str | None = None  # who entered the device on the record, and when
    recorded_at: datetime | None = None

    @property
    def label(self) -> str:
        return device_label(self.kind, self.make_model, self.imei, self.serial)


@dataclass(frozen=True)
class OrderInput:
    kind: str = "SHPO"
    court: str | None = None
    made_on: date | None = None
    ends_on: date | None = None
    indefinite: bool = False
    device_notify_days: int | None = None


@dataclass(frozen=True)
class RequirementInput:
    kind: str = "prohibition"  # prohibition | positive
    category: str | None = None  # devices | internet | foreign_travel | contact | other
    text: str = ""
    starts_on: date | None = None
    ends_on: date | None = None
    indefinite: bool = False


@dataclass(frozen=True)
class RequirementView:
    requirement_id: int
    version_id: int
    order_id: int
    kind: str
    category: str | None
    text: str
    starts_on: date
    ends_on: date | None
    indefinite: bool
    in_force: bool
    recorded_by: str | None = None  # who entered it on the record, and when
    recorded_at: datetime | None = None


@dataclass(frozen=True)
class OrderView:
    order_id: int
    version_id: int
    kind: str
    court: str | None
    made_on: date
    ends_on: date | None
    indefinite: bool
    device_notify_days: int | None
    in_force: bool
    requirements: tuple[RequirementView, ...]
    recorded_by: str | None = None  # who entered it on the record, and when
    recorded_at: datetime | None = None


# --- civil orders ----------------------------------------------------------------------------


def _order_term(o: m.CivilOrder) -> co.Term:
    return co.Term(o.made_on, o.ends_on, o.indefinite)


def _req_term(r: m.OrderRequirement) -> co.Term:
    return co.Term(r.starts_on, r.ends_on, r.indefinite)


def active_requirements(s: Session, offender_id: int, on: date, category: str | None = None) -> list[m.OrderRequirement]:
    """Order items in force ON that day (order and item both in force, neither voided)."""
    stmt = (select(m.OrderRequirement, m.CivilOrder).join(m.CivilOrder, m.CivilOrder.id == m.OrderRequirement.order_id)
            .where(m.OrderRequirement.offender_id == offender_id, m.OrderRequirement.voided_at.is_(None),
                   m.CivilOrder.voided_at.is_(None)).order_by(m.OrderRequirement.id))
    if category is not None:
        stmt = stmt.where(m.OrderRequirement.category == category)
    rows = s.execute(stmt).all()
    return [r for r, o in rows if co.in_force(_order_term(o), on) and co.in_force(_req_term(r), on)]


def _problems(found: list[co.Problem], prefix: str = "") -> list[FieldProblem]:
    return [FieldProblem(prefix + p.field, p.message) for p in found]


def _clean_text(value: str | None) -> str | None:
    return (value or "").strip() or None


def _clean_requirement(r: RequirementInput) -> RequirementInput:
    return replace(r, text=r.text.strip(), category=_clean_text(r.category))


def record_order(services: Services, actor: Actor, offender_id: int, data: OrderInput,
                 requirements: Sequence[RequirementInput] = ()) -> OrderView:
    """An SHPO or SRO with its prohibitions and positive requirements as separate items."""
    today = services.clock.today()
    order_term = co.Term(data.made_on, data.ends_on, data.indefinite)
    requirements = [_clean_requirement(r) for r in requirements]
    problems = _problems(co.order_problems(data.kind, data.made_on, data.ends_on, data.indefinite,
                                           data.device_notify_days, today))
    for i, r in enumerate(requirements):
        problems += _problems(co.requirement_problems(data.kind, order_term, r.kind, r.category,
                                                      co.Term(r.starts_on, r.ends_on, r.indefinite), r.text),
                              f"requirements[{i}].")
    if problems:
        raise ValidationFailed(problems)
    with unit_of_work(services, actor) as uow:
        uow.authorise(Permission.WRITE_CASES, offender_id=offender_id)
        find_offender(uow.session, offender_id)
        o = uow.stamp_created(m.CivilOrder(offender_id=offender_id, kind=data.kind, court=_clean_text(data.court),
                                           made_on=data.made_on, ends_on=data.ends_on, indefinite=data.indefinite,
                                           device_notify_days=data.device_notify_days))
        uow.session.add(o)
        uow.session.flush()
        uow.audit("entry.create", entity="civil_order", entity_id=o.id, offender_id=offender_id,
                  details={"kind": o.kind, "made_on": o.made_on, "ends_on": o.ends_on, "indefinite": o.indefinite})
        for r in requirements:
            _add_requirement(uow, o, r)
        return _order_view(uow.session, o, today)


def _add_requirement(uow: UnitOfWork, o: m.CivilOrder, r: RequirementInput) -> m.OrderRequirement:
    req = uow.stamp_created(m.OrderRequirement(
        offender_id=o.offender_id, order_id=o.id, kind=r.kind, category=r.category, text=r.text,
        starts_on=r.starts_on, ends_on=r.ends_on, indefinite=r.indefinite))
    uow.session.add(req)
    uow.session.flush()
    uow.audit("entry.create", entity="order_requirement", entity_id=req.id, offender_id=o.offender_id,
              details={"order_id": o.id, "kind": req.kind, "category": req.category,
                       "starts_on": req.starts_on, "ends_on": req.ends_on, "indefinite": req.indefinite})
    return req


def add_order_requirement(services: Services, actor: Actor, order_id: int, data: RequirementInput) -> RequirementView:
    data = _clean_requirement(data)
    with unit_of_work(services, actor) as uow:
        o = uow.session.get(m.CivilOrder, order_id)
        if o is None or o.voided_at is not None:
            raise NotFound(f"No civil order {order_id}.")
        uow.authorise(Permission.WRITE_CASES, offender_id=o.offender_id)
        problems = _problems(co.requirement_problems(o.kind, _order_term(o), data.kind, data.category,
                                                     co.Term(data.starts_on, data.ends_on, data.indefinite), data.text))
        if problems:
            raise ValidationFailed(problems)
        req = _add_requirement(uow, o, data)
        return _requirement_view(req, services.clock.today())


def _requirement_view(r: m.OrderRequirement, on: date, names: dict[int, str] | None = None) -> RequirementView:
    return RequirementView(r.id, r.version_id, r.order_id, r.kind, r.category, r.text, r.starts_on, r.ends_on,
                           r.indefinite, co.in_force(_req_term(r), on),
                           (names or {}).get(r.created_by_id or 0), r.created_at)


def _order_view(s: Session, o: m.CivilOrder, on: date) -> OrderView:
    reqs = s.scalars(select(m.OrderRequirement).where(m.OrderRequirement.order_id == o.id,
                                                      m.OrderRequirement.voided_at.is_(None))
                     .order_by(m.OrderRequirement.id)).all()
    names: dict[int, str] = {uid: name for uid, name in s.execute(select(m.User.id, m.User.display_name).where(
        m.User.id.in_({u for u in (o.created_by_id, *(r.created_by_id for r in reqs)) if u}))).all()}
    return OrderView(o.id, o.version_id, o.kind, o.court, o.made_on, o.ends_on, o.indefinite, o.device_notify_days,
                     co.in_force(_order_term(o), on), tuple(_requirement_view(r, on, names) for r in reqs),
                     names.get(o.created_by_id or 0), o.created_at)


def orders_for(services: Services, actor: Actor, offender_id: int, as_of: date | None = None) -> list[OrderView]:
    as_of = as_of or services.clock.today()
    with access.reading(services, actor, offender_id) as s:
        find_offender(s, offender_id)
        orders = s.scalars(select(m.CivilOrder).where(m.CivilOrder.offender_id == offender_id,
                                                      m.CivilOrder.voided_at.is_(None))
                           .order_by(m.CivilOrder.made_on.desc(), m.CivilOrder.id.desc()))
        return [_order_view(s, o, as_of) for o in orders]


# --- the device register -------------------------------------------------------------------



def _clean_device(d: DeviceInput) -> DeviceInput:
    cleaned: dict[str, Any] = {f.name: _clean_text(getattr(d, f.name)) for f in fields(d)
                               if isinstance(getattr(d, f.name), str)}
    if imei := cleaned.get("imei"):
        cleaned["imei"] = normalise_imei(imei)
    return replace(d, **cleaned)


def _device_problems(s: Session, offender_id: int, d: DeviceInput, today: date, *, declared: bool) -> list[FieldProblem]:
    problems = []
    if d.kind not in DEVICE_KINDS:
        problems.append(FieldProblem("kind", "Choose the type of device."))
    if not (d.make_model or d.imei or d.serial or d.phone_number):
        problems.append(FieldProblem("make_model", "Describe the device: its make and model, or an identifier "
                                                   "(IMEI, serial number or phone number)."))
    if d.imei and (problem := imei_problem(d.imei)):
        problems.append(FieldProblem("imei", problem))
    digits = _PHONE_DIGITS.sub("", d.phone_number or "")
    if d.phone_number and not (digits.isdigit() and 7 <= len(digits) <= 15):
        problems.append(FieldProblem("phone_number", "A phone number has 7 to 15 digits (spaces, dashes and a "
                                                     "leading + are allowed); check what was typed."))
    if d.acquired_on and d.acquired_on > today:
        problems.append(FieldProblem("acquired_on", "The date acquired is in the future; check the year."))
    if declared:
        if d.declared_on is None:
            problems.append(FieldProblem("declared_on", "Enter the date the device was declared (DD/MM/YYYY)."))
        elif d.declared_on > today:
            problems.append(FieldProblem("declared_on", "The declaration date is in the future; check the year."))
        elif d.acquired_on and d.acquired_on > d.declared_on:
            problems.append(FieldProblem("acquired_on", "The device was acquired after it was declared; check the dates."))
        elif d.kind in ONLINE_KINDS and not d.accounts and active_requirements(s, offender_id, d.declared_on, co.Category.INTERNET):
            problems.append(FieldProblem("accounts", "The order requires accounts and internet identifiers: list the "
                                                     "accounts, usernames and email addresses used on this device."))
    if d.imei and not problems:
        same = s.scalar(select(m.Device).where(m.Device.offender_id == offender_id, m.Device.imei == d.imei,
                                               m.Device.voided_at.is_(None), m.Device.status == "active"))
        if same is not None:
            problems.append(FieldProblem("imei", f"A device with this IMEI is already on the record ({same.kind} "
                                                 f"{same.make_model or ''}, {'declared' if same.declared else 'found'}); "
                                                 "record a check of that device instead."))
    return problems


def _late_device_notification(uow: UnitOfWork, d: m.Device, acquired_on: date) -> None:
    """An order in force when the device was acquired gives N days to notify it: declared
    later than that, the late notification is a breach of the order."""
    s = uow.session
    orders = s.scalars(select(m.CivilOrder).where(
        m.CivilOrder.offender_id == d.offender_id, m.CivilOrder.voided_at.is_(None),
        m.CivilOrder.device_notify_days.is_not(None)).order_by(m.CivilOrder.made_on))
    for o in orders:
        if o.device_notify_days is None or not co.in_force(_order_term(o), acquired_on):
            continue
        deadline = within_days_beginning_with(acquired_on, o.device_notify_days)
        if d.declared_on is None or d.declared_on <= deadline:  # a device found is not a late declaration
            continue
        devices_item = next(iter(active_requirements(s, d.offender_id, acquired_on, co.Category.DEVICES)), None)
        case_events.open_breach(uow, offender_id=d.offender_id, kind="order", source="late_notification", device_id=d.id,
                     order_requirement_id=devices_item.id if devices_item else None,
                     occurred_on=deadline + timedelta(days=1),  # the first day it was late
                     description=(f"{d.kind.title()} {d.make_model or ''} acquired on {acquired_on:%d/%m/%Y} was "
                                  f"declared on {d.declared_on:%d/%m/%Y}; the {o.kind} made {o.made_on:%d/%m/%Y} "
                                  f"requires a new device to be notified within {o.device_notify_days} days "
                                  f"(by {deadline:%d/%m/%Y})."))
        return


def declare_device(services: Services, actor: Actor, offender_id: int, data: DeviceInput) -> DeviceView:
    """Register a device the offender declared. Declared later than an order allows, a
    breach opens with it."""
    data = _clean_device(data)
    with unit_of_work(services, actor) as uow:
        uow.authorise(Permission.WRITE_CASES, offender_id=offender_id)
        s = uow.session
        find_offender(s, offender_id)
        problems = _device_problems(s, offender_id, data, services.clock.today(), declared=True)
        if problems:
            raise ValidationFailed(problems)
        d = _new_device(uow, offender_id, data, declared=True)
        if data.acquired_on:
            _late_device_notification(uow, d, data.acquired_on)
        return _device_views(s, offender_id, services.clock.today(), only=d.id)[0]


def _new_device(uow: UnitOfWork, offender_id: int, data: DeviceInput, *, declared: bool,
                found_at_visit_id: int | None = None) -> m.Device:
    d = uow.stamp_created(m.Device(
        offender_id=offender_id, kind=data.kind, make_model=data.make_model, imei=data.imei, serial=data.serial,
        phone_number=data.phone_number, accounts=data.accounts, declared=declared,
        declared_on=data.declared_on if declared else None,
        declared_to_id=(data.declared_to_id or uow.actor.user_id or None) if declared else None,
        monitoring_software=data.monitoring_software, status="active", found_at_visit_id=found_at_visit_id))
    uow.session.add(d)
    uow.session.flush()
    uow.audit("entry.create", entity="device", entity_id=d.id, offender_id=offender_id,
              details={"kind": d.kind, "declared": declared, "imei": d.imei, "serial": d.serial,
                       "found_at_visit_id": found_at_visit_id})
    return d


def check_device(uow: UnitOfWork, device_id: int, visit_id: int | None, result: str, outcome: str | None,
                 on: date) -> m.DeviceCheck:
    """Record what happened to one device at a visit (for the visits service, in its transaction)."""
    s = uow.session
    outcome = _clean_text(outcome)
    problems = []
    if result not in CHECK_RESULTS:
        problems.append(FieldProblem("result", "Choose checked, not seen or refused."))
    if result == "checked" and not outcome:
        problems.append(FieldProblem("outcome", "Say what the check found (content, monitoring software, concerns)."))
    if on > uow.services.clock.today():
        problems.append(FieldProblem("checked_on", "The check date is in the future; check the date."))
    d = s.get(m.Device, device_id)
    if d is None or d.voided_at is not None:
        raise NotFound(f"No device {device_id}.")
    if d.status != "active":
        problems.append(FieldProblem("device_id", f"This device is recorded as {d.status}; only devices the "
                                                  "offender still has are checked."))
    if visit_id is not None:
        v = s.get(m.Visit, visit_id)
        if v is None or v.offender_id != d.offender_id:
            raise NotFound(f"No visit {visit_id} on this offender's record.")
    if problems:
        raise ValidationFailed(problems)
    c = uow.stamp_created(m.DeviceCheck(offender_id=d.offender_id, device_id=d.id, visit_id=visit_id, result=result,
                                        outcome=outcome, checked_on=on))
    s.add(c)
    s.flush()
    uow.audit("entry.create", entity="device_check", entity_id=c.id, offender_id=d.offender_id,
              details={"device_id": d.id, "visit_id": visit_id, "result": result, "on": on})
    return c


def _visit_day(v: m.Visit, today: date) -> date:
    return london_day(v.visited_at) if v.visited_at else (v.planned_on or today)


def record_checks(services: Services, actor: Actor, visit_id: int, results: Sequence[DeviceCheckInput]) -> list[DeviceView]:
    """Record each device's check at a visit; every problem is named by its row."""
    today = services.clock.today()
    with unit_of_work(services, actor) as uow:
        v = uow.session.get(m.Visit, visit_id)
        if v is None or v.voided_at is not None:
            raise NotFound(f"No visit {visit_id}.")
        uow.authorise(Permission.WRITE_CASES, offender_id=v.offender_id)
        problems: list[FieldProblem] = []
        for i, r in enumerate(results):
            try:
                d = uow.session.get(m.Device, r.device_id)
                if d is None or d.offender_id != v.offender_id:
                    raise NotFound(f"Device {r.device_id} is not on this offender's record.")
                check_device(uow, r.device_id, visit_id, r.result, r.outcome, _visit_day(v, today))
            except ValidationFailed as err:
                problems += [FieldProblem(f"checks[{i}].{p.field}", p.message) for p in err.problems]
        if problems:
            raise ValidationFailed(problems)
        return _device_views(uow.session, v.offender_id, today)


def record_undeclared_device(uow: UnitOfWork, offender_id: int, visit_id: int | None, data: DeviceInput,
                             found_on: date) -> m.Device:
    """A device found, not declared: register it as found, record it as checked, and open a
    breach of the order's device prohibition if one is in force, else of the statutory duty."""
    s = uow.session
    data = _clean_device(data)
    find_offender(s, offender_id)
    problems = _device_problems(s, offender_id, data, uow.services.clock.today(), declared=False)
    if found_on > uow.services.clock.today():
        problems.append(FieldProblem("found_on", "The date found is in the future; check the date."))
    if problems:
        raise ValidationFailed(problems)
    d = _new_device(uow, offender_id, data, declared=False, found_at_visit_id=visit_id)
    check_device(uow, d.id, visit_id, "checked", "Found during the visit; the offender had not declared it.", found_on)
    prohibition = next((r for r in active_requirements(s, offender_id, found_on, co.Category.DEVICES)
                        if r.kind == co.RequirementKind.PROHIBITION), None)
    where = " at a visit" if visit_id else ""
    case_events.open_breach(uow, offender_id=offender_id, source="undeclared_device", device_id=d.id, occurred_on=found_on,
                 kind="order" if prohibition else "statutory_duty",
                 duty=None if prohibition else "device_declaration",
                 order_requirement_id=prohibition.id if prohibition else None,
                 description=f"Undeclared {d.kind} {d.make_model or ''} found{where} on {found_on:%d/%m/%Y}"
                             + (f" (IMEI {d.imei})" if d.imei else "") + ".")
    return d


def report_undeclared_device(services: Services, actor: Actor, offender_id: int, visit_id: int | None,
                             data: DeviceInput, found_on: date) -> DeviceView:
    """record_undeclared_device as its own action (a device found outside the visit form)."""
    with unit_of_work(services, actor) as uow:
        uow.authorise(Permission.WRITE_CASES, offender_id=offender_id)
        d = record_undeclared_device(uow, offender_id, visit_id, data, found_on)
        return _device_views(uow.session, offender_id, services.clock.today(), only=d.id)[0]


def change_device_status(services: Services, actor: Actor, device_id: int, version_id: int, status: str,
                         reason: str) -> DeviceView:
    """Disposed or seized (or back to active, if that was a mistake): the old values are kept."""
    problems = []
    if status not in DEVICE_STATUSES:
        problems.append(FieldProblem("status", "Choose active, disposed or seized."))
    problems += filter(None, [reason_problem(
        "reason", reason, "Say why the status changed, for example who seized it and the exhibit reference.")])
    if problems:
        raise ValidationFailed(problems)
    with unit_of_work(services, actor) as uow:
        d = uow.load(m.Device, device_id, version_id)
        if d.status == status:
            raise ValidationFailed(FieldProblem("status", f"The device is already recorded as {status}."))
        before = d.status
        uow.keep_revision(d, entity="device", offender_id=d.offender_id, reason=reason.strip())
        d.status = status
        uow.stamp_updated(d)
        uow.session.flush()
        uow.audit("entry.correct", entity="device", entity_id=d.id, offender_id=d.offender_id, reason=reason.strip(),
                  details={"before": {"status": before}, "after": {"status": status}})
        return _device_views(uow.session, d.offender_id, services.clock.today(), only=d.id)[0]


def _home_visit_dates(s: Session, offender_id: int, as_of: date) -> list[date]:
    """Home visits where the offender was seen: only those could have checked a device."""
    stamps = s.scalars(select(m.Visit.visited_at).where(
        m.Visit.offender_id == offender_id, m.Visit.voided_at.is_(None), m.Visit.kind == "home",
        m.Visit.status == "completed", m.Visit.outcome == "seen", m.Visit.visited_at.is_not(None)))
    return sorted(d for d in (london_day(t) for t in stamps if t is not None) if d <= as_of)


def _device_views(s: Session, offender_id: int, as_of: date, only: int | None = None) -> list[DeviceView]:
    devices = s.scalars(select(m.Device).where(m.Device.offender_id == offender_id, m.Device.voided_at.is_(None))
                        .order_by(m.Device.id)).all()
    checks = s.execute(select(m.DeviceCheck.device_id, m.DeviceCheck.checked_on, m.DeviceCheck.result)
                       .where(m.DeviceCheck.offender_id == offender_id, m.DeviceCheck.voided_at.is_(None),
                              m.DeviceCheck.checked_on <= as_of)
                       .order_by(m.DeviceCheck.checked_on, m.DeviceCheck.id)).all()
    window = int(settings.get(s, "device_check_visits"))
    flags = device_check_flags(
        [(d.id, d.declared_on or london_day(d.created_at), d.status) for d in devices],
        [(device_id, on, result) for device_id, on, result in checks], _home_visit_dates(s, offender_id, as_of), window)
    last_any: dict[int, tuple[date, str]] = {}
    last_checked: dict[int, date] = {}
    for device_id, on, result in checks:  # ordered oldest first, so the last write wins
        last_any[device_id] = (on, result)
        if result == "checked":
            last_checked[device_id] = on
    names: dict[int | None, str] = dict(s.execute(select(m.User.id, m.User.display_name).where(
        m.User.id.in_({u for d in devices for u in (d.declared_to_id, d.created_by_id) if u}))).all())
    return [
        DeviceView(d.id, d.version_id, d.offender_id, d.kind, d.make_model, d.imei, d.serial, d.phone_number,
                   d.accounts, d.declared, d.declared_on, names.get(d.declared_to_id), d.monitoring_software,
                   d.status, d.found_at_visit_id, last_checked.get(d.id),
                   last_any.get(d.id, (None, None))[0], last_any.get(d.id, (None, None))[1], flags.get(d.id),
                   names.get(d.created_by_id), d.created_at)
        for d in devices if only is None or d.id == only
    ]


def devices_for(services: Services, actor: Actor, offender_id: int, as_of: date | None = None) -> list[DeviceView]:
    """The register with each device's last check and its flag (never checked / stale)."""
    with access.reading(services, actor, offender_id) as s:
        find_offender(s, offender_id)
        return _device_views(s, offender_id, as_of or services.clock.today())


# --- the register as the record page shows it ------------------------------------------------


@dataclass(frozen=True)
class DeviceCheckView:
    """What happened to one device at one visit (or on the day it was found)."""

    check_id: int
    device_id: int
    checked_on: date
    result: str  # checked | not_seen | refused
    outcome: str | None
    visit_id: int | None
    visit: str | None  # "Home visit (seen)" when the check was made at a visit
    recorded_by: str | None


@dataclass(frozen=True)
class DeviceBreach:
    """A breach raised from a device (found undeclared, or used against an order's terms)."""

    breach_id: int
    occurred_on: date
    description: str
    status: str  # open | closed
    crime_reference: str | None


@dataclass(frozen=True)
class DeviceRegister:
    """One offender's devices with every check of each, for the devices page."""

    devices: tuple[DeviceView, ...]
    checks: dict[int, tuple[DeviceCheckView, ...]]  # device_id -> checks, newest first
    found_on: dict[int, date]  # devices found undeclared -> the day they were found
    check_window: int  # the N of "not checked at the last N home visits"
    breaches: dict[int, tuple[DeviceBreach, ...]] = field(default_factory=dict)  # device_id -> its breaches


def _visit_text(v: m.Visit | None) -> str | None:
    if v is None:
        return None
    kind = "Home visit" if v.kind == "home" else "Office interview"
    return f"{kind} ({(v.outcome or v.status).replace('_', ' ')})"


def device_register(services: Services, actor: Actor, offender_id: int, as_of: date | None = None) -> DeviceRegister:
    """devices_for plus each device's check history: the record's devices page in one read."""
    as_of = as_of or services.clock.today()
    with access.reading(services, actor, offender_id) as s:
        find_offender(s, offender_id)
        views = _device_views(s, offender_id, as_of)
        rows = s.scalars(select(m.DeviceCheck).where(m.DeviceCheck.offender_id == offender_id,
                                                     m.DeviceCheck.voided_at.is_(None))
                         .order_by(m.DeviceCheck.checked_on.desc(), m.DeviceCheck.id.desc())).all()
        visits = {v.id: v for v in s.scalars(select(m.Visit).where(
            m.Visit.id.in_({c.visit_id for c in rows if c.visit_id})))}
        names = dict(s.execute(select(m.User.id, m.User.display_name).where(
            m.User.id.in_({c.created_by_id for c in rows if c.created_by_id}))).all())
        checks: dict[int, list[DeviceCheckView]] = {}
        for c in rows:
            checks.setdefault(c.device_id, []).append(DeviceCheckView(
                c.id, c.device_id, c.checked_on, c.result, c.outcome, c.visit_id,
                _visit_text(visits[c.visit_id]) if c.visit_id in visits else None,
                names.get(c.created_by_id) if c.created_by_id else None))
        found_on = {}
        for d in views:
            if not d.declared and checks.get(d.device_id):
                found_on[d.device_id] = checks[d.device_id][-1].checked_on  # the first check: when found
        breaches: dict[int, list[DeviceBreach]] = {}
        for b in s.scalars(select(m.Breach).where(m.Breach.offender_id == offender_id, m.Breach.voided_at.is_(None),
                                                  m.Breach.device_id.is_not(None))
                           .order_by(m.Breach.occurred_on.desc(), m.Breach.id.desc())):
            assert b.device_id is not None
            breaches.setdefault(b.device_id, []).append(
                DeviceBreach(b.id, b.occurred_on, b.description, b.status, b.crime_reference))
        return DeviceRegister(tuple(views), {k: tuple(v) for k, v in checks.items()}, found_on,
                              int(settings.get(s, "device_check_visits")),
                              {k: tuple(v) for k, v in breaches.items()})


def record_found_device(services: Services, actor: Actor, offender_id: int, data: DeviceInput,
                        found_on: date | None, visit_id: int | None = None) -> DeviceView:
    """report_undeclared_device from a form: an empty date is named like any other field."""
    if found_on is None:
        raise ValidationFailed(FieldProblem("found_on", "Enter the date the device was found (DD/MM/YYYY)."))
    return report_undeclared_device(services, actor, offender_id, visit_id, data, found_on)
