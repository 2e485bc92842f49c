"""What the record's breaches page, the decision dialog and the OMU's open-breach list read."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from rso_manager.domain.roles import CaseloadScope, Permission, caseload_scopes
from rso_manager.persistence import models as m
from rso_manager.services import access, case_events, settings
from rso_manager.services.breaches.views import (
    NO_CRIME,
    BreachView,
    OpenBreachRow,
    WarningView,
    breach_view,
    display_name_of,
    no_crime_sign_off,
    warning_view,
)
from rso_manager.services.caseload import offender_in_scope
from rso_manager.services.errors import NotFound
from rso_manager.services.unit_of_work import Actor, Services, find_offender, unit_of_work


def breaches_for(services: Services, actor: Actor, offender_id: int, as_of: date | None = None) -> list[BreachView]:
    """The offender's breaches, newest first, with their age, state and warnings."""
    as_of = as_of or services.clock.today()
    with access.reading(services, actor, offender_id) as s:
        find_offender(s, offender_id)
        rows = s.scalars(select(m.Breach).where(m.Breach.offender_id == offender_id, m.Breach.voided_at.is_(None))
                         .order_by(m.Breach.occurred_on.desc(), m.Breach.id.desc()))
        return [breach_view(s, b, as_of) for b in rows]


def warnings_for(services: Services, actor: Actor, offender_id: int) -> list[WarningView]:
    with access.reading(services, actor, offender_id) as s:
        rows = s.scalars(select(m.FormalWarning).where(
            m.FormalWarning.offender_id == offender_id, m.FormalWarning.voided_at.is_(None))
            .order_by(m.FormalWarning.given_on.desc(), m.FormalWarning.id.desc()))
        return [warning_view(s, w) for w in rows]


def open_breaches(services: Services, actor: Actor, as_of: date | None = None,
                  scope: CaseloadScope | None = None) -> list[OpenBreachRow]:
    """Open breaches across the actor's caseload, oldest first: each still lacks a crime
    reference or a signed decision."""
    as_of = as_of or services.clock.today()
    scope = scope or caseload_scopes(actor.role)[0]
    pending = (select(m.SignOff.id).where(m.SignOff.entity == NO_CRIME, m.SignOff.entity_id == m.Breach.id,
                                          m.SignOff.status == "pending").exists())
    stmt = (select(m.Offender.id, m.Offender.reference, m.Offender.surname, m.Offender.forenames,
                   m.Breach.id, m.Breach.occurred_on, m.Breach.description, pending)
            .join(m.Breach, m.Breach.offender_id == m.Offender.id)
            .where(m.Breach.status == "open", m.Breach.voided_at.is_(None), offender_in_scope(actor, scope, as_of))
            .order_by(m.Breach.occurred_on, m.Breach.id))
    with access.listing(services, actor) as s:
        return [OpenBreachRow(oid, ref, f"{sur.upper()}, {fore}", bid, on, max(0, (as_of - on).days), desc, bool(wait))
                for oid, ref, sur, fore, bid, on, desc, wait in s.execute(stmt)]


BREACH_AGE_ALERT_DAYS = 7  # an open breach older than this is shown in red: it needs a decision


def breach_is_old(b: BreachView) -> bool:
    """An open breach still without a crime reference or a signed decision after a week."""
    return b.status == "open" and b.age_days > BREACH_AGE_ALERT_DAYS


@dataclass(frozen=True)
class NoCrimeProposal:
    """A decision not to record a crime, waiting for a supervisor."""

    sign_off_id: int
    version_id: int  # the sign-off's, what deciding it (decide_no_crime) checks
    breach_id: int
    proposed_by: str
    proposed_at: datetime
    rationale: str
    may_decide: bool  # the reader may approve or return it
    why_not: str | None  # why the reader may not (their own proposal, not a supervisor...)


@dataclass(frozen=True)
class BreachRegister:
    breaches: tuple[BreachView, ...]  # open first (oldest first), then closed (newest first)
    warnings: tuple[WarningView, ...]  # every warning, newest first, linked to a breach or not
    proposals: dict[int, NoCrimeProposal]  # breach_id -> the proposal awaiting sign-off
    crime_reference_example: str


@dataclass(frozen=True)
class BreachDecision:
    """What the breach decision dialog shows."""

    breach: BreachView
    proposal: NoCrimeProposal | None
    crime_reference_example: str


def _proposal(s: Session, actor: Actor, b: m.Breach) -> NoCrimeProposal | None:
    so = no_crime_sign_off(s, b.id, "pending")
    if so is None:
        return None
    why: str | None
    if not actor.can(Permission.SIGN_OFF):
        allowed, why = False, "Only a supervisor can sign off this decision."
    else:
        who = case_events.sign_off_allowed(s, so, actor.user_id)
        allowed, why = who.allowed, (None if who.allowed else who.reason)
    return NoCrimeProposal(so.id, so.version_id, b.id, display_name_of(s, so.author_id) or "?", so.requested_at,
                           b.no_crime_rationale or "", allowed, why)


def _open_first(views: list[BreachView]) -> list[BreachView]:
    open_ = sorted((b for b in views if b.status == "open"), key=lambda b: (b.occurred_on, b.breach_id))
    closed = [b for b in views if b.status != "open"]  # already newest first
    return open_ + closed


def breach_register(services: Services, actor: Actor, offender_id: int, as_of: date | None = None) -> BreachRegister:
    """Breaches (open first), warnings and pending proposals: the record's breaches page in one read."""
    as_of = as_of or services.clock.today()
    with access.reading(services, actor, offender_id) as s:
        find_offender(s, offender_id)
        rows = list(s.scalars(select(m.Breach).where(m.Breach.offender_id == offender_id, m.Breach.voided_at.is_(None))
                              .order_by(m.Breach.occurred_on.desc(), m.Breach.id.desc())))
        views = _open_first([breach_view(s, b, as_of) for b in rows])
        proposals = {b.id: p for b in rows if b.status == "open" and (p := _proposal(s, actor, b)) is not None}
        warnings = tuple(warning_view(s, w) for w in s.scalars(select(m.FormalWarning).where(
            m.FormalWarning.offender_id == offender_id, m.FormalWarning.voided_at.is_(None))
            .order_by(m.FormalWarning.given_on.desc(), m.FormalWarning.id.desc())))
        return BreachRegister(tuple(views), warnings, proposals, settings.get(s, "crime_reference_example"))


def breach_decision(services: Services, actor: Actor, breach_id: int) -> BreachDecision:
    """One breach with its pending proposal and the force's crime reference example."""
    with unit_of_work(services, actor) as uow:
        s = uow.session
        b = s.get(m.Breach, breach_id)
        if b is None or b.voided_at is not None:
            raise NotFound(f"No breach {breach_id} (it may have been marked as entered in error).")
        uow.consulted(b.offender_id)
        return BreachDecision(breach_view(s, b, services.clock.today()), _proposal(s, actor, b),
                              settings.get(s, "crime_reference_example"))
