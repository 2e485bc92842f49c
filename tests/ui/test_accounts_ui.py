import os
from pathlib import Path

import pytest
from sqlalchemy import select

from rso_manager.persistence.models import AuditEvent
from rso_manager.services.users import list_users, login
from ui.workflows.accounts import Accounts


def test_administrator_creates_an_account_that_can_log_in(qtbot, make_window, sqlite_services, world):
    window = make_window(world.admin)
    qtbot.waitUntil(lambda: window.part(Accounts).model.rowCount() > 0, timeout=5000)
    window.part(Accounts).new_account()
    qtbot.waitUntil(lambda: window.part(Accounts).dialog is not None and window.part(Accounts).dialog.isVisible(), timeout=5000)
    dialog = window.part(Accounts).dialog
    dialog.username.setText("om.new")
    dialog.display_name.setText("Nova Newcomer")
    dialog.password.setText("short")
    dialog.password_again.setText("short")
    dialog.save()
    qtbot.waitUntil(lambda: "15 characters" in dialog.errors.message("password"), timeout=5000)
    assert dialog.username.text() == "om.new"  # nothing typed is lost
    dialog.password.setText("a phrase long enough for the policy")
    dialog.password_again.setText("a phrase long enough for the policy")
    dialog.team.setCurrentIndex(dialog.team.findText("North"))
    dialog.trained.setChecked(True)
    dialog.save()
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=5000)
    qtbot.waitUntil(lambda: any(u.username == "om.new" for u in window.part(Accounts).model.rows()), timeout=5000)
    assert login(sqlite_services, "om.new", "a phrase long enough for the policy").trained


def test_changing_an_account_needs_a_reason_and_is_audited(qtbot, make_window, sqlite_services, world):
    window = make_window(world.admin)
    qtbot.waitUntil(lambda: window.part(Accounts).model.rowCount() > 0, timeout=5000)
    row = next(i for i, u in enumerate(window.part(Accounts).model.rows()) if u.username == "newbie")
    window.part(Accounts).table.selectRow(row)
    window.part(Accounts).change_selected()
    qtbot.waitUntil(lambda: window.part(Accounts).dialog is not None and window.part(Accounts).dialog.isVisible(), timeout=5000)
    dialog = window.part(Accounts).dialog
    dialog.trained.setChecked(True)
    dialog.save()
    qtbot.waitUntil(lambda: dialog.errors.message("reason") != "", timeout=5000)
    dialog.reason.setText("ViSOR course passed on 20/11/2026")
    dialog.save()
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=5000)
    assert next(u for u in list_users(sqlite_services, world.admin) if u.username == "newbie").trained
    with sqlite_services.session_factory() as s:
        assert s.scalar(select(AuditEvent.reason).where(AuditEvent.action == "user.change")) == "ViSOR course passed on 20/11/2026"


def _open_change(qtbot, window, username):
    qtbot.waitUntil(lambda: window.part(Accounts).model.rowCount() > 0, timeout=5000)
    row = next(i for i, u in enumerate(window.part(Accounts).model.rows()) if u.username == username)
    window.part(Accounts).table.selectRow(row)
    window.part(Accounts).change_selected()
    qtbot.waitUntil(lambda: window.part(Accounts).dialog is not None and window.part(Accounts).dialog.isVisible(), timeout=5000)
    return window.part(Accounts).dialog


def test_administrator_resets_a_lost_sign_in_code(qtbot, make_window, sqlite_services, world):
    from tests.sign_in import enrol

    secret, _codes = enrol(sqlite_services, "lead")
    window = make_window(world.admin)
    assert not _open_change(qtbot, window, "om").reset_code.isEnabled()  # has no code to reset
    window.part(Accounts).dialog.reject()
    dialog = _open_change(qtbot, window, "lead")
    assert dialog.reset_code.isEnabled()
    dialog.reset_code.setChecked(True)
    dialog.reason.setText("phone lost on the train, reported 25/11")
    dialog.save()
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=5000)
    assert not next(u for u in list_users(sqlite_services, world.admin) if u.username == "lead").second_factor
    with sqlite_services.session_factory() as s:
        row = s.scalar(select(AuditEvent).where(AuditEvent.action == "second_factor.reset"))
    assert row.reason == "phone lost on the train, reported 25/11"
    assert secret not in (row.details_json or "")


def test_administrator_cannot_change_their_own_role_in_the_dialog(qtbot, make_window, world, prompter):
    from rso_manager.domain.roles import Role

    window = make_window(world.admin)
    dialog = _open_change(qtbot, window, "admin")
    dialog.role.setCurrentIndex(dialog.role.findData(Role.OMU_LEAD.value))
    dialog.reason.setText("I need to read the caseload")
    dialog.save()
    qtbot.waitUntil(lambda: bool(prompter.texts("warning")), timeout=5000)
    assert "your own role" in prompter.texts("warning")[0]
    assert dialog.isVisible()


def test_administrator_requires_codes_of_every_account(qtbot, make_window, sqlite_services, world, prompter):
    from rso_manager.services.second_factor import everyone_required

    window = make_window(world.admin)
    assert not window.part(Accounts).codes_button.isChecked()
    prompter.reasons.append("force policy from 1 December 2026")
    window.part(Accounts).codes_button.click()
    qtbot.waitUntil(lambda: window.part(Accounts).codes_button.isChecked(), timeout=5000)
    assert everyone_required(sqlite_services)
    window.part(Accounts).codes_button.click()  # cancelled: nothing changes
    assert window.part(Accounts).codes_button.isChecked() and everyone_required(sqlite_services)


def test_the_accounts_page_is_the_workflows_own_and_shown_first(qtbot, make_window, world):
    """Issue 13: the workflow adds its page through the host (no reaching into the window)."""
    window = make_window(world.admin)
    accounts = window.part(Accounts)
    assert window.pages.currentWidget() is accounts.page
    assert "accounts" in window.page_actions
    qtbot.waitUntil(lambda: accounts.model.rowCount() > 0, timeout=5000)
    assert accounts.new_button.parent() is accounts.page


def test_no_accounts_page_for_those_who_cannot_manage_accounts(make_window, world):
    window = make_window(world.lead)
    assert window.part(Accounts) is None and "accounts" not in window.page_actions


@pytest.mark.skipif(not os.environ.get("RSO_SCREENSHOTS"), reason="set RSO_SCREENSHOTS=1 to write the screenshots")
def test_screenshot_of_the_accounts_page(qtbot, qapp, make_window, world):
    from ui.app import load_style

    style, sheet = qapp.style().name(), qapp.styleSheet()
    load_style(qapp)
    try:
        window = make_window(world.admin)
        window.resize(1280, 720)
        accounts = window.part(Accounts)
        qtbot.waitUntil(lambda: accounts.model.rowCount() > 0 and not window.worker.busy, timeout=5000)
        assert window.pages.currentWidget() is accounts.page
        accounts.table.selectRow(1)
        qtbot.wait(100)
        path = Path("screenshots") / "accounts.png"
        path.parent.mkdir(exist_ok=True)
        assert window.grab().save(str(path))
    finally:
        qapp.setStyleSheet(sheet)
        qapp.setStyle(style)
