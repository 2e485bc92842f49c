"""The MAPPA meeting summary (issue 15 item 5): one case on paper for a MAPPA meeting or a plan
review, with the person's photograph (issue 14 item 4), printed and audited.

The parts are read by the services that show them on screen (convictions_for, orders_for,
risk_plan_view, visit_details, devices_for, breaches_for, relationships_for, actions_for), so
the paper says what the record window says; each of those reads is covered by the user's
opening of the record, as is the identity read here. Printing writes the PDF owner-only and
its audit row in one transaction: no file without its audit row.
"""

from __future__ import annotations

import hashlib
import os
from datetime import date
from pathlib import Path

from sqlalchemy import select

from rso_manager.domain.entry_fields import FIELD_LABELS
from rso_manager.domain.order_labels import UNTIL_FURTHER_ORDER, order_title, requirement_label
from rso_manager.persistence import models as m
from rso_manager.reports import mappa_summary_pdf
from rso_manager.reports.meeting_summary import (
    ActionLine,
    BreachLine,
    ConvictionLine,
    DeviceLine,
    Identity,
    MeetingSummary,
    OrderLine,
    Photograph,
    Plan,
    PlanHeading,
    RelationshipLine,
    RiskPoint,
    VisitLine,
)
from rso_manager.services import (
    access,
    breaches,
    case_summary,
    devices,
    person,
    safeguarding,
    visits,
)
from rso_manager.services import notifications as nt
from rso_manager.services.errors import FieldProblem, ValidationFailed
from rso_manager.services.printed_files import audited_file
from rso_manager.services.unit_of_work import Actor, Services, find_offender, unit_of_work

# A meeting reads the recent pattern of contact, not every visit since registration.
VISITS_SHOWN = 6
PLAN_HEADINGS = ("supervision", "monitoring_control", "interventions", "victim_safety", "contingency")
DOCUMENT = "mappa_meeting_summary"

__all__ = ["DOCUMENT", "MeetingSummary", "VISITS_SHOWN", "meeting_summary", "print_meeting_summary",
           "summary_file_name"]


def summary_file_name(reference: str, on: date) -> str:
    """RSO-000451-mappa-summary-2026-12-02.pdf"""
    return f"{reference}-mappa-summary-{on.isoformat()}.pdf"


def _identity(services: Services, actor: Actor, offender_id: int) -> tuple[Identity, tuple[RiskPoint, ...]]:
    with access.reading(services, actor, offender_id) as s:
        o = find_offender(s, offender_id)
        aliases = tuple(s.scalars(select(m.Alias.name).where(m.Alias.offender_id == offender_id,
                                                             m.Alias.voided_at.is_(None)).order_by(m.Alias.id)))
        home = case_summary.current_home(s, offender_id)
        manager = s.scalar(select(m.User.display_name).where(m.User.id == o.offender_manager_id)) \
            if o.offender_manager_id else None
        team = s.scalar(select(m.Team.name).where(m.Team.id == o.team_id)) if o.team_id else None
        risks = tuple(RiskPoint(r.assessed_on, r.tool, r.level, r.review_by) for r in s.scalars(
            select(m.RiskAssessment).where(m.RiskAssessment.offender_id == offender_id,
                                           m.RiskAssessment.voided_at.is_(None))
            .order_by(m.RiskAssessment.assessed_on, m.RiskAssessment.id)))
        identity = Identity(o.reference, f"{o.surname.upper()}, {o.forenames}", aliases, o.date_of_birth,
                            o.pnc_id, o.gender, case_summary.address_text(home) if home else None, manager, team,
                            o.mappa_category, o.mappa_level, o.status)
        return identity, risks


def _convictions(views: list[nt.ConvictionView]) -> tuple[ConvictionLine, ...]:
    out = []
    for c in views:
        r = c.requirement
        sentence = c.sentence_text or (c.disposal.replace("_", " ").capitalize() if c.disposal else None)
        out.append(ConvictionLine(c.convicted_on, c.kind, c.offence, c.court, sentence,
                                  r.summary if r else None, r.ends_on if r else None,
                                  bool(r and r.in_force)))
    return tuple(out)


def _orders(views: list[devices.OrderView]) -> tuple[OrderLine, ...]:
    return tuple(OrderLine(
        order_title(o.kind, o.made_on, o.court),
        UNTIL_FURTHER_ORDER if o.indefinite or o.ends_on is None else f"Ends {o.ends_on:%d/%m/%Y}",
        o.in_force, tuple(requirement_label(r.kind, r.text) for r in o.requirements if r.in_force))
        for o in views)


def _plan(view: visits.RiskPlanView) -> Plan | None:
    p = view.plan
    if p is None:
        return None
    return Plan(p.effective_from, p.review_by, view.interval,
                tuple(PlanHeading(FIELD_LABELS[h], getattr(p, h)) for h in PLAN_HEADINGS), p.pending_sign_off)


def _visits(details: dict[int, visits.VisitDetail]) -> tuple[VisitLine, ...]:
    done = sorted((v for v in details.values() if v.status == "completed" and v.visited_at is not None),
                  key=lambda v: (v.visited_at, v.visit_id), reverse=True)
    return tuple(VisitLine(
        v.visited_at, v.kind, v.outcome, v.officers, v.announced, v.notes,
        tuple(f"{c.device}: {c.result.replace('_', ' ')}" + (f", {c.outcome}" if c.outcome else "")
              for c in v.device_checks)
        + tuple(f"{d}: found, not declared" for d in v.devices_found),
        v.sign_off) for v in done[:VISITS_SHOWN])


def _breaches(views: list[breaches.BreachView]) -> tuple[BreachLine, ...]:
    return tuple(BreachLine(
        b.occurred_on, b.description, b.status, b.decision,
        tuple(f"{w.kind.capitalize()} warning given {w.given_on:%d/%m/%Y} by {w.given_by}" for w in b.warnings))
        for b in views)


def _relationships(views: list[safeguarding.RelationshipView]) -> tuple[RelationshipLine, ...]:
    out = []
    for r in views:
        other = r.linked or r.recorded_on  # the other person's record, whichever side recorded it
        out.append(RelationshipLine(r.person_name, r.kind, r.from_date, r.to_date, r.has_children,
                                    r.access_to_children, other.reference if other else None, r.withheld))
    return tuple(out)


def meeting_summary(services: Services, actor: Actor, offender_id: int) -> MeetingSummary:
    """The case as a MAPPA meeting reads it, as of today. Each part is read under the user's
    current opening of the record (NeedsReason without one)."""
    today = services.clock.today()
    identity, risks = _identity(services, actor, offender_id)
    photo = person.newest_photograph(services, actor, offender_id)
    return MeetingSummary(
        on=today, identity=identity,
        photograph=Photograph(photo.image, photo.media_type, photo.taken_on) if photo else None,
        convictions=_convictions(nt.convictions_for(services, actor, offender_id)),
        orders=_orders(devices.orders_for(services, actor, offender_id, today)),
        risk_history=risks,
        plan=_plan(visits.risk_plan_view(services, actor, offender_id)),
        visits=_visits(visits.visit_details(services, actor, offender_id)),
        visits_shown=VISITS_SHOWN,
        devices=tuple(DeviceLine(d.label, d.declared, d.status, d.last_checked_on, d.flag)
                      for d in devices.devices_for(services, actor, offender_id, today)),
        breaches=_breaches(breaches.breaches_for(services, actor, offender_id, today)),
        relationships=_relationships(safeguarding.relationships_for(services, actor, offender_id)),
        open_actions=tuple(ActionLine(a.description, a.owner, a.due_on, a.overdue)
                           for a in safeguarding.actions_for(services, actor, offender_id, today)
                           if a.completed_on is None),
    )


def _check_path(path: Path) -> None:
    if not path.is_absolute():
        raise ValidationFailed(FieldProblem("path", "Give the full path of the file, or choose it with Save."))
    if path.is_dir():
        raise ValidationFailed(FieldProblem("path", "That is a folder: add a file name."))
    if not path.parent.is_dir():
        raise ValidationFailed(FieldProblem("path", f"There is no folder {path.parent}."))


def print_meeting_summary(services: Services, actor: Actor, offender_id: int,
                          path: str | os.PathLike[str]) -> Path:
    """The summary as a PDF at PATH, readable by its owner only, with one audit row
    ("export.print") in the same transaction; the path written."""
    target = Path(path)
    _check_path(target)
    summary = meeting_summary(services, actor, offender_id)
    pdf = mappa_summary_pdf.build_pdf(summary, printed_by=f"{actor.display_name} ({actor.username})",
                                      printed_at=services.clock.now())
    with audited_file(target, "summary") as write, unit_of_work(services, actor) as uow:
        uow.consulted(offender_id)  # still covered as the file is written
        uow.audit("export.print", entity="offender", entity_id=offender_id, offender_id=offender_id,
                  details={"document": DOCUMENT, "saved_to": str(target), "bytes": len(pdf),
                           "sha256": hashlib.sha256(pdf).hexdigest(),
                           "photograph": summary.photograph is not None})
        uow.session.flush()
        write(pdf)
    return target
