"""The breaches part of the record: breaches, open ones first with their age (red once a week
has passed without a decision), the one selected in full, and the warnings given."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush
from PySide6.QtWidgets import QHeaderView, QLabel, QSplitter, QVBoxLayout, QWidget

from rso_manager.domain.roles import Permission
from rso_manager.services.breaches import (
    BREACH_AGE_ALERT_DAYS,
    BreachRegister,
    BreachView,
    NoCrimeProposal,
    WarningView,
    breach_is_old,
    breach_register,
    print_warning_letter,
)
from rso_manager.services.unit_of_work import Actor, Services
from ui.extensions import record_page
from ui.kit.detail_pane import history_of, split
from ui.kit.formatting import fmt_date
from ui.kit.forms import RED
from ui.kit.printing import AskPrinter, Opener, ask_printer, open_in_viewer, print_saved_pdf
from ui.kit.record_page import RecordContext, SectionSpec
from ui.kit.register_page import RegisterPage
from ui.kit.tables import Column, ListPanel, RowsModel
from ui.kit.widgets import AMBER, BOLD, GREY, alert_label, data_table, select_first, selected_row
from ui.workflows.breaches.decision import BreachDecisionDialog, NoCrimeDecisionDialog
from ui.workflows.breaches.detail import BreachDetail
from ui.workflows.breaches.dialogs import OpenBreachDialog, WarningDialog
from ui.workflows.breaches.texts import (
    SIGN_OFF_LABELS,
    TWO_WAYS,
    WARNING_KIND_LABELS,
    breach_of,
)


def write_warning_letter(services: Services, actor: Actor, warning_id: int, reference: str) -> Path:
    """On the worker: the letter as a PDF (its printing audited) in a private temporary folder,
    ready to print and to open."""
    pdf = print_warning_letter(services, actor, warning_id)
    folder = Path(tempfile.mkdtemp(prefix="rso-letter-"))
    path = folder / f"warning-letter-{reference}-{warning_id}.pdf"
    path.write_bytes(pdf)
    return path


def _status(b: BreachView, proposal: NoCrimeProposal | None) -> str:
    if b.status != "open":
        return "Closed"
    return "Open: awaiting sign-off" if proposal else "Open"


def _age(b: BreachView) -> str:
    """Days open so far; for a closed breach, the days it took to close (greyed)."""
    return f"{b.age_days} day{'s' if b.age_days != 1 else ''}"


def _warnings_text(b: BreachView) -> str:
    if not b.warnings:
        return ""
    return "\n".join(f"{WARNING_KIND_LABELS.get(w.kind, w.kind)} {fmt_date(w.given_on)}" for w in b.warnings)


# --- models ---------------------------------------------------------------------------------


class BreachesModel(RowsModel[BreachView]):
    """The breaches, open first; the pending proposals (set with the rows) word the status."""

    def __init__(self, parent=None) -> None:
        self.proposals: dict[int, NoCrimeProposal] = {}
        super().__init__([
            Column("Occurred", lambda b: fmt_date(b.occurred_on), lambda b: b.occurred_on.toordinal()),
            Column("Age", _age, lambda b: (b.status == "open", b.age_days)),
            Column("What happened", lambda b: b.description,
                   tooltip=lambda b: f"{b.description}\nBreach of: {breach_of(b)}"),
            Column("Status", lambda b: _status(b, self.proposals.get(b.breach_id))),
            Column("Crime reference", lambda b: b.crime_reference or ""),
            Column("Decision", lambda b: b.decision, tooltip=lambda b: b.decision),
            Column("Warnings", _warnings_text),
        ], parent)

    def extra(self, row: BreachView, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft
        if role == Qt.ItemDataRole.ForegroundRole:
            if row.status != "open":
                return QBrush(GREY)
            if column == 1 and breach_is_old(row):
                return QBrush(RED)
            if column == 3 and row.breach_id in self.proposals:
                return QBrush(AMBER)
        if role == Qt.ItemDataRole.FontRole and row.status == "open" and column in (1, 3):
            return BOLD if column == 3 or breach_is_old(row) else None
        if role == Qt.ItemDataRole.ToolTipRole and column == 1 and breach_is_old(row):
            return f"Open for more than {BREACH_AGE_ALERT_DAYS} days without a crime reference or a signed decision."
        return None


class WarningsModel(RowsModel[WarningView]):
    """The warnings given; the breaches (set with the rows) say which one each is about."""

    def __init__(self, parent=None) -> None:
        self.breaches: dict[int, BreachView] = {}
        super().__init__([
            Column("Given on", lambda w: fmt_date(w.given_on), lambda w: w.given_on.toordinal()),
            Column("Kind", lambda w: WARNING_KIND_LABELS.get(w.kind, w.kind)),
            Column("Given by", lambda w: w.given_by),
            Column("Rationale", lambda w: w.rationale, tooltip=lambda w: w.rationale),
            Column("About", self._about),
            Column("Sign-off", lambda w: SIGN_OFF_LABELS.get(w.sign_off_status or "", "")
                   if w.kind == "written" else "Not needed"),
        ], parent)

    def _about(self, w: WarningView) -> str:
        if not w.breach_id:
            return ""
        b = self.breaches.get(w.breach_id)
        return f"Breach of {fmt_date(b.occurred_on)}" if b else "A breach"

    def extra(self, row: WarningView, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft
        if column == 5 and row.sign_off_status == "returned" and role == Qt.ItemDataRole.ForegroundRole:
            return QBrush(RED)
        return None


# --- the page ---------------------------------------------------------------------------------


class BreachesPage(RegisterPage):
    def __init__(self, ctx: RecordContext, spec: SectionSpec) -> None:
        super().__init__(ctx, spec, "Breaches of notification duties, orders and licences, open ones first, and "
                                    "warnings. " + TWO_WAYS)
        self.register: BreachRegister | None = None
        self.proposals: dict[int, NoCrimeProposal] = {}
        # The user's answers in the system's windows, which tests give instead.
        self.opener: Opener | None = None  # the PDF viewer (None: the desktop's)
        self.ask_printer: AskPrinter = ask_printer
        self.decision_button = self.add_button_for("Record the decision...", self.record_decision,
                                                   tip="A crime reference, or a reasoned proposal not to record a crime")
        self.decide_button = self.add_button_for("Decide...", self.decide,
                                                 tip="Approve or return a proposal not to record a crime")
        self.decide_button.setVisible(ctx.actor.can(Permission.SIGN_OFF))
        self.open_button = self.add_button_for("Open a breach...", self.open_breach)
        self.warning_button = self.add_button_for("Give a warning...", self.give_warning)
        self.print_button = self.add_button_for("Print warning letter...", self.print_letter,
                                                tip="The selected written warning as a letter: saved as a "
                                                    "PDF, then printed on a printer you choose")
        self.print_button.setVisible(ctx.actor.can(Permission.PRINT_REPORTS))
        self.shortcut("Ctrl+Shift+R", self.record_decision, self.decision_button)
        self.shortcut("Ctrl+Shift+B", self.open_breach, self.open_button)
        self.shortcut("Ctrl+Shift+W", self.give_warning, self.warning_button)

        content = QWidget()
        layout = QVBoxLayout(content)
        layout.setContentsMargins(0, 0, 0, 0)
        self.alert = alert_label()
        layout.addWidget(self.alert)
        self.breaches_model = BreachesModel(self)
        self.breaches_view = data_table(self.breaches_model, wrap=True)
        self.breaches_view.setAccessibleName("Breaches")
        header = self.breaches_view.horizontalHeader()
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        char = self.fontMetrics().averageCharWidth()
        for column, chars in ((3, 22), (5, 30)):  # status and decision wrap rather than crowd the description
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(column, chars * char)
        # The decision reads "Crime recorded: <reference>": a column of its own only repeats it,
        # and takes the width that keeps the rows to two lines on a laptop.
        self.breaches_view.setColumnHidden(4, True)
        self.breaches_view.selectionModel().selectionChanged.connect(self._breach_selected)
        self.breaches_view.doubleClicked.connect(lambda *_: self.record_decision())
        self.breaches_panel = ListPanel(self.breaches_view, "No breaches recorded. Late or missed notifications "
                                        "and undeclared devices open theirs by themselves; open one found "
                                        "another way with Open a breach...")
        self.breaches_empty = self.breaches_panel.empty
        warnings = QWidget()
        warnings_layout = QVBoxLayout(warnings)
        warnings_layout.setContentsMargins(0, 6, 0, 0)
        title = QLabel("Warnings")
        title.setStyleSheet("QLabel { font-weight: 600; color: #1f3a5f; }")
        warnings_layout.addWidget(title)
        self.warnings_model = WarningsModel(self)
        self.warnings_view = data_table(self.warnings_model, wrap=True)
        self.warnings_view.setAccessibleName("Warnings")
        # Beside the pane the rationale needs the room: the others are short, and the pane
        # shows the warning in full.
        self.wrap_columns(self.warnings_view, {0: "12/11/2026", 1: "Written", 2: "Olly Manager",
                                               4: "Breach of 10/11/2026", 5: "Not needed"}, stretch=3)
        self.warnings_view.selectionModel().selectionChanged.connect(self._warning_selected)
        self.warnings_panel = ListPanel(self.warnings_view, "No warnings given.")
        self.warnings_empty = self.warnings_panel.empty
        warnings_layout.addWidget(self.warnings_panel, 1)

        # The breach or warning selected, in full, beside the warnings and under the breaches,
        # which keep the width their description and decision need.
        self.detail = BreachDetail()
        below = split(warnings, self.detail, (3, 2))
        splitter = self.splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.breaches_panel)
        splitter.addWidget(below)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([220, 280])
        splitter.setChildrenCollapsible(False)
        layout.addWidget(splitter, 1)
        self.set_page(content)

    # --- data ----------------------------------------------------------------------------------

    def fetch(self, services, actor, offender_id: int) -> BreachRegister:  # runs on the worker
        return breach_register(services, actor, offender_id)

    def show_details(self, register: BreachRegister) -> None:
        current = self.selected_breach()
        self.register = register
        self.proposals = dict(register.proposals)
        self.breaches_model.proposals = self.proposals
        self.breaches_model.set_rows(register.breaches)
        self.warnings_model.breaches = {b.breach_id: b for b in register.breaches}
        self.warnings_model.set_rows(register.warnings)
        self.breaches_panel.show_rows(len(register.breaches))
        self.warnings_panel.show_rows(len(register.warnings))
        # Only the breaches still needing a decision: one with a crime reference or a signed
        # decision has its answer, whatever its status says.
        undecided = [b for b in register.breaches if b.needs_decision]
        old = [b for b in undecided if breach_is_old(b)]
        text = ""
        if undecided:
            text = (f"{len(undecided)} open breach{'es' if len(undecided) != 1 else ''} without a crime reference "
                    "or a signed decision")
            if old:
                text += f"; {len(old)} {'has' if len(old) == 1 else 'have'} been open for more than a week"
            text += "."
        self.alert.setText(text)
        self.alert.setVisible(bool(text))
        if not select_first(self.breaches_view, lambda b: current is not None and b.breach_id == current.breach_id):
            select_first(self.breaches_view)
        self._breach_selected()

    def selected_breach(self) -> BreachView | None:
        return selected_row(self.breaches_view)

    def selected_warning(self) -> WarningView | None:
        return selected_row(self.warnings_view)

    def select_breach(self, breach_id: int) -> bool:
        return select_first(self.breaches_view, lambda b: b.breach_id == breach_id)

    def select_warning(self, warning_id: int) -> bool:
        return select_first(self.warnings_view, lambda w: w.warning_id == warning_id)

    def selected_key(self) -> tuple[str, int] | None:
        warning = self.selected_warning()
        if warning is not None:
            return ("warning", warning.warning_id)
        breach = self.selected_breach()
        return ("breach", breach.breach_id) if breach else None

    def _breach_selected(self, *_args) -> None:
        b = self.selected_breach()
        if b is not None and self.warnings_view.selectionModel().hasSelection():
            self.warnings_view.selectionModel().clearSelection()
        self._show_breach(b)
        self._selection_changed()

    def _show_breach(self, b: BreachView | None) -> None:
        proposal = self.proposals.get(b.breach_id) if b else None
        note = (proposal.why_not or "") if (proposal is not None and not proposal.may_decide
                                           and self.ctx.actor.can(Permission.SIGN_OFF)) else ""
        self.detail.show_breach(b, proposal, history_of(self.record, "breach", b.breach_id) if b else
                                history_of(None, "breach", 0), note)

    def _warning_selected(self, *_args) -> None:
        warning = self.selected_warning()
        if warning is not None and self.breaches_view.selectionModel().hasSelection():
            self.breaches_view.selectionModel().clearSelection()
        if warning is not None:
            self.detail.show_warning(warning, self.warnings_model.breaches.get(warning.breach_id or 0),
                                     history_of(self.record, "warning", warning.warning_id))
        elif self.selected_breach() is None:
            self._show_breach(None)
        self._selection_changed()

    def update_buttons(self) -> None:
        b = self.selected_breach()
        proposal = self.proposals.get(b.breach_id) if b else None
        self.decision_button.setEnabled(b is not None and b.status == "open")
        self.decide_button.setEnabled(proposal is not None and proposal.may_decide)
        self.decide_button.setToolTip(proposal.why_not if proposal and proposal.why_not else
                                      "Approve or return a proposal not to record a crime")
        warning = self.selected_warning()
        self.print_button.setEnabled(warning is not None and warning.kind == "written")

    # --- actions -------------------------------------------------------------------------------

    def record_decision(self) -> BreachDecisionDialog | None:
        b = self.selected_breach()
        if b is None or b.status != "open" or not self.can_write:
            return None
        return self.open_dialog(BreachDecisionDialog(self.ctx, b.breach_id, self.record))

    def open_entry(self, breach_id: int) -> BreachDecisionDialog | None:
        """The decision on this breach (RecordContext.show_entry: e.g. after a late notification
        opened it); the dialog reads the breach itself, so the list need not have loaded."""
        if not self.can_write:
            return None
        self.select_breach(breach_id)
        return self.open_dialog(BreachDecisionDialog(self.ctx, breach_id, self.record))

    def decide(self) -> NoCrimeDecisionDialog | None:
        b = self.selected_breach()
        proposal = self.proposals.get(b.breach_id) if b else None
        if b is None or proposal is None or not proposal.may_decide:
            return None
        return self.open_dialog(NoCrimeDecisionDialog(self.ctx, b, proposal, self.record))

    def open_breach(self) -> OpenBreachDialog | None:
        if self.record is None or not self.can_write:
            return None
        return self.open_dialog(OpenBreachDialog(self.ctx, self.record))

    def give_warning(self) -> WarningDialog | None:
        if self.record is None or not self.can_write:
            return None
        b = self.selected_breach()
        breaches = list(self.register.breaches) if self.register else []
        return self.open_dialog(WarningDialog(self.ctx, self.record, breaches, b.breach_id if b else None))

    def print_letter(self) -> None:
        warning = self.selected_warning()
        if warning is None or warning.kind != "written" or self.record is None:
            return
        self.print_button.setEnabled(False)

        def saved(path: Path) -> None:
            print_saved_pdf(self.ctx, path, "warning letter", parent=self, ask=self.ask_printer,
                            opener=self.opener or open_in_viewer, done=lambda _how: self.update_buttons())

        def failed(exc: BaseException) -> None:
            self.update_buttons()
            self.ctx.report(exc, "The letter was not printed")

        self.ctx.worker.submit(write_warning_letter, self.ctx.services, self.ctx.actor, warning.warning_id,
                               self.record.reference, owner=self, on_success=saved, on_error=failed)


def open_breach_decision(ctx: RecordContext, breach_id: int) -> BreachDecisionDialog | None:
    """The breaches part of the record brought forward with the decision on one breach open."""
    return ctx.show_entry("breaches", breach_id)


@record_page("breaches")
def breaches_page(ctx: RecordContext, spec: SectionSpec) -> BreachesPage:
    return BreachesPage(ctx, spec)
