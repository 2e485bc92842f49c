"""Shared form pieces: a field with its error line, the date field, the failure router.

Validation rules live in the services. A form only shows what ValidationFailed says, next to
the field it names, and never clears what the user typed.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QCalendarWidget,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPlainTextEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
    QWidgetAction,
)

from rso_manager.clock import LONDON
from rso_manager.domain.rationale import word_count
from rso_manager.services.errors import (
    ConcurrentEditError,
    FieldProblem,
    ServiceError,
    ValidationFailed,
)
from ui.apology import apologise
from ui.kit import accessibility
from ui.kit.formatting import fmt_date, parse_date
from ui.prompter import Prompter
from ui.worker import SessionLocked


def set_invalid(widget: QWidget, invalid: bool) -> None:
    """Toggle the red border (style.qss: *[invalid="true"]); re-polish so it shows at once."""
    if bool(widget.property("invalid")) == invalid:
        return
    widget.setProperty("invalid", invalid)
    widget.style().unpolish(widget)
    widget.style().polish(widget)
    widget.update()


def error_label() -> QLabel:
    label = QLabel()
    label.setObjectName("fieldError")
    label.setWordWrap(True)
    label.setVisible(False)
    label.setTextFormat(Qt.TextFormat.PlainText)
    return label


@dataclass
class _Field:
    widget: QWidget
    error: QLabel


class FieldErrors:
    """Maps the service's field names to widgets and shows each problem under its field."""

    def __init__(self, general: QLabel | None = None) -> None:
        self._fields: dict[str, _Field] = {}
        self.general = general or error_label()

    def add(self, name: str, widget: QWidget) -> QWidget:
        """Register a field; returns a small container of the widget with its error line under it."""
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(widget)
        label = error_label()
        label.setObjectName("fieldError")
        label.setAccessibleName(f"{name} error")
        layout.addWidget(label)
        self._fields[name] = _Field(widget, label)
        return box

    def widget(self, name: str) -> QWidget:
        return self._fields[name].widget

    def error_line(self, name: str) -> QLabel:
        """The line under a field where its message shows (to style one field's messages)."""
        return self._fields[name].error

    def message(self, name: str) -> str:
        field = self._fields.get(name)
        return field.error.text() if field and not field.error.isHidden() else ""

    def is_marked(self, name: str) -> bool:
        return bool(self._fields[name].widget.property("invalid"))

    def clear(self) -> None:
        for field in self._fields.values():
            field.error.clear()
            field.error.setVisible(False)
            set_invalid(field.widget, False)
        self.general.clear()
        self.general.setVisible(False)

    def show(self, failure: ValidationFailed) -> None:
        """Each problem next to its field; problems about fields not on this form go on top."""
        self.clear()
        general = []
        first: QWidget | None = None
        for problem in failure.problems:
            field = self._fields.get(problem.field)
            if field is None:
                general.append(problem.message)
                continue
            text = field.error.text()
            field.error.setText(f"{text}\n{problem.message}" if text else problem.message)
            field.error.setVisible(True)
            set_invalid(field.widget, True)
            first = first or field.widget
        if general:
            self.show_general("\n".join(general))
        if first is not None:
            first.setFocus()

    def show_general(self, text: str) -> None:
        self.general.setText(text)
        self.general.setVisible(bool(text))


def add_row(form: QFormLayout, label: str, errors: FieldErrors, name: str, widget: QWidget) -> None:
    """A labelled row whose error line sits under the widget, inside the same row."""
    caption = QLabel(label)
    caption.setBuddy(widget)  # its mnemonic (Alt+letter) reaches the field
    # Qt finds a buddy's label only beside it, and the error line's box sits between them.
    accessibility.name(widget, label)
    if isinstance(widget, DateField | DateTimeField):
        date_field = widget if isinstance(widget, DateField) else widget.date
        date_field.button.setAccessibleName(f"Pick {accessibility.plain(label)} from a calendar")
    form.addRow(caption, errors.add(name, widget))


class DateField(QWidget):
    """A date typed as DD/MM/YYYY, or picked from a calendar. Empty means "not set".

    A line edit rather than a QDateEdit: staff copy dates of birth from PNC printouts and type
    faster than they spin sections, and QDateEdit has no honest empty state.
    """

    changed = Signal()

    def __init__(self, parent: QWidget | None = None, *, calendar_start: Callable[[], date] | None = None) -> None:
        super().__init__(parent)
        self._calendar_start = calendar_start
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        self.edit = QLineEdit()
        self.edit.setPlaceholderText("DD/MM/YYYY")
        self.edit.setMaxLength(10)
        self.edit.textChanged.connect(self.changed)
        layout.addWidget(self.edit, 1)
        self.button = QToolButton()
        self.button.setObjectName("calendarButton")
        self.button.setText("Calendar")
        self.button.setToolTip("Pick the date from a calendar")
        self.button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.calendar = QCalendarWidget()
        self.calendar.setGridVisible(True)
        self.calendar.setFirstDayOfWeek(Qt.DayOfWeek.Monday)
        self.calendar.clicked.connect(self._picked)
        self.calendar.activated.connect(self._picked)
        menu = QMenu(self.button)
        action = QWidgetAction(menu)
        action.setDefaultWidget(self.calendar)
        menu.addAction(action)
        menu.aboutToShow.connect(self._prepare_calendar)
        self.button.setMenu(menu)
        layout.addWidget(self.button)
        self.setFocusProxy(self.edit)

    def _prepare_calendar(self) -> None:
        current = self.date() or (self._calendar_start() if self._calendar_start else None)
        if current:
            self.calendar.setSelectedDate(QDate(current.year, current.month, current.day))

    def _picked(self, qdate: QDate) -> None:
        self.set_date(date(qdate.year(), qdate.month(), qdate.day()))
        self.button.menu().close()

    def date(self) -> date | None:
        """The typed date, or None if empty or not a real DD/MM/YYYY date; the service then
        says what it needs and the text stays as typed."""
        return parse_date(self.edit.text())

    def set_date(self, value: date | None) -> None:
        self.edit.setText(fmt_date(value))

    def text(self) -> str:
        return self.edit.text()

    def setProperty(self, name: str, value: object) -> bool:  # noqa: N802 - Qt override
        # The red border belongs on the line edit the user types in.
        if name == "invalid":
            set_invalid(self.edit, bool(value))
        return super().setProperty(name, value)


def report_failure(prompter: Prompter, exc: BaseException, *, title: str,
                   errors: FieldErrors | None = None,
                   on_reload: Callable[[], None] | None = None,
                   unexpected: Callable[[BaseException], None] | None = None) -> None:
    """Route a failed service call: field problems inline, a stale save offers Reload, other
    service errors as a message, anything else to the apology (or UNEXPECTED, where a screen
    must do more than apologise)."""
    if isinstance(exc, ValidationFailed) and errors is not None:
        errors.show(exc)
    elif isinstance(exc, SessionLocked) and errors is not None:
        # Said in the form, which the lock hides and brings back with everything typed in it.
        errors.show_general(str(exc))
    elif isinstance(exc, ConcurrentEditError):
        if prompter.confirm("Changed by someone else", str(exc), ok="Reload", cancel="Not now") and on_reload:
            on_reload()
    elif isinstance(exc, ValidationFailed):
        prompter.warning(title, "\n".join(p.message for p in exc.problems))
    elif isinstance(exc, ServiceError):
        prompter.warning(title, str(exc))
    elif unexpected is not None:
        unexpected(exc)
    else:
        apologise(prompter, exc)


# A red shared by the word count and the lists that flag what is late.
RED = QColor("#b3261e")


_TIME = re.compile(r"^\s*(\d{1,2})[:.]?(\d{2})\s*$")


def parse_time(text: str) -> time | None:
    """HH:MM (also HH.MM or HHMM), 24-hour; None if empty or not a real time."""
    match = _TIME.match(text)
    if not match:
        return None
    hour, minute = int(match.group(1)), int(match.group(2))
    return time(hour, minute) if hour < 24 and minute < 60 else None


class DateTimeField(QWidget):
    """A UK date and a 24-hour time, as read on a London clock; stored as an aware time."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None, *, calendar_start: Callable[[], date] | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        self.date = DateField(calendar_start=calendar_start)
        self.date.changed.connect(lambda: self.changed.emit())
        layout.addWidget(self.date, 1)
        at = QLabel("at")
        layout.addWidget(at)
        self.time = QLineEdit()
        self.time.setPlaceholderText("HH:MM")
        self.time.setMaxLength(5)
        self.time.ensurePolished()  # measure in the style sheet's font
        self.time.setFixedWidth(self.time.fontMetrics().horizontalAdvance("HH:MM") + 36)
        self.time.setAccessibleName("Time, 24-hour")
        self.time.textChanged.connect(lambda: self.changed.emit())
        layout.addWidget(self.time)
        self.setFocusProxy(self.date)

    def is_empty(self) -> bool:
        return not self.date.text().strip() and not self.time.text().strip()

    def typed_problem(self) -> str | None:
        """A message if something is typed that is not a date and time (nothing typed is fine)."""
        if self.is_empty():
            return None
        if self.date.date() is None:
            return "Type the date as DD/MM/YYYY."
        if parse_time(self.time.text()) is None:
            return "Type the time as HH:MM (24-hour), e.g. 14:30."
        return None

    def value(self) -> datetime | None:
        day, clock = self.date.date(), parse_time(self.time.text())
        if day is None or clock is None:
            return None
        return datetime.combine(day, clock, tzinfo=LONDON)

    def set_value(self, moment: datetime | None) -> None:
        if moment is None:
            self.date.set_date(None)
            self.time.clear()
            return
        local = moment.astimezone(LONDON)
        self.date.set_date(local.date())
        self.time.setText(local.strftime("%H:%M"))

    def setProperty(self, name: str, value: object) -> bool:  # noqa: N802 - Qt override
        if name == "invalid":
            self.date.setProperty("invalid", value)
            set_invalid(self.time, bool(value))
        return super().setProperty(name, value)


def typed_problems(fields: dict[str, QWidget]) -> list[FieldProblem]:
    """Dates and times typed in a form that cannot be read, so nothing typed is silently dropped."""
    problems = []
    for name, widget in fields.items():
        if isinstance(widget, DateTimeField):
            problem = widget.typed_problem()
        elif isinstance(widget, DateField):
            problem = ("Type the date as DD/MM/YYYY." if widget.text().strip() and widget.date() is None else None)
        else:
            problem = None
        if problem:
            problems.append(FieldProblem(name, problem))
    return problems


class RationaleBox(QWidget):
    """Free text that the service judges as reasoning, with the guidance under it and a live
    count of words against the minimum. The count is a hint; the service decides."""

    def __init__(self, parent: QWidget | None = None, *, min_words: int | None = None, guidance: str = "",
                 placeholder: str = "") -> None:
        super().__init__(parent)
        self.min_words = min_words
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(3)
        self.editor = QPlainTextEdit()
        self.editor.setTabChangesFocus(True)
        self.editor.setPlaceholderText(placeholder)
        self.editor.setMinimumHeight(90)
        self.editor.textChanged.connect(self._count)
        layout.addWidget(self.editor, 1)
        self.counter = QLabel()
        self.counter.setObjectName("wordCount")
        self.counter.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        layout.addWidget(self.counter)
        self.guidance = QLabel(guidance)
        self.guidance.setObjectName("hint")
        self.guidance.setWordWrap(True)
        self.guidance.setVisible(bool(guidance))
        layout.addWidget(self.guidance)
        self.setFocusProxy(self.editor)
        self._count()

    def set_policy(self, min_words: int, guidance: str) -> None:
        self.min_words = min_words
        if guidance:
            self.guidance.setText(guidance)
            self.guidance.setVisible(True)
        self._count()

    def text(self) -> str:
        return self.editor.toPlainText()

    def set_text(self, text: str) -> None:
        self.editor.setPlainText(text)

    def words(self) -> int:
        return word_count(self.text())

    def _count(self) -> None:
        n = self.words()
        noun = "word" if n == 1 else "words"
        if self.min_words:
            self.counter.setText(f"{n} {noun} of at least {self.min_words}")
            short = 0 < n < self.min_words
            self.counter.setStyleSheet(f"color: {RED.name()};" if short else "color: #2f7d4f;" if n else "color: #52606d;")
        else:
            self.counter.setText(f"{n} {noun}")

    def setProperty(self, name: str, value: object) -> bool:  # noqa: N802 - Qt override
        if name == "invalid":
            set_invalid(self.editor, bool(value))
        return super().setProperty(name, value)


def combo_data(combo: QComboBox) -> Any:
    return combo.currentData()


def select_data(combo: QComboBox, value: Any) -> None:
    index = combo.findData(value)
    if index >= 0:
        combo.setCurrentIndex(index)
