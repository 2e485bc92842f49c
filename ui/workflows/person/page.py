"""The record's Person part: the photographs (the newest shown large, with the day it was taken),
the physical description and distinguishing marks, vehicles, employment and education, and
online identifiers. Each list has Add... and Correct...; "Mark as entered in error..." (the
kit's, at the top) works on whichever entry is selected."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QScrollArea,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from rso_manager.services import person
from rso_manager.services.caseload import EntryRow
from ui.extensions import record_page
from ui.kit.formatting import fmt_date
from ui.kit.record_page import RecordContext, SectionSpec
from ui.kit.register_page import RegisterPage
from ui.kit.tables import ListPanel, sorted_list_view
from ui.workflows.person.dialogs import (
    DescriptionDialog,
    EntryDialog,
    FileChooser,
    IdentifierDialog,
    MarkDialog,
    OccupationDialog,
    PhotographDialog,
    VehicleDialog,
    choose_photograph_file,
)
from ui.workflows.person.models import (
    DescriptionsModel,
    IdentifiersModel,
    MarksModel,
    OccupationsModel,
    PersonEntries,
    PhotographsModel,
    VehiclesModel,
)

PHOTO_SIZE = (150, 188)  # passport proportions (35 x 45 mm)


class PersonList:
    """One kind of entry on the page: its model, its list (or the sentence saying it is empty)
    ROWS high, and its Add... button."""

    def __init__(self, page: PersonPage, model: PersonEntries, empty: str, dialog: type[EntryDialog],
                 noun: str, stretch: int, rows: int = 3) -> None:
        self.model, self.dialog = model, dialog
        model.setParent(page)
        self.view: QTableView = sorted_list_view(model)
        header = self.view.horizontalHeader()
        for col in range(model.columnCount()):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Stretch if col == stretch
                                        else QHeaderView.ResizeMode.ResizeToContents)
        self.view.setAccessibleName(noun)
        self.panel = ListPanel(self.view, empty)
        row_height = self.view.verticalHeader().defaultSectionSize()
        self.panel.setFixedHeight(header.sizeHint().height() + rows * row_height + 6)
        self.add = page.writer_button(f"Add {noun}...", lambda: page.open_entry_dialog(self, None),
                                      tip=f"Record {noun} on this record")

    def selected(self) -> Any:
        rows = self.view.selectionModel().selectedRows()
        if not rows:
            return None
        return self.model.row_at(self.view.model().mapToSource(rows[0]).row())  # type: ignore[attr-defined]

    def find(self, entry_id: int) -> Any:
        return next((row for row in self.model.rows() if row.id == entry_id), None)


def titled(title: str, button: QWidget, *body: QWidget) -> QWidget:
    """A part of the page: its title with its Add... button beside it, and what it shows."""
    box = QFrame()
    box.setObjectName("personBox")
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 6)
    layout.setSpacing(4)
    top = QHBoxLayout()
    heading = QLabel(title)
    heading.setObjectName("sectionHeading")
    font = heading.font()
    font.setBold(True)
    heading.setFont(font)
    top.addWidget(heading)
    top.addStretch(1)
    top.addWidget(button)
    layout.addLayout(top)
    for widget in body:
        layout.addWidget(widget)
    return box


class PersonPage(RegisterPage):
    """Test seams: lists by kind (photographs, descriptions, marks, vehicles, occupations,
    identifiers); photo, the newest photograph shown; choose_file, asked for a photograph's file.
    The kit's Correct... (at the top) opens the dialog for the kind of entry selected."""

    always_lit = True  # its entries are counted once read, after the navigation is drawn

    def __init__(self, ctx: RecordContext, spec: SectionSpec) -> None:
        super().__init__(ctx, spec, about=(
            "What the person looks like and uses: photographs, description and marks, vehicles, "
            "employment and education, online accounts. Select an entry to correct it (what it said "
            "before stays in History) or mark it as entered in error."))
        self.choose_file: FileChooser = choose_photograph_file
        self.view_data: person.PersonView | None = None
        self.newest: person.PhotographImage | None = None
        self.photographs = PersonList(self, PhotographsModel(), "No photograph yet. Import one from a file.",
                                      PhotographDialog, "a photograph", 1, rows=4)
        self.vehicles = PersonList(self, VehiclesModel(), "No vehicles recorded.", VehicleDialog, "a vehicle", 1)
        self.identifiers = PersonList(self, IdentifiersModel(), "No online accounts or identifiers recorded.",
                                      IdentifierDialog, "an online identifier", 1)
        self.descriptions = PersonList(self, DescriptionsModel(), "No description recorded.",
                                       DescriptionDialog, "a description", 5, rows=2)
        self.marks = PersonList(self, MarksModel(), "No scars, tattoos or other marks recorded.",
                                MarkDialog, "a mark", 2)
        self.occupations = PersonList(self, OccupationsModel(), "No employment, education or volunteering recorded.",
                                      OccupationDialog, "employment or education", 1)
        self.lists = (self.photographs, self.descriptions, self.marks, self.vehicles, self.occupations,
                      self.identifiers)
        self.one_selection(*(kind.view for kind in self.lists))

        self.photo = QLabel("No photograph")
        self.photo.setObjectName("personPhoto")
        self.photo.setFixedSize(*PHOTO_SIZE)
        self.photo.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.photo.setFrameShape(QFrame.Shape.StyledPanel)
        self.photo_caption = QLabel()
        self.photo_caption.setObjectName("hint")
        self.photo_caption.setWordWrap(True)
        self.photo_caption.setTextFormat(Qt.TextFormat.PlainText)
        self.photo_caption.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)

        newest = QWidget()
        beside = QHBoxLayout(newest)
        beside.setContentsMargins(0, 0, 0, 0)
        beside.addWidget(self.photo)
        beside.addWidget(self.photo_caption, 1)
        left = QWidget()
        left.setFixedWidth(PHOTO_SIZE[0] * 2 + 40)
        column = QVBoxLayout(left)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(titled("Photographs", self.photographs.add, newest, self.photographs.panel))
        column.addStretch(1)

        right = QWidget()
        parts = QVBoxLayout(right)
        parts.setContentsMargins(0, 0, 8, 0)
        parts.addWidget(titled("Vehicles", self.vehicles.add, self.vehicles.panel))
        parts.addWidget(titled("Online accounts and internet identifiers", self.identifiers.add,
                               self.identifiers.panel))
        parts.addWidget(titled("Physical description", self.descriptions.add, self.descriptions.panel))
        parts.addWidget(titled("Distinguishing marks", self.marks.add, self.marks.panel))
        parts.addWidget(titled("Employment and education", self.occupations.add, self.occupations.panel))
        parts.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(right)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.viewport().setAutoFillBackground(False)  # the page's own ground, not a grey panel
        right.setAutoFillBackground(False)

        content = QWidget()
        row = QHBoxLayout(content)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(12)
        row.addWidget(left)
        row.addWidget(scroll, 1)
        self.page_layout().addWidget(content, 1)

    # --- reading --------------------------------------------------------------------------------

    def fetch(self, services, actor, offender_id) -> Any:  # runs on the worker
        return person.person_for(services, actor, offender_id), person.newest_photograph(services, actor, offender_id)

    def show_details(self, data: Any) -> None:
        view, newest = data
        self.view_data, self.newest = view, newest
        for kind, rows in ((self.photographs, view.photographs), (self.descriptions, view.descriptions),
                           (self.marks, view.marks), (self.vehicles, view.vehicles),
                           (self.occupations, view.occupations), (self.identifiers, view.identifiers)):
            kind.model.set_rows(rows)
            kind.panel.show_rows(len(rows))
        self._show_photo(newest)

    def _show_photo(self, newest: person.PhotographImage | None) -> None:
        pixmap = QPixmap()
        if newest is None or not pixmap.loadFromData(newest.image):
            self.photo.setPixmap(QPixmap())
            self.photo.setText("No photograph" if newest is None else "The photograph cannot be shown")
            self.photo_caption.setText("")
            return
        self.photo.setPixmap(pixmap.scaled(self.photo.size(), Qt.AspectRatioMode.KeepAspectRatio,
                                           Qt.TransformationMode.SmoothTransformation))
        self.photo_caption.setText(f"Taken {fmt_date(newest.taken_on)}"
                                   + (f"\n{newest.description}" if newest.description else ""))

    def count(self) -> int:
        return self.view_data.count() if self.view_data is not None else 0

    # --- selection and actions ------------------------------------------------------------------

    def _selected(self) -> tuple[PersonList, Any] | None:
        for kind in getattr(self, "lists", ()):
            row = kind.selected()
            if row is not None:
                return kind, row
        return None

    def selected_key(self) -> tuple[str, int] | None:
        chosen = self._selected()
        return (chosen[0].model.entity, chosen[1].id) if chosen else None

    def selected_entry(self) -> EntryRow | None:
        """The selected entry as the record window's "Mark as entered in error..." asks about it."""
        chosen = self._selected()
        if chosen is None:
            return None
        kind, row = chosen
        return EntryRow(kind.model.entity, row.id, kind.model.when(row), kind.model.summary(row),
                        "entered in error" if row.voided else "", row.voided, row.version_id)

    def entry_buttons(self, entry: EntryRow | None) -> None:
        """Every field of these entries may be corrected in place (none starts a statutory clock),
        so Correct... is for any entry not entered in error."""
        super().entry_buttons(entry)
        self.correct_button.setEnabled(entry is not None and not entry.voided)

    def open_correction(self, entry: EntryRow) -> None:
        """The kit's Correct... on an entry of this page: the dialog of its kind, with its values."""
        for kind in self.lists:
            if kind.model.entity == entry.entity:
                current = kind.find(entry.id)
                if current is not None:
                    self.open_entry_dialog(kind, current)
                return

    def open_entry_dialog(self, kind: PersonList, current: Any) -> EntryDialog | None:
        if self.record is None or (current is not None and current.voided):
            return None
        extra: dict[str, Any] = {"chooser": self.choose_file} if kind.dialog is PhotographDialog else {}
        dialog = kind.dialog(self.ctx, self.record, current, **extra)
        self.open_dialog(dialog, self._saved)
        return dialog

    def _saved(self, result: person.Saved) -> None:
        if result.warning:
            self.ctx.show_status("Saved. " + result.warning.split(". ")[0] + ": check the plate.")
        self.ctx.reload()


@record_page("person")
def person_page(ctx: RecordContext, spec: SectionSpec) -> PersonPage:
    return PersonPage(ctx, spec)


__all__: list[str] = ["PersonPage", "person_page"]
