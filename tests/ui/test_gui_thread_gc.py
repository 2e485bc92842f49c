"""Cyclic garbage is collected on the GUI thread, never on the database worker."""

import gc
import threading

from ui import gui_thread_gc


def test_collection_runs_on_the_gui_thread(qtbot, qapp):
    collector = gui_thread_gc.install(qapp)
    assert not gc.isenabled()
    seen = []

    def watch(phase, info):
        if phase == "start":
            seen.append(threading.current_thread() is threading.main_thread())

    gc.callbacks.append(watch)
    try:
        for _ in range(3 * gc.get_threshold()[0]):
            a = []
            a.append(a)  # a cycle only the collector frees
        del a
        collector.check()
        qtbot.waitUntil(lambda: bool(seen), timeout=3000)
    finally:
        gc.callbacks.remove(watch)
    assert all(seen)


def test_a_result_being_built_is_not_walked_until_it_is_frozen_or_has_waited_long_enough(qapp, monkeypatch):
    """A force's caseload is ~200,000 new objects: walking them held the GUI thread 30-50 ms."""
    collector = gui_thread_gc.install(qapp)
    now = [1000.0]
    monkeypatch.setattr(gui_thread_gc.time, "monotonic", lambda: now[0])
    collections: list[int] = []

    def watch(phase, info):
        if phase == "start":
            collections.append(info["generation"])

    gc.collect()
    gc.callbacks.append(watch)
    try:
        rows = [(i, [i]) for i in range(gui_thread_gc.BULK_OBJECTS)]  # a result being built
        collector.check()
        now[0] += gui_thread_gc.POSTPONE_S / 2
        collector.check()
        assert collections == []  # put off: alive, soon frozen
        now[0] += gui_thread_gc.POSTPONE_S
        collector.check()
        assert len(collections) == 1  # nobody froze it: collected after all
        more = [(i, [i]) for i in range(gui_thread_gc.BULK_OBJECTS)]
        collector.check()
        gui_thread_gc.freeze()  # the window, once the rows arrive
        now[0] += 2 * gui_thread_gc.POSTPONE_S
        collector.check()
        assert len(collections) == 1  # nothing left to walk
        for _ in range(3 * gc.get_threshold()[0]):
            a: list = []
            a.append(a)
        collector.check()
        assert len(collections) == 2  # ordinary garbage is collected at once, as before
    finally:
        gc.callbacks.remove(watch)
        del rows, more
        gui_thread_gc.thaw()
