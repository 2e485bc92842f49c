"""Risk-led visit planning and recording.

The right practice is the default path: visits are unannounced, by two trained officers, at the
home address, due by the risk management plan rather than a calendar. Any departure needs a
reason and goes to a supervisor's sign-off queue, so it is visible rather than silent.

One module for each part of it (risk, recording, planning, form_defaults, officers, wording);
callers import the names below from here.
"""

from __future__ import annotations

from rso_manager.services.visits.detail import DeviceCheckLine, VisitDetail, visit_details
from rso_manager.services.visits.form_defaults import BookedVisit, VisitDefaults, visit_defaults
from rso_manager.services.visits.planning import (
    PlannedVisit,
    PlannerView,
    book_visit,
    propose,
    rebook_visit,
)
from rso_manager.services.visits.recording import (
    VisitInput,
    VisitResult,
    departures_from_default,
    record_visit,
    record_warrant_decision,
)
from rso_manager.services.visits.risk import (
    RISK_TOOLS,
    AssessmentEntry,
    PlanEntry,
    PlanOutcome,
    PlanText,
    RiskHistory,
    RiskPlanView,
    SignOffState,
    record_risk_assessment,
    record_trigger,
    review_flag,
    risk_plan_history,
    risk_plan_view,
    set_plan,
)
from rso_manager.services.visits.wording import readable, time_bands

__all__ = [
    "AssessmentEntry",
    "BookedVisit",
    "DeviceCheckLine",
    "PlanEntry",
    "PlanOutcome",
    "PlanText",
    "PlannedVisit",
    "PlannerView",
    "RISK_TOOLS",
    "RiskHistory",
    "RiskPlanView",
    "SignOffState",
    "VisitDefaults",
    "VisitDetail",
    "VisitInput",
    "VisitResult",
    "book_visit",
    "departures_from_default",
    "propose",
    "readable",
    "rebook_visit",
    "record_risk_assessment",
    "record_trigger",
    "record_visit",
    "record_warrant_decision",
    "review_flag",
    "risk_plan_history",
    "risk_plan_view",
    "set_plan",
    "time_bands",
    "visit_defaults",
    "visit_details",
]
