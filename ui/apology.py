"""Errors users cannot cause: log them, show a short apology saying where the log is.

The log file's formatter (rso_manager/log_privacy.py, set up in ui/app.py) writes such an error
by its type and the place of each frame only: its message can hold personal data."""

from __future__ import annotations

import logging
from pathlib import Path

from ui.prompter import Prompter

log = logging.getLogger("rso_manager.ui")

_log_file: Path | None = None


def set_log_file(path: Path | None) -> None:
    global _log_file
    _log_file = path


def apology_text() -> str:
    where = f"The details were written to:\n{_log_file}" if _log_file else "The details were logged."
    return ("Sorry, RSO Manager met a problem it did not expect, and what you were doing may not "
            "have finished. Nothing already saved has been lost.\n\n"
            f"{where}\n\nPlease send that file to your system administrator.")


def apologise(prompter: Prompter, exc: BaseException) -> None:
    log.error("Unexpected error", exc_info=(type(exc), exc, exc.__traceback__))
    prompter.error("Something went wrong", apology_text())
