"""A court list received as CSV, matched against the watch: each row's possible matches (name
spelt alike, date of birth, PNC ID; domain.court_watch.match_score) shown for the user to
confirm. Nothing is applied without a confirmation, and each confirmed row is its own outcome,
so one refused row loses none of the others.

Columns (a header row, any order, case and spaces ignored): name, or surname and forenames;
date_of_birth (dob); pnc; court; hearing_date (date); outcome (result); next_hearing
(adjourned_to); notes; disposal and sentence_months for a sentence. A row with no outcome is a
listing: the hearing is added to the watch.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from rapidfuzz import fuzz
from sqlalchemy import select

from rso_manager.domain import court_watch as cw
from rso_manager.domain.search_terms import parse_date
from rso_manager.persistence import models as m
from rso_manager.services.court_watch.hearings import HearingInput, add_hearing
from rso_manager.services.court_watch.outcomes import OutcomeInput, record_outcome
from rso_manager.services.court_watch.views import (
    ChargedPersonView,
    authorised,
    person_views,
    watch_clause,
)
from rso_manager.services.errors import FieldProblem, ServiceError, ValidationFailed
from rso_manager.services.unit_of_work import Actor, Services, unit_of_work

MATCH_ACTION = "court_list.match"
MAX_BYTES = 2_000_000
MAX_ROWS = 5_000
MAX_CANDIDATES = 3

_COLUMNS = {
    "name": "name", "defendant": "name", "surname": "surname", "forenames": "forenames", "forename": "forenames",
    "date_of_birth": "date_of_birth", "dob": "date_of_birth", "birth_date": "date_of_birth",
    "pnc": "pnc", "pnc_id": "pnc", "pnc_number": "pnc", "court": "court",
    "hearing_date": "hearing_on", "date": "hearing_on", "hearing": "hearing_on",
    "outcome": "outcome", "result": "outcome", "next_hearing": "next_hearing_on",
    "next_hearing_date": "next_hearing_on", "adjourned_to": "next_hearing_on", "notes": "notes",
    "disposal": "disposal", "sentence_months": "sentence_months",
}
_OUTCOMES = {
    "": "", "listed": "", "adjourned": "adjourned", "adjourned to": "adjourned", "discontinued": "discontinued",
    "withdrawn": "discontinued", "no evidence offered": "discontinued", "acquitted": "acquitted",
    "not guilty": "acquitted", "convicted": "convicted", "guilty": "convicted", "guilty plea": "convicted",
    "found guilty": "convicted", "sentenced": "sentenced", "shpo made": "shpo_made", "shpo_made": "shpo_made",
    "shpo refused": "shpo_refused", "shpo_refused": "shpo_refused",
}


@dataclass(frozen=True)
class CourtListRow:
    row_number: int  # as a spreadsheet numbers it: the header is row 1
    surname: str
    forenames: str
    date_of_birth: date | None
    pnc: str | None
    court: str | None
    hearing_on: date
    outcome: str  # "" for a listing
    next_hearing_on: date | None = None
    notes: str = ""
    disposal: str | None = None
    sentence_months: int | None = None

    @property
    def name(self) -> str:
        return f"{self.surname.upper()}, {self.forenames}"

    @property
    def outcome_text(self) -> str:
        return cw.outcome_label(self.outcome) if self.outcome else "Listed"


@dataclass(frozen=True)
class Candidate:
    person: ChargedPersonView
    score: float
    reasons: tuple[str, ...]
    hearing_id: int | None       # the hearing on the row's date with no outcome yet; None: one is added
    hearing_version: int | None

    @property
    def reasons_text(self) -> str:
        return ", ".join(self.reasons)


@dataclass(frozen=True)
class ProposedMatch:
    row: CourtListRow
    candidates: tuple[Candidate, ...]  # best first; empty: nobody on the watch fits

    @property
    def best(self) -> Candidate | None:
        return self.candidates[0] if self.candidates else None


@dataclass(frozen=True)
class Confirmed:
    """The user's confirmation that ROW is about CANDIDATE."""

    row: CourtListRow
    charged_person_id: int
    hearing_id: int | None
    hearing_version: int | None


@dataclass(frozen=True)
class Applied:
    row_number: int
    name: str
    ok: bool
    message: str


def _key(header: str) -> str:
    return "_".join(header.strip().lower().replace("-", " ").split())


def parse_court_list(data: bytes, today: date) -> list[CourtListRow]:
    """The rows of a court list, or every problem found (row and column) and none of it."""
    if len(data) > MAX_BYTES:
        raise ValidationFailed(FieldProblem("file", f"The file is over {MAX_BYTES // 1_000_000} MB: is it a court list?"))
    if b"\x00" in data:
        raise ValidationFailed(FieldProblem("file", "The file is not text (it holds NUL bytes): save the court list "
                                                    "as CSV and try again."))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except (StopIteration, csv.Error):
        raise ValidationFailed(FieldProblem("file", "The file is empty: a court list has a header row, then a row "
                                                    "a hearing.")) from None
    columns = [_COLUMNS.get(_key(h)) for h in header]
    named = set(columns)
    missing = [n for n, ok in (("name (or surname and forenames)", "name" in named or {"surname", "forenames"} <= named),
                               ("hearing_date", "hearing_on" in named)) if not ok]
    if missing:
        raise ValidationFailed(FieldProblem("file", f"The header row has no {' or '.join(missing)} column. Columns "
                                                    "read: name, date_of_birth, pnc, court, hearing_date, outcome, "
                                                    "next_hearing, notes, disposal, sentence_months."))
    rows: list[CourtListRow] = []
    problems: list[str] = []
    try:
        for number, cells in enumerate(reader, start=2):
            if not any(c.strip() for c in cells):
                continue
            if len(rows) >= MAX_ROWS:
                raise ValidationFailed(FieldProblem("file", f"More than {MAX_ROWS} rows: split the court list."))
            row = _row(number, columns, cells, today, problems)
            if row is not None:
                rows.append(row)
    except csv.Error as exc:
        problems.append(f"Row {reader.line_num}: the CSV cannot be read ({exc}).")
    if problems:
        shown = problems[:10] + ([f"... and {len(problems) - 10} more."] if len(problems) > 10 else [])
        raise ValidationFailed(FieldProblem("file", " ".join(shown)))
    if not rows:
        raise ValidationFailed(FieldProblem("file", "The court list has a header but no hearings."))
    return rows


def _row(number: int, columns: list[str | None], cells: list[str], today: date, problems: list[str]
         ) -> CourtListRow | None:
    if len(cells) > len(columns):
        problems.append(f"Row {number}: {len(cells)} cells but {len(columns)} columns in the header.")
        return None
    got = {c: v.strip() for c, v in zip(columns, cells, strict=False) if c is not None}
    before = len(problems)

    def day(column: str, required: bool) -> date | None:
        value = got.get(column, "")
        if not value:
            if required:
                problems.append(f"Row {number}, {column}: empty; enter the date (dd/mm/yyyy).")
            return None
        parsed = parse_date(value, today)
        if parsed is None:
            problems.append(f"Row {number}, {column}: '{value[:30]}' is not a date (dd/mm/yyyy).")
        return parsed

    surname, forenames = got.get("surname", ""), got.get("forenames", "")
    if not surname and got.get("name"):
        surname, forenames = cw.split_name(got["name"])
    if not surname:
        problems.append(f"Row {number}, name: empty.")
    hearing_on = day("hearing_on", True)
    dob = day("date_of_birth", False)
    next_on = day("next_hearing_on", False)
    outcome = _OUTCOMES.get(" ".join(got.get("outcome", "").lower().replace("_", " ").split()),
                            _OUTCOMES.get(got.get("outcome", "").lower()))
    if outcome is None:
        problems.append(f"Row {number}, outcome: '{got.get('outcome', '')[:30]}' is not one this reads (adjourned, "
                        "discontinued, acquitted, convicted, sentenced, SHPO made, SHPO refused, or empty).")
    months = got.get("sentence_months", "")
    if months and not months.isdigit():
        problems.append(f"Row {number}, sentence_months: '{months[:10]}' is not a whole number of months.")
    if len(problems) > before or hearing_on is None or outcome is None:
        return None
    return CourtListRow(number, surname[:80], forenames[:120], dob, got.get("pnc") or None, got.get("court") or None,
                        hearing_on, outcome, next_on, got.get("notes", "")[:2000], got.get("disposal") or None,
                        int(months) if months else None)


def match_court_list(services: Services, actor: Actor, data: bytes) -> list[ProposedMatch]:
    """Each row of the court list with the watched people it may be about, best first. Reads
    only: the user confirms each match, then apply_court_list records them."""
    rows = parse_court_list(data, services.clock.today())
    P = m.ChargedPerson
    with unit_of_work(services, actor) as uow:
        authorised(uow)
        s = uow.session
        people = list(s.scalars(select(P).where(P.voided_at.is_(None), P.status != "closed",
                                                watch_clause(uow.actor)).order_by(P.id)))
        views = person_views(s, people)
        proposals = []
        for row in rows:
            wanted = cw.comparable_name(row.surname, row.forenames)
            found = []
            for v in views:
                similarity = fuzz.token_sort_ratio(wanted, cw.comparable_name(v.surname, v.forenames))
                score = cw.match_score(similarity, row_dob=row.date_of_birth, dob=v.date_of_birth,
                                       row_pnc=row.pnc, pnc=v.pnc_id)
                if score.score >= cw.POSSIBLE:
                    open_on_day = next((h for h in v.hearings if h.hearing_on == row.hearing_on and h.outcome is None),
                                       None)
                    found.append(Candidate(v, round(score.score, 1), score.reasons,
                                           open_on_day.hearing_id if open_on_day else None,
                                           open_on_day.version_id if open_on_day else None))
            found.sort(key=lambda c: (-c.score, c.person.surname, c.person.charged_person_id))
            proposals.append(ProposedMatch(row, tuple(found[:MAX_CANDIDATES])))
        uow.audit(MATCH_ACTION, entity="charged_person", details={
            "rows": len(rows), "with_match": sum(1 for p in proposals if p.candidates)})
    return proposals


def apply_court_list(services: Services, actor: Actor, confirmed: Sequence[Confirmed]) -> list[Applied]:
    """Record each confirmed row: its outcome on the hearing of that day (the hearing added when
    the watch did not have it), or a listing. Each row on its own; a refusal is reported, the
    rest still recorded."""
    out = []
    for c in confirmed:
        row = c.row
        try:
            outcome = OutcomeInput(outcome=row.outcome, notes=row.notes or f"From the court list ({row.court or 'court'})",
                                   next_hearing_on=row.next_hearing_on, disposal=row.disposal,
                                   sentence_months=row.sentence_months) if row.outcome else None
            if c.hearing_id is not None and c.hearing_version is not None and outcome is not None:
                result = record_outcome(services, actor, c.hearing_id, c.hearing_version, outcome)
                out.append(Applied(row.row_number, row.name, True, result.message))
            else:
                view = add_hearing(services, actor, c.charged_person_id, HearingInput(row.hearing_on, row.court, None),
                                   outcome)
                out.append(Applied(row.row_number, row.name, True,
                                   f"{view.name}: {row.outcome_text.lower()} on {row.hearing_on:%d/%m/%Y} recorded."))
        except ServiceError as exc:
            out.append(Applied(row.row_number, row.name, False, str(exc)))
    return out

