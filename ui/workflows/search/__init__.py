"""Search the force (Ctrl+K, issue 15) and the cases a record shares a value with.

The package's modules register themselves when imported: the main-window hook that puts the
search on View and on Ctrl+K from every window, and the record action "Linked cases...".
"""

from ui.workflows.search import install, linked_cases
from ui.workflows.search.linked_cases import LinkedCasesDialog
from ui.workflows.search.search_dialog import SearchDialog, SearchLauncher

__all__ = ["LinkedCasesDialog", "SearchDialog", "SearchLauncher", "install", "linked_cases"]
