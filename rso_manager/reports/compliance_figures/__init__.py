"""The compliance summary's figures: what an OMU lead or an inspector needs to see, as plain data.

One function, compute(), reads the case record for a scope (the force, a team or one officer)
over a period and as of a date, and returns a frozen tree of plain values. The PDF, the JSON twin
and (later) the dashboard all draw from the same tree, so they cannot disagree.

Conventions:
- Every figure is the record as it stood at the END of the as-of day, so a report re-run later
  for the same day is the same report (issue 12): rows entered after it do not count (cases,
  visits, notifications, breaches, assessments...), a row voided after it still counts, and a
  step entered after it (notified, decided, signed, completed, a crime reference) is still
  outstanding, even when its date was typed in as earlier (context.Ctx.recorded reads the audit row
  of the step for rows changed since the day). Voided rows never count otherwise.
- Nothing is read from the caseload summary columns (risk_level, next_visit_due,
  next_notification_due, open_breaches), which follow today's record: the risk is the latest
  assessment by the day, the home-visit window is worked out by domain.case_visit_window from the
  visits, plan, assessments, triggers, releases and hand-overs known then, and a pending
  notification changed since the day has its due date worked out again by the notification
  rules (domain.notification_due) from the record of that day.
- Still as they are now: each case's team, officer, name and status (a case moved after the
  day is reported where it is now), and a device's status.
- "Open cases" are those not ended (active or in custody). Home visits, pattern checks and
  device checks look only at active cases: a person in custody cannot be visited at home.
- Period counts are by the date of the event, on the London calendar (the period is a range of
  days as lived in England and Wales, not UTC days).
- Every exception row names the case, the officer and what is needed, with its age in days.
- Work is done in SQL aggregates and a handful of narrowly filtered queries; Python only walks
  rows that are already exceptions (or a period's worth of rows where SQL cannot portably do
  the date arithmetic), never the whole caseload one offender at a time.

This package is the interface: inputs (Scope, ReportSettings) and figures (the tree) are the
types; context resolves the scope and holds what every query shares; selections are the clauses
a count and its list of cases both use; one module per section (caseload, visits,
notifications, breaches, devices, supervision, safeguarding, risk_plan); case_lists gives the
cases behind a count; summary assembles the tree and exports it.
"""

from rso_manager.reports.compliance_figures.case_lists import case_list_title, cases_behind
from rso_manager.reports.compliance_figures.figures import (
    ComplianceFigures,
    Count,
    DurationSummary,
    ExceptionRow,
    Share,
)
from rso_manager.reports.compliance_figures.inputs import ReportSettings, Scope
from rso_manager.reports.compliance_figures.summary import compute, to_json

__all__ = [
    "ComplianceFigures",
    "Count",
    "DurationSummary",
    "ExceptionRow",
    "ReportSettings",
    "Scope",
    "Share",
    "case_list_title",
    "cases_behind",
    "compute",
    "to_json",
]
