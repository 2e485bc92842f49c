"""What the record's safeguarding page and the OMU's oversight read: open referrals and disclosures
with their clocks, exceptions across a caseload, and how timely they were over a period."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select

from rso_manager.domain import safeguarding_clocks as sc
from rso_manager.domain.dates import london_day
from rso_manager.domain.safeguarding_response import PART_REFERRAL, PartState, london_text
from rso_manager.persistence import models as m
from rso_manager.services import access
from rso_manager.services.errors import NotFound
from rso_manager.services.safeguarding.disclosures import (
    DisclosureView,
    csods_clock,
    disclosure_view,
)
from rso_manager.services.safeguarding.referrals import ReferralView, first_disclosed, referral_view
from rso_manager.services.safeguarding.responses import ResponseView, responses_on
from rso_manager.services.unit_of_work import Actor, Services


@dataclass(frozen=True)
class SafeguardingView:
    offender_id: int
    referrals: tuple[ReferralView, ...]
    disclosures: tuple[DisclosureView, ...]
    flags: tuple[str, ...]  # one line per problem, for the record's banner
    # Each concern's response (issue 19): the referral, s.327A consideration and child checks.
    responses: tuple[ResponseView, ...] = ()


@dataclass(frozen=True)
class SafeguardingException:
    offender_id: int
    offender_reference: str
    offender_name: str
    entity: str
    entity_id: int
    problem: str
    since: datetime  # when it became due, for sorting oldest first


@dataclass(frozen=True)
class Timeliness:
    concern_to_referral_median: timedelta | None
    concern_to_referral_worst: timedelta | None
    concern_to_disclosure_median: timedelta | None
    concern_to_disclosure_worst: timedelta | None
    concerns: int
    not_yet_referred: int  # have no duration yet, so are counted here rather than hidden


def _flag_lines(referrals: Iterable[ReferralView], disclosures: Iterable[DisclosureView],
                responses: Iterable[ResponseView] = ()) -> tuple[str, ...]:
    """The banner's lines, every time in London local time."""
    lines = []
    for r in referrals:
        if r.flag is sc.ReferralFlag.DECISION_OVERDUE:
            lines.append(f"Referral of {london_text(r.referred_at)}: no decision from children's social care "
                         f"within 1 working day (due {london_text(r.decision_due, with_time=False)}); chase it.")
        elif r.flag is sc.ReferralFlag.DECISION_LATE:
            lines.append(f"Referral of {london_text(r.referred_at)}: decision came after the working-day deadline.")
        if r.not_referred_same_day:
            lines.append(f"Concern of {london_text(r.concern_at)} was not referred the same day"
                         + ("." if r.referred_at else "; refer it now."))
    for d in disclosures:
        if d.overdue_stages:
            stages = ", ".join(s.value for s in d.overdue_stages)
            lines.append(f"Disclosure scheme application {london_text(d.applied_at, with_time=False)}: "
                         f"overdue at {stages}.")
    for resp in responses:
        for p in resp.parts:
            # The referral part is said above ("not referred the same day").
            if p.clock.state is PartState.OVERDUE and p.part != PART_REFERRAL:
                lines.append(f"{p.title}: overdue since {london_text(p.clock.due_at)}"
                             + (f" ({p.owner})" if p.owner else "") + ".")
    return tuple(lines)


def safeguarding_for(services: Services, actor: Actor, offender_id: int, now: datetime | None = None) -> SafeguardingView:
    """The record's safeguarding tab: referrals and disclosures with their clocks and flags."""
    now = now or services.clock.now()
    with access.reading(services, actor, offender_id) as s:
        if s.get(m.Offender, offender_id) is None:
            raise NotFound(f"No offender record {offender_id}.")
        disclosures = s.scalars(select(m.Disclosure).where(
            m.Disclosure.offender_id == offender_id, m.Disclosure.voided_at.is_(None)).order_by(m.Disclosure.id)).all()
        referrals = tuple(referral_view(s, r, disclosures, now) for r in s.scalars(
            select(m.SafeguardingReferral).where(m.SafeguardingReferral.offender_id == offender_id,
                                                 m.SafeguardingReferral.voided_at.is_(None))
            .order_by(m.SafeguardingReferral.concern_at, m.SafeguardingReferral.id)))
        views = tuple(disclosure_view(s, d, now) for d in disclosures)
        responses = responses_on(s, offender_id, now)
        return SafeguardingView(offender_id, referrals, views, _flag_lines(referrals, views, responses), responses)


def safeguarding_exceptions(services: Services, actor: Actor, now: datetime | None = None,
                            team_id: int | None = None) -> list[SafeguardingException]:
    """Open problems across the caseload for the compliance summary, oldest first: decisions
    overdue, concerns still unreferred after their day, CSODS stages past their deadline."""
    now = now or services.clock.now()
    out: list[SafeguardingException] = []
    with access.listing(services, actor) as s:
        def scoped(stmt, model):
            stmt = stmt.join(m.Offender, m.Offender.id == model.offender_id).where(model.voided_at.is_(None))
            return stmt.where(m.Offender.team_id == team_id) if team_id is not None else stmt

        def exception(o: m.Offender, entity: str, entity_id: int, problem: str, since: datetime) -> None:
            out.append(SafeguardingException(o.id, o.reference, f"{o.surname.upper()}, {o.forenames}",
                                             entity, entity_id, problem, since))

        # Only rows still open can be exceptions: unreferred, or referred and undecided.
        for r, o in s.execute(scoped(select(m.SafeguardingReferral, m.Offender), m.SafeguardingReferral).where(
                m.SafeguardingReferral.decision_at.is_(None))):
            if r.referred_at is None and r.not_applicable_at is not None:
                continue  # not applicable, with a reason a supervisor signs
            if r.referred_at is None:
                if sc.concern_without_referral(r.concern_at, None, now):
                    exception(o, "safeguarding_referral", r.id, "Concern not referred to children's social care",
                              sc.end_of_london_day(london_day(r.concern_at)))
            elif sc.referral_flag(r.referred_at, None, now) is sc.ReferralFlag.DECISION_OVERDUE:
                exception(o, "safeguarding_referral", r.id, "No decision on referral within 1 working day",
                          sc.referral_decision_due(r.referred_at))
        for d, o in s.execute(scoped(select(m.Disclosure, m.Offender), m.Disclosure).where(
                m.Disclosure.route == "csods", m.Disclosure.completed_at.is_(None))):
            deadlines, overdue = csods_clock(d, now)
            if deadlines is None:  # not on the scheme's clock (no application time)
                continue
            for stage in overdue:
                due = {sc.CsodsStage.CHECKS: deadlines.checks_by, sc.CsodsStage.INTERVIEW: deadlines.interview_by,
                       sc.CsodsStage.COMPLETE: deadlines.complete_by}[stage]
                exception(o, "disclosure", d.id, f"Disclosure scheme {stage.value} overdue", due)
    return sorted(out, key=lambda e: (e.since, e.offender_id, e.entity_id))


def timeliness(services: Services, actor: Actor, period_from: date, period_to: date,
               team_id: int | None = None) -> Timeliness:
    """Median and worst time from concern to referral and to disclosure, for concerns raised
    on London days PERIOD_FROM to PERIOD_TO inclusive."""
    start = sc.end_of_london_day(period_from - timedelta(days=1))
    end = sc.end_of_london_day(period_to)
    with access.listing(services, actor) as s:
        stmt = (select(m.SafeguardingReferral).join(m.Offender, m.Offender.id == m.SafeguardingReferral.offender_id)
                .where(m.SafeguardingReferral.voided_at.is_(None), m.SafeguardingReferral.concern_at > start,
                       m.SafeguardingReferral.concern_at <= end))
        if team_id is not None:
            stmt = stmt.where(m.Offender.team_id == team_id)
        referrals = s.scalars(stmt).all()
        disclosures = s.scalars(select(m.Disclosure).where(
            m.Disclosure.voided_at.is_(None), m.Disclosure.referral_id.in_([r.id for r in referrals]),
            m.Disclosure.disclosed_at.is_not(None))).all() if referrals else []
    pairs = [sc.durations(r.concern_at, r.referred_at, first_disclosed(disclosures, r.id)) for r in referrals]
    ref_med, ref_worst = sc.summary(p[0] for p in pairs)
    dis_med, dis_worst = sc.summary(p[1] for p in pairs)
    return Timeliness(ref_med, ref_worst, dis_med, dis_worst, len(referrals),
                      sum(1 for r in referrals if r.referred_at is None))
