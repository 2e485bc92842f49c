"""The compliance summary as an A4 PDF, built from ComplianceFigures (engineering.md section 4).

Pure: figures in, bytes out. Made with reports.pdf_kit: the marking top and bottom of every
page, "Page n of N", DejaVu Sans, page-sized tables whose header row repeats. The lists are the
kit's plain tables (plain strings broken at the column, made as the pages are laid), so a long
report costs about what ReportLab needs for the rows (issue 16); this module adds the running
header (the section a page is in, the period), the report's own look, and for the whole force
the summary a chief inspector reads: each team's counts and the oldest of each list, with every
exception team by team on request (full_lists); a team's summary is the same, officer by
officer, with its lists in full on request.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from typing import Any

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, PageBreak, Spacer, TableStyle

from rso_manager.clock import LONDON
from rso_manager.reports.compliance_charts import overdue_chart, unannounced_chart
from rso_manager.reports.compliance_figures import (
    ComplianceFigures,
    DurationSummary,
    ExceptionRow,
    Share,
)
from rso_manager.reports.pdf_kit import (
    FONT,
    MARKING,
    MUTED,
    Cell,
    Decorate,
    NumberedCanvas,
    Page,
    SectionMark,
    TextLines,
    deferred_tables,
    fit_text,
    para,
    paragraph_style,
    plain_tables,
    register_fonts,
    render,
    side_by_side,
)

TITLE = "OMU compliance summary"

PAGE = Page(side=16 * mm, top=22 * mm, bottom=22 * mm)
PAGE_W, PAGE_H = PAGE.size
MARGIN_X = PAGE.side
FRAME_W = PAGE.frame_width

HEAD_BG = colors.HexColor("#2F3E4E")
ZEBRA = colors.HexColor("#F2F4F6")
RULE = colors.HexColor("#9AA5B1")
ALERT_BG = colors.HexColor("#FBE3E1")
ALERT_INK = colors.HexColor("#A61B1B")
CLEAR_BG = colors.HexColor("#E3F1E6")


# --- fonts and styles ------------------------------------------------------------------------


class _Styles:
    def __init__(self) -> None:
        self.title = paragraph_style("title", 24, bold=True, leading=30, spaceAfter=4 * mm)
        self.subtitle = paragraph_style("subtitle", 15, leading=20, color=MUTED, spaceAfter=8 * mm)
        self.h1 = paragraph_style("h1", 14, bold=True, leading=18, spaceBefore=2 * mm, spaceAfter=3 * mm)
        self.h2 = paragraph_style("h2", 10.5, bold=True, leading=14, spaceBefore=4 * mm, spaceAfter=2 * mm)
        self.body = paragraph_style("body", 9, leading=12)
        self.note = paragraph_style("note", 8, leading=10.5, color=MUTED)
        self.cell = paragraph_style("cell", 8, leading=10)
        self.head = paragraph_style("head", 8, bold=True, leading=10, color=colors.white)
        self.head_small = paragraph_style("head_small", 6.5, bold=True, leading=8, color=colors.white)
        self.none = paragraph_style("none", 8.5, leading=11, color=MUTED)


# --- formatting ------------------------------------------------------------------------------


def _d(day: date | None) -> str:
    return f"{day:%d/%m/%Y}" if day else "–"


def _share(s: Share) -> str:
    if s.denominator == 0:
        return "none in the period"
    return f"{s.numerator} of {s.denominator} ({100 * s.numerator / s.denominator:.0f}%)"


def _hours(h: float | None) -> str:
    if h is None:
        return "–"
    return f"{h:.1f} hours" if h < 48 else f"{h / 24:.1f} days ({h:.0f} hours)"


def _duration(d: DurationSummary) -> str:
    if d.count == 0:
        return "none in the period"
    return f"median {_hours(d.median_hours)}; worst {_hours(d.worst_hours)} (from {d.count})"


# --- page furniture ----------------------------------------------------------------------------


def _running_header(figures: ComplianceFigures) -> Decorate:
    """The section the page is in (or the title) on the left, the period on the right, and a rule
    under the header and over the footer."""
    header_right = (f"Period {_d(figures.period_from)} to {_d(figures.period_to)} · "
                    f"as of {_d(figures.as_of)}")
    scope_label = figures.scope.label

    def draw(canvas: NumberedCanvas, number: int, total: int) -> None:
        canvas.setFont(FONT, 7.5)
        canvas.setFillColor(MUTED)
        section = canvas.section
        left = f"{scope_label} · {section}" if section else f"{TITLE} · {scope_label}"
        canvas.drawString(MARGIN_X, PAGE_H - 16 * mm, fit_text(left, FONT, 7.5, FRAME_W * 0.52))
        canvas.drawRightString(PAGE_W - MARGIN_X, PAGE_H - 16 * mm, header_right)
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.5)
        canvas.line(MARGIN_X, PAGE_H - 17.5 * mm, PAGE_W - MARGIN_X, PAGE_H - 17.5 * mm)
        canvas.line(MARGIN_X, 17.5 * mm, PAGE_W - MARGIN_X, 17.5 * mm)

    return draw


# --- tables ------------------------------------------------------------------------------------


def _table_style(rows: int) -> TableStyle:
    cmds = [
        ("BACKGROUND", (0, 0), (-1, 0), HEAD_BG),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, -1), 0.25, RULE),
        ("BOX", (0, 0), (-1, -1), 0.5, RULE),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
    ]
    cmds += [("BACKGROUND", (0, r), (-1, r), ZEBRA) for r in range(2, rows, 2)]
    return TableStyle(cmds)


def _text(row: Sequence[object]) -> list[Cell]:
    return [c if isinstance(c, Flowable) else str(c) for c in row]


def _grid(st: _Styles, header: Sequence[str], body: Sequence[Any], widths: Sequence[float | None],
          *, numeric_cols: Sequence[int] = (), highlight: Callable[[int], bool] | None = None,
          frame_width: float = FRAME_W, cells: Callable[[Any], Sequence[Cell]] | None = None,
          deferred: bool = True, header_style: ParagraphStyle | None = None,
          padding: float | None = None) -> list[Flowable]:
    """The kit's plain page-sized tables in the report's look: a dark header row, zebra stripes,
    and the rows HIGHLIGHT picks shaded as alerts. CELLS turns an item of BODY into its row (by
    default BODY holds the rows); DEFERRED: made as the pages are laid (False for a table that
    goes inside another)."""
    if not body:
        return [para("None.", st.none)]

    def style(rows: range) -> TableStyle:
        ts = _table_style(len(rows) + 1)
        if padding is not None:
            ts.add("LEFTPADDING", (0, 0), (-1, -1), padding)
            ts.add("RIGHTPADDING", (0, 0), (-1, -1), padding)
        for r, i in enumerate(rows, start=1):
            if highlight is not None and highlight(i):
                ts.add("BACKGROUND", (0, r), (-1, r), ALERT_BG)
        return ts

    to_row = cells or _text
    if not deferred:
        return list(plain_tables(header, [to_row(b) for b in body], widths, frame_width=frame_width, style=st.cell,
                                 header_style=header_style or st.head, aligned_right=numeric_cols, table_style=style))
    return deferred_tables(header, body, widths, frame_width=frame_width, style=st.cell, cells=to_row,
                           header_style=header_style or st.head, aligned_right=numeric_cols, table_style=style)


def _case(st: _Styles, reference: str | None, name: str | None) -> TextLines:
    return TextLines(st.cell, (reference or "–", name or "No case"), bold=(0,))


def _exceptions(st: _Styles, rows: Sequence[ExceptionRow], *, days_label: str = "Days") -> list[Flowable]:
    def cells(r: ExceptionRow) -> list[Cell]:
        return [_case(st, r.reference, r.name), r.officer or "Unallocated", r.needed,
                "" if r.days is None else str(r.days)]

    return _grid(st, ["Case", "Officer", "What is needed", days_label], rows,
                 [46 * mm, 38 * mm, None, 19 * mm], numeric_cols=(3,), cells=cells)


def _facts(st: _Styles, rows: Sequence[tuple[str, str]]) -> Flowable:
    """A two-column label/value table for headline figures (no header row)."""
    style = TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, -1), 0.25, RULE),
        ("LINEABOVE", (0, 0), (-1, 0), 0.5, RULE),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
    ])
    [table] = plain_tables(None, [[label, value] for label, value in rows], [78 * mm, None], frame_width=FRAME_W,
                           style=st.cell, table_style=lambda _: style, bold=(1,), hAlign="LEFT")
    return table


def _section(st: _Styles, title: str, intro: str | None = None) -> list[Flowable]:
    # Each section starts a page: a reader looking for "Breaches" finds it at the top of one.
    out: list[Flowable] = [PageBreak(), SectionMark(title), para(title, st.h1)]
    if intro:
        out.append(para(intro, st.note))
        out.append(Spacer(1, 2 * mm))
    return out


def _list(st: _Styles, lim: int | None, title: str, rows: Sequence[ExceptionRow], **kw) -> list[Flowable]:
    """The list in full, or (LIM given: the force's summary) its LIM oldest with a line saying
    how many more there are and where they are printed."""
    # Room for the heading and a few rows, so a heading never sits alone at the foot of a page;
    # the table itself then splits freely, its header repeated on the next page.
    out = [CondPageBreak(40 * mm), para(f"{title} ({len(rows)})", st.h2), *_exceptions(st, rows[:lim], **kw)]
    if lim is not None and len(rows) > lim:
        out.append(para(_more(lim, len(rows)), st.note))
    return out


def _more(lim: int, count: int) -> str:
    return f"The first {lim} of {count}. Every item: print the summary with “{FULL_LISTS_OPTION}”."


# --- the document ------------------------------------------------------------------------------


def _cover(f: ComplianceFigures, st: _Styles, generated_by: str, printed_at: str) -> list[Flowable]:
    c, v, n, b = f.caseload, f.visits, f.notifications, f.breaches
    s, g = f.supervision, f.safeguarding
    story: list[Flowable] = [
        Spacer(1, 14 * mm),
        para(TITLE, st.title),
        para(f.scope.label, st.subtitle),
        _facts(st, [
            ("Scope", f.scope.label),
            ("Period", f"{_d(f.period_from)} to {_d(f.period_to)}"),
            ("Figures as of", f"end of {_d(f.as_of)}"),
            ("Printed by", generated_by),
            ("Printed at", printed_at),
            ("Thresholds", f"caseload ceiling {f.settings.caseload_ceiling} per officer; devices "
                           f"checked at the last {f.settings.device_check_visits} home visits; "
                           f"notifications due within {f.settings.due_soon_days} days; sign-offs "
                           f"escalated after {f.settings.sign_off_escalation_working_days} working days"),
        ]),
        Spacer(1, 8 * mm),
        para("At a glance", st.h1),
    ]
    # (measure, figure, exceptions or None when the figure is context rather than a to-do, section)
    glance: list[tuple[str, str, int | None, int]] = [
        ("Open cases", f"{c.total} ({c.active} active, {c.in_custody} in custody)", None, 1),
        (f"Officers over the ceiling of {c.ceiling} cases", str(len(c.over_ceiling)), len(c.over_ceiling), 1),
        ("Cases with no offender manager", str(c.unallocated), c.unallocated, 1),
        ("Home visits overdue", str(len(v.overdue)), len(v.overdue), 2),
        ("Home visits in the period: unannounced", _share(v.unannounced), None, 2),
        ("Home visits in the period: two officers", _share(v.two_officers), None, 2),
        ("Cases whose visits repeat a weekday or time band", str(len(v.repeated_pattern)),
         len(v.repeated_pattern), 2),
        ("Notifications overdue", str(len(n.overdue)), len(n.overdue), 3),
        (f"Notifications due in the next {f.settings.due_soon_days} days", str(len(n.due_soon)), None, 3),
        ("Notifications made late in the period",
         f"{len(n.late_in_period)} of {n.made_in_period} made", len(n.late_in_period), 3),
        ("Breaches with no crime reference or decision", str(len(b.open_without_decision)),
         len(b.open_without_decision), 4),
        ("Offenders with devices needing a check", str(len(f.devices.offenders)), len(f.devices.offenders), 5),
        ("Sign-offs awaiting a decision", f"{len(s.awaiting)} ({s.escalated} past the escalation limit)",
         len(s.awaiting), 6),
        ("Sign-off rationales refused in the period", str(len(s.refusals)), len(s.refusals), 6),
        ("Safeguarding referrals with no decision after 1 working day", str(len(g.decision_overdue)),
         len(g.decision_overdue), 7),
        ("Safeguarding concerns not referred", str(len(g.not_referred)), len(g.not_referred), 7),
        ("Plan actions overdue", str(len(f.actions_overdue)), len(f.actions_overdue), 8),
        ("Risk assessments overdue or missing", str(len(f.risk_assessments_overdue)),
         len(f.risk_assessments_overdue), 8),
    ]
    style = _table_style(len(glance) + 1)
    for i, (_, _, exceptions, _) in enumerate(glance, start=1):
        if exceptions is not None:
            # Colour plus the number itself: the page must still read when printed in grey.
            style.add("BACKGROUND", (1, i), (1, i), ALERT_BG if exceptions else CLEAR_BG)
    story += plain_tables(["Measure", "Figure", "Section"],
                          [[label, value, str(section)] for label, value, _, section in glance],
                          [106 * mm, None, 16 * mm], frame_width=FRAME_W, style=st.cell, header_style=st.head,
                          aligned_right=(2,), table_style=lambda _: style, rows_per_table=len(glance), bold=(1,),
                          hAlign="LEFT")
    story += [
        Spacer(1, 4 * mm),
        para("Exception lists are oldest first. “Days” is how long an item has been overdue or "
           "waiting at the end of the as-of date. Shaded figures are exceptions: red where there "
           "is something to do, green where there is none.", st.note),
    ]
    return story


def _caseload_section(f: ComplianceFigures, st: _Styles, lim: int | None) -> list[Flowable]:
    c = f.caseload
    story = _section(st, "1. Caseload", "Open cases (active or in custody) by current risk level "
                                        "and MAPPA level; cases held by each officer against the ceiling.")

    def pct(n: int) -> str:
        return f"{100 * n / c.total:.0f}%" if c.total else "–"

    risk = _grid(st, ["Risk level", "Cases", "Share"], [[r.label, r.count, pct(r.count)] for r in c.by_risk],
                 [36 * mm, 20 * mm, 20 * mm], numeric_cols=(1, 2), frame_width=FRAME_W / 2, deferred=False)[0]
    mappa = _grid(st, ["MAPPA level", "Cases", "Share"], [[r.label, r.count, pct(r.count)] for r in c.by_mappa],
                  [36 * mm, 20 * mm, 20 * mm], numeric_cols=(1, 2), frame_width=FRAME_W / 2, deferred=False)[0]
    story.append(side_by_side(risk, mappa, frame_width=FRAME_W, commands=[("LEFTPADDING", (0, 0), (-1, -1), 0)],
                              hAlign="LEFT"))
    story.append(Spacer(1, 2 * mm))
    story.append(para(f"Total {c.total}: {c.active} active, {c.in_custody} in custody. "
                    f"Cases with no offender manager: {c.unallocated}.", st.body))
    story.append(para(f"Cases per officer (ceiling {c.ceiling})", st.h2))
    officers = list(c.officers)
    story += _grid(st, ["Officer", "Team", "Cases", "Against the ceiling"], officers,
                   [60 * mm, 50 * mm, 20 * mm, None], numeric_cols=(2,),
                   highlight=lambda i: officers[i].over_ceiling,
                   cells=lambda o: [o.officer, o.team or "–", str(o.cases),
                                    f"over by {o.cases - c.ceiling}" if o.over_ceiling else "within"])
    return story


def _visits_section(f: ComplianceFigures, st: _Styles, lim: int | None) -> list[Flowable]:
    v = f.visits
    story = _section(st, "2. Home visits", "Visits in the period count every home visit made, "
                                           "whether the offender was seen or entry failed.")
    story.append(_facts(st, [
        ("Home visits overdue now", str(len(v.overdue))),
        ("Home visits made in the period", f"{v.home_visits} ({v.completed} seen, "
                                           f"{v.failed_entries} failed entry)"),
        ("Unannounced", _share(v.unannounced)),
        ("With two officers", _share(v.two_officers)),
        ("Office interviews (never count as home visits)", str(v.office_interviews)),
        (f"Cases whose last {f.settings.pattern_run} visits repeat a weekday or time band",
         str(len(v.repeated_pattern))),
    ]))
    story.append(Spacer(1, 4 * mm))
    w, h = FRAME_W / 2 - 3 * mm, 62 * mm
    story.append(side_by_side(
        overdue_chart(v.overdue_by, v.overdue_by_label, w, h), unannounced_chart(v.unannounced_by_month, w, h),
        frame_width=FRAME_W, commands=[
            ("LEFTPADDING", (0, 0), (-1, -1), 0), ("BOX", (0, 0), (0, 0), 0.25, RULE),
            ("BOX", (1, 0), (1, 0), 0.25, RULE), ("TOPPADDING", (0, 0), (-1, -1), 4),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 4)]))
    story += _list(st, lim, "Overdue home visits, oldest first", v.overdue, days_label="Days over")
    story += _list(st, lim, "Visits that repeat a weekday or time band", v.repeated_pattern, days_label="Days since")
    return story


def _notifications_section(f: ComplianceFigures, st: _Styles, lim: int | None) -> list[Flowable]:
    n = f.notifications
    story = _section(st, "3. Notifications")
    story.append(_facts(st, [
        ("Overdue now", str(len(n.overdue))),
        (f"Due in the next {f.settings.due_soon_days} days", str(len(n.due_soon))),
        ("Made in the period", str(n.made_in_period)),
        ("Made late in the period", str(len(n.late_in_period))),
    ]))
    story += _list(st, lim, "Overdue notifications, oldest first", n.overdue, days_label="Days over")
    story += _list(st, lim, f"Due in the next {f.settings.due_soon_days} days", n.due_soon, days_label="Days left")
    story.append(para(f"Made late in the period and what happened ({len(n.late_in_period)})", st.h2))
    def late(x) -> list[Cell]:
        made: Cell = (TextLines(st.cell, (_d(x.notified_on), f"{x.days_late} day{'s' if x.days_late != 1 else ''} late"),
                                bold=(1,)) if x.days_late is not None else _d(x.notified_on))
        return [_case(st, x.reference, x.name), x.officer or "Unallocated", x.kind, _d(x.due_on), made,
                x.what_happened]

    story += _grid(st, ["Case", "Officer", "Notification", "Due", "Made", "What happened"], n.late_in_period[:lim],
                   [40 * mm, 30 * mm, 24 * mm, 21 * mm, 21 * mm, None],
                   highlight=lambda i: n.late_in_period[i].outcome == "breach_open", cells=late)
    if lim is not None and len(n.late_in_period) > lim:
        story.append(para(_more(lim, len(n.late_in_period)), st.note))
    return story


def _breaches_section(f: ComplianceFigures, st: _Styles, lim: int | None) -> list[Flowable]:
    b = f.breaches
    story = _section(st, "4. Breaches", "Every breach ends as a crime record or a supervisor's "
                                        "reasoned decision not to record one; a warning never closes it.")
    story.append(_facts(st, [
        ("Open now", str(b.open_total)),
        ("Open with no crime reference or decision", str(len(b.open_without_decision))),
        ("Breaches that occurred in the period", str(b.opened_in_period)),
        ("Crimes recorded in the period", str(b.crimes_recorded)),
        ("Closed by a signed no-crime decision in the period", str(b.no_crime_decisions)),
        ("Warnings given in the period", f"{b.warnings_given} ({b.warnings_oral} oral, {b.warnings_written} written)"),
    ]))
    story += _list(st, lim, "Open with no crime reference or decision, oldest first", b.open_without_decision,
                   days_label="Age")
    return story


def _devices_section(f: ComplianceFigures, st: _Styles, lim: int | None) -> list[Flowable]:
    d = f.devices
    story = _section(st, "5. Devices", f"Active devices never checked, or not checked at any of the "
                                       f"last {f.settings.device_check_visits} home visits where the "
                                       f"offender was seen.")
    story.append(_facts(st, [
        ("Active devices", str(d.active_devices)),
        ("Never checked", str(d.never_checked)),
        (f"Not checked at the last {f.settings.device_check_visits} home visits", str(d.not_recently_checked)),
        ("Offenders with devices needing a check", str(len(d.offenders))),
    ]))
    story += _list(st, lim, "Offenders with devices needing a check", d.offenders, days_label="Days")
    return story


def _supervision_section(f: ComplianceFigures, st: _Styles, lim: int | None) -> list[Flowable]:
    s = f.supervision
    story = _section(st, "6. Supervision", "The officer column names the supervisor whose decision "
                                           "is awaited, or who gave the refused rationale.")
    story.append(_facts(st, [
        ("Entries awaiting sign-off", str(len(s.awaiting))),
        (f"Waiting past {f.settings.sign_off_escalation_working_days} working days or escalated", str(s.escalated)),
        ("Decisions in the period", str(s.decided_in_period)),
        ("Decisions made by a covering supervisor", _share(s.via_cover)),
        ("Rationales refused as boilerplate, too short or repeated", str(len(s.refusals))),
    ]))
    story += _list(st, lim, "Awaiting sign-off, oldest first", s.awaiting, days_label="Age")
    story += _list(st, lim, "Rationales refused in the period", s.refusals, days_label="Days ago")
    return story


def _london(moment: datetime | None) -> str:
    return "" if moment is None else f"{moment.astimezone(LONDON):%d/%m/%Y %H:%M}"


_PART_SHORT = {"safeguarding_referral": "Referral", "disclosure": "s.327A disclosure",
               "child_safety_check": "Child check"}


def _part_rows(st: _Styles, rows: Sequence[Any]) -> list[Flowable]:  # SafeguardingPartRow
    """The parts of the period's responses: due and done in London time, the delay in words,
    those not on time shaded."""
    def cells(p: Any) -> list[Cell]:
        shared = ("Shared with CSC" if p.shared_with_csc else "Not shared with CSC") + (
            f"; PPN {p.ppn_reference}" if p.ppn_reference else "; no PPN")
        late = f" ({p.late_label})" if p.late_label else ""
        return [_case(st, p.reference, p.name), TextLines(st.cell, (p.what, p.owner or "No owner")),
                _london(p.due_at), _london(p.done_at) or p.status, f"{p.delay}{late}", shared]

    return _grid(st, ["Case", "Part and owner", "Due", "Done", "Delay", "Shared"], rows,
                 [34 * mm, None, 24 * mm, 24 * mm, 30 * mm, 30 * mm], cells=cells,
                 highlight=lambda i: not rows[i].on_time and rows[i].status != "not applicable")


def _team_delays(st: _Styles, rows: Sequence[Any]) -> list[Flowable]:  # TeamDelays
    def cells(t: Any) -> list[Cell]:
        return [t.team, _PART_SHORT.get(t.part, t.part), _duration(t.concern_to_done), _share(t.not_on_time)]

    return _grid(st, ["Team", "Part", "Concern to done", "Not on time"], rows, [34 * mm, 30 * mm, None, 30 * mm],
                 cells=cells)


def _safeguarding_section(f: ComplianceFigures, st: _Styles, lim: int | None) -> list[Flowable]:
    g = f.safeguarding
    story = _section(st, "7. Safeguarding", "A referral to children's social care needs a decision "
                                            "within one working day (Working Together 2023). Every concern "
                                            "about a child opens a response: the referral (due the same "
                                            "working day), the s.327A disclosure decision and a check that "
                                            "each child named is safe.")
    story.append(_facts(st, [
        ("Referrals with no decision after 1 working day", str(len(g.decision_overdue))),
        ("Concerns not referred by the end of their day", str(len(g.not_referred))),
        ("Referrals made in the period", str(g.referrals_in_period)),
        ("Decisions in the period that came late", _share(g.decisions_late)),
        ("Concern to referral", _duration(g.concern_to_referral)),
        ("Concern to disclosure", _duration(g.concern_to_disclosure)),
        ("Response parts not done on time", f"{len(g.not_on_time)} of {len(g.parts)}"),
        ("Concerns shared with children's social care", _share(g.shared_with_csc)),
        ("Concerns recorded on a PPN", _share(g.on_ppn)),
    ]))
    story += _list(st, lim, "Referrals with no decision after 1 working day", g.decision_overdue, days_label="Days")
    story += _list(st, lim, "Concerns not yet referred", g.not_referred, days_label="Days")
    shown = g.not_on_time[:lim] if lim is not None else g.not_on_time
    story += [CondPageBreak(40 * mm), para(f"Response parts not done on time ({len(g.not_on_time)})", st.h2),
              *_part_rows(st, shown)]
    if lim is not None and len(g.not_on_time) > lim:
        story.append(para(_more(lim, len(g.not_on_time)), st.note))
    story += [CondPageBreak(40 * mm), para("Delays by team: concern to each part done, median and worst", st.h2),
              *_team_delays(st, g.by_team)]
    if lim is None:  # the force's summary keeps to the exceptions; a team's lists every part
        story += [CondPageBreak(40 * mm), para(f"Every response part in the period ({len(g.parts)})", st.h2),
                  *_part_rows(st, g.parts)]
    return story


def _plans_section(f: ComplianceFigures, st: _Styles, lim: int | None) -> list[Flowable]:
    story = _section(st, "8. Plans and risk assessments",
                     "Actions: the officer column names the action's owner.")
    story += _list(st, lim, "Plan actions overdue, oldest first", f.actions_overdue, days_label="Days over")
    story += _list(st, lim, "Risk assessments overdue or missing, oldest first", f.risk_assessments_overdue,
                   days_label="Days over")
    return story


# --- the force's and a team's summary: exceptions team by team, officer by officer -------------

SUMMARY_ROWS = 10  # rows of each exception list in a force's or a team's summary: the oldest
FULL_LISTS_OPTION = "Full exception lists"
NO_TEAM = "No team"
UNALLOCATED = "Unallocated"


def exception_lists(f: ComplianceFigures) -> list[tuple[str, str, Sequence[ExceptionRow], str]]:
    """(column heading, title, rows, days label) of every list of cases needing something."""
    v, n, s, g = f.visits, f.notifications, f.supervision, f.safeguarding
    return [
        ("Visits overdue", "Overdue home visits, oldest first", v.overdue, "Days over"),
        ("Visit pattern", "Visits that repeat a weekday or time band", v.repeated_pattern, "Days since"),
        ("Notif. overdue", "Overdue notifications, oldest first", n.overdue, "Days over"),
        ("Breach no decision", "Open with no crime reference or decision, oldest first",
         f.breaches.open_without_decision, "Age"),
        ("Devices to check", "Offenders with devices needing a check", f.devices.offenders, "Days"),
        ("Sign-offs waiting", "Awaiting sign-off, oldest first", s.awaiting, "Age"),
        ("CSC decision late", "Referrals with no decision after 1 working day", g.decision_overdue, "Days"),
        ("Concern not referred", "Concerns not yet referred", g.not_referred, "Days"),
        ("Actions overdue", "Plan actions overdue, oldest first", f.actions_overdue, "Days over"),
        ("Assess. overdue", "Risk assessments overdue or missing, oldest first",
         f.risk_assessments_overdue, "Days over"),
    ]


def _team(row: ExceptionRow, team_of: Mapping[int, str]) -> str:
    return team_of.get(row.offender_id, NO_TEAM) if row.offender_id is not None else NO_TEAM


def _by_team(f: ComplianceFigures, team_of: Mapping[int, str]) -> dict[str, list[list[ExceptionRow]]]:
    return _grouped(f, lambda r: _team(r, team_of), NO_TEAM)


def _by_officer(f: ComplianceFigures) -> dict[str, list[list[ExceptionRow]]]:
    """A team's lists by the officer each row names (the case's officer; for a sign-off the
    supervisor awaited, for a plan action its owner): who has the work to do."""
    return _grouped(f, lambda r: r.officer or UNALLOCATED, UNALLOCATED)


def _grouped(f: ComplianceFigures, key: Callable[[ExceptionRow], str],
             last: str) -> dict[str, list[list[ExceptionRow]]]:
    lists = exception_lists(f)
    groups: dict[str, list[list[ExceptionRow]]] = {}
    for i, (_short, _title, rows, _days) in enumerate(lists):
        for r in rows:
            k = key(r)
            group = groups.get(k)
            if group is None:  # not setdefault: that would build ten lists for every row
                group = groups[k] = [[] for _ in lists]
            group[i].append(r)
    return dict(sorted(groups.items(), key=lambda t: (t[0] == last, t[0].casefold())))


def _teams_section(f: ComplianceFigures, st: _Styles, teams: dict[str, list[list[ExceptionRow]]]) -> list[Flowable]:
    """For the force, each team's count on every list; for a team, each officer's."""
    lists = exception_lists(f)
    force = f.scope.kind == "force"
    who = "team" if force else "officer"
    intro = (f"How many cases in each team need something, list by list; each section that follows shows "
             f"the oldest of each list for the whole force (“{FULL_LISTS_OPTION}” adds every exception, "
             "team by team)." if force else
             "How many items on each list name each officer (for a sign-off the supervisor awaited, for a "
             "plan action its owner); each section that follows shows the oldest of each list for the whole "
             f"team (“{FULL_LISTS_OPTION}” prints every item in its section).")
    story = _section(st, f"Exceptions by {who}", intro)
    header = [who.capitalize(), *(short for short, *_ in lists), "Total"]
    body = [[name, *(str(len(rows)) for rows in counts), str(sum(len(rows) for rows in counts))]
            for name, counts in teams.items()]
    body.append(["Whole force" if force else "Whole team", *(str(len(rows)) for _s, _t, rows, _d in lists),
                 str(sum(len(rows) for _s, _t, rows, _d in lists))])
    width = (FRAME_W - 30 * mm - 12 * mm) / len(lists)
    story += _grid(st, header, body, [30 * mm, *([width] * len(lists)), 12 * mm],
                   numeric_cols=range(1, len(lists) + 2), highlight=lambda i: i == len(body) - 1,
                   header_style=st.head_small, padding=2)
    story.append(Spacer(1, 2 * mm))
    story.append(para("Notif.: statutory notifications. Breach no decision: open breaches with no crime reference "
                      "or no-crime decision. CSC decision late: referrals to children’s social care with no "
                      "decision after 1 working day. Assess.: risk assessments overdue or missing.", st.note))
    if not teams:
        story.append(para(f"No {who} has a case needing anything.", st.body))
    return story


def _team_lists(f: ComplianceFigures, st: _Styles, teams: dict[str, list[list[ExceptionRow]]]) -> list[Flowable]:
    story: list[Flowable] = []
    for name, per_list in teams.items():
        story += _section(st, f"{name}: every exception", f"Every case of {name} on each list, oldest first.")
        for (_short, title, _rows, days), rows in zip(exception_lists(f), per_list, strict=True):
            if rows:
                story += _list(st, None, title, rows, days_label=days)
    return story


def build_pdf(figures: ComplianceFigures, *, generated_by: str, generated_at: datetime,
              team_of: Mapping[int, str] | None = None, full_lists: bool = False) -> bytes:
    """The summary as PDF bytes. GENERATED_AT must be aware; it is shown in London time.

    For the whole force the summary a chief inspector reads: the figures, each team's count of
    exceptions (TEAM_OF: the team of each case, by offender id) and the oldest SUMMARY_ROWS of
    each list; FULL_LISTS adds every exception, team by team. A team's the same, officer by
    officer; FULL_LISTS prints its lists in full in their sections (a team of 25,000 cases has
    some 1,000 pages of them). An officer's lists are always printed in full."""
    if generated_at.tzinfo is None:
        raise ValueError("generated_at must be timezone-aware")
    register_fonts()  # the styles below name the fonts
    st = _Styles()
    local = generated_at.astimezone(LONDON)
    printed_at = f"{local:%d/%m/%Y %H:%M} {local.tzname()}"
    force = figures.scope.kind == "force"
    summary = force or (figures.scope.kind == "team" and not full_lists)
    lim = SUMMARY_ROWS if summary else None
    teams = _by_team(figures, team_of or {}) if force else _by_officer(figures) if summary else {}
    story = _cover(figures, st, generated_by, printed_at)
    if summary:
        story += _teams_section(figures, st, teams)
    # Issue 18's sections live in their own modules, which use this one's helpers.
    from rso_manager.reports import compliance_pdf_case_audits, compliance_pdf_court_watch
    for section in (_caseload_section, _visits_section, _notifications_section, _breaches_section,
                    _devices_section, _supervision_section, _safeguarding_section, _plans_section,
                    compliance_pdf_court_watch.section, compliance_pdf_case_audits.section):
        story += section(figures, st, lim)
    if force and full_lists:
        story += _team_lists(figures, st, teams)
    # A reader holding the last page knows nothing was lost from the end of the print.
    story += [Spacer(1, 6 * mm), para("End of report.", st.note)]
    return render(
        story, PAGE,
        title=f"{TITLE}: {figures.scope.label}, {_d(figures.period_from)} to {_d(figures.period_to)}",
        author=generated_by, subject=f"{MARKING}: {TITLE}", creator="RSO Manager",
        keywords=[MARKING, "compliance", "OMU"], footer=f"Printed by {generated_by} on {printed_at}",
        decorate=_running_header(figures))
