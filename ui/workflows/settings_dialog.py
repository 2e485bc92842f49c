"""File > Settings... (Ctrl+,), for the administrator: what an OMU changes, in one place (issue 17
part 6). One tab for each group of domain/setting_definitions.py, each field with its label,
help, range and default; a reason for the change; Save only once something changed and the
reason is given. The service (setting_changes) checks every value and saves all or nothing, so
a refused save keeps what was typed and says, under each field, what to put right.

The designated police stations keep their own list (File > Designated police stations): the
Notifications tab shows how many there are and opens it, rather than a second copy of it.

The Directory sign-in tab tries the settings on screen before they are saved (Test connection,
on the worker: a silent server takes its whole timeout) and keeps the lookup account's password
in this computer's keyring, never in the database (services/directory_sign_in.py).
"""

from __future__ import annotations

import textwrap
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction, QFont, QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from rso_manager.database import data_dir
from rso_manager.domain.directory_mapping import server_urls
from rso_manager.domain.roles import Permission
from rso_manager.domain.setting_definitions import (
    DIRECTORY_DEFINITIONS,
    SettingDefinition,
    SettingGroup,
    SettingKind,
    directory_values,
    in_group,
)
from rso_manager.services import directory_sign_in as ds
from rso_manager.services import notifications as nt
from rso_manager.services.errors import MIN_REASON_WORDS, FieldProblem, ValidationFailed
from rso_manager.services.setting_changes import (
    EditableSettings,
    SettingChange,
    SettingValue,
    change_settings,
    editable_settings,
)
from rso_manager.services.unit_of_work import Actor, Services
from ui.extensions import WorkflowHost, main_window_hook
from ui.kit.dialogs import ServiceDialog
from ui.kit.formatting import fmt_datetime
from ui.kit.forms import RationaleBox, add_row, report_failure
from ui.prompter import Prompter
from ui.worker import Worker

SHORTCUT = "Ctrl+,"
# The tabs' mnemonics, each letter used once in the dialog.
_TAB_TEXT = {
    SettingGroup.VISITS: "&Visits", SettingGroup.THRESHOLDS: "&Thresholds",
    SettingGroup.NOTIFICATIONS: "&Notifications && stations", SettingGroup.SECURITY: "Securit&y",
    SettingGroup.BACKUPS: "&Backups", SettingGroup.DOCUMENTS: "&Calendar && documents",
    SettingGroup.DIRECTORY: "&Directory sign-in",
}
_STATIONS_ACTION = "designatedStationsAction"  # the stations workflow's File menu item
_STATIONS_TEXT = "Designated police stations"
_HELP_COLUMNS = 110  # characters a help line, about 800 pixels
LOOKUP_DN = "directory.lookup_dn"


def _shown(value: Any, d: SettingDefinition) -> str:
    if d.kind is SettingKind.SWITCH:
        return "on" if value else "off"
    if d.kind is SettingKind.NUMBER:
        return f"{value} {d.unit_for(value)}".strip()
    return f'"{value}"' if value else "empty"


def _help_text(v: SettingValue) -> str:
    """The setting's help, then a line of its range, default and last change."""
    d = v.definition
    facts = [f"From {d.range_text}" if d.kind is SettingKind.NUMBER else "",
             f"default {_shown(v.default, d)}" if d.kind is SettingKind.NUMBER else f"Default {_shown(v.default, d)}"]
    line = "; ".join(f for f in facts if f) + "."
    if d.effect:
        line += f" A change applies {d.effect}."
    if v.changed_at is not None and not v.is_default:
        line += f" Last changed by {v.changed_by or 'an administrator'}, {fmt_datetime(v.changed_at)}."
    return f"{d.help}\n{line}"


def _wrapped(text: str) -> str:
    return "\n".join(textwrap.fill(part, _HELP_COLUMNS) for part in text.split("\n"))


def _find_stations_action(window: QWidget) -> QAction | None:
    for action in window.findChildren(QAction):
        if action.objectName() == _STATIONS_ACTION:
            return action
    # Until the stations workflow names its action: the menu text, mnemonic and dots aside.
    return next((a for a in window.findChildren(QAction)
                 if a.text().replace("&", "").startswith(_STATIONS_TEXT)), None)


class SettingsDialog(ServiceDialog):
    """The administrator's settings, one tab a group; saved together with one reason."""

    def __init__(self, services: Services, actor: Actor, worker: Worker, prompter: Prompter, *,
                 host_window: QWidget | None = None, parent: QWidget | None = None) -> None:
        super().__init__(services, actor, worker, prompter, title="Settings", heading="Settings for this OMU",
                         hint="Change what your OMU has decided, give the reason, then Save. Every change "
                              "is recorded in the audit trail with its old and new values and your reason.",
                         save_text="&Save changes", failure_title="Settings not saved", min_width=760,
                         parent=parent)
        self.setObjectName("settingsDialog")
        self.host_window = host_window
        self.read: EditableSettings | None = None
        self.inputs: dict[str, QWidget] = {}
        self.helps: dict[str, QLabel] = {}
        self.tab_of: dict[str, int] = {}
        self.scrolls: list[QScrollArea] = []
        self.on_reload = self.load
        self.choose_folder = self._choose_folder  # tests put a folder here instead of the file dialog
        # Tests answer here instead of the password dialog (the DN is its argument).
        self.ask_lookup_password = self._ask_lookup_password
        self.directory_buttons: list[QPushButton] = []
        self.connection_report: ds.ConnectionReport | None = None
        self._directory_worker: Worker | None = None  # Test connection's own (test_connection)
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName("Setting groups")
        self.tabs.setDocumentMode(True)
        for group in SettingGroup:
            self.tabs.addTab(self._tab(group), _TAB_TEXT[group])
        self.layout_.addWidget(self.tabs, 1)
        reason_form = QFormLayout()
        reason_form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        self.reason = RationaleBox(min_words=MIN_REASON_WORDS, placeholder=(
            "e.g. Visit intervals agreed by the OMU lead at the November performance meeting"))
        self.reason.editor.setAccessibleName("Reason for the change")
        self.reason.editor.setMinimumHeight(54)
        self.reason.editor.setMaximumHeight(70)
        add_row(reason_form, "&Reason for the change", self.errors, "reason", self.reason)
        self.layout_.addLayout(reason_form)
        self.reason.editor.textChanged.connect(self._update_save)
        self.finish()
        self._set_enabled(False)
        self._update_save()
        self.load()

    # --- building -----------------------------------------------------------------------------

    def _tab(self, group: SettingGroup) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        form.setHorizontalSpacing(12)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        index = self.tabs.count()
        for d in in_group(group):
            self.tab_of[d.key] = index
            widget = self._input(d)
            self.inputs[d.key] = widget
            # One cell a setting: the field, its message, any button, then its help.
            cell = QWidget()
            column = QVBoxLayout(cell)
            column.setContentsMargins(0, 0, 0, 8)
            column.setSpacing(3)
            # The message line as wide as the help, so it wraps no more than the help does.
            column.addWidget(self.errors.add(d.key, widget))
            if d.kind is SettingKind.FOLDER:
                browse = QPushButton("B&rowse for a folder...")
                browse.setAccessibleName(f"Browse for the {d.label.lower()}")
                browse.clicked.connect(lambda _=False, key=d.key: self._browse(key))
                self.browse_button = browse
                column.addWidget(browse, 0, Qt.AlignmentFlag.AlignLeft)
            if d.key == LOOKUP_DN:
                column.addWidget(self._lookup_password_button(), 0, Qt.AlignmentFlag.AlignLeft)
            # Wrapped here, not by Qt: a word-wrapped label in a scrolled form is given a
            # height for the wrong width, and the rows overlap.
            help_label = QLabel(_wrapped(d.help))
            help_label.setObjectName("hint")
            help_label.setTextFormat(Qt.TextFormat.PlainText)
            self.helps[d.key] = help_label
            column.addWidget(help_label)
            caption = QLabel(d.label)
            caption.setBuddy(widget)
            form.addRow(caption, cell)
        if group is SettingGroup.NOTIFICATIONS:
            self._stations_rows(form)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(page)
        self.scrolls.append(scroll)
        if group is SettingGroup.DIRECTORY:
            return self._directory_tab(scroll)
        return scroll

    def _input(self, d: SettingDefinition) -> QWidget:
        widget: QWidget
        if d.kind is SettingKind.NUMBER:
            spin = QSpinBox()
            assert d.minimum is not None and d.maximum is not None
            spin.setRange(d.minimum, d.maximum)
            spin.setMinimumWidth(180)
            spin.setMaximumWidth(240)
            spin.valueChanged.connect(lambda n, spin=spin, d=d: spin.setSuffix(f" {d.unit_for(n)}" if d.unit else ""))
            spin.setSuffix(f" {d.unit_for(spin.value())}" if d.unit else "")
            spin.valueChanged.connect(self._update_save)
            widget = spin
        elif d.kind is SettingKind.SWITCH:
            check = QCheckBox("On")
            check.toggled.connect(self._update_save)
            widget = check
        else:
            line = QLineEdit()
            line.setMaxLength(d.max_length)
            line.setMinimumWidth(360 if d.max_length <= 40 else 560)
            line.setMaximumWidth(800)
            if d.kind is SettingKind.PATTERN:
                line.setFont(QFont("DejaVu Sans Mono"))
            if d.kind is SettingKind.FOLDER:
                line.setPlaceholderText(f"Empty: {data_dir() / 'backups'}")
            line.textChanged.connect(self._update_save)
            widget = line
        widget.setAccessibleName(d.label)
        widget.setAccessibleDescription(d.help)
        widget.setToolTip(d.help)
        return widget

    def _stations_rows(self, form: QFormLayout) -> None:
        self.stations_summary = QLabel("Reading the designated stations...")
        self.stations_summary.setWordWrap(True)
        self.stations_summary.setTextFormat(Qt.TextFormat.PlainText)
        self.stations_button = QPushButton("Open the designated police stations &list...")
        self.stations_button.setAccessibleName("Open the designated police stations list")
        self.stations_button.setToolTip("The stations where offenders may notify (s.87), kept in their own list")
        self.stations_button.clicked.connect(self.open_stations)
        box = QVBoxLayout()
        box.addWidget(self.stations_summary)
        line = QHBoxLayout()
        line.addWidget(self.stations_button)
        line.addStretch(1)
        box.addLayout(line)
        caption = QLabel("Designated police stations")
        form.addRow(caption, box)

    # --- reading ------------------------------------------------------------------------------

    def load(self) -> None:
        self._set_enabled(False)
        self._worker.submit(editable_settings, self._services, self._actor, owner=self,
                            on_success=self._loaded,
                            on_error=lambda e: report_failure(self._prompter, e, title="Settings not read",
                                                              errors=self.errors))
        self._worker.submit(nt.list_stations, self._services, owner=self, on_success=self._stations_read,
                            on_error=lambda _e: self.stations_summary.setText(
                                "The stations could not be read; open the list to see them."))

    def _loaded(self, read: EditableSettings) -> None:
        self.read = read
        for v in read.values:
            self._put(v.key, v.value)
            self.helps[v.key].setText(_wrapped(_help_text(v)))
        self._set_enabled(True)
        self.errors.clear()
        self._update_save()

    def _stations_read(self, stations: list[nt.StationView]) -> None:
        designated = [s for s in stations if s.designated]
        names = ", ".join(s.name for s in designated[:6]) + (", ..." if len(designated) > 6 else "")
        self.stations_summary.setText(
            f"{len(designated)} designated for notifications (s.87(1)){': ' + names if names else ''}. "
            "They are kept in their own list, where a station is added or taken off.")

    def _put(self, key: str, value: Any) -> None:
        widget = self.inputs[key]
        if isinstance(widget, QSpinBox):
            widget.setValue(int(value))
        elif isinstance(widget, QCheckBox):
            widget.setChecked(bool(value))
        elif isinstance(widget, QLineEdit):
            widget.setText(str(value or ""))

    def value(self, key: str) -> Any:
        widget = self.inputs[key]
        if isinstance(widget, QSpinBox):
            return widget.value()
        if isinstance(widget, QCheckBox):
            return widget.isChecked()
        assert isinstance(widget, QLineEdit)
        return widget.text().strip()

    def set_value(self, key: str, value: Any) -> None:
        """Put VALUE in KEY's field, as the user would."""
        self._put(key, value)

    def changes(self) -> dict[str, Any]:
        if self.read is None:
            return {}
        return {v.key: self.value(v.key) for v in self.read.values if self.value(v.key) != v.value}

    # --- saving -------------------------------------------------------------------------------

    def _set_enabled(self, enabled: bool) -> None:
        for widget in [*self.inputs.values(), *self.directory_buttons]:
            widget.setEnabled(enabled)
        if hasattr(self, "browse_button"):
            self.browse_button.setEnabled(enabled)

    def _update_save(self, *_args: object) -> None:
        ready = self.read is not None and not self.busy
        self.save_button.setEnabled(ready and bool(self.changes()) and bool(self.reason.text().strip()))
        count = len(self.changes())
        self.save_button.setToolTip(
            f"Ctrl+Enter: save {count} change{'s' if count != 1 else ''}" if count
            else "Change a setting, and give the reason, to save")

    def is_dirty(self) -> bool:
        return bool(self.changes()) or bool(self.reason.text().strip())

    def submit(self) -> None:
        assert self.read is not None or not self.save_button.isEnabled()
        if self.read is None:
            return
        self.call(change_settings, self._services, self._actor, self.changes(), self.reason.text(),
                  versions=self.read.versions())

    def _failed(self, exc: BaseException) -> None:
        super()._failed(exc)
        if isinstance(exc, ValidationFailed):
            fields = [p.field for p in exc.problems if p.field in self.tab_of]
            if fields:
                self.show_field(fields[0])
        self._update_save()

    def show_field(self, key: str) -> None:
        """KEY's tab, scrolled to the field and its message, with the focus in it."""
        index = self.tab_of[key]
        self.tabs.setCurrentIndex(index)
        self.inputs[key].setFocus()
        # Once the message's line is laid out, so the scroll reaches below it.
        QTimer.singleShot(0, self, lambda: self.scrolls[index].ensureWidgetVisible(self.helps[key]))

    def after_success(self, result: Any) -> None:
        changed: tuple[SettingChange, ...] = result
        self.result_changes = changed

    # --- directory sign-in -----------------------------------------------------------------

    def _directory_tab(self, scroll: QScrollArea) -> QWidget:
        """Test connection above the fields, so its report shows wherever the fields are scrolled."""
        tab = QWidget()
        column = QVBoxLayout(tab)
        column.setContentsMargins(0, 6, 0, 0)
        line = QHBoxLayout()
        self.test_button = QPushButton("Test conn&ection")
        self.test_button.setAccessibleName("Test the directory connection with the settings on screen")
        self.test_button.setToolTip("Tries each server, the lookup account, where people are found and each "
                                    "group named, with the settings as they are on screen; saves nothing")
        self.test_button.clicked.connect(self.test_connection)
        self.directory_buttons.append(self.test_button)
        self.connection_summary = QLabel("Test connection tries the settings as they are on screen, before "
                                         "they are saved.")
        self.connection_summary.setObjectName("hint")
        self.connection_summary.setTextFormat(Qt.TextFormat.PlainText)
        self.connection_summary.setWordWrap(True)
        line.addWidget(self.test_button, 0, Qt.AlignmentFlag.AlignTop)
        line.addWidget(self.connection_summary, 1)
        column.addLayout(line)
        self.connection_lines = QPlainTextEdit()
        self.connection_lines.setReadOnly(True)
        self.connection_lines.setAccessibleName("What the connection test found")
        self.connection_lines.setMaximumHeight(120)
        self.connection_lines.setVisible(False)
        column.addWidget(self.connection_lines)
        column.addWidget(scroll, 1)
        for d in DIRECTORY_DEFINITIONS:
            widget = self.inputs[d.key]
            changed = (widget.valueChanged if isinstance(widget, QSpinBox) else
                       widget.toggled if isinstance(widget, QCheckBox) else widget.textChanged)  # type: ignore[attr-defined]
            changed.connect(self._directory_edited)
        return tab

    def _directory_edited(self, *_args: object) -> None:
        if self.connection_lines.isVisible():
            self.connection_summary.setText("Tested before the last change on this tab: test again to try it.")

    def _lookup_password_button(self) -> QPushButton:
        button = QPushButton("Set loo&kup password on this computer...")
        button.setAccessibleName("Set the lookup account's password on this computer")
        button.setToolTip("Kept in this computer's keyring (credential store), never in the database")
        button.clicked.connect(self.set_lookup_password)
        self.directory_buttons.append(button)
        self.lookup_password_button = button
        return button

    def directory_on_screen(self) -> dict[str, Any]:
        """The directory settings as the fields hold them, saved or not, by their names in its row."""
        return directory_values({d.key: self.value(d.key) for d in DIRECTORY_DEFINITIONS})

    def test_connection(self) -> None:
        values = self.directory_on_screen()
        servers = max(1, len(server_urls(str(values["servers"]))))
        self.errors.clear()
        self.test_button.setEnabled(False)
        self.connection_lines.setVisible(False)
        self.connection_summary.setText(
            f"Trying the directory with the settings on screen (up to {servers * int(values['timeout_seconds'])} "
            "seconds if a server does not answer)...")
        # A worker of its own: a server that does not answer holds the test for its timeout,
        # and the database's one worker (every page's reads and saves) must not wait behind it.
        if self._directory_worker is None:
            self._directory_worker = Worker(self, name="rso-directory-test")
        self._directory_worker.submit(ds.try_connection, self._services, self._actor, values, owner=self,
                                      on_success=self._tested, on_error=self._test_failed)

    def _tested(self, report: ds.ConnectionReport) -> None:
        self.connection_report = report
        self.test_button.setEnabled(True)
        self.connection_summary.setText(
            "Connection tested: everything named was found." if report.ok
            else "Connection tested: something needs putting right (below). Nothing was saved.")
        self.connection_lines.setPlainText(report.text)
        self.connection_lines.setVisible(True)

    def _test_failed(self, exc: BaseException) -> None:
        self.test_button.setEnabled(True)
        if isinstance(exc, ValidationFailed):
            self.connection_summary.setText("Not tried: put right what is said under the fields first.")
            self.errors.show(exc)
            fields = [p.field for p in exc.problems if p.field in self.tab_of]
            if fields:
                self.show_field(fields[0])
            return
        self.connection_summary.setText("Not tried: see the message.")
        report_failure(self._prompter, exc, title="Connection not tested", errors=self.errors)

    def set_lookup_password(self) -> None:
        dn = self.value(LOOKUP_DN)
        if not dn:
            self.errors.show(ValidationFailed(FieldProblem(LOOKUP_DN, ds.LOOKUP_DN_FIRST)))
            self.show_field(LOOKUP_DN)
            return
        password = self.ask_lookup_password(dn)
        if not password:
            return
        self.lookup_password_button.setEnabled(False)
        self._worker.submit(ds.store_lookup_password, self._services, self._actor, dn, password, owner=self,
                            on_success=self._password_kept, on_error=self._password_not_kept)

    def _password_kept(self, where: str) -> None:
        self.lookup_password_button.setEnabled(True)
        self._prompter.info("Lookup password kept", where)

    def _password_not_kept(self, exc: BaseException) -> None:
        self.lookup_password_button.setEnabled(True)
        report_failure(self._prompter, exc, title="Lookup password not kept", errors=self.errors)

    def _ask_lookup_password(self, dn: str) -> str | None:
        dialog = LookupPasswordDialog(dn, self)
        return dialog.password() if dialog.exec() == QDialog.DialogCode.Accepted else None

    # --- links --------------------------------------------------------------------------------

    def _browse(self, key: str) -> None:
        folder = self.choose_folder()
        if folder:
            self._put(key, folder)

    def _choose_folder(self) -> str:
        return QFileDialog.getExistingDirectory(self, "Choose the backup folder", self.value("backup_folder")
                                                or str(data_dir()))

    def open_stations(self) -> bool:
        """The stations workflow's own dialog, through its File menu item."""
        action = _find_stations_action(self.host_window) if self.host_window is not None else None
        if action is None:
            self._prompter.warning("Designated police stations",
                                   "Open File > Designated police stations from the main window.")
            return False
        action.trigger()
        return True


class LookupPasswordDialog(QDialog):
    """The lookup account's password, typed twice; it goes to the keyring, never to the database."""

    def __init__(self, dn: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Lookup account's password")
        layout = QVBoxLayout(self)
        intro = QLabel(f"The password of the directory lookup account\n{dn}\nis kept in this computer's "
                       "keyring for your account here, not in the database.")
        intro.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(intro)
        form = QFormLayout()
        self.first, self.again = QLineEdit(), QLineEdit()
        for field, name in ((self.first, "Lookup account's password"), (self.again, "The password again")):
            field.setEchoMode(QLineEdit.EchoMode.Password)
            field.setAccessibleName(name)
            field.setMinimumWidth(320)
        form.addRow("&Password", self.first)
        form.addRow("Password &again", self.again)
        layout.addLayout(form)
        self.problem = QLabel("")
        self.problem.setObjectName("fieldError")
        self.problem.setVisible(False)
        layout.addWidget(self.problem)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def _accept(self) -> None:
        if not self.first.text() or self.first.text() != self.again.text():
            self.problem.setText("Type the same password in both fields.")
            self.problem.setVisible(True)
            return
        self.accept()

    def password(self) -> str:
        return self.first.text()


class SettingsMenu:
    """File > Settings..., for the administrator."""

    def __init__(self, host: WorkflowHost) -> None:
        self.host = host
        self.dialog: SettingsDialog | None = None
        self.action = QAction("Se&ttings...", host.window)
        self.action.setObjectName("settingsAction")
        self.action.setShortcut(QKeySequence(SHORTCUT))
        self.action.setStatusTip("Visit intervals, thresholds, security, backups, calendars and directory sign-in for this OMU")
        self.action.triggered.connect(self.open)
        host.window.addAction(self.action)
        host.add_menu_action("file", self.action, order=85)

    def open(self) -> SettingsDialog:
        host = self.host
        if self.dialog is not None and self.dialog.isVisible():
            self.dialog.raise_()
            self.dialog.activateWindow()
            return self.dialog
        self.dialog = SettingsDialog(host.services, host.actor, host.worker, host.prompter,
                                     host_window=host.window, parent=host.window)
        self.dialog.resize(980, 680)
        self.dialog.saved.connect(self._saved)
        self.dialog.open()
        return self.dialog

    def _saved(self, changed: object) -> None:
        count = len(changed) if isinstance(changed, tuple) else 0
        self.host.show_status(f"Settings saved: {count} change{'s' if count != 1 else ''}, each in the audit trail.")


@main_window_hook(order=105)
def settings_menu(host: WorkflowHost) -> None:
    if host.actor.can(Permission.MANAGE_USERS):
        host.add_part(SettingsMenu(host))
