"""The compliance summary's "Court watch" section (issue 18). Imported by compliance_pdf.build_pdf
when it runs, so it may use that module's section helpers."""

from __future__ import annotations

from reportlab.platypus import Flowable

from rso_manager.reports.compliance_figures import ComplianceFigures


def _days(value: float | int | None) -> str:
    if value is None:
        return "–"
    return f"{value:g} day{'s' if value != 1 else ''}"


def section(f: ComplianceFigures, st, lim: int | None) -> list[Flowable]:
    from rso_manager.reports.compliance_pdf import _facts, _list, _section

    w = f.court_watch
    known = w.conviction_to_known
    story = _section(st, "9. Court watch", "People charged with a Schedule 3 offence, watched through their "
                                           "hearings so the OMU knows the day a court convicts (the initial "
                                           "notification is due within 3 days beginning with the conviction, "
                                           "s.83(1)). A hearing with no outcome is listed from the working day "
                                           "after it.")
    rows = [
        ("Prosecutions pending", str(w.pending_prosecutions)),
        ("Hearings with no outcome recorded", str(len(w.hearings_without_outcome))),
        ("SHPO applications not yet attached to the file", str(len(w.pending_shpo_applications))),
        ("Convictions in the period", str(known.count)),
        ("Conviction to the OMU knowing: median", _days(known.median_days)),
        ("Conviction to the OMU knowing: longest", _days(known.worst_days)),
    ]
    rows += [(f"Learned from: {c.label}", str(c.count)) for c in w.convictions_by_source]
    story.append(_facts(st, rows))
    story += _list(st, lim, "Hearings with no outcome recorded", w.hearings_without_outcome, days_label="Days")
    story += _list(st, lim, "SHPO applications not yet attached", w.pending_shpo_applications,
                   days_label="Days since charge")
    return story
