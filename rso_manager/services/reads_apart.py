"""Long reads in a process of their own, so the GUI's interpreter stays free while they run.

A read running in Python on a worker thread takes the interpreter lock in turns with the GUI
thread, and every call Qt makes back into Python (a model's data(), a slot, a repaint) waits
behind it: at 100,000 cases the OMU lead's filter keystrokes stalled 100-300 ms while her
sign-off queue and reminder scan loaded beside them (issue 16). Python threads have no
priorities, so the cure is another interpreter. This spawned process opens the same database
through its own read-only connection (the key goes over the pipe, never through the environment,
the command line or a file), runs the service function it is given as `fn(services, *args)`, and
sends back the plain result; the caller's thread waits on the pipe without holding the lock.

The services in the process authorise every call against the account as it is now, as they do
in the app, and use the caller's clock as it stands at each call. A read that turns out to write
(the read-only connection refuses it), and every read once the process has died, is run by the
caller's own thread instead, as it would be without this process; once it is closed (the app is
ending) a read raises ReadsClosed. One read at a time: they
queue as they would on the one worker.
"""

from __future__ import annotations

import logging
import multiprocessing
import pickle
import threading
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any, TypeVar

from rso_manager import pipe_frames
from rso_manager.persistence.keys import DatabaseKey
from rso_manager.services.unit_of_work import Services

log = logging.getLogger(__name__)

T = TypeVar("T")

# What the process sends back: the value, the exception to raise, or a read that must be run by
# a connection that may write.
_VALUE, _RAISE, _NEEDS_WRITER = 1, 2, 3


class ReadFailed(Exception):
    """The read failed in the process with an exception that could not be sent back as it was."""


class ReadsClosed(ReadFailed):
    """The process was closed (the app is ending): the read was not made. Not run on the
    caller's thread instead, which would keep the app from closing until it was done."""


def read(services: Services, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """fn(services, *args, **kwargs), in the reads' process when SERVICES has one (the GUI's),
    else here. FN must be importable at module level and its arguments picklable."""
    apart = services.apart
    if apart is None:
        return fn(services, *args, **kwargs)
    return apart.run(services, fn, *args, **kwargs)


class ReadsApart:
    """The process and the caller's end of its pipe. Start on any thread; close at exit."""

    def __init__(self, url: str, key: DatabaseKey | None) -> None:
        context = multiprocessing.get_context("spawn")
        self._pipe, theirs = context.Pipe(duplex=True)
        self._process = context.Process(target=_serve, args=(theirs,), name="rso-reads", daemon=True)
        self._process.start()
        theirs.close()  # the child's end lives in the child: a dead child then reads here as EOF
        self._lock = threading.Lock()
        self._gone = False
        self._closed = False
        self.served = 0  # reads the process answered (tests and benchmarks)
        try:
            self._pipe.send((url, key))
        except OSError:
            self._lost("could not start")

    def run(self, services: Services, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        with self._lock:
            outcome = self._ask(fn, services, args, kwargs)
            if outcome is not None and outcome[0] == _VALUE:
                self.served += 1  # counted under the lock: two workers' threads read here
        if outcome is not None:
            kind, value = outcome
            if kind == _VALUE:
                return value
            if kind == _RAISE:
                raise value
        if self._closed:
            raise ReadsClosed("The app is closing: that was not read.")
        return fn(services, *args, **kwargs)

    def _ask(self, fn: Callable[..., Any], services: Services, args: tuple,
             kwargs: dict) -> tuple[int, Any] | None:
        if self._gone:
            return None
        try:
            self._pipe.send((fn, services.clock, args, kwargs))
            # Waits in the kernel, the interpreter lock released; then unpickled a frame at a
            # time (pipe_frames): a force's dashboard is 20 MB, 0.3 s to unpickle in one call.
            kind, value = pipe_frames.receive(self._pipe)
        except (EOFError, OSError):
            if not self._closed:
                self._lost("ended")
            return None
        return None if kind == _NEEDS_WRITER else (kind, value)

    def _lost(self, how: str) -> None:
        self._gone = True
        log.warning("The reads' process %s (exit code %s); reads run on the app's own threads",
                    how, self._process.exitcode)

    @property
    def alive(self) -> bool:
        return not self._gone and self._process.is_alive()

    def close(self) -> None:
        """End the process. A read waiting on it, and every read after, raises ReadsClosed; the
        pipe is closed once no read is using it."""
        self._closed = self._gone = True
        self._process.terminate()  # it only reads: nothing is left half written
        self._process.join(2)
        if self._process.is_alive():
            self._process.kill()
            self._process.join()
        if self._lock.acquire(timeout=2):
            try:
                self._pipe.close()
            finally:
                self._lock.release()


def _serve(channel: Connection) -> None:
    """The process's whole life: open the database read-only, then answer reads until the pipe
    closes. Imports the database layer only, never Qt."""
    from rso_manager.clock import SystemClock
    from rso_manager.persistence.engine import make_engine, make_session_factory

    try:
        url, key = channel.recv()
    except EOFError:
        return
    engine = make_engine(url, key=key, query_only=True)
    services = Services(make_session_factory(engine), SystemClock())
    while True:
        try:
            fn, clock, args, kwargs = channel.recv()
        except EOFError:
            break
        services.clock = clock
        try:
            outcome: tuple[int, Any] = (_VALUE, fn(services, *args, **kwargs))
        except Exception as exc:  # noqa: BLE001 - every failure goes back to the caller
            outcome = (_NEEDS_WRITER, None) if _refused_write(exc) else (_RAISE, _sendable(exc))
        try:
            payload = pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL)
        except (pickle.PicklingError, TypeError, AttributeError) as exc:
            payload = pickle.dumps((_RAISE, ReadFailed(f"the result of {getattr(fn, '__name__', 'a read')} "
                                                       f"could not be sent back: {exc}")))
        pipe_frames.send_pickled(channel, payload)
    engine.dispose()


def _refused_write(exc: BaseException) -> bool:
    """The read-only connection refused a write (SQLite's query_only, PostgreSQL's read-only
    transaction)."""
    from sqlalchemy.exc import DBAPIError

    text = str(getattr(exc, "orig", exc)).lower()
    return isinstance(exc, DBAPIError) and ("readonly" in text or "read-only" in text)


def _sendable(exc: Exception) -> Exception:
    """EXC if it survives the pipe as itself (the caller tells AccountChanged and the other
    service errors apart by type), else ReadFailed with its message."""
    try:
        pickle.loads(pickle.dumps(exc))
    except Exception:  # noqa: BLE001 - any exception that cannot make the round trip
        return ReadFailed(f"{type(exc).__name__}: {exc}")
    return exc
