"""Breaches and warnings: every breach ends as a crime record or a reasoned, signed decision.

The inspection found breaches not recorded as crimes and warnings given inconsistently with no
rationale visible to others. So a breach has exactly two ways to close: a crime reference in the
force's format, or a supervisor's signed decision not to record a crime, reasoned in words that
are not boilerplate. A warning is recorded beside a breach and never closes it.

One module for each part of it (opening, closing, formal_warnings, reading, views, reasons);
callers import the names below from here.
"""

from __future__ import annotations

from rso_manager.services.breaches.closing import (
    RISK_REVIEW_WORKING_DAYS,
    close_breach,
    decide_no_crime,
    propose_no_crime,
    record_crime_reference,
)
from rso_manager.services.breaches.formal_warnings import (
    WARNING_KINDS,
    WarningInput,
    give_warning,
    print_warning_letter,
)
from rso_manager.services.breaches.opening import (
    BREACH_KINDS,
    BreachInput,
    check_notification,
    notification_breaches,
    open_manual_breach,
    open_missed_notification_breaches,
    record_order_breach,
)
from rso_manager.services.breaches.reading import (
    BREACH_AGE_ALERT_DAYS,
    BreachDecision,
    BreachRegister,
    NoCrimeProposal,
    breach_decision,
    breach_is_old,
    breach_register,
    breaches_for,
    open_breaches,
    warnings_for,
)
from rso_manager.services.breaches.views import (
    NO_CRIME,
    STATUTORY_DUTIES,
    BreachView,
    OpenBreachRow,
    WarningView,
)

__all__ = [
    "BREACH_AGE_ALERT_DAYS",
    "BREACH_KINDS",
    "BreachDecision",
    "BreachInput",
    "BreachRegister",
    "BreachView",
    "NO_CRIME",
    "NoCrimeProposal",
    "OpenBreachRow",
    "RISK_REVIEW_WORKING_DAYS",
    "STATUTORY_DUTIES",
    "WARNING_KINDS",
    "WarningInput",
    "WarningView",
    "breach_decision",
    "breach_is_old",
    "breach_register",
    "breaches_for",
    "check_notification",
    "close_breach",
    "decide_no_crime",
    "give_warning",
    "notification_breaches",
    "open_breaches",
    "open_manual_breach",
    "open_missed_notification_breaches",
    "print_warning_letter",
    "propose_no_crime",
    "record_crime_reference",
    "record_order_breach",
    "warnings_for",
]
