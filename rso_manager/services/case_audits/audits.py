"""Auditing one case (issue 18): the auditor opens it with a reason (a consultation, like any
opening), answers the checklist beside its evidence, grades it and writes findings; a completed
audit goes to sign-off (reasoned, and never by the auditor, who took part in it); a finding
becomes an action with an owner and a due date on the case's plan. Corrected with history,
voided with a reason, every change audited."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from rso_manager.domain.case_audit_checklist import (
    GRADE_LABEL,
    Response,
    answer_problems,
)
from rso_manager.domain.roles import Role
from rso_manager.persistence import models as m
from rso_manager.services import access, case_events
from rso_manager.services.case_audits.delegates import may_audit
from rso_manager.services.case_audits.evidence import CaseEvidence, evidence_in
from rso_manager.services.case_audits.sampling import find_sample, sample_ids
from rso_manager.services.caseload import AccessReason
from rso_manager.services.errors import (
    FieldProblem,
    NotFound,
    PermissionDenied,
    ValidationFailed,
    reason_problem,
)
from rso_manager.services.safeguarding.actions import action_problems, write_action
from rso_manager.services.safeguarding.checks import reasoned_problem
from rso_manager.services.unit_of_work import (
    Actor,
    Services,
    UnitOfWork,
    find_offender,
    unit_of_work,
)

ENTITY = "case_audit"


@dataclass(frozen=True)
class AuditDraft:
    """What the auditor has written: an answer and note per question, the grade, the findings."""

    responses: Mapping[str, Response]
    grade: str | None = None
    findings: str = ""


@dataclass(frozen=True)
class FindingAction:
    id: int
    version_id: int
    description: str
    owner_id: int
    owner: str | None
    due_on: date
    completed_on: date | None


@dataclass(frozen=True)
class AuditView:
    id: int
    version_id: int
    offender_id: int
    reference: str
    name: str
    officer: str | None
    team: str | None
    sample_id: int | None
    auditor_id: int
    auditor: str | None
    started_at: datetime
    responses: Mapping[str, Response]
    grade: str | None
    findings: str
    completed_at: datetime | None
    sign_off_status: str | None  # pending | approved | returned | escalated | None
    voided: bool
    actions: tuple[FindingAction, ...]

    @property
    def grade_label(self) -> str:
        return GRADE_LABEL.get(self.grade or "", "Not graded")


@dataclass(frozen=True)
class AuditForm:
    audit: AuditView
    evidence: CaseEvidence


@dataclass(frozen=True)
class Owner:
    user_id: int
    name: str
    part: str  # "Offender manager" | "Supervisor"


def responses_from_json(text: str | None) -> dict[str, Response]:
    d = json.loads(text or "{}")
    return {k: Response(v.get("answer"), v.get("note") or "") for k, v in d.items()}


def responses_to_json(responses: Mapping[str, Response]) -> str:
    return json.dumps({k: {"answer": r.answer, "note": r.note.strip()} for k, r in responses.items()
                       if r.answer is not None or r.note.strip()}, sort_keys=True)


def _view(s: Session, a: m.CaseAudit) -> AuditView:
    o = find_offender(s, a.offender_id)
    names = dict(s.execute(select(m.User.id, m.User.display_name).where(
        m.User.id.in_({a.auditor_id, o.offender_manager_id or 0}))).all())
    team = s.scalar(select(m.Team.name).where(m.Team.id == o.team_id)) if o.team_id else None
    status = s.scalar(select(m.SignOff.status).where(m.SignOff.entity == ENTITY, m.SignOff.entity_id == a.id)
                      .order_by(m.SignOff.id.desc()).limit(1))
    A = m.Action
    actions = tuple(FindingAction(x.id, x.version_id, x.description, x.owner_id, owner, x.due_on, x.completed_on)
                    for x, owner in s.execute(select(A, m.User.display_name).join(m.User, m.User.id == A.owner_id)
                                              .where(A.case_audit_id == a.id, A.voided_at.is_(None))
                                              .order_by(A.due_on, A.id)))
    return AuditView(a.id, a.version_id, o.id, o.reference, f"{o.surname.upper()}, {o.forenames}",
                     names.get(o.offender_manager_id or 0), team, a.sample_id, a.auditor_id, names.get(a.auditor_id),
                     a.started_at, responses_from_json(a.answers_json), a.grade, a.findings or "", a.completed_at,
                     status, a.voided_at is not None, actions)


def _form(uow: UnitOfWork, a: m.CaseAudit) -> AuditForm:
    return AuditForm(_view(uow.session, a), evidence_in(uow.session, a.offender_id, uow.now))


def open_audit(services: Services, actor: Actor, offender_id: int, *, sample_id: int | None,
               reason_text: str) -> AuditForm:
    """Open a case to audit it: the opening is a consultation with REASON_TEXT (audited, and put
    to the case supervisor for review when the case is outside the auditor's link), and the audit
    is started, or the one already started in this sample is resumed."""
    with unit_of_work(services, actor) as uow:
        may_audit(uow)
        s = uow.session
        o = find_offender(s, offender_id)
        if sample_id is not None:
            sample = find_sample(s, sample_id)
            if sample.voided_at is not None:
                raise ValidationFailed(FieldProblem("sample_id", "That sample was drawn again; audit the cases of "
                                                                 "the new sample."))
            if o.id not in sample_ids(sample):
                raise ValidationFailed(FieldProblem("sample_id", f"{o.reference} is not in that sample."))
        c = access.open_consultation(uow, o.id, AccessReason.COMPLIANCE_CHECK.value, reason_text)
        uow.audit("record.open", entity="offender", entity_id=o.id, offender_id=o.id,
                  reason=f"{AccessReason.COMPLIANCE_CHECK.value}: {reason_text.strip()}",
                  details={"consultation_id": c.id, "link": c.link, "review_sign_off_id": c.review_sign_off_id,
                           "case_audit_sample_id": sample_id})
        A = m.CaseAudit
        # In a sample, a case has one audit (resumed, or shown once done); outside one, the
        # auditor's unfinished audit of the case is resumed.
        same = A.sample_id == sample_id if sample_id is not None else and_(A.sample_id.is_(None),
                                                                           A.completed_at.is_(None))
        a = s.scalars(select(A).where(A.offender_id == o.id, A.voided_at.is_(None), same)
                      .order_by(A.id.desc()).limit(1)).first()
        if a is None:
            a = uow.stamp_created(A(offender_id=o.id, sample_id=sample_id, auditor_id=uow.actor.user_id,
                                    started_at=uow.now))
            s.add(a)
            s.flush()
            uow.audit("entry.create", entity=ENTITY, entity_id=a.id, offender_id=o.id,
                      details={"sample_id": sample_id})
        return _form(uow, a)


def _audit_to_read(uow: UnitOfWork, audit_id: int) -> m.CaseAudit:
    may_audit(uow)
    a = uow.session.get(m.CaseAudit, audit_id)
    if a is None:
        raise NotFound("That case audit no longer exists.")
    uow.consulted(a.offender_id)
    return a


def audit_form(services: Services, actor: Actor, audit_id: int) -> AuditForm:
    """The audit with its evidence as the record stands now; covered by the auditor's opening."""
    with unit_of_work(services, actor) as uow:
        return _form(uow, _audit_to_read(uow, audit_id))


def _to_change(uow: UnitOfWork, audit_id: int, version_id: int) -> m.CaseAudit:
    may_audit(uow)

    def own(a: m.CaseAudit) -> None:
        if a.auditor_id != uow.actor.user_id:
            raise PermissionDenied("This audit is another auditor's; they complete or correct it.")

    a = uow.load(m.CaseAudit, audit_id, version_id, permission=None, refusals=own)
    uow.consulted(a.offender_id)
    return a


def _draft_problems(draft: AuditDraft, *, complete: bool, s: Session) -> list[FieldProblem]:
    problems = [FieldProblem(f, msg) for f, msg in answer_problems(draft.responses, complete=complete)]
    if draft.grade is not None and draft.grade not in GRADE_LABEL:
        problems.append(FieldProblem("grade", "Choose good, requires improvement or inadequate."))
    if complete:
        if draft.grade is None:
            problems.append(FieldProblem("grade", "Grade the case: good, requires improvement or inadequate."))
        problem = reasoned_problem(s, "findings", draft.findings, "findings")
        if problem is not None:
            problems.append(problem)
    return problems


def save_audit(services: Services, actor: Actor, audit_id: int, version_id: int, draft: AuditDraft) -> AuditView:
    """Keep the auditor's work so far (a draft: not every question answered yet)."""
    with unit_of_work(services, actor) as uow:
        a = _to_change(uow, audit_id, version_id)
        if a.completed_at is not None:
            raise ValidationFailed(FieldProblem("findings", "This audit is complete; correct it with a reason."))
        problems = _draft_problems(draft, complete=False, s=uow.session)
        if problems:
            raise ValidationFailed(problems)
        a.answers_json, a.grade, a.findings = responses_to_json(draft.responses), draft.grade, draft.findings.strip()
        uow.stamp_updated(a)
        uow.session.flush()
        uow.audit("entry.update", entity=ENTITY, entity_id=a.id, offender_id=a.offender_id,
                  details={"grade": a.grade, "answered": sum(1 for r in draft.responses.values() if r.answer)})
        return _view(uow.session, a)


def complete_audit(services: Services, actor: Actor, audit_id: int, version_id: int, draft: AuditDraft) -> AuditView:
    """Finish the audit (every question answered, a grade, findings with reasons) and put it to
    sign-off: a supervisor of the case's team who did not take part decides it."""
    with unit_of_work(services, actor) as uow:
        a = _to_change(uow, audit_id, version_id)
        if a.completed_at is not None:
            raise ValidationFailed(FieldProblem("findings", "This audit is already complete."))
        problems = _draft_problems(draft, complete=True, s=uow.session)
        if problems:
            raise ValidationFailed(problems)
        a.answers_json, a.grade, a.findings = responses_to_json(draft.responses), draft.grade, draft.findings.strip()
        a.completed_at = uow.now
        uow.stamp_updated(a)
        uow.session.flush()
        o = find_offender(uow.session, a.offender_id)
        uow.audit("case_audit.complete", entity=ENTITY, entity_id=a.id, offender_id=a.offender_id,
                  details={"grade": a.grade})
        case_events.request_sign_off(uow, entity=ENTITY, entity_id=a.id, offender_id=a.offender_id,
                                     summary=f"Case audit of {o.reference} graded {GRADE_LABEL[a.grade or '']}. "
                                             f"Findings: {a.findings}")
        return _view(uow.session, a)


def correct_audit(services: Services, actor: Actor, audit_id: int, version_id: int, draft: AuditDraft,
                  reason: str) -> AuditView:
    """Put right a completed audit's answers, grade or findings: the old values kept in the
    record's history with REASON."""
    problem = reason_problem("reason", reason, "Say why the audit is being corrected.")
    with unit_of_work(services, actor) as uow:
        a = _to_change(uow, audit_id, version_id)
        problems = _draft_problems(draft, complete=a.completed_at is not None, s=uow.session)
        if problem is not None:
            problems.append(problem)
        if problems:
            raise ValidationFailed(problems)
        uow.correct(a, {"answers_json": responses_to_json(draft.responses), "grade": draft.grade,
                        "findings": draft.findings.strip()},
                    entity=ENTITY, offender_id=a.offender_id, reason=reason, field="findings")
        return _view(uow.session, a)


def void_audit(services: Services, actor: Actor, audit_id: int, version_id: int, reason: str) -> AuditView:
    """Mark an audit entered in error (the wrong case, a draw redone), with a reason."""
    problem = reason_problem("reason", reason, "Say why this audit was entered in error.")
    if problem is not None:
        raise ValidationFailed(problem)
    with unit_of_work(services, actor) as uow:
        may_audit(uow)
        a = uow.load(m.CaseAudit, audit_id, version_id, permission=None)
        a.voided_at, a.void_reason, a.voided_by_id = uow.now, reason.strip(), uow.actor.user_id
        uow.stamp_updated(a)
        uow.session.flush()
        uow.audit("entry.void", entity=ENTITY, entity_id=a.id, offender_id=a.offender_id, reason=reason.strip())
        return _view(uow.session, a)


def finding_owners(services: Services, actor: Actor, audit_id: int) -> list[Owner]:
    """Who a finding's action can be for: the case's offender manager and its team's supervisors."""
    with unit_of_work(services, actor) as uow:
        a = _audit_to_read(uow, audit_id)
        o = find_offender(uow.session, a.offender_id)
        out = []
        if o.offender_manager_id:
            om = uow.session.get(m.User, o.offender_manager_id)
            if om is not None and om.active:
                out.append(Owner(om.id, om.display_name, "Offender manager"))
        if o.team_id:
            out += [Owner(u.id, u.display_name, "Supervisor") for u in uow.session.scalars(
                select(m.User).where(m.User.team_id == o.team_id, m.User.role == Role.SUPERVISOR.value,
                                     m.User.active).order_by(m.User.display_name))]
        return out


def add_finding_action(services: Services, actor: Actor, audit_id: int, description: str, owner_id: int | None,
                       due_on: date | None) -> FindingAction:
    """A finding made an action on the case's plan, for the officer or supervisor to do by DUE_ON;
    the same rules as any plan action (safeguarding.add_action), and marked as the audit's."""
    action_problems(description, owner_id, due_on, services.clock.today(),
                    what="Say what is to be done about the finding.")
    assert owner_id is not None and due_on is not None  # action_problems refused them
    with unit_of_work(services, actor) as uow:
        a = _audit_to_read(uow, audit_id)
        if a.voided_at is not None:
            raise ValidationFailed(FieldProblem("description", "This audit was marked entered in error."))
        x, owner = write_action(uow, a.offender_id, description, owner_id, due_on, case_audit_id=a.id)
        return FindingAction(x.id, x.version_id, x.description, owner.id, owner.display_name, x.due_on, None)


# --- sign-off ------------------------------------------------------------------------------------


def _title(a: m.CaseAudit) -> str:
    return f"Case audit graded {GRADE_LABEL.get(a.grade or '', 'not graded').lower()}"


def _returned(uow: UnitOfWork, so: m.SignOff, a: m.CaseAudit | None) -> None:
    """Returned with direction: the audit is open again for its auditor to revise and complete."""
    if a is None or a.voided_at is not None or a.completed_at is None:
        return
    uow.keep_revision(a, entity=ENTITY, offender_id=a.offender_id, reason="returned at sign-off")
    a.completed_at = None
    uow.stamp_updated(a)
    uow.session.flush()
    uow.audit("entry.update", entity=ENTITY, entity_id=a.id, offender_id=a.offender_id,
              reason="returned at sign-off for changes", details={"sign_off_id": so.id})


# The auditor is named on the row (auditor_id, created_by_id), so took_part keeps them from
# deciding their own audit; approval changes nothing on it, a return reopens it.
case_events.on_decision(ENTITY, model=m.CaseAudit, title=_title, return_=_returned)
