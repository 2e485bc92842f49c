"""Where workflows plug in: the narrow host interface they get, and their registrations.

A workflow (a module or package in ui/workflows/) registers, when imported:

- record pages: ``@record_page("visits")`` gives the page for one part of the offender record
  (it replaces the generic list for that part); the page gets a ``RecordContext``;
- record actions: ``@record_action(order=10)`` gets the record window's ``RecordContext`` and
  returns a QAction for its toolbar (something done to the whole record: print its meeting
  summary, send it to another force), or None when the user may not;
- main-window additions: ``@main_window_hook(order=30)`` gets a ``WorkflowHost`` to add a page,
  a menu action, a toolbar action, a status widget or a banner, each with its own ``order``.

A workflow uses nothing of the windows beyond these two interfaces and never imports another
workflow (import-linter: "Workflows plug into the host and never import each other"). Orders
are explicit so that menus read in the order the users work, not the order of module names.
"""

from __future__ import annotations

import importlib
import pkgutil
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, Protocol, TypeVar

from PySide6.QtCore import SignalInstance
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMainWindow, QToolBar, QWidget

from rso_manager.services.caseload import CaseloadScope
from rso_manager.services.unit_of_work import Actor, Services

if TYPE_CHECKING:
    from ui.kit.record_page import RecordContext, SectionSpec
    from ui.prompter import Prompter
    from ui.worker import Worker

P = TypeVar("P")
Menu = Literal["file", "view", "help"]


class WorkflowHost(Protocol):
    """What a workflow may use of the main window."""

    services: Services
    actor: Actor
    worker: Worker
    prompter: Prompter
    scopes: tuple[CaseloadScope, ...]  # caseloads this user may list; () for the administrator
    caseload_loaded: SignalInstance  # (rows) after each caseload (re)load
    database_damaged: SignalInstance  # (message) the open's check found damage after the window was built

    @property
    def window(self) -> QMainWindow:
        """The top-level window: the parent of a workflow's dialogs and controllers, and what a
        lock watches for input."""
        ...

    def add_page(self, key: str, title: str, widget: QWidget | Callable[[], QWidget], *, order: int,
                 shortcut: str | None = None, part: type | None = None) -> QAction:
        """A page beside the caseload, reached from the Go menu (ordered by ORDER). WIDGET may be
        a function that makes the page: it is then built when first shown, not with the window,
        and PART names its type, so part(PART) finds it (making it if it is not made yet)."""
        ...

    def show_page(self, key: str) -> QWidget: ...

    def add_menu_action(self, menu: Menu, action: QAction, *, order: int) -> None:
        """An item in a menu, placed among the workflows' items by ORDER."""
        ...

    def add_toolbar_action(self, action: QAction, *, order: int) -> None: ...

    def add_status_widget(self, widget: QWidget, *, order: int, permanent: bool = True) -> None: ...

    def add_banner(self, bar: QToolBar) -> None:
        """A full-width bar under the toolbar (a warning that stays until it is dealt with)."""
        ...

    def show_status(self, text: str, msecs: int = 10_000) -> None: ...

    def refresh(self) -> None:
        """Read the caseload (or the current page) again, e.g. after cases moved between officers."""
        ...

    def report(self, exc: BaseException, title: str = "That could not be done") -> None: ...

    def open_offender(self, offender_id: int, title: str, **kwargs: Any) -> None: ...

    def add_part(self, part: object) -> None:
        """Keep a workflow's controller where others (and tests) can find it by its type."""
        ...

    def part(self, kind: type[P]) -> P | None: ...


RecordPageFactory = Callable[["RecordContext", "SectionSpec"], Any]


@dataclass(frozen=True)
class _Hook:
    order: int
    install: Callable[[WorkflowHost], None]


RecordActionFactory = Callable[["RecordContext"], "QAction | None"]


@dataclass(frozen=True)
class _RecordAction:
    order: int
    make: RecordActionFactory


RECORD_PAGES: dict[str, RecordPageFactory] = {}
# A part's keys that work from any part of its record window: (keys, what they do), by part.
RECORD_WINDOW_KEYS: dict[str, tuple[tuple[str, str], ...]] = {}
_HOOKS: list[_Hook] = []
_RECORD_ACTIONS: list[_RecordAction] = []


def record_page(key: str, *, window_keys: tuple[tuple[str, str], ...] = ()
                ) -> Callable[[RecordPageFactory], RecordPageFactory]:
    """Register the factory of record part KEY. WINDOW_KEYS: its window-wide keys, (keys, what
    they do), which the record window answers before the part is built (building it then)."""
    def register(factory: RecordPageFactory) -> RecordPageFactory:
        RECORD_PAGES[key] = factory
        if window_keys:
            RECORD_WINDOW_KEYS[key] = window_keys
        return factory
    return register


def main_window_hook(*, order: int) -> Callable[[Callable[[WorkflowHost], None]], Callable[[WorkflowHost], None]]:
    """Register an installer run on every new main window, lowest ORDER first."""
    def register(install: Callable[[WorkflowHost], None]) -> Callable[[WorkflowHost], None]:
        _HOOKS.append(_Hook(order, install))
        return install
    return register


def record_action(*, order: int) -> Callable[[RecordActionFactory], RecordActionFactory]:
    """Register a whole-record action, shown on every record window's toolbar, lowest ORDER first."""
    def register(make: RecordActionFactory) -> RecordActionFactory:
        _RECORD_ACTIONS.append(_RecordAction(order, make))
        return make
    return register


def record_actions() -> list[RecordActionFactory]:
    load()
    return [a.make for a in sorted(_RECORD_ACTIONS, key=lambda a: a.order)]


def main_window_hooks() -> list[Callable[[WorkflowHost], None]]:
    load()
    return [hook.install for hook in sorted(_HOOKS, key=lambda h: h.order)]


_loaded = False
_preloading: threading.Thread | None = None


def _import_workflows() -> None:
    import ui.workflows as package

    for info in pkgutil.iter_modules(package.__path__):
        importlib.import_module(f"{package.__name__}.{info.name}")


def preload(*modules: str) -> None:
    """Import MODULES, then every workflow, on a background thread, while the user signs in:
    importing them all takes about half a second, which would otherwise pass on the GUI thread
    building the main window. Only imports: registering runs no Qt code, and Python's import
    locks make a module the GUI thread asks for meanwhile wait for the one import of it."""
    global _preloading
    if _loaded or _preloading is not None:
        return

    def run() -> None:
        for name in modules:
            importlib.import_module(name)
        _import_workflows()

    _preloading = threading.Thread(target=_quietly(run), name="rso-preload", daemon=True)
    _preloading.start()


def preloading() -> bool:
    """The background import preload() started is still running: load() would wait for it."""
    return _preloading is not None and _preloading.is_alive() and not _loaded


def _quietly(fn: Callable[[], None]) -> Callable[[], None]:
    # A failed import is raised again where it matters, by load() on the GUI thread.
    def run() -> None:
        try:
            fn()
        except Exception:  # noqa: BLE001, S110
            pass
    return run


def load() -> None:
    global _loaded
    if _loaded:
        return
    if _preloading is not None:
        _preloading.join()
    _import_workflows()
    _loaded = True
