"""Where workflow screens plug into the record window and the main window.

A workflow module in ui/workflows/ calls record_page() to supply the page for one part of the
offender record (it replaces the generic list for that part) and main_window_hook() to add
pages, menu items or badges to the main window. load() imports every such module once.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from PySide6.QtWidgets import QWidget

from rso_manager.services.caseload import OffenderRecord
from rso_manager.services.unit_of_work import Actor, Services

if TYPE_CHECKING:
    from ui.lookups import Lookups
    from ui.main_window import MainWindow
    from ui.prompter import Prompter
    from ui.record_window import SectionSpec
    from ui.worker import Worker


@dataclass(frozen=True)
class RecordContext:
    """What a record page needs: the services, who is using them, and how to refresh."""

    services: Services
    actor: Actor
    worker: Worker
    prompter: Prompter
    lookups: Callable[[], Lookups | None]
    reload: Callable[[], None]  # re-read the record after a change; pages get set_record()
    window: QWidget

    def report(self, exc: BaseException, title: str = "That could not be done") -> None:
        from ui.apology import apologise
        from ui.forms import report_failure

        report_failure(self.prompter, exc, title=title, on_reload=self.reload,
                       unexpected=lambda e: apologise(self.prompter, e))


class RecordPage(Protocol):
    def set_record(self, record: OffenderRecord) -> None: ...

    def count(self) -> int:
        """Entries to show beside the part's title in the navigation (0: none)."""
        ...


RecordPageFactory = Callable[[RecordContext, "SectionSpec"], Any]

RECORD_PAGES: dict[str, RecordPageFactory] = {}
MAIN_WINDOW_HOOKS: list[Callable[[MainWindow], None]] = []


def record_page(key: str) -> Callable[[RecordPageFactory], RecordPageFactory]:
    def register(factory: RecordPageFactory) -> RecordPageFactory:
        RECORD_PAGES[key] = factory
        return factory
    return register


def main_window_hook(hook: Callable[[MainWindow], None]) -> Callable[[MainWindow], None]:
    MAIN_WINDOW_HOOKS.append(hook)
    return hook


_loaded = False


def load() -> None:
    global _loaded
    if _loaded:
        return
    import ui.workflows as package

    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda i: i.name):
        importlib.import_module(f"{package.__name__}.{info.name}")
    _loaded = True
