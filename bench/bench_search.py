"""How long the force-wide search takes at scale (issue 15: median < 100 ms, worst < 300 ms).

    python bench/bench_search.py [N] [--db PATH] [--queries 100]

Builds (or reuses) a demo database of N offenders, then runs a fixed mix of queries taken from
its own data and typed the way officers type them (phones with and without +44 and spaces,
plates without the space, misspelt surnames, swapped forenames, aliases, associates, postcodes,
dates of birth, PNC numbers, IMEIs, online identifiers, references), as an offender manager
through search.search (authorisation, the index, grouping, the audit row: all of it).

Reported: the first query of the process on its own (cold: the in-memory name index is loaded),
then the median, 90th percentile and worst of the mix, by kind; and, measured in the same run, a
baseline: the same exact lookups as bare SQL on the index, and the name queries as the LIKE scan
of the offender table a search without an index would be. Not a test: numbers depend on the
machine, so they are reported, not asserted.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import func, select  # noqa: E402

from bench.demo_database import demo_database  # noqa: E402
from rso_manager import demo  # noqa: E402
from rso_manager.clock import FixedClock  # noqa: E402
from rso_manager.domain import search_terms as st  # noqa: E402
from rso_manager.persistence import models as m  # noqa: E402
from rso_manager.services import search, users  # noqa: E402
from rso_manager.services.search import names  # noqa: E402
from rso_manager.services.search.query import lookups  # noqa: E402

T = m.table_of(m.SearchTerm)


def _misspell(word: str, rng: random.Random) -> str:
    """One letter changed, or two swapped: what a hurried officer types."""
    if len(word) < 5:
        return word
    i = rng.randrange(1, len(word) - 2)
    if rng.random() < 0.5:
        return word[:i] + word[i + 1] + word[i] + word[i + 2:]
    return word[:i] + rng.choice("aeiou") + word[i + 1:]


def queries(s, rng: random.Random, count: int) -> list[tuple[str, str]]:
    """(kind, text) from the database's own values, typed differently from how they are held."""
    def some(kind: str, n: int) -> list[str]:
        values = s.execute(select(T.c.shown).where(T.c.kind == kind)
                           .order_by(func.random()).limit(n)).scalars().all()
        return list(values)

    per = max(1, count // 12)
    out: list[tuple[str, str]] = []
    for p in some("phone", per):
        digits = p.replace(" ", "")
        out.append(("phone", rng.choice([p, "+44 " + digits[1:], "44" + digits[1:], digits])))
    out += [("imei", f"{i[:2]}-{i[2:8]}-{i[8:14]}-{i[14:]}") for i in some("imei", per)]
    out += [("vehicle", v.replace(" ", "").lower()) for v in some("vehicle", per)]
    out += [("postcode", p.replace(" ", "").lower()) for p in some("postcode", per)]
    out += [("dob", d) for d in some("dob", per)]
    out += [("pnc", p.lower()) for p in some("pnc", per)]
    out += [("online", "@" + o.upper()) for o in some("online", per)]
    for shown in some("name", 2 * per):
        surname, _, forenames = shown.partition(", ")
        words = forenames.split()
        if rng.random() < 0.5:
            out.append(("name (misspelt)", f"{words[0]} {_misspell(surname.title(), rng)}"))
        else:
            out.append(("name (swapped)", f"{surname.lower()} {' '.join(reversed(words))}"))
    out += [("alias", a) for a in some("alias", per)]
    out += [("associate", a.lower()) for a in some("associate", per)]
    refs = s.execute(select(m.Offender.reference).order_by(func.random()).limit(per)).scalars().all()
    out += [("reference", r.lower()) for r in refs]
    rng.shuffle(out)
    return out[:count]


def baseline(services, mix: list[tuple[str, str]], today) -> tuple[list[float], list[float]]:
    """Bare SQL: the exact lookups on the index; a LIKE scan of offender for the names."""
    exact, scans = [], []
    with services.session_factory() as s:
        for kind, text in mix:
            start = time.perf_counter()
            if kind.startswith(("name", "alias", "associate")):
                words = st.name_tokens(text)
                s.execute(select(m.Offender.id).where(
                    *[func.lower(m.Offender.surname + " " + m.Offender.forenames).like(f"%{w}%")
                      for w in words]).limit(51)).all()
                scans.append(time.perf_counter() - start)
            elif kind == "reference":
                s.execute(select(m.Offender.id).where(m.Offender.reference == text.upper())).all()
                exact.append(time.perf_counter() - start)
            else:
                for k, v in lookups(text, today):
                    s.execute(select(T.c.offender_id).where(T.c.kind == k, T.c.value == v)).all()
                exact.append(time.perf_counter() - start)
    return exact, scans


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f}"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("offenders", type=int, nargs="?", default=100_000)
    parser.add_argument("--db", help="reuse this SQLite file (generated if missing)")
    parser.add_argument("--queries", type=int, default=100)
    args = parser.parse_args()
    clock = FixedClock()
    engine, services = demo_database(args.offenders, args.db, clock)
    om = users.login(services, "om.northam1", demo.DEMO_PASSWORD)
    with services.session_factory() as s:
        terms = s.scalar(select(func.count(T.c.id)))
        mix = queries(s, random.Random(15), args.queries)
    print(f"{args.offenders} offenders, {terms} index terms, {len(mix)} queries")

    start = time.perf_counter()
    first = search.search(services, om, "Smith")  # cold: the name index is loaded here
    cold = time.perf_counter() - start
    print(f"cold first query ('Smith', {len(first.hits)} cases): {ms(cold)} ms "
          f"({len(names._CACHE[services.session_factory].rows)} names loaded)")

    times: dict[str, list[float]] = {}
    every: list[float] = []
    misses = 0
    for kind, text in mix:
        start = time.perf_counter()
        found = search.search(services, om, text)
        took = time.perf_counter() - start
        times.setdefault(kind, []).append(took)
        every.append(took)
        misses += not found.hits
    exact, scans = baseline(services, mix, clock.today())

    every.sort()
    p90 = every[int(0.9 * (len(every) - 1))]
    print("\n| measure | median ms | p90 ms | worst ms |\n|---|---:|---:|---:|")
    print(f"| search.search, all {len(every)} queries | {ms(statistics.median(every))} | {ms(p90)} | "
          f"{ms(max(every))} |")
    for kind, ts in sorted(times.items()):
        print(f"| &nbsp; {kind} ({len(ts)}) | {ms(statistics.median(ts))} | | {ms(max(ts))} |")
    print(f"| baseline: the exact lookups as bare SQL ({len(exact)}) | {ms(statistics.median(exact))} | | "
          f"{ms(max(exact))} |")
    print(f"| baseline: names as a LIKE scan of offender ({len(scans)}) | {ms(statistics.median(scans))} | | "
          f"{ms(max(scans))} |")
    print(f"\ncold first query: {ms(cold)} ms; queries that found nothing: {misses}")
    engine.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
