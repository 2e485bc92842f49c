"""The notification requirement a conviction starts (s.80, s.82): its period
(domain.notification_period, an SHPO extending it, s.103G) and when a review may be applied for
(ss.91A-91B)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from rso_manager.domain import notification_due as nd
from rso_manager.domain.notification_period import (
    DisposalKind,
    NotificationPeriod,
    OrderInForce,
    ReviewEligibility,
    notification_period,
    review_eligibility,
)
from rso_manager.domain.notification_requirement import in_force as requirement_in_force
from rso_manager.persistence import models as m
from rso_manager.services import settings
from rso_manager.services.notifications.kinds import RELEASE_KINDS
from rso_manager.services.notifications.pending import live, notified_on, taken_rows
from rso_manager.services.notifications.sentence_terms import terms_of
from rso_manager.services.unit_of_work import UnitOfWork, find_offender


@dataclass(frozen=True)
class RequirementView:
    requirement_id: int
    conviction_id: int | None
    offence: str | None
    starts_on: date
    ends_on: date | None
    indefinite: bool
    depends_on_sentence: bool
    basis: str
    review_eligible_on: date | None
    # s.91A(2)(b): the order (SHPO, SOPO...) that stops or delays a review, and why.
    review_barred_by: str | None = None
    review_note: str = ""
    # The offender is subject to it today (services.clock): indefinite, waiting on the
    # sentence, or not yet ended.
    in_force: bool = field(kw_only=True)

    @property
    def summary(self) -> str:
        if self.depends_on_sentence:
            return "Depends on sentence"
        if self.indefinite:
            if self.review_eligible_on:
                review = f"; review may be applied for from {self.review_eligible_on:%d/%m/%Y}"
            elif self.review_barred_by:
                review = f"; no review while the {self.review_barred_by} has effect (s.91A(2)(b))"
            else:
                review = ""
            return f"Indefinite{review}"
        return f"{self.starts_on:%d/%m/%Y} to {self.ends_on:%d/%m/%Y}"


def requirement_for(session: Session, conviction_id: int) -> m.NotificationRequirement | None:
    r = m.NotificationRequirement
    return session.scalar(select(r).where(r.conviction_id == conviction_id, live(r)).order_by(r.id.desc()).limit(1))


def _shpo(session: Session, offender_id: int) -> tuple[date | None, bool]:
    """s.103G(1): notification lasts at least as long as any SHPO in force."""
    orders = list(session.scalars(select(m.CivilOrder).where(
        m.CivilOrder.offender_id == offender_id, m.CivilOrder.kind == "SHPO", live(m.CivilOrder))))
    return max((o.ends_on for o in orders if o.ends_on), default=None), any(o.indefinite for o in orders)


def period_for(session: Session, c: m.Conviction, dob: date) -> NotificationPeriod:
    shpo_end, shpo_indefinite = _shpo(session, c.offender_id)
    return notification_period(
        DisposalKind(c.disposal) if c.disposal else None, c.convicted_on, dob,
        sentence_terms=terms_of(c), sentenced_on=c.sentenced_on, discharge_months=c.discharge_months,
        threshold_offence=c.threshold_depends_on_sentence, shpo_end=shpo_end,
        shpo_indefinite=shpo_indefinite)


def _review_date(session: Session, c: m.Conviction, under_18: bool) -> date:
    """s.91B(2) runs from the first notification following release. Until one is recorded,
    approximate it by the day after the first release after the relevant date (or the
    relevant date itself) so the record shows a date rather than nothing."""
    p = m.DisregardedPeriod
    release = session.scalar(select(p.ends_on).where(
        p.offender_id == c.offender_id, live(p), p.kind.in_(RELEASE_KINDS), p.ends_on >= c.convicted_on
    ).order_by(p.ends_on).limit(1))
    base = release + timedelta(days=1) if release else c.convicted_on
    first = next((on for on in map(notified_on, taken_rows(session, c.offender_id)) if on >= base), base)
    return nd.review_qualifying_date(first, under_18, settings.notification_policy(session))


def _review(session: Session, c: m.Conviction, under_18: bool, today: date) -> ReviewEligibility:
    """s.91B's qualifying date, moved or withheld while an order s.91A(2)(b) names has effect.
    Read again whenever the requirement is shown: orders are made and end without the
    requirement being recomputed."""
    orders = [OrderInForce(o.kind, o.made_on, o.ends_on, o.indefinite) for o in session.scalars(
        select(m.CivilOrder).where(m.CivilOrder.offender_id == c.offender_id, live(m.CivilOrder)))]
    return review_eligibility(_review_date(session, c, under_18), orders, today)


def _reviewable(p: NotificationPeriod) -> bool:
    return p.indefinite and p.length_months is None  # s.91A: not an SHPO-only extension


def sync_requirement(uow: UnitOfWork, c: m.Conviction, dob: date,
                     correction: str | None = None) -> m.NotificationRequirement | None:
    """Create or bring up to date the conviction's requirement. A correction keeps the old
    values as a revision; a recomputation from new inputs (custody, SHPO) is audited only."""
    if not c.schedule3:
        return None  # s.80: only Schedule 3 offences make a relevant offender
    p = period_for(uow.session, c, dob)
    review = _review(uow.session, c, p.under_18, uow.services.clock.today()) if _reviewable(p) else None
    values = dict(starts_on=c.convicted_on, ends_on=p.end, indefinite=p.indefinite, basis=p.explanation,
                  review_eligible_on=review.eligible_on if review else None)
    r = requirement_for(uow.session, c.id)
    if r is None:
        r = uow.stamp_created(m.NotificationRequirement(offender_id=c.offender_id, conviction_id=c.id, **values))
        uow.session.add(r)
        uow.session.flush()
        uow.audit("entry.create", entity="notification_requirement", entity_id=r.id,
                  offender_id=c.offender_id, details=values)
        return r
    changed = {k: v for k, v in values.items() if getattr(r, k) != v}
    if changed:
        before = {k: getattr(r, k) for k in changed}
        if correction:
            uow.keep_revision(r, entity="notification_requirement", offender_id=c.offender_id, reason=correction)
        for k, v in changed.items():
            setattr(r, k, v)
        uow.stamp_updated(r)
        uow.session.flush()
        uow.audit("record.correct" if correction else "entry.update", entity="notification_requirement",
                  entity_id=r.id, offender_id=c.offender_id, reason=correction,
                  details={"before": before, "after": changed})
    return r


def recompute_requirements(uow: UnitOfWork, offender_id: int) -> None:
    """For other workflows in the same transaction (an SHPO made, varied or discharged)."""
    o = find_offender(uow.session, offender_id)
    for c in uow.session.scalars(select(m.Conviction).where(m.Conviction.offender_id == offender_id,
                                                            live(m.Conviction))):
        sync_requirement(uow, c, o.date_of_birth)


def requirement_view(session: Session, r: m.NotificationRequirement, today: date) -> RequirementView:
    c = session.get(m.Conviction, r.conviction_id) if r.conviction_id else None
    eligible_on, barred_by, note = r.review_eligible_on, None, ""
    if c is not None and r.indefinite and c.voided_at is None:
        o = find_offender(session, c.offender_id)
        p = period_for(session, c, o.date_of_birth)
        if _reviewable(p):
            review = _review(session, c, p.under_18, today)
            eligible_on, barred_by, note = review.eligible_on, review.barred_by, review.explanation
    return RequirementView(r.id, r.conviction_id, c.offence if c else None, r.starts_on, r.ends_on, r.indefinite,
                           not r.indefinite and r.ends_on is None, r.basis or "", eligible_on, barred_by, note,
                           in_force=requirement_in_force(r.indefinite, r.ends_on, today))
