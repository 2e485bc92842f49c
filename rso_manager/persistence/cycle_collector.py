"""Python's cycle collector paused for work over hundreds of thousands of rows.

Rows read or made in bulk (a report's reads, the demo's inserts) are short-lived and acyclic:
reference counting frees them, and the collector would only re-scan them again and again (a
tenth of a demo load, a sixth of the whole force's compliance figures; issue 16). Where the
collector is already off (the GUI's worker threads: ui/gui_thread_gc) nothing changes.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused() -> Iterator[None]:
    """The collector off for the block, restored however the block ends."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
