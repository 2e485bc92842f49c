"""A layout that lays its items out like words on a page, for cards that reflow as the window
narrows (the dashboard's sections)."""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize, Qt, Signal
from PySide6.QtWidgets import QLayout, QLayoutItem, QWidget


class FlowLayout(QLayout):
    """Lays its items left to right and wraps them, like words on a page."""

    STRETCH = 0.6

    def __init__(self, parent: QWidget | None = None, spacing: int = 12) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self._gap = spacing

    def addItem(self, item: QLayoutItem) -> None:  # noqa: N802 - Qt override
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:  # noqa: N802
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:  # noqa: N802
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self) -> Qt.Orientation:  # noqa: N802
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:  # noqa: N802
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802
        return self._arrange(QRect(0, 0, width, 0), move=False)

    def setGeometry(self, rect: QRect) -> None:  # noqa: N802
        super().setGeometry(rect)
        self._arrange(rect, move=True)

    def sizeHint(self) -> QSize:  # noqa: N802
        return self.minimumSize()

    def minimumSize(self) -> QSize:  # noqa: N802
        size = QSize()
        for item in self._items:
            size = size.expandedTo(item.minimumSize())
        margins = self.contentsMargins()
        return size + QSize(margins.left() + margins.right(), margins.top() + margins.bottom())

    def _lines(self, width: int) -> list[list[tuple[QLayoutItem, QSize]]]:
        lines: list[list[tuple[QLayoutItem, QSize]]] = [[]]
        used = 0
        for item in self._items:
            hint = item.sizeHint()
            if lines[-1] and used + self._gap + hint.width() > width:
                lines.append([])
                used = 0
            used += (self._gap if lines[-1] else 0) + hint.width()
            lines[-1].append((item, hint))
        return [line for line in lines if line]

    def _arrange(self, rect: QRect, *, move: bool) -> int:
        """Fill each line edge to edge, so the cards form tidy rows; no card grows by more than
        STRETCH of its width (a short last line stays short)."""
        margins = self.contentsMargins()
        area = rect.adjusted(margins.left(), margins.top(), -margins.right(), -margins.bottom())
        lines = self._lines(area.width())
        y = area.y()
        for line in lines:
            natural = sum(h.width() for _i, h in line) + self._gap * (len(line) - 1)
            spare = max(0, area.width() - natural)
            height = max(h.height() for _i, h in line)
            x = area.x()
            capped = spare > natural * self.STRETCH
            for i, (item, hint) in enumerate(line):
                extra = spare * hint.width() // max(1, natural - self._gap * (len(line) - 1))
                if capped:
                    extra = int(hint.width() * self.STRETCH)
                elif spare and i == len(line) - 1:  # the last takes what rounding left over
                    extra = area.x() + area.width() - x - hint.width()
                if move:
                    item.setGeometry(QRect(x, y, hint.width() + extra, height))
                x += hint.width() + extra + self._gap
            y += height + self._gap
        return y - self._gap - rect.y() + margins.bottom() if lines else margins.top() + margins.bottom()


class WidthWatcher(QWidget):
    """A widget that says when its width changes (what flows in it may then re-fit)."""

    resized = Signal()

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        if event.oldSize().width() != event.size().width():
            self.resized.emit()
