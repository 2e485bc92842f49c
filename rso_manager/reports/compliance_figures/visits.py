"""The home visits section: cases overdue a home visit (each window worked out by the domain
rules from the record as it stood), the period's visits, and visits that fall into a pattern."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import and_, case, extract, func, or_, select, true, type_coerce
from sqlalchemy.orm import aliased

from rso_manager.clock import LONDON
from rso_manager.domain import case_visit_window as cvw
from rso_manager.domain import visit_window as vw
from rso_manager.domain.dates import add_months, london_day
from rso_manager.domain.risk_levels import RISK_LABEL
from rso_manager.domain.visit_window import TimeBand, pattern_warning
from rso_manager.persistence import models as m
from rso_manager.persistence.types import LondonDay
from rso_manager.reports.compliance_figures import selections as sel
from rso_manager.reports.compliance_figures.context import (
    ACTIVE_CASE,
    IN_CHUNK,
    Ctx,
    chunks,
    oldest_first,
    person_name,
    start_of_day,
)
from rso_manager.reports.compliance_figures.figures import (
    Count,
    ExceptionRow,
    MonthShare,
    Share,
    VisitFigures,
)


def _grouped(c: Ctx, model, *cols, where=()) -> Sequence[Any]:
    """Rows of MODEL for the active cases in scope, as the record stood on the as-of day."""
    return c.s.execute(select(model.offender_id, *cols).join(m.Offender, m.Offender.id == model.offender_id)
                       .where(c.in_scope, ACTIVE_CASE, *where)).all()


def _visit_windows(c: Ctx) -> list[tuple[Any, vw.DueWindow]]:
    """Every active case's home-visit window as the record stood at the end of the as-of day,
    from the domain rules (domain.case_visit_window), not the summary column, which follows
    today's record: a visit, assessment or plan entered later must not move a past day's answer.

    A handful of set queries feed the pure calls for each case; the inputs are those
    services.case_summary.visit_window reads, each cut at the as-of day. The case query itself
    carries what every case has one of (its risk, the day it was last seen at home, its first
    conviction), each a subquery on that case's own index rows.
    """
    C, P, T, H = m.Conviction, m.DisregardedPeriod, m.VisitTrigger, m.PoliceHandover
    RMP, S, RA = m.RiskManagementPlan, m.SignOff, m.RiskAssessment
    first_conviction = (select(func.min(C.convicted_on))
                        .where(C.offender_id == m.Offender.id, c.live(C), C.convicted_on <= c.as_of)
                        .correlate(m.Offender).scalar_subquery())
    cases = c.s.execute(
        select(*c.case_cols(), type_coerce(m.Offender.created_at, LondonDay()).label("opened_on"),
               c.risk_level().label("risk"), m.Team.name.label("team"),
               type_coerce(c.seen_at_home(m.Offender.id).correlate(m.Offender), LondonDay()).label("seen"),
               first_conviction.label("first_conviction"))
        .select_from(m.Offender).outerjoin(c.manager, c.manager.id == m.Offender.offender_manager_id)
        .outerjoin(m.Team, m.Team.id == m.Offender.team_id)
        .where(c.in_scope, ACTIVE_CASE)).all()
    released: dict[int, cvw.Release] = {}  # the last release by the day, and from what
    for r in sorted(_grouped(c, P, P.ends_on, P.kind, where=(
            c.live(P), P.kind.in_(("custody", "hospital")), P.ends_on.is_not(None), P.ends_on <= c.as_of)),
            key=lambda r: r.ends_on):
        released[r.offender_id] = cvw.Release(r.ends_on, r.kind)
    taken_over: dict[int, cvw.TakeOver] = {}  # the latest police take-over in effect by the day
    for r in sorted(_grouped(c, H, H.id, H.police_from, H.from_agency,
                             where=(c.live(H), H.police_from <= c.as_of)), key=lambda r: (r.police_from, r.id)):
        taken_over[r.offender_id] = cvw.TakeOver(r.police_from, r.from_agency)
    triggers: dict[int, list[vw.Trigger]] = defaultdict(list)
    for oid, on, kind in _grouped(c, T, T.occurred_on, T.kind, where=(c.live(T), T.occurred_on <= c.as_of)):
        triggers[oid].append(vw.Trigger(on, vw.TriggerKind(kind)))
    latest: dict[int, Any] = {}  # the plan in force: the last by effective date, then by entry
    for r in sorted(_grouped(c, RMP, RMP.id, RMP.effective_from, RMP.visit_interval_months, RMP.reactive,
                             where=(c.live(RMP),)),
                    key=lambda r: (r.effective_from, r.id)):
        latest[r.offender_id] = r
    approved = {pid: london_day(at) for pid, at in c.s.execute(
        select(S.entity_id, func.min(S.signed_at)).where(
            S.entity == "risk_management_plan", S.status == "approved", S.signed_at < c.as_of_end,
            S.entity_id.in_([p.id for p in latest.values()] or [-1]) if len(latest) <= IN_CHUNK else true())
        .group_by(S.entity_id)) if at is not None}
    reactive = [oid for oid, p in latest.items() if p.reactive]
    history: dict[int, list[tuple[date, vw.RiskLevel]]] = defaultdict(list)
    for ids in chunks(reactive):
        for oid, on, level in c.s.execute(select(RA.offender_id, RA.assessed_on, RA.level).where(
                RA.offender_id.in_(ids), c.live(RA), RA.assessed_on <= c.as_of)):
            history[oid].append((on, vw.RiskLevel(level)))

    out = []
    # Under any plan but a reactive one the interval follows from the risk and the plan's terms
    # alone (interval_in_force reads no history or triggers then): worked out once per pair.
    routine: dict[tuple[str | None, cvw.PlanTerms | None], vw.IntervalDecision | None] = {}
    # A case with no trigger whose clock runs from its last home visit has the window of every
    # such case seen that day under the same interval (vw.due_window reads the case start only
    # for a case not seen since it): worked out once per pair, not 100,000 times.
    from_visit: dict[tuple[date, int | None], vw.DueWindow] = {}
    for r in cases:
        plan = latest.get(r.case_id)
        terms = None if plan is None else cvw.PlanTerms(plan.reactive, plan.visit_interval_months,
                                                        approved.get(plan.id))
        if terms is not None and terms.reactive:
            interval = cvw.interval_in_force(r.risk, terms, history[r.case_id], triggers[r.case_id], c.as_of,
                                             c.policy)
        elif (r.risk, terms) in routine:
            interval = routine[r.risk, terms]
        else:
            interval = routine[r.risk, terms] = cvw.interval_in_force(r.risk, terms, (), (), c.as_of, c.policy)
        start = cvw.case_start(r.first_conviction, r.opened_on, released.get(r.case_id), taken_over.get(r.case_id))
        seen = r.seen
        case_triggers = triggers.get(r.case_id, ())
        if seen is None or case_triggers or (start.restarts_clock and seen < start.on):
            window = cvw.home_visit_window(seen, start, interval, case_triggers, c.as_of, c.policy)
        else:
            key = (seen, interval.months if interval else None)
            if key not in from_visit:
                from_visit[key] = cvw.home_visit_window(seen, start, interval, (), c.as_of, c.policy)
            window = from_visit[key]
        out.append((r, window))
    return out


def visit_figures(c: Ctx) -> VisitFigures:
    # Overdue: each case's window as of the day, oldest first.
    overdue: list[ExceptionRow] = []
    groups: defaultdict[str, int] = defaultdict(int)
    label = {"force": "team", "team": "officer", "officer": "risk level"}[c.scope.info.kind]
    for r, window in _visit_windows(c):
        due = window.latest
        if due is None or due >= c.as_of:
            continue
        overdue.append(ExceptionRow(r.reference, person_name(r.surname, r.forenames), r.officer,
                                    f"Home visit: due by {due:%d/%m/%Y}",
                                    (c.as_of - due).days, due, offender_id=r.case_id))
        key = {"team": r.team or "No team", "officer": r.officer or "Unallocated",
               "risk level": RISK_LABEL.get(r.risk, "Not assessed")}[label]
        groups[key] += 1
    overdue_by = tuple(Count(k, k, n) for k, n in sorted(groups.items(), key=lambda kv: (-kv[1], kv[0])))

    # Activity in the period: one pass over the period's visits, home and office, with a pair
    # of sums per month (portable SQL: no GROUP BY on a computed month, which PostgreSQL and
    # SQLite spell apart).
    months: list[tuple[date, datetime, datetime]] = []
    first = c.period_from.replace(day=1)
    while first <= c.period_to:
        nxt = add_months(first, 1)
        months.append((first, start_of_day(max(first, c.period_from)), start_of_day(min(nxt, c.period_to + timedelta(days=1)))))
        first = nxt
    crew = sel.visit_crew()
    home, failed, unannounced = sel.HOME_ATTEMPT, sel.FAILED, sel.UNANNOUNCED

    def tally(*cond):
        return func.sum(case((and_(home, *cond), 1), else_=0))

    per_month = []
    for _, lo, hi in months:
        within = and_(m.Visit.visited_at >= lo, m.Visit.visited_at < hi)
        per_month += [tally(within), tally(within, unannounced)]
    # From the cases, each outer-joined to its period's visits: SQLite keeps the cases the outer
    # loop and reads each one's visits off its composite index by kind, status and day, where
    # left to choose it read the period's visits of the whole force a page a row (2x slower for
    # the force, issue 16). A case with none adds a row of NULLs, which no tally counts.
    totals = c.s.execute(
        select(tally(), tally(m.Visit.outcome == "seen"), tally(failed), tally(unannounced),
               tally(crew >= 2), func.sum(case((sel.OFFICE_INTERVIEW, 1), else_=0)), *per_month)
        .select_from(m.Offender)
        .outerjoin(m.Visit, and_(m.Visit.offender_id == m.Offender.id, sel.visits_in_period(c, many_cases=False),
                                 m.Visit.kind.in_(("home", "office")), or_(home, sel.OFFICE_INTERVIEW)))
        .where(c.in_scope)).one()
    attempts, seen, failed_n, unannounced_n, pairs, office, *month_counts = (v or 0 for v in totals)
    by_month = tuple(MonthShare(f"{first:%Y-%m}", Share(month_counts[2 * i + 1], month_counts[2 * i]))
                     for i, (first, _, _) in enumerate(months))

    return VisitFigures(
        overdue=oldest_first(overdue), overdue_by_label=label, overdue_by=overdue_by,
        home_visits=attempts, completed=seen, failed_entries=failed_n,
        unannounced=Share(unannounced_n, attempts), two_officers=Share(pairs, attempts),
        office_interviews=office, unannounced_by_month=by_month,
        repeated_pattern=_repeated_pattern(c),
    )


def _repeated_pattern(c: Ctx) -> tuple[ExceptionRow, ...]:
    """Cases whose last N home visits (the latest in the period) share a weekday or time band:
    an offender who can predict a visit can hide devices and people before it (R14).

    SQL finds each case's last N visits and keeps only cases that might repeat: the latest in
    the period, and one band, or one UTC weekday, or a visit in the UTC hour that is already the
    next London day in summer. domain.visit_window.pattern_warning then decides on London time,
    so the shortlist may be generous but never misses a case.
    """
    run = c.policy.pattern_run
    V = m.Visit

    def nth_latest(column, nth: int, case_id):
        # Walked back from the as-of day along the case's (offender, kind, status, visited_at)
        # index: N index rows a case, where ranking every visit of the cases visited in the
        # period with a window function read and sorted their whole history (issue 16).
        return (select(column).where(V.offender_id == case_id, c.visit_done(), V.kind == "home")
                .order_by(V.visited_at.desc(), V.id.desc()).limit(1).offset(nth - 1)
                .scalar_subquery())

    def last_visits(*where):
        """The last RUN home visits of each active case in scope whose latest is in the period."""
        # A completed home visit since the period began at all, from the index alone: the
        # latest as the record stood (row by row) is worked out only for the cases with one.
        lately = (select(func.max(V.visited_at))
                  .where(V.offender_id == m.Offender.id, V.kind == "home", V.status == "completed",
                         V.visited_at < c.as_of_end)
                  .correlate(m.Offender).scalar_subquery())
        # Each step materialised, so each case's probes run once: flattened into the join,
        # SQLite drove it from every completed visit of the force instead.
        latest = (select(m.Offender.id.label("case_id"), nth_latest(V.visited_at, 1, m.Offender.id).label("at"))
                  .where(c.in_scope, ACTIVE_CASE, lately >= c.start, *where)
                  .cte("latest").prefix_with("MATERIALIZED"))
        cases = (select(latest.c.case_id, nth_latest(V.id, run, latest.c.case_id).label("cut_id"))
                 .where(latest.c.at >= c.start, latest.c.at < c.end)
                 .cte("cases").prefix_with("MATERIALIZED"))
        cut = aliased(m.Visit, name="cut")
        # The visits ranked 1..RUN by (visited_at, id) newest first are those from the RUNth on:
        # each case's read off its composite index from the cut on. The outer join keeps the
        # cases the outer loop (SQLite does not reorder it); as an inner join SQLite read every
        # visit of the force along ix_visit_offender_id to spare the GROUP BY a sort (1.5x
        # slower at 100,000). It adds no row of NULLs: the cut is itself one of the visits. The
        # case comes from the cases, not the visit: a join on the visit's column would undo
        # the outer join, and SQLite would again read every completed visit of the force.
        return (select(cases.c.case_id.label("offender_id"), V.visited_at, V.time_band)
                .select_from(cases).join(cut, cut.id == cases.c.cut_id)
                .outerjoin(V, and_(V.offender_id == cases.c.case_id, V.kind == "home", c.visit_done(),
                                   V.visited_at >= cut.visited_at,
                                   or_(V.visited_at > cut.visited_at, V.id >= cut.id)))
                .subquery())

    recent = last_visits()
    at = recent.c.visited_at
    # Ids first, then rows for those ids only: fetching every candidate's visits would turn
    # a hundred thousand datetimes into Python objects for the few that repeat.
    shortlist = list(c.s.scalars(
        select(recent.c.offender_id).group_by(recent.c.offender_id).having(
            or_(func.count(func.distinct(recent.c.time_band)) <= 1,
                func.min(extract("dow", at)) == func.max(extract("dow", at)),
                func.max(extract("hour", at)) == 23))))
    by_case: dict[int, list] = defaultdict(list)
    for ids in chunks(shortlist):
        few = last_visits(m.Offender.id.in_(ids))
        for r in c.s.execute(c.join_case(
                select(few.c.offender_id, few.c.visited_at, few.c.time_band, *c.case_cols()),
                few.c.offender_id)):
            by_case[r.offender_id].append(r)
    rows = []
    for visits in by_case.values():
        stamps = []
        for v in visits:
            local = v.visited_at.astimezone(LONDON)
            band = TimeBand(v.time_band) if v.time_band else c.policy.band_of(local.time())
            stamps.append((local.date(), band) if band else local)
        warning = pattern_warning(stamps, c.policy)
        if warning:
            r = visits[0]
            day = london_day(max(v.visited_at for v in visits))
            rows.append(ExceptionRow(r.reference, person_name(r.surname, r.forenames), r.officer,
                                     warning[0].upper() + warning[1:], (c.as_of - day).days, day,
                                     offender_id=r.case_id))
    return tuple(sorted(rows, key=lambda r: (r.reference or "")))
