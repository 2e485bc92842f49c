"""A part of the record kept as a register (devices, orders, breaches): the workflow's own lists
in place of the entries list, read from its service whenever the record is (re)loaded.

The entries list stays behind them, hidden: it gives the count in the record's navigation, and
the entry "Mark as entered in error..." marks is the one selected in the register's lists.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QPushButton, QTableView, QVBoxLayout, QWidget

from rso_manager.services.caseload import EntryRow
from ui.kit.record_page import DetailedEntries, DetailedSectionTab, RecordContext, SectionSpec


class RegisterPage(DetailedSectionTab):
    """fetch() reads the register on the worker, show_details() shows it; selected_key() says
    which entry of the record is selected; update_buttons() enables the page's actions."""

    def __init__(self, ctx: RecordContext, spec: SectionSpec, about: str) -> None:
        super().__init__(ctx, spec, DetailedEntries([]), about=about)
        self.layout().removeWidget(self.stack)
        self.stack.hide()
        self.void_button.setToolTip("Mark the selected entry as entered in error: it stays on the record, "
                                    "struck through, with your reason.")
        self.dialog: QWidget | None = None  # the last dialog opened here (tests drive it)
        self.window_shortcuts: dict[str, QShortcut] = {}  # by their keys: the window-wide ones

    def set_page(self, content: QWidget) -> None:
        self.layout().addWidget(content, 1)

    def page_layout(self) -> QVBoxLayout:
        """A column for the register's panels and lists, set as the page (set_page)."""
        content = QWidget()
        layout = QVBoxLayout(content)
        layout.setContentsMargins(0, 0, 0, 0)
        self.set_page(content)
        return layout

    def writer_button(self, text: str, slot: Callable[[], Any], *, tip: str = "") -> QPushButton:
        """An action to place beside the list it works on (add_button_for puts one in the row
        at the top), shown to writers only."""
        button = QPushButton(text)
        button.setToolTip(tip)
        button.clicked.connect(lambda: slot())
        button.setVisible(self.can_write)
        return button

    def one_selection(self, *views: QTableView) -> None:
        """Lists of which one row at a time is selected: selecting in one clears the others,
        so "Mark as entered in error..." and the actions work on the row the user sees chosen."""
        def selected(view: QTableView) -> None:
            if view.selectionModel().hasSelection():
                for other in views:
                    if other is not view and other.selectionModel().hasSelection():
                        other.clearSelection()
            self._selection_changed()

        for view in views:
            view.selectionModel().selectionChanged.connect(lambda *_a, v=view: selected(v))

    def shortcut(self, keys: str, slot: Callable[[], Any], button: QPushButton | None = None,
                 *, window_wide: bool = False) -> QShortcut:
        """A key for a main action: window-wide (the page is brought forward first) or while
        this page has the focus."""
        if window_wide:
            shortcut = QShortcut(QKeySequence(keys), self.ctx.window)
            shortcut.setContext(Qt.ShortcutContext.WindowShortcut)

            def activated() -> None:
                if self.can_write and (button is None or button.isEnabled()):
                    self.ctx.show_part(self.spec.key)
                    slot()
            shortcut.activated.connect(activated)
            self.window_shortcuts[keys] = shortcut
        else:
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(lambda: slot() if button is None or button.isEnabled() else None)
        # What Help > Keyboard shortcuts lists for it.
        shortcut.setWhatsThis(button.text() if button is not None else "")
        shortcut.setProperty("shortcutWhere", f"Record > {self.spec.title}")
        if button is not None:
            text = QKeySequence(keys).toString(QKeySequence.SequenceFormat.NativeText)
            button.setToolTip(f"{button.toolTip()} ({text})".strip() if button.toolTip() else text)
        return shortcut

    def selected_key(self) -> tuple[str, int] | None:
        """(entity, id) of what is selected on this page."""
        return None

    def selected_entry(self) -> EntryRow | None:
        key = self.selected_key()
        if key is None:
            return None
        return next((e for e in self.model.rows() if (e.entity, e.id) == key), None)

    def _selection_changed(self, *_args) -> None:
        if not hasattr(self, "ctx"):
            return  # during SectionTab's own construction
        self.entry_buttons(self.selected_entry())
        self.update_buttons()

    def update_buttons(self) -> None:
        """Enable the page's actions for what is selected."""
