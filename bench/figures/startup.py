"""Figure 1: cold start to the main window showing the caseload (a new process each time,
offscreen) for the OMU lead (the whole force) and an offender manager, against a bare PySide6
window with an empty table started the same way (and, for the lead, a bare window that loads the
same rows by raw SQL); peak memory of each process."""

from __future__ import annotations

from bench.figures.children import ChildResult, run_child
from bench.figures.context import Run
from bench.harness import Measurement, median


def measure(run: Run) -> list[Measurement]:
    who = {"OMU lead, whole force": run.lead.username, "offender manager": run.officer.username}
    apps: dict[str, list[ChildResult]] = {label: [] for label in who}
    bare: list[ChildResult] = []
    bare_rows: list[ChildResult] = []
    spent = 0.0
    for _ in range(max(1, run.repeat)):
        bare.append(run_child(run, "bench.gui_child", "bare"))
        bare_rows.append(run_child(run, "bench.gui_child", "bare", run.url))
        for label, username in who.items():
            apps[label].append(run_child(run, "bench.gui_child", "app", run.url, username))
        spent += sum(x[-1].wall_s for x in (bare, bare_rows, *apps.values()))
        if spent > run.budget_s * 5:  # the budget is per measurement, and a round gives five
            break
    bare_s, bare_mb = [x.wall_s for x in bare], [x.peak_mb for x in bare]
    out = []
    for label, results in apps.items():
        runs = [x.wall_s for x in results]
        out.append(Measurement(1, f"cold start to caseload ({label})", median(runs),
                               "bare PySide6 window, empty table", median(bare_s), runs=runs,
                               baseline_runs=bare_s, target="<= 3x and < 2 s",
                               extra={"rows": results[-1].result["rows"], "modules": results[-1].result["modules"],
                                      "steps_s": {step: median([x.result["steps_s"][step] for x in results])
                                                  for step in results[-1].result["steps_s"]}}))
        if label.startswith("OMU lead"):
            rows_s = [x.wall_s for x in bare_rows]
            out.append(Measurement(1, f"cold start to caseload ({label})", median(runs),
                                   "bare window + the same rows by raw SQL", median(rows_s), runs=runs,
                                   baseline_runs=rows_s, extra={"rows": bare_rows[-1].result["rows"]}))
        mb = [x.peak_mb for x in results]
        out.append(Measurement(1, f"cold start peak memory ({label})", median(mb), "bare PySide6 window",
                               median(bare_mb), unit="MB", runs=mb, baseline_runs=bare_mb, target="< 400 MB"))
    return out
