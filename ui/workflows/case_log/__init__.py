"""The record's Case log part.

- page: the timeline of everything recorded on the case, its filters, and opening a line's entry;
- dialogs: adding a case note, and graded intelligence.
"""

from ui.workflows.case_log.dialogs import IntelligenceDialog, NoteDialog
from ui.workflows.case_log.page import CaseLogModel, CaseLogPage

__all__ = ["CaseLogModel", "CaseLogPage", "IntelligenceDialog", "NoteDialog"]
