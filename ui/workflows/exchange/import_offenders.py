"""File > Import offenders...: choose a CSV or Excel file (or save the template first), see the
preview (the rows to create, every problem with its row and column, the records here that may be
the same people), then import every row or none.

Import stays disabled while the file has problems. The preview and the import run on the
worker, and the import uses the bytes that were previewed: a file changed after its preview
is not imported unseen.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QTabWidget,
    QWidget,
)

from rso_manager.domain.roles import Permission
from rso_manager.services.caseload import GENDERS
from rso_manager.services.errors import FieldProblem, ValidationFailed
from rso_manager.services.exchange import offender_import as imp
from rso_manager.services.exchange.offender_import import (
    ImportPreview,
    ImportProblem,
    ImportResult,
    ImportRow,
    PossibleDuplicate,
)
from rso_manager.services.unit_of_work import Actor, Services
from ui.extensions import WorkflowHost, main_window_hook
from ui.kit.dialogs import ServiceDialog
from ui.kit.formatting import fmt_date
from ui.kit.forms import report_failure
from ui.kit.save_location import Chooser, choose_save_path, documents_folder, with_suffix
from ui.kit.tables import Column, ListPanel, RowsModel, sorted_list_view

OPEN_FILTER = "Spreadsheets (*.csv *.xlsx);;CSV (*.csv);;Excel workbooks (*.xlsx)"
TEMPLATE_FILTER = "Excel workbook (*.xlsx);;CSV, comma separated (*.csv)"


def read_and_preview(services: Services, actor: Actor, path: str) -> tuple[bytes, ImportPreview]:
    """On the worker: the file's bytes and their preview (a file that cannot be read is a
    problem on "file", never a traceback)."""
    target = Path(path.strip())
    if not path.strip():
        raise ValidationFailed(FieldProblem("file", "Choose the CSV or Excel file to import."))
    try:
        size = target.stat().st_size
        if size > imp.MAX_FILE_BYTES:
            raise ValidationFailed(FieldProblem("file", (
                f"The file is {size / 1024 / 1024:.1f} MB; at most {imp.MAX_FILE_BYTES // 1024 // 1024} MB "
                "is imported at once: split it.")))
        data = target.read_bytes()
    except OSError as exc:
        raise ValidationFailed(FieldProblem("file", f"The file cannot be read ({exc.strerror or exc}): "
                                                    "check the name and that you may open it.")) from exc
    return data, imp.preview_import(services, actor, data, target.name)


def save_template(path: str) -> str:
    fmt = "csv" if path.casefold().endswith(".csv") else "xlsx"
    target = with_suffix(path, "." + fmt)
    target.write_bytes(imp.template_bytes(fmt))
    return str(target)


class _RowsToCreate(RowsModel[ImportRow]):
    COLUMNS = (
        Column[ImportRow]("Row", lambda r: str(r.row), sort=lambda r: r.row),
        Column[ImportRow]("Name", lambda r: r.name),
        Column[ImportRow]("Born", lambda r: fmt_date(r.draft.date_of_birth), sort=lambda r: r.draft.date_of_birth),
        Column[ImportRow]("Gender", lambda r: GENDERS.get(r.draft.gender or "", "")),
        Column[ImportRow]("PNC ID", lambda r: r.draft.pnc_id or ""),
        Column[ImportRow]("Offender manager", lambda r: r.offender_manager),
        Column[ImportRow]("Team", lambda r: r.team or ""),
        Column[ImportRow]("MAPPA", lambda r: f"category {r.draft.mappa_category}, level {r.draft.mappa_level}"),
    )

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(self.COLUMNS, parent)


class _Problems(RowsModel[ImportProblem]):
    COLUMNS = (
        Column[ImportProblem]("Row", lambda p: str(p.row) if p.row else "", sort=lambda p: p.row),
        Column[ImportProblem]("Column", lambda p: "" if p.column == imp.FILE else p.column),
        Column[ImportProblem]("What to put right", lambda p: p.message),
    )

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(self.COLUMNS, parent)


class _Duplicates(RowsModel[PossibleDuplicate]):
    COLUMNS = (
        Column[PossibleDuplicate]("Row", lambda d: str(d.row), sort=lambda d: d.row),
        Column[PossibleDuplicate]("Record here", lambda d: d.reference),
        Column[PossibleDuplicate]("Name", lambda d: d.name),
        Column[PossibleDuplicate]("Why", lambda d: d.why),
        Column[PossibleDuplicate]("Offender manager", lambda d: d.offender_manager
                                  + ("" if d.inside_link else " (outside your caseload)")),
    )

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(self.COLUMNS, parent)


def _table(model: RowsModel, name: str, stretch: int) -> QTableView:
    view = sorted_list_view(model, wrap=True)
    view.setAccessibleName(name)
    header = view.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    return view


class ImportDialog(ServiceDialog):
    """Test seams: path, preview_button, summary, tabs, created, problems, duplicates (models),
    confirm, save_button, preview, chooser, template()."""

    def __init__(self, host: WorkflowHost, chooser: Chooser = choose_save_path) -> None:
        super().__init__(host.services, host.actor, host.worker, host.prompter,
                         title="Import offenders", heading="Import offenders from a spreadsheet",
                         hint="Choose a CSV or Excel file with a row of headings and one offender a row (Save "
                              "template... gives the headings; docs/import-columns.md describes each). The "
                              "preview shows what will be created and every problem by row and column; "
                              "nothing is imported until every row is right, and then every row is.",
                         save_text="&Import", failure_title="Nothing imported", min_width=900,
                         parent=host.window)
        self.host, self.chooser = host, chooser
        self.preview: ImportPreview | None = None
        self._data: bytes | None = None
        where = QWidget()
        line = QHBoxLayout(where)
        line.setContentsMargins(0, 0, 0, 0)
        self.path = QLineEdit()
        self.path.setAccessibleName("File to import")
        self.path.setPlaceholderText("The .csv or .xlsx file")
        self.choose = QPushButton("C&hoose...")
        self.choose.clicked.connect(self._choose)
        self.template_button = QPushButton("Save &template...")
        self.template_button.setToolTip("An empty spreadsheet with the headings, to fill in")
        self.template_button.clicked.connect(lambda: self.template())
        self.preview_button = QPushButton("Pre&view")
        self.preview_button.setShortcut(QKeySequence("Ctrl+P"))
        self.preview_button.setToolTip("Check the file and show what it would create (Ctrl+P)")
        self.preview_button.clicked.connect(self.ask_preview)
        for w in (self.path,):
            line.addWidget(w, 1)
        for b in (self.choose, self.preview_button, self.template_button):
            line.addWidget(b)
        self.row("&File", "file", where)
        self.summary = QLabel("")
        self.summary.setObjectName("hint")
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.layout_.addWidget(self.summary)
        # Owned by the dialog: they go with it (and the model tests find them on screen).
        self.created, self.problems, self.duplicates = _RowsToCreate(self), _Problems(self), _Duplicates(self)
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName("Import preview")
        self.created_panel = ListPanel(_table(self.created, "Records to create", 1),
                                       "Nothing to create yet: choose a file and Preview.")
        self.problem_panel = ListPanel(_table(self.problems, "Problems to put right", 2),
                                       "No problems.")
        self.duplicate_panel = ListPanel(_table(self.duplicates, "Possible duplicates", 2),
                                         "No record here has the same name and date of birth, or the same PNC ID.")
        self.tabs.addTab(self.created_panel, "To create")
        self.tabs.addTab(self.problem_panel, "Problems")
        self.tabs.addTab(self.duplicate_panel, "Possible duplicates")
        self.tabs.setMinimumHeight(300)
        self.layout_.addWidget(self.tabs, 1)
        self.confirm = QCheckBox("I have looked at the possible duplicates: these rows are &new people")
        self.confirm.setAccessibleName("Confirm the rows are new people")
        self.layout_.addWidget(self.errors.add("confirm_duplicates", self.confirm))
        self.finish()
        self.path.textChanged.connect(self._forget_preview)
        self._forget_preview()

    # --- the file --------------------------------------------------------------------------------

    def _choose(self) -> None:
        chosen, _ = QFileDialog.getOpenFileName(self, "The spreadsheet to import", self.path.text(), OPEN_FILTER)
        if chosen:
            self.path.setText(chosen)
            self.ask_preview()

    def template(self) -> str | None:
        path = self.chooser(self, "Save the import template", str(documents_folder() / "offender-import.xlsx"),
                            TEMPLATE_FILTER)
        if not path:
            return None
        try:
            saved = save_template(path)
        except OSError as exc:
            self._prompter.warning("The template was not saved", f"{exc.strerror or exc}: choose another folder.")
            return None
        self.host.show_status(f"Template saved to {saved}.")
        return saved

    def _forget_preview(self) -> None:
        self.preview, self._data = None, None
        for model in (self.created, self.problems, self.duplicates):
            model.set_rows([])
        self._show_counts()
        self.summary.setText("Choose the file, then Preview.")
        self.confirm.setVisible(False)
        self.confirm.setChecked(False)
        self.save_button.setEnabled(False)

    def ask_preview(self) -> None:
        self.errors.clear()
        self.preview_button.setEnabled(False)
        self.summary.setText("Checking the file...")
        self._worker.submit(read_and_preview, self._services, self._actor, self.path.text(), owner=self,
                            on_success=self._previewed, on_error=self._preview_failed)

    def _preview_failed(self, exc: BaseException) -> None:
        self.preview_button.setEnabled(True)
        self.summary.setText("")
        report_failure(self._prompter, exc, title="Cannot preview the file", errors=self.errors)

    def _previewed(self, answer: tuple[bytes, ImportPreview]) -> None:
        self.show_preview(*answer)

    def show_preview(self, data: bytes, preview: ImportPreview) -> None:
        self.preview_button.setEnabled(True)
        self.preview, self._data = preview, data
        self.created.set_rows(preview.rows)
        self.problems.set_rows(preview.problems)
        self.duplicates.set_rows(preview.duplicates)
        self._show_counts()
        read = f"Read as {preview.encoding}. " if preview.encoding else ""
        if preview.problems:
            rows = len({p.row for p in preview.problems if p.row})
            text = (f"{read}{len(preview.problems)} problem{'s' if len(preview.problems) != 1 else ''}"
                    + (f" in {rows} row{'s' if rows != 1 else ''}" if rows else "")
                    + ": put them right in the spreadsheet, save it and Preview again. Nothing is imported "
                      "while any row has a problem.")
            self.tabs.setCurrentWidget(self.problem_panel)
        else:
            n = len(preview.rows)
            text = f"{read}{n} record{'s' if n != 1 else ''} will be created, all in one go."
            if preview.duplicates:
                text += (f" {len(preview.duplicates)} may already be here: look at Possible duplicates "
                         "before importing.")
            self.tabs.setCurrentWidget(self.duplicate_panel if preview.duplicates else self.created_panel)
        self.summary.setText(text)
        self.confirm.setVisible(bool(preview.duplicates) and not preview.problems)
        self.save_button.setEnabled(preview.can_import)

    def _show_counts(self) -> None:
        for i, (name, model, panel) in enumerate((("To create", self.created, self.created_panel),
                                                  ("Problems", self.problems, self.problem_panel),
                                                  ("Possible duplicates", self.duplicates, self.duplicate_panel))):
            n = model.rowCount()
            self.tabs.setTabText(i, f"{name} ({n})" if n else name)
            panel.show_rows(n)

    # --- importing -------------------------------------------------------------------------------

    def submit(self) -> None:
        if self.preview is None or self._data is None or not self.preview.can_import:
            return
        self.call(imp.import_offenders, self._services, self._actor, self._data, self.preview.file_name,
                  confirm_duplicates=self.confirm.isChecked())

    def _failed(self, exc: BaseException) -> None:
        super()._failed(exc)
        self.save_button.setEnabled(self.preview is not None and self.preview.can_import)

    def after_success(self, result: ImportResult) -> None:
        n = len(result.references)
        self.host.prompter.info("Offenders imported", (
            f"{n} record{'s' if n != 1 else ''} created from {result.file_name}: "
            f"{', '.join(result.references[:10])}{' ...' if n > 10 else ''}. The import is recorded in the "
            "audit trail."))
        self.host.refresh()


class ImportController:
    """File > Import offenders... (holds the dialog: a second press raises it)."""

    def __init__(self, host: WorkflowHost) -> None:
        self.host = host
        self.dialog: ImportDialog | None = None
        self.action = QAction("Import &offenders...", host.window)
        self.action.setStatusTip("New records from a CSV or Excel file: a preview first, then every row or none")
        self.action.triggered.connect(self.open)

    def open(self) -> ImportDialog:
        if self.dialog is not None and self.dialog.isVisible():
            self.dialog.raise_()
            return self.dialog
        self.dialog = ImportDialog(self.host)
        self.dialog.open()
        return self.dialog


@main_window_hook(order=75)
def install(host: WorkflowHost) -> None:
    if not host.actor.can(Permission.WRITE_CASES):
        return
    controller = ImportController(host)
    host.add_menu_action("file", controller.action, order=42)
    host.add_part(controller)
