"""Issue 12 in the GUI: a no-crime proposal approved from the supervisor's queue closes its
breach; the breaches banner counts only breaches still needing a decision; opening a breach
by hand that is already open warns the officer."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel
from sqlalchemy import select

from rso_manager.persistence import models as m
from rso_manager.services import breaches as br
from tests.ui.conftest import make_offender
from tests.ui.test_devices_breaches_ui import REASONS, SUPERVISOR_REASONS, _breaches, _refreshed
from ui.kit.layout_items import widget_of
from ui.workflows.supervision import SignOffQueuePage


def _proposal(services, world, surname="Nightjar") -> tuple[int, br.BreachView]:
    record = make_offender(services, world.om, surname, "Neil")
    b = br.open_manual_breach(services, world.om, record.offender_id, br.BreachInput(
        "statutory_duty", date(2026, 11, 10), "Failed to notify a change of name within 3 days",
        duty="change_notification"))
    return record.offender_id, br.propose_no_crime(services, world.om, b.breach_id, b.version_id, REASONS)


def _tiles(qtbot, window) -> dict[str, int]:
    qtbot.waitExposed(window)
    page = window.show_page("dashboard")
    with qtbot.waitSignal(page.loaded, timeout=5000):
        page.refresh()
    return {key: tile.tile.value for key, tile in page.tiles.items()}


def _approve_in_queue(qtbot, window, sign_off_id: int) -> SignOffQueuePage:
    page = window.part(SignOffQueuePage)
    qtbot.waitUntil(lambda: page.model.rowCount() == 1 and page.policy is not None, timeout=5000)
    window.show_page("sign_off")
    assert page.select_item(sign_off_id)
    qtbot.waitUntil(lambda: page.entry.fields_form.rowCount() > 1, timeout=15000)  # the entry itself
    caption = widget_of(page.entry.fields_form.itemAt(0))
    assert isinstance(caption, QLabel)
    assert caption.text() == "Decision not to record a crime: Failed to notify a change of name within 3 days, 10/11/2026"
    fields = [widget_of(page.entry.fields_form.itemAt(i)) for i in range(page.entry.fields_form.count())]
    shown = [w.text() for w in fields if isinstance(w, QLabel)]
    assert "No crime rationale:" in shown and REASONS in shown
    page.decision_pane.rationale.set_text(SUPERVISOR_REASONS)
    with qtbot.waitSignal(page.signed, timeout=5000):
        qtbot.mouseClick(page.decision_pane.sign_button, Qt.MouseButton.LeftButton)
    return page


def test_approving_a_no_crime_proposal_in_the_queue_closes_the_breach(qtbot, make_window, sqlite_services, world):
    oid, proposed = _proposal(sqlite_services, world)
    lead = make_window(world.lead)
    before = _tiles(qtbot, lead)
    supervisor = make_window(world.supervisor)
    page = _approve_in_queue(qtbot, supervisor, proposed.no_crime_sign_off_id)
    assert page.model.rowCount() == 0
    with sqlite_services.session_factory() as s:
        b = s.get(m.Breach, proposed.breach_id)
        assert (b.status, b.crime_reference) == ("closed", None) and b.closed_at is not None
        assert s.get(m.Offender, oid).open_breaches == 0
    after = _tiles(qtbot, lead)
    assert after["breaches.open"] == before["breaches.open"] - 1
    assert after["breaches.no_crime"] == before["breaches.no_crime"] + 1
    assert after["breaches.undecided"] <= before["breaches.undecided"]


def test_no_decision_yet_drops_when_the_queue_approves(qtbot, make_window, sqlite_services, world):
    _oid, proposed = _proposal(sqlite_services, world)
    lead = make_window(world.lead)
    before = _tiles(qtbot, lead)
    _approve_in_queue(qtbot, make_window(world.supervisor), proposed.no_crime_sign_off_id)
    assert _tiles(qtbot, lead)["breaches.undecided"] == before["breaches.undecided"] - 1


def test_the_banner_counts_only_breaches_still_needing_a_decision(qtbot, sqlite_services, world, record_window):
    record = make_offender(sqlite_services, world.om)
    for day, text in ((12, "Failed to notify a change of name"), (14, "Failed to notify a new phone")):
        br.open_manual_breach(sqlite_services, world.om, record.offender_id, br.BreachInput(
            "statutory_duty", date(2026, 11, day), text, duty="change_notification"))
    # An open breach that already has a crime reference (imported so) has its answer.
    with sqlite_services.session_factory.begin() as s:
        b = s.scalar(select(m.Breach).where(m.Breach.occurred_on == date(2026, 11, 14)))
        b.crime_reference = "NY-26-000777"
    page = _breaches(record_window(record))
    assert page.alert.text().startswith("1 open breach without a crime reference or a signed decision")


def test_opening_a_breach_already_open_warns_and_opens_no_second(qtbot, sqlite_services, world, prompter,
                                                               record_window):
    record = make_offender(sqlite_services, world.om)
    first = br.open_manual_breach(sqlite_services, world.om, record.offender_id, br.BreachInput(
        "statutory_duty", date(2026, 11, 20), "Did not attend for the annual notification",
        duty="periodic_notification"))
    page = _breaches(record_window(record))
    dialog = page.open_breach()
    dialog.duty.setCurrentIndex(dialog.duty.findData("periodic_notification"))
    dialog.occurred_on.edit.setText("20/11/2026")
    dialog.description.setPlainText("Missed the annual notification at Northam Central")
    _refreshed(qtbot, page, dialog.submit)
    kind, title, text = prompter.messages[-1]
    assert (kind, title) == ("warning", "Breach already open")
    assert "A breach for this duty and date is already open" in text
    assert [r.breach_id for r in page.breaches_model.rows()] == [first.breach_id]
