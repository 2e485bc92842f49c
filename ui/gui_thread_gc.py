"""Python's cyclic garbage collector runs only on the GUI thread.

The collector runs on whichever thread happens to allocate past its threshold. When that is the
database worker and the garbage holds a PySide slot (a lambda connected to a signal), PySide
disconnects it there: Qt's connection mutex is taken on the worker, which then waits for the GIL
to ask Python about overrides, while the GUI thread holds the GIL and waits for that same mutex
(seen here as a test run that hung in QObject::connect). So automatic collection is switched off
and this timer collects on the GUI thread instead, at the same thresholds.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

INTERVAL_MS = 500


class GuiThreadCollector(QObject):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._thresholds = gc.get_threshold()
        gc.disable()
        self._timer = QTimer(self)
        self._timer.setInterval(INTERVAL_MS)
        self._timer.timeout.connect(self.check)
        self._timer.start()

    def check(self) -> None:
        counts = gc.get_count()
        if counts[0] <= self._thresholds[0]:
            return
        generation = 2 if counts[2] > self._thresholds[2] else 1 if counts[1] > self._thresholds[1] else 0
        gc.collect(generation)


_installed: GuiThreadCollector | None = None


def install(app: QObject) -> GuiThreadCollector:
    """Once per process, owned by the application object (the GUI thread)."""
    global _installed
    if _installed is None:
        _installed = GuiThreadCollector(app)
    return _installed


def uninstall() -> None:
    """Back to automatic collection (tests, between GUI tests, once no worker thread is left)."""
    global _installed
    if _installed is not None:
        _installed._timer.stop()
        _installed.deleteLater()
        _installed = None
    gc.collect()
    gc.enable()
