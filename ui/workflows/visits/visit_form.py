"""The visit form (issue 3: risk-led visit planning and recording).

The form starts from the right practice: unannounced, two trained officers, at the notified
home address, a home visit. Changing any of those shows a "Departures from good practice" box at
once; the service insists on a reason there and sends the visit to a supervisor. Every check and
message comes from rso_manager.services.visits; this module only collects and shows.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from PySide6.QtCore import Qt, QTime, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from rso_manager.clock import LONDON
from rso_manager.domain.safeguarding_response import children_named
from rso_manager.services.devices import DEVICE_KINDS, DeviceCheckInput, DeviceInput
from rso_manager.services.errors import FieldProblem, ValidationFailed
from rso_manager.services.unit_of_work import Actor, Services
from rso_manager.services.visits import (
    BookedVisit,
    VisitDefaults,
    VisitInput,
    departures_from_default,
    readable,
    record_visit,
    visit_defaults,
)
from ui.kit.dialogs import ServiceDialog
from ui.kit.forms import DateField, add_row, report_failure, set_invalid
from ui.kit.widgets import hint_label
from ui.prompter import Prompter
from ui.worker import Worker
from ui.workflows.visits.wording import (
    CHECK_RESULTS,
    KINDS,
    OUTCOMES,
    band_label,
    day_label,
    window_text,
)

LONE_VISIT = "None (lone visit)"

def _select(combo: QComboBox, value: object) -> None:
    index = combo.findData(value)
    combo.setCurrentIndex(index if index >= 0 else 0)


class WhenField(QWidget):
    """Date (DD/MM/YYYY or calendar) and time (24-hour, UK local) of something that happened."""

    changed = Signal()

    def __init__(self, today: Callable[[], date], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        self.date = DateField(calendar_start=today)
        self.time = QTimeEdit()
        self.time.setDisplayFormat("HH:mm")
        self.time.setAccessibleName("Time of the visit")
        self.time.setMinimumWidth(80)
        self.date.setMaximumWidth(240)
        layout.addWidget(self.date)
        layout.addWidget(QLabel("at"))
        layout.addWidget(self.time)
        layout.addStretch(1)
        self.date.changed.connect(self.changed)
        self.time.timeChanged.connect(lambda _t: self.changed.emit())
        self.setFocusProxy(self.date)

    def set_value(self, when: datetime) -> None:
        local = when.astimezone(LONDON)
        self.date.set_date(local.date())
        self.time.setTime(QTime(local.hour, local.minute))

    def value(self) -> datetime | None:
        day = self.date.date()
        if day is None:
            return None
        t = self.time.time()
        return datetime.combine(day, time(t.hour(), t.minute()), tzinfo=LONDON).astimezone(UTC)

    def setProperty(self, name: str, value: object) -> bool:  # noqa: N802 - Qt override
        if name == "invalid":
            self.date.setProperty("invalid", value)
            set_invalid(self.time, bool(value))
        return super().setProperty(name, value)


class OfficerPair(QWidget):
    """Two visiting officers from the team's trained officers; the second may be none."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        self.first = QComboBox()
        self.first.setAccessibleName("First officer")
        self.second = QComboBox()
        self.second.setAccessibleName("Second officer")
        for combo in (self.first, self.second):
            combo.setMinimumWidth(170)
            combo.currentIndexChanged.connect(lambda _i: self.changed.emit())
        layout.addWidget(self.first, 1)
        layout.addWidget(QLabel("and"))
        layout.addWidget(self.second, 1)
        self.setFocusProxy(self.first)

    def set_officers(self, officers: Sequence[tuple[int, str]], first: int | None, second: int | None,
                     extra_names: dict[int, str] | None = None) -> None:
        """Fill both lists; an officer already chosen elsewhere (e.g. on a booking) who is not in
        the team's list stays choosable, so nothing chosen silently disappears."""
        extra = dict(extra_names or {})
        for combo in (self.first, self.second):
            combo.blockSignals(True)
            combo.clear()
        self.second.addItem(LONE_VISIT, None)
        known = {uid for uid, _ in officers}
        choices = list(officers) + [(uid, name) for uid, name in extra.items() if uid not in known]
        for uid, name in choices:
            self.first.addItem(name, uid)
            self.second.addItem(name, uid)
        _select(self.first, first)
        _select(self.second, second)
        for combo in (self.first, self.second):
            combo.blockSignals(False)
        self.changed.emit()

    def ids(self) -> tuple[int, ...]:
        out = []
        for combo in (self.first, self.second):
            value = combo.currentData()
            if value is not None:
                out.append(int(value))
        return tuple(out)

    def setProperty(self, name: str, value: object) -> bool:  # noqa: N802 - Qt override
        if name == "invalid":
            set_invalid(self.first, bool(value))
            set_invalid(self.second, bool(value))
        return super().setProperty(name, value)


@dataclass
class _CheckRow:
    device_id: int
    label: str
    result: QComboBox
    outcome: QLineEdit


@dataclass
class _FoundRow:
    box: QWidget
    kind: QComboBox
    make_model: QLineEdit
    imei: QLineEdit
    removed: bool = False




class VisitForm(ServiceDialog):
    """Record a completed visit. Shown with open(); emits saved(VisitResult) and closes.

    Test seams: the field widgets are attributes; submit() presses "Record visit".
    """

    ready = Signal()  # the defaults (officers, devices, bookings) have arrived
    failure_title = "The visit was not recorded"

    def __init__(self, services: Services, actor: Actor, worker: Worker, prompter: Prompter, *,
                 offender_id: int, title: str, on_reload: Callable[[], None] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(services, actor, worker, prompter, title="Record a visit",
                         heading=f"Record a visit: {title}",
                         hint="The right practice is filled in: an unannounced home visit by two trained "
                              "officers at the notified home address. Change whatever was different; each "
                              "change needs a reason and goes to your supervisor.",
                         save_text="Record visit", on_reload=on_reload, min_width=720, parent=parent)
        self.offender_id = offender_id
        self.defaults: VisitDefaults | None = None
        self.check_rows: list[_CheckRow] = []
        self.found_rows: list[_FoundRow] = []
        self.resize(760, 800)
        self.window_label = hint_label("Loading the team's officers and the declared devices...")
        self.layout_.insertWidget(self.layout_.indexOf(self.hint) + 1, self.window_label)

        body = QWidget()
        body_layout = QVBoxLayout(body)
        body_layout.setContentsMargins(0, 0, 8, 0)
        body_layout.addWidget(self._build_visit_box())
        body_layout.addWidget(self._build_departures_box())
        body_layout.addWidget(self._build_child_concern_box())
        body_layout.addWidget(self._build_devices_box())
        body_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(body)
        self.scroll_area = scroll
        self.layout_.addWidget(scroll, 1)
        self.status = hint_label()
        self.layout_.addWidget(self.status)
        self.finish()
        self.save_button.setEnabled(False)  # until the officers and devices have arrived
        self.saved.connect(self._saved)

        now = services.clock.now().astimezone(LONDON)
        self.when.set_value(now.replace(minute=now.minute - now.minute % 5, second=0, microsecond=0))
        self._update_departures()
        self._update_location()
        worker.submit(visit_defaults, services, actor, offender_id, owner=self,
                      on_success=self.set_defaults, on_error=self._defaults_failed)

    # --- building ------------------------------------------------------------------------------

    def _build_visit_box(self) -> QGroupBox:
        box = QGroupBox("The visit")
        form = QFormLayout(box)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        self.booking = QComboBox()
        self.booking.addItem("Not a booked visit", None)
        self.booking.currentIndexChanged.connect(self._booking_chosen)
        self.booking_row = QLabel("&Booking")
        self.booking_row.setBuddy(self.booking)
        form.addRow(self.booking_row, self.errors.add("planned_visit_id", self.booking))
        self.booking_row.setVisible(False)
        self.booking.parentWidget().setVisible(False)

        self.when = WhenField(self._services.clock.today)
        add_row(form, "&When", self.errors, "visited_at", self.when)
        self.kind = QComboBox()
        for value, text in KINDS.items():
            self.kind.addItem(text, value)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        add_row(form, "&Kind", self.errors, "kind", self.kind)
        self.outcome = QComboBox()
        self.outcome.addItem("Choose the outcome...", None)
        for value, text in OUTCOMES.items():
            self.outcome.addItem(text, value)
        self.outcome.currentIndexChanged.connect(self._outcome_changed)
        add_row(form, "&Outcome", self.errors, "outcome", self.outcome)
        self.announced = QCheckBox("Announced: the offender was told of the visit in advance")
        self.announced.toggled.connect(self._update_departures)
        add_row(form, "", self.errors, "announced", self.announced)
        self.officers = OfficerPair()
        self.officers.changed.connect(self._update_departures)
        add_row(form, "O&fficers", self.errors, "officer_ids", self.officers)
        self.officer_note = hint_label("")
        self.officer_note.setVisible(False)
        form.addRow("", self.officer_note)
        self.at_home = QCheckBox("At the notified home address")
        self.at_home.setChecked(True)
        self.at_home.toggled.connect(self._update_location)
        self.at_home.toggled.connect(self._update_departures)
        add_row(form, "", self.errors, "at_home_address", self.at_home)
        # Where the officers are going, from the record: shown before they set off.
        self.address_label = hint_label("Loading the home address...")
        self.address_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        form.addRow("", self.address_label)
        self.location = QLineEdit()
        self.location.setMaxLength(200)
        add_row(form, "&Location", self.errors, "location", self.location)
        self.people_present = QLineEdit()
        self.people_present.setPlaceholderText("Everyone present besides the officers, e.g. partner, lodger, visitors")
        add_row(form, "&People present", self.errors, "people_present", self.people_present)
        self.notes = QPlainTextEdit()
        self.notes.setTabChangesFocus(True)
        self.notes.setPlaceholderText("What was seen and said; rooms entered; anything of concern")
        self.notes.setFixedHeight(90)
        add_row(form, "&Notes", self.errors, "notes", self.notes)
        return box

    def _build_departures_box(self) -> QGroupBox:
        box = self.departures_box = QGroupBox("Departures from good practice")
        box.setObjectName("departuresBox")
        box.setStyleSheet("QGroupBox#departuresBox { border: 1px solid #e0b252; background: #fff8e6;"
                          " border-radius: 4px; margin-top: 14px; padding: 8px 8px 6px 8px; }"
                          "QGroupBox#departuresBox::title { subcontrol-origin: margin; left: 8px;"
                          " padding: 0 4px; color: #7a4d00; font-weight: 600; }")
        layout = QVBoxLayout(box)
        self.departures_label = QLabel()
        self.departures_label.setTextFormat(Qt.TextFormat.PlainText)
        self.departures_label.setWordWrap(True)
        layout.addWidget(self.departures_label)
        layout.addWidget(hint_label("Say why. The visit goes to your supervisor for sign-off with your reason."))
        self.override_reason = QPlainTextEdit()
        self.override_reason.setTabChangesFocus(True)
        self.override_reason.setFixedHeight(64)
        self.override_reason.setAccessibleName("Reason for the departures")
        layout.addWidget(self.errors.add("override_reason", self.override_reason))
        return box

    def _build_child_concern_box(self) -> QGroupBox:
        """What was seen that raises a concern about a child opens a safeguarding response with the
        visit (issue 19): a referral, an s.327A decision and a check on each child named."""
        box = QGroupBox("Concern about a child")
        form = QFormLayout(box)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        self.child_concern = QCheckBox("The visit raised a concern about a child")
        self.child_concern.setToolTip("Opens a safeguarding response when the visit is saved: a referral to "
                                      "children's social care, an s.327A disclosure decision and a check on "
                                      "each child named")
        self.child_concern.setAccessibleName("The visit raised a concern about a child")
        self.child_concern.toggled.connect(self._child_concern_toggled)
        add_row(form, "", self.errors, "child_concern", self.child_concern)
        self.child_concern_seen = QPlainTextEdit()
        self.child_concern_seen.setTabChangesFocus(True)
        self.child_concern_seen.setFixedHeight(64)
        self.child_concern_seen.setPlaceholderText("What was seen or heard: who, where, what they said")
        self.child_concern_seen.setAccessibleName("What was seen that raises the concern")
        add_row(form, "What was &seen", self.errors, "child_concern_seen", self.child_concern_seen)
        self.child_names = QLineEdit()
        self.child_names.setMaxLength(400)
        self.child_names.setPlaceholderText("The children, separated by commas, e.g. girl about 6, Ben (4)")
        self.child_names.setAccessibleName("Children the concern is about")
        add_row(form, "C&hildren", self.errors, "children", self.child_names)
        self._child_concern_toggled(False)
        return box

    def _child_concern_toggled(self, on: bool) -> None:
        self.child_concern_seen.setEnabled(on)
        self.child_names.setEnabled(on)

    def _build_devices_box(self) -> QGroupBox:
        box = QGroupBox("Devices")
        layout = QVBoxLayout(box)
        self.devices_hint = hint_label("Loading the declared devices...")
        layout.addWidget(self.devices_hint)
        self.checks_grid = QGridLayout()
        self.checks_grid.setHorizontalSpacing(8)
        self.checks_grid.setColumnStretch(2, 1)
        layout.addLayout(self.checks_grid)
        self.checks_error = QWidget()
        layout.addWidget(self.errors.add("device_checks", self.checks_error))

        self.found_box = QVBoxLayout()
        layout.addLayout(self.found_box)
        self.found_warning = QLabel("A device found that was not declared is added to the record as "
                                    "found, and a breach is opened for it when the visit is saved.")
        self.found_warning.setWordWrap(True)
        self.found_warning.setStyleSheet("color: #b3261e; font-weight: 600;")
        self.found_warning.setVisible(False)
        layout.addWidget(self.found_warning)
        row = QHBoxLayout()
        self.add_found_button = QPushButton("Add a device found that was not declared")
        self.add_found_button.setAutoDefault(False)  # Enter saves the form, it does not add rows
        self.add_found_button.clicked.connect(lambda: self.add_found_device())
        row.addWidget(self.add_found_button)
        row.addStretch(1)
        layout.addLayout(row)
        return box

    # --- defaults ------------------------------------------------------------------------------

    def set_defaults(self, defaults: VisitDefaults) -> None:
        self.defaults = defaults
        w = defaults.window
        due = window_text(w.earliest, w.latest, defaults.days_overdue)
        self.window_label.setText(f"Next home visit: {due[0].lower()}{due[1:]} ({readable(w.reason)}).")
        if defaults.days_overdue:
            self.window_label.setStyleSheet("color: #b3261e; font-weight: 600;")
        if defaults.home_address:
            self.address_label.setText(f"Home address: {defaults.home_address}")
            self.address_label.setStyleSheet("")
        else:
            self.address_label.setText(
                "No current home address is recorded: find out where the offender lives and record it on "
                "Addresses. If you visited somewhere else, untick the box above and say where.")
            self.address_label.setStyleSheet("color: #b3261e; font-weight: 600;")
        self._update_location()
        self.officers.set_officers(defaults.officers, defaults.offender_manager_id, defaults.second_officer_id)
        # Why no second officer is proposed (only the supervisor who would sign it off is free).
        self.officer_note.setText(defaults.second_officer_note or "")
        self.officer_note.setVisible(bool(defaults.second_officer_note))
        if defaults.bookings:
            names = dict(defaults.officers)
            for b in defaults.bookings:
                who = ", ".join(names.get(i, f"officer {i}") for i in b.officer_ids)
                self.booking.addItem(f"Booked for {day_label(b.planned_on)}, {band_label(b.time_band).lower()}"
                                     + (f" ({who})" if who else ""), b)
            self.booking_row.setVisible(True)
            self.booking.parentWidget().setVisible(True)
            today = self._services.clock.today()
            due = next((b for b in defaults.bookings if b.planned_on <= today), None)
            if due is not None:  # the visit being recorded is most likely the one booked for today
                _select(self.booking, due.visit_id)
        for i, (device_id, label) in enumerate(defaults.devices):
            name = QLabel(label)
            name.setTextFormat(Qt.TextFormat.PlainText)
            name.setWordWrap(True)
            name.setMinimumWidth(230)
            result = QComboBox()
            result.addItem("Choose...", None)
            for value, text in CHECK_RESULTS.items():
                result.addItem(text, value)
            result.setAccessibleName(f"Check of {label}")
            outcome = QLineEdit()
            outcome.setPlaceholderText("What the check found: content, monitoring software, concerns")
            outcome.setAccessibleName(f"Outcome of the check of {label}")
            self.checks_grid.addWidget(name, i, 0, Qt.AlignmentFlag.AlignTop)
            self.checks_grid.addWidget(self.errors.add(f"device_checks[{i}].result", result), i, 1,
                                       Qt.AlignmentFlag.AlignTop)
            self.checks_grid.addWidget(self.errors.add(f"device_checks[{i}].outcome", outcome), i, 2,
                                       Qt.AlignmentFlag.AlignTop)
            self.check_rows.append(_CheckRow(device_id, label, result, outcome))
        self.devices_hint.setText(
            "Mark each declared device as checked, not seen or refused, and say what a check found."
            if defaults.devices else "No devices are declared on this record.")
        self._outcome_changed()
        self.save_button.setEnabled(True)
        self._initial = self.snapshot()
        self.ready.emit()

    def _defaults_failed(self, exc: BaseException) -> None:
        self.window_label.setText("The officers and devices could not be loaded. Close the form and try again.")
        report_failure(self._prompter, exc, title="The visit form could not be filled")

    def _booking_chosen(self) -> None:
        booking = self.booking.currentData()
        if booking is None or self.defaults is None:
            return
        ids = list(booking.officer_ids) + [None, None]
        self.officers.set_officers(self.defaults.officers, ids[0], ids[1])

    # --- live behaviour ------------------------------------------------------------------------

    def _kind_changed(self) -> None:
        self._update_location()
        self._update_departures()

    def _update_location(self) -> None:
        office = self.kind.currentData() == "office"
        self.at_home.setEnabled(not office)
        at_home = self.at_home.isChecked() and not office
        self.location.setEnabled(not at_home)
        home = self.defaults.home_address if self.defaults is not None else None
        self.location.setPlaceholderText(
            (home or "The notified home address") if at_home else
            "Which office or police station" if office else "Where the visit took place")

    def _outcome_changed(self) -> None:
        # Devices cannot be looked at without getting in: rows nobody has marked default to
        # "not seen" when entry was not gained (the user can still change them).
        outcome = self.outcome.currentData()
        if outcome is not None and outcome != "seen":
            for row in self.check_rows:
                if row.result.currentData() is None:
                    _select(row.result, "not_seen")

    def departures(self) -> list[str]:
        return departures_from_default(self.visit_input())

    def _update_departures(self) -> None:
        found = self.departures()
        self.departures_box.setVisible(bool(found))
        self.departures_label.setText("This visit departs from the default:\n" +
                                      "\n".join(f"  \u2022 {d[0].upper()}{d[1:]}" for d in found))

    def add_found_device(self, kind: str = "phone", make_model: str = "", imei: str = "") -> _FoundRow:
        i = len(self.found_rows)
        box = QFrame()
        box.setObjectName("foundDevice")
        box.setStyleSheet("QFrame#foundDevice { border: 1px solid #e3a7a2; background: #fff6f5;"
                          " border-radius: 4px; }")
        grid = QGridLayout(box)
        grid.setContentsMargins(8, 6, 8, 6)
        kind_box = QComboBox()
        for value in DEVICE_KINDS:
            kind_box.addItem(value.title(), value)
        _select(kind_box, kind)
        model = QLineEdit(make_model)
        model.setPlaceholderText("Make and model, e.g. Unbranded smartphone")
        imei_edit = QLineEdit(imei)
        imei_edit.setPlaceholderText("15 digits, if readable")
        imei_edit.setMaxLength(20)
        remove = QPushButton("Remove")
        remove.setToolTip("Take this row off; nothing is recorded for it")
        remove.setAutoDefault(False)
        grid.addWidget(QLabel("Kind"), 0, 0)
        grid.addWidget(QLabel("Make / model"), 0, 1)
        grid.addWidget(QLabel("IMEI"), 0, 2)
        grid.addWidget(self.errors.add(f"found_devices[{i}].kind", kind_box), 1, 0, Qt.AlignmentFlag.AlignTop)
        grid.addWidget(self.errors.add(f"found_devices[{i}].make_model", model), 1, 1, Qt.AlignmentFlag.AlignTop)
        grid.addWidget(self.errors.add(f"found_devices[{i}].imei", imei_edit), 1, 2, Qt.AlignmentFlag.AlignTop)
        grid.addWidget(remove, 1, 3, Qt.AlignmentFlag.AlignTop)
        grid.setColumnStretch(1, 2)
        grid.setColumnStretch(2, 1)
        row = _FoundRow(box, kind_box, model, imei_edit)
        remove.clicked.connect(lambda: self._remove_found(row))
        self.found_rows.append(row)
        self.found_box.addWidget(box)
        self.found_warning.setVisible(True)
        model.setFocus()
        return row

    def _remove_found(self, row: _FoundRow) -> None:
        # Rows keep their place (and their error lines' names); a removed one is only hidden.
        row.removed = True
        row.box.setVisible(False)
        self.found_warning.setVisible(any(not r.removed for r in self.found_rows))

    # --- reading and saving --------------------------------------------------------------------

    def visit_input(self) -> VisitInput:
        kind = self.kind.currentData() or "home"
        at_home = self.at_home.isChecked() and kind == "home"
        checks = tuple(DeviceCheckInput(r.device_id, r.result.currentData() or "",
                                        r.outcome.text().strip() or None) for r in self.check_rows)
        found = tuple(DeviceInput(kind=r.kind.currentData() or "other", make_model=r.make_model.text() or None,
                                  imei=r.imei.text() or None) for r in self.found_rows if not r.removed)
        booking: BookedVisit | None = self.booking.currentData()
        concern = self.child_concern.isChecked()
        return VisitInput(
            offender_id=self.offender_id, visited_at=self.when.value(), outcome=self.outcome.currentData(),
            kind=kind, announced=self.announced.isChecked(), officer_ids=self.officers.ids(),
            at_home_address=at_home, location=None if at_home else (self.location.text().strip() or None),
            override_reason=self.override_reason.toPlainText(), people_present=self.people_present.text() or None,
            notes=self.notes.toPlainText() or None, device_checks=checks, found_devices=found,
            planned_visit_id=booking.visit_id if booking else None,
            planned_visit_version=booking.version_id if booking else None,
            child_concern=concern, child_concern_seen=self.child_concern_seen.toPlainText() if concern else None,
            children=children_named(self.child_names.text()) if concern else ())

    _initial: object = None
    discard_question = ("Discard this visit?",
                        "The visit has not been recorded. Close the form and lose what you entered?", "Discard")

    def snapshot(self) -> tuple:
        return (self.visit_input(), self.when.date.text())

    def is_dirty(self) -> bool:
        return self._initial is not None and self.snapshot() != self._initial

    def submit(self) -> None:
        if self.defaults is None:
            return
        # Only the rows shown are sent; hidden (removed) rows keep their index for the messages.
        self._found_index = [i for i, r in enumerate(self.found_rows) if not r.removed]
        if self.call(record_visit, self._services, self._actor, self.visit_input()):
            self.status.setText("Saving...")

    _found_index: list[int] = []

    def _saved(self, _result: object) -> None:
        self.status.clear()
        self._initial = self.snapshot()

    def _failed(self, exc: BaseException) -> None:
        self.status.clear()
        if isinstance(exc, ValidationFailed):
            exc = _renumber_found(exc, self._found_index)
        super()._failed(exc)
        if isinstance(exc, ValidationFailed):
            self._scroll_to_first_error()

    def _scroll_to_first_error(self) -> None:
        focus = self.focusWidget()
        if focus is not None and self.scroll_area.widget().isAncestorOf(focus):
            self.scroll_area.ensureWidgetVisible(focus, 40, 60)



def _renumber_found(exc: ValidationFailed, shown: list[int]) -> ValidationFailed:
    """The service numbers found devices as sent; the form numbers its rows, removed ones too."""
    problems = []
    for p in exc.problems:
        if p.field.startswith("found_devices["):
            sent = int(p.field[len("found_devices["):p.field.index("]")])
            if sent < len(shown):
                p = FieldProblem(f"found_devices[{shown[sent]}]{p.field[p.field.index(']') + 1:]}", p.message)
        problems.append(p)
    return ValidationFailed(problems)

