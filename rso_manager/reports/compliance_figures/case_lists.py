"""The cases behind a count: the rows a screen opens from a figure, selected with the very
clauses the count uses (selections), so on the same data len(rows) == the count."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from sqlalchemy import case, select
from sqlalchemy.orm import Session, aliased

from rso_manager.clock import LONDON
from rso_manager.domain.dates import london_day
from rso_manager.domain.risk_levels import RISK_LABEL
from rso_manager.persistence import models as m
from rso_manager.reports.compliance_figures import selections as sel
from rso_manager.reports.compliance_figures.caseload import RISK_KEYS
from rso_manager.reports.compliance_figures.context import (
    OPEN_CASE,
    Ctx,
    clip,
    oldest_first,
    person_name,
    resolve_scope,
)
from rso_manager.reports.compliance_figures.figures import ExceptionRow
from rso_manager.reports.compliance_figures.inputs import ReportSettings, Scope
from rso_manager.reports.compliance_figures.labels import (
    BREACH_SOURCE_LABEL,
    NOTIFICATION_LABEL,
    SIGN_OFF_LABEL,
)

_STATUS_LABEL = {"active": "Active case", "custody": "In custody"}
_OUTCOME_LABEL = {"seen": "seen", "no_answer": "no answer", "refused_entry": "entry refused",
                  "not_at_address": "not at the address"}

# The counts a screen can open as a list of cases: key -> what the list is.
CASE_LISTS: dict[str, str] = {
    "caseload.open": "Open cases",
    "caseload.custody": "Cases in custody",
    "caseload.unallocated": "Open cases with no offender manager",
    "visits.home": "Home visits in the period",
    "visits.failed": "Home visits in the period where entry failed",
    "visits.announced": "Home visits in the period that were announced",
    "visits.one_officer": "Home visits in the period by one officer",
    "visits.office": "Office interviews in the period",
    "notifications.made": "Notifications made in the period",
    "breaches.open": "Open breaches",
    "breaches.opened": "Breaches that occurred in the period",
    "breaches.crimes": "Breaches recorded as crimes in the period",
    "breaches.no_crime": "Breaches closed with a no-crime decision in the period",
    "breaches.warnings": "Warnings given in the period",
    "devices.active": "Active devices",
    "supervision.decided": "Sign-off decisions made in the period",
    "safeguarding.referrals": "Referrals to children’s social care in the period",
}
# Keys with a value after the colon: caseload.risk:<very_high|high|medium|low|not_assessed>,
# caseload.mappa:<level>.
_PARAMETRISED = ("caseload.risk:", "caseload.mappa:")


def case_list_title(key: str) -> str:
    if key.startswith("caseload.risk:"):
        level = key.split(":", 1)[1]
        return f"Open cases: {RISK_LABEL.get(None if level == 'not_assessed' else level, level)} risk"
    if key.startswith("caseload.mappa:"):
        return f"Open cases at MAPPA level {key.split(':', 1)[1]}"
    return CASE_LISTS[key]


def _case_row(r, needed: str, days: int | None = None, since: date | None = None,
              officer: str | None = None) -> ExceptionRow:
    return ExceptionRow(r.reference, person_name(r.surname, r.forenames) if r.surname else None,
                        officer if officer is not None else r.officer, needed, days, since,
                        offender_id=r.case_id)


def _newest_first(rows: Iterable[ExceptionRow]) -> tuple[ExceptionRow, ...]:
    return tuple(sorted(rows, key=lambda r: (r.days if r.days is not None else 10**9, r.reference or "",
                                             r.needed)))


def _by_reference(rows: Iterable[ExceptionRow]) -> tuple[ExceptionRow, ...]:
    return tuple(sorted(rows, key=lambda r: (r.reference or "", r.needed)))


def _offenders_where(c: Ctx, *where) -> Sequence[Any]:
    return c.s.execute(
        select(*c.case_cols(), m.Offender.status, c.risk_level().label("risk_level"), m.Offender.mappa_level,
               m.Offender.created_at)
        .select_from(m.Offender).outerjoin(c.manager, c.manager.id == m.Offender.offender_manager_id)
        .where(*where)).all()


def _case_summary(r) -> str:
    mappa = f", MAPPA level {r.mappa_level}" if r.mappa_level else ""
    return (f"{_STATUS_LABEL.get(r.status, r.status.capitalize())}: "
            f"{RISK_LABEL.get(r.risk_level, r.risk_level or 'Not assessed')} risk{mappa}")


def _visit_rows(c: Ctx, *where) -> tuple[ExceptionRow, ...]:
    V = m.Visit
    crew = sel.visit_crew()
    rows = []
    for r in c.s.execute(c.join_case(select(V.kind, V.visited_at, V.outcome, V.announced, crew.label("crew"),
                                            *c.case_cols()), V.offender_id).where(*where)):
        local = r.visited_at.astimezone(LONDON)
        if r.kind == "office":
            needed = f"Office interview on {local:%d/%m/%Y %H:%M}"
        else:
            needed = (f"Home visit on {local:%d/%m/%Y %H:%M}: {_OUTCOME_LABEL.get(r.outcome, r.outcome or 'no outcome')}"
                      f"; {'unannounced' if r.announced is False else 'announced'}"
                      f"; {r.crew} officer{'' if r.crew == 1 else 's'}")
        rows.append(_case_row(r, needed, (c.as_of - local.date()).days, local.date()))
    return _newest_first(rows)


def _breach_rows(c: Ctx, *where) -> tuple[ExceptionRow, ...]:
    B = m.Breach
    rows = []
    # As the breach stood at the end of the as-of day.
    for r in c.s.execute(c.join_case(select(B.source, B.occurred_on, case((sel.crime_reference_as_of(c), B.crime_reference)).label("crime"),
                                            case((B.closed_at < c.as_of_end, 1), else_=0).label("closed"),
                                            sel.decision_proposed(c).label("proposed"), *c.case_cols()),
                                     B.offender_id).where(*where)):
        what = BREACH_SOURCE_LABEL.get(r.source, r.source.replace("_", " "))
        if r.crime:
            state = f"crime recorded: {r.crime}"
        elif r.closed:
            state = "closed: no crime, reasoned decision signed off"
        elif r.proposed:
            state = "open: decision not to record a crime awaiting sign-off"
        else:
            state = "open: no crime reference or decision yet"
        rows.append(_case_row(r, f"{what[0].upper()}{what[1:]} on {r.occurred_on:%d/%m/%Y}; {state}",
                              (c.as_of - r.occurred_on).days, r.occurred_on))
    return _newest_first(rows)


def cases_behind(session: Session, scope: Scope, key: str, period_from: date, period_to: date, as_of: date,
                 report_settings: ReportSettings) -> tuple[ExceptionRow, ...]:
    """The cases (or visits, breaches, devices...) a count of compute() is made of, one row each.

    KEY is one of CASE_LISTS or caseload.risk:<level> / caseload.mappa:<level>. The rows are
    selected with the very clauses the count uses, so on the same data len(rows) == the count.
    Raises ValueError for an unknown key, team or officer, or a bad period.
    """
    if key not in CASE_LISTS and not key.startswith(_PARAMETRISED):
        raise ValueError(f"no list of cases called '{key}'")
    if period_from > period_to or as_of < period_to:
        raise ValueError("the period must end on or after its start, and the as-of date on or after its end")
    c = Ctx(session, resolve_scope(session, scope), period_from, period_to, as_of, report_settings)
    Off = m.Offender
    if key.startswith("caseload."):
        where = [sel.open_cases(c)]
        if key == "caseload.custody":
            where.append(Off.status == "custody")
        elif key == "caseload.unallocated":
            where.append(Off.offender_manager_id.is_(None))
            return oldest_first(
                _case_row(r, f"Allocate an offender manager ({_case_summary(r)})",
                          (as_of - london_day(r.created_at)).days, london_day(r.created_at))
                for r in _offenders_where(c, *where))
        elif key.startswith("caseload.risk:"):
            level = key.split(":", 1)[1]
            known = [k for k in RISK_KEYS if k]
            if level == "not_assessed":
                where.append(c.risk_level().is_(None))
            elif level in known:
                where.append(c.risk_level() == level)
            else:
                raise ValueError(f"no risk level '{level}'")
        elif key.startswith("caseload.mappa:"):
            level = key.split(":", 1)[1]
            if not level.isdigit():
                raise ValueError(f"no MAPPA level '{level}'")
            where.append(Off.mappa_level == int(level))
        return _by_reference(_case_row(r, _case_summary(r)) for r in _offenders_where(c, *where))

    if key == "visits.home":
        return _visit_rows(c, sel.home_attempts(c))
    if key == "visits.failed":
        return _visit_rows(c, sel.home_attempts(c), sel.FAILED)
    if key == "visits.announced":
        return _visit_rows(c, sel.home_attempts(c), ~sel.UNANNOUNCED)
    if key == "visits.one_officer":
        return _visit_rows(c, sel.home_attempts(c), sel.visit_crew() < 2)
    if key == "visits.office":
        return _visit_rows(c, sel.office_interviews(c))
    if key == "notifications.made":
        N = m.StatutoryNotification
        rows = []
        for r in c.s.execute(c.join_case(select(N.kind, N.due_on, N.notified_at, N.late, *c.case_cols()),
                                         N.offender_id).where(sel.notifications_made(c))):
            day = london_day(r.notified_at)
            late = r.late or (r.due_on is not None and day > r.due_on)
            what = NOTIFICATION_LABEL.get(r.kind, r.kind.replace("_", " ").capitalize())
            due = f" (due by {r.due_on:%d/%m/%Y})" if r.due_on else ""
            rows.append(_case_row(r, f"{what} notification made on {day:%d/%m/%Y}{due}"
                                  + ("; LATE" if late else ""), (as_of - day).days, day))
        return _newest_first(rows)
    if key == "breaches.open":
        return _breach_rows(c, sel.breach_live(c), OPEN_CASE, sel.breach_open_at(c))
    if key == "breaches.opened":
        return _breach_rows(c, sel.breach_live(c), sel.breach_opened(c))
    if key == "breaches.crimes":
        return _breach_rows(c, sel.breach_live(c), sel.breach_crime(c))
    if key == "breaches.no_crime":
        return _breach_rows(c, sel.breach_live(c), sel.breach_no_crime(c))
    if key == "breaches.warnings":
        W = m.FormalWarning
        return _newest_first(
            _case_row(r, f"{r.kind.capitalize()} warning given on {r.given_on:%d/%m/%Y}: {clip(r.rationale, 100)}",
                      (as_of - r.given_on).days, r.given_on)
            for r in c.s.execute(c.join_case(select(W.kind, W.given_on, W.rationale, *c.case_cols()),
                                             W.offender_id).where(sel.warnings_given(c))))
    if key == "devices.active":
        D = m.Device
        return _by_reference(
            _case_row(r, f"{r.kind.capitalize()}" + (f": {r.make_model}" if r.make_model else "")
                      + (f"; declared {r.declared_on:%d/%m/%Y}" if r.declared_on else ""))
            for r in c.s.execute(c.join_case(select(D.kind, D.make_model, D.declared_on, *c.case_cols()),
                                             D.offender_id).where(sel.live_devices(c))))
    if key == "supervision.decided":
        S = m.SignOff
        supervisor = aliased(m.User, name="supervisor")
        rows = []
        for r in c.s.execute(
                select(S.entity, S.summary, S.status, S.signed_at, S.via_cover, Off.reference, Off.surname,
                       Off.forenames, Off.id.label("case_id"), supervisor.display_name.label("officer"))
                .select_from(S).outerjoin(Off, Off.id == S.offender_id)
                .outerjoin(supervisor, supervisor.id == S.supervisor_id)
                .where(sel.sign_offs_decided(c))):
            day = london_day(r.signed_at)
            what = SIGN_OFF_LABEL.get(r.entity, r.entity.replace("_", " "))
            verdict = {"approved": "approved", "returned": "returned for more work",
                       "escalated": "escalated"}.get(r.status, r.status)
            rows.append(_case_row(r, f"The {what} {verdict} on {day:%d/%m/%Y}"
                                  + (" (by cover)" if r.via_cover else "") + f". {clip(r.summary, 90)}",
                                  (as_of - day).days, day))
        return _newest_first(rows)
    # safeguarding.referrals
    F = m.SafeguardingReferral
    rows = []
    for r in c.s.execute(c.join_case(select(F.referred_at, F.decision_at, case((sel.decided(c), 1), else_=0).label("known"),
                                            F.agency, F.concern, *c.case_cols()),
                                     F.offender_id).where(sel.referrals_made(c))):
        day = london_day(r.referred_at)
        decided = f"decision {london_day(r.decision_at):%d/%m/%Y}" if r.decision_at and r.known else "decision awaited"
        rows.append(_case_row(r, f"Referred to {r.agency or 'children’s social care'} on {day:%d/%m/%Y} "
                              f"({decided}): {clip(r.concern, 90)}", (as_of - day).days, day))
    return _newest_first(rows)
