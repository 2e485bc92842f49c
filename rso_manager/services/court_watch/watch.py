"""People charged with a Schedule 3 offence, recorded before conviction and corrected with their
history kept (issue 18): who they are, the offences (Schedule 3, and whether the threshold
turns on the sentence), the charge, bail or remand, the officer in the case, and whether an SHPO
application is drafted and attached to the file, and by whom."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from rso_manager.domain import court_watch as cw
from rso_manager.domain.roles import Permission, Role, allows
from rso_manager.domain.search_terms import normalise_pnc
from rso_manager.persistence import models as m
from rso_manager.services.court_watch.views import (
    ChargedPersonView,
    authorised,
    find_person,
    person_view,
    person_views,
    watch_clause,
)
from rso_manager.services.errors import (
    FieldProblem,
    ValidationFailed,
    past_date_problem,
    reason_problem,
)
from rso_manager.services.unit_of_work import Actor, Services, UnitOfWork, unit_of_work

READ_ACTION = "court_watch.read"


@dataclass(frozen=True)
class OffenceInput:
    offence: str
    schedule3: bool = True
    threshold_depends_on_sentence: bool = False


@dataclass(frozen=True)
class ChargeInput:
    surname: str = ""
    forenames: str = ""
    date_of_birth: date | None = None
    pnc_id: str | None = None
    charged_on: date | None = None
    court: str | None = None
    custody: str = "bail"
    officer_in_case: str | None = None
    shpo_application: str = "none"
    shpo_application_by: str | None = None
    offences: tuple[OffenceInput, ...] = ()
    team_id: int | None = None     # None: the user's own team
    watcher_id: int | None = None  # None: the user
    first_hearing_on: date | None = None
    first_hearing_purpose: str | None = None


@dataclass(frozen=True)
class Watcher:
    user_id: int
    name: str
    team_id: int | None


def _text(value: str | None) -> str | None:
    return " ".join(value.split()) or None if value else None


def _problems(data: ChargeInput, today: date) -> list[FieldProblem]:
    problems: list[FieldProblem] = []
    if not (data.surname or "").strip():
        problems.append(FieldProblem("surname", "Enter the surname as charged."))
    if not (data.forenames or "").strip():
        problems.append(FieldProblem("forenames", "Enter the forenames as charged."))
    problems += filter(None, [
        past_date_problem("date_of_birth", data.date_of_birth, today, missing="Enter the date of birth.",
                          future="The date of birth is in the future."),
        past_date_problem("charged_on", data.charged_on, today, missing="Enter the date of the charge.",
                          future="The charge date is in the future: enter the day the person was charged.")])
    if data.date_of_birth and data.charged_on and data.charged_on < data.date_of_birth:
        problems.append(FieldProblem("charged_on", "The charge date is before the date of birth."))
    if data.custody not in cw.CUSTODY:
        problems.append(FieldProblem("custody", "Choose bail or remanded in custody."))
    if data.shpo_application not in cw.SHPO_APPLICATION:
        problems.append(FieldProblem("shpo_application", "Choose whether an SHPO application is drafted or attached."))
    elif data.shpo_application != "none" and not _text(data.shpo_application_by):
        problems.append(FieldProblem("shpo_application_by", "Say who drafted or attached the SHPO application."))
    offences = [o for o in data.offences if o.offence.strip()]
    if not offences:
        problems.append(FieldProblem("offences", "Enter the offence charged (one a line)."))
    elif not any(o.schedule3 for o in offences):
        problems.append(FieldProblem("offences", "None of the offences is marked Schedule 3: the court watch is "
                                                 "for people who would have to notify if convicted."))
    if data.first_hearing_on is not None and data.charged_on is not None:
        problems += [FieldProblem(f, msg) for f, msg in cw.hearing_problems(
            data.first_hearing_on, today, data.charged_on, outcome_given=False)]
    return problems


def _placing(uow: UnitOfWork, data: ChargeInput) -> tuple[int | None, int]:
    """The team and the watcher: the user's own team (the OMU lead any), a watcher who may use
    the watch and belongs to that team."""
    actor = uow.actor
    team_id = data.team_id if data.team_id is not None else actor.team_id
    if team_id != actor.team_id and actor.role is not Role.OMU_LEAD:
        raise ValidationFailed(FieldProblem("team_id", "You can add people only to your own team's watch; the OMU "
                                                       "lead can add them to any team's."))
    watcher_id = data.watcher_id or actor.user_id
    if watcher_id != actor.user_id:
        user = uow.session.get(m.User, watcher_id)
        if (user is None or not user.active or user.team_id != team_id
                or not allows(Role(user.role), bool(user.trained), Permission.WATCH_COURTS)):
            raise ValidationFailed(FieldProblem("watcher_id", "Choose a trained officer of the team to watch "
                                                              "this person."))
    return team_id, watcher_id


def record_charged_person(services: Services, actor: Actor, data: ChargeInput) -> ChargedPersonView:
    """Put a person charged with a Schedule 3 offence on the watch, with their offences and,
    if listed, the first hearing (today or later)."""
    today = services.clock.today()
    problems = _problems(data, today)
    if problems:
        raise ValidationFailed(problems)
    assert data.date_of_birth is not None and data.charged_on is not None  # (the problems ask for them)
    with unit_of_work(services, actor) as uow:
        authorised(uow)
        team_id, watcher_id = _placing(uow, data)
        cp = uow.stamp_created(m.ChargedPerson(
            surname=data.surname.strip(), forenames=" ".join(data.forenames.split()),
            date_of_birth=data.date_of_birth, pnc_id=normalise_pnc(data.pnc_id or "") if _text(data.pnc_id) else None,
            charged_on=data.charged_on, court=_text(data.court), custody=data.custody,
            officer_in_case=_text(data.officer_in_case), shpo_application=data.shpo_application,
            shpo_application_by=_text(data.shpo_application_by) if data.shpo_application != "none" else None,
            team_id=team_id, watcher_id=watcher_id, status="pending"))
        uow.session.add(cp)
        uow.session.flush()
        for o in data.offences:
            if o.offence.strip():
                uow.session.add(uow.stamp_created(m.ChargedOffence(
                    charged_person_id=cp.id, offence=" ".join(o.offence.split()), schedule3=o.schedule3,
                    threshold_depends_on_sentence=o.threshold_depends_on_sentence)))
        if data.first_hearing_on is not None:
            uow.session.add(uow.stamp_created(m.CourtHearing(
                charged_person_id=cp.id, hearing_on=data.first_hearing_on, court=cp.court,
                purpose=_text(data.first_hearing_purpose) or "First appearance")))
        uow.session.flush()
        uow.audit("entry.create", entity="charged_person", entity_id=cp.id, details={
            "charged_on": cp.charged_on, "court": cp.court, "custody": cp.custody, "team_id": team_id,
            "watcher_id": watcher_id, "offences": len([o for o in data.offences if o.offence.strip()]),
            "shpo_application": cp.shpo_application})
        return person_view(uow.session, cp)


# The fields a correction may change: the offences and hearings are their own entries.
CORRECTABLE = ("surname", "forenames", "date_of_birth", "pnc_id", "charged_on", "court", "custody",
               "officer_in_case", "shpo_application", "shpo_application_by")


def correct_charged_person(services: Services, actor: Actor, charged_person_id: int, version_id: int,
                           data: ChargeInput, reason: str) -> ChargedPersonView:
    """Put the details right (a bail change, an SHPO application attached, a misspelt name): the
    old values are kept in record_revision and the audit row holds before and after."""
    today = services.clock.today()
    # The offences are not changed here: a correction of the person need not repeat them.
    problems = [p for p in _problems(data, today) if p.field not in ("offences", "hearing_on")]
    problems += filter(None, [reason_problem("reason", reason, "Say why the details are being corrected.")])
    if problems:
        raise ValidationFailed(problems)
    with unit_of_work(services, actor) as uow:
        find_person(uow, charged_person_id)
        cp = uow.load(m.ChargedPerson, charged_person_id, version_id, permission=None)
        if cp.status == "closed":
            raise ValidationFailed(FieldProblem("details", "The watch of this person is closed; it is kept as it was."))
        assert data.date_of_birth is not None and data.charged_on is not None
        first = uow.session.scalar(select(m.CourtHearing.hearing_on).where(
            m.CourtHearing.charged_person_id == cp.id, m.CourtHearing.voided_at.is_(None))
            .order_by(m.CourtHearing.hearing_on).limit(1))
        if first is not None and data.charged_on > first:
            raise ValidationFailed(FieldProblem("charged_on", f"The charge date is after the first hearing "
                                                              f"({first:%d/%m/%Y}); check both dates."))
        new = {"surname": data.surname.strip(), "forenames": " ".join(data.forenames.split()),
               "date_of_birth": data.date_of_birth,
               "pnc_id": normalise_pnc(data.pnc_id or "") if _text(data.pnc_id) else None,
               "charged_on": data.charged_on, "court": _text(data.court), "custody": data.custody,
               "officer_in_case": _text(data.officer_in_case), "shpo_application": data.shpo_application,
               "shpo_application_by": _text(data.shpo_application_by) if data.shpo_application != "none" else None}
        uow.correct(cp, new, entity="charged_person", offender_id=cp.offender_id, reason=reason,
                    field="details", action="entry.correct")
        return person_view(uow.session, cp)


def void_charged_person(services: Services, actor: Actor, charged_person_id: int, version_id: int,
                        reason: str) -> None:
    """Mark an entry made in error (the wrong person, a duplicate): kept, no longer watched."""
    problem = reason_problem("reason", reason, "Say why this entry was made in error.")
    if problem:
        raise ValidationFailed(problem)
    with unit_of_work(services, actor) as uow:
        find_person(uow, charged_person_id)
        cp = uow.load(m.ChargedPerson, charged_person_id, version_id, permission=None)
        if cp.status == "convicted":
            raise ValidationFailed(FieldProblem("reason", "This person was convicted and has a case: correct the "
                                                          "case record instead."))
        uow.keep_revision(cp, entity="charged_person", offender_id=None, reason=reason.strip())
        cp.voided_at, cp.void_reason, cp.voided_by_id = uow.now, reason.strip(), uow.actor.user_id or None
        uow.stamp_updated(cp)
        uow.session.flush()
        uow.audit("entry.void", entity="charged_person", entity_id=cp.id, reason=reason.strip())


def watched_people(services: Services, actor: Actor, status: str | None = "pending") -> list[ChargedPersonView]:
    """The people on the user's watch (their team's and those they watch; the force for the OMU
    lead), next hearing first. Audited as one read of the watch."""
    P = m.ChargedPerson
    with unit_of_work(services, actor) as uow:
        authorised(uow)
        stmt = select(P).where(P.voided_at.is_(None), watch_clause(uow.actor))
        if status is not None:
            stmt = stmt.where(P.status == status)
        people = list(uow.session.scalars(stmt.order_by(P.surname, P.forenames, P.id)))
        views = person_views(uow.session, people)
        uow.audit(READ_ACTION, entity="charged_person", details={"status": status, "rows": len(views)})
    return sorted(views, key=lambda v: (v.next_hearing_on is None, v.next_hearing_on or date.max, v.surname))


def charged_person(services: Services, actor: Actor, charged_person_id: int) -> ChargedPersonView:
    """One watched person in full (offences, hearings), audited as a read of that entry."""
    with unit_of_work(services, actor) as uow:
        cp = find_person(uow, charged_person_id)
        view = person_view(uow.session, cp)
        uow.audit(READ_ACTION, entity="charged_person", entity_id=cp.id, offender_id=cp.offender_id)
        return view


def watchers(services: Services, actor: Actor) -> list[Watcher]:
    """Who may be named to watch: trained officers of the user's team (every team's for the lead)."""
    U = m.User
    with unit_of_work(services, actor) as uow:
        authorised(uow)
        stmt = select(U).where(U.active.is_(True)).order_by(U.display_name)
        if uow.actor.role is not Role.OMU_LEAD:
            stmt = stmt.where(U.team_id == uow.actor.team_id)
        return [Watcher(u.id, u.display_name, u.team_id) for u in uow.session.scalars(stmt)
                if allows(Role(u.role), bool(u.trained), Permission.WATCH_COURTS)]
