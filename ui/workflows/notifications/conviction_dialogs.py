"""Convictions, sentences, and custody, hospital and time abroad (SOA 2003 s.80-s.82, s.83(6)):
the dialogs of the record's Convictions & requirement page."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import QCheckBox, QComboBox, QLineEdit, QPlainTextEdit, QWidget

from rso_manager.domain.notification_period import DisposalKind
from rso_manager.services import notifications as nt
from rso_manager.services.caseload import OffenderRecord
from rso_manager.services.unit_of_work import Actor, Services
from ui.kit.formatting import fmt_date
from ui.kit.forms import DateField, select_data
from ui.prompter import Prompter
from ui.worker import Worker
from ui.workflows.notifications.dialog_frame import NotificationDialog, choices
from ui.workflows.notifications.sentence_fields import DisposalRows
from ui.workflows.notifications.wording import CONVICTION_KIND_LABELS, PERIOD_LABELS, SOURCE_LABELS


class ConvictionDialog(NotificationDialog):
    """Record a conviction, finding or caution as learned from the court list, a custody record
    or a s.92 certificate; the service works out the notification requirement."""

    def __init__(self, services: Services, actor: Actor, worker: Worker, prompter: Prompter,
                 record: OffenderRecord, parent: QWidget | None = None) -> None:
        super().__init__(services, actor, worker, prompter, record, "Record a conviction, finding or caution",
                         "A Schedule 3 offence makes a relevant offender (s.80): the notification "
                         "requirement and the initial notification, due within 3 days, are worked out "
                         "from what you enter here. A threshold offence waits for the sentence.",
                         parent=parent)
        self.kind = self.row("&Kind", "kind", choices(CONVICTION_KIND_LABELS))
        self.convicted_on = self.row("Date of c&onviction", "convicted_on",
                                     DateField(calendar_start=services.clock.today))
        self.offence = QLineEdit()
        self.offence.setMaxLength(300)
        self.offence.setPlaceholderText("e.g. Sexual assault (s.3 SOA 2003)")
        self.row("O&ffence", "offence", self.offence)
        self.court = QLineEdit()
        self.court.setMaxLength(200)
        self.court.setPlaceholderText("e.g. Northam Crown Court (for a caution, the station)")
        self.row("&Court", "court", self.court)
        self.schedule3 = QCheckBox("Schedule 3 offence: the offender must notify (s.80)")
        self.schedule3.setChecked(True)
        self.row("Schedule &3", "schedule3", self.schedule3)
        self.threshold = QCheckBox("Only if the sentence meets the Schedule 3 threshold")
        self.threshold.setToolTip("Some Schedule 3 entries apply only above a sentence or age threshold; "
                                  "the requirement then shows \"depends on sentence\" until it is entered.")
        self.row("T&hreshold", "threshold_depends_on_sentence", self.threshold)
        self.disposal = DisposalRows(self, allow_unsentenced=True)
        self.source = self.row("Lea&rned from", "source", choices(SOURCE_LABELS, "Choose..."))
        self.learned_on = self.row("Learned o&n", "learned_on", DateField(calendar_start=services.clock.today))
        self.learned_on.set_date(services.clock.today())
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.finish()
        self.convicted_on.setFocus()

    def _kind_changed(self, *_args: object) -> None:
        caution = self.kind.currentData() == "caution"
        if caution and self.disposal.value() is None:
            select_data(self.disposal.disposal, DisposalKind.CAUTION.value)
        elif not caution and self.disposal.value() == DisposalKind.CAUTION.value:
            self.disposal.disposal.setCurrentIndex(0)

    def submit(self) -> None:
        terms, discharge = self.disposal.values()
        data = nt.ConvictionInput(
            kind=self.kind.currentData(), court=self.court.text(), convicted_on=self.convicted_on.date(),
            offence=self.offence.text(), schedule3=self.schedule3.isChecked(),
            threshold_depends_on_sentence=self.threshold.isChecked(), disposal=self.disposal.value(),
            sentence_terms=terms, discharge_months=discharge, source=self.source.currentData(),
            learned_on=self.learned_on.date())
        self.call(nt.record_conviction, self._services, self._actor, self.record.offender_id, data)

    def _failed(self, exc: BaseException) -> None:
        super()._failed(DisposalRows.fold(exc))


class SentenceDialog(NotificationDialog):
    """Enter (or correct) the sentence of one conviction: a correction, with its source."""

    def __init__(self, services: Services, actor: Actor, worker: Worker, prompter: Prompter,
                 record: OffenderRecord, conviction: nt.ConvictionView, parent: QWidget | None = None) -> None:
        title = "Correct the sentence" if conviction.disposal else "Enter the sentence"
        super().__init__(services, actor, worker, prompter, record, title,
                         f"{conviction.offence}, {CONVICTION_KIND_LABELS.get(conviction.kind, conviction.kind).lower()} "
                         f"of {fmt_date(conviction.convicted_on)}"
                         + (f" at {conviction.court}" if conviction.court else "")
                         + ". The notification requirement is worked out again from the sentence; "
                         "what the record said before is kept in History.", parent=parent)
        self.conviction = conviction
        self.disposal = DisposalRows(self, allow_unsentenced=False)
        if conviction.disposal:
            select_data(self.disposal.disposal, conviction.disposal)
            self.disposal.terms.set_terms(conviction.sentence_terms)
            self.disposal.discharge_months.setValue(conviction.discharge_months or 0)
        self.sentenced_on = self.row("&Sentenced on", "sentenced_on", DateField(calendar_start=services.clock.today))
        self.sentenced_on.set_date(conviction.sentenced_on or services.clock.today())
        self.reason = QPlainTextEdit()
        self.reason.setTabChangesFocus(True)
        self.reason.setFixedHeight(70)
        self.reason.setPlaceholderText("Where the sentence comes from, e.g. \"Court result, Northam Crown "
                                       "Court, 02/12/2026\"")
        self.row("&Reason", "reason", self.reason)
        self.finish()
        self.disposal.disposal.setFocus()

    def submit(self) -> None:
        terms, discharge = self.disposal.values()
        c = self.conviction
        self.call(nt.enter_sentence, self._services, self._actor, c.conviction_id, c.version_id,
                  self.disposal.value(), None, discharge, self.reason.toPlainText(),
                  sentenced_on=self.sentenced_on.date(), sentence_terms=terms)

    def _failed(self, exc: BaseException) -> None:
        super()._failed(DisposalRows.fold(exc))


class PeriodDialog(NotificationDialog):
    """Custody, hospital detention or time abroad: days that do not count (s.83(6), s.84(5))."""

    def __init__(self, services: Services, actor: Actor, worker: Worker, prompter: Prompter,
                 record: OffenderRecord, parent: QWidget | None = None) -> None:
        super().__init__(services, actor, worker, prompter, record, "Record custody, hospital or time abroad",
                         "Days in custody, in hospital or abroad do not count towards notification "
                         "deadlines. Leave the end empty while it continues, and record the release or "
                         "return when it happens: release is itself notifiable (s.84(1)(d)).", parent=parent)
        self.kind = self.row("&Kind", "kind", choices(PERIOD_LABELS))
        self.starts_on = self.row("&From", "starts_on", DateField(calendar_start=services.clock.today))
        self.ends_on = self.row("&Until (release or return)", "ends_on", DateField(calendar_start=services.clock.today))
        self.ends_on.edit.setPlaceholderText("Empty while it continues")
        self.finish()
        self.starts_on.setFocus()

    def submit(self) -> None:
        self.call(nt.record_disregarded_period, self._services, self._actor, self.record.offender_id,
                  self.kind.currentData(), self.starts_on.date(), self.ends_on.date())


class ReleaseDialog(NotificationDialog):
    """End an open custody, hospital or abroad period: release or return."""

    def __init__(self, services: Services, actor: Actor, worker: Worker, prompter: Prompter,
                 record: OffenderRecord, periods: Sequence[nt.PeriodView], parent: QWidget | None = None) -> None:
        super().__init__(services, actor, worker, prompter, record, "Record release or return",
                         "A release from custody or hospital is a change to notify within 3 days "
                         "(s.84(1)(d)); it also brings the next home visit forward.", parent=parent)
        self.period = QComboBox()
        for p in periods:
            self.period.addItem(f"{PERIOD_LABELS.get(p.kind, p.kind)} from {fmt_date(p.starts_on)}", p)
        self.row("&Period", "period_id", self.period)
        self.ends_on = self.row("&Released or returned on", "ends_on", DateField(calendar_start=services.clock.today))
        self.ends_on.set_date(services.clock.today())
        self.finish()
        self.ends_on.setFocus()

    def submit(self) -> None:
        p: nt.PeriodView | None = self.period.currentData()
        if p is None:
            self.errors.show_general("There is no custody, hospital or abroad period still open.")
            return
        self.call(nt.end_disregarded_period, self._services, self._actor, p.period_id, p.version_id,
                  self.ends_on.date())
