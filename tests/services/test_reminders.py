from datetime import UTC, date, datetime

from rso_manager import reminders
from rso_manager.domain.rationale import SignOffDecision
from rso_manager.services import breaches, caseload, safeguarding, supervision, visits
from rso_manager.services.caseload import OffenderDraft
from tests.opening import open_case


def test_scan_lists_due_and_overdue_for_the_users_caseload(services, world, clock):
    def offender(name, manager):
        return caseload.create_offender(services, manager, OffenderDraft(
            surname=name, forenames="Test", date_of_birth=date(1970, 1, 1),
            offender_manager_id=manager.user_id, team_id=manager.team_id)).offender_id

    overdue = offender("Overdue", world.om)
    visits.record_visit(services, world.om, visits.VisitInput(
        overdue, datetime(2026, 9, 1, 18, tzinfo=UTC), "seen", officer_ids=(world.om.user_id, world.supervisor.user_id)))
    fresh = offender("Fresh", world.om)            # first visit due within 10 working days: not within 7 days
    offender("Elsewhere", world.om2)               # another team's case never shows
    digest = reminders.scan(services, world.om, days_ahead=7)
    assert [(r.offender_id, r.what, r.overdue) for r in digest.items] == [(overdue, "Home visit", True)]
    # The supervisor sees the team's cases; a week later the new case is due too.
    clock.current = datetime(2026, 12, 3, 10, tzinfo=UTC)
    digest = reminders.scan(services, world.supervisor, days_ahead=7)
    assert {r.offender_id for r in digest.items} == {overdue, fresh}
    assert digest.overdue == 1 and digest.due_soon == 1
    assert "overdue since" in digest.items[0].text
    assert reminders.scan(services, world.admin).items == ()


RATIONALE = ("Returned: the record does not say why this visit was announced and made by one officer "
             "only; add what was known of the risk at the address and who agreed the change.")


def test_reminders_cover_breaches_actions_referrals_and_returned_sign_offs(services, world, clock):
    """Issue 12: not only visits and notifications wait on an officer. Each reminder says what
    waits and names the part of the record that opens."""
    oid = caseload.create_offender(services, world.om, OffenderDraft(
        surname="Waiting", forenames="Test", date_of_birth=date(1970, 1, 1),
        offender_manager_id=world.om.user_id, team_id=world.team_id)).offender_id
    clock.current = datetime(2026, 11, 20, 10, tzinfo=UTC)
    safeguarding.add_action(services, world.om, oid, "Check the new address with the landlord",
                            world.om.user_id, date(2026, 11, 24))
    clock.current = datetime(2026, 11, 25, 10, tzinfo=UTC)
    # Seen at home today: no home-visit reminder in the way. Announced and alone, so it goes to
    # the supervisor, who returns it.
    visits.record_visit(services, world.om, visits.VisitInput(
        oid, datetime(2026, 11, 25, 9, tzinfo=UTC), "seen", announced=True, officer_ids=(world.om.user_id,),
        override_reason="Appointment agreed with the offender because of a hospital stay"))
    item = next(i for i in supervision.queue_for(services, world.supervisor) if i.offender_id == oid)
    supervision.sign_off(services, world.supervisor, item.sign_off_id, item.version_id,
                         SignOffDecision.RETURN, RATIONALE)
    breach = breaches.open_manual_breach(services, world.om, oid, breaches.BreachInput(
        occurred_on=date(2026, 11, 20), duty="biometrics", description="Refused photographs at the visit"))
    safeguarding.add_action(services, world.om, oid, "Later action", world.om.user_id, date(2026, 12, 30))
    concern = safeguarding.record_concern(services, world.om, oid, "Seen with a child at the park",
                                          datetime(2026, 11, 23, 9, tzinfo=UTC))
    referred = safeguarding.record_referral(services, world.om, concern.id, concern.version_id,
                                            datetime(2026, 11, 23, 10, tzinfo=UTC),
                                            "Northam children's services", None, sent_method="phone")

    got = {r.what: r for r in reminders.scan(services, world.om).items if r.offender_id == oid}
    # The concern also opened its s.327A consideration and child check (issue 19), due by the end
    # of Tuesday 24/11 and so overdue.
    assert set(got) == {"Returned sign-off", "Breach decision", "Plan action", "Referral decision",
                        "s.327A disclosure decision", "Child safety check"}
    assert got["Child safety check"].overdue and got["s.327A disclosure decision"].due == date(2026, 11, 24)
    assert (got["Plan action"].due, got["Plan action"].overdue, got["Plan action"].section) == (
        date(2026, 11, 24), True, "actions")
    assert "Check the new address" in got["Plan action"].text
    assert got["Breach decision"].waiting and got["Breach decision"].section == "breaches"
    assert got["Breach decision"].due == date(2026, 11, 20)
    assert "crime reference or reasoned no-crime decision" in got["Breach decision"].text
    # Referred Monday 23/11: the decision was due by the end of Tuesday 24/11.
    assert (got["Referral decision"].due, got["Referral decision"].overdue,
            got["Referral decision"].section) == (date(2026, 11, 24), True, "safeguarding")
    assert got["Returned sign-off"].waiting and got["Returned sign-off"].section == "visits"
    assert "visit returned for more work" in got["Returned sign-off"].text
    digest = reminders.scan(services, world.om)
    assert digest.waiting == 2 and digest.overdue == 4

    # Each goes once its work is done: a decision proposed, the action done, the decision in.
    open_case(services, world.om, oid)
    view = breaches.breaches_for(services, world.om, oid)[0]
    breaches.record_crime_reference(services, world.om, breach.breach_id, view.version_id, "NY-26-004321")
    action = next(a for a in safeguarding.actions_for(services, world.om, oid) if a.due_on == date(2026, 11, 24))
    safeguarding.record_action_result(services, world.om, action.id, action.version_id,
                                      "Landlord confirmed the tenancy", date(2026, 11, 25))
    safeguarding.record_referral_decision(services, world.om, concern.id, referred.version_id,
                                          "Strategy meeting arranged", datetime(2026, 11, 25, 9, tzinfo=UTC))
    [response] = safeguarding.safeguarding_for(services, world.om, oid).responses
    disclosure, check = response.parts[1], response.parts[2]
    safeguarding.record_not_applicable(services, world.om, "disclosure", disclosure.id, disclosure.version_id,
                                       "The child at the park was with her own father, who knows the offender's "
                                       "history already from the court case, so there is nobody to tell.")
    safeguarding.record_child_check(services, world.om, check.id, check.version_id, "safe",
                                    datetime(2026, 11, 25, 9, 30, tzinfo=UTC))
    left = {r.what for r in reminders.scan(services, world.om).items if r.offender_id == oid}
    assert left == {"Returned sign-off"}
    # Another officer's returned entry is not this officer's reminder; the supervisor's team
    # scan shows the team's waiting work but not the officer's own returned entries.
    assert {r.what for r in reminders.scan(services, world.supervisor).items if r.offender_id == oid} == set()


REASONS = ("No crime: the offender reported the new address in person the same afternoon, the "
           "delay was caused by a hospital admission and the ward confirmed the dates in writing.")


def _breach(services, actor, oid, on):
    return breaches.open_manual_breach(services, actor, oid, breaches.BreachInput(
        occurred_on=on, duty="biometrics", description="Refused photographs at the visit"))


def test_a_breach_with_a_no_crime_decision_put_to_a_supervisor_waits_no_more(services, world, clock):
    oid = caseload.create_offender(services, world.om, OffenderDraft(
        surname="Proposal", forenames="Test", date_of_birth=date(1970, 1, 1),
        offender_manager_id=world.om.user_id, team_id=world.team_id)).offender_id
    first = _breach(services, world.om, oid, date(2026, 11, 20))
    second = _breach(services, world.om, oid, date(2026, 11, 23))

    def waiting():
        return {r.key for r in reminders.scan(services, world.om).items if r.what == "Breach decision"}

    assert waiting() == {f"breach:{first.breach_id}", f"breach:{second.breach_id}"}
    breaches.propose_no_crime(services, world.om, first.breach_id, first.version_id, REASONS)
    assert waiting() == {f"breach:{second.breach_id}"}  # the proposal waits on the supervisor, not her
    # Returned, it is the officer's to decide again.
    item = next(i for i in supervision.queue_for(services, world.supervisor) if i.offender_id == oid)
    supervision.sign_off(services, world.supervisor, item.sign_off_id, item.version_id,
                         SignOffDecision.RETURN, RATIONALE)
    assert waiting() == {f"breach:{first.breach_id}", f"breach:{second.breach_id}"}


def _statements(services, read):
    """What READ returns, and every statement it ran (a scan only reads)."""
    from sqlalchemy import event

    statements: list[str] = []
    engine = services.session_factory.kw["bind"]

    def count(*args):
        statements.append(args[2])

    event.listen(engine, "before_cursor_execute", count)
    try:
        result = read()
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return result, statements


def _waiting_case(services, world, clock, surname):
    """A case with something of every kind waiting: a visit overdue, a plan action, a breach, a
    referral with no decision and its response's open parts."""
    oid = caseload.create_offender(services, world.om, OffenderDraft(
        surname=surname, forenames="Test", date_of_birth=date(1970, 1, 1),
        offender_manager_id=world.om.user_id, team_id=world.team_id)).offender_id
    visits.record_visit(services, world.om, visits.VisitInput(
        oid, datetime(2026, 9, 1, 18, tzinfo=UTC), "seen", officer_ids=(world.om.user_id, world.supervisor.user_id)))
    safeguarding.add_action(services, world.om, oid, "Check the new address with the landlord",
                            world.om.user_id, date(2026, 11, 27))
    _breach(services, world.om, oid, date(2026, 11, 20))
    concern = safeguarding.record_concern(services, world.om, oid, "Seen with a child at the park",
                                          datetime(2026, 11, 23, 9, tzinfo=UTC))
    safeguarding.record_referral(services, world.om, concern.id, concern.version_id,
                                 datetime(2026, 11, 23, 10, tzinfo=UTC), "Northam children's services", None,
                                 sent_method="phone")
    return oid


def test_the_scan_runs_the_same_statements_however_many_cases_wait(services, world, clock):
    """Issue 16: set-based, no statement per case or per row, for each role's scope."""
    _waiting_case(services, world, clock, "Firstcase")
    people = (world.om, world.supervisor, world.lead)
    before = [_statements(services, lambda a=a: reminders.scan(services, a)) for a in people]
    for n in range(4):
        _waiting_case(services, world, clock, f"Morecase{'x' * n}")
    after = [_statements(services, lambda a=a: reminders.scan(services, a)) for a in people]
    for (few, few_sql), (many, many_sql) in zip(before, after, strict=True):
        assert len(many.items) >= 5 * 6 > len(few.items)  # six reminders a case, for each of them
        assert len(many_sql) == len(few_sql)
        assert all(sql.lstrip().upper().startswith("SELECT") for sql in many_sql)
