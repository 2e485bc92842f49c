"""File > Print compliance summary... (Ctrl+P): the compliance summary as a PDF or JSON file, or
on paper through the system print dialog.

For supervisors and OMU leads (Permission.PRINT_REPORTS). The dialog only gathers the choices:
the defaults, the checks, the file name, the owner-only write and the audit row all come from
rso_manager.services.reports, run on the worker. A Cancel while the report is being built
abandons it: the service is asked between its steps, so nothing is written or audited.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, QStandardPaths, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressDialog,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from rso_manager.domain.roles import Permission
from rso_manager.reports.compliance_figures import Scope
from rso_manager.reports.compliance_pdf import FULL_LISTS_OPTION, SUMMARY_ROWS
from rso_manager.services.errors import FieldProblem, ValidationFailed
from rso_manager.services.reports import (
    ReportFileExists,
    ReportOptions,
    SavedReport,
    compliance_report,
    compliance_report_options,
    report_file_name,
    request_problems,
    save_compliance_report,
)
from rso_manager.services.unit_of_work import Actor, Services
from ui.extensions import WorkflowHost, main_window_hook
from ui.kit.forms import DateField, FieldErrors, report_failure
from ui.kit.printing import (
    AskPrinter,
    Opener,
    ReportPrinter,
    ask_printer,
    open_in_viewer,
    print_pdf,
)
from ui.prompter import Prompter
from ui.worker import Worker

# (parent, caption, suggested path, filter) -> the chosen path, or "" if cancelled.
Chooser = Callable[[QWidget, str, str, str], str]

SCOPE_KINDS = (("force", "Whole force"), ("team", "A team"), ("officer", "One officer"))
LISTED_IN_SUMMARY = ("force", "team")  # scopes whose PDF shows the oldest of each list unless asked
FORMAT_FILTERS = {"pdf": "PDF documents (*.pdf)", "json": "JSON files (*.json)"}
STEPS = ("Counting the figures...", "Laying out the report...", "Saving the file...", "Saved.")


def choose_save_path(parent: QWidget, caption: str, suggested: str, file_filter: str) -> str:
    path, _selected = QFileDialog.getSaveFileName(parent, caption, suggested, file_filter)
    return path


def documents_folder() -> str:
    return QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation) or str(Path.home())


def print_compliance_report(services: Services, actor: Actor, scope: Scope, period_from, period_to, as_of,
                            printer: QPrinter, *, cancelled: Callable[[], bool],
                            progress: Callable[[int, int], None], full_lists: bool = False) -> int:
    """Worker thread: the summary's PDF (audited as a print, as a saved one is), then its pages
    onto PRINTER; the number of pages sent. Progress (0, 0) while the PDF is being built, then
    (pages sent, pages)."""
    problems = request_problems(period_from, period_to, as_of, services.clock.today())
    if problems:
        raise ValidationFailed(problems)
    progress(0, 0)
    pdf = compliance_report(services, actor, scope, period_from, period_to, as_of, "pdf", full_lists=full_lists,
                            cancelled=cancelled)
    return print_pdf(pdf, printer, cancelled=cancelled, progress=progress)


def _row(*widgets: QWidget, stretch_first: bool = True) -> QWidget:
    """Widgets side by side, top-aligned (so an error line under one does not shift the others);
    without stretch_first the last one takes the spare width."""
    box = QWidget()
    row = QHBoxLayout(box)
    row.setContentsMargins(0, 0, 0, 0)
    row.setSpacing(6)
    for i, widget in enumerate(widgets):
        grow = (i == 0) if stretch_first else (i == len(widgets) - 1)
        row.addWidget(widget, 1 if grow else 0, Qt.AlignmentFlag.AlignTop)
    return box


class ComplianceSummaryDialog(QDialog):
    """Shown with open(). Test seams: `ready` (options loaded), set_scope(), submit(), `finished_job`."""

    ready = Signal()
    saved = Signal(object)  # SavedReport
    printed = Signal(int)  # pages sent to the printer
    finished_job = Signal(str)  # "saved", "printed", "cancelled", "failed"

    def __init__(self, services: Services, actor: Actor, worker: Worker, prompter: Prompter, *,
                 chooser: Chooser, opener: Opener, folder: Callable[[], str],
                 ask_printer: AskPrinter = ask_printer, scope: Scope | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services, self._actor, self._worker, self._prompter = services, actor, worker, prompter
        self._chooser, self._opener, self._folder = chooser, opener, folder
        self._ask_printer = ask_printer
        self._printer: QPrinter | None = None  # the one being printed on, kept alive meanwhile
        self._wanted_scope = scope
        self.options: ReportOptions | None = None
        self._auto_path = True  # the file name follows the choices until the user picks one
        self._replace_confirmed: str | None = None  # a path the file dialog already asked about
        self._cancel: threading.Event | None = None
        self.progress: QProgressDialog | None = None
        self.setWindowTitle("Print compliance summary")
        self.setMinimumWidth(620)

        layout = QVBoxLayout(self)
        heading = QLabel("Compliance summary")
        heading.setObjectName("dialogHeading")
        layout.addWidget(heading)
        note = QLabel("The figures and exception lists an OMU lead or an inspector needs, for the force, "
                      "a team or one officer, marked OFFICIAL-SENSITIVE: saved as a file only you can "
                      "read, or printed on a printer you choose. Either way it is recorded in the "
                      "audit trail.")
        note.setObjectName("hint")
        note.setWordWrap(True)
        layout.addWidget(note)
        self.loading = QLabel("Loading teams and officers...")
        self.loading.setObjectName("loading")
        layout.addWidget(self.loading)

        self.errors = FieldErrors()
        layout.addWidget(self.errors.general)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        form.setVerticalSpacing(8)

        self.scope_kind = QComboBox()
        self.scope_kind.setAccessibleName("Report on")
        for key, label in SCOPE_KINDS:
            self.scope_kind.addItem(label, key)
        self.scope_name = QComboBox()
        self.scope_name.setEditable(True)
        self.scope_name.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.scope_name.setMinimumWidth(260)
        self.scope_name.setAccessibleName("Team or officer")
        scope_box = _row(self.scope_kind, self.errors.add("scope", self.scope_name), stretch_first=False)
        caption = QLabel("&Report on")
        caption.setBuddy(self.scope_kind)
        form.addRow(caption, scope_box)

        self.period_from = DateField(calendar_start=self._today)
        self.period_from.edit.setAccessibleName("Period from")
        self.period_to = DateField(calendar_start=self._today)
        self.period_to.edit.setAccessibleName("Period to")
        to_label = QLabel("to")
        to_label.setFixedHeight(self.period_to.edit.sizeHint().height())  # level with the dates
        period_box = QWidget()
        period_row = QHBoxLayout(period_box)
        period_row.setContentsMargins(0, 0, 0, 0)
        period_row.addWidget(self.errors.add("period_from", self.period_from), 1, Qt.AlignmentFlag.AlignTop)
        period_row.addWidget(to_label, 0, Qt.AlignmentFlag.AlignTop)
        period_row.addWidget(self.errors.add("period_to", self.period_to), 1, Qt.AlignmentFlag.AlignTop)
        caption = QLabel("&Period")
        caption.setBuddy(self.period_from)
        form.addRow(caption, period_box)

        self.as_of = DateField(calendar_start=self._today)
        self.as_of.edit.setAccessibleName("As of")
        as_of_hint = QLabel("Outstanding items are judged at the end of this day.")
        as_of_hint.setObjectName("hint")
        as_of_hint.setWordWrap(True)
        as_of_hint.setMinimumHeight(self.as_of.edit.sizeHint().height())  # level with the date
        caption = QLabel("&As of")
        caption.setBuddy(self.as_of)
        form.addRow(caption, _row(self.errors.add("as_of", self.as_of), as_of_hint, stretch_first=False))
        for field in (self.period_from, self.period_to, self.as_of):
            field.edit.setMinimumWidth(self.fontMetrics().horizontalAdvance("00/00/00000") + 16)

        self.pdf = QRadioButton("PDF, to read or print")
        self.json = QRadioButton("JSON, for analysis")
        self.pdf.setChecked(True)
        self.formats = QButtonGroup(self)
        self.formats.addButton(self.pdf)
        self.formats.addButton(self.json)
        format_box = QWidget()
        format_row = QHBoxLayout(format_box)
        format_row.setContentsMargins(0, 0, 0, 0)
        format_row.addWidget(self.pdf)
        format_row.addWidget(self.json)
        format_row.addStretch(1)
        form.addRow("Format", self.errors.add("format", format_box))

        self.full_lists = QCheckBox("&" + FULL_LISTS_OPTION)
        self.full_lists.setToolTip(f"The summary of the force or a team lists the {SUMMARY_ROWS} oldest cases of "
                                   "each exception list; tick to print every case (the force's team by team): "
                                   "a long print")
        self.full_lists.setAccessibleName(FULL_LISTS_OPTION)
        lists_hint = QLabel(f"A summary shows each team's (or officer's) counts and the {SUMMARY_ROWS} oldest of "
                            "each list; an officer's lists every case.")
        lists_hint.setObjectName("hint")
        lists_hint.setWordWrap(True)
        form.addRow("Lists", _row(self.full_lists, lists_hint, stretch_first=False))

        self.path = QLineEdit()
        self.path.setAccessibleName("Save to")
        self.path.textEdited.connect(self._path_typed)
        self.browse = QPushButton("&Browse...")
        self.browse.clicked.connect(self.choose_path)
        caption = QLabel("&Save to")
        caption.setBuddy(self.path)
        form.addRow(caption, _row(self.errors.add("path", self.path), self.browse))
        layout.addLayout(form)

        self.status = QLabel()
        self.status.setObjectName("hint")
        self.status.setWordWrap(True)
        self.status.setVisible(False)
        layout.addWidget(self.status)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.save_button = self.buttons.addButton("Save report", QDialogButtonBox.ButtonRole.AcceptRole)
        self.print_button = self.buttons.addButton("&Print...", QDialogButtonBox.ButtonRole.ActionRole)
        self.print_button.setToolTip("Print the summary (as the PDF) on a printer you choose; nothing is saved")
        self.print_button.clicked.connect(self.print_report)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.save_button.setDefault(True)  # once in the dialog, which only then takes it as its default

        self.scope_kind.currentIndexChanged.connect(self._kind_changed)
        self.scope_name.currentTextChanged.connect(lambda _t: self._refresh_path())
        self.as_of.changed.connect(self._refresh_path)
        self.pdf.toggled.connect(lambda _on: self._format_changed())
        self._set_inputs_enabled(False)
        self._worker.submit(compliance_report_options, services, actor, owner=self,
                            on_success=self._options_loaded, on_error=self._options_failed)

    # --- filling in ------------------------------------------------------------------------------

    def _today(self):
        return self._services.clock.today()

    def _set_inputs_enabled(self, enabled: bool) -> None:
        for widget in (self.scope_kind, self.scope_name, self.period_from, self.period_to, self.as_of,
                       self.pdf, self.json, self.full_lists, self.path, self.browse, self.save_button,
                       self.print_button):
            widget.setEnabled(enabled)
        if enabled:
            self.scope_name.setEnabled(self.kind() != "force")
            self._full_lists_offered()

    def _options_loaded(self, options: ReportOptions) -> None:
        self.options = options
        self.loading.setVisible(False)
        self.period_from.set_date(options.period_from)
        self.period_to.set_date(options.period_to)
        self.as_of.set_date(options.as_of)
        self._set_inputs_enabled(True)
        self.set_scope(self._wanted_scope or options.scope)
        self._refresh_path()
        self.save_button.setFocus()
        self.ready.emit()

    def _options_failed(self, exc: BaseException) -> None:
        self.loading.setText("The report choices could not be loaded.")
        report_failure(self._prompter, exc, title="The compliance summary cannot be printed")
        self.reject()

    def kind(self) -> str:
        return str(self.scope_kind.currentData() or "force")

    def fmt(self) -> str:
        return "json" if self.json.isChecked() else "pdf"

    def set_scope(self, scope: Scope) -> None:
        self.scope_kind.setCurrentIndex(max(0, self.scope_kind.findData(scope.kind)))
        self._kind_changed()
        if scope.kind != "force":
            self.scope_name.setCurrentText(scope.name or "")
        self._refresh_path()

    def _kind_changed(self) -> None:
        kind = self.kind()
        names: tuple[str, ...] = ()
        if self.options is not None:
            names = {"team": self.options.teams, "officer": self.options.officers}.get(kind, ())
        typed = self.scope_name.currentText()
        self.scope_name.blockSignals(True)
        self.scope_name.clear()
        self.scope_name.addItems(list(names))
        self.scope_name.setCurrentText(typed if typed in names else (names[0] if names and kind == "team" else ""))
        self.scope_name.blockSignals(False)
        placeholder = {"team": "Choose or type the team", "officer": "Choose or type the officer's name or username"}
        editor = self.scope_name.lineEdit()  # an editable combo always has one
        if editor is not None:
            editor.setPlaceholderText(placeholder.get(kind, "The whole force"))
        self.scope_name.setEnabled(kind != "force" and self.options is not None)
        self._full_lists_offered()
        self._refresh_path()

    def _full_lists_offered(self) -> None:
        # An officer's summary lists every case anyway; JSON holds every row.
        self.full_lists.setEnabled(self.kind() in LISTED_IN_SUMMARY and self.fmt() == "pdf"
                                   and self.options is not None)

    def wants_full_lists(self) -> bool:
        return self.full_lists.isChecked() and self.kind() in LISTED_IN_SUMMARY and self.fmt() == "pdf"

    def scope(self) -> Scope:
        """The chosen scope; ValueError (with the rule's words) when a name is missing."""
        name = self.scope_name.currentText().strip()
        return Scope(self.kind(), name or None) if self.kind() != "force" else Scope.force()

    def _path_typed(self, _text: str) -> None:
        self._auto_path = False

    def _format_changed(self) -> None:
        text = self.path.text().strip()
        if not self._auto_path and text:
            current = Path(text)
            if current.suffix.casefold() in (".pdf", ".json"):
                self.path.setText(str(current.with_suffix("." + self.fmt())))
        self._full_lists_offered()
        self._refresh_path()

    def _refresh_path(self) -> None:
        if not self._auto_path or self.options is None:
            return
        as_of = self.as_of.date()
        try:
            scope = self.scope()
        except ValueError:
            scope = Scope.force() if self.kind() == "force" else Scope(self.kind(), "unnamed")
        if as_of is None:
            return
        self.path.setText(str(Path(self._folder()) / report_file_name(scope, as_of, self.fmt())))

    def choose_path(self) -> None:
        suggested = self.path.text().strip() or str(Path(self._folder()))
        chosen = self._chooser(self, "Save the compliance summary as", suggested, FORMAT_FILTERS[self.fmt()])
        if chosen:
            self._auto_path = False
            self.path.setText(chosen)
            self._replace_confirmed = chosen

    # --- saving ---------------------------------------------------------------------------------

    def _chosen_scope(self) -> Scope | None:
        """The scope, or None with the problem shown under the field."""
        self.errors.clear()
        try:
            return self.scope()
        except ValueError as exc:
            message = str(exc)
            self.errors.show(ValidationFailed(FieldProblem("scope", message[0].upper() + message[1:] + ".")))
            return None

    def submit(self, *, replace: bool = False) -> None:
        if self._cancel is not None or self.options is None:
            return  # already saving, or not ready
        scope = self._chosen_scope()
        if scope is None:
            return
        path = self.path.text().strip()
        replace = replace or (path == self._replace_confirmed)
        cancel = self._cancel = threading.Event()
        self._set_inputs_enabled(False)
        self.status.setVisible(False)
        self._show_progress(cancel)
        self._worker.submit(
            save_compliance_report, self._services, self._actor, scope, self.period_from.date(),
            self.period_to.date(), self.as_of.date(), self.fmt(), path, replace=replace,
            cancelled=cancel.is_set, full_lists=self.wants_full_lists(), owner=self,
            on_success=lambda result: self._saved(cancel, result),
            on_error=lambda exc: self._failed(cancel, exc),
            on_progress=lambda done, total: self._progressed(cancel, done))

    def print_report(self) -> None:
        """The system print dialog, then the summary built and its pages sent on the worker."""
        if self._cancel is not None or self.options is None:
            return
        scope = self._chosen_scope()
        if scope is None:
            return
        printer = self._ask_printer(self, "Print the compliance summary")
        if printer is None:
            return  # the user closed the print dialog: nothing built, nothing audited
        cancel = self._cancel = threading.Event()
        self._set_inputs_enabled(False)
        self.status.setVisible(False)
        self._show_progress(cancel)
        self._printer = printer
        self._worker.submit(
            print_compliance_report, self._services, self._actor, scope, self.period_from.date(),
            self.period_to.date(), self.as_of.date(), printer, cancelled=cancel.is_set,
            full_lists=self.wants_full_lists(), owner=self,
            on_success=lambda pages: self._printed(cancel, pages),
            on_error=lambda exc: self._failed(cancel, exc),
            on_progress=lambda done, total: self._print_progressed(cancel, done, total))

    def _print_progressed(self, cancel: threading.Event, done: int, total: int) -> None:
        if cancel is self._cancel and self.progress is not None:
            self.progress.setLabelText(f"Printing page {min(done + 1, total)} of {total}..." if total
                                       else "Counting the figures and laying out the report...")

    def _printed(self, cancel: threading.Event, pages: int) -> None:
        if cancel is not self._cancel:
            return  # abandoned
        self._cancel, self._printer = None, None
        self._close_progress()
        self._set_inputs_enabled(True)
        self.printed.emit(pages)
        self.finished_job.emit("printed")
        self.accept()

    def _show_progress(self, cancel: threading.Event) -> None:
        progress = QProgressDialog(STEPS[0], "Cancel", 0, 0, self)
        progress.setWindowTitle("Printing the compliance summary")
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        progress.setAutoClose(False)
        progress.setAutoReset(False)
        progress.setMinimumWidth(360)
        progress.canceled.connect(lambda: self.cancel_job(cancel))
        self.progress = progress
        progress.open()

    def _progressed(self, cancel: threading.Event, done: int) -> None:
        if cancel is self._cancel and self.progress is not None:
            self.progress.setLabelText(STEPS[min(done, len(STEPS) - 1)])

    def _close_progress(self) -> None:
        progress, self.progress = self.progress, None
        if progress is not None:
            progress.canceled.disconnect()
            progress.cancel()  # hides it and stops its show-later timer, without emitting canceled
            progress.deleteLater()

    def cancel_job(self, cancel: threading.Event | None = None) -> None:
        """Abandon the report being built: the dialog is usable again at once."""
        cancel = cancel or self._cancel
        if cancel is None or cancel is not self._cancel:
            return
        cancel.set()
        self._cancel = None
        self._close_progress()
        self._set_inputs_enabled(True)
        self.status.setText("Cancelled: nothing was saved.")
        self.status.setVisible(True)
        self.finished_job.emit("cancelled")

    def _saved(self, cancel: threading.Event, result: SavedReport) -> None:
        if cancel is not self._cancel:
            if result.saved:  # Cancel came after the file was written: say so, do not hide it
                self._prompter.info("The report was already saved",
                                    f"Cancel came too late: the compliance summary had already been saved to\n"
                                    f"{result.path}\nand the print recorded in the audit trail.")
            return
        self._cancel = None
        self._close_progress()
        self._set_inputs_enabled(True)
        if not result.saved:
            self.finished_job.emit("cancelled")
            return
        self.saved.emit(result)
        self.finished_job.emit("saved")
        self.accept()
        if self._prompter.confirm(
                "Compliance summary saved",
                f"The compliance summary ({result.scope_label}) was saved to\n{result.path}\n\n"
                "It is OFFICIAL-SENSITIVE: keep it on police systems and delete it when done. "
                "Only you can read the file, and the print is recorded in the audit trail.\n\n"
                "Open it now?", ok="Open", cancel="Close"):
            self._opener(result.path)

    def _failed(self, cancel: threading.Event, exc: BaseException) -> None:
        if cancel is not self._cancel:
            return  # abandoned
        self._cancel = None
        self._close_progress()
        self._set_inputs_enabled(True)
        self.finished_job.emit("failed")
        if isinstance(exc, ReportFileExists):
            folder = str(Path(exc.path).parent)
            if self._prompter.confirm("Replace the file?",
                                      f"{Path(exc.path).name} already exists in {folder}.\n\nReplace it?",
                                      ok="Replace", cancel="Keep it"):
                self.submit(replace=True)
                return
            self.errors.show(ValidationFailed(FieldProblem(
                "path", f"{Path(exc.path).name} already exists in that folder: choose another name.")))
            return
        report_failure(self._prompter, exc, title="The compliance summary could not be saved",
                       errors=self.errors)

    def reject(self) -> None:
        if self._cancel is not None:
            self.cancel_job()
        super().reject()


class ComplianceSummary(QObject, ReportPrinter):
    """The main window's print action and its injectable seams (tests replace chooser, opener
    and ask_printer, the answers a user gives in the system's dialogs)."""

    def __init__(self, host: WorkflowHost) -> None:
        super().__init__(host.window)
        self.host = host
        self.chooser: Chooser = choose_save_path
        self.opener: Opener = open_in_viewer
        self.folder: Callable[[], str] = documents_folder
        self.ask_printer: AskPrinter = ask_printer
        self.dialog: ComplianceSummaryDialog | None = None
        self.action = QAction("&Print compliance summary...", host.window)
        self.action.setShortcut(QKeySequence("Ctrl+P"))
        self.action.setStatusTip("Save the compliance summary for the force, a team or an officer as a PDF")
        self.action.triggered.connect(lambda: self.open_dialog())

    def open_dialog(self, scope: Scope | None = None) -> ComplianceSummaryDialog:
        if self.dialog is not None and self.dialog.isVisible():
            self.dialog.raise_()
            self.dialog.activateWindow()
            if scope is not None and self.dialog.options is not None:
                self.dialog.set_scope(scope)
            return self.dialog
        h = self.host
        dialog = ComplianceSummaryDialog(h.services, h.actor, h.worker, h.prompter, chooser=self.chooser,
                                         opener=self.opener, folder=self.folder, ask_printer=self.ask_printer,
                                         scope=scope, parent=h.window)
        dialog.saved.connect(lambda r: h.show_status(f"Compliance summary saved to {r.path}", 15000))
        dialog.printed.connect(lambda pages: h.show_status(
            f"Compliance summary sent to the printer ({pages} page{'s' if pages != 1 else ''})", 15000))
        self.dialog = dialog
        dialog.open()
        return dialog


@main_window_hook(order=70)
def add_print_action(host: WorkflowHost) -> None:
    if not host.actor.can(Permission.PRINT_REPORTS):
        return
    summary = ComplianceSummary(host)
    host.add_part(summary)
    host.add_menu_action("file", summary.action, order=30)
