"""Opening a case found by a search, from the main window or from one of its record windows.

Always through the main window's open_offender (the host's, or a record window's
RecordContext.open_offender), which asks the reason (a fuller, reviewed one outside the user's
link) before anything of the case is read.
"""

from __future__ import annotations

from collections.abc import Callable

from ui.extensions import WorkflowHost
from ui.kit.record_page import RecordContext

OpenCase = Callable[[int, str, bool], None]  # (offender_id, title, inside_link)


def case_title(reference: str, name: str = "", offender_manager: str = "", *, inside_link: bool = True) -> str:
    """The title the reason dialog shows: who the case is, and outside the link whose it is."""
    title = f"{name} ({reference})" if name else reference
    if not inside_link and offender_manager:
        title += f", managed by {offender_manager}"
    return title


def opener(host: WorkflowHost) -> OpenCase:
    def open_case(offender_id: int, title: str, inside_link: bool) -> None:
        host.open_offender(offender_id, title, outside_link=not inside_link)
    return open_case


def opener_in(ctx: RecordContext) -> OpenCase | None:
    """How a record window opens another case: through the main window that opened it; None for
    a window no main window opened (nothing to open the case with)."""
    open_offender = ctx.open_offender
    if open_offender is None:
        return None

    def open_case(offender_id: int, title: str, inside_link: bool) -> None:
        open_offender(offender_id, title, outside_link=not inside_link)
    return open_case
