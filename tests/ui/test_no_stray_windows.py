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
