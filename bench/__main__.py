"""The benchmark of issue 16: every figure beside its baseline, measured in the same run.

    python -m bench --offenders N [--db URL|postgresql] [--out results.json] [--only 1,2,...]
                    [--repeat K] [--budget SECONDS] [--growth 1000,10000,100000]

The database: --db (a SQLite path or URL, a PostgreSQL URL, or `postgresql` for a server of its
own started as the tests start theirs), else /dev/shm/bench/bench-N.db when it exists, else a
new file; one holding no one is filled with the deterministic demo (seed 1). The key comes from
RSO_DB_KEY (default `benchkey`, the shared demo files' key). Every service runs on the demo's
fixed clock, so the figures are the same from one run to the next.

Figures (the issue's list): 1 cold start and peak memory; 2 caseload; 3 filter keystroke and
opening a record; 4 planner; 5 reminder scan, dashboard and compliance JSON; 6 compliance PDFs;
7 audit verify; 8 the longest GUI event-loop block per phase; 9 (with --growth) the fitted
exponent of each figure over N; and, with --only demo, demo generation against a raw insert. Each is the median of --repeat runs (fewer when a figure's
runs pass --budget seconds), beside its baseline's median and the ratio of the two. Not a test:
the numbers are printed and written to --out, not asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

os.environ.setdefault("RSO_DB_KEY", "benchkey")  # before anything opens a database
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from bench import people  # noqa: E402
from bench.demo_database import bench_database  # noqa: E402
from bench.figures import audit, caseload, demo_generation, gui, pdfs, planner, scans, startup  # noqa: E402
from bench.figures.context import Run  # noqa: E402
from bench.harness import Measurement, exponent, table  # noqa: E402
from rso_manager.clock import FixedClock  # noqa: E402

# In the order they run: the in-process service figures first, then the child processes.
FIGURES: dict[str, tuple[tuple[int, ...], ModuleType]] = {
    "caseload": ((2,), caseload),
    "planner": ((4,), planner),
    "scans": ((5,), scans),
    "audit": ((7,), audit),
    "pdf": ((6,), pdfs),
    "startup": ((1,), startup),
    "gui": ((3, 8), gui),
    "demo": ((demo_generation.NUMBER,), demo_generation),  # only when asked: it makes two databases of N
}
DEFAULT = [name for name in FIGURES if name != "demo"]


def chosen(only: str | None) -> list[str]:
    """--only takes figure numbers (1-8) or the names above, comma-separated."""
    if not only:
        return DEFAULT
    wanted = {w.strip() for w in only.split(",") if w.strip()}
    names = [n for n, (numbers, _) in FIGURES.items() if n in wanted or any(str(x) in wanted for x in numbers)]
    unknown = wanted - set(FIGURES) - {str(x) for numbers, _ in FIGURES.values() for x in numbers} - {"9"}
    if unknown:
        raise SystemExit(f"--only: no figure {', '.join(sorted(unknown))} (1-8 or {', '.join(FIGURES)})")
    return names


def machine() -> dict[str, object]:
    model = ""
    try:
        model = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                      if line.startswith("model name")), "")
    except OSError:
        pass
    return {"cpu": model or platform.processor(), "cpus": os.cpu_count(), "python": platform.python_version(),
            "system": platform.platform()}


def run_at(offenders: int, args: argparse.Namespace, names: list[str], workdir: Path,
           say: Callable[[str], None]) -> tuple[dict[str, object], list[Measurement]]:
    clock = FixedClock()
    db = bench_database(offenders, args.db, clock, workdir)
    try:
        services = db.services
        run = Run(offenders, db.url, services, people.actor_of(services, people.LEAD),
                  people.actor_of(services, people.SUPERVISOR), people.actor_of(services, people.OFFICER),
                  people.TEAM, args.repeat, args.budget, workdir)
        measurements: list[Measurement] = []
        for name in names:
            t = time.perf_counter()
            got = FIGURES[name][1].measure(run)
            measurements += got
            say(f"  {name}: {len(got)} measurements in {time.perf_counter() - t:.1f} s")
        info = {"offenders": offenders, "database": db.url.split("@")[-1], "generated_s": db.generated_s}
        return info, measurements
    finally:
        db.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--offenders", type=int, default=20_000)
    parser.add_argument("--db", help="SQLite path or URL, PostgreSQL URL, or 'postgresql' (a server of its own)")
    parser.add_argument("--out", help="write the results as JSON to this file")
    parser.add_argument("--only", help="figures to run: numbers 1-8 or names " + ",".join(FIGURES))
    parser.add_argument("--repeat", type=int, default=3, help="runs of each figure and its baseline (median)")
    parser.add_argument("--budget", type=float, default=15.0,
                        help="seconds a figure's runs may take before it stops repeating (at least one run)")
    parser.add_argument("--growth", help="offender counts, e.g. 1000,10000,100000: every figure at each, "
                                         "and its fitted growth exponent (figure 9)")
    parser.add_argument("--workdir", help="for new databases, PDFs and child output (default: a new temp dir)")
    args = parser.parse_args(argv)
    names = chosen(args.only)
    sizes = [int(n) for n in args.growth.split(",")] if args.growth else [args.offenders]
    if args.growth and args.db and args.db != "postgresql":
        raise SystemExit("--growth makes a database per size: give no --db, or --db postgresql")
    shm = Path("/dev/shm")
    base = shm if shm.is_dir() and os.access(shm, os.W_OK) else None
    workdir = Path(args.workdir) if args.workdir else Path(tempfile.mkdtemp(prefix="rso-bench-", dir=base))
    workdir.mkdir(parents=True, exist_ok=True)

    def say(text: str) -> None:
        print(text, flush=True)

    started = time.perf_counter()
    runs = []
    by_size: dict[int, list[Measurement]] = {}
    for n in sizes:
        say(f"N = {n:,} offenders ({', '.join(names)})")
        info, measurements = run_at(n, args, names, workdir, say)
        by_size[n] = measurements
        runs.append({**info, "measurements": [x.as_json() for x in measurements]})
        say(f"\nN = {n:,} offenders, {info['database']}, medians of up to {args.repeat} runs\n{table(measurements)}\n")
    growth: dict[str, dict[str, float | None]] = {}
    if len(sizes) > 1:
        say("Figure 9: growth exponent over N = " + ", ".join(f"{n:,}" for n in sizes)
            + " (log-log least squares; 1.0 is linear)")
        say(f"  {'figure':<56} {'figure':>7} {'baseline':>9}")
        for x in by_size[sizes[0]]:
            same = [next((y for y in by_size[n] if y.name == x.name), None) for n in sizes]
            fitted = {"figure": exponent(sizes, [y.median if y else float("nan") for y in same]),
                      "baseline": exponent(sizes, [y.baseline_median if y else float("nan") for y in same])}
            growth[x.name] = fitted
            shown = [f"{v:.2f}" if v is not None else "-" for v in fitted.values()]
            say(f"  {x.name[:56]:<56} {shown[0]:>7} {shown[1]:>9}   target <= 1.1")
    total = time.perf_counter() - started
    say(f"benchmark took {total:.0f} s")
    if args.out:
        Path(args.out).write_text(json.dumps({"machine": machine(), "repeat": args.repeat, "seconds": total,
                                              "runs": runs, "growth": growth}, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
