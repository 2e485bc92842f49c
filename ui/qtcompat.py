"""Work-arounds for reference-count bugs in PySide6 6.12.0.

Measured here (PySide6-Essentials 6.12.0; 6.11.3 has none of them):

* ``SignalInstance.emit()`` returns its result (True) without taking a reference, so every
  emit from Python releases one reference to ``True`` that it never took;
* a Qt call returning an invalid QVariant as ``None`` (``combo.currentData()`` on an item
  without data, ``widget.property("unset")``, ``index.data(role)``) releases one reference
  to ``None``;
* a Python ``QRunnable.run`` releases one reference to its return value (``None``).

Each costs one reference; a few thousand and the interpreter aborts ("deallocating True" /
"deallocating None") - the UI tests crashed like this at random. ui/worker.py avoids QRunnable;
every emit in ui/ goes through ``emit()`` and every Qt call that may return ``None`` through
``qvalue()``, which give back the reference taken, but only when this import's probe shows
the bug, so a fixed PySide6 is left alone.
"""

from __future__ import annotations

import ctypes
import sys
from typing import Any, TypeVar

from PySide6.QtCore import QObject, Signal, SignalInstance

T = TypeVar("T")

_incref = ctypes.pythonapi.Py_IncRef
_incref.argtypes = [ctypes.py_object]
_incref.restype = None


class _Probe(QObject):
    ping = Signal()


def _probe_emit() -> bool:
    probe = _Probe()
    before = sys.getrefcount(True), sys.getrefcount(False)
    probe.ping.emit()
    after = sys.getrefcount(True), sys.getrefcount(False)
    if after[0] < before[0]:
        _incref(True)  # repay the probe's own loss
        return True
    if after[1] < before[1]:
        _incref(False)
        return True
    return False


def _probe_none() -> bool:
    probe = QObject()
    before = sys.getrefcount(None)
    probe.property("rsoProbeUnset")
    if sys.getrefcount(None) < before:
        _incref(None)
        return True
    return False


EMIT_LEAKS = _probe_emit()
NONE_LEAKS = _probe_none()


def emit(signal: SignalInstance, *args: Any) -> None:
    """signal.emit(*args), safe on any thread, without the 6.12.0 reference loss."""
    result = signal.emit(*args)
    if EMIT_LEAKS and result is not None:
        _incref(result)


def qvalue(value: T) -> T:
    """Wrap a Qt call that may return None: qvalue(combo.currentData())."""
    if value is None and NONE_LEAKS:
        _incref(None)
    return value
