"""What the summary calls each kind of notification, breach source and sign-off."""

from __future__ import annotations

NOTIFICATION_LABEL = {
    "initial": "Initial", "periodic": "Annual", "weekly": "Weekly (no fixed abode)",
    "travel": "Foreign travel", "change_address": "Change of address", "change_name": "Change of name",
    "household": "Stay in a household with a child", "financial": "Bank and card details",
}
BREACH_SOURCE_LABEL = {
    "late_notification": "late notification", "missed_notification": "missed notification",
    "undeclared_device": "undeclared device", "refused_biometrics": "fingerprints or photographs refused",
    "order_prohibition": "order prohibition breached", "manual": "breach",
}
SIGN_OFF_LABEL = {
    "visit": "visit departing from the defaults", "visit_warrant": "s.96B warrant decision",
    "breach_no_crime": "decision not to record a crime", "warning": "written warning",
    "risk_management_plan": "risk management plan", "risk_assessment": "risk assessment",
}
