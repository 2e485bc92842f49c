"""What every figure is measured with: the database, the people, how often, how long at most."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

from rso_manager.services.unit_of_work import Actor, Services


@dataclass
class Run:
    offenders: int
    url: str
    services: Services
    lead: Actor
    supervisor: Actor
    officer: Actor
    team: str
    repeat: int
    budget_s: float  # per measurement: a slow figure is run fewer times, never skipped
    workdir: Path

    def child_env(self) -> dict[str, str]:
        """The environment of a child process: offscreen Qt, the same keys, the repository on
        the path (the children run `python -m bench.<module>`)."""
        env = dict(os.environ)
        env["QT_QPA_PLATFORM"] = "offscreen"
        root = str(Path(__file__).resolve().parents[2])
        env["PYTHONPATH"] = root + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
        return env

    @property
    def python(self) -> str:
        return sys.executable
