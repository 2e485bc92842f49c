"""Demo generation (the issue's last target; run with --only demo): demo.generate of N offenders
into an empty SQLite database against a raw insert of the very rows it wrote, measured by
bench/bench_audit_demo.py's demo_figures (new databases in the work directory, removed after)."""

from __future__ import annotations

import os

from bench.figures.context import Run
from bench.harness import Measurement

NUMBER = 10


def measure(run: Run) -> list[Measurement]:
    if not run.url.startswith("sqlite"):
        return []  # on PostgreSQL: `python bench/bench_audit_demo.py demo N DIR --db URL` (COPY baseline)
    # That module sets test keys as defaults when it is imported; the keys this run uses stay.
    keys = {k: os.environ.get(k) for k in ("RSO_AUDIT_KEY", "RSO_DB_KEY")}
    from bench.bench_audit_demo import demo_figures

    for k, v in keys.items():
        if v is None:
            os.environ.pop(k, None)
    got = demo_figures(run.offenders, run.workdir / "demo-generation", repeat=1)
    return [Measurement(NUMBER, f"demo generation of {run.offenders:,} offenders", got["generate"],
                        "raw insert of the same rows", got["raw_insert"], runs=[got["generate"]],
                        baseline_runs=[got["raw_insert"]], target="<= 1.5x", extra={"rows": got["rows"]})]
