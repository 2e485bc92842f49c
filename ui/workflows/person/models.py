"""The person part's lists: one model for each kind of entry, read from person.person_for.
Entries marked as entered in error stay listed, last, struck through and greyed."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any, Generic, TypeVar

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QFont

from rso_manager.domain.person_labels import IDENTIFIER_SOURCES, MARK_KINDS, OCCUPATION_KINDS
from rso_manager.services.person import (
    DescriptionView,
    IdentifierView,
    MarkView,
    OccupationView,
    PhotographView,
    VehicleView,
)
from ui.kit.formatting import fmt_date
from ui.kit.tables import Column, RowsModel

T = TypeVar("T")


def day_order(day: date | None) -> int:
    return day.toordinal() if day else 0


def period(start: date | None, end: date | None) -> str:
    """"from 01/02/2026", "01/02/2026 to 30/06/2026", or "dates not known"."""
    if start is None and end is None:
        return "dates not known"
    if end is None:
        return f"from {fmt_date(start)}"
    return f"{fmt_date(start, 'not known')} to {fmt_date(end)}"


def height_text(cm: int | None) -> str:
    if cm is None:
        return ""
    inches = round(cm / 2.54)
    return f"{cm} cm ({inches // 12} ft {inches % 12} in)"


class PersonEntries(RowsModel[T], Generic[T]):
    """ENTITY: the table the entries are in, as caseload.void_entry names them."""

    entity = ""

    def __init__(self, columns: Sequence[Column[T]], parent=None) -> None:
        super().__init__(columns, parent)
        self._struck = QFont()
        self._struck.setStrikeOut(True)
        self._grey = QBrush(QColor("#80868b"))

    def extra(self, row: T, column: int, role: int) -> Any:
        if getattr(row, "voided", False):
            if role == Qt.ItemDataRole.FontRole:
                return self._struck
            if role == Qt.ItemDataRole.ForegroundRole:
                return self._grey
            if role == Qt.ItemDataRole.ToolTipRole:
                return "Entered in error"
        return None

    def summary(self, row: T) -> str:
        """The entry in a line, for the question asked before marking it entered in error."""
        raise NotImplementedError

    def when(self, row: T) -> date | None:
        return None


class PhotographsModel(PersonEntries[PhotographView]):
    entity = "photograph"

    def __init__(self, parent=None) -> None:
        super().__init__([
            Column("Taken", lambda p: fmt_date(p.taken_on), lambda p: day_order(p.taken_on)),
            Column("Description", lambda p: p.description or "", tooltip=lambda p: p.description),
        ], parent)

    def summary(self, row: PhotographView) -> str:
        return f"Photograph taken {fmt_date(row.taken_on)}" + (f": {row.description}" if row.description else "")

    def when(self, row: PhotographView) -> date | None:
        return row.taken_on


class DescriptionsModel(PersonEntries[DescriptionView]):
    entity = "physical_description"

    def __init__(self, parent=None) -> None:
        super().__init__([
            Column("Described", lambda d: fmt_date(d.described_on), lambda d: day_order(d.described_on)),
            Column("Height", lambda d: height_text(d.height_cm), lambda d: d.height_cm or 0),
            Column("Build", lambda d: d.build or ""),
            Column("Hair", lambda d: d.hair or ""),
            Column("Eyes", lambda d: d.eyes or ""),
            Column("Notes", lambda d: d.notes or "", tooltip=lambda d: d.notes),
        ], parent)

    def summary(self, row: DescriptionView) -> str:
        parts = [height_text(row.height_cm), row.build, row.hair and f"{row.hair} hair", row.eyes and f"{row.eyes} eyes"]
        return f"Description of {fmt_date(row.described_on)}: " + ", ".join(p for p in parts if p)

    def when(self, row: DescriptionView) -> date | None:
        return row.described_on


class MarksModel(PersonEntries[MarkView]):
    entity = "distinguishing_mark"

    def __init__(self, parent=None) -> None:
        super().__init__([
            Column("Mark", lambda k: MARK_KINDS.get(k.kind, k.kind)),
            Column("Where", lambda k: k.body_location),
            Column("Description", lambda k: k.description, tooltip=lambda k: k.description),
        ], parent)

    def summary(self, row: MarkView) -> str:
        return f"{MARK_KINDS.get(row.kind, row.kind)}, {row.body_location}: {row.description}"


class VehiclesModel(PersonEntries[VehicleView]):
    entity = "vehicle"

    def __init__(self, parent=None) -> None:
        super().__init__([
            Column("Registration", lambda v: v.registration),
            Column("Vehicle", lambda v: " ".join(p for p in (v.colour, v.make, v.model) if p)),
            Column("When", lambda v: period(v.from_date, v.to_date), lambda v: day_order(v.from_date)),
            Column("Notified", lambda v: "Yes" if v.notified else "No"),
        ], parent)

    def summary(self, row: VehicleView) -> str:
        return f"Vehicle {row.registration} " + " ".join(p for p in (row.colour, row.make, row.model) if p)

    def when(self, row: VehicleView) -> date | None:
        return row.from_date


class OccupationsModel(PersonEntries[OccupationView]):
    entity = "occupation"

    def __init__(self, parent=None) -> None:
        super().__init__([
            Column("Kind", lambda o: OCCUPATION_KINDS.get(o.kind, o.kind)),
            Column("Where", lambda o: o.organisation + (f" ({o.role})" if o.role else ""),
                   tooltip=lambda o: o.address),
            Column("Address", lambda o: (o.address or "").replace("\n", ", ")),
            Column("When", lambda o: period(o.from_date, o.to_date), lambda o: day_order(o.from_date)),
            Column("Notified", lambda o: "Yes" if o.notified else "No"),
        ], parent)

    def summary(self, row: OccupationView) -> str:
        return f"{OCCUPATION_KINDS.get(row.kind, row.kind)}: {row.organisation}"

    def when(self, row: OccupationView) -> date | None:
        return row.from_date


class IdentifiersModel(PersonEntries[IdentifierView]):
    entity = "online_identifier"

    def __init__(self, parent=None) -> None:
        super().__init__([
            Column("Platform", lambda i: i.platform),
            Column("Username or address", lambda i: i.identifier, tooltip=lambda i: i.identifier),
            Column("How known", lambda i: IDENTIFIER_SOURCES.get(i.source, i.source)),
            Column("When", lambda i: period(i.from_date, i.to_date), lambda i: day_order(i.from_date)),
        ], parent)

    def summary(self, row: IdentifierView) -> str:
        return f"{row.platform}: {row.identifier}"

    def when(self, row: IdentifierView) -> date | None:
        return row.from_date
