"""A visit read back in full beside the Visits list: when, who went, what was found, each device
checked, how it departed from the default and where its sign-off stands."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFormLayout, QFrame, QLabel, QScrollArea, QVBoxLayout, QWidget

from rso_manager.domain.dates import london_day
from rso_manager.services.caseload import EntryRow
from rso_manager.services.visits import VisitDetail
from ui.kit.formatting import fmt_date, fmt_datetime
from ui.kit.record_page import DetailedEntries
from ui.kit.tables import Column
from ui.workflows.visits.panel_page import restyle
from ui.workflows.visits.wording import BANDS, CHECK_RESULTS, KINDS, OUTCOMES

DETAIL_STYLE = ("QFrame#visitDetail { background: #f6f8fb; border: 1px solid #e4e8ee; border-radius: 4px; }"
                "QLabel#detailCaption { color: #616e7c; }"
                "QLabel#detailHeading { font-weight: 600; }"
                "QLabel#detailWarning { color: #b3261e; font-weight: 600; }")

NO_VISIT = "Select a visit to read it in full: who went, what was found, each device checked and its sign-off."


def sign_off_text(d: VisitDetail) -> str:
    """Where the visit's sign-off stands, in a supervisor's words."""
    who = d.signed_by or "the team's supervisor"
    when = f" on {fmt_date(london_day(d.signed_at))}" if d.signed_at else ""
    if d.sign_off == "pending":
        return f"Waiting for sign-off by {who}"
    if d.sign_off == "escalated":
        return "Escalated to the OMU lead for a decision"
    if d.sign_off == "approved":
        return f"Signed off by {who}{when}"
    if d.sign_off == "returned":
        return f"Returned by {who}{when}" + (f": {d.sign_off_rationale}" if d.sign_off_rationale else "")
    if d.status == "completed":
        return "Not needed: unannounced, two officers, at home"
    return "Not needed yet: the visit has not happened"


def status_text(d: VisitDetail) -> str:
    """The list's status: a completed visit still waiting for its sign-off says so."""
    if d.status == "completed" and d.sign_off in ("pending", "escalated"):
        return "Completed, awaiting sign-off"
    if d.status == "completed" and d.sign_off == "returned":
        return "Completed, returned by supervisor"
    return d.status.title()


class VisitsModel(DetailedEntries):
    """The Visits list, its status read from the visit's detail once that is read."""

    def __init__(self, parent=None) -> None:
        d: Callable[[EntryRow], VisitDetail | None] = lambda e: self.detail(e)  # noqa: E731
        super().__init__([
            Column("Date", lambda e: fmt_date(e.when), lambda e: e.when.toordinal() if e.when else 0),
            Column("Visit", lambda e: e.summary, tooltip=lambda e: e.summary),
            Column("Status", lambda e: "Entered in error" if e.voided else (status_text(d(e)) if d(e) else e.status)),
        ], parent)

    def red(self, entry: EntryRow, column: int) -> bool:
        view = self.detail(entry)
        return column == 2 and view is not None and view.sign_off == "returned"


class VisitDetailPane(QScrollArea):
    """Test seams: `values` (caption -> its label), `placeholder`."""

    # Sign-off second: whether the visit still waits for a supervisor is read first.
    CAPTIONS = ("Visit", "Sign-off", "Date", "Time of day", "Officers", "Announced", "Where", "Outcome",
                "People present", "Notes", "Devices checked", "Devices found", "Departures", "Warrant decision")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        frame = QFrame()
        frame.setObjectName("visitDetail")
        frame.setStyleSheet(DETAIL_STYLE)
        outer = QVBoxLayout(frame)
        outer.setContentsMargins(10, 8, 10, 8)
        self.placeholder = QLabel(NO_VISIT)
        self.placeholder.setObjectName("detailCaption")
        self.placeholder.setWordWrap(True)
        outer.addWidget(self.placeholder)
        self.body = QWidget()
        grid = QFormLayout(self.body)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        grid.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        grid.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.values: dict[str, QLabel] = {}
        self.captions: dict[str, QLabel] = {}
        for caption in self.CAPTIONS:
            cap = QLabel(caption)
            cap.setObjectName("detailCaption")
            value = QLabel()
            value.setObjectName("detailValue")
            value.setWordWrap(True)
            value.setTextFormat(Qt.TextFormat.PlainText)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            grid.addRow(cap, value)
            self.values[caption], self.captions[caption] = value, cap
        self.values["Visit"].setObjectName("detailHeading")
        outer.addWidget(self.body)
        outer.addStretch(1)
        self.body.setVisible(False)
        self.setWidget(frame)
        self.shown: VisitDetail | None = None

    def show_visit(self, d: VisitDetail | None, *, voided: bool = False) -> None:
        self.shown = d
        self.body.setVisible(d is not None)
        if d is None:
            self.placeholder.setText(
                "This visit is marked as entered in error: it no longer counts. Reinstate it if it was right "
                "after all." if voided else NO_VISIT)
            self.placeholder.setVisible(True)
            return
        self.placeholder.setVisible(False)
        day = d.visited_at or None
        self._set("Visit", f"{KINDS.get(d.kind, d.kind)}, {d.status}")
        self._set("Date", fmt_datetime(day) if day else (f"Planned for {fmt_date(d.planned_on)}" if d.planned_on else ""))
        self._set("Time of day", BANDS.get(d.time_band or "", d.time_band or ""))
        self._set("Officers", "\n".join(d.officers) or "None named")
        self._set("Announced", "Yes, announced in advance" if d.announced else "No, unannounced")
        self._set("Where", (d.location or "")[:1].upper() + (d.location or "")[1:])
        self._set("Outcome", OUTCOMES.get(d.outcome or "", d.outcome or ""))
        self._set("People present", d.people_present or "")
        self._set("Notes", d.notes or "")
        self._set("Devices checked", "\n".join(
            f"{c.device}: {CHECK_RESULTS.get(c.result, c.result)}" + (f". {c.outcome}" if c.outcome else "")
            for c in d.device_checks) or ("None checked" if d.status == "completed" else ""))
        self._set("Devices found", "\n".join(f"{name} (not declared: a breach was opened)" for name in d.devices_found))
        departures = "; ".join(d.departures).capitalize()
        if departures and d.departure_reason:
            departures += f".\nReason given: {d.departure_reason}"
        self._set("Departures", departures)
        self._set("Sign-off", sign_off_text(d))
        restyle(self.values["Sign-off"], "detailWarning" if d.sign_off in ("pending", "returned") else "detailValue")
        self._set("Warrant decision", d.warrant_decision or "")

    def _set(self, caption: str, text: str) -> None:
        """A row shows only when there is something to say in it."""
        self.values[caption].setText(text)
        self.values[caption].setVisible(bool(text))
        self.captions[caption].setVisible(bool(text))
