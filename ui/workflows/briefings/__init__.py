"""Frontline briefings (issue 15 item 3): the record window's "Frontline briefing..." where the
offender manager approves a case's text, and the Briefings page of an area's approved briefings."""

from ui.workflows.briefings import install, record_briefing  # noqa: F401  (their registrations run)
from ui.workflows.briefings.page import BriefingCardView, BriefingsPage
from ui.workflows.briefings.record_briefing import BriefingAction, BriefingDialog

__all__ = ["BriefingAction", "BriefingCardView", "BriefingDialog", "BriefingsPage"]
