"""The referral document for children's social care (issue 15 item 4): its own content (the
child and household, where the concern came from), what the record adds to it (history,
restrictions, action already taken, whom to call), and printing it, owner-only and audited."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from rso_manager.domain.dates import london_day
from rso_manager.domain.risk_levels import RISK_LABEL
from rso_manager.domain.roles import Permission
from rso_manager.persistence import models as m
from rso_manager.reports.csc_referral_pdf import HistoryLine, ReferralDocument, csc_referral_pdf
from rso_manager.services import settings
from rso_manager.services.devices import active_requirements
from rso_manager.services.errors import FieldProblem, NotFound, ValidationFailed
from rso_manager.services.printed_files import audited_file
from rso_manager.services.safeguarding.disclosures import ROUTE_LABEL
from rso_manager.services.safeguarding.referrals import (
    SENT_METHOD_LABEL,
    ReferralView,
    referral_view,
)
from rso_manager.services.safeguarding.staff import display_name_of
from rso_manager.services.unit_of_work import (
    Actor,
    Services,
    UnitOfWork,
    find_offender,
    unit_of_work,
)

SOURCE_MAX = 200  # safeguarding_referral.concern_source
GENDER_WORDS = {"male": "Male", "female": "Female"}
KIND_WORDS = {"family": "family", "friend": "friend", "associate": "associate", "partner": "partner"}
VISIT_OUTCOMES = {"seen": "seen", "no_answer": "no answer", "refused_entry": "entry refused",
                  "not_at_address": "not at the address"}
DISCLOSURE_DECISIONS = {"disclose": "disclose", "not_disclose": "not to disclose"}


@dataclass(frozen=True)
class PrintedReferral:
    path: str
    bytes: int


def record_referral_content(services: Services, actor: Actor, referral_id: int, version_id: int,
                            household: str, concern_source: str) -> ReferralView:
    """What the document says of the child and household and of where the concern came from;
    both are needed before a local authority can act on it. Correctable until it is printed
    again: each change is audited with what changed."""
    household, concern_source = (household or "").strip(), (concern_source or "").strip()
    problems = []
    if not household:
        problems.append(FieldProblem("household", "Name the child or children (with ages or dates of birth if "
                                                  "known), where they live and who else lives there."))
    if not concern_source:
        problems.append(FieldProblem("concern_source", "Say where the concern came from, e.g. a PCSO's report, "
                                                       "the school, the offender himself."))
    elif len(concern_source) > SOURCE_MAX:
        problems.append(FieldProblem("concern_source", f"Keep the source to {SOURCE_MAX} characters; put the "
                                                       "detail in the concern."))
    if problems:
        raise ValidationFailed(problems)
    now = services.clock.now()
    with unit_of_work(services, actor) as uow:
        r = uow.load(m.SafeguardingReferral, referral_id, version_id)
        changed = [f for f, v in (("household", household), ("concern_source", concern_source))
                   if getattr(r, f) != v]
        if changed:
            r.household, r.concern_source = household, concern_source
            uow.stamp_updated(r)
            uow.session.flush()
            uow.audit("entry.update", entity="safeguarding_referral", entity_id=r.id, offender_id=r.offender_id,
                      details={"changed": changed, "document": "csc_referral"})
        return referral_view(uow.session, r, (), now)


def _referral(uow: UnitOfWork, referral_id: int) -> m.SafeguardingReferral:
    r = uow.session.get(m.SafeguardingReferral, referral_id)
    if r is None or r.voided_at is not None:
        raise NotFound(f"No safeguarding referral {referral_id}.")
    uow.consulted(r.offender_id)  # a read of the record: covered by the user's opening of it
    return r


def _live(model):
    return model.voided_at.is_(None)


def _unit_contact(s: Session) -> str | None:
    """The OMU's telephone and secure email, when the OMU has set them (setting "omu_contact")."""
    return str(settings.get(s, "omu_contact")).strip() or None


def _address(s: Session, offender_id: int, today: date) -> str | None:
    a = m.Address
    row = s.scalars(select(a).where(a.offender_id == offender_id, _live(a), a.kind == "home", a.from_date <= today,
                                    (a.to_date.is_(None)) | (a.to_date >= today)).order_by(a.from_date.desc())).first()
    if row is None:
        return None
    return ", ".join(p for p in (row.line1, row.line2, row.town, row.postcode) if p)


def _relationship(s: Session, r: m.SafeguardingReferral) -> str | None:
    rel = s.get(m.Relationship, r.relationship_id) if r.relationship_id else None
    if rel is None or rel.voided_at is not None:
        return None
    children = ("has access to children" if rel.access_to_children
                else "has children" if rel.has_children else "no children recorded")
    since = f", since {rel.from_date:%d/%m/%Y}" if rel.from_date else ""
    notes = f". {rel.notes}" if rel.notes else ""
    return f"{rel.person_name} ({KIND_WORDS.get(rel.kind, rel.kind)}{since}): {children}{notes}"


def _history(s: Session, offender_id: int, today: date) -> dict:
    c, o, n, ra = m.Conviction, m.CivilOrder, m.NotificationRequirement, m.RiskAssessment
    convictions = tuple(
        HistoryLine(x.convicted_on, f"{x.offence}" + (f" ({x.court})" if x.court else "")
                    + (f"; {x.disposal.replace('_', ' ')}" if x.disposal else "")
                    + ("" if x.kind == "conviction" else f" [{x.kind}]"))
        for x in s.scalars(select(c).where(c.offender_id == offender_id, _live(c)).order_by(c.convicted_on.desc())))
    orders = tuple(
        HistoryLine(x.made_on, f"{x.kind}" + (f", {x.court}" if x.court else "")
                    + ("; indefinite" if x.indefinite else f"; until {x.ends_on:%d/%m/%Y}" if x.ends_on else ""))
        for x in s.scalars(select(o).where(o.offender_id == offender_id, _live(o)).order_by(o.made_on.desc())))
    requirement = s.scalars(select(n).where(n.offender_id == offender_id, _live(n),
                                            n.indefinite | n.ends_on.is_(None) | (n.ends_on >= today))
                            .order_by(n.starts_on.desc())).first()
    notification = None
    if requirement is not None:
        notification = (f"Since {requirement.starts_on:%d/%m/%Y}, indefinite" if requirement.indefinite
                        else f"Since {requirement.starts_on:%d/%m/%Y}"
                        + (f", until {requirement.ends_on:%d/%m/%Y}" if requirement.ends_on else ""))
    latest = s.scalars(select(ra).where(ra.offender_id == offender_id, _live(ra))
                       .order_by(ra.assessed_on.desc(), ra.id.desc())).first()
    assessment = (f"{latest.tool}, {RISK_LABEL.get(latest.level, latest.level).lower()}, "
                  f"assessed {latest.assessed_on:%d/%m/%Y}") if latest else None
    prohibitions = tuple(
        f"{order.kind}: {req.text}" for req in active_requirements(s, offender_id, today) if req.kind == "prohibition"
        for order in (s.get(m.CivilOrder, req.order_id),) if order is not None)
    return {"convictions": convictions, "orders": orders, "notification_requirement": notification,
            "risk_assessment": assessment, "prohibitions": prohibitions}


def _action_taken(s: Session, r: m.SafeguardingReferral) -> dict:
    a, v, d = m.Action, m.Visit, m.Disclosure
    actions = tuple(
        HistoryLine(x.due_on, f"{x.description} (owner {display_name_of(s, x.owner_id) or 'unknown'}): "
                    + (f"done {x.completed_on:%d/%m/%Y}: {x.result}" if x.completed_on else "open"))
        for x in s.scalars(select(a).where(a.offender_id == r.offender_id, _live(a)).order_by(a.due_on)))
    visits = tuple(
        HistoryLine(x.visited_at, f"{'Home visit' if x.kind == 'home' else 'Office interview'}"
                    + (" (announced)" if x.announced else " (unannounced)")
                    + f": {VISIT_OUTCOMES.get(x.outcome or '', x.outcome or x.status)}")
        for x in s.scalars(select(v).where(v.offender_id == r.offender_id, _live(v), v.status == "completed",
                                           v.visited_at >= r.concern_at).order_by(v.visited_at)))
    disclosures = tuple(
        HistoryLine(x.disclosed_at or x.applied_at,
                    f"{ROUTE_LABEL.get(x.route, x.route)}: "
                    + (f"decided {DISCLOSURE_DECISIONS.get(x.decision, x.decision)}" if x.decision else "undecided")
                    + (f"; told {x.disclosed_to}" if x.disclosed_to else "")
                    + ("; about this concern" if x.referral_id == r.id else ""))
        for x in s.scalars(select(d).where(d.offender_id == r.offender_id, _live(d)).order_by(d.id)))
    return {"actions": actions, "visits_since_concern": visits, "disclosures": disclosures}


def _document(uow: UnitOfWork, r: m.SafeguardingReferral) -> ReferralDocument:
    s, now = uow.session, uow.now
    today = london_day(now)
    o = find_offender(s, r.offender_id)
    team = s.get(m.Team, o.team_id) if o.team_id else None
    decision_due = referral_view(s, r, (), now).decision_due
    return ReferralDocument(
        referral_id=r.id, household=r.household, relationship=_relationship(s, r),
        concern=r.concern, concern_at=r.concern_at, concern_source=r.concern_source,
        offender_reference=o.reference, offender_name=f"{o.forenames} {o.surname.upper()}",
        date_of_birth=o.date_of_birth, gender=GENDER_WORDS.get(o.gender or "", o.gender),
        aliases=tuple(a.name for a in o.aliases if a.voided_at is None),
        address=_address(s, o.id, today), pnc_id=o.pnc_id,
        risk_level=RISK_LABEL.get(o.risk_level, o.risk_level or "Not assessed"),
        mappa=f"Category {o.mappa_category}, level {o.mappa_level}",
        **_history(s, o.id, today), **_action_taken(s, r),
        referred_at=r.referred_at, referred_by=display_name_of(s, r.referred_by_id), agency=r.agency,
        their_reference=r.reference, sent_method=SENT_METHOD_LABEL.get(r.sent_method or "", r.sent_method),
        acknowledged_at=r.acknowledged_at, acknowledged_by=r.acknowledged_by,
        decision=r.decision, decision_at=r.decision_at, decision_due=decision_due,
        offender_manager=display_name_of(s, o.offender_manager_id), team=team.name if team else None,
        unit_contact=_unit_contact(s), printed_by=uow.actor.display_name, printed_at=now,
    )


def referral_document(services: Services, actor: Actor, referral_id: int) -> ReferralDocument:
    """What the local authority needs, gathered from the record as it is now (for a preview)."""
    with unit_of_work(services, actor) as uow:
        return _document(uow, _referral(uow, referral_id))


def print_referral_document(services: Services, actor: Actor, referral_id: int,
                            path: str | os.PathLike[str]) -> PrintedReferral:
    """The document as a PDF at PATH, readable by its owner only, with one audit row (who printed
    which referral, where, and a digest of the file): no file without its audit row."""
    with audited_file(path, "referral document") as write, unit_of_work(services, actor) as uow:
        r = _referral(uow, referral_id)
        # Sending a referral is case work (the offender manager's), not a management report.
        uow.authorise(Permission.WRITE_CASES, offender_id=r.offender_id)
        data = csc_referral_pdf(_document(uow, r))
        uow.audit("export.print", entity="safeguarding_referral", entity_id=r.id, offender_id=r.offender_id,
                  details={"document": "csc_referral", "saved_to": str(path), "bytes": len(data),
                           "sha256": hashlib.sha256(data).hexdigest()})
        uow.session.flush()
        write(data)
    return PrintedReferral(str(path), len(data))
