"""The record's Safeguarding part: concerns and their referrals in the top list; below, the
selected concern's safeguarding response (its three parts with owners, due times and clocks)
and the record's disclosures; flags across the top for what is late."""

from __future__ import annotations

from typing import TypeVar

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from rso_manager.services.caseload import EntryRow
from rso_manager.services.safeguarding import (
    DisclosureView,
    ReferralView,
    ResponsePart,
    ResponseView,
    SafeguardingView,
    safeguarding_for,
)
from ui.extensions import record_page
from ui.kit.detail_pane import split
from ui.kit.dialogs import ServiceDialog
from ui.kit.printing import AskPrinter, Opener, ask_printer, open_in_viewer, print_saved_pdf
from ui.kit.record_page import (
    DetailedSectionTab,
    RecordContext,
    SectionSpec,
)
from ui.kit.tables import ListPanel, sorted_list_view
from ui.workflows.safeguarding.disclosure_pane import DisclosurePane
from ui.workflows.safeguarding.disclosures import DisclosureDialog, DisclosuresModel
from ui.workflows.safeguarding.labels import FLAG_STYLE
from ui.workflows.safeguarding.referral_document import ReferralDocumentDialog
from ui.workflows.safeguarding.referral_pane import ReferralPane
from ui.workflows.safeguarding.referrals import (
    AcknowledgementDialog,
    ConcernDialog,
    DecisionDialog,
    ReferralDialog,
    ReferralsModel,
)
from ui.workflows.safeguarding.responses import (
    AddChildDialog,
    ChildCheckDialog,
    DisclosureMadeDialog,
    NotApplicableDialog,
    OwnerDialog,
    PpnDialog,
    ResponsePartsModel,
    response_summary,
)

T = TypeVar("T")


def _heading(text: str) -> QLabel:
    heading = QLabel(text)
    heading.setObjectName("headerCaption")
    heading.setStyleSheet("font-weight: 600; font-size: 10pt;")
    return heading


def _find(items: tuple[T, ...] | list[T], item_id: int | None) -> T | None:
    return next((i for i in items if getattr(i, "id", None) == item_id), None)


class SafeguardingPage(DetailedSectionTab):
    """Concerns and referrals in the top list, disclosures below, the selected referral in full
    beside them with the actions on its stages; flags across the top.

    Test seams: ask_printer and opener (the system's print dialog and PDF viewer)."""

    def __init__(self, ctx: RecordContext, spec: SectionSpec) -> None:
        super().__init__(ctx, spec, ReferralsModel())
        self.view_data: SafeguardingView | None = None
        self.dialog: ServiceDialog | None = None
        self._pending_referral: int | None = None
        self._pending_select: int | None = None
        self._last_view: QTableView = self.view
        self.ask_printer: AskPrinter = ask_printer
        self.opener: Opener = open_in_viewer
        layout: QVBoxLayout = self.layout()  # type: ignore[assignment]
        about = self.findChild(QLabel, "hint")
        about.setText("Concerns for children and their referral to children's social care, and disclosures under "
                      "s.327A or the Child Sex Offender Disclosure Scheme.")
        self.flags = QLabel()
        self.flags.setObjectName("flagBanner")
        self.flags.setStyleSheet(FLAG_STYLE)
        self.flags.setWordWrap(True)
        self.flags.setTextFormat(Qt.TextFormat.PlainText)
        self.flags.setVisible(False)
        layout.insertWidget(1, self.flags)

        self.concern_button = self.add_button_for("Record a concern...", self.open_concern,
                                                  tip="A new concern for a child (Ctrl+N)")
        self.concern_button.setShortcut(QKeySequence("Ctrl+N"))
        self.empty.setText("No concerns recorded.")
        # The selected referral's stages, in the order they happen, under its pane.
        self.pane = ReferralPane()
        stages = QGridLayout()
        stages.setContentsMargins(0, 4, 0, 0)
        self.document_button = self._stage_button("Referral document...", self.open_document,
                                                  "The document for the local authority: complete, save and print")
        self.referral_button = self._stage_button("Record as sent...", self.open_referral_for_selected,
                                                  "When, how, to whom and their reference (Ctrl+E)")
        self.referral_button.setShortcut(QKeySequence("Ctrl+E"))
        self.acknowledgement_button = self._stage_button("Record acknowledgement...", self.open_acknowledgement,
                                                         "When the local authority acknowledged it, and who")
        self.decision_button = self._stage_button("Record decision...", self.open_decision,
                                                  "What children's social care decided, and when")
        for i, button in enumerate((self.document_button, self.referral_button, self.acknowledgement_button,
                                    self.decision_button)):
            stages.addWidget(button, i // 2, i % 2)
        # Beside the lists: the selected referral, or the selected disclosure, in full.
        self.disclosure_pane = DisclosurePane()
        self.panes = QStackedWidget()
        self.panes.addWidget(self.pane)
        self.panes.addWidget(self.disclosure_pane)
        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(6, 0, 0, 0)
        side_layout.addWidget(self.panes, 1)
        side_layout.addLayout(stages)

        # Referrals: the base list under its heading, which leads the row of its buttons (a laptop
        # screen has no height to spare for a line of its own).
        layout.removeWidget(self.stack)
        layout.removeItem(self.buttons)
        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        self.buttons.insertWidget(0, _heading("Concerns and referrals"))
        self.buttons.insertSpacing(1, 12)
        top_layout.addLayout(self.buttons)
        top_layout.addWidget(self.stack, 1)
        self.wrap_columns(self.view, {0: "23/11/2026 09:15", 2: "No decision within", 3: "to Northam Children's",
                                      4: "2 days 23 h", 5: "Awaited (due by end"}, stretch=1)
        # The pane beside the list reads the delay and the decision in full: the list keeps the
        # concern readable instead.
        for column in (ReferralsModel.COL_DELAY, ReferralsModel.COL_DECISION):
            self.view.setColumnHidden(column, True)

        # Disclosures.
        bottom = QWidget()
        bottom_layout = QVBoxLayout(bottom)
        bottom_layout.setContentsMargins(0, 6, 0, 0)
        row = QHBoxLayout()
        row.addWidget(_heading("Disclosures"))
        row.addSpacing(12)
        self.disclosure_button = QPushButton("Record a disclosure decision...")
        self.disclosure_button.setToolTip("An s.327A decision or a disclosure scheme application (Ctrl+D)")
        self.disclosure_button.setShortcut(QKeySequence("Ctrl+D"))
        self.disclosure_button.clicked.connect(self.open_disclosure)
        self.progress_button = QPushButton("Update disclosure scheme progress...")
        self.progress_button.setToolTip("Checks, interview, decision, disclosure and completion")
        self.progress_button.clicked.connect(self.open_progress)
        for button in (self.disclosure_button, self.progress_button):
            button.setVisible(self.can_write)
            row.addWidget(button)
        row.addStretch(1)
        bottom_layout.addLayout(row)
        self.disclosures = DisclosuresModel(self)
        self.disclosure_view = sorted_list_view(self.disclosures)
        self.wrap_columns(self.disclosure_view, {0: "Disclosure scheme", 1: "23/11/2026",
                                                 2: "Do not disclose", 3: "Carol Jones",
                                                 4: "Returned"}, stretch=5)
        self.disclosure_view.selectionModel().selectionChanged.connect(
            lambda *_: self._focus_table(self.disclosure_view))
        self.view.selectionModel().selectionChanged.connect(lambda *_: self._focus_table(self.view))
        self.disclosure_panel = ListPanel(self.disclosure_view, "No disclosures recorded." + (
            " Record an s.327A decision or a disclosure scheme application with "
            "\u201cRecord a disclosure decision\u201d." if self.can_write else ""))
        bottom_layout.addWidget(self.disclosure_panel, 1)

        # The selected concern's response, first under the concerns: what is due and by when.
        self.tabs = QTabWidget()
        self.tabs.setObjectName("safeguardingTabs")
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self._response_tab(), "&Response: referral, disclosure, child checks")
        self.tabs.addTab(bottom, "D&isclosures")
        self.tabs.setAccessibleName("The concern's safeguarding response, and the record's disclosures")

        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(top)
        splitter.addWidget(self.tabs)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        splitter.setSizes([1600, 3400])  # the response's parts, with their clocks, get the larger share
        self.splitter = splitter
        beside = split(splitter, side, (2, 1))
        self.beside = beside
        layout.addWidget(beside, 1)
        self._selection_changed()

    def _response_tab(self) -> QWidget:
        tab = QWidget()
        layout = QVBoxLayout(tab)
        layout.setContentsMargins(0, 6, 0, 0)
        self.response_summary = QLabel()
        self.response_summary.setObjectName("hint")
        self.response_summary.setWordWrap(True)
        self.response_summary.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self.response_summary)
        self.parts = ResponsePartsModel(self)
        self.parts_view = sorted_list_view(self.parts)
        self.parts_view.setObjectName("responseParts")
        self.parts_view.setAccessibleName("The parts of the safeguarding response")
        self.wrap_columns(self.parts_view, {0: "Check child: Amy", 1: "Olly Manager",
                                            2: "26/11/2026", 3: "Overdue by 2 days"}, stretch=4)
        self.parts_view.selectionModel().selectionChanged.connect(lambda *_: self._part_changed())
        self.parts_view.activated.connect(lambda *_: self.complete_part())
        self.parts_panel = ListPanel(self.parts_view, "No safeguarding response: a concern recorded from now on "
                                                      "opens one, with a referral, an s.327A decision and a "
                                                      "check on each child.")
        layout.addWidget(self.parts_panel, 1)
        row = QHBoxLayout()
        self.complete_button = self._stage_button("&Complete part...", self.complete_part,
                                                  "Record the referral as sent, the disclosure decision (and, once "
                                                  "decided, the disclosure made) or the child's check (Ctrl+Shift+C)")
        self.complete_button.setShortcut(QKeySequence("Ctrl+Shift+C"))
        self.not_applicable_button = self._stage_button("&Not applicable...", self.mark_not_applicable,
                                                        "Only with a reason; a supervisor signs it off")
        self.add_child_button = self._stage_button("Add a c&hild...", self.add_child,
                                                   "Another child to check, named after the concern")
        self.ppn_button = self._stage_button("&PPN...", self.record_ppn,
                                             "The force's public protection notice (PPN) reference for the concern")
        self.owner_button = self._stage_button("Change o&wner...", self.change_owner,
                                               "Give the part to another officer, with the reason")
        for button in (self.complete_button, self.not_applicable_button, self.owner_button,
                       self.add_child_button, self.ppn_button):
            row.addWidget(button)
        row.addStretch(1)
        layout.addLayout(row)
        return tab

    # --- showing -------------------------------------------------------------------------------

    def set_entries(self, entries: tuple[EntryRow, ...]) -> None:
        referrals = tuple(e for e in entries if e.entity == "safeguarding_referral")
        super().set_entries(referrals)
        if hasattr(self, "disclosures"):
            disclosures = tuple(e for e in entries if e.entity == "disclosure")
            self.disclosures.set_rows(disclosures)
            self.disclosure_panel.show_rows(len(disclosures))

    def count(self) -> int:
        extra = sum(1 for e in self.disclosures.rows() if not e.voided) if hasattr(self, "disclosures") else 0
        return self.active_count() + extra

    def fetch(self, services, actor, offender_id):
        return safeguarding_for(services, actor, offender_id)

    def show_details(self, view: SafeguardingView) -> None:
        self.view_data = view
        order = [r.id for r in reversed(view.referrals)]  # newest concern first
        self.model.set_details({r.id: r for r in view.referrals}, order)
        self.disclosures.set_details({d.id: d for d in view.disclosures}, [d.id for d in reversed(view.disclosures)])
        self._show_response()
        self.flags.setText("\n".join(f"\u2022 {line}" for line in view.flags))
        self.flags.setVisible(bool(view.flags))
        if self._pending_select is not None:
            self.select_entry(self._pending_select)
            self._pending_select = None
        if self._pending_referral is not None and _find(view.referrals, self._pending_referral) is not None:
            referral_id, self._pending_referral = self._pending_referral, None
            self.select_entry(referral_id)
            self._open_referral_dialog(referral_id)

    def shown_response(self) -> ResponseView | None:
        """The selected concern's response; with none selected, the newest."""
        responses = self.view_data.responses if self.view_data else ()
        referral = self.selected_referral() if hasattr(self, "panes") else None
        if referral is not None:
            return next((r for r in responses if r.referral_id == referral.id), None)
        return responses[0] if responses else None

    def _show_response(self) -> None:
        if not hasattr(self, "parts"):
            return
        response = self.shown_response()
        self.parts.set_rows(response.parts if response else ())
        self.parts_panel.show_rows(len(response.parts) if response else 0)
        self.response_summary.setText(response_summary(response) if response else "")
        self.response_summary.setVisible(response is not None)
        self._part_changed()

    def selected_part(self) -> ResponsePart | None:
        rows = self.parts_view.selectionModel().selectedRows()
        if not rows:
            return None
        part = self.parts.row_at(self.parts_view.model().mapToSource(rows[0]).row())
        return part

    def _part_changed(self) -> None:
        part, response = self.selected_part(), self.shown_response()
        self.not_applicable_button.setEnabled(part is not None and part.is_open)
        self.owner_button.setEnabled(part is not None and (part.is_open or part.awaits_disclosure))
        # After a decision to disclose, what is left of the part is telling the person.
        self.complete_button.setEnabled(part is not None and (part.is_open or part.awaits_disclosure))
        text = "Disclosure ma&de..." if part is not None and part.awaits_disclosure else "&Complete part..."
        if self.complete_button.text() != text:
            self.complete_button.setText(text)
            self.complete_button.setShortcut(QKeySequence("Ctrl+Shift+C"))  # setText took the mnemonic
        self.add_child_button.setEnabled(response is not None)
        self.ppn_button.setEnabled(response is not None)

    def _focus_table(self, view: QTableView) -> None:
        if view.selectionModel().hasSelection():
            self._last_view = view
            other = self.view if view is self.disclosure_view else self.disclosure_view
            other.selectionModel().blockSignals(True)
            other.clearSelection()
            other.selectionModel().blockSignals(False)
        self._selection_changed()

    def selected_entry(self) -> EntryRow | None:
        view = getattr(self, "_last_view", self.view)
        rows = view.selectionModel().selectedRows()
        if not rows:
            return None
        return view.model().mapToSource(rows[0]).data(Qt.ItemDataRole.UserRole + 1)

    def selected_referral(self) -> ReferralView | None:
        entry = self.selected_entry()
        return self.model.detail(entry) if entry is not None and entry.entity == "safeguarding_referral" else None

    def selected_disclosure(self) -> DisclosureView | None:
        entry = self.selected_entry()
        return self.disclosures.detail(entry) if entry is not None and entry.entity == "disclosure" else None

    def _selection_changed(self, *_args) -> None:
        super()._selection_changed()
        if not hasattr(self, "panes"):
            return
        referral, disclosure = self.selected_referral(), self.selected_disclosure()
        entry = self.selected_entry()
        voided = entry is not None and entry.voided
        live = referral is not None and not voided
        self.document_button.setEnabled(live)
        self.referral_button.setEnabled(live and referral.referred_at is None)
        self.acknowledgement_button.setEnabled(live and referral.referred_at is not None
                                               and referral.acknowledged_at is None)
        self.decision_button.setEnabled(live and referral.referred_at is not None
                                        and referral.decision_at is None)
        self.progress_button.setEnabled(disclosure is not None and disclosure.completed_at is None)
        if referral is not None:
            self._show_response()
        if disclosure is not None or (entry is not None and entry.entity == "disclosure"):
            self.disclosure_pane.show_disclosure(disclosure, self.view_data.referrals if self.view_data else (),
                                                 voided=voided)
            self.panes.setCurrentWidget(self.disclosure_pane)
        else:
            self.pane.show_referral(referral, self.view_data.disclosures if self.view_data else (), voided=voided)
            self.panes.setCurrentWidget(self.pane)

    def _stage_button(self, text: str, slot, tip: str) -> QPushButton:
        button = QPushButton(text)
        button.setToolTip(tip)
        button.clicked.connect(lambda: slot())
        button.setVisible(self.can_write)
        return button

    # --- workflows -----------------------------------------------------------------------------

    def open_concern(self) -> ConcernDialog | None:
        if self.record is None or not self.can_write:
            return None
        return self.open_dialog(ConcernDialog(self.ctx, self.record, parent=self), self._concern_saved)

    def _concern_saved(self, referral: ReferralView) -> None:
        self._pending_select = referral.id
        self.ctx.reload()

    def open_entry(self, entity_id: int) -> ReferralDialog | None:
        """RecordContext.show_entry: a concern just recorded elsewhere (a relationship giving
        access to children) goes straight to its referral form."""
        return self.open_referral(entity_id)

    def open_referral(self, referral_id: int) -> ReferralDialog | None:
        """Open the referral form for a concern: now if it is listed, else once it is."""
        if self.view_data is not None and _find(self.view_data.referrals, referral_id) is not None \
                and self._pending_referral is None:
            self.select_entry(referral_id)
            return self._open_referral_dialog(referral_id)
        self._pending_referral = referral_id
        return None

    def _open_referral_dialog(self, referral_id: int) -> ReferralDialog | None:
        if not self.can_write:
            return None
        referral = _find(self.view_data.referrals, referral_id) if self.view_data else None
        dialog = ReferralDialog(self.ctx, referral_id, referral, parent=self)
        self.open_dialog(dialog)
        return dialog

    def open_referral_for_selected(self) -> ReferralDialog | None:
        referral = self.selected_referral()
        if referral is None and self.view_data is not None:
            waiting = [r for r in self.view_data.referrals if r.referred_at is None]
            referral = waiting[0] if len(waiting) == 1 else None
        if referral is None or referral.referred_at is not None:
            return None
        return self._open_referral_dialog(referral.id)

    def open_decision(self) -> DecisionDialog | None:
        referral = self.selected_referral()
        if referral is None or referral.referred_at is None or referral.decision_at is not None or not self.can_write:
            return None
        return self.open_dialog(DecisionDialog(self.ctx, referral, parent=self))

    def open_acknowledgement(self) -> AcknowledgementDialog | None:
        referral = self.selected_referral()
        if referral is None or referral.referred_at is None or referral.acknowledged_at is not None \
                or not self.can_write:
            return None
        return self.open_dialog(AcknowledgementDialog(self.ctx, referral, parent=self))

    def open_document(self) -> ReferralDocumentDialog | None:
        """The referral document: saved on the worker, then the system's print dialog."""
        referral = self.selected_referral()
        if referral is None or not self.can_write:
            return None
        return self.open_dialog(ReferralDocumentDialog(self.ctx, self.record, referral, parent=self),
                                self._document_saved)

    def _document_saved(self, path) -> None:
        self.ctx.reload()
        print_saved_pdf(self.ctx, path, "referral document", parent=self, ask=self.ask_printer, opener=self.opener)

    def complete_part(self) -> ServiceDialog | None:
        """The form that completes the selected part: the referral as sent, the s.327A decision
        (the disclosure form), or the child's check."""
        part = self.selected_part()
        if part is not None and part.awaits_disclosure:
            return self.record_disclosure_made()
        if part is None or not part.is_open or not self.can_write or self.record is None:
            return None
        if part.part == "safeguarding_referral":
            return self._open_referral_dialog(part.id)
        if part.part == "disclosure":
            disclosure = _find(self.view_data.disclosures, part.id) if self.view_data else None
            referrals = self.view_data.referrals if self.view_data else ()
            return self.open_dialog(DisclosureDialog(self.ctx, self.record, referrals, disclosure, parent=self))
        return self.open_dialog(ChildCheckDialog(self.ctx, part, parent=self))

    def mark_not_applicable(self) -> NotApplicableDialog | None:
        part = self.selected_part()
        if part is None or not part.is_open or not self.can_write:
            return None
        return self.open_dialog(NotApplicableDialog(self.ctx, part, parent=self))  # type: ignore[return-value]

    def change_owner(self) -> OwnerDialog | None:
        part = self.selected_part()
        if part is None or not (part.is_open or part.awaits_disclosure) or not self.can_write:
            return None
        return self.open_dialog(OwnerDialog(self.ctx, part, parent=self))  # type: ignore[return-value]

    def record_disclosure_made(self) -> DisclosureMadeDialog | None:
        part = self.selected_part()
        if part is None or not part.awaits_disclosure or not self.can_write:
            return None
        return self.open_dialog(DisclosureMadeDialog(self.ctx, part, parent=self))  # type: ignore[return-value]

    def add_child(self) -> AddChildDialog | None:
        response = self.shown_response()
        if response is None or not self.can_write:
            return None
        return self.open_dialog(AddChildDialog(self.ctx, response, parent=self))  # type: ignore[return-value]

    def record_ppn(self) -> PpnDialog | None:
        response = self.shown_response()
        if response is None or not self.can_write:
            return None
        return self.open_dialog(PpnDialog(self.ctx, response, parent=self))  # type: ignore[return-value]

    def open_disclosure(self) -> DisclosureDialog | None:
        if self.record is None or not self.can_write:
            return None
        referrals = self.view_data.referrals if self.view_data else ()
        return self.open_dialog(DisclosureDialog(self.ctx, self.record, referrals, parent=self))

    def open_progress(self) -> DisclosureDialog | None:
        disclosure = self.selected_disclosure()
        if self.record is None or disclosure is None or not self.can_write:
            return None
        referrals = self.view_data.referrals if self.view_data else ()
        return self.open_dialog(DisclosureDialog(self.ctx, self.record, referrals, disclosure, parent=self))


@record_page("safeguarding")
def safeguarding_page(ctx: RecordContext, spec: SectionSpec) -> SafeguardingPage:
    return SafeguardingPage(ctx, spec)
