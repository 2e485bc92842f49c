"""Help > About RSO Manager: which version this is, under what licence, and which database it is
working on (issue 17), the facts a support call or a fault report starts from.

The database is named as the status bar names it (rso_manager.database.describe: a SQLite file's
path, or a PostgreSQL server and database; never a password). Nothing here reads the database, so
nothing here is audited; "Copy details" puts the same lines on the clipboard for a fault report.
"""

from __future__ import annotations

import platform
import sys
from dataclasses import dataclass
from importlib import metadata
from importlib.resources import files

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import Qt, qVersion
from PySide6.QtGui import QAction, QGuiApplication, QPixmap
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from rso_manager.database import describe
from rso_manager.services.unit_of_work import Services
from ui.extensions import WorkflowHost, main_window_hook

DISTRIBUTION = "rso-manager"
# The owner has not chosen a licence; until a LICENSE file and the package metadata say one,
# this is what the app states.
UNCHOSEN_LICENCE = "Proprietary: for police use; all demo data fictional"
THIRD_PARTY = ("Built with Qt and PySide6 (LGPL v3), SQLAlchemy, ReportLab and other open-source "
               "libraries under their own licences; DejaVu fonts (free licence, resources/fonts).")
ICON_SIZE = 64


@dataclass(frozen=True)
class AboutFacts:
    version: str
    licence: str
    database: str
    python: str
    qt: str
    system: str

    def lines(self) -> list[tuple[str, str]]:
        return [("Version", self.version), ("Licence", self.licence), ("Database", self.database),
                ("Python", self.python), ("Qt", self.qt), ("System", self.system)]

    def as_text(self) -> str:
        return "RSO Manager\n" + "\n".join(f"{label}: {value}" for label, value in self.lines())


def installed_version() -> str:
    try:
        return metadata.version(DISTRIBUTION)
    except metadata.PackageNotFoundError:  # run from a source tree that was never installed
        return "unknown (not installed)"


def licence() -> str:
    try:
        meta = metadata.metadata(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        return UNCHOSEN_LICENCE
    # .get: importlib_metadata (installed beside some tools) raises KeyError for a missing field.
    stated = (meta.get("License-Expression") or meta.get("License") or "").strip()
    return stated if stated and stated.upper() != "UNKNOWN" else UNCHOSEN_LICENCE


def database_in_use(services: Services) -> str:
    engine = services.session_factory.kw.get("bind")
    if engine is None:
        return "unknown"
    return describe(engine.url.render_as_string(hide_password=True))


def gather(services: Services) -> AboutFacts:
    frozen = " (packaged application)" if getattr(sys, "frozen", False) else ""
    return AboutFacts(
        version=installed_version() + frozen,
        licence=licence(),
        database=database_in_use(services),
        python=f"{platform.python_version()} ({platform.python_implementation()})",
        qt=f"Qt {qVersion()}, PySide6 {pyside_version}",
        system=f"{platform.system()} {platform.release()} ({platform.machine()})",
    )


def _value_label(text: str) -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class AboutDialog(QDialog):
    def __init__(self, facts: AboutFacts, *, signed_in_as: str = "", demo_note: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.facts = facts
        self.setWindowTitle("About RSO Manager")
        self.setAccessibleName("About RSO Manager")
        self.setMinimumWidth(560)
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        icon = QLabel()
        icon.setPixmap(QPixmap(str(files("resources").joinpath("icons").joinpath("rso-manager.png")))
                       .scaled(ICON_SIZE, ICON_SIZE, Qt.AspectRatioMode.KeepAspectRatio,
                               Qt.TransformationMode.SmoothTransformation))
        icon.setAccessibleName("RSO Manager icon")
        icon.setAlignment(Qt.AlignmentFlag.AlignTop)
        top.addWidget(icon)
        heading = QVBoxLayout()
        title = QLabel("RSO Manager")
        title.setObjectName("dialogHeading")
        heading.addWidget(title)
        heading.addWidget(_value_label("Case management for police Offender Management Units managing "
                                       "registered sex offenders."))
        top.addLayout(heading, 1)
        layout.addLayout(top)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.values: dict[str, QLabel] = {}
        for label, value in facts.lines():
            self.values[label] = _value_label(value)
            self.values[label].setAccessibleName(label)
            form.addRow(f"{label}:", self.values[label])
        if signed_in_as:
            self.values["Signed in as"] = _value_label(signed_in_as)
            self.values["Signed in as"].setAccessibleName("Signed in as")
            form.addRow("Signed in as:", self.values["Signed in as"])
        layout.addLayout(form)
        if demo_note:
            demo = QLabel(demo_note)
            demo.setObjectName("demoBanner")
            layout.addWidget(demo)
        third = _value_label(THIRD_PARTY)
        third.setObjectName("hint")
        layout.addWidget(third)
        buttons = self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.copy_button = buttons.addButton("&Copy details", QDialogButtonBox.ButtonRole.ActionRole)
        self.copy_button.setAccessibleName("Copy details to the clipboard")
        self.copy_button.setToolTip("Copy these details, e.g. into a fault report")
        self.copy_button.clicked.connect(self.copy_details)
        close = buttons.button(QDialogButtonBox.StandardButton.Close)
        close.setAccessibleName("Close")
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        close.setDefault(True)
        close.setFocus()

    def copy_details(self) -> None:
        text = self.facts.as_text()
        if "Signed in as" in self.values:
            text += f"\nSigned in as: {self.values['Signed in as'].text()}"
        QGuiApplication.clipboard().setText(text)


class About:
    def __init__(self, host: WorkflowHost) -> None:
        self.host = host
        self.dialog: AboutDialog | None = None
        self.action = QAction("&About RSO Manager", host.window)
        self.action.setMenuRole(QAction.MenuRole.AboutRole)
        self.action.triggered.connect(self.show)
        host.add_menu_action("help", self.action, order=130)

    def show(self) -> AboutDialog:
        host = self.host
        demo = bool(getattr(host.window, "demo", False))
        self.dialog = AboutDialog(
            gather(host.services),
            signed_in_as=f"{host.actor.display_name} ({host.actor.username}, {host.actor.role.label})",
            demo_note="This is a DEMO database: every person in it is fictional." if demo else "",
            parent=host.window)
        self.dialog.open()
        return self.dialog


@main_window_hook(order=130)
def install(host: WorkflowHost) -> None:
    host.add_part(About(host))
