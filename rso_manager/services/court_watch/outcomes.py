"""What a hearing decided, and what follows from it, all in the one transaction of the outcome.

- adjourned: the next hearing is listed;
- discontinued or acquitted: the watch closes, with the reason;
- convicted: the person becomes a registered case, or, when the user chooses one of the records
  they may already be (registered.possible_cases: never without that choice), the conviction is
  added to it. The convictions (source "court_list", learned today) and the notification
  requirement are made by the writers the case record uses (caseload's reference and
  consultation, the notifications' requirement and due-date rules): the initial notification is
  due within 3 days beginning with the conviction (s.83(1)), the days of a remand in custody
  disregarded (s.83(6)), none while an earlier requirement still applies; a threshold offence
  waits for the sentence (Sch 3, s.82);
- sentenced: the sentence entered on each conviction awaiting one (the notifications' writer),
  which sets the notification period (s.82);
- SHPO made: the order (Sentencing Act 2020 s.343) on the case, from the hearing's date; made
  before the conviction, it is attached when the conviction makes the case. SHPO refused: with
  the court's reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from rso_manager.domain import court_watch as cw
from rso_manager.domain.dates import age_on
from rso_manager.domain.notification_period import DisposalKind, SentenceTerm
from rso_manager.domain.roles import Permission, Role
from rso_manager.persistence import models as m
from rso_manager.services import case_summary
from rso_manager.services.caseload import add_offender
from rso_manager.services.court_watch.registered import ExistingCase, possible_cases
from rso_manager.services.court_watch.views import (
    ChargedPersonView,
    find_person,
    person_view,
    watch_reference,
)
from rso_manager.services.errors import FieldProblem, NotFound, ValidationFailed
from rso_manager.services.notifications.convictions import apply_sentence, ensure_initial
from rso_manager.services.notifications.requirements import sync_requirement
from rso_manager.services.unit_of_work import Actor, Services, UnitOfWork, unit_of_work

OUTCOME_ACTION = "court_watch.outcome"


@dataclass(frozen=True)
class OutcomeInput:
    outcome: str = ""
    notes: str = ""
    next_hearing_on: date | None = None   # adjourned
    next_purpose: str | None = None
    convicted_on: date | None = None      # convicted (default: the hearing's date)
    offence_ids: tuple[int, ...] = ()     # convicted of (default: every offence charged)
    in_custody: bool | None = None        # convicted: in custody now (default: remanded)
    learned_on: date | None = None        # convicted: when the OMU learned of it (default today)
    existing_offender_id: int | None = None  # convicted: add to this record (one of existing_cases)
    new_case: bool = False                # convicted: the user saw the records it may be, and chose a new case
    disposal: DisposalKind | str | None = None  # sentenced
    sentence_months: int | None = None
    discharge_months: int | None = None
    sentence_terms: tuple[SentenceTerm, ...] = ()
    order_ends_on: date | None = None     # SHPO made: until, or
    order_indefinite: bool = False        # until further order


@dataclass(frozen=True)
class OutcomeResult:
    person: ChargedPersonView
    offender_id: int | None
    conviction_ids: tuple[int, ...]
    initial_due_on: date | None
    message: str
    order_ids: tuple[int, ...] = ()       # the SHPOs put on the case by this outcome
    added_to_existing: bool = False       # the conviction went on a record already on the register


@dataclass(frozen=True)
class Effects:
    """What followed from an outcome (apply_outcome), for the result and its message."""

    offender_id: int | None = None
    conviction_ids: tuple[int, ...] = ()
    initial_due_on: date | None = None
    order_ids: tuple[int, ...] = ()
    added_to_existing: bool = False
    order_waiting: bool = False  # an SHPO made before there is a case to put it on


def _problems(cp: m.ChargedPerson, h: m.CourtHearing, data: OutcomeInput, today: date) -> list[FieldProblem]:
    if h.outcome is not None:
        return [FieldProblem("outcome", f"This hearing's outcome is already recorded "
                                        f"({cw.outcome_label(h.outcome)}).")]
    convicted_on = data.convicted_on or h.hearing_on
    found = cw.outcome_problems(data.outcome, status=cp.status, hearing_on=h.hearing_on, today=today,
                                charged_on=cp.charged_on, next_hearing_on=data.next_hearing_on, notes=data.notes,
                                convicted_on=convicted_on if data.outcome == "convicted" else None,
                                order_ends_on=data.order_ends_on, order_indefinite=data.order_indefinite)
    problems = [FieldProblem(f, msg) for f, msg in found]
    if data.outcome == "sentenced" and data.disposal in (None, ""):
        problems.append(FieldProblem("disposal", "Choose the disposal the court passed."))
    return problems


def apply_outcome(uow: UnitOfWork, cp: m.ChargedPerson, h: m.CourtHearing, data: OutcomeInput) -> Effects:
    """Record DATA on hearing H in UOW, and what follows (see the module)."""
    today = uow.services.clock.today()
    problems = _problems(cp, h, data, today)
    if problems:
        raise ValidationFailed(problems)
    notes = " ".join(data.notes.split())
    if data.outcome == "shpo_made":
        h.order_ends_on = None if data.order_indefinite else data.order_ends_on
        h.order_indefinite = data.order_indefinite
    h.outcome, h.outcome_notes = data.outcome, notes or None
    h.outcome_recorded_at, h.outcome_recorded_by_id = uow.now, uow.actor.user_id or None
    uow.stamp_updated(h)
    done = Effects(offender_id=cp.offender_id)
    if data.outcome == "adjourned":
        h.next_hearing_on = data.next_hearing_on
        nxt = uow.stamp_created(m.CourtHearing(charged_person_id=cp.id, hearing_on=data.next_hearing_on,
                                               court=h.court, purpose=data.next_purpose or h.purpose))
        uow.session.add(nxt)
        uow.session.flush()
        uow.audit("entry.create", entity="court_hearing", entity_id=nxt.id, offender_id=cp.offender_id,
                  details={"charged_person_id": cp.id, "hearing_on": nxt.hearing_on, "adjourned_from": h.id})
    elif data.outcome in cw.CLOSING:
        cp.status, cp.closed_on, cp.closed_reason = "closed", h.hearing_on, h.outcome_notes
        uow.stamp_updated(cp)
    elif data.outcome == "convicted":
        done = _convicted(uow, cp, h, data)
    elif data.outcome == "sentenced":
        done = Effects(offender_id=cp.offender_id, conviction_ids=_sentenced(uow, cp, h, data))
    elif data.outcome == "shpo_made":
        if cp.offender_id is not None:
            order = _put_order(uow, cp, h, data.order_ends_on, data.order_indefinite)
            done = Effects(offender_id=cp.offender_id, order_ids=(order,))
        else:
            done = Effects(order_waiting=True)
    uow.session.flush()
    uow.audit(OUTCOME_ACTION, entity="court_hearing", entity_id=h.id, offender_id=done.offender_id,
              details={"charged_person_id": cp.id, "outcome": data.outcome, "hearing_on": h.hearing_on,
                       "next_hearing_on": data.next_hearing_on, "conviction_ids": list(done.conviction_ids),
                       "order_ids": list(done.order_ids), "added_to_existing": done.added_to_existing})
    return done


def _sentenced(uow: UnitOfWork, cp: m.ChargedPerson, h: m.CourtHearing, data: OutcomeInput) -> tuple[int, ...]:
    """The sentence on each conviction awaiting one, by the notifications' own writer."""
    awaiting = _awaiting_sentence(uow, cp)
    if not awaiting:
        raise ValidationFailed(FieldProblem("outcome", "No conviction of this person is awaiting sentence; "
                                                       "correct a sentence on the case record."))
    court = h.court or cp.court or "court"
    for c in awaiting:
        apply_sentence(uow, c.id, c.version_id, data.disposal, data.sentence_months, data.discharge_months,
                        f"Sentenced at {court} on {h.hearing_on:%d/%m/%Y}, recorded from the court watch",
                        sentenced_on=h.hearing_on, sentence_terms=data.sentence_terms)
    return tuple(c.id for c in awaiting)


def _put_order(uow: UnitOfWork, cp: m.ChargedPerson, h: m.CourtHearing, ends_on: date | None,
               indefinite: bool) -> int:
    """The SHPO on the case, as the orders tab records one (devices.record_order's write), with
    effect from the hearing that made it."""
    assert cp.offender_id is not None
    uow.authorise(Permission.WRITE_CASES, offender_id=cp.offender_id)
    o = uow.stamp_created(m.CivilOrder(offender_id=cp.offender_id, kind="SHPO", court=h.court or cp.court,
                                       made_on=h.hearing_on, ends_on=None if indefinite else ends_on,
                                       indefinite=indefinite, device_notify_days=None))
    uow.session.add(o)
    uow.session.flush()
    h.civil_order_id = o.id
    uow.audit("entry.create", entity="civil_order", entity_id=o.id, offender_id=cp.offender_id,
              details={"kind": o.kind, "made_on": o.made_on, "ends_on": o.ends_on, "indefinite": o.indefinite,
                       "court_hearing_id": h.id, "charged_person_id": cp.id})
    return o.id


def _waiting_orders(uow: UnitOfWork, cp: m.ChargedPerson) -> list[int]:
    """The SHPOs made before the conviction, now put on the case it made."""
    H = m.CourtHearing
    made = uow.session.scalars(select(H).where(H.charged_person_id == cp.id, H.voided_at.is_(None),
                                               H.outcome == "shpo_made").order_by(H.hearing_on, H.id))
    return [_put_order(uow, cp, h, h.order_ends_on, h.order_indefinite) for h in made if h.civil_order_id is None]


def _offender_for(uow: UnitOfWork, cp: m.ChargedPerson, data: OutcomeInput) -> tuple[m.Offender, bool]:
    """The record the conviction goes on (and whether it was already on the register): the
    one the user chose, or a new one once the user has seen what it may already be."""
    s = uow.session
    if data.existing_offender_id is not None:
        uow.authorise(Permission.WRITE_CASES, offender_id=data.existing_offender_id)
        existing = s.get(m.Offender, data.existing_offender_id)
        if existing is None:
            raise NotFound("That record is no longer on the register.")
        return existing, True
    uow.authorise(Permission.WRITE_CASES)
    if not data.new_case:
        cases = possible_cases(s, cp)
        if cases:
            raise ValidationFailed(FieldProblem("existing_offender_id", _already_there(cases)))
    watcher = s.get(m.User, cp.watcher_id)
    manager = cp.watcher_id if watcher is not None and watcher.role == Role.OFFENDER_MANAGER.value else None
    o = add_offender(
        uow, {"surname": cp.surname, "forenames": cp.forenames, "date_of_birth": cp.date_of_birth,
              "pnc_id": cp.pnc_id, "offender_manager_id": manager, "team_id": cp.team_id},
        why=f"Created from the court watch ({watch_reference(cp.id)}) on conviction.",
        details={"from_charged_person": cp.id, "team_id": cp.team_id, "offender_manager_id": manager})
    uow.authorise(Permission.WRITE_CASES, offender_id=o.id)
    return o, False


def _already_there(cases: tuple[ExistingCase, ...]) -> str:
    return ("This person may already be on the register: " + "; ".join(c.text for c in cases)
            + ". Choose to add the conviction to that case, or to create a new case; nothing is merged "
              "without your choice.")


def _convicted(uow: UnitOfWork, cp: m.ChargedPerson, h: m.CourtHearing, data: OutcomeInput) -> Effects:
    s, today = uow.session, uow.services.clock.today()
    convicted_on = data.convicted_on or h.hearing_on
    offences = list(s.scalars(select(m.ChargedOffence).where(
        m.ChargedOffence.charged_person_id == cp.id, m.ChargedOffence.voided_at.is_(None)).order_by(m.ChargedOffence.id)))
    if data.offence_ids:
        offences = [o for o in offences if o.id in set(data.offence_ids)]
    if not offences:
        raise ValidationFailed(FieldProblem("offence_ids", "Choose the offences the court convicted of."))
    o, existing = _offender_for(uow, cp, data)
    if o.date_of_birth > convicted_on:
        raise ValidationFailed(FieldProblem("existing_offender_id", f"{o.reference}'s date of birth is after the "
                                                                    "conviction: it is not this person."))
    in_custody = cp.custody == "remand" if data.in_custody is None else data.in_custody
    if in_custody:  # s.83(6): the days in custody do not count; the clock runs from release
        p = uow.stamp_created(m.DisregardedPeriod(offender_id=o.id, kind="custody", starts_on=convicted_on))
        s.add(p)
        s.flush()
        uow.audit("entry.create", entity="disregarded_period", entity_id=p.id, offender_id=o.id,
                  details={"kind": "custody", "starts_on": convicted_on})
    ids = []
    initial: m.StatutoryNotification | None = None
    for offence in offences:
        conviction = uow.stamp_created(m.Conviction(
            offender_id=o.id, kind="conviction", court=h.court or cp.court, convicted_on=convicted_on,
            offence=offence.offence, schedule3=offence.schedule3,
            threshold_depends_on_sentence=offence.threshold_depends_on_sentence,
            age_at_conviction=age_on(o.date_of_birth, convicted_on), source="court_list",
            learned_on=data.learned_on or today))
        s.add(conviction)
        s.flush()
        uow.audit("entry.create", entity="conviction", entity_id=conviction.id, offender_id=o.id,
                  details={"kind": "conviction", "convicted_on": convicted_on, "disposal": None,
                           "source": "court_list", "charged_person_id": cp.id})
        sync_requirement(uow, conviction, o.date_of_birth)
        ids.append(conviction.id)
        if offence.schedule3 and not offence.threshold_depends_on_sentence:
            initial = ensure_initial(uow, conviction, convicted_on) or initial
    cp.status, cp.offender_id, cp.conviction_id = "convicted", o.id, ids[0]
    uow.stamp_updated(cp)
    orders = _waiting_orders(uow, cp)
    case_summary.refresh(s, o.id, today)
    return Effects(o.id, tuple(ids), initial.due_on if initial is not None else None, tuple(orders), existing)


def _awaiting_sentence(uow: UnitOfWork, cp: m.ChargedPerson) -> list[m.Conviction]:
    C = m.Conviction
    return list(uow.session.scalars(select(C).where(C.offender_id == cp.offender_id, C.voided_at.is_(None),
                                                    C.source == "court_list", C.disposal.is_(None)).order_by(C.id)))


def record_outcome(services: Services, actor: Actor, hearing_id: int, version_id: int,
                   data: OutcomeInput) -> OutcomeResult:
    """Record what hearing HEARING_ID decided and what follows from it (see the module), in one
    transaction: a refused part leaves nothing of the outcome saved."""
    with unit_of_work(services, actor) as uow:
        h0 = uow.session.get(m.CourtHearing, hearing_id)
        cp = find_person(uow, h0.charged_person_id if h0 is not None else 0)
        h = uow.load(m.CourtHearing, hearing_id, version_id, permission=None)
        done = apply_outcome(uow, cp, h, data)
        view = person_view(uow.session, cp)
    return OutcomeResult(view, done.offender_id, done.conviction_ids, done.initial_due_on,
                         message(view, data.outcome, done), done.order_ids, done.added_to_existing)


def message(view: ChargedPersonView, outcome: str, done: Effects) -> str:
    """What the status bar says once the outcome is saved."""
    orders = (" The SHPO made before the conviction is on the case's Orders tab."
              if outcome == "convicted" and done.order_ids else "")
    if outcome == "convicted":
        due = (f"initial notification due by {done.initial_due_on:%d/%m/%Y}" if done.initial_due_on is not None
               else "no new initial notification (already notifying, a threshold offence awaiting sentence, or in "
                    "custody: due once sentenced or released)")
        where = (f"conviction added to {view.offender_reference}" if done.added_to_existing
                 else f"now case {view.offender_reference}")
        return f"{view.name}: {where}; {due}.{orders}"
    if outcome == "sentenced":
        return f"Sentence entered on {view.offender_reference}: the notification period follows from it."
    if outcome == "adjourned":
        return f"Adjourned: next hearing {view.next_hearing_on:%d/%m/%Y}." if view.next_hearing_on else "Adjourned."
    if outcome in cw.CLOSING:
        return f"{view.name}: {cw.outcome_label(outcome).lower()}; the watch is closed."
    if outcome == "shpo_made":
        return (f"{view.name}: SHPO recorded on {view.offender_reference}'s Orders tab." if done.order_ids else
                f"{view.name}: SHPO made recorded; it will be put on the case when the conviction makes it.")
    return f"{view.name}: {cw.outcome_label(outcome)} recorded."
