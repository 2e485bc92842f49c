"""uow.load: the one way a service fetches a row it is about to change (issue #13)."""

import inspect
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import update

from rso_manager.persistence import models as m
from rso_manager.services import caseload, visits
from rso_manager.services.caseload import OffenderDraft
from rso_manager.services.errors import (
    ConcurrentEditError,
    EnteredInError,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from rso_manager.services.unit_of_work import unit_of_work
from tests.services.service_functions import service_functions


def _case(services, world):
    return caseload.create_offender(services, world.om, OffenderDraft(
        surname="Loadcase", forenames="Alpha", date_of_birth=date(1980, 1, 1),
        offender_manager_id=world.om.user_id, team_id=world.team_id))


def test_a_row_that_is_gone_is_named_in_users_words(services, world):
    with pytest.raises(NotFound, match="That breach no longer exists"), unit_of_work(services, world.om) as uow:
        uow.load(m.Breach, 987654, 1)
    with pytest.raises(NotFound, match="That hand-over no longer exists"), unit_of_work(services, world.om) as uow:
        uow.load(m.PoliceHandover, 987654, 1)


def test_an_entry_marked_as_entered_in_error_is_not_changed(services, world):
    rec = _case(services, world)
    alias = caseload.add_alias(services, world.om, rec.offender_id, "Al Loadcase")
    caseload.void_entry(services, world.om, "alias", alias.id, alias.version_id, "Typed on the wrong record")
    with unit_of_work(services, world.om) as uow:
        current = uow.session.get(m.Alias, alias.id).version_id
    with pytest.raises(EnteredInError, match="This alias is marked as entered in error"):
        caseload.void_entry(services, world.om, "alias", alias.id, current, "Typed on the wrong record again")


def test_the_permission_is_checked_before_the_version(services, world):
    rec = _case(services, world)
    # Another team's officer learns nothing of who changed the record, even with a stale version.
    with pytest.raises(PermissionDenied), unit_of_work(services, world.om2) as uow:
        uow.load(m.Offender, rec.offender_id, rec.version_id + 5)


def test_a_stale_version_says_who_changed_it_and_when(sqlite_services, world, clock):
    services = sqlite_services
    rec = _case(services, world)
    clock.current = datetime(2026, 11, 25, 11, 30, tzinfo=UTC)
    caseload.correct_offender(services, world.supervisor, rec.offender_id, rec.version_id,
                              OffenderDraft(surname="Loadcase", forenames="Alfa", date_of_birth=date(1980, 1, 1),
                                            offender_manager_id=world.om.user_id, team_id=world.team_id),
                              "Forename misspelt on the court list")
    with pytest.raises(ConcurrentEditError) as err, unit_of_work(services, world.om) as uow:
        uow.load(m.Offender, rec.offender_id, rec.version_id)
    assert str(err.value).startswith(
        "This offender record was changed by Sam Supervisor at 25 Nov 2026 11:30 UTC after you opened it.")
    assert (err.value.changed_by, err.value.changed_at) == ("Sam Supervisor", clock.current)


def test_a_conflict_found_at_flush_says_the_same(services, world, clock):
    rec = _case(services, world)
    clock.current = datetime(2026, 11, 25, 11, 30, tzinfo=UTC)
    fixed = caseload.correct_offender(
        services, world.supervisor, rec.offender_id, rec.version_id,
        OffenderDraft(surname="Loadcase", forenames="Alfa", date_of_birth=date(1980, 1, 1),
                      offender_manager_id=world.om.user_id, team_id=world.team_id),
        "Forename misspelt on the court list")
    # A save that passed the check but lost the race: the row's version moves under it before
    # the flush (as another user's commit would), so SQLAlchemy finds no row to update.
    with pytest.raises(ConcurrentEditError) as err, unit_of_work(services, world.om) as uow:
        o = uow.load(m.Offender, rec.offender_id, fixed.version_id)
        uow.session.execute(update(m.Offender).where(m.Offender.id == o.id)
                            .values(version_id=fixed.version_id + 1)
                            .execution_options(synchronize_session=False))
        o.forenames = "Alpher"
        uow.session.flush()
    assert str(err.value).startswith("This offender record was changed by Sam Supervisor at 25 Nov 2026 11:30 UTC")


def test_rebooking_checks_the_booking_has_not_moved(services, world):
    rec = _case(services, world)
    pair = (world.om.user_id, world.supervisor.user_id)
    visit_id = visits.book_visit(services, world.om, rec.offender_id, on=date(2026, 11, 27), time_band="evening",
                                 officer_ids=pair)
    caseload.open_record(services, world.om, rec.offender_id, caseload.AccessReason.CASE_MANAGEMENT,
                         "Rebooking the home visit")
    [booked] = visits.visit_defaults(services, world.om, rec.offender_id).bookings
    assert booked.visit_id == visit_id
    visits.rebook_visit(services, world.om, visit_id, booked.version_id, on=date(2026, 11, 30),
                        time_band="morning", officer_ids=pair)
    [moved] = visits.visit_defaults(services, world.om, rec.offender_id).bookings
    assert (moved.planned_on, moved.time_band) == (date(2026, 11, 30), "morning")
    with pytest.raises(ConcurrentEditError, match="This visit was changed by Olly Manager"):
        visits.rebook_visit(services, world.om, visit_id, booked.version_id, on=date(2026, 12, 1),
                            time_band="morning", officer_ids=pair)


def test_recording_a_booked_visit_checks_the_booking_as_read(services, world):
    rec = _case(services, world)
    pair = (world.om.user_id, world.supervisor.user_id)
    visit_id = visits.book_visit(services, world.om, rec.offender_id, on=date(2026, 11, 27), time_band="evening",
                                 officer_ids=pair)
    caseload.open_record(services, world.om, rec.offender_id, caseload.AccessReason.CASE_MANAGEMENT,
                         "Recording the booked home visit")
    [booked] = visits.visit_defaults(services, world.om, rec.offender_id).bookings
    at = datetime(2026, 11, 25, 9, tzinfo=UTC)  # earlier today: the visit happened before its slot

    def record(**booking):
        return visits.record_visit(services, world.om, visits.VisitInput(rec.offender_id, at, "seen",
                                                                         officer_ids=pair, **booking))

    with pytest.raises(ValidationFailed) as unversioned:
        record(planned_visit_id=visit_id)
    assert unversioned.value.for_field("planned_visit_id")
    visits.rebook_visit(services, world.supervisor, visit_id, booked.version_id, on=date(2026, 11, 28),
                        time_band="evening", officer_ids=pair)
    with pytest.raises(ConcurrentEditError, match="This visit was changed by Sam Supervisor"):
        record(planned_visit_id=visit_id, planned_visit_version=booked.version_id)
    [moved] = visits.visit_defaults(services, world.om, rec.offender_id).bookings
    result = record(planned_visit_id=visit_id, planned_visit_version=moved.version_id)
    assert result.visit_id == visit_id
    assert visits.visit_defaults(services, world.om, rec.offender_id).bookings == ()
    with pytest.raises(ValidationFailed) as recorded:  # recorded: no longer an open booking
        record(planned_visit_id=visit_id, planned_visit_version=result.version_id)
    assert recorded.value.for_field("planned_visit_id")


def test_a_warrant_decision_is_on_the_failed_visit_as_read(services, world):
    rec = _case(services, world)
    pair = (world.om.user_id, world.supervisor.user_id)
    for at, outcome in ((datetime(2026, 11, 20, 19, tzinfo=UTC), "no_answer"),
                        (datetime(2026, 11, 24, 19, tzinfo=UTC), "refused_entry")):
        result = visits.record_visit(services, world.om, visits.VisitInput(rec.offender_id, at, outcome,
                                                                           officer_ids=pair))
    assert result.warrant_prompt
    caseload.open_record(services, world.om, rec.offender_id, caseload.AccessReason.CASE_MANAGEMENT,
                         "Recording the warrant decision")
    shown = visits.visit_defaults(services, world.om, rec.offender_id)
    assert (shown.warrant_visit_id, shown.warrant_visit_version) == (result.visit_id, result.version_id)
    with unit_of_work(services, world.supervisor) as uow:  # someone else changes the visit meanwhile
        visit = uow.session.get(m.Visit, result.visit_id)
        visit.notes = "Neighbour says he moved out"
        uow.stamp_updated(visit)
    with pytest.raises(ConcurrentEditError, match="This visit was changed by Sam Supervisor"):
        visits.record_warrant_decision(services, world.om, result.visit_id, result.version_id,
                                       "Applying to the magistrates for a s.96B warrant; DI Example agreed")


def _change_services():
    for qualified, fn in service_functions():
        if not qualified.split(".")[1].startswith("_") and "version_id" in inspect.signature(fn).parameters:
            yield qualified, inspect.signature(fn).parameters["version_id"]


def test_every_change_service_needs_the_version_the_user_read():
    found = dict(_change_services())
    # The services that change a row the user has on screen (not the list: a floor).
    assert {"breaches.close_breach", "breaches.decide_no_crime", "caseload.correct_offender", "caseload.void_entry",
            "safeguarding.record_referral", "safeguarding.record_referral_decision", "supervision.sign_off",
            "users.change_user", "visits.rebook_visit", "visits.record_warrant_decision",
            "second_factor.reset_second_factor"} <= set(found)
    optional = [name for name, p in found.items()
                if p.default is not inspect.Parameter.empty or p.annotation not in ("int", int)]
    assert optional == []
