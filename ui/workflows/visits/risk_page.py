"""The record's "Risk & plan" page (issue 3): risk assessments and the risk management plan,
with the home-visit interval in force and the next visit's due window above the list."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from PySide6.QtWidgets import QCheckBox, QComboBox, QDialog, QLabel, QPlainTextEdit

from rso_manager.services.caseload import EntryRow
from rso_manager.services.unit_of_work import Actor, Services
from rso_manager.services.visits import (
    RISK_TOOLS,
    AssessmentEntry,
    PlanEntry,
    PlanOutcome,
    RiskHistory,
    RiskPlanView,
    SignOffState,
    record_risk_assessment,
    risk_plan_history,
    risk_plan_view,
    set_plan,
)
from ui.extensions import record_page
from ui.kit.detail_pane import (
    DetailPane,
    history_fields,
    history_of,
    place_beside,
    voided_placeholder,
)
from ui.kit.formatting import fmt_date, risk_label
from ui.kit.forms import DateField
from ui.kit.record_page import RecordContext, SectionSpec
from ui.kit.widgets import text_editor
from ui.workflows.visits.panel_page import PageDialog, PanelPage, panel_value, restyle
from ui.workflows.visits.visit_detail import decision_text
from ui.workflows.visits.wording import window_text

RISK_LEVELS = ("low", "medium", "high", "very_high")
PLAN_HEADINGS = (
    ("supervision", "Supervision", "Who supervises, how often, conditions to enforce"),
    ("monitoring_control", "Monitoring and control", "Home visits, device checks, order prohibitions"),
    ("interventions", "Interventions and treatment", "Programmes, treatment, other work to reduce risk"),
    ("victim_safety", "Victim safety", "Known and potential victims; how they are protected"),
    ("contingency", "Contingency", "What to do if risk rises or the plan breaks down"),
)

RISK_ABOUT = ("Risk assessments (ARMS, RM2000, OSP) and the risk management plan. The plan sets how "
              "often the home visit is due; a longer interval than the risk level's default, or "
              "reactive management, applies only once a supervisor signs it off.")


class RiskAssessmentDialog(PageDialog):
    def __init__(self, ctx: RecordContext, offender_id: int, title: str) -> None:
        super().__init__(ctx, "Record a risk assessment", f"Record a risk assessment: {title}",
                         "A new assessment sets the home visit interval and pulls the next visit forward. "
                         "It goes to your supervisor for sign-off.", "Record assessment")
        self.offender_id = offender_id
        self.tool = QComboBox()
        self.tool.addItem("Choose the tool...", None)
        for tool in RISK_TOOLS:
            self.tool.addItem(tool if tool != "other" else "Other", tool)
        self.row("&Tool", "tool", self.tool)
        self.level = QComboBox()
        self.level.addItem("Choose the risk level...", None)
        for value in RISK_LEVELS:
            self.level.addItem(risk_label(value), value)
        self.row("Risk &level", "level", self.level)
        self.assessed_on = DateField(calendar_start=ctx.services.clock.today)
        self.assessed_on.set_date(ctx.services.clock.today())
        self.row("&Assessed on", "assessed_on", self.assessed_on)
        self.review_by = DateField(calendar_start=ctx.services.clock.today)
        self.row("&Review by", "review_by", self.review_by)
        self.notes = text_editor("Main factors, and anything that changed since the last assessment")
        self.row("&Notes", "notes", self.notes)
        self.finish()
        self.tool.setFocus()

    def submit(self) -> None:
        self.call(record_risk_assessment, self.ctx.services, self.ctx.actor, self.offender_id,
                  tool=self.tool.currentData() or "", level=self.level.currentData() or "",
                  assessed_on=self.assessed_on.date(), notes=self.notes.toPlainText() or None,
                  review_by=self.review_by.date())



class PlanDialog(PageDialog):
    """A new risk management plan, started from the current one."""

    def __init__(self, ctx: RecordContext, offender_id: int, title: str, view: RiskPlanView) -> None:
        super().__init__(ctx, "Change the risk management plan", f"Risk management plan: {title}",
                         "The plan sets how often the home visit is due. A shorter interval applies at once; "
                         "a longer one than the risk level's default, or reactive management, needs a reason "
                         "and applies only once your supervisor signs it off.", "Save plan", min_width=720)
        self.offender_id = offender_id
        plan = view.plan
        level = view.risk_level or "very_high"
        default = view.default_months.get(level)
        self.interval = QComboBox()
        self.interval.addItem(f"Default for {risk_label(view.risk_level).lower() if view.risk_level else 'an unassessed case'}"
                              + (f": every {default} month{'s' if default != 1 else ''}" if default else ""), None)
        for n in range(1, 25):
            self.interval.addItem(f"Every {n} month{'s' if n != 1 else ''}", n)
        if plan is not None and plan.visit_interval_months:
            self.interval.setCurrentIndex(self.interval.findData(plan.visit_interval_months))
        self.row("Home &visits", "visit_interval_months", self.interval)
        self.reactive = QCheckBox("Reactive management: no routine home visits")
        self.reactive.setToolTip("Only after years of continuously low risk, and only with a supervisor's sign-off")
        self.reactive.setChecked(bool(plan and plan.reactive))
        self.reactive.toggled.connect(lambda on: self.interval.setEnabled(not on))
        self.interval.setEnabled(not self.reactive.isChecked())
        self.row("", "reactive", self.reactive)
        self.effective_from = DateField(calendar_start=ctx.services.clock.today)
        self.effective_from.set_date(ctx.services.clock.today())
        self.row("&Effective from", "effective_from", self.effective_from)
        self.review_by = DateField(calendar_start=ctx.services.clock.today)
        self.review_by.set_date(plan.review_by if plan else None)
        self.row("Re&view by", "review_by", self.review_by)
        self.headings: dict[str, QPlainTextEdit] = {}
        for key, caption, placeholder in PLAN_HEADINGS:
            box = text_editor(placeholder, 56)
            box.setPlainText(getattr(plan, key) or "" if plan else "")
            self.headings[key] = box
            self.row(caption, key, box)
        self.reason = text_editor("Why the plan departs from the default; it goes to your supervisor", 56)
        self.row("&Reason", "reason", self.reason)
        self.finish()
        self.interval.setFocus()

    def submit(self) -> None:
        self.call(set_plan, self.ctx.services, self.ctx.actor, self.offender_id,
                  visit_interval_months=None if self.reactive.isChecked() else self.interval.currentData(),
                  reactive=self.reactive.isChecked(), effective_from=self.effective_from.date(),
                  review_by=self.review_by.date(), reason=self.reason.toPlainText(),
                  **{key: box.toPlainText().strip() or None for key, box in self.headings.items()})


RISK_CAPTIONS = ("Entry", "Date", "Effective from", "Assessment tool", "Risk level", "Assessor", "Review",
                 "Home visits", "Sign-off", *(caption for _key, caption, _placeholder in PLAN_HEADINGS), "Notes")
NO_RISK_ENTRY = "Select an assessment or a plan to read it in full."


@dataclass(frozen=True)
class RiskPageData:
    """What the page reads: the panel above the list, and every assessment and plan for its pane."""

    view: RiskPlanView
    history: RiskHistory


ATTENTION = ("pending", "returned")  # sign-offs shown in red: still to decide, or sent back


def risk_sign_off_text(state: SignOffState, plan: bool) -> str:
    decided = decision_text(state.status, state.by, state.at, state.rationale)
    if decided is not None and plan and state.status == "pending":
        return decided + ": the risk level's default interval applies until then"
    if decided is not None:
        return decided
    return "Not needed: the plan does not lengthen the interval" if plan else "Not asked"


def interval_words(plan: PlanEntry) -> str:
    if plan.reactive:
        return "Reactive management"
    if plan.visit_interval_months:
        return f"Every {plan.visit_interval_months} month{'s' if plan.visit_interval_months != 1 else ''}"
    return "At the risk level's default interval"


def assessment_fields(a: AssessmentEntry, entry: EntryRow) -> dict[str, str]:
    return {
        "Entry": "Risk assessment" + (" (the current one)" if a.current else " (an earlier one)"),
        "Date": fmt_date(a.assessed_on),
        "Assessment tool": a.tool,
        "Risk level": risk_label(a.level),
        "Assessor": a.assessor or "Not known",
        "Review": entry.status.capitalize(),  # as the list says it, NO REVIEW DATE included
        "Sign-off": risk_sign_off_text(a.sign_off, plan=False),
        "Notes": a.notes or "",
    }


def plan_fields(p: PlanEntry) -> dict[str, str]:
    """Who wrote the plan is the pane's foot (Recorded)."""
    return {
        "Entry": "Risk management plan" + (" (the current one)" if p.current else " (an earlier one)"),
        "Effective from": fmt_date(p.effective_from),
        "Review": f"Review by {fmt_date(p.review_by)}" if p.review_by else "",
        "Home visits": interval_words(p),
        "Sign-off": risk_sign_off_text(p.sign_off, plan=True),
        **{caption: getattr(p, key) or "" for key, caption, _placeholder in PLAN_HEADINGS},
    }


def risk_entry_fields(entry: EntryRow, history: RiskHistory | None) -> tuple[dict[str, str], str | None,
                                                                             datetime | None, bool]:
    """An assessment or plan of the list in words, who recorded it and when, and whether its
    sign-off wants attention (waiting or returned); as the list has it until the history is read."""
    if history is not None and entry.entity == "risk_assessment":
        a = next((a for a in history.assessments if a.assessment_id == entry.id), None)
        if a is not None:
            return assessment_fields(a, entry), a.recorded_by, a.recorded_at, a.sign_off.status in ATTENTION
    if history is not None and entry.entity == "risk_management_plan":
        p = next((p for p in history.plans if p.plan_id == entry.id), None)
        if p is not None:
            return plan_fields(p), p.written_by, p.recorded_at, p.sign_off.status in ATTENTION
    fields = {"Entry": entry.summary, "Date": fmt_date(entry.when), "Review": entry.status.capitalize()}
    if entry.entity == "risk_assessment":
        tool, _, level = entry.summary.partition(": ")
        fields.update({"Entry": "Risk assessment", "Assessment tool": tool, "Risk level": level})
    return fields, None, None, False


class RiskPage(PanelPage):
    def __init__(self, ctx: RecordContext, spec: SectionSpec) -> None:
        super().__init__(ctx, spec, RISK_ABOUT)
        self.dialog: QDialog | None = None
        self.assess_button = self.add_button_for("Record a risk assessment...", self.open_assessment)
        self.plan_button = self.add_button_for("Change the risk management plan...", self.open_plan)
        self.plan_button.setEnabled(False)  # until the current plan has been read
        self.risk_history: RiskHistory | None = None
        self.detail_pane = DetailPane(RISK_CAPTIONS, NO_RISK_ENTRY)
        place_beside(self, self.detail_pane, (1, 1))
        self.view.selectionModel().selectionChanged.connect(self._show_selected)
        self.risk_value = panel_value("Loading...")
        self._row(0, "Risk", self.risk_value)
        self.interval_value = panel_value()
        self._row(1, "Home visits", self.interval_value)
        self.window_value = panel_value()
        self._row(2, "Next home visit", self.window_value)
        self.plan_value = panel_value()
        self._row(3, "Plan", self.plan_value)
        self.review_value = panel_value("", "panelWarning")
        self._row(10, "Assessment review", self.review_value)
        # The plan's headings, each on its own line under the plan (hidden while empty).
        self.heading_rows: dict[str, tuple[QLabel, QLabel]] = {}
        for i, (key, caption, _placeholder) in enumerate(PLAN_HEADINGS, start=4):
            value = panel_value("", "panelText")
            self._row(i, caption, value)
            cap = self.panel_grid.itemAtPosition(i, 0).widget()
            self.heading_rows[key] = (cap, value)

    def fetch(self, services: Services, actor: Actor, offender_id: int) -> RiskPageData:  # runs on the worker
        return RiskPageData(risk_plan_view(services, actor, offender_id),
                            risk_plan_history(services, actor, offender_id))

    def show_details(self, data: RiskPageData) -> None:
        view = self.info = data.view
        self.risk_history = data.history
        self.risk_value.setText(
            f"{risk_label(view.risk_level)} ({view.risk_tool}, assessed {fmt_date(view.assessed_on)})"
            if view.risk_level else "Not assessed: treated as very high risk until an assessment is recorded")
        self.interval_value.setText(view.interval)
        self.review_value.setText(view.review_flag or (f"Due by {fmt_date(view.review_by)}" if view.review_by else ""))
        restyle(self.review_value, "panelWarning" if view.review_flag else "panelValue")
        review_caption = self.panel_grid.itemAtPosition(10, 0).widget()
        for widget in (review_caption, self.review_value):
            widget.setVisible(view.risk_level is not None)
        w = view.window
        self.window_value.setText(f"{window_text(w.earliest, w.latest, view.days_overdue)} ({w.reason})")
        restyle(self.window_value, "panelWarning" if view.days_overdue else "panelValue")
        p = view.plan
        if p is None:
            self.plan_value.setText("No risk management plan recorded: the risk level's default interval applies.")
        else:
            state = "  Waiting for a supervisor's sign-off." if p.pending_sign_off else ""
            self.plan_value.setText(f"Effective from {fmt_date(p.effective_from)}"
                                    + (f", review by {fmt_date(p.review_by)}" if p.review_by else "")
                                    + "." + state)
        for key, (cap, value) in self.heading_rows.items():
            text = (getattr(p, key) or "") if p is not None else ""
            value.setText(text)
            cap.setVisible(bool(text))
            value.setVisible(bool(text))
        self.plan_button.setEnabled(True)
        self._show_selected()

    def _show_selected(self, *_args) -> None:
        entry = self.selected_entry()
        if entry is not None and entry.voided:
            self.detail_pane.show_placeholder(voided_placeholder(
                "entry", history_of(self.record, entry.entity, entry.id, True)))
        elif entry is None:
            self.detail_pane.show_placeholder()
        else:
            fields, recorded_by, recorded_at, attention = risk_entry_fields(entry, self.risk_history)
            self.detail_pane.show_fields(entry, {**fields, **history_fields(
                history_of(self.record, entry.entity, entry.id), recorded_by, recorded_at)},
                warnings=(("Review",) if "NO REVIEW" in entry.status else ()) + (("Sign-off",) if attention else ()))

    def open_entry(self, entity_id: int, entity: str | None = None) -> None:
        """RecordContext.show_entry("risk", id, entity): select that assessment or plan once the
        part is read (an assessment and a plan may have the same id)."""
        self.when_loaded(lambda: self.select_entry(entity_id, entity))

    def open_assessment(self) -> RiskAssessmentDialog | None:
        if not self.can_write or self.record is None:
            return None
        dialog = RiskAssessmentDialog(self.ctx, self.record.offender_id, self.title())
        dialog.saved.connect(lambda _id: (self.ctx.show_status("Risk assessment recorded and sent for sign-off."),
                                          self.ctx.reload()))
        self.dialog = dialog
        dialog.open()
        return dialog

    def open_plan(self) -> PlanDialog | None:
        if not self.can_write or self.record is None or not isinstance(self.info, RiskPlanView):
            return None
        dialog = PlanDialog(self.ctx, self.record.offender_id, self.title(), self.info)
        dialog.saved.connect(self._plan_saved)
        self.dialog = dialog
        dialog.open()
        return dialog

    def _plan_saved(self, outcome: PlanOutcome) -> None:
        self.ctx.reload()
        if outcome.needs_sign_off:
            self.ctx.prompter.info(
                "Plan sent for sign-off",
                f"The plan ({outcome.interval}) departs from the default and has gone to your supervisor. "
                "Until they sign it off, the risk level's default interval applies.")
        else:
            self.ctx.show_status(f"Risk management plan saved: {outcome.interval}.")


@record_page("risk")
def risk_page(ctx: RecordContext, spec: SectionSpec) -> RiskPage:
    return RiskPage(ctx, spec)
