"""Go > Audit trail (Ctrl+5), for the OMU lead and the administrator: who opened or changed which
record, when and why, newest first, filtered by dates, user, record and kind of action, a page
at a time, and exported to CSV or PDF.

The page only gathers the filter: the permission, the administrator's references-only view, the
paging, the owner-only file and the audit rows (one per search, one per export) all come from
rso_manager.services.audit_trail, run on the worker.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QStandardPaths
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from rso_manager.domain.roles import Permission, Role
from rso_manager.services.audit_trail import (
    ACTION_KINDS,
    TrailEvent,
    TrailExport,
    TrailFilter,
    TrailPage,
    audit_trail,
    export_trail,
)
from rso_manager.services.errors import FieldProblem, ValidationFailed
from rso_manager.services.users import UserInfo, list_users
from ui.extensions import WorkflowHost, main_window_hook
from ui.kit.formatting import fmt_datetime
from ui.kit.forms import DateField, FieldErrors, combo_data, report_failure
from ui.kit.tables import Column, ListPanel, RowsModel, configure_list_view

# (parent, caption, suggested path, filter) -> the chosen path, or "" if cancelled.
Chooser = Callable[[QWidget, str, str, str], str]

FILTERS = {"csv": "CSV files (*.csv)", "pdf": "PDF documents (*.pdf)"}
EMPTY = "No event matches this filter. Widen the dates, or clear the user, record or action."

COLUMNS: list[Column[TrailEvent]] = [
    Column("When", lambda e: fmt_datetime(e.occurred_at)),
    Column("Who", lambda e: e.who),
    Column("Role", lambda e: e.role),
    Column("Action", lambda e: e.action_text, tooltip=lambda e: e.action),
    Column("Record", lambda e: e.record, tooltip=lambda e: e.record or None),
    Column("Why", lambda e: e.reason, tooltip=lambda e: e.reason or None),
    Column("Outcome", lambda e: e.outcome),
]


def choose_save_path(parent: QWidget, caption: str, suggested: str, file_filter: str) -> str:
    path, _selected = QFileDialog.getSaveFileName(parent, caption, suggested, file_filter)
    return path


def documents_folder() -> str:
    return (QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
            or str(Path.home()))


def _labelled(text: str, field: QWidget) -> QWidget:
    """A caption above its field (and the field's error line), so the bar stays one row."""
    box = QWidget()
    column = QVBoxLayout(box)
    column.setContentsMargins(0, 0, 0, 0)
    column.setSpacing(2)
    caption = QLabel(text)
    caption.setBuddy(field)
    column.addWidget(caption)
    column.addWidget(field)
    column.addStretch(1)
    return box


class AuditTrailPage(QWidget):
    """The filter bar, the events, Load more and the two exports."""

    def __init__(self, host: WorkflowHost) -> None:
        super().__init__()
        self.host = host
        self.chooser: Chooser = choose_save_path
        self.folder: Callable[[], str] = documents_folder
        self.filter = TrailFilter()  # what the list shows: exports take this, not half-typed boxes
        self.loaded = False
        self.more = False  # older events match what the list shows
        layout = QVBoxLayout(self)
        title = QLabel("Audit trail")
        title.setObjectName("pageTitle")
        layout.addWidget(title)
        hint = ("Who opened or changed which record, when and why, newest first. Every search and "
                "every export is itself recorded in the trail.")
        if host.actor.role is Role.ADMINISTRATOR:
            hint += (" Administrators do not read case records, so records are named by reference "
                     "only and reasons typed on a case are not shown.")
        note = QLabel(hint)
        note.setWordWrap(True)
        note.setObjectName("hint")
        layout.addWidget(note)

        self.errors = FieldErrors()
        self.date_from, self.date_to = DateField(), DateField()
        self.user = QComboBox()
        self.user.addItem("Anyone", None)
        self.user.setMinimumContentsLength(18)
        self.reference = QLineEdit()
        self.reference.setPlaceholderText("e.g. RSO-000123")
        self.reference.setMaxLength(20)
        self.kind = QComboBox()
        self.kind.addItem("Any action", None)
        for key, label in ACTION_KINDS:
            self.kind.addItem(label, key)
        self.search_button = QPushButton("&Search")
        self.search_button.setDefault(True)
        self.search_button.clicked.connect(self.search)
        self.reference.returnPressed.connect(self.search)
        self.clear_button = QPushButton("C&lear")
        self.clear_button.clicked.connect(self.clear_filter)
        bar = QHBoxLayout()
        bar.setSpacing(8)
        for caption, name, widget in (("&From", "date_from", self.date_from), ("&To", "date_to", self.date_to),
                                      ("&User", "user_id", self.user), ("&Record", "reference", self.reference),
                                      ("&Action", "kind", self.kind)):
            bar.addWidget(_labelled(caption, self.errors.add(name, widget)))
        buttons = QVBoxLayout()
        buttons.addStretch(1)
        row = QHBoxLayout()
        row.addWidget(self.search_button)
        row.addWidget(self.clear_button)
        buttons.addLayout(row)
        bar.addLayout(buttons)
        bar.addStretch(1)
        layout.addLayout(bar)
        layout.addWidget(self.errors.general)

        self.model: RowsModel[TrailEvent] = RowsModel(COLUMNS, self)
        self.table = QTableView()
        self.table.setObjectName("auditTrailTable")
        self.table.setModel(self.model)
        configure_list_view(self.table)
        header = self.table.horizontalHeader()
        record_width = 120 if host.actor.role is Role.ADMINISTRATOR else 240  # references only
        for column, width in enumerate((128, 170, 128, 190, record_width, 0, 80)):
            if width:
                header.resizeSection(column, width)
        header.setSectionResizeMode(5, QHeaderView.ResizeMode.Stretch)
        self.panel = ListPanel(self.table, EMPTY)
        layout.addWidget(self.panel, 1)

        foot = QHBoxLayout()
        self.count = QLabel("")
        self.count.setObjectName("hint")
        foot.addWidget(self.count, 1)
        self.more_button = QPushButton("Load &more")
        self.more_button.setToolTip("The next events, older than the last one shown")
        self.more_button.clicked.connect(self.load_more)
        self.more_button.setEnabled(False)
        self.csv_button = QPushButton("Export &CSV...")
        self.csv_button.clicked.connect(lambda: self.export("csv"))
        self.pdf_button = QPushButton("Export &PDF...")
        self.pdf_button.clicked.connect(lambda: self.export("pdf"))
        for button in (self.more_button, self.csv_button, self.pdf_button):
            foot.addWidget(button)
        layout.addLayout(foot)
        host.worker.submit(list_users, host.services, host.actor, owner=self,
                           on_success=self._users_loaded, on_error=host.report)

    # --- the filter -----------------------------------------------------------------------

    def _users_loaded(self, users: list[UserInfo]) -> None:
        for u in users:
            self.user.addItem(f"{u.display_name} ({u.username})", u.id)

    def typed_filter(self) -> TrailFilter:
        return TrailFilter(date_from=self.date_from.date(), date_to=self.date_to.date(),
                           user_id=combo_data(self.user), reference=self.reference.text().strip(),
                           kind=combo_data(self.kind))

    def _typed_problems(self) -> bool:
        """Dates typed that are not dates: said under the box, not searched as 'no date'."""
        problems = [FieldProblem(name, "Type the date as DD/MM/YYYY, or clear the box.")
                    for name, field in (("date_from", self.date_from), ("date_to", self.date_to))
                    if field.text().strip() and field.date() is None]
        if problems:
            self.errors.show(ValidationFailed(problems))
        return bool(problems)

    def clear_filter(self) -> None:
        self.date_from.set_date(None)
        self.date_to.set_date(None)
        self.user.setCurrentIndex(0)
        self.reference.clear()
        self.kind.setCurrentIndex(0)
        self.search()

    # --- the list -------------------------------------------------------------------------

    def refresh(self) -> None:
        """Shown from the Go menu: the first search, once (each search is an audit row)."""
        if not self.loaded:
            self.search()

    def search(self) -> None:
        self.errors.clear()
        if self._typed_problems():
            return
        wanted = self.typed_filter()
        self.loaded = True
        self._busy(True)
        self.host.worker.submit(audit_trail, self.host.services, self.host.actor, wanted, owner=self,
                                on_success=lambda page: self._shown(wanted, page, fresh=True),
                                on_error=self._failed)

    def load_more(self) -> None:
        rows = self.model.rows()
        if not rows:
            return
        shown = self.filter
        self._busy(True)
        self.host.worker.submit(audit_trail, self.host.services, self.host.actor, shown,
                                before_id=rows[-1].id, owner=self,
                                on_success=lambda page: self._shown(shown, page, fresh=False),
                                on_error=self._failed)

    def _shown(self, wanted: TrailFilter, page: TrailPage, *, fresh: bool) -> None:
        self._busy(False)
        self.filter = wanted
        rows = list(page.events) if fresh else self.model.rows() + list(page.events)
        self.model.set_rows(rows)
        self.panel.show_rows(len(rows))
        self.more = page.more
        self.more_button.setEnabled(page.more)
        n = len(rows)
        self.count.setText(f"{n:,} event{'s' if n != 1 else ''} shown, newest first"
                           + ("; Load more for older ones." if page.more else "."))

    def _failed(self, exc: BaseException) -> None:
        self._busy(False)
        report_failure(self.host.prompter, exc, title="Audit trail", errors=self.errors)

    def _busy(self, busy: bool) -> None:
        for button in (self.search_button, self.csv_button, self.pdf_button):
            button.setEnabled(not busy)
        self.more_button.setEnabled(self.more and not busy)

    # --- the exports ----------------------------------------------------------------------

    def export(self, fmt: str) -> None:
        """The events the list shows (its filter, every page of it) to a file the user chooses."""
        stamp = self.host.services.clock.now().strftime("%Y%m%d-%H%M")
        suggested = str(Path(self.folder()) / f"audit-trail-{stamp}.{fmt}")
        path = self.chooser(self, f"Export the audit trail as {fmt.upper()}", suggested, FILTERS[fmt])
        if not path:
            return
        if not path.lower().endswith(f".{fmt}"):
            path += f".{fmt}"
        self.errors.clear()
        self._busy(True)
        self.host.worker.submit(export_trail, self.host.services, self.host.actor, self.filter, path, fmt,
                                owner=self, on_success=self._exported, on_error=self._failed)

    def _exported(self, result: TrailExport) -> None:
        self._busy(False)
        self.host.show_status(f"Audit trail exported to {result.path} ({result.rows:,} events)", 15000)


@main_window_hook(order=120)
def add_audit_trail(host: WorkflowHost) -> None:
    if not host.actor.can(Permission.READ_AUDIT_TRAIL):
        return
    action = host.add_page("audit_trail", "Audit &trail", lambda: AuditTrailPage(host), part=AuditTrailPage,
                           order=50, shortcut="Ctrl+5")
    action.setStatusTip("Who opened or changed which record, when and why")
