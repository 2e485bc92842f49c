"""The safeguarding section: referral decisions overdue, concerns not referred, and how long the
period's referrals and disclosures took (domain.safeguarding_clocks)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import and_, select

from rso_manager.domain import safeguarding_clocks as sc
from rso_manager.domain.dates import london_day
from rso_manager.persistence import models as m
from rso_manager.reports.compliance_figures import selections as sel
from rso_manager.reports.compliance_figures.context import Ctx, clip, oldest_first, person_name
from rso_manager.reports.compliance_figures.figures import (
    DurationSummary,
    ExceptionRow,
    SafeguardingFigures,
    Share,
)


def _hours(d: timedelta | None) -> float | None:
    return None if d is None else round(d.total_seconds() / 3600, 1)


def safeguarding_figures(c: Ctx) -> SafeguardingFigures:
    F = m.SafeguardingReferral
    end_of_as_of = c.as_of_end - timedelta(microseconds=1)  # the day's last instant
    live = and_(c.in_scope, c.live(F))
    overdue = []
    for r in c.s.execute(c.join_case(select(F.referred_at, F.agency, *c.case_cols()), F.offender_id).where(
            live, sel.referred(c), ~sel.decided(c))):
        if sc.referral_flag(r.referred_at, None, end_of_as_of) is sc.ReferralFlag.DECISION_OVERDUE:
            due = london_day(sc.referral_decision_due(r.referred_at))
            referred_on = london_day(r.referred_at)
            overdue.append(ExceptionRow(
                r.reference, person_name(r.surname, r.forenames), r.officer,
                f"Decision from {r.agency or 'children’s social care'} on the referral of "
                f"{referred_on:%d/%m/%Y} (was due by {due:%d/%m/%Y}): chase and record it",
                (c.as_of - referred_on).days, referred_on, offender_id=r.case_id))
    not_referred = []
    for r in c.s.execute(c.join_case(select(F.concern_at, F.concern, *c.case_cols()), F.offender_id).where(
            live, F.concern_at < c.as_of_end, ~sel.referred(c))):
        if sc.concern_without_referral(r.concern_at, None, end_of_as_of):
            day = london_day(r.concern_at)
            not_referred.append(ExceptionRow(
                r.reference, person_name(r.surname, r.forenames), r.officer,
                f"Refer the concern of {day:%d/%m/%Y} to children’s social care: {clip(r.concern, 140)}",
                (c.as_of - day).days, day, offender_id=r.case_id))

    in_scope = select(F.concern_at, F.referred_at, F.decision_at).join(m.Offender, m.Offender.id == F.offender_id)
    referred = c.s.execute(in_scope.where(sel.referrals_made(c))).all()
    decided = c.s.execute(in_scope.where(live, sel.referred(c), sel.decided(c), c.in_period(F.decision_at))).all()
    late = sum(1 for r in decided if _decision_late(r.referred_at, r.decision_at))
    to_referral = sc.summary(sc.durations(r.concern_at, r.referred_at, None)[0] for r in referred)
    disclosed = c.s.execute(
        select(F.concern_at, m.Disclosure.disclosed_at).select_from(m.Disclosure)
        .join(F, F.id == m.Disclosure.referral_id).join(m.Offender, m.Offender.id == F.offender_id)
        .where(live, c.live(m.Disclosure), c.in_period(m.Disclosure.disclosed_at))).all()
    to_disclosure = sc.summary(sc.durations(r.concern_at, None, r.disclosed_at)[1] for r in disclosed)
    return SafeguardingFigures(
        decision_overdue=oldest_first(overdue), not_referred=oldest_first(not_referred),
        referrals_in_period=len(referred), decisions_late=Share(late, len(decided)),
        concern_to_referral=DurationSummary(len(referred), _hours(to_referral[0]), _hours(to_referral[1])),
        concern_to_disclosure=DurationSummary(len(disclosed), _hours(to_disclosure[0]), _hours(to_disclosure[1])),
    )


def _decision_late(referred_at: datetime, decision_at: datetime) -> bool:
    try:
        return sc.referral_flag(referred_at, decision_at, decision_at) is sc.ReferralFlag.DECISION_LATE
    except ValueError:
        return False  # a decision dated before its referral is a data error, not a late decision
