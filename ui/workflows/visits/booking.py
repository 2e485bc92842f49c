"""Booking a home visit, or moving a booked one (issue 3): date, time band, officers. Inside
the due window it just books; outside it the service asks for a reason, shown under the box."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLabel, QPlainTextEdit, QWidget

from rso_manager.services.unit_of_work import Actor, Services
from rso_manager.services.visits import book_visit, readable, rebook_visit
from ui.kit.dialogs import ServiceDialog
from ui.kit.forms import DateField, select_data
from ui.prompter import Prompter
from ui.worker import Worker
from ui.workflows.visits.visit_form import OfficerPair
from ui.workflows.visits.wording import BANDS, band_label, window_text


class BookDialog(ServiceDialog):
    """Book (VISIT_ID None) or rebook a visit; `saved` carries the visit id."""

    failure_title = "The visit was not booked"

    def __init__(self, services: Services, actor: Actor, worker: Worker, prompter: Prompter, *,
                 offender_id: int, title: str, earliest: date | None, latest: date | None,
                 days_overdue: int = 0, window_reason: str = "", on: date | None = None,
                 time_band: str | None = None, officer_ids: Sequence[int] = (),
                 officers: Sequence[tuple[int, str]] = (), officer_names: Sequence[str] = (),
                 time_bands: Sequence[tuple[str, str]] = (), visit_id: int | None = None,
                 version_id: int | None = None, catch_up_by: date | None = None,
                 on_reload: Callable[[], None] | None = None, parent: QWidget | None = None) -> None:
        rebook = visit_id is not None
        due = window_text(earliest, latest, days_overdue)
        rule = (f" Book it by {catch_up_by:%d/%m/%Y} to catch up; a later date needs a reason and goes to your "
                "supervisor." if catch_up_by else " A date outside the window needs a reason and goes to your supervisor.")
        why = f" ({readable(window_reason)})." if window_reason and window_reason != "booked" else "."
        super().__init__(services, actor, worker, prompter, title="Rebook a visit" if rebook else "Book a visit",
                         heading=f"{'Rebook the visit to' if rebook else 'Book a home visit to'} {title}",
                         hint=due + why + rule, save_text="Rebook" if rebook else "Book",
                         on_reload=on_reload, min_width=540, parent=parent)
        self.offender_id, self.visit_id, self.version_id = offender_id, visit_id, version_id
        self._fixed_officers = tuple(officer_ids) if not officers else None
        self.on = DateField(calendar_start=services.clock.today)
        self.on.set_date(on or services.clock.today())
        self.row("&Date", "on", self.on)
        self.band = QComboBox()
        hours = dict(time_bands)
        for value in BANDS:
            self.band.addItem(band_label(value, hours), value)
        select_data(self.band, time_band or "evening")
        self.row("&Time of day", "time_band", self.band)
        if officers:
            self.officers: OfficerPair | None = OfficerPair()
            ids = list(officer_ids) + [None, None]
            self.officers.set_officers(officers, ids[0], ids[1])
            self.row("O&fficers", "officer_ids", self.officers)
        else:
            self.officers = None
            names = QLabel(" and ".join(officer_names) or "No officers proposed")
            names.setTextFormat(Qt.TextFormat.PlainText)
            self.row("Officers", "officer_ids", names)
        self.reason = QPlainTextEdit()
        self.reason.setTabChangesFocus(True)
        self.reason.setFixedHeight(64)
        self.reason.setPlaceholderText("Only needed for a date later than catching up" if catch_up_by else
                                       "Only needed for a date outside the due window")
        self.row("&Reason", "reason", self.reason)
        self.finish()
        self.on.setFocus()

    def officer_ids(self) -> tuple[int, ...]:
        return self.officers.ids() if self.officers is not None else tuple(self._fixed_officers or ())

    def submit(self) -> None:
        # The date as typed (None: empty or not a date) goes to the service, which says what it needs.
        fields = dict(on=self.on.date(), time_band=self.band.currentData(), officer_ids=self.officer_ids(),
                      reason=self.reason.toPlainText())
        if self.visit_id is None:
            self.call(book_visit, self._services, self._actor, self.offender_id, **fields)
        else:
            self.call(rebook_visit, self._services, self._actor, self.visit_id, self.version_id, **fields)
