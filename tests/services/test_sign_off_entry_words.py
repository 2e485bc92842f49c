"""The entry behind a sign-off, field by field in the users' words (issue #13): the labels of
domain.entry_fields, and no copy kept as JSON for the machine."""

from datetime import date

from rso_manager.domain.entry_fields import FIELD_LABELS
from rso_manager.domain.notification_period import DisposalKind, Duration, SentenceTerm, TermRuns
from rso_manager.persistence import models as m
from rso_manager.services import caseload, supervision, visits
from rso_manager.services import notifications as nt
from rso_manager.services.caseload import OffenderDraft


def _offender(services, world) -> int:
    return caseload.create_offender(services, world.om, OffenderDraft(
        surname="Wordcase", forenames="Alpha", date_of_birth=date(1980, 1, 1),
        offender_manager_id=world.om.user_id, team_id=world.team_id)).offender_id


def _labels(services, world, entity, entity_id, oid) -> dict[str, object]:
    sent = supervision.request_entry_sign_off(services, world.om, entity, entity_id, oid, "Agree this entry?")
    return dict(supervision.sign_off_entry(services, world.supervisor, sent.sign_off_id).fields)


def test_a_visit_booking_is_labelled_as_officers_say_it(services, world):
    oid = _offender(services, world)
    visit_id = visits.book_visit(services, world.om, oid, on=date(2026, 11, 27), time_band="evening",
                                 officer_ids=(world.om.user_id,))
    fields = _labels(services, world, "visit", visit_id, oid)
    assert fields[FIELD_LABELS["window_earliest"]] is not None and fields["Planned for"] == date(2026, 11, 27)
    assert "Window earliest" not in fields
    assert all("_" not in label for label in fields)


def test_a_conviction_leaves_out_its_terms_kept_as_json(services, world):
    oid = _offender(services, world)
    conviction = nt.record_conviction(services, world.om, oid, nt.ConvictionInput(
        court="Northam Crown Court", convicted_on=date(2026, 11, 20), offence="Sexual assault (s.3)",
        disposal=DisposalKind.IMPRISONMENT, source="court_list",
        sentence_terms=(SentenceTerm(Duration(months=8)), SentenceTerm(Duration(months=4), TermRuns.CONSECUTIVE))))
    with services.session_factory() as s:
        assert s.get(m.Conviction, conviction.conviction_id).sentence_terms_json  # there to leave out
    fields = _labels(services, world, "conviction", conviction.conviction_id, oid)
    assert fields[FIELD_LABELS["offence"]] == "Sexual assault (s.3)"
    assert not [label for label in fields if "json" in label.lower()]
