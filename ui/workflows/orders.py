"""The orders page of the record: civil orders (SHPO, SRO) and their items.

A prohibition and a positive requirement are separate items with their own dates, because a
court may end one before the other; each shows whether it is in force today. The order also
says how many days it gives to notify a new device (a late declaration is a breach).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from rso_manager.domain import civil_orders as co
from rso_manager.domain.order_labels import (
    ORDER_KINDS,
    REQUIREMENT_CATEGORIES,
    REQUIREMENT_KINDS,
    UNTIL_FURTHER_ORDER,
    order_title,
    requirement_label,
)
from rso_manager.services.caseload import OffenderRecord
from rso_manager.services.devices import (
    OrderInput,
    OrderView,
    RequirementInput,
    RequirementView,
    add_order_requirement,
    orders_for,
    record_order,
)
from rso_manager.services.errors import FieldProblem, ValidationFailed
from ui.extensions import record_page
from ui.kit.detail_pane import DetailPane, PaneStack, history_fields, history_of
from ui.kit.formatting import fmt_date
from ui.kit.forms import DateField, FieldErrors, combo_data
from ui.kit.record_dialog import RecordDialog
from ui.kit.record_page import RecordContext, SectionSpec
from ui.kit.register_page import RegisterPage
from ui.kit.tables import Column, ListPanel, RowsModel
from ui.kit.widgets import BOLD, GREY, combo, data_table, select_first, selected_row, text_editor

GREEN = QColor("#2f7d4f")
ORDER_TINT = QColor("#eef2f7")


def _until(ends_on, indefinite: bool) -> str:
    return UNTIL_FURTHER_ORDER if indefinite or ends_on is None else fmt_date(ends_on)


def _title(o: OrderView) -> str:
    return order_title(o.kind, o.made_on, o.court)


# --- dialogs ---------------------------------------------------------------------------------


def _caption(text: str) -> QLabel:
    label = QLabel(text)
    label.setContentsMargins(0, 5, 0, 0)  # level with the text in the box beside it
    return label


class UntilField(QWidget):
    """An end date, or "until further order". The red border of a refused end date goes on the
    date's own box, not around the tick box as well."""

    def __init__(self, ctx: RecordContext, *, stacked: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self) if stacked else QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2 if stacked else 8)
        self.date = DateField(calendar_start=ctx.services.clock.today)
        self.indefinite = QCheckBox(UNTIL_FURTHER_ORDER)
        self.indefinite.toggled.connect(lambda on: self.date.setEnabled(not on))
        layout.addWidget(self.date, 1)
        layout.addWidget(self.indefinite)
        self.setFocusProxy(self.date)

    def setProperty(self, name: str, value: object) -> bool:  # noqa: N802 - Qt override
        if name == "invalid":
            self.date.setProperty(name, value)
        return super().setProperty(name, value)


class RequirementRow(QFrame):
    """One prohibition or positive requirement: its own wording, category and dates.

    Its fields have their own FieldErrors; the order dialog hands each row the problems the
    service named requirements[i].<field>.
    """

    def __init__(self, ctx: RecordContext, number: int, *, removable: bool = True,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("requirementRow")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setStyleSheet("QFrame#requirementRow { border: 1px solid #d5dde8; border-radius: 4px;"
                           " background: #ffffff; }")
        self.errors = FieldErrors()
        grid = QGridLayout(self)
        grid.setContentsMargins(8, 6, 8, 6)
        grid.setHorizontalSpacing(8)
        grid.setVerticalSpacing(2)
        self.title = QLabel()
        self.title.setStyleSheet("QLabel { font-weight: 600; color: #1f3a5f; }")
        grid.addWidget(self.title, 0, 0, 1, 3)
        self.remove_button = QPushButton("Remove")
        self.remove_button.setVisible(removable)
        grid.addWidget(self.remove_button, 0, 3, Qt.AlignmentFlag.AlignRight)
        self.kind = combo(REQUIREMENT_KINDS)
        self.category = combo(REQUIREMENT_CATEGORIES)
        grid.addWidget(_caption("Kind"), 1, 0, Qt.AlignmentFlag.AlignTop)
        grid.addWidget(self.errors.add("kind", self.kind), 1, 1)
        grid.addWidget(_caption("Category"), 1, 2, Qt.AlignmentFlag.AlignTop)
        grid.addWidget(self.errors.add("category", self.category), 1, 3)
        self.text = text_editor("The wording as the order gives it, e.g. Not to use any device capable of "
                                "accessing the internet unless it has been declared to the police", 54)
        grid.addWidget(_caption("Wording"), 2, 0, Qt.AlignmentFlag.AlignTop)
        grid.addWidget(self.errors.add("text", self.text), 2, 1, 1, 3)
        today = ctx.services.clock.today
        self.starts_on = DateField(calendar_start=today)
        self.until = UntilField(ctx, stacked=True)
        self.ends_on, self.indefinite = self.until.date, self.until.indefinite
        grid.addWidget(_caption("From"), 3, 0, Qt.AlignmentFlag.AlignTop)
        grid.addWidget(self.errors.add("starts_on", self.starts_on), 3, 1)
        grid.addWidget(_caption("Until"), 3, 2, Qt.AlignmentFlag.AlignTop)
        grid.addWidget(self.errors.add("ends_on", self.until), 3, 3)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)
        self.set_number(number)
        # Until the user changes them, a row's start date and "until further order" follow the
        # order's (the usual case: every item runs with the order).
        self.start_follows = True
        self.indefinite_follows = True
        self._following = False
        self.starts_on.changed.connect(self._start_edited)
        self.indefinite.clicked.connect(self._indefinite_clicked)

    def _start_edited(self) -> None:
        if not self._following:
            self.start_follows = False

    def _indefinite_clicked(self) -> None:
        self.indefinite_follows = False

    def follow_order(self, made_on_text: str, indefinite: bool) -> None:
        self._following = True
        try:
            if self.start_follows:
                self.starts_on.edit.setText(made_on_text)
            if self.indefinite_follows:
                self.indefinite.setChecked(indefinite)
        finally:
            self._following = False

    def set_number(self, number: int) -> None:
        self.title.setText(f"Item {number}")

    def value(self) -> RequirementInput:
        indefinite = self.indefinite.isChecked()
        return RequirementInput(kind=combo_data(self.kind), category=combo_data(self.category),
                                text=self.text.toPlainText(), starts_on=self.starts_on.date(),
                                ends_on=None if indefinite else self.ends_on.date(), indefinite=indefinite)


def _split_problems(exc: ValidationFailed, prefix: str = "requirements[") -> tuple[list[FieldProblem], dict[int, list[FieldProblem]]]:
    """The order's own problems, and each row's by index, with the row prefix removed."""
    own: list[FieldProblem] = []
    rows: dict[int, list[FieldProblem]] = {}
    for p in exc.problems:
        if p.field.startswith(prefix) and "]." in p.field:
            index, _, name = p.field[len(prefix):].partition("].")
            if index.isdigit():
                rows.setdefault(int(index), []).append(FieldProblem(name, p.message))
                continue
        own.append(p)
    return own, rows


class OrderErrors(FieldErrors):
    """The order's own fields, and each item row's: the service names a row's problems
    requirements[i].<field>, so each goes under the field of the row it is about."""

    def __init__(self, general: QLabel, rows: Callable[[], list[RequirementRow]]) -> None:
        super().__init__(general)
        self._rows = rows

    def show(self, failure: ValidationFailed) -> None:
        own, per_row = _split_problems(failure)
        for i, row in enumerate(self._rows()):
            if i in per_row:
                row.errors.show(ValidationFailed(per_row[i]))
            else:
                row.errors.clear()
        if own:
            super().show(ValidationFailed(own))
        else:
            self.clear()


class OrderDialog(RecordDialog):
    """Record an SHPO or SRO with its prohibitions and positive requirements."""

    def __init__(self, ctx: RecordContext, record: OffenderRecord, parent: QWidget | None = None) -> None:
        super().__init__(ctx, record, "Record an order",
                         "Enter each prohibition and each positive requirement as its own item, with the "
                         "dates the order gives it: a court may end one before the other.",
                         save_text="Record the order", parent=parent, width=760)
        self.rows: list[RequirementRow] = []
        self.errors = OrderErrors(self.errors.general, lambda: self.rows)
        today = ctx.services.clock.today
        self.kind = combo(ORDER_KINDS)
        self.row("&Order", "kind", self.kind)
        self.court = QLineEdit()
        self.court.setMaxLength(200)
        self.court.setPlaceholderText("e.g. Northam Crown Court")
        self.row("&Court", "court", self.court)
        self.made_on = DateField(calendar_start=today)
        self.row("&Made on", "made_on", self.made_on)
        self.until = UntilField(ctx)
        self.ends_on, self.indefinite = self.until.date, self.until.indefinite
        self.indefinite.toggled.connect(self._order_changed)
        self.made_on.changed.connect(self._order_changed)
        self.row("&Ends on", "ends_on", self.until)
        self.device_notify_days = QSpinBox()
        self.device_notify_days.setRange(0, 365)
        self.device_notify_days.setSpecialValueText("The order sets no time limit")
        self.device_notify_days.setSuffix(" days")
        self.device_notify_days.setFixedWidth(260)
        self.row("New device to be &notified within", "device_notify_days", self.device_notify_days)

        heading = QLabel("Prohibitions and positive requirements")
        heading.setStyleSheet("QLabel { font-weight: 600; color: #1f3a5f; padding-top: 6px; }")
        self.layout_.addWidget(heading)
        self.rows_box = QWidget()
        self.rows_layout = QVBoxLayout(self.rows_box)
        self.rows_layout.setContentsMargins(0, 0, 0, 0)
        self.rows_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(self.rows_box)
        scroll.setMinimumHeight(300)
        self.layout_.addWidget(scroll, 1)
        self.add_row_button = QPushButton("Add another item")
        self.add_row_button.clicked.connect(lambda: self.add_requirement_row())
        row = QHBoxLayout()
        row.addWidget(self.add_row_button)
        row.addStretch(1)
        self.layout_.addLayout(row)
        self.add_requirement_row()
        self.finish()
        self.resize(780, 720)
        self.court.setFocus()

    def _order_changed(self, *_args) -> None:
        for row in self.rows:
            row.follow_order(self.made_on.text(), self.indefinite.isChecked())

    def add_requirement_row(self) -> RequirementRow:
        row = RequirementRow(self.ctx, len(self.rows) + 1)
        row.follow_order(self.made_on.text(), self.indefinite.isChecked())
        row.remove_button.clicked.connect(lambda: self.remove_requirement_row(row))
        self.rows.append(row)
        self.rows_layout.insertWidget(self.rows_layout.count() - 1, row)
        row.text.setFocus()
        return row

    def remove_requirement_row(self, row: RequirementRow) -> None:
        self.rows.remove(row)
        self.rows_layout.removeWidget(row)
        row.deleteLater()
        for i, r in enumerate(self.rows, start=1):
            r.set_number(i)

    def order_input(self) -> OrderInput:
        indefinite = self.indefinite.isChecked()
        days = self.device_notify_days.value()
        return OrderInput(kind=combo_data(self.kind), court=self.court.text().strip() or None,
                          made_on=self.made_on.date(), ends_on=None if indefinite else self.ends_on.date(),
                          indefinite=indefinite, device_notify_days=days or None)

    def submit(self) -> None:
        assert self.record is not None
        self.call(record_order, self.ctx.services, self.ctx.actor, self.record.offender_id, self.order_input(),
                  [r.value() for r in self.rows])


class RequirementDialog(RecordDialog):
    """Add one prohibition or positive requirement to an order already recorded."""

    def __init__(self, ctx: RecordContext, record: OffenderRecord, order: OrderView,
                 parent: QWidget | None = None) -> None:
        super().__init__(ctx, record, "Add a requirement",
                         f"To the {_title(order)} ({_until(order.ends_on, order.indefinite).lower()}).",
                         save_text="Add the item", parent=parent, width=700)
        self.order = order
        self.item = RequirementRow(ctx, 1, removable=False)
        self.item.follow_order("", order.indefinite)
        self.item.title.setText("New item")
        self.errors = self.item.errors
        self.layout_.insertWidget(self.layout_.indexOf(self.hint) + 1, self.errors.general)
        self.layout_.addWidget(self.item)
        self.finish()
        self.item.text.setFocus()

    def submit(self) -> None:
        self.call(add_order_requirement, self.ctx.services, self.ctx.actor, self.order.order_id, self.item.value())


# --- the page ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class OrderLine:
    """One line of the orders table: an order, or one of its items under it."""

    order: OrderView
    requirement: RequirementView | None = None

    @property
    def key(self) -> tuple[str, int]:
        if self.requirement is not None:
            return ("order_requirement", self.requirement.requirement_id)
        return ("civil_order", self.order.order_id)

    @property
    def in_force(self) -> bool:
        return (self.requirement or self.order).in_force


def _line_text(line: OrderLine) -> str:
    r = line.requirement
    return _title(line.order) if r is None else requirement_label(r.kind, r.text)


class OrderLinesModel(RowsModel[OrderLine]):
    """Orders in bold on a tinted line, each followed by its prohibitions and requirements."""

    def __init__(self, parent=None) -> None:
        super().__init__([
            Column("Order / item", _line_text, tooltip=lambda line: line.requirement.text if line.requirement else None),
            Column("Category", lambda line: REQUIREMENT_CATEGORIES.get(line.requirement.category or "", line.requirement.category or "")
                   if line.requirement else ""),
            Column("From", lambda line: fmt_date(line.requirement.starts_on if line.requirement else line.order.made_on)),
            Column("Until", lambda line: _until(line.requirement.ends_on, line.requirement.indefinite)
                   if line.requirement else _until(line.order.ends_on, line.order.indefinite)),
            Column("Today", lambda line: "In force" if line.in_force else "Ended"),
            Column("New device\nnotified within", lambda line: "" if line.requirement else (
                f"{line.order.device_notify_days} days" if line.order.device_notify_days else "No limit set")),
        ], parent)

    def extra(self, row: OrderLine, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft
        if role == Qt.ItemDataRole.FontRole and row.requirement is None:
            return BOLD
        if role == Qt.ItemDataRole.BackgroundRole and row.requirement is None:
            return QBrush(ORDER_TINT)
        if role == Qt.ItemDataRole.ForegroundRole:
            if not row.in_force:
                return QBrush(GREY)
            if column == 4:
                return QBrush(GREEN)
        return None


ORDER_CAPTIONS = ("Order", "Kind", "Court", "Made on", "Until", "Today", "New device notified within",
                  "Prohibitions", "Positive requirements")
ITEM_CAPTIONS = ("Item", "Kind", "Category", "Of the order", "Wording", "From", "Until", "Today")
NO_ORDER = "Select an order or one of its items to read it in full."


def _item_line(r: RequirementView) -> str:
    ended = "" if r.in_force else " (ended)"
    return f"{r.text}{ended}"


def order_fields(o: OrderView) -> dict[str, str]:
    prohibitions = [r for r in o.requirements if r.kind == co.RequirementKind.PROHIBITION]
    positive = [r for r in o.requirements if r.kind != co.RequirementKind.PROHIBITION]
    return {
        "Order": _title(o),
        "Kind": ORDER_KINDS.get(o.kind, o.kind),
        "Court": o.court or "Not recorded",
        "Made on": fmt_date(o.made_on),
        "Until": _until(o.ends_on, o.indefinite),
        "Today": "In force" if o.in_force else "Ended",
        "New device notified within": f"{o.device_notify_days} days of getting it" if o.device_notify_days
        else "No time limit set by the order",
        "Prohibitions": "\n".join(f"\u2022 {_item_line(r)}" for r in prohibitions) or "None",
        "Positive requirements": "\n".join(f"\u2022 {_item_line(r)}" for r in positive) or "None",
    }


def item_fields(o: OrderView, r: RequirementView) -> dict[str, str]:
    return {
        "Item": requirement_label(r.kind, r.text),
        "Kind": REQUIREMENT_KINDS.get(r.kind, r.kind),
        "Category": REQUIREMENT_CATEGORIES.get(r.category or "", "No category"),
        "Of the order": _title(o),
        "Wording": r.text,
        "From": fmt_date(r.starts_on),
        "Until": _until(r.ends_on, r.indefinite),
        "Today": "In force" if r.in_force else "Ended",
    }


class OrdersPage(RegisterPage):
    def __init__(self, ctx: RecordContext, spec: SectionSpec) -> None:
        super().__init__(ctx, spec, "Civil orders (SHPO, SRO) and each of their prohibitions and positive "
                                    "requirements, with the dates each has effect. An undeclared device found "
                                    "while a device prohibition is in force is a breach of the order.")
        self.orders: list[OrderView] = []
        self.record_button = self.add_button_for("Record an order...", self.record_order)
        self.requirement_button = self.add_button_for("Add a requirement...", self.add_requirement,
                                                      tip="Add a prohibition or positive requirement to the selected order")
        self.shortcut("Ctrl+Shift+O", self.record_order, self.record_button)

        content = QWidget()
        layout = QVBoxLayout(content)
        layout.setContentsMargins(0, 0, 0, 0)
        self.lines_model = OrderLinesModel(self)
        self.table = data_table(self.lines_model, wrap=True)
        self.table.setSortingEnabled(False)  # an item belongs under its order
        self.table.setAlternatingRowColors(False)
        self.table.setAccessibleName("Orders and their items")
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._item_selected())
        self.table_panel = ListPanel(self.table, "No civil orders recorded. Record an SHPO or SRO when the "
                                     "court makes one, with each of its prohibitions and requirements.")
        self.empty_label = self.table_panel.empty
        self.detail = PaneStack({"civil_order": DetailPane(ORDER_CAPTIONS, NO_ORDER),
                                 "order_requirement": DetailPane(ITEM_CAPTIONS, NO_ORDER)})
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table_panel)
        splitter.addWidget(self.detail)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([300, 220])
        splitter.setChildrenCollapsible(False)
        layout.addWidget(splitter, 1)
        self.set_page(content)

    def fetch(self, services, actor, offender_id: int) -> list[OrderView]:  # runs on the worker
        return orders_for(services, actor, offender_id)

    def show_details(self, orders: list[OrderView]) -> None:
        current = self.selected_key()
        self.orders = orders
        lines = [line for o in orders for line in [OrderLine(o)] + [OrderLine(o, r) for r in o.requirements]]
        self.lines_model.set_rows(lines)
        self.table_panel.show_rows(len(orders))
        if current is None or not self.select(*current):
            select_first(self.table)
        self._item_selected()

    def selected_line(self) -> OrderLine | None:
        return selected_row(self.table)

    def selected_key(self) -> tuple[str, int] | None:
        line = self.selected_line()
        return line.key if line else None

    def selected_order(self) -> OrderView | None:
        line = self.selected_line()
        return line.order if line else None

    def selected_requirement(self) -> RequirementView | None:
        line = self.selected_line()
        return line.requirement if line else None

    def _item_selected(self) -> None:
        order, requirement = self.selected_order(), self.selected_requirement()
        if requirement is not None and order is not None:
            self.detail.pane("order_requirement").show_fields(requirement, {
                **item_fields(order, requirement), **history_fields(
                    history_of(self.record, "order_requirement", requirement.requirement_id),
                    requirement.recorded_by, requirement.recorded_at)})
        elif order is not None:
            self.detail.pane("civil_order").show_fields(order, {
                **order_fields(order), **history_fields(history_of(self.record, "civil_order", order.order_id),
                                                        order.recorded_by, order.recorded_at)})
        else:
            self.detail.pane("civil_order").show_placeholder()
        self._selection_changed()

    def update_buttons(self) -> None:
        self.requirement_button.setEnabled(self.selected_order() is not None)

    def select(self, entity: str, entity_id: int) -> bool:
        return select_first(self.table, lambda line: line.key == (entity, entity_id))

    def record_order(self) -> OrderDialog | None:
        if self.record is None or not self.can_write:
            return None
        return self.open_dialog(OrderDialog(self.ctx, self.record))

    def add_requirement(self) -> RequirementDialog | None:
        order = self.selected_order()
        if self.record is None or order is None or not self.can_write:
            return None
        return self.open_dialog(RequirementDialog(self.ctx, self.record, order))


@record_page("orders")
def orders_page(ctx: RecordContext, spec: SectionSpec) -> OrdersPage:
    return OrdersPage(ctx, spec)

