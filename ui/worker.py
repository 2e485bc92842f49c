"""Run database work off the GUI thread; hand results back on the GUI thread.

One helper for the whole UI (design.md 6; Anki's taskman, Picard's run_task):

* callables run on a single-worker executor (Anki's choice), so writes never race each other
  and SQLite sees one writer per process. Not a QThreadPool/QRunnable: a Python QRunnable.run
  loses a reference on every call under PySide6 6.12.0 (ui/qtcompat.py);
* the worker thread only ever emits a private signal of the Worker, a QObject created on (and
  living on) the GUI thread, connected to the Worker's own slot. Qt therefore queues the call
  into the GUI thread, where the Task's public signals are emitted. Callbacks - even lambdas,
  which have no receiver thread of their own - consequently run on the GUI thread and may
  touch widgets. Nothing in the worker thread ever touches a widget.
"""

from __future__ import annotations

import itertools
import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, Signal, SignalInstance, Slot

from ui.qtcompat import emit

log = logging.getLogger(__name__)


class Task(QObject):
    """One submitted call. Its signals are only ever emitted on the GUI thread."""

    succeeded = Signal(object)
    failed = Signal(object)  # the exception
    progressed = Signal(int, int)  # done, total
    finished = Signal()  # after succeeded or failed

    def __init__(self, name: str, owner: QObject | None = None) -> None:
        super().__init__()
        self.name = name
        self.owner = owner
        self.done = False
        self.result: Any = None
        self.error: BaseException | None = None


class Worker(QObject):
    """Owns the background thread. Create it on the GUI thread (e.g. as a child of a window)."""

    # Private: emitted from the pool thread, received by _deliver on the GUI thread.
    # (task number, 1 if it succeeded else 0, result or exception).
    _delivered = Signal(int, int, object)
    _progress = Signal(int, int, int)
    # A failure nobody asked to handle: the app shows an apology and logs it.
    unhandled_error = Signal(object)
    busy_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="rso-worker")
        self._futures: set[Future] = set()
        self._futures_lock = threading.Lock()
        # Tasks by number until delivery: the only references, all on the GUI thread.
        self._live: dict[int, Task] = {}
        self._next_id = itertools.count(1)
        self._delivered.connect(self._deliver)
        self._progress.connect(self._deliver_progress)

    def submit(
        self,
        fn: Callable[..., Any],
        *args: Any,
        on_success: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        on_progress: Callable[[int, int], None] | None = None,
        owner: QObject | None = None,
        **kwargs: Any,
    ) -> Task:
        """Call fn(*args, **kwargs) in the background.

        The callbacks run on the GUI thread. With on_progress, fn also receives a keyword
        `progress=callable(done, total)` that is safe to call from the background thread.
        Without on_error, a failure goes to `unhandled_error`. With an owner (the window or
        dialog that asked), the result is dropped if the owner has been closed and deleted
        meanwhile, instead of calling back into a deleted widget.
        """
        task = Task(getattr(fn, "__name__", "task"), owner)
        task_id = next(self._next_id)
        if on_success is not None:
            task.succeeded.connect(on_success)
        if on_error is not None:
            task.failed.connect(on_error)
        else:
            task.failed.connect(self.unhandled_error)  # signal to signal: forwarded by Qt
        if on_progress is not None:
            task.progressed.connect(on_progress)
            progress = self._progress
            kwargs["progress"] = lambda done, total: emit(progress, task_id, int(done), int(total))
        self._live[task_id] = task
        if len(self._live) == 1:
            emit(self.busy_changed, True)
        future = self._executor.submit(self._run, self._delivered, task_id, fn, args, kwargs)
        with self._futures_lock:
            self._futures.add(future)
        future.add_done_callback(self._forget)
        return task

    @staticmethod
    def _run(deliver: SignalInstance, task_id: int, fn: Callable[..., Any], args: tuple,
             kwargs: dict) -> None:
        """The worker thread's whole job: call, then emit the outcome. Touches no widget."""
        try:
            value = fn(*args, **kwargs)
        except BaseException as exc:  # noqa: BLE001 - every failure must reach the GUI
            emit(deliver, task_id, 0, exc)
        else:
            emit(deliver, task_id, 1, value)

    def _forget(self, future: Future) -> None:
        with self._futures_lock:
            self._futures.discard(future)

    @property
    def busy(self) -> bool:
        return bool(self._live)

    def wait_for_done(self, msecs: int = -1) -> bool:
        """Block until queued work has run (shutdown and tests). Results are still delivered
        through the event loop afterwards."""
        with self._futures_lock:
            pending = list(self._futures)
        _done, not_done = wait(pending, timeout=None if msecs < 0 else msecs / 1000)
        return not not_done

    @Slot(int, int, object)
    def _deliver(self, task_id: int, ok: int, value: object) -> None:
        task = self._live.pop(task_id, None)
        if task is None:
            return
        task.done = True
        if task.owner is not None and not shiboken6.isValid(task.owner):
            log.debug("task %s finished after its window closed; result dropped", task.name)
            if not self._live:
                emit(self.busy_changed, False)
            return
        try:
            if ok:
                task.result = value
                emit(task.succeeded, value)
            else:
                assert isinstance(value, BaseException)
                task.error = value
                log.debug("task %s failed", task.name, exc_info=(type(value), value, value.__traceback__))
                emit(task.failed, value)
        finally:
            emit(task.finished)
            if not self._live:
                emit(self.busy_changed, False)

    @Slot(int, int, int)
    def _deliver_progress(self, task_id: int, done: int, total: int) -> None:
        task = self._live.get(task_id)
        if task is not None and (task.owner is None or shiboken6.isValid(task.owner)):
            emit(task.progressed, done, total)
