from datetime import date, timedelta
from io import BytesIO

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from rso_manager.domain.notification_period import DisposalKind
from rso_manager.persistence import models as m
from rso_manager.services import caseload
from rso_manager.services import notifications as nt
from rso_manager.services.caseload import OffenderDraft
from rso_manager.services.errors import PermissionDenied, ValidationFailed
from tests.opening import open_case

TODAY = date(2026, 11, 25)  # the FixedClock's default


def _offender(services, world, dob=date(1980, 1, 1)) -> caseload.OffenderRecord:
    return caseload.create_offender(services, world.om, OffenderDraft(
        surname="Testcase", forenames="Alpha", date_of_birth=dob,
        offender_manager_id=world.om.user_id, team_id=world.team_id))


def _convict(services, world, oid, convicted_on, **kw) -> nt.ConvictionView:
    data = dict(court="Northam Crown Court", convicted_on=convicted_on, offence="Sexual assault (s.3)",
                disposal=DisposalKind.IMPRISONMENT, sentence_months=12, source="court_list")
    data.update(kw)
    return nt.record_conviction(services, world.om, oid, nt.ConvictionInput(**data))


def _station(services, code="NTH-01") -> int:
    return next(s.station_id for s in nt.list_stations(services) if s.code == code)


def _take(services, world, oid, kind, **kw) -> nt.TakenNotification:
    data = dict(kind=kind, station_id=_station(services), method=nt.IN_PERSON, in_person=True,
                fingerprints_taken=True, photographs_taken=True)
    data.update(kw)
    return nt.take_notification(services, world.om, oid, nt.NotificationInput(**data))


def _pending(services, world, oid, kind):
    open_case(services, world.om, oid)
    view = nt.notifications_for(services, world.om, oid)
    return [p for p in view.pending if p.kind == kind]


def test_conviction_creates_requirement_and_initial_due_relevant_date_plus_2(services, world):
    rec = _offender(services, world)
    conv = _convict(services, world, rec.offender_id, date(2026, 11, 24))
    assert conv.age_at_conviction == 46
    assert conv.requirement.ends_on == date(2036, 11, 23)  # 10 years beginning with the relevant date
    assert not conv.requirement.indefinite and not conv.requirement.depends_on_sentence
    assert conv.initial_due_on == date(2026, 11, 26)
    assert caseload.reload_record(services, world.om, rec.offender_id).next_notification_due == date(2026, 11, 26)


def test_custody_at_the_relevant_date_pushes_initial_due_after_release(services, world):
    rec = _offender(services, world)
    _convict(services, world, rec.offender_id, date(2026, 10, 1), sentence_months=8)
    assert _pending(services, world, rec.offender_id, "initial")[0].due_on == date(2026, 10, 3)
    period = nt.record_disregarded_period(services, world.om, rec.offender_id, "custody",
                                          date(2026, 10, 1), date(2026, 11, 20))
    assert _pending(services, world, rec.offender_id, "initial")[0].due_on == date(2026, 11, 23)
    release = _pending(services, world, rec.offender_id, "release")
    assert [r.notification_id for r in release] == [period.release_notification_id]
    assert release[0].due_on == date(2026, 11, 23)
    with services.session_factory() as s:
        assert s.scalar(select(m.VisitTrigger.kind).where(m.VisitTrigger.offender_id == rec.offender_id)) \
            == "release_from_custody"


def test_open_custody_pauses_the_clock_until_release(services, world):
    rec = _offender(services, world)
    _convict(services, world, rec.offender_id, date(2026, 11, 24))
    period = nt.record_disregarded_period(services, world.om, rec.offender_id, "custody", date(2026, 11, 24))
    pending = _pending(services, world, rec.offender_id, "initial")[0]
    assert pending.due_on is None and pending.status == "paused"
    nt.end_disregarded_period(services, world.om, period.period_id, period.version_id, date(2026, 11, 25))
    assert _pending(services, world, rec.offender_id, "initial")[0].due_on == date(2026, 11, 28)


def test_threshold_offence_depends_on_sentence_until_entered(services, world):
    rec = _offender(services, world)
    conv = _convict(services, world, rec.offender_id, date(2026, 11, 2), disposal=None, sentence_months=None,
                    threshold_depends_on_sentence=True)
    assert conv.requirement.depends_on_sentence
    assert "depends on the sentence" in conv.requirement.basis
    assert conv.requirement.summary == "Depends on sentence"
    assert conv.initial_notification_id is None
    done = nt.enter_sentence(services, world.om, conv.conviction_id, conv.version_id, DisposalKind.IMPRISONMENT,
                             36, None, "Sentence from the Crown Court result", sentenced_on=date(2026, 11, 24))
    assert done.requirement.indefinite and not done.requirement.depends_on_sentence
    assert done.requirement.review_eligible_on == date(2041, 11, 2)  # s.91B(2): 15 years, day after
    assert done.initial_due_on == date(2026, 11, 26)
    revised = {r.entity for r in caseload.reload_record(services, world.om, rec.offender_id).revisions}
    assert revised == {"conviction", "notification_requirement"}  # the old values are kept


def test_late_change_of_address_opens_a_breach(services, world):
    rec = _offender(services, world)
    _convict(services, world, rec.offender_id, date(2026, 11, 24))
    first = _take(services, world, rec.offender_id, "initial")
    assert not first.late and first.breach_id is None
    event = nt.record_event(services, world.om, rec.offender_id, "change_address", date(2026, 11, 15),
                            {"line1": "1 New Street", "town": "Northam", "postcode": "nm1 1aa"})
    assert event.notification.due_on == date(2026, 11, 17) and event.notification.overdue
    taken = _take(services, world, rec.offender_id, "change_address")
    assert taken.late and taken.breach_id is not None
    with services.session_factory() as s:
        breach = s.get(m.Breach, taken.breach_id)
        assert (breach.source, breach.notification_id, breach.occurred_on) == \
            ("late_notification", taken.notification_ids[0], date(2026, 11, 18))
        assert breach.duty == "change_notification"  # shown as "Notifying a change (SOA 2003 s.84)"
        assert s.get(m.Address, event.address_id).notified
    assert caseload.reload_record(services, world.om, rec.offender_id).sections["breaches"]


@pytest.mark.parametrize("method", ["home_visit", "telephone"])
def test_notification_at_home_or_by_phone_is_refused_with_s87_message(services, world, method):
    rec = _offender(services, world)
    _convict(services, world, rec.offender_id, date(2026, 11, 24))
    with pytest.raises(ValidationFailed) as err:
        _take(services, world, rec.offender_id, "initial", method=method)
    message = err.value.for_field("method")
    assert "s.87" in message and "Northam Central Police Station" in message
    assert "Fellgate" not in message  # not designated
    assert _pending(services, world, rec.offender_id, "initial")  # still waiting
    with services.session_factory() as s:
        assert s.scalar(select(m.AuditEvent.outcome).where(m.AuditEvent.action == "notification.refuse")) == "refused"


def test_non_designated_station_is_refused(services, world):
    rec = _offender(services, world)
    _convict(services, world, rec.offender_id, date(2026, 11, 24))
    with pytest.raises(ValidationFailed) as err:
        _take(services, world, rec.offender_id, "initial", station_id=_station(services, "NTH-05"))
    assert "designated" in err.value.for_field("station_id")


def test_biometrics_must_be_answered_and_refusal_opens_a_breach(services, world):
    rec = _offender(services, world)
    _convict(services, world, rec.offender_id, date(2026, 11, 24))
    with pytest.raises(ValidationFailed) as err:
        _take(services, world, rec.offender_id, "initial", fingerprints_taken=None)
    assert err.value.for_field("fingerprints_taken")
    taken = _take(services, world, rec.offender_id, "initial", fingerprints_taken=False, refused_biometrics=True)
    with services.session_factory() as s:
        assert s.get(m.Breach, taken.breach_id).source == "refused_biometrics"


def test_taking_periodic_resets_the_annual_due(services, world, clock):
    rec = _offender(services, world)
    _convict(services, world, rec.offender_id, date(2026, 11, 24))
    taken = _take(services, world, rec.offender_id, "initial", details={"bank": "Northam Bank 12345678"})
    assert taken.next_due_on == date(2027, 11, 25)
    assert _pending(services, world, rec.offender_id, "periodic")[0].due_on == date(2027, 11, 25)
    clock.advance(days=200)
    again = _take(services, world, rec.offender_id, "periodic")
    assert not again.late
    periodic = _pending(services, world, rec.offender_id, "periodic")
    assert [p.due_on for p in periodic] == [date(2028, 6, 13)]  # one year after 13/06/2027


def test_seven_days_at_one_unnotified_address_within_12_months_flags(services, world):
    rec = _offender(services, world)
    old = nt.record_stay(services, world.om, rec.offender_id, date(2025, 10, 1), date(2025, 10, 3),
                         line1="4 Other Road", town="Eastmoor")
    aid = old.address_id
    second = nt.record_stay(services, world.om, rec.offender_id, date(2026, 11, 1), date(2026, 11, 4), address_id=aid)
    assert not second.flagged and second.days_in_last_12_months == 4  # the 2025 days are too long ago
    third = nt.record_stay(services, world.om, rec.offender_id, date(2026, 11, 20), date(2026, 11, 22), address_id=aid)
    assert third.flagged and third.days_in_last_12_months == 7
    assert third.reached_on == date(2026, 11, 22) and third.due_on == date(2026, 11, 24)
    view = nt.notifications_for(services, world.om, rec.offender_id)
    assert [(c.address_id, c.days_in_last_12_months, c.flagged) for c in view.stays] == [(aid, 7, True)]
    assert [p.notification_id for p in view.pending if p.kind == "change_premises"] == [third.notification_id]


def test_household_stay_with_a_child_opens_a_safeguarding_task(services, world):
    rec = _offender(services, world)
    with pytest.raises(ValidationFailed) as err:
        nt.record_event(services, world.om, rec.offender_id, "household", date(2026, 11, 24),
                        {"hours": 6, "child_under_18": True, "address": "9 Park Lane"})
    assert err.value.for_field("hours")
    event = nt.record_event(services, world.om, rec.offender_id, "household", date(2026, 11, 24),
                            {"hours": 14, "child_under_18": True, "address": "9 Park Lane"})
    assert event.notification.kind == "household" and event.notification.due_on == date(2026, 11, 26)
    with services.session_factory() as s:
        ref = s.get(m.SafeguardingReferral, event.referral_id)
        assert ref.referred_at is None and "9 Park Lane" in ref.concern and ref.concern_at is not None
        assert (ref.concern_origin, ref.origin_entity, ref.origin_id) == \
            ("household", "statutory_notification", event.notification.notification_id)
        assert ref.referral_due_at is not None
        # The stay opens the whole response: an s.327A consideration and a check on the child.
        assert s.scalar(select(m.Disclosure.route).where(m.Disclosure.referral_id == ref.id)) == "s327a"
        assert s.scalar(select(m.ChildSafetyCheck.id).where(m.ChildSafetyCheck.referral_id == ref.id))
        actions = s.scalars(select(m.AuditEvent.action).where(m.AuditEvent.entity == "safeguarding_referral",
                                                              m.AuditEvent.entity_id == ref.id)).all()
        assert actions == ["safeguarding.concern"]


def test_travel_is_due_seven_days_before_departure(services, world):
    rec = _offender(services, world)
    event = nt.record_event(services, world.om, rec.offender_id, "travel", date(2026, 12, 20),
                            {"destination": "Spain"})
    assert event.notification.due_on == date(2026, 12, 13)


def test_overdue_is_flagged_the_day_after_due(services, world, clock):
    rec = _offender(services, world)
    _convict(services, world, rec.offender_id, TODAY)
    due = nt.overdue_and_due(services, world.om)
    assert [(d.offender_id, d.kind, d.due_on, d.overdue) for d in due] == \
        [(rec.offender_id, "initial", date(2026, 11, 27), False)]
    clock.advance(days=2)  # the due date itself is allowed
    assert not nt.overdue_and_due(services, world.om)[0].overdue
    clock.advance(days=1)
    late = nt.overdue_and_due(services, world.om)[0]
    assert late.overdue and late.days_overdue == 1
    assert "Notification overdue" in caseload.list_caseload(services, world.om, caseload.CaseloadScope.MINE)[0].flags
    assert nt.overdue_and_due(services, world.om2) == []  # not in om2's caseload


def test_acknowledgement_pdf_is_marked_and_printing_is_audited(services, world):
    rec = _offender(services, world)
    _convict(services, world, rec.offender_id, date(2026, 11, 24))
    taken = _take(services, world, rec.offender_id, "initial")
    pdf = nt.print_acknowledgement(services, world.om, taken.notification_ids[0])
    reader = PdfReader(BytesIO(pdf))
    text = reader.pages[0].extract_text()
    assert len(reader.pages) == 1
    assert text.count("OFFICIAL-SENSITIVE") == 2
    assert rec.reference in text and "Page 1 of 1" in text and "Olly Manager" in text
    assert "Northam Central Police Station" in text and "87(3)" in text
    with services.session_factory() as s:
        row = s.scalar(select(m.AuditEvent).where(m.AuditEvent.action == "export.print"))
        assert row.entity_id == taken.notification_ids[0] and "recipient" in row.details_json


def test_stations_are_kept_by_the_administrator(services, world):
    with pytest.raises(PermissionDenied):
        nt.save_station(services, world.om, "NTH-09", "Somewhere", True)
    saved = nt.save_station(services, world.admin, "NTH-05", "Fellgate Police Station", True)
    assert saved.designated and any(s.code == "NTH-05" and s.designated for s in nt.list_stations(services))


def test_untrained_user_is_refused(services, world):
    rec = _offender(services, world)
    with pytest.raises(PermissionDenied, match="trained"):
        nt.record_conviction(services, world.untrained, rec.offender_id, nt.ConvictionInput(
            convicted_on=date(2026, 11, 24), offence="x", source="court_list"))
    with pytest.raises(PermissionDenied):
        nt.take_notification(services, world.untrained, rec.offender_id, nt.NotificationInput(
            "initial", _station(services), nt.IN_PERSON, True, True, True))


def test_future_conviction_date_names_the_field(services, world):
    rec = _offender(services, world)
    with pytest.raises(ValidationFailed) as err:
        _convict(services, world, rec.offender_id, TODAY + timedelta(days=1))
    assert "future" in err.value.for_field("convicted_on")


def test_no_fixed_abode_notifies_weekly_instead_of_annually(services, world):
    rec = _offender(services, world)
    _convict(services, world, rec.offender_id, date(2026, 11, 24))
    _take(services, world, rec.offender_id, "initial")
    event = nt.record_event(services, world.om, rec.offender_id, "no_fixed_abode", TODAY)
    assert event.notification.kind == "change_address" and event.notification.due_on == date(2026, 11, 27)
    _take(services, world, rec.offender_id, "change_address")
    view = nt.notifications_for(services, world.om, rec.offender_id)
    assert [(p.kind, p.due_on) for p in view.pending] == [("weekly", date(2026, 12, 2))]  # overdue on day 8
