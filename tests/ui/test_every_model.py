"""Every item model the app shows passes pytest-qt's model tester (issue 13).

A main window for each role is opened on a demo database; every page of it is visited, records
are opened and every part of them shown, and the lists in dialogs the File menu opens are shown.
Every QAbstractItemModel in any top-level window is then checked, once loaded. The model classes
of the ui package are found by importing all of its modules, so a new model that no screen shows
to this test fails it: show it here (or from a page this test already visits).
"""

from __future__ import annotations

import importlib
import pkgutil

import pytest
import shiboken6
from PySide6.QtCore import QAbstractItemModel
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QAbstractItemView, QApplication
from pytestqt.modeltest import ModelTester

import ui
from rso_manager.clock import FixedClock
from rso_manager.database import open_database
from rso_manager.domain.roles import Role
from rso_manager.services.caseload import AccessReason, open_record
from rso_manager.services.unit_of_work import SYSTEM, Actor
from rso_manager.services.users import list_users
from ui.workflows.exchange.import_offenders import ImportController
from ui.workflows.keyboard_shortcuts import ShortcutsHelp
from ui.workflows.search import SearchLauncher

DEMO_CASES = 40
RECORDS_PER_ROLE = 3  # records differ in what they hold; a few show every part with rows
# File menu items that open a list in a dialog (shown with open(), so the test goes on).
LISTS_IN_DIALOGS = {"&Reminders...", "Designated police &stations...", "&Absences and cover...", "Caseload co&ver..."}
# Record toolbar actions that open a list in a dialog.
LISTS_FROM_RECORDS = {"Linked cases..."}


def _ui_model_classes() -> set[type]:
    for info in pkgutil.walk_packages(ui.__path__, "ui."):
        importlib.import_module(info.name)
    found: set[type] = set()
    todo = [QAbstractItemModel]
    while todo:
        cls = todo.pop()
        for sub in cls.__subclasses__():
            if sub not in found:
                todo.append(sub)
                if sub.__module__.split(".")[0] == "ui":
                    found.add(sub)
    return found


def _models_on_screen() -> list[QAbstractItemModel]:
    """The models owned by any top-level window, and those its views show (a model need not be
    a child of a widget)."""
    models: dict[int, QAbstractItemModel] = {}
    for top in QApplication.topLevelWidgets():
        for model in top.findChildren(QAbstractItemModel):
            models[id(model)] = model
        for view in top.findChildren(QAbstractItemView):
            if view.model() is not None:
                models[id(view.model())] = view.model()
    return [m for m in models.values() if shiboken6.isValid(m)]


@pytest.fixture(scope="module")
def demo_services(tmp_path_factory):
    engine, services = open_database(f"sqlite:///{tmp_path_factory.mktemp('models') / 'demo.db'}", FixedClock())
    from rso_manager import demo

    demo.generate(services, offenders=DEMO_CASES, seed=13)
    yield services
    engine.dispose()


def _actors(services) -> list[Actor]:
    """One signed-in account of each role (and the untrained starter, who sees a read-only app)."""
    users = list_users(services, SYSTEM)
    chosen = {}
    for user in users:
        key = (user.role, user.trained)
        if user.active and key not in chosen:
            chosen[key] = Actor(user.id, user.username, user.display_name, user.role, user.team_id, user.trained)
    assert {role for role, _trained in chosen} == set(Role)
    return list(chosen.values())


def _settle(qtbot, window) -> None:
    qtbot.wait(20)
    qtbot.waitUntil(lambda: not window.worker.busy, timeout=20_000)
    qtbot.wait(20)


def _visit(qtbot, window, services, actor, tmp_path) -> None:
    """Every page, a few records with every part, and the lists the File menu opens."""
    for action in list(window.page_actions.values()):
        action.trigger()
        _settle(qtbot, window)
    for scope in reversed(window.scopes):  # a caseload with cases (a new starter holds none)
        window.set_scope(scope)
        qtbot.waitUntil(lambda: not window.loading, timeout=20_000)
        if window.model.rowCount():
            break
    if window.scopes:
        rows = window.model.rowCount()
        assert rows > 0, f"{actor.username} sees no cases in the demo"
        for row in range(min(RECORDS_PER_ROLE, rows)):
            case = window.model.row_at(row)
            record = open_record(services, actor, case.offender_id, AccessReason.CASE_MANAGEMENT,
                                 "checking every list of the record for the model tests")
            record_window = window.show_record(record)
            for index in range(record_window.tabs.count()):
                record_window.tabs.setCurrentIndex(index)
                _settle(qtbot, window)
            for action in record_window.findChildren(QAction):
                if action.text() in LISTS_FROM_RECORDS:
                    action.trigger()
                    _settle(qtbot, window)
    search = window.part(SearchLauncher)
    if search is not None:  # the force-wide search (Ctrl+K), with cases found
        dialog = search.show()
        dialog.box.setText(window.model.row_at(0).name.split(",")[0] if window.scopes else "Smith")
        dialog.run()
        _settle(qtbot, window)
    for action in window.file_menu.actions():
        if action.text() in LISTS_IN_DIALOGS and action.isEnabled():
            action.trigger()
            _settle(qtbot, window)
    shortcuts = window.part(ShortcutsHelp)  # Help > Keyboard shortcuts
    if shortcuts is not None:
        shortcuts.open()
    importing = window.part(ImportController)  # File > Import offenders, with a preview of each kind
    if importing is not None and window.scopes:
        case = window.model.row_at(0)
        surname, forenames = (part.strip() for part in case.name.split(",", 1))
        sheet = tmp_path / f"import-{actor.username}.csv"
        sheet.write_text(
            "surname,forenames,date_of_birth,offender_manager\r\n"
            f"{surname.title()},{forenames},{case.date_of_birth:%d/%m/%Y},{actor.username}\r\n"  # a duplicate
            "Newcomer,Example,31/02/1981,nobody.here\r\n",  # problems: the date and the officer
            encoding="utf-8")
        dialog = importing.open()
        dialog.path.setText(str(sheet))
        dialog.ask_preview()
        qtbot.waitUntil(lambda: dialog.preview is not None, timeout=10_000)


def test_every_model_passes_the_model_tester(qtbot, demo_services, prompter, tmp_path):
    from ui.main_window import build_main_window

    expected = _ui_model_classes()
    checked: set[type] = set()
    testers = []  # kept: each re-checks its model on every change while the next role is visited
    for actor in _actors(demo_services):
        window = build_main_window(demo_services, actor, prompter=prompter, database="demo.db (SQLite)", demo=True)
        window.resize(1280, 720)
        window.show()
        try:
            qtbot.waitUntil(lambda w=window: not w.loading, timeout=20_000)
            _visit(qtbot, window, demo_services, actor, tmp_path)
            for model in _models_on_screen():
                tester = ModelTester(None)  # what the qtmodeltester fixture is, one per model
                tester.check(model, force_py=True)
                testers.append(tester)
                checked.update(type(model).__mro__)
        finally:
            for widget in QApplication.topLevelWidgets():
                if widget is not window and widget.isVisible():
                    widget.close()
            prompter.confirms[:] = [True] * 20  # "discard changes?": yes
            window.close()
            window.worker.wait_for_done(10_000)
            window.deleteLater()
            testers.clear()
    missing = sorted(f"{cls.__module__}.{cls.__qualname__}" for cls in expected - checked)
    assert not missing, f"models no screen showed to the model tester: {missing}"
