"""Notifications and convictions in the record window, against real SQLite data (issue 4)."""

from __future__ import annotations

import os
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import select

from rso_manager.domain.notification_period import DisposalKind
from rso_manager.persistence import models as m
from rso_manager.services import notifications as nt
from rso_manager.services.breaches import breaches_for
from tests.ui.conftest import make_offender
from ui.record_window import RecordWindow
from ui.workflows.notifications.convictions_page import ConvictionsTab
from ui.workflows.notifications.notifications_page import NotificationsTab
from ui.workflows.notifications.stations import StationsMenu

TODAY = date(2026, 11, 25)


@pytest.fixture
def record_window(record_window, qtbot, tmp_path):
    """The shared record window, with acknowledgements written to a temporary folder and
    "opened" into a list (no viewer in tests), and the system print dialog answered Cancel
    (no modal dialog in tests): the titles it was asked with go into `asked`."""

    def build(record, actor=None) -> RecordWindow:
        window = record_window(record, actor)
        page = window.section_tabs["notifications"]
        window.opened = []
        page.opener = window.opened.append
        window.asked = []
        page.ask_printer = lambda parent, title: window.asked.append(title)  # None: cancelled
        page.ack_folder = tmp_path / "acks"
        _wait_loaded(qtbot, window.section_tabs["convictions"])
        _wait_loaded(qtbot, page)  # the Notifications page is left on screen
        return window

    return build


def _wait_loaded(qtbot, page, after: int = 0) -> None:
    """Bring PAGE forward (a part of the record reads its data only while on screen) and wait
    for a read after the first AFTER."""
    page.ctx.show_part(page.spec.key)
    qtbot.waitUntil(lambda: page.loads > after and not page.loading, timeout=5000)


def _notifications(window) -> NotificationsTab:
    return window.section_tabs["notifications"]


def _convictions(window) -> ConvictionsTab:
    return window.section_tabs["convictions"]


def _convict(services, world, oid, on, **kw) -> nt.ConvictionView:
    data = dict(court="Northam Crown Court", convicted_on=on, offence="Sexual assault (s.3)",
                disposal=DisposalKind.IMPRISONMENT, sentence_months=12, source="court_list")
    data.update(kw)
    return nt.record_conviction(services, world.om, oid, nt.ConvictionInput(**data))


def _station(services, code: str) -> int:
    return next(s.station_id for s in nt.list_stations(services) if s.code == code)


def _reload_and_wait(qtbot, window) -> None:
    page = _notifications(window)
    before = page.loads
    window.reload()
    _wait_loaded(qtbot, page, before)


def test_late_change_of_address_opens_a_breach_and_goes_to_the_breach_decision(
        qtbot, sqlite_services, world, prompter, record_window):
    record = make_offender(sqlite_services, world.om, "Quillfeather", "Arthur")
    _convict(sqlite_services, world, record.offender_id, date(2026, 9, 1))
    nt.take_notification(sqlite_services, world.om, record.offender_id, nt.NotificationInput(
        kind="initial", station_id=_station(sqlite_services, "NTH-01"), method=nt.IN_PERSON, in_person=True,
        fingerprints_taken=True, photographs_taken=True, notified_at=datetime(2026, 9, 2, 11, tzinfo=UTC)))
    nt.record_event(sqlite_services, world.om, record.offender_id, "change_address", TODAY - timedelta(days=10),
                    {"line1": "4 Tanner Row", "town": "Northam", "postcode": "NM2 7QT"})
    window = record_window(record)
    page = _notifications(window)

    # The due and overdue table shows the change, overdue since the 3-day window ended, in red.
    rows = {p.kind: p for p in page.pending_model.rows()}
    change = rows["change_address"]
    assert change.overdue and change.due_on == TODAY - timedelta(days=8)
    row = page.pending_model.rows().index(change)
    status = page.pending_model.index(row, 3)
    assert status.data() == "OVERDUE 8 days"
    assert status.data(Qt.ItemDataRole.ForegroundRole).color().name() == "#b3261e"
    assert "OVERDUE" in page.next_due_value.text()

    # Ctrl+Shift+N from anywhere in the record opens the dialog, the overdue item ticked.
    window.tabs.setCurrentIndex(0)
    page.take_action.trigger()
    dialog = page.dialog
    assert dialog.isVisible() and window.tabs.currentIndex() == window.tab_index("Notifications")
    assert dialog._checked() == [change.notification_id]
    assert dialog.method.currentData() == nt.IN_PERSON  # the right way by default
    assert dialog.station.currentText() == "Northam Central Police Station"
    before = page.loads
    prompter.confirms[:] = [True]  # the print dialog cancelled: "Open it now?" Yes
    dialog.submit()
    qtbot.waitUntil(lambda: window.tabs.currentIndex() == window.tab_index("Breaches"), timeout=5000)
    assert not dialog.isVisible()
    assert prompter.messages[-1][1] == "Breach opened"
    assert "given late" in prompter.messages[-1][2]
    breaches = breaches_for(sqlite_services, world.om, record.offender_id)
    assert [b.source for b in breaches] == ["late_notification"]
    if hasattr(window.section_tabs["breaches"], "open_entry"):  # the breaches page opens its decision dialog
        assert page.breach_dialog is not None and page.breach_dialog.isVisible()
    _wait_loaded(qtbot, page, before)
    taken = next(t for t in page.taken_model.rows() if t.kind == "change_address")
    assert taken.late and taken.station == "Northam Central Police Station"
    row = page.taken_model.rows().index(taken)
    assert page.taken_model.index(row, 5).data() == "LATE"
    # The s.87(3) acknowledgement was printed (by default) to the chosen folder and opened.
    qtbot.waitUntil(lambda: len(window.opened) == 1, timeout=5000)
    assert window.opened[0].read_bytes().startswith(b"%PDF")
    assert record.reference in window.opened[0].name


@pytest.mark.parametrize("how", ["home_visit", "non_designated"])
def test_a_notification_taken_at_home_or_at_a_non_designated_station_is_refused_inline(
        qtbot, sqlite_services, world, prompter, record_window, how):
    record = make_offender(sqlite_services, world.om, "Marrowby", "Bryn")
    _convict(sqlite_services, world, record.offender_id, TODAY - timedelta(days=1))
    window = record_window(record)
    page = _notifications(window)
    dialog = page.open_take()
    # Non-designated stations are listed, but cannot be chosen.
    fellgate = dialog.station.findData(_station(sqlite_services, "NTH-05"), Qt.ItemDataRole.UserRole)
    assert dialog.station.itemText(fellgate).endswith(": not designated")
    assert not dialog.station.model().item(fellgate).isEnabled()
    dialog.passport.setText("Passport 123456789, expires 2031")
    dialog.photographs.refused.setChecked(True)
    if how == "home_visit":
        dialog.method.setCurrentIndex(dialog.method.findData("home_visit"))
        field, caption = "method", "How given"
    else:
        dialog.station.setCurrentIndex(fellgate)  # e.g. kept from an old list
        field, caption = "station_id", "Station"
    dialog.submit()
    qtbot.waitUntil(lambda: dialog.errors.message(field) != "", timeout=5000)
    message = dialog.errors.message(field)
    assert "s.87" in message and "designated" in message
    if how == "non_designated":
        assert message.startswith("Fellgate Police Office (enquiry desk closed) is not on the force's designated list")
    assert dialog.errors.is_marked(field)
    assert dialog.s87_message() == message
    assert caption in dialog.errors.general.text()  # the summary names the field
    assert dialog.isVisible()
    # Nothing typed is lost.
    assert dialog.passport.text() == "Passport 123456789, expires 2031"
    assert dialog.photographs.refused.isChecked()
    assert dialog._checked() != []
    # Nothing was recorded; the refusal was audited.
    assert nt.notifications_for(sqlite_services, world.om, record.offender_id).taken == ()
    with sqlite_services.session_factory() as s:
        assert s.scalar(select(m.AuditEvent.outcome).where(m.AuditEvent.action == "notification.refuse")) == "refused"


def test_conviction_dialog_creates_the_requirement_and_the_initial_due_shows(
        qtbot, sqlite_services, world, prompter, record_window):
    record = make_offender(sqlite_services, world.om, "Ashcombe", "Colin", dob=date(1975, 3, 2))
    window = record_window(record)
    tab = _convictions(window)
    assert tab.requirement_value.text() == "None recorded"
    dialog = tab.open_conviction()
    dialog.convicted_on.edit.setText("24/11/2026")
    dialog.offence.setText("Sexual assault (s.3 SOA 2003)")
    dialog.court.setText("Northam Crown Court")
    dialog.disposal.disposal.setCurrentIndex(dialog.disposal.disposal.findData("imprisonment"))
    assert dialog.disposal.terms.parentWidget().isVisibleTo(dialog)
    assert not dialog.disposal.discharge_months.parentWidget().isVisibleTo(dialog)
    dialog.disposal.terms.rows[0].length.boxes["months"].setValue(18)
    dialog.submit()  # no source chosen: the service says so beside the field
    qtbot.waitUntil(lambda: dialog.errors.message("source") != "", timeout=5000)
    assert "court list" in dialog.errors.message("source")
    assert dialog.offence.text() == "Sexual assault (s.3 SOA 2003)"
    dialog.source.setCurrentIndex(dialog.source.findData("court_list"))
    page = _notifications(window)
    before, tab_before = page.loads, tab.loads
    dialog.submit()
    _wait_loaded(qtbot, page, before)
    _wait_loaded(qtbot, tab, tab_before)
    qtbot.waitUntil(lambda: tab.conviction_model.rowCount() == 1, timeout=5000)
    assert tab.requirement_value.text() == "Until 23/11/2036"
    assert tab.starts_value.text() == "24/11/2026"
    assert "10 years" in tab.basis_label.text()
    assert tab.conviction_model.index(0, 5).data() == "Until 23/11/2036"
    assert "Initial notification due by 26/11/2026" in window.statusBar().currentMessage()
    (initial,) = page.pending_model.rows()
    assert initial.kind == "initial" and initial.due_on == date(2026, 11, 26)
    assert page.pending_model.index(0, 3).data() == "Due soon"
    assert window.header_values["notification"].text() == "26/11/2026"


def test_sentence_for_a_threshold_offence_and_custody_periods(qtbot, sqlite_services, world, prompter,
                                                              record_window):
    record = make_offender(sqlite_services, world.om, "Thistlewood", "Darren")
    _convict(sqlite_services, world, record.offender_id, TODAY - timedelta(days=20), disposal=None,
             sentence_months=None, threshold_depends_on_sentence=True)
    window = record_window(record)
    tab = _convictions(window)
    assert tab.requirement_value.text() == "Depends on sentence"
    assert not tab.sentence_button.isEnabled()
    tab.select_conviction(0)
    assert tab.sentence_button.isEnabled()
    dialog = tab.open_sentence()
    dialog.disposal.disposal.setCurrentIndex(dialog.disposal.disposal.findData("imprisonment"))
    dialog.disposal.terms.rows[0].length.boxes["months"].setValue(36)
    dialog.reason.setPlainText("Court result from Northam Crown Court")
    before = tab.loads
    dialog.submit()
    _wait_loaded(qtbot, tab, before)
    qtbot.waitUntil(lambda: tab.requirement_value.text() == "Indefinite", timeout=5000)
    assert tab.review_value.text() == "Can apply from 05/11/2041"  # 15 years (s.91B)
    # Custody pauses the clock; release is itself notifiable.
    assert not tab.release_button.isEnabled()
    dialog = tab.open_period()
    dialog.starts_on.edit.setText(f"{TODAY - timedelta(days=5):%d/%m/%Y}")
    before = tab.loads
    dialog.submit()
    _wait_loaded(qtbot, tab, before)
    qtbot.waitUntil(lambda: tab.release_button.isEnabled(), timeout=5000)
    assert tab.period_model.index(0, 2).data() == "Continuing: deadlines paused"
    page = _notifications(window)
    _wait_loaded(qtbot, page, page.loads)
    qtbot.waitUntil(lambda: page.pending_model.rowCount() == 1 and not page.loading, timeout=5000)
    qtbot.waitUntil(lambda: page.pending_model.index(0, 3).data() == "Paused (custody, hospital or abroad)",
                    timeout=5000)
    release = tab.open_release()
    before = page.loads
    release.submit()
    _wait_loaded(qtbot, page, before)
    qtbot.waitUntil(lambda: "release" in {p.kind for p in page.pending_model.rows()}, timeout=5000)


def test_events_and_stays(qtbot, sqlite_services, world, prompter, record_window):
    record = make_offender(sqlite_services, world.om, "Brackenridge", "Elliot")
    _convict(sqlite_services, world, record.offender_id, date(2026, 6, 1))
    window = record_window(record)
    page = _notifications(window)
    dialog = page.open_event()
    dialog.kind.setCurrentIndex(dialog.kind.findData("household"))
    assert dialog.safeguarding.isVisibleTo(dialog) and not dialog.line1.parentWidget().isVisibleTo(dialog)
    assert dialog.date_caption.text() == "Stay begins &on"
    dialog.event_on.edit.setText("24/11/2026")
    dialog.household.setText("9 Mill Lane, Northam")
    dialog.hours.setValue(6)
    dialog.submit()
    qtbot.waitUntil(lambda: dialog.errors.message("hours") != "", timeout=5000)
    assert "12 hours" in dialog.errors.message("hours")
    dialog.hours.setValue(14)
    before = page.loads
    dialog.submit()
    _wait_loaded(qtbot, page, before)
    assert "safeguarding task" in window.statusBar().currentMessage()
    assert "household" in {p.kind for p in page.pending_model.rows()}

    dialog = page.open_stay()
    dialog.line1.setText("Flat 2, 17 Quay Street")
    dialog.town.setText("Northam")
    dialog.starts_on.edit.setText("10/11/2026")
    dialog.ends_on.edit.setText("17/11/2026")
    before = page.loads
    dialog.submit()
    _wait_loaded(qtbot, page, before)
    assert prompter.messages[-1][1] == "Qualifying period reached"
    assert page.stays_box.isVisibleTo(page)
    assert page.stays_model.index(0, 1).data() == "8 of 7"
    assert "change_premises" in {p.kind for p in page.pending_model.rows()}


def test_administrator_manages_designated_stations(qtbot, make_window, sqlite_services, world):
    window = make_window(world.admin)
    stations = window.part(StationsMenu)
    assert stations.action in window.file_menu.actions()
    stations.action.trigger()
    dialog = stations.dialog
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 5, timeout=5000)
    assert dialog.model.index(4, 2).data() == "No: notifications refused here"
    editor = dialog.edit(new=True)
    editor.submit()
    qtbot.waitUntil(lambda: editor.errors.message("code") != "", timeout=5000)
    editor.code.setText("nth-06")
    editor.name.setText("Riverside Police Station")
    editor.submit()
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 6, timeout=5000)
    assert any(s.code == "NTH-06" and s.designated for s in nt.list_stations(sqlite_services))


def test_offender_manager_has_no_stations_menu(make_window, world):
    window = make_window(world.om)
    assert window.part(StationsMenu) is None


def test_a_change_nobody_recorded_can_be_taken_with_its_date(qtbot, sqlite_services, world, prompter,
                                                             record_window):
    record = make_offender(sqlite_services, world.om, "Kettleby", "Frank")
    window = record_window(record)
    page = _notifications(window)
    assert page.pending_stack.currentWidget() is page.pending_empty
    dialog = page.open_take()
    assert dialog._checked() == [-1]  # nothing pending: "something not listed" is ticked
    assert dialog.kind.parentWidget().isVisibleTo(dialog)
    dialog.kind.setCurrentIndex(dialog.kind.findData("change_name"))
    dialog.event_on.edit.setText("24/11/2026")
    dialog.print_ack.setChecked(False)
    before = page.loads
    dialog.submit()
    _wait_loaded(qtbot, page, before)
    qtbot.waitUntil(lambda: page.taken_model.rowCount() == 1, timeout=5000)
    taken = page.taken_model.row_at(0)
    assert taken.kind == "change_name" and not taken.late and taken.due_on == date(2026, 11, 26)
    assert window.opened == []
    # The written acknowledgement can be printed later from the Taken table.
    page.taken_view.selectRow(0)
    assert page.print_button.isEnabled()
    prompter.confirms[:] = [True]  # the print dialog cancelled: "Open it now?" Yes
    page.print_button.click()
    qtbot.waitUntil(lambda: len(window.opened) == 1, timeout=5000)


def test_a_notification_typed_in_later_keeps_the_time_it_was_made(qtbot, sqlite_services, world, prompter,
                                                                   record_window, clock):
    record = make_offender(sqlite_services, world.om, "Ødegård", "Łukasz")
    _convict(sqlite_services, world, record.offender_id, date(2026, 11, 20))  # initial due by 22/11
    window = record_window(record)
    page = _notifications(window)
    dialog = page.open_take()
    assert dialog.notified_at.value() == clock.now()  # defaults to now
    dialog.print_ack.setChecked(False)
    dialog.notified_at.set_value(clock.now() + timedelta(hours=3))
    dialog.submit()
    qtbot.waitUntil(lambda: dialog.errors.message("notified_at") != "", timeout=5000)
    assert "future" in dialog.errors.message("notified_at")
    dialog.notified_at.date.edit.setText("22/11/2026")
    dialog.notified_at.time.setText("17:45")
    before = page.loads
    dialog.submit()
    _wait_loaded(qtbot, page, before)
    qtbot.waitUntil(lambda: page.taken_model.rowCount() == 1, timeout=5000)
    taken = page.taken_model.row_at(0)
    assert not taken.late and taken.notified_at == datetime(2026, 11, 22, 17, 45, tzinfo=UTC)
    assert breaches_for(sqlite_services, world.om, record.offender_id) == []


def test_a_change_of_address_not_listed_asks_for_the_new_home(qtbot, sqlite_services, world, prompter,
                                                               record_window):
    record = make_offender(sqlite_services, world.om, "Kettleby", "Frank")
    window = record_window(record)
    page = _notifications(window)
    dialog = page.open_take()
    dialog.print_ack.setChecked(False)
    assert not dialog.line1.parentWidget().isVisibleTo(dialog)
    dialog.kind.setCurrentIndex(dialog.kind.findData("change_address"))
    assert dialog.line1.parentWidget().isVisibleTo(dialog)
    dialog.event_on.edit.setText("24/11/2026")
    dialog.submit()
    qtbot.waitUntil(lambda: dialog.errors.message("line1") != "", timeout=5000)
    assert "address" in dialog.errors.message("line1")
    dialog.line1.setText("7 Low Street")
    dialog.town.setText("Northam")
    before = page.loads
    dialog.submit()
    _wait_loaded(qtbot, page, before)
    with sqlite_services.session_factory() as s:
        home = s.scalar(select(m.Address).where(m.Address.offender_id == record.offender_id))
        assert (home.line1, home.from_date, home.notified) == ("7 Low Street", date(2026, 11, 24), True)
        assert s.scalar(select(m.VisitTrigger.kind).where(m.VisitTrigger.offender_id == record.offender_id)) \
            == "change_of_address"


def test_a_sentence_of_several_terms_in_days_and_weeks(qtbot, sqlite_services, world, prompter, record_window):
    record = make_offender(sqlite_services, world.om, "Thistlewood", "Darren")
    _convict(sqlite_services, world, record.offender_id, TODAY - timedelta(days=20), disposal=None,
             sentence_months=None, threshold_depends_on_sentence=True)
    window = record_window(record)
    tab = _convictions(window)
    tab.select_conviction(0)
    dialog = tab.open_sentence()
    dialog.disposal.disposal.setCurrentIndex(dialog.disposal.disposal.findData("imprisonment"))
    dialog.reason.setPlainText("Court result from Northam Crown Court")
    terms = dialog.disposal.terms
    terms.rows[0].length.boxes["months"].setValue(15)
    second = terms.add()
    second.length.boxes["weeks"].setValue(65)
    assert not second.overlap.isVisibleTo(dialog)
    second.runs.setCurrentIndex(second.runs.findData("partly_concurrent"))
    assert second.overlap.isVisibleTo(dialog)
    dialog.submit()  # no overlap given: the service says so under the terms, numbered
    qtbot.waitUntil(lambda: dialog.errors.message("sentence_terms") != "", timeout=5000)
    assert dialog.errors.message("sentence_terms").startswith("Term 2:")
    if os.environ.get("RSO_SCREENSHOTS"):
        dialog.grab().save("screenshots/sentence-terms.png")
    second.runs.setCurrentIndex(second.runs.findData("consecutive"))
    before = tab.loads
    dialog.submit()
    _wait_loaded(qtbot, tab, before)
    qtbot.waitUntil(lambda: tab.requirement_value.text() == "Indefinite", timeout=5000)
    cells = [tab.conviction_model.index(0, col).data() or "" for col in range(tab.conviction_model.columnCount())]
    assert any("counted as one term of 2 years 6 months" in cell for cell in cells)  # the sentence column


# --- screenshots (RSO_SCREENSHOTS=1) --------------------------------------------------------


@pytest.mark.skipif(not os.environ.get("RSO_SCREENSHOTS"), reason="set RSO_SCREENSHOTS=1 to write the screenshots")
def test_screenshots(qtbot, qapp, sqlite_services, world, clock, record_window):
    """A case released on licence in July: initial notification on time, a change of address
    taken late in October, and a name change, a household stay and bank details now overdue."""
    from ui.app import load_style

    load_style(qapp)
    out = Path(__file__).resolve().parents[2] / "screenshots"
    s, om = sqlite_services, world.om

    def at(day: date) -> None:
        clock.current = datetime(day.year, day.month, day.day, 11, tzinfo=UTC)

    def take(day: date, code: str = "NTH-01", **kw) -> None:
        at(day)
        nt.take_notification(s, om, rec.offender_id, nt.NotificationInput(
            station_id=_station(s, code), method=nt.IN_PERSON, in_person=True, fingerprints_taken=True,
            photographs_taken=True, **kw))

    at(date(2026, 7, 28))
    rec = make_offender(s, om, "Quillfeather", "Arthur James", dob=date(1979, 4, 12), mappa_level=2,
                        pnc_id="1998/0412345K")
    nt.record_conviction(s, om, rec.offender_id, nt.ConvictionInput(
        court="Northam Crown Court", convicted_on=date(2021, 2, 8), offence="Sexual assault of a child under 13 "
        "(s.7 SOA 2003)", disposal=DisposalKind.IMPRISONMENT, sentence_months=66, source="certificate",
        learned_on=date(2021, 2, 9)))
    nt.record_conviction(s, om, rec.offender_id, nt.ConvictionInput(
        kind="caution", court="Northam Central Police Station", convicted_on=date(2019, 5, 14),
        offence="Exposure (s.66 SOA 2003)", source="custody_record", learned_on=date(2019, 5, 20)))
    nt.record_disregarded_period(s, om, rec.offender_id, "custody", date(2021, 2, 8), date(2026, 7, 27))
    ids = tuple(p.notification_id for p in nt.notifications_for(s, om, rec.offender_id).pending
                if p.kind in ("initial", "release"))
    take(date(2026, 7, 28), kind="initial", pending_ids=ids, details={"given": True})
    at(date(2026, 10, 1))
    nt.record_event(s, om, rec.offender_id, "change_address", date(2026, 10, 1),
                    {"line1": "Flat 3, 41 Harbour Road", "town": "Northam", "postcode": "NM4 8DW"})
    take(date(2026, 10, 8), "NTH-04", kind="change_address")
    at(date(2026, 10, 29))
    nt.record_disregarded_period(s, om, rec.offender_id, "abroad", date(2026, 10, 14), date(2026, 10, 28))
    at(date(2026, 11, 12))
    nt.record_event(s, om, rec.offender_id, "household", date(2026, 11, 12),
                    {"hours": 36, "child_under_18": True, "address": "9 Mill Lane, Northam"})
    at(date(2026, 11, 20))
    nt.record_event(s, om, rec.offender_id, "change_name", date(2026, 11, 20), {"name": "Arthur James QUILL"})
    nt.record_event(s, om, rec.offender_id, "travel", date(2026, 12, 10),
                    {"destination": "Spain (Malaga, by air)", "return_on": "2026-12-17"})
    nt.record_event(s, om, rec.offender_id, "financial", date(2026, 11, 20), {"what": "New current account"})
    nt.record_stay(s, om, rec.offender_id, date(2026, 11, 1), date(2026, 11, 5), line1="22 Coppice Way",
                   town="Eastmoor", postcode="NM7 3LP")
    clock.current = datetime(2026, 11, 25, 10, tzinfo=UTC)

    window = record_window(rec)
    window.resize(1280, 720)
    page = _notifications(window)
    window.tabs.setCurrentIndex(window.tab_index("Notifications"))
    page.taken_view.selectRow(0)
    qtbot.wait(50)
    window.grab().save(str(out / "notifications-tab.png"))
    page.taken_view.clearSelection()
    dialog = page.open_take()
    dialog.method.setCurrentIndex(dialog.method.findData("home_visit"))
    dialog.bank.setText("Northam Building Society current account ending 4471")
    dialog.submit()
    qtbot.waitUntil(lambda: dialog.errors.message("method") != "", timeout=5000)
    qtbot.wait(50)
    dialog.grab().save(str(out / "take-notification.png"))
    dialog.done(0)
    window.tabs.setCurrentIndex(window.tab_index("Convictions"))
    _convictions(window).select_conviction(0)
    qtbot.wait(50)
    window.grab().save(str(out / "convictions-tab.png"))
    qapp.setStyleSheet("")
