"""Shared form pieces: a field with its error line, the date field, the failure router.

Validation rules live in the services. A form only shows what ValidationFailed says, next to
the field it names, and never clears what the user typed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QCalendarWidget,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QToolButton,
    QVBoxLayout,
    QWidget,
    QWidgetAction,
)

from rso_manager.services.errors import ConcurrentEditError, ServiceError, ValidationFailed
from ui.formatting import fmt_date, parse_date
from ui.prompter import Prompter
from ui.qtcompat import qvalue
from ui.worker import SessionLocked


def set_invalid(widget: QWidget, invalid: bool) -> None:
    """Toggle the red border (style.qss: *[invalid="true"]); re-polish so it shows at once."""
    if bool(qvalue(widget.property("invalid"))) == invalid:
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

    def message(self, name: str) -> str:
        field = self._fields.get(name)
        return field.error.text() if field and not field.error.isHidden() else ""

    def is_marked(self, name: str) -> bool:
        return bool(qvalue(self._fields[name].widget.property("invalid")))

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
    caption.setBuddy(widget)
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
    service errors as a message, anything else to the apology handler."""
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
        raise exc
