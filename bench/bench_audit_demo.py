"""`audit verify` and demo generation, each against a raw baseline measured in the same run.

    .venv/bin/python -m bench.bench_audit_demo verify DB [--repeat 5] [--chain-only]
    .venv/bin/python -m bench.bench_audit_demo demo N DIR [--postgres] [--repeat 1]

verify: `audit_chain.verify` of the chain alone (records=False) against a hand-written loop over
the same rows through the raw DBAPI cursor (canonical JSON, HMAC-SHA256 with the keyed state
copied per row, prev-hash link), and the full verify (record seals too) against that loop plus
a raw read of every case-table row digested with the same keyed BLAKE2b.

demo: `demo.generate` of N offenders into an empty database against a raw insert of the very
rows it wrote (read back as tuples; executemany on SQLite, COPY through psycopg's cursor.copy on
PostgreSQL) into another empty database of the same schema. Each database is new (files in DIR
on SQLite; databases on a throwaway server for PostgreSQL).

Prints medians and the ratio; `verify_figures` and `demo_figures` return them for the harness.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("RSO_AUDIT_KEY", "a0d1" * 16)
os.environ.setdefault("RSO_DB_KEY", "5eed" * 16)

from sqlalchemy import Engine, create_engine  # noqa: E402

from rso_manager import demo  # noqa: E402
from rso_manager.clock import FixedClock  # noqa: E402
from rso_manager.database import open_database  # noqa: E402
from rso_manager.persistence import audit_chain, audit_key, record_seal  # noqa: E402
from rso_manager.persistence.models import Base  # noqa: E402

AUDIT_COLUMNS = ("id", "occurred_at", "user_id", "username", "role", "action", "entity",
                 "entity_id", "offender_id", "outcome", "reason", "details_json", "prev_hash",
                 "hash", "key_id", "seal")


def _at(value: Any) -> str:
    if isinstance(value, str):  # SQLite: "YYYY-MM-DD HH:MM:SS.ffffff" in UTC
        return value[:10] + "T" + value[11:] + ("Z" if "." in value else ".000000Z")
    return value.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def raw_chain(engine: Engine) -> tuple[int, str, list[str]]:
    """The hand-written check: (rows, head hash, seals of keyed rows)."""
    key = audit_key.load()
    base = hmac.new(key.secret, b"audit row|", hashlib.sha256)
    conn = engine.raw_connection()
    try:
        cur = conn.cursor()
        cur.execute(f"SELECT {', '.join(AUDIT_COLUMNS)} FROM audit_event ORDER BY id")
        prev, count, seals = audit_chain.GENESIS, 0, []
        for (ident, at, user_id, username, role, action, entity, entity_id, offender_id, outcome,
             reason, details, prev_hash, row_hash, key_id, seal) in cur:
            body = {"id": ident, "at": _at(at), "user_id": user_id, "username": username,
                    "role": role, "action": action, "entity": entity, "entity_id": entity_id,
                    "offender_id": offender_id, "outcome": outcome, "reason": reason,
                    "details": details, "prev": prev_hash}
            if key_id is None:
                ok = hashlib.sha256(json.dumps(body, sort_keys=True, separators=(",", ":"),
                                               ensure_ascii=False).encode()).hexdigest() == row_hash
            else:
                body["key"] = key_id
                body["seal"] = seal
                h = base.copy()
                h.update(json.dumps(body, sort_keys=True, separators=(",", ":"),
                                    ensure_ascii=False).encode())
                ok = h.hexdigest() == row_hash
                if seal is not None:
                    seals.append(seal)
            if not ok or prev_hash != prev:
                raise AssertionError(f"row {ident} does not check")
            prev, count = row_hash, count + 1
        return count, prev, seals
    finally:
        conn.close()


def raw_records(engine: Engine, seals: list[str]) -> int:
    """Every case-table row read through the raw cursor and digested as the seal book does
    (the values converted to what the ORM types give back), compared with the latest seal."""
    from sqlalchemy import Boolean, Date

    from rso_manager.persistence.types import TZDateTime

    book = record_seal.SealBook()
    for seal in seals:
        book.add(seal)
    digester = record_seal.Digester(audit_key.load())
    conn = engine.raw_connection()
    checked = 0
    try:
        cur = conn.cursor()
        for table in record_seal.sealed_tables():
            td = digester[table.name]
            convert = []
            for name in td.names:
                t = table.c[name].type
                if isinstance(t, TZDateTime):
                    convert.append(_raw_datetime)
                elif isinstance(t, Boolean):
                    convert.append(_raw_bool)
                elif isinstance(t, Date):
                    convert.append(_raw_date)
                else:
                    convert.append(None)
            plan = [(i, c) for i, c in enumerate(convert) if c is not None]
            id_col = td.names.index("id")
            expected = book.expected.get(table.name, bytearray())
            cur.execute(f"SELECT {', '.join(td.names)} FROM {table.name} ORDER BY id")
            for row in cur:
                if plan:
                    row = list(row)
                    for i, c in plan:
                        row[i] = c(row[i])
                lo = row[id_col] * record_seal.DIGEST_BYTES
                if td.of_values(row) != bytes(expected[lo:lo + record_seal.DIGEST_BYTES]):
                    raise AssertionError(f"{table.name} {row[id_col]} does not check")
                checked += 1
        return checked
    finally:
        conn.close()


def _raw_datetime(value: Any) -> Any:
    from datetime import UTC, datetime
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC)


def _raw_bool(value: Any) -> Any:
    return None if value is None else bool(value)


def _raw_date(value: Any) -> Any:
    from datetime import date
    return date.fromisoformat(value) if isinstance(value, str) else value


def _median(fn, repeat: int) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), result


def verify_figures(url: str, repeat: int = 5, records: bool = True) -> dict[str, float]:
    engine, services = open_database(url, FixedClock())
    try:
        def ours(with_records: bool):
            with services.session_factory() as s:
                report = audit_chain.verify(s, records=with_records)
            assert report.ok, report
            return report

        out: dict[str, float] = {}
        # Interleaved, so load from other work on the machine falls on both alike.
        t_ours, t_raw = [], []
        for _ in range(repeat):
            t_ours.append(_median(lambda: ours(False), 1)[0])
            t, (rows, _head, _seals) = _median(lambda: raw_chain(engine), 1)
            t_raw.append(t)
        out.update(rows=rows, verify_chain=statistics.median(t_ours),
                   raw_chain=statistics.median(t_raw))
        if records:
            t_ours, t_raw = [], []
            for _ in range(repeat):
                t, report = _median(lambda: ours(True), 1)
                t_ours.append(t)

                def raw() -> int:
                    _rows, _head, seals = raw_chain(engine)
                    return raw_records(engine, seals)
                t, checked = _median(raw, 1)
                t_raw.append(t)
                assert checked == report.records_checked, (checked, report.records_checked)
            out.update(records=checked, verify_full=statistics.median(t_ours),
                       raw_full=statistics.median(t_raw))
        return out
    finally:
        engine.dispose()


# --- demo generation ---------------------------------------------------------------------------


def _sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def _empty(url: str) -> tuple[Engine, Any]:
    return open_database(url, FixedClock())


def raw_insert(source: Engine, target: Engine) -> tuple[float, int]:
    """Insert every row SOURCE holds beyond what TARGET already holds (the seeded reference
    data), table by table in foreign-key order, from prepared tuples; only the inserts and the
    commit are timed."""
    src, dst = source.raw_connection(), target.raw_connection()
    postgres = target.dialect.name == "postgresql"
    elapsed, rows = 0.0, 0
    try:
        scur, dcur = src.cursor(), dst.cursor()
        if not postgres:
            dcur.execute("PRAGMA cache_size=-131072")  # what the demo load gives itself
        for table in Base.metadata.sorted_tables:
            names = [c.name for c in table.c]
            have: set[Any] = set()
            if "id" in names:
                dcur.execute(f"SELECT id FROM {table.name}")
                have = {r[0] for r in dcur.fetchall()}
            scur.execute(f"SELECT {', '.join(names)} FROM {table.name}")
            id_at = names.index("id") if "id" in names else None
            data = [r for r in scur.fetchall() if id_at is None or r[id_at] not in have]
            if not data:
                continue
            if table.name == "audit_head":
                continue  # one row, updated by the app: not part of a bulk load
            into = table.name
            if table.name == "audit_event":
                # The target's own chain (its seeds' rows) has other hashes, so the trigger would
                # refuse these rows: they go into a copy of the table's shape instead.
                into = "bench_audit_event"
                dcur.execute(f"CREATE {'TEMP ' if postgres else ''}TABLE {into} AS "
                             "SELECT * FROM audit_event WHERE 1 = 0")
            t = time.perf_counter()
            if postgres:
                with dcur.copy(f"COPY {into} ({', '.join(names)}) FROM STDIN") as copy:
                    for r in data:
                        copy.write_row(r)
            else:
                dcur.executemany(f"INSERT INTO {into} ({', '.join(names)}) "
                                 f"VALUES ({', '.join('?' * len(names))})", data)
            elapsed += time.perf_counter() - t
            rows += len(data)
        t = time.perf_counter()
        dst.commit()
        elapsed += time.perf_counter() - t
        return elapsed, rows
    finally:
        src.close()
        dst.rollback()
        dst.close()


def demo_figures(offenders: int, workdir: Path, postgres: bool = False,
                 repeat: int = 1) -> dict[str, float]:
    """Median seconds of demo.generate and of the raw insert of the rows it wrote; POSTGRES:
    on a throwaway server (tests/pg_server.py), each database set up as the README says."""
    workdir.mkdir(parents=True, exist_ok=True)
    server = None
    if postgres:
        from tests import pg_server
        server = pg_server.start()
    t_ours, t_raw, rows = [], [], 0
    try:
        for i in range(repeat):
            engine, services = _empty(_scratch(server, workdir, f"gen{i}"))
            target, _ = _empty(_scratch(server, workdir, f"raw{i}"))
            try:
                t = time.perf_counter()
                demo.generate(services, offenders=offenders, seed=1)
                t_ours.append(time.perf_counter() - t)
                print(f"generated in {t_ours[-1]:.1f} s", flush=True)
                raw_target = target
                if server is not None:  # COPY into a table of its own needs more than the app role
                    from tests import pg_server
                    raw_target = create_engine(pg_server.as_user(
                        target.url.render_as_string(hide_password=False), pg_server.SUPERUSER))
                elapsed, rows = raw_insert(engine, raw_target)
                if raw_target is not target:
                    raw_target.dispose()
                t_raw.append(elapsed)
            finally:
                engine.dispose()
                target.dispose()
                if server is None:
                    _drop_files(workdir, f"gen{i}")
                    _drop_files(workdir, f"raw{i}")
    finally:
        if server is not None:
            server.stop()
    return {"offenders": offenders, "rows": rows, "generate": statistics.median(t_ours),
            "raw_insert": statistics.median(t_raw)}


def _scratch(server: Any, workdir: Path, name: str) -> str:
    if server is None:
        _drop_files(workdir, name)
        return _sqlite_url(workdir / f"{name}.db")
    from tests import pg_server
    return pg_server.create_app_database(server, f"bench_{name}", FixedClock().now())


def _drop_files(workdir: Path, name: str) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{workdir / name}.db{suffix}").unlink(missing_ok=True)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="what", required=True)
    v = sub.add_parser("verify")
    v.add_argument("db", help="a SQLite file or a database URL")
    v.add_argument("--repeat", type=int, default=5)
    v.add_argument("--chain-only", action="store_true")
    d = sub.add_parser("demo")
    d.add_argument("offenders", type=int)
    d.add_argument("dir", type=Path)
    d.add_argument("--postgres", action="store_true", help="on a throwaway PostgreSQL server")
    d.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args(argv)
    if args.what == "verify":
        url = args.db if "://" in args.db else _sqlite_url(Path(args.db))
        f = verify_figures(url, args.repeat, records=not args.chain_only)
        print(f"audit verify, {f['rows']} rows: chain {f['verify_chain']:.3f} s against raw "
              f"{f['raw_chain']:.3f} s ({f['verify_chain'] / f['raw_chain']:.2f}x)")
        if "verify_full" in f:
            print(f"  with {f['records']} records: {f['verify_full']:.3f} s against raw "
                  f"{f['raw_full']:.3f} s ({f['verify_full'] / f['raw_full']:.2f}x)")
    else:
        f = demo_figures(args.offenders, args.dir, args.postgres, args.repeat)
        print(f"demo generation, {f['offenders']} offenders, {f['rows']} rows: "
              f"{f['generate']:.1f} s against raw insert {f['raw_insert']:.1f} s "
              f"({f['generate'] / f['raw_insert']:.2f}x)")
    print(json.dumps(f))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
