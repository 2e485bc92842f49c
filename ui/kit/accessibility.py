"""What a screen reader says for each control: its accessible name, from the label the user sees.

Qt reads a control's name from accessibleName(), and without one only from a label whose buddy
it is *and* that shares its parent. The kit's form rows wrap each field in a box with its error
line under it, so that lookup fails and a reader said just "edit". The kit names what it builds
(forms.add_row, the list views); name_unnamed_controls() is the pass for the rest, deriving a
name from what a sighted user reads beside the control: the form row's label, a label that is
its buddy, the label just before it in its row, its group's title, its placeholder or tooltip.
install() runs that pass on every window, page and record part as it is shown, so pages
built later are named too.
"""

from __future__ import annotations

import re

from PySide6.QtCore import QObject, Qt, QTimer, Slot
from PySide6.QtGui import QWindow
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QApplication,
    QBoxLayout,
    QColorDialog,
    QComboBox,
    QFileDialog,
    QFontDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QInputDialog,
    QLabel,
    QLayout,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QScrollArea,
    QStackedWidget,
    QTextEdit,
    QWidget,
)

from ui.kit.layout_items import layout_of, widget_of

_SPACES = re.compile(r"\s+")
_MAX = 80  # a name is what the control is, not the paragraph of help beside it


def plain(text: str) -> str:
    """TEXT as a name is read: mnemonics ("&Save", "R&&D") and a trailing colon dropped, one line."""
    text = text.replace("&&", "\0").replace("&", "").replace("\0", "&")
    text = _SPACES.sub(" ", text).strip().rstrip(":").strip()
    if len(text) > _MAX:
        text = text[:_MAX].rsplit(" ", 1)[0] + "..."
    return text


def name(widget: QWidget, text: str) -> QWidget:
    """Give WIDGET the accessible name TEXT (as plain()), unless it has one already; so too
    the widget it hands its focus to."""
    target: QWidget | None = widget
    while target is not None:  # and what it hands its focus to (a date field's line edit)
        if not target.accessibleName() and plain(text):
            target.setAccessibleName(plain(text))
        target = target.focusProxy()
    return widget


def is_focusable(widget: QWidget) -> bool:
    return widget.focusPolicy() != Qt.FocusPolicy.NoFocus


def is_named(widget: QWidget) -> bool:
    """The reader has something to say: a name, a button's or label's own text, or a label Qt
    reads for it."""
    if widget.accessibleName().strip():
        return True
    if isinstance(widget, QAbstractButton | QLabel) and bool(plain(widget.text())):
        return True  # Qt reads a button's or a label's own text as its name
    return bool(_qt_buddy_text(widget))


def _qt_buddy_text(widget: QWidget) -> str:
    """The label Qt itself reads for WIDGET: one beside it (same parent) whose buddy it is."""
    parent = widget.parentWidget()
    if parent is None:
        return ""
    for child in parent.children():
        if isinstance(child, QLabel) and child.buddy() is widget:
            return plain(child.text())
    return ""


def _label_text(widget: QWidget | None) -> str:
    if isinstance(widget, QLabel) and widget.textFormat() != Qt.TextFormat.RichText:
        return plain(widget.text())
    if isinstance(widget, QLabel):  # rich text: what it reads as
        return plain(re.sub(r"<[^>]+>", "", widget.text()))
    return ""


def _layouts(layout: QLayout | None):
    """LAYOUT and every layout nested in it."""
    if layout is None:
        return
    yield layout
    for i in range(layout.count()):
        child = layout_of(layout.itemAt(i))
        if child is not None:
            yield from _layouts(child)


def _beside(widget: QWidget) -> str:
    """The caption a user reads next to WIDGET in its parent's layout."""
    parent = widget.parentWidget()
    if parent is None:
        return ""
    for layout in _layouts(parent.layout()):
        if isinstance(layout, QFormLayout):
            text = _label_text(layout.labelForField(widget))
            if text:
                return text
        index = layout.indexOf(widget)
        if index < 0:
            continue
        if isinstance(layout, QGridLayout):
            row, column, _rs, _cs = layout.getItemPosition(index)
            if column > 0:
                text = _label_text(widget_of(layout.itemAtPosition(row, column - 1)))
                if text:
                    return text
            if row > 0:  # a caption above its value, as the record's header has them
                text = _label_text(widget_of(layout.itemAtPosition(row - 1, column)))
                if text:
                    return text
        elif isinstance(layout, QBoxLayout) and index > 0:
            text = _label_text(widget_of(layout.itemAt(index - 1)))
            if text:
                return text
    return ""


def _buddy_of(widget: QWidget, window: QWidget) -> str:
    for label in window.findChildren(QLabel):
        buddy = label.buddy()
        if buddy is None:
            continue
        # A buddy that hands its focus on (a date field to its line edit) names that too.
        while buddy is not None and buddy is not widget and buddy.focusProxy() is not None:
            buddy = buddy.focusProxy()
        if buddy is widget:
            text = _label_text(label)
            if text:
                return text
    return ""


def _own_text(widget: QWidget) -> str:
    if isinstance(widget, QLineEdit | QPlainTextEdit | QTextEdit):
        text = plain(widget.placeholderText())
        if text:
            return text
    if isinstance(widget, QAbstractSpinBox) and widget.specialValueText():
        return plain(widget.specialValueText())
    return plain(widget.toolTip()) or plain(widget.statusTip()) or plain(widget.whatsThis())


def _columns(view: QAbstractItemView) -> str:
    model = view.model()
    if model is None or model.columnCount() == 0:
        return ""
    titles = [str(model.headerData(c, Qt.Orientation.Horizontal) or "") for c in range(min(model.columnCount(), 4))]
    titles = [t for t in titles if t.strip()]
    return f"List of {', '.join(titles)}" if titles else ""


def _page_title(widget: QWidget) -> str:
    """The title of the page or record part WIDGET is on, else of its window."""
    parent: QWidget | None = widget
    while parent is not None and not parent.isWindow():
        title = parent.property("pageTitle")
        if title:
            return plain(str(title))
        parent = parent.parentWidget()
    return plain(widget.window().windowTitle())


def derived_name(widget: QWidget) -> str:
    """What a sighted user reads as WIDGET's name, or "" if nothing on screen says it."""
    window = widget.window()
    text = _buddy_of(widget, window)
    if text:
        return text
    # The field itself, then each box it sits in (a form row wraps the field with its error line;
    # a date field wraps its line edit), up to the window.
    holder: QWidget | None = widget
    while holder is not None and holder is not window:
        if holder is not widget and holder.accessibleName():
            return holder.accessibleName()
        text = _beside(holder)
        if text:
            return text
        parent = holder.parentWidget()
        if isinstance(parent, QGroupBox) and plain(parent.title()):
            return plain(parent.title())
        holder = parent
    text = _own_text(widget)
    if text:
        return text
    if isinstance(widget, QScrollArea):  # a page or form that scrolls: named for what it holds
        return _page_title(widget)
    if isinstance(widget, QComboBox) and widget.lineEdit() is None and widget.count():
        return ""  # its choices are not its name
    if isinstance(widget, QAbstractItemView):
        return _columns(widget)
    return ""


def name_unnamed_controls(root: QWidget) -> list[QWidget]:
    """Name every control under ROOT (and ROOT) that takes the focus and has no name, from what
    is shown beside it; the ones nothing names are returned (the walk test lists them)."""
    left = []
    for widget in [root, *root.findChildren(QWidget)]:
        if is_focusable(widget) and not is_named(widget):
            text = derived_name(widget)
            if text:
                widget.setAccessibleName(text)
            else:
                left.append(widget)
    return left


# Qt's own dialogs label their fields with buddies beside them, which Qt reads; and naming the
# line edit of a QInputDialog as it is shown crashed PySide6 (6.x, offscreen).
_QT_DIALOGS = (QInputDialog, QFileDialog, QMessageBox, QColorDialog, QFontDialog)


class _NameOnShow(QObject):
    """Names the controls of each window as it comes to the front, and of each page of a stack
    (the main window's pages, a record's parts, a tab) as it is shown: a name derived at
    construction would miss the controls a page adds later.

    Not an event filter on the application: that was a call into Python for every event of
    every widget (each made, polished, laid out and painted), a third of the time it took to
    build the main window, and each call waited for the interpreter behind a worker running
    Python (issue 16). Windows are told by focusWindowChanged and pages by their stack's
    currentChanged, both signals Qt emits once for the thing shown.

    A whole window or page at a time, in a later turn of the event loop: setting names inside a
    control's own Show event crashed PySide6 now and then; and the call is tied to the widget, so
    one that goes first is skipped."""

    def __init__(self, app: QApplication) -> None:
        super().__init__(app)
        app.focusWindowChanged.connect(self._window_shown)

    @Slot(QWindow)
    def _window_shown(self, handle: QWindow | None) -> None:
        if handle is None:
            return
        window = next((w for w in QApplication.topLevelWidgets() if w.windowHandle() == handle), None)
        if window is not None and _is_root(window):
            QTimer.singleShot(0, window, lambda w=window: self._name(w))

    def _name(self, root: QWidget) -> None:
        name_unnamed_controls(root)
        for stack in root.findChildren(QStackedWidget):
            if not stack.property(_WATCHED):
                stack.setProperty(_WATCHED, True)
                stack.currentChanged.connect(self._page_shown)

    @Slot(int)
    def _page_shown(self, _index: int) -> None:
        stack = self.sender()
        page = stack.currentWidget() if isinstance(stack, QStackedWidget) else None
        if page is not None and _is_root(page):
            QTimer.singleShot(0, page, lambda p=page: self._name(p))


_WATCHED = "namesItsPages"  # a dynamic property: this stack's pages are named as they are shown


def _is_root(widget: QWidget) -> bool:
    if widget.isWindow():
        return widget.windowType() not in (Qt.WindowType.Popup, Qt.WindowType.ToolTip) \
            and not isinstance(widget, _QT_DIALOGS)
    # A page of a stack (the main window's pages, the record's parts, a tab) built or shown later.
    return isinstance(widget.parentWidget(), QStackedWidget) and not isinstance(widget.window(), _QT_DIALOGS)


_installed: _NameOnShow | None = None


def install(app: QApplication | None = None) -> None:
    """Name the unnamed controls of every window of APP as they are shown (once per app)."""
    global _installed
    app = app or QApplication.instance()  # type: ignore[assignment]
    if _installed is not None or app is None:
        return
    _installed = _NameOnShow(app)
