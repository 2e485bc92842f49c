"""Build a document in a process of its own, so the app stays responsive while it is laid out.

ReportLab is pure Python: run on the UI's worker thread it holds the GIL for most of its run,
and the GUI thread, which needs the GIL at every call back into Python, then paints in hundreds
of milliseconds instead of tens (issue 16). A spawned process has its own interpreter: only the
plain inputs (frozen dataclasses, strings, dates) go to it and only the bytes come back. The
inputs are pickled frame by frame into the pipe (rso_manager.pipe_frames: pickling a whole
force's figures in one call would hold the GIL for half a second), then the caller's thread
waits without holding the GIL and asks CANCELLED every POLL seconds; a cancel ends the process
at once.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any

from rso_manager import pipe_frames

POLL = 0.05


class BuildCancelled(Exception):
    """CANCELLED said yes while the document was being built: the process was ended."""


def _build(channel: Connection) -> None:
    result: tuple[bool, Any]
    try:
        fn, args, kwargs = pipe_frames.receive(channel)
        result = (True, fn(*args, **kwargs))
    except BaseException as exc:  # noqa: BLE001 - every failure goes back to the caller
        result = (False, exc)
    channel.send(result)
    channel.close()


def build_apart(fn: Callable[..., bytes], *args: Any, cancelled: Callable[[], bool] = lambda: False,
                **kwargs: Any) -> bytes:
    """fn(*args, **kwargs) in a spawned process (FN importable at module level, its arguments
    picklable): its bytes, or its exception raised here. Raises BuildCancelled."""
    context = multiprocessing.get_context("spawn")
    mine, theirs = context.Pipe(duplex=True)
    process = context.Process(target=_build, args=(theirs,), name="rso-document", daemon=True)
    process.start()
    theirs.close()  # the child's end lives in the child: a dead child then reads here as EOF
    try:
        pipe_frames.send(mine, (fn, args, kwargs))
        while not mine.poll(POLL):
            if cancelled():
                process.terminate()
                raise BuildCancelled()
        try:
            ok, value = mine.recv()
        except EOFError:
            raise RuntimeError(f"the document process ended with code {process.exitcode} "
                               "before it finished") from None
    except (BrokenPipeError, ConnectionResetError):
        raise RuntimeError(f"the document process ended with code {process.exitcode} before it "
                           "had its inputs") from None
    finally:
        mine.close()
        process.join(5)
        if process.is_alive():
            process.kill()
            process.join()
    if not ok:
        raise value
    return value
