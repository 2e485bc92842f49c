"""The court watch (issue 18): people charged, their hearings and outcomes, the conviction that
makes them a registered case, the reminders of hearings with no outcome, and court lists."""

from datetime import date

import pytest
from sqlalchemy import func, select

from rso_manager import reminders
from rso_manager.domain import court_watch as cw
from rso_manager.domain.dates import within_months_beginning_with
from rso_manager.persistence import models as m
from rso_manager.services import caseload, court_watch, devices, notifications
from rso_manager.services.court_watch.court_list import (
    Confirmed,
    apply_court_list,
    match_court_list,
)
from rso_manager.services.errors import (
    ConcurrentEditError,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)

TODAY = date(2026, 11, 25)  # the test clock's day, a Wednesday


def _charge(services, actor, *, surname="Fictional", forenames="Testy Example", dob=date(1985, 3, 14),
            pnc="85/123456X", charged_on=date(2026, 11, 2), custody="bail", threshold=False, hearing=TODAY, **kw):
    return court_watch.record_charged_person(services, actor, court_watch.ChargeInput(
        surname=surname, forenames=forenames, date_of_birth=dob, pnc_id=pnc, charged_on=charged_on,
        court="Northmoor Crown Court", custody=custody, officer_in_case="DC Example Officer",
        offences=(court_watch.OffenceInput("Sexual assault (SOA 2003 s.3)", True, threshold),),
        first_hearing_on=hearing, **kw))


def _count(services, model):
    with services.session_factory() as s:
        return s.scalar(select(func.count()).select_from(model))


def test_conviction_creates_the_case_with_the_initial_notification_due_and_sentence_sets_the_period(services, world):
    cp = _charge(services, world.om)
    assert (cp.status, cp.team_id, cp.watcher_id, cp.pnc_id) == ("pending", world.team_id, world.om.user_id, "85/123456X")
    [hearing] = cp.hearings
    result = court_watch.record_outcome(services, world.om, hearing.hearing_id, hearing.version_id,
                                        court_watch.OutcomeInput(outcome="convicted"))
    assert result.person.status == "convicted" and result.offender_id is not None
    # s.83(1): within 3 days beginning with the conviction (Wednesday): by Friday.
    assert result.initial_due_on == date(2026, 11, 27)
    [conviction] = notifications.convictions_for(services, world.om, result.offender_id)
    assert (conviction.source, conviction.learned_on, conviction.convicted_on) == ("court_list", TODAY, TODAY)
    assert conviction.initial_due_on == date(2026, 11, 27)
    with services.session_factory() as s:
        o = s.get(m.Offender, result.offender_id)
        assert (o.surname, o.pnc_id, o.team_id, o.offender_manager_id) == ("Fictional", "85/123456X", world.team_id,
                                                                           world.om.user_id)
        assert o.next_notification_due == date(2026, 11, 27)

    # The sentence hearing: 12 months' imprisonment is more than 6 and less than 30: 10 years (s.82).
    after = court_watch.add_hearing(services, world.om, cp.charged_person_id,
                                    court_watch.HearingInput(TODAY, None, "Sentence"))
    sentence = next(h for h in after.hearings if h.outcome is None)
    court_watch.record_outcome(services, world.om, sentence.hearing_id, sentence.version_id, court_watch.OutcomeInput(
        outcome="sentenced", disposal="imprisonment", sentence_months=12))
    [conviction] = notifications.convictions_for(services, world.om, result.offender_id)
    assert conviction.disposal == "imprisonment" and conviction.requirement is not None
    assert not conviction.requirement.indefinite
    assert conviction.requirement.ends_on == within_months_beginning_with(TODAY, 120)


def test_remanded_in_custody_the_clock_runs_from_release(services, world):
    cp = _charge(services, world.om, custody="remand", surname="Remandson")
    [h] = cp.hearings
    result = court_watch.record_outcome(services, world.om, h.hearing_id, h.version_id,
                                        court_watch.OutcomeInput(outcome="convicted"))
    assert result.initial_due_on is None and "release" in result.message


def test_a_threshold_offence_waits_for_the_sentence(services, world):
    cp = _charge(services, world.om, threshold=True, surname="Thresholdson")
    [h] = cp.hearings
    result = court_watch.record_outcome(services, world.om, h.hearing_id, h.version_id,
                                        court_watch.OutcomeInput(outcome="convicted"))
    [conviction] = notifications.convictions_for(services, world.om, result.offender_id)
    assert conviction.initial_due_on is None and conviction.requirement.depends_on_sentence


def test_conviction_before_the_charge_is_refused_with_a_field_message_and_nothing_saved(services, world):
    cp = _charge(services, world.om)
    [h] = cp.hearings
    offenders = _count(services, m.Offender)
    with pytest.raises(ValidationFailed) as caught:
        court_watch.record_outcome(services, world.om, h.hearing_id, h.version_id,
                                   court_watch.OutcomeInput(outcome="convicted", convicted_on=date(2026, 10, 1)))
    assert "before the charge" in caught.value.for_field("convicted_on")
    assert _count(services, m.Offender) == offenders
    assert court_watch.charged_person(services, world.om, cp.charged_person_id).status == "pending"


def test_a_new_hearing_in_the_past_needs_its_outcome(services, world):
    cp = _charge(services, world.om, hearing=None)
    with pytest.raises(ValidationFailed) as caught:
        court_watch.add_hearing(services, world.om, cp.charged_person_id,
                                court_watch.HearingInput(date(2026, 11, 20), None, "Plea"))
    assert "has passed" in caught.value.for_field("hearing_on")
    with pytest.raises(ValidationFailed) as caught:
        _charge(services, world.om, surname="Pastlisting", hearing=date(2026, 11, 20))
    assert caught.value.for_field("hearing_on")
    # With its outcome at once it is accepted: an adjournment lists the next hearing.
    view = court_watch.add_hearing(services, world.om, cp.charged_person_id,
                                   court_watch.HearingInput(date(2026, 11, 20), None, "Plea"),
                                   court_watch.OutcomeInput(outcome="adjourned", next_hearing_on=date(2026, 12, 7)))
    assert [(h.hearing_on, h.outcome) for h in view.hearings] == [(date(2026, 11, 20), "adjourned"),
                                                                  (date(2026, 12, 7), None)]
    assert view.next_hearing_on == date(2026, 12, 7)


def test_adjourned_needs_the_next_date_and_acquitted_closes_with_a_reason(services, world):
    cp = _charge(services, world.om)
    [h] = cp.hearings
    with pytest.raises(ValidationFailed) as caught:
        court_watch.record_outcome(services, world.om, h.hearing_id, h.version_id,
                                   court_watch.OutcomeInput(outcome="adjourned"))
    assert caught.value.for_field("next_hearing_on")
    with pytest.raises(ValidationFailed) as caught:
        court_watch.record_outcome(services, world.om, h.hearing_id, h.version_id,
                                   court_watch.OutcomeInput(outcome="acquitted"))
    assert caught.value.for_field("outcome_notes")
    done = court_watch.record_outcome(services, world.om, h.hearing_id, h.version_id, court_watch.OutcomeInput(
        outcome="acquitted", notes="Jury verdict of not guilty on all counts"))
    assert (done.person.status, done.person.closed_on) == ("closed", TODAY)
    assert done.person.closed_reason == "Jury verdict of not guilty on all counts"


@pytest.mark.parametrize(("hearing_on", "reminded_on"), [
    (date(2026, 11, 24), date(2026, 11, 25)),  # Tuesday's hearing: Wednesday
    (date(2026, 11, 20), date(2026, 11, 23)),  # Friday's: Monday, over the weekend
    (date(2026, 12, 24), date(2026, 12, 29)),  # Christmas Eve's: after Christmas and Boxing Day (Mon 28 substitute)
])
def test_a_hearing_without_an_outcome_reminds_the_watcher_the_next_working_day(services, world, clock, hearing_on,
                                                                               reminded_on):
    clock.current = clock.on(date(2026, 11, 1)).current
    cp = _charge(services, world.om, charged_on=date(2026, 10, 20), hearing=hearing_on)
    assert cw.reminder_due(hearing_on) == reminded_on
    clock.current = clock.on(date.fromordinal(reminded_on.toordinal() - 1)).current  # the day before
    assert court_watch.outcome_reminders(services, world.om) == []
    clock.current = clock.on(reminded_on).current
    [r] = court_watch.outcome_reminders(services, world.om)
    assert (r.charged_person_id, r.hearing_on, r.due, r.overdue) == (cp.charged_person_id, hearing_on, reminded_on, False)
    assert court_watch.outcome_reminders(services, world.om2) == []  # the watcher is reminded, not others
    # ... among the watcher's reminders, opening the court watch (the person has no record yet).
    [shown] = [x for x in reminders.scan(services, world.om).items if x.what == "Court outcome"]
    assert (shown.section, shown.due, shown.overdue, shown.offender_id) == ("court_watch", reminded_on, False, 0)
    clock.advance(days=1)
    assert court_watch.outcome_reminders(services, world.om)[0].overdue


COURT_LIST = (
    b"Name,DOB,PNC,Court,Hearing date,Result,Next hearing,Notes\n"
    b"\"FICTIONAL, Testy Example\",14/03/1985,,Northmoor Crown Court,25/11/2026,Guilty,,Pleaded guilty\n"
    b"Testi FICTIONEL,14/03/1985,,Northmoor Crown Court,25/11/2026,Adjourned,07/12/2026,\n"
    b"Somebody ELSEWHERE,01/01/1970,,Northmoor Crown Court,25/11/2026,Adjourned,07/12/2026,\n"
)


def test_a_court_list_proposes_matches_and_applies_only_the_confirmed_ones(services, world):
    cp = _charge(services, world.om)
    other = _charge(services, world.om, surname="Fictionel", forenames="Testi", dob=date(1985, 3, 14), pnc=None)
    offenders = _count(services, m.Offender)
    proposals = match_court_list(services, world.om, COURT_LIST)
    assert [p.row.row_number for p in proposals] == [2, 3, 4]
    first, second, third = proposals
    assert first.best.person.charged_person_id == cp.charged_person_id and first.best.hearing_id is not None
    assert {c.person.charged_person_id for c in second.candidates} >= {other.charged_person_id}
    assert third.candidates == ()
    assert _count(services, m.Offender) == offenders  # matching reads only
    with services.session_factory() as s:
        assert s.scalar(select(func.count()).select_from(m.CourtHearing).where(m.CourtHearing.outcome.is_not(None))) == 0
    # Only the first row is confirmed: the second is left, though it has a possible match.
    [applied] = apply_court_list(services, world.om, [Confirmed(first.row, first.best.person.charged_person_id,
                                                                first.best.hearing_id, first.best.hearing_version)])
    assert applied.ok, applied.message
    assert court_watch.charged_person(services, world.om, cp.charged_person_id).status == "convicted"
    assert court_watch.charged_person(services, world.om, other.charged_person_id).hearings[0].outcome is None
    with services.session_factory() as s:
        actions = list(s.scalars(select(m.AuditEvent.action).where(m.AuditEvent.action.like("court%"))))
    assert "court_list.match" in actions and actions.count("court_watch.outcome") == 1


def test_a_court_list_with_bad_cells_names_the_row_and_column(services, world):
    bad = b"Name,DOB,Hearing date,Result\nA PERSON,31/02/1980,25/11/2026,Guilty\nB PERSON,,notadate,Maybe\n"
    with pytest.raises(ValidationFailed) as caught:
        match_court_list(services, world.om, bad)
    message = caught.value.for_field("file")
    assert "Row 2, date_of_birth" in message and "Row 3, hearing_on" in message and "Row 3, outcome" in message
    with pytest.raises(ValidationFailed):
        match_court_list(services, world.om, b"\x00\x01binary")


def test_the_watch_is_seen_by_the_team_the_watcher_and_the_lead(services, world):
    cp = _charge(services, world.om)
    assert [v.charged_person_id for v in court_watch.watched_people(services, world.supervisor)] == [cp.charged_person_id]
    assert [v.charged_person_id for v in court_watch.watched_people(services, world.lead)] == [cp.charged_person_id]
    assert court_watch.watched_people(services, world.om2) == []
    with pytest.raises(PermissionDenied, match="another team"):
        court_watch.charged_person(services, world.om2, cp.charged_person_id)
    with pytest.raises(PermissionDenied):
        court_watch.watched_people(services, world.untrained)
    with pytest.raises(PermissionDenied):
        court_watch.watched_people(services, world.admin)


def test_corrections_keep_the_old_values(services, world):
    cp = _charge(services, world.om)
    changed = court_watch.correct_charged_person(services, world.om, cp.charged_person_id, cp.version_id,
                                                 court_watch.ChargeInput(
                                                     surname="Fictional", forenames="Testy Example",
                                                     date_of_birth=cp.date_of_birth, pnc_id=cp.pnc_id,
                                                     charged_on=cp.charged_on, court=cp.court, custody="remand",
                                                     officer_in_case=cp.officer_in_case, shpo_application="attached",
                                                     shpo_application_by="DC Example Officer"),
                                                 "Remanded at the plea hearing; SHPO draft attached to the file")
    assert (changed.custody, changed.shpo_application, changed.corrections) == ("remand", "attached", 1)
    with services.session_factory() as s:
        rev = s.scalar(select(m.RecordRevision).where(m.RecordRevision.entity == "charged_person"))
        assert '"custody": "bail"' in rev.snapshot_json


def test_the_daily_list(services, world, clock):
    clock.current = clock.on(date(2026, 11, 19)).current
    friday = _charge(services, world.om, surname="Fridayhearing", hearing=date(2026, 11, 20))
    _charge(services, world.om, surname="Mondayhearing", hearing=date(2026, 11, 23), shpo_application="attached",
            shpo_application_by="DC Example Officer")
    clock.current = clock.on(date(2026, 11, 23)).current  # a Monday: "yesterday" is Friday
    daily = court_watch.daily_list(services, world.om)
    assert daily.last_working_day == date(2026, 11, 20)
    assert [i.person.surname for i in daily.today_hearings] == ["Mondayhearing"]
    assert [i.person.surname for i in daily.yesterday_hearings] == ["Fridayhearing"]
    assert [i.person.surname for i in daily.shpo_pending] == ["Fridayhearing"]
    [h] = friday.hearings
    court_watch.record_outcome(services, world.om, h.hearing_id, h.version_id,
                               court_watch.OutcomeInput(outcome="convicted"))
    daily = court_watch.daily_list(services, world.om)
    [due] = daily.notifications_due
    assert (due.person.surname, due.due_on) == ("Fridayhearing", date(2026, 11, 22))
    assert due.overdue


def test_the_demo_watch_has_hearings_yesterday_with_no_outcome(services, world, clock):
    from rso_manager.demo.court_watch import seed_court_watch
    from rso_manager.demo.rows import DemoTeam

    with services.session_factory.begin() as s:
        added = seed_court_watch(s, [DemoTeam(world.team_id, "North", 0, world.supervisor.user_id,
                                              [world.om.user_id])], clock.now())
    assert added == 4
    daily = court_watch.daily_list(services, world.om)
    assert len(daily.yesterday_hearings) == 2 and daily.shpo_pending
    clock.advance(days=1)
    assert court_watch.outcome_reminders(services, world.om)


# --- follow-up: one transaction, SHPOs, people already on the register, corrections --------


def _convict(services, actor, cp, **kw):
    h = next(h for h in cp.hearings if h.outcome is None)
    return court_watch.record_outcome(services, actor, h.hearing_id, h.version_id,
                                      court_watch.OutcomeInput(outcome="convicted", **kw))


def _listed(services, actor, charged_person_id, purpose="Sentence"):
    view = court_watch.add_hearing(services, actor, charged_person_id, court_watch.HearingInput(TODAY, None, purpose))
    return next(h for h in view.hearings if h.outcome is None)


def test_a_refused_sentence_saves_neither_the_sentence_nor_the_outcome(services, world):
    cp = _charge(services, world.om)
    result = _convict(services, world.om, cp)
    sentence = _listed(services, world.om, cp.charged_person_id)
    with pytest.raises(ValidationFailed) as caught:  # imprisonment with no term
        court_watch.record_outcome(services, world.om, sentence.hearing_id, sentence.version_id,
                                   court_watch.OutcomeInput(outcome="sentenced", disposal="imprisonment"))
    assert caught.value.problems
    [conviction] = notifications.convictions_for(services, world.om, result.offender_id)
    assert conviction.disposal is None
    view = court_watch.charged_person(services, world.om, cp.charged_person_id)
    assert next(h for h in view.hearings if h.hearing_id == sentence.hearing_id).outcome is None
    # Accepted, both at once: the sentence on the conviction and the outcome on the hearing.
    done = court_watch.record_outcome(services, world.om, sentence.hearing_id, sentence.version_id,
                                      court_watch.OutcomeInput(outcome="sentenced", disposal="imprisonment",
                                                               sentence_months=36))
    assert done.conviction_ids == (conviction.conviction_id,)
    [conviction] = notifications.convictions_for(services, world.om, result.offender_id)
    assert conviction.disposal == "imprisonment" and conviction.requirement.indefinite  # 30 months or more
    with services.session_factory() as s:
        h = s.get(m.CourtHearing, sentence.hearing_id)
        c = s.get(m.Conviction, conviction.conviction_id)
        assert h.outcome == "sentenced" and h.outcome_recorded_at == c.updated_at  # one transaction's time


def test_an_shpo_made_on_a_convicted_person_is_put_on_the_case(services, world):
    cp = _charge(services, world.om)
    result = _convict(services, world.om, cp)
    h = _listed(services, world.om, cp.charged_person_id)
    with pytest.raises(ValidationFailed) as caught:
        court_watch.record_outcome(services, world.om, h.hearing_id, h.version_id,
                                   court_watch.OutcomeInput(outcome="shpo_made"))
    assert "until further order" in caught.value.for_field("order_ends_on")
    with pytest.raises(ValidationFailed) as caught:  # an SHPO is for 5 years at least
        court_watch.record_outcome(services, world.om, h.hearing_id, h.version_id, court_watch.OutcomeInput(
            outcome="shpo_made", order_ends_on=date(2028, 11, 25)))
    assert "at least 5 years" in caught.value.for_field("order_ends_on")
    done = court_watch.record_outcome(services, world.om, h.hearing_id, h.version_id, court_watch.OutcomeInput(
        outcome="shpo_made", order_indefinite=True))
    [order] = devices.orders_for(services, world.om, result.offender_id)
    assert (order.kind, order.made_on, order.indefinite, order.court) == ("SHPO", TODAY, True, "Northmoor Crown Court")
    assert done.order_ids == (order.order_id,) and "Orders tab" in done.message


def test_an_shpo_made_before_the_conviction_is_attached_when_the_case_is_made(services, world):
    cp = _charge(services, world.om, hearing=None)
    done = court_watch.add_hearing(services, world.om, cp.charged_person_id,
                                   court_watch.HearingInput(date(2026, 11, 20), None, "Interim order"),
                                   court_watch.OutcomeInput(outcome="shpo_made", order_ends_on=date(2031, 11, 20),
                                                            notes="Interim order on the police application"))
    [made] = done.hearings
    assert made.outcome == "shpo_made" and made.outcome_notes == "Interim order on the police application"
    with services.session_factory() as s:
        assert s.scalar(select(func.count()).select_from(m.CivilOrder)) == 0  # no case to put it on yet
        hearing = s.get(m.CourtHearing, made.hearing_id)
        assert (hearing.order_ends_on, hearing.order_indefinite, hearing.civil_order_id) == (date(2031, 11, 20), False, None)
    _listed(services, world.om, cp.charged_person_id, "Trial")
    result = _convict(services, world.om, court_watch.charged_person(services, world.om, cp.charged_person_id))
    [order] = devices.orders_for(services, world.om, result.offender_id)
    assert (order.made_on, order.ends_on, order.indefinite) == (date(2026, 11, 20), date(2031, 11, 20), False)
    assert "Orders tab" in result.message


def test_an_shpo_refused_needs_the_reason(services, world):
    cp = _charge(services, world.om)
    _convict(services, world.om, cp)
    h = _listed(services, world.om, cp.charged_person_id)
    with pytest.raises(ValidationFailed) as caught:
        court_watch.record_outcome(services, world.om, h.hearing_id, h.version_id,
                                   court_watch.OutcomeInput(outcome="shpo_refused", notes="no"))
    assert "why the court refused" in caught.value.for_field("outcome_notes")
    court_watch.record_outcome(services, world.om, h.hearing_id, h.version_id, court_watch.OutcomeInput(
        outcome="shpo_refused", notes="Judge found the licence conditions sufficient"))
    view = court_watch.charged_person(services, world.om, cp.charged_person_id)
    refused = next(x for x in view.hearings if x.hearing_id == h.hearing_id)
    assert refused.outcome_notes == "Judge found the licence conditions sufficient"


def _registered(services, world, **kw):
    return caseload.create_offender(services, world.om, caseload.OffenderDraft(
        surname=kw.pop("surname", "Fictional"), forenames=kw.pop("forenames", "Testy Example"),
        date_of_birth=kw.pop("dob", date(1985, 3, 14)), offender_manager_id=world.om.user_id,
        team_id=world.team_id, **kw))


def test_a_person_already_on_the_register_is_never_merged_without_the_users_choice(services, world):
    earlier = _registered(services, world, pnc_id="1985/0123456X")
    cp = _charge(services, world.om)
    [found] = court_watch.existing_cases(services, world.om, cp.charged_person_id)
    assert (found.offender_id, found.reference) == (earlier.offender_id, earlier.reference)
    assert "same PNC ID" in found.why and "same name and date of birth" in found.why
    offenders = _count(services, m.Offender)
    with pytest.raises(ValidationFailed) as caught:
        _convict(services, world.om, cp)
    assert earlier.reference in caught.value.for_field("existing_offender_id")
    assert _count(services, m.Offender) == offenders
    result = _convict(services, world.om, cp, existing_offender_id=earlier.offender_id)
    assert result.offender_id == earlier.offender_id and result.added_to_existing
    assert _count(services, m.Offender) == offenders
    assert f"added to {earlier.reference}" in result.message
    [conviction] = notifications.convictions_for(services, world.om, earlier.offender_id)
    assert (conviction.source, conviction.initial_due_on) == ("court_list", date(2026, 11, 27))
    view = court_watch.charged_person(services, world.om, cp.charged_person_id)
    assert (view.offender_id, view.offender_reference) == (earlier.offender_id, earlier.reference)


def test_a_name_and_date_of_birth_alike_offers_the_case_and_a_new_case_can_be_chosen(services, world):
    earlier = _registered(services, world, surname="Namesake", forenames="Testy")
    cp = _charge(services, world.om, surname="NAMESAKE", forenames="Testy", pnc=None)
    assert [c.reference for c in court_watch.existing_cases(services, world.om, cp.charged_person_id)] == [
        earlier.reference]
    assert court_watch.existing_cases(services, world.om,
                                      _charge(services, world.om, surname="Unrelated").charged_person_id) == ()
    result = _convict(services, world.om, cp, new_case=True)
    assert result.offender_id != earlier.offender_id and not result.added_to_existing


def test_void_keeps_the_entry_out_of_the_watch_with_its_reason(services, world):
    cp = _charge(services, world.om)
    with pytest.raises(ValidationFailed) as caught:
        court_watch.void_charged_person(services, world.om, cp.charged_person_id, cp.version_id, "oops")
    assert caught.value.for_field("reason")
    court_watch.void_charged_person(services, world.om, cp.charged_person_id, cp.version_id,
                                    "Entered twice: the same charge is CW-0002")
    assert court_watch.watched_people(services, world.om) == []
    with pytest.raises(NotFound):
        court_watch.charged_person(services, world.om, cp.charged_person_id)
    with services.session_factory() as s:
        row = s.get(m.ChargedPerson, cp.charged_person_id)
        assert row.voided_at is not None and row.void_reason == "Entered twice: the same charge is CW-0002"
        assert s.scalar(select(func.count()).select_from(m.RecordRevision).where(
            m.RecordRevision.entity == "charged_person")) == 1
        assert s.scalar(select(m.AuditEvent.action).where(m.AuditEvent.entity == "charged_person",
                                                          m.AuditEvent.action == "entry.void")) == "entry.void"
    convicted = _charge(services, world.om, surname="Convictedperson")
    _convict(services, world.om, convicted, new_case=True)
    again = court_watch.charged_person(services, world.om, convicted.charged_person_id)
    with pytest.raises(ValidationFailed, match="correct the case record"):
        court_watch.void_charged_person(services, world.om, again.charged_person_id, again.version_id,
                                        "Should never have been on the watch")


def test_correct_hearing_keeps_the_old_values_and_needs_a_reason(services, world):
    cp = _charge(services, world.om, hearing=date(2026, 12, 1))
    [h] = cp.hearings
    with pytest.raises(ValidationFailed) as caught:
        court_watch.correct_hearing(services, world.om, h.hearing_id, h.version_id,
                                    court_watch.HearingInput(date(2026, 12, 2), "Northmoor Magistrates", "Plea"), "")
    assert caught.value.for_field("reason")
    with pytest.raises(ValidationFailed) as caught:  # moved into the past with no outcome
        court_watch.correct_hearing(services, world.om, h.hearing_id, h.version_id,
                                    court_watch.HearingInput(date(2026, 11, 20), None, None),
                                    "The listing office gave the wrong date")
    assert "has passed" in caught.value.for_field("hearing_on")
    view = court_watch.correct_hearing(services, world.om, h.hearing_id, h.version_id,
                                       court_watch.HearingInput(date(2026, 12, 2), "Northmoor Magistrates", "Plea"),
                                       "The listing office moved it to the magistrates")
    [after] = view.hearings
    assert (after.hearing_on, after.court, after.purpose) == (date(2026, 12, 2), "Northmoor Magistrates", "Plea")
    [rev] = [r for r in view.revisions if r.entity == "court_hearing"]
    assert rev.before["hearing_on"] == "2026-12-01" and rev.reason == "The listing office moved it to the magistrates"
    assert rev.changed_by == "Olly Manager"
    with pytest.raises(ConcurrentEditError):  # the version read before the correction is stale
        court_watch.correct_hearing(services, world.om, h.hearing_id, h.version_id,
                                    court_watch.HearingInput(date(2026, 12, 3), None, None), "Moved once more by court")


def test_a_watcher_named_must_be_a_trained_officer_of_the_team(services, world):
    named = court_watch.watchers(services, world.om)
    assert {w.name for w in named} >= {"Olly Manager", "Sam Supervisor"} and "Nat Newstarter" not in {
        w.name for w in named} and "Oona Manager" not in {w.name for w in named}
    cp = _charge(services, world.om, surname="Watchedbysam", watcher_id=world.supervisor.user_id)
    assert (cp.watcher_id, cp.watcher) == (world.supervisor.user_id, "Sam Supervisor")
    for wrong in (world.untrained.user_id, world.om2.user_id):
        with pytest.raises(ValidationFailed) as caught:
            _charge(services, world.om, surname="Wrongwatcher", watcher_id=wrong)
        assert "trained officer of the team" in caught.value.for_field("watcher_id")
    with pytest.raises(ValidationFailed) as caught:
        _charge(services, world.om, surname="Otherteam", team_id=world.team2_id)
    assert caught.value.for_field("team_id")
    # The one reminded is the watcher named, not the officer who entered the person.
    h = cp.hearings[0]
    assert h.hearing_on == TODAY
