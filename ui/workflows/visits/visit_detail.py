"""A visit read back in full beside the Visits list: when, who went, what was found, each device
checked, how it departed from the default and where its sign-off stands."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtWidgets import QWidget

from rso_manager.domain.dates import london_day
from rso_manager.services.caseload import EntryRow
from rso_manager.services.visits import VisitDetail
from ui.kit.detail_pane import DetailPane, EntryHistory, history_fields, voided_placeholder
from ui.kit.formatting import fmt_date, fmt_datetime
from ui.kit.record_page import DetailedEntries
from ui.kit.tables import Column
from ui.workflows.visits.wording import BANDS, CHECK_RESULTS, KINDS, OUTCOMES

NO_VISIT = "Select a visit to read it in full: who went, what was found, each device checked and its sign-off."


def decision_text(status: str, by: str | None, at: datetime | None, rationale: str | None) -> str | None:
    """Where an entry's sign-off stands (pending, escalated, approved, returned), in a
    supervisor's words; None when no sign-off was asked."""
    who = by or "the team's supervisor"
    when = f" on {fmt_date(london_day(at))}" if at else ""
    if status == "pending":
        return f"Waiting for sign-off by {who}"
    if status == "escalated":
        return "Escalated to the OMU lead for a decision"
    if status == "approved":
        return f"Signed off by {who}{when}"
    if status == "returned":
        return f"Returned by {who}{when}" + (f": {rationale}" if rationale else "")
    return None


def sign_off_text(d: VisitDetail) -> str:
    """Where the visit's sign-off stands, in a supervisor's words."""
    decided = decision_text(d.sign_off, d.signed_by, d.signed_at, d.sign_off_rationale)
    if decided is not None:
        return decided
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


class VisitDetailPane(DetailPane):
    """Test seams: `values` (caption -> its label), `placeholder`."""

    # Sign-off second: whether the visit still waits for a supervisor is read first.
    CAPTIONS = ("Visit", "Sign-off", "Date", "Time of day", "Officers", "Announced", "Where", "Outcome",
                "People present", "Notes", "Devices checked", "Devices found", "Departures", "Warrant decision")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(self.CAPTIONS, NO_VISIT, parent)

    def show_visit(self, d: VisitDetail | None, *, voided: bool = False,
                   history: EntryHistory | None = None) -> None:
        if d is None:
            self.show_placeholder(voided_placeholder("visit", history or EntryHistory((), None)) if voided else None)
            return
        day = d.visited_at or None
        departures = "; ".join(d.departures).capitalize()
        if departures and d.departure_reason:
            departures += f".\nReason given: {d.departure_reason}"
        self.show_fields(d, {
            "Visit": f"{KINDS.get(d.kind, d.kind)}, {d.status}",
            "Date": fmt_datetime(day) if day else (f"Planned for {fmt_date(d.planned_on)}" if d.planned_on else ""),
            "Time of day": BANDS.get(d.time_band or "", d.time_band or ""),
            "Officers": "\n".join(d.officers) or "None named",
            "Announced": "Yes, announced in advance" if d.announced else "No, unannounced",
            "Where": (d.location or "")[:1].upper() + (d.location or "")[1:],
            "Outcome": OUTCOMES.get(d.outcome or "", d.outcome or ""),
            "People present": d.people_present or "",
            "Notes": d.notes or "",
            "Devices checked": "\n".join(
                f"{c.device}: {CHECK_RESULTS.get(c.result, c.result)}" + (f". {c.outcome}" if c.outcome else "")
                for c in d.device_checks) or ("None checked" if d.status == "completed" else ""),
            "Devices found": "\n".join(f"{name} (not declared: a breach was opened)" for name in d.devices_found),
            "Departures": departures,
            "Sign-off": sign_off_text(d),
            "Warrant decision": d.warrant_decision or "",
            **history_fields(history or EntryHistory((), None), d.recorded_by, d.recorded_at),
        }, warnings=("Sign-off",) if d.sign_off in ("pending", "returned") else ())
