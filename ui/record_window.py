"""One offender's record: a header with the essentials and a tab per part of the record.

The window shows an OffenderRecord DTO; every change goes through a service on the worker and
is followed by reload_record (a re-read of a record already opened with a reason, not a new
consultation).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QBrush, QCloseEvent, QColor, QKeySequence, QPixmap, QShortcut
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from rso_manager.domain.dates import london_day
from rso_manager.domain.roles import Permission
from rso_manager.services.caseload import EntryRow, OffenderRecord, reload_record, void_entry
from rso_manager.services.errors import ValidationFailed
from rso_manager.services.person import PhotographImage, newest_photograph
from rso_manager.services.unit_of_work import Actor, Services
from ui import extensions
from ui.entry_dialogs import AddressDialog, AliasDialog
from ui.kit.formatting import fmt_date, fmt_datetime, gender_label, mappa_text, risk_label
from ui.kit.forms import report_failure
from ui.kit.record_page import DetailedSectionTab, RecordContext, SectionSpec, SectionTab
from ui.kit.tables import ListPanel, sorted_list_view
from ui.lookups import Lookups
from ui.offender_form import OffenderForm
from ui.prompter import Prompter
from ui.table_models import HistoryModel, history_lines, snapshot_of
from ui.worker import Worker

SECTIONS = (
    SectionSpec("case_log", "Case log",
                "Everything recorded on this case, newest first: visits, notifications, devices, breaches, "
                "sign-offs, referrals, notes and intelligence, corrections. Add a case note or intelligence here."),
    SectionSpec("person", "Person",
                "Photographs, physical description and distinguishing marks, vehicles, employment and "
                "education, online accounts and internet identifiers."),
    SectionSpec("identity", "Identity & aliases",
                "Other names this person uses or has used. A wrong entry is marked as entered in "
                "error, never deleted.", add="alias"),
    SectionSpec("addresses", "Addresses",
                "Home and other addresses with the dates they applied. A new home address ends "
                "the current one.", add="address"),
    SectionSpec("convictions", "Convictions & requirement",
                "Convictions, cautions and findings, recorded as soon as the OMU learns of them, and "
                "the notification requirement they start (SOA 2003 s.82)."),
    SectionSpec("orders", "Orders",
                "Civil orders (SHPO, SRO) with each prohibition and positive requirement and its own "
                "term."),
    SectionSpec("risk", "Risk & plan",
                "Risk assessments (ARMS, RM2000, OSP) and the risk management plan that sets how often "
                "the home visits fall due."),
    SectionSpec("visits", "Visits",
                "Home visits and office interviews: unannounced, two officers, at the home address "
                "unless a reason is given and signed off."),
    SectionSpec("devices", "Devices",
                "Phones, computers and other internet-enabled devices, declared or found, and every "
                "check made at a visit."),
    SectionSpec("notifications", "Notifications",
                "Statutory notifications, taken in person at a designated police station (s.87), with "
                "what is due, overdue and late."),
    SectionSpec("breaches", "Breaches & warnings",
                "Breaches of notification requirements or orders, each closed only by a crime "
                "reference or a signed reasoned decision, and formal warnings."),
    SectionSpec("relationships", "Relationships",
                "Partners, family, friends and associates, and any access to children."),
    SectionSpec("safeguarding", "Safeguarding",
                "Concerns, referrals to children's social care and disclosures (s.327A, child sex "
                "offender disclosure scheme), with their clocks."),
    SectionSpec("actions", "Actions",
                "Risk management plan actions with an owner, a due date and a recorded result."),
)


# Keys that work from any part of the record are their parts' (extensions.RECORD_WINDOW_KEYS).
# The window holds a stand-in for each until the part is built, which the key builds: building
# the devices part with the window was 84 ms of the 230 ms a record took to open (issue 16).


def status_text(record: OffenderRecord) -> str:
    """The case's status, and where a transfer between forces took it or brought it from."""
    status = record.status.capitalize()
    moved = record.force_transfer
    if moved is None:
        return status
    on = fmt_date(london_day(moved.transferred_at))
    if moved.direction == "out":
        return f"{status}: sent to {moved.other_force} on {on}"
    return f"{status} (transferred in from {moved.other_force} on {on})"


def _value_label(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setObjectName("headerValue")
    return label


class SectionNav(QWidget):
    """A list of the record's parts on the left and the chosen part on the right.

    Fourteen parts do not fit as tabs across a laptop screen (they scrolled out of sight), and a
    list keeps every part and its count visible. The interface mirrors QTabWidget's.

    A part added with add_part is built the first time it is shown or asked for (widget()):
    building all fourteen, each polished by the style sheet, blocked the GUI thread for seconds
    at every opening of a record.
    """

    currentChanged = Signal(int)  # noqa: N815 - Qt naming, as QTabWidget

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        self.list = QListWidget()
        self.list.setObjectName("sectionList")
        self.list.setFixedWidth(230)
        self.list.setUniformItemSizes(True)
        self.list.setAccessibleName("Parts of the record")
        self.stack = QStackedWidget()
        self.stack.setObjectName("sectionPages")
        layout.addWidget(self.list)
        layout.addWidget(self.stack, 1)
        self._builders: dict[int, Callable[[], QWidget]] = {}
        self.list.currentRowChanged.connect(self._changed)

    def _changed(self, row: int) -> None:
        if row >= 0:
            self.widget(row)
            self.stack.setCurrentIndex(row)
            self.currentChanged.emit(row)

    def add_part(self, title: str, build: Callable[[], QWidget]) -> int:
        """A page that BUILD makes when it is first needed; an empty stand-in until then."""
        index = self.addTab(QWidget(), title)
        self._builders[index] = build
        return index

    def is_built(self, index: int) -> bool:
        return index not in self._builders

    def addTab(self, widget: QWidget, title: str) -> int:  # noqa: N802
        self.stack.addWidget(widget)
        self.list.addItem(QListWidgetItem(title))
        if self.list.currentRow() < 0:
            self.list.setCurrentRow(0)
        return self.list.count() - 1

    def count(self) -> int:
        return self.list.count()

    def tabText(self, index: int) -> str:  # noqa: N802
        return self.list.item(index).text()

    def setTabText(self, index: int, text: str) -> None:  # noqa: N802
        self.list.item(index).setText(text)

    def set_empty(self, index: int, empty: bool) -> None:
        """Grey out parts with nothing recorded, so the eye goes to those with entries."""
        self.list.item(index).setForeground(QBrush(QColor("#8a94a0")) if empty else QBrush())

    def currentIndex(self) -> int:  # noqa: N802
        return self.list.currentRow()

    def setCurrentIndex(self, index: int) -> None:  # noqa: N802
        self.list.setCurrentRow(index)

    def widget(self, index: int) -> QWidget:
        build = self._builders.pop(index, None)
        if build is not None:
            stand_in = self.stack.widget(index)
            self.stack.insertWidget(index, build())
            self.stack.removeWidget(stand_in)
            stand_in.deleteLater()
        return self.stack.widget(index)


class RecordParts(Mapping[str, Any]):
    """The record window's parts by SectionSpec key; a part is built when first looked up."""

    def __init__(self, nav: SectionNav, indexes: dict[str, int], built: dict[str, Any]) -> None:
        self._nav, self._indexes, self._built = nav, indexes, built

    def __getitem__(self, key: str) -> Any:
        if key not in self._built:
            self._nav.widget(self._indexes[key])  # KeyError for a key that is no part
        return self._built[key]

    def __contains__(self, key: object) -> bool:
        return key in self._indexes

    def __iter__(self) -> Iterator[str]:
        return iter(self._indexes)

    def __len__(self) -> int:
        return len(self._indexes)


class RecordWindow(QMainWindow):
    changed = Signal(object)  # OffenderRecord after a change made here
    closed = Signal(int)  # offender_id

    def __init__(self, services: Services, actor: Actor, worker: Worker, prompter: Prompter,
                 record: OffenderRecord, *, lookups: Callable[[], Lookups | None] = lambda: None,
                 demo: bool = False, open_offender: Callable[..., Any] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self._services, self._actor, self._worker, self._prompter = services, actor, worker, prompter
        self._lookups = lookups
        self._demo = demo
        self.record = record
        self.can_write = actor.can(Permission.WRITE_CASES)
        self.form: OffenderForm | None = None
        self.entry_dialog: AliasDialog | AddressDialog | None = None
        self.resize(1100, 720)

        self._build_actions()
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(12, 8, 12, 8)
        if demo:
            banner = QLabel("DEMO DATA: every person on this record is fictional")
            banner.setObjectName("demoBanner")
            banner.setAlignment(Qt.AlignmentFlag.AlignCenter)
            layout.addWidget(banner)
        layout.addWidget(self._build_header())
        self.tabs = SectionNav()
        self.tabs.addTab(self._build_personal(), "Personal details")
        extensions.load()
        self.context = RecordContext(services, actor, worker, prompter, lookups, self._reload_after_change,
                                     self, show_part=self.show_part,
                                     show_status=lambda text: self.statusBar().showMessage(text, 10_000),
                                     show_entry=self.show_entry, current_record=lambda: self.record,
                                     open_offender=open_offender, select_in_part=self.select_in_part)
        # Each part is built when first shown (or looked up in section_tabs), not all at opening.
        self._built_parts: dict[str, Any] = {}
        self._part_indexes: dict[str, int] = {}
        self._stand_ins: dict[str, list[QShortcut]] = {}  # window keys of parts not yet built
        for spec in SECTIONS:
            self._part_indexes[spec.key] = self.tabs.add_part(spec.title, lambda sp=spec: self._build_part(sp))
        self.section_tabs = RecordParts(self.tabs, self._part_indexes, self._built_parts)
        self.tabs.addTab(self._build_history(), "History")
        self._add_record_actions()
        layout.addWidget(self.tabs, 1)
        self.setCentralWidget(central)
        self.set_record(record)
        for part, window_keys in extensions.RECORD_WINDOW_KEYS.items():
            for keys, what in window_keys:
                self._stand_in_key(part, keys, what)

    # --- building -------------------------------------------------------------------------------

    def _build_actions(self) -> None:
        toolbar = self._toolbar = self.addToolBar("Record")
        toolbar.setObjectName("recordToolbar")
        toolbar.setMovable(False)
        self.correct_action = QAction("Correct personal details...", self)
        self.correct_action.triggered.connect(self.open_correction)
        self.correct_action.setVisible(self.can_write)
        self.reload_action = QAction("Reload", self)
        self.reload_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Refresh))
        self.reload_action.triggered.connect(self.reload)
        self.close_action = QAction("Close", self)
        self.close_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Close))
        self.close_action.triggered.connect(self.close)
        if self.can_write:
            toolbar.addAction(self.correct_action)
        toolbar.addAction(self.reload_action)
        toolbar.addSeparator()
        toolbar.addAction(self.close_action)

    def _add_record_actions(self) -> None:
        """Whole-record actions from the workflows (``@record_action``), before Close."""
        before = self.close_action
        for make in extensions.record_actions():
            action = make(self.context)
            if action is not None:
                self._toolbar.insertAction(before, action)

    def _build_header(self) -> QWidget:
        frame = QFrame()
        frame.setObjectName("recordHeader")
        beside = QHBoxLayout(frame)
        beside.setContentsMargins(14, 10, 14, 10)
        # The newest photograph, so the officer knows the face before the door opens; read on
        # the worker after each (re)load, hidden while the record has none.
        self.header_photo = QLabel()
        self.header_photo.setObjectName("headerPhoto")
        self.header_photo.setFixedSize(64, 80)
        self.header_photo.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.header_photo.setVisible(False)
        self.header_photo_id: int | None = None
        beside.addWidget(self.header_photo, 0, Qt.AlignmentFlag.AlignTop)
        outer = QVBoxLayout()
        outer.setContentsMargins(0, 0, 0, 0)
        beside.addLayout(outer, 1)
        top = QHBoxLayout()
        self.name_label = QLabel()
        self.name_label.setObjectName("recordName")
        self.name_label.setTextFormat(Qt.TextFormat.PlainText)
        self.name_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        top.addWidget(self.name_label)
        self.risk_badge = QLabel()
        self.risk_badge.setObjectName("riskBadge")
        top.addWidget(self.risk_badge)
        top.addStretch(1)
        self.changed_label = QLabel()
        self.changed_label.setObjectName("hint")
        top.addWidget(self.changed_label)
        outer.addLayout(top)

        grid = QGridLayout()
        grid.setHorizontalSpacing(18)
        grid.setVerticalSpacing(4)
        self.header_values: dict[str, QLabel] = {}
        cells = [("reference", "Reference"), ("dob", "Date of birth"), ("manager", "Offender manager"),
                 ("team", "Team"), ("mappa", "MAPPA"), ("visit", "Next home visit due"),
                 ("notification", "Next notification due"), ("status", "Status")]
        for i, (key, caption) in enumerate(cells):
            row, col = divmod(i, 4)
            cap = QLabel(caption)
            cap.setObjectName("headerCaption")
            grid.addWidget(cap, row * 2, col)
            value = _value_label()
            grid.addWidget(value, row * 2 + 1, col)
            self.header_values[key] = value
        for col in range(4):
            grid.setColumnStretch(col, 1)
        outer.addLayout(grid)
        return frame

    def _stand_in_key(self, part: str, keys: str, what: str) -> None:
        """KEYS for PART until it is built: pressed, it builds the part and presses the part's own."""
        title = next(spec.title for spec in SECTIONS if spec.key == part)
        stand_in = QShortcut(QKeySequence(keys), self)
        stand_in.setContext(Qt.ShortcutContext.WindowShortcut)
        stand_in.setWhatsThis(what)  # listed by Help > Keyboard shortcuts as the part's own is
        stand_in.setProperty("shortcutWhere", f"Record > {title}")

        def pressed() -> None:
            own = getattr(self.section_tabs.get(part), "window_shortcuts", {}).get(keys)
            if own is not None:
                own.activated.emit()

        stand_in.activated.connect(pressed)
        self._stand_ins.setdefault(part, []).append(stand_in)

    def _build_part(self, spec: SectionSpec) -> QWidget:
        factory = extensions.RECORD_PAGES.get(spec.key)
        tab = factory(self.context, spec) if factory else SectionTab(spec, self.can_write)
        for stand_in in self._stand_ins.pop(spec.key, []):  # the part's own keys from now on
            stand_in.setEnabled(False)  # a disabled key is never matched, so never ambiguous
            stand_in.deleteLater()  # not at once: it may be the key being pressed
        if isinstance(tab, SectionTab):
            tab.void_requested.connect(self.void)
            tab.add_requested.connect(self.open_add_dialog)
        index = self._part_indexes[spec.key]
        if isinstance(tab, DetailedSectionTab):
            # A part that reads its own entries (the case log, the person) is counted once read.
            tab.details_loaded.connect(lambda i=index, sp=spec, t=tab: self._show_count(i, sp, t))
        self._built_parts[spec.key] = tab
        tab.set_record(self.record)
        self._show_count(index, spec, tab)
        return tab

    def _build_personal(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        form.setHorizontalSpacing(16)
        self.personal_values: dict[str, QLabel] = {}
        for key, caption in (("surname", "Surname"), ("forenames", "Forenames"),
                             ("date_of_birth", "Date of birth"), ("gender", "Gender"),
                             ("pnc_id", "PNC ID"), ("identifying_marks", "Identifying marks"),
                             ("offender_manager", "Offender manager"), ("team", "Team"),
                             ("mappa", "MAPPA"), ("reference", "Reference")):
            value = _value_label()
            value.setWordWrap(True)
            self.personal_values[key] = value
            form.addRow(QLabel(caption + ":"), value)
        layout.addLayout(form)
        if self.can_write:
            row = QHBoxLayout()
            button = QPushButton("Correct personal details...")
            button.setToolTip("Change these details; the values before your correction stay in History.")
            button.clicked.connect(self.open_correction)
            row.addWidget(button)
            row.addStretch(1)
            layout.addLayout(row)
        layout.addStretch(1)
        return page

    def _build_history(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        about = QLabel("Every correction and every entry marked in error, with who made it, when, "
                       "why, and what the record said before. Nothing here can be changed.")
        about.setWordWrap(True)
        about.setObjectName("hint")
        layout.addWidget(about)
        self.history_model = HistoryModel(self)
        self.history_view = sorted_list_view(self.history_model)
        # The reason and the old values are the point of this tab: they share the width and
        # wrap, rather than running off to the right. The list is short, so rows may grow.
        self.history_view.setWordWrap(True)
        self.history_view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header = self.history_view.horizontalHeader()
        for col in range(3):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(3, 30 * self.fontMetrics().averageCharWidth())
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self.history_panel = ListPanel(
            self.history_view, "No corrections yet: when details are corrected or an entry is marked as "
                               "entered in error, what the record said before is shown here.")
        layout.addWidget(self.history_panel, 1)
        return page

    # --- showing -------------------------------------------------------------------------------

    def set_record(self, record: OffenderRecord) -> None:
        self.record = record
        d = record.details
        today = self._services.clock.today()
        title = f"{record.name} ({record.reference})"
        self.setWindowTitle(("[DEMO] " if self._demo else "") + f"{title} - RSO Manager")
        self.name_label.setText(record.name)
        self.risk_badge.setText(f"Risk: {risk_label(record.risk_level)}")
        self.risk_badge.setProperty("level", record.risk_level or "none")
        self.risk_badge.style().unpolish(self.risk_badge)
        self.risk_badge.style().polish(self.risk_badge)
        changed = f"Last changed by {record.updated_by or 'unknown'} at {fmt_datetime(record.updated_at)}" \
            if record.updated_at else ""
        self.changed_label.setText(changed)
        dob = fmt_date(d.date_of_birth)
        if d.date_of_birth:
            age = today.year - d.date_of_birth.year - ((today.month, today.day) < (d.date_of_birth.month, d.date_of_birth.day))
            dob = f"{dob} (age {age})"
        values = {
            "reference": record.reference,
            "dob": dob,
            "manager": record.offender_manager or "Unallocated",
            "team": record.team or "No team",
            "mappa": mappa_text(d.mappa_category, d.mappa_level),
            "visit": fmt_date(record.next_visit_due, "Not planned"),
            "notification": fmt_date(record.next_notification_due, "Not set"),
            "status": status_text(record),
        }
        for key, text in values.items():
            self.header_values[key].setText(text)
        self._worker.submit(newest_photograph, self._services, self._actor, record.offender_id, owner=self,
                            on_success=self._show_header_photo, on_error=lambda _exc: self._show_header_photo(None))
        for key, due in (("visit", record.next_visit_due), ("notification", record.next_notification_due)):
            overdue = due is not None and due < today
            label = self.header_values[key]
            label.setProperty("overdue", overdue)
            label.setToolTip("Overdue" if overdue else "")
            label.style().unpolish(label)
            label.style().polish(label)

        personal = {
            "surname": d.surname, "forenames": d.forenames, "date_of_birth": dob,
            "gender": gender_label(d.gender), "pnc_id": d.pnc_id or "Not recorded",
            "identifying_marks": d.identifying_marks or "None recorded",
            "offender_manager": record.offender_manager or "Unallocated", "team": record.team or "No team",
            "mappa": mappa_text(d.mappa_category, d.mappa_level), "reference": record.reference,
        }
        for key, text in personal.items():
            self.personal_values[key].setText(text)

        for spec in SECTIONS:
            index = self._part_indexes[spec.key]
            tab = self._built_parts.get(spec.key)
            if tab is None:
                self._show_record_count(index, spec, record)
            else:
                tab.set_record(record)
                self._show_count(index, spec, tab)

        lookups = self._lookups()
        lines = history_lines(record.revisions, snapshot_of(record.details),
                              lookups.names() if lookups else None)
        self.history_model.set_rows(lines)
        self.history_panel.show_rows(len(lines))
        self.tabs.setTabText(self.tabs.count() - 1, f"History ({len(lines)})" if lines else "History")
        self.tabs.set_empty(self.tabs.count() - 1, not lines)

    def _show_header_photo(self, photo: PhotographImage | None) -> None:
        pixmap = QPixmap()
        if photo is None or not pixmap.loadFromData(photo.image):
            self.header_photo_id = None
            self.header_photo.setVisible(False)
            return
        self.header_photo_id = photo.id
        self.header_photo.setPixmap(pixmap.scaled(self.header_photo.size(), Qt.AspectRatioMode.KeepAspectRatio,
                                                  Qt.TransformationMode.SmoothTransformation))
        self.header_photo.setToolTip(f"Photograph taken {fmt_date(photo.taken_on)}")
        self.header_photo.setVisible(True)

    def _show_count(self, index: int, spec: SectionSpec, tab: Any) -> None:
        count = tab.count()
        self.tabs.setTabText(index, f"{spec.title} ({count})" if count else spec.title)
        self.tabs.set_empty(index, not count and not getattr(tab, "always_lit", False))

    def _show_record_count(self, index: int, spec: SectionSpec, record: OffenderRecord) -> None:
        """A part not built yet, counted from the record's own entries as its list would count
        them; a part the record lists nothing for (it reads its own: the case log, the person)
        is not greyed, as it is not known to be empty."""
        entries = record.sections.get(spec.key)
        count = sum(1 for e in entries if not e.voided) if entries is not None else 0
        self.tabs.setTabText(index, f"{spec.title} ({count})" if count else spec.title)
        self.tabs.set_empty(index, entries is not None and not count)

    def show_part(self, key: str) -> None:
        """Bring the part of the record with this SectionSpec key to the front."""
        tab = self.section_tabs.get(key)
        if tab is not None:
            self.tabs.setCurrentIndex(self.tabs.stack.indexOf(tab))

    def show_entry(self, key: str, entity_id: int, entity: str | None = None) -> Any:
        self.show_part(key)
        opener = getattr(self.section_tabs.get(key), "open_entry", None)
        if not callable(opener):
            return None
        return opener(entity_id) if entity is None else opener(entity_id, entity)

    def select_in_part(self, key: str, entity_id: int, entity: str | None = None) -> None:
        """The part KEY in front with that entry selected (once the part has read its entries)."""
        self.show_part(key)
        tab = self.section_tabs.get(key)
        if isinstance(tab, DetailedSectionTab):
            tab.when_loaded(lambda: tab.select_entry(entity_id, entity))
        elif isinstance(tab, SectionTab):
            tab.select_entry(entity_id, entity)

    def tab_index(self, title_start: str) -> int:
        for i in range(self.tabs.count()):
            if self.tabs.tabText(i).startswith(title_start):
                return i
        raise KeyError(title_start)

    # --- changing ------------------------------------------------------------------------------

    def reload(self) -> None:
        self._worker.submit(reload_record, self._services, self._actor, self.record.offender_id,
                            owner=self, on_success=self.set_record, on_error=self._report)

    def _changed(self, record: OffenderRecord) -> None:
        self.set_record(record)
        self.changed.emit(record)

    def _reload_after_change(self, *_args) -> None:
        self._worker.submit(reload_record, self._services, self._actor, self.record.offender_id,
                            owner=self, on_success=self._changed, on_error=self._report)

    def _report(self, exc: BaseException, title: str = "Something could not be done") -> None:
        report_failure(self._prompter, exc, title=title, on_reload=self.reload)

    def open_correction(self) -> OffenderForm:
        if self.form is not None and self.form.isVisible():
            self.form.raise_()
            return self.form
        self.form = OffenderForm(self._services, self._actor, self._worker, self._prompter,
                                 lookups=self._lookups(), record=self.record, parent=self)
        self.form.saved.connect(self._changed)
        self.form.reloaded.connect(self.set_record)
        self.form.open()
        return self.form

    def open_add_dialog(self, kind: str) -> AliasDialog | AddressDialog:
        cls = AliasDialog if kind == "alias" else AddressDialog
        self.entry_dialog = cls(self._services, self._actor, self._worker, self._prompter, self.record, parent=self)
        self.entry_dialog.added.connect(self._reload_after_change)
        self.entry_dialog.open()
        return self.entry_dialog

    def void(self, entry: EntryRow, *, problem: str | None = None, text: str = "") -> None:
        reason = self._prompter.ask_reason(
            "Mark as entered in error",
            f"Why is this entry wrong?\n\n{entry.summary}\n\nIt stays on the record, struck "
            "through, with your reason.", text=text, problem=problem)
        if reason is None:
            return

        def failed(exc: BaseException) -> None:
            if isinstance(exc, ValidationFailed) and exc.for_field("reason"):
                self.void(entry, problem=exc.for_field("reason"), text=reason)
            else:
                self._report(exc, "Not marked as entered in error")

        self._worker.submit(void_entry, self._services, self._actor, entry.entity, entry.id,
                            entry.version_id, reason, owner=self, on_success=self._reload_after_change, on_error=failed)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        if self.form is not None and self.form.isVisible() and self.form.is_dirty():
            if not self._prompter.confirm("Discard changes?", "The correction form has changes that "
                                          "are not saved. Close the record and lose them?",
                                          ok="Discard changes", cancel="Keep editing"):
                event.ignore()
                return
        self.closed.emit(self.record.offender_id)
        super().closeEvent(event)
