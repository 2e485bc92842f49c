"""The record's Relationships part: who the offender is close to, with children and access to
children. Recording a relationship with access to children opens a safeguarding concern (the
service does this); the page then takes the user straight to the referral form for it.

A person on the register is linked by their record's reference: the dialog looks it up and shows
only its reference, name and offender manager. Relationships recorded on other records that link
to this one are listed below this record's own, named by the record they are recorded on."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QWidget,
)

from rso_manager.domain.safeguarding_response import children_named
from rso_manager.services.caseload import CaseHeader, EntryRow, OffenderRecord, find_by_reference
from rso_manager.services.errors import FieldProblem, NotFound, ValidationFailed
from rso_manager.services.safeguarding import (
    RELATIONSHIP_KINDS,
    LinkedCase,
    RelationshipInput,
    RelationshipResult,
    RelationshipView,
    record_relationship,
    relationship_warning,
    relationships_for,
)
from ui.extensions import record_page
from ui.kit.detail_pane import DetailPane, place_beside, show_selected
from ui.kit.dialogs import ServiceDialog
from ui.kit.formatting import fmt_date
from ui.kit.forms import DateField, combo_data, report_failure
from ui.kit.record_page import (
    DetailedEntries,
    DetailedSectionTab,
    RecordContext,
    SectionSpec,
)
from ui.kit.tables import Column, ListPanel, RowsModel, configure_list_view
from ui.workflows.safeguarding.labels import FLAG_STYLE, KIND_LABELS, day_order

RELATIONSHIP_CAPTIONS = ("Person", "Kind", "Linked record", "From", "Until", "Children", "Safeguarding referral",
                         "Notes")
NO_RELATIONSHIP = ("Select a relationship to read it in full: who the person is, their children and access to "
                   "children, the record they are on and the notes.")


def relationship_fields(v: RelationshipView) -> dict[str, str]:
    return {
        "Person": v.person_name,
        "Kind": KIND_LABELS.get(v.kind, v.kind),
        "Linked record": _case_words(v.linked) if v.linked else "Not on the register",
        "From": fmt_date(v.from_date, "Not known"),
        "Until": fmt_date(v.to_date, "Continuing"),
        "Children": ("Has children" if v.has_children else "No children known") + (
            "; has access to children" if v.access_to_children else "; no access to children"),
        "Safeguarding referral": (v.referral_state or "") + (" (not referred the same day)" if v.referral_overdue
                                                             else ""),
        "Notes": v.notes or "",
    }


class RelationshipsModel(DetailedEntries):
    def __init__(self, parent=None) -> None:
        d: Callable[[EntryRow], RelationshipView | None] = lambda e: self.detail(e)  # noqa: E731
        super().__init__([
            Column("From", lambda e: fmt_date(e.when), day_order),
            Column("Person", lambda e: self._person(d(e)) if d(e) else e.summary),
            Column("Kind", lambda e: KIND_LABELS.get(d(e).kind, d(e).kind) if d(e) else ""),
            Column("Children", lambda e: self._children(d(e)) if d(e) else e.status),
            Column("Safeguarding referral", lambda e: "Entered in error" if e.voided else
                   ((d(e).referral_state or "") if d(e) else "")),
            Column("Notes", lambda e: (d(e).notes or "") if d(e) else "", tooltip=lambda e: d(e).notes if d(e) else None),
        ], parent)
        self._bold = QFont()
        self._bold.setBold(True)

    @staticmethod
    def _person(view: RelationshipView) -> str:
        return f"{view.person_name} ({view.linked.reference})" if view.linked else view.person_name

    @staticmethod
    def _children(view: RelationshipView) -> str:
        if view.access_to_children:
            return "Has access to children"
        return "Has children (no access)" if view.has_children else "No"

    def red(self, entry: EntryRow, column: int) -> bool:
        view = self.detail(entry)
        return column == 4 and view is not None and view.referral_overdue

    def extra(self, row: EntryRow, column: int, role: int) -> Any:
        view = self.detail(row)
        if role == Qt.ItemDataRole.FontRole and column == 3 and view is not None and view.access_to_children:
            return self._bold
        return super().extra(row, column, role)


def _case_words(case: LinkedCase | CaseHeader) -> str:
    return f"{case.reference}: {case.name}, offender manager {case.offender_manager or 'not allocated'}"


class LinkedFromModel(RowsModel[RelationshipView]):
    """Relationships recorded on other records that link to this one. What the other record
    says beyond its kind and dates is shown only to a user who may read that record."""

    def __init__(self, parent=None) -> None:
        super().__init__([
            Column("Recorded on", lambda v: v.recorded_on.reference if v.recorded_on else ""),
            Column("Person", lambda v: v.person_name),
            Column("Offender manager", lambda v: (v.recorded_on.offender_manager if v.recorded_on else None)
                   or "Not allocated"),
            Column("Kind", lambda v: KIND_LABELS.get(v.kind, v.kind)),
            Column("From", lambda v: fmt_date(v.from_date), lambda v: v.from_date.toordinal() if v.from_date else 0),
            Column("Detail", self._detail, tooltip=self._detail),
        ], parent)

    @staticmethod
    def _detail(view: RelationshipView) -> str:
        if view.withheld:
            return "Recorded on a case outside your caseload: open that record, with a reason, to read more."
        children = RelationshipsModel._children(view)
        return "; ".join(filter(None, [f"Children: {children}", view.notes]))


class RelationshipDialog(ServiceDialog):
    def __init__(self, ctx: RecordContext, record: OffenderRecord, parent: QWidget | None = None) -> None:
        super().__init__(ctx.services, ctx.actor, ctx.worker, ctx.prompter, title="Record a relationship",
                         heading=f"Record a relationship: {record.name} ({record.reference})",
                         hint="Partners, family, friends and associates. Say whether the person has children "
                              "and whether the relationship gives access to children.",
                         save_text="Save", parent=parent)
        self.record = record
        self._warned = False
        self.person_name = QLineEdit()
        self.person_name.setMaxLength(200)
        self.person_name.setPlaceholderText("Full name, e.g. Carol JONES")
        self.row("&Name", "person_name", self.person_name)
        self.elsewhere_note("associate", self.person_name, record.offender_id)
        self.linked_reference = QLineEdit()
        self.linked_reference.setMaxLength(20)
        self.linked_reference.setPlaceholderText("Their record's reference, e.g. RSO-000123")
        self.linked_reference.setAccessibleName("Reference of the person's own record")
        self.linked_reference.textEdited.connect(self._reference_edited)
        self.find_button = QPushButton("Find")
        self.find_button.setAutoDefault(False)
        self.find_button.setToolTip("Look the record up: its reference, name and offender manager are shown")
        self.find_button.clicked.connect(self.find_linked)
        register = QWidget()
        register_row = QHBoxLayout(register)
        register_row.setContentsMargins(0, 0, 0, 0)
        register_row.addWidget(self.linked_reference, 1)
        register_row.addWidget(self.find_button)
        register.setFocusProxy(self.linked_reference)  # the label's mnemonic reaches the field
        self.row("On the &register", "linked_reference", register)
        self.found = QLabel("If the person is on the register too, enter their record's reference.")
        self.found.setObjectName("hint")
        self.found.setWordWrap(True)
        self.form.addRow("", self.found)
        self.linked: CaseHeader | None = None
        self.kind = QComboBox()
        for value in RELATIONSHIP_KINDS:
            self.kind.addItem(KIND_LABELS.get(value, value.title()), value)
        self.row("&Kind", "kind", self.kind)
        self.has_children = QCheckBox("This person has children")
        self.row("", "has_children", self.has_children)
        self.access = QCheckBox("The relationship gives access to children")
        self.access.toggled.connect(self._access_toggled)
        self.row("", "access_to_children", self.access)
        self.warning = QLabel()
        self.warning.setObjectName("flagBanner")
        self.warning.setStyleSheet(FLAG_STYLE)
        self.warning.setWordWrap(True)
        self.warning.setVisible(False)
        self.form.addRow(self.warning)
        # Each child named gets a safety check with an owner and a due time (issue 19).
        self.children = QLineEdit()
        self.children.setMaxLength(400)
        self.children.setPlaceholderText("Names or descriptions, separated by commas, e.g. Amy (7), Ben (4)")
        self.children.setAccessibleName("Children the offender has access to")
        self.row("C&hildren", "children", self.children)
        self.from_date = DateField(calendar_start=ctx.services.clock.today)
        self.row("&From", "from_date", self.from_date)
        self.notes = QPlainTextEdit()
        self.notes.setTabChangesFocus(True)
        self.notes.setFixedHeight(70)
        self.notes.setPlaceholderText("How it became known, where the person lives, anything the next visit should check")
        self.row("N&otes", "notes", self.notes)
        self.finish()
        self.person_name.setFocus()

    def value(self) -> RelationshipInput:
        return RelationshipInput(person_name=self.person_name.text(), kind=combo_data(self.kind),
                                 has_children=self.has_children.isChecked(),
                                 access_to_children=self.access.isChecked(), from_date=self.from_date.date(),
                                 notes=self.notes.toPlainText() or None,
                                 linked_reference=self.linked_reference.text().strip() or None,
                                 children=children_named(self.children.text()))

    def find_linked(self) -> None:
        """Look the reference up (audited, as every look-up is): only its reference, name and
        offender manager come back, whatever the user's link to it."""
        reference = self.linked_reference.text()
        self.find_button.setEnabled(False)
        self._worker.submit(find_by_reference, self._services, self._actor, reference, owner=self,
                            on_success=self._found, on_error=self._not_found)

    def _found(self, header: CaseHeader) -> None:
        self.find_button.setEnabled(True)
        if header.offender_id == self.record.offender_id:
            self._not_found(ValidationFailed(FieldProblem(
                "reference", "That is this record's own reference; enter the other person's.")))
            return
        self.linked = header
        self.errors.clear()
        self.found.setText(f"Links to {_case_words(header)}. Both records will show the relationship.")
        if not self.person_name.text().strip():
            self.person_name.setPlaceholderText(f"Left empty: the name on their record ({header.name})")
        self.fit()

    def _not_found(self, exc: BaseException) -> None:
        self.find_button.setEnabled(True)
        self.linked = None
        self.found.setText("")
        if isinstance(exc, NotFound):
            exc = ValidationFailed(FieldProblem("reference", str(exc)))
        if isinstance(exc, ValidationFailed):  # the look-up names its field "reference"
            self.errors.show(ValidationFailed([FieldProblem("linked_reference", p.message) for p in exc.problems]))
            self.fit()
        else:
            report_failure(self._prompter, exc, title="The record could not be looked up")

    def _reference_edited(self, _text: str) -> None:
        if self.linked is not None:
            self.linked = None
            self.found.setText("Press Find to check the reference.")
            self.person_name.setPlaceholderText("Full name, e.g. Carol JONES")

    def _access_toggled(self, on: bool) -> None:
        self._warned = False
        text = relationship_warning(self.value()) or ""
        self.warning.setText(text)
        self.warning.setVisible(bool(text))
        self.save_button.setText("Save and refer..." if on else "Save")
        self.fit()

    def submit(self) -> None:
        value = self.value()
        warning = relationship_warning(value)
        if warning and self.save_button.isEnabled() and not self._warned:
            if not self._prompter.confirm(
                    "A safeguarding referral follows", warning + "\n\nSave the relationship and go to the referral?",
                    ok="Save and refer", cancel="Go back"):
                return
            self._warned = True  # asked once: a correction after a refused save is not asked again
        self.call(record_relationship, self._services, self._actor, self.record.offender_id, value)


class RelationshipsPage(DetailedSectionTab):
    def __init__(self, ctx: RecordContext, spec: SectionSpec) -> None:
        super().__init__(ctx, spec, RelationshipsModel())
        self.about_label().setText(
            "Partners, family, friends and associates. A relationship giving access to children opens a "
            "safeguarding concern to refer the same day, and brings the next home visit forward.")
        self.wrap_columns(self.view, {0: "01/11/2026", 1: "Carol JONES-SMITH", 2: "Associate",
                                      3: "Has access to children", 4: "Referred; awaiting decision"}, stretch=5)
        self.add = self.add_button_for("Record a relationship...", self.open_form,
                                       tip="Record a partner, relative, friend or associate (Ctrl+N)")
        self.add.setShortcut(QKeySequence("Ctrl+N"))
        self.dialog: ServiceDialog | None = None
        self.detail_pane = DetailPane(RELATIONSHIP_CAPTIONS, NO_RELATIONSHIP)
        place_beside(self, self.detail_pane, (2, 3), under=True)
        caption = QLabel("Recorded on other records that link to this one")
        caption.setStyleSheet("font-weight: 600;")
        self.linked_from = LinkedFromModel(self)
        self.linked_from_view = configure_list_view(QTableView())
        self.linked_from_view.setModel(self.linked_from)
        self.fit_columns(self.linked_from_view, stretch=5)
        self.linked_from_panel = ListPanel(
            self.linked_from_view, "No other record links to this one. A relationship recorded on another "
                                   "offender's record with this record's reference shows here.")
        self.linked_from_panel.setMaximumHeight(170)
        self.layout().addWidget(caption)
        self.layout().addWidget(self.linked_from_panel)

    def _selection_changed(self, *_args: Any) -> None:
        super()._selection_changed()
        if hasattr(self, "detail_pane"):
            view = self.selected_detail()
            show_selected(self.detail_pane, self.record, self.selected_entry(), view, "relationship",
                          relationship_fields, recorded_by=view.recorded_by if view else None,
                          recorded_at=view.recorded_at if view else None,
                          warnings=("Safeguarding referral",) if view is not None and view.referral_overdue else ())

    def about_label(self) -> QLabel:
        return self.findChild(QLabel, "hint")

    def fetch(self, services, actor, offender_id):
        return relationships_for(services, actor, offender_id)

    def show_details(self, views: list[RelationshipView]) -> None:
        self.model.set_details({v.id: v for v in views if v.recorded_on is None})
        others = [v for v in views if v.recorded_on is not None]
        self.linked_from.set_rows(others)
        self.linked_from_panel.show_rows(len(others))

    def open_form(self) -> RelationshipDialog | None:
        if self.record is None or not self.can_write:
            return None
        dialog = RelationshipDialog(self.ctx, self.record, parent=self)
        self.open_dialog(dialog, self._saved)
        return dialog

    def _saved(self, result: RelationshipResult) -> None:
        self.ctx.reload()
        if result.referral_prompt_id is not None:
            # To the Safeguarding part, whose page opens the referral form once the concern is listed.
            self.ctx.show_entry("safeguarding", result.referral_prompt_id)


@record_page("relationships")
def relationships_page(ctx: RecordContext, spec: SectionSpec) -> RelationshipsPage:
    return RelationshipsPage(ctx, spec)

