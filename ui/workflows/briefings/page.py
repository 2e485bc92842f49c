"""Go > Briefings: the approved frontline briefings of an area (a team's patch, or postcode
districts typed) as cards an officer reads before a patrol, and the same printed or saved as a
PDF handout. Every showing and every print is audited by the service. For the briefing role it
is the whole window: they see this and nothing of the records."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QStandardPaths, Qt
from PySide6.QtGui import QPixmap
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from rso_manager.domain.frontline_briefing import HANDLING_LINE, AreaBriefing, BriefingCard
from rso_manager.services.briefings import (
    SavedBriefing,
    TeamPatch,
    area_briefing_pdf,
    area_briefings,
    save_area_briefing_pdf,
    team_patches,
)
from rso_manager.services.unit_of_work import Actor, Services
from ui.extensions import WorkflowHost
from ui.kit.formatting import fmt_date
from ui.kit.forms import FieldErrors, report_failure
from ui.kit.printing import AskPrinter, ask_printer, print_pdf
from ui.kit.tables import ListPanel
from ui.kit.widgets import alert_label, hint_label

TYPED = "districts"  # the area chooser's last item: the districts typed beside it
EMPTY = "No case living in this area has an approved briefing."
CHOOSE = "Choose a team's patch, or type postcode districts, then Show."

# (parent, caption, suggested path) -> the chosen path, or "" if cancelled.
ChoosePath = Callable[[QWidget, str, str], str]

STYLE = """
QFrame#briefingCard { background: #ffffff; border: 1px solid #c7d0db; border-radius: 6px; }
QFrame#briefingCard QLabel { background: transparent; }
QLabel#briefingName { font-size: 15px; font-weight: 600; color: #1f2933; }
QLabel#briefingRisk { font-weight: 600; }
QLabel#briefingCaption { color: #52606d; font-weight: 600; }
QLabel#briefingPhoto { background: #e4e7eb; color: #52606d; border: 1px solid #d5dde8; }
QLabel#handlingLine { color: #1f2933; font-weight: 600; }
"""
CAPTION_WIDTH = 112
RISK_COLOUR = {"Very high": "#b3261e", "High": "#b3261e"}


def choose_save_path(parent: QWidget, caption: str, suggested: str) -> str:
    path, _selected = QFileDialog.getSaveFileName(parent, caption, suggested, "PDF documents (*.pdf)")
    return path


def _documents() -> Path:
    return Path(QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation) or Path.home())


def print_area_briefing(services: Services, actor: Actor, printer: QPrinter, *, team_id: int | None,
                        districts: str | None) -> int:
    """Worker thread: the area's handout (audited as a print), then its pages onto PRINTER."""
    pdf = area_briefing_pdf(services, actor, team_id=team_id, districts=districts)
    return print_pdf(pdf, printer)


def _text(text: str, name: str | None = None) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    if name:
        label.setObjectName(name)
    return label


class BriefingCardView(QFrame):
    """One case as the officer on patrol is briefed on it."""

    def __init__(self, card: BriefingCard) -> None:
        super().__init__()
        self.card = card
        self.setObjectName("briefingCard")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 10)
        layout.setSpacing(14)
        photo = QLabel()
        photo.setObjectName("briefingPhoto")
        photo.setFixedSize(104, 130)
        photo.setAlignment(Qt.AlignmentFlag.AlignCenter)
        pixmap = QPixmap()
        if card.photograph and pixmap.loadFromData(card.photograph):
            photo.setPixmap(pixmap.scaled(104, 130, Qt.AspectRatioMode.KeepAspectRatio,
                                          Qt.TransformationMode.SmoothTransformation))
            photo.setToolTip(f"Taken {fmt_date(card.photograph_taken_on)}" if card.photograph_taken_on else "")
        else:
            photo.setText("No photograph\non record")
        layout.addWidget(photo, 0, Qt.AlignmentFlag.AlignTop)
        body = QVBoxLayout()
        body.setSpacing(4)
        top = QHBoxLayout()
        top.addWidget(_text(f"{card.name}  ({card.reference})", "briefingName"), 1)
        risk = _text(f"Risk: {card.risk}", "briefingRisk")
        risk.setWordWrap(False)
        risk.setStyleSheet(f"color: {RISK_COLOUR.get(card.risk, '#1f2933')};")
        top.addWidget(risk, 0, Qt.AlignmentFlag.AlignTop)
        body.addLayout(top)
        facts = QGridLayout()
        facts.setHorizontalSpacing(12)
        facts.setVerticalSpacing(3)
        rows = [("Also known as", ", ".join(card.aliases))] if card.aliases else []
        rows += [("Address", card.address),
                 ("Vehicles", "; ".join(card.vehicles) if card.vehicles else "None recorded"),
                 ("Briefing", card.summary)]
        if card.prohibitions:
            rows.append(("Prohibitions", card.prohibitions))
        rows.append(("Contact", card.contact))
        for i, (caption, value) in enumerate(rows):
            facts.addWidget(_text(caption, "briefingCaption"), i, 0, Qt.AlignmentFlag.AlignTop)
            facts.addWidget(_text(value), i, 1)
        facts.setColumnMinimumWidth(0, CAPTION_WIDTH)  # the same on every card, so they read down
        facts.setColumnStretch(1, 1)
        body.addLayout(facts)
        body.addWidget(hint_label(f"Approved by {card.approved_by} on {fmt_date(card.approved_at)}"))
        layout.addLayout(body, 1)


class BriefingsPage(QWidget):
    """The area chooser, the cards, and Print / Save PDF."""

    def __init__(self, host: WorkflowHost, *, ask: AskPrinter = ask_printer,
                 choose_path: ChoosePath = choose_save_path) -> None:
        super().__init__()
        self.host = host
        self.ask_printer, self.choose_path = ask, choose_path
        self.patches: list[TeamPatch] = []
        self.briefing: AreaBriefing | None = None
        self.shown_area: dict = {}  # what was asked for the briefing shown: what Print and Save print
        self._printer: QPrinter | None = None
        self.loaded = False  # the teams are read
        self.setStyleSheet(STYLE)
        layout = QVBoxLayout(self)
        title = QLabel("Frontline briefings")
        title.setObjectName("pageTitle")
        layout.addWidget(title)
        handling = _text(f"OFFICIAL-SENSITIVE. {HANDLING_LINE}", "handlingLine")
        layout.addWidget(handling)
        layout.addWidget(hint_label(
            "The cases living in an area whose offender manager has approved a briefing for officers on "
            "patrol: who they are, what they could be seen breaching, whom to call. Every showing and "
            "every print is recorded in the audit trail."))

        self.errors = FieldErrors()
        bar = QHBoxLayout()
        self.area = QComboBox()
        self.area.setAccessibleName("Area")
        self.area.setMinimumWidth(280)
        self.area.currentIndexChanged.connect(self._area_changed)
        self.districts = QLineEdit()
        self.districts.setPlaceholderText("Postcode districts, e.g. LS1 LS2 LS6")
        self.districts.setAccessibleName("Postcode districts")
        self.districts.returnPressed.connect(self.show_area)
        self.show_button = QPushButton("&Show")
        self.show_button.clicked.connect(self.show_area)
        self.print_button = QPushButton("&Print...")
        self.print_button.setToolTip("Print the briefing of this area as a handout")
        self.print_button.clicked.connect(self.print_briefing)
        self.save_button = QPushButton("Save P&DF...")
        self.save_button.clicked.connect(self.save_pdf)
        bar.addWidget(QLabel("Area:"), 0, Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        bar.addWidget(self.errors.add("team_id", self.area), 0, Qt.AlignmentFlag.AlignTop)
        bar.addWidget(self.errors.add("districts", self.districts), 1, Qt.AlignmentFlag.AlignTop)
        for button in (self.show_button, self.print_button, self.save_button):
            bar.addWidget(button, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(bar)
        layout.addWidget(self.errors.general)
        self.summary = hint_label("")
        layout.addWidget(self.summary)
        self.unbriefed = alert_label()
        layout.addWidget(self.unbriefed)

        self.cards = QWidget()
        self.cards_layout = QVBoxLayout(self.cards)
        self.cards_layout.setContentsMargins(0, 0, 8, 0)
        self.cards_layout.setSpacing(10)
        self.cards_layout.addStretch(1)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setWidget(self.cards)
        self.panel = ListPanel(self.scroll, CHOOSE)
        self.panel.show_rows(0)
        layout.addWidget(self.panel, 1)
        self._set_busy(False)

    # --- the area -------------------------------------------------------------------------------

    def refresh(self) -> None:
        """On showing: the teams' patches once, then the area shown again (audited)."""
        if not self.loaded:
            self.host.worker.submit(team_patches, self.host.services, self.host.actor, owner=self,
                                    on_success=self._patches_loaded, on_error=self.host.report)
        elif self.briefing is not None:
            self.show_area()

    def _patches_loaded(self, patches: list[TeamPatch]) -> None:
        self.loaded = True
        self.patches = [p for p in patches if p.districts]
        self.area.blockSignals(True)
        self.area.clear()
        for p in self.patches:
            self.area.addItem(f"{p.name} patch ({p.text})", p.id)
        self.area.addItem("Postcode districts typed here", TYPED)
        own = self.area.findData(self.host.actor.team_id) if self.host.actor.team_id else -1
        self.area.setCurrentIndex(own if own >= 0 else 0)
        self.area.blockSignals(False)
        self._area_changed()
        if self.area.currentData() != TYPED:
            self.show_area()

    def _area_changed(self, _index: int = 0) -> None:
        typed = self.area.currentData() == TYPED
        self.districts.setEnabled(typed)
        if typed:
            self.districts.setFocus()

    def _chosen(self) -> dict:
        data = self.area.currentData()
        if data == TYPED or data is None:
            return {"team_id": None, "districts": self.districts.text()}
        return {"team_id": data, "districts": None}

    def _set_busy(self, busy: bool) -> None:
        self.show_button.setEnabled(not busy)
        ready = not busy and self.briefing is not None
        self.print_button.setEnabled(ready)
        self.save_button.setEnabled(ready)

    def show_area(self) -> None:
        if not self.show_button.isEnabled():
            return
        self.errors.clear()
        self._set_busy(True)
        asked = self._chosen()
        self.host.worker.submit(area_briefings, self.host.services, self.host.actor, **asked, owner=self,
                                on_success=lambda briefing: self._shown(asked, briefing), on_error=self._failed)

    def _failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        report_failure(self.host.prompter, exc, title="Briefings not shown", errors=self.errors)

    def _shown(self, asked: dict, briefing: AreaBriefing) -> None:
        self.briefing, self.shown_area = briefing, asked
        while self.cards_layout.count() > 1:
            item = self.cards_layout.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        for i, card in enumerate(briefing.cards):
            self.cards_layout.insertWidget(i, BriefingCardView(card))
        count = len(briefing.cards)
        self.summary.setText(f"{briefing.area}: {count} approved briefing{'s' if count != 1 else ''} of active cases "
                             f"living in the area on {fmt_date(briefing.as_of)}.")
        sentence = briefing.unbriefed_sentence()
        self.unbriefed.setText(sentence or "")
        self.unbriefed.setVisible(bool(sentence))
        self.panel.show_rows(count, EMPTY)
        self.scroll.verticalScrollBar().setValue(0)
        self._set_busy(False)

    def card_views(self) -> list[BriefingCardView]:
        return self.cards.findChildren(BriefingCardView)

    # --- print and save -------------------------------------------------------------------------

    def _suggested(self) -> str:
        area = self.briefing.districts if self.briefing else ()
        return str(_documents() / f"frontline-briefing-{'-'.join(area)}-{self.host.services.clock.today():%Y-%m-%d}.pdf")

    def print_briefing(self) -> None:
        if self.briefing is None:
            return
        printer = self.ask_printer(self, "Print the frontline briefing")
        if printer is None:
            return  # nothing built, nothing audited
        self._printer = printer  # kept while the worker paints on it
        self._set_busy(True)
        self.host.show_status("Printing the frontline briefing...")
        self.host.worker.submit(print_area_briefing, self.host.services, self.host.actor, printer, **self.shown_area,
                                owner=self, on_success=self._printed, on_error=self._print_failed)

    def _printed(self, pages: int) -> None:
        self._set_busy(False)
        self._printer = None
        self.host.show_status(f"The frontline briefing was printed: {pages} page{'s' if pages != 1 else ''}.")

    def _print_failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        self._printer = None
        self.host.show_status("The frontline briefing was not printed.")
        report_failure(self.host.prompter, exc, title="Briefing not printed", errors=self.errors)

    def _save_failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        report_failure(self.host.prompter, exc, title="Briefing not saved", errors=self.errors)

    def save_pdf(self) -> None:
        if self.briefing is None:
            return
        path = self.choose_path(self, "Save the frontline briefing", self._suggested())
        if not path:
            return
        self._set_busy(True)
        self.host.worker.submit(save_area_briefing_pdf, self.host.services, self.host.actor, path, **self.shown_area,
                                owner=self, on_success=self._saved, on_error=self._save_failed)

    def _saved(self, saved: SavedBriefing) -> None:
        self._set_busy(False)
        self.host.show_status(f"Saved the frontline briefing ({saved.cases} cases) as {saved.path}")
