"""Building the main window and each of its pages shows no window of its own.

A widget made visible before it has a parent is shown as a top-level window: a flash on the
user's screen, and the main window loses the keyboard (found when the planner's Book buttons were
shown before their row had a parent: its Ctrl+Shift+E no longer reached the page)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication, QWidget


class _WindowsShown(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.shown: list[str] = []

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.Show and isinstance(watched, QWidget) and watched.isWindow():
            self.shown.append(f"{type(watched).__name__} {watched.objectName()!r} {watched.windowTitle()!r}")
        return False


@pytest.mark.parametrize("who", ["om", "supervisor", "lead", "admin"])
def test_no_page_shows_a_window_of_its_own(qtbot, make_window, world, who):
    app = QApplication.instance()
    watcher = _WindowsShown()
    app.installEventFilter(watcher)
    try:
        window = make_window(getattr(world, who))
        qtbot.waitUntil(window.isActiveWindow, timeout=3000)
        for key in list(window.page_actions):
            window.page_actions[key].trigger()
            qtbot.wait(10)
            assert window.isActiveWindow(), f"showing the {key} page left the main window inactive"
    finally:
        app.removeEventFilter(watcher)
    stray = [w for w in watcher.shown if not w.startswith("MainWindow ")]
    assert not stray, f"windows shown while the main window and its pages were built: {stray}"


def test_going_to_a_page_puts_the_keyboard_in_it(qtbot, make_window, world):
    window = make_window(world.lead)
    qtbot.waitUntil(window.isActiveWindow, timeout=3000)
    for key in [k for k in window.page_actions if k != "home"]:
        window.page_actions[key].trigger()
        page = window.page_widget(key)
        focus = QApplication.focusWidget()
        assert focus is not None and page.isAncestorOf(focus), f"after Go to {key} the keyboard is on {focus!r}"
    window.page_actions["home"].trigger()
    focus = QApplication.focusWidget()
    assert focus is not None and window.pages.widget(0).isAncestorOf(focus), f"back on the caseload: {focus!r}"
