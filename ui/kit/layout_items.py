"""Reading what a layout holds without leaving a stale Python wrapper behind.

A layout's items (QWidgetItem, QSpacerItem) are not QObjects: when the layout deletes one,
PySide is not told. A Python wrapper of it still alive then stands for whatever Qt allocates next
at that address, so a later call returning a widget there hands back the old item instead (a walk
of a dialog's focus chain got a QWidgetItem where a line edit was). Each read here takes what the
item holds and invalidates the item's wrapper at once.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import shiboken6
from PySide6.QtWidgets import QLayout, QLayoutItem, QWidget

T = TypeVar("T")


def widget_of(item: QLayoutItem | None) -> QWidget | None:
    """The widget ITEM holds (None for a spacer, a nested layout or no item)."""
    return _read(item, QLayoutItem.widget)


def layout_of(item: QLayoutItem | None) -> QLayout | None:
    """The layout ITEM is or holds (None for a widget, a spacer or no item)."""
    return _read(item, QLayoutItem.layout)


def _read(item: QLayoutItem | None, part: Callable[[QLayoutItem], T | None]) -> T | None:
    if item is None:
        return None
    held = part(item)
    _release(item)
    return held


def _release(item: QLayoutItem) -> None:
    # A nested layout is a QObject whose wrapper PySide tracks; only plain items need letting go.
    # An item Python owns (taken out with takeAt) is freed with its wrapper, so it is left alone.
    if not isinstance(item, QLayout) and not shiboken6.ownedByPython(item):
        shiboken6.invalidate(item)
