"""The visit planner: a main-window page (Go > Planner, Ctrl+2) with the week's proposed and
booked home visits as cards, overdue ones first in a red strip, a month view, and booking.

Proposals come from rso_manager.services.visits.propose (two trained officers, a varied day and
time band inside the due window); booking and rebooking go through book_visit and rebook_visit,
which ask for a reason outside the window. The page only lays out what the service returns.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from datetime import date, timedelta

from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QBoxLayout,
    QButtonGroup,
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from rso_manager.domain.dates import add_months, week_start
from rso_manager.domain.roles import CaseloadScope, Permission
from rso_manager.services import reads_apart
from rso_manager.services.caseload import RISK_ORDER
from rso_manager.services.errors import ValidationFailed
from rso_manager.services.exchange import calendar as calendar_export
from rso_manager.services.exchange import spreadsheet_out
from rso_manager.services.unit_of_work import Actor, Services
from rso_manager.services.visits import PlannedVisit, PlannerView, book_visit, propose
from ui.extensions import WorkflowHost, main_window_hook
from ui.kit.formatting import fmt_date, risk_label
from ui.kit.forms import report_failure
from ui.kit.save_location import Chooser, choose_save_path, documents_folder, with_suffix
from ui.kit.table_export import FILTERS as SPREADSHEET_FILTERS
from ui.prompter import Prompter
from ui.worker import Worker
from ui.workflows.visits.booking import BookDialog
from ui.workflows.visits.planner_cards import STYLE as CARD_STYLE
from ui.workflows.visits.planner_cards import VisitCard
from ui.workflows.visits.wording import BANDS, band_label, day_label, window_text

SCOPE_LABELS = {CaseloadScope.MINE: "My caseload", CaseloadScope.TEAM: "Team caseload",
                CaseloadScope.ALL: "All cases"}
BAND_ORDER = {band: i for i, band in enumerate(BANDS)}
MONTH_CARDS = 3  # cards shown in a month-view day before "+N more"
# A week's day and the overdue strip show this many cards, and as many more at each "+N more": a
# force's week holds thousands of visits, and a card for each held the GUI for seconds (issue 16).
DAY_CARDS = 6
LAYOUT_TURN_S = 0.008  # cards made in one turn of the event loop, then input and paint have theirs
PLANNING_DAYS = 28  # cases whose window closes within four weeks are proposed
CALENDAR_FILTER = "iCalendar (*.ics)"
EXPORT_HEADER = ("Date", "Time band", "Status", "Reference", "Name", "Offender manager", "Officers",
                 "Due window", "Days overdue", "Warnings")

STYLE = CARD_STYLE + """
QFrame#dayColumn { background: #ffffff; border: 1px solid #d5dde8; border-radius: 4px; }
QFrame#dayColumn[today="true"] { background: #f3f7fc; border: 1px solid #1f3a5f; }
QFrame#dayColumn[outside="true"] { background: #f6f7f9; }
QLabel#dayTitle { font-weight: 600; color: #1f3a5f; padding: 2px 2px 4px 2px; }
QLabel#dayTitle[today="true"] { color: #ffffff; background: #1f3a5f; border-radius: 3px; padding: 2px 4px; }
QLabel#dayEmpty { color: #9aa5b1; font-size: 9pt; }
QPushButton#moreLink { border: none; background: transparent; color: #1f3a5f; text-decoration: underline;
    font-size: 9pt; padding: 0 2px; min-height: 0; text-align: left; }
QFrame#overdueStrip { background: #fdeceb; border: 1px solid #e3a7a2; border-radius: 6px; }
QLabel#overdueTitle { color: #b3261e; font-weight: 700; }
QFrame#detailsPanel { background: #f3f6fa; border: 1px solid #d5dde8; border-radius: 6px; }
QLabel#detailsTitle { font-size: 11pt; font-weight: 700; color: #1f3a5f; }
QLabel#detailsWarning { color: #8a5300; }
QLabel#detailsOverdue { color: #b3261e; font-weight: 700; }
QLabel#periodLabel { font-size: 11pt; font-weight: 600; color: #323f4b; padding: 0 8px; }
QPushButton[segment="true"]:checked { background: #1f3a5f; color: #ffffff; border-color: #1f3a5f; }
"""


def _label(text: str, name: str, *, wrap: bool = True) -> QLabel:
    label = QLabel(text)
    label.setObjectName(name)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(wrap)
    return label


def _key(item: PlannedVisit) -> tuple[int, int | None]:
    return item.offender_id, item.visit_id


def _scrolled(content: QWidget) -> QScrollArea:
    """CONTENT in a frameless scroll area it fills (the week, the month, the overdue strip)."""
    scroll = QScrollArea()
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QFrame.Shape.NoFrame)
    scroll.setWidget(content)
    return scroll


class PlannerPage(QWidget):
    """Week (default) or month of proposed and booked home visits for the chosen caseload."""

    loaded = Signal(object)  # PlannerView, after it is laid out
    booked = Signal(int)  # visit id

    def __init__(self, services: Services, actor: Actor, worker: Worker, prompter: Prompter, *,
                 scopes: Sequence[CaseloadScope] = (), open_record: Callable[[int, str], object] | None = None,
                 status: Callable[[str], None] | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services, self.actor, self.worker, self.prompter = services, actor, worker, prompter
        self._open_record = open_record
        self._status = status or (lambda _text: None)
        self.can_write = actor.can(Permission.WRITE_CASES)
        self.scopes = tuple(scopes)
        self.scope: CaseloadScope | None = self.scopes[0] if self.scopes else None
        self.mode = "week"
        self.anchor = services.clock.today()
        self.view: PlannerView | None = None
        self._days_of: PlannerView | None = None  # the view _by_day indexes
        self._by_day: dict[date, list[PlannedVisit]] = {}
        self._layout_turn = 0  # which layout's turns are current (_in_turns)
        self.selected: PlannedVisit | None = None
        self.cards: list[VisitCard] = []
        self.loading = False
        self._seq = 0
        self.dialog: BookDialog | None = None
        self.chooser: Chooser = choose_save_path  # tests answer the save dialog
        self.exporting = False
        self.setObjectName("plannerPage")
        self.setStyleSheet(STYLE)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        layout.addLayout(self._build_top())
        self.summary_label = _label("", "hint")
        layout.addWidget(self.summary_label)
        layout.addWidget(self._build_overdue())
        self.views = QStackedWidget()
        self.week = QWidget()
        self.week_layout = QHBoxLayout(self.week)
        self.week_layout.setContentsMargins(0, 0, 0, 0)
        self.week_layout.setSpacing(6)
        self.month = QWidget()
        self.month_grid = QGridLayout(self.month)
        self.month_grid.setContentsMargins(0, 0, 0, 0)
        self.month_grid.setSpacing(4)
        self.views.addWidget(_scrolled(self.week))
        self.views.addWidget(_scrolled(self.month))
        layout.addWidget(self.views, 1)
        layout.addWidget(self._build_details())
        self._show_details(None)

    # --- building ------------------------------------------------------------------------------

    def _build_top(self) -> QHBoxLayout:
        top = QHBoxLayout()
        title = QLabel("Visit planner")
        title.setObjectName("pageTitle")
        top.addWidget(title)
        self.loading_label = QLabel("Planning...")
        self.loading_label.setObjectName("loading")
        self.loading_label.setVisible(False)
        top.addWidget(self.loading_label)
        top.addStretch(1)
        self.scope_combo = QComboBox()
        self.scope_combo.setAccessibleName("Caseload planned")
        for scope in self.scopes:
            self.scope_combo.addItem(SCOPE_LABELS[scope], scope.value)
        self.scope_combo.currentIndexChanged.connect(self._scope_chosen)
        if len(self.scopes) > 1:
            top.addWidget(QLabel("Plan for:"))
            top.addWidget(self.scope_combo)
        top.addSpacing(12)
        self.week_button = QPushButton("Week")
        self.month_button = QPushButton("Month")
        group = QButtonGroup(self)
        for button in (self.week_button, self.month_button):
            button.setCheckable(True)
            button.setProperty("segment", True)
            group.addButton(button)
            top.addWidget(button)
        self.week_button.setChecked(True)
        self.week_button.setToolTip("Seven days with every visit as a card (Ctrl+Shift+W)")
        self.month_button.setToolTip("The whole month at a glance (Ctrl+Shift+M)")
        self.week_button.setShortcut(QKeySequence("Ctrl+Shift+W"))
        self.month_button.setShortcut(QKeySequence("Ctrl+Shift+M"))
        self.week_button.clicked.connect(lambda: self.set_mode("week"))
        self.month_button.clicked.connect(lambda: self.set_mode("month"))
        top.addSpacing(12)
        self.prev_button = QPushButton("\u2039 Previous")
        self.prev_button.setShortcut(QKeySequence("Alt+Left"))
        self.prev_button.setToolTip("Previous week or month (Alt+Left)")
        self.prev_button.clicked.connect(lambda: self.step(-1))
        self.today_button = QPushButton("Today")
        self.today_button.setShortcut(QKeySequence("Alt+Home"))
        self.today_button.setToolTip("Back to this week (Alt+Home)")
        self.today_button.clicked.connect(self.go_today)
        self.next_button = QPushButton("Next \u203a")
        self.next_button.setShortcut(QKeySequence("Alt+Right"))
        self.next_button.setToolTip("Next week or month (Alt+Right)")
        self.next_button.clicked.connect(lambda: self.step(1))
        for button in (self.prev_button, self.today_button, self.next_button):
            top.addWidget(button)
        self.period_label = QLabel()
        self.period_label.setObjectName("periodLabel")
        self.period_label.setMinimumWidth(230)
        self.period_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        top.addWidget(self.period_label)
        top.addWidget(self._build_export())
        return top

    def _build_export(self) -> QToolButton:
        """Export: the week's booked visits to a calendar, or what the planner shows to a
        spreadsheet (both audited)."""
        self.calendar_action = QAction("Export week to &calendar...", self)
        self.calendar_action.setShortcut(QKeySequence("Ctrl+Shift+E"))
        self.calendar_action.setStatusTip("The week's booked visits as an .ics file for Outlook (Ctrl+Shift+E)")
        self.calendar_action.triggered.connect(lambda: self.export_calendar())
        self.csv_action = QAction("Export to C&SV...", self)
        self.csv_action.triggered.connect(lambda: self.export_spreadsheet("csv"))
        self.xlsx_action = QAction("Export to &Excel...", self)
        self.xlsx_action.setShortcut(QKeySequence("Ctrl+Shift+S"))
        self.xlsx_action.triggered.connect(lambda: self.export_spreadsheet("xlsx"))
        menu = QMenu(self)
        for action in (self.calendar_action, self.csv_action, self.xlsx_action):
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            self.addAction(action)
            menu.addAction(action)
        button = self.export_button = QToolButton()
        button.setText("Export \u25be")
        button.setStyleSheet("QToolButton::menu-indicator { image: none; width: 0; }")
        button.setAccessibleName("Export the plan")
        button.setToolTip("Week to calendar (Ctrl+Shift+E), or the plan to CSV or Excel (Ctrl+Shift+S)")
        button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        button.setMenu(menu)
        return button

    def _build_overdue(self) -> QFrame:
        strip = self.overdue_strip = QFrame()
        strip.setObjectName("overdueStrip")
        layout = QVBoxLayout(strip)
        layout.setContentsMargins(10, 6, 10, 8)
        layout.setSpacing(4)
        self.overdue_title = _label("", "overdueTitle")
        layout.addWidget(self.overdue_title)
        row = QWidget()
        row.setStyleSheet("background: transparent;")
        self.overdue_row = QHBoxLayout(row)
        self.overdue_row.setContentsMargins(0, 0, 0, 0)
        self.overdue_row.setSpacing(6)
        scroll = _scrolled(row)
        scroll.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setStyleSheet("QScrollArea { background: transparent; }")
        scroll.viewport().setStyleSheet("background: transparent;")
        self.overdue_scroll = scroll
        layout.addWidget(scroll)
        strip.setVisible(False)
        return strip

    def _build_details(self) -> QFrame:
        panel = self.details = QFrame()
        panel.setObjectName("detailsPanel")
        text = QVBoxLayout(panel)
        text.setContentsMargins(12, 6, 12, 8)
        text.setSpacing(2)
        top = QHBoxLayout()
        self.details_title = _label("", "detailsTitle")
        self.details_title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        top.addWidget(self.details_title, 1)
        self.book_button = QPushButton("Book")
        self.book_button.setShortcut(QKeySequence("Ctrl+B"))
        self.book_button.setToolTip("Book the selected proposal as proposed: day, time band and officers (Ctrl+B)")
        self.book_button.clicked.connect(lambda: self.book_selected())
        self.rebook_button = QPushButton("Rebook...")
        self.rebook_button.setShortcut(QKeySequence("Ctrl+Shift+B"))
        self.rebook_button.setToolTip("Choose another date or time band (Ctrl+Shift+B)")
        self.rebook_button.clicked.connect(self.rebook_selected)
        self.open_button = QPushButton("Open record...")
        self.open_button.setToolTip("Open the offender's record (Enter or double-click a card)")
        self.open_button.clicked.connect(lambda: self.open_item(self.selected))
        for button in (self.book_button, self.rebook_button, self.open_button):
            top.addWidget(button)
        text.addLayout(top)
        # Only once the buttons have a parent: setVisible(True) on a parentless widget shows it as
        # a window of its own (a flash on screen, and the main window lost the keyboard).
        self.book_button.setVisible(self.can_write)
        self.rebook_button.setVisible(self.can_write)
        self.details_when = _label("", "")
        text.addWidget(self.details_when)
        self.details_window = _label("", "hint")
        text.addWidget(self.details_window)
        self.details_overdue = _label("", "detailsOverdue")
        text.addWidget(self.details_overdue)
        self.details_warnings = _label("", "detailsWarning")
        text.addWidget(self.details_warnings)
        return panel

    # --- period and loading --------------------------------------------------------------------

    def period(self) -> tuple[date, date]:
        """First and last day shown: Monday to Sunday, or the six weeks around the month."""
        if self.mode == "week":
            start = week_start(self.anchor)
            return start, start + timedelta(days=6)
        first = self.anchor.replace(day=1)
        start = week_start(first)
        return start, start + timedelta(days=41)

    def set_mode(self, mode: str) -> None:
        if mode == self.mode:
            return
        self.mode = mode
        self.week_button.setChecked(mode == "week")
        self.month_button.setChecked(mode == "month")
        self.views.setCurrentIndex(0 if mode == "week" else 1)
        self.refresh()

    def step(self, steps: int) -> None:
        """Show the previous (-1) or next (1) week or month; QWidget.move is the window position."""
        if self.mode == "week":
            self.anchor += timedelta(days=7 * steps)
        else:
            self.anchor = add_months(self.anchor.replace(day=1), steps)
        self.refresh()

    def go_today(self) -> None:
        self.anchor = self.services.clock.today()
        self.refresh()

    def show_week_of(self, day: date) -> None:
        self.anchor = day
        if self.mode != "week":
            self.set_mode("week")
        else:
            self.refresh()

    def _scope_chosen(self, index: int) -> None:
        if index >= 0:
            self.scope = CaseloadScope(self.scope_combo.itemData(index))
            self.refresh()

    def refresh(self) -> None:
        """Ask the planner service for the period (on the worker); show "Planning..." meanwhile."""
        start, end = self.period()
        today = self.services.clock.today()
        self._update_period_label(start, end)
        # One planning horizon from today, whichever week is shown, so a proposal stays on the
        # same day as the user pages through the weeks; further only for a later period.
        days = max(PLANNING_DAYS, (end - today).days, (today - start).days)
        self._seq += 1
        seq = self._seq
        self.loading = True
        self.loading_label.setVisible(True)
        # In the reads' process: a force's plan is seconds of Python the GUI would wait behind.
        self.worker.submit(reads_apart.read, self.services, propose, self.actor, as_of=today, days=days,
                           scope=self.scope, seed=today.toordinal(), owner=self,
                           on_success=lambda view: self._arrived(seq, view),
                           on_error=lambda exc: self._failed(seq, exc))

    @Slot(int)
    def refresh_if_shown(self, _rows: int = 0) -> None:
        if self.isVisible():
            self.refresh()

    def _update_period_label(self, start: date, end: date) -> None:
        if self.mode == "week":
            self.period_label.setText(f"Week of {start:%a} {fmt_date(start)}")
        else:
            self.period_label.setText(self.anchor.strftime("%B %Y"))

    def _arrived(self, seq: int, view: PlannerView) -> None:
        if seq != self._seq:
            return  # a later request (the user moved on) will answer
        self.loading = False
        self.loading_label.setVisible(False)
        self.view = view
        self._lay_out(view, lambda: self.loaded.emit(view))

    def _failed(self, seq: int, exc: BaseException) -> None:
        if seq != self._seq:
            return
        self.loading = False
        self.loading_label.setVisible(False)
        report_failure(self.prompter, exc, title="The plan could not be made")

    # --- laying out ----------------------------------------------------------------------------

    def _card(self, item: PlannedVisit, **kw) -> VisitCard:
        card = VisitCard(item, hours=dict(self.view.time_bands) if self.view else None, **kw)
        card.chosen.connect(self.select)
        card.activated.connect(self.open_item)
        if self.selected is not None and _key(item) == _key(self.selected):
            card.set_selected(True)
        self.cards.append(card)
        return card

    @staticmethod
    def _clear(layout) -> None:
        while layout.count():
            entry = layout.takeAt(0)
            widget = entry.widget()
            if widget is not None:
                widget.deleteLater()
            elif entry.layout() is not None:
                PlannerPage._clear(entry.layout())

    def items_on(self, day: date) -> list[PlannedVisit]:
        view = self.view
        if view is None:
            return []
        if self._days_of is not view:  # one pass over a force's plan, not one a day shown
            self._by_day = defaultdict(list)
            for i in view.items:
                self._by_day[i.proposed_on].append(i)
            self._days_of = view
        return sorted(self._by_day.get(day, ()), key=lambda i: (
            BAND_ORDER.get(i.time_band, 9), -i.days_overdue, -RISK_ORDER.get(i.risk_level, 0), i.name))

    def _in_batches(self, box: QBoxLayout, items: Sequence[PlannedVisit], make: Callable[[PlannedVisit], VisitCard],
                    where: str) -> list[VisitCard]:
        """Cards for the first DAY_CARDS of ITEMS in BOX, then a "+N more" button that adds the
        next ones (and takes the focus to the first of them); the cards made now."""
        made = [make(item) for item in items[:DAY_CARDS]]
        for card in made:
            box.addWidget(card)
        if len(items) <= DAY_CARDS:
            return made
        more = QPushButton()
        more.setFlat(True)
        more.setObjectName("moreLink")
        shown = len(made)

        def show_left() -> None:
            left = len(items) - shown
            more.setText(f"+{left} more")
            more.setToolTip(f"Show {min(left, DAY_CARDS)} more of the {left} visits not shown {where}")
            more.setAccessibleName(f"{left} more visits {where}: show {min(left, DAY_CARDS)} more")

        def add() -> None:
            nonlocal shown
            at = box.indexOf(more)
            batch = [make(item) for item in items[shown:shown + DAY_CARDS]]
            for offset, card in enumerate(batch):
                box.insertWidget(at + offset, card)
                card.show()  # now, not at the layout's next turn, so the focus can go to it
            shown += len(batch)
            if shown < len(items):
                show_left()
            else:
                more.hide()
            if batch:
                batch[0].setFocus(Qt.FocusReason.OtherFocusReason)

        show_left()
        more.clicked.connect(add)
        box.addWidget(more)
        return made

    def _lay_out(self, view: PlannerView, done: Callable[[], None]) -> None:
        """VIEW on the page: the strip and the summary now, the days' cards in turns of the event
        loop (_in_turns), then DONE."""
        self.cards = []
        if self.selected is not None:
            # The same visit again; once booked, a proposal comes back as the booking.
            key, offender = _key(self.selected), self.selected.offender_id
            self.selected = next((i for i in view.items if _key(i) == key), None) or next(
                (i for i in view.items if i.offender_id == offender), None)
        start, end = self.period()
        today = self.services.clock.today()
        # Overdue first, in their own strip, whichever week they are proposed in.
        self._clear(self.overdue_row)
        overdue = view.overdue
        strip_cards = self._in_batches(self.overdue_row, overdue,
                                       lambda item: self._card(item, compact=True, show_day=True), "overdue")
        self.overdue_row.addStretch(1)
        # As tall as its cards, with room for the scroll bar that many of them bring: never clipped.
        tallest = max((card.sizeHint().height() for card in strip_cards), default=0)
        self.overdue_scroll.setFixedHeight(tallest + self.overdue_scroll.horizontalScrollBar().sizeHint().height())
        self.overdue_title.setText(f"Overdue ({len(overdue)}): book these first" if overdue else "")
        self.overdue_strip.setVisible(bool(overdue))

        shown = [i for i in view.items if start <= i.proposed_on <= end]
        booked = sum(i.status == "booked" for i in shown)
        noun = "this week" if self.mode == "week" else "in these weeks"
        self.summary_label.setText(
            f"{len(shown)} visit{'s' if len(shown) != 1 else ''} {noun}: {len(shown) - booked} proposed, "
            f"{booked} booked. Proposals vary the day and time band and pair the offender manager with a "
            "second trained officer; book them as they are or choose another date."
            if shown else f"No visits proposed or booked {noun}.")
        self._show_details(self.selected)
        days = self._lay_out_week(start, today) if self.mode == "week" else self._lay_out_month(start, today)
        self._in_turns(days, done)

    def _in_turns(self, steps: Sequence[Callable[[], None]], done: Callable[[], None]) -> None:
        """Each of STEPS, as many in a turn of the event loop as fit in LAYOUT_TURN_S, then DONE.
        A layout begun meanwhile drops what is left of this one."""
        self._layout_turn += 1
        turn_of, left = self._layout_turn, iter(steps)

        def turn() -> None:
            if turn_of != self._layout_turn:
                return
            until = time.perf_counter() + LAYOUT_TURN_S
            for step in left:
                step()
                if time.perf_counter() >= until:
                    # Not a zero timeout: that is a posted event, run ahead of input and timers.
                    QTimer.singleShot(1, self, turn)
                    return
            done()

        # The first in a turn of its own too: the strip and the summary were this turn's work.
        QTimer.singleShot(1, self, turn)

    def _lay_out_week(self, start: date, today: date) -> list[Callable[[], None]]:
        """The week's seven days, empty; and for each, the step that puts in its cards."""
        self._clear(self.week_layout)
        steps = []
        for offset in range(7):
            day = start + timedelta(days=offset)
            column = QFrame()
            column.setObjectName("dayColumn")
            column.setProperty("today", day == today)
            column.setMinimumWidth(150)
            box = QVBoxLayout(column)
            box.setContentsMargins(5, 5, 5, 5)
            box.setSpacing(5)
            title = _label(f"{day:%a} {day:%d/%m}" + ("  today" if day == today else ""), "dayTitle", wrap=False)
            title.setProperty("today", day == today)
            box.addWidget(title)
            self.week_layout.addWidget(column, 1)
            steps.append(lambda box=box, day=day: self._fill_day(box, day))
        return steps

    def _fill_day(self, box: QVBoxLayout, day: date) -> None:
        items = self.items_on(day)
        self._in_batches(box, items, self._card, f"on {day:%a %d/%m}")
        if not items:
            box.addWidget(_label("Nothing planned", "dayEmpty"))
        box.addStretch(1)

    def _lay_out_month(self, start: date, today: date) -> list[Callable[[], None]]:
        """The six weeks' days, empty; and for each, the step that puts in its chips."""
        self._clear(self.month_grid)
        steps = []
        for col, name in enumerate(("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")):
            head = _label(name, "dayTitle", wrap=False)
            head.setAlignment(Qt.AlignmentFlag.AlignCenter)
            self.month_grid.addWidget(head, 0, col)
        for offset in range(42):
            day = start + timedelta(days=offset)
            row, col = divmod(offset, 7)
            cell = QFrame()
            cell.setObjectName("dayColumn")
            cell.setProperty("today", day == today)
            cell.setProperty("outside", day.month != self.anchor.month)
            box = QVBoxLayout(cell)
            box.setContentsMargins(4, 3, 4, 3)
            box.setSpacing(3)
            title = _label(f"{day.day}" if day.day != 1 else f"{day.day} {day:%b}", "dayTitle", wrap=False)
            title.setProperty("today", day == today)
            box.addWidget(title)
            # No set height: the day's layout makes it as tall as its chips (never squeezing them).
            self.month_grid.addWidget(cell, row + 1, col)
            steps.append(lambda box=box, day=day: self._fill_month_day(box, day))
        for col in range(7):
            self.month_grid.setColumnStretch(col, 1)
        for row in range(1, 7):
            self.month_grid.setRowStretch(row, 1)
        return steps

    def _fill_month_day(self, box: QVBoxLayout, day: date) -> None:
        items = self.items_on(day)
        for item in items[:MONTH_CARDS]:
            box.addWidget(self._card(item, chip=True))
        if len(items) > MONTH_CARDS:
            more = QPushButton(f"+{len(items) - MONTH_CARDS} more")
            more.setFlat(True)
            more.setObjectName("moreLink")
            more.setToolTip("Show this week")
            more.clicked.connect(lambda _c=False, d=day: self.show_week_of(d))
            box.addWidget(more)
        box.addStretch(1)

    # --- selection and details -----------------------------------------------------------------

    def select(self, item: PlannedVisit | None) -> None:
        self.selected = item
        for card in self.cards:
            card.set_selected(item is not None and _key(card.item) == _key(item))
        self._show_details(item)

    def _show_details(self, item: PlannedVisit | None) -> None:
        if item is None:
            self.details_title.setText("Select a visit")
            self.details_when.setText("Click a card to see its details and book it. Double-click opens the record.")
            for label in (self.details_window, self.details_overdue, self.details_warnings):
                label.setVisible(False)
            self.book_button.setEnabled(False)
            self.rebook_button.setEnabled(False)
            self.rebook_button.setText("Rebook...")
            self.open_button.setEnabled(False)
            return
        hours = dict(self.view.time_bands) if self.view else {}
        self.details_title.setText(f"{item.name} ({item.reference})  \u00b7  "
                                   f"{risk_label(item.risk_level)}{' risk' if item.risk_level else ''}")
        self.details_when.setText(
            f"{'Booked' if item.status == 'booked' else 'Proposed'} for {day_label(item.proposed_on)}, "
            f"{band_label(item.time_band, hours).lower()}, with {' and '.join(item.officer_names) or 'no officers'}."
            f"  Offender manager: {item.offender_manager or 'unallocated'}.")
        reason = "" if item.window_reason == "booked" else f": {item.window_reason}"
        self.details_window.setText(f"{window_text(item.window_earliest, item.window_latest)}{reason}.")
        self.details_window.setVisible(True)
        self.details_overdue.setText(f"Overdue by {item.days_overdue} day{'s' if item.days_overdue != 1 else ''}."
                                     if item.days_overdue else "")
        self.details_overdue.setVisible(bool(item.days_overdue))
        self.details_warnings.setText("\n".join(f"\u26a0 {w[0].upper()}{w[1:]}" for w in item.warnings))
        self.details_warnings.setVisible(bool(item.warnings))
        proposed = item.status != "booked"
        self.book_button.setEnabled(proposed)
        self.rebook_button.setEnabled(True)
        self.rebook_button.setText("Book another date..." if proposed else "Rebook...")
        self.open_button.setEnabled(self._open_record is not None)

    def open_item(self, item: PlannedVisit | None) -> None:
        if item is not None and self._open_record is not None:
            self._open_record(item.offender_id, f"{item.name} ({item.reference})")

    # --- exporting -----------------------------------------------------------------------------

    def _ask_path(self, caption: str, suggested: str, file_filter: str, suffix: str) -> str | None:
        path = self.chooser(self, caption, str(documents_folder() / suggested), file_filter)
        return str(with_suffix(path, suffix)) if path else None

    def export_calendar(self) -> bool:
        """The booked visits of the week shown (in the month view, the week of the day chosen)
        to an .ics file. False if nothing was started."""
        if self.exporting:
            return False
        monday = week_start(self.anchor)
        path = self._ask_path("Export the week to a calendar", f"visits-week-of-{monday:%Y-%m-%d}.ics",
                              CALENDAR_FILTER, ".ics")
        if path is None:
            return False
        self.exporting = True

        def done(result: calendar_export.CalendarExport) -> None:
            self.exporting = False
            cancelled = f", {result.cancelled} cancelled" if result.cancelled else ""
            self._status(f"Exported {result.events} visit{'s' if result.events != 1 else ''}{cancelled} of the "
                         f"week of {fmt_date(result.week_start)} to {result.path}: open it in Outlook to add "
                         "or update them.")

        def failed(exc: BaseException) -> None:
            self.exporting = False
            report_failure(self.prompter, exc, title="The calendar was not exported")

        self.worker.submit(calendar_export.export_week, self.services, self.actor, week_of=self.anchor, path=path,
                           scope=self.scope, owner=self, on_success=done, on_error=failed)
        return True

    def export_rows(self) -> list[list[object]]:
        """What the planner shows, a visit a row: the overdue strip, then the period's days."""
        if self.view is None:
            return []
        start, end = self.period()
        hours = dict(self.view.time_bands)
        items = [i for i in self.view.items if i.days_overdue > 0 or start <= i.proposed_on <= end]
        return [[i.proposed_on, band_label(i.time_band, hours), "Booked" if i.status == "booked" else "Proposed",
                 i.reference, i.name, i.offender_manager or "", " and ".join(i.officer_names),
                 window_text(i.window_earliest, i.window_latest), i.days_overdue, "; ".join(i.warnings)]
                for i in items]

    def export_spreadsheet(self, fmt: str) -> bool:
        rows = self.export_rows()
        if self.exporting or not rows:
            if not rows:
                self.prompter.info("Nothing to export", "The planner shows no visits for this period.")
            return False
        suffix = spreadsheet_out.SUFFIXES[fmt]
        start, _end = self.period()
        path = self._ask_path("Export the plan", f"visit-plan-{start:%Y-%m-%d}{suffix}", SPREADSHEET_FILTERS[fmt],
                              suffix)
        if path is None:
            return False
        self.exporting = True
        title = f"Visit planner, {self.period_label.text()}"

        def done(result: spreadsheet_out.ListExport) -> None:
            self.exporting = False
            self._status(f"Exported {result.rows} visit{'s' if result.rows != 1 else ''} to {result.path}.")

        def failed(exc: BaseException) -> None:
            self.exporting = False
            report_failure(self.prompter, exc, title="The plan was not exported")

        self.worker.submit(spreadsheet_out.export_list, self.services, self.actor, title=title,
                           header=EXPORT_HEADER, rows=rows, path=path, fmt=fmt,
                           references=[str(r[3]) for r in rows], owner=self, on_success=done, on_error=failed)
        return True

    # --- booking -------------------------------------------------------------------------------

    def book_selected(self, *, reason: str = "", problem: str | None = None) -> None:
        """Book the selected proposal as proposed. Outside its window (an overdue case) the
        service asks for a reason: ask the user, with its message, and try again."""
        item = self.selected
        if item is None or item.status == "booked" or not self.can_write:
            return
        if problem is not None:
            answer = self.prompter.ask_reason(
                "Reason for booking outside the due window",
                f"{item.name} ({item.reference}) on {day_label(item.proposed_on)}. The booking goes to your "
                "supervisor with your reason.", text=reason, problem=problem)
            if answer is None:
                return
            reason = answer
        self.book_button.setEnabled(False)

        def failed(exc: BaseException) -> None:
            self.book_button.setEnabled(True)
            if isinstance(exc, ValidationFailed) and exc.for_field("reason"):
                self.book_selected(reason=reason, problem=exc.for_field("reason"))
            else:
                report_failure(self.prompter, exc, title="The visit was not booked", on_reload=self.refresh)

        self.worker.submit(book_visit, self.services, self.actor, item.offender_id, on=item.proposed_on,
                           time_band=item.time_band, officer_ids=item.officer_ids, reason=reason, owner=self,
                           on_success=lambda vid: self._booked(item, vid), on_error=failed)

    def _booked(self, item: PlannedVisit, visit_id: int) -> None:
        self._status(f"Booked: {item.name} on {day_label(item.proposed_on)}, {band_label(item.time_band).lower()}.")
        self.booked.emit(visit_id)
        self.refresh()

    def rebook_selected(self) -> BookDialog | None:
        item = self.selected
        if item is None or not self.can_write:
            return None
        booked = item.status == "booked"
        self.dialog = BookDialog(
            self.services, self.actor, self.worker, self.prompter, offender_id=item.offender_id,
            title=f"{item.name} ({item.reference})", earliest=item.window_earliest, latest=item.window_latest,
            days_overdue=item.days_overdue, window_reason=item.window_reason, on=item.proposed_on, time_band=item.time_band,
            officer_ids=item.officer_ids, officer_names=item.officer_names,
            time_bands=self.view.time_bands if self.view else (),
            visit_id=item.visit_id if booked else None, version_id=item.version_id if booked else None,
            on_reload=self.refresh, parent=self)
        self.dialog.saved.connect(lambda vid: self._booked_again(item, vid))
        self.dialog.open()
        return self.dialog

    def _booked_again(self, item: PlannedVisit, visit_id: int) -> None:
        self._status(f"{'Rebooked' if item.status == 'booked' else 'Booked'}: {item.name}.")
        self.booked.emit(visit_id)
        self.refresh()



@main_window_hook(order=40)
def add_planner(host: WorkflowHost) -> None:
    """Go > Planner (Ctrl+2), for everyone who works with cases."""
    if not host.actor.can(Permission.READ_CASES):
        return
    def make() -> PlannerPage:
        page = PlannerPage(host.services, host.actor, host.worker, host.prompter, scopes=host.scopes,
                           open_record=host.open_offender, status=host.show_status, parent=host.window)
        # A change made in a record window reloads the caseload: re-plan if the planner is on screen.
        host.caseload_loaded.connect(page.refresh_if_shown)
        return page

    host.add_page("planner", "&Planner", make, part=PlannerPage, order=20, shortcut="Ctrl+2")


def planner_of(host: WorkflowHost) -> PlannerPage | None:
    return host.part(PlannerPage)
