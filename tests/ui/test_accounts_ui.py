from sqlalchemy import select

from rso_manager.persistence.models import AuditEvent
from rso_manager.services.users import list_users, login


def test_administrator_creates_an_account_that_can_log_in(qtbot, make_window, sqlite_services, world):
    window = make_window(world.admin)
    qtbot.waitUntil(lambda: window.users_model.rowCount() > 0, timeout=5000)
    window.accounts.new_account()
    qtbot.waitUntil(lambda: window.accounts.dialog is not None and window.accounts.dialog.isVisible(), timeout=5000)
    dialog = window.accounts.dialog
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
    qtbot.waitUntil(lambda: any(u.username == "om.new" for u in window.users_model.rows()), timeout=5000)
    assert login(sqlite_services, "om.new", "a phrase long enough for the policy").trained


def test_changing_an_account_needs_a_reason_and_is_audited(qtbot, make_window, sqlite_services, world):
    window = make_window(world.admin)
    qtbot.waitUntil(lambda: window.users_model.rowCount() > 0, timeout=5000)
    row = next(i for i, u in enumerate(window.users_model.rows()) if u.username == "newbie")
    window.users_table.selectRow(row)
    window.accounts.change_selected()
    qtbot.waitUntil(lambda: window.accounts.dialog is not None and window.accounts.dialog.isVisible(), timeout=5000)
    dialog = window.accounts.dialog
    dialog.trained.setChecked(True)
    dialog.save()
    qtbot.waitUntil(lambda: dialog.errors.message("reason") != "", timeout=5000)
    dialog.reason.setText("ViSOR course passed on 20/11/2026")
    dialog.save()
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=5000)
    assert next(u for u in list_users(sqlite_services, world.admin) if u.username == "newbie").trained
    with sqlite_services.session_factory() as s:
        assert s.scalar(select(AuditEvent.reason).where(AuditEvent.action == "user.change")) == "ViSOR course passed on 20/11/2026"
