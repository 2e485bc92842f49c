"""Cells a spreadsheet would run as formulas, made inert (OWASP "CSV Injection").

A value typed on a case (a name, a note, an online identifier) can start with =, +, -, @, a tab
or a carriage return; Excel and LibreOffice treat such a cell as a formula, which can run
commands or send data away when an officer opens the exported list. OWASP's advice: prefix the
cell with a single quote so it is read as text. A number the app itself writes (a count, a
date) is never typed by a user and stays a number.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def is_formula_like(text: str) -> bool:
    """TEXT would be read by a spreadsheet as the start of a formula."""
    return text[:1] in FORMULA_STARTS


def inert_text(text: str) -> str:
    """TEXT with a leading apostrophe when a spreadsheet would run it (for CSV, where the
    apostrophe is the only way to say "this is text")."""
    return "'" + text if is_formula_like(text) else text


def cell_text(value: Any) -> str:
    """VALUE as one CSV cell: dates as dd/mm/yyyy, nothing as empty, text made inert."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, int | float):
        return str(value)
    return inert_text(str(value))


__all__ = ["FORMULA_STARTS", "cell_text", "inert_text", "is_formula_like"]
