"""What the court watch returns (frozen views, never ORM rows) and who may see which entry: a
user their own team's people and those they watch; the OMU lead the whole force."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import or_, select, true
from sqlalchemy.orm import Session

from rso_manager.domain import court_watch as cw
from rso_manager.domain.roles import Permission, Role
from rso_manager.persistence import models as m
from rso_manager.services.caseload import RevisionRow
from rso_manager.services.errors import NotFound, PermissionDenied
from rso_manager.services.unit_of_work import Actor, UnitOfWork


@dataclass(frozen=True)
class OffenceView:
    offence_id: int
    offence: str
    schedule3: bool
    threshold_depends_on_sentence: bool

    @property
    def text(self) -> str:
        flags = ["Schedule 3" if self.schedule3 else "not Schedule 3"]
        if self.threshold_depends_on_sentence:
            flags.append("threshold: depends on sentence")
        return f"{self.offence} ({', '.join(flags)})"


@dataclass(frozen=True)
class HearingView:
    hearing_id: int
    version_id: int
    charged_person_id: int
    hearing_on: date
    court: str | None
    purpose: str | None
    outcome: str | None
    outcome_notes: str | None
    next_hearing_on: date | None
    outcome_recorded_at: datetime | None
    outcome_recorded_by: str | None

    @property
    def outcome_text(self) -> str:
        return cw.outcome_label(self.outcome)


@dataclass(frozen=True)
class ChargedPersonView:
    charged_person_id: int
    version_id: int
    surname: str
    forenames: str
    date_of_birth: date
    pnc_id: str | None
    charged_on: date
    court: str | None
    custody: str
    officer_in_case: str | None
    shpo_application: str
    shpo_application_by: str | None
    team_id: int | None
    team: str | None
    watcher_id: int
    watcher: str | None
    status: str
    closed_reason: str | None
    closed_on: date | None
    offender_id: int | None
    offender_reference: str | None
    conviction_id: int | None
    offences: tuple[OffenceView, ...]
    hearings: tuple[HearingView, ...]  # oldest first
    next_hearing_on: date | None  # the next one with no outcome yet
    recorded_by: str | None
    recorded_at: datetime | None
    corrections: int = 0
    # The person's and their hearings' revisions, newest first (detail_pane.entry_history reads them).
    revisions: tuple[RevisionRow, ...] = ()

    @property
    def name(self) -> str:
        return f"{self.surname.upper()}, {self.forenames}"

    @property
    def status_text(self) -> str:
        return cw.status_label(self.status)

    @property
    def reference(self) -> str:
        return watch_reference(self.charged_person_id)


def watch_reference(charged_person_id: int) -> str:
    """How a watched person is named before there is a case reference."""
    return f"CW-{charged_person_id:04d}"


def watch_clause(actor: Actor):
    """A filter on ChargedPerson: the entries ACTOR may see."""
    P = m.ChargedPerson
    if actor.role is Role.OMU_LEAD:
        return true()
    mine = P.watcher_id == actor.user_id
    return or_(mine, P.team_id == actor.team_id) if actor.team_id is not None else mine


def check_scope(actor: Actor, cp: m.ChargedPerson) -> None:
    if actor.role is Role.OMU_LEAD or cp.watcher_id == actor.user_id:
        return
    if actor.team_id is not None and cp.team_id == actor.team_id:
        return
    raise PermissionDenied("This person is watched by another team: only that team, the officer watching "
                           "them and the OMU lead see their entry. Ask them, or the OMU lead.")


def authorised(uow: UnitOfWork) -> None:
    uow.authorise(Permission.WATCH_COURTS)


def find_person(uow: UnitOfWork, charged_person_id: int) -> m.ChargedPerson:
    """The entry, once the user may use the watch and the entry is theirs to see."""
    authorised(uow)
    cp = uow.session.get(m.ChargedPerson, charged_person_id)
    if cp is None or cp.voided_at is not None:
        raise NotFound("That person is no longer on the court watch.")
    check_scope(uow.actor, cp)
    return cp


def _names(s: Session, ids: set[int | None] | set[int]) -> dict[int, str]:
    wanted = {i for i in ids if i}
    if not wanted:
        return {}
    return {k: v for k, v in s.execute(select(m.User.id, m.User.display_name).where(m.User.id.in_(wanted)))}


def hearing_views(s: Session, person_ids: list[int]) -> dict[int, list[HearingView]]:
    H = m.CourtHearing
    out: dict[int, list[HearingView]] = {i: [] for i in person_ids}
    if not person_ids:
        return out
    rows = list(s.scalars(select(H).where(H.charged_person_id.in_(person_ids), H.voided_at.is_(None))
                          .order_by(H.hearing_on, H.id)))
    names = _names(s, {h.outcome_recorded_by_id for h in rows})
    for h in rows:
        out[h.charged_person_id].append(HearingView(
            h.id, h.version_id, h.charged_person_id, h.hearing_on, h.court, h.purpose, h.outcome, h.outcome_notes,
            h.next_hearing_on, h.outcome_recorded_at, names.get(h.outcome_recorded_by_id or 0)))
    return out


def person_views(s: Session, people: list[m.ChargedPerson]) -> list[ChargedPersonView]:
    """Views of PEOPLE, their offences and hearings read in a fixed number of queries."""
    ids = [p.id for p in people]
    CO = m.ChargedOffence
    offences: dict[int, list[OffenceView]] = {i: [] for i in ids}
    if ids:
        for o in s.scalars(select(CO).where(CO.charged_person_id.in_(ids), CO.voided_at.is_(None)).order_by(CO.id)):
            offences[o.charged_person_id].append(OffenceView(o.id, o.offence, o.schedule3,
                                                             o.threshold_depends_on_sentence))
    hearings = hearing_views(s, ids)
    names = _names(s, {p.watcher_id for p in people} | {p.created_by_id for p in people if p.created_by_id})
    teams = {k: v for k, v in s.execute(select(m.Team.id, m.Team.name))}
    refs: dict[int, str] = {}
    oids = [p.offender_id for p in people if p.offender_id]
    if oids:
        refs = {k: v for k, v in s.execute(select(m.Offender.id, m.Offender.reference).where(m.Offender.id.in_(oids)))}
    revisions = _revisions(s, ids, [h.hearing_id for own in hearings.values() for h in own])
    corrected: dict[int, int] = {}
    for r in revisions:
        if r.entity == "charged_person":
            corrected[r.entity_id] = corrected.get(r.entity_id, 0) + 1
    hearing_owner = {h.hearing_id: pid for pid, own in hearings.items() for h in own}
    out = []
    for p in people:
        own = hearings[p.id]
        upcoming = [h.hearing_on for h in own if h.outcome is None]
        out.append(ChargedPersonView(
            p.id, p.version_id, p.surname, p.forenames, p.date_of_birth, p.pnc_id, p.charged_on, p.court, p.custody,
            p.officer_in_case, p.shpo_application, p.shpo_application_by, p.team_id, teams.get(p.team_id or 0),
            p.watcher_id, names.get(p.watcher_id), p.status, p.closed_reason, p.closed_on, p.offender_id,
            refs.get(p.offender_id or 0), p.conviction_id, tuple(offences[p.id]), tuple(own),
            min(upcoming) if upcoming else None, names.get(p.created_by_id or 0), p.created_at,
            corrected.get(p.id, 0), tuple(r for r in revisions if (r.entity == "charged_person" and r.entity_id == p.id)
                                          or (r.entity == "court_hearing" and hearing_owner.get(r.entity_id) == p.id))))
    return out


def _revisions(s: Session, person_ids: list[int], hearing_ids: list[int]) -> list[RevisionRow]:
    R = m.RecordRevision
    if not person_ids:
        return []
    wanted = (R.entity == "charged_person") & R.entity_id.in_(person_ids)
    if hearing_ids:
        wanted = wanted | ((R.entity == "court_hearing") & R.entity_id.in_(hearing_ids))
    rows = list(s.scalars(select(R).where(wanted).order_by(R.id.desc())))
    names = _names(s, {r.changed_by_id for r in rows})
    return [RevisionRow(r.entity, r.entity_id, r.version, r.changed_at, names.get(r.changed_by_id or 0, "?"),
                        r.reason or "", json.loads(r.snapshot_json)) for r in rows]


def person_view(s: Session, cp: m.ChargedPerson) -> ChargedPersonView:
    return person_views(s, [cp])[0]
