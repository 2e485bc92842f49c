"""Proposes when and by whom each home visit happens (domain.md 2.1, R13-R14).

Visits are unannounced and by two officers, so the proposal must not be guessable from past
visits (vary weekday and time band, evenings included) and must name a trained second officer
without overloading anyone. Randomness comes only from random.Random(seed), so a plan can be
reproduced and audited.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right, insort
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache, lru_cache
from random import Random
from typing import TYPE_CHECKING, NamedTuple

from rso_manager.domain.dates import add_working_days, bank_holidays, week_start
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


class Rota:
    """Each officer's bookings by day and ISO week as a plan grows, one proposal at a time.

    A force-wide plan books tens of thousands of visits, so the counts are kept as each
    proposal is booked (book), never recounted from the whole list."""

    def __init__(self, bookings: Iterable[Booking], capacity: int) -> None:
        self.capacity = capacity
        self.day: Counter[tuple[str, date]] = Counter()
        self.week: Counter[tuple[str, tuple[int, int]]] = Counter()
        self._crews: list[Crew] = []
        for officer_id, on in bookings:
            self.day[officer_id, on] += 1
            self.week[officer_id, on.isocalendar()[:2]] += 1
        # Each officer's fully booked days in order, so "fully booked all week" is two bisections.
        self.full: dict[str, list[date]] = {}
        self.filled: list[tuple[str, date]] = []  # (officer, day) as the plan books days full
        for (officer_id, on), n in sorted(self.day.items(), key=lambda kv: kv[0][1]):
            if n >= capacity:
                self.full.setdefault(officer_id, []).append(on)
        # The same days as sets: "is she free that day" is asked for every day of every window.
        self.full_on: dict[str, set[date]] = {officer_id: set(days) for officer_id, days in self.full.items()}

    def fully_booked(self, officer_id: str, days: Sequence[date]) -> bool:
        """Whether OFFICER_ID is booked to capacity on every one of DAYS (consecutive days)."""
        full = self.full.get(officer_id, ())
        return bisect_right(full, days[-1]) - bisect_left(full, days[0]) == len(days)

    def key(self, officer_id: str, day: date) -> tuple[int, int, str]:
        """Least loaded first: that day, then that week, then by id so the order is stable."""
        return self.day.get((officer_id, day), 0), self.week.get((officer_id, day.isocalendar()[:2]), 0), officer_id

    def is_free(self, o: OfficerAvailability, day: date) -> bool:
        return self.day.get((o.officer_id, day), 0) < self.capacity and not (o.absences and o.absent_on(day))

    def crew(self, officers: Sequence[OfficerAvailability]) -> Crew:
        """OFFICERS as a pool of second officers that follows this rota's bookings."""
        crew = Crew(self, officers)
        self._crews.append(crew)
        return crew

    def book(self, proposal: Proposal) -> None:
        on = proposal.date
        monday = week_start(on)
        week_days = [monday + timedelta(days=i) for i in range(7)]
        week = on.isocalendar()[:2]
        for officer_id in proposal.officer_ids:
            crews = [c for c in self._crews if c.times(officer_id)]
            before = self.week.get((officer_id, week), 0)
            for crew in crews:
                crew.forget(officer_id, week_days, before)
            self.day[officer_id, on] += 1
            self.week[officer_id, week] = before + 1
            if self.day[officer_id, on] == self.capacity:
                insort(self.full.setdefault(officer_id, []), on)
                self.full_on.setdefault(officer_id, set()).add(on)
                self.filled.append((officer_id, on))
            for crew in crews:
                crew.remember(officer_id, week_days, before + 1)


class Crew:
    """The trained officers of a pool who are free on a day, least loaded first (Rota.key).

    Thousands of proposals ask about the same few hundred days, so each day's order is sorted
    the first time it is asked for and afterwards only moved for the officer a booking changes."""

    def __init__(self, rota: Rota, officers: Sequence[OfficerAvailability]) -> None:
        self.rota = rota
        self.officers = tuple(officers)
        self.by_id = {o.officer_id: o for o in officers}
        # An officer listed twice (in their team's list and the list of every officer) is
        # offered twice, as the planner always did.
        self._times = Counter(o.officer_id for o in officers if o.trained)
        self._free: dict[date, list[tuple[int, int, str]]] = {}
        self._why: dict[tuple[date, date], _Reasons] = {}

    def free_lists(self, days: Iterable[date]) -> list[list[tuple[int, int, str]]]:
        """For each of DAYS, the crew's trained officers free that day, least loaded first."""
        free, out = self._free, []
        for day in days:
            on_day = free.get(day)
            if on_day is None:
                rota = self.rota
                on_day = free[day] = sorted(rota.key(o.officer_id, day) for o in self.officers
                                            if o.trained and rota.is_free(o, day))
            out.append(on_day)
        return out

    def why_not_free(self, days: Sequence[date], exclude: str) -> str:
        """Why none of the crew but EXCLUDE is free on DAYS (consecutive days), officer by officer.

        In a plan beyond the officers' capacity most proposals ask this of the same windows:
        the reasons of a window are kept and changed only for an officer whose day in it the
        plan has since booked full (bookings only ever fill days), and so is the text."""
        key, rota = (days[0], days[-1]), self.rota
        why = self._why.get(key)
        if why is None:
            why = self._why[key] = _Reasons(
                [[o.officer_id, _reason(o, days, rota)] for o in self.officers], len(rota.filled))
        elif why.seen < len(rota.filled):
            for officer_id, on in rota.filled[why.seen:]:
                if key[0] <= on <= key[1]:
                    for entry in why.reasons:
                        if entry[0] == officer_id and entry[1] == _MIXED and rota.fully_booked(officer_id, days):
                            entry[1] = _FULL
                            why.texts.clear()
                            why.parts = None
            why.seen = len(rota.filled)
        text = why.texts.get(exclude)
        if text is None:
            if why.parts is None:  # each officer's part worded once for every officer left out
                why.parts = [(oid, f"{oid} {reason}") for oid, reason in why.reasons]
            text = why.texts[exclude] = "; ".join([part for oid, part in why.parts if oid != exclude]) or (
                "no other officers in the team")
        return text

    def times(self, officer_id: str) -> int:
        """How often OFFICER_ID is listed among the crew's trained officers."""
        return self._times[officer_id]

    def seconds(self, day: date, manager_id: str, n: int) -> list[str]:
        """Up to N of the least loaded trained officers free on DAY, the offender manager aside."""
        out: list[str] = []
        for _, _, officer_id in self.free_lists((day,))[0]:
            if officer_id != manager_id:
                out.append(officer_id)
                if len(out) == n:
                    break
        return out

    def forget(self, officer_id: str, week_days: Sequence[date], week: int) -> None:
        """Take OFFICER_ID (booked WEEK times that week) out of the days of the week before a
        booking changes their place in it."""
        booked = self.rota.day
        for day in week_days:
            if (free := self._free.get(day)) is not None:
                key = (booked.get((officer_id, day), 0), week, officer_id)
                i = bisect_left(free, key)
                while i < len(free) and free[i] == key:
                    del free[i]

    def remember(self, officer_id: str, week_days: Sequence[date], week: int) -> None:
        """Put OFFICER_ID back, after the booking, on the days of the week they are still free."""
        o, rota, booked = self.by_id[officer_id], self.rota, self.rota.day
        for day in week_days:
            if (free := self._free.get(day)) is not None and rota.is_free(o, day):
                key = (booked.get((officer_id, day), 0), week, officer_id)
                for _ in range(self._times[officer_id]):
                    insort(free, key)


# Staffing, best first. A trained pair covering for an absent manager beats a lone visit,
# which the inspection found exposes officers to grooming and manipulation.
_PAIR, _COVER_PAIR, _MANAGER_ALONE, _COVER_ALONE, _NOBODY = range(5)


_BANDS = tuple(TimeBand)


# Thousands of proposals share a few hundred windows: their days are worked out once.
@lru_cache(maxsize=4096)
def _days(first: date, last: date) -> tuple[date, ...]:
    return tuple(first + timedelta(days=i) for i in range((last - first).days + 1))


@lru_cache(maxsize=4096)
def _allowed_days(days: tuple[date, ...], allowed: frozenset[int]) -> tuple[date, ...]:
    return tuple(d for d in days if d.weekday() in allowed)


@lru_cache(maxsize=4096)
def _day_facts(days: tuple[date, ...], holidays: frozenset[date]) -> tuple[tuple[date, bool, int], ...]:
    """Each of DAYS with whether it is a bank holiday and its weekday."""
    return tuple((d, d in holidays, d.weekday()) for d in days)


@cache
def _holidays(first_year: int, last_year: int) -> frozenset[date]:
    return frozenset().union(*(bank_holidays(y) for y in range(first_year, last_year + 1)))


def _day_ranks(days: tuple[date, ...], manager: OfficerAvailability, crew: Crew, holidays: frozenset[date],
               least: Sequence[int]) -> list[tuple[int, bool, int]]:
    """For each of DAYS its rank (staffing as _staff would find it, bank holiday, the least
    pattern of its bands), from how many of CREW are free and whether the manager is: the
    planner's innermost loop, run for every day of every window, so written out in one."""
    manager_id = manager.officer_id
    full = crew.rota.full_on.get(manager_id, ())  # booked to capacity
    away = manager.absent_on if manager.absences else None
    listed = crew.times(manager_id)
    ranks = []
    for (day, holiday, weekday), free in zip(_day_facts(days, holidays), crew.free_lists(days), strict=True):
        if day not in full and not (away and away(day)):
            staffing = _PAIR if len(free) > listed else _MANAGER_ALONE
        else:
            n = len(free)
            staffing = _COVER_PAIR if n >= 2 else _COVER_ALONE if n else _NOBODY
        ranks.append((staffing, holiday, least[weekday]))
    return ranks


def _staff(day: date, manager: OfficerAvailability, crew: Crew) -> tuple[int, tuple[str, ...]]:
    seconds = crew.seconds(day, manager.officer_id, 2)
    if crew.rota.is_free(manager, day):
        return (_PAIR, (manager.officer_id, seconds[0])) if seconds else (_MANAGER_ALONE, (manager.officer_id,))
    return {2: _COVER_PAIR, 1: _COVER_ALONE, 0: _NOBODY}[len(seconds)], tuple(seconds)


def _pattern(weekday: int, band: TimeBand, tail_weekdays: set[int], run_weekday: int | None,
             run_band: TimeBand | None) -> int:
    # Differing from the last N-1 weekdays (not merely not completing a run) is what
    # guarantees several weekdays over a year; three bands only allow the weaker rule.
    if weekday not in tail_weekdays and band != run_band:
        return 0
    if weekday != run_weekday and band != run_band:
        return 1
    return 2


_MIXED, _FULL = "absent or fully booked", "fully booked"


class _Reasons:
    """A window's reasons, officer by officer; how much of Rota.filled they have taken in;
    and the text without each offender manager asked about."""

    def __init__(self, reasons: list[list[str]], seen: int) -> None:
        self.reasons, self.seen = reasons, seen
        self.texts: dict[str, str] = {}
        self.parts: list[tuple[str, str]] | None = None  # (officer, "officer reason"), as reasons stand


def _reason(o: OfficerAvailability, days: Sequence[date], rota: Rota) -> str:
    """Why O is not free on any of DAYS (an officer free on one of them reads 'absent or fully
    booked' too: the reason is only asked for when no second officer could be found)."""
    if not o.trained:
        return "not trained"
    if o.absences and all(o.absent_on(d) for d in days):
        return "absent"
    return _FULL if rota.fully_booked(o.officer_id, days) else _MIXED


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
    crew = Rota(bookings, policy.daily_capacity).crew(officers)
    return propose_with(crew, VisitRequest(offender_id, window, tuple(recent_visits), offender_manager_id),
                        policy, seed, as_of=as_of)


def propose_with(crew: Crew, request: VisitRequest, policy: VisitPolicy, seed: int | str, *, as_of: date,
                 manager: OfficerAvailability | None = None) -> Proposal:
    """propose_visit for REQUEST with second officers from CREW, as its rota stands; MANAGER
    when the offender manager is not one of the crew (a supervisor kept out of the pool)."""
    offender_id, window = request.offender_id, request.window
    if window.latest is None or window.earliest is None:
        raise ValueError(f"{offender_id}: reactive management, no routine visit to propose")
    manager = manager or crew.by_id.get(request.offender_manager_id)
    if manager is None or manager.officer_id != request.offender_manager_id:
        raise ValueError(f"offender manager {request.offender_manager_id} is not among the officers")
    warnings: list[str] = []
    first, last = max(window.earliest, as_of), window.latest
    if as_of > window.latest:
        last = add_working_days(as_of, policy.overdue_working_days)
        warnings.append(f"overdue by {days_overdue(window, as_of)} days (due by {window.latest}): "
                        f"proposed within {policy.overdue_working_days} working days")
    days = _days(first, last)

    recent_visits = request.recent_visits
    recent = sorted((visit_stamp(v, policy) for v in recent_visits), key=lambda s: s[0])
    tail = recent[-(policy.pattern_run - 1):]
    tail_weekdays = {on.weekday() for on, _ in tail}
    full_tail = len(tail) == policy.pattern_run - 1
    run_weekday = tail[0][0].weekday() if full_tail and len(tail_weekdays) == 1 else None
    run_band = tail[0][1] if full_tail and len({b for _, b in tail}) == 1 else None
    band_use = Counter(b for _, b in recent[-policy.pattern_run:])
    weights = {band: 1 / (1 + band_use[band]) ** 2 for band in TimeBand}

    # The best rank first, by day (weekday allowed, staffing, bank holiday) and then by band
    # (pattern), so only the chosen day's officers are worked out; the pool and its weights are
    # in day and band order, which is what the seeded draw depends on.
    patterns = [[_pattern(wd, band, tail_weekdays, run_weekday, run_band) for band in _BANDS] for wd in range(7)]
    least = [min(p) for p in patterns]
    allowed = policy.allowed_weekdays
    disallowed = not any(d.weekday() in allowed for d in days[:7])
    open_days = days if disallowed else _allowed_days(days, allowed)
    holidays = _holidays(days[0].year, days[-1].year)
    ranks = _day_ranks(open_days, manager, crew, holidays, least)
    best = min(ranks)
    bands = [[band for band, pattern in zip(_BANDS, p, strict=True) if pattern == best[2]] for p in patterns]
    pool = [(day, band) for day, rank in zip(open_days, ranks, strict=True) if rank == best
            for band in bands[day.weekday()]]
    rng = Random(seed)
    day, band = rng.choices(pool, weights=[weights[b] for _, b in pool])[0]
    _, holiday, _ = best
    staffing, staff = _staff(day, manager, crew)

    span = f"{first} to {last}"
    if disallowed:
        warnings.append(f"no allowed weekday from {span}: proposed a {day:%A}")
    if staffing == _COVER_PAIR:
        warnings.append(f"offender manager {manager.officer_id} is not free with a trained second officer "
                        f"on any day from {span}: covered by {staff[0]} and {staff[1]}")
    elif staffing != _PAIR:
        why = crew.why_not_free(days, manager.officer_id)
        who = "offender manager unavailable; " if staffing != _MANAGER_ALONE else ""
        warnings.append(f"no trained second officer free on any day from {span} ({why}): {who}"
                        f"a visit without two officers needs a reason for the supervisor")
    if holiday:
        warnings.append(f"{day} is a bank holiday")
    if repeat := pattern_warning([*recent_visits, (day, band)], policy):
        warnings.append(f"proposal repeats a pattern: {repeat}")
    return Proposal(offender_id, day, band, staff, tuple(warnings))


def plan_order(requests: Iterable[VisitRequest], as_of: date) -> list[VisitRequest]:
    """Most overdue first so the scarce slots go to them, then by the end of the window."""
    due = [r for r in requests if r.window.latest is not None]
    due.sort(key=lambda r: (-days_overdue(r.window, as_of), r.window.latest, r.offender_id))
    return due


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
    rota = Rota(bookings, policy.daily_capacity)
    crew = rota.crew(officers)
    proposals = []
    for r in plan_order(requests, as_of):
        # Per-offender seeds: adding an offender to the plan does not reshuffle the others' draws.
        p = propose_with(crew, r, policy, plan_seed(seed, r), as_of=as_of)
        rota.book(p)
        proposals.append(p)
    return proposals


def plan_seed(seed: int | str, request: VisitRequest) -> str:
    return f"{seed}:{request.offender_id}"
