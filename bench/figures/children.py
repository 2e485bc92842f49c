"""Running a benchmark child process and reading what it reports: its one RESULT line, its
wall time from spawn to that line, and its own peak memory (os.wait4's resource usage)."""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
import time
from dataclasses import dataclass
from typing import Any

from bench.figures.context import Run


@dataclass
class ChildResult:
    wall_s: float  # spawn to the RESULT line
    peak_mb: float
    result: dict[str, Any]


def run_child(run: Run, module: str, *args: str, timeout_s: float = 600) -> ChildResult:
    start = time.perf_counter()
    # stderr to a file: a chatty child (Qt's warnings) must not fill a pipe nobody reads yet.
    errors = tempfile.TemporaryFile("w+", dir=run.workdir)
    proc = subprocess.Popen([run.python, "-m", module, *args], stdout=subprocess.PIPE,
                            stderr=errors, text=True, env=run.child_env(), cwd=str(run.workdir))
    assert proc.stdout is not None
    result, wall = None, None
    deadline = start + timeout_s
    for line in proc.stdout:
        if line.startswith("RESULT "):
            wall = time.perf_counter() - start
            result = json.loads(line[len("RESULT "):])
        if time.perf_counter() > deadline:
            proc.kill()
            break
    _pid, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    errors.seek(0)
    err = errors.read()
    errors.close()
    if result is None or wall is None:
        raise RuntimeError(f"{module} {' '.join(args[:1])} failed (exit {proc.returncode}):\n{err[-3000:]}")
    # The child's own high-water mark when it gave one: ru_maxrss of a forked child starts at
    # the parent's size (Linux keeps it across exec), so it would read the bench's memory.
    peak = result.get("peak_mb") or usage.ru_maxrss / 1024  # ru_maxrss is in KiB on Linux
    return ChildResult(wall, peak, result)


def peak_mb() -> float | None:
    """This process's peak resident memory (VmHWM), for a child to report with its RESULT."""
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None
