"""The supervision section: sign-offs awaiting a decision (and those escalated), the period's
decisions, and rationales refused."""

from __future__ import annotations

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import aliased

from rso_manager.domain.dates import add_working_days, london_day
from rso_manager.persistence import models as m
from rso_manager.reports.compliance_figures import selections as sel
from rso_manager.reports.compliance_figures.context import Ctx, clip, oldest_first, person_name
from rso_manager.reports.compliance_figures.figures import ExceptionRow, Share, SupervisionFigures
from rso_manager.reports.compliance_figures.labels import SIGN_OFF_LABEL


def supervision_figures(c: Ctx) -> SupervisionFigures:
    S = m.SignOff
    supervisor, author = aliased(m.User, name="supervisor"), aliased(m.User, name="author")
    in_scope = sel.sign_off_scope(c)
    waiting = and_(S.requested_at < c.as_of_end,
                   or_(S.status.in_(("pending", "escalated")), S.signed_at >= c.as_of_end))
    stmt = (select(S.entity, S.summary, S.status, S.requested_at, S.signed_at, m.Offender.reference, m.Offender.surname,
                   m.Offender.forenames, m.Offender.id.label("case_id"), supervisor.display_name.label("supervisor"),
                   author.display_name.label("author"))
            .select_from(S).outerjoin(m.Offender, m.Offender.id == S.offender_id)
            .outerjoin(supervisor, supervisor.id == S.supervisor_id)
            .outerjoin(author, author.id == S.author_id)
            .where(in_scope, waiting))
    limit = c.cfg.sign_off_escalation_working_days
    awaiting, escalated = [], 0
    for r in c.s.execute(stmt):
        requested_on = london_day(r.requested_at)
        escalated_then = r.status == "escalated" and r.signed_at is not None and r.signed_at < c.as_of_end
        late = escalated_then or c.as_of > add_working_days(requested_on, limit)
        escalated += late
        what = SIGN_OFF_LABEL.get(r.entity, r.entity.replace("_", " "))
        awaiting.append(ExceptionRow(
            r.reference, person_name(r.surname, r.forenames) if r.surname else None,
            r.supervisor or "OMU lead",
            f"Sign-off decision on the {what} (from {r.author or 'unknown'})"
            + (": escalated to the OMU lead" if late else "") + f". {clip(r.summary, 110)}",
            (c.as_of - requested_on).days, requested_on, offender_id=r.case_id,
            tags=("escalated",) if late else ()))
    decided, cover = (v or 0 for v in c.s.execute(
        select(func.count(S.id), func.sum(case((S.via_cover.is_(True), 1), else_=0)))
        .select_from(S).outerjoin(m.Offender, m.Offender.id == S.offender_id)
        .where(sel.sign_offs_decided(c))).one())
    R = m.SignOffRefusal
    refuser = aliased(m.User, name="refuser")
    refusals = [
        ExceptionRow(r.reference, person_name(r.surname, r.forenames) if r.surname else None, r.refuser,
                     f"Rationale refused on the {SIGN_OFF_LABEL.get(r.entity, r.entity.replace('_', ' '))}: "
                     f"{clip(r.reason, 120)} Text given: \u201c{clip(r.text, 60)}\u201d",
                     (c.as_of - london_day(r.attempted_at)).days, london_day(r.attempted_at),
                     offender_id=r.case_id)
        for r in c.s.execute(
            select(R.attempted_at, R.reason, R.text, S.entity, m.Offender.reference, m.Offender.surname,
                   m.Offender.forenames, m.Offender.id.label("case_id"), refuser.display_name.label("refuser"))
            .select_from(R).join(S, S.id == R.sign_off_id)
            .outerjoin(m.Offender, m.Offender.id == S.offender_id)
            .outerjoin(refuser, refuser.id == R.user_id)
            .where(in_scope, c.in_period(R.attempted_at)))]
    refusals.sort(key=lambda r: (r.since, r.reference or ""))
    return SupervisionFigures(awaiting=oldest_first(awaiting), escalated=escalated, decided_in_period=decided,
                              via_cover=Share(cover, decided), refusals=tuple(refusals))
