"""Creating and correcting records through the form; validation shown inline; stale saves."""

from __future__ import annotations

from datetime import date

from rso_manager.services.caseload import AccessReason, OffenderDraft, correct_offender, open_record
from tests.ui.conftest import make_offender
from ui.offender_form import OffenderForm


def _open_form(qtbot, window) -> OffenderForm:
    qtbot.waitUntil(lambda: window.lookups is not None, timeout=5000)
    form = window.new_record()
    assert form is not None and form.isVisible()
    return form


def test_create_a_record_through_the_form(qtbot, make_window, world):
    window = make_window(world.om)
    form = _open_form(qtbot, window)
    assert form.offender_manager.currentData() == world.om.user_id  # defaults to the creator
    assert form.team.currentData() == world.team_id
    qtbot.keyClicks(form.surname, "Quillfeather")
    qtbot.keyClicks(form.forenames, "Arthur James")
    qtbot.keyClicks(form.date_of_birth.edit, "17/05/1980")
    form.gender.setCurrentIndex(form.gender.findData("male"))
    qtbot.keyClicks(form.pnc_id, "2001/0123456A")
    form.identifying_marks.setPlainText("Tattoo of an anchor, left forearm")
    form.mappa_level.setCurrentIndex(form.mappa_level.findData(2))
    with qtbot.waitSignal(window.record_window_opened, timeout=5000) as opened:
        form.save()
    record = opened.args[0].record
    assert record.reference.startswith("RSO-")
    d = record.details
    assert (d.surname, d.forenames, d.date_of_birth, d.gender, d.pnc_id, d.mappa_level) == \
        ("Quillfeather", "Arthur James", date(1980, 5, 17), "male", "2001/0123456A", 2)
    assert not form.isVisible()
    qtbot.waitUntil(lambda: window.model.rowCount() == 1, timeout=5000)


def test_empty_surname_and_future_birth_date_are_marked_and_text_kept(qtbot, make_window, world, clock):
    window = make_window(world.om)
    form = _open_form(qtbot, window)
    qtbot.keyClicks(form.forenames, "Arthur")
    future = date(clock.today().year + 1, 1, 1)
    qtbot.keyClicks(form.date_of_birth.edit, future.strftime("%d/%m/%Y"))
    form.save()
    qtbot.waitUntil(lambda: form.errors.message("surname") != "", timeout=5000)
    assert form.errors.message("surname") == "Enter the surname; it cannot be empty."
    assert form.errors.is_marked("surname") and form.surname.property("invalid")
    assert "in the future" in form.errors.message("date_of_birth")
    assert form.date_of_birth.edit.property("invalid")
    assert not form.errors.is_marked("forenames")
    # Everything typed is still there, and the dialog stays open.
    assert form.forenames.text() == "Arthur"
    assert form.date_of_birth.text() == future.strftime("%d/%m/%Y")
    assert form.isVisible()
    # Fixing the field clears its mark on the next save.
    qtbot.keyClicks(form.surname, "Quillfeather")
    form.date_of_birth.edit.setText("01/01/1980")
    with qtbot.waitSignal(form.saved, timeout=5000):
        form.save()


def test_unreadable_date_is_reported_by_the_service_and_kept(qtbot, make_window, world):
    window = make_window(world.om)
    form = _open_form(qtbot, window)
    form.surname.setText("Quillfeather")
    form.forenames.setText("Arthur")
    form.date_of_birth.edit.setText("31/02/1980")  # no such day
    form.save()
    qtbot.waitUntil(lambda: form.errors.message("date_of_birth") != "", timeout=5000)
    assert "DD/MM/YYYY" in form.errors.message("date_of_birth")
    assert form.date_of_birth.text() == "31/02/1980"


def _open_record_window(qtbot, window, record):
    dialog = window.open_offender(record.offender_id, record.name)
    dialog.choose(AccessReason.CASE_MANAGEMENT, "correcting the personal details")
    with qtbot.waitSignal(window.record_window_opened, timeout=5000) as opened:
        dialog.submit()
    return opened.args[0]


def test_correct_a_record_and_see_the_revision_in_history(qtbot, make_window, sqlite_services, world, prompter):
    record = make_offender(sqlite_services, world.om, "Quilfeather", "Arthur")
    window = make_window(world.om)
    qtbot.waitUntil(lambda: window.lookups is not None, timeout=5000)
    rw = _open_record_window(qtbot, window, record)
    assert rw.history_model.rowCount() == 0
    form = rw.open_correction()
    assert form.surname.text() == "Quilfeather"

    # Saving with nothing changed does not ask for a reason.
    form.save()
    assert prompter.reason_requests == []
    assert "Nothing has changed" in form.errors.general.text()

    form.surname.setText("Quillfeather")
    prompter.reasons[:] = ["short", "Spelling corrected from the PNC record"]
    with qtbot.waitSignal(rw.changed, timeout=5000):
        form.save()
    # The first reason was too short: asked again with the service's message and the text kept.
    assert prompter.reason_requests[1]["problem"].startswith("Say why the details are being corrected")
    assert prompter.reason_requests[1]["text"] == "short"
    assert rw.record.details.surname == "Quillfeather"
    assert rw.name_label.text() == "QUILLFEATHER, Arthur"
    assert rw.history_model.rowCount() == 1
    line = rw.history_model.row_at(0)
    assert line.revision.reason == "Spelling corrected from the PNC record"
    assert line.revision.changed_by == "Olly Manager"
    assert line.before_text == "Surname: Quilfeather"
    assert rw.tabs.tabText(rw.tabs.count() - 1) == "History (1)"
    assert "Last changed by Olly Manager" in rw.changed_label.text()


def test_stale_save_says_who_changed_it_and_offers_reload(qtbot, make_window, sqlite_services, world, prompter):
    record = make_offender(sqlite_services, world.om, "Quillfeather", "Arthur")
    window = make_window(world.om)
    qtbot.waitUntil(lambda: window.lookups is not None, timeout=5000)
    rw = _open_record_window(qtbot, window, record)
    form = rw.open_correction()
    # Meanwhile the supervisor corrects the same record.
    theirs = open_record(sqlite_services, world.supervisor, record.offender_id, AccessReason.SUPERVISION,
                         "monthly supervision check")
    correct_offender(sqlite_services, world.supervisor, record.offender_id, theirs.version_id,
                     OffenderDraft(**{**vars(theirs.details), "forenames": "Arthur John"}),
                     "middle name added from the court register")

    form.pnc_id.setText("2001/0123456A")
    prompter.reasons[:] = ["PNC number added from the PNC"]
    prompter.confirms[:] = [True]  # "Reload"
    with qtbot.waitSignal(form.reloaded, timeout=5000):
        form.save()
    stale = [t for k, title, t in prompter.messages if k == "confirm" and title == "Changed by someone else"]
    assert stale and "changed by Sam Supervisor" in stale[0]
    assert form.forenames.text() == "Arthur John"  # their change is now in the form
    assert rw.record.details.forenames == "Arthur John"
    assert form.isVisible()


def test_an_unreadable_date_in_the_address_dialog_is_caught_before_saving(qtbot, sqlite_services, world,
                                                                          record_window):
    """The entry dialogs are ServiceDialogs: a date that cannot be read is said under its field
    and nothing is sent."""
    from sqlalchemy import func, select

    from rso_manager.persistence.models import Address

    window = record_window(make_offender(sqlite_services, world.om, "Quillfeather", "Arthur"))
    dialog = window.open_add_dialog("address")
    dialog.line1.setText("1 Mill Lane")
    dialog.from_date.edit.setText("31/02/2026")
    dialog.submit()
    assert dialog.errors.message("from_date") == "Type the date as DD/MM/YYYY."
    assert dialog.isVisible() and dialog.save_button.isEnabled()
    with sqlite_services.session_factory() as s:
        assert s.scalar(select(func.count()).select_from(Address)) == 0
    dialog.reject()
