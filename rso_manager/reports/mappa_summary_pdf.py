"""The MAPPA meeting summary as an A4 PDF made with reports.pdf_kit: the photograph and identity
at the top, then the case in the order a meeting takes it (convictions and the notification
requirement, orders, risk history as a chart, the plan, the last visits and device checks,
breaches, relationships, open actions). Marked OFFICIAL-SENSITIVE on every page, with a
handling line under the title and who printed it, when, in the footer.

Pure: it takes the MeetingSummary the service gathered.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from io import BytesIO

from reportlab.graphics.shapes import Circle, Drawing, Line, String
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.platypus import Flowable, Image, Spacer, TableStyle

from rso_manager.clock import LONDON
from rso_manager.domain.risk_levels import RISK_LABEL
from rso_manager.reports.meeting_summary import MeetingSummary, Photograph, RiskPoint
from rso_manager.reports.pdf_kit import (
    FONT,
    FONT_BOLD,
    INK,
    MARKING,
    MUTED,
    Cell,
    Page,
    drawing,
    fit_text,
    lines,
    page_tables,
    para,
    paragraph_style,
    render,
)

PAGE = Page(side=18 * mm, top=22 * mm, bottom=24 * mm)
TITLE = "MAPPA meeting summary"
HANDLING = ("Handling: OFFICIAL-SENSITIVE. Prepared for a MAPPA meeting or plan review and shared only "
            "with its attendees. Do not copy, forward or leave it unattended; return it or destroy it "
            "securely after the meeting.")
NO_PHOTOGRAPH = "No photograph on record"
# The section headings, in the order the document gives them.
SECTIONS = ("Identity", "Convictions and notification requirement", "Orders and prohibitions", "Risk history",
            "Risk management plan", "Last visits and device checks", "Breaches and decisions", "Relationships",
            "Open actions")
LEVELS = ("low", "medium", "high", "very_high")
LEVEL_COLOURS = {"low": colors.HexColor("#2F7D32"), "medium": colors.HexColor("#B7791F"),
                 "high": colors.HexColor("#D9480F"), "very_high": colors.HexColor("#B3261E")}
RULE = colors.HexColor("#9AA5B1")
HEAD_FILL = colors.HexColor("#E4E7EB")
STRIPE = colors.HexColor("#F5F7FA")
ALERT = colors.HexColor("#B3261E")
PHOTO_BOX = (40 * mm, 50 * mm)


def _d(day: date | None) -> str:
    return f"{day:%d/%m/%Y}" if day else ""


def _when(moment: datetime | None) -> str:
    if moment is None:
        return ""
    local = moment.astimezone(LONDON)
    return f"{local:%d/%m/%Y %H:%M}"


def _words(code: str | None) -> str:
    return (code or "").replace("_", " ")


class _Styles:
    def __init__(self) -> None:
        self.title = paragraph_style("ms_title", 16, bold=True, spaceAfter=1 * mm)
        self.subtitle = paragraph_style("ms_subtitle", 9.5, color=MUTED, spaceAfter=2 * mm)
        self.handling = paragraph_style("ms_handling", 8, bold=True)
        self.heading = paragraph_style("ms_heading", 11.5, bold=True, spaceBefore=4.5 * mm, spaceAfter=1.5 * mm,
                                       keepWithNext=1)
        self.cell = paragraph_style("ms_cell", 8)
        self.head = paragraph_style("ms_head", 8, bold=True)
        self.label = paragraph_style("ms_label", 8, color=MUTED)
        self.body = paragraph_style("ms_body", 8.5)
        self.none = paragraph_style("ms_none", 8.5, color=MUTED)
        self.caption = paragraph_style("ms_caption", 7.5, color=MUTED, alignment=1)
        self.alert = paragraph_style("ms_alert", 8, bold=True, color=ALERT)


def _grid(rows: range) -> TableStyle:
    commands = [("GRID", (0, 0), (-1, -1), 0.25, RULE), ("BACKGROUND", (0, 0), (-1, 0), HEAD_FILL),
                ("VALIGN", (0, 0), (-1, -1), "TOP")]
    commands += [("BACKGROUND", (0, i + 1), (-1, i + 1), STRIPE) for i, row in enumerate(rows) if row % 2]
    return TableStyle(commands)


def _listed(st: _Styles, header: Sequence[str], body: Sequence[Sequence[Cell]], widths: Sequence[float | None],
            empty: str) -> list[Flowable]:
    if not body:
        return [para(empty, st.none)]
    return list(page_tables(header, body, widths, frame_width=PAGE.frame_width, style=st.cell,
                            header_style=st.head, table_style=_grid))


# --- the top: photograph and identity ------------------------------------------------------------


def _photo_cell(photo: Photograph | None, st: _Styles) -> list[Flowable]:
    if photo is None:
        return [Spacer(1, 16 * mm), para(NO_PHOTOGRAPH, st.caption)]
    try:
        width, height = ImageReader(BytesIO(photo.image)).getSize()
    except Exception:  # a stored image the PDF library cannot read: say so, print the rest
        return [Spacer(1, 16 * mm), para("The photograph on record could not be printed", st.caption)]
    scale = min(PHOTO_BOX[0] / width, PHOTO_BOX[1] / height)
    return [Image(BytesIO(photo.image), width=width * scale, height=height * scale),
            Spacer(1, 1.5 * mm), para(f"taken {photo.taken_on:%d/%m/%Y}", st.caption)]


def _age(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def _identity(s: MeetingSummary, st: _Styles) -> list[Flowable]:
    i = s.identity
    mappa = (f"Category {i.mappa_category}, level {i.mappa_level}"
             if i.mappa_category and i.mappa_level else "Not recorded")
    rows = [
        ("Name", i.name), ("Reference", i.reference),
        ("Aliases", "; ".join(i.aliases) or "None recorded"),
        ("Date of birth", f"{i.date_of_birth:%d/%m/%Y} (age {_age(i.date_of_birth, s.on)})"),
        ("PNC ID", i.pnc_id or "Not recorded"),
        ("Current address", i.current_address or "No current home address recorded"),
        ("MAPPA", mappa), ("Offender manager", i.offender_manager or "Unallocated"),
        ("Team", i.team or "None"), ("Status", _words(i.status).capitalize()),
    ]
    details = page_tables(None, [[para(k, st.label), para(v, st.cell)] for k, v in rows], [32 * mm, None],
                          frame_width=PAGE.frame_width - 48 * mm, style=st.cell,
                          table_style=lambda _r: TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                                                             ("TOPPADDING", (0, 0), (-1, -1), 1.2),
                                                             ("BOTTOMPADDING", (0, 0), (-1, -1), 1.2)]))
    top = page_tables(None, [[_photo_cell(s.photograph, st), details]], [48 * mm, None],
                      frame_width=PAGE.frame_width, style=st.cell,
                      table_style=lambda _r: TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                                                         ("ALIGN", (0, 0), (0, 0), "CENTER"),
                                                         ("BOX", (0, 0), (0, 0), 0.25, RULE)]))
    return list(top)


# --- the risk history chart ----------------------------------------------------------------------


def _ordinal(day: date) -> int:
    return day.toordinal()


def risk_chart(points: Sequence[RiskPoint], on: date, width: float, height: float = 50 * mm) -> Drawing:
    """The risk level over time: a step line from each assessment to the next (and on to ON), a
    dot at each assessment coloured by its level, with the tool that assessed it named beside it."""
    d = drawing(width, height)
    d.add(String(0, height - 9, "Risk level over time (each assessment marked with its tool)", fontName=FONT_BOLD,
                 fontSize=8.5, fillColor=INK))
    left, right, bottom, top = 20 * mm, width - 12 * mm, 11 * mm, height - 10 * mm
    start = _ordinal(points[0].assessed_on)
    end = max(_ordinal(on), _ordinal(points[-1].assessed_on), start + 1)
    pad = max(1, (end - start) // 30)
    span = (end + pad) - (start - pad)

    def x(day: date) -> float:
        return left + (_ordinal(day) - (start - pad)) / span * (right - left)

    def y(level: str) -> float:
        index = LEVELS.index(level) if level in LEVELS else 0
        return bottom + index / (len(LEVELS) - 1) * (top - bottom)

    for level in LEVELS:
        d.add(Line(left, y(level), right, y(level), strokeColor=colors.HexColor("#D9DEE4"), strokeWidth=0.4))
        d.add(String(left - 3, y(level) - 2.5, RISK_LABEL[level], fontName=FONT, fontSize=7, fillColor=MUTED,
                     textAnchor="end"))
    d.add(Line(left, bottom - 3, right, bottom - 3, strokeColor=RULE, strokeWidth=0.5))
    xs = [x(p.assessed_on) for p in points] + [x(on) if on >= points[-1].assessed_on else x(points[-1].assessed_on)]
    for i, p in enumerate(points):  # the step: level held until the next assessment
        d.add(Line(xs[i], y(p.level), xs[i + 1], y(p.level), strokeColor=INK, strokeWidth=1.4))
        if i + 1 < len(points):
            d.add(Line(xs[i + 1], y(p.level), xs[i + 1], y(points[i + 1].level), strokeColor=INK, strokeWidth=1.4))
    shown_at = -1e9
    tool_ends: dict[str, float] = {}  # per level, where the last tool named there ends
    for i, p in enumerate(points):
        colour = LEVEL_COLOURS.get(p.level, INK)
        d.add(Circle(xs[i], y(p.level), 2.6, fillColor=colour, strokeColor=colors.white, strokeWidth=0.6))
        tool = fit_text(p.tool, FONT, 6.5, 22 * mm)
        if xs[i] + 3.5 >= tool_ends.get(p.level, -1e9):  # never printed over the one before
            label = String(xs[i] + 3.5, y(p.level) + 3.5, tool, fontName=FONT, fontSize=6.5, fillColor=colour)
            d.add(label)
            tool_ends[p.level] = label.getEast() + 2
        if xs[i] - shown_at >= 17 * mm:  # dates that would overprint the one before are left to the table
            d.add(String(xs[i], bottom - 10, _d(p.assessed_on), fontName=FONT, fontSize=6.5, fillColor=MUTED,
                         textAnchor="middle"))
            shown_at = xs[i]
    if xs[-1] - shown_at >= 17 * mm:
        d.add(String(xs[-1], bottom - 10, f"{_d(on)} (today)", fontName=FONT, fontSize=6.5, fillColor=MUTED,
                     textAnchor="middle"))
    return d


def _risk(s: MeetingSummary, st: _Styles) -> list[Flowable]:
    if not s.risk_history:
        return [para("No risk assessment on record: the case is managed as very high risk until assessed.", st.none)]
    newest = list(reversed(s.risk_history))
    body = [[_d(p.assessed_on), p.tool, RISK_LABEL.get(p.level, p.level), _d(p.review_by) or "None set"]
            for p in newest]
    return [risk_chart(s.risk_history, s.on, PAGE.frame_width), Spacer(1, 2 * mm),
            *_listed(st, ["Assessed on", "Tool", "Level", "Review by"], body, [28 * mm, None, None, 28 * mm], "")]


# --- the sections ------------------------------------------------------------------------------


def _convictions(s: MeetingSummary, st: _Styles) -> list[Flowable]:
    body = []
    for c in s.convictions:
        offence = lines(st.cell, c.offence, *([f"{_words(c.kind).capitalize()} at {c.court}"] if c.court else []),
                        bold=(0,))
        if c.requirement is None:
            requirement = "No notification requirement"
        else:
            state = "in force" if c.requirement_in_force else "ended"
            requirement = f"{c.requirement} ({state})"
        body.append([_d(c.convicted_on), offence, c.sentence or "Not yet sentenced", requirement])
    return _listed(st, ["Convicted on", "Offence", "Sentence", "Notification requirement"], body,
                   [24 * mm, None, 38 * mm, 48 * mm], "No conviction, finding or caution recorded.")


def _orders(s: MeetingSummary, st: _Styles) -> list[Flowable]:
    body = []
    for o in s.orders:
        items = o.items or ("No item in force",)
        body.append([lines(st.cell, o.title, o.ends + ("" if o.in_force else " (no longer in force)"), bold=(0,)),
                     lines(st.cell, *items)])
    return _listed(st, ["Order", "Prohibitions and requirements in force"], body, [62 * mm, None],
                   "No civil order (SHPO, SRO) recorded.")


def _plan(s: MeetingSummary, st: _Styles) -> list[Flowable]:
    p = s.plan
    if p is None:
        return [para("No risk management plan recorded.", st.none)]
    review = f"; review by {_d(p.review_by)}" if p.review_by else "; no review date set"
    story: list[Flowable] = [para(f"In force from {_d(p.effective_from)}{review}. {p.interval.rstrip('.')}.", st.body)]
    if p.awaiting_sign_off:
        story.append(para("This plan is awaiting a supervisor's sign-off.", st.alert))
    story.append(Spacer(1, 1.5 * mm))
    body = [[para(h.heading, st.head), para(h.text or "Not recorded", st.cell if h.text else st.none,
                                            line_breaks=True)] for h in p.headings]
    story += page_tables(None, body, [42 * mm, None], frame_width=PAGE.frame_width, style=st.cell,
                         table_style=lambda _r: TableStyle([("GRID", (0, 0), (-1, -1), 0.25, RULE),
                                                            ("BACKGROUND", (0, 0), (0, -1), HEAD_FILL),
                                                            ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return story


def _visits(s: MeetingSummary, st: _Styles) -> list[Flowable]:
    body = []
    for v in s.visits:
        what = "Home visit" if v.kind == "home" else "Office interview"
        how = [f"{what}: {_words(v.outcome) or 'no outcome'}", "announced" if v.announced else "unannounced"]
        if v.sign_off in ("pending", "escalated"):
            how.append("awaiting sign-off")
        found = list(v.device_checks) or ["No device checked"]
        body.append([_when(v.visited_at), lines(st.cell, *how, bold=(0,)), ", ".join(v.officers),
                     lines(st.cell, *found, *([f"Notes: {v.notes}"] if v.notes else []))])
    shown = len(s.visits)
    if shown >= s.visits_shown:
        lead = f"The last {shown} visits, newest first."
    else:
        lead = f"The {'only visit' if shown == 1 else f'{shown} visits'} recorded, newest first."
    story = [para(lead, st.none)] if s.visits else []
    story += _listed(st, ["Visited", "Visit", "Officers", "Devices checked; notes"], body,
                     [26 * mm, 40 * mm, 34 * mm, None], "No visit recorded.")
    story += [Spacer(1, 2.5 * mm), para("Devices on the register", st.head), Spacer(1, 1 * mm)]
    devices = [[d.label, "Declared" if d.declared else "Found, not declared", _words(d.status).capitalize(),
                _d(d.last_checked_on) or "Never",
                para(d.flag, st.alert) if d.flag else "No"] for d in s.devices]
    story += _listed(st, ["Device", "How known", "Status", "Last checked", "Needs checking"], devices,
                     [None, 30 * mm, 18 * mm, 22 * mm, 38 * mm], "No device on the register.")
    return story


def _breaches(s: MeetingSummary, st: _Styles) -> list[Flowable]:
    body = [[_d(b.occurred_on), para(b.description, st.cell, line_breaks=True),
             _words(b.status).capitalize(), lines(st.cell, b.decision, *b.warnings)] for b in s.breaches]
    return _listed(st, ["Occurred on", "Breach", "Status", "Decision and warnings"], body,
                   [22 * mm, None, 16 * mm, 62 * mm], "No breach recorded.")


def _relationships(s: MeetingSummary, st: _Styles) -> list[Flowable]:
    body = []
    for r in s.relationships:
        period = " to ".join(x for x in (_d(r.from_date), _d(r.to_date) or "now") if x) if r.from_date else ""
        if r.withheld:
            children = "Withheld: on a record you are not linked to"
        else:
            children = ("Has access to children" if r.access_to_children
                        else "Has children" if r.has_children else "No")
        body.append([r.person_name, _words(r.kind).capitalize(), period, children, r.linked_reference or ""])
    return _listed(st, ["Name", "Relationship", "Period", "Children", "Registered as"], body,
                   [None, 28 * mm, 36 * mm, 36 * mm, 24 * mm], "No relationship recorded.")


def _actions(s: MeetingSummary, st: _Styles) -> list[Flowable]:
    body = [[para(a.description, st.cell), a.owner or "", _d(a.due_on),
             para("Overdue", st.alert) if a.overdue else "Open"] for a in s.open_actions]
    return _listed(st, ["Action", "Owner", "Due by", "State"], body, [None, 40 * mm, 22 * mm, 18 * mm],
                   "No open action.")


def build_pdf(summary: MeetingSummary, *, printed_by: str, printed_at: datetime) -> bytes:
    st = _Styles()
    local = printed_at.astimezone(LONDON)
    printed = f"{local:%d/%m/%Y} at {local:%H:%M} {local.tzname()}"
    i = summary.identity
    handling = page_tables(None, [[para(HANDLING, st.handling)]], [None], frame_width=PAGE.frame_width,
                           style=st.handling,
                           table_style=lambda _r: TableStyle([("BOX", (0, 0), (-1, -1), 0.8, INK),
                                                              ("BACKGROUND", (0, 0), (-1, -1), STRIPE)]))
    story: list[Flowable] = [
        para(TITLE, st.title),
        para(f"{i.name} · {i.reference} · as of {_d(summary.on)}", st.subtitle),
        *handling,
    ]
    parts = (_identity, _convictions, _orders, _risk, _plan, _visits, _breaches, _relationships, _actions)
    for heading, part in zip(SECTIONS, parts, strict=True):
        story.append(para(heading, st.heading))
        story += part(summary, st)
    return render(story, PAGE, title=f"{TITLE}: {i.reference}", author=printed_by,
                  footer=f"Printed by {printed_by} on {printed}", keywords=[MARKING, "MAPPA", i.reference])
