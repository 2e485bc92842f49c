"""Go > Case audits (Ctrl+8), for the OMU lead and the delegates the lead names: the samples
drawn, each case with the state of its audit, drawing (and redrawing, with a reason) a sample,
the audit form of a case, the grades by team over time, and (the lead) naming delegates.
Everything is read and saved on the worker."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from rso_manager.domain.case_audit_checklist import GRADE_LABEL
from rso_manager.reports.compliance_figures.case_audits import CaseAuditFigures
from rso_manager.services import case_audits
from rso_manager.services.case_audits import (
    AuditForm,
    AuditStanding,
    DelegateView,
    SampleCase,
    SampleView,
)
from rso_manager.services.errors import ValidationFailed
from rso_manager.services.unit_of_work import Actor, Services
from rso_manager.services.users import list_teams
from ui.extensions import WorkflowHost
from ui.kit.case_audit_grades import CaseAuditGradesWidget
from ui.kit.formatting import fmt_datetime
from ui.kit.forms import FieldErrors, report_failure
from ui.kit.tables import Column, ListPanel, RowsModel
from ui.kit.widgets import data_table, hint_label, select_first, selected_row
from ui.workflows.case_audits.audit_form import AuditFormDialog
from ui.workflows.case_audits.dialogs import DelegatesDialog, DrawSampleDialog

OPEN_REASON = "Manager's case audit of this case against the inspection checklist"
NO_SAMPLE = "No sample drawn yet. Draw a sample to start auditing cases."


@dataclass(frozen=True)
class PageData:
    standing: AuditStanding
    samples: list[SampleView]
    figures: CaseAuditFigures
    teams: list[tuple[int, str]]


def load_page(services: Services, actor: Actor) -> PageData:
    """Worker thread: what the page shows."""
    standing = case_audits.audit_standing(services, actor)
    return PageData(standing, case_audits.samples(services, actor), case_audits.grade_figures(services, actor),
                    [(t.id, t.name) for t in list_teams(services)])


def load_delegates(services: Services, actor: Actor) -> tuple[list[tuple[int, str]], list[DelegateView]]:
    return case_audits.delegate_candidates(services, actor), case_audits.delegates(services, actor)


CASE_COLUMNS = [
    Column[SampleCase]("Reference", lambda c: c.reference),
    Column[SampleCase]("Name", lambda c: c.name),
    Column[SampleCase]("Team", lambda c: c.team or ""),
    Column[SampleCase]("Officer", lambda c: c.officer or "Unallocated"),
    Column[SampleCase]("Risk", lambda c: c.risk),
    Column[SampleCase]("Audit", lambda c: c.state),
    Column[SampleCase]("Grade", lambda c: GRADE_LABEL.get(c.grade or "", "")),
]


class CaseAuditsPage(QWidget):
    def __init__(self, host: WorkflowHost) -> None:
        super().__init__()
        self.host = host
        self.services, self.actor, self.worker, self.prompter = host.services, host.actor, host.worker, host.prompter
        self.data: PageData | None = None
        self.loads = 0
        self.form_dialog: AuditFormDialog | None = None
        layout = QVBoxLayout(self)
        title = QLabel("Case audits")
        title.setObjectName("pageTitle")
        layout.addWidget(title)
        layout.addWidget(hint_label(
            "Audit a sample of cases against the inspection's checklist, with the record's evidence beside each "
            "question. A completed audit goes to a supervisor for sign-off; findings become actions on the case."))
        self.errors = FieldErrors()
        bar = QHBoxLayout()
        self.sample = QComboBox()
        self.sample.setAccessibleName("Sample")
        self.sample.setMinimumWidth(420)
        self.sample.currentIndexChanged.connect(self._show_sample)
        sample_label = QLabel("&Sample:")
        sample_label.setBuddy(self.sample)
        bar.addWidget(sample_label)
        bar.addWidget(self.sample, 1)
        self.draw_button = QPushButton("&Draw a sample...")
        self.draw_button.clicked.connect(self.draw)
        self.redraw_button = QPushButton("Dra&w again...")
        self.redraw_button.setToolTip("Draw this sample again, with a reason: the first draw stays on record")
        self.redraw_button.clicked.connect(self.redraw)
        self.delegates_button = QPushButton("D&elegates...")
        self.delegates_button.setToolTip("Name a supervisor to audit cases for a time")
        self.delegates_button.clicked.connect(self.name_delegates)
        self.refresh_button = QPushButton("&Refresh")
        self.refresh_button.clicked.connect(self.refresh)
        for b in (self.draw_button, self.redraw_button, self.delegates_button, self.refresh_button):
            bar.addWidget(b)
        layout.addLayout(bar)
        layout.addWidget(self.errors.general)
        self.sample_note = hint_label("")
        layout.addWidget(self.sample_note)

        self.model = RowsModel[SampleCase](CASE_COLUMNS)
        self.view = data_table(self.model)
        self.view.setAccessibleName("Cases in the sample")
        self.view.doubleClicked.connect(lambda _i: self.audit_selected())
        QShortcut(QKeySequence(Qt.Key.Key_Return), self.view).activated.connect(self.audit_selected)
        self.panel = ListPanel(self.view, NO_SAMPLE)
        self.panel.show_rows(0)
        cases = QWidget()
        cases_layout = QVBoxLayout(cases)
        cases_layout.setContentsMargins(0, 0, 0, 0)
        cases_layout.addWidget(self.panel, 1)
        actions = QHBoxLayout()
        self.audit_button = QPushButton("&Audit this case...")
        self.audit_button.setToolTip("Open the case with a reason and audit it (Enter)")
        self.audit_button.clicked.connect(self.audit_selected)
        actions.addWidget(self.audit_button)
        actions.addStretch(1)
        cases_layout.addLayout(actions)
        self.grades = CaseAuditGradesWidget()
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(cases)
        splitter.addWidget(self.grades)
        splitter.setSizes([380, 200])
        layout.addWidget(splitter, 1)

    # --- loading -------------------------------------------------------------------------------------

    def refresh(self) -> None:
        self.worker.submit(load_page, self.services, self.actor, owner=self, on_success=self._loaded,
                           on_error=self.host.report)

    def _loaded(self, data: PageData, keep: int | None = None) -> None:
        chosen = keep if keep is not None else self.sample.currentData()
        self.data = data
        self.delegates_button.setVisible(data.standing.may_name_delegates)
        self.sample.blockSignals(True)
        self.sample.clear()
        for s in data.samples:
            self.sample.addItem(f"Drawn {fmt_datetime(s.drawn_at)} by {s.drawn_by}: {s.size} cases, "
                                f"{s.audited} graded ({s.scope_text})", s.id)
        index = self.sample.findData(chosen) if chosen is not None else -1
        self.sample.setCurrentIndex(index if index >= 0 else 0)
        self.sample.blockSignals(False)
        self._show_sample()
        self.grades.show_figures(data.figures)
        self.loads += 1

    def current_sample(self) -> SampleView | None:
        if self.data is None:
            return None
        return next((s for s in self.data.samples if s.id == self.sample.currentData()), None)

    def _show_sample(self, *_args) -> None:
        s = self.current_sample()
        self.model.set_rows(list(s.cases) if s else [])
        self.panel.show_rows(self.model.rowCount(), NO_SAMPLE)
        self.redraw_button.setEnabled(s is not None)
        self.audit_button.setEnabled(s is not None)
        self.sample_note.setText("" if s is None else
                                 f"Seed {s.seed} recorded with the draw." + (f" Reason: {s.reason}" if s.reason else ""))
        if s is not None:
            select_first(self.view)

    # --- drawing -------------------------------------------------------------------------------------

    def draw(self) -> DrawSampleDialog:
        dialog = DrawSampleDialog(self.services, self.actor, self.worker, self.prompter,
                                  self.data.teams if self.data else [], parent=self)
        dialog.saved.connect(lambda s: self._reload_on(s.id))
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        self.draw_dialog = dialog
        return dialog

    def _reload_on(self, sample_id: int) -> None:
        self.worker.submit(load_page, self.services, self.actor, owner=self,
                           on_success=lambda data: self._loaded(data, sample_id), on_error=self.host.report)

    def redraw(self, problem: str | None = None, text: str = "") -> None:
        s = self.current_sample()
        if s is None:
            return
        reason = self.prompter.ask_reason(
            "Draw the sample again", "Why is this sample drawn again? The first draw stays on record with your "
                                     "reason.", text=text, problem=problem)
        if reason is None:
            return
        self.worker.submit(case_audits.redraw_sample, self.services, self.actor, s.id, s.version_id, reason,
                           owner=self, on_success=lambda new: self._reload_on(new.id),
                           on_error=lambda exc: self._redraw_failed(exc, reason))

    def _redraw_failed(self, exc: BaseException, reason: str) -> None:
        if isinstance(exc, ValidationFailed) and exc.for_field("reason"):
            self.redraw(exc.for_field("reason"), reason)  # asked again, the text kept
            return
        report_failure(self.prompter, exc, title="Not drawn again", errors=self.errors)

    # --- auditing ------------------------------------------------------------------------------------

    def audit_selected(self, problem: str | None = None, text: str = OPEN_REASON) -> None:
        case: SampleCase | None = selected_row(self.view)
        s = self.current_sample()
        if case is None or s is None:
            return
        reason = self.prompter.ask_reason(f"Audit {case.reference}",
                                          "Why are you opening this record? The opening is recorded in the audit "
                                          "trail.", text=text, problem=problem)
        if reason is None:
            return
        self.worker.submit(case_audits.open_audit, self.services, self.actor, case.offender_id, sample_id=s.id,
                           reason_text=reason, owner=self, on_success=self.show_form,
                           on_error=lambda exc: self._open_failed(exc, reason))

    def _open_failed(self, exc: BaseException, reason: str) -> None:
        if isinstance(exc, ValidationFailed) and exc.for_field("reason_text"):
            self.audit_selected(exc.for_field("reason_text"), reason)
            return
        report_failure(self.prompter, exc, title="Case not opened", errors=self.errors)

    def show_form(self, form: AuditForm) -> None:
        dialog = AuditFormDialog(self.services, self.actor, self.worker, self.prompter, form, parent=self)
        dialog.changed.connect(lambda _a: self._reload_on(self.sample.currentData()))
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        self.form_dialog = dialog
        self._reload_on(self.sample.currentData())  # the case now shows "In progress"

    # --- delegates -----------------------------------------------------------------------------------

    def name_delegates(self) -> None:
        self.worker.submit(load_delegates, self.services, self.actor, owner=self,
                           on_success=self._ask_delegate, on_error=self.host.report)

    def _ask_delegate(self, loaded: tuple[list[tuple[int, str]], list[DelegateView]]) -> None:
        candidates, current = loaded
        dialog = DelegatesDialog(self.services, self.actor, self.worker, self.prompter, candidates, current,
                                 parent=self)
        dialog.saved.connect(lambda d: self.host.show_status(f"{d.name} may audit cases from {d.starts_on:%d/%m/%Y}."))
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        self.delegates_dialog = dialog



