"""Sending a case to another force and receiving one (issue 15 item 6): the record window's
"Send to another force..." and the main window's File > "Import a case from another force..."."""

from ui.workflows.force_transfer import keys, receive, send

__all__ = ["keys", "receive", "send"]
