"""Convictions, findings and cautions as the OMU learns of them, and the sentence entered later:
each starts or updates its notification requirement and the initial notification (s.83)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from rso_manager.domain.dates import age_on
from rso_manager.domain.notification_period import (
    TERM_DISPOSALS,
    DisposalKind,
    SentenceTerm,
    counting_term,
    term_problems,
)
from rso_manager.domain.notification_requirement import in_force as requirement_in_force
from rso_manager.domain.roles import Permission
from rso_manager.persistence import models as m
from rso_manager.services import access, case_summary, settings
from rso_manager.services.errors import (
    FieldProblem,
    NotFound,
    ValidationFailed,
    past_date_problem,
    reason_problem,
)
from rso_manager.services.notifications.kinds import CONVICTION_KINDS, SOURCES
from rso_manager.services.notifications.pending import (
    disregarded_periods,
    due_date,
    live,
    new_pending,
    pending_rows,
)
from rso_manager.services.notifications.requirements import (
    RequirementView,
    requirement_for,
    requirement_view,
    sync_requirement,
)
from rso_manager.services.notifications.sentence_terms import (
    months_term,
    sentence_text_of,
    terms_json,
    terms_of,
    whole_months,
)
from rso_manager.services.unit_of_work import (
    Actor,
    Services,
    UnitOfWork,
    find_offender,
    unit_of_work,
)


@dataclass(frozen=True)
class ConvictionInput:
    """A conviction, finding or caution as the OMU learns of it (court list, custody record or
    s.92 certificate). `disposal` None means not yet sentenced."""

    kind: str = "conviction"
    court: str | None = None
    convicted_on: date | None = None
    offence: str = ""
    schedule3: bool = True
    threshold_depends_on_sentence: bool = False
    disposal: DisposalKind | str | None = None
    sentence_months: int | None = None  # the older whole-months entry: one term
    discharge_months: int | None = None
    source: str | None = None
    learned_on: date | None = None
    sentence_terms: tuple[SentenceTerm, ...] = ()  # years/months/weeks/days, consecutive or concurrent


@dataclass(frozen=True)
class ConvictionView:
    conviction_id: int
    version_id: int
    offender_id: int
    kind: str
    court: str | None
    convicted_on: date
    offence: str
    schedule3: bool
    threshold_depends_on_sentence: bool
    disposal: str | None
    sentence_months: int | None
    discharge_months: int | None
    sentenced_on: date | None
    age_at_conviction: int | None
    source: str | None
    learned_on: date | None
    requirement: RequirementView | None
    initial_notification_id: int | None
    initial_due_on: date | None
    sentence_terms: tuple[SentenceTerm, ...] = ()
    sentence_text: str | None = None  # the terms and the one term they count as (s.82(3)-(4))
    recorded_by: str | None = None  # who entered it on the record, and when
    recorded_at: datetime | None = None


def _already_subject(session: Session, offender_id: int, conviction_id: int, on: date) -> bool:
    """s.83(2): no new initial notification while an earlier requirement still applies."""
    r = m.NotificationRequirement
    for req in session.scalars(select(r).where(r.offender_id == offender_id, live(r),
                                               r.conviction_id != conviction_id, r.starts_on <= on)):
        if requirement_in_force(req.indefinite, req.ends_on, on):
            return True
    return False


def ensure_initial(uow: UnitOfWork, c: m.Conviction, event_on: date) -> m.StatutoryNotification | None:
    """The initial notification conviction C makes due from EVENT_ON: the one already pending,
    else one made now; None when the person was already subject to the notification requirements
    (no new initial notification is due)."""
    s = uow.session
    existing = next((n for n in pending_rows(s, c.offender_id) if n.kind == "initial"), None)
    if existing is not None or _already_subject(s, c.offender_id, c.id, c.convicted_on):
        return existing
    due = due_date("initial", event_on, disregarded_periods(s, c.offender_id), settings.notification_policy(s))
    return new_pending(uow, c.offender_id, "initial", event_on, due, {"conviction_id": c.id})


def _conviction_view(session: Session, c: m.Conviction, today: date) -> ConvictionView:
    r = requirement_for(session, c.id)
    initial = session.scalar(select(m.StatutoryNotification).where(
        m.StatutoryNotification.offender_id == c.offender_id, m.StatutoryNotification.kind == "initial",
        live(m.StatutoryNotification)).order_by(m.StatutoryNotification.id.desc()).limit(1))
    return ConvictionView(
        c.id, c.version_id, c.offender_id, c.kind, c.court, c.convicted_on, c.offence, c.schedule3,
        c.threshold_depends_on_sentence, c.disposal, c.sentence_months, c.discharge_months, c.sentenced_on,
        c.age_at_conviction, c.source, c.learned_on, requirement_view(session, r, today) if r else None,
        initial.id if initial else None, initial.due_on if initial else None, terms_of(c), sentence_text_of(c),
        session.scalar(select(m.User.display_name).where(m.User.id == c.created_by_id)) if c.created_by_id else None,
        c.created_at)


def _disposal_problems(kind: str, disposal: DisposalKind | str | None, terms: tuple[SentenceTerm, ...],
                       discharge_months: int | None, sentenced_on: date | None
                       ) -> tuple[DisposalKind | None, list[FieldProblem]]:
    problems: list[FieldProblem] = []
    if disposal is None:
        return (DisposalKind.CAUTION if kind == "caution" else None), problems
    try:
        d = DisposalKind(disposal)
    except ValueError:
        return None, [FieldProblem("disposal", "Choose the disposal from the list, or leave it empty until sentence.")]
    if (kind == "caution") != (d is DisposalKind.CAUTION):
        problems.append(FieldProblem("disposal", "A caution's disposal is a caution, and only a caution's is."))
    if d in TERM_DISPOSALS:
        found = [FieldProblem(f, message) for f, message in term_problems(terms)]
        if not found and sentenced_on is not None:
            try:
                counting_term(terms, sentenced_on)
            except ValueError as exc:  # a partly concurrent overlap as long as the term before
                found.append(FieldProblem("sentence_terms", f"{str(exc)[0].upper()}{str(exc)[1:]}."))
        problems += found
    if d is DisposalKind.CONDITIONAL_DISCHARGE and (discharge_months is None or discharge_months < 1):
        problems.append(FieldProblem("discharge_months", "Enter the length of the conditional discharge in months."))
    return d, problems


def record_conviction(services: Services, actor: Actor, offender_id: int, data: ConvictionInput) -> ConvictionView:
    """Record a conviction, finding or caution when the OMU learns of it, attended or not.

    Starts the case's notification requirement (s.80, s.82) and the initial notification due
    within 3 days beginning with the relevant date (s.83(1)), time in custody disregarded
    (s.83(6)). A threshold offence awaiting sentence shows "depends on sentence" (s.82, Sch 3)
    and its initial notification is created once the sentence is entered.
    """
    today = services.clock.today()
    problems = []
    if data.kind not in CONVICTION_KINDS:
        problems.append(FieldProblem("kind", "Choose conviction, finding or caution."))
    problems += filter(None, [past_date_problem(
        "convicted_on", data.convicted_on, today, missing="Enter the date of the conviction, finding or caution.",
        future="The date is in the future; enter the date the court convicted or the caution was given.")])
    if not data.offence.strip():
        problems.append(FieldProblem("offence", "Enter the offence."))
    if data.source not in SOURCES:
        problems.append(FieldProblem("source", "Say where this was learned: court list, custody record or certificate."))
    learned = data.learned_on or today
    if learned > today:
        problems.append(FieldProblem("learned_on", "The date learned is in the future."))
    elif data.convicted_on and learned < data.convicted_on:
        problems.append(FieldProblem("learned_on", "The date learned is before the conviction."))
    terms = tuple(data.sentence_terms) or months_term(data.sentence_months)
    disposal, more = _disposal_problems(data.kind, data.disposal, terms, data.discharge_months, data.convicted_on)
    problems += more
    if disposal not in TERM_DISPOSALS:
        terms = ()
    if problems or data.convicted_on is None:  # (the problems ask for the date)
        raise ValidationFailed(problems)
    with unit_of_work(services, actor) as uow:
        uow.authorise(Permission.WRITE_CASES, offender_id=offender_id)
        o = find_offender(uow.session, offender_id)
        if o.date_of_birth > data.convicted_on:
            raise ValidationFailed(FieldProblem("convicted_on", "The date is before the offender's date of birth."))
        c = uow.stamp_created(m.Conviction(
            offender_id=offender_id, kind=data.kind, court=(data.court or "").strip() or None,
            convicted_on=data.convicted_on, offence=data.offence.strip(), schedule3=data.schedule3,
            threshold_depends_on_sentence=data.threshold_depends_on_sentence,
            disposal=disposal.value if disposal else None, sentence_months=whole_months(terms),
            sentence_terms_json=terms_json(terms), discharge_months=data.discharge_months, sentenced_on=data.convicted_on if disposal else None,
            age_at_conviction=age_on(o.date_of_birth, data.convicted_on), source=data.source, learned_on=learned))
        uow.session.add(c)
        uow.session.flush()
        uow.audit("entry.create", entity="conviction", entity_id=c.id, offender_id=offender_id,
                  details={"kind": c.kind, "convicted_on": c.convicted_on, "disposal": c.disposal,
                           "source": c.source})
        sync_requirement(uow, c, o.date_of_birth)
        if c.schedule3 and not (c.threshold_depends_on_sentence and disposal is None):
            ensure_initial(uow, c, c.convicted_on)
        case_summary.refresh(uow.session, offender_id, today)
        return _conviction_view(uow.session, c, today)


def _sentence_problems(reason: str, disposal: DisposalKind | str | None, sentenced_on: date,
                       today: date) -> list[FieldProblem]:
    problems: list[FieldProblem] = []
    problems += filter(None, [reason_problem("reason", reason, "Say where the sentence comes from.")])
    if sentenced_on > today:
        problems.append(FieldProblem("sentenced_on", "The sentence date is in the future."))
    if disposal is None:
        problems.append(FieldProblem("disposal", "Choose the disposal the court passed."))
    return problems


def enter_sentence(services: Services, actor: Actor, conviction_id: int, version_id: int,
                   disposal: DisposalKind | str, sentence_months: int | None, discharge_months: int | None,
                   reason: str, *, sentenced_on: date | None = None,
                   sentence_terms: tuple[SentenceTerm, ...] = ()) -> ConvictionView:
    """Enter or correct the sentence (a correction: the old values are kept) and recompute the
    s.82 period. A threshold offence's initial notification starts here, due within 3 days
    beginning with the sentence date, when the Sch 3 condition is met (assumption, see s.132).
    SENTENCE_TERMS (years/months/weeks/days each, consecutive, concurrent or partly concurrent)
    are the sentence; SENTENCE_MONTHS is the older whole-months entry of a single term."""
    today = services.clock.today()
    problems = _sentence_problems(reason, disposal, sentenced_on or today, today)
    if problems:
        raise ValidationFailed(problems)
    with unit_of_work(services, actor) as uow:
        c = apply_sentence(uow, conviction_id, version_id, disposal, sentence_months, discharge_months, reason,
                            sentenced_on=sentenced_on, sentence_terms=sentence_terms)
        return _conviction_view(uow.session, c, today)


def apply_sentence(uow: UnitOfWork, conviction_id: int, version_id: int, disposal: DisposalKind | str | None,
                   sentence_months: int | None, discharge_months: int | None, reason: str, *,
                   sentenced_on: date | None = None, sentence_terms: tuple[SentenceTerm, ...] = ()
                   ) -> m.Conviction:
    """enter_sentence's writing part, inside the caller's unit of work (the court watch records a
    sentence and the hearing's outcome in one transaction)."""
    today = uow.services.clock.today()
    sentenced_on = sentenced_on or today
    problems = _sentence_problems(reason, disposal, sentenced_on, today)
    if problems:
        raise ValidationFailed(problems)
    c = uow.load(m.Conviction, conviction_id, version_id)
    terms = tuple(sentence_terms) or months_term(sentence_months)
    d, problems = _disposal_problems(c.kind, disposal, terms, discharge_months, sentenced_on)
    terms = terms if d in TERM_DISPOSALS else ()
    if sentenced_on < c.convicted_on:
        problems.append(FieldProblem("sentenced_on", "The sentence date is before the conviction."))
    if problems or d is None:  # (the problems ask for the disposal)
        raise ValidationFailed(problems)
    o = find_offender(uow.session, c.offender_id)
    was_pending = c.disposal is None
    before = {"disposal": c.disposal, "sentence_months": c.sentence_months,
              "sentence_terms": c.sentence_terms_json, "discharge_months": c.discharge_months,
              "sentenced_on": c.sentenced_on}
    uow.keep_revision(c, entity="conviction", offender_id=c.offender_id, reason=reason.strip())
    c.disposal, c.discharge_months = d.value, discharge_months
    c.sentence_months, c.sentence_terms_json = whole_months(terms), terms_json(terms)
    c.sentenced_on = sentenced_on
    uow.stamp_updated(c)
    uow.session.flush()
    uow.audit("record.correct", entity="conviction", entity_id=c.id, offender_id=c.offender_id,
              reason=reason.strip(), details={"before": before, "after": {
                  "disposal": c.disposal, "sentence_months": c.sentence_months,
                  "sentence_terms": c.sentence_terms_json, "discharge_months": discharge_months,
                  "sentenced_on": sentenced_on}})
    sync_requirement(uow, c, o.date_of_birth, correction=reason.strip())
    if c.schedule3 and c.threshold_depends_on_sentence and was_pending:
        ensure_initial(uow, c, sentenced_on)
    case_summary.refresh(uow.session, c.offender_id, today)
    return c


def convictions_for(services: Services, actor: Actor, offender_id: int) -> list[ConvictionView]:
    """The record's convictions, cautions and findings (newest first), each with the
    notification requirement it started and the initial notification's due date."""
    c = m.Conviction
    with access.reading(services, actor, offender_id) as s:
        if s.get(m.Offender, offender_id) is None:
            raise NotFound(f"No offender record {offender_id}.")
        return [_conviction_view(s, x, services.clock.today()) for x in s.scalars(
            select(c).where(c.offender_id == offender_id, live(c)).order_by(c.convicted_on.desc(), c.id.desc()))]
