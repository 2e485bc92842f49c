"""The planner's cards: one proposed or booked home visit, as a card in the week, in the overdue
strip, or as a two-line chip in a month's day.

Every line is one line, ended with "..." when the day is narrow (the whole visit is in the
tooltip, the accessible name and the details panel), so lines never overlap and a card is always
as tall as its lines. Proposed and booked differ in words as well as looks: "Proposed" on a
dashed outline, "Booked" with the booked hours on a solid fill.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFocusEvent, QKeyEvent, QMouseEvent
from PySide6.QtWidgets import QFrame, QLabel, QSizePolicy, QVBoxLayout, QWidget

from rso_manager.services.visits import PlannedVisit
from ui.kit.formatting import risk_label
from ui.workflows.visits.wording import band_label, day_label, days_text

STYLE = """
QFrame#visitCard { background: #ffffff; border: 1px dashed #5b7bb0; border-left: 4px solid #8aa4c8;
    border-radius: 4px; }
QFrame#visitCard[state="booked"] { background: #e3ecf8; border: 1px solid #1f3a5f;
    border-left: 4px solid #1f3a5f; }
QFrame#visitCard[state="overdue"] { background: #fff6f5; border: 1px dashed #c0574f;
    border-left: 4px solid #b3261e; }
QFrame#visitCard[selected="true"] { border: 2px solid #1f3a5f; border-left: 4px solid #1f3a5f; }
QFrame#visitCard[state="overdue"][selected="true"] { border: 2px solid #b3261e; border-left: 4px solid #b3261e; }
QFrame#visitCard[chip="true"] { border-left-width: 1px; border-radius: 3px; }
QFrame#visitCard[chip="true"][state="booked"] { background: #1f3a5f; }
QFrame#visitCard[chip="true"][state="booked"] QLabel { color: #ffffff; }
QFrame#visitCard[chip="true"][selected="true"] { border: 2px solid #f0a500; }
QFrame#visitCard QLabel { background: transparent; border: none; }
QLabel#cardState { color: #3e5c8a; font-size: 8.5pt; font-weight: 600; }
QFrame#visitCard[state="booked"] QLabel#cardState { color: #1f3a5f; }
QFrame#visitCard[state="overdue"] QLabel#cardState { color: #b3261e; }
QLabel#cardName { font-weight: 700; color: #1f2933; }
QLabel#cardMeta { color: #52606d; font-size: 9pt; }
QLabel#cardOverdue { color: #b3261e; font-weight: 700; font-size: 9pt; }
QLabel#cardWarning { color: #8a5300; font-size: 9pt; }
QLabel#chipState { font-size: 8pt; font-weight: 600; color: #3e5c8a; }
QFrame#visitCard[state="overdue"] QLabel#chipState { color: #b3261e; }
QLabel#chipName { font-size: 9pt; font-weight: 600; color: #1f2933; }
"""

def restyle(widget: QWidget, **properties: object) -> None:
    for name, value in properties.items():
        widget.setProperty(name, value)
    widget.style().unpolish(widget)
    widget.style().polish(widget)
    for child in widget.findChildren(QLabel):
        child.style().unpolish(child)
        child.style().polish(child)


class Line(QLabel):
    """One line of a card. When the day is too narrow it shows the first of its SHORTER forms
    that fits (e.g. the surname and an initial), else ends in "...", instead of being cut off
    or wrapping over the next line."""

    def __init__(self, text: str, name: str, shorter: tuple[str, ...] = ()) -> None:
        super().__init__(text)
        self.full_text = text
        self._forms = (text, *shorter)
        self.setObjectName(name)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.setMinimumWidth(20)

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        metrics, width = self.fontMetrics(), self.width()
        shown = next((f for f in self._forms if metrics.horizontalAdvance(f) <= width), None)
        if shown is None:
            shown = metrics.elidedText(self._forms[-1], Qt.TextElideMode.ElideRight, width)
        if shown != self.text():
            self.setText(shown)


def _name_forms(name: str) -> tuple[str, ...]:
    """"QUILLFEATHER, Arthur James": "QUILLFEATHER, A.", then "QUILLFEATHER"."""
    surname, _, forenames = name.partition(", ")
    return (f"{surname}, {forenames[0]}.", surname) if forenames else ()


def card_state(item: PlannedVisit) -> str:
    return "overdue" if item.days_overdue > 0 else item.status


def state_text(item: PlannedVisit, hours: dict[str, str] | None = None, *, show_day: bool = False) -> str:
    """"Proposed: evening" or "Booked: evening 17:00-21:00": the words that tell them apart."""
    when = band_label(item.time_band).lower()
    if show_day:
        when = f"{item.proposed_on:%a %d/%m} {when}"
    if item.status == "booked":  # the booked hours, where the policy gives them, say the band
        return f"Booked: {when} {hours[item.time_band]}" if hours and item.time_band in hours else f"Booked: {when}"
    return f"Proposed: {when}"


class VisitCard(QFrame):
    """One proposed or booked visit. Click selects it; double-click or Enter opens the record.

    compact: the overdue strip (state, name, how late); chip: a month's day (two lines)."""

    chosen = Signal(object)  # PlannedVisit
    activated = Signal(object)

    def __init__(self, item: PlannedVisit, *, compact: bool = False, show_day: bool = False, chip: bool = False,
                 hours: dict[str, str] | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.item = item
        self.setObjectName("visitCard")
        self.setProperty("state", card_state(item))
        self.setProperty("chip", chip)
        self.setProperty("selected", False)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.setToolTip(self.summary(hours))
        self.setAccessibleName(self.summary(hours).replace("\n", ". "))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 4, 6, 5)
        layout.setSpacing(1)
        state = state_text(item, hours, show_day=show_day)
        booked_hours = hours.get(item.time_band) if hours and item.status == "booked" else None
        state_forms = (f"Booked: {booked_hours}", "Booked") if booked_hours else ()
        name = Line(item.name, "chipName" if chip else "cardName", _name_forms(item.name))
        if chip:
            layout.setContentsMargins(5, 1, 4, 2)
            layout.setSpacing(0)
            self.lines = [Line(state, "chipState", state_forms), name]
        else:
            if compact:  # side by side in the strip: wide enough for the day and the name
                self.setMinimumWidth(210)
            self.lines = [Line(state, "cardState", state_forms), name]
            if not compact:
                risk = risk_label(item.risk_level) if item.risk_level else "not assessed"
                self.lines.append(Line(f"{item.reference}  \u00b7  {risk}" + (" risk" if item.risk_level else ""),
                                       "cardMeta", (f"{item.reference} \u00b7 {risk}", item.reference)))
                self.lines += [Line(name, "cardMeta") for name in item.officer_names] or [
                    Line("No officers", "cardMeta")]
            if item.days_overdue:
                self.lines.append(Line(f"Overdue by {days_text(item.days_overdue)}", "cardOverdue"))
            if item.warnings and not compact:
                n = len(item.warnings)
                warning = Line(f"\u26a0 {n} warning{'s' if n != 1 else ''}", "cardWarning")
                warning.setToolTip("\n".join(f"\u2022 {w}" for w in item.warnings))
                self.lines.append(warning)
        for line in self.lines:
            layout.addWidget(line)

    def texts(self) -> list[str]:
        """Each line in full (as shown when the card is wide enough)."""
        return [line.full_text for line in self.lines]

    def summary(self, hours: dict[str, str] | None = None) -> str:
        i = self.item
        lines = [f"{'Booked' if i.status == 'booked' else 'Proposed'} visit: {i.name} ({i.reference})",
                 f"{day_label(i.proposed_on)}, {band_label(i.time_band, hours).lower()}",
                 f"Officers: {' and '.join(i.officer_names) or 'none'}"]
        if i.days_overdue:
            lines.append(f"Overdue by {days_text(i.days_overdue)}")
        lines += [f"\u26a0 {w}" for w in i.warnings]
        return "\n".join(lines)

    def set_selected(self, selected: bool) -> None:
        if bool(self.property("selected")) != selected:
            restyle(self, selected=selected)

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if event.button() == Qt.MouseButton.LeftButton:
            self.setFocus(Qt.FocusReason.MouseFocusReason)
            self.chosen.emit(self.item)
        super().mousePressEvent(event)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        self.activated.emit(self.item)

    def focusInEvent(self, event: QFocusEvent) -> None:  # noqa: N802
        super().focusInEvent(event)
        self.chosen.emit(self.item)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.activated.emit(self.item)
            return
        super().keyPressEvent(event)

