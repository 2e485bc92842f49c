"""A full disk while saving a record: the user gets a message naming the cause, the form keeps
what was typed, and the save works once there is room (security.md §7 T2)."""

from __future__ import annotations

from sqlalchemy import func, select

from rso_manager.persistence import models as m
from tests.persistence.test_faults import _fill_free_pages, _limit_pages


def test_saving_on_a_full_disk_says_so_and_works_after_space_is_freed(qtbot, make_window, world, prompter,
                                                                      sqlite_services):
    window = make_window(world.om)
    qtbot.waitUntil(lambda: window.lookups is not None, timeout=5000)
    form = window.new_record()
    qtbot.keyClicks(form.surname, "Fullcase")
    qtbot.keyClicks(form.forenames, "Disk")
    qtbot.keyClicks(form.date_of_birth.edit, "17/05/1980")
    form.identifying_marks.setPlainText("m" * 20_000)
    _fill_free_pages(sqlite_services)
    limit = _limit_pages(sqlite_services)

    form.save()
    qtbot.waitUntil(lambda: bool(prompter.texts("warning")), timeout=10000)
    [(kind, title, text)] = [msg for msg in prompter.messages if msg[0] == "warning"]
    assert title == "The record was not saved"
    assert "the disk holding the database is full" in text and "Traceback" not in text
    assert not prompter.texts("error")  # a message, not the apology for an unexpected fault
    assert form.isVisible() and form.surname.text() == "Fullcase"
    with sqlite_services.session_factory() as s:
        assert s.scalar(select(func.count()).select_from(m.Offender).where(m.Offender.surname == "Fullcase")) == 0

    limit["extra"] = None  # space freed
    sqlite_services.session_factory.kw["bind"].dispose()
    with qtbot.waitSignal(window.record_window_opened, timeout=10000):
        form.save()
    assert not form.isVisible()
