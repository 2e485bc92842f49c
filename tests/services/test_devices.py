from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from rso_manager.persistence import models as m
from rso_manager.services import breaches, devices
from rso_manager.services.caseload import OffenderDraft, create_offender
from rso_manager.services.devices import DeviceCheckInput, DeviceInput, OrderInput, RequirementInput
from rso_manager.services.errors import ValidationFailed

IMEI = "490154203237518"
IMEI2 = "356938035643809"


def _offender(services, world) -> int:
    return create_offender(services, world.om, OffenderDraft(
        surname="Device", forenames="Dan", date_of_birth=date(1980, 1, 1),
        offender_manager_id=world.om.user_id, team_id=world.team_id)).offender_id


def _home_visit(services, offender_id, on: date) -> int:
    """A completed home visit where the offender was seen (the visits service is separate)."""
    with services.session_factory.begin() as s:
        v = m.Visit(offender_id=offender_id, kind="home", status="completed", outcome="seen",
                    visited_at=datetime(on.year, on.month, on.day, 11, tzinfo=UTC),
                    created_at=services.clock.now())
        s.add(v)
        s.flush()
        return v.id


def _shpo(services, world, offender_id, *items, notify_days=3):
    return devices.record_order(services, world.om, offender_id, OrderInput(
        "SHPO", "Leeds Crown Court", date(2025, 1, 10), None, True, notify_days), list(items))


DEVICES_PROHIBITION = RequirementInput("prohibition", "devices", "Not to use any device capable of accessing the "
                                       "internet unless declared within 3 days", date(2025, 1, 10), None, True)


def test_bad_imei_is_refused_naming_the_field_and_nothing_saved(services, world):
    oid = _offender(services, world)
    with pytest.raises(ValidationFailed) as err:
        devices.declare_device(services, world.om, oid, DeviceInput("phone", "Pixel 8", imei="490154203237519",
                                                                    phone_number="07700 900123",
                                                                    declared_on=date(2026, 11, 1)))
    assert "check) digit" in err.value.for_field("imei")
    with pytest.raises(ValidationFailed) as err:
        devices.declare_device(services, world.om, oid, DeviceInput("phone", None, declared_on=date(2026, 12, 1)))
    assert err.value.for_field("make_model") and "future" in err.value.for_field("declared_on")
    assert devices.devices_for(services, world.om, oid) == []


def test_check_history_shows_never_checked_and_stale_devices(services, world):
    oid = _offender(services, world)
    phone = devices.declare_device(services, world.om, oid, DeviceInput(
        "phone", "Pixel 8", imei="49-015420-323751-8", phone_number="07700 900123", declared_on=date(2026, 1, 5),
        monitoring_software="eSafe"))
    laptop = devices.declare_device(services, world.om, oid, DeviceInput("laptop", "ThinkPad", serial="PF12345",
                                                                         declared_on=date(2026, 1, 5)))
    assert phone.imei == IMEI and phone.declared and phone.declared_to == world.om.display_name
    assert {d.device_id: d.flag for d in devices.devices_for(services, world.om, oid)} == {
        phone.device_id: "never checked", laptop.device_id: "never checked"}

    v1 = _home_visit(services, oid, date(2026, 3, 2))
    devices.record_checks(services, world.om, v1, [
        DeviceCheckInput(phone.device_id, "checked", "Browsing history reviewed; monitoring software active"),
        DeviceCheckInput(laptop.device_id, "refused", "Said it was at a friend's house")])
    for on in (date(2026, 6, 1), date(2026, 9, 1)):
        _home_visit(services, oid, on)
    rows = {d.device_id: d for d in devices.devices_for(services, world.om, oid)}
    assert rows[phone.device_id].last_checked_on == date(2026, 3, 2)
    assert rows[phone.device_id].flag == "not checked at the last 2 home visits"
    # A refusal is recorded as the last result but is not an inspection.
    assert rows[laptop.device_id].last_result == "refused"
    assert rows[laptop.device_id].last_checked_on is None
    assert rows[laptop.device_id].flag == "never checked"
    # As of the first visit, the phone was current.
    as_then = {d.device_id: d.flag for d in devices.devices_for(services, world.om, oid, as_of=date(2026, 3, 3))}
    assert as_then[phone.device_id] is None


def test_a_check_without_outcome_names_the_row(services, world):
    oid = _offender(services, world)
    phone = devices.declare_device(services, world.om, oid, DeviceInput("phone", "Pixel", declared_on=date(2026, 1, 5)))
    visit = _home_visit(services, oid, date(2026, 11, 20))
    with pytest.raises(ValidationFailed) as err:
        devices.record_checks(services, world.om, visit, [DeviceCheckInput(phone.device_id, "checked", " ")])
    assert err.value.for_field("checks[0].outcome")


def test_undeclared_device_at_a_visit_opens_a_breach(services, world):
    oid = _offender(services, world)
    visit = _home_visit(services, oid, date(2026, 11, 24))
    with services.session_factory() as s:
        triggers_before = len(s.scalars(select(m.VisitTrigger).where(m.VisitTrigger.offender_id == oid)).all())
    view = devices.report_undeclared_device(services, world.om, oid, visit,
                                            DeviceInput("phone", "iPhone 13", imei=IMEI2), date(2026, 11, 24))
    assert not view.declared and view.found_at_visit_id == visit
    assert view.last_result == "checked" and view.flag is None
    [b] = breaches.breaches_for(services, world.om, oid)
    assert (b.source, b.kind, b.device_id, b.status) == ("undeclared_device", "statutory_duty", view.device_id, "open")
    assert b.age_days == 1 and b.decision == "No crime reference or reasoned decision yet"
    with services.session_factory() as s:
        assert s.get(m.Offender, oid).open_breaches == 1
        triggers = s.scalars(select(m.VisitTrigger).where(m.VisitTrigger.offender_id == oid)).all()
        assert len(triggers) == triggers_before + 1 and triggers[-1].kind == "breach"
        action = s.scalar(select(m.Action).where(m.Action.offender_id == oid))
        assert action.description == "Review the risk assessment after breach on 24/11/2026"
        assert action.owner_id == world.om.user_id and action.due_on == date(2026, 12, 9)
    # The same IMEI found again is the device already on the record, not a new one.
    with pytest.raises(ValidationFailed) as err:
        devices.report_undeclared_device(services, world.om, oid, None, DeviceInput("phone", imei=IMEI2), date(2026, 11, 25))
    assert "already on the record" in err.value.for_field("imei")


def test_undeclared_device_breaches_the_shpo_prohibition_in_force(services, world):
    oid = _offender(services, world)
    order = _shpo(services, world, oid, DEVICES_PROHIBITION)
    devices.report_undeclared_device(services, world.om, oid, None, DeviceInput("tablet", "iPad"), date(2026, 11, 25))
    [b] = breaches.breaches_for(services, world.om, oid)
    assert b.kind == "order" and b.order_requirement.startswith("SHPO prohibition")
    with services.session_factory() as s:
        assert s.get(m.Breach, b.breach_id).order_requirement_id == order.requirements[0].requirement_id


def test_late_device_notification_opens_a_breach(services, world):
    oid = _offender(services, world)
    _shpo(services, world, oid, DEVICES_PROHIBITION, notify_days=3)
    devices.declare_device(services, world.om, oid, DeviceInput("phone", "Galaxy", declared_on=date(2026, 11, 3),
                                                                acquired_on=date(2026, 11, 1)))
    assert breaches.breaches_for(services, world.om, oid) == []  # within 3 days beginning with acquisition
    late = devices.declare_device(services, world.om, oid, DeviceInput("laptop", "Dell", declared_on=date(2026, 11, 20),
                                                                       acquired_on=date(2026, 11, 1)))
    [b] = breaches.breaches_for(services, world.om, oid)
    assert (b.source, b.kind, b.device_id, b.occurred_on) == ("late_notification", "order", late.device_id, date(2026, 11, 4))
    assert "within 3 days (by 03/11/2026)" in b.description


def test_accounts_required_where_the_order_requires_them(services, world):
    oid = _offender(services, world)
    _shpo(services, world, oid, RequirementInput("positive", "internet", "Provide all internet accounts and identifiers",
                                                 date(2025, 1, 10), None, True))
    with pytest.raises(ValidationFailed) as err:
        devices.declare_device(services, world.om, oid, DeviceInput("phone", "Pixel", declared_on=date(2026, 11, 1)))
    assert err.value.for_field("accounts")
    d = devices.declare_device(services, world.om, oid, DeviceInput("phone", "Pixel", accounts="dan@example.org",
                                                                    declared_on=date(2026, 11, 1)))
    assert d.accounts == "dan@example.org"


def test_status_change_keeps_the_old_values(services, world):
    oid = _offender(services, world)
    d = devices.declare_device(services, world.om, oid, DeviceInput("phone", "Pixel", declared_on=date(2026, 11, 1)))
    with pytest.raises(ValidationFailed) as err:
        devices.change_device_status(services, world.om, d.device_id, d.version_id, "seized", "x")
    assert err.value.for_field("reason")
    seized = devices.change_device_status(services, world.om, d.device_id, d.version_id, "seized",
                                          "Seized under warrant, exhibit DD/1")
    assert seized.status == "seized" and seized.flag is None
    with services.session_factory() as s:
        rev = s.scalar(select(m.RecordRevision).where(m.RecordRevision.entity == "device"))
        assert '"status": "active"' in rev.snapshot_json


def test_order_items_validated_with_named_fields(services, world):
    oid = _offender(services, world)
    with pytest.raises(ValidationFailed) as err:
        _shpo(services, world, oid,
              RequirementInput("prohibition", "contact", "No contact with children", date(2025, 1, 10), date(2027, 1, 10)),
              RequirementInput("prohibition", "foreign_travel", "No travel", date(2025, 1, 10), None, True))
    assert "at least 5 years" in err.value.for_field("requirements[0].ends_on")
    assert "at most 5 years" in err.value.for_field("requirements[1].ends_on")
    order = _shpo(services, world, oid, DEVICES_PROHIBITION)
    devices.add_order_requirement(services, world.om, order.order_id, RequirementInput(
        "prohibition", "foreign_travel", "No travel outside the UK", date(2025, 1, 10), date(2030, 1, 10)))
    [view] = devices.orders_for(services, world.om, oid)
    assert view.in_force and view.device_notify_days == 3
    assert [(r.category, r.in_force) for r in view.requirements] == [("devices", True), ("foreign_travel", True)]
