"""Statutory notifications and the convictions that start them (SOA 2003 Part 2, ss.80-91).

This module gathers the inputs the pure rules need from the record (date of birth, custody and
time abroad, SHPOs, notification history, stays), stores their answers, and opens what the Act's
failures call for: a breach for a late notification or refused biometrics (s.91), a safeguarding
task for a stay in a household with a child. Every due date comes from
domain.notification_period and domain.notification_due; nothing here re-states a statutory rule.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from rso_manager.clock import LONDON
from rso_manager.domain import notification_due as nd
from rso_manager.domain.dates import add_months, age_on
from rso_manager.domain.notification_period import (
    TERM_DISPOSALS,
    DisposalKind,
    DisregardedPeriod,
    DisregardReason,
    Duration,
    NotificationPeriod,
    OrderInForce,
    ReviewEligibility,
    SentenceTerm,
    TermRuns,
    counting_term,
    notification_period,
    review_eligibility,
    term_problems,
)
from rso_manager.domain.roles import CaseloadScope, Permission, caseload_scopes
from rso_manager.domain.visit_window import TriggerKind
from rso_manager.persistence import models as m
from rso_manager.reports.acknowledgement import acknowledgement_pdf
from rso_manager.services import access, case_events, case_summary, settings
from rso_manager.services.breaches import notification_breaches
from rso_manager.services.caseload import _scope_filter
from rso_manager.services.errors import (
    FieldProblem,
    NotFound,
    ValidationFailed,
    past_date_problem,
    reason_problem,
)
from rso_manager.services.unit_of_work import (
    Actor,
    Services,
    UnitOfWork,
    find_offender,
    unit_of_work,
)

CONVICTION_KINDS = ("conviction", "finding", "caution")
SOURCES = ("court_list", "custody_record", "certificate")
PERIOD_KINDS = tuple(r.value for r in DisregardReason)  # custody | hospital | abroad
RELEASE_KINDS = ("custody", "hospital")  # s.84(1)(d): release from either is a notifiable change
IN_PERSON = "in_person_at_station"
METHODS = (IN_PERSON, "home_visit", "telephone", "other")
EVENT_KINDS = ("change_name", "change_address", "no_fixed_abode", "household", "travel",
               "financial", "did_not_occur")

LABELS = {
    "initial": "Initial notification (s.83)",
    "change_name": "Change of name (s.84(1)(a))",
    "change_address": "Change of home address (s.84(1)(b))",
    "change_premises": "Other premises, qualifying period reached (s.84(1)(c))",
    "release": "Release from custody or detention (s.84(1)(d))",
    "periodic": "Annual notification (s.85)",
    "weekly": "Weekly notification, no fixed abode (s.85)",
    "travel": "Foreign travel (s.86)",
    "household": "Stay in a household with a child (2012 Regs reg 10)",
    "financial": "Bank, card and passport details (2012 Regs)",
    "did_not_occur": "Notified change did not occur (s.84(4)(b))",
}
KINDS = tuple(LABELS)
# How the domain rules see each stored kind: decides which ones restart the annual clock (s.85(2)).
DOMAIN_KIND = {
    "initial": nd.NotificationKind.INITIAL,
    "change_name": nd.NotificationKind.CHANGE,
    "change_address": nd.NotificationKind.CHANGE,
    "change_premises": nd.NotificationKind.CHANGE,
    "release": nd.NotificationKind.CHANGE,
    "periodic": nd.NotificationKind.PERIODIC,
    "weekly": nd.NotificationKind.WEEKLY,
    "travel": nd.NotificationKind.TRAVEL,
    "household": nd.NotificationKind.HOUSEHOLD,
    "financial": nd.NotificationKind.DETAILS_2012,
    "did_not_occur": nd.NotificationKind.DID_NOT_OCCUR,
}
# An open custody, hospital or abroad period: the clock stays paused until it ends, so a due
# date computed past this sentinel is shown as "after release" (None), not as a year 9999 date.
OPEN_END = date(9999, 1, 1)

S87_MESSAGE = (
    "The Sexual Offences Act 2003 s.87 requires notification in person at a police station on "
    "the force's designated list. A notification taken at home or by phone may be "
    "unenforceable. Ask the offender to attend {stations}."
)


# --- DTOs ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ConvictionInput:
    """A conviction, finding or caution as the OMU learns of it (court list, custody record or
    s.92 certificate). `disposal` None means not yet sentenced."""

    kind: str = "conviction"
    court: str | None = None
    convicted_on: date | None = None
    offence: str = ""
    schedule3: bool = True
    threshold_depends_on_sentence: bool = False
    disposal: DisposalKind | str | None = None
    sentence_months: int | None = None  # the older whole-months entry: one term
    discharge_months: int | None = None
    source: str | None = None
    learned_on: date | None = None
    sentence_terms: tuple[SentenceTerm, ...] = ()  # years/months/weeks/days, consecutive or concurrent


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


@dataclass(frozen=True)
class ConvictionView:
    conviction_id: int
    version_id: int
    offender_id: int
    kind: str
    court: str | None
    convicted_on: date
    offence: str
    schedule3: bool
    threshold_depends_on_sentence: bool
    disposal: str | None
    sentence_months: int | None
    discharge_months: int | None
    sentenced_on: date | None
    age_at_conviction: int | None
    source: str | None
    learned_on: date | None
    requirement: RequirementView | None
    initial_notification_id: int | None
    initial_due_on: date | None
    sentence_terms: tuple[SentenceTerm, ...] = ()
    sentence_text: str | None = None  # the terms and the one term they count as (s.82(3)-(4))


@dataclass(frozen=True)
class PeriodView:
    period_id: int
    version_id: int
    kind: str
    starts_on: date
    ends_on: date | None
    release_notification_id: int | None = None


@dataclass(frozen=True)
class PendingNotification:
    notification_id: int
    version_id: int
    kind: str
    label: str
    event_on: date | None
    due_on: date | None  # None: paused while in custody, hospital or abroad, or no date yet
    overdue: bool
    days_overdue: int
    due_soon: bool
    details: dict

    @property
    def status(self) -> str:
        if self.due_on is None:
            return "paused"
        return "overdue" if self.overdue else ("due soon" if self.due_soon else "due")


@dataclass(frozen=True)
class EventRecorded:
    notification: PendingNotification
    referral_id: int | None = None  # the safeguarding task a household stay opens (R9)
    address_id: int | None = None


@dataclass(frozen=True)
class StayResult:
    stay_id: int
    address_id: int
    days_in_last_12_months: int
    reached_on: date | None  # s.84(6): the day the qualifying period was reached
    flagged: bool
    notification_id: int | None
    due_on: date | None


@dataclass(frozen=True)
class NewHome:
    """A change of home address (s.84(1)(b)): the new address, or no fixed abode."""

    line1: str = ""
    town: str | None = None
    postcode: str | None = None
    no_fixed_abode: bool = False

    @classmethod
    def from_details(cls, details: Mapping[str, Any], *, no_fixed_abode: bool = False) -> NewHome:
        return cls(_text(details, "line1"), _text(details, "town") or None,
                   _text(details, "postcode").upper() or None, no_fixed_abode)

    def problems(self) -> list[FieldProblem]:
        if self.no_fixed_abode or self.line1.strip():
            return []
        return [FieldProblem("line1", "Enter the new home address (house number and street), or say the "
                                      "offender has no fixed abode.")]


@dataclass(frozen=True)
class NotificationInput:
    """A notification as given at the station. `kind` picks the pending item(s) it answers
    unless `pending_ids` names them; `event_on` dates a change nobody had recorded yet, and
    `new_home` is the address such a change of home address gives. `notified_at` is when the
    offender actually notified (a front-desk notification typed in later): it decides lateness,
    on its London date."""

    kind: str
    station_id: int | None
    method: str
    in_person: bool
    fingerprints_taken: bool | None = None
    photographs_taken: bool | None = None
    refused_biometrics: bool = False
    details: Mapping[str, Any] | None = None  # bank, card, passport/ID (2012 Regs)
    pending_ids: tuple[int, ...] = ()
    event_on: date | None = None
    notified_at: datetime | None = None  # default: now; never in the future or before the event
    new_home: NewHome | None = None


@dataclass(frozen=True)
class TakenNotification:
    notification_ids: tuple[int, ...]
    offender_id: int
    kinds: tuple[str, ...]
    notified_at: datetime
    station_id: int
    station_name: str
    taken_by_id: int
    taken_by: str
    fingerprints_taken: bool
    photographs_taken: bool
    refused_biometrics: bool
    details_captured: dict
    due_on: date | None
    late: bool
    breach_ids: tuple[int, ...]  # late notifications and refused biometrics: go to the decision
    next_due_on: date | None

    @property
    def breach_id(self) -> int | None:
        return self.breach_ids[0] if self.breach_ids else None

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(LABELS.get(k, k) for k in self.kinds)


@dataclass(frozen=True)
class TakenRow:
    notification_id: int
    kind: str
    label: str
    due_on: date | None
    notified_at: datetime
    station: str | None
    taken_by: str | None
    late: bool
    fingerprints_taken: bool | None
    photographs_taken: bool | None


@dataclass(frozen=True)
class QualifyingCounter:
    address_id: int
    address: str
    days_in_last_12_months: int
    reached_on: date | None
    flagged: bool


@dataclass(frozen=True)
class NotificationsView:
    offender_id: int
    as_of: date
    requirements: tuple[RequirementView, ...]
    pending: tuple[PendingNotification, ...]
    taken: tuple[TakenRow, ...]
    stays: tuple[QualifyingCounter, ...]
    disregarded: tuple[PeriodView, ...]
    next_due_on: date | None


@dataclass(frozen=True)
class DueNotification:
    notification_id: int
    offender_id: int
    reference: str
    name: str
    kind: str
    label: str
    event_on: date | None
    due_on: date
    overdue: bool
    days_overdue: int


@dataclass(frozen=True)
class StationView:
    station_id: int
    code: str
    name: str
    designated: bool
    version_id: int


# --- small helpers ---------------------------------------------------------------------------


def _local_date(at: datetime) -> date:
    return at.astimezone(LONDON).date()


def _details(n: m.StatutoryNotification) -> dict:
    return json.loads(n.details) if n.details else {}


def _set_details(n: m.StatutoryNotification, d: Mapping[str, Any]) -> None:
    n.details = json.dumps(d, sort_keys=True, default=str) if d else None


def _policy(session: Session) -> nd.NotificationPolicy:
    """A force may override the numbers (setting "notification_policy"); defaults otherwise."""
    try:
        raw = settings.get(session, "notification_policy")
    except KeyError:
        return nd.DEFAULT_POLICY
    return nd.NotificationPolicy(**{k: v for k, v in raw.items() if isinstance(v, int)})



def _live(model):
    return model.voided_at.is_(None)


def _pending_rows(session: Session, offender_id: int) -> list[m.StatutoryNotification]:
    n = m.StatutoryNotification
    return list(session.scalars(select(n).where(n.offender_id == offender_id, _live(n),
                                                n.notified_at.is_(None)).order_by(n.due_on, n.id)))


def _taken_rows(session: Session, offender_id: int) -> list[m.StatutoryNotification]:
    n = m.StatutoryNotification
    return list(session.scalars(select(n).where(n.offender_id == offender_id, _live(n),
                                                n.notified_at.is_not(None)).order_by(n.notified_at, n.id)))


def _periods(session: Session, offender_id: int) -> list[DisregardedPeriod]:
    """s.83(6), s.84(5), s.85(3): custody, hospital and time abroad, open ones to OPEN_END."""
    rows = session.scalars(select(m.DisregardedPeriod).where(
        m.DisregardedPeriod.offender_id == offender_id, _live(m.DisregardedPeriod)))
    return [DisregardedPeriod(p.starts_on, p.ends_on or OPEN_END, DisregardReason(p.kind)) for p in rows]


def _due(kind: str, event_on: date | None, periods: list[DisregardedPeriod],
         policy: nd.NotificationPolicy, other_dues: Iterable[date] = ()) -> date | None:
    """The statutory due date of one notification; event_on is the anchor for periodic/weekly."""
    if kind == "financial":
        return nd.details_2012_due(other_dues)
    if event_on is None:
        return None
    due = {
        "initial": lambda: nd.initial_due(event_on, periods, policy),
        "periodic": lambda: nd.periodic_due(event_on, periods, policy),
        "weekly": lambda: nd.weekly_due(event_on, periods, policy),
        "travel": lambda: nd.travel_due(event_on, policy),
        "household": lambda: nd.household_stay_due(event_on, periods, policy),
        "did_not_occur": lambda: nd.did_not_occur_due(event_on, None, periods, policy),
    }.get(kind, lambda: nd.change_due(event_on, periods, policy))()
    return None if due is None or due >= OPEN_END else due


def _pending_view(n: m.StatutoryNotification, today: date, days_ahead: int) -> PendingNotification:
    overdue = n.due_on is not None and nd.is_overdue(n.due_on, today, notified=False)
    return PendingNotification(
        n.id, n.version_id, n.kind, LABELS.get(n.kind, n.kind), n.event_on, n.due_on, overdue,
        (today - n.due_on).days if overdue else 0,
        n.due_on is not None and not overdue and n.due_on <= today + timedelta(days=days_ahead),
        _details(n))


def _new_pending(uow: UnitOfWork, offender_id: int, kind: str, event_on: date | None,
                 due_on: date | None, details: Mapping[str, Any] | None = None) -> m.StatutoryNotification:
    n = uow.stamp_created(m.StatutoryNotification(offender_id=offender_id, kind=kind, event_on=event_on,
                                                  due_on=due_on, in_person=True, late=False))
    _set_details(n, details or {})
    uow.session.add(n)
    uow.session.flush()
    uow.audit("entry.create", entity="statutory_notification", entity_id=n.id, offender_id=offender_id,
              details={"kind": kind, "event_on": event_on, "due_on": due_on})
    return n


def _set_due(uow: UnitOfWork, n: m.StatutoryNotification, event_on: date | None, due_on: date | None,
             why: str) -> None:
    """Derived dates move when their inputs change; the audit row keeps the old value."""
    if (n.event_on, n.due_on) == (event_on, due_on):
        return
    before = {"event_on": n.event_on, "due_on": n.due_on}
    n.event_on, n.due_on = event_on, due_on
    uow.stamp_updated(n)
    uow.audit("entry.update", entity="statutory_notification", entity_id=n.id, offender_id=n.offender_id,
              reason=why, details={"before": before, "after": {"event_on": event_on, "due_on": due_on}})


def _void_pending(uow: UnitOfWork, n: m.StatutoryNotification, why: str) -> None:
    n.voided_at, n.voided_by_id, n.void_reason = uow.now, uow.actor.user_id or None, why
    uow.stamp_updated(n)
    uow.audit("entry.void", entity="statutory_notification", entity_id=n.id, offender_id=n.offender_id,
              reason=why)


def _recompute_pending(uow: UnitOfWork, offender_id: int, why: str) -> None:
    """Every pending due date from its event and today's record of disregarded time."""
    s, policy = uow.session, _policy(uow.session)
    periods = _periods(s, offender_id)
    pending = _pending_rows(s, offender_id)
    for n in pending:
        if n.kind != "financial":
            _set_due(uow, n, n.event_on, _due(n.kind, n.event_on, periods, policy), why)
    others = [n.due_on for n in pending if n.kind != "financial" and n.due_on is not None]
    for n in pending:
        if n.kind == "financial":  # 2012 details go with the next notification due
            _set_due(uow, n, n.event_on, _due("financial", n.event_on, periods, policy, others), why)


# --- requirement (s.82) ----------------------------------------------------------------------


def _requirement_for(session: Session, conviction_id: int) -> m.NotificationRequirement | None:
    r = m.NotificationRequirement
    return session.scalar(select(r).where(r.conviction_id == conviction_id, _live(r)).order_by(r.id.desc()).limit(1))


def _shpo(session: Session, offender_id: int) -> tuple[date | None, bool]:
    """s.103G(1): notification lasts at least as long as any SHPO in force."""
    orders = list(session.scalars(select(m.CivilOrder).where(
        m.CivilOrder.offender_id == offender_id, m.CivilOrder.kind == "SHPO", _live(m.CivilOrder))))
    return max((o.ends_on for o in orders if o.ends_on), default=None), any(o.indefinite for o in orders)


def _period(session: Session, c: m.Conviction, dob: date) -> NotificationPeriod:
    shpo_end, shpo_indefinite = _shpo(session, c.offender_id)
    return notification_period(
        DisposalKind(c.disposal) if c.disposal else None, c.convicted_on, dob,
        sentence_terms=_terms(c), sentenced_on=c.sentenced_on, discharge_months=c.discharge_months,
        threshold_offence=c.threshold_depends_on_sentence, shpo_end=shpo_end,
        shpo_indefinite=shpo_indefinite)


# --- sentence terms, stored as JSON on the conviction (kept whole by its revisions) -------------


def _months_term(months: int | None) -> tuple[SentenceTerm, ...]:
    return (SentenceTerm(Duration(months=months)),) if months else ()


def _duration_json(d: Duration) -> dict[str, int]:
    return {"years": d.years, "months": d.months, "weeks": d.weeks, "days": d.days}


def _terms_json(terms: tuple[SentenceTerm, ...]) -> str | None:
    if not terms:
        return None
    return json.dumps([{**_duration_json(t.length), "runs": t.runs.value, "overlap": _duration_json(t.overlap)}
                       for t in terms], sort_keys=True)


def _terms(c: m.Conviction) -> tuple[SentenceTerm, ...]:
    """The conviction's terms; a row from before exact terms holds whole months, one term."""
    if not c.sentence_terms_json:
        return _months_term(c.sentence_months)
    def duration(d: Mapping[str, Any]) -> Duration:
        return Duration(int(d.get("years", 0)), int(d.get("months", 0)), int(d.get("weeks", 0)),
                        int(d.get("days", 0)))
    return tuple(SentenceTerm(duration(t), TermRuns(t.get("runs", "consecutive")), duration(t.get("overlap", {})))
                 for t in json.loads(c.sentence_terms_json))


def _whole_months(terms: tuple[SentenceTerm, ...]) -> int | None:
    """sentence_months for readers of the older column: set only when it says it all."""
    if len(terms) != 1 or terms[0].length.weeks or terms[0].length.days:
        return None
    return 12 * terms[0].length.years + terms[0].length.months


def _sentence_text(c: m.Conviction) -> str | None:
    terms = _terms(c)
    if not terms or c.disposal not in {d.value for d in TERM_DISPOSALS}:
        return None
    try:
        return counting_term(terms, c.sentenced_on or c.convicted_on).explanation
    except ValueError:
        return "; ".join(t.describe() for t in terms)


def _review_date(session: Session, c: m.Conviction, under_18: bool) -> date:
    """s.91B(2) runs from the first notification following release. Until one is recorded,
    approximate it by the day after the first release after the relevant date (or the
    relevant date itself) so the record shows a date rather than nothing."""
    p = m.DisregardedPeriod
    release = session.scalar(select(p.ends_on).where(
        p.offender_id == c.offender_id, _live(p), p.kind.in_(RELEASE_KINDS), p.ends_on >= c.convicted_on
    ).order_by(p.ends_on).limit(1))
    base = release + timedelta(days=1) if release else c.convicted_on
    first = next((_local_date(n.notified_at) for n in _taken_rows(session, c.offender_id)
                  if _local_date(n.notified_at) >= base), base)
    return nd.review_qualifying_date(first, under_18, _policy(session))


def _review(session: Session, c: m.Conviction, under_18: bool, today: date) -> ReviewEligibility:
    """s.91B's qualifying date, moved or withheld while an order s.91A(2)(b) names has effect.
    Read again whenever the requirement is shown: orders are made and end without the
    requirement being recomputed."""
    orders = [OrderInForce(o.kind, o.made_on, o.ends_on, o.indefinite) for o in session.scalars(
        select(m.CivilOrder).where(m.CivilOrder.offender_id == c.offender_id, _live(m.CivilOrder)))]
    return review_eligibility(_review_date(session, c, under_18), orders, today)


def _reviewable(p: NotificationPeriod) -> bool:
    return p.indefinite and p.length_months is None  # s.91A: not an SHPO-only extension


def _sync_requirement(uow: UnitOfWork, c: m.Conviction, dob: date,
                      correction: str | None = None) -> m.NotificationRequirement | None:
    """Create or bring up to date the conviction's requirement. A correction keeps the old
    values as a revision; a recomputation from new inputs (custody, SHPO) is audited only."""
    if not c.schedule3:
        return None  # s.80: only Schedule 3 offences make a relevant offender
    p = _period(uow.session, c, dob)
    review = _review(uow.session, c, p.under_18, uow.services.clock.today()) if _reviewable(p) else None
    values = dict(starts_on=c.convicted_on, ends_on=p.end, indefinite=p.indefinite, basis=p.explanation,
                  review_eligible_on=review.eligible_on if review else None)
    r = _requirement_for(uow.session, c.id)
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
                                                            _live(m.Conviction))):
        _sync_requirement(uow, c, o.date_of_birth)


def _requirement_view(session: Session, r: m.NotificationRequirement, today: date) -> RequirementView:
    c = session.get(m.Conviction, r.conviction_id) if r.conviction_id else None
    eligible_on, barred_by, note = r.review_eligible_on, None, ""
    if c is not None and r.indefinite and c.voided_at is None:
        o = session.get(m.Offender, c.offender_id)
        p = _period(session, c, o.date_of_birth)
        if _reviewable(p):
            review = _review(session, c, p.under_18, today)
            eligible_on, barred_by, note = review.eligible_on, review.barred_by, review.explanation
    return RequirementView(r.id, r.conviction_id, c.offence if c else None, r.starts_on, r.ends_on, r.indefinite,
                           not r.indefinite and r.ends_on is None, r.basis or "", eligible_on, barred_by, note)


def _already_subject(session: Session, offender_id: int, conviction_id: int, on: date) -> bool:
    """s.83(2): no new initial notification while an earlier requirement still applies."""
    r = m.NotificationRequirement
    for req in session.scalars(select(r).where(r.offender_id == offender_id, _live(r),
                                               r.conviction_id != conviction_id, r.starts_on <= on)):
        if req.indefinite or req.ends_on is None or req.ends_on >= on:
            return True
    return False


def _ensure_initial(uow: UnitOfWork, c: m.Conviction, event_on: date) -> m.StatutoryNotification | None:
    s = uow.session
    existing = next((n for n in _pending_rows(s, c.offender_id) if n.kind == "initial"), None)
    if existing is not None or _already_subject(s, c.offender_id, c.id, c.convicted_on):
        return existing
    due = _due("initial", event_on, _periods(s, c.offender_id), _policy(s))
    return _new_pending(uow, c.offender_id, "initial", event_on, due, {"conviction_id": c.id})


def _conviction_view(session: Session, c: m.Conviction, today: date) -> ConvictionView:
    r = _requirement_for(session, c.id)
    initial = session.scalar(select(m.StatutoryNotification).where(
        m.StatutoryNotification.offender_id == c.offender_id, m.StatutoryNotification.kind == "initial",
        _live(m.StatutoryNotification)).order_by(m.StatutoryNotification.id.desc()).limit(1))
    return ConvictionView(
        c.id, c.version_id, c.offender_id, c.kind, c.court, c.convicted_on, c.offence, c.schedule3,
        c.threshold_depends_on_sentence, c.disposal, c.sentence_months, c.discharge_months, c.sentenced_on,
        c.age_at_conviction, c.source, c.learned_on, _requirement_view(session, r, today) if r else None,
        initial.id if initial else None, initial.due_on if initial else None, _terms(c), _sentence_text(c))


def _disposal_problems(kind: str, disposal: DisposalKind | str | None, terms: tuple[SentenceTerm, ...],
                       discharge_months: int | None, sentenced_on: date | None
                       ) -> tuple[DisposalKind | None, list[FieldProblem]]:
    problems: list[FieldProblem] = []
    if disposal is None:
        return (DisposalKind.CAUTION if kind == "caution" else None), problems
    try:
        d = DisposalKind(disposal)
    except ValueError:
        return None, [FieldProblem("disposal", "Choose the disposal from the list, or leave it empty until sentence.")]
    if (kind == "caution") != (d is DisposalKind.CAUTION):
        problems.append(FieldProblem("disposal", "A caution's disposal is a caution, and only a caution's is."))
    if d in TERM_DISPOSALS:
        found = [FieldProblem(f, message) for f, message in term_problems(terms)]
        if not found and sentenced_on is not None:
            try:
                counting_term(terms, sentenced_on)
            except ValueError as exc:  # a partly concurrent overlap as long as the term before
                found.append(FieldProblem("sentence_terms", f"{str(exc)[0].upper()}{str(exc)[1:]}."))
        problems += found
    if d is DisposalKind.CONDITIONAL_DISCHARGE and (discharge_months is None or discharge_months < 1):
        problems.append(FieldProblem("discharge_months", "Enter the length of the conditional discharge in months."))
    return d, problems


# --- convictions -----------------------------------------------------------------------------


def record_conviction(services: Services, actor: Actor, offender_id: int, data: ConvictionInput) -> ConvictionView:
    """Record a conviction, finding or caution when the OMU learns of it, attended or not.

    Starts the case's notification requirement (s.80, s.82) and the initial notification due
    within 3 days beginning with the relevant date (s.83(1)), time in custody disregarded
    (s.83(6)). A threshold offence awaiting sentence shows "depends on sentence" (s.82, Sch 3)
    and its initial notification is created once the sentence is entered.
    """
    today = services.clock.today()
    problems = []
    if data.kind not in CONVICTION_KINDS:
        problems.append(FieldProblem("kind", "Choose conviction, finding or caution."))
    problems += filter(None, [past_date_problem(
        "convicted_on", data.convicted_on, today, missing="Enter the date of the conviction, finding or caution.",
        future="The date is in the future; enter the date the court convicted or the caution was given.")])
    if not data.offence.strip():
        problems.append(FieldProblem("offence", "Enter the offence."))
    if data.source not in SOURCES:
        problems.append(FieldProblem("source", "Say where this was learned: court list, custody record or certificate."))
    learned = data.learned_on or today
    if learned > today:
        problems.append(FieldProblem("learned_on", "The date learned is in the future."))
    elif data.convicted_on and learned < data.convicted_on:
        problems.append(FieldProblem("learned_on", "The date learned is before the conviction."))
    terms = tuple(data.sentence_terms) or _months_term(data.sentence_months)
    disposal, more = _disposal_problems(data.kind, data.disposal, terms, data.discharge_months, data.convicted_on)
    problems += more
    if disposal not in TERM_DISPOSALS:
        terms = ()
    if problems:
        raise ValidationFailed(problems)
    with unit_of_work(services, actor) as uow:
        uow.authorise(Permission.WRITE_CASES, offender_id=offender_id)
        o = find_offender(uow.session, offender_id)
        if o.date_of_birth > data.convicted_on:
            raise ValidationFailed(FieldProblem("convicted_on", "The date is before the offender's date of birth."))
        c = uow.stamp_created(m.Conviction(
            offender_id=offender_id, kind=data.kind, court=(data.court or "").strip() or None,
            convicted_on=data.convicted_on, offence=data.offence.strip(), schedule3=data.schedule3,
            threshold_depends_on_sentence=data.threshold_depends_on_sentence,
            disposal=disposal.value if disposal else None, sentence_months=_whole_months(terms),
            sentence_terms_json=_terms_json(terms), discharge_months=data.discharge_months, sentenced_on=data.convicted_on if disposal else None,
            age_at_conviction=age_on(o.date_of_birth, data.convicted_on), source=data.source, learned_on=learned))
        uow.session.add(c)
        uow.session.flush()
        uow.audit("entry.create", entity="conviction", entity_id=c.id, offender_id=offender_id,
                  details={"kind": c.kind, "convicted_on": c.convicted_on, "disposal": c.disposal,
                           "source": c.source})
        _sync_requirement(uow, c, o.date_of_birth)
        if c.schedule3 and not (c.threshold_depends_on_sentence and disposal is None):
            _ensure_initial(uow, c, c.convicted_on)
        case_summary.refresh(uow.session, offender_id, today)
        return _conviction_view(uow.session, c, today)


def enter_sentence(services: Services, actor: Actor, conviction_id: int, version_id: int,
                   disposal: DisposalKind | str, sentence_months: int | None, discharge_months: int | None,
                   reason: str, *, sentenced_on: date | None = None,
                   sentence_terms: tuple[SentenceTerm, ...] = ()) -> ConvictionView:
    """Enter or correct the sentence (a correction: the old values are kept) and recompute the
    s.82 period. A threshold offence's initial notification starts here, due within 3 days
    beginning with the sentence date, when the Sch 3 condition is met (assumption, see s.132).
    SENTENCE_TERMS (years/months/weeks/days each, consecutive, concurrent or partly concurrent)
    are the sentence; SENTENCE_MONTHS is the older whole-months entry of a single term."""
    today = services.clock.today()
    sentenced_on = sentenced_on or today
    problems = []
    problems += filter(None, [reason_problem("reason", reason, "Say where the sentence comes from.")])
    if sentenced_on > today:
        problems.append(FieldProblem("sentenced_on", "The sentence date is in the future."))
    if disposal is None:
        problems.append(FieldProblem("disposal", "Choose the disposal the court passed."))
    if problems:
        raise ValidationFailed(problems)
    with unit_of_work(services, actor, stale_entity=("conviction", m.Conviction, conviction_id)) as uow:
        c = uow.session.get(m.Conviction, conviction_id)
        if c is None or c.voided_at is not None:
            raise NotFound(f"No conviction {conviction_id}.")
        uow.authorise(Permission.WRITE_CASES, offender_id=c.offender_id)
        if c.version_id != version_id:
            raise StaleDataError("conviction changed since it was loaded")
        terms = tuple(sentence_terms) or _months_term(sentence_months)
        d, problems = _disposal_problems(c.kind, disposal, terms, discharge_months, sentenced_on)
        terms = terms if d in TERM_DISPOSALS else ()
        if sentenced_on < c.convicted_on:
            problems.append(FieldProblem("sentenced_on", "The sentence date is before the conviction."))
        if problems:
            raise ValidationFailed(problems)
        o = find_offender(uow.session, c.offender_id)
        was_pending = c.disposal is None
        before = {"disposal": c.disposal, "sentence_months": c.sentence_months,
                  "sentence_terms": c.sentence_terms_json, "discharge_months": c.discharge_months,
                  "sentenced_on": c.sentenced_on}
        uow.keep_revision(c, entity="conviction", offender_id=c.offender_id, reason=reason.strip())
        c.disposal, c.discharge_months = d.value, discharge_months
        c.sentence_months, c.sentence_terms_json = _whole_months(terms), _terms_json(terms)
        c.sentenced_on = sentenced_on
        uow.stamp_updated(c)
        uow.session.flush()
        uow.audit("record.correct", entity="conviction", entity_id=c.id, offender_id=c.offender_id,
                  reason=reason.strip(), details={"before": before, "after": {
                      "disposal": c.disposal, "sentence_months": c.sentence_months,
                      "sentence_terms": c.sentence_terms_json, "discharge_months": discharge_months,
                      "sentenced_on": sentenced_on}})
        _sync_requirement(uow, c, o.date_of_birth, correction=reason.strip())
        if c.schedule3 and c.threshold_depends_on_sentence and was_pending:
            _ensure_initial(uow, c, sentenced_on)
        case_summary.refresh(uow.session, c.offender_id, today)
        return _conviction_view(uow.session, c, today)


# --- custody, hospital, abroad ----------------------------------------------------------------


def _after_period(uow: UnitOfWork, p: m.DisregardedPeriod) -> int | None:
    """Move pending due dates; a release (s.84(1)(d)) pulls a visit forward and is itself due
    to be notified. Returns the release notification's id."""
    oid, today = p.offender_id, uow.services.clock.today()
    until = f" to {p.ends_on:%d/%m/%Y}" if p.ends_on else ", continuing"
    _recompute_pending(uow, oid, f"{p.kind} from {p.starts_on:%d/%m/%Y}{until} disregarded (s.84(5))")
    release_id = None
    subject = uow.session.scalar(select(m.NotificationRequirement.id).where(
        m.NotificationRequirement.offender_id == oid, _live(m.NotificationRequirement),
        m.NotificationRequirement.starts_on <= (p.ends_on or today)).limit(1))
    if p.kind in RELEASE_KINDS and p.ends_on is not None and subject is not None:
        case_events.record_trigger(uow, oid, TriggerKind.RELEASE_FROM_CUSTODY, p.ends_on,
                                   ("disregarded_period", p.id))
        s = uow.session
        due = _due("release", p.ends_on, _periods(s, oid), _policy(s))
        release_id = _new_pending(uow, oid, "release", p.ends_on, due, {"period_id": p.id}).id
    recompute_requirements(uow, oid)  # the review date follows the first release
    case_summary.refresh(uow.session, oid, today)
    return release_id


def _period_problems(kind: str, starts_on: date | None, ends_on: date | None, today: date) -> list[FieldProblem]:
    problems = []
    if kind not in PERIOD_KINDS:
        problems.append(FieldProblem("kind", "Choose custody, hospital or abroad."))
    if starts_on is None:
        problems.append(FieldProblem("starts_on", "Enter the first day."))
    elif starts_on > today:
        problems.append(FieldProblem("starts_on", "The start is in the future; record the period when it begins."))
    if ends_on is not None and ends_on > today:
        problems.append(FieldProblem("ends_on", "The end is in the future; leave it empty and record the release or return when it happens."))
    elif ends_on is not None and starts_on is not None and ends_on < starts_on:
        problems.append(FieldProblem("ends_on", "The end is before the start."))
    return problems


def record_disregarded_period(services: Services, actor: Actor, offender_id: int, kind: str,
                              starts_on: date, ends_on: date | None = None) -> PeriodView:
    """Custody, hospital detention or time abroad (s.83(6), s.84(5), s.85(3)): those days do
    not count towards a deadline. `ends_on` is the day of release or return; leave it empty
    while the period goes on, and close it with end_disregarded_period."""
    problems = _period_problems(kind, starts_on, ends_on, services.clock.today())
    if problems:
        raise ValidationFailed(problems)
    with unit_of_work(services, actor) as uow:
        uow.authorise(Permission.WRITE_CASES, offender_id=offender_id)
        find_offender(uow.session, offender_id)
        p = uow.stamp_created(m.DisregardedPeriod(offender_id=offender_id, kind=kind, starts_on=starts_on,
                                                  ends_on=ends_on))
        uow.session.add(p)
        uow.session.flush()
        uow.audit("entry.create", entity="disregarded_period", entity_id=p.id, offender_id=offender_id,
                  details={"kind": kind, "starts_on": starts_on, "ends_on": ends_on})
        release_id = _after_period(uow, p)
        return PeriodView(p.id, p.version_id, p.kind, p.starts_on, p.ends_on, release_id)


def end_disregarded_period(services: Services, actor: Actor, period_id: int, version_id: int,
                           ends_on: date) -> PeriodView:
    """Release from custody or hospital (s.84(1)(d)) or return to the UK."""
    with unit_of_work(services, actor, stale_entity=("period", m.DisregardedPeriod, period_id)) as uow:
        p = uow.session.get(m.DisregardedPeriod, period_id)
        if p is None or p.voided_at is not None:
            raise NotFound(f"No custody, hospital or abroad period {period_id}.")
        uow.authorise(Permission.WRITE_CASES, offender_id=p.offender_id)
        if p.version_id != version_id:
            raise StaleDataError("period changed since it was loaded")
        if p.ends_on is not None:
            raise ValidationFailed(FieldProblem("ends_on", "This period has already ended; correct it instead."))
        problems = _period_problems(p.kind, p.starts_on, ends_on, services.clock.today())
        if problems:
            raise ValidationFailed(problems)
        p.ends_on = ends_on
        uow.stamp_updated(p)
        uow.session.flush()
        uow.audit("entry.update", entity="disregarded_period", entity_id=p.id, offender_id=p.offender_id,
                  details={"ends_on": ends_on})
        release_id = _after_period(uow, p)
        return PeriodView(p.id, p.version_id, p.kind, p.starts_on, p.ends_on, release_id)


# --- events that call for a notification -------------------------------------------------------


def _current_homes(session: Session, offender_id: int) -> list[m.Address]:
    a = m.Address
    return list(session.scalars(select(a).where(a.offender_id == offender_id, _live(a), a.to_date.is_(None),
                                                a.kind.in_(("home", "no_fixed_abode")))))


def _is_nfa(session: Session, offender_id: int) -> bool:
    return any(a.kind == "no_fixed_abode" for a in _current_homes(session, offender_id))


def record_address_change(uow: UnitOfWork, offender_id: int, on: date, home: NewHome) -> m.Address:
    """A change of home address (s.84(1)(b)), however the OMU learns of it (an event recorded
    ahead of the notification, or a change first heard of at the station): the current home
    ends the day the new one begins, the new home is recorded as not yet notified (taking the
    change notification marks it), and the next home visit is pulled forward."""
    for prev in _current_homes(uow.session, offender_id):
        prev.to_date = on
        uow.stamp_updated(prev)
    kind = "no_fixed_abode" if home.no_fixed_abode else "home"
    a = uow.stamp_created(m.Address(
        offender_id=offender_id, kind=kind, line1="No fixed abode" if home.no_fixed_abode else home.line1.strip(),
        town=(home.town or "").strip() or None, postcode=(home.postcode or "").strip().upper() or None,
        from_date=on, notified=False))
    uow.session.add(a)
    uow.session.flush()
    uow.audit("entry.create", entity="address", entity_id=a.id, offender_id=offender_id,
              details={"kind": kind, "from": on, "notified": False})
    case_events.record_trigger(uow, offender_id, TriggerKind.CHANGE_OF_ADDRESS, on, ("address", a.id))
    return a


def _text(details: Mapping[str, Any], key: str) -> str:
    return str(details.get(key) or "").strip()


def record_event(services: Services, actor: Actor, offender_id: int, kind: str, event_on: date,
                 details: Mapping[str, Any] | None = None) -> EventRecorded:
    """Something happened that the offender must notify; the pending notification is created
    with its due date by the rules:

    - change_name (details: name), change_address (line1, town, postcode): s.84(1)(a)/(b),
      3 days beginning with the event; a new home also pulls the next visit forward.
    - no_fixed_abode: a change of home (s.84(1)(b)); once notified, weekly (s.85, 2012 Regs).
    - household (hours, child_under_18, address): 2012 Regs reg 10, a stay of 12 hours or more
      where a child under 18 lives or stays; opens a safeguarding task (R9).
    - travel (event_on = departure; destination, return_on): s.86, at least 7 days ahead.
    - financial: new bank, card or passport details, due with the next notification (2012 Regs).
    - did_not_occur (event_on = the date given in an advance notice): s.84(4)(b).
    """
    today = services.clock.today()
    details = dict(details or {})
    problems = []
    if kind not in EVENT_KINDS:
        problems.append(FieldProblem("kind", "Choose what happened: " + ", ".join(EVENT_KINDS) + "."))
    if event_on is None:
        problems.append(FieldProblem("event_on", "Enter the date it happened (for travel, the departure date)."))
    elif event_on > today and kind != "travel":
        problems.append(FieldProblem("event_on", "The date is in the future; record it when it happens."))
    if kind == "change_name" and not _text(details, "name"):
        problems.append(FieldProblem("name", "Enter the new name."))
    if kind in ("change_address", "no_fixed_abode"):
        problems += NewHome.from_details(details, no_fixed_abode=kind == "no_fixed_abode").problems()
    if kind == "household":
        hours, child = details.get("hours"), details.get("child_under_18")
        if not isinstance(hours, int | float) or hours <= 0:
            problems.append(FieldProblem("hours", "Enter how many hours the stay lasted or is intended to last."))
        elif child is not True:
            problems.append(FieldProblem("child_under_18", "Only a household where a child under 18 lives or stays is notifiable (2012 Regs reg 10); record other stays with record_stay."))
        elif not nd.household_stay_notifiable(hours, True):
            problems.append(FieldProblem("hours", f"A stay under {nd.HOUSEHOLD_HOURS} hours is not notifiable (2012 Regs reg 10); record it as a case note and consider a safeguarding referral."))
        if not _text(details, "address"):
            problems.append(FieldProblem("address", "Enter the household's address."))
    if problems:
        raise ValidationFailed(problems)
    with unit_of_work(services, actor) as uow:
        uow.authorise(Permission.WRITE_CASES, offender_id=offender_id)
        s = uow.session
        find_offender(uow.session, offender_id)
        policy, periods = _policy(s), _periods(s, offender_id)
        referral_id = address_id = None
        stored, due_kind = kind, kind
        if kind in ("change_address", "no_fixed_abode"):
            stored = due_kind = "change_address"
            nfa = kind == "no_fixed_abode"
            a = record_address_change(uow, offender_id, event_on, NewHome.from_details(details, no_fixed_abode=nfa))
            address_id = details["address_id"] = a.id
            details["no_fixed_abode"] = nfa
        others = [n.due_on for n in _pending_rows(s, offender_id) if n.due_on is not None]
        n = _new_pending(uow, offender_id, stored, event_on,
                         _due(due_kind, event_on, periods, policy, others), details)
        if kind == "household":
            ref = uow.stamp_created(m.SafeguardingReferral(
                offender_id=offender_id, concern_at=uow.now, referred_at=None,
                concern=(f"Stay of {details['hours']:g} hours from {event_on:%d/%m/%Y} at "
                         f"{_text(details, 'address')}, a household where a child under 18 lives or "
                         "stays (2012 Regs reg 10). Decide whether to refer to children's social care.")))
            s.add(ref)
            s.flush()
            uow.audit("entry.create", entity="safeguarding_referral", entity_id=ref.id,
                      offender_id=offender_id, details={"notification_id": n.id})
            referral_id = ref.id
        _recompute_pending(uow, offender_id, f"new {kind} notification")  # 2012 details follow
        case_summary.refresh(s, offender_id, today)
        return EventRecorded(_pending_view(n, today, _days_ahead(s)), referral_id, address_id)


def _days_ahead(session: Session) -> int:
    return int(settings.get(session, "reminder_days_ahead"))


def _counter(a: m.Address, stays: list[nd.Stay], as_of: date, policy: nd.NotificationPolicy) -> QualifyingCounter:
    """s.84(6): days at one unnotified address in the 12 months ending AS_OF, and the day the
    qualifying period was first reached (7 days in any 12 months)."""
    start = add_months(as_of, -policy.qualifying_window_months) + timedelta(days=1)
    days = {st.start + timedelta(days=i) for st in stays for i in range((st.end - st.start).days + 1)}
    reached = nd.qualifying_period_reached(stays, as_of, policy)
    text = ", ".join(x for x in (a.line1, a.town, a.postcode) if x)
    return QualifyingCounter(a.id, text, sum(start <= d <= as_of for d in days), reached, reached is not None)


def _stays(session: Session, address_id: int) -> list[nd.Stay]:
    st = m.AddressStay
    return [nd.Stay(x.starts_on, x.ends_on) for x in session.scalars(
        select(st).where(st.address_id == address_id, _live(st)))]


def record_stay(services: Services, actor: Actor, offender_id: int, starts_on: date, ends_on: date, *,
                address_id: int | None = None, line1: str | None = None, town: str | None = None,
                postcode: str | None = None) -> StayResult:
    """A stay at premises the offender has not notified. When stays there reach 7 days in any
    12 months (s.84(6)) the app flags it and a change notification falls due (s.84(1)(c))."""
    today = services.clock.today()
    problems = []
    if address_id is None and not (line1 or "").strip():
        problems.append(FieldProblem("line1", "Enter the address stayed at, or choose one already recorded."))
    if starts_on is None or starts_on > today:
        problems.append(FieldProblem("starts_on", "Enter the first day of the stay (not in the future)."))
    if ends_on is None or (starts_on is not None and ends_on < starts_on):
        problems.append(FieldProblem("ends_on", "Enter the last day of the stay, on or after the first."))
    if problems:
        raise ValidationFailed(problems)
    with unit_of_work(services, actor) as uow:
        uow.authorise(Permission.WRITE_CASES, offender_id=offender_id)
        s = uow.session
        find_offender(uow.session, offender_id)
        if address_id is not None:
            a = s.get(m.Address, address_id)
            if a is None or a.offender_id != offender_id or a.voided_at is not None:
                raise ValidationFailed(FieldProblem("address_id", "Choose one of this offender's addresses."))
            if a.notified:
                raise ValidationFailed(FieldProblem("address_id", "This address has been notified, so stays there do not count towards s.84(6)."))
        else:
            a = uow.stamp_created(m.Address(offender_id=offender_id, kind="other_premises", line1=line1.strip(),
                                            town=(town or "").strip() or None,
                                            postcode=(postcode or "").strip().upper() or None,
                                            from_date=starts_on, notified=False))
            s.add(a)
            s.flush()
            uow.audit("entry.create", entity="address", entity_id=a.id, offender_id=offender_id,
                      details={"kind": a.kind, "notified": False})
        stay = uow.stamp_created(m.AddressStay(offender_id=offender_id, address_id=a.id,
                                               starts_on=starts_on, ends_on=ends_on))
        s.add(stay)
        s.flush()
        uow.audit("entry.create", entity="address_stay", entity_id=stay.id, offender_id=offender_id,
                  details={"address_id": a.id, "starts_on": starts_on, "ends_on": ends_on})
        policy = _policy(s)
        counter = _counter(a, _stays(s, a.id), today, policy)
        n = None
        if counter.flagged:
            n = next((x for x in s.scalars(select(m.StatutoryNotification).where(
                m.StatutoryNotification.offender_id == offender_id, m.StatutoryNotification.kind == "change_premises",
                _live(m.StatutoryNotification))) if _details(x).get("address_id") == a.id), None)
            if n is None:
                n = _new_pending(uow, offender_id, "change_premises", counter.reached_on,
                                 _due("change_premises", counter.reached_on, _periods(s, offender_id), policy),
                                 {"address_id": a.id, "address": counter.address})
                _recompute_pending(uow, offender_id, "qualifying period reached")
        case_summary.refresh(s, offender_id, today)
        return StayResult(stay.id, a.id, counter.days_in_last_12_months, counter.reached_on,
                          counter.flagged, n.id if n else None, n.due_on if n else None)


# --- taking a notification (s.87) --------------------------------------------------------------


def _designated(session: Session) -> list[m.PoliceStation]:
    return list(session.scalars(select(m.PoliceStation).where(m.PoliceStation.designated)
                                .order_by(m.PoliceStation.code)))


def _s87_message(session: Session) -> str:
    names = [st.name for st in _designated(session)[:3]]
    stations = (", ".join(names[:-1]) + " or " + names[-1]) if len(names) > 1 else (
        names[0] if names else "a designated police station (ask the administrator to publish the list)")
    return S87_MESSAGE.format(stations=stations)


def _s87_problems(session: Session, inp: NotificationInput) -> list[FieldProblem]:
    """s.87(1): in person, at a station on the chief officer's list. Anything else is refused."""
    if inp.method in METHODS and inp.method != IN_PERSON:
        return [FieldProblem("method", _s87_message(session))]
    if not inp.in_person:
        return [FieldProblem("in_person", _s87_message(session))]
    st = session.get(m.PoliceStation, inp.station_id) if inp.station_id is not None else None
    if inp.station_id is not None and (st is None or not st.designated):
        name = st.name if st else "That station"
        return [FieldProblem("station_id", f"{name} is not on the force's designated list. {_s87_message(session)}")]
    return []


def _input_problems(inp: NotificationInput, today: date, now: datetime) -> list[FieldProblem]:
    problems = []
    if inp.method not in METHODS:
        problems.append(FieldProblem("method", "Choose how the notification was given."))
    if inp.station_id is None:
        problems.append(FieldProblem("station_id", "Choose the designated police station the offender attended."))
    if inp.kind not in KINDS and not inp.pending_ids:
        problems.append(FieldProblem("kind", "Choose which notification the offender is giving."))
    if inp.fingerprints_taken is None:
        problems.append(FieldProblem("fingerprints_taken", "Say whether fingerprints were taken (s.87(4))."))
    if inp.photographs_taken is None:
        problems.append(FieldProblem("photographs_taken", "Say whether photographs were taken (s.87(4))."))
    if inp.notified_at is not None and inp.notified_at.utcoffset() is None:
        problems.append(FieldProblem("notified_at", "Give the date and time the offender notified as UK time."))
    elif inp.notified_at is not None and inp.notified_at > now:
        problems.append(FieldProblem("notified_at", "That time is in the future: enter when the offender attended "
                                                    "the station (now, or earlier for one typed in later)."))
    if inp.event_on is not None and inp.event_on > today and inp.kind != "travel":
        problems.append(FieldProblem("event_on", "The event date is in the future."))
    return problems


def _unlisted_problems(inp: NotificationInput, on: date) -> list[FieldProblem]:
    """A change first heard of at the station carries what an event would have recorded."""
    problems = []
    if inp.event_on is not None and inp.kind != "travel" and on < inp.event_on:
        problems.append(FieldProblem("notified_at", f"The notification is dated {on:%d/%m/%Y}, before the change "
                                                    f"it notifies ({inp.event_on:%d/%m/%Y}): check both dates."))
    if inp.kind == "change_address":
        if inp.event_on is None:
            problems.append(FieldProblem("event_on", "Enter the date the offender moved in."))
        problems += (inp.new_home or NewHome()).problems()
    return problems


def _before_event_problems(targets: list[m.StatutoryNotification], on: date) -> list[FieldProblem]:
    """A notification cannot be made before what it notifies. Travel is the exception: it is
    notified ahead of the departure it dates (s.86)."""
    return [FieldProblem("notified_at", f"The notification is dated {on:%d/%m/%Y}, before the "
                                        f"{LABELS.get(n.kind, n.kind).lower()} it notifies "
                                        f"({n.event_on:%d/%m/%Y}): check the date it was made.")
            for n in targets if n.event_on is not None and n.kind != "travel" and on < n.event_on][:1]


def _targets(uow: UnitOfWork, offender_id: int, inp: NotificationInput) -> list[m.StatutoryNotification]:
    pending = _pending_rows(uow.session, offender_id)
    if inp.pending_ids:
        by_id = {n.id: n for n in pending}
        missing = [i for i in inp.pending_ids if i not in by_id]
        if missing:
            raise ValidationFailed(FieldProblem("pending_ids", "That notification is no longer waiting; reload the record."))
        chosen = [by_id[i] for i in inp.pending_ids]
    else:
        chosen = [n for n in pending if n.kind == inp.kind]
    if inp.details:  # 2012 Regs: the bank, card and ID details due with this notification
        chosen += [n for n in pending if n.kind == "financial" and n not in chosen]
    return chosen


def _reset_periodic(uow: UnitOfWork, offender_id: int) -> None:
    """s.85(1),(2): the annual (or, with no fixed abode, weekly) notification falls due from the
    latest notification that restarts the clock; one pending item, replaced as the anchor moves."""
    s, policy = uow.session, _policy(uow.session)
    history = [nd.Notified(_local_date(n.notified_at), DOMAIN_KIND[n.kind]) for n in _taken_rows(s, offender_id)
               if n.kind in DOMAIN_KIND]
    anchor = nd.periodic_anchor(history, policy)
    if anchor is None:
        return
    want = "weekly" if _is_nfa(s, offender_id) else "periodic"
    due = _due(want, anchor, _periods(s, offender_id), policy)
    r = m.NotificationRequirement
    reqs = list(s.scalars(select(r).where(r.offender_id == offender_id, _live(r))))
    ended = bool(reqs) and all(not x.indefinite and x.ends_on is not None for x in reqs) and due is not None \
        and due > max(x.ends_on for x in reqs)
    existing = None
    for n in _pending_rows(s, offender_id):
        if n.kind in ("periodic", "weekly") and (n.kind != want or ended or existing is not None):
            _void_pending(uow, n, "Superseded: the periodic clock restarted or the requirement ends first (s.85).")
        elif n.kind == want:
            existing = n
    if ended:
        return
    if existing is None:
        _new_pending(uow, offender_id, want, anchor, due)
    else:
        _set_due(uow, existing, anchor, due, f"periodic clock restarted {anchor:%d/%m/%Y} (s.85(2))")


def _audit_refusal(services: Services, actor: Actor, offender_id: int, problems: list[FieldProblem]) -> None:
    """The inspection found registrations taken at home and by phone: attempts are kept."""
    with unit_of_work(services, actor) as uow:
        uow.audit("notification.refuse", entity="statutory_notification", offender_id=offender_id,
                  outcome="refused", reason="; ".join(f"{p.field}: {p.message}" for p in problems))


def take_notification(services: Services, actor: Actor, offender_id: int, inp: NotificationInput) -> TakenNotification:
    """Record a notification given in person at a designated police station (s.87(1)).

    Answers the matching pending notification(s). One given after its due date is late: a
    breach opens (s.91) and its id comes back so the user goes to the breach decision. A refusal
    of fingerprints or photographs opens a breach too (s.87(4)). A notification that restarts
    the annual clock (s.85(2)) sets the next periodic or weekly one.
    """
    today = services.clock.today()
    with services.session_factory() as s:
        refused = _s87_problems(s, inp)
    if refused:
        _audit_refusal(services, actor, offender_id, refused)
        raise ValidationFailed(refused)
    problems = _input_problems(inp, today, services.clock.now())
    if problems:
        raise ValidationFailed(problems)
    with unit_of_work(services, actor) as uow:
        uow.authorise(Permission.WRITE_CASES, offender_id=offender_id)
        s = uow.session
        station = s.get(m.PoliceStation, inp.station_id)
        at = inp.notified_at or uow.now
        on = _local_date(at)
        targets = _targets(uow, offender_id, inp)
        if not targets:  # volunteered, or a change nobody had recorded: date it from event_on
            problems = _unlisted_problems(inp, on)
            if problems:
                raise ValidationFailed(problems)
            details: dict[str, Any] = {}
            if inp.kind == "change_address" and inp.new_home is not None:
                a = record_address_change(uow, offender_id, inp.event_on, inp.new_home)
                details = {"address_id": a.id, "no_fixed_abode": inp.new_home.no_fixed_abode}
            others = [n.due_on for n in _pending_rows(s, offender_id) if n.due_on]
            due = _due(inp.kind, inp.event_on, _periods(s, offender_id), _policy(s), others)
            targets = [_new_pending(uow, offender_id, inp.kind, inp.event_on, due, details)]
        problems = _before_event_problems(targets, on)
        if problems:
            raise ValidationFailed(problems)
        captured = dict(inp.details or {})
        breaches = []
        for n in targets:
            d = _details(n)
            d["taken"] = {"method": inp.method, "refused_biometrics": inp.refused_biometrics, "captured": captured}
            _set_details(n, d)
            n.notified_at, n.station_id, n.in_person, n.taken_by_id = at, station.id, True, actor.user_id
            n.fingerprints_taken, n.photographs_taken = inp.fingerprints_taken, inp.photographs_taken
            n.late = n.due_on is not None and nd.is_late(n.due_on, on)
            uow.stamp_updated(n)
            s.flush()
            uow.audit("notification.take", entity="statutory_notification", entity_id=n.id,
                      offender_id=offender_id, details={"kind": n.kind, "due_on": n.due_on, "late": n.late,
                                                        "station": station.code, "notified_at": at,
                                                        "entered_later": at < uow.now})
            address_id = d.get("address_id")
            if n.kind in ("change_address", "change_premises") and address_id:
                a = s.get(m.Address, address_id)
                if a is not None and not a.notified:
                    a.notified = True
                    uow.stamp_updated(a)
        if inp.refused_biometrics and True not in (inp.fingerprints_taken, inp.photographs_taken):
            # A refusal means neither was taken: recorded as False, which is how the breaches
            # workflow reads a refusal (None would mean "not asked").
            targets[0].fingerprints_taken = targets[0].photographs_taken = False
        s.flush()
        for n in targets:
            # One idempotent path opens late and refused-biometrics breaches (s.91), so a daily
            # sweep for missed notifications can never open the same breach twice.
            breaches.extend(notification_breaches(uow, n.id))
        _reset_periodic(uow, offender_id)
        _recompute_pending(uow, offender_id, "notification taken")
        recompute_requirements(uow, offender_id)  # s.91B review date follows the first notification
        case_summary.refresh(s, offender_id, today)
        return _taken_dto(s, targets, tuple(b.id for b in breaches))


def _taken_dto(session: Session, rows: list[m.StatutoryNotification], breach_ids: tuple[int, ...]) -> TakenNotification:
    first = rows[0]
    taken = _details(first).get("taken", {})
    station = session.get(m.PoliceStation, first.station_id)
    user = session.get(m.User, first.taken_by_id)
    dues = [n.due_on for n in rows if n.due_on]
    o = session.get(m.Offender, first.offender_id)
    return TakenNotification(
        tuple(n.id for n in rows), first.offender_id, tuple(n.kind for n in rows), first.notified_at,
        station.id, station.name, user.id, user.display_name, bool(first.fingerprints_taken),
        bool(first.photographs_taken), bool(taken.get("refused_biometrics")), dict(taken.get("captured", {})),
        min(dues, default=None), any(n.late for n in rows), breach_ids, o.next_notification_due)


def print_acknowledgement(services: Services, actor: Actor, notification_id: int, *,
                          recipient: str = "the offender",
                          reason: str = "Written acknowledgement of notification (s.87(3))") -> bytes:
    """The s.87(3) written acknowledgement as a PDF, for everything given at that attendance.
    Printing is audited with its recipient and reason (security R1, R2)."""
    problem = reason_problem("reason", reason, "Say why this is printed.")
    if problem:
        raise ValidationFailed(problem)
    with unit_of_work(services, actor) as uow:
        s = uow.session
        n = s.get(m.StatutoryNotification, notification_id)
        if n is None or n.voided_at is not None:
            raise NotFound(f"No notification {notification_id}.")
        # The trained officer who took it prints it.
        uow.authorise(Permission.WRITE_CASES, offender_id=n.offender_id)
        if n.notified_at is None:
            raise ValidationFailed(FieldProblem("notification_id", "This notification has not been given yet; there is nothing to acknowledge."))
        same_visit = [x for x in _taken_rows(s, n.offender_id)
                      if x.notified_at == n.notified_at and x.station_id == n.station_id]
        taken = _taken_dto(s, same_visit or [n], ())
        o = s.get(m.Offender, n.offender_id)
        pdf = acknowledgement_pdf(taken, offender_name=f"{o.surname.upper()}, {o.forenames}",
                                  offender_reference=o.reference, station_name=taken.station_name,
                                  generated_by=actor.display_name, generated_at=uow.now)
        uow.audit("export.print", entity="statutory_notification", entity_id=n.id, offender_id=n.offender_id,
                  reason=reason.strip(), details={"document": "s.87(3) acknowledgement", "recipient": recipient,
                                                  "notifications": list(taken.notification_ids)})
        return pdf


def save_acknowledgement(services: Services, actor: Actor, notification_id: int, folder: Path) -> Path:
    """Print the s.87(3) acknowledgement (audited) and save it in FOLDER, readable by its owner
    only, as the compliance PDFs are: it names the offender and is OFFICIAL-SENSITIVE."""
    # The compliance PDFs' one owner-only writer; imported here because the reports module
    # reads this one's notification kinds.
    from rso_manager.services.reports import _write_owner_only

    pdf = print_acknowledgement(services, actor, notification_id)
    with services.session_factory() as s:
        n = s.get(m.StatutoryNotification, notification_id)
        reference = s.scalar(select(m.Offender.reference).where(m.Offender.id == n.offender_id))
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = folder / f"{reference}-notification-{notification_id}-acknowledgement.pdf"
    _write_owner_only(str(path), pdf)
    return path


# --- reading ---------------------------------------------------------------------------------


def overdue_and_due(services: Services, actor: Actor, as_of: date | None = None, days_ahead: int | None = None,
                    scope: CaseloadScope | None = None) -> list[DueNotification]:
    """Reminders: notifications due within DAYS_AHEAD and those overdue (from the day after the
    due date), oldest first, across the actor's caseload scope."""
    today = as_of or services.clock.today()
    scope = scope or caseload_scopes(actor.role)[0]
    n, o = m.StatutoryNotification, m.Offender
    with access.listing(services, actor) as s:
        ahead = _days_ahead(s) if days_ahead is None else days_ahead
        rows = s.execute(
            select(n.id, n.offender_id, o.reference, o.surname, o.forenames, n.kind, n.event_on, n.due_on)
            .join(o, o.id == n.offender_id)
            .where(_live(n), n.notified_at.is_(None), n.due_on.is_not(None),
                   n.due_on <= today + timedelta(days=ahead), o.status != "ended", _scope_filter(actor, scope))
            .order_by(n.due_on, o.reference, n.id))
        return [DueNotification(nid, oid, ref, f"{sur.upper()}, {fore}", kind, LABELS.get(kind, kind), ev, due,
                                nd.is_overdue(due, today, False), max((today - due).days, 0))
                for nid, oid, ref, sur, fore, kind, ev, due in rows]


def notifications_for(services: Services, actor: Actor, offender_id: int, as_of: date | None = None) -> NotificationsView:
    """The record's notifications tab. Not audited as a consultation: the record was opened
    (and audited) by caseload.open_record before its tabs are read."""
    today = as_of or services.clock.today()
    with access.reading(services, actor, offender_id) as s:
        if s.get(m.Offender, offender_id) is None:
            raise NotFound(f"No offender record {offender_id}.")
        ahead, policy = _days_ahead(s), _policy(s)
        r = m.NotificationRequirement
        reqs = tuple(_requirement_view(s, x, today) for x in s.scalars(
            select(r).where(r.offender_id == offender_id, _live(r)).order_by(r.starts_on, r.id)))
        pending = tuple(_pending_view(x, today, ahead) for x in _pending_rows(s, offender_id))
        stations = {st.id: st.name for st in s.scalars(select(m.PoliceStation))}
        taken = tuple(
            TakenRow(x.id, x.kind, LABELS.get(x.kind, x.kind), x.due_on, x.notified_at, stations.get(x.station_id),
                     s.scalar(select(m.User.display_name).where(m.User.id == x.taken_by_id)), x.late,
                     x.fingerprints_taken, x.photographs_taken)
            for x in reversed(_taken_rows(s, offender_id)))
        a = m.Address
        unnotified = s.scalars(select(a).where(a.offender_id == offender_id, _live(a), a.notified.is_(False),
                                               a.kind == "other_premises").order_by(a.id))
        counters = tuple(c for c in (_counter(x, _stays(s, x.id), today, policy) for x in unnotified)
                         if c.days_in_last_12_months or c.flagged)
        p = m.DisregardedPeriod
        periods = tuple(PeriodView(x.id, x.version_id, x.kind, x.starts_on, x.ends_on) for x in s.scalars(
            select(p).where(p.offender_id == offender_id, _live(p)).order_by(p.starts_on.desc())))
        return NotificationsView(offender_id, today, reqs, pending, taken, counters, periods,
                                 min((x.due_on for x in pending if x.due_on), default=None))


def convictions_for(services: Services, actor: Actor, offender_id: int) -> list[ConvictionView]:
    """The record's convictions, cautions and findings (newest first), each with the
    notification requirement it started and the initial notification's due date."""
    c = m.Conviction
    with access.reading(services, actor, offender_id) as s:
        if s.get(m.Offender, offender_id) is None:
            raise NotFound(f"No offender record {offender_id}.")
        return [_conviction_view(s, x, services.clock.today()) for x in s.scalars(
            select(c).where(c.offender_id == offender_id, _live(c)).order_by(c.convicted_on.desc(), c.id.desc()))]


# --- designated stations (s.87(1), (2A)-(2B)) ----------------------------------------------------


def _station_view(st: m.PoliceStation) -> StationView:
    return StationView(st.id, st.code, st.name, st.designated, st.version_id)


def list_stations(services: Services) -> list[StationView]:
    """Reference data: the chief officer's published list, designated ones first."""
    with services.session_factory() as s:
        return [_station_view(st) for st in s.scalars(select(m.PoliceStation).order_by(
            m.PoliceStation.designated.desc(), m.PoliceStation.code))]


def save_station(services: Services, actor: Actor, code: str, name: str, designated: bool) -> StationView:
    """Add a station or change one (matched by code). Stations are never deleted: past
    notifications name them; one no longer on the list is saved as not designated."""
    code, name = (code or "").strip().upper(), (name or "").strip()
    problems = []
    if not code or len(code) > 20:
        problems.append(FieldProblem("code", "Enter the station code (up to 20 characters)."))
    if not name or len(name) > 120:
        problems.append(FieldProblem("name", "Enter the station name (up to 120 characters)."))
    if problems:
        raise ValidationFailed(problems)
    with unit_of_work(services, actor) as uow:
        uow.authorise(Permission.MANAGE_USERS)
        st = uow.session.scalar(select(m.PoliceStation).where(m.PoliceStation.code == code))
        if st is None:
            st = uow.stamp_created(m.PoliceStation(code=code, name=name, designated=designated))
            uow.session.add(st)
            action, details = "station.create", {"code": code, "name": name, "designated": designated}
        else:
            details = {"before": {"name": st.name, "designated": st.designated},
                       "after": {"name": name, "designated": designated}}
            st.name, st.designated, action = name, designated, "station.change"
            uow.stamp_updated(st)
        uow.session.flush()
        uow.audit(action, entity="police_station", entity_id=st.id, details=details)
        return _station_view(st)
