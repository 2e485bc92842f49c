"""Python's cyclic garbage collector runs only on the GUI thread.

The collector runs on whichever thread happens to allocate past its threshold. When that is the
database worker and the garbage holds a PySide slot (a lambda connected to a signal), PySide
disconnects it there: Qt's connection mutex is taken on the worker, which then waits for the GIL
to ask Python about overrides, while the GUI thread holds the GIL and waits for that same mutex
(seen here as a test run that hung in QObject::connect). So automatic collection is switched off
and this timer collects on the GUI thread instead, at the same thresholds.

A full collection walks every object alive: with the whole force's caseload loaded (100,000 rows
of frozen dataclasses) that is hundreds of milliseconds on the GUI thread, again and again. So
when the collector is installed (after the imports), when the main window is built and once its
first caseload has arrived, `freeze()` moves everything then alive (the modules, the window, its
rows) into the permanent generation (gc.freeze), which collections skip.
Reference counting still frees those objects (the rows have no cycles); a cycle among them that
dies later waits for `thaw()`, when that window closes.
"""

from __future__ import annotations

import gc
import time

from PySide6.QtCore import QObject, QTimer

INTERVAL_MS = 500
# Objects made since the last collection that mean a result is being built: the force's
# caseload is ~200,000, which take 30-50 ms to walk on the GUI thread at 100,000 cases, for
# nothing, as they are alive (50,000 take ~12 ms). The collection waits, at most POSTPONE_S, for
# the window to freeze them as they arrive (freeze()); then it has almost nothing to walk.
BULK_OBJECTS = 50_000
POSTPONE_S = 3.0


class GuiThreadCollector(QObject):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._thresholds = gc.get_threshold()
        gc.disable()
        self._timer = QTimer(self)
        self._timer.setInterval(INTERVAL_MS)
        self._timer.timeout.connect(self.check)
        self._timer.start()
        self._bulk_since: float | None = None  # when a collection was first put off for a bulk

    def check(self) -> None:
        counts = gc.get_count()
        if counts[0] <= self._thresholds[0]:
            self._bulk_since = None
            return
        if counts[0] > BULK_OBJECTS:
            now = time.monotonic()
            if self._bulk_since is None:
                self._bulk_since = now
            if now - self._bulk_since < POSTPONE_S:
                return
        self._bulk_since = None
        generation = 2 if counts[2] > self._thresholds[2] else 1 if counts[1] > self._thresholds[1] else 0
        gc.collect(generation)


def freeze() -> None:
    """Keep what is alive now out of every later collection. Cheap: it moves lists and collects
    nothing."""
    gc.freeze()


def thaw() -> None:
    """Let collections see the frozen objects again (their window has closed): the next full
    collection frees the cycles among them that have died."""
    gc.unfreeze()


_installed: GuiThreadCollector | None = None


def install(app: QObject) -> GuiThreadCollector:
    """Once per process, owned by the application object (the GUI thread)."""
    global _installed
    if _installed is None:
        _installed = GuiThreadCollector(app)
        # What is imported by now (PySide6, SQLAlchemy, the app's modules) lives as long as the
        # process: the collections while the workflows import need not walk it again and again.
        freeze()
    return _installed


def uninstall() -> None:
    """Back to automatic collection (tests, between GUI tests, once no worker thread is left)."""
    global _installed
    if _installed is not None:
        _installed._timer.stop()
        _installed.deleteLater()
        _installed = None
    gc.unfreeze()
    gc.collect()
    gc.enable()
