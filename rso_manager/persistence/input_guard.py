"""Refuse, before anything is written, values the two backends would treat differently.

SQLite keeps a NUL byte, a 10 MB surname, an integer past 2^31 or a reference to a row that
does not exist (when a check is missed) where PostgreSQL raises DataError or IntegrityError part
way through a transaction. Checked here on every ORM flush, a user gets the same message on both:
the field, and what to do. The services need no code of their own for it.

Hooked on the session factory (engine.make_session_factory). Core bulk inserts (the demo loader)
do not pass through a flush and are not checked: they write generated values.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    Integer,
    SmallInteger,
    String,
    Text,
    event,
    inspect,
    select,
)
from sqlalchemy.orm import InstanceState, Session, sessionmaker
from sqlalchemy.sql import ClauseElement

from rso_manager.persistence.types import TZDateTime


@dataclass(frozen=True)
class TextLimits:
    """Caps for text columns that declare no length of their own (String(n) uses n)."""

    free_text: int = 100_000     # Text: notes, descriptions, reasons; a long report is ~20k
    json: int = 1_000_000        # Text columns named *_json: what the services serialise
    unsized: int = 200           # String without a length: a name or a code


LIMITS = TextLimits()


class InputRefused(ValueError):
    """Values that must not be written. PROBLEMS are (attribute name, what to do) pairs; the unit
    of work turns them into ValidationFailed for the user."""

    def __init__(self, problems: list[tuple[str, str]]):
        self.problems = list(problems)
        super().__init__("; ".join(f"{field}: {message}" for field, message in self.problems))


# C0 controls except tab, newline and carriage return, DEL, C1 controls; and lone surrogates,
# which no backend can encode. Short String(n) columns (names, codes) take no line breaks either.
_FREE_TEXT_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
_LINE_BAD = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")

_INT_RANGES = {SmallInteger: 2**15, BigInteger: 2**63, Integer: 2**31}


def install(factory: sessionmaker[Session], limits: TextLimits = LIMITS) -> sessionmaker[Session]:
    """Check every flush of sessions from FACTORY; returns FACTORY."""

    def before_flush(session: Session, _context, _instances) -> None:
        check(session, limits)

    event.listen(factory, "before_flush", before_flush)
    return factory


def check(session: Session, limits: TextLimits = LIMITS) -> None:
    """Raise InputRefused if any new or changed object in SESSION holds a value we refuse."""
    problems: list[tuple[str, str]] = []
    references: dict[Column, dict[Any, str]] = defaultdict(dict)
    for obj in list(session.new) + list(session.dirty):
        state = inspect(obj)
        for key, column, value in _changed_values(state):
            problem = _value_problem(column, value, key, limits)
            if problem:
                problems.append((key, problem))
                continue
            for fk in column.foreign_keys:
                references[fk.column].setdefault(value, key)
    if not problems and references:
        problems = _missing_references(session, references)
    if problems:
        raise InputRefused(problems)


def _changed_values(state: InstanceState):
    """(attribute, column, value) for each column value a flush of STATE would write."""
    for attr in state.mapper.column_attrs:
        key = attr.key
        if key not in state.dict:
            continue
        if state.key is not None and not state.attrs[key].history.has_changes():
            continue  # an update writes only what changed; old rows are not re-judged
        value = state.dict[key]
        if value is None or isinstance(value, ClauseElement) or not attr.columns:
            continue
        column = attr.columns[0]
        if isinstance(column, Column):
            yield key, column, value


def _value_problem(column: Column, value: Any, key: str, limits: TextLimits) -> str | None:
    kind = column.type
    if isinstance(value, str) and isinstance(kind, String):
        free = isinstance(kind, Text) or kind.length is None
        bad = (_FREE_TEXT_BAD if free else _LINE_BAD).search(value)
        if bad:
            return _character_problem(bad.group(), bad.start())
        limit = kind.length or (limits.json if key.endswith("_json") else
                                limits.free_text if isinstance(kind, Text) else limits.unsized)
        if len(value) > limit:
            return f"Shorten to at most {limit:,} characters (this has {len(value):,})."
    elif isinstance(value, datetime) and isinstance(kind, TZDateTime):
        if _naive(value):
            return NAIVE_TIME_MESSAGE
    elif isinstance(value, int) and not isinstance(value, bool) and isinstance(kind, Integer):
        bound = next(b for t, b in _INT_RANGES.items() if isinstance(kind, t))
        if not -bound <= value < bound:
            return f"Enter a whole number from {-bound:,} to {bound - 1:,}."
    return None


def _character_problem(char: str, index: int) -> str:
    where = f"at position {index + 1}"
    code = f"U+{ord(char):04X}"
    if "\ud800" <= char <= "\udfff":
        return f"Remove the invalid character ({code}) {where}: it is not valid Unicode text."
    if char in "\t\n\r":
        return f"Remove the {'tab' if char == chr(9) else 'line break'} {where}: this field takes one line of text."
    return f"Remove the control character ({code}{', NUL' if char == chr(0) else ''}) {where}."


def _missing_references(session: Session, references: dict[Column, dict[Any, str]]) -> list[tuple[str, str]]:
    """Foreign keys that point at no row. Checked here rather than left to the database, which
    would end the transaction with an IntegrityError (PostgreSQL) at an unpredictable point."""
    problems = []
    pending = _pending_keys(session)
    with session.no_autoflush:
        for target, values in references.items():
            wanted = [v for v in values if (target.table.name, target.name, v) not in pending]
            if not wanted:
                continue
            found = set(session.execute(select(target).where(target.in_(wanted))).scalars())
            for value in wanted:
                if value not in found:
                    noun = target.table.name.removeprefix("app_").replace("_", " ")
                    problems.append((values[value], f"There is no {noun} {value}: choose an existing one."))
    return problems


def _pending_keys(session: Session) -> set[tuple[str, str, Any]]:
    """Rows being inserted in the same flush with their keys already assigned."""
    keys = set()
    for obj in session.new:
        state = inspect(obj)
        for attr in state.mapper.column_attrs:
            value = state.dict.get(attr.key)
            column = attr.columns[0] if attr.columns else None
            if value is not None and isinstance(column, Column) and column.table is not None:
                keys.add((column.table.name, column.name, value))
    return keys


NAIVE_TIME_MESSAGE = ("Give the time with its time zone (an aware datetime, e.g. in UTC): a time "
                      "without one means different moments on different machines.")


def naive_time_field(exc: TypeError) -> str | None:
    """The field holding a zone-less datetime, when EXC is Python refusing to compare one with
    an aware time (a service's rule ran before anything reached a flush); else None.

    Found in the failing frame's locals: a naive datetime itself, or a dataclass (a service's
    input) with one in a field. "time" when it cannot be told which."""
    if "offset-naive and offset-aware" not in str(exc):
        return None
    tb = exc.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    for name, value in (tb.tb_frame.f_locals.items() if tb else ()):
        if _naive(value):
            return name
        for field in getattr(value, "__dataclass_fields__", ()):
            if _naive(getattr(value, field, None)):
                return field
    return "time"


def _naive(value: Any) -> bool:
    return isinstance(value, datetime) and (value.tzinfo is None or value.utcoffset() is None)
