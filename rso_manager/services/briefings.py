"""Frontline briefings (issue 15 item 3): the offender manager's approved text about a case for
response and neighbourhood officers, and the briefings of an area (a team's patch or postcode
districts) as a page and a printed handout.

The briefing role reads area briefings and nothing of the records (domain/roles.py). An area's
cards carry only what the officer on patrol needs: the newest photograph, name and aliases, the
current address, current vehicles, the risk level, the approved prohibitions and whom to call.
Every read of an area and every print is audited; a new text for a case is a correction of the
old one (the old kept in the record's history, with the reason).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, undefer

from rso_manager.domain import frontline_briefing as fb
from rso_manager.domain.risk_levels import RISK_LABEL
from rso_manager.domain.roles import Permission, Role
from rso_manager.persistence import models as m
from rso_manager.reports import briefing_pdf
from rso_manager.services import access, case_summary
from rso_manager.services.errors import (
    FieldProblem,
    NotFound,
    PermissionDenied,
    ValidationFailed,
    reason_problem,
)
from rso_manager.services.printed_files import audited_file
from rso_manager.services.unit_of_work import (
    Actor,
    Services,
    UnitOfWork,
    find_offender,
    unit_of_work,
)

ENTITY = "frontline_briefing"
READ_ACTION = "briefing.read"
# Who is told which cases of the area have no approved briefing (and whose they are), to ask
# for one: not the briefing role, whose officers could only guess what is missing.
SEES_UNBRIEFED = frozenset({Role.SUPERVISOR, Role.OMU_LEAD})
# Who records a team's patch.
SETS_PATCH = frozenset({Role.ADMINISTRATOR, Role.OMU_LEAD})


@dataclass(frozen=True)
class BriefingView:
    """A case's current briefing text and its approval."""

    id: int
    version_id: int
    offender_id: int
    summary: str
    prohibitions: str | None
    contact: str | None
    approved_by: str | None
    approved_at: datetime | None
    earlier_texts: int  # texts it replaced, kept in the record's history


@dataclass(frozen=True)
class TeamPatch:
    id: int
    version_id: int
    name: str
    districts: tuple[str, ...]

    @property
    def text(self) -> str:
        return " ".join(self.districts)


@dataclass(frozen=True)
class SavedBriefing:
    path: str
    cases: int


# --- one case's text ----------------------------------------------------------------------------


def _current(s: Session, offender_id: int) -> m.FrontlineBriefing | None:
    b = m.FrontlineBriefing
    return s.scalar(select(b).where(b.offender_id == offender_id, b.voided_at.is_(None))
                    .order_by(b.id.desc()).limit(1))


def _name(s: Session, user_id: int | None) -> str | None:
    return s.scalar(select(m.User.display_name).where(m.User.id == user_id)) if user_id else None


def _view(s: Session, row: m.FrontlineBriefing) -> BriefingView:
    earlier = s.scalar(select(func.count()).select_from(m.RecordRevision).where(
        m.RecordRevision.entity == ENTITY, m.RecordRevision.entity_id == row.id)) or 0
    return BriefingView(row.id, row.version_id, row.offender_id, row.summary, row.prohibitions, row.contact,
                        _name(s, row.approved_by_id), row.approved_at, earlier)


def _clean(text: str | None) -> str | None:
    return (text or "").strip() or None


def _text_problems(summary: str | None, prohibitions: str | None, contact: str | None) -> list[FieldProblem]:
    problems = []
    if not _clean(summary):
        problems.append(FieldProblem("summary", "Say who this is and why it matters on patrol: the summary "
                                                "is what an officer reads first."))
    for field, text, limit in (("summary", summary, fb.SUMMARY_MAX), ("prohibitions", prohibitions, fb.PROHIBITIONS_MAX),
                               ("contact", contact, fb.CONTACT_MAX)):
        length = len(_clean(text) or "")
        if length > limit:
            problems.append(FieldProblem(field, f"Keep this to {limit:,} characters so the briefing fits its card; "
                                                f"it is {length:,}."))
    return problems


def record_briefing(services: Services, actor: Actor, offender_id: int, *, summary: str,
                    prohibitions: str | None = None, contact: str | None = None) -> BriefingView:
    """Write and approve the case's first briefing; a later text is a correction of it
    (correct_briefing), so the old text stays in the record's history."""
    problems = _text_problems(summary, prohibitions, contact)
    with unit_of_work(services, actor) as uow:
        uow.authorise(Permission.WRITE_CASES, offender_id=offender_id)
        find_offender(uow.session, offender_id)
        if _current(uow.session, offender_id) is not None:
            problems.append(FieldProblem("summary", "This case already has an approved briefing: reload it "
                                                    "and approve the new text as a change to it, with a reason."))
        if problems:
            raise ValidationFailed(problems)
        row = uow.stamp_created(m.FrontlineBriefing(
            offender_id=offender_id, summary=_clean(summary), prohibitions=_clean(prohibitions),
            contact=_clean(contact), approved_by_id=uow.actor.user_id, approved_at=uow.now))
        uow.session.add(row)
        uow.session.flush()
        uow.audit("entry.create", entity=ENTITY, entity_id=row.id, offender_id=offender_id,
                  details={"approved": True})
        return _view(uow.session, row)


def correct_briefing(services: Services, actor: Actor, briefing_id: int, version_id: int, *, summary: str,
                     prohibitions: str | None, contact: str | None, reason: str) -> BriefingView:
    """Approve a new text for a briefing: VERSION_ID is the text the user read, REASON why it
    changes; the old text is kept in the record's history."""
    problems = _text_problems(summary, prohibitions, contact)
    problems += filter(None, [reason_problem("reason", reason, "Say why the briefing changes.")])
    with unit_of_work(services, actor) as uow:
        row = uow.load(m.FrontlineBriefing, briefing_id, version_id)  # WRITE_CASES on its case
        if problems:
            raise ValidationFailed(problems)
        values = {"summary": _clean(summary), "prohibitions": _clean(prohibitions), "contact": _clean(contact),
                  "approved_by_id": uow.actor.user_id, "approved_at": uow.now}
        uow.correct(row, values, entity=ENTITY, offender_id=row.offender_id, reason=reason, field="summary")
        return _view(uow.session, row)


def briefing_for(services: Services, actor: Actor, offender_id: int) -> BriefingView | None:
    """The case's current briefing, read under the user's opening of the record."""
    with access.reading(services, actor, offender_id) as s:
        row = _current(s, offender_id)
        return _view(s, row) if row is not None else None


# --- team patches -------------------------------------------------------------------------------


def _patch(t: m.Team) -> TeamPatch:
    return TeamPatch(t.id, t.version_id, t.name, fb.read_districts(t.patch_districts or "")[0])


def team_patches(services: Services, actor: Actor) -> list[TeamPatch]:
    """The active teams and their patches, for choosing an area (anyone who reads briefings) or
    recording a patch (the administrator)."""
    with unit_of_work(services, actor) as uow:
        if uow.actor.role not in SETS_PATCH:
            uow.authorise(Permission.READ_BRIEFINGS)
        return [_patch(t) for t in uow.session.scalars(select(m.Team).where(m.Team.active).order_by(m.Team.name))]


def set_team_patch(services: Services, actor: Actor, team_id: int, version_id: int, districts: str) -> TeamPatch:
    """Record TEAM_ID's patch as postcode districts ("LS1 LS2 LS6"); empty clears it."""
    wanted, _wrong = fb.read_districts(districts)
    problem = fb.districts_problem(districts) if districts.strip() else None
    with unit_of_work(services, actor) as uow:
        if uow.actor.role not in SETS_PATCH:
            raise _patch_refusal(uow.actor)
        if problem:
            raise ValidationFailed(FieldProblem("districts", problem))
        team = uow.load(m.Team, team_id, version_id, permission=None)
        before = team.patch_districts
        team.patch_districts = " ".join(wanted) or None
        uow.stamp_updated(team)
        uow.session.flush()
        uow.audit("team.patch", entity="team", entity_id=team.id,
                  details={"before": before, "after": team.patch_districts})
        return _patch(team)


def _patch_refusal(actor: Actor) -> PermissionDenied:
    return PermissionDenied(f"A team's patch is recorded by the administrator or the OMU lead; "
                            f"{'an' if actor.role.label[0] in 'AEIOU' else 'a'} {actor.role.label.lower()} cannot change it.")


# --- an area's briefings ------------------------------------------------------------------------


def _area(s: Session, team_id: int | None, districts: str | Sequence[str] | None) -> tuple[str, tuple[str, ...]]:
    """The area asked for, in words, and its districts; a field problem when it is not one."""
    if team_id is not None:
        team = s.get(m.Team, team_id)
        if team is None:
            raise NotFound("That team no longer exists.")
        patch = fb.read_districts(team.patch_districts or "")[0]
        if not patch:
            raise ValidationFailed(FieldProblem(
                "team_id", f"No patch is recorded for the {team.name} team: type the postcode districts "
                           "instead, or ask the administrator to record the team's patch."))
        return f"{team.name} patch ({' '.join(patch)})", patch
    text = districts if isinstance(districts, str) else " ".join(districts or ())
    problem = fb.districts_problem(text)
    if problem:
        raise ValidationFailed(FieldProblem("districts", problem))
    chosen = fb.read_districts(text)[0]
    return f"Postcode district{'s' if len(chosen) > 1 else ''} {', '.join(chosen)}", chosen


def _homes_in(s: Session, districts: tuple[str, ...]) -> dict[int, m.Address]:
    """Active cases whose current home address is in DISTRICTS: offender id -> that address."""
    a = m.Address
    squeezed = func.upper(func.replace(a.postcode, " ", ""))
    # The inward code is always three characters, so "LS1" + three is LS1 and never LS12.
    candidates = s.scalars(
        select(a).join(m.Offender, m.Offender.id == a.offender_id)
        .where(m.Offender.status == "active", a.voided_at.is_(None), a.to_date.is_(None),
               a.kind.in_(case_summary.HOME_KINDS),
               or_(*(squeezed.like(d + "___") for d in districts)))
        .order_by(a.offender_id))
    in_area = [x for x in candidates if fb.outward_code(x.postcode) in districts]
    if not in_area:
        return {}
    # Each case's current home (case_summary.current_home's rule), read for all at once: a case
    # counts only where that home is the one in the area.
    current: dict[int, m.Address] = {}
    for home in s.scalars(select(a).where(a.offender_id.in_({x.offender_id for x in in_area}), a.voided_at.is_(None),
                                          a.to_date.is_(None), a.kind.in_(case_summary.HOME_KINDS))
                          .order_by(a.from_date.desc(), a.id.desc())):
        current.setdefault(home.offender_id, home)
    return {x.offender_id: x for x in in_area if current.get(x.offender_id) is x}


def _vehicle_text(v: m.Vehicle) -> str:
    described = " ".join(p for p in (v.colour, v.make, v.model) if p)
    return f"{v.registration}, {described}" if described else v.registration


def _by_case(rows) -> dict[int, list]:
    out: dict[int, list] = {}
    for row in rows:
        out.setdefault(row.offender_id, []).append(row)
    return out


def _gather(uow: UnitOfWork, team_id: int | None, districts: str | Sequence[str] | None) -> fb.AreaBriefing:
    """The area's cards, read for every case at once (a fixed number of queries, however many
    cases live in the area)."""
    uow.authorise(Permission.READ_BRIEFINGS)
    s, today = uow.session, uow.services.clock.today()
    area, chosen = _area(s, team_id, districts)
    homes = _homes_in(s, chosen)
    ids = list(homes)
    offenders = {o.id: o for o in s.scalars(select(m.Offender).where(m.Offender.id.in_(ids)))} if ids else {}
    b, p, a, v = m.FrontlineBriefing, m.Photograph, m.Alias, m.Vehicle
    briefings = {oid: rows[0] for oid, rows in _by_case(s.scalars(
        select(b).where(b.offender_id.in_(ids), b.voided_at.is_(None)).order_by(b.id.desc()))).items()}
    photos = {oid: rows[0] for oid, rows in _by_case(s.scalars(
        select(p).options(undefer(p.image)).where(p.offender_id.in_(ids), p.voided_at.is_(None))
        .order_by(p.taken_on.desc(), p.id.desc()))).items()}
    aliases = _by_case(s.scalars(select(a).where(a.offender_id.in_(ids), a.voided_at.is_(None)).order_by(a.id)))
    vehicles = _by_case(s.scalars(
        select(v).where(v.offender_id.in_(ids), v.voided_at.is_(None), or_(v.to_date.is_(None), v.to_date >= today))
        .order_by(v.from_date.desc(), v.id.desc())))
    names = dict(s.execute(select(m.User.id, m.User.display_name)).all())
    teams = dict(s.execute(select(m.Team.id, m.Team.name)).all())
    cards: list[fb.BriefingCard] = []
    unbriefed: list[m.Offender] = []
    for oid, home in homes.items():
        o, brief = offenders[oid], briefings.get(oid)
        if brief is None or brief.approved_at is None:
            unbriefed.append(o)
            continue
        contact = brief.contact
        if not contact:
            om, team = names.get(o.offender_manager_id or 0), teams.get(o.team_id or 0)
            contact = ", ".join(part for part in (f"{om}, offender manager" if om else None,
                                                  f"{team} team" if team else None) if part) or "The OMU"
        photo = photos.get(oid)
        cards.append(fb.BriefingCard(
            o.id, o.reference, f"{o.surname.upper()}, {o.forenames}",
            tuple(x.name for x in aliases.get(oid, ())), case_summary.address_text(home),
            tuple(_vehicle_text(x) for x in vehicles.get(oid, ())), RISK_LABEL.get(o.risk_level, RISK_LABEL[None]),
            brief.summary, brief.prohibitions, contact, names.get(brief.approved_by_id or 0) or "?",
            brief.approved_at or brief.created_at,
            bytes(photo.image) if photo is not None else None, photo.taken_on if photo is not None else None))
    cards.sort(key=lambda c: (c.name, c.reference))
    sees = uow.actor.role in SEES_UNBRIEFED
    officers = sorted({names.get(o.offender_manager_id or 0) or "no offender manager" for o in unbriefed}) if sees else []
    return fb.AreaBriefing(area, chosen, today, tuple(cards), len(unbriefed) if sees else None, tuple(officers))


def area_briefings(services: Services, actor: Actor, *, team_id: int | None = None,
                   districts: str | Sequence[str] | None = None) -> fb.AreaBriefing:
    """The approved briefings of the active cases whose current home is in the area (TEAM_ID's
    patch, or DISTRICTS typed). Audited: who read which area, and which cases it showed."""
    with unit_of_work(services, actor) as uow:
        briefing = _gather(uow, team_id, districts)
        uow.audit(READ_ACTION, entity=ENTITY, details={
            "area": briefing.area, "districts": list(briefing.districts),
            "offender_ids": [c.offender_id for c in briefing.cards]})
        return briefing


def _pdf(uow: UnitOfWork, briefing: fb.AreaBriefing) -> bytes:
    return briefing_pdf.build_pdf(briefing, printed_by=f"{uow.actor.display_name} ({uow.actor.username})",
                                  printed_at=uow.now)


def _audit_print(uow: UnitOfWork, briefing: fb.AreaBriefing, data: bytes, **extra: object) -> None:
    uow.audit("export.print", entity=ENTITY, details={
        "document": "frontline_briefing", "area": briefing.area, "districts": list(briefing.districts),
        "offender_ids": [c.offender_id for c in briefing.cards], "bytes": len(data),
        "sha256": hashlib.sha256(data).hexdigest(), **extra})


def area_briefing_pdf(services: Services, actor: Actor, *, team_id: int | None = None,
                      districts: str | Sequence[str] | None = None) -> bytes:
    """The area's briefings as a PDF to print; the print is audited."""
    with unit_of_work(services, actor) as uow:
        briefing = _gather(uow, team_id, districts)
        data = _pdf(uow, briefing)
        _audit_print(uow, briefing, data, printed=True)
        return data


def save_area_briefing_pdf(services: Services, actor: Actor, path: str | os.PathLike[str], *,
                           team_id: int | None = None, districts: str | Sequence[str] | None = None) -> SavedBriefing:
    """The area's briefings saved as a PDF at PATH (owner-only); no file without its audit row."""
    with audited_file(path, "briefing") as write, unit_of_work(services, actor) as uow:
        briefing = _gather(uow, team_id, districts)
        data = _pdf(uow, briefing)
        _audit_print(uow, briefing, data, saved_to=str(path))
        uow.session.flush()
        write(data)
        return SavedBriefing(str(path), len(briefing.cards))
