"""Devices, orders, breaches and warnings in the record window, against real SQLite data (issue 5)."""

from __future__ import annotations

import os
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from rso_manager.services import breaches as br
from rso_manager.services import devices as dv
from rso_manager.services.devices import DeviceInput, OrderInput, RequirementInput
from rso_manager.services.visits import VisitInput, record_visit
from tests.ui.conftest import make_offender
from ui.kit.widgets import select_first
from ui.workflows.breaches import BreachesPage, open_breach_decision
from ui.workflows.devices import DevicesPage
from ui.workflows.orders import OrdersPage

GOOD_IMEI = "490154203237518"
REASONS = ("The offender declared the phone two days late because he was in hospital, which the ward "
           "confirmed; the phone was checked at the visit and held nothing of concern.")
SUPERVISOR_REASONS = ("I have read the hospital confirmation and the device check. A prosecution is not "
                      "proportionate; the OM will re-check the phone at the next unannounced visit.")
WARNING = ("Warned that declaring a device late is an offence and that any further delay will be recorded "
           "as a crime and put before the CPS.")


def _show(window, key: str, title: str):
    """Bring the part forward (a page reads its data when shown) and wait for it."""
    page = window.section_tabs[key]
    window.tabs.setCurrentIndex(window.tab_index(title))
    window._qtbot.waitUntil(lambda: page.loaded and not page._stale, timeout=5000)
    return page


def _devices(window) -> DevicesPage:
    return _show(window, "devices", "Devices")


def _orders(window) -> OrdersPage:
    return _show(window, "orders", "Orders")


def _breaches(window) -> BreachesPage:
    return _show(window, "breaches", "Breaches")


def _refreshed(qtbot, page, action) -> None:
    """Run ACTION and wait for the page to show the record as it is afterwards."""
    with qtbot.waitSignal(page.details_loaded, timeout=5000):
        action()


def _wait_message(qtbot, errors, field: str) -> str:
    qtbot.waitUntil(lambda: errors.message(field) != "", timeout=5000)
    return errors.message(field)


def test_undeclared_phone_found_at_a_visit_ends_in_a_crime_reference(qtbot, sqlite_services, world, prompter,
                                                                       record_window):
    record = make_offender(sqlite_services, world.om, "Quillfeather", "Arthur")
    result = record_visit(sqlite_services, world.om, VisitInput(
        offender_id=record.offender_id, visited_at=datetime(2026, 11, 24, 18, 30, tzinfo=UTC), outcome="seen",
        officer_ids=(world.om.user_id, world.supervisor.user_id),
        found_devices=(DeviceInput(kind="phone", make_model="Samsung Galaxy A15", imei=GOOD_IMEI),)))
    assert len(result.breach_ids) == 1
    window = record_window(record)

    devices = _devices(window)
    [phone] = devices.devices_model.rows()
    assert devices.devices_model.index(0, 1).data() == "FOUND NOT\nDECLARED\n24/11/2026"
    assert devices.checks_model.rowCount() == 1  # recorded as checked on the day found
    assert devices.checks_model.index(0, 1).data() == "Home visit (seen)"
    assert "found that was not declared" in devices.alert.text()

    page = _breaches(window)
    [breach] = page.breaches_model.rows()
    assert breach.status == "open" and "Undeclared phone" in breach.description
    assert page.breaches_model.index(0, 3).data() == "Open"
    assert page.breaches_model.index(0, 1).data() == "1 day"
    assert page.decision_button.isEnabled()
    dialog = page.record_decision()
    qtbot.waitUntil(lambda: dialog.loaded, timeout=5000)
    assert "NY-26-012345" in dialog.format_hint.text()
    assert dialog.crime_option.isChecked()  # recording the crime is the default
    dialog.crime_reference.setText("12345")
    dialog.submit()
    message = _wait_message(qtbot, dialog.errors, "crime_reference")
    assert "NY-26-012345" in message and dialog.errors.is_marked("crime_reference")
    assert dialog.crime_reference.text() == "12345"
    dialog.crime_reference.setText("ny-26-004321")
    _refreshed(qtbot, page, dialog.submit)
    assert not dialog.isVisible()
    [breach] = page.breaches_model.rows()
    assert breach.status == "closed" and breach.crime_reference == "NY-26-004321"
    assert page.breaches_model.index(0, 3).data() == "Closed"
    assert not page.decision_button.isEnabled()
    assert not page.alert.isVisibleTo(page)


def test_bad_imei_is_refused_beside_the_field(qtbot, sqlite_services, world, prompter, record_window):
    record = make_offender(sqlite_services, world.om)
    window = record_window(record)
    page = _devices(window)
    assert page.empty_label.isVisibleTo(page)
    dialog = page.declare()
    assert dialog.on_date.text() == "25/11/2026"  # declared today, unless changed
    dialog.make_model.setText("Apple iPhone 13")
    dialog.imei.setText("4901 5420 3237 519")  # last digit mistyped
    dialog.submit()
    message = _wait_message(qtbot, dialog.errors, "imei")
    assert "(check) digit does not match" in message and dialog.errors.is_marked("imei")
    assert dialog.make_model.text() == "Apple iPhone 13" and dialog.isVisible()
    dialog.imei.setText("4901 5420 3237 518")
    _refreshed(qtbot, page, dialog.submit)
    [phone] = page.devices_model.rows()
    assert phone.imei == GOOD_IMEI and phone.declared
    assert page.devices_model.index(0, 1).data() == "25/11/2026"


def test_never_checked_device_is_flagged(qtbot, sqlite_services, world, prompter, record_window):
    record = make_offender(sqlite_services, world.om)
    dv.declare_device(sqlite_services, world.om, record.offender_id, DeviceInput(
        kind="laptop", make_model="Lenovo ThinkPad", serial="PF3X9K2", declared_on=date(2026, 11, 1)))
    window = record_window(record)
    page = _devices(window)
    [laptop] = page.devices_model.rows()
    assert laptop.flag == "never checked"
    assert page.devices_model.index(0, 6).data() == "Never checked"
    assert page.devices_model.index(0, 4).data() == "Never"
    assert page.devices_model.index(0, 6).data(Qt.ItemDataRole.BackgroundRole) is not None
    assert page.alert.isVisibleTo(page) and "1 never checked" in page.alert.text()
    assert page.checks_empty.isVisibleTo(page)
    assert window.tabs.tabText(window.tab_index("Devices")) == "Devices (1)"
    # Seized: the flag goes, the device stays with its status.
    page.devices_view.selectRow(0)
    dialog = page.change_status()
    dialog.choose("seized")
    dialog.reason.setPlainText("Seized by DC Patel under warrant, exhibit AP/1")
    _refreshed(qtbot, page, dialog.submit)
    [laptop] = page.devices_model.rows()
    assert laptop.status == "seized" and laptop.flag is None
    assert page.devices_model.index(0, 3).data() == "Seized"


def test_declare_shortcut_opens_the_form(qtbot, sqlite_services, world, prompter, record_window):
    record = make_offender(sqlite_services, world.om)
    window = record_window(record)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=2000)
    assert window.tabs.currentIndex() != window.tab_index("Devices")
    assert "devices" not in window._built_parts  # not built with the window: its key builds it
    qtbot.keyClick(window, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert window.tabs.currentIndex() == window.tab_index("Devices")  # the page comes forward
    page = window.section_tabs["devices"]
    assert page.dialog is not None and page.dialog.isVisible()
    page.dialog.close()
    first = page.dialog
    # From another part, the part's own key now (the stand-in is gone, so the key is not ambiguous).
    window.tabs.setCurrentIndex(window.tab_index("Personal details"))
    qtbot.keyClick(window, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert window.tabs.currentIndex() == window.tab_index("Devices")
    assert page.dialog is not None and page.dialog is not first and page.dialog.isVisible()
    page.dialog.close()


def test_the_declare_key_works_once_the_part_is_built_by_choosing_it(qtbot, sqlite_services, world, prompter,
                                                                    record_window):
    record = make_offender(sqlite_services, world.om)
    window = record_window(record)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=2000)
    window.tabs.setCurrentIndex(window.tab_index("Devices"))  # built by being chosen
    page = window.section_tabs["devices"]
    window.tabs.setCurrentIndex(window.tab_index("Personal details"))
    qtbot.keyClick(window, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert window.tabs.currentIndex() == window.tab_index("Devices")
    assert page.dialog is not None and page.dialog.isVisible()
    page.dialog.close()


def test_noted_is_refused_with_guidance_then_a_supervisor_signs(qtbot, sqlite_services, world, prompter,
                                                                record_window):
    record = make_offender(sqlite_services, world.om)
    breach = br.open_manual_breach(sqlite_services, world.om, record.offender_id, br.BreachInput(
        "statutory_duty", date(2026, 11, 10), "Failed to notify a change of name within 3 days",
        duty="change_notification"))
    window = record_window(record)
    page = _breaches(window)
    [row] = page.breaches_model.rows()
    assert page.breaches_model.index(0, 1).data() == "15 days"
    assert page.breaches_model.index(0, 1).data(Qt.ItemDataRole.ForegroundRole).color().name() == "#b3261e"
    assert "open for more than a week" in page.alert.text()
    assert not page.decide_button.isVisibleTo(page)  # an offender manager does not sign

    dialog = open_breach_decision(window.context, breach.breach_id)
    qtbot.waitUntil(lambda: dialog.loaded, timeout=5000)
    dialog.choose_no_crime()
    assert dialog.save_button.text() == "Send to a supervisor"
    assert not dialog.crime_reference.isEnabled() and dialog.rationale.isEnabled()
    dialog.rationale.setPlainText("noted")
    dialog.submit()
    message = _wait_message(qtbot, dialog.errors, "rationale")
    assert "stock phrase" in message and "what was considered" in message
    assert dialog.rationale.toPlainText() == "noted" and dialog.isVisible()
    dialog.rationale.setPlainText(REASONS)
    _refreshed(qtbot, page, dialog.submit)
    assert prompter.messages[-1][1] == "Sent to a supervisor"
    assert page.breaches_model.index(0, 3).data() == "Open: awaiting sign-off"
    assert "awaiting supervisor sign-off" in page.breaches_model.index(0, 5).data()

    # The supervisor sees Decide... and signs with reasons; the breach closes.
    sup_window = record_window(record, world.supervisor)
    sup_page = _breaches(sup_window)
    assert sup_page.decide_button.isVisibleTo(sup_page) and sup_page.decide_button.isEnabled()
    decide = sup_page.decide()
    decide.rationale.setPlainText("ok")
    decide.submit()
    assert "Choose approve or return" in _wait_message(qtbot, decide.errors, "decision")
    decide.approve.setChecked(True)
    decide.submit()
    assert "stock phrase" in _wait_message(qtbot, decide.errors, "rationale")
    decide.rationale.setPlainText(SUPERVISOR_REASONS)
    _refreshed(qtbot, sup_page, decide.submit)
    [row] = sup_page.breaches_model.rows()
    assert row.status == "closed" and row.decision.startswith("No crime recorded: decision signed by Sam Supervisor")


def test_a_warning_keeps_its_rationale_and_does_not_close_the_breach(qtbot, sqlite_services, world, prompter,
                                                                     record_window):
    record = make_offender(sqlite_services, world.supervisor)
    breach = br.open_manual_breach(sqlite_services, world.supervisor, record.offender_id, br.BreachInput(
        "statutory_duty", date(2026, 11, 20), "Declared a tablet 10 days after getting it",
        duty="device_declaration"))
    window = record_window(record, world.supervisor)
    page = _breaches(window)
    page.select_breach(breach.breach_id)
    dialog = page.give_warning()
    assert "does not close a breach" in " ".join(w.text() for w in dialog.findChildren(type(dialog.hint)))
    assert dialog.breach.currentData() == breach.breach_id  # the selected breach, by default
    dialog.written.setChecked(True)
    dialog.rationale.setPlainText(WARNING)
    _refreshed(qtbot, page, dialog.submit)
    [warning] = page.warnings_model.rows()
    assert warning.rationale == WARNING and warning.kind == "written"
    assert page.warnings_model.index(0, 3).data() == WARNING
    [row] = page.breaches_model.rows()
    assert row.status == "open" and page.breaches_model.index(0, 6).data() == "Written 25/11/2026"

    # The letter goes through the worker and opens through the injected opener (the print
    # dialog cancelled, and "Open it now?" answered Yes).
    opened = []
    page.opener = opened.append
    page.ask_printer = lambda parent, title: None
    prompter.confirms[:] = [True]
    assert page.select_warning(warning.warning_id)
    assert page.print_button.isVisibleTo(page) and page.print_button.isEnabled()
    page.print_letter()
    qtbot.waitUntil(lambda: bool(opened), timeout=5000)
    assert opened[0].read_bytes().startswith(b"%PDF")


def test_open_a_breach_refuses_a_future_date_beside_the_field(qtbot, sqlite_services, world, prompter,
                                                             record_window):
    record = make_offender(sqlite_services, world.om)
    window = record_window(record)
    page = _breaches(window)
    assert page.breaches_empty.isVisibleTo(page)
    dialog = page.open_breach()
    dialog.duty.setCurrentIndex(dialog.duty.findData("periodic_notification"))
    dialog.occurred_on.edit.setText("01/12/2026")
    dialog.description.setPlainText("Did not attend for the annual notification")
    dialog.submit()
    assert "in the future" in _wait_message(qtbot, dialog.errors, "occurred_on")
    assert dialog.description.toPlainText() == "Did not attend for the annual notification"
    dialog.occurred_on.edit.setText("20/11/2026")
    _refreshed(qtbot, page, dialog.submit)
    [row] = page.breaches_model.rows()
    assert row.duty == "Periodic notification (SOA 2003 s.85)"


def test_record_an_order_with_a_message_beside_the_right_row(qtbot, sqlite_services, world, prompter,
                                                            record_window):
    record = make_offender(sqlite_services, world.om)
    window = record_window(record)
    page = _orders(window)
    dialog = page.record_order()
    dialog.court.setText("Northam Crown Court")
    dialog.made_on.edit.setText("01/03/2025")
    dialog.indefinite.setChecked(True)
    dialog.device_notify_days.setValue(3)
    first = dialog.rows[0]
    assert first.starts_on.text() == "01/03/2025" and first.indefinite.isChecked()  # follow the order
    first.category.setCurrentIndex(first.category.findData("devices"))
    first.text.setPlainText("Not to use any device capable of accessing the internet unless declared")
    second = dialog.add_requirement_row()
    second.category.setCurrentIndex(second.category.findData("foreign_travel"))
    second.text.setPlainText("Not to travel outside the United Kingdom")
    dialog.submit()  # a foreign travel prohibition cannot be indefinite
    message = _wait_message(qtbot, second.errors, "ends_on")
    assert "at most 5 years" in message and first.errors.message("ends_on") == ""
    second.indefinite.setChecked(False)
    second.ends_on.edit.setText("28/02/2030")
    _refreshed(qtbot, page, dialog.submit)
    [order] = page.orders
    assert order.device_notify_days == 3 and len(order.requirements) == 2
    model = page.lines_model
    assert model.rowCount() == 3  # the order, then its two items
    assert model.index(0, 0).data() == "SHPO made 01/03/2025 at Northam Crown Court"
    assert model.index(0, 5).data() == "3 days" and model.index(0, 3).data() == "Until further order"
    assert model.index(2, 0).data() == "Prohibition: Not to travel outside the United Kingdom"
    assert model.index(2, 3).data() == "28/02/2030" and model.index(2, 4).data() == "In force"

    # Add a positive requirement to the order already recorded.
    page.select("civil_order", order.order_id)
    add = page.add_requirement()
    add.item.kind.setCurrentIndex(add.item.kind.findData("positive"))
    add.item.category.setCurrentIndex(add.item.category.findData("internet"))
    add.item.text.setPlainText("To make any device available for inspection on request")
    add.submit()
    assert _wait_message(qtbot, add.errors, "starts_on").startswith("Enter the date")
    add.item.starts_on.edit.setText("01/03/2025")
    _refreshed(qtbot, page, add.submit)
    assert model.rowCount() == 4 and model.index(3, 0).data().startswith("Positive requirement: To make")


def test_order_breach_from_the_order_item(qtbot, sqlite_services, world, prompter, record_window):
    record = make_offender(sqlite_services, world.om)
    order = dv.record_order(sqlite_services, world.om, record.offender_id,
                            OrderInput("SHPO", "Northam Crown Court", date(2025, 3, 1), None, True, 3),
                            [RequirementInput("prohibition", "contact", "No contact with children under 16",
                                              date(2025, 3, 1), None, True)])
    window = record_window(record)
    page = _breaches(window)
    dialog = page.open_breach()
    dialog.kind.setCurrentIndex(dialog.kind.findData("order"))
    assert not dialog.duty.isVisibleTo(dialog) and dialog.requirement.isVisibleTo(dialog)
    qtbot.waitUntil(lambda: dialog.requirement.count() == 2, timeout=5000)
    dialog.requirement.setCurrentIndex(1)
    dialog.occurred_on.edit.setText("22/11/2026")
    dialog.description.setPlainText("Seen talking to a 12-year-old at the park by a PCSO")
    _refreshed(qtbot, page, dialog.submit)
    [row] = page.breaches_model.rows()
    assert row.order_requirement == "SHPO prohibition: No contact with children under 16"
    assert order.requirements[0].text in row.order_requirement


def test_every_model_of_the_three_parts_passes_the_model_tester(qtmodeltester, qtbot, sqlite_services, world,
                                                                 prompter, record_window):
    record, phone = _full_record(sqlite_services, world)
    window = record_window(record)
    devices = _devices(window)
    assert devices.devices_model.rowCount() == 3
    select_first(devices.devices_view, lambda d: d.device_id == phone.device_id)
    assert devices.checks_model.rowCount() == 2
    orders = _orders(window)
    assert orders.lines_model.rowCount() == 7  # two orders, five items
    breaches = _breaches(window)
    assert breaches.breaches_model.rowCount() == 3 and breaches.warnings_model.rowCount() == 1
    for model in (devices.devices_model, devices.checks_model, orders.lines_model, breaches.breaches_model,
                  breaches.warnings_model):
        qtmodeltester.check(model)
    for view in (devices.devices_view, devices.checks_view, orders.table, breaches.breaches_view,
                 breaches.warnings_view):
        qtmodeltester.check(view.model())  # the sorting proxy over it


def test_show_entry_opens_the_decision_on_that_breach(qtbot, sqlite_services, world, prompter, record_window):
    """How another workflow (a late notification) leads to a breach's decision without importing
    the breaches workflow."""
    record = make_offender(sqlite_services, world.om)
    first = br.open_manual_breach(sqlite_services, world.om, record.offender_id, br.BreachInput(
        "statutory_duty", date(2026, 11, 10), "Failed to notify a change of name within 3 days",
        duty="change_notification"))
    second = br.open_manual_breach(sqlite_services, world.om, record.offender_id, br.BreachInput(
        "statutory_duty", date(2026, 11, 20), "Declared a tablet 10 days after getting it", duty="device_declaration"))
    window = record_window(record)
    assert window.tabs.currentIndex() != window.tab_index("Breaches")
    dialog = window.context.show_entry("breaches", first.breach_id)
    assert window.tabs.currentIndex() == window.tab_index("Breaches")
    page = window.section_tabs["breaches"]
    assert dialog is page.dialog and dialog.isVisible() and dialog.breach_id == first.breach_id
    qtbot.waitUntil(lambda: dialog.loaded, timeout=5000)
    assert "change of name" in dialog.summary.text() and "tablet" not in dialog.summary.text()
    assert dialog.heading.text() == f"Decision on a breach: {record.name} ({record.reference})"
    dialog.crime_reference.setText("NY-26-004321")
    _refreshed(qtbot, page, dialog.submit)
    closed = {b.breach_id: b.status for b in page.breaches_model.rows()}
    assert closed == {first.breach_id: "closed", second.breach_id: "open"}


def test_a_save_over_someone_elses_change_offers_to_reload(qtbot, sqlite_services, world, prompter, record_window):
    record = make_offender(sqlite_services, world.om)
    laptop = dv.declare_device(sqlite_services, world.om, record.offender_id, DeviceInput(
        kind="laptop", make_model="Lenovo ThinkPad", serial="PF3X9K2", declared_on=date(2026, 11, 1)))
    window = record_window(record)
    page = _devices(window)
    page.devices_view.selectRow(0)
    dialog = page.change_status()
    dialog.choose("seized")
    dialog.reason.setPlainText("Seized by DC Patel under warrant, exhibit AP/1")
    # Meanwhile a colleague records it as disposed of.
    dv.change_device_status(sqlite_services, world.supervisor, laptop.device_id, laptop.version_id, "disposed",
                            "Sold at a car boot sale, receipt seen at the office")
    prompter.confirms[:] = [True]  # Reload
    _refreshed(qtbot, page, dialog.submit)
    assert prompter.messages[-1][:2] == ("confirm", "Changed by someone else")
    assert dialog.isVisible() and dialog.save_button.isEnabled()  # nothing typed is lost
    assert dialog.reason.toPlainText().startswith("Seized by DC Patel")
    [row] = page.devices_model.rows()
    assert row.status == "disposed"


def test_empty_parts_say_why_and_what_to_do(qtbot, sqlite_services, world, prompter, record_window):
    record = make_offender(sqlite_services, world.om)
    window = record_window(record)
    orders = _orders(window)
    assert orders.table_panel.is_empty_shown() and "Record an SHPO or SRO" in orders.empty_label.text()
    breaches = _breaches(window)
    assert breaches.breaches_panel.is_empty_shown() and "Open a breach..." in breaches.breaches_empty.text()
    assert breaches.warnings_panel.is_empty_shown()
    devices = _devices(window)
    assert devices.devices_panel.is_empty_shown() and "Declare each phone" in devices.empty_label.text()
    assert devices.checks_panel.is_empty_shown() and devices.checks_empty.text() == "Select a device to see its checks."


def test_closing_a_form_with_typed_text_asks_first(qtbot, sqlite_services, world, prompter, record_window):
    record = make_offender(sqlite_services, world.om)
    window = record_window(record)
    page = _devices(window)
    dialog = page.declare()
    dialog.reject()  # nothing typed: closes at once
    assert not dialog.isVisible() and prompter.messages == []
    dialog = page.declare()
    dialog.make_model.setText("Apple iPhone 13")
    dialog.reject()  # the prompter answers "Keep editing"
    assert dialog.isVisible() and prompter.messages[-1][1] == "Discard what you typed?"
    prompter.confirms[:] = [True]
    dialog.reject()
    assert not dialog.isVisible()


def test_return_saves_whichever_button_has_the_focus(qtbot, sqlite_services, world, prompter, record_window):
    record = make_offender(sqlite_services, world.om)
    window = record_window(record)
    page = _orders(window)
    dialog = page.record_order()
    qtbot.waitUntil(dialog.isVisible, timeout=2000)
    dialog.add_row_button.setFocus()
    qtbot.keyClick(dialog.add_row_button, Qt.Key.Key_Return)
    assert len(dialog.rows) == 1  # not another item: the order was sent to be saved
    assert _wait_message(qtbot, dialog.errors, "made_on")
    prompter.confirms[:] = [True]
    dialog.close()


def _full_record(services, world):
    """A record with something in every list of the three parts: two orders with items, a
    declared phone checked at visits, a laptop never checked, a phone found undeclared, a breach
    awaiting sign-off, a closed one and a warning."""
    om = world.om
    record = make_offender(services, om, "Quillfeather", "Arthur", dob=date(1979, 4, 12), mappa_level=2)
    oid = record.offender_id
    dv.record_order(services, om, oid, OrderInput("SRO", "Northam Magistrates' Court", date(2021, 2, 1),
                                                  date(2023, 1, 31), False, None),
                    [RequirementInput("prohibition", "contact", "Not to approach or contact any child under 16 "
                                      "unless supervised by an adult who knows of the order", date(2021, 2, 1),
                                      date(2023, 1, 31), False)])
    dv.record_order(services, om, oid, OrderInput("SHPO", "Northam Crown Court", date(2025, 3, 1), None, True, 3), [
        RequirementInput("prohibition", "devices", "Not to use or possess any device capable of accessing the internet "
                         "unless it has been declared to the police within 3 days of getting it",
                         date(2025, 3, 1), None, True),
        RequirementInput("prohibition", "internet", "Not to delete the browsing history of any device, or use "
                         "software that hides or wipes it", date(2025, 3, 1), None, True),
        RequirementInput("prohibition", "foreign_travel", "Not to travel to any country outside the United Kingdom",
                         date(2025, 3, 1), date(2030, 2, 28), False),
        RequirementInput("positive", "devices", "To make any device available for inspection by a police officer "
                         "on request", date(2025, 3, 1), None, True),
    ])
    phone = dv.declare_device(services, om, oid, DeviceInput(
        kind="phone", make_model="Motorola moto g54", imei="356938035643809", phone_number="07700 900123",
        accounts="arthur.q@example.net\nFacebook: arthur.quill", declared_on=date(2025, 3, 2),
        monitoring_software="eSafe Monitor"))
    dv.declare_device(services, om, oid, DeviceInput(
        kind="laptop", make_model="Lenovo ThinkPad E14", serial="PF3X9K2", accounts="arthur.q@example.net",
        declared_on=date(2026, 10, 1)))
    officers = (om.user_id, world.supervisor.user_id)
    record_visit(services, om, VisitInput(
        offender_id=oid, visited_at=datetime(2026, 9, 15, 18, 30, tzinfo=UTC), outcome="seen", officer_ids=officers,
        device_checks=(dv.DeviceCheckInput(phone.device_id, "checked", "Browsing history present; monitoring "
                                           "software running; nothing of concern."),)))
    record_visit(services, om, VisitInput(
        offender_id=oid, visited_at=datetime(2026, 11, 24, 19, 5, tzinfo=UTC), outcome="seen", officer_ids=officers,
        device_checks=(dv.DeviceCheckInput(phone.device_id, "not_seen"),),
        found_devices=(DeviceInput(kind="phone", make_model="Samsung Galaxy A15", imei=GOOD_IMEI),)))
    late = br.open_manual_breach(services, om, oid, br.BreachInput(
        "statutory_duty", date(2026, 11, 10), "Moved to 4 Mill Lane on 4 November and did not notify the change "
        "within 3 days", duty="change_notification"))
    br.propose_no_crime(services, om, late.breach_id, late.version_id, REASONS)
    old = br.open_manual_breach(services, om, oid, br.BreachInput(
        "statutory_duty", date(2026, 6, 2), "Did not attend the periodic notification due 1 June", duty="periodic_notification"))
    br.record_crime_reference(services, om, old.breach_id, old.version_id, "NY-26-004112")
    br.give_warning(services, om, oid, br.WarningInput("oral", WARNING, date(2026, 11, 12), late.breach_id))

    return record, phone


# --- screenshots (RSO_SCREENSHOTS=1): realistic data, the pages as a user sees them ------------


@pytest.mark.skipif(not os.environ.get("RSO_SCREENSHOTS"), reason="set RSO_SCREENSHOTS=1 to write the screenshots")
def test_screenshots(qtbot, qapp, sqlite_services, world, prompter, record_window):
    from ui.app import load_style

    record, phone = _full_record(sqlite_services, world)
    old_style, old_sheet = qapp.style().name(), qapp.styleSheet()
    load_style(qapp)
    try:
        window = record_window(record)
        window.resize(1280, 720)  # the laptops officers use
        out = Path("screenshots")
        out.mkdir(exist_ok=True)

        def shoot(widget, name: str) -> None:
            for _ in range(5):
                qapp.processEvents()
            assert widget.grab().save(str(out / name))

        devices = _devices(window)
        select_first(devices.devices_view, lambda d: d.device_id == phone.device_id)
        shoot(window, "devices-tab.png")

        orders = _orders(window)
        orders.select("civil_order", orders.orders[0].order_id)
        shoot(window, "orders-tab.png")

        page = _breaches(window)
        found = next(b for b in page.breaches_model.rows() if "Undeclared" in b.description)
        page.select_breach(found.breach_id)
        shoot(window, "breaches-tab.png")
        dialog = page.record_decision()
        qtbot.waitUntil(lambda: dialog.loaded, timeout=5000)
        dialog.crime_reference.setText("NY26012345")
        dialog.submit()
        _wait_message(qtbot, dialog.errors, "crime_reference")
        shoot(dialog, "breach-dialog.png")
        prompter.confirms[:] = [True]
        dialog.reject()

        # The largest form of the three parts, on a 720-pixel-high screen.
        _orders(window)
        order = orders.record_order()
        order.add_requirement_row()
        qtbot.waitUntil(order.isVisible, timeout=2000)
        shoot(order, "order-dialog.png")
        prompter.confirms[:] = [True]
        order.close()
    finally:
        qapp.setStyleSheet(old_sheet)
        qapp.setStyle(old_style)
