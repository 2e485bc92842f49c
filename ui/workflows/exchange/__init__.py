"""Spreadsheets in (issue 17 part 4): File > Import offenders... with its preview."""

from ui.workflows.exchange import import_offenders

__all__ = ["import_offenders"]
