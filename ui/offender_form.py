"""Create an offender record, or correct its personal details.

The service validates; the form marks each field the service names (red border, message under
it) and keeps everything typed. A correction asks for a reason, and the old values stay in the
record's history. A save against a record someone else changed offers to reload it.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from rso_manager.services.caseload import (
    OffenderDraft,
    OffenderRecord,
    correct_offender,
    create_offender,
    reload_record,
)
from rso_manager.services.errors import ConcurrentEditError, ValidationFailed
from rso_manager.services.unit_of_work import Actor, Services
from ui.kit.dialogs import ServiceDialog
from ui.kit.formatting import GENDERS, gender_label
from ui.kit.forms import DateField, report_failure
from ui.lookups import Lookups, load_lookups
from ui.prompter import Prompter
from ui.worker import Worker

MAPPA_CATEGORIES = {1: "1 - Registered sexual offender", 2: "2 - Violent offender",
                    3: "3 - Other dangerous offender"}
MAPPA_LEVELS = {1: "1 - Ordinary agency management", 2: "2 - Active multi-agency management",
                3: "3 - Active multi-agency management (senior)"}


def _combo_select(combo: QComboBox, value: object) -> None:
    index = combo.findData(value)
    combo.setCurrentIndex(index if index >= 0 else 0)


class OffenderForm(ServiceDialog):
    """Shown with open(). Emits saved(OffenderRecord) after a successful create or correction.

    Test seams: the field widgets are attributes; save() presses Save.
    """

    reloaded = Signal(object)

    def __init__(self, services: Services, actor: Actor, worker: Worker, prompter: Prompter, *,
                 lookups: Lookups | None = None, record: OffenderRecord | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(
            services, actor, worker, prompter,
            title="Correct personal details" if record else "New offender record",
            heading=(f"Correct the personal details of {record.name} ({record.reference})"
                     if record else "New offender record"),
            hint=("You will be asked for the reason. The values before your correction stay "
                  "in the record's History tab." if record else
                  "A reference number is given when the record is saved."),
            save_text="Save correction..." if record else "Create record", parent=parent)
        self.record = record
        self._reason = ""
        self._saving = False
        self.setMinimumWidth(560)
        self.saved.connect(self._saved)  # before the caller's slots: they see the saved record

        form = self.form
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.surname = QLineEdit()
        self.surname.setMaxLength(80)
        self.row("&Surname", "surname", self.surname)
        self.forenames = QLineEdit()
        self.forenames.setMaxLength(120)
        self.row("&Forenames", "forenames", self.forenames)
        self.date_of_birth = DateField(calendar_start=services.clock.today)
        self.row("Date of &birth", "date_of_birth", self.date_of_birth)
        self.gender = QComboBox()
        self.gender.addItem("Not recorded", None)
        for code, label in GENDERS.items():
            self.gender.addItem(label, code)
        self.row("&Gender", "gender", self.gender)
        self.pnc_id = QLineEdit()
        self.pnc_id.setMaxLength(20)
        self.pnc_id.setPlaceholderText("e.g. 2001/0123456A")
        self.row("&PNC ID", "pnc_id", self.pnc_id)
        self.identifying_marks = QPlainTextEdit()
        self.identifying_marks.setTabChangesFocus(True)
        self.identifying_marks.setPlaceholderText("Scars, marks, tattoos: where on the body and what they look like")
        self.identifying_marks.setFixedHeight(80)
        self.row("&Identifying marks", "identifying_marks", self.identifying_marks)
        self.offender_manager = QComboBox()
        self.offender_manager.addItem("Loading...", None)
        self.offender_manager.currentIndexChanged.connect(self._manager_changed)
        self.row("Offender &manager", "offender_manager_id", self.offender_manager)
        self.team = QComboBox()
        self.team.addItem("No team", None)
        self.row("&Team", "team_id", self.team)
        self.mappa_category = QComboBox()
        for value, text in MAPPA_CATEGORIES.items():
            self.mappa_category.addItem(text, value)
        self.row("MAPPA &category", "mappa_category", self.mappa_category)
        self.mappa_level = QComboBox()
        for value, text in MAPPA_LEVELS.items():
            self.mappa_level.addItem(text, value)
        self.row("MAPPA &level", "mappa_level", self.mappa_level)

        self.status = QLabel()
        self.status.setObjectName("hint")
        self.layout_.addWidget(self.status)
        self.finish()

        self._lookups_ready = False
        self._fill(record.details if record else OffenderDraft(
            offender_manager_id=actor.user_id, team_id=actor.team_id))
        if lookups is not None:
            self.set_lookups(lookups)
        else:
            self.save_button.setEnabled(False)
            worker.submit(load_lookups, services, actor, owner=self, on_success=self.set_lookups,
                          on_error=lambda e: report_failure(prompter, e, title="The people and teams "
                                                            "could not be loaded"))
        self._initial = self.draft()
        self.surname.setFocus()

    # --- filling and reading --------------------------------------------------------------------

    def set_lookups(self, lookups: Lookups) -> None:
        manager_id = self._pending_manager
        team_id = self._pending_team
        self.offender_manager.blockSignals(True)
        self.offender_manager.clear()
        self.offender_manager.addItem("Choose the offender manager...", None)
        for user in lookups.case_managers():
            self.offender_manager.addItem(
                f"{user.display_name} ({user.team_name})" if user.team_name else user.display_name, user.id)
        if manager_id is not None and self.offender_manager.findData(manager_id) < 0:
            # Keep a current manager who has since lost case-holding rights visible, not blank.
            name = lookups.names().users.get(manager_id, f"user {manager_id}")
            self.offender_manager.addItem(f"{name} (no longer holds cases)", manager_id)
        _combo_select(self.offender_manager, manager_id)
        self.offender_manager.blockSignals(False)
        self.team.clear()
        self.team.addItem("No team", None)
        for team in lookups.teams:
            self.team.addItem(team.name, team.id)
        _combo_select(self.team, team_id)
        self._lookups = lookups
        self._lookups_ready = True
        self.save_button.setEnabled(not self._saving)
        if self.record is None or self._initial is None:
            self._initial = self.draft()

    _lookups: Lookups = Lookups()
    _initial: OffenderDraft | None = None
    _pending_manager: int | None = None
    _pending_team: int | None = None

    def _fill(self, d: OffenderDraft) -> None:
        self.surname.setText(d.surname)
        self.forenames.setText(d.forenames)
        self.date_of_birth.set_date(d.date_of_birth)
        if d.gender and self.gender.findData(d.gender) < 0:
            self.gender.addItem(gender_label(d.gender), d.gender)  # an older value stays choosable
        _combo_select(self.gender, d.gender)
        self.pnc_id.setText(d.pnc_id or "")
        self.identifying_marks.setPlainText(d.identifying_marks or "")
        self._pending_manager, self._pending_team = d.offender_manager_id, d.team_id
        if self._lookups_ready:
            self.offender_manager.blockSignals(True)
            _combo_select(self.offender_manager, d.offender_manager_id)
            self.offender_manager.blockSignals(False)
            _combo_select(self.team, d.team_id)
        _combo_select(self.mappa_category, d.mappa_category)
        _combo_select(self.mappa_level, d.mappa_level)

    def _manager_changed(self) -> None:
        # Convenience only: a new manager's team is the likely team; the user can change it.
        user_id = self.offender_manager.currentData()
        user = next((u for u in self._lookups.users if u.id == user_id), None)
        if user is not None and user.team_id is not None:
            _combo_select(self.team, user.team_id)

    def draft(self) -> OffenderDraft:
        # An unreadable date goes to the service as "not set", whose message says what it needs;
        # the typed text stays in the field.
        manager = self.offender_manager.currentData() if self._lookups_ready else self._pending_manager
        team = self.team.currentData() if self._lookups_ready else self._pending_team
        return OffenderDraft(
            surname=self.surname.text(), forenames=self.forenames.text(),
            date_of_birth=self.date_of_birth.date(), gender=self.gender.currentData(),
            pnc_id=self.pnc_id.text() or None,
            identifying_marks=self.identifying_marks.toPlainText() or None,
            offender_manager_id=manager, team_id=team,
            mappa_category=self.mappa_category.currentData(), mappa_level=self.mappa_level.currentData(),
        )

    def is_dirty(self) -> bool:
        if self._initial is None:
            return False
        return self.draft() != self._initial or self.date_of_birth.text() != \
            (self._initial.date_of_birth.strftime("%d/%m/%Y") if self._initial.date_of_birth else "")

    # --- saving ---------------------------------------------------------------------------------

    def submit(self) -> None:
        self.save()

    def save(self) -> None:
        if self._saving or not self._lookups_ready:
            return
        draft = self.draft()
        if self.record is None:
            self._start(create_offender, self._services, self._actor, draft)
            return
        if not self.is_dirty():
            # Not worth a reason prompt: say so where the user is looking.
            self.errors.clear()
            self.errors.show_general("Nothing has changed yet. Edit a field, then save the correction.")
            return
        self._ask_reason_and_save(draft, problem=None)

    def _ask_reason_and_save(self, draft: OffenderDraft, problem: str | None) -> None:
        reason = self._prompter.ask_reason(
            "Reason for the correction",
            "Say why these details are being corrected. The reason and the values before your "
            "correction are kept in the record's history.",
            text=self._reason, problem=problem)
        if reason is None:
            return
        self._reason = reason
        assert self.record is not None
        self._start(correct_offender, self._services, self._actor, self.record.offender_id,
                    self.record.version_id, draft, reason)

    def _start(self, fn, *args) -> None:
        self.status.setText("Saving...")
        self._saving = self.call(fn, *args)
        if not self._saving:
            self.status.clear()

    def _saved(self, record: OffenderRecord) -> None:
        self._saving = False
        self.status.clear()
        self.errors.clear()
        self.record = record
        self._initial = self.draft()

    def _failed(self, exc: BaseException) -> None:
        # What differs from ServiceDialog: a refused reason is asked again, a stale save offers
        # to reload the record, and the message names the record.
        self._saving = False
        self.status.clear()
        self.save_button.setEnabled(True)
        if isinstance(exc, ValidationFailed) and self.record is not None:
            reason_problem = exc.for_field("reason")
            others = [p for p in exc.problems if p.field != "reason"]
            if others:
                self.errors.show(ValidationFailed(others))
                if reason_problem:  # asked again on the next save, with the text kept
                    self.errors.show_general(reason_problem)
                return
            self.errors.clear()
            self._ask_reason_and_save(self.draft(), problem=reason_problem)
            return
        if isinstance(exc, ConcurrentEditError):
            self.errors.clear()
        report_failure(self._prompter, exc, title="The record was not saved", errors=self.errors,
                       on_reload=self.reload)
        self.fit()

    def reload(self) -> None:
        """Fetch the record as it is now (someone else's change), replacing what is in the form."""
        assert self.record is not None
        self.status.setText("Reloading...")
        self._worker.submit(reload_record, self._services, self._actor, self.record.offender_id,
                            owner=self, on_success=self._reloaded,
                            on_error=lambda e: report_failure(self._prompter, e, title="Reload failed"))

    def _reloaded(self, record: OffenderRecord) -> None:
        self.status.clear()
        self.record = record
        self._fill(record.details)
        self._initial = self.draft()
        self.reloaded.emit(record)

    def reject(self) -> None:
        if self._saving:
            return  # a save is in flight; its result decides what happens
        super().reject()
