"""Every control a screen reader reaches has a name, and every dialog works from the keyboard
(issue 17 part 7).

For each role a main window is opened on a demo database (as tests/ui/test_every_model.py
does); every page and a record's every part are visited, and every dialog the menus, toolbars
and buttons open ("..." says a control opens one) is opened, checked and closed with Escape. A
focusable, visible, enabled control with no accessible name (a button's own text counts) fails
the test, listed as "window > class > path". In each dialog Tab must reach every field, and
Return in its first field must press its default button.

The user's answers to modal questions are faked: the prompter cancels, the system file dialogs
are cancelled, and a modal dialog run with exec() is checked and rejected by a timer.
"""

from __future__ import annotations

import time

import pytest
import shiboken6
from PySide6.QtCore import SIGNAL, Qt, QTimer
from PySide6.QtGui import QAction
from PySide6.QtPrintSupport import QAbstractPrintDialog
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QPushButton,
    QWidget,
)

from rso_manager.clock import FixedClock
from rso_manager.database import open_database
from rso_manager.domain.roles import Role
from rso_manager.services.caseload import AccessReason, open_record
from rso_manager.services.unit_of_work import SYSTEM, Actor
from rso_manager.services.users import list_users
from ui.kit.accessibility import is_named
from ui.kit.widgets import select_first

DEMO_CASES = 12
ROLES = (Role.OFFENDER_MANAGER, Role.SUPERVISOR, Role.OMU_LEAD, Role.ADMINISTRATOR, Role.BRIEFING)
# Menu items that end the session or open the app's own sign-in: not dialogs to walk.
NOT_WALKED = {"Quit", "Lock screen"}
# Found by this walk in files another change owns, reported there; each goes once fixed.
KNOWN = {
    # ui/workflows/compliance.py: Return in the "From" date does not press Save report.
    'Print compliance summary: Return does not press its default button "Save report"',
}
EXEC_DIALOGS = (QAbstractPrintDialog, QInputDialog, QFileDialog, QMessageBox)


def _path(widget: QWidget) -> str:
    """objectName where there is one, else the chain of classes from the window down."""
    parts = []
    w: QWidget | None = widget
    while w is not None and not w.isWindow():
        parts.append(w.objectName() or type(w).__name__)
        w = w.parentWidget()
    return "/".join(reversed(parts[:4]))


def _label(window: QWidget) -> str:
    return window.windowTitle() or type(window).__name__


def _unnamed(top: QWidget) -> list[str]:
    found = []
    for widget in [top, *top.findChildren(QWidget)]:
        if (widget.focusPolicy() != Qt.FocusPolicy.NoFocus and widget.isVisible() and widget.isEnabled()
                and not is_named(widget)):
            found.append(f"{_label(top)} > {type(widget).__name__} > {_path(widget)}")
    return found


def _fields(dialog: QWidget) -> list[QWidget]:
    return [w for w in dialog.findChildren(QWidget)
            if w.isVisible() and w.isEnabled() and w.focusPolicy() != Qt.FocusPolicy.NoFocus]


def _keyboard_problems(dialog: QDialog) -> list[str]:
    """Tab reaches every field (the focus chain holds each, and each takes Tab focus), and a
    default button takes Return."""
    problems = []
    chain, w = set(), dialog.nextInFocusChain()
    while w is not dialog and len(chain) < 5000:
        chain.add(id(w))
        w = w.nextInFocusChain()
    for field in _fields(dialog):
        if isinstance(field, QLabel):
            # Text selectable by mouse takes click focus only; a reader reads a label anyway.
            # Its links must open from the keyboard too.
            flags = field.textInteractionFlags()
            if (flags & Qt.TextInteractionFlag.LinksAccessibleByMouse
                    and not flags & Qt.TextInteractionFlag.LinksAccessibleByKeyboard and "<a " in field.text()):
                problems.append(f"{_label(dialog)} > QLabel > {_path(field)}: its link does not open from the keyboard")
            continue
        tabbed = bool(field.focusPolicy() & Qt.FocusPolicy.TabFocus)
        if id(field) not in chain or not tabbed:
            problems.append(f"{_label(dialog)} > {type(field).__name__} > {_path(field)}: Tab does not reach it")
    buttons = [b for b in dialog.findChildren(QPushButton) if b.isVisible()]
    default = next((b for b in buttons if b.isDefault()), None)
    # A list whose Return opens the chosen row, or a box whose Return runs it, may keep Return
    # from every button (the search dialog does, so Return never opens what it no longer found).
    returns = [v for v in dialog.findChildren(QAbstractItemView) if v.receivers(SIGNAL("activated(QModelIndex)"))]
    returns += [e for e in dialog.findChildren(QLineEdit) if e.receivers(SIGNAL("returnPressed()"))]
    if buttons and default is None and not returns:
        problems.append(f"{_label(dialog)}: no default button for Return")
    return problems


class DialogWalker:
    """Opens what a control opens, checks each new window, closes it again."""

    def __init__(self, qtbot, window) -> None:
        self.qtbot, self.window = qtbot, window
        self.unnamed: set[str] = set()
        self.keyboard: set[str] = set()
        self.opened: set[str] = set()
        self.return_checked: set[str] = set()
        self._modal_timer = QTimer()
        self._modal_timer.setInterval(40)
        self._modal_timer.timeout.connect(self._close_modal)

    def settle(self) -> None:
        self.qtbot.wait(10)
        self.qtbot.waitUntil(lambda: not self.window.worker.busy, timeout=20_000)
        self.qtbot.wait(10)

    def check(self, top: QWidget) -> None:
        self.unnamed.update(_unnamed(top))

    def windows(self) -> set[int]:
        return {id(w) for w in QApplication.topLevelWidgets() if w.isVisible()}

    def _close_modal(self) -> None:
        # Qt's own dialogs, the app's only ones run with exec() (a print dialog, a reference
        # asked for): checked, then answered "cancel".
        modal = QApplication.activeModalWidget()
        if isinstance(modal, EXEC_DIALOGS) and modal.isVisible():
            self._check_dialog(modal)
            modal.reject()

    def _check_dialog(self, dialog: QWidget) -> None:
        title = _label(dialog)
        self.opened.add(title)
        self.check(dialog)
        if isinstance(dialog, QDialog):
            self.keyboard.update(_keyboard_problems(dialog))

    def open_from(self, trigger) -> None:
        """Run TRIGGER (a click or an action); check every window it opened and close it."""
        before = self.windows()
        self._modal_timer.start()
        try:
            trigger()
            self.settle()
        finally:
            self._modal_timer.stop()
        for top in list(QApplication.topLevelWidgets()):
            if not shiboken6.isValid(top) or id(top) in before or not top.isVisible():
                continue
            if top.windowType() in (Qt.WindowType.Popup, Qt.WindowType.ToolTip) or isinstance(top, QMenu):
                top.close()
                continue
            self._check_dialog(top)
            if isinstance(top, QDialog):
                self._return_presses_default(top)
                self.qtbot.keyClick(top, Qt.Key.Key_Escape)
                self.settle()
                if shiboken6.isValid(top) and top.isVisible():
                    self.keyboard.add(f"{_label(top)}: Escape does not close it")
            if shiboken6.isValid(top) and top.isVisible() and top is not self.window:
                top.close()

    def _return_presses_default(self, dialog: QDialog) -> None:
        """Return in the first line edit presses the default button. Only where it sits in a
        button box: its signals are held, so nothing is saved (a default button of its own
        would run its work)."""
        default = next((b for b in dialog.findChildren(QPushButton) if b.isVisible() and b.isDefault()), None)
        box = default.parentWidget() if default is not None else None
        if default is None or not isinstance(box, QDialogButtonBox) or not default.isEnabled():
            return
        edits = [e for e in dialog.findChildren(QLineEdit) if e.isVisible() and e.isEnabled()
                 and not e.isReadOnly() and not isinstance(e.parentWidget(), QAbstractItemView)
                 and e.parentWidget().metaObject().className() not in ("QComboBox", "QSpinBox")]
        pressed = []
        default.clicked.connect(lambda *_: pressed.append(True))
        box.blockSignals(True)
        try:
            if edits:
                edits[0].setFocus()
                self.qtbot.keyClick(edits[0], Qt.Key.Key_Return)
            else:
                default.setFocus()
                self.qtbot.keyClick(default, Qt.Key.Key_Return)
        finally:
            box.blockSignals(False)
        self.return_checked.add(_label(dialog))
        if not pressed:
            self.keyboard.add(f"{_label(dialog)}: Return does not press its default button \"{default.text()}\"")

    def open_actions(self, actions: list[QAction]) -> None:
        for action in actions:
            if (shiboken6.isValid(action) and action.isVisible() and action.isEnabled()
                    and action.text().endswith("...") and action.text().replace("&", "").rstrip(".") not in NOT_WALKED):
                self.open_from(action.trigger)

    def open_buttons(self, page: QWidget) -> None:
        """Select a row of each list (the buttons for an entry need one), then press each button
        of PAGE that opens a dialog."""
        for view in page.findChildren(QAbstractItemView):
            if view.isVisible() and view.model() is not None and view.model().rowCount():
                select_first(view)  # type: ignore[arg-type]
        for button in page.findChildren(QAbstractButton):
            if (shiboken6.isValid(button) and button.isVisible() and button.isEnabled()
                    and button.text().endswith("...") and button.menu() is None
                    and isinstance(button, QPushButton)):
                self.open_from(button.click)


def _menu_actions(window) -> list[QAction]:
    found = []

    def walk(menu: QMenu) -> None:
        for action in menu.actions():
            if action.menu() is not None:
                walk(action.menu())
            elif not action.isSeparator():
                found.append(action)

    for top in window.menuBar().actions():
        if top.menu() is not None:
            walk(top.menu())
    return found


@pytest.fixture(scope="module")
def demo_services(tmp_path_factory):
    engine, services = open_database(f"sqlite:///{tmp_path_factory.mktemp('a11y') / 'demo.db'}", FixedClock())
    from rso_manager import demo

    demo.generate(services, offenders=DEMO_CASES, seed=13)
    yield services
    engine.dispose()


def _actor(services, role: Role) -> Actor:
    user = next(u for u in list_users(services, SYSTEM) if u.role is role and u.active and u.trained
                or u.role is role and u.active and role in (Role.ADMINISTRATOR, Role.BRIEFING))
    return Actor(user.id, user.username, user.display_name, user.role, user.team_id, user.trained)


@pytest.fixture
def no_file_dialogs(monkeypatch):
    """The system file dialogs answered "cancel"."""
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: ("", "")))
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: ("", "")))
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", staticmethod(lambda *a, **k: ""))


@pytest.mark.parametrize("role", ROLES, ids=[r.value for r in ROLES])
def test_every_control_is_named_and_every_dialog_works_from_the_keyboard(
        qtbot, demo_services, prompter, no_file_dialogs, role):
    from ui.main_window import build_main_window

    started = time.monotonic()
    actor = _actor(demo_services, role)
    window = build_main_window(demo_services, actor, prompter=prompter, database="demo.db (SQLite)", demo=True)
    window.resize(1280, 720)
    window.show()
    walker = DialogWalker(qtbot, window)
    try:
        qtbot.waitUntil(lambda: not window.loading, timeout=20_000)
        walker.settle()
        walker.check(window)
        for action in list(window.page_actions.values()):
            action.trigger()
            walker.settle()
            walker.check(window)
            walker.open_buttons(window.pages.currentWidget())
        if window.page_actions:
            window.page_actions.get("home", next(iter(window.page_actions.values()))).trigger()
            walker.settle()
        walker.open_actions(_menu_actions(window) + window.toolbar.actions())
        if window.scopes and window.model.rowCount():
            case = window.model.row_at(0)
            record = open_record(demo_services, actor, case.offender_id, AccessReason.CASE_MANAGEMENT,
                                 "checking every control of the record is named")
            record_window = window.show_record(record)
            walker.settle()
            for index in range(record_window.tabs.count()):
                record_window.tabs.setCurrentIndex(index)
                walker.settle()
                walker.check(record_window)
                walker.open_buttons(record_window.tabs.widget(index))
            walker.open_actions(record_window.findChildren(QAction))
    finally:
        for widget in QApplication.topLevelWidgets():
            if widget is not window and widget.isVisible():
                widget.close()
        prompter.confirms[:] = [True] * 20  # "discard changes?": yes
        window.close()
        window.worker.wait_for_done(10_000)
        window.deleteLater()
    print(f"{role.value}: {len(walker.opened)} dialogs in {time.monotonic() - started:.1f} s: "
          f"{sorted(walker.opened)}; Return checked in {len(walker.return_checked)}")
    problems = (["Controls without an accessible name:"] + sorted(walker.unnamed) if walker.unnamed else []) \
        + (["Not usable from the keyboard:"] + sorted(walker.keyboard - KNOWN) if walker.keyboard - KNOWN else [])
    assert not problems, "\n".join(problems)
    assert walker.opened, "no dialog was opened"
