"""What a count and its list of cases (case_lists.cases_behind) both select: one clause each, so
on the same data the list has as many rows as the count says."""

from __future__ import annotations

from sqlalchemy import and_, func, or_, select

from rso_manager.domain.visit_window import FAILED_ENTRY
from rso_manager.persistence import models as m
from rso_manager.reports.compliance_figures.context import ACTIVE_CASE, OPEN_CASE, Ctx

_NO_CRIME = "breach_no_crime"  # the sign-off entity of a proposed no-crime decision


def open_cases(c: Ctx):
    return and_(c.in_scope, OPEN_CASE)


def visit_crew():
    """The number of officers on a visit, correlated to m.Visit."""
    return (select(func.count()).where(m.VisitOfficer.visit_id == m.Visit.id)
            .correlate(m.Visit).scalar_subquery())


FAILED = m.Visit.outcome.in_([str(o) for o in FAILED_ENTRY])
UNANNOUNCED = m.Visit.announced.is_(False)
# Someone went to the door: seen or failed entry.
HOME_ATTEMPT = and_(m.Visit.kind == "home", or_(m.Visit.outcome == "seen", FAILED))
OFFICE_INTERVIEW = m.Visit.kind == "office"


def visits_in_period(c: Ctx, *, many_cases: bool = True):
    """The scope's visits completed in the period (home_attempts and office_interviews narrow it).
    MANY_CASES as Ctx.visit_done: False where each case's visits are read in turn."""
    V = m.Visit
    return and_(c.in_scope, c.visit_done(many_cases=many_cases), c.in_period(V.visited_at))


def home_attempts(c: Ctx):
    """Home visits in the period where someone went to the door: seen or failed entry."""
    return and_(visits_in_period(c), HOME_ATTEMPT)


def office_interviews(c: Ctx):
    return and_(visits_in_period(c), OFFICE_INTERVIEW)


def notifications_made(c: Ctx):
    N = m.StatutoryNotification
    return and_(c.in_scope, c.live(N), c.notified(), c.in_period(N.notified_at))


def breach_live(c: Ctx):
    return and_(c.in_scope, c.live(m.Breach))


def breach_open_at(c: Ctx):
    B = m.Breach
    return and_(B.occurred_on <= c.as_of, or_(B.status == "open", B.closed_at >= c.as_of_end))


def decision_proposed(c: Ctx):
    """A reasoned no-crime decision had been put to a supervisor by the end of the as-of day
    and not returned by then (a clause on m.Breach). The sign-off request dates the proposal;
    the breach's rationale column only says what it is now."""
    S = m.SignOff
    # An uncorrelated IN: the few proposals are listed once. Correlated, SQLite scanned every
    # sign-off for each open breach (no index leads with the entity; issue 16).
    return m.Breach.id.in_(select(S.entity_id).where(
        S.entity == _NO_CRIME, S.entity_id.is_not(None), S.requested_at < c.as_of_end,
        ~and_(S.status == "returned", S.signed_at < c.as_of_end)))


def crime_reference_as_of(c: Ctx):
    """The crime reference the breach had at the end of the as-of day: recording one closes
    the breach, so one closed later was not there yet (an imported open breach keeps its own)."""
    B = m.Breach
    return and_(B.crime_reference.is_not(None), or_(B.closed_at.is_(None), B.closed_at < c.as_of_end))


def breach_opened(c: Ctx):
    return c.in_period_days(m.Breach.occurred_on)


def breach_crime(c: Ctx):
    # A crime reference closes the breach; an older open one with a reference (from an import)
    # counts on the day it occurred.
    B = m.Breach
    return and_(B.crime_reference.is_not(None),
                or_(c.in_period(B.closed_at), and_(B.closed_at.is_(None), c.in_period_days(B.occurred_on))))


def breach_no_crime(c: Ctx):
    B = m.Breach
    return and_(B.crime_reference.is_(None), B.status == "closed", c.in_period(B.closed_at))


def warnings_given(c: Ctx):
    W = m.FormalWarning
    return and_(c.in_scope, c.live(W), c.in_period_days(W.given_on))


def live_devices(c: Ctx):
    D = m.Device
    return and_(c.live(D), D.status == "active", c.in_scope, ACTIVE_CASE,
                or_(D.declared_on.is_(None), D.declared_on <= c.as_of), D.created_at < c.as_of_end)


def sign_off_scope(c: Ctx):
    # Outer-joined to the case: a sign-off on no case (rare) counts for the whole force only,
    # because a team or officer clause over the missing case is never true.
    if c.scope.info.kind == "force":
        return or_(m.SignOff.offender_id.is_(None), c.in_scope)
    return c.in_scope


def sign_offs_decided(c: Ctx):
    S = m.SignOff
    return and_(sign_off_scope(c), S.signed_at.is_not(None), c.in_period(S.signed_at),
                S.status.in_(("approved", "returned", "escalated")))


def referred(c: Ctx):
    """The referral had been made, and entered, by the end of the as-of day."""
    F = m.SafeguardingReferral
    return and_(F.referred_at.is_not(None), F.referred_at < c.as_of_end,
                c.recorded(F, "safeguarding_referral", "safeguarding.refer"))


def decided(c: Ctx):
    """Children's social care's decision was in, and entered, by the end of the as-of day."""
    F = m.SafeguardingReferral
    return and_(F.decision_at.is_not(None), F.decision_at < c.as_of_end,
                c.recorded(F, "safeguarding_referral", "safeguarding.decision"))


def referrals_made(c: Ctx):
    F = m.SafeguardingReferral
    return and_(c.in_scope, c.live(F), referred(c), c.in_period(F.referred_at))
