"""Opening a breach no automatic rule caught, and giving a warning (which never closes one)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLineEdit, QRadioButton, QWidget

from rso_manager.domain.order_labels import order_title, requirement_label
from rso_manager.domain.safeguarding_response import (
    CONCERN_KIND_LABEL,
    children_named,
    warning_raises_concern_by_default,
)
from rso_manager.services.breaches import (
    STATUTORY_DUTIES,
    BreachInput,
    BreachView,
    WarningInput,
    give_warning,
    open_manual_breach,
    record_order_breach,
)
from rso_manager.services.caseload import OffenderRecord
from rso_manager.services.devices import orders_for
from ui.kit.formatting import fmt_date
from ui.kit.forms import DateField, combo_data, select_data
from ui.kit.record_dialog import RecordDialog
from ui.kit.record_page import RecordContext
from ui.kit.widgets import combo, hint_label, long_combo, notice_label, text_editor
from ui.workflows.breaches.texts import BREACH_KIND_LABELS, TWO_WAYS


class OpenBreachDialog(RecordDialog):
    """A breach no automatic rule caught: a duty, an order's item, or a licence condition."""

    def __init__(self, ctx: RecordContext, record: OffenderRecord, parent: QWidget | None = None) -> None:
        super().__init__(ctx, record, "Open a breach",
                         "For a breach found another way (intelligence, a licence condition, an order's "
                         "prohibition). Late and missed notifications and undeclared devices open their "
                         "breaches by themselves.", save_text="Open the breach", parent=parent, width=620)
        self.kind = combo(BREACH_KIND_LABELS)
        self.row("&Breach of", "kind", self.kind)
        self.duty = combo([(None, "Choose the duty...")] + list(STATUTORY_DUTIES.items()))
        self.row("&Duty", "duty", self.duty)
        self.requirement = long_combo()
        self.requirement.addItem("Loading the orders...", None)
        self.row("Order &item", "order_requirement_id", self.requirement)
        self.occurred_on = DateField(calendar_start=ctx.services.clock.today)
        self.row("&Happened on", "occurred_on", self.occurred_on)
        self.description = text_editor("What was done or not done, and how it came to light", 90)
        self.row("&What happened", "description", self.description)
        self.form.addRow("", hint_label(TWO_WAYS))
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.finish()
        self._kind_changed()
        ctx.worker.submit(orders_for, ctx.services, ctx.actor, record.offender_id, owner=self,
                          on_success=self._orders_loaded, on_error=lambda exc: ctx.report(exc))
        self.kind.setFocus()

    def _orders_loaded(self, orders) -> None:
        self.requirement.clear()
        items = [(r.requirement_id, f"{order_title(o.kind, o.made_on, o.court)}: {requirement_label(r.kind, r.text)}"
                  + ("" if r.in_force else " (ended)"))
                 for o in orders for r in o.requirements]
        self.requirement.addItem("Choose the prohibition or requirement..." if items else "No order items recorded", None)
        for value, text in items:
            self.requirement.addItem(text, value)
            self.requirement.setItemData(self.requirement.count() - 1, text, Qt.ItemDataRole.ToolTipRole)

    def _kind_changed(self, *_args) -> None:
        kind = combo_data(self.kind)
        for name, show in (("duty", kind == "statutory_duty"), ("order_requirement_id", kind == "order")):
            widget = self.errors.widget(name)
            container = widget.parentWidget()
            container.setVisible(show)
            label = self.form.labelForField(container)
            if label is not None:
                label.setVisible(show)

    def submit(self) -> None:
        assert self.record is not None
        kind = combo_data(self.kind)
        requirement_id = combo_data(self.requirement)
        if kind == "order" and requirement_id is not None:
            self.call(record_order_breach, self.ctx.services, self.ctx.actor, self.record.offender_id, requirement_id,
                      self.occurred_on.date(), self.description.toPlainText())
            return
        self.call(open_manual_breach, self.ctx.services, self.ctx.actor, self.record.offender_id, BreachInput(
            kind=kind, occurred_on=self.occurred_on.date(), description=self.description.toPlainText(),
            order_requirement_id=requirement_id if kind == "order" else None,
            duty=combo_data(self.duty) if kind == "statutory_duty" else None))

    def after_success(self, result: Any) -> None:
        if isinstance(result, BreachView) and result.already_open:
            self.ctx.prompter.warning(
                "Breach already open",
                f"A breach for this duty and date is already open (breach on {fmt_date(result.occurred_on)}: "
                f"{result.description}). One failure is one breach, so no second one was opened; add what you "
                "found to the open breach's decision or give a warning against it.")


class WarningDialog(RecordDialog):
    """An oral or written warning with the officer's rationale; it never closes a breach."""

    def __init__(self, ctx: RecordContext, record: OffenderRecord, breaches: list[BreachView],
                 breach_id: int | None = None, parent: QWidget | None = None) -> None:
        super().__init__(ctx, record, "Give a warning",
                         "Record what the offender was warned about and why a warning was the right response.",
                         save_text="Record the warning", parent=parent, width=600)
        box = QWidget()
        row = QHBoxLayout(box)
        row.setContentsMargins(0, 0, 0, 0)
        self.oral = QRadioButton("Oral")
        self.written = QRadioButton("Written (a letter, signed off by a supervisor)")
        self.oral.setChecked(True)
        row.addWidget(self.oral)
        row.addWidget(self.written)
        row.addStretch(1)
        self.row("Kind", "kind", box)
        self.given_on = DateField(calendar_start=ctx.services.clock.today)
        self.given_on.set_date(ctx.services.clock.today())
        self.row("&Given on", "given_on", self.given_on)
        self.breach = long_combo()
        self.breach.addItem("Not about a particular breach", None)
        for b in breaches:
            text = f"{fmt_date(b.occurred_on)}: {b.description}" + ("" if b.status == "open" else " (closed)")
            self.breach.addItem(text if len(text) <= 90 else text[:87] + "...", b.breach_id)
            self.breach.setItemData(self.breach.count() - 1, text, Qt.ItemDataRole.ToolTipRole)
        select_data(self.breach, breach_id)
        self.row("About the &breach", "breach_id", self.breach)
        self.rationale = text_editor("What the offender was warned about, why a warning and not another response, "
                                     "and what happens if it happens again", 110)
        self.row("&Rationale", "rationale", self.rationale)
        # Behaviour that raises concern (issue 19): the officer says so, by default for the kinds
        # that do; it brings the next visit forward and puts a risk review on the plan.
        self.concern_kind = combo([(None, "Not about behaviour of concern")] + list(CONCERN_KIND_LABEL.items()))
        self.concern_kind.setAccessibleName("The behaviour warned about")
        self.concern_kind.currentIndexChanged.connect(self._concern_kind_changed)
        self.row("Be&haviour", "concern_kind", self.concern_kind)
        self.raises_concern = QCheckBox("This behaviour raises concern")
        self.raises_concern.setToolTip("Brings the next home visit forward and adds a risk review to the plan; "
                                       "contact with children also opens a safeguarding response")
        self.raises_concern.setAccessibleName("This behaviour raises concern")
        self.raises_concern.toggled.connect(lambda _on: self._show_concern())
        self.row("", "raises_concern", self.raises_concern)
        self.children = QLineEdit()
        self.children.setMaxLength(400)
        self.children.setPlaceholderText("The children, separated by commas, e.g. partner's daughter (9)")
        self.children.setAccessibleName("Children the contact was with")
        self.children_row = self.row("C&hildren", "children", self.children)
        self.concern_note = notice_label("")
        self.form.addRow(self.concern_note)
        note = notice_label("A warning does not close a breach. The breach still needs a crime reference, or a "
                            "reasoned decision not to record a crime that a supervisor signs.")
        self.layout_.insertWidget(self.layout_.indexOf(self.errors.general), note)
        self._concern_kind_changed()
        self.finish()
        self.rationale.setFocus()

    def _concern_kind_changed(self, *_args: Any) -> None:
        kind = combo_data(self.concern_kind)
        self.raises_concern.setEnabled(kind is not None)
        self.raises_concern.setChecked(warning_raises_concern_by_default(kind))
        self._show_concern()

    def _show_concern(self) -> None:
        kind, raises = combo_data(self.concern_kind), self.raises_concern.isChecked()
        contact = raises and kind == "contact_with_children"
        self.children.setVisible(contact)
        label = self.form.labelForField(self.children)
        if label is not None:
            label.setVisible(contact)
        self.concern_note.setText(
            "Saving brings the next home visit forward and adds a risk review to the plan"
            + (", and opens a safeguarding response: a referral, an s.327A decision and a check on each child."
               if contact else "."))
        self.concern_note.setVisible(raises)

    def submit(self) -> None:
        assert self.record is not None
        self.call(give_warning, self.ctx.services, self.ctx.actor, self.record.offender_id, WarningInput(
            kind="written" if self.written.isChecked() else "oral", rationale=self.rationale.toPlainText(),
            given_on=self.given_on.date(), breach_id=combo_data(self.breach),
            concern_kind=combo_data(self.concern_kind), raises_concern=self.raises_concern.isChecked(),
            children=children_named(self.children.text())))
