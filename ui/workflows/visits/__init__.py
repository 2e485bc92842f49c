"""Visits (issue 3): the record's Visits and Risk & plan pages, the visit form and booking
dialog they share with the planner, and the planner page. Importing the package runs the
registrations of its pages and of the planner's main-window hook."""

from ui.workflows.visits import planner, risk_page, visits_page

__all__ = ["planner", "risk_page", "visits_page"]
