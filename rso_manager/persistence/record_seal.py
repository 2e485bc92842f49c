"""Record seals: a keyed digest of every case-table row as written, carried by the audit chain.

Every transaction that writes rows in the case tables (every table but the audit ones) puts one
seal on its last audit row (or on a "records.seal" row of its own when it audited nothing): for
each row written, ``{table: [[first_id, base64 of 16-byte digests, one per consecutive id]]}``.
`audit verify` keeps the latest digest per row and compares the tables with them, so a row edited,
inserted or deleted behind the app's back is named. The digests are keyed (BLAKE2b with a key
derived from the audit key: a MAC, and about three times faster than HMAC-SHA256 in Python,
which matters for the millions of rows of a demo load), so they cannot be recomputed without it.

A digest is taken over the column values as they are read back (the ORM path re-reads the rows
inside the transaction; the demo's bulk load digests the very values it binds, which read back
identically). NULL columns are left out of the digest, so adding a nullable column in a later
release does not make every old row look edited.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import Enum
from itertools import chain
from operator import itemgetter
from typing import Any

from sqlalchemy import Boolean, Date, Integer, String, Table, event, inspect, select, type_coerce
from sqlalchemy.orm import ORMExecuteState, Session
from sqlalchemy.sql.elements import BinaryExpression, BindParameter
from sqlalchemy.sql.operators import eq
from sqlalchemy.sql.schema import ScalarElementColumnDefault

from rso_manager.persistence.audit_key import AuditKey
from rso_manager.persistence.models import Base
from rso_manager.persistence.types import TZDateTime

DIGEST_BYTES = 16
UNSEALED_TABLES = frozenset({"audit_event", "audit_head"})
_ZERO = bytes(DIGEST_BYTES)
_ALL = "all"  # every row of a table is to be sealed (a bulk load that wrote the whole table)
_PENDING = "rso_seal_pending"      # table -> set of ids (or _ALL), re-read at seal time
_DIGESTS = "rso_seal_digests"      # table -> {id: digest} worked out by a bulk loader
_GONE = "rso_seal_gone"            # table -> ids the app deleted


def sealed_tables() -> list[Table]:
    return [t for t in Base.metadata.sorted_tables if t.name not in UNSEALED_TABLES]


SEALED = frozenset(t.name for t in sealed_tables())


# --- the digest -------------------------------------------------------------------------------


def _text(value: Any) -> str:
    t = type(value)
    if t is str:
        return value
    if t is bool:
        return "1" if value else "0"
    if t is int:
        return str(value)
    if t is datetime:
        return (value.astimezone(UTC) if value.tzinfo else value).isoformat()
    if t is date:
        return value.isoformat()
    if isinstance(value, Enum):
        return _text(value.value)
    if isinstance(value, Decimal):
        return str(value.normalize())
    if isinstance(value, bytes | bytearray | memoryview):
        return "b" + hashlib.sha256(bytes(value)).hexdigest()
    if isinstance(value, float):
        return repr(value)
    return str(value)


def _stored_moment_text(raw: str) -> str:
    """_text of the aware UTC datetime TZDateTime reads back from RAW, the naive UTC text SQLite
    keeps ("YYYY-MM-DD HH:MM:SS.ffffff"), without making the datetime: `audit verify` reads
    over a million of them, and parsing each and printing it again was a quarter of its time
    (issue 16). Any other spelling is parsed, as the type would."""
    if len(raw) == 26 and raw[10] == " " and raw[19] == ".":
        if raw.endswith("000000"):  # isoformat() leaves out a zero fraction
            return f"{raw[:10]}T{raw[11:19]}+00:00"
        return f"{raw[:10]}T{raw[11:]}+00:00"
    moment = datetime.fromisoformat(raw)
    return _text(moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment)


class _Memo(dict[Any, str]):
    def __init__(self, encode: Callable[[Any], str]) -> None:
        super().__init__()
        self.encode = encode

    def __missing__(self, value: Any) -> str:
        self[value] = text = self.encode(value)
        return text


ColumnEncoder = Callable[[Sequence[Any]], list[str]]


def _column_encoder(table: Table, name: str) -> tuple[Callable[[Any], str], ColumnEncoder]:
    """(encode one value, encode a whole column of values): the second, with the same result
    value by value, is what bulk digests use, its hot cases inlined rather than called."""
    head = name + "\x1e"

    def encode(value: Any) -> str:
        if value is None:
            return ""
        text = _text(value)
        # Length-prefixed: text moved between two columns can never encode the same.
        return f"{head}{len(text)}\x1e{text}\x1f"

    column_type = table.c[name].type
    # The hot paths of a bulk load, with the same result as encode() for the usual values.
    if isinstance(column_type, Integer) and not isinstance(column_type, Boolean):
        def encode_int(value: Any) -> str:
            if type(value) is int:  # digits and a sign only: no length prefix needed
                return f"{head}{value}\x1f"
            return encode(value)

        def ints(values: Sequence[Any]) -> list[str]:
            return [f"{head}{v}\x1f" if type(v) is int else encode(v) for v in values]
        return encode_int, ints

    def texts(values: Sequence[Any]) -> list[str]:
        return [f"{head}{len(v)}\x1e{v}\x1f" if type(v) is str else encode(v) for v in values]

    if isinstance(column_type, String) and not isinstance(column_type, TZDateTime):
        def encode_text(value: Any) -> str:
            if type(value) is str:
                return f"{head}{len(value)}\x1e{value}\x1f"
            return encode(value)
        if (column_type.length or 999) > 40:
            return encode_text, texts
    if isinstance(column_type, TZDateTime):
        moment = _Memo(encode).__getitem__  # a bulk load writes one moment on many rows

        def encode_moment(value: Any) -> str:
            if type(value) is str:  # as SQLite keeps it, read by select_stored
                text = _stored_moment_text(value)
                return f"{head}{len(text)}\x1e{text}\x1f"
            return moment(value)

        def moments(values: Sequence[Any]) -> list[str]:
            return list(map(encode_moment, values))
        return encode_moment, moments
    few_values = isinstance(column_type, Date | Boolean) or (
        isinstance(column_type, String) and (column_type.length or 999) <= 40)
    one = _Memo(encode).__getitem__ if few_values else encode

    def each(values: Sequence[Any]) -> list[str]:
        return list(map(one, values))
    return one, each


@dataclass
class TableDigester:
    """Digests for one table's rows; encoders (with their memos) are kept for a whole run."""

    table: Table
    base: Any  # a keyed blake2b, copied per row
    names: tuple[str, ...] = field(init=False)
    encoders: tuple[Callable[[Any], str], ...] = field(init=False)
    column_encoders: tuple[ColumnEncoder, ...] = field(init=False)

    def __post_init__(self) -> None:
        self.names = tuple(sorted(c.name for c in self.table.c))
        pairs = [_column_encoder(self.table, n) for n in self.names]
        self.encoders = tuple(one for one, _ in pairs)
        self.column_encoders = tuple(column for _, column in pairs)

    def _digest(self, text: str) -> bytes:
        h = self.base.copy()
        h.update(text.encode("utf-8", "surrogatepass"))
        return h.digest()

    def of_values(self, values: Sequence[Any]) -> bytes:
        """VALUES in the order of self.names (as `select_sorted` reads them)."""
        return self._digest("".join([enc(v) for enc, v in zip(self.encoders, values, strict=True)]))

    def _of_columns(self, encoded: list[list[str]]) -> list[bytes]:
        return list(map(self._digest, map("".join, zip(*encoded, strict=True))))

    def of_rows(self, rows: Sequence[Sequence[Any]]) -> list[bytes]:
        """of_values for many rows at once, column by column."""
        if not rows:
            return []
        columns = zip(*rows, strict=True)
        return self._of_columns([enc(col) for enc, col in zip(self.column_encoders, columns,
                                                                strict=True)])

    def of_dicts(self, rows: list[dict[str, Any]]) -> list[bytes]:
        """Column by column (the bulk loader's rows all carry the same keys); columns the rows
        leave out are NULL in the database, so they are left out here too."""
        if not rows:
            return []
        present = [(n, e) for n, e in zip(self.names, self.column_encoders, strict=True)
                   if n in rows[0]]
        getter = itemgetter(*[n for n, _ in present])
        columns = zip(*map(getter, rows), strict=True) if len(present) > 1 else \
            ([getter(r) for r in rows],)
        return self._of_columns([enc(col) for (_, enc), col in zip(present, columns, strict=True)])

    def select_sorted(self):
        return select(*[self.table.c[n] for n in self.names])

    def select_stored(self, dialect: str):
        """select_sorted, but on SQLite each moment as the text the file keeps (the encoders
        give it the same digest as the datetime it is read back as)."""
        if dialect != "sqlite":
            return self.select_sorted()
        return select(*[type_coerce(c, String()).label(n) if isinstance(c.type, TZDateTime) else c
                        for n in self.names for c in (self.table.c[n],)])


class Digester:
    def __init__(self, key: AuditKey) -> None:
        self.key = key
        self._tables: dict[str, TableDigester] = {}

    def __getitem__(self, table_name: str) -> TableDigester:
        d = self._tables.get(table_name)
        if d is None:
            table = Base.metadata.tables[table_name]
            base = hashlib.blake2b(key=self.key.seal_key(), digest_size=DIGEST_BYTES,
                                   person=b"rso-seal-1")
            base.update(table_name.encode() + b"\x1d")
            d = self._tables[table_name] = TableDigester(table, base)
        return d


# --- what a transaction wrote -------------------------------------------------------------


def _pending(session: Session) -> dict[str, Any]:
    return session.info.setdefault(_PENDING, {})


def _note(session: Session, table: str, ident: Any) -> None:
    ids = _pending(session).setdefault(table, set())
    if ids != _ALL:
        ids.add(ident)


@event.listens_for(Session, "after_flush")
def _after_flush(session: Session, _context) -> None:
    # new/dirty/deleted still show what this flush wrote.
    for obj in chain(session.new, session.dirty, session.deleted):
        state = inspect(obj)
        table = state.mapper.local_table
        if table.name not in SEALED:
            continue
        ident = state.identity[0] if state.identity else state.mapper.primary_key_from_instance(obj)[0]
        if ident is not None:
            _note(session, table.name, ident)


def _ids_in_where(statement, table: Table) -> list[Any] | None:
    where = getattr(statement, "whereclause", None)
    if isinstance(where, BinaryExpression) and where.operator is eq and \
            getattr(where.left, "key", None) == "id" and getattr(where.left, "table", None) is table \
            and isinstance(where.right, BindParameter):
        return [where.right.effective_value]
    return None


@event.listens_for(Session, "do_orm_execute")
def _bulk_statement(state: ORMExecuteState) -> None:
    """An UPDATE or DELETE run through the session (e.g. the derived summary columns on an
    offender): the rows it names, and the session's loaded rows of that table, are re-sealed."""
    if not (state.is_update or state.is_delete):
        return
    for mapper in state.all_mappers:
        table = mapper.local_table
        if not isinstance(table, Table) or table.name not in SEALED:
            continue
        ids = _ids_in_where(state.statement, table)
        if ids is None:
            ids = [key[1][0] for key in state.session.identity_map.keys() if key[0] is mapper.class_]
        for ident in ids:
            _note(state.session, table.name, ident)


def note_written(session: Session, table: str, ids: Iterable[int] | None = None) -> None:
    """For writes the session cannot see (Core bulk inserts): seal these rows of TABLE, or all of
    its rows when IDS is None, when the transaction's seal is made."""
    if ids is None:
        _pending(session)[table] = _ALL
    else:
        for ident in ids:
            _note(session, table, ident)


def add_digests(session: Session, table: str, ids: Sequence[int], digests: Sequence[bytes]) -> None:
    """Digests a bulk loader worked out itself from the values it wrote."""
    session.info.setdefault(_DIGESTS, {}).setdefault(table, {}).update(zip(ids, digests, strict=True))


def has_pending(session: Session) -> bool:
    return bool(session.info.get(_PENDING) or session.info.get(_DIGESTS))


def forget(session: Session) -> None:
    for name in (_PENDING, _DIGESTS, _GONE):
        session.info.pop(name, None)


def _runs(digests: dict[int, bytes]) -> list[list[Any]]:
    """[[first_id, base64 of the digests of first_id, first_id+1, ...]]: ids mostly run on."""
    out: list[list[Any]] = []
    start, chunk, last = None, [], None
    for ident in sorted(digests):
        if last is not None and ident != last + 1:
            out.append([start, base64.b64encode(b"".join(chunk)).decode()])
            start, chunk = None, []
        if start is None:
            start = ident
        chunk.append(digests[ident])
        last = ident
    if start is not None:
        out.append([start, base64.b64encode(b"".join(chunk)).decode()])
    return out


def take_seal(session: Session, key: AuditKey, extra: dict[str, Any] | None = None) -> str | None:
    """The seal for what this transaction wrote (as JSON), or None; the record of what was
    written is cleared. Rows are read back here, inside the transaction."""
    pending: dict[str, Any] = session.info.pop(_PENDING, {}) or {}
    digests: dict[str, dict[int, bytes]] = session.info.pop(_DIGESTS, {}) or {}
    if not pending and not digests and not extra:
        return None
    digester = Digester(key)
    gone: dict[str, list[int]] = {}
    for table_name, ids in pending.items():
        td = digester[table_name]
        found = digests.setdefault(table_name, {})
        query = td.select_sorted()
        id_col = td.names.index("id")
        if ids == _ALL:
            batches: Iterator[Any] = iter([query])
        else:
            wanted = sorted(i for i in ids if i not in found)
            batches = (query.where(td.table.c.id.in_(wanted[i:i + 500]))
                       for i in range(0, len(wanted), 500))
        for q in batches:
            for row in session.execute(q):
                found[row[id_col]] = td.of_values(row)
        if ids != _ALL:
            missing = sorted(i for i in ids if i not in found)
            if missing:
                gone[table_name] = missing
    body: dict[str, Any] = {"t": {t: _runs(d) for t, d in sorted(digests.items()) if d}}
    if gone:
        body["gone"] = gone
    if extra:
        body.update(extra)
    return json.dumps(body, sort_keys=True, separators=(",", ":"))


# --- checking the tables against the seals ------------------------------------------------


@dataclass
class RecordCheckResult:
    problems: list[str]
    problem_count: int
    checked: int
    unsealed: int  # rows from before sealing began (an old database): not tampering


class SealBook:
    """The latest digest of every sealed row, built while verify walks the chain."""

    MAX_LISTED = 50

    def __init__(self) -> None:
        self.expected: dict[str, bytearray] = {}
        self.since: dict[str, int] | None = None

    def add(self, seal_json: str) -> None:
        body = json.loads(seal_json)
        if "since" in body and self.since is None:
            self.since = {str(k): int(v) for k, v in body["since"].items()}
        for table, runs in body.get("t", {}).items():
            book = self.expected.setdefault(table, bytearray())
            for start, packed in runs:
                raw = base64.b64decode(packed)
                end = (int(start) + len(raw) // DIGEST_BYTES) * DIGEST_BYTES
                if len(book) < end:
                    book.extend(bytes(end - len(book)))
                book[int(start) * DIGEST_BYTES:end] = raw
        for table, ids in body.get("gone", {}).items():
            book = self.expected.setdefault(table, bytearray())
            for ident in ids:
                if (ident + 1) * DIGEST_BYTES <= len(book):
                    book[ident * DIGEST_BYTES:(ident + 1) * DIGEST_BYTES] = _ZERO

    def check(self, session: Session, key: AuditKey, batch: int = 5000) -> RecordCheckResult:
        problems: list[str] = []
        count = checked = unsealed = 0
        since = self.since or {}

        def problem(text: str) -> None:
            nonlocal count
            count += 1
            if len(problems) < self.MAX_LISTED:
                problems.append(text)

        digester = Digester(key)
        dialect = session.get_bind().dialect.name
        for table in sealed_tables():
            td = digester[table.name]
            book = self.expected.get(table.name, bytearray())
            id_col = td.names.index("id")
            last = None
            while True:
                q = td.select_stored(dialect).order_by(table.c.id).limit(batch)
                if last is not None:
                    q = q.where(table.c.id > last)
                rows = session.execute(q).all()
                if not rows:
                    break
                size = len(book)
                checked += len(rows)
                for ident, digest in zip([row[id_col] for row in rows], td.of_rows(rows), strict=True):
                    lo = ident * DIGEST_BYTES
                    want = book[lo:lo + DIGEST_BYTES] if 0 <= lo < size else _ZERO  # compared, not kept
                    if want == _ZERO:
                        if ident <= since.get(table.name, 0):
                            unsealed += 1
                        else:
                            problem(f"{table.name} {ident} was inserted outside the app")
                        continue
                    book[lo:lo + DIGEST_BYTES] = _ZERO  # seen
                    if digest != want:
                        problem(f"{table.name} {ident} was changed outside the app")
                last = rows[-1][id_col]
            if book.strip(b"\0"):
                view = memoryview(book)
                for i in range(0, len(book), DIGEST_BYTES):
                    if view[i:i + DIGEST_BYTES] != _ZERO:
                        problem(f"{table.name} {i // DIGEST_BYTES} was deleted outside the app")
        if count > len(problems):
            problems.append(f"... and {count - len(problems)} more")
        return RecordCheckResult(problems, count, checked, unsealed)


def max_ids(session: Session) -> dict[str, int]:
    """Each case table's highest id: rows up to it were written before sealing began."""
    from sqlalchemy import func

    return {t.name: session.scalar(select(func.max(t.c.id))) or 0 for t in sealed_tables()}


def add_bulk_digests(session: Session, digester: Digester, table: Table,
                     rows: list[dict[str, Any]]) -> None:
    """Digest rows a bulk loader inserted through Core (dicts with the same keys), with the
    scalar column defaults Core fills in for the keys they leave out."""
    if not rows:
        return
    defaults = {c.key: c.default.arg for c in table.c
                if c.key not in rows[0] and isinstance(c.default, ScalarElementColumnDefault)}
    full = [{**defaults, **r} for r in rows] if defaults else rows
    add_digests(session, table.name, [r["id"] for r in full], digester[table.name].of_dicts(full))
