"""A child process for figure 6, so each PDF's peak memory is its own (the parent reads the
child's resource usage): `report URL team:NAME|force` builds the compliance PDF as the OMU lead
and prints its times, pages and table shapes; `plain SHAPES_JSON` builds the same rows as
page-sized tables of plain strings with ReportLab and prints its time. One JSON line each."""

from __future__ import annotations

import json
import sys
import time
from io import BytesIO


def _report(url: str, scope_arg: str) -> dict:
    import reportlab.platypus.tables as rl_tables
    from pypdf import PdfReader

    from bench.people import LEAD, actor_of
    from rso_manager.clock import FixedClock
    from rso_manager.persistence.engine import make_engine, make_session_factory
    from rso_manager.reports import compliance_pdf
    from rso_manager.reports.compliance_figures import Scope
    from rso_manager.services import reports
    from rso_manager.services.unit_of_work import Services

    shapes: list[tuple[int, int]] = []
    table_init = rl_tables.Table.__init__

    def counted(self, data, *args, **kwargs):  # every table the report prints, row for row
        rows = list(data)
        shapes.append((len(rows), max((len(r) for r in rows), default=0)))
        table_init(self, rows, *args, **kwargs)

    rl_tables.Table.__init__ = counted  # type: ignore[method-assign]
    engine = make_engine(url)
    services = Services(make_session_factory(engine), FixedClock())
    lead = actor_of(services, LEAD)
    scope = Scope.force() if scope_arg == "force" else Scope.team(scope_arg.split(":", 1)[1])
    today = services.clock.today()
    t0 = time.perf_counter()
    figures = reports.compliance_figures_for(services, lead, scope, *reports.default_period(today), today)
    t1 = time.perf_counter()
    data = compliance_pdf.build_pdf(figures, generated_by="bench", generated_at=services.clock.now())
    t2 = time.perf_counter()
    engine.dispose()
    return {"compute_s": t1 - t0, "render_s": t2 - t1, "total_s": t2 - t0, "bytes": len(data),
            "pages": len(PdfReader(BytesIO(data)).pages), "shapes": shapes,
            "rows": sum(r for r, _ in shapes)}


ROWS_PER_TABLE = 40


def _plain(shapes: list[list[int]]) -> dict:
    from reportlab.lib.pagesizes import A4
    from reportlab.platypus import SimpleDocTemplate, Table

    t0 = time.perf_counter()
    story = []
    for rows, cols in shapes:
        for start in range(0, rows, ROWS_PER_TABLE):
            n = min(ROWS_PER_TABLE, rows - start)
            story.append(Table([[f"row {start + i} col {j}" for j in range(max(1, cols))] for i in range(n)]))
    out = BytesIO()
    SimpleDocTemplate(out, pagesize=A4).build(story)
    return {"render_s": time.perf_counter() - t0, "bytes": len(out.getvalue())}


def main(argv: list[str]) -> int:
    from bench.figures.children import peak_mb

    result = _report(argv[1], argv[2]) if argv[0] == "report" else _plain(json.loads(argv[1]))
    print("RESULT " + json.dumps({**result, "peak_mb": peak_mb()}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
