"""Import a court list: each row with the watched people it may be about, for the user to
confirm one by one. Nothing is ticked at the start and nothing is applied unconfirmed; each
ticked row is recorded on its own (services.court_watch.court_list)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from rso_manager.services.court_watch.court_list import (
    Applied,
    Confirmed,
    ProposedMatch,
    apply_court_list,
    match_court_list,
)
from ui.kit.formatting import fmt_date
from ui.kit.forms import report_failure
from ui.kit.widgets import hint_label

HEADERS = ("Confirm", "Row", "On the court list", "Born", "Hearing", "Outcome", "Watched person", "Why")


class CourtListDialog(QDialog):
    applied = Signal(object)  # list[Applied]

    def __init__(self, host: Any, file_name: str, data: bytes, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.host = host
        self.proposals: list[ProposedMatch] = []
        self.results: list[Applied] | None = None
        self.setWindowTitle("Court list")
        self.resize(1180, 560)
        layout = QVBoxLayout(self)
        heading = QLabel(f"Court list {file_name}: confirm each match")
        heading.setObjectName("dialogHeading")
        heading.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(heading)
        layout.addWidget(hint_label(
            "Each row with the people on the watch it may be about (name spelt alike, date of birth, PNC ID). Tick a "
            "row only when you are sure it is the person chosen: only ticked rows are recorded, each as its own "
            "outcome."))
        self.status = hint_label("Reading the court list...")
        layout.addWidget(self.status)
        self.table = QTableWidget(0, len(HEADERS))
        self.table.setHorizontalHeaderLabels(HEADERS)
        self.table.setAccessibleName("Court list rows and their possible matches")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.setWordWrap(True)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        layout.addWidget(self.table, 1)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.apply_button = self.buttons.addButton("&Record the confirmed rows", QDialogButtonBox.ButtonRole.ApplyRole)
        self.apply_button.setEnabled(False)
        self.apply_button.clicked.connect(self.apply)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        host.worker.submit(match_court_list, host.services, host.actor, data, owner=self,
                           on_success=self._matched, on_error=self._failed)

    def _failed(self, exc: BaseException) -> None:
        self.status.setText("The court list was not read.")
        report_failure(self.host.prompter, exc, title="Court list not read")

    def _matched(self, proposals: list[ProposedMatch]) -> None:
        self.proposals = proposals
        found = sum(1 for p in proposals if p.candidates)
        self.status.setText(f"{len(proposals)} row(s) read; {found} with a possible match on the watch. Tick each "
                            "one you confirm.")
        self.table.setRowCount(len(proposals))
        for r, p in enumerate(proposals):
            tick = QTableWidgetItem()
            tick.setFlags(Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled
                          if p.candidates else Qt.ItemFlag.NoItemFlags)
            tick.setCheckState(Qt.CheckState.Unchecked)
            tick.setToolTip("Confirm this match" if p.candidates else "Nobody on the watch fits this row")
            self.table.setItem(r, 0, tick)
            row = p.row
            for c, text in enumerate((str(row.row_number), row.name, fmt_date(row.date_of_birth),
                                      f"{fmt_date(row.hearing_on)}{f' {row.court}' if row.court else ''}",
                                      row.outcome_text + (f" to {fmt_date(row.next_hearing_on)}"
                                                          if row.next_hearing_on else "")), start=1):
                self.table.setItem(r, c, QTableWidgetItem(text))
            if p.candidates:
                combo = QComboBox()
                combo.setAccessibleName(f"Watched person for row {row.row_number}")
                for cand in p.candidates:
                    combo.addItem(f"{cand.person.name} ({cand.person.reference}, born "
                                  f"{fmt_date(cand.person.date_of_birth)}): {cand.score:.0f}%", cand)
                combo.currentIndexChanged.connect(lambda _i, r=r: self._why(r))
                self.table.setCellWidget(r, 6, combo)
            else:
                self.table.setItem(r, 6, QTableWidgetItem("No match on the watch"))
            self._why(r)
        self.table.itemChanged.connect(lambda *_: self._count())
        self.table.resizeColumnsToContents()
        self.table.setColumnWidth(6, max(self.table.columnWidth(6), 330))
        self._count()

    def _why(self, r: int) -> None:
        combo = self.table.cellWidget(r, 6)
        cand = combo.currentData() if isinstance(combo, QComboBox) else None
        text = cand.reasons_text if cand is not None else ""
        self.table.setItem(r, 7, QTableWidgetItem(text))

    def confirmed(self) -> list[Confirmed]:
        out = []
        for r, p in enumerate(self.proposals):
            tick = self.table.item(r, 0)
            combo = self.table.cellWidget(r, 6)
            if tick is None or tick.checkState() != Qt.CheckState.Checked or not isinstance(combo, QComboBox):
                continue
            cand = combo.currentData()
            out.append(Confirmed(p.row, cand.person.charged_person_id, cand.hearing_id, cand.hearing_version))
        return out

    def tick(self, row_number: int, on: bool = True) -> None:
        for r, p in enumerate(self.proposals):
            if p.row.row_number == row_number:
                self.table.item(r, 0).setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)

    def _count(self) -> None:
        n = len(self.confirmed())
        self.apply_button.setEnabled(n > 0 and self.results is None)
        self.apply_button.setText(f"&Record the {n} confirmed row(s)" if n else "&Record the confirmed rows")

    def apply(self) -> None:
        chosen = self.confirmed()
        if not chosen:
            return
        self.apply_button.setEnabled(False)
        self.host.worker.submit(apply_court_list, self.host.services, self.host.actor, chosen, owner=self,
                                on_success=self._applied, on_error=self._apply_failed)

    def _apply_failed(self, exc: BaseException) -> None:
        self._count()
        report_failure(self.host.prompter, exc, title="Court list not recorded")

    def _applied(self, results: list[Applied]) -> None:
        self.results = results
        done = [a for a in results if a.ok]
        refused = [a for a in results if not a.ok]
        text = f"Recorded {len(done)} row(s)."
        if refused:
            text += " Not recorded: " + " ".join(f"row {a.row_number} ({a.name}): {a.message}" for a in refused)
        self.status.setText(text)
        self.applied.emit(results)
        if refused:
            self.host.prompter.warning("Some rows were not recorded", text)
