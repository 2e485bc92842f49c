"""The frame of the notification dialogs: the kit's service dialog, headed with the offender,
with rows that show and hide as the choices need, and a summary naming the fields to check."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QComboBox, QFormLayout, QSizePolicy, QSpinBox, QWidget

from rso_manager.services.caseload import OffenderRecord
from rso_manager.services.errors import ValidationFailed
from rso_manager.services.unit_of_work import Actor, Services
from ui.kit.dialogs import ServiceDialog
from ui.prompter import Prompter
from ui.worker import Worker


def months_box(what: str) -> QSpinBox:
    box = QSpinBox()
    box.setRange(0, 1200)
    box.setSuffix(" months")
    box.setSpecialValueText("Not entered")
    box.setAccessibleName(what)
    box.setMinimumWidth(160)
    box.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
    return box


def months(box: QSpinBox) -> int | None:
    return box.value() or None


def choices(items: dict[Any, str], placeholder: str | None = None) -> QComboBox:
    box = QComboBox()
    if placeholder is not None:
        box.addItem(placeholder, None)
    for value, text in items.items():
        box.addItem(text, value.value if hasattr(value, "value") else value)
    return box


class NotificationDialog(ServiceDialog):
    """A ServiceDialog about one offender (RECORD; None for the administrator's dialogs).

    Subclasses build rows with self.row(), then call self.finish(); submit() calls
    self.call(service_fn, ...). On success `saved` carries the service's result.
    """

    def __init__(self, services: Services, actor: Actor, worker: Worker, prompter: Prompter,
                 record: OffenderRecord | None, title: str, hint: str, *, save_text: str = "Save",
                 min_width: int = 600, parent: QWidget | None = None) -> None:
        super().__init__(services, actor, worker, prompter, title=title,
                         heading=f"{title}: {record.name} ({record.reference})" if record else title,
                         hint=hint, save_text=save_text, min_width=min_width, parent=parent)
        self.record = record
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.captions: dict[str, str] = {}

    def row(self, label: str, name: str, widget: QWidget) -> Any:
        self.captions[name] = label.replace("&", "")
        return super().row(label, name, widget)

    def address_rows(self, postcode_label: str = "P&ostcode") -> None:
        super().address_rows(postcode_label)

    def set_row_visible(self, widget: QWidget, visible: bool) -> None:
        """Show or hide the form row holding WIDGET (its container, with the error line)."""
        container = widget.parentWidget()
        if container is not None:
            self.form.setRowVisible(container, visible)

    def fit(self, *, shrink: bool = False) -> None:
        """Grow (or, when rows were hidden, shrink) to the layout's needs: error lines appear
        after the dialog is shown, and a cramped row would overlap its neighbours."""
        if shrink:
            self.layout_.activate()
            self.resize(self.width(), self.sizeHint().height())
        super().fit()

    def _failed(self, exc: BaseException) -> None:
        super()._failed(exc)
        if isinstance(exc, ValidationFailed) and not self.errors.general.isVisibleTo(self):
            named = [self.captions[p.field] for p in exc.problems if p.field in self.captions]
            if named:
                self.errors.show_general("Nothing was saved. Check " + ", ".join(dict.fromkeys(named))
                                         + ": the reason is shown under it.")
                self.fit()
