"""Workflow screens (visits, notifications, devices and breaches, supervision, safeguarding,
reports). Each module registers its record pages and main-window additions with ui.extensions
when imported; ui.extensions.load() imports them all, so adding a workflow never means editing
the record or main window."""
