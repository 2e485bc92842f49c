"""Issue 13 for the visits and notifications workflows: every model passes the model tester with
real rows; planner cards say in words whether a visit is proposed or booked, and fit their text
at 1280x720 in the week and month views (overdue ones too)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from PySide6.QtCore import QRect

from rso_manager.domain.notification_period import DisposalKind
from rso_manager.services import notifications as nt
from rso_manager.services import visits
from rso_manager.services.errors import ServiceError
from tests.ui.conftest import make_offender
from tests.ui.test_visits_ui import _overdue_case
from ui.workflows.notifications.stations import StationsMenu
from ui.workflows.visits.planner import PlannerPage, planner_of
from ui.workflows.visits.planner_cards import VisitCard

TODAY = date(2026, 11, 25)


def _station(services, code: str) -> int:
    return next(s.station_id for s in nt.list_stations(services) if s.code == code)


# --- the model tester ---------------------------------------------------------------------------


def test_the_notification_models_pass_the_model_tester_with_rows(qtmodeltester, qtbot, sqlite_services, world,
                                                                  record_window):
    s, om = sqlite_services, world.om
    record = make_offender(s, om, "Quillfeather", "Arthur")
    oid = record.offender_id
    nt.record_conviction(s, om, oid, nt.ConvictionInput(
        court="Northam Crown Court", convicted_on=date(2026, 9, 1), offence="Sexual assault (s.3)",
        disposal=DisposalKind.IMPRISONMENT, sentence_months=12, source="court_list"))
    nt.take_notification(s, om, oid, nt.NotificationInput(
        kind="initial", station_id=_station(s, "NTH-01"), method=nt.IN_PERSON, in_person=True,
        fingerprints_taken=True, photographs_taken=True, notified_at=datetime(2026, 9, 2, 11, tzinfo=UTC)))
    nt.record_event(s, om, oid, "change_name", TODAY - timedelta(days=1), {"name": "Arthur QUILL"})
    nt.record_disregarded_period(s, om, oid, "abroad", date(2026, 10, 14), date(2026, 10, 20))
    nt.record_stay(s, om, oid, date(2026, 11, 1), date(2026, 11, 3), line1="22 Coppice Way", town="Eastmoor",
                   postcode="NM7 3LP")
    window = record_window(record)
    notifications, convictions = window.section_tabs["notifications"], window.section_tabs["convictions"]
    for page in (notifications, convictions):  # a part reads its data once it is on screen
        window.show_part(page.spec.key)
        qtbot.waitUntil(lambda p=page: p.loads > 0 and not p.loading, timeout=5000)
    for model in (notifications.pending_model, notifications.taken_model, notifications.stays_model,
                  convictions.conviction_model, convictions.period_model):
        assert model.rowCount() > 0, model
        qtmodeltester.check(model)
    for view in (notifications.pending_view, notifications.taken_view, notifications.stays_view,
                 convictions.conviction_view, convictions.period_view):
        qtmodeltester.check(view.model())  # the sorting proxy over it
    # A requirement in force is the service's word (RequirementView.in_force), not the page's.
    assert convictions.requirements and all(r.in_force for r in convictions.requirements)
    assert convictions.requirement_value.text().startswith("Until ")


def test_the_stations_model_passes_the_model_tester(qtmodeltester, qtbot, make_window, world):
    window = make_window(world.admin)
    stations = window.part(StationsMenu)
    dialog = stations.open()
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 5, timeout=5000)
    qtmodeltester.check(dialog.model)
    qtmodeltester.check(dialog.view.model())


def test_the_visit_pages_models_pass_the_model_tester(qtmodeltester, qtbot, sqlite_services, world, record_window):
    record = _overdue_case(sqlite_services, world)
    window = record_window(record)
    for key in ("visits", "risk"):
        page = window.section_tabs[key]
        assert page.model.rowCount() > 0
        qtmodeltester.check(page.model)
        qtmodeltester.check(page.view.model())


# --- one way to read a record part ------------------------------------------------------------


def test_the_notification_pages_read_only_once_on_screen_and_the_shortcut_waits_for_the_read(
        qtbot, sqlite_services, world, record_window):
    record = make_offender(sqlite_services, world.om, "Quillfeather", "Arthur")
    nt.record_conviction(sqlite_services, world.om, record.offender_id, nt.ConvictionInput(
        court="Northam Crown Court", convicted_on=date(2026, 9, 1), offence="Sexual assault (s.3)",
        disposal=DisposalKind.IMPRISONMENT, sentence_months=12, source="court_list"))
    window = record_window(record)
    notifications, convictions = window.section_tabs["notifications"], window.section_tabs["convictions"]
    qtbot.wait(200)
    assert (notifications.loads, convictions.loads) == (0, 0)  # neither has been on screen
    assert notifications.view_data is None
    # Ctrl+Shift+N from the first page brings Notifications forward and takes once it has read them.
    notifications.take_action.trigger()
    assert notifications.isVisible() and notifications.loading and notifications.dialog is None
    qtbot.waitUntil(lambda: notifications.dialog is not None and notifications.dialog.isVisible(), timeout=5000)
    assert notifications.loads == 1 and convictions.loads == 0
    assert [p.kind for p in notifications.view_data.pending] == ["initial"]
    notifications.dialog.done(0)


def test_an_out_of_date_read_is_dropped_even_when_it_failed_and_a_failed_read_is_tried_again(
        qtbot, sqlite_services, world, prompter, record_window):
    record = make_offender(sqlite_services, world.om)
    window = record_window(record)
    window.show_part("risk")
    page = window.section_tabs["risk"]
    qtbot.waitUntil(lambda: page.loads == 1, timeout=5000)
    read = type(page).fetch
    calls: list[int] = []

    def failing_once(services, actor, offender_id):  # on the worker
        calls.append(offender_id)
        if len(calls) == 1:
            raise ServiceError("The database is not answering")
        return read(page, services, actor, offender_id)

    page.fetch = failing_once
    with qtbot.waitSignal(page.details_loaded, timeout=5000):
        page.load_details()  # fails, but only after...
        page.load_details()  # ...a later read was asked for: its failure is not reported
    assert len(calls) == 2 and page.loads == 2 and not page.loading
    assert prompter.messages == []

    calls.clear()
    page.load_details()  # fails and is the latest: reported, and read again when next shown
    qtbot.waitUntil(lambda: not page.loading, timeout=5000)
    assert prompter.messages == [("warning", "The visit information could not be read",
                                  "The database is not answering")]
    assert page.loads == 2 and not page.loaded
    window.show_part("visits")
    with qtbot.waitSignal(page.details_loaded, timeout=5000):
        window.show_part("risk")
    assert page.loads == 3 and page.loaded


# --- planner cards ------------------------------------------------------------------------------


def _planner(qtbot, make_window, world) -> PlannerPage:
    window = make_window(world.om)
    window.resize(1280, 720)
    page = planner_of(window)
    with qtbot.waitSignal(page.loaded, timeout=5000):
        window.page_actions["planner"].trigger()
    qtbot.wait(50)
    return page


def _cases(services, world) -> None:
    """An overdue case, one proposed inside its window, and one booked for Friday evening."""
    _overdue_case(services, world)
    make_offender(services, world.om, "Marrowby", "Bryn")
    booked = make_offender(services, world.om, "Kettleby-Fotheringham", "Gareth Alexander")
    visits.book_visit(services, world.om, booked.offender_id, on=date(2026, 11, 27), time_band="evening",
                      officer_ids=(world.om.user_id, world.supervisor.user_id))


def _assert_fits(card: VisitCard) -> None:
    """Every line at least as tall as it needs, inside the card, and no two lines overlapping."""
    assert card.height() >= card.minimumSizeHint().height(), card.texts()
    inside = card.contentsRect()
    previous: QRect | None = None
    for line in card.lines:
        box = line.geometry()
        assert box.height() >= line.sizeHint().height(), line.full_text
        assert inside.contains(box), (line.full_text, box, inside)
        if previous is not None:
            assert not box.intersects(previous), line.full_text
        previous = box


def _visible_cards(page: PlannerPage) -> list[VisitCard]:
    return [c for c in page.cards if c.isVisibleTo(page)]


def test_proposed_and_booked_cards_say_which_they_are_and_fit(qtbot, make_window, sqlite_services, world):
    _cases(sqlite_services, world)
    page = _planner(qtbot, make_window, world)
    week = _visible_cards(page)
    assert {c.item.status for c in week} == {"proposed", "booked"}
    for card in week:
        _assert_fits(card)
        word = "Booked" if card.item.status == "booked" else "Proposed"
        assert card.accessibleName().startswith(f"{word} visit: {card.item.name}")
        assert card.texts()[0].startswith(f"{word}:")
    booked = next(c for c in week if c.item.status == "booked" and c.item.days_overdue == 0)
    assert booked.texts()[0] == "Booked: evening 17:00-21:00"
    # Name, reference and officers each on a line of their own.
    assert booked.texts()[1:4] == [booked.item.name, f"{booked.item.reference}  \u00b7  not assessed",
                                   booked.item.officer_names[0]]

    # The overdue strip: nothing clipped by the strip.
    overdue = [c for c in week if c.parentWidget() is not None and page.overdue_strip.isAncestorOf(c)]
    assert overdue and all(c.item.days_overdue > 0 for c in overdue)
    for card in overdue:
        _assert_fits(card)
        viewport = card.parentWidget().parentWidget()
        top_left = card.mapTo(viewport, card.rect().topLeft())
        assert top_left.y() >= 0 and top_left.y() + card.height() <= viewport.height(), card.texts()
        assert any(t.startswith("Overdue by") for t in card.texts())
        assert [line.text() for line in card.lines] == card.texts()  # wide enough to say it all

    with qtbot.waitSignal(page.loaded, timeout=5000):
        page.month_button.click()
    qtbot.wait(50)
    chips = [c for c in _visible_cards(page) if c.property("chip")]
    assert {c.item.status for c in chips} == {"proposed", "booked"}
    for chip in chips:
        _assert_fits(chip)
    proposed = next(c for c in chips if c.item.status == "proposed" and not c.item.days_overdue)
    booked = next(c for c in chips if c.item.status == "booked")
    assert proposed.texts()[0].startswith("Proposed:") and booked.texts()[0] == "Booked: evening 17:00-21:00"
    assert proposed.accessibleName().startswith("Proposed visit") and booked.accessibleName().startswith("Booked")
    # And they look different: a dashed outline against a solid fill.
    assert proposed.property("state") != booked.property("state")
    def fill(card: VisitCard):
        return card.grab().toImage().pixelColor(card.width() - 3, card.height() // 2).name()

    assert fill(proposed) == "#ffffff" and fill(booked) == "#1f3a5f"
