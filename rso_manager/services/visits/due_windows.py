"""Home-visit windows and recent visits of a whole set of cases, a few set queries in all.

The planner works out a window for every case it plans, thousands at a time: the facts are those
services.case_summary.visit_window reads for one case from today's record, gathered here for all
of them at once, and the rules that turn them into a window stay domain.case_visit_window's.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from rso_manager.domain import case_visit_window as cvw
from rso_manager.domain import visit_window as vw
from rso_manager.domain.dates import london_day
from rso_manager.domain.visit_policy import VisitPolicy
from rso_manager.persistence import models as m

_BANDS = {b.value: b for b in vw.TimeBand}


def _latest(rows: Any) -> dict[int, Any]:
    """The last row of each case, for ROWS ordered by case and then oldest first."""
    return {r[0]: r for r in rows}


def visit_windows(session: Session, cases: Select[Any], opened_at: Mapping[int, datetime], today: date,
                  policy: VisitPolicy) -> dict[int, vw.DueWindow]:
    """The window of each case in OPENED_AT (case id: when its record was created); CASES is a
    SELECT of the same ids, which every query filters by instead of a query per case."""
    V, C, P, T, H = m.Visit, m.Conviction, m.DisregardedPeriod, m.VisitTrigger, m.PoliceHandover
    RMP, S, RA = m.RiskManagementPlan, m.SignOff, m.RiskAssessment
    ids = cases
    # Each case's last seen visit walked back along the covering visit index. A max() grouped by
    # case read every completed visit's row through the status index: twice as long (issue 16).
    last_seen = (select(V.visited_at).where(
        V.offender_id == m.Offender.id, V.kind == "home", V.status == "completed", V.outcome == "seen",
        V.voided_at.is_(None), V.visited_at.is_not(None))
        .order_by(V.visited_at.desc()).limit(1).correlate(m.Offender).scalar_subquery())
    seen = {oid: london_day(at) for oid, at in session.execute(
        select(m.Offender.id, last_seen).where(m.Offender.id.in_(ids))) if at is not None}
    first = dict(session.execute(select(C.offender_id, func.min(C.convicted_on)).where(
        C.offender_id.in_(ids), C.voided_at.is_(None)).group_by(C.offender_id)).all())
    released = {oid: cvw.Release(on, kind) for oid, on, kind, _ in _latest(session.execute(
        select(P.offender_id, P.ends_on, P.kind, P.id).where(
            P.offender_id.in_(ids), P.voided_at.is_(None), P.kind.in_(("custody", "hospital")),
            P.ends_on.is_not(None), P.ends_on <= today).order_by(P.offender_id, P.ends_on, P.id))).values()}
    taken_over = {oid: cvw.TakeOver(on, agency) for oid, on, agency, _ in _latest(session.execute(
        select(H.offender_id, H.police_from, H.from_agency, H.id).where(
            H.offender_id.in_(ids), H.voided_at.is_(None), H.police_from <= today)
        .order_by(H.offender_id, H.police_from, H.id))).values()}
    triggers: dict[int, list[vw.Trigger]] = defaultdict(list)
    for oid, on, kind in session.execute(select(T.offender_id, T.occurred_on, T.kind).where(
            T.offender_id.in_(ids), T.voided_at.is_(None)).order_by(T.id)):
        triggers[oid].append(vw.Trigger(on, vw.TriggerKind(kind)))
    plans = _latest(session.execute(select(RMP.offender_id, RMP.id, RMP.reactive, RMP.visit_interval_months).where(
        RMP.offender_id.in_(ids), RMP.voided_at.is_(None)).order_by(RMP.offender_id, RMP.effective_from, RMP.id)))
    approved = {pid: london_day(at) for pid, at in session.execute(
        select(S.entity_id, func.min(S.signed_at)).where(
            S.entity == "risk_management_plan", S.status == "approved",
            S.entity_id.in_(select(RMP.id).where(RMP.offender_id.in_(ids), RMP.voided_at.is_(None))))
        .group_by(S.entity_id)) if at is not None}
    # Every assessment: the latest gives the level, and a reactive plan reads the whole history.
    risk: dict[int, str] = {}
    history: dict[int, list[tuple[date, vw.RiskLevel]]] = defaultdict(list)
    reactive = {oid for oid, _, is_reactive, _ in plans.values() if is_reactive}
    for oid, on, level in session.execute(select(RA.offender_id, RA.assessed_on, RA.level).where(
            RA.offender_id.in_(ids), RA.voided_at.is_(None)).order_by(RA.offender_id, RA.assessed_on, RA.id)):
        risk[oid] = level
        if oid in reactive:
            history[oid].append((on, vw.RiskLevel(level)))

    windows = {}
    for oid, created_at in opened_at.items():
        plan = plans.get(oid)
        terms = None if plan is None else cvw.PlanTerms(plan.reactive, plan.visit_interval_months,
                                                        approved.get(plan.id))
        case_triggers = triggers.get(oid, [])
        reactive_plan = terms is not None and terms.reactive
        interval = cvw.interval_in_force(risk.get(oid), terms, history.get(oid, []) if reactive_plan else (),
                                         case_triggers if reactive_plan else (), today, policy)
        start = cvw.case_start(first.get(oid), london_day(created_at), released.get(oid), taken_over.get(oid))
        windows[oid] = cvw.home_visit_window(seen.get(oid), start, interval, case_triggers, today, policy)
    return windows


def recent_visits(session: Session, cases: Select[Any], n: int = 6) -> dict[int, list[tuple[date, vw.TimeBand]]]:
    """Each case's last N home visits done or booked, with their band, newest first (as
    services.visits.recording.recent_stamps gives one case's)."""
    V = m.Visit
    order = func.coalesce(V.planned_on, V.visited_at)
    ranked = (select(V.offender_id, V.visited_at, V.planned_on, V.time_band,
                     func.row_number().over(partition_by=V.offender_id, order_by=(order.desc(), V.id.desc()))
                     .label("rn"))
              .where(V.offender_id.in_(cases), V.kind == "home", V.voided_at.is_(None),
                     V.status.in_(("completed", "booked")), V.time_band.is_not(None))
              .subquery())
    out: dict[int, list[tuple[date, vw.TimeBand]]] = defaultdict(list)
    for oid, at, planned, band, _ in session.execute(
            select(ranked).where(ranked.c.rn <= n).order_by(ranked.c.offender_id, ranked.c.rn)):
        out[oid].append(((london_day(at) if at else planned), _BANDS[band]))
    return out
