"""Issue 3 in the GUI: recording visits, the risk & plan page, and the planner, against the real
SQLite fixtures (data made through the services, FakePrompter for every question)."""

from __future__ import annotations

import os
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QTime

from rso_manager.persistence.models import Absence, Visit
from rso_manager.services import devices, visits
from rso_manager.services.visits import VisitInput
from tests.ui.conftest import make_offender
from ui.kit.layout_items import widget_of
from ui.record_window import RecordWindow
from ui.workflows.visits.booking import BookDialog
from ui.workflows.visits.planner import PlannerPage, planner_of
from ui.workflows.visits.risk_page import RiskPage
from ui.workflows.visits.visit_form import VisitForm
from ui.workflows.visits.visits_page import VisitsPage

GOOD_IMEI = "490154203237518"


def _page(window: RecordWindow, key: str):
    window.tabs.setCurrentIndex(window.tab_index({"visits": "Visits", "risk": "Risk"}[key]))
    return window.section_tabs[key]


def _form(qtbot, window: RecordWindow) -> VisitForm:
    page: VisitsPage = _page(window, "visits")
    form = page.open_visit_form()
    assert form is not None and form.isVisible()
    qtbot.waitUntil(lambda: form.defaults is not None, timeout=5000)
    return form


def _choose(combo, value) -> None:
    index = combo.findData(value)
    assert index >= 0, value
    combo.setCurrentIndex(index)


def _save_and_wait(qtbot, window: RecordWindow, form: VisitForm):
    page: VisitsPage = window.section_tabs["visits"]
    with qtbot.waitSignal(page.visit_recorded, timeout=5000) as got, qtbot.waitSignal(window.changed, timeout=5000):
        form.submit()
    return got.args[0]


def _overdue_case(services, world, surname="Quillfeather", forenames="Arthur"):
    record = make_offender(services, world.om, surname, forenames)
    visits.record_risk_assessment(services, world.om, record.offender_id, tool="RM2000", level="very_high",
                                  assessed_on=date(2026, 9, 1))
    visits.record_visit(services, world.om, VisitInput(
        record.offender_id, datetime(2026, 9, 2, 18, tzinfo=UTC), "seen",
        officer_ids=(world.om.user_id, world.supervisor.user_id)))
    return record


# --- the visit form ---------------------------------------------------------------------------


def test_record_a_visit_with_the_defaults_and_a_device_check(qtbot, sqlite_services, world, prompter,
                                                               record_window):
    record = make_offender(sqlite_services, world.om, "Quillfeather", "Arthur")
    laptop = devices.declare_device(sqlite_services, world.om, record.offender_id, devices.DeviceInput(
        kind="laptop", make_model="Example Book 13", declared_on=date(2026, 11, 1)))
    window = record_window(record)
    form = _form(qtbot, window)
    defaults = visits.visit_defaults(sqlite_services, world.om, record.offender_id)
    # The right practice is filled in.
    assert form.officers.ids() == (world.om.user_id, defaults.second_officer_id) == (world.om.user_id,
                                                                                   world.supervisor.user_id)
    assert form.kind.currentData() == "home" and not form.announced.isChecked() and form.at_home.isChecked()
    assert form.when.value() == datetime(2026, 11, 25, 10, 0, tzinfo=UTC)
    assert not form.departures_box.isVisibleTo(form)
    assert [r.device_id for r in form.check_rows] == [laptop.device_id]
    assert "Example Book 13" in form.check_rows[0].label
    # The offender manager's own name is in the first list, untrained officers in neither.
    names = [form.officers.first.itemText(i) for i in range(form.officers.first.count())]
    assert "Olly Manager" in names and "Nat Newstarter" not in names

    form.when.time.setTime(QTime(9, 30))
    _choose(form.outcome, "seen")
    _choose(form.check_rows[0].result, "checked")
    form.check_rows[0].outcome.setText("Browsing history reviewed, nothing of note")
    form.people_present.setText("Partner")
    result = _save_and_wait(qtbot, window, form)

    assert not form.isVisible()
    assert result.departures == () and result.sign_off_id is None and not result.warrant_prompt
    (summary,) = prompter.texts("info")
    assert "The visit has been recorded." in summary and "next home visit is now due by" in summary
    entries = window.section_tabs["visits"].model.rows()
    assert [e.summary for e in entries] == ["Home visit: seen"]
    assert window.tabs.tabText(window.tab_index("Visits")) == "Visits (1)"
    views = {d.device_id: d for d in devices.devices_for(sqlite_services, world.om, record.offender_id,
                                                         date(2026, 11, 25))}
    assert views[laptop.device_id].last_checked_on == date(2026, 11, 25)


def test_announced_without_a_reason_is_refused_beside_the_reason_and_keeps_the_notes(
        qtbot, sqlite_services, world, prompter, record_window):
    record = make_offender(sqlite_services, world.om)
    window = record_window(record)
    form = _form(qtbot, window)
    form.notes.setPlainText("Spoke with him in the kitchen; no concerns.")
    _choose(form.outcome, "seen")
    form.announced.setChecked(True)  # the box appears at once
    assert form.departures_box.isVisibleTo(form)
    assert "Announced in advance" in form.departures_label.text()
    form.submit()
    qtbot.waitUntil(lambda: form.errors.message("override_reason") != "", timeout=5000)
    assert "say why" in form.errors.message("override_reason")
    assert form.errors.is_marked("override_reason")
    assert form.isVisible()
    assert form.notes.toPlainText() == "Spoke with him in the kitchen; no concerns."
    assert form.announced.isChecked()

    form.announced.setChecked(False)  # back to the default: the box goes again
    assert not form.departures_box.isVisibleTo(form)
    form.announced.setChecked(True)
    form.override_reason.setPlainText("Appointment agreed with the hostel after a fire alarm")
    result = _save_and_wait(qtbot, window, form)
    assert result.departures == ("announced in advance",) and result.sign_off_id is not None
    assert "gone to your supervisor" in prompter.texts("info")[0]
    assert window.section_tabs["visits"].model.rows()[0].summary == "Home visit (announced): seen"


def test_office_interview(qtbot, sqlite_services, world, prompter, record_window):
    record = make_offender(sqlite_services, world.om)
    window = record_window(record)
    form = _form(qtbot, window)
    _choose(form.kind, "office")
    assert not form.at_home.isEnabled() and form.location.isEnabled()
    assert "Office interview instead of a home visit" in form.departures_label.text()
    _choose(form.officers.second, None)  # a lone interview: a second departure
    assert "One officer only" in form.departures_label.text()
    _choose(form.outcome, "seen")
    form.location.setText("Northam police station")
    form.override_reason.setPlainText("Offender asked to attend after surgery; cannot climb stairs")
    result = _save_and_wait(qtbot, window, form)
    assert set(result.departures) == {"office interview instead of a home visit", "one officer only"}
    assert window.section_tabs["visits"].model.rows()[0].summary == "Office interview: seen"
    with sqlite_services.session_factory() as s:
        visit = s.get(Visit, result.visit_id)
        assert visit.location == "Northam police station" and len(visit.officers) == 1


def test_future_time_and_absent_officer_are_shown_beside_their_fields(qtbot, sqlite_services, world, clock,
                                                                      prompter, record_window):
    record = make_offender(sqlite_services, world.om)
    window = record_window(record)
    form = _form(qtbot, window)
    form.notes.setPlainText("Typed before the mistake")
    _choose(form.outcome, "seen")
    form.when.date.edit.setText("26/11/2026")
    form.submit()
    qtbot.waitUntil(lambda: form.errors.message("visited_at") != "", timeout=5000)
    assert "in the future" in form.errors.message("visited_at")
    assert form.when.date.text() == "26/11/2026" and form.notes.toPlainText() == "Typed before the mistake"

    with sqlite_services.session_factory.begin() as s:  # the second officer went on leave meanwhile
        s.add(Absence(user_id=world.supervisor.user_id, starts_on=date(2026, 11, 24), ends_on=date(2026, 11, 27),
                      reason="leave", created_at=clock.now()))
    form.when.date.edit.setText("25/11/2026")
    form.submit()
    qtbot.waitUntil(lambda: form.errors.message("officer_ids") != "", timeout=5000)
    assert "absent" in form.errors.message("officer_ids")
    assert form.errors.message("visited_at") == ""
    assert form.isVisible()


def test_an_undeclared_device_found_opens_a_breach(qtbot, sqlite_services, world, prompter, record_window):
    record = make_offender(sqlite_services, world.om)
    window = record_window(record)
    form = _form(qtbot, window)
    _choose(form.outcome, "seen")
    assert not form.found_warning.isVisibleTo(form)
    row = form.add_found_device("phone", "Unbranded smartphone", "12345")
    assert form.found_warning.isVisibleTo(form) and "opened" in form.found_warning.text()
    form.submit()
    qtbot.waitUntil(lambda: form.errors.message("found_devices[0].imei") != "", timeout=5000)
    assert form.errors.message("found_devices[0].imei")
    assert row.make_model.text() == "Unbranded smartphone"
    row.imei.setText(GOOD_IMEI)
    result = _save_and_wait(qtbot, window, form)
    assert len(result.breach_ids) == 1
    assert "1 breach opened for the undeclared device" in prompter.texts("info")[0]
    breaches = window.record.sections["breaches"]
    assert len(breaches) == 1 and "Undeclared phone" in breaches[0].summary
    assert "NOT DECLARED" in window.record.sections["devices"][0].status


def test_two_failed_entries_prompt_for_the_warrant_decision(qtbot, sqlite_services, world, prompter,
                                                            record_window):
    record = make_offender(sqlite_services, world.om)
    visits.record_visit(sqlite_services, world.om, VisitInput(
        record.offender_id, datetime(2026, 11, 20, 19, tzinfo=UTC), "no_answer",
        officer_ids=(world.om.user_id, world.supervisor.user_id)))
    window = record_window(record)
    form = _form(qtbot, window)
    _choose(form.outcome, "refused_entry")
    prompter.reasons[:] = ["warrant", "Applying to the magistrates for a s.96B warrant; DI Example agreed"]
    result = _save_and_wait(qtbot, window, form)
    assert result.warrant_prompt

    def decided():
        with sqlite_services.session_factory() as s:
            return s.get(Visit, result.visit_id).warrant_decision

    qtbot.waitUntil(lambda: decided() is not None, timeout=5000)
    assert decided().startswith("Applying to the magistrates")
    first, second = prompter.reason_requests
    assert first["title"] == "s.96B warrant decision" and first["problem"] is None
    assert "s.96B" in second["problem"] and second["text"] == "warrant"  # refused, asked again, text kept


# --- booking from the record, and the risk & plan page ---------------------------------------


def test_book_a_visit_from_the_record(qtbot, sqlite_services, world, prompter, record_window):
    record = make_offender(sqlite_services, world.om)
    window = record_window(record)
    page: VisitsPage = _page(window, "visits")
    qtbot.waitUntil(lambda: page.info is not None, timeout=5000)
    assert page.due_value.text().startswith("Due between 25/11/2026 and")
    page.open_booking()
    qtbot.waitUntil(lambda: page.book_dialog is not None and page.book_dialog.isVisible(), timeout=5000)
    dialog: BookDialog = page.book_dialog
    assert dialog.officer_ids() == (world.om.user_id, world.supervisor.user_id)
    dialog.on.edit.setText("24/02/2027")  # far outside the window: a reason is needed
    dialog.submit()
    qtbot.waitUntil(lambda: dialog.errors.message("reason") != "", timeout=5000)
    assert "outside the due window" in dialog.errors.message("reason")
    dialog.on.edit.setText("27/11/2026")
    _choose(dialog.band, "evening")
    with qtbot.waitSignal(window.changed, timeout=5000):
        dialog.submit()
    qtbot.waitUntil(lambda: "Fri 27/11/2026, evening" in page.booked_value.text(), timeout=5000)
    # Recording the visit then offers the booking.
    form = _form(qtbot, window)
    assert form.booking.count() == 2 and form.booking.isVisibleTo(form)
    assert form.booking.currentData() is None  # booked for a later day: not assumed


def test_risk_page_shows_the_interval_and_window_and_changes_the_plan(qtbot, sqlite_services, world, prompter,
                                                                    record_window):
    record = make_offender(sqlite_services, world.om)
    window = record_window(record)
    page: RiskPage = _page(window, "risk")
    qtbot.waitUntil(lambda: page.info is not None, timeout=5000)
    assert page.risk_value.text().startswith("Not assessed")
    assert "very high risk: every 1 month" in page.interval_value.text()
    assert page.window_value.text().startswith("Due between 25/11/2026 and")

    dialog = page.open_assessment()
    dialog.submit()  # nothing chosen: the service's messages beside the fields
    qtbot.waitUntil(lambda: dialog.errors.message("tool") != "", timeout=5000)
    assert dialog.errors.message("level")
    _choose(dialog.tool, "RM2000")
    _choose(dialog.level, "high")
    with qtbot.waitSignal(page.details_loaded, timeout=5000):
        dialog.submit()
    qtbot.waitUntil(lambda: "high risk: every 3 months" in page.interval_value.text(), timeout=5000)
    assert page.risk_value.text() == "High (RM2000, assessed 25/11/2026)"
    assert [e.summary for e in page.model.rows()] == ["RM2000: High"]

    plan = page.open_plan()
    assert plan.interval.currentData() is None and "every 3 months" in plan.interval.currentText()
    _choose(plan.interval, 6)
    plan.headings["supervision"].setPlainText("Fortnightly appointments with the offender manager")
    plan.submit()
    qtbot.waitUntil(lambda: plan.errors.message("reason") != "", timeout=5000)
    assert "supervisor's sign-off" in plan.errors.message("reason")
    plan.reason.setPlainText("Stable for years; MAPPA meeting agreed a longer interval")
    with qtbot.waitSignal(page.details_loaded, timeout=5000):
        plan.submit()
    assert "Plan sent for sign-off" in [t for _k, t, _x in prompter.messages]
    assert "Waiting for a supervisor's sign-off" in page.plan_value.text()
    assert page.heading_rows["supervision"][1].text() == "Fortnightly appointments with the offender manager"
    assert not page.heading_rows["contingency"][1].isVisibleTo(page)
    # Until signed off, the default still applies.
    assert "needs supervisor sign-off" in page.interval_value.text()


# --- the planner ----------------------------------------------------------------------------


def _planner(qtbot, window) -> PlannerPage:
    page = planner_of(window)
    assert page is not None
    with qtbot.waitSignal(page.loaded, timeout=5000):
        window.page_actions["planner"].trigger()
    return page


def test_planner_shows_the_overdue_visit_first_and_books_it(qtbot, make_window, sqlite_services, world, prompter):
    late = _overdue_case(sqlite_services, world)
    fresh = make_offender(sqlite_services, world.om, "Marrowby", "Bryn")
    window = make_window(world.om)
    assert window.page_actions["planner"].shortcut().toString() == "Ctrl+2"
    page = _planner(qtbot, window)
    assert page.views.currentIndex() == 0 and page.period_label.text() == "Week of Mon 23/11/2026"
    assert page.view.items[0].offender_id == late.offender_id and page.view.items[0].days_overdue > 0
    assert {i.offender_id for i in page.view.items} == {late.offender_id, fresh.offender_id}
    assert page.overdue_strip.isVisibleTo(page) and page.overdue_title.text().startswith("Overdue (1)")
    first_card = widget_of(page.overdue_row.itemAt(0))
    assert first_card.item.offender_id == late.offender_id and first_card.property("state") == "overdue"

    page.select(first_card.item)
    assert page.book_button.isEnabled() and "Overdue by" in page.details_overdue.text()
    assert page.details_warnings.text().startswith("\u26a0 Overdue by")
    # Booking the overdue visit as proposed is catching up: no reason asked, nothing to sign off.
    with qtbot.waitSignal(page.booked, timeout=5000), qtbot.waitSignal(page.loaded, timeout=5000):
        page.book_button.click()
    assert prompter.reason_requests == []
    booked = [i for i in page.view.items if i.status == "booked"]
    assert [b.offender_id for b in booked] == [late.offender_id] and booked[0].version_id is not None
    assert page.selected is not None and page.selected.status == "booked"
    assert page.rebook_button.text() == "Rebook..." and not page.book_button.isEnabled()

    # Rebook it to another day in the week.
    dialog = page.rebook_selected()
    dialog.on.edit.setText("28/11/2026")
    _choose(dialog.band, "morning")
    dialog.reason.setPlainText("Duty officer unavailable on the first date")
    with qtbot.waitSignal(page.loaded, timeout=5000):
        dialog.submit()
    [again] = [i for i in page.view.items if i.status == "booked"]
    assert again.proposed_on == date(2026, 11, 28) and again.time_band == "morning"


def test_the_planner_plans_in_the_reads_process(qtbot, make_window, sqlite_services, world, monkeypatch):
    """A force's plan is seconds of Python: with the reads' process running, the page's plan is
    made there, not beside the GUI thread."""
    from rso_manager.persistence.engine import key_of
    from rso_manager.services.reads_apart import ReadsApart

    late = _overdue_case(sqlite_services, world)
    engine = sqlite_services.session_factory.kw["bind"]
    apart = ReadsApart(f"sqlite:///{engine.url.database}", key_of(engine))
    sqlite_services.apart = apart
    asked: list[str] = []
    answer = apart.run
    monkeypatch.setattr(apart, "run", lambda services, fn, *a, **kw: asked.append(fn.__name__) or answer(
        services, fn, *a, **kw))
    try:
        window = make_window(world.om)
        page = _planner(qtbot, window)
        assert asked.count("propose") == 1
        qtbot.waitUntil(lambda: apart.served == len(asked), timeout=5000)  # none run here instead
        assert page.view.items[0].offender_id == late.offender_id
    finally:
        sqlite_services.apart = None
        apart.close()


def test_a_crowded_strip_and_day_show_their_first_cards_and_the_rest_on_request(
        qtbot, make_window, sqlite_services, world, monkeypatch):
    """A force's week holds thousands of visits: a day and the overdue strip show DAY_CARDS
    cards, and "+N more" adds the next ones, the focus on the first of them."""
    from PySide6.QtWidgets import QPushButton

    from ui.workflows.visits import planner as planner_page
    from ui.workflows.visits.planner_cards import VisitCard

    monkeypatch.setattr(planner_page, "DAY_CARDS", 2)
    for surname in ("Quillfeather", "Ashgrove", "Brindlecombe"):
        _overdue_case(sqlite_services, world, surname=surname)
    window = make_window(world.om)
    window.show()
    page = _planner(qtbot, window)
    assert len(page.view.overdue) == 3

    def strip() -> list[VisitCard]:
        return [widget_of(page.overdue_row.itemAt(i)) for i in range(page.overdue_row.count())
                if isinstance(widget_of(page.overdue_row.itemAt(i)), VisitCard)]

    [more] = [b for b in page.overdue_strip.findChildren(QPushButton) if b.objectName() == "moreLink"]
    assert len(strip()) == 2 and more.isVisibleTo(page) and more.text() == "+1 more"
    assert "1 more visits overdue" in more.accessibleName()
    more.click()
    cards = strip()
    assert [c.item.offender_id for c in cards] == [i.offender_id for i in page.view.overdue]  # in order
    assert not more.isVisibleTo(page) and cards[2].window().focusWidget() is cards[2]
    start, _ = page.period()
    for offset in range(7):
        day = start + timedelta(days=offset)
        shown = [c for c in page.cards if not page.overdue_strip.isAncestorOf(c) and c.item.proposed_on == day]
        assert len(shown) == min(2, len(page.items_on(day)))


def test_the_days_are_filled_in_turns_of_the_event_loop(qtbot, make_window, sqlite_services, world, monkeypatch):
    """The cards go in a few at a time, each lot in a turn of its own, so that a force's week
    never holds the GUI; a layout begun meanwhile drops what is left of the one before."""
    from ui.workflows.visits import planner as planner_page

    monkeypatch.setattr(planner_page, "LAYOUT_TURN_S", 0.0)  # one step a turn
    _overdue_case(sqlite_services, world)
    page = _planner(qtbot, make_window(world.om))
    assert page.cards  # loaded only once every day is filled
    ran: list[str] = []
    done: list[str] = []
    page._in_turns([lambda n=n: ran.append(f"old {n}") for n in range(500)], lambda: done.append("old"))
    assert ran == []  # none in the turn that asked
    qtbot.waitUntil(lambda: bool(ran))
    page._in_turns([lambda: ran.append("new")], lambda: done.append("new"))
    qtbot.waitUntil(lambda: bool(done))
    qtbot.wait(20)
    assert done == ["new"] and ran[-1] == "new" and "old 499" not in ran


def test_planner_month_view_navigation_and_scope(qtbot, make_window, sqlite_services, world):
    _overdue_case(sqlite_services, world)
    make_offender(sqlite_services, world.om2, "Elsewhere", "Cara")  # another team: never planned here
    window = make_window(world.supervisor)
    page = _planner(qtbot, window)
    assert page.scope_combo.currentText() == "Team caseload"
    assert all(i.name != "ELSEWHERE, Cara" for i in page.view.items)
    with qtbot.waitSignal(page.loaded, timeout=5000):
        page.month_button.click()
    assert page.views.currentIndex() == 1 and page.period_label.text() == "November 2026"
    assert page.month_grid.count() == 7 + 42
    with qtbot.waitSignal(page.loaded, timeout=5000):
        page.next_button.click()
    assert page.period_label.text() == "December 2026"
    with qtbot.waitSignal(page.loaded, timeout=5000):
        page.today_button.click()
    assert page.period_label.text() == "November 2026"
    with qtbot.waitSignal(page.loaded, timeout=5000):
        page.scope_combo.setCurrentIndex(page.scope_combo.findText("My caseload"))
    assert page.view.items == ()  # the supervisor holds no cases


def test_no_planner_for_an_administrator(qtbot, make_window, world):
    window = make_window(world.admin)
    assert "planner" not in window.page_actions and planner_of(window) is None


# --- screenshots (RSO_SCREENSHOTS=1) --------------------------------------------------------


@pytest.mark.skipif(not os.environ.get("RSO_SCREENSHOTS"), reason="set RSO_SCREENSHOTS=1 to write the screenshots")
def test_screenshots(qtbot, qapp, make_window, sqlite_services, world, prompter, record_window, monkeypatch):
    from ui.app import load_style

    load_style(qapp)
    out = Path(__file__).resolve().parents[2] / "screenshots"
    s, om = sqlite_services, world.om
    arthur = _overdue_case(s, world)
    devices.declare_device(s, om, arthur.offender_id, devices.DeviceInput(
        kind="phone", make_model="Samsung Galaxy A15", imei=GOOD_IMEI, declared_on=date(2026, 10, 2)))
    devices.declare_device(s, om, arthur.offender_id, devices.DeviceInput(
        kind="laptop", make_model="Lenovo IdeaPad 3", declared_on=date(2026, 10, 2)))
    _overdue_case(s, world, "Ashcombe", "Colin")
    due = {}
    for surname, forenames, level, last_seen in (
            ("Marrowby", "Bryn", "high", datetime(2026, 8, 27, 18, tzinfo=UTC)),
            ("Thistlewood", "Darren", "medium", datetime(2026, 5, 27, 11, tzinfo=UTC)),
            ("Fallowfield", "Frank", "low", datetime(2025, 11, 29, 15, tzinfo=UTC)),
            ("Kettleby", "Gareth", "high", datetime(2026, 9, 1, 19, tzinfo=UTC))):
        rec = make_offender(s, om, surname, forenames)
        visits.record_risk_assessment(s, om, rec.offender_id, tool="ARMS", level=level, assessed_on=date(2025, 6, 2))
        visits.record_visit(s, om, VisitInput(rec.offender_id, last_seen, "seen",
                                              officer_ids=(om.user_id, world.supervisor.user_id)))
        due[surname] = rec
    visits.book_visit(s, om, due["Kettleby"].offender_id, on=date(2026, 11, 27), time_band="evening",
                      officer_ids=(om.user_id, world.supervisor2.user_id))
    darren = due["Thistlewood"].offender_id
    visits.set_plan(
        s, om, darren, visit_interval_months=9, review_by=date(2027, 5, 25),
        supervision="Monthly appointments with the offender manager; probation licence ended 2024.",
        monitoring_control="Unannounced home visits; device checks at each visit; SHPO internet prohibition.",
        interventions="Completed Horizon programme 2023; GP aware of alcohol use.",
        victim_safety="No contact with the victim's family; exclusion zone around Northam Primary School.",
        contingency="Any new relationship with access to children: visit within 10 working days and review risk.",
        reason="Stable for four years; MAPPA meeting on 18/11/2026 agreed a longer interval")
    make_offender(s, om, "Wrenshaw", "Harvey")

    window = make_window(om)
    window.resize(1280, 720)
    page = _planner(qtbot, window)
    if page.view.items:
        page.select(page.view.overdue[0] if page.view.overdue else page.view.items[0])
    qtbot.wait(100)
    window.grab().save(str(out / "planner-week.png"))
    with qtbot.waitSignal(page.loaded, timeout=5000):
        page.month_button.click()
    qtbot.wait(100)
    window.grab().save(str(out / "planner-month.png"))
    # A crowded week (as a force's is): the first cards of the strip and of each day, "+N more".
    from ui.workflows.visits import planner as planner_page

    monkeypatch.setattr(planner_page, "DAY_CARDS", 1)
    with qtbot.waitSignal(page.loaded, timeout=5000):
        page.week_button.click()
    qtbot.wait(100)
    window.grab().save(str(out / "planner-week-crowded.png"))
    monkeypatch.undo()

    rw = record_window(arthur)
    rw.resize(1280, 720)
    visits_page = _page(rw, "visits")
    qtbot.waitUntil(lambda: visits_page.info is not None, timeout=5000)
    qtbot.wait(100)
    rw.grab().save(str(out / "record-visits.png"))
    form = _form(qtbot, rw)
    _choose(form.outcome, "seen")
    _choose(form.check_rows[0].result, "checked")
    form.check_rows[0].outcome.setText("Call log and photos reviewed; no concerns")
    _choose(form.check_rows[1].result, "not_seen")
    form.check_rows[1].outcome.setText("Said to be at his sister's; see next visit")
    form.people_present.setText("Mother (lives at the address)")
    form.notes.setPlainText("Seen at home. Bedroom and living room entered; no children present.")
    form.announced.setChecked(True)
    form.override_reason.setPlainText("Hostel requires notice after the fire alarm incident")
    form.add_found_device("tablet", "Amazon Fire HD 8", "")
    form.resize(780, 1010)
    qtbot.wait(100)
    form.grab().save(str(out / "visit-form.png"))
    form.reject()

    rw2 = record_window(due["Thistlewood"])
    rw2.resize(1180, 760)
    risk = _page(rw2, "risk")
    qtbot.waitUntil(lambda: risk.info is not None, timeout=5000)
    qtbot.wait(100)
    rw2.grab().save(str(out / "risk-plan.png"))
