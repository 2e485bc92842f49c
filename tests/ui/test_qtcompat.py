"""PySide6 6.12.0 loses a reference on every emit() and on every None from an invalid QVariant;
enough of them abort the interpreter. ui/ goes through ui.qtcompat, which pays them back."""

from __future__ import annotations

import gc
import re
import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Signal
from PySide6.QtWidgets import QComboBox

from ui.qtcompat import emit, qvalue
from ui.worker import Worker


class _Sender(QObject):
    ping = Signal(int)


def test_emit_keeps_reference_counts(qapp):
    sender, got = _Sender(), []
    sender.ping.connect(got.append)
    before = sys.getrefcount(True), sys.getrefcount(False)
    for i in range(2000):
        emit(sender.ping, i)
    assert (sys.getrefcount(True), sys.getrefcount(False)) == before
    assert len(got) == 2000


def test_qvalue_keeps_none_reference_count(qapp):
    combo = QComboBox()
    combo.addItem("Not recorded", None)
    before = sys.getrefcount(None)
    for _ in range(2000):
        assert qvalue(combo.currentData()) is None
    assert sys.getrefcount(None) >= before - 20  # the bug would cost 2,000


def _settle(app) -> None:
    """Let earlier tests' deferred deletions happen now, not during the measurement."""
    for _ in range(3):
        app.processEvents()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        gc.collect()


def test_many_worker_tasks_keep_reference_counts(qtbot, qapp):
    worker = Worker()
    _settle(qapp)
    before = sys.getrefcount(True), sys.getrefcount(None)
    tasks = [worker.submit(lambda: None) for _ in range(1500)]
    qtbot.waitUntil(lambda: all(t.done for t in tasks), timeout=10000)
    tasks.clear()
    _settle(qapp)
    after = sys.getrefcount(True), sys.getrefcount(None)
    # Losing references is what aborts the interpreter: the bugs would cost one or more per
    # task (1,500). (connect() keeps one extra reference to None per call; harmless.)
    assert after[0] >= before[0] - 50 and after[1] >= before[1] - 50
    worker.wait_for_done(5000)


def test_ui_code_never_calls_emit_directly():
    ui = Path(__file__).resolve().parents[2] / "ui"
    offenders = [f"{path.name}:{n}" for path in sorted(ui.glob("*.py")) if path.name != "qtcompat.py"
                 for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                 if re.search(r"\.emit\b", line) and not line.lstrip().startswith("#")]
    assert offenders == [], "use ui.qtcompat.emit(signal, ...) instead of signal.emit(...)"
