"""The caseload and the offender record: list, open (audited, with a reason), create, correct."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from datetime import date, datetime
from enum import StrEnum
from functools import cache
from itertools import chain
from typing import Any, NamedTuple

from sqlalchemy import Integer, String, and_, case, cast, func, literal, or_, select, union_all
from sqlalchemy.orm import Session

from rso_manager.domain.dates import london_day
from rso_manager.domain.risk_levels import RISK_LABEL
from rso_manager.domain.roles import CaseloadScope, Link, Permission, Role, allows, caseload_scopes
from rso_manager.persistence import models as m
from rso_manager.services import access, case_events, case_summary
from rso_manager.services.errors import (
    FieldProblem,
    NotFound,
    PermissionDenied,
    ValidationFailed,
    past_date_problem,
    reason_problem,
)
from rso_manager.services.unit_of_work import (
    Actor,
    Services,
    UnitOfWork,
    find_offender,
    unit_of_work,
)


class AccessReason(StrEnum):
    CASE_MANAGEMENT = "case_management"
    VISIT_PREPARATION = "visit_preparation"
    SUPERVISION = "supervision"
    SAFEGUARDING = "safeguarding"
    NOTIFICATION = "notification"
    COMPLIANCE_CHECK = "compliance_check"
    OTHER = "other"

    @property
    def label(self) -> str:
        return {
            "case_management": "Managing this case",
            "visit_preparation": "Preparing or recording a visit",
            "supervision": "Supervision or sign-off",
            "safeguarding": "Safeguarding enquiry",
            "notification": "Taking a notification",
            "compliance_check": "Audit or compliance check",
            "other": "Other (say what)",
        }[self.value]


# "Not known" keeps the field honest when the OMU has not confirmed it.
GENDERS: dict[str, str] = {"male": "Male", "female": "Female", "non_binary": "Non-binary", "not_known": "Not known"}

RISK_ORDER = {"very_high": 4, "high": 3, "medium": 2, "low": 1, None: 0}


class CaseloadRow(NamedTuple):
    """One case in a caseload list. A NamedTuple, not a frozen dataclass like the other DTOs:
    a caseload can hold 100,000 rows, and a frozen dataclass takes about 3.5x as long to build
    (every field set through object.__setattr__) and more memory (a dict per row)."""

    offender_id: int
    reference: str
    name: str
    date_of_birth: date
    risk_level: str | None
    offender_manager: str | None
    team: str | None
    next_visit_due: date | None
    next_notification_due: date | None
    flags: tuple[str, ...]


@dataclass(frozen=True)
class OffenderDraft:
    """What a user enters for an offender's personal details."""

    surname: str = ""
    forenames: str = ""
    date_of_birth: date | None = None
    gender: str | None = None
    pnc_id: str | None = None
    identifying_marks: str | None = None
    offender_manager_id: int | None = None
    team_id: int | None = None
    mappa_category: int = 1
    mappa_level: int = 1


@dataclass(frozen=True)
class EntryRow:
    """One line of a record tab: enough to list and identify an entry."""

    entity: str
    id: int
    when: date | None
    summary: str
    status: str
    voided: bool
    version_id: int


@dataclass(frozen=True)
class RevisionRow:
    entity: str
    entity_id: int
    version: int
    changed_at: datetime
    changed_by: str
    reason: str
    before: dict


@dataclass(frozen=True)
class ForceTransferNote:
    direction: str  # out (sent to OTHER_FORCE) | in (received from it)
    other_force: str
    transferred_at: datetime


@dataclass(frozen=True)
class OffenderRecord:
    offender_id: int
    reference: str
    details: OffenderDraft
    offender_manager: str | None
    team: str | None
    risk_level: str | None
    status: str
    next_visit_due: date | None
    next_notification_due: date | None
    version_id: int
    updated_at: datetime | None
    updated_by: str | None
    sections: dict[str, tuple[EntryRow, ...]] = field(default_factory=dict)
    revisions: tuple[RevisionRow, ...] = ()
    # The case's latest move to or from another force (services/force_transfer): a case sent
    # away has ended here and leaves the caseload as an ended case does; this says where it went.
    force_transfer: ForceTransferNote | None = None

    @property
    def name(self) -> str:
        return f"{self.details.surname.upper()}, {self.details.forenames}"


# --- rules on input ------------------------------------------------------------------------


def validate_draft(draft: OffenderDraft, today: date) -> list[FieldProblem]:
    problems = []
    if not draft.surname.strip():
        problems.append(FieldProblem("surname", "Enter the surname; it cannot be empty."))
    if not draft.forenames.strip():
        problems.append(FieldProblem("forenames", "Enter at least one forename."))
    if draft.date_of_birth is None:
        problems.append(FieldProblem("date_of_birth", "Enter the date of birth (DD/MM/YYYY)."))
    elif draft.date_of_birth > today:
        problems.append(FieldProblem("date_of_birth", "The date of birth is in the future; check the year."))
    elif draft.date_of_birth.year < today.year - 110:
        problems.append(FieldProblem("date_of_birth", "The date of birth is more than 110 years ago; check the year."))
    if draft.mappa_category not in (1, 2, 3):
        problems.append(FieldProblem("mappa_category", "MAPPA category is 1, 2 or 3."))
    if draft.mappa_level not in (1, 2, 3):
        problems.append(FieldProblem("mappa_level", "MAPPA level is 1, 2 or 3."))
    if draft.gender is not None and draft.gender not in GENDERS:
        problems.append(FieldProblem("gender", f"Choose one of: {', '.join(GENDERS.values())}."))
    if draft.offender_manager_id is None:
        problems.append(FieldProblem("offender_manager_id", "Choose the offender manager for this case."))
    return problems


# --- reading ---------------------------------------------------------------------------------


def offender_in_scope(actor: Actor, scope: CaseloadScope, today: date):
    """The SQL condition on m.Offender for the cases in ACTOR's SCOPE: the one rule of who sees
    which cases, which every list of cases (caseload, planner, reminders, overdue) filters by.
    MINE takes in the cases of officers whose caseload ACTOR covers on TODAY.
    Raises PermissionDenied for a scope ACTOR's role cannot list."""
    if scope not in caseload_scopes(actor.role):
        raise PermissionDenied(f"A {actor.role.label.lower()} cannot list the '{scope.value}' caseload.")
    if scope is CaseloadScope.MINE:
        # One IN over the officer and those covered, not "= me OR IN (covered)": SQLite reads
        # an OR of the two through no index, so every active case of the force was read to
        # find an officer's few hundred (the reminder scan at 100,000: issue 16).
        officers = union_all(select(literal(actor.user_id, Integer)), access.covered_officers(actor.user_id, today))
        return m.Offender.offender_manager_id.in_(officers)
    if scope is CaseloadScope.TEAM:
        return m.Offender.team_id == actor.team_id
    return True


# What a case's flags are made of, packed by the database into one integer per row (a few
# dozen distinct values at 100,000 cases), so each row's flags are one cached look-up.
_NO_RISK, _VISIT_LATE, _NOTE_LATE, _NO_HOME, _SAFEGUARDING_LATE = 1, 2, 4, 8, 16
_LEVEL_UNIT, _BREACH_UNIT = 32, 512  # mappa_level is 1 to 3 (validate_draft), under 16


def _flag_code(today: date, now: datetime):
    o = m.Offender
    has_home = or_(o.status != "active", case_summary.has_current_home(o.id))
    return (case((o.risk_level.is_(None), _NO_RISK), else_=0)
            # A due date compared with NULL is NULL: not late.
            + case((o.next_visit_due < today, _VISIT_LATE), else_=0)
            + case((o.next_notification_due < today, _NOTE_LATE), else_=0)
            + case((has_home, 0), else_=_NO_HOME)
            + case((o.next_safeguarding_due < now, _SAFEGUARDING_LATE), else_=0)
            + o.mappa_level * _LEVEL_UNIT
            + func.coalesce(o.open_breaches, 0) * _BREACH_UNIT)


@cache
def _flags(code: int) -> tuple[str, ...]:
    flags = []
    if code & _NO_HOME:
        # E.g. the current address marked entered in error: nobody knows where to visit.
        flags.append("No current home address")
    if code & _VISIT_LATE:
        flags.append("Visit overdue")
    if code & _NOTE_LATE:
        flags.append("Notification overdue")
    if code & _SAFEGUARDING_LATE:
        # A referral, disclosure decision or child safety check past its time (issue 19).
        flags.append("Safeguarding overdue")
    breaches = code // _BREACH_UNIT
    if breaches:
        flags.append(f"{breaches} open breach{'es' if breaches > 1 else ''}")
    if code & _NO_RISK:
        flags.append("No risk assessment")
    mappa_level = code % _BREACH_UNIT // _LEVEL_UNIT
    if mappa_level > 1:
        flags.append(f"MAPPA level {mappa_level}")
    return tuple(flags)


def _caseload_select(today: date, now: datetime, actor: Actor, scope: CaseloadScope):
    """The caseload's columns, joins and scope: one statement for the whole list and its pages."""
    manager = m.User.__table__.alias("manager")
    o = m.Offender
    stmt = (
        select(o.id, o.reference, o.surname, o.forenames, o.date_of_birth, o.risk_level, manager.c.id,
               manager.c.display_name, m.Team.name, o.next_visit_due, o.next_notification_due,
               _flag_code(today, now))
        .outerjoin(manager, manager.c.id == o.offender_manager_id)
        .outerjoin(m.Team, m.Team.id == o.team_id)
        .where(and_(o.status != "ended", offender_in_scope(actor, scope, today)))
    )
    return stmt, manager


FETCH_PART_ROWS = 2_000  # rows list_caseload fetches per call


def _caseload_rows(result, covered: set[int]) -> list[CaseloadRow]:
    rows: list[CaseloadRow] = []
    # tuple.__new__ is what CaseloadRow(...) calls, without its Python frame per row.
    append, new_row, flags_of = rows.append, tuple.__new__, _flags
    for oid, ref, sur, fore, dob, risk, om_id, om, team, vdue, ndue, code in result:
        flags = flags_of(code)
        if om_id in covered:
            flags = (f"Covering for {om}", *flags)
        append(new_row(CaseloadRow, (oid, ref, sur.upper() + ", " + fore, dob, risk, om, team, vdue, ndue, flags)))
    return rows


def list_caseload(services: Services, actor: Actor, scope: CaseloadScope) -> list[CaseloadRow]:
    """Every active case in SCOPE in one query: the caseload must list 100,000 rows quickly.
    An absent officer's cases that ACTOR covers today are listed as their own, flagged.

    Built for that: the database works out what the flags are made of, the rows come through
    Core (no ORM row wrapping), and each row costs a tuple unpacking, a cached look-up of its
    flags and a NamedTuple (bench/bench_startup.py compares it with the same SQL by hand)."""
    today = services.clock.today()
    stmt, _manager = _caseload_select(today, services.clock.now(), actor, scope)
    with access.listing(services, actor) as s:
        covered = access.covered_officer_ids(s, actor.user_id, today) - {actor.user_id}
        # In parts: fetching 100,000 rows in one call is one C call of 130 ms holding the
        # interpreter lock, which the GUI thread then waits for (issue 16); a part is ~3 ms.
        result = s.connection().execute(stmt)
        return _caseload_rows(chain.from_iterable(result.partitions(FETCH_PART_ROWS)), covered)


# --- the caseload a page at a time ------------------------------------------------------------
# A national register (issue 16: 1,000,000 cases on one PostgreSQL database) is too many rows
# to bring into the desktop: the database sorts and filters, and the list fetches pages as it
# scrolls. The same scope, the same rows and flags as list_caseload, and the same meaning of
# a sort and of the filter's words as the in-memory list (ui/caseload_model.py).

CASELOAD_SORTS = ("reference", "name", "date_of_birth", "risk", "officer", "team", "visit",
                  "notification", "flags")
PAGE_ROWS = 200


@dataclass(frozen=True)
class PageOfCases:
    rows: tuple[CaseloadRow, ...]
    offset: int  # of the first row, in the sorted and filtered list
    matching: int | None  # cases the filter lets through (counted with the first page only)


def caseload_size(services: Services, actor: Actor, scope: CaseloadScope, at_most: int | None = None) -> int:
    """How many cases SCOPE lists (counting no further than AT_MOST): whether the caseload is
    brought in whole or a page at a time. Counting a million cases is a scan of them; counting
    to the threshold is a fraction of it."""
    today = services.clock.today()
    o = m.Offender
    cases = select(o.id).where(and_(o.status != "ended", offender_in_scope(actor, scope, today)))
    if at_most is not None:
        cases = cases.limit(at_most)
    with access.listing(services, actor) as s:
        return s.scalar(select(func.count()).select_from(cases.subquery())) or 0


def _flag_parts(today: date, now: datetime, manager, covered: set[int]):
    """(condition, its flag's words as SQL text) for every flag _flags can give, with the
    cover flag: what the filter matches words against and the Flags column sorts by."""
    o = m.Offender
    breaches = func.coalesce(o.open_breaches, 0)
    parts = [
        (~or_(o.status != "active", case_summary.has_current_home(o.id)), literal("no current home address")),
        (o.next_visit_due < today, literal("visit overdue")),
        (o.next_notification_due < today, literal("notification overdue")),
        (o.next_safeguarding_due < now, literal("safeguarding overdue")),
        (breaches > 0, cast(breaches, String) + " open breach"
         + case((breaches > 1, "es"), else_="")),
        (o.risk_level.is_(None), literal("no risk assessment")),
        (o.mappa_level > 1, "mappa level " + cast(o.mappa_level, String)),
    ]
    if covered:
        parts.append((manager.c.id.in_(covered), "covering for " + func.lower(manager.c.display_name)))
    return parts


def _word_condition(word: str, manager, parts):
    """WORD (casefolded, no spaces) appears in the reference, name, officer, team or a flag."""
    o = m.Offender
    fields = [func.lower(o.reference), func.lower(o.surname) + ", " + func.lower(o.forenames),
              func.lower(manager.c.display_name), func.lower(m.Team.name)]
    return or_(*(f.contains(word, autoescape=True) for f in fields),
               *(and_(cond, text_.contains(word, autoescape=True)) for cond, text_ in parts))


def _sort_key(key: str, manager, parts):
    o = m.Offender
    if key == "reference":
        return o.reference
    if key == "name":
        return func.lower(o.surname) + ", " + func.lower(o.forenames)
    if key == "date_of_birth":
        return o.date_of_birth
    if key == "risk":  # by severity, not alphabetically; not assessed is the least
        return case(*((o.risk_level == k, v) for k, v in RISK_ORDER.items() if k), else_=0)
    if key == "officer":
        return func.lower(manager.c.display_name)
    if key == "team":
        return func.lower(m.Team.name)
    if key == "visit":
        return o.next_visit_due
    if key == "notification":
        return o.next_notification_due
    if key == "flags":  # how many; none sorts with the missing values, last
        return func.nullif(sum((case((cond, 1), else_=0) for cond, _t in parts), literal(0)), 0)
    raise ValueError(f"the caseload does not sort by {key!r}")


def caseload_page(services: Services, actor: Actor, scope: CaseloadScope, *, sort: str = "visit",
                  descending: bool = False, words: tuple[str, ...] = (), overdue_only: bool = False,
                  offset: int = 0, limit: int = PAGE_ROWS, count: bool = True) -> PageOfCases:
    """LIMIT cases of SCOPE from OFFSET, sorted by SORT (one of CASELOAD_SORTS; missing values
    last in either direction, then by name) and holding every one of WORDS (casefolded), only
    the overdue ones with OVERDUE_ONLY: as the in-memory caseload shows them. The first page
    also counts the cases the filter lets through, unless COUNT is false (no filter: the
    caller has caseload_size already, and a count of a million rows is a scan of them)."""
    if sort not in CASELOAD_SORTS:
        raise ValidationFailed(FieldProblem(
            "sort", f"Sort the caseload by one of: {', '.join(CASELOAD_SORTS)}."))
    today, now = services.clock.today(), services.clock.now()
    o = m.Offender
    manager = m.User.__table__.alias("manager")
    # Two steps: the page's ids, sorted and cut by the database from the cheap columns alone
    # (so PostgreSQL keeps only the top rows as it sorts), then the full rows of those ids.
    # In one statement the flags' current-home test was worked out for every case in scope.
    ids = (select(o.id)
           .outerjoin(manager, manager.c.id == o.offender_manager_id)
           .outerjoin(m.Team, m.Team.id == o.team_id)
           .where(and_(o.status != "ended", offender_in_scope(actor, scope, today))))
    with access.listing(services, actor) as s:
        covered = access.covered_officer_ids(s, actor.user_id, today) - {actor.user_id}
        parts = _flag_parts(today, now, manager, covered)
        for word in words:
            ids = ids.where(_word_condition(word, manager, parts))
        if overdue_only:  # the flags ending " overdue" (ui/caseload_model.is_overdue)
            ids = ids.where(or_(o.next_visit_due < today, o.next_notification_due < today,
                                o.next_safeguarding_due < now))
        matching = None
        if offset == 0 and count:
            matching = s.scalar(select(func.count()).select_from(ids.subquery()))
        key = _sort_key(sort, manager, parts)
        name = _sort_key("name", manager, parts)
        ids = ids.order_by((key.desc() if descending else key.asc()).nulls_last(), name, o.id)
        page_ids = list(s.scalars(ids.offset(offset).limit(limit)))
        rows: list[CaseloadRow] = []
        if page_ids:
            stmt, _manager = _caseload_select(today, now, actor, scope)
            by_id = {r.offender_id: r for r in _caseload_rows(
                s.connection().execute(stmt.where(o.id.in_(page_ids))).all(), covered)}
            rows = [by_id[i] for i in page_ids if i in by_id]
        return PageOfCases(tuple(rows), offset, matching)


def _user_name(s: Session, user_id: int | None) -> str | None:
    if user_id is None:
        return None
    return s.scalar(select(m.User.display_name).where(m.User.id == user_id))


def _entry(entity: str, obj, when: date | None, summary: str, status: str = "") -> EntryRow:
    return EntryRow(entity, obj.id, when, summary, "Entered in error" if obj.voided_at else status,
                    obj.voided_at is not None, obj.version_id)


def entry_sections(s: Session, oid: int, fetch=None) -> dict[str, tuple[EntryRow, ...]]:
    """Each tab's entries, newest first, with the one summary of each kind (the case log shows
    the same). Later workflows add detail; the listing stays generic. FETCH(model, order), if
    given, reads a kind's rows instead (the case log's, filtered in SQL)."""

    def rows(model, order):
        if fetch is not None:
            return fetch(model, order)
        return s.scalars(select(model).where(model.offender_id == oid).order_by(order.desc(), model.id.desc())).all()

    sections: dict[str, list[EntryRow]] = {
        "identity": [_entry("alias", a, None, f"{a.kind.title()}: {a.name}") for a in rows(m.Alias, m.Alias.id)],
        "addresses": [
            _entry("address", a, a.from_date,
                   f"{a.kind.replace('_', ' ').title()}: {a.line1}{', ' + a.town if a.town else ''} {a.postcode or ''}".strip(),
                   "current" if a.to_date is None else f"until {a.to_date:%d/%m/%Y}")
            for a in rows(m.Address, m.Address.from_date)
        ],
        "convictions": [
            _entry("conviction", c, c.convicted_on,
                   f"{c.offence} ({c.court or 'court not recorded'}); {c.disposal or 'disposal not recorded'}"
                   + (f", {c.sentence_months} months" if c.sentence_months else ""),
                   "Schedule 3" if c.schedule3 else "not Schedule 3")
            for c in rows(m.Conviction, m.Conviction.convicted_on)
        ] + [
            _entry("notification_requirement", r, r.starts_on,
                   "Notification requirement " + ("indefinite" if r.indefinite else f"until {r.ends_on:%d/%m/%Y}" if r.ends_on else ""),
                   r.basis or "")
            for r in rows(m.NotificationRequirement, m.NotificationRequirement.starts_on)
        ],
        "orders": [
            _entry("civil_order", o, o.made_on,
                   f"{o.kind} made {o.made_on:%d/%m/%Y} at {o.court or 'court not recorded'}",
                   "indefinite" if o.indefinite else (f"ends {o.ends_on:%d/%m/%Y}" if o.ends_on else ""))
            for o in rows(m.CivilOrder, m.CivilOrder.made_on)
        ] + [
            _entry("order_requirement", r, r.starts_on, f"{r.kind.title()}: {r.text}",
                   "indefinite" if r.indefinite else (f"ends {r.ends_on:%d/%m/%Y}" if r.ends_on else ""))
            for r in rows(m.OrderRequirement, m.OrderRequirement.starts_on)
        ],
        "risk": [
            _entry("risk_assessment", r, r.assessed_on, f"{r.tool}: {RISK_LABEL.get(r.level, r.level)}",
                   f"review by {r.review_by:%d/%m/%Y}" if r.review_by else "NO REVIEW DATE")
            for r in rows(m.RiskAssessment, m.RiskAssessment.assessed_on)
        ] + [
            _entry("risk_management_plan", p, p.effective_from,
                   "Risk management plan: " + ("reactive management" if p.reactive else
                                               f"home visit every {p.visit_interval_months} months" if p.visit_interval_months else "interval from risk level"),
                   f"review by {p.review_by:%d/%m/%Y}" if p.review_by else "")
            for p in rows(m.RiskManagementPlan, m.RiskManagementPlan.effective_from)
        ],
        "visits": [
            _entry("visit", v, london_day(v.visited_at) if v.visited_at else v.planned_on,
                   f"{'Home visit' if v.kind == 'home' else 'Office interview'}"
                   f"{' (announced)' if v.announced else ''}: {(v.outcome or v.status).replace('_', ' ')}",
                   v.status)
            for v in rows(m.Visit, m.Visit.id)
        ],
        "devices": [
            _entry("device", d, d.declared_on,
                   f"{d.kind.title()} {d.make_model or ''}".strip() + (f" IMEI {d.imei}" if d.imei else ""),
                   ("declared" if d.declared else "NOT DECLARED") + f", {d.status}")
            for d in rows(m.Device, m.Device.id)
        ],
        "notifications": [
            _entry("statutory_notification", n, london_day(n.notified_at) if n.notified_at else n.due_on,
                   f"{n.kind.replace('_', ' ').title()}" + (f" due {n.due_on:%d/%m/%Y}" if n.due_on else ""),
                   "late" if n.late else ("notified" if n.notified_at else "due"))
            for n in rows(m.StatutoryNotification, m.StatutoryNotification.id)
        ],
        "breaches": [
            _entry("breach", b, b.occurred_on, f"{b.description}",
                   b.status + (f", crime ref {b.crime_reference}" if b.crime_reference else ""))
            for b in rows(m.Breach, m.Breach.occurred_on)
        ] + [
            _entry("warning", w, w.given_on, f"{w.kind.title()} warning: {w.rationale}")
            for w in rows(m.FormalWarning, m.FormalWarning.given_on)
        ],
        "relationships": [
            _entry("relationship", r, r.from_date, f"{r.person_name} ({r.kind})",
                   "access to children" if r.access_to_children else ("has children" if r.has_children else ""))
            for r in rows(m.Relationship, m.Relationship.id)
        ],
        "safeguarding": [
            _entry("safeguarding_referral", r, london_day(r.concern_at), r.concern,
                   "decision recorded" if r.decision else ("referred" if r.referred_at else "not yet referred"))
            for r in rows(m.SafeguardingReferral, m.SafeguardingReferral.concern_at)
        ] + [
            _entry("disclosure", d, london_day(d.disclosed_at or d.applied_at) if (d.disclosed_at or d.applied_at) else None,
                   f"{'s.327A' if d.route == 's327a' else 'Disclosure scheme'}: {d.decision or 'undecided'}"
                   + (f" to {d.disclosed_to}" if d.disclosed_to else ""), "complete" if d.completed_at else "open")
            for d in rows(m.Disclosure, m.Disclosure.id)
        ],
        "actions": [
            _entry("plan_action", a, a.due_on, a.description,
                   f"done {a.completed_on:%d/%m/%Y}" if a.completed_on else "open")
            for a in rows(m.Action, m.Action.due_on)
        ],
    }
    return {k: tuple(v) for k, v in sections.items()}


def _force_transfer(s: Session, oid: int) -> ForceTransferNote | None:
    t = s.scalar(select(m.ForceTransfer).where(m.ForceTransfer.offender_id == oid)
                 .order_by(m.ForceTransfer.id.desc()).limit(1))
    return ForceTransferNote(t.direction, t.other_force, t.transferred_at) if t is not None else None


def _record(s: Session, o: m.Offender) -> OffenderRecord:
    revisions = tuple(
        RevisionRow(r.entity, r.entity_id, r.version, r.changed_at, _user_name(s, r.changed_by_id) or "?",
                    r.reason, json.loads(r.snapshot_json))
        for r in s.scalars(select(m.RecordRevision).where(m.RecordRevision.offender_id == o.id)
                           .order_by(m.RecordRevision.id.desc()))
    )
    return OffenderRecord(
        offender_id=o.id, reference=o.reference,
        details=OffenderDraft(o.surname, o.forenames, o.date_of_birth, o.gender, o.pnc_id,
                              o.identifying_marks, o.offender_manager_id, o.team_id,
                              o.mappa_category, o.mappa_level),
        offender_manager=_user_name(s, o.offender_manager_id),
        team=s.scalar(select(m.Team.name).where(m.Team.id == o.team_id)) if o.team_id else None,
        risk_level=o.risk_level, status=o.status, next_visit_due=o.next_visit_due,
        next_notification_due=o.next_notification_due, version_id=o.version_id,
        updated_at=o.updated_at or o.created_at, updated_by=_user_name(s, o.updated_by_id or o.created_by_id),
        sections=entry_sections(s, o.id), revisions=revisions, force_transfer=_force_transfer(s, o.id),
    )


def open_record(services: Services, actor: Actor, offender_id: int, reason: AccessReason | None,
                reason_text: str) -> OffenderRecord:
    """Every opening is a consultation (DPA 2018 s.62), audited with its reason: no reason, no
    view. Outside the user's link the reason is held to more and the opening is reviewed."""
    if reason is None:
        raise ValidationFailed(FieldProblem("reason", "Choose why you are opening this record."))
    with unit_of_work(services, actor) as uow:
        o = find_offender(uow.session, offender_id)
        c = access.open_consultation(uow, o.id, reason.value, reason_text)
        uow.audit("record.open", entity="offender", entity_id=o.id, offender_id=o.id,
                  reason=f"{reason.value}: {reason_text.strip()}",
                  details={"consultation_id": c.id, "link": c.link,
                           "review_sign_off_id": c.review_sign_off_id})
        return _record(uow.session, o)


def reload_record(services: Services, actor: Actor, offender_id: int) -> OffenderRecord:
    """Re-read a record already opened in this window (after a save): covered by that opening."""
    with access.reading(services, actor, offender_id) as s:
        return _record(s, find_offender(s, offender_id))


def next_reference(s: Session) -> str:
    last = s.scalar(select(func.max(m.Offender.id))) or 0
    return f"RSO-{last + 1:06d}"


def create_offender(services: Services, actor: Actor, draft: OffenderDraft) -> OffenderRecord:
    draft = _clean(draft)
    problems = validate_draft(draft, services.clock.today())
    if problems:
        raise ValidationFailed(problems)
    with unit_of_work(services, actor) as uow:
        uow.authorise(Permission.WRITE_CASES)
        check_placing(uow, draft)
        columns = _draft_columns(draft)
        o = add_offender(uow, columns, why="Created the record.", details=columns)
        case_summary.refresh(uow.session, o.id, services.clock.today())
        return _record(uow.session, o)


def add_offender(uow: UnitOfWork, columns: Mapping[str, Any], *, why: str, details: Mapping[str, Any]) -> m.Offender:
    """A new active record with COLUMNS, as every way of making one makes it (the form, an
    import, a conviction seen by the court watch): the next reference, the creator's consultation
    of it (whoever creates a record has it open; WHY is its reason) and the record.create audit
    row with DETAILS. Authorising, and refreshing the case summary, are the caller's."""
    s = uow.session
    o = uow.stamp_created(m.Offender(reference=next_reference(s), status="active", open_breaches=0, **columns))
    s.add(o)
    s.flush()
    c = m.Consultation(user_id=uow.actor.user_id, offender_id=o.id, opened_at=uow.now,
                       link="own" if o.offender_manager_id == uow.actor.user_id else "team",
                       purpose=AccessReason.CASE_MANAGEMENT.value, reason=why)
    s.add(c)
    s.flush()
    uow.audit("record.create", entity="offender", entity_id=o.id, offender_id=o.id,
              details={**details, "consultation_id": c.id})
    return o


def correct_offender(services: Services, actor: Actor, offender_id: int, version_id: int,
                     draft: OffenderDraft, reason: str) -> OffenderRecord:
    """Change personal details as a correction: the old values stay in the record's history."""
    draft = _clean(draft)
    problems = validate_draft(draft, services.clock.today())
    problems += filter(None, [reason_problem("reason", reason, "Say why the details are being corrected.")])
    if problems:
        raise ValidationFailed(problems)
    with unit_of_work(services, actor) as uow:
        o = uow.load(m.Offender, offender_id, version_id)
        if (draft.offender_manager_id, draft.team_id) != (o.offender_manager_id, o.team_id):
            # Moving a case is the team supervisor's or the OMU lead's decision, with a reason.
            uow.authorise(Permission.REASSIGN_CASE, offender_id=offender_id)
            check_placing(uow, draft)
        uow.correct(o, _draft_columns(draft), entity="offender", offender_id=o.id, reason=reason,
                    field="details", action="record.correct")
        return _record(uow.session, o)


def check_placing(uow, draft: OffenderDraft) -> None:
    """Outside the OMU lead, a case is placed only in the user's own team."""
    actor = uow.actor
    if actor.role is Role.OMU_LEAD:
        return
    if draft.team_id is not None and draft.team_id != actor.team_id:
        raise ValidationFailed(FieldProblem(
            "team_id", "You can place a case only in your own team; the OMU lead moves cases "
                       "between teams."))
    if draft.offender_manager_id is not None:
        team = uow.session.scalar(select(m.User.team_id).where(m.User.id == draft.offender_manager_id))
        if team != actor.team_id:
            raise ValidationFailed(FieldProblem(
                "offender_manager_id", "Choose an offender manager in your own team; the OMU "
                                       "lead moves cases between teams."))


def _clean(draft: OffenderDraft) -> OffenderDraft:
    def strip(v):
        return v.strip() or None if isinstance(v, str) else v
    cleaned = {f.name: strip(getattr(draft, f.name)) for f in fields(draft)}
    cleaned["surname"] = cleaned["surname"] or ""
    cleaned["forenames"] = cleaned["forenames"] or ""
    return replace(draft, **cleaned)


def _draft_columns(draft: OffenderDraft) -> dict:
    return {f.name: getattr(draft, f.name) for f in fields(draft)}


# --- simple entries on the identity and address tabs -------------------------------------



def add_alias(services: Services, actor: Actor, offender_id: int, name: str, kind: str = "alias") -> EntryRow:
    if not name.strip():
        raise ValidationFailed(FieldProblem("name", "Enter the other name used."))
    with unit_of_work(services, actor) as uow:
        uow.authorise(Permission.WRITE_CASES, offender_id=offender_id)
        a = uow.stamp_created(m.Alias(offender_id=offender_id, name=name.strip(), kind=kind))
        uow.session.add(a)
        uow.session.flush()
        uow.audit("entry.create", entity="alias", entity_id=a.id, offender_id=offender_id, details={"name": a.name})
        return _entry("alias", a, None, f"{a.kind.title()}: {a.name}")


def add_address(services: Services, actor: Actor, offender_id: int, *, kind: str, line1: str,
                town: str | None, postcode: str | None, from_date: date | None) -> EntryRow:
    """A new home address ends the previous one: the history keeps every address and its dates."""
    problems = []
    if not line1.strip():
        problems.append(FieldProblem("line1", "Enter the first line of the address."))
    problems += filter(None, [past_date_problem(
        "from_date", from_date, services.clock.today(), missing="Enter the date the offender started living there.",
        future="The start date is in the future; record the move when it happens.")])
    if problems:
        raise ValidationFailed(problems)
    with unit_of_work(services, actor) as uow:
        uow.authorise(Permission.WRITE_CASES, offender_id=offender_id)
        if kind == "home":
            for prev in uow.session.scalars(select(m.Address).where(
                    m.Address.offender_id == offender_id, m.Address.kind == "home",
                    m.Address.to_date.is_(None), m.Address.voided_at.is_(None))):
                prev.to_date = from_date
                uow.stamp_updated(prev)
        a = uow.stamp_created(m.Address(offender_id=offender_id, kind=kind, line1=line1.strip(),
                                        town=(town or "").strip() or None,
                                        postcode=(postcode or "").strip().upper() or None, from_date=from_date))
        uow.session.add(a)
        uow.session.flush()
        uow.audit("entry.create", entity="address", entity_id=a.id, offender_id=offender_id,
                  details={"kind": kind, "from": from_date})
        return _entry("address", a, a.from_date, a.line1)


VOIDABLE = case_events.CASE_ENTRIES


def void_entry(services: Services, actor: Actor, entity: str, entry_id: int, version_id: int, reason: str) -> None:
    """Mark an entry as entered in error. It stays on the record, struck through, with the reason."""
    model = VOIDABLE.get(entity)
    if model is None:
        raise NotFound(f"Entries of kind {entity} cannot be marked as entered in error.")
    problem = reason_problem("reason", reason, "Say why this entry was wrong.")
    if problem:
        raise ValidationFailed(problem)
    with unit_of_work(services, actor) as uow:
        row = uow.load(model, entry_id, version_id)
        uow.keep_revision(row, entity=entity, offender_id=row.offender_id, reason=reason.strip())
        row.voided_at, row.voided_by_id, row.void_reason = uow.now, actor.user_id, reason.strip()
        uow.stamp_updated(row)
        uow.audit("entry.void", entity=entity, entity_id=entry_id, offender_id=row.offender_id, reason=reason.strip())
        # A voided visit, assessment or hand-over no longer counts: the next visit due follows.
        case_summary.refresh(uow.session, row.offender_id, services.clock.today())


@dataclass(frozen=True)
class CaseHeader:
    """What anyone who may read cases is shown of a case before opening it: enough to know it is
    the one they mean and whose it is, nothing of the record itself."""

    offender_id: int
    reference: str
    name: str
    offender_manager: str | None
    link: str            # domain.roles.Link value
    needs_review: bool   # outside the user's link: opening is reviewed by the case supervisor


def find_by_reference(services: Services, actor: Actor, reference: str) -> CaseHeader:
    """A case by its RSO reference, anywhere in the force. The look-up is audited."""
    ref = (reference or "").strip().upper()
    if not ref:
        raise ValidationFailed(FieldProblem("reference", "Enter the case reference, e.g. RSO-000123."))
    if len(ref) > 20 or not ref.replace("-", "").isalnum():
        raise ValidationFailed(FieldProblem("reference", "A case reference is letters, digits and "
                                                         "dashes, e.g. RSO-000123."))
    with unit_of_work(services, actor) as uow:
        if not (uow.actor.can(Permission.READ_CASES) or uow.actor.can(Permission.READ_OUTSIDE_LINK)):
            uow.authorise(Permission.READ_CASES)  # raises, naming who may
        o = uow.session.scalar(select(m.Offender).where(func.upper(m.Offender.reference) == ref))
        uow.audit("record.lookup", entity="offender", entity_id=o.id if o else None,
                  offender_id=o.id if o else None, outcome="ok" if o else "not_found",
                  details={"reference": ref})
        header = None
        if o is not None:
            here = uow.link(o.id)
            inside = allows(uow.actor.role, uow.actor.trained, Permission.READ_CASES, here)
            header = CaseHeader(o.id, o.reference, f"{o.surname.upper()}, {o.forenames}",
                                _user_name(uow.session, o.offender_manager_id), here.value,
                                needs_review=not inside and here is Link.NONE)
    if header is None:  # raised after the commit, so the failed look-up stays audited
        raise NotFound(f"No case has the reference {ref}. Check it and try again.")
    return header
