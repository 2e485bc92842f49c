"""The case log: one timeline of everything recorded on a case, newest first (every kind of
entry, sign-offs asked for and decided, corrections, entries marked as entered in error), and the
two entries written here: case notes and graded intelligence.

The timeline is in the order things were recorded: an entry's line is when it was written, with
the day it is about beside it. It is read with at most one query per kind of row, filtered in SQL
by kind, date and text.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import String, Text, and_, false, inspect, literal, or_, select, true, union_all
from sqlalchemy.orm import Session

from rso_manager.clock import LONDON
from rso_manager.domain import visit_window as vw
from rso_manager.domain.dates import london_day
from rso_manager.domain.intelligence_grading import grade_text, grading_problems
from rso_manager.domain.roles import Permission
from rso_manager.persistence import models as m
from rso_manager.services import access, case_events, caseload, settings
from rso_manager.services.entity_names import entity_name
from rso_manager.services.errors import FieldProblem, ValidationFailed, past_date_problem
from rso_manager.services.safeguarding.responses import open_response
from rso_manager.services.transfers import TRANSFER_REASON
from rso_manager.services.unit_of_work import Actor, Services, find_offender, unit_of_work

# The lines that are not entries of their own.
SIGN_OFF, CORRECTION, ENTERED_IN_ERROR, NOTE, INTELLIGENCE = (
    "sign_off", "correction", "entered_in_error", "case_note", "intelligence")

# The part of the record that shows each kind of entry (the SectionSpec keys of the record window,
# which are OffenderRecord.sections' keys): a line of the log opens its entry there.
ENTRY_PARTS: dict[str, str] = {
    "alias": "identity", "address": "addresses", "address_stay": "addresses",
    "conviction": "convictions", "notification_requirement": "convictions",
    "disregarded_period": "notifications", "police_handover": "risk",
    "civil_order": "orders", "order_requirement": "orders",
    "risk_assessment": "risk", "risk_management_plan": "risk", "case_note": "case_log",
    "visit_trigger": "visits", "visit": "visits", "visit_warrant": "visits",
    "device": "devices", "device_check": "devices", "statutory_notification": "notifications",
    "breach": "breaches", "warning": "breaches", "relationship": "relationships",
    "safeguarding_referral": "safeguarding", "disclosure": "safeguarding", "plan_action": "actions",
    "photograph": "person", "physical_description": "person", "distinguishing_mark": "person",
    "vehicle": "person", "occupation": "person", "online_identifier": "person",
    "offender": "identity",
}


def _kind_label(entity: str) -> str:
    model = case_events.CASE_ENTRIES.get(entity)
    name = entity_name(model) if model is not None else entity.replace("_", " ")
    return name[:1].upper() + name[1:]


# What the log can be narrowed to, in the order the filter offers them.
LOG_KINDS: dict[str, str] = {
    NOTE: "Case note", INTELLIGENCE: "Intelligence",
    **{entity: _kind_label(entity) for entity in case_events.CASE_ENTRIES if entity != "case_note"},
    SIGN_OFF: "Sign-off", CORRECTION: "Correction", ENTERED_IN_ERROR: "Entered in error",
}


@dataclass(frozen=True)
class LogLine:
    kind: str             # a LOG_KINDS key
    entity: str           # the entry the line is about, and its id: what opening the line opens
    entity_id: int
    at: datetime          # when it was recorded
    on: date | None       # the day the entry is about, where it has one
    summary: str
    status: str
    by: str | None
    entered_in_error: bool
    part: str | None      # the record part showing the entry
    version_id: int = 0   # of an entry's own line: what marking it entered in error needs

    @property
    def kind_label(self) -> str:
        return LOG_KINDS.get(self.kind, self.kind)


@dataclass(frozen=True)
class LogFilter:
    kinds: frozenset[str] | None = None  # None: every kind
    since: date | None = None            # recorded on or after (London day)
    until: date | None = None            # ... and on or before
    text: str = ""


def _bounds(f: LogFilter) -> tuple[datetime | None, datetime | None]:
    start = datetime.combine(f.since, time(), LONDON) if f.since else None
    end = datetime.combine(f.until + timedelta(days=1), time(), LONDON) if f.until else None
    return start, end


def _in_range(column, start: datetime | None, end: datetime | None):
    return and_(true(), *([column >= start] if start else []), *([column < end] if end else []))


def _within(moment: datetime, start: datetime | None, end: datetime | None) -> bool:
    return (start is None or moment >= start) and (end is None or moment < end)


def _text_columns(model) -> list:
    return [c for c in model.__table__.columns
            if isinstance(c.type, String | Text) and c.key not in _NOT_SEARCHED]


_NOT_SEARCHED = frozenset({"sha256", "media_type"})


def _matching(columns: Iterable, text: str):
    words = text.strip()
    if not words:
        return true()
    pattern = "%" + words.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    conditions = [c.ilike(pattern, escape="\\") for c in columns]
    return or_(*conditions) if conditions else false()


def _wants(f: LogFilter, *kinds: str) -> bool:
    return f.kinds is None or any(k in f.kinds for k in kinds)


def _aware(moment: datetime) -> datetime:
    # A moment read through a UNION may come back without its zone; every stored moment is UTC.
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _note_summary(n: m.CaseNote) -> str:
    if n.kind == INTELLIGENCE:
        return f"Intelligence graded {grade_text(n.source_evaluation, n.intelligence_assessment, n.handling_code)}: {n.text}"
    return f"Case note: {n.text}"


def _generic_summary(entity: str, row: Any) -> str:
    """A kind with no summary of its own on the record: its name and what was written in it."""
    if isinstance(row, m.CaseNote):
        return _note_summary(row)
    if isinstance(row, m.VisitTrigger):
        return (f"Next home visit brought forward: {row.kind.replace('_', ' ')} "
                f"on {row.occurred_on:%d/%m/%Y}")
    words = [str(getattr(row, c.key)).replace("_", " ") for c in _text_columns(type(row))
             if c.key != "void_reason" and getattr(row, c.key)]
    return _kind_label(entity) + (f": {', '.join(words)}" if words else "")


def _generic_day(row: Any) -> date | None:
    for key in ("occurred_on", "checked_on", "starts_on", "police_from", "taken_on", "described_on", "from_date"):
        value = getattr(row, key, None)
        if isinstance(value, date):
            return value
    return None


def _names(s: Session, ids: Collection[int | None]) -> dict[int | None, str]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    return dict(s.execute(select(m.User.id, m.User.display_name).where(m.User.id.in_(wanted))).all())


def _entries(s: Session, oid: int, f: LogFilter, start, end) -> tuple[list[tuple[str, Any, caseload.EntryRow | None]], dict]:
    """Each wanted kind's rows recorded or voided in the range and matching the text, one query
    a kind; with the record's own summary of each where it has one."""
    fetched: dict[type, list[Any]] = {}

    def fetch(model, _order=None):
        entity = model.__tablename__
        kinds = (NOTE, INTELLIGENCE) if model is m.CaseNote else (entity,)
        if model in fetched:
            return fetched[model]
        if not _wants(f, *kinds, ENTERED_IN_ERROR):
            fetched[model] = []
            return []
        stmt = select(model).where(model.offender_id == oid,
                                   or_(_in_range(model.created_at, start, end),
                                       and_(model.voided_at.is_not(None), _in_range(model.voided_at, start, end))),
                                   _matching(_text_columns(model), f.text))
        if model is m.CaseNote and f.kinds is not None and ENTERED_IN_ERROR not in f.kinds:
            stmt = stmt.where(m.CaseNote.kind.in_([value for kind, value in ((NOTE, "note"), (INTELLIGENCE, INTELLIGENCE))
                                                   if kind in f.kinds]))
        fetched[model] = rows = list(s.scalars(stmt.order_by(model.id)))
        return rows

    summaries: dict[tuple[str, int], caseload.EntryRow] = {}
    for rows in caseload.entry_sections(s, oid, fetch).values():
        for entry in rows:
            summaries[(entry.entity, entry.id)] = entry
    out: list[tuple[str, Any, caseload.EntryRow | None]] = []
    by_key: dict[tuple[str, int], Any] = {}
    for entity, model in case_events.CASE_ENTRIES.items():
        for row in fetch(model):
            out.append((entity, row, summaries.get((entity, row.id))))
            by_key[(entity, row.id)] = row
    return out, by_key


def _entry_lines(entries, f: LogFilter, start, end, names: dict[int | None, str]) -> list[LogLine]:
    lines = []
    for entity, row, summary in entries:
        kind = (INTELLIGENCE if row.kind == INTELLIGENCE else NOTE) if isinstance(row, m.CaseNote) else entity
        part = ENTRY_PARTS.get(entity)
        text = summary.summary if summary is not None else _generic_summary(entity, row)
        on = summary.when if summary is not None else _generic_day(row)
        status = "Entered in error" if row.voided_at else (summary.status if summary is not None else "")
        created = _aware(row.created_at)
        if _wants(f, kind) and _within(created, start, end):
            lines.append(LogLine(kind, entity, row.id, created, on, text, status,
                                 names.get(row.created_by_id), row.voided_at is not None, part, row.version_id))
        if row.voided_at is not None and _wants(f, ENTERED_IN_ERROR):
            voided = _aware(row.voided_at)
            if _within(voided, start, end):
                lines.append(LogLine(ENTERED_IN_ERROR, entity, row.id, voided, on,
                                     f"Marked as entered in error: {text}. Reason: {row.void_reason or 'not given'}",
                                     "Entered in error", names.get(row.voided_by_id), True, part))
    return lines


def _sign_offs(s: Session, oid: int, f: LogFilter, start, end) -> list[m.SignOff]:
    if not _wants(f, SIGN_OFF):
        return []
    so = m.SignOff
    return list(s.scalars(select(so).where(
        so.offender_id == oid, so.entity != "consultation",
        or_(_in_range(so.requested_at, start, end), and_(so.signed_at.is_not(None), _in_range(so.signed_at, start, end))),
        _matching([so.summary, so.rationale], f.text))))


_DECISIONS = {"approve": "Signed off", "return": "Returned for more work", "escalate": "Escalated to the OMU lead"}


def _sign_off_lines(sign_offs: list[m.SignOff], start, end, names: dict[int | None, str]) -> list[LogLine]:
    lines = []
    for so in sign_offs:
        part = ENTRY_PARTS.get(so.entity)
        requested = _aware(so.requested_at)
        if _within(requested, start, end):
            waiting = f"waiting for {names[so.supervisor_id]}" if so.supervisor_id in names else "waiting"
            lines.append(LogLine(SIGN_OFF, so.entity, so.entity_id, requested, london_day(requested),
                                 f"Sign-off asked for: {so.summary}",
                                 waiting if so.status in ("pending", "escalated") else "decided",
                                 names.get(so.author_id), False, part))
        if so.signed_at is not None:
            signed = _aware(so.signed_at)
            if _within(signed, start, end):
                decision = _DECISIONS.get(so.decision or "", "Decided")
                lines.append(LogLine(SIGN_OFF, so.entity, so.entity_id, signed, london_day(signed),
                                     f"{decision}: {so.summary}" + (f". Rationale: {so.rationale}" if so.rationale else ""),
                                     decision.lower(), names.get(so.signed_by_id), False, part))
    return lines


def _revisions(s: Session, oid: int, f: LogFilter, start, end) -> list[m.RecordRevision]:
    if not _wants(f, CORRECTION):
        return []
    r = m.RecordRevision
    return list(s.scalars(select(r).where(r.offender_id == oid, _in_range(r.changed_at, start, end),
                                          _matching([r.reason], f.text))))


def _voided_by_revision(s: Session, revisions: list[m.RecordRevision], known: dict[tuple[str, int], Any]
                        ) -> set[tuple[str, int, datetime]]:
    """(entity, id, voided_at) of the entries the revisions belong to that are marked as entered
    in error: marking one keeps a revision too, which is the mark, not a correction. One query."""
    ids: dict[str, set[int]] = {}
    for rev in revisions:
        if rev.entity in case_events.CASE_ENTRIES and (rev.entity, rev.entity_id) not in known:
            ids.setdefault(rev.entity, set()).add(rev.entity_id)
    marks = {(e, i, _aware(row.voided_at)) for (e, i), row in known.items() if row.voided_at is not None}
    selects = [select(literal(entity).label("entity"), key, model.voided_at)
               .where(key.in_(ids[entity]), model.voided_at.is_not(None))
               for entity, model in case_events.CASE_ENTRIES.items() if entity in ids
               for key in [inspect(model).primary_key[0]]]
    if selects:
        marks |= {(e, i, _aware(v)) for e, i, v in s.execute(union_all(*selects))}
    return marks


def _correction_lines(revisions: list[m.RecordRevision], marks, names: dict[int | None, str]) -> list[LogLine]:
    lines = []
    for rev in revisions:
        changed = _aware(rev.changed_at)
        if (rev.entity, rev.entity_id, changed) in marks:
            continue
        before = json.loads(rev.snapshot_json)
        fields = ", ".join(k.replace("_", " ") for k in sorted(before)
                           if not k.endswith("_at") and not k.endswith("_id") and k not in ("id", "version_id"))
        what = "personal details" if rev.entity == "offender" else _kind_label(rev.entity).lower()
        transfer = rev.entity == "offender" and rev.reason.startswith(TRANSFER_REASON)
        lines.append(LogLine(CORRECTION, rev.entity, rev.entity_id, changed, london_day(changed),
                             f"Case transferred: {rev.reason}" if transfer else f"Corrected the {what}: {rev.reason}",
                             f"version {rev.version} kept" + (f" ({fields})" if fields and len(fields) < 80 else ""),
                             names.get(rev.changed_by_id), False, ENTRY_PARTS.get(rev.entity)))
    return lines


def case_log_for(services: Services, actor: Actor, offender_id: int, log_filter: LogFilter | None = None
                 ) -> list[LogLine]:
    """The case's timeline, newest first, narrowed by LOG_FILTER."""
    f = log_filter or LogFilter()
    start, end = _bounds(f)
    with access.reading(services, actor, offender_id) as s:
        find_offender(s, offender_id)
        entries, known = _entries(s, offender_id, f, start, end)
        sign_offs = _sign_offs(s, offender_id, f, start, end)
        revisions = _revisions(s, offender_id, f, start, end)
        marks = _voided_by_revision(s, revisions, known)
        people: list[int | None] = [row.created_by_id for _e, row, _s in entries]
        people += [row.voided_by_id for _e, row, _s in entries]
        people += [i for so in sign_offs for i in (so.author_id, so.supervisor_id, so.signed_by_id)]
        people += [rev.changed_by_id for rev in revisions]
        names = _names(s, people)
        lines = (_entry_lines(entries, f, start, end, names) + _sign_off_lines(sign_offs, start, end, names)
                 + _correction_lines(revisions, marks, names))
    lines.sort(key=lambda line: (line.at, line.entity_id), reverse=True)
    return lines


# --- writing -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NoteInput:
    text: str = ""
    occurred_on: date | None = None


@dataclass(frozen=True)
class IntelligenceInput:
    text: str = ""
    occurred_on: date | None = None  # when it was received
    source_evaluation: str | None = None
    intelligence_assessment: str | None = None
    handling_code: str | None = None
    # Intelligence that marks a concern about a child opens a safeguarding response (issue 19):
    # a referral, the s.327A consideration and a safety check on each child named.
    child_concern: bool = False
    children: tuple[str, ...] = ()


@dataclass(frozen=True)
class IntelligenceResult:
    note_id: int
    next_visit_due: date | None  # brought forward by the intelligence (the visit trigger rule)
    referral_id: int | None = None  # the safeguarding response it opened, if it marks a child concern


def _note_problems(services: Services, text: str, occurred_on: date | None, *, what: str) -> list[FieldProblem]:
    problems = []
    if not text.strip():
        problems.append(FieldProblem("text", f"Write the {what}; it cannot be empty."))
    problems += filter(None, [past_date_problem(
        "occurred_on", occurred_on, services.clock.today(), missing="Enter the date it is about (DD/MM/YYYY).",
        future="The date is in the future; enter when it happened or was received.")])
    return problems


def add_case_note(services: Services, actor: Actor, offender_id: int, note: NoteInput) -> int:
    problems = _note_problems(services, note.text, note.occurred_on, what="note")
    if problems:
        raise ValidationFailed(problems)
    with unit_of_work(services, actor) as uow:
        uow.authorise(Permission.WRITE_CASES, offender_id=offender_id)
        find_offender(uow.session, offender_id)
        row = uow.stamp_created(m.CaseNote(offender_id=offender_id, kind="note", text=note.text.strip(),
                                           occurred_on=note.occurred_on))
        uow.session.add(row)
        uow.session.flush()
        uow.audit("entry.create", entity="case_note", entity_id=row.id, offender_id=offender_id,
                  details={"kind": "note", "occurred_on": note.occurred_on})
        return row.id


def add_intelligence(services: Services, actor: Actor, offender_id: int, intel: IntelligenceInput) -> IntelligenceResult:
    """Graded intelligence. Like every intelligence entry it is a visit trigger: it brings the
    next home visit forward and ends reactive management until a supervisor signs it again."""
    problems = _note_problems(services, intel.text, intel.occurred_on, what="intelligence received")
    grades = {"source_evaluation": intel.source_evaluation, "intelligence_assessment": intel.intelligence_assessment,
              "handling_code": intel.handling_code}
    with unit_of_work(services, actor) as uow:
        scheme = settings.intelligence_grading(uow.session)
        problems += [FieldProblem(field, message) for field, message in grading_problems(scheme, grades)]
        if problems:
            raise ValidationFailed(problems)
        assert intel.occurred_on is not None
        uow.authorise(Permission.WRITE_CASES, offender_id=offender_id)
        find_offender(uow.session, offender_id)
        row = uow.stamp_created(m.CaseNote(offender_id=offender_id, kind=INTELLIGENCE, text=intel.text.strip(),
                                           occurred_on=intel.occurred_on, **grades))
        uow.session.add(row)
        uow.session.flush()
        uow.audit("entry.create", entity="case_note", entity_id=row.id, offender_id=offender_id,
                  details={"kind": INTELLIGENCE, "occurred_on": intel.occurred_on, "scheme": scheme.name, **grades})
        case_events.record_trigger(uow, offender_id, vw.TriggerKind.INTELLIGENCE, intel.occurred_on,
                                   ("case_note", row.id))
        referral_id = None
        if intel.child_concern:
            referral_id = open_response(uow, offender_id, f"Intelligence of {intel.occurred_on:%d/%m/%Y}: {row.text}",
                                        uow.now, origin="intelligence", origin_entity="case_note", origin_id=row.id,
                                        children=intel.children).id
        return IntelligenceResult(row.id, find_offender(uow.session, offender_id).next_visit_due, referral_id)


def intelligence_scheme(services: Services, actor: Actor):
    """The force's grading model, for the form that asks for the grades."""
    with access.listing(services, actor) as s:
        return settings.intelligence_grading(s)
