"""Who takes the chosen cases, and why: one transfer, every case moving or none."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QPlainTextEdit, QWidget

from rso_manager.services.errors import FieldProblem, ValidationFailed
from rso_manager.services.transfers import CaseToMove, MovableCase, TransferOptions, transfer_cases
from rso_manager.services.unit_of_work import Actor, Services
from ui.kit.dialogs import ServiceDialog
from ui.kit.forms import combo_data
from ui.prompter import Prompter
from ui.worker import Worker

LISTED = 6  # references named in the heading before "and N more"


def cases_text(cases: list[MovableCase]) -> str:
    refs = [c.reference for c in cases[:LISTED]]
    more = len(cases) - len(refs)
    return ", ".join(refs) + (f" and {more} more" if more else "")


class TransferDialog(ServiceDialog):
    def __init__(self, services: Services, actor: Actor, worker: Worker, prompter: Prompter,
                 cases: list[MovableCase], options: TransferOptions, parent: QWidget | None = None) -> None:
        n = len(cases)
        super().__init__(
            services, actor, worker, prompter, title="Transfer cases",
            heading=f"Transfer {n} case{'s' if n != 1 else ''}: {cases_text(cases)}",
            hint=("Each case moves to the officer and their team, and keeps who managed it before in its "
                  "history, with your reason. " + ("You can move cases to any team." if options.between_teams
                                                   else "You can move cases within your team; the OMU lead "
                                                        "moves cases between teams.")),
            save_text=f"Transfer {n} case{'s' if n != 1 else ''}", parent=parent)
        self.cases = cases
        self.officer = QComboBox()
        self.officer.setMinimumWidth(280)
        self.officer.addItem("Choose the officer", None)
        now_with = {c.offender_manager_id for c in cases}
        for person in options.officers:
            if not (len(now_with) == 1 and person.id in now_with):  # not back to whoever has them all
                self.officer.addItem(f"{person.name} ({person.team})", person.id)
        self.row("&To", "to_officer_id", self.officer)
        self.reason = QPlainTextEdit()
        self.reason.setTabChangesFocus(True)
        self.reason.setFixedHeight(70)
        self.reason.setPlaceholderText("Why the cases are moving, e.g. caseloads rebalanced after a transfer of staff")
        self.row("&Reason", "reason", self.reason)
        self.finish()
        self.officer.setFocus()

    def submit(self) -> None:
        if not self.cases:
            self.errors.show(ValidationFailed(FieldProblem("cases", "Choose the cases to transfer.")))
            return
        self.call(transfer_cases, self._services, self._actor,
                  [CaseToMove(c.offender_id, c.version_id) for c in self.cases], combo_data(self.officer),
                  self.reason.toPlainText())
