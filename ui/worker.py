"""Run database work off the GUI thread; hand results back on the GUI thread.

One helper for the whole UI (design.md 6; Anki's taskman, Picard's run_task):

* callables run on a single-worker executor (Anki's choice), so writes never race each other
  and SQLite sees one writer per process. Not a QThreadPool/QRunnable: a Python QRunnable.run
  loses a reference on every call under PySide6 6.12.0 (ui/qtcompat.py);
* the worker thread only ever emits a private signal of the Worker, a QObject created on (and
  living on) the GUI thread, connected to the Worker's own slot. Qt therefore queues the call
  into the GUI thread, where the Task's public signals are emitted. Callbacks - even lambdas,
  which have no receiver thread of their own - consequently run on the GUI thread and may
  touch widgets. Nothing in the worker thread ever touches a widget;
* a WriteGate, closed while the screen is locked, refuses every SQL write a job makes (whatever
  dialog or page submitted it, queued before the lock or not): the one place that keeps a
  dialog hidden behind the lock from committing. Reads go on, so pages can refresh;
* an AccountChanged failure (the signed-in account was closed, locked or changed) goes to
  `account_changed` instead of to the caller, once a window has said it handles it: the main
  window then tells the user once and asks for a fresh sign-in, whichever job met it first.
"""

from __future__ import annotations

import itertools
import logging
import re
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, Signal, SignalInstance, Slot
from sqlalchemy import Engine, event

from rso_manager.services.errors import AccountChanged, ServiceError

log = logging.getLogger(__name__)


class SessionLocked(ServiceError):
    """A job tried to write while the screen was locked; nothing it did was committed."""

    def __init__(self) -> None:
        super().__init__("The screen is locked: unlock to save; your entries are kept.")


class WriteGate:
    """Open while the user is at the screen; closed by the session lock.

    Read from the worker thread at every SQL write, set from the GUI thread, hence an Event.
    """

    def __init__(self) -> None:
        self._closed = threading.Event()

    @property
    def closed(self) -> bool:
        return self._closed.is_set()

    def close(self) -> None:
        self._closed.set()

    def open(self) -> None:
        self._closed.clear()


# The gate of the job running on this thread (None: not a worker job, or one allowed while
# locked, such as the unlock itself).
_job = threading.local()
# Statements compiled from text() carry no insert/update/delete flags: judged by their verb.
_WRITE_VERB = re.compile(r"\s*(INSERT|UPDATE|DELETE|REPLACE|MERGE|UPSERT)\b", re.IGNORECASE)


@event.listens_for(Engine, "before_cursor_execute")
def _refuse_writes_while_locked(_conn, _cursor, statement, _params, context, _executemany) -> None:
    gate: WriteGate | None = getattr(_job, "gate", None)
    if gate is None or not gate.closed:
        return
    if (context is not None and (context.isinsert or context.isupdate or context.isdelete)) \
            or _WRITE_VERB.match(statement):
        # Raised before the statement runs; the unit of work rolls the whole transaction back.
        raise SessionLocked()


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
    # The account signed in is no longer as it was: sign in again (see handles_account_changes).
    account_changed = Signal(object)

    def __init__(self, parent: QObject | None = None, *, name: str = "rso-worker") -> None:
        super().__init__(parent)
        # NAME tells a second worker's thread (e.g. the reminders' own) apart in a profile.
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix=name)
        self._futures: set[Future] = set()
        self._futures_lock = threading.Lock()
        # Tasks by number until delivery: the only references, all on the GUI thread.
        self._live: dict[int, Task] = {}
        self._next_id = itertools.count(1)
        self._delivered.connect(self._deliver)
        self._progress.connect(self._deliver_progress)
        self.gate = WriteGate()
        # Cleared while a window is being built (hold): queued jobs then wait to start, so their
        # Python does not take turns at the interpreter with the GUI thread building it.
        self._running = threading.Event()
        self._running.set()
        # Set by the window that connects account_changed; until then an AccountChanged goes to
        # the caller's on_error like any other service error.
        self.handles_account_changes = False

    def submit(
        self,
        fn: Callable[..., Any],
        *args: Any,
        on_success: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        on_progress: Callable[[int, int], None] | None = None,
        owner: QObject | None = None,
        allowed_while_locked: bool = False,
        **kwargs: Any,
    ) -> Task:
        """Call fn(*args, **kwargs) in the background.

        The callbacks run on the GUI thread. With on_progress, fn also receives a keyword
        `progress=callable(done, total)` that is safe to call from the background thread.
        Without on_error, a failure goes to `unhandled_error`. With an owner (the window or
        dialog that asked), the result is dropped if the owner has been closed and deleted
        meanwhile, instead of calling back into a deleted widget. While the gate is closed (the
        screen locked) any SQL write fn makes raises SessionLocked, unless allowed_while_locked
        (the unlock's own audited login).
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
            kwargs["progress"] = lambda done, total: progress.emit(task_id, int(done), int(total))
        self._live[task_id] = task
        if len(self._live) == 1:
            self.busy_changed.emit(True)
        gate = None if allowed_while_locked else self.gate
        future = self._executor.submit(self._run, self._delivered, task_id, fn, args, kwargs, gate,
                                       self._running)
        with self._futures_lock:
            self._futures.add(future)
        future.add_done_callback(self._forget)
        return task

    def hold(self) -> None:
        """Jobs submitted from now on, and queued ones not started yet, wait until release()
        (a job running goes on). For building a window: a worker's Python beside it made
        building the OMU lead's window take 19-26 ms instead of 12-15 (issue 16)."""
        self._running.clear()

    def release(self) -> None:
        self._running.set()

    @property
    def held(self) -> bool:
        return not self._running.is_set()

    @staticmethod
    def _run(deliver: SignalInstance, task_id: int, fn: Callable[..., Any], args: tuple,
             kwargs: dict, gate: WriteGate | None, running: threading.Event) -> None:
        """The worker thread's whole job: call, then emit the outcome. Touches no widget."""
        running.wait()
        _job.gate = gate
        try:
            value = fn(*args, **kwargs)
        except BaseException as exc:  # noqa: BLE001 - every failure must reach the GUI
            deliver.emit(task_id, 0, exc)
        else:
            deliver.emit(task_id, 1, value)
        finally:
            _job.gate = None

    def _forget(self, future: Future) -> None:
        with self._futures_lock:
            self._futures.discard(future)

    def account_changed_elsewhere(self, exc: BaseException) -> bool:
        """EXC, met by a job on another worker of this window (the reminders', the queue
        badge's): an AccountChanged goes on as if met here, so the window asks for a fresh
        sign-in once, whichever job met it first. True if it went on."""
        if isinstance(exc, AccountChanged) and self.handles_account_changes:
            self.account_changed.emit(exc)
            return True
        return False

    @property
    def busy(self) -> bool:
        return bool(self._live)

    def wait_for_done(self, msecs: int = -1) -> bool:
        """Block until queued work has run (shutdown and tests). Results are still delivered
        through the event loop afterwards. A hold is released: the jobs are to run."""
        self.release()
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
                self.busy_changed.emit(False)
            return
        try:
            if ok:
                task.result = value
                task.succeeded.emit(value)
            else:
                assert isinstance(value, BaseException)
                task.error = value
                log.debug("task %s failed", task.name, exc_info=(type(value), value, value.__traceback__))
                if isinstance(value, AccountChanged) and self.handles_account_changes:
                    self.account_changed.emit(value)
                else:
                    task.failed.emit(value)
        finally:
            task.finished.emit()
            if not self._live:
                self.busy_changed.emit(False)

    @Slot(int, int, int)
    def _deliver_progress(self, task_id: int, done: int, total: int) -> None:
        task = self._live.get(task_id)
        if task is not None and (task.owner is None or shiboken6.isValid(task.owner)):
            task.progressed.emit(done, total)
