"""The record's "Notifications" page (issue 4): the requirement and next due date, what is due
and overdue, what was taken (late ones flagged), stays at unnotified premises, and the s.87
"Take a notification" dialog. A late notification opens a breach (the service does it) and the
user is taken straight to the breach decision, on the Breaches page."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from PySide6.QtCore import QStandardPaths, Qt
from PySide6.QtGui import QAction, QColor, QKeySequence
from PySide6.QtWidgets import QHeaderView, QSplitter, QVBoxLayout, QWidget

from rso_manager.services import notifications as nt
from rso_manager.services.unit_of_work import Actor, Services
from ui.extensions import record_page
from ui.kit.detail_pane import history_fields, history_of, split
from ui.kit.formatting import fmt_date, fmt_datetime
from ui.kit.forms import RED
from ui.kit.printing import AskPrinter, Opener, ask_printer, open_in_viewer, print_saved_pdf
from ui.kit.record_page import RecordContext, SectionSpec
from ui.kit.register_page import RegisterPage
from ui.kit.tables import Column, ListPanel, sorted_list_view
from ui.kit.widgets import AMBER, selected_row
from ui.workflows.notifications.detail import (
    NotificationPane,
    pending_fields,
    taken_fields,
    taken_warnings,
)
from ui.workflows.notifications.event_dialogs import EventDialog, StayDialog
from ui.workflows.notifications.page_parts import (
    StyledRows,
    caption,
    fit_columns,
    fit_rows,
    heading_row,
    panel,
    set_overdue,
    value,
)
from ui.workflows.notifications.take_notification import TakeNotificationDialog
from ui.workflows.notifications.wording import (
    by_relevance,
    pending_status,
    plural,
    requirement_text,
    uk_dates,
)

TAKE_SHORTCUT = "Ctrl+Shift+N"


def documents_folder() -> Path:
    docs = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(docs) / "RSO Manager" if docs else Path(tempfile.gettempdir()) / "rso-manager"





def _pending_style(p: nt.PendingNotification, column: int) -> tuple[QColor | None, bool]:
    if p.overdue and column in (2, 3):
        return RED, True
    if p.due_soon and column == 3:
        return AMBER, True
    return None, False


def _biometrics(t: nt.TakenRow) -> str:
    refused = [w for w, v in (("fingerprints", t.fingerprints_taken), ("photographs", t.photographs_taken))
               if v is False]
    if refused:
        return "REFUSED " + " and ".join(refused)
    return "Taken" if t.fingerprints_taken or t.photographs_taken else ""


def _taken_style(t: nt.TakenRow, column: int) -> tuple[QColor | None, bool]:
    if (column == 5 and t.late) or (column == 6 and "REFUSED" in _biometrics(t)):
        return RED, True
    return None, False


class NotificationsTab(RegisterPage):
    def __init__(self, ctx: RecordContext, spec: SectionSpec) -> None:
        super().__init__(ctx, spec, "Notifications the offender must give in person at a designated police "
                         "station (s.83-s.87): what is due, what was given, and stays that count towards "
                         "a qualifying period. A late notification opens a breach.")
        self.view_data: nt.NotificationsView | None = None
        self.stations: list[nt.StationView] = []
        # The user's answers in the system's windows, which tests give instead.
        self.opener: Opener = open_in_viewer
        self.ask_printer: AskPrinter = ask_printer
        self.ack_folder: Path | None = None  # default: Documents/RSO Manager
        self.breach_dialog: Any = None  # the breach decision opened after a late notification
        self.take_button = self.add_button_for("&Take a notification...", self.open_take,
                                               tip=f"Record a notification given at a station ({TAKE_SHORTCUT})")
        self.take_button.setDefault(True)
        self.event_button = self.add_button_for("Record an e&vent...", self.open_event,
                                                tip="A change of name or address, travel, a household stay...")
        self.stay_button = self.add_button_for("Record a &stay at other premises...", self.open_stay)
        self.print_button = self.writer_button("&Print acknowledgement...", self.print_selected,
                                              tip="The written acknowledgement (s.87(3)) of the selected "
                                                  "notification: saved as a PDF, then printed on a "
                                                  "printer you choose")
        self.take_action = QAction("Take a notification...", ctx.window)
        self.take_action.setShortcut(QKeySequence(TAKE_SHORTCUT))
        self.take_action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.take_action.triggered.connect(self._take_from_anywhere)
        if self.can_write:
            ctx.window.addAction(self.take_action)

        self.panel, grid = panel()
        grid.addWidget(caption("Notification requirement"), 0, 0)
        grid.addWidget(caption("Next notification due"), 0, 1)
        grid.addWidget(caption("Waiting to be given"), 0, 2)
        self.requirement_value = value("None recorded")
        self.next_due_value = value("Nothing due")
        self.waiting_value = value()
        grid.addWidget(self.requirement_value, 1, 0)
        grid.addWidget(self.next_due_value, 1, 1)
        grid.addWidget(self.waiting_value, 1, 2)
        for col, stretch in enumerate((2, 1, 1)):
            grid.setColumnStretch(col, stretch)
        self.content = self.page_layout()
        self.content.addWidget(self.panel)

        self.pending_model = StyledRows([
            Column("Notification", lambda p: p.label, tooltip=lambda p: p.label),
            Column("Event", lambda p: fmt_date(p.event_on), lambda p: p.event_on.toordinal() if p.event_on else 0),
            Column("Due by", lambda p: fmt_date(p.due_on, "After release"),
                   lambda p: p.due_on.toordinal() if p.due_on else 10**7),
            Column("Status", pending_status, lambda p: (-p.days_overdue, p.due_on.toordinal() if p.due_on else 10**7)),
        ], _pending_style, self)
        self.pending_view = sorted_list_view(self.pending_model)
        header = self.pending_view.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for col in (1, 2, 3):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        self.pending_view.doubleClicked.connect(lambda _i: self.open_take())
        self.pending_stack = ListPanel(self.pending_view, "Nothing waiting to be notified. A change the offender "
                                       "must notify is added here when it is recorded (Record an event...).")
        self.pending_empty = self.pending_stack.empty

        self.taken_model = StyledRows([
            Column("Given", lambda t: fmt_datetime(t.notified_at), lambda t: t.notified_at.timestamp()),
            Column("Notification", lambda t: t.label, tooltip=lambda t: t.label),
            Column("Station", lambda t: t.station or "", tooltip=lambda t: t.station),
            Column("Taken by", lambda t: t.taken_by or ""),
            Column("Due by", lambda t: fmt_date(t.due_on), lambda t: t.due_on.toordinal() if t.due_on else 0),
            Column("On time", lambda t: "LATE" if t.late else "On time"),
            Column("Biometrics", _biometrics, tooltip=lambda t: "Fingerprints and photographs (s.87(4))"),
        ], _taken_style, self)
        self.taken_view = sorted_list_view(self.taken_model)
        fit_columns(self.taken_view, stretch=1, widths={2: 22})
        self.taken_stack = ListPanel(self.taken_view, "No notification given yet. When the offender attends a "
                                     f"station, record it with Take a notification ({TAKE_SHORTCUT}).")
        self.taken_empty = self.taken_stack.empty

        self.stays_model = StyledRows([
            Column("Premises not notified", lambda c: c.address, tooltip=lambda c: c.address),
            Column("Days in the last 12 months", lambda c: f"{c.days_in_last_12_months} of 7",
                   lambda c: c.days_in_last_12_months),
            Column("Qualifying period (s.84(6))", lambda c: f"REACHED {fmt_date(c.reached_on)}: notify"
                   if c.flagged else "Not reached"),
        ], lambda c, col: (RED, True) if c.flagged and col in (1, 2) else (None, False), self)
        self.stays_view = sorted_list_view(self.stays_model)
        header = self.stays_view.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)

        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.setChildrenCollapsible(False)
        boxes = []
        for heading, widget in ((heading_row("Due and overdue")[0], self.pending_stack),
                                (heading_row("Taken", self.print_button)[0], self.taken_stack)):
            box = QWidget()
            layout = QVBoxLayout(box)
            layout.setContentsMargins(0, 0, 0, 0)
            layout.setSpacing(2)
            layout.addWidget(heading)
            layout.addWidget(widget, 1)
            boxes.append(box)
        # The notification selected (due or taken) in full beside the due list, which has the
        # fewest columns; the taken list keeps the whole width.
        self.detail_pane = NotificationPane()
        top = split(boxes[0], self.detail_pane)
        splitter.addWidget(top)
        splitter.addWidget(boxes[1])
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        self.content.addWidget(splitter, 1)
        self.stays_box = QWidget()
        layout = QVBoxLayout(self.stays_box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(heading_row("Stays at premises not notified (7 days in 12 months must be notified)")[0])
        layout.addWidget(self.stays_view)
        self.content.addWidget(self.stays_box)
        self.stays_box.setVisible(False)
        self.one_selection(self.pending_view, self.taken_view)
        self._selection_changed()

    def fetch(self, services: Services, actor: Actor, offender_id: int) -> Any:  # runs on the worker
        return nt.notifications_for(services, actor, offender_id), nt.list_stations(services)

    def show_details(self, data: Any) -> None:
        view, stations = data
        self.view_data, self.stations = view, list(stations)
        reqs = [r for r in by_relevance(view.requirements) if r.in_force]
        if not view.requirements:
            self.requirement_value.setText("None recorded: record the conviction first")
        elif not reqs:
            ended = max(r.ends_on for r in view.requirements if r.ends_on)
            self.requirement_value.setText(f"Ended {fmt_date(ended)}")
        else:
            self.requirement_value.setText("\n".join(
                requirement_text(r) + (f" from {fmt_date(r.starts_on)}" if not r.depends_on_sentence else "")
                + (f" ({r.offence})" if len(reqs) > 1 and r.offence else "") for r in reqs))
        self.requirement_value.setToolTip("\n".join(f"{r.offence}: {uk_dates(r.basis)}" for r in view.requirements))
        overdue = [p for p in view.pending if p.overdue]
        self.next_due_value.setText(fmt_date(view.next_due_on, "Nothing due")
                                    + (" (OVERDUE)" if view.next_due_on and view.next_due_on < view.as_of else ""))
        set_overdue(self.next_due_value, bool(view.next_due_on and view.next_due_on < view.as_of))
        waiting = plural(len(view.pending), "notification")
        self.waiting_value.setText(waiting + (f", {len(overdue)} OVERDUE" if overdue else ""))
        set_overdue(self.waiting_value, bool(overdue))
        self.pending_model.set_rows(view.pending)
        self.pending_stack.show_rows(len(view.pending))
        self.taken_model.set_rows(view.taken)
        self.taken_stack.show_rows(len(view.taken))
        self.stays_model.set_rows(view.stays)
        fit_rows(self.stays_view, len(view.stays), 3)
        self.stays_box.setVisible(bool(view.stays))

    def selected_pending(self) -> nt.PendingNotification | None:
        return selected_row(self.pending_view)

    def selected_taken(self) -> nt.TakenRow | None:
        return selected_row(self.taken_view)

    def selected_key(self) -> tuple[str, int] | None:
        item = self.selected_pending() or self.selected_taken()
        return ("statutory_notification", item.notification_id) if item else None

    def update_buttons(self) -> None:
        if hasattr(self, "print_button"):  # not while the page is being built
            self.print_button.setEnabled(self.selected_taken() is not None)
        if hasattr(self, "detail_pane"):
            self._show_selected()

    def _show_selected(self) -> None:
        pending, taken = self.selected_pending(), self.selected_taken()
        if taken is not None:
            self.detail_pane.show_fields(taken, {**taken_fields(taken), **history_fields(
                history_of(self.record, "statutory_notification", taken.notification_id), taken.recorded_by,
                taken.recorded_at)}, warnings=taken_warnings(taken))
        elif pending is not None:
            self.detail_pane.show_fields(pending, {**pending_fields(pending), **history_fields(
                history_of(self.record, "statutory_notification", pending.notification_id))},
                warnings=("Status", "Due by") if pending.overdue else ())
        else:
            self.detail_pane.show_placeholder()

    # --- actions ---------------------------------------------------------------------------------

    def _args(self) -> tuple:
        c = self.ctx
        return c.services, c.actor, c.worker, c.prompter, self.record

    def _take_from_anywhere(self) -> None:
        self.ctx.show_part(self.spec.key)  # the page reads the notifications once it is on screen
        if self.view_data is None:
            self.when_loaded(self.open_take)
        else:
            self.open_take()

    def open_take(self) -> TakeNotificationDialog | None:
        if self.record is None or self.view_data is None or not self.can_write:
            if self.loading:
                self.ctx.show_status("Still reading the notifications; try again in a moment.")
            return None
        dialog = TakeNotificationDialog(*self._args(), self.view_data.pending, self.stations, parent=self)
        chosen = self.selected_pending()
        if chosen is not None:  # the row the user picked, on its own
            for p in self.view_data.pending:
                dialog.check(p.notification_id, p.notification_id == chosen.notification_id)
        dialog.taken.connect(self._taken)
        self.dialog = dialog
        dialog.open()
        return dialog

    def _taken(self, taken: nt.TakenNotification, print_ack: bool) -> None:
        self.ctx.reload()
        what = ", ".join(taken.labels)
        self.ctx.show_status(f"Notification recorded: {what}. Next due {fmt_date(taken.next_due_on, 'not set')}.")
        if taken.breach_ids:
            reasons = []
            if taken.late:
                reasons.append(f"it was given late (it was due by {fmt_date(taken.due_on)})")
            if taken.refused_biometrics:
                reasons.append("fingerprints or photographs were refused (s.87(4))")
            self.ctx.prompter.warning(
                "Breach opened",
                f"The notification is recorded, but {' and '.join(reasons) or 'it shows a breach'}, so a "
                "breach of the notification requirements (s.91) has been opened.\n\nThe breach decision is "
                "shown next: record a crime reference, or propose no crime with a rationale for a "
                "supervisor to sign off.")
            # The breaches page opens its decision on the breach (None until it offers open_entry).
            self.breach_dialog = self.ctx.show_entry("breaches", taken.breach_ids[0])
        # After the breach message: the print dialog comes once the acknowledgement is saved,
        # and must not open over a message the user is still reading.
        if print_ack:
            self.print_acknowledgement(taken.notification_ids[0])

    def open_event(self) -> EventDialog | None:
        if self.record is None:
            return None
        return self.open_dialog(EventDialog(*self._args(), parent=self), self._event_saved)

    def _event_saved(self, result: nt.EventRecorded) -> None:
        n = result.notification
        text = f"{n.label} recorded: to be notified by {fmt_date(n.due_on, 'after release')}."
        if result.referral_id:
            text += " A safeguarding task has been opened: see Safeguarding."
        self.ctx.show_status(text)
        self.ctx.reload()

    def open_stay(self) -> StayDialog | None:
        if self.record is None or self.view_data is None:
            return None
        return self.open_dialog(StayDialog(*self._args(), self.view_data.stays, parent=self), self._stay_saved)

    def _stay_saved(self, result: nt.StayResult) -> None:
        self.ctx.reload()
        if result.flagged:
            self.ctx.prompter.warning(
                "Qualifying period reached",
                f"The offender has stayed {plural(result.days_in_last_12_months, 'day')} in the last 12 months "
                f"at premises not notified; the qualifying period (s.84(6)) was reached on "
                f"{fmt_date(result.reached_on)}. The address must be notified by {fmt_date(result.due_on)} "
                "(s.84(1)(c)). It is listed under Due and overdue.")
        else:
            self.ctx.show_status(f"Stay recorded: {plural(result.days_in_last_12_months, 'day')} at those "
                    "premises in the last 12 months (7 is a qualifying period).")

    def print_selected(self) -> None:
        taken = self.selected_taken()
        if taken is not None:
            self.print_acknowledgement(taken.notification_id)

    def print_acknowledgement(self, notification_id: int) -> None:
        if self.record is None:
            return
        folder = self.ack_folder or documents_folder()
        self.ctx.worker.submit(nt.save_acknowledgement, self.ctx.services, self.ctx.actor, notification_id, folder,
                               owner=self, on_success=self._saved_acknowledgement,
                               on_error=lambda e: self.ctx.report(e, "The acknowledgement was not printed"))

    def _saved_acknowledgement(self, path: Path) -> None:
        print_saved_pdf(self.ctx, path, "acknowledgement", parent=self, ask=self.ask_printer, opener=self.opener)



@record_page("notifications")
def notifications_page(ctx: RecordContext, spec: SectionSpec) -> NotificationsTab:
    return NotificationsTab(ctx, spec)
