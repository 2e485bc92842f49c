"""Statutory notifications and the convictions that start them (issue 4): the record's
Convictions & requirement and Notifications pages, their dialogs, and File > Designated police
stations for the administrator. Importing the package runs their registrations."""

from ui.workflows.notifications import convictions_page, notifications_page, stations

__all__ = ["convictions_page", "notifications_page", "stations"]
