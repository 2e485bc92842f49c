"""The planner as it was before issue 16 (verbatim but for imports), kept as the oracle the
set-based planner must match proposal for proposal. Slow by design: a query per case and a load
table rebuilt for every proposal."""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from random import Random
from typing import TYPE_CHECKING, NamedTuple

from rso_manager.domain.dates import add_working_days, bank_holidays
from rso_manager.domain.visit_window import (
    DueWindow,
    TimeBand,
    VisitStamp,
    days_overdue,
    pattern_warning,
    visit_stamp,
)

if TYPE_CHECKING:
    from rso_manager.domain.visit_policy import VisitPolicy


@dataclass(frozen=True)
class OfficerAvailability:
    officer_id: str
    trained: bool
    absences: tuple[tuple[date, date], ...] = ()  # inclusive (first, last) days away

    def absent_on(self, day: date) -> bool:
        return any(first <= day <= last for first, last in self.absences)


class Booking(NamedTuple):
    officer_id: str
    on: date


@dataclass(frozen=True)
class Proposal:
    offender_id: str
    date: date
    band: TimeBand
    officer_ids: tuple[str, ...]  # offender manager first when they can attend
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class VisitRequest:
    offender_id: str
    window: DueWindow
    recent_visits: tuple[VisitStamp, ...]
    offender_manager_id: str


class _Load:
    def __init__(self, bookings: Iterable[Booking]) -> None:
        self.day: Counter[tuple[str, date]] = Counter()
        self.week: Counter[tuple[str, tuple[int, int]]] = Counter()
        for officer_id, on in bookings:
            self.day[officer_id, on] += 1
            self.week[officer_id, on.isocalendar()[:2]] += 1

    def key(self, officer_id: str, day: date) -> tuple[int, int, str]:
        return self.day[officer_id, day], self.week[officer_id, day.isocalendar()[:2]], officer_id


# Staffing, best first. A trained pair covering for an absent manager beats a lone visit,
# which the inspection found exposes officers to grooming and manipulation.
_PAIR, _COVER_PAIR, _MANAGER_ALONE, _COVER_ALONE, _NOBODY = range(5)


def _staff(day: date, manager: OfficerAvailability, officers: Sequence[OfficerAvailability],
           load: _Load, capacity: int) -> tuple[int, tuple[str, ...]]:
    def free(o: OfficerAvailability) -> bool:
        return not o.absent_on(day) and load.day[o.officer_id, day] < capacity

    seconds = sorted((o.officer_id for o in officers
                      if o.trained and o.officer_id != manager.officer_id and free(o)),
                     key=lambda oid: load.key(oid, day))
    if free(manager):
        return (_PAIR, (manager.officer_id, seconds[0])) if seconds else (_MANAGER_ALONE, (manager.officer_id,))
    return {2: _COVER_PAIR, 1: _COVER_ALONE, 0: _NOBODY}[min(len(seconds), 2)], tuple(seconds[:2])


def _why_not_free(officers: Sequence[OfficerAvailability], days: Sequence[date], load: _Load,
                  capacity: int, exclude: str) -> str:
    reasons = []
    for o in officers:
        if o.officer_id == exclude:
            continue
        if not o.trained:
            reasons.append(f"{o.officer_id} not trained")
        elif all(o.absent_on(d) for d in days):
            reasons.append(f"{o.officer_id} absent")
        elif all(load.day[o.officer_id, d] >= capacity for d in days):
            reasons.append(f"{o.officer_id} fully booked")
        else:
            reasons.append(f"{o.officer_id} absent or fully booked")
    return "; ".join(reasons) or "no other officers in the team"


def propose_visit(
    offender_id: str,
    window: DueWindow,
    recent_visits: Sequence[VisitStamp],
    offender_manager_id: str,
    officers: Sequence[OfficerAvailability],
    bookings: Iterable[Booking],
    policy: VisitPolicy,
    seed: int | str,
    *,
    as_of: date,
) -> Proposal:
    """A date, band and officers inside WINDOW (from AS_OF on; soon after AS_OF if overdue).

    Choice order: allowed weekday; best staffing; not a bank holiday; no pattern with recent
    visits. Among the best, a seeded random pick weighted away from recently used bands.
    """
    if window.latest is None or window.earliest is None:
        raise ValueError(f"{offender_id}: reactive management, no routine visit to propose")
    by_id = {o.officer_id: o for o in officers}
    if offender_manager_id not in by_id:
        raise ValueError(f"offender manager {offender_manager_id} is not among the officers")
    manager = by_id[offender_manager_id]
    warnings: list[str] = []
    first, last = max(window.earliest, as_of), window.latest
    if as_of > window.latest:
        last = add_working_days(as_of, policy.overdue_working_days)
        warnings.append(f"overdue by {days_overdue(window, as_of)} days (due by {window.latest}): "
                        f"proposed within {policy.overdue_working_days} working days")
    days = [first + timedelta(days=i) for i in range((last - first).days + 1)]

    load = _Load(bookings)
    recent = sorted((visit_stamp(v, policy) for v in recent_visits), key=lambda s: s[0])
    tail = recent[-(policy.pattern_run - 1):]
    tail_weekdays = {on.weekday() for on, _ in tail}
    full_tail = len(tail) == policy.pattern_run - 1
    run_weekday = tail[0][0].weekday() if full_tail and len(tail_weekdays) == 1 else None
    run_band = tail[0][1] if full_tail and len({b for _, b in tail}) == 1 else None
    band_use = Counter(b for _, b in recent[-policy.pattern_run:])

    options = []
    for day in days:
        staffing, staff = _staff(day, manager, officers, load, policy.daily_capacity)
        holiday = day in bank_holidays(day.year)
        for band in TimeBand:
            # Differing from the last N-1 weekdays (not merely not completing a run) is what
            # guarantees several weekdays over a year; three bands only allow the weaker rule.
            if day.weekday() not in tail_weekdays and band != run_band:
                pattern = 0
            elif day.weekday() != run_weekday and band != run_band:
                pattern = 1
            else:
                pattern = 2
            rank = (day.weekday() not in policy.allowed_weekdays, staffing, holiday, pattern)
            options.append((rank, 1 / (1 + band_use[band]) ** 2, day, band, staff))
    best = min(o[0] for o in options)
    pool = [o for o in options if o[0] == best]
    rng = Random(seed)
    (disallowed, staffing, holiday, _), _, day, band, staff = rng.choices(pool, weights=[o[1] for o in pool])[0]

    span = f"{first} to {last}"
    if disallowed:
        warnings.append(f"no allowed weekday from {span}: proposed a {day:%A}")
    if staffing == _COVER_PAIR:
        warnings.append(f"offender manager {manager.officer_id} is not free with a trained second officer "
                        f"on any day from {span}: covered by {staff[0]} and {staff[1]}")
    elif staffing != _PAIR:
        why = _why_not_free(officers, days, load, policy.daily_capacity, manager.officer_id)
        who = "offender manager unavailable; " if staffing != _MANAGER_ALONE else ""
        warnings.append(f"no trained second officer free on any day from {span} ({why}): {who}"
                        f"a visit without two officers needs a reason for the supervisor")
    if holiday:
        warnings.append(f"{day} is a bank holiday")
    if repeat := pattern_warning([*recent_visits, (day, band)], policy):
        warnings.append(f"proposal repeats a pattern: {repeat}")
    return Proposal(offender_id, day, band, staff, tuple(warnings))


def plan(
    requests: Iterable[VisitRequest],
    officers: Sequence[OfficerAvailability],
    bookings: Iterable[Booking],
    policy: VisitPolicy,
    seed: int | str,
    *,
    as_of: date,
) -> list[Proposal]:
    """Proposals for many offenders, most overdue first so the scarce slots go to them; each
    proposal's officers are booked before the next so daily capacity holds across the plan."""
    booked = list(bookings)
    due = [r for r in requests if r.window.latest is not None]
    due.sort(key=lambda r: (-days_overdue(r.window, as_of), r.window.latest, r.offender_id))
    proposals = []
    for r in due:
        # Per-offender seeds: adding an offender to the plan does not reshuffle the others' draws.
        p = propose_visit(r.offender_id, r.window, r.recent_visits, r.offender_manager_id, officers,
                          booked, policy, f"{seed}:{r.offender_id}", as_of=as_of)
        booked.extend(Booking(oid, p.date) for oid in p.officer_ids)
        proposals.append(p)
    return proposals
