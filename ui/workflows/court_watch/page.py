"""Go > Court watch (Ctrl+7): the daily list first (today's hearings, the last working day's,
SHPO applications not yet on the file, convictions whose initial notification is due), then the
people watched, filtered, with the selected one in full beside them and its history (who
recorded it, its corrections). Correct... puts a person's details or a hearing right, or marks
the person as entered in error, each with a reason. All reads and writes go through
services.court_watch on the worker; every read is audited there."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QSortFilterProxyModel, Qt
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from rso_manager.domain import court_watch as cw
from rso_manager.services import court_watch
from rso_manager.services.court_watch import ChargedPersonView, DailyList
from rso_manager.services.court_watch.daily_list import DailyItem
from rso_manager.services.errors import ValidationFailed
from ui.extensions import WorkflowHost
from ui.kit.detail_pane import (
    DetailPane,
    entry_history,
    history_fields,
    split,
    times,
)
from ui.kit.formatting import fmt_date, fmt_datetime
from ui.kit.forms import report_failure
from ui.kit.tables import Column, ListPanel, RowRole, RowsModel, sorted_list_view
from ui.kit.widgets import hint_label
from ui.workflows.court_watch.court_list_dialog import CourtListDialog
from ui.workflows.court_watch.dialogs import (
    ChargedPersonDialog,
    CorrectHearingDialog,
    HearingDialog,
    OutcomeDialog,
)

# (parent, caption) -> the chosen CSV file's path, or "" if cancelled.
ChooseFile = Callable[[QWidget, str], str]

_SECTION = {"today": "Today", "yesterday": "Last working day", "shpo": "SHPO application",
            "notification": "Notification due"}
STATUS_FILTER = {"pending": "Awaiting outcome", "convicted": "Convicted", "closed": "Closed", "": "All"}

DETAIL_CAPTIONS = ("Name", "Watch reference", "Case", "Date of birth", "PNC ID", "Charged", "Custody",
                   "Officer in the case", "SHPO application", "Offences", "Hearings", "Status", "Watched by")


def choose_csv(parent: QWidget, caption: str) -> str:
    path, _selected = QFileDialog.getOpenFileName(parent, caption, str(Path.home()), "Court lists (*.csv)")
    return path


def _daily_columns() -> list[Column[DailyItem]]:
    return [
        Column("List", lambda i: _SECTION[i.section], sort=lambda i: list(_SECTION).index(i.section)),
        Column("Person", lambda i: i.person.name, tooltip=lambda i: i.person.name),  # a long name is elided
        Column("Ref", lambda i: i.person.offender_reference or i.person.reference),
        Column("Date", lambda i: fmt_date(i.hearing.hearing_on if i.hearing else i.due_on),
               sort=lambda i: (i.hearing.hearing_on if i.hearing else i.due_on) or ""),
        Column("What", lambda i: i.what, tooltip=lambda i: i.what),
        Column("Watched by", lambda i: i.person.watcher or ""),
    ]


def _people_columns() -> list[Column[ChargedPersonView]]:
    return [
        Column("Name", lambda p: p.name, tooltip=lambda p: p.name),
        Column("Born", lambda p: fmt_date(p.date_of_birth), sort=lambda p: p.date_of_birth),
        Column("Charged", lambda p: fmt_date(p.charged_on), sort=lambda p: p.charged_on),
        Column("Next hearing", lambda p: fmt_date(p.next_hearing_on), sort=lambda p: p.next_hearing_on or ""),
        Column("SHPO", lambda p: cw.SHPO_APPLICATION[p.shpo_application]),
        Column("Status", lambda p: p.status_text if not p.offender_reference
               else f"{p.status_text} ({p.offender_reference})"),
        Column("Watched by", lambda p: p.watcher or ""),
    ]


class CourtWatchPage(QWidget):
    def __init__(self, host: WorkflowHost, *, choose_file: ChooseFile = choose_csv) -> None:
        super().__init__()
        self.host, self.choose_file = host, choose_file
        self.daily: DailyList | None = None
        self.people: list[ChargedPersonView] = []
        self.loads = 0  # finished loads (tests)
        self.dialog: QWidget | None = None  # the last form opened (tests drive it)
        layout = QVBoxLayout(self)
        title = QLabel("Court watch")
        title.setObjectName("pageTitle")
        layout.addWidget(title)
        layout.addWidget(hint_label(
            "People charged with a Schedule 3 offence, watched through their hearings so the OMU knows the day a "
            "court convicts. The officer watching is reminded the working day after a hearing with no outcome."))

        bar = QHBoxLayout()
        self.add_button = self._button("&Add person...", "Put a person charged on the watch", self.add_person)
        self.hearing_button = self._button("Add &hearing...", "List a hearing of the selected person", self.add_hearing)
        self.outcome_button = self._button("Record &outcome...", "What the selected person's hearing decided",
                                           self.record_outcome)
        self.import_button = self._button("&Import court list...", "Match a court list (CSV) against the watch",
                                          self.import_court_list)
        self.open_button = self._button("Open &case", "Open the case record made on conviction", self.open_case)
        # The corrections share one button: the bar has room for no more at 1280 pixels.
        self.correct_button = QPushButton("Co&rrect")
        self.correct_button.setAccessibleName("Correct or mark in error")
        self.correct_button.setToolTip("Put the selected person's details or a hearing right, or mark the person as "
                                       "entered in error (each with a reason; the old values stay in the history)")
        self.correct_menu = QMenu(self.correct_button)
        self.correct_person_action = self._action("Correct the person's &details...", "Ctrl+Shift+E",
                                                  self.correct_person)
        self.correct_hearing_action = self._action("Correct a &hearing...", "Ctrl+Shift+H", self.correct_hearing)
        self.correct_menu.addSeparator()
        self.void_action = self._action("Mark as entered in &error...", "", self.void_person)
        self.correct_button.setMenu(self.correct_menu)
        for b in (self.add_button, self.hearing_button, self.outcome_button, self.import_button, self.open_button,
                  self.correct_button):
            bar.addWidget(b)
        bar.addStretch(1)
        bar.addWidget(QLabel("Show:"))
        self.status = QComboBox()
        self.status.setAccessibleName("Show people by status")
        for key, label in STATUS_FILTER.items():
            self.status.addItem(label, key)
        self.status.currentIndexChanged.connect(lambda *_: self.refresh())
        bar.addWidget(self.status)
        self.filter = QLineEdit()
        self.filter.setPlaceholderText("Filter by name, court or officer")
        self.filter.setAccessibleName("Filter the people watched")
        self.filter.setClearButtonEnabled(True)
        self.filter.setMinimumWidth(220)
        bar.addWidget(self.filter)
        layout.addLayout(bar)

        self.daily_heading = QLabel("Daily list")
        self.daily_heading.setObjectName("sectionHeading")
        layout.addWidget(self.daily_heading)
        self.daily_model: RowsModel[DailyItem] = RowsModel(_daily_columns(), self)
        self.daily_view = sorted_list_view(self.daily_model)
        self.daily_view.setAccessibleName("Daily list")
        self.daily_view.horizontalHeader().setStretchLastSection(True)
        self.daily_view.doubleClicked.connect(self._daily_chosen)
        self.daily_panel = ListPanel(self.daily_view, "Nothing on the daily list: no hearings today or on the last "
                                                      "working day, no SHPO application waiting, no notification due.")
        self.people_model: RowsModel[ChargedPersonView] = RowsModel(_people_columns(), self)
        self.people_view = sorted_list_view(self.people_model)
        self.people_view.setAccessibleName("People watched")
        self.people_view.horizontalHeader().setStretchLastSection(True)
        proxy = self.people_view.model()
        assert isinstance(proxy, QSortFilterProxyModel)
        proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        proxy.setFilterKeyColumn(-1)
        self.filter.textChanged.connect(proxy.setFilterFixedString)
        self.people_view.selectionModel().currentRowChanged.connect(lambda *_: self._selected())
        self.people_view.doubleClicked.connect(lambda *_: self.open_case())
        self.people_view.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        for action in (self.correct_person_action, self.correct_hearing_action, self.void_action):
            self.people_view.addAction(action)
        self.people_panel = ListPanel(self.people_view, "Nobody is on the watch yet: Add person when someone in "
                                                        "your team's area is charged with a Schedule 3 offence.")
        self.pane = DetailPane(DETAIL_CAPTIONS, "Select a person to see their offences and hearings.")
        lower = split(self.people_panel, self.pane, (5, 3))
        people_heading = QLabel("People watched")
        people_heading.setObjectName("sectionHeading")
        layout.addWidget(split(self.daily_panel, self._with_heading(people_heading, lower), (1, 2), under=True), 1)
        QShortcut(QKeySequence("F5"), self, self.refresh)
        self._enable()

    @staticmethod
    def _with_heading(heading: QLabel, body: QWidget) -> QWidget:
        box = QWidget()
        lay = QVBoxLayout(box)
        lay.setContentsMargins(0, 4, 0, 0)
        lay.addWidget(heading)
        lay.addWidget(body, 1)
        return box

    def _action(self, text: str, shortcut: str, slot: Callable[[], object]) -> QAction:
        action = QAction(text, self)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            self.addAction(action)
        action.triggered.connect(lambda *_: slot())
        self.correct_menu.addAction(action)
        return action

    def _button(self, text: str, tip: str, slot: Callable[[], None]) -> QPushButton:
        b = QPushButton(text)
        b.setToolTip(tip)
        b.setAccessibleName(text.replace("&", "").rstrip("."))
        b.clicked.connect(slot)
        return b

    # --- reading ----------------------------------------------------------------------------

    def refresh(self) -> None:
        status = self.status.currentData() or None
        self.host.worker.submit(_load, self.host.services, self.host.actor, status, owner=self,
                                on_success=self._loaded, on_error=self.host.report)

    def _loaded(self, loaded: tuple[DailyList, list[ChargedPersonView]]) -> None:
        self.daily, self.people = loaded
        chosen = self.current()
        self.daily_model.set_rows(self.daily.items)
        self.daily_panel.show_rows(len(self.daily.items))
        self.daily_heading.setText(
            f"Daily list for {fmt_date(self.daily.today)}: {len(self.daily.today_hearings)} hearing(s) today, "
            f"{len(self.daily.yesterday_hearings)} on {fmt_date(self.daily.last_working_day)}, "
            f"{len(self.daily.shpo_pending)} SHPO application(s) not attached, "
            f"{len(self.daily.notifications_due)} notification(s) due")
        self.people_model.set_rows(self.people)
        self.people_panel.show_rows(len(self.people))
        for view in (self.daily_view, self.people_view):
            view.resizeColumnsToContents()
        self.daily_view.setColumnWidth(4, max(self.daily_view.columnWidth(4), 360))
        self._fit_people_columns()
        if chosen is not None:
            self.select(chosen.charged_person_id)
        self._selected()
        self.loads += 1

    def _fit_people_columns(self) -> None:
        """Every column on screen, none past a sideways scroll: the name takes what the others
        leave (elided, whole in its tooltip and the pane), the rest fit their contents."""
        header = self.people_view.horizontalHeader()
        header.setStretchLastSection(False)
        for col in range(self.people_model.columnCount()):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Stretch if col == 0
                                        else QHeaderView.ResizeMode.ResizeToContents)

    def current(self) -> ChargedPersonView | None:
        index = self.people_view.currentIndex()
        if not index.isValid():
            return None
        row = index.data(RowRole)
        return row if isinstance(row, ChargedPersonView) else None

    def select(self, charged_person_id: int) -> None:
        proxy = self.people_view.model()
        for r in range(proxy.rowCount()):
            row = proxy.index(r, 0).data(RowRole)
            if isinstance(row, ChargedPersonView) and row.charged_person_id == charged_person_id:
                self.people_view.setCurrentIndex(proxy.index(r, 0))
                return

    def _daily_chosen(self, index) -> None:
        item = index.data(RowRole)
        if isinstance(item, DailyItem):
            if self.status.currentData() not in ("", item.person.status):
                self.status.setCurrentIndex(self.status.findData(""))
            self.select(item.person.charged_person_id)

    def _selected(self) -> None:
        p = self.current()
        if p is None:
            self.pane.show_placeholder()
        else:
            self.pane.show_fields(p, _fields(p), warnings=("SHPO application",) if p.status == "pending"
                                  and p.shpo_application != "attached" else ())
        self._enable()

    def _enable(self) -> None:
        p = self.current()
        open_hearing = p is not None and any(h.outcome is None for h in p.hearings)
        self.hearing_button.setEnabled(p is not None and p.status != "closed")
        self.outcome_button.setEnabled(open_hearing and p is not None and p.status != "closed")
        self.open_button.setEnabled(p is not None and p.offender_id is not None)
        self.correct_button.setEnabled(p is not None)
        self.correct_person_action.setEnabled(p is not None and p.status != "closed")
        self.correct_hearing_action.setEnabled(p is not None and bool(p.hearings))
        self.void_action.setEnabled(p is not None and p.status != "convicted")

    # --- acting ----------------------------------------------------------------------------

    def _after(self, dialog) -> None:
        dialog.saved.connect(self._saved)
        dialog.on_reload = self.refresh
        self.dialog = dialog
        dialog.open()

    def _saved(self, result: object) -> None:
        message = getattr(result, "message", None)
        if message:
            self.host.show_status(message)
        self.refresh()

    def add_person(self) -> ChargedPersonDialog:
        dialog = ChargedPersonDialog(self.host, self)
        self._after(dialog)
        return dialog

    def add_hearing(self) -> HearingDialog | None:
        p = self.current()
        if p is None:
            return None
        dialog = HearingDialog(self.host, p, self)
        self._after(dialog)
        return dialog

    def record_outcome(self) -> OutcomeDialog | None:
        p = self.current()
        hearing = next((h for h in p.hearings if h.outcome is None), None) if p else None
        if p is None or hearing is None:
            return None
        dialog = OutcomeDialog(self.host, p, hearing, self)
        self._after(dialog)
        return dialog

    def correct_person(self) -> ChargedPersonDialog | None:
        p = self.current()
        if p is None or p.status == "closed":
            return None
        dialog = ChargedPersonDialog(self.host, self, correcting=p)
        self._after(dialog)
        return dialog

    def correct_hearing(self) -> CorrectHearingDialog | None:
        p = self.current()
        if p is None or not p.hearings:
            return None
        dialog = CorrectHearingDialog(self.host, p, self)
        self._after(dialog)
        return dialog

    def void_person(self, *, problem: str | None = None, text: str = "") -> None:
        """Mark the selected person as entered in error (the wrong person, a duplicate), with a
        reason asked for, and asked again while the service refuses it."""
        p = self.current()
        if p is None or p.status == "convicted":
            return
        reason = self.host.prompter.ask_reason(
            "Mark as entered in error",
            f"Why was {p.name} ({p.reference}) put on the watch in error?\n\nThe entry is kept with your reason "
            "but is no longer watched, listed or reminded of.", text=text, problem=problem)
        if reason is None:
            return

        def failed(exc: BaseException) -> None:
            if isinstance(exc, ValidationFailed) and exc.for_field("reason"):
                self.void_person(problem=exc.for_field("reason"), text=reason)
            else:
                report_failure(self.host.prompter, exc, title="Not marked in error", on_reload=self.refresh)

        def done(_result: object) -> None:
            self.host.show_status(f"{p.name} ({p.reference}) marked as entered in error: kept, no longer watched.")
            self.refresh()

        self.host.worker.submit(court_watch.void_charged_person, self.host.services, self.host.actor,
                                p.charged_person_id, p.version_id, reason, owner=self, on_success=done,
                                on_error=failed)

    def import_court_list(self) -> CourtListDialog | None:
        path = self.choose_file(self, "Choose the court list (CSV)")
        if not path:
            return None
        try:
            data = Path(path).read_bytes()
        except OSError as exc:
            report_failure(self.host.prompter, exc, title="Court list not read")
            return None
        dialog = CourtListDialog(self.host, Path(path).name, data, self)
        dialog.applied.connect(lambda *_: self.refresh())
        dialog.open()
        return dialog

    def open_case(self) -> None:
        p = self.current()
        if p is not None and p.offender_id is not None:
            self.host.open_offender(p.offender_id, f"{p.name} ({p.offender_reference})")


def _load(services, actor, status: str | None) -> tuple[DailyList, list[ChargedPersonView]]:
    """Worker thread: the daily list and the people watched, each an audited read."""
    return court_watch.daily_list(services, actor), court_watch.watched_people(services, actor, status)


def _hearing_line(p: ChargedPersonView, h) -> str:
    corrected = entry_history(p.revisions, "court_hearing", h.hearing_id, False).corrections
    return (f"{fmt_date(h.hearing_on)}{f' {h.purpose}' if h.purpose else ''}{f' at {h.court}' if h.court else ''}: "
            f"{h.outcome_text}{f' ({h.outcome_notes})' if h.outcome_notes else ''}"
            f"{f', recorded by {h.outcome_recorded_by} on {fmt_datetime(h.outcome_recorded_at)}' if h.outcome_recorded_at else ''}"
            f"{f' [corrected {times(len(corrected))}, last: {corrected[0].reason}]' if corrected else ''}")


def _fields(p: ChargedPersonView) -> dict[str, str]:
    hearings = "\n".join(_hearing_line(p, h) for h in p.hearings) or "None listed: add the next hearing."
    shpo = cw.SHPO_APPLICATION[p.shpo_application] + (f" by {p.shpo_application_by}" if p.shpo_application_by else "")
    status = p.status_text + (f" on {fmt_date(p.closed_on)}: {p.closed_reason}" if p.status == "closed" else "")
    return {
        "Name": p.name, "Watch reference": p.reference, "Case": p.offender_reference or "",
        "Date of birth": fmt_date(p.date_of_birth), "PNC ID": p.pnc_id or "Not known",
        "Charged": f"{fmt_date(p.charged_on)}{f', {p.court}' if p.court else ''}",
        "Custody": cw.CUSTODY.get(p.custody, p.custody), "Officer in the case": p.officer_in_case or "",
        "SHPO application": shpo, "Offences": "\n".join(o.text for o in p.offences), "Hearings": hearings,
        "Status": status, "Watched by": f"{p.watcher or ''}{f' ({p.team})' if p.team else ''}",
        **history_fields(entry_history(p.revisions, "charged_person", p.charged_person_id, False),
                         p.recorded_by, p.recorded_at),
    }

