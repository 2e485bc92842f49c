"""Objects through a pipe a frame at a time (rso_manager.pipe_frames): the same object comes
out, and the interpreter lock changes hands between frames while a big one is unpickled."""

from __future__ import annotations

import multiprocessing
import pickle
import threading
import time
from datetime import date

import pytest

from rso_manager import pipe_frames

BIG = [(i, f"RSO-{i:06d}", date(2026, 1, 1 + i % 28), ("Visit overdue",) * (i % 3)) for i in range(200_000)]


def _pipe():
    return multiprocessing.get_context("spawn").Pipe(duplex=True)


def _sent_by_a_thread(send, value):
    mine, theirs = _pipe()
    sender = threading.Thread(target=send, args=(theirs, value))
    sender.start()
    return mine, sender


@pytest.mark.parametrize("send", [pipe_frames.send, lambda out, v: pipe_frames.send_pickled(out, pickle.dumps(v, 5))],
                         ids=["framed", "pickled whole"])
def test_what_goes_in_comes_out_one_object_after_another(send):
    values = [BIG, {"empty": b"", "text": "line one\nline two"}, None, b"x" * 300_000]
    mine, sender = _sent_by_a_thread(lambda out, vs: [send(out, v) for v in vs], values)
    assert [pipe_frames.receive(mine) for _ in values] == values
    sender.join()


def test_an_old_protocol_read_line_by_line_comes_out_too():
    mine, sender = _sent_by_a_thread(pipe_frames.send_pickled, pickle.dumps({"a": [1, "two"]}, protocol=0))
    assert pipe_frames.receive(mine) == {"a": [1, "two"]}
    sender.join()


def test_an_object_cut_short_is_an_error_not_a_hang():
    mine, theirs = _pipe()
    payload = pickle.dumps(BIG, protocol=5)
    theirs.send_bytes(payload[:100_000])
    theirs.send_bytes(b"")
    with pytest.raises(EOFError, match="ended before"):
        pipe_frames.receive(mine)


def test_another_thread_runs_while_a_big_object_is_unpickled():
    """Connection.recv unpickles in one call: 20 MB held the lock 0.3 s."""
    payload = pickle.dumps(BIG, protocol=5)
    gaps: list[float] = []
    stop = threading.Event()

    def beat():
        last = time.perf_counter()
        while not stop.is_set():
            time.sleep(0.001)
            now = time.perf_counter()
            gaps.append(now - last)
            last = now

    beating = threading.Thread(target=beat)
    beating.start()
    time.sleep(0.02)
    mine, sender = _sent_by_a_thread(pipe_frames.send_pickled, payload)  # a pipe holds little: read as sent
    started = time.perf_counter()
    assert pipe_frames.receive(mine) == BIG
    took = time.perf_counter() - started
    stop.set()
    beating.join()
    sender.join()
    whole = time.perf_counter()
    pickle.loads(payload)
    whole = time.perf_counter() - whole
    # The beat ran all through: its worst wait is a small part of one unpickling in a single call.
    assert max(gaps) < max(0.5 * whole, 0.02), (max(gaps), whole, took)
