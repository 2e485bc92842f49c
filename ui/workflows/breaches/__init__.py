"""The breaches workflow: every breach ends in one of exactly two ways, a crime reference in the
force's format, or a reasoned decision not to record a crime that a supervisor (not its author)
signs. A warning is recorded beside a breach with its rationale and never closes it.

Importing the package registers the record page (page.py); other workflows reach a breach's
decision through RecordContext.show_entry("breaches", breach_id), never by importing this.
"""

from ui.workflows.breaches.page import BreachesPage, open_breach_decision

__all__ = ["BreachesPage", "open_breach_decision"]
