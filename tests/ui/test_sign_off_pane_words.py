"""The sign-off pane in the users' words: labels an offender manager uses, dd/mm/yyyy dates and
HH:MM times, Yes and No, and how long an item has waited said as a supervisor says it. And the
queue's and the absences' models are sound for Qt."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, date, datetime

from rso_manager.domain.entry_fields import FIELD_LABELS, field_label
from rso_manager.services import visits
from rso_manager.services.safeguarding import RelationshipInput, record_relationship
from rso_manager.services.supervision import (
    queue_for,
    record_absence_and_cover,
    request_entry_sign_off,
)
from tests.ui.conftest import make_offender
from ui.kit.formatting import show_value
from ui.workflows.supervision import AbsenceCoverDialog, SignOffQueuePage
from ui.workflows.supervision.entry_pane import waiting_text

ISO = re.compile(r"\d{4}-\d{2}-\d{2}")


def test_field_names_read_as_labels_and_unknown_names_as_words():
    assert field_label("window_earliest") == "Visit window opens"
    assert field_label("Window earliest") == "Visit window opens"  # as the service names it today
    assert field_label("decided_by_id") == field_label("Decided by") == "Decided by"
    assert field_label("pnc_id") == "PNC ID"
    assert field_label("rest_day_pay") == "Rest day pay"
    assert field_label("Some new thing") == "Some new thing"
    for name, label in FIELD_LABELS.items():
        assert "_" not in label and label[0].isupper(), (name, label)


def test_values_read_as_dates_times_and_yes_or_no():
    assert show_value(date(2026, 11, 27)) == "27/11/2026"
    assert show_value(datetime(2026, 7, 1, 13, 5, tzinfo=UTC)) == "01/07/2026 14:05"  # London summer time
    assert show_value("2026-11-27") == "27/11/2026"
    assert show_value("2026-11-27T09:30:00+00:00") == "27/11/2026 09:30"
    assert show_value(True) == "Yes" and show_value(False) == "No"
    assert show_value("Met at the gym") == "Met at the gym"


def test_waiting_is_said_in_working_days_since_a_date(sqlite_services, world):
    _waiting(sqlite_services, world)
    item = queue_for(sqlite_services, world.supervisor)[0]
    assert waiting_text(replace(item, age_days=0, age_working_days=0)) == "Waiting since today"
    sent = replace(item, requested_at=datetime(2026, 11, 27, 10, tzinfo=UTC))
    assert waiting_text(replace(sent, age_days=5, age_working_days=3)) == "Waiting 3 working days (since 27/11/2026)"
    assert waiting_text(replace(sent, age_days=1, age_working_days=1)) == "Waiting 1 working day (since 27/11/2026)"
    saturday = replace(item, requested_at=datetime(2026, 11, 28, 10, tzinfo=UTC), age_days=1, age_working_days=0)
    assert waiting_text(saturday) == "Waiting since 28/11/2026, no working day yet"


def _waiting(services, world):
    record = make_offender(services, world.om, "Quillfeather", "Arthur")
    rel = record_relationship(services, world.om, record.offender_id, RelationshipInput(
        person_name="Brenda Holt", kind="partner", has_children=True, from_date=date(2026, 11, 1),
        notes="Works nights at the hospital"))
    return request_entry_sign_off(services, world.om, "relationship", rel.relationship_id, record.offender_id,
                                  "New partner Brenda Holt: is the risk plan still right?")


def _pane_text(qtbot, window) -> str:
    page = window.part(SignOffQueuePage)
    qtbot.waitUntil(lambda: page.model.rowCount() >= 1 and not page.loading, timeout=5000)
    window.show_page("sign_off")
    qtbot.waitUntil(lambda: page.entry.fields_form.rowCount() > 1, timeout=15000)
    return page.entry.shown_text()


def test_a_queued_relationship_reads_in_the_users_words(qtbot, make_window, sqlite_services, world):
    _waiting(sqlite_services, world)
    text = _pane_text(qtbot, make_window(world.supervisor))
    assert "Waiting since today." in text
    assert "(0 working)" not in text and "Today" not in text
    assert "Sent for sign-off" not in text and "sent for sign-off 25/11/2026 10:00" in text
    lines = text.splitlines()
    assert "Name: Brenda Holt" in lines
    assert "Has children: Yes" in lines and "Access to children: No" in lines
    assert "From: 01/11/2026" in lines
    assert "Type: Partner" in lines
    assert "_" not in text and not ISO.search(text)


def test_a_queued_visit_booking_reads_in_the_users_words(qtbot, make_window, sqlite_services, world):
    record = make_offender(sqlite_services, world.om, "Kettleby", "Gareth")
    visit_id = visits.book_visit(sqlite_services, world.om, record.offender_id, on=date(2026, 11, 27),
                                 time_band="evening", officer_ids=(world.om.user_id,))
    request_entry_sign_off(sqlite_services, world.om, "visit", visit_id, record.offender_id,
                           "Evening visit booked for Friday: agree the time?")
    text = _pane_text(qtbot, make_window(world.supervisor))
    lines = text.splitlines()
    assert "Planned for: 27/11/2026" in lines
    assert any(line.startswith("Visit window opens: ") for line in lines), lines
    assert "Window earliest" not in text and "window_earliest" not in text
    assert "_" not in text and not ISO.search(text)


def test_the_queue_and_absences_models_are_sound(qtbot, qtmodeltester, make_window, sqlite_services, world):
    _waiting(sqlite_services, world)
    record_absence_and_cover(sqlite_services, world.lead, world.supervisor2.user_id, date(2026, 12, 14),
                             date(2026, 12, 18), "Training course", world.supervisor.user_id)
    record_absence_and_cover(sqlite_services, world.lead, world.supervisor.user_id, date(2026, 12, 21),
                             date(2026, 12, 23), "Annual leave")
    window = make_window(world.supervisor)
    page = window.part(SignOffQueuePage)
    qtbot.waitUntil(lambda: page.model.rowCount() == 1 and not page.loading, timeout=5000)
    qtmodeltester.check(page.model)
    qtmodeltester.check(page.proxy)

    lead = make_window(world.lead)
    next(a for a in lead.file_menu.actions() if a.text() == "&Absences and cover...").trigger()
    dialog = lead.findChild(AbsenceCoverDialog)
    qtbot.waitUntil(lambda: dialog.isEnabled() and dialog.model.rowCount() == 2, timeout=5000)
    qtmodeltester.check(dialog.model)
    assert dialog.model.index(1, 4).data() == "The OMU lead (no cover named)"
