"""View > Search the force... (Ctrl+K from the main window and from every record window)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence

from rso_manager.domain.roles import Permission
from ui.extensions import WorkflowHost, main_window_hook
from ui.workflows.search.opening import opener
from ui.workflows.search.search_dialog import SearchDialog, SearchLauncher

SHORTCUT = "Ctrl+K"


@main_window_hook(order=85)
def _install(host: WorkflowHost) -> None:
    if not host.actor.can(Permission.SEARCH):
        return  # the briefing role and the administrator do not search cases
    launcher = SearchLauncher(lambda: SearchDialog(host.services, host.actor, host.worker, host.prompter,
                                                   opener(host), parent=host.window))
    action = QAction("&Search the force...", host.window)
    action.setShortcut(QKeySequence(SHORTCUT))
    # From a record window too: the officer reading one case looks up another.
    action.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
    action.setStatusTip("Find people, addresses, phones, vehicles and more on every case in the force")
    action.triggered.connect(lambda: launcher.show())
    host.window.addAction(action)
    host.add_menu_action("view", action, order=5)
    host.add_part(launcher)
