"""Bad text and values are refused with a field message on both backends, before anything is
written: the services call no check of their own (rso_manager/persistence/input_guard.py)."""

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import StatementError

from rso_manager.persistence import audit_chain
from rso_manager.persistence import models as m
from rso_manager.persistence.input_guard import InputRefused
from rso_manager.persistence.types import NaiveDatetimeError
from rso_manager.services import caseload, visits
from rso_manager.services.caseload import OffenderDraft
from rso_manager.services.errors import ValidationFailed


def _draft(world, **kw):
    base = dict(surname="Guardcase", forenames="Alpha", date_of_birth=date(1980, 1, 1),
                offender_manager_id=world.om.user_id, team_id=world.team_id)
    return OffenderDraft(**(base | kw))


def _counts(services):
    with services.session_factory() as s:
        return s.scalar(select(func.count()).select_from(m.Offender)), audit_chain.verify(s).rows


def _refused(services, call, field):
    """CALL is refused on FIELD, nothing is written, and the database takes the next write."""
    before = _counts(services)
    with pytest.raises(ValidationFailed) as caught:
        call()
    assert _counts(services) == before
    message = caught.value.for_field(field)
    assert message, caught.value.problems
    return message


@pytest.mark.parametrize("surname, expected", [
    ("Smi\x00th", "Remove the control character (U+0000, NUL) at position 4."),
    ("Smith\x07", "Remove the control character (U+0007) at position 6."),
    ("Smith\nJones", "Remove the line break at position 6: this field takes one line of text."),
    ("Smi\ud800th", "Remove the invalid character (U+D800) at position 4: it is not valid Unicode text."),
    ("x" * 10_000_000, "Shorten to at most 80 characters (this has 10,000,000)."),
])
def test_a_bad_surname_is_refused_with_the_fix(services, world, surname, expected):
    message = _refused(services, lambda: caseload.create_offender(
        services, world.om, _draft(world, surname=surname)), "surname")
    assert message == expected
    assert caseload.create_offender(services, world.om, _draft(world)).offender_id


def test_free_text_keeps_line_breaks_and_tabs_but_not_nul_or_ten_megabytes(services, world):
    marks = "Tattoo left forearm:\n\tanchor\r\n\tswallow"
    rec = caseload.create_offender(services, world.om, _draft(world, identifying_marks=marks))
    assert rec.details.identifying_marks == marks
    assert _refused(services, lambda: caseload.create_offender(
        services, world.om, _draft(world, identifying_marks="scar\x00")), "identifying_marks") \
        == "Remove the control character (U+0000, NUL) at position 5."
    assert "at most 100,000 characters" in _refused(services, lambda: caseload.create_offender(
        services, world.om, _draft(world, identifying_marks="y" * 10_000_000)), "identifying_marks")


def test_a_correction_with_a_nul_leaves_the_record_as_it_was(services, world):
    rec = caseload.create_offender(services, world.om, _draft(world))
    assert "U+0000" in _refused(services, lambda: caseload.correct_offender(
        services, world.om, rec.offender_id, rec.version_id, _draft(world, forenames="Al\x00pha"),
        "forename was misspelt"), "forenames")
    again = caseload.reload_record(services, world.om, rec.offender_id)
    assert (again.details.forenames, again.version_id) == ("Alpha", rec.version_id)


def test_a_reference_to_no_row_is_named_not_an_integrity_error(services, world):
    message = _refused(services, lambda: caseload.create_offender(
        services, world.lead, _draft(world, offender_manager_id=987654)), "offender_manager_id")
    assert message == "There is no user 987654: choose an existing one."
    assert "There is no team 55555" in _refused(services, lambda: caseload.create_offender(
        services, world.lead, _draft(world, team_id=55555)), "team_id")


def test_a_number_past_the_column_is_refused_on_both_backends(services, world):
    message = _refused(services, lambda: caseload.create_offender(
        services, world.lead, _draft(world, team_id=2**40)), "team_id")
    assert message == "Enter a whole number from -2,147,483,648 to 2,147,483,647."


def test_a_naive_datetime_is_refused(services, world):
    rec = caseload.create_offender(services, world.om, _draft(world))
    naive = datetime(2026, 11, 20, 18, 0)
    message = _refused(services, lambda: visits.record_visit(services, world.om, visits.VisitInput(
        rec.offender_id, naive, "seen", officer_ids=(world.om.user_id, world.supervisor.user_id))),
        "visited_at")
    assert "time zone" in message
    visits.record_visit(services, world.om, visits.VisitInput(
        rec.offender_id, naive.replace(tzinfo=UTC), "seen",
        officer_ids=(world.om.user_id, world.supervisor.user_id)))


def test_writes_outside_a_unit_of_work_are_refused_too(services, world):
    """Any flush through the app's session factory, not just the services'."""
    with services.session_factory() as s:
        s.add(m.Team(name="Bad\x00team", created_at=datetime.now(UTC)))
        with pytest.raises(InputRefused, match="name: Remove the control character"):
            s.flush()


def test_core_statements_refuse_a_naive_datetime_in_the_column_type(services):
    with services.session_factory() as s, pytest.raises(StatementError) as caught:
        s.execute(m.Team.__table__.insert().values(name="Core", created_at=datetime(2026, 1, 1)))
    assert isinstance(caught.value.orig, NaiveDatetimeError)
    assert "2026-01-01T00:00:00 has no time zone" in str(caught.value.orig)
