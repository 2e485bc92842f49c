"""Case audit grades by team over time: a team a row, a quarter a column, each cell the grades
of the audits completed then. Drawn from the compliance figures (CaseAuditFigures) it is given,
never from the database: the dashboard and the Case audits page load those on the worker."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHeaderView, QLabel, QVBoxLayout, QWidget

from rso_manager.reports.compliance_figures.case_audits import CaseAuditFigures, GradeCount
from ui.kit.tables import Column, ListPanel, RowsModel
from ui.kit.widgets import PALE_RED, data_table, hint_label

EMPTY = "No case audit has been completed in these quarters."
LEGEND = "Each cell: audits graded good, requires improvement (RI) and inadequate in that quarter."


@dataclass(frozen=True)
class TeamGrades:
    team: str
    by_quarter: dict[str, GradeCount]

    def cell(self, quarter: str) -> str:
        g = self.by_quarter.get(quarter)
        if g is None or not g.total:
            return "–"
        return f"{g.good} good · {g.requires_improvement} RI · {g.inadequate} inadequate"

    def inadequate(self, quarter: str) -> bool:
        g = self.by_quarter.get(quarter)
        return g is not None and g.inadequate > 0


def team_rows(figures: CaseAuditFigures) -> list[TeamGrades]:
    teams: dict[str, dict[str, GradeCount]] = {}
    for g in figures.grades:
        teams.setdefault(g.team, {})[g.quarter] = g
    return [TeamGrades(team, quarters) for team, quarters in sorted(teams.items())]


def _quarter_column(quarter: str) -> Column[TeamGrades]:
    def text(r: TeamGrades) -> str:
        return r.cell(quarter)

    def total(r: TeamGrades) -> int:
        g = r.by_quarter.get(quarter)
        return g.total if g else 0

    return Column[TeamGrades](quarter, text, total)


class _GradesModel(RowsModel[TeamGrades]):
    def __init__(self, quarters: tuple[str, ...], parent=None) -> None:
        self.quarters = quarters
        columns = [Column[TeamGrades]("Team", lambda r: r.team)]
        columns += [_quarter_column(q) for q in quarters]
        super().__init__(columns, parent)

    def extra(self, row: TeamGrades, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.BackgroundRole and column > 0 and row.inadequate(self.quarters[column - 1]):
            return PALE_RED
        return None


class CaseAuditGradesWidget(QWidget):
    """The grades of FIGURES, shown by show_figures on the GUI thread."""

    def __init__(self, parent: QWidget | None = None, *, title: str = "Case audit grades by team over time") -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.title = QLabel(title)
        self.title.setStyleSheet("font-weight: 600; font-size: 14px;")
        layout.addWidget(self.title)
        self.legend = hint_label(LEGEND)
        layout.addWidget(self.legend)
        self.model = _GradesModel(())
        self.view = data_table(self.model)
        self.view.setAccessibleName(title)
        self.panel = ListPanel(self.view, EMPTY)
        self.panel.show_rows(0)
        layout.addWidget(self.panel, 1)
        self.figures: CaseAuditFigures | None = None

    def show_figures(self, figures: CaseAuditFigures) -> None:
        self.figures = figures
        self.model = _GradesModel(figures.quarters, self)
        self.model.set_rows(team_rows(figures))
        self.view.model().setSourceModel(self.model)  # type: ignore[attr-defined]
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.panel.show_rows(self.model.rowCount(), EMPTY)
