"""The Directory sign-in tab of File > Settings... and the accounts page's link to the directory
(issue 17 part 2), pytest-qt offscreen: every directory setting a field; a half configuration
switched on is refused with the message under its field; Test connection tries what is on
screen against a real OpenLDAP server (tests/ldap_server.py) on the worker and shows what it
found; the lookup password goes to the keyring, or the user is told where to put it instead."""

from __future__ import annotations

import os
from pathlib import Path

from rso_manager.domain.setting_definitions import DIRECTORY_DEFINITIONS, SettingGroup
from rso_manager.services import directory_sign_in as ds
from rso_manager.services import settings
from rso_manager.services.users import list_users
from tests.directory.conftest import CONFIG_REASON, settings_for
from tests.ldap_server import LOOKUP_DN
from ui.workflows.accounts import Accounts, LinkToDirectoryDialog
from ui.workflows.settings_dialog import SettingsDialog, SettingsMenu

DIRECTORY_TAB = list(SettingGroup).index(SettingGroup.DIRECTORY)


def _open(qtbot, make_window, world) -> SettingsDialog:
    window = make_window(world.admin)
    window.part(SettingsMenu).action.trigger()
    dialog = window.part(SettingsMenu).dialog
    qtbot.waitUntil(lambda: dialog.read is not None, timeout=5000)
    dialog.tabs.setCurrentIndex(DIRECTORY_TAB)
    return dialog


def _type(dialog: SettingsDialog, values: dict) -> None:
    for name, value in values.items():
        dialog.set_value(f"directory.{name}", value)


def _stored(services):
    with services.session_factory() as s:
        return ds.stored_values(s)


def test_the_tab_holds_every_directory_setting_and_refuses_half_a_configuration(
        qtbot, qapp, make_window, sqlite_services, world):
    dialog = _open(qtbot, make_window, world)
    assert dialog.tabs.tabText(DIRECTORY_TAB) == "&Directory sign-in"
    assert {d.key for d in DIRECTORY_DEFINITIONS} <= set(dialog.inputs)
    assert dialog.value("directory.user_filter") == "(&(objectCategory=person)(sAMAccountName={username}))"
    assert dialog.value("directory.enabled") is False and dialog.value("directory.recheck_minutes") == 5
    _type(dialog, {"enabled": True, "servers": "ldap://dc1.force.example"})
    dialog.reason.set_text(CONFIG_REASON)
    dialog.tabs.setCurrentIndex(0)
    dialog.save_button.click()
    qtbot.waitUntil(lambda: dialog.errors.message("directory.servers") != "", timeout=5000)
    assert "unencrypted" in dialog.errors.message("directory.servers")
    assert "DC=force" in dialog.errors.message("directory.base_dn")
    assert dialog.tabs.currentIndex() == DIRECTORY_TAB
    assert dialog.isVisible() and dialog.value("directory.servers") == "ldap://dc1.force.example"
    assert _stored(sqlite_services)["enabled"] is False  # nothing saved
    if os.environ.get("RSO_SCREENSHOTS"):
        _screenshot(qtbot, qapp, dialog, "settings-directory-refused.png", scroll_to=None)

    # Test connection checks the same before trying anything.
    dialog.test_button.click()
    qtbot.waitUntil(lambda: "Not tried" in dialog.connection_summary.text(), timeout=5000)
    assert "unencrypted" in dialog.errors.message("directory.servers")


def test_test_connection_tries_what_is_on_screen_then_it_is_saved(qtbot, qapp, make_window, sqlite_services,
                                                                   world, directory):
    dialog = _open(qtbot, make_window, world)
    _type(dialog, settings_for(directory.url))
    dialog.test_button.click()
    assert not dialog.test_button.isEnabled()
    qtbot.waitUntil(lambda: dialog.connection_report is not None, timeout=15000)
    lines = dialog.connection_lines.toPlainText().splitlines()
    assert dialog.connection_report.ok, lines
    assert lines[0].startswith(f"{directory.url}: answered in ")
    assert "The lookup account signed in." in lines
    assert "Supervisor group (rso-supervisors): found." in lines
    assert "everything named was found" in dialog.connection_summary.text()
    assert dialog.test_button.isEnabled() and _stored(sqlite_services)["enabled"] is False  # tried, not saved

    dialog.reason.set_text(CONFIG_REASON)
    if os.environ.get("RSO_SCREENSHOTS"):
        _screenshot(qtbot, qapp, dialog, "settings-directory.png")
    dialog.save_button.click()
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=5000)
    with sqlite_services.session_factory() as s:
        config = ds.configuration(s)
        assert settings.get(s, "directory")["servers"] == directory.url
    assert config is not None and config.lookup_dn == LOOKUP_DN


def test_a_group_not_found_is_said_in_the_report(qtbot, make_window, sqlite_services, world, directory):
    dialog = _open(qtbot, make_window, world)
    _type(dialog, settings_for(directory.url, supervisor_group="rso-nobody"))
    dialog.test_button.click()
    qtbot.waitUntil(lambda: dialog.connection_report is not None, timeout=15000)
    assert not dialog.connection_report.ok
    assert "Supervisor group (rso-nobody): not found; check its name." in dialog.connection_lines.toPlainText()
    assert "needs putting right" in dialog.connection_summary.text()
    dialog.set_value("directory.supervisor_group", "rso-supervisors")
    assert "test again" in dialog.connection_summary.text()  # the report is of what was there before


def test_the_lookup_password_goes_to_the_keyring(qtbot, make_window, sqlite_services, world, prompter,
                                                 memory_keyring):
    dialog = _open(qtbot, make_window, world)
    asked = []
    dialog.ask_lookup_password = lambda dn: asked.append(dn) or "the lookup password, typed twice"
    dialog.lookup_password_button.click()  # no DN yet: said under the field, nothing asked
    assert dialog.errors.message("directory.lookup_dn") == ds.LOOKUP_DN_FIRST and asked == []
    dialog.set_value("directory.lookup_dn", LOOKUP_DN)
    dialog.lookup_password_button.click()
    qtbot.waitUntil(lambda: prompter.texts("info") != [], timeout=5000)
    assert asked == [LOOKUP_DN]
    assert memory_keyring.stored == {(ds.KEYRING_SERVICE, LOOKUP_DN): "the lookup password, typed twice"}
    assert "not in the database" in prompter.texts("info")[0]


def test_no_keyring_on_this_computer_is_said_with_the_variable_to_set(qtbot, make_window, sqlite_services, world,
                                                                      prompter, no_keyring):
    dialog = _open(qtbot, make_window, world)
    dialog.ask_lookup_password = lambda dn: "the lookup password"
    dialog.set_value("directory.lookup_dn", LOOKUP_DN)
    dialog.lookup_password_button.click()
    qtbot.waitUntil(lambda: prompter.texts("warning") != [], timeout=5000)
    assert ds.LOOKUP_PASSWORD_ENV in prompter.texts("warning")[0]
    assert dialog.lookup_password_button.isEnabled()


def _account_row(accounts, username):
    return next(i for i, u in enumerate(accounts.model.rows()) if u.username == username)


def test_the_accounts_page_shows_each_sign_in_and_links_an_account(qtbot, qapp, make_window, sqlite_services,
                                                                    world, prompter):
    window = make_window(world.admin)
    accounts = window.part(Accounts)
    qtbot.waitUntil(lambda: accounts.model.rowCount() > 0, timeout=5000)
    column = next(c for c in range(accounts.model.columnCount())
                  if accounts.model.headerData(c, _horizontal()) == "Signs in with")
    row = _account_row(accounts, "om")
    assert accounts.model.index(row, column).data() == "Local password"

    accounts.table.selectRow(row)
    accounts.link_button.click()
    qtbot.waitUntil(lambda: isinstance(accounts.dialog, LinkToDirectoryDialog) and accounts.dialog.isVisible(),
                    timeout=5000)
    dialog = accounts.dialog
    assert "not switched on yet" in dialog.hint.text()
    dialog.keep_local.setChecked(True)
    dialog.save()
    qtbot.waitUntil(lambda: dialog.errors.message("reason") != "", timeout=5000)
    dialog.reason.setText("OMU staff now sign in with their force accounts")
    dialog.save()
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=5000)
    qtbot.waitUntil(lambda: accounts.model.index(_account_row(accounts, "om"), column).data()
                    == "Directory (local password kept)", timeout=5000)
    om = next(u for u in list_users(sqlite_services, world.admin) if u.username == "om")
    assert ds.accounts_sign_in(sqlite_services, world.admin).by_user[om.id].directory

    accounts.table.selectRow(_account_row(accounts, "om"))
    accounts.link_button.click()  # linked already: said, no dialog
    assert any("already" in t for t in prompter.texts("info"))

    if os.environ.get("RSO_SCREENSHOTS"):
        from ui.app import load_style
        style, sheet = qapp.style().name(), qapp.styleSheet()
        load_style(qapp)
        try:
            window.resize(1280, 720)
            accounts.table.selectRow(_account_row(accounts, "sup"))
            accounts.link_button.click()
            qtbot.waitUntil(lambda: accounts.dialog is not dialog and accounts.dialog.isVisible(), timeout=5000)
            accounts.dialog.reason.setText("OMU staff now sign in with their force accounts")
            qtbot.wait(100)
            Path("screenshots").mkdir(exist_ok=True)
            assert window.grab().save("screenshots/accounts-directory.png")
            assert accounts.dialog.grab().save("screenshots/accounts-link-directory.png")
            accounts.dialog.reject()
        finally:
            qapp.setStyleSheet(sheet)
            qapp.setStyle(style)


def _horizontal():
    from PySide6.QtCore import Qt
    return Qt.Orientation.Horizontal


def _screenshot(qtbot, qapp, dialog: SettingsDialog, name: str, *, scroll_to: str | None = "directory.lookup_dn") -> None:
    from ui.app import load_style
    style, sheet = qapp.style().name(), qapp.styleSheet()
    load_style(qapp)
    try:
        dialog.resize(1280, 720)
        dialog.tabs.setCurrentIndex(DIRECTORY_TAB)
        qtbot.wait(100)
        Path("screenshots").mkdir(exist_ok=True)
        assert dialog.grab().save(f"screenshots/{name}")
        if scroll_to:
            dialog.show_field(scroll_to)
            qtbot.wait(100)
            assert dialog.grab().save(f"screenshots/{name.replace('.png', '-lookup.png')}")
    finally:
        qapp.setStyleSheet(sheet)
        qapp.setStyle(style)


def test_the_password_dialog_takes_the_same_password_twice(qtbot):
    from PySide6.QtWidgets import QDialog, QLineEdit

    from ui.workflows.settings_dialog import LookupPasswordDialog

    dialog = LookupPasswordDialog(LOOKUP_DN)
    qtbot.addWidget(dialog)
    assert LOOKUP_DN in dialog.findChildren(type(dialog.problem))[0].text()
    assert dialog.first.echoMode() == QLineEdit.EchoMode.Password
    dialog.first.setText("one password")
    dialog.again.setText("another")
    dialog._accept()
    assert dialog.result() != QDialog.DialogCode.Accepted and "same password" in dialog.problem.text()
    dialog.again.setText("one password")
    dialog._accept()
    assert dialog.result() == QDialog.DialogCode.Accepted and dialog.password() == "one password"


def test_a_server_that_does_not_answer_holds_only_the_test_not_the_database_worker(
        qtbot, make_window, sqlite_services, world):
    import socket

    silent = socket.socket()  # takes the connection and never says a word
    silent.bind(("127.0.0.1", 0))
    silent.listen(4)
    try:
        dialog = _open(qtbot, make_window, world)
        _type(dialog, settings_for(f"ldaps://127.0.0.1:{silent.getsockname()[1]}", timeout_seconds=3))
        dialog.test_button.click()
        answered = []
        dialog._worker.submit(lambda: "read", owner=dialog, on_success=answered.append)
        qtbot.waitUntil(lambda: answered == ["read"], timeout=2000)  # the database worker is free
        assert dialog.connection_report is None and not dialog.test_button.isEnabled()  # still trying
        qtbot.waitUntil(lambda: dialog.connection_report is not None, timeout=15000)
        assert not dialog.connection_report.ok
        assert "did not answer within 3 seconds" in dialog.connection_lines.toPlainText()
    finally:
        silent.close()
