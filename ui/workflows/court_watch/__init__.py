"""The court watch (issue 18): Go > Court watch, its daily list, the people watched, and the forms
to add a person, a hearing, an outcome, and to match a court list."""

from ui.workflows.court_watch import install  # noqa: F401  (its registration runs)
from ui.workflows.court_watch.court_list_dialog import CourtListDialog
from ui.workflows.court_watch.dialogs import ChargedPersonDialog, HearingDialog, OutcomeDialog
from ui.workflows.court_watch.page import CourtWatchPage

__all__ = ["ChargedPersonDialog", "CourtListDialog", "CourtWatchPage", "HearingDialog", "OutcomeDialog"]
