"""Compliance figures and PDFs at scale, each against its baseline measured in the same run.

    python bench/bench_reports.py --db /dev/shm/bench/bench-20000.db [--repeat 3] [--only figures|pdf|gui]

On a demo database (RSO_DB_KEY set for SQLCipher), as the OMU lead:
- figures: compliance_figures.compute for the largest team and the whole force, against a raw
  aggregate of the same counts (GROUP BY / COUNT queries over the same tables, no rules);
- pdf: the team's PDF (every list in full), the force's summary and the force with every
  exception list, each in a child process of its own (time, pages, peak memory), against
  ReportLab laying the same number of table rows as page-sized tables of plain strings in the
  same font (the baseline child);
- apart: the team's PDF and the force's with every list, built as the app builds them (in a
  process of their own): the time from the figures to the bytes, and that process's peak memory;
- gui: the longest gap of a 10 ms Qt heartbeat on the main thread while the team's PDF is
  built on a worker thread in-thread (as before issue 16) and through build_apart.
Prints medians and ratios. Not a test: nothing is asserted. P1's harness may call figures(),
pdfs() and gui_gaps() with (services, lead, repeat).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from datetime import timedelta
from io import BytesIO
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import func, select, text  # noqa: E402

from rso_manager.clock import FixedClock  # noqa: E402
from rso_manager.persistence import models as m  # noqa: E402
from rso_manager.reports.compliance_figures import Scope  # noqa: E402

RAW_AGGREGATES = (
    "SELECT status, mappa_level, risk_level, count(*) FROM offender GROUP BY status, mappa_level, risk_level",
    "SELECT offender_manager_id, count(*) FROM offender WHERE status != 'ended' GROUP BY offender_manager_id",
    "SELECT kind, outcome, announced, count(*) FROM visit WHERE visited_at >= :start AND voided_at IS NULL "
    "GROUP BY kind, outcome, announced",
    "SELECT offender_id, max(visited_at) FROM visit WHERE status = 'completed' AND voided_at IS NULL "
    "GROUP BY offender_id",
    "SELECT count(*) FROM statutory_notification WHERE notified_at IS NULL AND due_on < :today AND voided_at IS NULL",
    "SELECT status, count(*) FROM breach WHERE voided_at IS NULL GROUP BY status",
    "SELECT count(*) FROM device d LEFT JOIN device_check c ON c.device_id = d.id WHERE d.status = 'active'",
    "SELECT status, count(*) FROM sign_off GROUP BY status",
    "SELECT count(*) FROM plan_action WHERE completed_on IS NULL AND due_on < :today AND voided_at IS NULL",
    "SELECT offender_id, max(assessed_on) FROM risk_assessment WHERE voided_at IS NULL GROUP BY offender_id",
    "SELECT count(*) FROM safeguarding_referral WHERE decision_at IS NULL AND voided_at IS NULL",
)


def _median(fn, repeat: int):
    times, result = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), result


def largest_team(services) -> str:
    with services.session_factory() as s:
        return s.execute(select(m.Team.name).join(m.Offender, m.Offender.team_id == m.Team.id)
                         .group_by(m.Team.name).order_by(func.count().desc()).limit(1)).scalar_one()


def raw_aggregate(services, today) -> int:
    params = {"start": today - timedelta(days=92), "today": today}
    with services.session_factory() as s:
        return sum(len(s.execute(text(sql), params).all()) for sql in RAW_AGGREGATES)


def figures(services, lead, repeat: int) -> list[tuple[str, float, float]]:
    """(what, seconds, ratio to the raw aggregate) for the largest team and the force."""
    from rso_manager.services import reports

    today = services.clock.today()
    raw_s, _ = _median(lambda: raw_aggregate(services, today), repeat)
    out = [("raw aggregate of the same counts", raw_s, 1.0)]
    for label, scope in ((f"team {largest_team(services)}", Scope.team(largest_team(services))),
                         ("whole force", Scope.force())):
        seconds, _ = _median(lambda sc=scope: reports.compliance_figures_for(
            services, lead, sc, *reports.default_period(today), today), repeat)
        out.append((f"figures, {label}", seconds, seconds / raw_s))
    return out


# --- the PDFs, each in a child process of its own (peak memory is the child's) ---------------------------


def _child(args: list[str]) -> dict:
    proc = subprocess.run([sys.executable, __file__, "--child", *args], capture_output=True, text=True,
                          env=os.environ.copy(), check=False)
    line = next((x for x in proc.stdout.splitlines() if x.startswith("RESULT ")), None)
    if line is None:
        raise RuntimeError(proc.stderr[-3000:])
    return json.loads(line[7:])


def _peak_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _child_report(db: str, scope_arg: str, full: bool, apart: bool = False) -> dict:
    """One PDF: in this process (against the baseline), or APART as the app builds it (the time
    then includes starting the process and sending it the figures; the peak is that process's)."""
    import reportlab.platypus.tables as rl_tables
    from pypdf import PdfReader

    from rso_manager.database import open_database
    from rso_manager.reports import compliance_pdf
    from rso_manager.services import reports

    rows = [0]
    table_init = rl_tables.Table.__init__

    def counted(self, data, *args, **kwargs):  # every body row the report prints
        data = list(data)
        rows[0] += max(0, len(data) - (1 if kwargs.get("repeatRows") else 0))
        table_init(self, data, *args, **kwargs)

    rl_tables.Table.__init__ = counted  # type: ignore[method-assign]
    engine, services = open_database(f"sqlite:///{db}", FixedClock())
    from bench.people import LEAD, actor_of

    lead = actor_of(services, LEAD)
    scope = Scope.force() if scope_arg == "force" else Scope.team(scope_arg)
    today = services.clock.today()
    figs, team_of = reports._figures(services, lead, scope, *reports.default_period(today), today, teams=True)
    kwargs = {"generated_by": "bench", "generated_at": services.clock.now(), "team_of": team_of,
              "full_lists": full}
    if apart:  # the app's way: the figures sent to a process of its own, which builds the PDF
        import resource

        from rso_manager.reports.separate_process import build_apart

        t = time.perf_counter()
        data = build_apart(compliance_pdf.build_pdf, figs, **kwargs)
        seconds = time.perf_counter() - t
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    else:
        compliance_pdf.register_fonts()  # once a process, as the baseline's
        t = time.perf_counter()
        data = compliance_pdf.build_pdf(figs, **kwargs)
        seconds = time.perf_counter() - t
        peak = _peak_mb()
    engine.dispose()
    return {"render_s": seconds, "pages": len(PdfReader(BytesIO(data)).pages), "rows": rows[0],
            "bytes": len(data), "peak_mb": peak}


def _child_plain(rows: int) -> dict:
    """The baseline: ROWS rows of four plain strings (a reference, an officer, what is needed,
    days), 50 to a table, in DejaVu Sans on A4, marked like nothing."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import SimpleDocTemplate, Table, TableStyle

    from rso_manager.reports.pdf_kit import FONT, register_fonts

    register_fonts()
    t = time.perf_counter()
    style = TableStyle([("FONTNAME", (0, 0), (-1, -1), FONT), ("FONTSIZE", (0, 0), (-1, -1), 8)])
    widths = [46 * mm, 38 * mm, 75 * mm, 19 * mm]  # the report's own: no width worked out per cell
    story = [Table([[f"RSO-{i:06d}", "Officer Name", "Home visit overdue: due by 01/10/2026", str(i % 90)]
                    for i in range(start, min(start + 50, rows))], colWidths=widths, style=style)
             for start in range(0, rows, 50)]
    out = BytesIO()
    SimpleDocTemplate(out, pagesize=A4, initialFontName=FONT).build(story)
    return {"render_s": time.perf_counter() - t, "bytes": len(out.getvalue()), "peak_mb": _peak_mb()}


def pdfs(db: str, team: str, repeat: int) -> list[dict]:
    out = []
    for label, scope_arg, full in ((f"team {team}", team, False), ("force summary", "force", False),
                                   ("force, full lists", "force", True)):
        runs = [_child(["report", db, scope_arg, "1" if full else "0"]) for _ in range(repeat)]
        base = [_child(["plain", str(runs[0]["rows"])]) for _ in range(repeat)]
        r = statistics.median(x["render_s"] for x in runs)
        b = statistics.median(x["render_s"] for x in base)
        out.append({"what": label, "render_s": r, "baseline_s": b, "ratio": r / b, "pages": runs[0]["pages"],
                    "rows": runs[0]["rows"], "peak_mb": max(x["peak_mb"] for x in runs),
                    "baseline_peak_mb": max(x["peak_mb"] for x in base)})
    return out


# --- the GUI heartbeat ------------------------------------------------------------------------------------


REPAINT_GIL_HANDOVERS = 20


def gui_gaps(services, lead, team: str) -> dict[str, float]:
    """The longest gap (ms) between the ends of a 10 ms QTimer's beats, each a stand-in repaint,
    while the team's PDF is built on a thread (the heartbeat of figure 8, on the main thread)."""
    import threading

    from PySide6.QtCore import QCoreApplication, QTimer

    from rso_manager.reports import compliance_pdf
    from rso_manager.reports.separate_process import build_apart
    from rso_manager.services import reports

    app = QCoreApplication.instance() or QCoreApplication([])
    today = services.clock.today()
    figs, team_of = reports._figures(services, lead, Scope.team(team), *reports.default_period(today), today,
                                      teams=True)
    kwargs = {"generated_by": "bench", "generated_at": services.clock.now(), "team_of": team_of}
    out = {}
    for label, build in (("nothing (idle)", lambda: time.sleep(3)), ("in the worker thread", lambda: compliance_pdf.build_pdf(figs, **kwargs)),
                         ("in a separate process", lambda: build_apart(compliance_pdf.build_pdf, figs, **kwargs))):
        gaps, last = [0.0], [time.perf_counter()]

        def beat(gaps=gaps, last=last):
            # A repaint calls back into Python many times, and each time waits for the GIL: 20
            # hand-overs stand for it, so a thread holding the GIL shows as it does on screen.
            for _ in range(REPAINT_GIL_HANDOVERS):
                time.sleep(0)
            now = time.perf_counter()
            gaps.append(now - last[0])
            last[0] = now

        timer = QTimer()
        timer.setInterval(10)
        timer.timeout.connect(beat)
        done = threading.Event()
        worker = threading.Thread(target=lambda b=build, d=done: (b(), d.set()))
        timer.start()
        last[0] = time.perf_counter()
        worker.start()
        while not done.is_set():
            app.processEvents()
            time.sleep(0.001)
        worker.join()
        timer.stop()
        out[label] = max(gaps) * 1000
    return out


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--only", choices=("figures", "pdf", "gui", "apart"))
    args = parser.parse_args()
    from bench.people import LEAD, actor_of
    from rso_manager.database import open_database

    engine, services = open_database(f"sqlite:///{args.db}", FixedClock())
    lead = actor_of(services, LEAD)
    team = largest_team(services)
    results: dict = {"db": args.db}
    if args.only in (None, "figures"):
        results["figures"] = figures(services, lead, args.repeat)
        for what, seconds, ratio in results["figures"]:
            print(f"{what:<40} {seconds * 1000:9.1f} ms  {ratio:5.2f} x")
    if args.only in (None, "pdf"):
        results["pdf"] = pdfs(args.db, team, args.repeat)
        for r in results["pdf"]:
            print(f"PDF {r['what']:<26} {r['render_s']:7.2f} s vs plain {r['baseline_s']:7.2f} s = {r['ratio']:4.2f} x;"
                  f" {r['pages']} pages, {r['rows']} rows, peak {r['peak_mb']:.0f} MB"
                  f" (baseline {r['baseline_peak_mb']:.0f} MB)")
    if args.only in (None, "apart"):
        for label, scope_arg, full in ((f"team {team}", team, "0"), ("force, full lists", "force", "1")):
            r = _child(["report", args.db, scope_arg, full, "apart"])
            results.setdefault("apart", []).append({"what": label, **r})
            print(f"PDF apart {label:<24} {r['render_s']:7.2f} s; {r['pages']} pages; document process peak "
                  f"{r['peak_mb']:.0f} MB")
    if args.only in (None, "gui"):
        results["gui"] = gui_gaps(services, lead, team)
        for what, ms in results["gui"].items():
            print(f"longest GUI gap while the team PDF builds {what:<24} {ms:7.1f} ms")
    engine.dispose()
    print("JSON " + json.dumps(results, default=str))
    return 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        kind, *rest = sys.argv[2:]
        result = (_child_report(rest[0], rest[1], rest[2] == "1", rest[3:] == ["apart"]) if kind == "report"
                  else _child_plain(int(rest[0])))
        print("RESULT " + json.dumps(result), flush=True)
        raise SystemExit(0)
    raise SystemExit(main())
