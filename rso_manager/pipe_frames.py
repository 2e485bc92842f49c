"""Objects through a multiprocessing pipe a pickle frame (about 64 KB) at a time.

Connection.send and recv pickle and unpickle a whole object in one C call, which holds the
interpreter lock from start to end: a whole force's figures (20 MB) took 0.3 s to unpickle and
0.6 s to pickle, and the GUI thread waits that long for its next call into Python (issue 16).
Here the pickler hands each frame to Python as it is made and the unpickler asks Python for each
frame it needs, and the lock can change hands between frames.
"""

from __future__ import annotations

import pickle
from multiprocessing.connection import Connection
from typing import Any

_END = b""  # after the last frame of an object
SLICE = 64 * 1024  # what send_pickled sends per message: pickle's own frame size


class _Frames:
    """A file for pickle.Pickler: each frame written is sent as a message of its own."""

    def __init__(self, out: Connection) -> None:
        self.out = out

    def write(self, frame: bytes) -> int:
        self.out.send_bytes(frame)
        return len(frame)


class _Received:
    """A file for pickle.Unpickler: the object's messages, read as they are needed."""

    def __init__(self, source: Connection) -> None:
        self.source = source
        self.buffer = bytearray()
        self.at = 0

    def _fill(self, wanted: int) -> None:
        while len(self.buffer) - self.at < wanted:
            message = self.source.recv_bytes()
            if message == _END:
                raise EOFError("the object ended before the unpickler had all of it")
            del self.buffer[:self.at]
            self.at = 0
            self.buffer += message

    def read(self, size: int) -> bytes:  # the unpickler always says how much
        self._fill(size)
        out = bytes(self.buffer[self.at:self.at + size])
        self.at += size
        return out

    def readinto(self, target) -> int:  # noqa: ANN001 - a writable buffer
        data = self.read(len(target))
        target[:len(data)] = data
        return len(data)

    def readline(self) -> bytes:
        while (end := self.buffer.find(b"\n", self.at)) < 0:
            self._fill(len(self.buffer) - self.at + 1)
        line = bytes(self.buffer[self.at:end + 1])
        self.at = end + 1
        return line


def send(out: Connection, value: Any) -> None:
    """VALUE to OUT, frame by frame as it is pickled, then the end mark. A value that cannot be
    pickled fails part way: for values known to pickle (a document's inputs)."""
    pickle.Pickler(_Frames(out), protocol=pickle.HIGHEST_PROTOCOL).dump(value)
    out.send_bytes(_END)


def send_pickled(out: Connection, payload: bytes) -> None:
    """PAYLOAD, a pickle already made whole (so that a value that cannot be pickled failed
    before anything was sent), to OUT in slices, then the end mark."""
    view = memoryview(payload)
    for start in range(0, len(view), SLICE):
        out.send_bytes(view[start:start + SLICE])
    out.send_bytes(_END)


def receive(source: Connection) -> Any:
    """The next object send() sent to SOURCE."""
    value = pickle.Unpickler(_Received(source)).load()
    if source.recv_bytes() != _END:
        raise pickle.UnpicklingError("more came after the object than its end mark")
    return value
