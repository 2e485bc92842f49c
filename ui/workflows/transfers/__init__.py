"""Go > Case transfers: the team's supervisor (or the OMU lead, across teams) moves one or many
cases to another officer with a reason.

- page: the cases the user may move, chosen several at a time;
- dialog: who takes them and why, saved as one transfer;
- install: how these plug into the main window.
"""

from ui.workflows.transfers.dialog import TransferDialog
from ui.workflows.transfers.install import add_transfers
from ui.workflows.transfers.page import MovableCasesModel, TransfersPage

__all__ = ["MovableCasesModel", "TransferDialog", "TransfersPage", "add_transfers"]
