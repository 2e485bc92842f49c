"""The safeguarding section: referral decisions overdue, concerns not referred, how long the
period's referrals and disclosures took (domain.safeguarding_clocks), and every part of every
safeguarding response opened in the period with its delay, those not on time named (issue 19)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import and_, select
from sqlalchemy.orm import aliased

from rso_manager.domain import safeguarding_clocks as sc
from rso_manager.domain import safeguarding_response as sr
from rso_manager.domain.dates import london_day
from rso_manager.persistence import models as m
from rso_manager.reports.compliance_figures import selections as sel
from rso_manager.reports.compliance_figures.context import Ctx, clip, oldest_first, person_name
from rso_manager.reports.compliance_figures.figures import (
    DurationSummary,
    ExceptionRow,
    SafeguardingFigures,
    SafeguardingPartRow,
    Share,
    TeamDelays,
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
    parts = _response_parts(c, end_of_as_of)
    concerns = {(p.reference, p.concern_at): p for p in parts if p.part == sr.PART_REFERRAL}
    return SafeguardingFigures(
        decision_overdue=oldest_first(overdue), not_referred=oldest_first(not_referred),
        referrals_in_period=len(referred), decisions_late=Share(late, len(decided)),
        concern_to_referral=DurationSummary(len(referred), _hours(to_referral[0]), _hours(to_referral[1])),
        concern_to_disclosure=DurationSummary(len(disclosed), _hours(to_disclosure[0]), _hours(to_disclosure[1])),
        parts=parts, not_on_time=tuple(p for p in parts if not p.on_time and p.status != "not applicable"),
        by_team=_by_team(parts),
        shared_with_csc=Share(sum(p.shared_with_csc for p in concerns.values()), len(concerns)),
        on_ppn=Share(sum(bool(p.ppn_reference) for p in concerns.values()), len(concerns)),
    )


def _response_parts(c: Ctx, end_of_as_of: datetime) -> tuple[SafeguardingPartRow, ...]:
    """Every part of every concern raised in the period, as the record stood at the end of the
    as-of day: a part done later is still open then, and its delay runs to that day's end."""
    F, D, C = m.SafeguardingReferral, m.Disclosure, m.ChildSafetyCheck
    owner = aliased(m.User, name="part_owner")
    concern_cols = (F.id.label("referral_id"), F.concern_at, F.referred_at, F.referral_due_at, F.ppn_reference,
                    m.Team.name.label("team"), m.Offender.reference, m.Offender.surname, m.Offender.forenames,
                    m.Offender.id.label("case_id"))
    concerns = {r.referral_id: r for r in c.s.execute(
        select(*concern_cols).join(m.Offender, m.Offender.id == F.offender_id)
        .outerjoin(m.Team, m.Team.id == m.Offender.team_id)
        .where(c.in_scope, c.live(F), c.in_period(F.concern_at)))}
    if not concerns:
        return ()
    ids = list(concerns)
    rows: list[SafeguardingPartRow] = []

    def add(concern, part: str, what: str, owner_name: str | None, due: datetime | None,
            done: datetime | None, not_applicable: datetime | None) -> None:
        done = done if done is not None and done < c.as_of_end else None
        not_applicable = not_applicable if not_applicable is not None and not_applicable < c.as_of_end else None
        clock = sr.part_clock(due, done, not_applicable, end_of_as_of)
        late = clock.late_by is not None
        referred = concern.referred_at is not None and concern.referred_at < c.as_of_end
        rows.append(SafeguardingPartRow(
            concern.reference, person_name(concern.surname, concern.forenames), concern.team, owner_name, part, what,
            concern.concern_at, due, done, clock.state.value, not late,
            ("not the same day" if part == sr.PART_REFERRAL else "late") if late else None,
            _hours(clock.late_by), clock.working_days_late, sr.delay_text(clock.late_by, clock.working_days_late),
            referred, concern.ppn_reference, offender_id=concern.case_id))

    for r in c.s.execute(select(F.id, F.referral_due_at, F.referred_at, F.not_applicable_at,
                                owner.display_name.label("owner"))
                         .outerjoin(owner, owner.id == F.owner_id).where(F.id.in_(ids))):
        concern = concerns[r.id]
        # A concern from before responses had due times: due by the end of its London day (R21).
        due = r.referral_due_at or sc.end_of_london_day(london_day(concern.concern_at))
        add(concern, sr.PART_REFERRAL, sr.PART_LABEL[sr.PART_REFERRAL], r.owner, due, r.referred_at,
            r.not_applicable_at)
    for d in c.s.execute(select(D.referral_id, D.due_at, D.decision, D.completed_at, D.not_applicable_at,
                                owner.display_name.label("owner"))
                         .outerjoin(owner, owner.id == D.owner_id)
                         .where(D.referral_id.in_(ids), c.live(D), D.route == "s327a", D.due_at.is_not(None))):
        add(concerns[d.referral_id], sr.PART_DISCLOSURE, sr.PART_LABEL[sr.PART_DISCLOSURE], d.owner, d.due_at,
            d.completed_at if d.decision else None, d.not_applicable_at)
    for k in c.s.execute(select(C.referral_id, C.child, C.due_at, C.checked_at, C.not_applicable_at,
                                owner.display_name.label("owner"))
                         .outerjoin(owner, owner.id == C.owner_id).where(C.referral_id.in_(ids), c.live(C))):
        add(concerns[k.referral_id], sr.PART_CHILD_CHECK, f"{sr.PART_LABEL[sr.PART_CHILD_CHECK]}: {clip(k.child, 60)}",
            k.owner, k.due_at, k.checked_at, k.not_applicable_at)
    order = {sr.PART_REFERRAL: 0, sr.PART_DISCLOSURE: 1, sr.PART_CHILD_CHECK: 2}
    return tuple(sorted(rows, key=lambda p: (p.concern_at, p.reference, order[p.part], p.what)))


def _by_team(parts: tuple[SafeguardingPartRow, ...]) -> tuple[TeamDelays, ...]:
    out = []
    for team, part in sorted({(p.team or "No team", p.part) for p in parts}):
        mine = [p for p in parts if (p.team or "No team") == team and p.part == part and p.status != "not applicable"]
        done = [p.done_at - p.concern_at for p in mine if p.done_at is not None]
        median, worst = sc.summary(max(d, timedelta(0)) for d in done)
        out.append(TeamDelays(team, part, DurationSummary(len(done), _hours(median), _hours(worst)),
                              Share(sum(not p.on_time for p in mine), len(mine))))
    return tuple(out)


def _decision_late(referred_at: datetime, decision_at: datetime) -> bool:
    try:
        return sc.referral_flag(referred_at, decision_at, decision_at) is sc.ReferralFlag.DECISION_LATE
    except ValueError:
        return False  # a decision dated before its referral is a data error, not a late decision
