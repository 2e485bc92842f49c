"""Court watch figures (issue 18): people charged and awaiting trial, hearings with no outcome
recorded, SHPO applications not yet on the file, and how long from a conviction to the OMU
knowing of it (the inspection: the OMU learned of convictions only from the certificate).

The watch's scope is its own: a team's watch is the people of that team, an officer's those they
watch. Convictions are the cases' (the scope's clause over Offender)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from statistics import median

from sqlalchemy import and_, or_, select, true

from rso_manager.domain.court_watch import SHPO_APPLICATION, reminder_due
from rso_manager.domain.dates import london_day
from rso_manager.persistence import models as m
from rso_manager.reports.compliance_figures.context import Ctx, oldest_first, person_name
from rso_manager.reports.compliance_figures.figures import Count, ExceptionRow


@dataclass(frozen=True)
class DaysSummary:
    """Whole days, from the conviction to the day the OMU recorded that it knew."""

    count: int
    median_days: float | None
    worst_days: int | None


@dataclass(frozen=True)
class CourtWatchFigures:
    pending_prosecutions: int = 0
    hearings_without_outcome: tuple[ExceptionRow, ...] = ()
    pending_shpo_applications: tuple[ExceptionRow, ...] = ()
    conviction_to_known: DaysSummary = DaysSummary(0, None, None)
    convictions_by_source: tuple[Count, ...] = ()  # the period's convictions, by how the OMU learned


_SOURCES = {"court_list": "Court list or court watch", "custody_record": "Custody record",
            "certificate": "Conviction certificate (s.92)", "": "Not recorded"}


def _watch_scope(c: Ctx):
    P = m.ChargedPerson
    if c.scope.team_id is not None:
        return P.team_id == c.scope.team_id
    if c.scope.user_id is not None:
        return P.watcher_id == c.scope.user_id
    return true()


def _ref(pid: int, reference: str | None) -> str:
    return reference or f"CW-{pid:04d}"


def court_watch_figures(c: Ctx) -> CourtWatchFigures:
    P, H, C = m.ChargedPerson, m.CourtHearing, m.Conviction
    W = c.manager  # the watcher, named in the officer column
    live_person = and_(_watch_scope(c), c.live(P))
    people = c.s.execute(select(P.id, P.surname, P.forenames, P.status, P.shpo_application, P.shpo_application_by,
                                P.charged_on, P.updated_at, m.Offender.reference, W.display_name.label("officer"))
                         .outerjoin(m.Offender, m.Offender.id == P.offender_id)
                         .outerjoin(W, W.id == P.watcher_id).where(live_person)).all()
    # Awaiting an outcome at the end of the as-of day: pending, or decided only after it.
    awaiting = [p for p in people if p.status == "pending"
                or (p.updated_at is not None and p.updated_at >= c.as_of_end)]
    shpo = [ExceptionRow(_ref(p.id, p.reference), person_name(p.surname, p.forenames), p.officer,
                         f"SHPO application {SHPO_APPLICATION.get(p.shpo_application, p.shpo_application).lower()}"
                         f"{f' (by {p.shpo_application_by})' if p.shpo_application_by else ''}: attach it to the "
                         "file before the trial", (c.as_of - p.charged_on).days, p.charged_on)
            for p in awaiting if p.status == "pending" and p.shpo_application != "attached"]
    no_outcome = []
    for r in c.s.execute(select(H.id, H.hearing_on, H.court, P.id.label("pid"), P.surname, P.forenames,
                                m.Offender.reference, W.display_name.label("officer"))
                         .join(P, P.id == H.charged_person_id)
                         .outerjoin(m.Offender, m.Offender.id == P.offender_id)
                         .outerjoin(W, W.id == P.watcher_id)
                         .where(live_person, c.live(H), H.hearing_on < c.as_of,
                                or_(H.outcome.is_(None), H.outcome_recorded_at >= c.as_of_end))):
        due = reminder_due(r.hearing_on)
        if due <= c.as_of:
            no_outcome.append(ExceptionRow(
                _ref(r.pid, r.reference), person_name(r.surname, r.forenames), r.officer,
                f"Record the outcome of the hearing of {r.hearing_on:%d/%m/%Y}"
                f"{f' at {r.court}' if r.court else ''}", (c.as_of - r.hearing_on).days, r.hearing_on))

    convictions = c.join_case(select(C.convicted_on, C.learned_on, C.created_at, C.source, *c.case_cols()),
                              C.offender_id).where(c.in_scope, c.live(C), c.in_period_days(C.convicted_on),
                                                   C.kind == "conviction")
    gaps: list[int] = []
    sources: dict[str, int] = {}
    for r in c.s.execute(convictions):
        known: date = r.learned_on or london_day(r.created_at)
        gaps.append(max(0, (known - r.convicted_on).days))
        sources[r.source or ""] = sources.get(r.source or "", 0) + 1
    return CourtWatchFigures(
        pending_prosecutions=len(awaiting),
        hearings_without_outcome=oldest_first(no_outcome),
        pending_shpo_applications=oldest_first(shpo),
        conviction_to_known=DaysSummary(len(gaps), float(median(gaps)) if gaps else None, max(gaps) if gaps else None),
        convictions_by_source=tuple(Count(k, _SOURCES.get(k, k), n) for k, n in sorted(sources.items())),
    )
