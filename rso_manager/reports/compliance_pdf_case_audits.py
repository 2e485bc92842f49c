"""The compliance summary's "Case audits" section (issue 18). Imported by compliance_pdf.build_pdf
when it runs, so it may use that module's section helpers."""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable

from rso_manager.reports.compliance_figures import ComplianceFigures


def section(f: ComplianceFigures, st, lim: int | None) -> list[Flowable]:
    from rso_manager.reports.compliance_pdf import _facts, _grid, _list, _section
    from rso_manager.reports.pdf_kit import para

    a = f.case_audits
    story = _section(st, "10. Case audits",
                     "Managers' audits of cases against the inspection's checklist, graded as the inspectors "
                     "graded: good, requires improvement or inadequate. Grades count in the quarter an audit was "
                     "completed; findings stay open until their action has a result. The officer column names "
                     "the action's owner.")
    total = sum(g.total for g in a.grades)
    story.append(_facts(st, [
        ("Audits completed in the period", str(a.completed_in_period)),
        (f"Audits graded, {a.quarters[0] if a.quarters else ''} to {a.quarters[-1] if a.quarters else ''}", str(total)),
        ("Inadequate", str(sum(g.inadequate for g in a.grades))),
        ("Findings still open", str(len(a.open_findings))),
    ]))
    story += [CondPageBreak(40 * mm), para("Grades by team and quarter", st.h2)]
    story += _grid(st, ["Team", "Quarter", "Good", "Requires improvement", "Inadequate"], list(a.grades),
                   [None, 28 * mm, 22 * mm, 40 * mm, 26 * mm], numeric_cols=(2, 3, 4),
                   highlight=lambda i: a.grades[i].inadequate > 0,
                   cells=lambda g: [g.team, g.quarter, str(g.good), str(g.requires_improvement), str(g.inadequate)])
    story += _list(st, lim, "Case audit findings still open, oldest first", a.open_findings, days_label="Days open")
    return story
