"""Supervisor sign-off: the queue page (Go > Sign-off queue, Ctrl+3) and absences and cover.

The queue lists what the signed-in supervisor must decide, oldest first, with why each item is
there (their own queue, covering for an absent colleague, or escalated). A decision needs a
reasoned rationale: the service judges it, and a refusal is shown in the pane with the text kept.

- queue_page: the queue and the pane below it;
- entry_pane: the entry being decided, in the users' words;
- decision_pane: the decision, its rationale and the sign-off;
- absences: File > Absences and cover;
- caseload_cover: File > Caseload cover, an offender manager's absence and who covers their cases;
- install: how these plug into the main window.
"""

from ui.workflows.supervision.absences import AbsenceCoverDialog, AbsencesModel, NameCoverDialog
from ui.workflows.supervision.caseload_cover import CaseloadCoverDialog
from ui.workflows.supervision.decision_pane import DecisionPane
from ui.workflows.supervision.entry_pane import EntryPane
from ui.workflows.supervision.install import add_sign_off
from ui.workflows.supervision.queue_page import QueueModel, SignOffQueuePage

__all__ = ["AbsenceCoverDialog", "AbsencesModel", "CaseloadCoverDialog", "DecisionPane", "EntryPane", "NameCoverDialog", "QueueModel",
           "SignOffQueuePage", "add_sign_off"]
