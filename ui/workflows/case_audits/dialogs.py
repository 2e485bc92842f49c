"""Drawing a sample (scope, size, weighting) and naming delegates: service dialogs."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QComboBox, QHBoxLayout, QSpinBox, QWidget

from rso_manager.domain.risk_levels import RISK_LABEL
from rso_manager.services import case_audits
from rso_manager.services.case_audits import DelegateView, SampleScope
from rso_manager.services.unit_of_work import Actor, Services
from ui.kit.dialogs import ServiceDialog
from ui.kit.flow_layout import FlowLayout
from ui.kit.formatting import fmt_date
from ui.kit.forms import DateField, combo_data
from ui.kit.widgets import hint_label, text_editor
from ui.prompter import Prompter
from ui.worker import Worker

RISK_LEVELS = tuple(k for k in RISK_LABEL if k is not None)


def _boxes(items: list[tuple[object, str]]) -> tuple[QWidget, list[QCheckBox]]:
    holder = QWidget()
    flow = FlowLayout(holder)
    flow.setContentsMargins(0, 0, 0, 0)
    boxes = []
    for value, text in items:
        box = QCheckBox(text)
        box.setProperty("value", value)
        flow.addWidget(box)
        boxes.append(box)
    return holder, boxes


class DrawSampleDialog(ServiceDialog):
    """The scope (teams, risk levels: none ticked means all), the size and the weighting."""

    def __init__(self, services: Services, actor: Actor, worker: Worker, prompter: Prompter,
                 teams: list[tuple[int, str]], parent: QWidget | None = None) -> None:
        super().__init__(services, actor, worker, prompter, title="Draw a sample of cases",
                         heading="Draw a sample of cases to audit",
                         hint="Cases are drawn at random from the active cases in the scope. The draw is recorded "
                              "with its seed and the cases drawn; drawing the same scope again needs a reason.",
                         save_text="Draw", failure_title="No sample drawn", min_width=560, parent=parent)
        holder, self.team_boxes = _boxes([(tid, name) for tid, name in teams])
        self.row("&Teams (none: whole force)", "team_ids", holder)
        holder, self.risk_boxes = _boxes([(k, RISK_LABEL[k]) for k in RISK_LEVELS])
        self.row("&Risk levels (none: any)", "risk_levels", holder)
        self.case_count = QSpinBox()
        self.case_count.setRange(0, 500)
        self.case_count.setValue(6)  # the inspectors audited six cases
        self.case_count.setAccessibleName("Number of cases")
        self.row("&Number of cases", "size", self.case_count)
        weights = QWidget()
        line = QHBoxLayout(weights)
        line.setContentsMargins(0, 0, 0, 0)
        self.by_risk = QCheckBox("Weight towards higher &risk")
        self.by_team = QCheckBox("&Spread over teams")
        line.addWidget(self.by_risk)
        line.addWidget(self.by_team)
        line.addStretch(1)
        self.row("Weighting", "weighting", weights)
        self.reason = text_editor("Why this sample (optional)", 60)
        self.row("Reason", "reason", self.reason)
        self.errors.add("scope", self.case_count)
        self.finish()

    def scope(self) -> SampleScope:
        return SampleScope(tuple(int(b.property("value")) for b in self.team_boxes if b.isChecked()),
                           tuple(str(b.property("value")) for b in self.risk_boxes if b.isChecked()),
                           self.by_risk.isChecked(), self.by_team.isChecked())

    def submit(self) -> None:
        self.call(case_audits.draw_sample, self._services, self._actor, self.scope(), self.case_count.value(),
                  self.reason.toPlainText())


class DelegatesDialog(ServiceDialog):
    """The lead names a trained supervisor to audit cases from a date, to a date or until ended."""

    def __init__(self, services: Services, actor: Actor, worker: Worker, prompter: Prompter,
                 candidates: list[tuple[int, str]], current: list[DelegateView], parent: QWidget | None = None) -> None:
        now = [f"{d.name} from {fmt_date(d.starts_on)}" + (f" to {fmt_date(d.ends_on)}" if d.ends_on else "")
               for d in current if d.current]
        super().__init__(services, actor, worker, prompter, title="Case audit delegates",
                         heading="Name someone to audit cases",
                         hint=("Auditing now besides you: " + "; ".join(now) + ".") if now else
                         "Nobody besides you audits cases now.",
                         save_text="Name", failure_title="Not named", parent=parent)
        self.user = QComboBox()
        self.user.addItem("Choose a supervisor...", None)
        for uid, name in candidates:
            self.user.addItem(name, uid)
        self.row("&Supervisor", "user_id", self.user)
        self.starts = DateField(calendar_start=services.clock.today)
        self.starts.set_date(services.clock.today())
        self.row("&From", "starts_on", self.starts)
        self.ends = DateField(calendar_start=services.clock.today)
        self.row("&To (empty: until ended)", "ends_on", self.ends)
        self.form.addRow("", hint_label("A delegate opens each case with a reason like anyone else; a case outside "
                                        "their team is put to its supervisor for review."))
        self.finish()

    def submit(self) -> None:
        self.call(case_audits.name_delegate, self._services, self._actor, combo_data(self.user),
                  self.starts.date(), self.ends.date())
