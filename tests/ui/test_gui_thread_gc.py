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
