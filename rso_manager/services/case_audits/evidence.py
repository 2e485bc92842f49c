"""The evidence beside each case audit question, read from the record set-based: one query per
kind of entry for every case asked about (a sample's cases at once, or one case), never a query
per case. domain/case_audit_evidence.py words it."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from rso_manager.domain.case_audit_checklist import QUESTIONS
from rso_manager.domain.case_audit_evidence import (
    BreachFact,
    CaseFacts,
    DeviceFact,
    DisclosureFact,
    ReferralFact,
    SignOffFact,
    VisitFact,
    WarningFact,
    evidence,
    newest_first,
)
from rso_manager.domain.dates import london_day
from rso_manager.persistence import models as m
from rso_manager.services import access
from rso_manager.services.unit_of_work import Actor, Services

CHUNK = 500


@dataclass(frozen=True)
class QuestionEvidence:
    key: str
    text: str
    finding: str
    lines: tuple[str, ...]


@dataclass(frozen=True)
class CaseEvidence:
    offender_id: int
    as_of: datetime
    questions: tuple[QuestionEvidence, ...]

    def lines(self, key: str) -> tuple[str, ...]:
        return next(q.lines for q in self.questions if q.key == key)


def _live(model):
    return model.voided_at.is_(None)


def _chunks(ids: Sequence[int]):
    for i in range(0, len(ids), CHUNK):
        yield list(ids[i:i + CHUNK])


def facts_for(s: Session, offender_ids: Sequence[int], now: datetime) -> dict[int, CaseFacts]:
    """Each case's facts as the record holds them at NOW."""
    ids = sorted(set(offender_ids))
    out: dict[int, CaseFacts] = {}
    today = london_day(now)
    for part in _chunks(ids):
        out.update(_facts(s, part, now, today))
    return out


def _facts(s: Session, ids: list[int], now: datetime, today) -> dict[int, CaseFacts]:
    facts: dict[int, dict] = {i: {} for i in ids}
    for oid, due in s.execute(select(m.Offender.id, m.Offender.next_visit_due).where(m.Offender.id.in_(ids))):
        facts[oid]["next_visit_due"] = due
    Ad = m.Address
    for (oid,) in s.execute(select(Ad.offender_id).where(Ad.offender_id.in_(ids), _live(Ad), Ad.kind == "home",
                                                          Ad.from_date <= today, Ad.to_date.is_(None)).distinct()):
        facts[oid]["has_home_address"] = True
    RA = m.RiskAssessment
    for ra in s.scalars(select(RA).where(RA.offender_id.in_(ids), _live(RA)).order_by(RA.assessed_on, RA.id)):
        facts[ra.offender_id].update(risk_level=ra.level, risk_review_by=ra.review_by)  # the latest wins
    P = m.RiskManagementPlan
    for p in s.scalars(select(P).where(P.offender_id.in_(ids), _live(P)).order_by(P.effective_from, P.id)):
        facts[p.offender_id].update(has_plan=True, plan_interval_months=p.visit_interval_months,
                                    plan_reactive=bool(p.reactive))
    R = m.Relationship
    for oid, n in s.execute(select(R.offender_id, func.count(R.id)).where(R.offender_id.in_(ids), _live(R))
                            .group_by(R.offender_id)):
        facts[oid]["relationships"] = n
    A = m.Action
    for oid, n, late in s.execute(
            select(A.offender_id, func.count(A.id), func.count(A.id).filter(A.due_on < today))
            .where(A.offender_id.in_(ids), _live(A), A.completed_on.is_(None)).group_by(A.offender_id)):
        facts[oid].update(open_actions=n, overdue_actions=late)

    V, VO = m.Visit, m.VisitOfficer
    officers = dict(s.execute(select(VO.visit_id, func.count(VO.id)).join(V, V.id == VO.visit_id)
                              .where(V.offender_id.in_(ids), V.status == "completed").group_by(VO.visit_id)).all())
    visits: dict[int, list[VisitFact]] = defaultdict(list)
    visit_day = {}
    for v in s.scalars(select(V).where(V.offender_id.in_(ids), _live(V), V.status == "completed",
                                       V.visited_at.is_not(None))):
        assert v.visited_at is not None
        day = london_day(v.visited_at)
        visit_day[v.id] = day
        visits[v.offender_id].append(VisitFact(v.kind, day, bool(v.announced), v.override_reason,
                                               officers.get(v.id, 0), v.outcome))
    D, DC = m.Device, m.DeviceCheck
    checks: dict[int, tuple[int, date | None]] = {
        did: (n, last) for did, n, last in s.execute(
            select(DC.device_id, func.count(DC.id), func.max(DC.checked_on))
            .where(DC.offender_id.in_(ids), _live(DC), DC.result == "checked").group_by(DC.device_id))}
    devices: dict[int, list[DeviceFact]] = defaultdict(list)
    found_visits = {}
    device_rows = list(s.scalars(select(D).where(D.offender_id.in_(ids), _live(D)).order_by(D.id)))
    missing = {d.found_at_visit_id for d in device_rows if d.found_at_visit_id and d.found_at_visit_id not in visit_day}
    if missing:
        found_visits = {vid: london_day(at) for vid, at in s.execute(
            select(V.id, V.visited_at).where(V.id.in_(missing), V.visited_at.is_not(None))) if at is not None}
    for d in device_rows:
        n, last = checks.get(d.id, (0, None))
        found = visit_day.get(d.found_at_visit_id) or found_visits.get(d.found_at_visit_id) if d.found_at_visit_id \
            else None
        devices[d.offender_id].append(DeviceFact(d.id, d.kind, d.make_model, bool(d.declared), d.status,
                                                 found or (d.declared_on if not d.declared else None), n, last))
    B = m.Breach
    breaches: dict[int, list[BreachFact]] = defaultdict(list)
    for b in s.scalars(select(B).where(B.offender_id.in_(ids), _live(B)).order_by(B.occurred_on, B.id)):
        breaches[b.offender_id].append(BreachFact(b.source, b.occurred_on, b.status, b.crime_reference,
                                                  b.no_crime_rationale, b.device_id))
    W = m.FormalWarning
    warnings: dict[int, list[WarningFact]] = defaultdict(list)
    for w in s.scalars(select(W).where(W.offender_id.in_(ids), _live(W)).order_by(W.given_on, W.id)):
        warnings[w.offender_id].append(WarningFact(w.kind, w.given_on, w.rationale))
    S = m.SignOff
    sign_offs: dict[int, list[SignOffFact]] = defaultdict(list)
    for so in s.scalars(select(S).where(S.offender_id.in_(ids), S.signed_at.is_not(None), S.entity != "case_audit")
                        .order_by(S.signed_at.desc(), S.id.desc())):
        if so.offender_id is None or so.signed_at is None:
            continue
        sign_offs[so.offender_id].append(SignOffFact(so.entity, so.decision, so.rationale, london_day(so.signed_at)))
    refused = dict(s.execute(select(S.offender_id, func.count(m.SignOffRefusal.id))
                             .join(m.SignOffRefusal, m.SignOffRefusal.sign_off_id == S.id)
                             .where(S.offender_id.in_(ids)).group_by(S.offender_id)).all())
    SR = m.SafeguardingReferral
    referrals: dict[int, list[ReferralFact]] = defaultdict(list)
    for ref in s.scalars(select(SR).where(SR.offender_id.in_(ids), _live(SR)).order_by(SR.concern_at, SR.id)):
        referrals[ref.offender_id].append(ReferralFact(ref.concern_at, ref.referred_at, ref.decision_at,
                                                       ref.not_applicable_reason is not None))
    Di = m.Disclosure
    disclosures: dict[int, list[DisclosureFact]] = defaultdict(list)
    for dis in s.scalars(select(Di).where(Di.offender_id.in_(ids), _live(Di)).order_by(Di.id)):
        disclosures[dis.offender_id].append(DisclosureFact(dis.applied_at, dis.due_at, dis.decision is not None,
                                                           dis.completed_at or dis.disclosed_at,
                                                           dis.not_applicable_reason is not None))
    out = {}
    for oid in ids:
        out[oid] = replace(CaseFacts(**facts[oid]), visits=newest_first(visits[oid]), devices=tuple(devices[oid]),
                           breaches=tuple(breaches[oid]), warnings=tuple(warnings[oid]),
                           sign_offs=tuple(sign_offs[oid]), refused_rationales=refused.get(oid, 0),
                           referrals=tuple(referrals[oid]), disclosures=tuple(disclosures[oid]))
    return out


def worded(offender_id: int, facts: CaseFacts, now: datetime) -> CaseEvidence:
    lines = evidence(facts, now)
    return CaseEvidence(offender_id, now, tuple(QuestionEvidence(q.key, q.text, q.finding, lines[q.key])
                                                for q in QUESTIONS))


def evidence_in(s: Session, offender_id: int, now: datetime) -> CaseEvidence:
    return worded(offender_id, facts_for(s, [offender_id], now)[offender_id], now)


def case_evidence(services: Services, actor: Actor, offender_id: int) -> CaseEvidence:
    """The checklist's evidence for one case, covered by the user's opening of the record."""
    with access.reading(services, actor, offender_id) as s:
        return evidence_in(s, offender_id, services.clock.now())
