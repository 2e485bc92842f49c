"""Log lines that hold no personal data: an error is logged by its type and place only.

An exception's message is not safe to log here: a database error's text holds the SQL and its
parameters (names, PNC numbers, dates of birth), a validation message can quote what was typed,
and a traceback's source lines and locals can hold either. So the log keeps, for each exception
in the chain, its class and the module:function:line of every frame - enough to find the fault
in the code, nothing about the person (security.md; issue 10 part 7). Exceptions passed as
%-arguments ("could not open %s: %s", exc) are logged as their class, for the same reason.

Used by the GUI's log file (ui/app.py setup_logging) and by anything else that writes a log.
"""

from __future__ import annotations

import logging
from types import TracebackType

# Python's own limit for a chain; also stops a cycle of __context__ links.
_MAX_CHAIN = 10
FORMAT = "%(asctime)s %(levelname)s %(name)s %(threadName)s: %(message)s"


def exception_type(exc: BaseException) -> str:
    cls = type(exc)
    return cls.__qualname__ if cls.__module__ == "builtins" else f"{cls.__module__}.{cls.__qualname__}"


def frame_places(tb: TracebackType | None) -> list[str]:
    """module:function:line for each frame, outermost first; no source text, no locals."""
    places = []
    while tb is not None:
        frame = tb.tb_frame
        module = frame.f_globals.get("__name__", "?")
        places.append(f"{module}:{frame.f_code.co_name}:{tb.tb_lineno}")
        tb = tb.tb_next
    return places


def describe_exception(exc: BaseException) -> str:
    """The exception and what caused it, by type and place, most recent first."""
    lines = []
    seen: set[int] = set()
    current: BaseException | None = exc
    first = True
    while current is not None and id(current) not in seen and len(seen) < _MAX_CHAIN:
        seen.add(id(current))
        if first:
            lines.append(f"{exception_type(current)} (its message is not logged: it can hold personal data)")
        else:
            lines.append(f"caused by {exception_type(current)}")
        lines.extend(f"  at {place}" for place in reversed(frame_places(current.__traceback__)))
        first = False
        current = current.__cause__ or (None if current.__suppress_context__ else current.__context__)
    return "\n".join(lines)


class TypeAndPlaceFormatter(logging.Formatter):
    """A Formatter whose exceptions show type and place, never their text."""

    def __init__(self, fmt: str = FORMAT, datefmt: str | None = None) -> None:
        super().__init__(fmt, datefmt)

    def format(self, record: logging.LogRecord) -> str:
        # Work on a copy: another handler (a test's capture, say) sees the record as logged.
        safe = logging.makeLogRecord(record.__dict__)
        if isinstance(safe.args, tuple):
            safe.args = tuple(f"<{exception_type(a)}>" if isinstance(a, BaseException) else a
                              for a in safe.args)
        elif isinstance(safe.args, BaseException):
            safe.args = (f"<{exception_type(safe.args)}>",)
        safe.exc_text = None
        return super().format(safe)

    def formatException(self, ei) -> str:  # noqa: N802 - logging's name
        _type, exc, tb = ei
        if exc is None:
            return ""
        if exc.__traceback__ is None and tb is not None:
            exc = exc.with_traceback(tb)
        return describe_exception(exc)

    def formatStack(self, stack_info: str) -> str:  # noqa: N802 - logging's name
        # A stack dump carries source lines; the places are what matter and those need a frame.
        return "(stack not logged)"
