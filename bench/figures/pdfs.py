"""Figure 6: the compliance PDF for a team and for the force (built by compliance_pdf.build_pdf
from the figures, each in a child process of its own) against ReportLab building the same
number of rows, table by table, as page-sized tables of plain strings; pages; peak memory."""

from __future__ import annotations

import json

from bench.figures.children import run_child
from bench.figures.context import Run
from bench.harness import Measurement, median


def _one(run: Run, label: str, scope: str, target: str) -> list[Measurement]:
    reports, plains = [], []
    spent = 0.0
    for _ in range(max(1, run.repeat)):
        report = run_child(run, "bench.pdf_child", "report", run.url, scope)
        plain = run_child(run, "bench.pdf_child", "plain", json.dumps(report.result["shapes"]))
        reports.append(report)
        plains.append(plain)
        spent += report.wall_s + plain.wall_s
        if spent > run.budget_s * 2:  # the budget is per measurement, and a round gives two
            break
    r = reports[-1].result
    extra = {"pages": r["pages"], "rows": r["rows"], "tables": len(r["shapes"]), "bytes": r["bytes"],
             "compute_s": median([x.result["compute_s"] for x in reports]),
             "total_s": median([x.result["total_s"] for x in reports])}
    render = [x.result["render_s"] for x in reports]
    plain_render = [x.result["render_s"] for x in plains]
    return [
        Measurement(6, f"compliance PDF {label}: render", median(render),
                    "plain-string ReportLab, same rows", median(plain_render), runs=render,
                    baseline_runs=plain_render, target=target, extra=extra),
        Measurement(6, f"compliance PDF {label}: peak memory", median([x.peak_mb for x in reports]),
                    "plain-string ReportLab, same rows", median([x.peak_mb for x in plains]), unit="MB",
                    runs=[x.peak_mb for x in reports], baseline_runs=[x.peak_mb for x in plains],
                    target="< 400 MB", extra={"pages": r["pages"]}),
    ]


def measure(run: Run) -> list[Measurement]:
    return [*_one(run, f"team ({run.team})", f"team:{run.team}", "<= 1.5x; whole < 5 s"),
            *_one(run, "force", "force", "<= 1.5x")]
