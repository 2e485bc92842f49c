"""The worker runs callables off the GUI thread and delivers results on it."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import QCoreApplication, QThread

from ui.worker import Worker


@pytest.fixture
def worker(qapp):
    w = Worker()
    yield w
    w.wait_for_done(5000)


def test_result_arrives_on_gui_thread_and_work_runs_elsewhere(qtbot, worker):
    seen = {}

    def job(x):
        seen["job_thread"] = threading.get_ident()
        return x * 2

    def done(value):
        seen["value"] = value
        seen["callback_on_gui"] = QThread.currentThread() is QCoreApplication.instance().thread()

    task = worker.submit(job, 21, on_success=done)
    with qtbot.waitSignal(task.finished, timeout=5000):
        pass
    assert seen["value"] == 42
    assert seen["callback_on_gui"] is True
    assert seen["job_thread"] != threading.get_ident()


def test_error_goes_to_on_error_or_unhandled(qtbot, worker):
    def boom():
        raise ValueError("nope")

    errors = []
    task = worker.submit(boom, on_error=errors.append)
    qtbot.waitUntil(lambda: task.done, timeout=5000)
    assert isinstance(errors[0], ValueError)

    with qtbot.waitSignal(worker.unhandled_error, timeout=5000) as blocker:
        worker.submit(boom)
    assert str(blocker.args[0]) == "nope"


def test_progress_is_delivered_in_order(qtbot, worker):
    steps = []

    def job(progress):
        for i in range(1, 4):
            progress(i, 3)
        return "ok"

    task = worker.submit(job, on_progress=lambda d, t: steps.append((d, t)))
    qtbot.waitUntil(lambda: task.done, timeout=5000)
    assert steps == [(1, 3), (2, 3), (3, 3)]
    assert task.result == "ok"


def test_one_thread_runs_tasks_in_submission_order(qtbot, worker):
    order = []
    tasks = [worker.submit(order.append, i) for i in range(20)]
    qtbot.waitUntil(lambda: all(t.done for t in tasks), timeout=5000)
    assert order == list(range(20))
    assert not worker.busy


def test_result_for_a_closed_window_is_dropped(qtbot, worker):
    from PySide6.QtWidgets import QWidget

    owner = QWidget()
    called = []
    gate = threading.Event()
    task = worker.submit(gate.wait, 5, owner=owner, on_success=called.append)
    owner.deleteLater()
    qtbot.waitUntil(lambda: not __import__("shiboken6").isValid(owner), timeout=5000)
    gate.set()
    qtbot.waitUntil(lambda: task.done, timeout=5000)
    assert called == []


def test_held_jobs_wait_in_order_until_released_and_waiting_for_them_releases(qtbot, worker):
    """A window being built holds its worker: the caseload's Python would take turns with it."""
    started: list[int] = []
    worker.hold()
    for n in (1, 2):
        worker.submit(started.append, n)
    qtbot.wait(100)
    assert started == [] and worker.held
    worker.release()
    qtbot.waitUntil(lambda: started == [1, 2], timeout=3000)
    worker.hold()
    worker.submit(started.append, 3)
    assert worker.wait_for_done(3000) and started == [1, 2, 3]  # shutdown and tests: run them


def test_the_main_window_starts_its_jobs_once_it_is_built(qtbot, make_window, world, monkeypatch):
    from ui.main_window import MainWindow

    held: list[bool] = []
    original = MainWindow._build_status_bar

    def building(self):
        original(self)
        held.append(self.worker.held)

    monkeypatch.setattr(MainWindow, "_build_status_bar", building)
    window = make_window(world.om)
    assert held == [True]  # while it was built
    qtbot.waitUntil(lambda: not window.loading, timeout=10_000)  # then run
