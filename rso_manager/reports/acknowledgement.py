"""The written acknowledgement of a notification, SOA 2003 s.87(3), as a PDF.

Built in core as bytes; the UI only saves or prints them. Made with reports.pdf_kit: the
marking top and bottom of every page, a footer naming who printed it and when, "Page n of N",
and DejaVu Sans, so any name prints as typed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any, Protocol

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer, TableStyle

from rso_manager.clock import LONDON
from rso_manager.reports.pdf_kit import Page, page_tables, para, render, sample_styles

PAGE = Page(side=20 * mm, top=25 * mm, bottom=25 * mm)


class NotificationTaken(Protocol):
    """What the acknowledgement prints of the notification given in person (the notifications
    service's TakenNotification is one)."""

    @property
    def notification_ids(self) -> Sequence[int]: ...
    @property
    def notified_at(self) -> datetime: ...
    @property
    def labels(self) -> Sequence[str]: ...
    @property
    def taken_by(self) -> str: ...
    @property
    def fingerprints_taken(self) -> bool: ...
    @property
    def photographs_taken(self) -> bool: ...
    @property
    def details_captured(self) -> Mapping[str, Any]: ...
    @property
    def next_due_on(self) -> date | None: ...


def _yes_no(value: bool) -> str:
    return "Yes" if value else "No"


def acknowledgement_pdf(taken: NotificationTaken, *, offender_name: str, offender_reference: str,
                        station_name: str, generated_by: str, generated_at: datetime) -> bytes:
    """A4 acknowledgement of what was notified, where, when and to whom (s.87(3)), with the
    s.87(4) fingerprints and photographs record."""
    styles = sample_styles()
    body, small = styles["BodyText"], styles["BodyText"].clone("small", fontSize=8, leading=10)
    at = taken.notified_at.astimezone(LONDON)
    printed = generated_at.astimezone(LONDON)

    def p(text: str, style=body) -> Flowable:
        return para(text, style)

    rows = [
        ("Name", offender_name),
        ("Reference", offender_reference),
        ("Police station", station_name),
        ("Date and time", f"{at:%d/%m/%Y %H:%M} (UK time)"),
        ("Notification", "\n".join(taken.labels)),
        ("Received by", taken.taken_by),
        ("Fingerprints taken", _yes_no(taken.fingerprints_taken)),
        ("Photographs taken", _yes_no(taken.photographs_taken)),
    ]
    if taken.details_captured:
        rows.append(("Bank, card and passport/ID details", "Recorded (2012 Regulations)"))
    if taken.next_due_on:
        rows.append(("Next notification due by", f"{taken.next_due_on:%d/%m/%Y}"))
    table = page_tables(None, [[k, [p(line) for line in v.split("\n")]] for k, v in rows], [55 * mm, None],
                        frame_width=PAGE.frame_width, style=body, table_style=lambda _: TableStyle([
                            ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
                            ("BACKGROUND", (0, 0), (0, -1), colors.whitesmoke),
                            ("VALIGN", (0, 0), (-1, -1), "TOP"),
                        ]))
    story: list[Flowable] = [
        p("Acknowledgement of notification", styles["Title"]),
        p("Sexual Offences Act 2003, Part 2, section 87(3)", styles["Heading3"]),
        Spacer(1, 4 * mm),
        p(f"This is written acknowledgement that {offender_name} attended {station_name} in person on "
          f"{at:%d/%m/%Y} at {at:%H:%M} and gave the notification set out below under Part 2 of the "
          "Sexual Offences Act 2003."),
        Spacer(1, 4 * mm),
        *table,
        Spacer(1, 6 * mm),
        p("Keep this acknowledgement. Each notification must be given in person at a police station "
          "on the force's published list (section 87(1)). Failing without reasonable excuse to "
          "notify as required, or knowingly giving false information, is an offence under "
          "section 91 of the Act."),
        Spacer(1, 10 * mm),
        p("Signed (officer): ______________________________    Date: ______________"),
        Spacer(1, 6 * mm),
        p(f"Notification record number(s): {', '.join(str(i) for i in taken.notification_ids)}", small),
    ]
    return render(story, PAGE, title=f"Acknowledgement of notification: {offender_reference}",
                  author=generated_by,
                  footer=f"Printed by {generated_by} on {printed:%d/%m/%Y %H:%M} (UK time)")
