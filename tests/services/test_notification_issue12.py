"""Issue 12, the notification and sentence items: back-dated notifications, a change of address
by either route, private acknowledgements in any name, the s.91A(2)(b) bar on review, and
sentences in years, months, weeks and days with consecutive and concurrent terms."""

import os
import stat
from datetime import UTC, date, datetime, timedelta
from io import BytesIO

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from rso_manager.domain.notification_period import DisposalKind, Duration, SentenceTerm, TermRuns
from rso_manager.persistence import models as m
from rso_manager.services import caseload, devices
from rso_manager.services import notifications as nt
from rso_manager.services.caseload import OffenderDraft
from rso_manager.services.errors import ValidationFailed
from tests.opening import open_case
from tests.services.test_notifications import _convict, _take  # one set of helpers

TODAY = date(2026, 11, 25)  # the FixedClock's default
NAME = ("Łukasz", "Ñúñez-Øberg")


def _offender(services, world, forenames="Alpha", surname="Testcase", dob=date(1980, 1, 1)):
    return caseload.create_offender(services, world.om, OffenderDraft(
        surname=surname, forenames=forenames, date_of_birth=dob,
        offender_manager_id=world.om.user_id, team_id=world.team_id))


def _requirement(services, world, oid) -> nt.RequirementView:
    open_case(services, world.om, oid)
    (req,) = nt.notifications_for(services, world.om, oid).requirements
    return req


# --- 3. the acknowledgement: private, and any name prints --------------------------------------


def test_acknowledgement_is_saved_owner_only_and_prints_a_non_latin_name(services, world, tmp_path):
    rec = _offender(services, world, *NAME)
    _convict(services, world, rec.offender_id, date(2026, 11, 24))
    taken = _take(services, world, rec.offender_id, "initial")
    path = nt.save_acknowledgement(services, world.om, taken.notification_ids[0], tmp_path / "acks")
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600  # OFFICIAL-SENSITIVE: its owner only
    assert stat.S_IMODE(os.stat(path.parent).st_mode) == 0o700
    text = PdfReader(BytesIO(path.read_bytes())).pages[0].extract_text()
    assert "Łukasz" in text and "ÑÚÑEZ-ØBERG" in text
    assert text.count("OFFICIAL-SENSITIVE") == 2 and "Page 1 of 1" in text


# --- 4. no review of indefinite notification while an SHPO (or older order) has effect ---------


def _indefinite(services, world):
    rec = _offender(services, world)
    conv = _convict(services, world, rec.offender_id, date(2026, 11, 2), sentence_months=36)
    assert conv.requirement.indefinite and conv.requirement.review_eligible_on == date(2041, 11, 2)
    return rec


@pytest.mark.parametrize("kind", ["SHPO", "SOPO"])
def test_no_review_is_offered_while_an_indefinite_order_has_effect(services, world, kind):
    rec = _indefinite(services, world)
    devices.record_order(services, world.om, rec.offender_id, devices.OrderInput(
        kind=kind, court="Northam Crown Court", made_on=date(2026, 11, 2), indefinite=True))
    req = _requirement(services, world, rec.offender_id)
    assert req.review_eligible_on is None and req.review_barred_by == kind
    assert "s.91A(2)(b)" in req.review_note and "review may be applied" not in req.summary
    (conv,) = nt.convictions_for(services, world.om, rec.offender_id)
    assert conv.requirement.review_eligible_on is None


def test_an_order_outlasting_the_qualifying_date_moves_the_review_to_the_day_after_it_ends(services, world):
    rec = _indefinite(services, world)
    devices.record_order(services, world.om, rec.offender_id, devices.OrderInput(
        kind="SHPO", made_on=date(2026, 11, 2), ends_on=date(2044, 3, 31)))
    req = _requirement(services, world, rec.offender_id)
    assert (req.review_eligible_on, req.review_barred_by) == (date(2044, 4, 1), "SHPO")


def test_a_sexual_risk_order_does_not_bar_a_review(services, world):
    rec = _indefinite(services, world)
    devices.record_order(services, world.om, rec.offender_id, devices.OrderInput(
        kind="SRO", made_on=date(2026, 11, 2), indefinite=True))
    req = _requirement(services, world, rec.offender_id)
    assert (req.review_eligible_on, req.review_barred_by) == (date(2041, 11, 2), None)


# --- 1. a notification dated when it was actually made -------------------------------------------


def test_a_notification_typed_in_later_is_judged_on_the_day_it_was_made(services, world):
    rec = _offender(services, world)
    _convict(services, world, rec.offender_id, date(2026, 11, 1))
    _take(services, world, rec.offender_id, "initial", notified_at=datetime(2026, 11, 2, 11, tzinfo=UTC))
    nt.record_event(services, world.om, rec.offender_id, "change_address", date(2026, 11, 15),
                    {"line1": "1 New Street", "town": "Northam"})
    made = datetime(2026, 11, 17, 16, 30, tzinfo=UTC)  # due by 17/11; typed in on 25/11
    taken = _take(services, world, rec.offender_id, "change_address", notified_at=made)
    assert not taken.late and taken.breach_ids == () and taken.notified_at == made
    with services.session_factory() as s:
        row = s.get(m.StatutoryNotification, taken.notification_ids[0])
        assert row.notified_at == made and not row.late
        audit = s.scalar(select(m.AuditEvent).where(m.AuditEvent.action == "notification.take",
                                                    m.AuditEvent.entity_id == row.id))
        assert '"entered_later": true' in audit.details_json


def test_the_notification_time_cannot_be_in_the_future_or_before_the_event(services, world, clock):
    rec = _offender(services, world)
    _convict(services, world, rec.offender_id, date(2026, 11, 24))
    later_today = clock.now() + timedelta(hours=2)  # still 25/11: a date check alone lets it through
    with pytest.raises(ValidationFailed) as err:
        _take(services, world, rec.offender_id, "initial", notified_at=later_today)
    assert "future" in err.value.for_field("notified_at")
    with pytest.raises(ValidationFailed) as err:
        _take(services, world, rec.offender_id, "initial", notified_at=datetime(2026, 11, 23, 12, tzinfo=UTC))
    assert "before" in err.value.for_field("notified_at") and "24/11/2026" in err.value.for_field("notified_at")
    with pytest.raises(ValidationFailed) as err:
        _take(services, world, rec.offender_id, "initial", notified_at=datetime(2026, 11, 24, 12))
    assert err.value.for_field("notified_at")  # a time without its zone
    open_case(services, world.om, rec.offender_id)
    assert [p.kind for p in nt.notifications_for(services, world.om, rec.offender_id).pending] == ["initial"]


def test_lateness_is_judged_on_the_london_date_of_the_notification(services, world, clock):
    clock.current = datetime(2026, 7, 20, 10, tzinfo=UTC)
    rec = _offender(services, world)
    _convict(services, world, rec.offender_id, date(2026, 7, 15))  # initial due by 17/07
    taken = _take(services, world, rec.offender_id, "initial",
                  notified_at=datetime(2026, 7, 17, 23, 30, tzinfo=UTC))  # 00:30 on 18/07 in London
    assert taken.late and taken.breach_ids


# --- 2. a change of address by the "not listed" route moves the home as the event route does -----


def _homes(services, oid):
    with services.session_factory() as s:
        return [(a.kind, a.line1, a.from_date, a.to_date, a.notified) for a in s.scalars(
            select(m.Address).where(m.Address.offender_id == oid).order_by(m.Address.id))]


def _triggers(services, oid):
    with services.session_factory() as s:
        return [(t.kind, t.occurred_on) for t in s.scalars(
            select(m.VisitTrigger).where(m.VisitTrigger.offender_id == oid).order_by(m.VisitTrigger.id))]


def test_a_change_of_address_first_heard_of_at_the_station_records_the_new_home(services, world):
    rec = _offender(services, world)
    oid = rec.offender_id
    _convict(services, world, oid, date(2026, 11, 1))
    _take(services, world, oid, "initial", notified_at=datetime(2026, 11, 2, 11, tzinfo=UTC))
    nt.record_event(services, world.om, oid, "change_address", date(2026, 11, 10),
                    {"line1": "1 New Street", "town": "Northam"})
    _take(services, world, oid, "change_address", notified_at=datetime(2026, 11, 11, 11, tzinfo=UTC))
    with pytest.raises(ValidationFailed) as err:  # the route needs what the event route needs
        _take(services, world, oid, "change_address", event_on=date(2026, 11, 23))
    assert "address" in err.value.for_field("line1")
    taken = _take(services, world, oid, "change_address", event_on=date(2026, 11, 23),
                  new_home=nt.NewHome("7 Low Street", "Northam", "nm3 3aa"))
    assert not taken.late
    assert _homes(services, oid) == [
        ("home", "1 New Street", date(2026, 11, 10), date(2026, 11, 23), True),
        ("home", "7 Low Street", date(2026, 11, 23), None, True),  # notified as it was taken
    ]
    assert _triggers(services, oid) == [("change_of_address", date(2026, 11, 10)),
                                        ("change_of_address", date(2026, 11, 23))]
    with services.session_factory() as s:
        assert s.scalar(select(m.Address.postcode).where(m.Address.line1 == "7 Low Street")) == "NM3 3AA"


def test_the_event_route_also_needs_the_new_address(services, world):
    rec = _offender(services, world)
    with pytest.raises(ValidationFailed) as err:
        nt.record_event(services, world.om, rec.offender_id, "change_address", date(2026, 11, 20), {})
    assert err.value.for_field("line1")
    assert _homes(services, rec.offender_id) == [] and _triggers(services, rec.offender_id) == []


# --- 5. sentences in years, months, weeks and days, several terms counted as one -----------------


def _term(months=0, days=0, weeks=0, runs=TermRuns.CONSECUTIVE, overlap=None) -> SentenceTerm:
    return SentenceTerm(Duration(0, months, weeks, days), runs, overlap or Duration())


def test_six_months_and_one_day_is_more_than_six_months(services, world):
    rec = _offender(services, world)
    conv = _convict(services, world, rec.offender_id, date(2026, 11, 24), sentence_months=None,
                    sentence_terms=(_term(months=6, days=1),))
    assert conv.requirement.ends_on == date(2036, 11, 23)  # 10 years, not 7
    assert conv.sentence_terms == (_term(months=6, days=1),) and conv.sentence_text == "6 months 1 day"
    assert conv.sentence_months is None  # not a whole number of months
    with services.session_factory() as s:
        assert s.get(m.Conviction, conv.conviction_id).sentence_terms_json


def test_consecutive_terms_entered_at_sentence_make_the_requirement_indefinite(services, world):
    rec = _offender(services, world)
    conv = _convict(services, world, rec.offender_id, date(2026, 11, 2), disposal=None, sentence_months=None,
                    threshold_depends_on_sentence=True)
    with pytest.raises(ValidationFailed) as err:
        nt.enter_sentence(services, world.om, conv.conviction_id, conv.version_id, DisposalKind.IMPRISONMENT,
                          None, None, "Sentence from the Crown Court result", sentenced_on=date(2026, 11, 24))
    assert "years, months, weeks and days" in err.value.for_field("sentence_terms")
    terms = (_term(months=15), _term(weeks=65, runs=TermRuns.CONSECUTIVE),
             _term(months=2, runs=TermRuns.CONCURRENT))
    done = nt.enter_sentence(services, world.om, conv.conviction_id, conv.version_id, DisposalKind.IMPRISONMENT,
                             None, None, "Sentence from the Crown Court result", sentenced_on=date(2026, 11, 24),
                             sentence_terms=terms)
    assert done.requirement.indefinite  # 15 months + 65 weeks: over 30 months
    assert "counted as one term of 2 years 6 months" in done.sentence_text
    assert "s.82(3)-(4)" in done.requirement.basis


def test_a_partly_concurrent_term_overlapping_the_whole_term_before_is_refused(services, world):
    rec = _offender(services, world)
    with pytest.raises(ValidationFailed) as err:
        _convict(services, world, rec.offender_id, date(2026, 11, 24), sentence_months=None, sentence_terms=(
            _term(months=6), _term(months=8, runs=TermRuns.PARTLY_CONCURRENT, overlap=Duration(months=6))))
    assert "concurrent" in err.value.for_field("sentence_terms")
    with pytest.raises(ValidationFailed) as err:
        _convict(services, world, rec.offender_id, date(2026, 11, 24), sentence_months=None, sentence_terms=(
            _term(months=6), _term(months=8, runs=TermRuns.PARTLY_CONCURRENT)))
    assert "overlaps" in err.value.for_field("sentence_terms[1].overlap")


def test_a_sentence_in_whole_months_from_before_the_terms_still_reads(services, world):
    rec = _offender(services, world)
    conv = _convict(services, world, rec.offender_id, date(2026, 11, 24), sentence_months=8)
    with services.session_factory.begin() as s:  # as 0005 leaves a row written before it
        s.get(m.Conviction, conv.conviction_id).sentence_terms_json = None
    open_case(services, world.om, rec.offender_id)
    (old,) = nt.convictions_for(services, world.om, rec.offender_id)
    assert old.sentence_months == 8 and old.sentence_terms == (_term(months=8),)
    assert old.sentence_text == "8 months" and old.requirement.ends_on == date(2036, 11, 23)
