"""File > Open a record by reference: a case outside the caseload opens only with a fuller reason,
and the opening lands in the case supervisor's queue."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from rso_manager.persistence import models as m
from rso_manager.services.caseload import AccessReason
from tests.ui.conftest import make_offender
from ui.open_reason_dialog import OpenReasonDialog
from ui.workflows.open_by_reference import open_by_reference

REASON = ("A neighbour reported that this man now lives at the address next to the school "
          "in my area, so I am checking before the visit")


def _south_case(sqlite_services, world):
    return make_offender(sqlite_services, world.om2, "Southcase", "Sam", team_id=world.team2_id,
                         offender_manager_id=world.om2.user_id)


def _open_dialog(qtbot, window, reference) -> OpenReasonDialog:
    open_by_reference(window, reference)
    qtbot.waitUntil(lambda: isinstance(window.reason_dialog, OpenReasonDialog)
                    and window.reason_dialog.isVisible(), timeout=5000)
    return window.reason_dialog


def test_outside_the_caseload_needs_a_reviewed_reason(qtbot, make_window, sqlite_services, world):
    record = _south_case(sqlite_services, world)
    window = make_window(world.om)
    dialog = _open_dialog(qtbot, window, record.reference.lower())
    assert dialog.outside_note.isVisible()
    dialog.choose(AccessReason.SAFEGUARDING, "checking the address")
    dialog.submit()
    qtbot.waitUntil(lambda: "10 words" in dialog.errors.message("reason_text"), timeout=5000)
    dialog.details.setText(REASON)
    with qtbot.waitSignal(window.record_window_opened, timeout=5000):
        dialog.submit()
    with sqlite_services.session_factory() as s:
        review = s.query(m.SignOff).filter_by(entity="consultation", offender_id=record.offender_id).one()
    assert review.status == "pending"


def test_inside_the_caseload_opens_as_usual(qtbot, make_window, sqlite_services, world):
    record = make_offender(sqlite_services, world.om, "Northcase")
    window = make_window(world.om)
    dialog = _open_dialog(qtbot, window, record.reference)
    assert not dialog.outside_note.isVisible()


def test_an_unknown_reference_is_said_plainly(qtbot, make_window, world, prompter):
    window = make_window(world.om)
    open_by_reference(window, "RSO-999999")
    qtbot.waitUntil(lambda: any("RSO-999999" in text for *_x, text in prompter.messages), timeout=5000)


@pytest.mark.skipif(not os.environ.get("RSO_SCREENSHOTS"), reason="set RSO_SCREENSHOTS=1 to write the screenshots")
def test_screenshot_outside_link_reason(qtbot, make_window, sqlite_services, world, qapp):
    from ui.app import load_style

    load_style(qapp)
    record = _south_case(sqlite_services, world)
    window = make_window(world.om)
    window.resize(1280, 720)
    dialog = _open_dialog(qtbot, window, record.reference)
    dialog.choose(AccessReason.SAFEGUARDING, "checking the address")
    dialog.submit()
    qtbot.waitUntil(lambda: dialog.errors.message("reason_text") != "", timeout=5000)
    qtbot.wait(100)
    path = Path("screenshots") / "open-outside-caseload.png"
    assert dialog.grab().save(str(path))
