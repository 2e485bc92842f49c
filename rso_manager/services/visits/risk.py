"""Risk assessments and the risk management plan that sets the home visit interval, the events that
bring a visit forward, and the record's risk & plan page."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import and_, or_, select

from rso_manager.domain import visit_window as vw
from rso_manager.domain.dates import add_months
from rso_manager.domain.roles import Permission
from rso_manager.persistence import models as m
from rso_manager.services import access, case_events, case_summary, settings
from rso_manager.services.errors import (
    FieldProblem,
    NotFound,
    ValidationFailed,
    past_date_problem,
    reason_problem,
)
from rso_manager.services.unit_of_work import Actor, Services, find_offender, unit_of_work
from rso_manager.services.visits.detail import user_names
from rso_manager.services.visits.wording import readable

RISK_TOOLS = vw.RISK_TOOLS


@dataclass(frozen=True)
class PlanOutcome:
    plan_id: int
    interval: str
    needs_sign_off: bool
    sign_off_id: int | None


def record_risk_assessment(services: Services, actor: Actor, offender_id: int, *, tool: str,
                           level: str, assessed_on: date | None, notes: str | None = None,
                           review_by: date | None = None) -> int:
    """A new assessment changes the interval and pulls the next visit forward; it also ends
    reactive management until a supervisor signs it off again. It goes for sign-off itself.
    Without REVIEW_BY it is due for review after the policy's interval for its tool and level,
    so no assessment is left standing for ever."""
    problems = []
    if tool not in RISK_TOOLS:
        problems.append(FieldProblem("tool", f"Choose the assessment tool: {', '.join(RISK_TOOLS)}."))
    if level not in {r.value for r in vw.RiskLevel}:
        problems.append(FieldProblem("level", "Choose the risk level: low, medium, high or very high."))
    problems += filter(None, [past_date_problem(
        "assessed_on", assessed_on, services.clock.today(), missing="Enter the date of the assessment.",
        future="The assessment date is in the future; enter the date it was completed.")])
    if review_by is not None and assessed_on is not None and review_by <= assessed_on:
        problems.append(FieldProblem("review_by", "The review date must be after the assessment date; "
                                                  "leave it empty to use the policy's review interval."))
    if problems or assessed_on is None:
        raise ValidationFailed(problems)
    with unit_of_work(services, actor) as uow:
        uow.authorise(Permission.WRITE_CASES, offender_id=offender_id)
        find_offender(uow.session, offender_id)
        if review_by is None:
            review_by = add_months(assessed_on, settings.visit_policy(uow.session).review_months(tool, level))
        ra = uow.stamp_created(m.RiskAssessment(offender_id=offender_id, tool=tool, level=level,
                                                assessed_on=assessed_on, assessor_id=actor.user_id,
                                                notes=notes, review_by=review_by))
        uow.session.add(ra)
        uow.session.flush()
        uow.audit("entry.create", entity="risk_assessment", entity_id=ra.id, offender_id=offender_id,
                  details={"tool": tool, "level": level, "assessed_on": assessed_on, "review_by": review_by})
        case_events.request_sign_off(uow, entity="risk_assessment", entity_id=ra.id, offender_id=offender_id,
                                     summary=f"{tool} risk assessment: {level.replace('_', ' ')} risk")
        case_events.record_trigger(uow, offender_id, vw.TriggerKind.RISK_ASSESSMENT, assessed_on,
                                   ("risk_assessment", ra.id))
        return ra.id


def set_plan(services: Services, actor: Actor, offender_id: int, *, visit_interval_months: int | None,
             reactive: bool = False, effective_from: date | None = None, review_by: date | None = None,
             supervision: str | None = None, monitoring_control: str | None = None,
             interventions: str | None = None, victim_safety: str | None = None,
             contingency: str | None = None, reason: str = "") -> PlanOutcome:
    """A new risk management plan. A shorter interval applies at once; a longer one, or
    reactive management, applies only once a supervisor signs it off."""
    today = services.clock.today()
    if visit_interval_months is not None and not 1 <= visit_interval_months <= 24:
        raise ValidationFailed(FieldProblem("visit_interval_months", "Enter an interval between 1 and 24 months, or leave it empty to use the risk level's default."))
    with unit_of_work(services, actor) as uow:
        uow.authorise(Permission.WRITE_CASES, offender_id=offender_id)
        find_offender(uow.session, offender_id)
        policy = settings.visit_policy(uow.session)
        risk = case_summary.current_risk(uow.session, offender_id)
        needs_sign_off = False
        if reactive:
            decision = vw.reactive_management_allowed(case_summary.risk_history(uow.session, offender_id),
                                                      today, policy)
            if not decision.needs_sign_off:
                raise ValidationFailed(FieldProblem("reactive", f"Reactive management is not allowed: {decision.reason}."))
            needs_sign_off, interval_text = True, "reactive management (no routine visits)"
        else:
            level = vw.RiskLevel(risk.level) if risk else vw.RiskLevel.VERY_HIGH
            interval = vw.home_visit_interval(level, visit_interval_months, policy)
            needs_sign_off, interval_text = interval.needs_sign_off, interval.reason
        problem = needs_sign_off and reason_problem(
            "reason", reason, "This plan departs from the default and needs a supervisor's sign-off: say why.")
        if problem:
            raise ValidationFailed(problem)
        p = uow.stamp_created(m.RiskManagementPlan(
            offender_id=offender_id, effective_from=effective_from or today, review_by=review_by,
            visit_interval_months=None if reactive else visit_interval_months, reactive=reactive,
            supervision=supervision, monitoring_control=monitoring_control, interventions=interventions,
            victim_safety=victim_safety, contingency=contingency))
        uow.session.add(p)
        uow.session.flush()
        uow.audit("entry.create", entity="risk_management_plan", entity_id=p.id, offender_id=offender_id,
                  reason=reason or None, details={"interval": visit_interval_months, "reactive": reactive})
        so = None
        if needs_sign_off:
            so = case_events.request_sign_off(uow, entity="risk_management_plan", entity_id=p.id,
                                              offender_id=offender_id,
                                              summary=f"Plan departs from default: {interval_text}. Reason: {reason.strip()}")
        case_summary.refresh(uow.session, offender_id, today)
        return PlanOutcome(p.id, interval_text, needs_sign_off, so.id if so else None)


def record_trigger(services: Services, actor: Actor, offender_id: int, kind: vw.TriggerKind, on: date) -> None:
    """A trigger recorded by hand (e.g. release from custody learned from a prison)."""
    if on > services.clock.today():
        raise ValidationFailed(FieldProblem("on", "The date is in the future; record the event when it happens."))
    with unit_of_work(services, actor) as uow:
        uow.authorise(Permission.WRITE_CASES, offender_id=offender_id)
        find_offender(uow.session, offender_id)
        case_events.record_trigger(uow, offender_id, kind, on)


@dataclass(frozen=True)
class PlanText:
    """The current risk management plan, to start a new one from."""

    plan_id: int
    effective_from: date
    review_by: date | None
    visit_interval_months: int | None
    reactive: bool
    supervision: str | None
    monitoring_control: str | None
    interventions: str | None
    victim_safety: str | None
    contingency: str | None
    pending_sign_off: bool


@dataclass(frozen=True)
class RiskPlanView:
    risk_level: str | None
    risk_tool: str | None
    assessed_on: date | None
    interval: str                 # the interval in force, and why
    window: vw.DueWindow          # the next home visit's window (reason with UK dates)
    last_home_visit: date | None
    plan: PlanText | None
    default_months: dict[str, int]  # the OMU default interval by risk level
    risk_tools: tuple[str, ...] = RISK_TOOLS
    review_by: date | None = None   # when the current assessment is due for review
    review_flag: str | None = None  # the current assessment has no review date, or its review is overdue
    days_overdue: int = field(kw_only=True)  # of WINDOW today (services.clock); 0 when not overdue


def risk_plan_view(services: Services, actor: Actor, offender_id: int) -> RiskPlanView:
    """What the risk & plan page shows above its list: the interval in force, the due window,
    and the current plan (to start a changed plan from)."""
    today = services.clock.today()
    with access.reading(services, actor, offender_id) as s:
        o = s.get(m.Offender, offender_id)
        if o is None:
            raise NotFound(f"No offender record {offender_id}.")
        policy = settings.visit_policy(s)
        risk = case_summary.current_risk(s, offender_id)
        decision = case_summary.interval_in_force(s, offender_id, today)
        if decision is None:
            interval = "Reactive management, signed off: no routine home visits"
        else:
            interval = decision.reason[0].upper() + decision.reason[1:]
            if risk is None:
                interval += " (no risk assessment yet: treated as very high risk until assessed)"
        window = case_summary.visit_window(s, o, today)
        window = vw.DueWindow(window.earliest, window.latest, readable(window.reason), window.pulled_forward_by)
        p = case_summary.current_plan(s, offender_id)
        plan = None
        if p is not None:
            pending = s.scalar(select(m.SignOff.id).where(
                m.SignOff.entity == "risk_management_plan", m.SignOff.entity_id == p.id,
                m.SignOff.status == "pending")) is not None
            plan = PlanText(p.id, p.effective_from, p.review_by, p.visit_interval_months, p.reactive, p.supervision,
                            p.monitoring_control, p.interventions, p.victim_safety, p.contingency, pending)
        return RiskPlanView(risk.level if risk else None, risk.tool if risk else None,
                            risk.assessed_on if risk else None, readable(interval), window,
                            case_summary.last_home_visit(s, offender_id), plan,
                            {r.value: n for r, n in policy.interval_months.items()},
                            review_by=risk.review_by if risk else None,
                            review_flag=review_flag(risk, today, policy),
                            days_overdue=vw.days_overdue(window, today))


def review_flag(risk: m.RiskAssessment | None, today: date, policy) -> str | None:
    """What is wrong with the current assessment's review: none set (it would never fall due),
    or the date has passed."""
    if risk is None:
        return None
    if risk.review_by is None:
        months = policy.review_months(risk.tool, risk.level)
        return (f"No review date: the {risk.tool} assessment of {risk.assessed_on:%d/%m/%Y} was saved without one. "
                f"The policy reviews it after {months} month{'s' if months != 1 else ''}, by "
                f"{add_months(risk.assessed_on, months):%d/%m/%Y}: record the review as a new assessment.")
    if risk.review_by < today:
        return f"Review overdue: the {risk.tool} assessment was due for review by {risk.review_by:%d/%m/%Y}."
    return None


@dataclass(frozen=True)
class SignOffState:
    """Where an entry's sign-off stands: status pending | escalated | approved | returned, or
    none (none was asked: a plan within the default). BY: the supervisor who decided, or who is
    to decide while it is pending."""

    status: str
    by: str | None = None
    at: datetime | None = None
    rationale: str | None = None


NO_SIGN_OFF = SignOffState("none")


@dataclass(frozen=True)
class AssessmentEntry:
    assessment_id: int
    tool: str
    level: str
    assessed_on: date
    review_by: date | None
    notes: str | None
    assessor: str | None
    sign_off: SignOffState
    current: bool  # the assessment the interval is set from
    recorded_by: str | None
    recorded_at: datetime


@dataclass(frozen=True)
class PlanEntry:
    plan_id: int
    effective_from: date
    review_by: date | None
    visit_interval_months: int | None
    reactive: bool
    supervision: str | None
    monitoring_control: str | None
    interventions: str | None
    victim_safety: str | None
    contingency: str | None
    written_by: str | None
    sign_off: SignOffState
    current: bool  # the plan in force
    recorded_at: datetime


@dataclass(frozen=True)
class RiskHistory:
    """Every risk assessment and plan on the record (not those entered in error), newest first."""

    assessments: tuple[AssessmentEntry, ...]
    plans: tuple[PlanEntry, ...]


def risk_plan_history(services: Services, actor: Actor, offender_id: int) -> RiskHistory:
    """Each assessment (tool, level, date, assessor, sign-off and who signed) and each plan
    (effective from, its headings, who wrote it, sign-off), for the risk & plan page's pane."""
    with access.reading(services, actor, offender_id) as s:
        if s.get(m.Offender, offender_id) is None:
            raise NotFound(f"No offender record {offender_id}.")
        assessments = s.scalars(
            select(m.RiskAssessment)
            .where(m.RiskAssessment.offender_id == offender_id, m.RiskAssessment.voided_at.is_(None))
            .order_by(m.RiskAssessment.assessed_on.desc(), m.RiskAssessment.id.desc())).all()
        plans = s.scalars(
            select(m.RiskManagementPlan)
            .where(m.RiskManagementPlan.offender_id == offender_id, m.RiskManagementPlan.voided_at.is_(None))
            .order_by(m.RiskManagementPlan.effective_from.desc(), m.RiskManagementPlan.id.desc())).all()
        sign_offs = {(so.entity, so.entity_id): so for so in s.scalars(
            select(m.SignOff).where(or_(
                and_(m.SignOff.entity == "risk_assessment", m.SignOff.entity_id.in_([a.id for a in assessments])),
                and_(m.SignOff.entity == "risk_management_plan", m.SignOff.entity_id.in_([p.id for p in plans]))))
            .order_by(m.SignOff.id))}  # the latest asked for each entry wins
        names = user_names(s, {a.assessor_id for a in assessments} | {a.created_by_id for a in assessments}
                           | {p.created_by_id for p in plans}
                           | {so.signed_by_id or so.supervisor_id for so in sign_offs.values()})

        def name(user_id: int | None) -> str | None:
            return names.get(user_id) if user_id else None

        def state(entity: str, entity_id: int) -> SignOffState:
            so = sign_offs.get((entity, entity_id))
            if so is None:
                return NO_SIGN_OFF
            return SignOffState(so.status, name(so.signed_by_id or so.supervisor_id), so.signed_at, so.rationale)

        return RiskHistory(
            tuple(AssessmentEntry(a.id, a.tool, a.level, a.assessed_on, a.review_by, a.notes, name(a.assessor_id),
                                  state("risk_assessment", a.id), i == 0, name(a.created_by_id), a.created_at)
                  for i, a in enumerate(assessments)),
            tuple(PlanEntry(p.id, p.effective_from, p.review_by, p.visit_interval_months, p.reactive, p.supervision,
                            p.monitoring_control, p.interventions, p.victim_safety, p.contingency,
                            name(p.created_by_id), state("risk_management_plan", p.id), i == 0, p.created_at)
                  for i, p in enumerate(plans)))
