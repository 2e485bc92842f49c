"""The dialogs of the person part: each adds an entry, or (opened on one) corrects it with a
reason, the old values kept in the record's history. A photograph is imported from a file the
user chooses; a registration that fits no UK format is asked about before it is saved."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QWidget,
)

from rso_manager.domain.person_labels import (
    BUILDS,
    IDENTIFIER_SOURCES,
    MARK_KINDS,
    OCCUPATION_KINDS,
)
from rso_manager.domain.vehicle_registration import registration_warning
from rso_manager.services import person
from rso_manager.services.caseload import OffenderRecord
from rso_manager.services.errors import FieldProblem, ValidationFailed
from ui.kit.forms import DateField, combo_data, select_data
from ui.kit.record_dialog import RecordDialog
from ui.kit.record_page import RecordContext

WARNING_STYLE = ("QLabel#registrationWarning { background: #fff4e5; border: 1px solid #f0c36d; border-radius: 4px; "
                 "color: #6b4500; padding: 6px 8px; }")
PHOTO_FILES = "Photographs (*.jpg *.jpeg *.png)"
FileChooser = Callable[[QWidget], str | None]


def choose_photograph_file(parent: QWidget) -> str | None:
    """The user's choice of a file (the system's file dialog); None if they cancel."""
    path, _filter = QFileDialog.getOpenFileName(parent, "Import a photograph", "", PHOTO_FILES)
    return path or None


def _line(max_length: int, placeholder: str = "") -> QLineEdit:
    edit = QLineEdit()
    edit.setMaxLength(max_length)
    edit.setPlaceholderText(placeholder)
    return edit


def _text_box(height: int, placeholder: str) -> QPlainTextEdit:
    box = QPlainTextEdit()
    box.setTabChangesFocus(True)
    box.setFixedHeight(height)
    box.setPlaceholderText(placeholder)
    return box


def _combo(labels: dict[str, str]) -> QComboBox:
    combo = QComboBox()
    for value, label in labels.items():
        combo.addItem(label, value)
    return combo


class EntryDialog(RecordDialog):
    """Add an entry (CURRENT None), or correct CURRENT with a reason. A subclass builds its
    rows, then calls done_building(); fill() puts CURRENT's values in the fields."""

    def __init__(self, ctx: RecordContext, record: OffenderRecord, current: Any, *, what: str, hint: str) -> None:
        title = f"Correct {what}" if current is not None else f"Add {what}"
        if current is not None:
            hint = ("Put the entry right. What it said before stays in the record's History with your reason. "
                    "If it should never have been recorded, mark it as entered in error instead.")
        super().__init__(ctx, record, title, hint, save_text="Save correction" if current is not None else "Save")
        self.current = current
        self.reason: QPlainTextEdit | None = None

    def period_rows(self, *, notified: bool = False) -> None:
        """From and to (from_date, to_date) and, where the person must notify it, whether they did."""
        self.from_date = DateField(calendar_start=self._services.clock.today)
        self.row("&From", "from_date", self.from_date)
        self.to_date = DateField(calendar_start=self._services.clock.today)
        self.row("&To", "to_date", self.to_date)
        if notified:
            self.notified = QCheckBox("Notified by the person")
            self.row("", "notified", self.notified)

    def done_building(self) -> None:
        if self.current is not None:
            self.fill(self.current)
            self.reason = _text_box(56, "What was wrong, e.g. copied from the wrong PNC page")
            self.row("&Reason", "reason", self.reason)
        self.finish()

    def fill(self, current: Any) -> None:
        raise NotImplementedError

    def reason_text(self) -> str:
        return self.reason.toPlainText() if self.reason is not None else ""

    def save(self, add: Callable[..., Any], correct: Callable[..., Any], value: Any) -> bool:
        if self.current is None:
            return self.call(add, self._services, self._actor, self.record.offender_id, value)
        return self.call(correct, self._services, self._actor, self.current.id, self.current.version_id,
                         value, self.reason_text())


class PhotographDialog(EntryDialog):
    """Test seams: choose() asks CHOOSER for the file; image_data is what was read from it."""

    def __init__(self, ctx: RecordContext, record: OffenderRecord, current: person.PhotographView | None = None,
                 *, chooser: FileChooser = choose_photograph_file) -> None:
        super().__init__(ctx, record, current, what="a photograph",
                         hint="Import a JPEG or PNG photograph of the person and say when it was taken. The newest "
                              "photograph is shown at the top of the record.")
        self.chooser = chooser
        self.image_data = b""
        if current is None:
            picker = QWidget()
            row = QHBoxLayout(picker)
            row.setContentsMargins(0, 0, 0, 0)
            self.file_name = QLineEdit()
            self.file_name.setReadOnly(True)
            self.file_name.setPlaceholderText("No file chosen")
            row.addWidget(self.file_name, 1)
            self.choose_button = QPushButton("Choose file...")
            self.choose_button.clicked.connect(self.choose)
            row.addWidget(self.choose_button)
            self.row("&File", "image", picker)
            self.preview = QLabel()
            self.preview.setFixedSize(120, 150)
            self.preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
            self.preview.setObjectName("photoPreview")
            self.preview.setVisible(False)
            self.form.addRow("", self.preview)
        self.taken_on = DateField(calendar_start=ctx.services.clock.today)
        self.row("&Taken on", "taken_on", self.taken_on)
        self.description = _line(200, "e.g. Custody photograph, Northam police station")
        self.row("&Description", "description", self.description)
        self.done_building()

    def fill(self, current: person.PhotographView) -> None:
        self.taken_on.set_date(current.taken_on)
        self.description.setText(current.description or "")

    def choose(self) -> None:
        path = self.chooser(self)
        if path:
            self.load_file(path)

    def load_file(self, path: str) -> None:
        """Read the file here; the service decides whether it is a photograph it can keep."""
        self.errors.clear()
        try:
            self.image_data = Path(path).read_bytes()
        except OSError as exc:
            self.image_data = b""
            self.errors.show(ValidationFailed(FieldProblem("image", f"The file could not be read ({exc.strerror}). "
                                                                    "Choose another.")))
            return
        self.file_name.setText(Path(path).name)
        pixmap = QPixmap()
        shown = pixmap.loadFromData(self.image_data)
        if shown:
            self.preview.setPixmap(pixmap.scaled(self.preview.size(), Qt.AspectRatioMode.KeepAspectRatio,
                                                 Qt.TransformationMode.SmoothTransformation))
        self.preview.setVisible(shown)
        self.fit()

    def submit(self) -> None:
        if self.current is None:
            self.call(person.add_photograph, self._services, self._actor, self.record.offender_id,
                      person.PhotographInput(self.image_data, self.taken_on.date(), self.description.text()))
        else:
            self.call(person.correct_photograph, self._services, self._actor, self.current.id, self.current.version_id,
                      taken_on=self.taken_on.date(), description=self.description.text(), reason=self.reason_text())


class DescriptionDialog(EntryDialog):
    def __init__(self, ctx: RecordContext, record: OffenderRecord, current: person.DescriptionView | None = None) -> None:
        super().__init__(ctx, record, current, what="a physical description",
                         hint="The person as seen on the day. A later description is shown as the current one; "
                              "earlier ones stay listed.")
        self.described_on = DateField(calendar_start=ctx.services.clock.today)
        self.row("&Described on", "described_on", self.described_on)
        self.height_cm = _line(3, "centimetres, e.g. 178")
        self.row("&Height (cm)", "height_cm", self.height_cm)
        self.build = QComboBox()
        self.build.setEditable(True)
        self.build.addItems(["", *BUILDS])
        self.row("&Build", "build", self.build)
        self.hair = _line(80, "e.g. Short, greying brown")
        self.row("H&air", "hair", self.hair)
        self.eyes = _line(40, "e.g. Blue")
        self.row("&Eyes", "eyes", self.eyes)
        self.notes = _text_box(56, "Glasses, beard, gait, anything that helps recognise him or her")
        self.row("&Notes", "notes", self.notes)
        self.done_building()

    def fill(self, current: person.DescriptionView) -> None:
        self.described_on.set_date(current.described_on)
        self.height_cm.setText(str(current.height_cm) if current.height_cm else "")
        self.build.setCurrentText(current.build or "")
        self.hair.setText(current.hair or "")
        self.eyes.setText(current.eyes or "")
        self.notes.setPlainText(current.notes or "")

    def submit(self) -> None:
        text = self.height_cm.text().strip()
        if text and not text.isdigit():
            self.errors.show(ValidationFailed(FieldProblem("height_cm", "Enter the height in whole centimetres, e.g. 178.")))
            return
        self.save(person.add_description, person.correct_description, person.DescriptionInput(
            self.described_on.date(), int(text) if text else None, self.build.currentText(), self.hair.text(),
            self.eyes.text(), self.notes.toPlainText()))


class MarkDialog(EntryDialog):
    def __init__(self, ctx: RecordContext, record: OffenderRecord, current: person.MarkView | None = None) -> None:
        super().__init__(ctx, record, current, what="a distinguishing mark",
                         hint="A scar, tattoo, birthmark or piercing, where it is on the body and what it looks like.")
        self.kind = _combo(MARK_KINDS)
        self.row("&Kind", "kind", self.kind)
        self.body_location = _line(120, "e.g. Left forearm, inside")
        self.row("&Where", "body_location", self.body_location)
        self.description = _text_box(56, "e.g. Anchor with the word MUM beneath, blue ink")
        self.row("&Description", "description", self.description)
        self.done_building()

    def fill(self, current: person.MarkView) -> None:
        select_data(self.kind, current.kind)
        self.body_location.setText(current.body_location)
        self.description.setPlainText(current.description)

    def submit(self) -> None:
        self.save(person.add_mark, person.correct_mark, person.MarkInput(
            combo_data(self.kind), self.body_location.text(), self.description.toPlainText()))


class VehicleDialog(EntryDialog):
    """A registration that fits no UK format is said under the field as it is typed, and asked
    about once before saving: it is saved as typed if the user says so."""

    def __init__(self, ctx: RecordContext, record: OffenderRecord, current: person.VehicleView | None = None) -> None:
        super().__init__(ctx, record, current, what="a vehicle",
                         hint="A vehicle the person owns, uses or keeps at home, and whether he or she notified it.")
        self._confirmed: str | None = None
        self.registration = _line(12, "e.g. AB12 CDE")
        self.registration.textChanged.connect(self._registration_changed)
        self.row("&Registration", "registration", self.registration)
        self.elsewhere_note("vehicle", self.registration, record.offender_id)
        self.warning = QLabel()
        self.warning.setObjectName("registrationWarning")
        self.warning.setStyleSheet(WARNING_STYLE)
        self.warning.setWordWrap(True)
        self.warning.setVisible(False)
        self.form.addRow("", self.warning)
        self.make = _line(40, "e.g. Ford")
        self.row("&Make", "make", self.make)
        self.model = _line(60, "e.g. Focus estate")
        self.row("M&odel", "model", self.model)
        self.colour = _line(30, "e.g. Dark blue")
        self.row("&Colour", "colour", self.colour)
        self.period_rows(notified=True)
        self.done_building()

    def fill(self, current: person.VehicleView) -> None:
        self.registration.setText(current.registration)
        self.make.setText(current.make or "")
        self.model.setText(current.model or "")
        self.colour.setText(current.colour or "")
        self.from_date.set_date(current.from_date)
        self.to_date.set_date(current.to_date)
        self.notified.setChecked(current.notified)

    def _registration_changed(self, text: str) -> None:
        warning = registration_warning(text)
        self.warning.setText(warning or "")
        self.warning.setVisible(bool(warning))
        self.fit()

    def submit(self) -> None:
        text = self.registration.text()
        warning = registration_warning(text)
        if warning and self.save_button.isEnabled() and self._confirmed != text:
            if not self._prompter.confirm("Check the registration", warning + "\n\nSave the registration as typed?",
                                          ok="Save as typed", cancel="Go back"):
                self.registration.setFocus()
                return
            self._confirmed = text  # asked once for this text: a save refused for another field is not asked again
        self.save(person.add_vehicle, person.correct_vehicle, person.VehicleInput(
            text, self.make.text(), self.model.text(), self.colour.text(), self.from_date.date(),
            self.to_date.date(), self.notified.isChecked()))


class OccupationDialog(EntryDialog):
    def __init__(self, ctx: RecordContext, record: OffenderRecord, current: person.OccupationView | None = None) -> None:
        super().__init__(ctx, record, current, what="employment or education",
                         hint="Where the person works, studies or volunteers, and since when.")
        self.kind = _combo(OCCUPATION_KINDS)
        self.row("&Kind", "kind", self.kind)
        self.organisation = _line(160, "Employer, school, college or organisation")
        self.row("&Organisation", "organisation", self.organisation)
        self.role = _line(120, "e.g. Forklift driver; Level 2 plumbing")
        self.row("&Role or course", "role", self.role)
        self.address = _text_box(56, "Where the person works or studies")
        self.row("&Address", "address", self.address)
        self.period_rows(notified=True)
        self.done_building()

    def fill(self, current: person.OccupationView) -> None:
        select_data(self.kind, current.kind)
        self.organisation.setText(current.organisation)
        self.role.setText(current.role or "")
        self.address.setPlainText(current.address or "")
        self.from_date.set_date(current.from_date)
        self.to_date.set_date(current.to_date)
        self.notified.setChecked(current.notified)

    def submit(self) -> None:
        self.save(person.add_occupation, person.correct_occupation, person.OccupationInput(
            combo_data(self.kind), self.organisation.text(), self.role.text(), self.address.toPlainText(),
            self.from_date.date(), self.to_date.date(), self.notified.isChecked()))


class IdentifierDialog(EntryDialog):
    def __init__(self, ctx: RecordContext, record: OffenderRecord, current: person.IdentifierView | None = None) -> None:
        super().__init__(ctx, record, current, what="an online identifier",
                         hint="An online account, e-mail address, gamer tag or other internet identifier, "
                              "declared by the person or found.")
        self.platform = _line(80, "e.g. Facebook, e-mail, Xbox Live")
        self.row("&Platform", "platform", self.platform)
        self.identifier = _line(240, "Username, handle or address, exactly as written")
        self.row("&Username or address", "identifier", self.identifier)
        self.elsewhere_note("online", self.identifier, record.offender_id)
        self.source = _combo(IDENTIFIER_SOURCES)
        self.row("&How known", "source", self.source)
        self.period_rows()
        self.done_building()

    def fill(self, current: person.IdentifierView) -> None:
        self.platform.setText(current.platform)
        self.identifier.setText(current.identifier)
        select_data(self.source, current.source)
        self.from_date.set_date(current.from_date)
        self.to_date.set_date(current.to_date)

    def submit(self) -> None:
        self.save(person.add_identifier, person.correct_identifier, person.IdentifierInput(
            self.platform.text(), self.identifier.text(), combo_data(self.source), self.from_date.date(),
            self.to_date.date()))
