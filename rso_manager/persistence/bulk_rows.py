"""Many rows of one table in one go, behind the ORM: the demo's load and the search index's
rebuild. Values go through SQLAlchemy's own bind processors, so they are stored exactly as an
ordinary Core insert would store them."""

from __future__ import annotations

from collections.abc import Callable
from operator import itemgetter
from typing import Any

from sqlalchemy import Boolean, Date, Dialect, Table, insert
from sqlalchemy.orm import Session
from sqlalchemy.sql.schema import ScalarElementColumnDefault

Converters = dict[tuple[str, str], Callable[[Any], Any] | None]

# Columns whose values come from a small set (calendar days, the day stamps of created_at,
# flags): their converted values are kept for the whole load. Times of day are not.
_FEW_VALUES = (Date, Boolean)
_STAMPED = frozenset({"created_at", "closed_at", "requested_at"})


def bulk_insert(s: Session, table: Table, rows: list[dict[str, Any]],
                converters: Converters) -> None:
    """Insert ROWS (dicts with the same keys) in SESSION's transaction. CONVERTERS is the
    caller's, kept for a whole load (it memoises converted values).

    SQLite (sqlite3's positional parameters): one executemany of tuples made here, since
    SQLAlchemy's per-row parameter handling costs more than SQLite's own work. PostgreSQL
    (psycopg): COPY ... FROM STDIN, the server's own bulk path, about twice as fast as batched
    INSERTs. Any other driver takes the ordinary Core path.
    """
    if not rows:
        return
    conn = s.connection()
    dialect = conn.dialect
    keys = list(rows[0])
    rows = with_column_defaults(table, rows)
    names = [*keys, *(k for k in rows[0] if k not in keys)]
    if dialect.name == "postgresql" and dialect.driver == "psycopg":
        _copy(conn.connection.dbapi_connection, table, names,
              _tuples(rows, names, table, dialect, converters))
        return
    compiled = insert(table).compile(dialect=dialect, column_keys=names)
    if not compiled.positional or compiled.positiontup is None:
        s.execute(insert(table), rows)
        return
    order = list(compiled.positiontup)
    conn.exec_driver_sql(compiled.string, _tuples(rows, order, table, dialect, converters))


def with_column_defaults(table: Table, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """ROWS with the scalar column defaults Core fills in for the keys they leave out (ROWS
    themselves when there are none): what is stored, and so what a row's seal digests."""
    if not rows:
        return rows
    defaults = {c.key: c.default.arg for c in table.c
                if c.key not in rows[0] and isinstance(c.default, ScalarElementColumnDefault)}
    return [{**defaults, **r} for r in rows] if defaults else rows


def _tuples(rows: list[dict[str, Any]], order: list[str], table: Table, dialect: Dialect,
            converters: Converters) -> list[tuple[Any, ...]]:
    """ROWS as tuples in ORDER, each value converted column by column."""
    tuples: list[tuple[Any, ...]] = list(map(itemgetter(*order), rows)) if len(order) > 1 else \
        [(r[order[0]],) for r in rows]
    processors = [(i, p) for i, name in enumerate(order)
                  if (p := _converter(converters, table, name, dialect))]
    if processors:
        columns: list[Any] = list(zip(*tuples, strict=True))
        for i, process in processors:
            columns[i] = list(map(process, columns[i]))
        tuples = list(zip(*columns, strict=True))
    return tuples


def _copy(dbapi_connection: Any, table: Table, names: list[str],
          tuples: list[tuple[Any, ...]]) -> None:
    columns = ", ".join(f'"{n}"' for n in names)  # our own schema's names, quoted as Core would
    with dbapi_connection.cursor() as cur, \
            cur.copy(f'COPY "{table.name}" ({columns}) FROM STDIN') as copy:
        write = copy.write_row
        for row in tuples:
            write(row)


def _converter(converters: Converters, table: Table, name: str,
               dialect: Dialect) -> Callable[[Any], Any] | None:
    key = (table.name, name)
    if key not in converters:
        column = table.c[name]
        process = column.type.dialect_impl(dialect).bind_processor(dialect)
        converter: Callable[[Any], Any] | None = process
        if process is not None and (isinstance(column.type, _FEW_VALUES) or name in _STAMPED):
            converter = _Memo(process).__getitem__
        converters[key] = converter
    return converters[key]


class _Memo(dict[Any, Any]):
    """A converter that works each value out once; a hit costs a C-level dict lookup."""

    def __init__(self, process: Callable[[Any], Any]) -> None:
        super().__init__()
        self.process = process

    def __missing__(self, value: Any) -> Any:
        self[value] = converted = self.process(value)
        return converted
