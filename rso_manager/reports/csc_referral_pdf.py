"""The referral to children's social care as a PDF, for the local authority's front door (MASH).

Issue 15 item 4: the inspection found the OMU did not share what it knew with children's social
care. The document follows the headings a local authority's referral form asks under: the child
and household, the concern and where it came from, the person posing a risk, their relevant
history and current restrictions, what has already been done, and whom to call back. Made with
reports.pdf_kit: OFFICIAL-SENSITIVE top and bottom of every page, a handling line, "Page n of N",
DejaVu Sans so any name prints as typed. Times are London times, dates dd/mm/yyyy.

Pure: the safeguarding service gathers a ReferralDocument from the record; this only lays it out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Spacer, TableStyle

from rso_manager.clock import LONDON
from rso_manager.reports.pdf_kit import (
    FONT,
    MARKING,
    MUTED,
    NumberedCanvas,
    Page,
    page_tables,
    para,
    render,
    sample_styles,
)

PAGE = Page(side=18 * mm, top=24 * mm, bottom=24 * mm)

HANDLING = (f"{MARKING}. Shared with children's social care for the purpose of safeguarding the child(ren) "
            "named (Children Act 1989 s.47; Working Together to Safeguard Children 2023). Do not share "
            "further without the agreement of the Offender Management Unit; never with the subject. Store "
            "securely and destroy when no longer needed.")

# Under the marking at the top of every page, so a page copied on its own still says how to handle it.
HANDLING_SHORT = "Safeguarding use only: do not share further without the Offender Management Unit's agreement."

HEADINGS = (
    "1. The child or children and the household",
    "2. The concern",
    "3. The person posing a risk",
    "4. Relevant history",
    "5. Current restrictions",
    "6. Action already taken",
    "7. This referral",
    "8. Officer contact",
)


@dataclass(frozen=True)
class HistoryLine:
    """One dated line of the subject's history or of what was done: a conviction, an order, a
    risk assessment, a visit, an action, a disclosure."""

    on: date | datetime | None
    text: str


@dataclass(frozen=True)
class ReferralDocument:
    """What the local authority needs to know, as the record holds it when printed."""

    referral_id: int
    # The child and household.
    household: str | None
    relationship: str | None  # the recorded relationship the concern is about, in words
    # The concern.
    concern: str
    concern_at: datetime
    concern_source: str | None
    # The person posing a risk.
    offender_reference: str
    offender_name: str
    date_of_birth: date
    gender: str | None
    aliases: tuple[str, ...]
    address: str | None
    pnc_id: str | None
    # Relevant history.
    risk_level: str  # in words ("High", "Not assessed")
    risk_assessment: str | None  # the latest: tool, level, date
    mappa: str
    convictions: tuple[HistoryLine, ...]
    orders: tuple[HistoryLine, ...]
    notification_requirement: str | None
    # Current restrictions.
    prohibitions: tuple[str, ...]
    # Action already taken.
    actions: tuple[HistoryLine, ...]
    visits_since_concern: tuple[HistoryLine, ...]
    disclosures: tuple[HistoryLine, ...]
    # This referral.
    referred_at: datetime | None
    referred_by: str | None
    agency: str | None
    their_reference: str | None
    sent_method: str | None  # in words ("Secure email")
    acknowledged_at: datetime | None
    acknowledged_by: str | None
    decision: str | None
    decision_at: datetime | None
    decision_due: datetime | None
    # Officer contact.
    offender_manager: str | None
    team: str | None
    unit_contact: str | None  # the OMU's telephone and secure email, from the OMU's settings
    # The print itself.
    printed_by: str
    printed_at: datetime


def london(moment: datetime | None) -> str:
    return f"{moment.astimezone(LONDON):%d/%m/%Y %H:%M}" if moment else ""


def _when(on: date | datetime | None) -> str:
    if isinstance(on, datetime):
        return london(on)
    return f"{on:%d/%m/%Y}" if on else ""


def _or_none(text: str | None, none: str = "Not recorded") -> str:
    return text.strip() if text and text.strip() else none


def _handling_line(canvas: NumberedCanvas, _number: int, _total: int) -> None:
    canvas.setFont(FONT, 7.5)
    canvas.setFillColor(MUTED)
    canvas.drawCentredString(PAGE.width / 2, PAGE.height - 15 * mm, HANDLING_SHORT)


def csc_referral_pdf(doc: ReferralDocument) -> bytes:
    styles = sample_styles()
    body = styles["BodyText"].clone("cscBody", fontSize=9.5, leading=12.5)
    small = body.clone("cscSmall", fontSize=8, leading=10)
    heading = styles["Heading3"].clone("cscHeading", spaceBefore=8, spaceAfter=3)
    handling = body.clone("cscHandling", fontSize=8.5, leading=11, textColor=colors.HexColor("#8c1d18"),
                          borderColor=colors.HexColor("#f1b5b0"), borderWidth=0.6, borderPadding=5,
                          backColor=colors.HexColor("#fdecea"))
    grid = TableStyle([("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#9AA5B1")),
                       ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#F0F2F5")),
                       ("VALIGN", (0, 0), (-1, -1), "TOP")])

    def facts(rows: Sequence[tuple[str, str]]) -> list[Flowable]:
        return list(page_tables(None, [[k, para(v, body, line_breaks=True)] for k, v in rows], [48 * mm, None],
                                frame_width=PAGE.frame_width, style=body, table_style=lambda _: grid))

    def dated(lines: Sequence[HistoryLine], none: str) -> list[Flowable]:
        if not lines:
            return [para(none, body)]
        return list(page_tables(None, [[_when(x.on), para(x.text, body, line_breaks=True)] for x in lines],
                                [34 * mm, None], frame_width=PAGE.frame_width, style=body,
                                table_style=lambda _: grid))

    def section(number: int, *content: Flowable) -> list[Flowable]:
        # A heading never sits alone at the foot of a page.
        first, *rest = content
        return [KeepTogether([para(HEADINGS[number], heading), first]), *rest]

    concern_at = london(doc.concern_at)
    story: list[Flowable] = [
        para("Referral to children's social care", styles["Title"]),
        para(f"From the police Offender Management Unit about {doc.offender_name} ({doc.offender_reference}). "
             f"Concern known since {concern_at} (UK time).", body),
        Spacer(1, 2 * mm),
        para(HANDLING, handling),
        Spacer(1, 2 * mm),
    ]
    story += section(0, *facts([
        ("Child(ren) and household", _or_none(doc.household, "Not recorded: ask the officer below.")),
        *([("Relationship recorded", doc.relationship)] if doc.relationship else []),
    ]))
    story += section(1, *facts([
        ("The concern", doc.concern),
        ("Known since", f"{concern_at} (UK time)"),
        ("Source of the information", _or_none(doc.concern_source)),
    ]))
    story += section(2, *facts([
        ("Name", doc.offender_name),
        ("Also known as", ", ".join(doc.aliases) or "None recorded"),
        ("Date of birth", f"{doc.date_of_birth:%d/%m/%Y}"),
        ("Gender", _or_none(doc.gender)),
        ("Address", _or_none(doc.address, "No current address recorded")),
        ("PNC number", _or_none(doc.pnc_id)),
        ("Police reference", doc.offender_reference),
    ]))
    story += section(3, *facts([
        ("Risk level", doc.risk_level + (f" ({doc.risk_assessment})" if doc.risk_assessment else "")),
        ("MAPPA", doc.mappa),
        ("Notification requirement", _or_none(doc.notification_requirement, "None recorded")),
    ]), para("Convictions", styles["Heading4"]), *dated(doc.convictions, "No convictions recorded."),
        para("Orders", styles["Heading4"]), *dated(doc.orders, "No civil orders recorded."))
    restrictions = ([para(f"\u2022 {p}", body) for p in doc.prohibitions]
                    or [para("No order prohibitions are in force.", body)])
    story += section(4, *restrictions)
    story += section(5, para("Actions on the risk management plan", styles["Heading4"]),
                     *dated(doc.actions, "No actions recorded."),
                     para("Visits since the concern", styles["Heading4"]),
                     *dated(doc.visits_since_concern, "No visit since the concern."),
                     para("Disclosures", styles["Heading4"]),
                     *dated(doc.disclosures, "No disclosure recorded."))
    referral_rows = [
        ("Sent", f"{london(doc.referred_at)} (UK time) by {doc.referred_by or 'the officer below'}"
         if doc.referred_at else "Not yet sent"),
        ("Sent to", _or_none(doc.agency, "")),
        ("Method", _or_none(doc.sent_method, "")),
        ("Your reference", _or_none(doc.their_reference, "")),
        ("Decision due", f"By the end of {doc.decision_due.astimezone(LONDON):%d/%m/%Y} (one working day)"
         if doc.decision_due else ""),
        ("Acknowledged", f"{london(doc.acknowledged_at)} by {doc.acknowledged_by}" if doc.acknowledged_at else ""),
        ("Decision", f"{london(doc.decision_at)}: {doc.decision}" if doc.decision_at else ""),
    ]
    story += section(6, *facts([(k, v) for k, v in referral_rows if v]))
    story += section(7, *facts([
        ("Offender manager", _or_none(doc.offender_manager, "Not allocated")),
        ("Team", _or_none(doc.team)),
        ("Offender Management Unit", _or_none(doc.unit_contact, "Through the force's switchboard: ask for the "
                                                               "Offender Management Unit")),
        ("Prepared by", f"{doc.printed_by}, {london(doc.printed_at)} (UK time)"),
    ]))
    story += [Spacer(1, 3 * mm), para(f"Referral record {doc.referral_id}. {HANDLING}", small)]
    return render(story, PAGE, title=f"Referral to children's social care: {doc.offender_reference}",
                  author=doc.printed_by, decorate=_handling_line,
                  footer=f"Referral {doc.referral_id} - printed by {doc.printed_by} on "
                         f"{london(doc.printed_at)} (UK time)")
