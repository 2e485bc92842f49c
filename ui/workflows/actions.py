"""The record's Actions part: risk management plan actions with an owner, a due date and a result.

Open actions are listed first, soonest due; an action past its due date with no result is red.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QComboBox, QLabel, QPlainTextEdit, QWidget

from rso_manager.services.caseload import EntryRow, OffenderRecord
from rso_manager.services.safeguarding import (
    ActionView,
    Person,
    action_owners,
    actions_for,
    add_action,
    record_action_result,
)
from ui.extensions import record_page
from ui.kit.detail_pane import DetailPane, place_beside, show_selected
from ui.kit.dialogs import ServiceDialog
from ui.kit.formatting import fmt_date
from ui.kit.forms import DateField, combo_data, select_data
from ui.kit.record_page import (
    DetailedEntries,
    DetailedSectionTab,
    RecordContext,
    SectionSpec,
)
from ui.kit.tables import Column


def _status(view: ActionView) -> str:
    if view.completed_on is not None:
        return f"Done {fmt_date(view.completed_on)}"
    if view.overdue:
        return f"Overdue by {view.days_overdue} day{'s' if view.days_overdue != 1 else ''}"
    return "Open"


ACTION_CAPTIONS = ("Action", "Owner", "Due", "Status", "Result", "Completed", "Plan")
NO_ACTION = "Select an action to read it in full: what is to be done, who owns it, when it is due and its result."


def action_fields(a: ActionView) -> dict[str, str]:
    return {
        "Action": a.description,
        "Owner": a.owner or "Not known",
        "Due": fmt_date(a.due_on),
        "Status": _status(a),
        "Result": a.result or ("Not recorded yet" if a.completed_on is None else ""),
        "Completed": fmt_date(a.completed_on, "Not yet"),
        "Plan": "An action of the risk management plan" if a.plan_id else "",
    }


class ActionsModel(DetailedEntries):
    def __init__(self, parent=None) -> None:
        d: Callable[[EntryRow], ActionView | None] = lambda e: self.detail(e)  # noqa: E731
        super().__init__([
            Column("Due", lambda e: fmt_date(e.when), lambda e: e.when.toordinal() if e.when else 0),
            Column("Action", lambda e: e.summary, tooltip=lambda e: e.summary),
            Column("Owner", lambda e: (d(e).owner or "") if d(e) else ""),
            Column("Result", lambda e: (d(e).result or "") if d(e) else "", tooltip=lambda e: d(e).result if d(e) else None),
            Column("Status", lambda e: "Entered in error" if e.voided else (_status(d(e)) if d(e) else e.status)),
        ], parent)

    def red(self, entry: EntryRow, column: int) -> bool:
        view = self.detail(entry)
        return view is not None and view.overdue


class AddActionDialog(ServiceDialog):
    def __init__(self, ctx: RecordContext, record: OffenderRecord, parent: QWidget | None = None) -> None:
        super().__init__(ctx.services, ctx.actor, ctx.worker, ctx.prompter, title="Add an action",
                         heading=f"Add an action: {record.name} ({record.reference})",
                         hint="An action on the risk management plan: what is to be done, who owns it and "
                              "when it is due. It shows in red once the due date passes with no result.",
                         save_text="Add action", parent=parent)
        self.record = record
        self.description = QPlainTextEdit()
        self.description.setTabChangesFocus(True)
        self.description.setFixedHeight(80)
        self.description.setPlaceholderText("What is to be done, e.g. speak to the school's safeguarding lead")
        self.row("&Action", "description", self.description)
        self.owner = QComboBox()
        self.owner.addItem("Choose who owns it", None)
        self.owner.setMinimumWidth(240)
        self.row("&Owner", "owner_id", self.owner)
        self.due_on = DateField(calendar_start=ctx.services.clock.today)
        self.row("&Due", "due_on", self.due_on)
        self.finish()
        self.description.setFocus()
        ctx.worker.submit(action_owners, ctx.services, ctx.actor, owner=self, on_success=self._owners,
                          on_error=lambda exc: ctx.report(exc))

    def _owners(self, people: list[Person]) -> None:
        current = combo_data(self.owner)
        for person in people:
            self.owner.addItem(person.name, person.id)
        # By default the case's offender manager owns it, or whoever is adding it.
        select_data(self.owner, current or self.record.details.offender_manager_id or self._actor.user_id)

    def submit(self) -> None:
        self.call(add_action, self._services, self._actor, self.record.offender_id, self.description.toPlainText(),
                  combo_data(self.owner), self.due_on.date())


class ActionResultDialog(ServiceDialog):
    def __init__(self, ctx: RecordContext, action: ActionView, parent: QWidget | None = None) -> None:
        super().__init__(ctx.services, ctx.actor, ctx.worker, ctx.prompter, title="Record the result",
                         heading="Record the result of an action",
                         hint=f"{action.description}\nOwner: {action.owner or 'unknown'}; due {fmt_date(action.due_on)}.",
                         save_text="Record result", parent=parent)
        self.action = action
        self.result = QPlainTextEdit()
        self.result.setTabChangesFocus(True)
        self.result.setFixedHeight(80)
        self.result.setPlaceholderText("What was done and what came of it")
        self.row("&Result", "result", self.result)
        self.completed_on = DateField(calendar_start=ctx.services.clock.today)
        self.completed_on.set_date(ctx.services.clock.today())
        self.row("&Completed on", "completed_on", self.completed_on)
        self.finish()
        self.result.setFocus()

    def submit(self) -> None:
        self.call(record_action_result, self._services, self._actor, self.action.id, self.action.version_id,
                  self.result.toPlainText(), self.completed_on.date())


class ActionsPage(DetailedSectionTab):
    def __init__(self, ctx: RecordContext, spec: SectionSpec) -> None:
        super().__init__(ctx, spec, ActionsModel())
        about = self.findChild(QLabel, "hint")
        about.setText("Risk management plan actions, each with an owner and a due date. Open actions come "
                      "first, soonest due; an overdue action is shown in red until its result is recorded.")
        self.wrap_columns(self.view, {0: "30/11/2026", 2: "Samantha Supervisor",
                                      3: "Spoke to the school's safeguarding lead", 4: "Overdue by 12 days"}, stretch=1)
        self.add = self.add_button_for("Add an action...", self.open_add, tip="A new plan action (Ctrl+N)")
        self.add.setShortcut(QKeySequence("Ctrl+N"))
        self.empty.setText("No actions on the plan yet." + (" Add one with \u201cAdd an action\u201d: what is to be "
                                                             "done, who owns it and when it is due." if self.can_write else ""))
        self.result_button = self.add_button_for("Record the result...", self.open_result,
                                                 tip="What was done for the selected action (Ctrl+E)")
        self.result_button.setShortcut(QKeySequence("Ctrl+E"))
        self.detail_pane = DetailPane(ACTION_CAPTIONS, NO_ACTION)
        place_beside(self, self.detail_pane, (3, 2), under=True)  # the list needs the width
        self.dialog: ServiceDialog | None = None
        self.view.doubleClicked.connect(lambda *_: self.open_result())
        self._selection_changed()

    def fetch(self, services, actor, offender_id) -> list[ActionView]:
        return actions_for(services, actor, offender_id)

    def show_details(self, views: list[ActionView]) -> None:
        self.model.set_details({v.id: v for v in views}, [v.id for v in views])

    def _selection_changed(self, *_args: Any) -> None:
        super()._selection_changed()
        if not hasattr(self, "result_button"):
            return
        action = self.selected_detail()
        self.result_button.setEnabled(action is not None and action.completed_on is None)
        show_selected(self.detail_pane, self.record, self.selected_entry(), action, "action", action_fields,
                      recorded_by=action.recorded_by if action else None,
                      recorded_at=action.recorded_at if action else None,
                      warnings=("Status",) if action is not None and action.overdue else ())

    def open_add(self) -> AddActionDialog | None:
        if self.record is None or not self.can_write:
            return None
        return self.open_dialog(AddActionDialog(self.ctx, self.record, parent=self))

    def open_result(self) -> ActionResultDialog | None:
        action = self.selected_detail()
        if action is None or action.completed_on is not None or not self.can_write:
            return None
        return self.open_dialog(ActionResultDialog(self.ctx, action, parent=self))


@record_page("actions")
def actions_page(ctx: RecordContext, spec: SectionSpec) -> ActionsPage:
    return ActionsPage(ctx, spec)

