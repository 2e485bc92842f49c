"""The evidence shown beside each case audit question (issue 18): what the record holds, in
sentences an auditor reads and judges ("3 of the last 4 home visits unannounced"), so they judge
rather than count. Pure: services/case_audits/evidence.py reads the facts, set-based, and hands
them here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from rso_manager.domain.dates import add_years, london_day
from rso_manager.domain.rationale import word_count
from rso_manager.domain.risk_levels import RISK_LABEL
from rso_manager.domain.safeguarding_clocks import ReferralFlag, referral_flag

RECENT_VISITS = 4  # "the last 4 home visits": what the inspectors looked at in a case
QUOTE_WORDS = 12


@dataclass(frozen=True)
class VisitFact:
    kind: str  # home | office
    visited_on: date
    announced: bool
    override_reason: str | None
    officers: int
    outcome: str | None


@dataclass(frozen=True)
class DeviceFact:
    id: int
    kind: str
    make_model: str | None
    declared: bool
    status: str
    found_on: date | None  # the visit it was found at, for a device not declared
    checks: int
    last_checked_on: date | None


@dataclass(frozen=True)
class BreachFact:
    source: str
    occurred_on: date
    status: str
    crime_reference: str | None
    no_crime_rationale: str | None
    device_id: int | None


@dataclass(frozen=True)
class WarningFact:
    kind: str
    given_on: date
    rationale: str


@dataclass(frozen=True)
class SignOffFact:
    entity: str
    decision: str | None
    rationale: str | None
    signed_on: date | None


@dataclass(frozen=True)
class ReferralFact:
    concern_at: datetime
    referred_at: datetime | None
    decision_at: datetime | None
    not_applicable: bool


@dataclass(frozen=True)
class DisclosureFact:
    applied_at: datetime | None
    due_at: datetime | None
    decided: bool
    completed_at: datetime | None
    not_applicable: bool


@dataclass(frozen=True)
class CaseFacts:
    """What one case's record holds, as of NOW."""

    has_home_address: bool = False
    risk_level: str | None = None
    risk_review_by: date | None = None
    plan_interval_months: int | None = None
    plan_reactive: bool = False
    has_plan: bool = False
    relationships: int = 0
    next_visit_due: date | None = None
    visits: tuple[VisitFact, ...] = ()  # completed visits, home and office, newest first
    devices: tuple[DeviceFact, ...] = ()
    breaches: tuple[BreachFact, ...] = ()  # oldest first
    warnings: tuple[WarningFact, ...] = ()
    sign_offs: tuple[SignOffFact, ...] = ()  # decided, newest first
    refused_rationales: int = 0
    referrals: tuple[ReferralFact, ...] = ()
    disclosures: tuple[DisclosureFact, ...] = ()
    open_actions: int = 0
    overdue_actions: int = 0


def _d(day: date | None) -> str:
    return f"{day:%d/%m/%Y}" if day else "no date"


def _quote(text: str | None) -> str:
    words = " ".join((text or "").split()).split(" ")
    short = " ".join(words[:QUOTE_WORDS])
    return f"\u201c{short}{'…' if len(words) > QUOTE_WORDS else ''}\u201d"


def _of(n: int, total: int, what: str) -> str:
    return f"{n} of the last {total} {what}" if total != 1 else f"{n} of 1 {what.rstrip('s')}"


_SOURCE = {"undeclared_device": "device not declared", "late_notification": "late notification",
           "missed_notification": "missed notification", "refused_biometrics": "refused prints or photographs",
           "order_prohibition": "order prohibition", "false_notification": "false notification"}


def _source(source: str) -> str:
    return _SOURCE.get(source, source.replace("_", " "))


def record_complete(f: CaseFacts, today: date) -> list[str]:
    lines = ["Current home address recorded." if f.has_home_address else "No current home address recorded."]
    if f.risk_level is None:
        lines.append("No risk assessment recorded.")
    else:
        due = f" (review was due {_d(f.risk_review_by)}: overdue)" if f.risk_review_by and f.risk_review_by < today \
            else (f", review by {_d(f.risk_review_by)}" if f.risk_review_by else "")
        lines.append(f"Risk assessed as {RISK_LABEL.get(f.risk_level, f.risk_level)}{due}.")
    lines.append("Risk management plan recorded." if f.has_plan else "No risk management plan recorded.")
    lines.append(f"{f.relationships} relationship{'s' if f.relationships != 1 else ''} recorded.")
    if f.open_actions:
        lines.append(f"{f.open_actions} open action{'s' if f.open_actions != 1 else ''}"
                     + (f", {f.overdue_actions} overdue." if f.overdue_actions else ", none overdue."))
    return lines


def visits_as_planned(f: CaseFacts, today: date) -> list[str]:
    home = [v for v in f.visits if v.kind == "home"]
    if f.plan_reactive:
        lines = ["Plan: reactive management (no planned visits)."]
    elif f.plan_interval_months:
        lines = [f"Plan: a home visit every {f.plan_interval_months} month{'s' if f.plan_interval_months != 1 else ''}."]
    else:
        lines = ["No visit interval in a plan."]
    year_ago = add_years(today, -1)
    lines.append(f"{sum(1 for v in home if v.visited_on >= year_ago)} home visit(s) made in the last 12 months.")
    dates = sorted(v.visited_on for v in home)
    if len(dates) >= 2:
        gap = max((b - a).days for a, b in zip(dates, dates[1:], strict=False))
        lines.append(f"Longest gap between home visits: {gap} days.")
    if f.next_visit_due:
        late = (today - f.next_visit_due).days
        lines.append(f"Next visit due {_d(f.next_visit_due)}" + (f": overdue by {late} days." if late > 0 else "."))
    return lines


def _recent(f: CaseFacts) -> list[VisitFact]:
    return list(f.visits[:RECENT_VISITS])


def visits_unannounced(f: CaseFacts, today: date) -> list[str]:
    home = [v for v in f.visits if v.kind == "home"][:RECENT_VISITS]
    if not home:
        return ["No home visit recorded."]
    lines = [_of(sum(not v.announced for v in home), len(home), "home visits") + " unannounced."]
    lines += [f"Announced on {_d(v.visited_on)}: " + (f"reason {_quote(v.override_reason)}." if v.override_reason
                                                       else "no reason recorded.") for v in home if v.announced]
    return lines


def visits_two_officers(f: CaseFacts, today: date) -> list[str]:
    recent = _recent(f)
    if not recent:
        return ["No visit recorded."]
    lines = [_of(sum(v.officers >= 2 for v in recent), len(recent), "visits") + " with two officers."]
    lines += [f"Lone visit on {_d(v.visited_on)}." for v in recent if v.officers < 2]
    return lines


def visits_at_home(f: CaseFacts, today: date) -> list[str]:
    recent = _recent(f)
    if not recent:
        return ["No visit recorded."]
    office = sum(v.kind != "home" for v in recent)
    lines = [_of(len(recent) - office, len(recent), "visits") + " at home"
             + (f", {office} at the office." if office else ".")]
    seen = sum(v.outcome == "seen" for v in recent if v.kind == "home")
    if len(recent) - office:
        lines.append(f"Seen at {seen} of those home visits.")
    return lines


def devices(f: CaseFacts, today: date) -> list[str]:
    if not f.devices:
        return ["No device recorded."]
    kinds = ", ".join(d.kind for d in f.devices)
    lines = [f"{len(f.devices)} device{'s' if len(f.devices) != 1 else ''} recorded ({kinds})."]
    by_device = {b.device_id: b for b in f.breaches if b.device_id is not None}
    for d in f.devices:
        name = d.kind + (f" {d.make_model}" if d.make_model else "")
        if not d.declared:
            b = by_device.get(d.id)
            found = f"{name} found {d.found_on:%d/%m}" if d.found_on else f"{name} found"
            lines.append(f"{found} not declared: " + (_breach_state(b) if b else "no breach recorded") + ".")
        elif d.checks:
            lines.append(f"{name} checked {d.checks} time{'s' if d.checks != 1 else ''}, last {_d(d.last_checked_on)}.")
        elif d.status == "active":
            lines.append(f"{name} never checked.")
    return lines


def _breach_state(b: BreachFact) -> str:
    if b.crime_reference:
        return f"breach {'closed' if b.status == 'closed' else 'open'} with crime reference {b.crime_reference}"
    if b.status == "closed" and b.no_crime_rationale:
        return f"breach closed as no crime: {_quote(b.no_crime_rationale)}"
    if b.no_crime_rationale:
        return f"breach open, no-crime decision waiting: {_quote(b.no_crime_rationale)}"
    return "breach open with no crime reference or decision"


def breaches(f: CaseFacts, today: date) -> list[str]:
    if not f.breaches:
        return ["No breach recorded."]
    crimed = sum(1 for b in f.breaches if b.crime_reference)
    decided = sum(1 for b in f.breaches if not b.crime_reference and b.status == "closed" and b.no_crime_rationale)
    n = len(f.breaches)
    lines = [f"{n} breach{'es' if n != 1 else ''}: {crimed} with a crime reference, {decided} decided no crime, "
             f"{n - crimed - decided} neither."]
    for b in f.breaches:
        state = _breach_state(b)
        age = f" ({(today - b.occurred_on).days} days)" if not b.crime_reference and b.status == "open" else ""
        lines.append(f"{_d(b.occurred_on)} {_source(b.source)}: {state}{age}.")
    return lines


def warnings(f: CaseFacts, today: date) -> list[str]:
    if not f.warnings:
        return ["No warning recorded."]
    return [f"{w.kind.capitalize()} warning {_d(w.given_on)}: rationale of {word_count(w.rationale)} words, "
            f"{_quote(w.rationale)}." for w in f.warnings]


def supervision(f: CaseFacts, today: date) -> list[str]:
    if not f.sign_offs:
        lines = ["No sign-off decided on this case."]
    else:
        counts = [word_count(s.rationale or "") for s in f.sign_offs]
        lines = [f"{len(f.sign_offs)} sign-off{'s' if len(f.sign_offs) != 1 else ''} decided; rationales of "
                 f"{min(counts)} to {max(counts)} words."]
        lines += [f"{_d(s.signed_on)} {s.entity.replace('_', ' ')} {s.decision or ''}: {_quote(s.rationale)}."
                  for s in f.sign_offs[:3]]
    if f.refused_rationales:
        lines.append(f"{f.refused_rationales} rationale{'s' if f.refused_rationales != 1 else ''} refused as "
                     "boilerplate or too short.")
    return lines


def _days_between(a: datetime, b: datetime) -> int:
    return (london_day(b) - london_day(a)).days


def referrals_on_time(f: CaseFacts, now: datetime) -> list[str]:
    lines: list[str] = []
    for r in f.referrals:
        said = f"Concern {_d(london_day(r.concern_at))}: "
        if r.not_applicable:
            lines.append(said + "referral marked not applicable.")
            continue
        if r.referred_at is None:
            lines.append(said + f"not referred ({_days_between(r.concern_at, now)} days).")
            continue
        delay = _days_between(r.concern_at, r.referred_at)
        flag = referral_flag(r.referred_at, r.decision_at, now) if r.referred_at >= r.concern_at else None
        decision = {ReferralFlag.DECISION_OVERDUE: "; decision overdue", ReferralFlag.DECISION_LATE: "; decision late",
                    None: "" if r.decision_at else "; decision awaited"}[flag]
        lines.append(said + ("referred the same day" if delay <= 0 else f"referred {delay} day{'s' if delay != 1 else ''} "
                                                                        "later") + decision + ".")
    for d in f.disclosures:
        if d.not_applicable:
            lines.append("Disclosure consideration marked not applicable.")
        elif d.decided:
            done = d.completed_at
            lines.append("Disclosure decided" + (f", completed {_d(london_day(done))}" if done else "")
                         + (" after its due time." if d.due_at and done and done > d.due_at else "."))
        elif d.due_at is not None:
            lines.append(f"Disclosure decision due {_d(london_day(d.due_at))}"
                         + (": overdue." if d.due_at < now else ": not yet due."))
        else:
            lines.append("Disclosure not yet decided.")
    return lines or ["No safeguarding referral or disclosure recorded."]


def evidence(f: CaseFacts, now: datetime) -> dict[str, tuple[str, ...]]:
    """Each checklist question's lines of evidence for a case."""
    today = london_day(now)
    return {
        "record_complete": tuple(record_complete(f, today)),
        "visits_as_planned": tuple(visits_as_planned(f, today)),
        "visits_unannounced": tuple(visits_unannounced(f, today)),
        "visits_two_officers": tuple(visits_two_officers(f, today)),
        "visits_at_home": tuple(visits_at_home(f, today)),
        "devices": tuple(devices(f, today)),
        "breaches": tuple(breaches(f, today)),
        "warnings": tuple(warnings(f, today)),
        "supervision": tuple(supervision(f, today)),
        "referrals_on_time": tuple(referrals_on_time(f, now)),
    }


def newest_first(visits: Sequence[VisitFact]) -> tuple[VisitFact, ...]:
    return tuple(sorted(visits, key=lambda v: v.visited_on, reverse=True))
