"""The notifications section: notifications due soon and overdue (their due dates as the record
stood on the as-of day), and those made late in the period with what became of each."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, or_, select, type_coerce

from rso_manager.domain import notification_due as nd
from rso_manager.domain.dates import london_day
from rso_manager.domain.notification_kinds import DOMAIN_KIND
from rso_manager.domain.notification_period import DisregardedPeriod, DisregardReason
from rso_manager.persistence import models as m
from rso_manager.persistence.types import LondonDay
from rso_manager.reports.compliance_figures import selections as sel
from rso_manager.reports.compliance_figures.context import (
    OPEN_CASE,
    Ctx,
    chunks,
    oldest_first,
    person_name,
)
from rso_manager.reports.compliance_figures.figures import (
    ExceptionRow,
    LateNotification,
    NotificationFigures,
)
from rso_manager.reports.compliance_figures.labels import NOTIFICATION_LABEL

_OPEN_END = date(9999, 1, 1)  # a period not ended by the as-of day: the clock stays paused


def _statutory_due(kind: str, event_on: date | None, periods: list, policy) -> date | None:
    """The due date of one notification from its event and the disregarded time known then."""
    if event_on is None:
        return None
    due: date | None
    if kind in ("periodic", "weekly"):
        due = (nd.weekly_due if kind == "weekly" else nd.periodic_due)(event_on, periods, policy)
    elif kind == "initial":
        due = nd.initial_due(event_on, periods, policy)
    elif kind == "travel":
        due = nd.travel_due(event_on, policy)
    elif kind == "household":
        due = nd.household_stay_due(event_on, periods, policy)
    elif kind == "did_not_occur":
        due = nd.did_not_occur_due(event_on, None, periods, policy)
    else:
        due = nd.change_due(event_on, periods, policy)
    return None if due is None or due >= _OPEN_END else due


def _dues_as_of(c: Ctx, rows: Sequence[Any]) -> dict[int, date | None]:
    """Due dates of the outstanding notifications changed after the as-of day, recomputed from
    the record as it stood then: the services move a pending due date when its inputs change (a
    new custody period, an annual clock restarted by a later notification), and the stored
    value is today's. Rows unchanged since the day keep their own date."""
    changed = [r for r in rows if r.updated_at is not None and r.updated_at >= c.as_of_end
               and r.kind != "financial"]  # 2012 details follow the other dues: kept as stored
    if not changed:
        return {}
    N, P = m.StatutoryNotification, m.DisregardedPeriod
    policy = c.cfg.notification_policy
    ids = sorted({r.offender_id for r in changed})
    periods: dict[int, list] = defaultdict(list)
    anchors: dict[int, date] = {}
    for chunk in chunks(ids):
        for p in c.s.execute(select(P.offender_id, P.kind, P.starts_on, P.ends_on).where(
                P.offender_id.in_(chunk), c.live(P), P.starts_on <= c.as_of)):
            end = p.ends_on if p.ends_on is not None and p.ends_on <= c.as_of else _OPEN_END
            periods[p.offender_id].append(DisregardedPeriod(p.starts_on, end, DisregardReason(p.kind)))
        for oid, kind, at in c.s.execute(select(N.offender_id, N.kind, N.notified_at).where(
                N.offender_id.in_(chunk), c.live(N), c.notified(N))):
            domain_kind = DOMAIN_KIND.get(kind)
            if at is not None and domain_kind in policy.resets_periodic:  # s.85(2): restarts the annual clock
                day = london_day(at)
                anchors[oid] = max(anchors.get(oid, day), day)
    out = {}
    for r in changed:
        event_on = anchors.get(r.offender_id, r.event_on) if r.kind in ("periodic", "weekly") else r.event_on
        out[r.id] = _statutory_due(r.kind, event_on, periods[r.offender_id], policy)
    return out


def notification_figures(c: Ctx) -> NotificationFigures:
    N = m.StatutoryNotification
    soon_until = c.as_of + timedelta(days=c.cfg.due_soon_days)
    pending = c.s.execute(c.join_case(select(N.id, N.offender_id, N.kind, N.event_on, N.due_on, N.updated_at,
                                             *c.case_cols()), N.offender_id).where(
        c.in_scope, OPEN_CASE, c.live(N), ~c.notified(),
        # Those due by the horizon, and any changed since the day (their date then may differ).
        or_(N.due_on <= soon_until, N.updated_at >= c.as_of_end))).all()
    dues = _dues_as_of(c, pending)
    due_soon, overdue = [], []
    for r in pending:
        due_on = dues.get(r.id, r.due_on)
        if due_on is None or due_on > soon_until:
            continue
        what = NOTIFICATION_LABEL.get(r.kind, r.kind.replace("_", " ").capitalize())
        name = person_name(r.surname, r.forenames)
        if due_on < c.as_of:
            overdue.append(ExceptionRow(r.reference, name, r.officer,
                                        f"{what} notification: was due by {due_on:%d/%m/%Y}",
                                        (c.as_of - due_on).days, due_on, offender_id=r.case_id))
        else:
            due_soon.append(ExceptionRow(r.reference, name, r.officer,
                                         f"{what} notification: due by {due_on:%d/%m/%Y}",
                                         (due_on - c.as_of).days, due_on, offender_id=r.case_id))
    due_soon.sort(key=lambda r: (r.since, r.reference))

    # Late in the period. "Late" is the recorded flag or a London notification day after the
    # due date; the day arithmetic is done here because SQL has no portable London date.
    made = c.s.execute(select(N.id, N.due_on, type_coerce(N.notified_at, LondonDay()).label("notified_on"), N.late)
                       .join(m.Offender, m.Offender.id == N.offender_id)
                       .where(sel.notifications_made(c))).all()
    late_ids = [r.id for r in made if r.late or (r.due_on is not None and r.notified_on > r.due_on)]
    late: list[LateNotification] = []
    for ids in chunks(late_ids):
        breaches: dict[int, m.Breach] = {}
        for b in c.s.scalars(select(m.Breach).where(
                m.Breach.notification_id.in_(ids), c.live(m.Breach),
                m.Breach.source.in_(("late_notification", "missed_notification")))
                .order_by(m.Breach.id)):
            if b.notification_id is not None:  # always, by the query: for the type checker
                breaches.setdefault(b.notification_id, b)
        proposed = set(c.s.scalars(select(m.Breach.id).where(
            m.Breach.id.in_([b.id for b in breaches.values()] or [-1]), sel.decision_proposed(c))))
        warned = dict(c.s.execute(
            select(m.FormalWarning.breach_id, func.count()).where(
                m.FormalWarning.breach_id.in_([b.id for b in breaches.values()] or [-1]),
                c.live(m.FormalWarning)).group_by(m.FormalWarning.breach_id)).all())
        for r in c.s.execute(c.join_case(select(N.id, N.kind, N.due_on, N.notified_at, *c.case_cols()),
                                         N.offender_id).where(N.id.in_(ids))):
            breach = breaches.get(r.id)
            outcome, text = _breach_outcome(c, breach, breach is not None and breach.id in proposed)
            warnings = warned.get(breach.id, 0) if breach else 0
            if warnings:
                text += f"; {warnings} warning{'s' if warnings > 1 else ''} given"
            notified_on = london_day(r.notified_at)
            late.append(LateNotification(
                r.reference, person_name(r.surname, r.forenames), r.officer,
                NOTIFICATION_LABEL.get(r.kind, r.kind.replace("_", " ").capitalize()),
                r.due_on, notified_on, (notified_on - r.due_on).days if r.due_on else None,
                outcome, _crime_reference_on(c, breach), warnings, text, offender_id=r.case_id))
    late.sort(key=lambda n: (n.notified_on, n.reference))
    return NotificationFigures(due_soon=tuple(due_soon), overdue=oldest_first(overdue),
                               made_in_period=len(made), late_in_period=tuple(late))


def _crime_reference_on(c: Ctx, b: m.Breach | None) -> str | None:
    if b is None or not b.crime_reference or (b.closed_at is not None and b.closed_at >= c.as_of_end):
        return None
    return b.crime_reference


def _breach_outcome(c: Ctx, b: m.Breach | None, proposed: bool) -> tuple[str, str]:
    """What had become of the breach by the end of the as-of day."""
    if b is None:
        return "no_breach", "No breach recorded"
    if crime := _crime_reference_on(c, b):
        return "crime_recorded", f"Crime recorded: {crime}"
    if b.status == "closed" and b.closed_at is not None and b.closed_at < c.as_of_end:
        return "no_crime_decision", "No crime: reasoned decision signed off"
    if proposed:
        return "decision_awaiting_sign_off", "Decision not to record a crime awaiting sign-off"
    return "breach_open", "Breach open: no crime reference or decision yet"
