"""Drawing a sample of cases to audit, recorded so it cannot be re-rolled quietly (issue 18).

A draw keeps its scope, weighting, seed (from `secrets`) and the cases drawn. Drawing the same
scope again while a recent sample of it stands is refused: the sample is redrawn instead, with a
reason that passes the rationale rules, the old one kept as superseded and both in the audit
trail. domain/case_audit_sampling.py makes the draw itself, reproducibly from the seed.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from rso_manager.domain.case_audit_sampling import Candidate, draw
from rso_manager.domain.dates import london_day
from rso_manager.domain.risk_levels import RISK_LABEL
from rso_manager.persistence import models as m
from rso_manager.services.case_audits.delegates import may_audit
from rso_manager.services.errors import FieldProblem, NotFound, ValidationFailed
from rso_manager.services.safeguarding.checks import reasoned_problem
from rso_manager.services.unit_of_work import Actor, Services, UnitOfWork, unit_of_work

# A second draw of the same scope within this many days is a re-roll: it needs a redraw's reason.
REDRAW_WINDOW_DAYS = 90
RISK_LEVELS = tuple(k for k in RISK_LABEL if k is not None)


@dataclass(frozen=True)
class SampleScope:
    """Which cases a sample is drawn from: TEAM_IDS (none: the whole force), RISK_LEVELS (none:
    any), weighted towards higher risk and spread over teams as asked."""

    team_ids: tuple[int, ...] = ()
    risk_levels: tuple[str, ...] = ()
    by_risk: bool = False
    by_team: bool = False

    def to_json(self) -> str:
        return json.dumps({"team_ids": sorted(self.team_ids), "risk_levels": sorted(self.risk_levels),
                           "by_risk": self.by_risk, "by_team": self.by_team}, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> SampleScope:
        d = json.loads(text or "{}")
        return cls(tuple(d.get("team_ids", ())), tuple(d.get("risk_levels", ())), bool(d.get("by_risk")),
                   bool(d.get("by_team")))


@dataclass(frozen=True)
class SampleCase:
    offender_id: int
    reference: str
    name: str
    team: str | None
    officer: str | None
    risk: str
    audit_id: int | None = None
    state: str = "Not started"  # Not started | In progress | Awaiting sign-off | Signed off | Returned | ...
    grade: str | None = None


@dataclass(frozen=True)
class SampleView:
    id: int
    version_id: int
    drawn_by: str | None
    drawn_at: datetime
    scope: SampleScope
    scope_text: str
    size: int
    seed: str
    reason: str | None
    supersedes_id: int | None
    superseded: bool
    cases: tuple[SampleCase, ...]

    @property
    def audited(self) -> int:
        return sum(1 for c in self.cases if c.grade is not None)


def _problems_of_scope(s: Session, scope: SampleScope) -> list[FieldProblem]:
    problems = []
    bad_levels = sorted(set(scope.risk_levels) - set(RISK_LEVELS))
    if bad_levels:
        problems.append(FieldProblem("risk_levels", f"Unknown risk level {', '.join(bad_levels)}; choose from "
                                                    f"{', '.join(RISK_LABEL[k] for k in RISK_LEVELS)}."))
    if scope.team_ids:
        known = set(s.scalars(select(m.Team.id).where(m.Team.id.in_(scope.team_ids))))
        if known != set(scope.team_ids):
            problems.append(FieldProblem("team_ids", "One of the teams chosen no longer exists; choose again."))
    return problems


def population(s: Session, scope: SampleScope) -> list[Candidate]:
    """The active cases in SCOPE, as the draw sees them."""
    case = m.Offender
    stmt = select(case.id, case.team_id, case.risk_level).where(case.status == "active")
    if scope.team_ids:
        stmt = stmt.where(case.team_id.in_(scope.team_ids))
    if scope.risk_levels:
        stmt = stmt.where(case.risk_level.in_(scope.risk_levels))
    return [Candidate(oid, team, risk) for oid, team, risk in s.execute(stmt)]


def scope_text(s: Session, scope: SampleScope) -> str:
    teams = (", ".join(s.scalars(select(m.Team.name).where(m.Team.id.in_(scope.team_ids)).order_by(m.Team.name)))
             if scope.team_ids else "Whole force")
    levels = ", ".join(RISK_LABEL[k] for k in RISK_LEVELS if k in scope.risk_levels) or "any risk"
    weights = [w for w, on in (("weighted by risk", scope.by_risk), ("spread over teams", scope.by_team)) if on]
    return f"{teams}; {levels}" + (f"; {', '.join(weights)}" if weights else "; plain random")


def _size_problem(size: int | None, available: int) -> FieldProblem | None:
    if size is None or size < 1:
        return FieldProblem("size", "Choose how many cases to draw: at least 1.")
    if size > available:
        return FieldProblem("size", f"The scope holds {available} active case{'s' if available != 1 else ''}; "
                                    f"choose a size from 1 to {available}, or widen the scope."
                            if available else "No active case is in this scope; widen the teams or risk levels.")
    return None


def _record(uow: UnitOfWork, scope: SampleScope, size: int | None, reason: str | None,
            supersedes: m.CaseAuditSample | None) -> m.CaseAuditSample:
    s = uow.session
    problems = _problems_of_scope(s, scope)
    cases = population(s, scope) if not problems else []
    size_problem = None if problems else _size_problem(size, len(cases))
    if size_problem is not None:
        problems.append(size_problem)
    if problems:
        raise ValidationFailed(problems)
    assert size is not None
    seed = secrets.token_hex(16)
    drawn = draw(cases, size, seed, by_risk=scope.by_risk, by_team=scope.by_team)
    sample = uow.stamp_created(m.CaseAuditSample(
        drawn_by_id=uow.actor.user_id, drawn_at=uow.now, scope_json=scope.to_json(), size=size, seed=seed,
        offender_ids_json=json.dumps(list(drawn)), reason=(reason or "").strip() or None,
        supersedes_id=supersedes.id if supersedes else None))
    s.add(sample)
    s.flush()
    return sample


def draw_sample(services: Services, actor: Actor, scope: SampleScope, size: int | None,
                reason: str | None = None) -> SampleView:
    """Draw SIZE cases at random from SCOPE, and record the draw."""
    with unit_of_work(services, actor) as uow:
        may_audit(uow)
        S = m.CaseAuditSample
        recent = uow.session.scalars(
            select(S).where(S.scope_json == scope.to_json(), S.voided_at.is_(None),
                            S.drawn_at >= uow.now - timedelta(days=REDRAW_WINDOW_DAYS))
            .order_by(S.id.desc()).limit(1)).first()
        if recent is not None:
            raise ValidationFailed(FieldProblem(
                "scope", f"A sample of this scope was drawn on {london_day(recent.drawn_at):%d/%m/%Y}. To draw "
                         "again, redraw that sample with a reason: a draw is not re-rolled quietly."))
        sample = _record(uow, scope, size, reason, None)
        uow.audit("case_audit.draw", entity="case_audit_sample", entity_id=sample.id, reason=sample.reason,
                  details={"scope": json.loads(sample.scope_json), "size": sample.size, "seed": sample.seed,
                           "offender_ids": json.loads(sample.offender_ids_json)})
        return _views(uow.session, [sample])[0]


def redraw_sample(services: Services, actor: Actor, sample_id: int, version_id: int, reason: str,
                  size: int | None = None) -> SampleView:
    """Draw a sample again, same scope (and size unless given): the old one is kept as superseded,
    with REASON, which must say why as a sign-off rationale would."""
    with unit_of_work(services, actor) as uow:
        may_audit(uow)
        problem = reasoned_problem(uow.session, "reason", reason, "reason for drawing the sample again")
        if problem is not None:
            raise ValidationFailed(problem)
        old = uow.load(m.CaseAuditSample, sample_id, version_id, permission=None)
        old.voided_at, old.void_reason = uow.now, reason.strip()
        uow.stamp_updated(old)
        uow.session.flush()
        new = _record(uow, SampleScope.from_json(old.scope_json), size or old.size, reason, old)
        uow.audit("case_audit.redraw", entity="case_audit_sample", entity_id=new.id, reason=reason.strip(),
                  details={"supersedes_id": old.id, "size": new.size, "seed": new.seed,
                           "offender_ids": json.loads(new.offender_ids_json)})
        return _views(uow.session, [new])[0]


def samples(services: Services, actor: Actor, *, include_superseded: bool = False) -> list[SampleView]:
    """The samples drawn, newest first, each case with the state of its audit."""
    with unit_of_work(services, actor) as uow:
        may_audit(uow)
        S = m.CaseAuditSample
        stmt = select(S).order_by(S.drawn_at.desc(), S.id.desc())
        if not include_superseded:
            stmt = stmt.where(S.voided_at.is_(None))
        return _views(uow.session, list(uow.session.scalars(stmt)))


def sample_ids(sample: m.CaseAuditSample) -> list[int]:
    return [int(i) for i in json.loads(sample.offender_ids_json)]


def _state(a: m.CaseAudit, sign_off: str | None) -> str:
    if a.completed_at is None:
        return "Returned for changes" if sign_off == "returned" else "In progress"
    return {"approved": "Signed off", "returned": "Returned for changes", None: "Completed"}.get(
        sign_off, "Awaiting sign-off")


def _views(s: Session, rows: list[m.CaseAuditSample]) -> list[SampleView]:
    """Views of ROWS in a fixed number of queries (cases, audits, sign-offs, names)."""
    ids = sorted({i for r in rows for i in sample_ids(r)})
    case, manager = m.Offender, m.User
    cases = {}
    if ids:
        for o, team, officer in s.execute(
                select(case, m.Team.name, manager.display_name).outerjoin(m.Team, m.Team.id == case.team_id)
                .outerjoin(manager, manager.id == case.offender_manager_id).where(case.id.in_(ids))):
            cases[o.id] = (o, team, officer)
    A = m.CaseAudit
    audits = {(a.sample_id, a.offender_id): a for a in s.scalars(
        select(A).where(A.sample_id.in_([r.id for r in rows]), A.voided_at.is_(None)).order_by(A.id))} if rows else {}
    sign_offs: dict[int, str] = {}
    if audits:
        for entity_id, status in s.execute(select(m.SignOff.entity_id, m.SignOff.status).where(
                m.SignOff.entity == "case_audit", m.SignOff.entity_id.in_([a.id for a in audits.values()]))
                .order_by(m.SignOff.id)):
            sign_offs[entity_id] = status  # the latest request's status
    drawn_by = dict(s.execute(select(m.User.id, m.User.display_name).where(
        m.User.id.in_({r.drawn_by_id for r in rows}))).all()) if rows else {}
    out = []
    for r in rows:
        scope = SampleScope.from_json(r.scope_json)
        listed = []
        for oid in sample_ids(r):
            o, team, officer = cases[oid]
            a = audits.get((r.id, oid))
            listed.append(SampleCase(
                oid, o.reference, f"{o.surname.upper()}, {o.forenames}", team, officer, RISK_LABEL.get(o.risk_level, "Not assessed"),
                a.id if a else None, _state(a, sign_offs.get(a.id)) if a else "Not started",
                a.grade if a and a.completed_at else None))
        out.append(SampleView(r.id, r.version_id, drawn_by.get(r.drawn_by_id), r.drawn_at, scope, scope_text(s, scope),
                              r.size, r.seed, r.reason, r.supersedes_id, r.voided_at is not None, tuple(listed)))
    return out


def find_sample(s: Session, sample_id: int) -> m.CaseAuditSample:
    sample = s.get(m.CaseAuditSample, sample_id)
    if sample is None:
        raise NotFound(f"No case audit sample {sample_id}.")
    return sample

