"""A notification read in full beside the lists (what was due and when, where it was given, to
whom, in person or not, fingerprints and photographs, whether late), and a conviction with its
notification requirement and period."""

from __future__ import annotations

from typing import Any

from rso_manager.services import notifications as nt
from ui.kit.detail_pane import DetailPane
from ui.kit.formatting import fmt_date, fmt_datetime, show_value
from ui.workflows.notifications.wording import (
    CONVICTION_KIND_LABELS,
    SOURCE_LABELS,
    disposal_text,
    pending_status,
    requirement_text,
    review_text,
    uk_dates,
)

NOTIFICATION_CAPTIONS = ("Notification", "Status", "Event on", "Due by", "Given", "Where", "Taken by",
                         "In person", "Fingerprints", "Photographs", "Late", "Details")
NO_NOTIFICATION = ("Select a notification to read it in full: when it was due, where and by whom it was taken, "
                   "fingerprints and photographs, and what was notified.")
CONVICTION_CAPTIONS = ("Conviction", "Kind", "Court", "Convicted on", "Schedule 3", "Age at conviction",
                       "Disposal", "Sentence", "Sentenced on", "Notification requirement", "Notification period", "Review",
                       "Initial notification", "Learned of", "Source")
NO_CONVICTION = ("Select a conviction to read it in full: the offence, the sentence, and the notification "
                 "requirement and period that follow from it.")

# The words for what a notification's details hold (event_dialogs and take_notification write them).
DETAIL_LABELS = {
    "name": "New name", "line1": "Address", "town": "Town", "postcode": "Postcode", "found_at": "Can be found at",
    "address": "Household address", "hours": "Hours a day", "child_under_18": "A child under 18 lives there",
    "destination": "Destination", "return_on": "Returning on", "what": "What changed",
    "given": "Bank, card and passport/ID details given", "bank": "Bank", "cards": "Cards", "passport": "Passport/ID",
}


# Said even when "no": the rest are flags worth a line only when set.
SAID_WHEN_NO = {"child_under_18"}


def details_text(details: dict[str, Any]) -> str:
    """What was notified, a line a detail: record ids and unset flags left out."""
    return "\n".join(f"{DETAIL_LABELS.get(k, k.replace('_', ' ').capitalize())}: {show_value(v)}"
                     for k, v in details.items()
                     if v not in (None, "") and not k.endswith("_id") and (v is not False or k in SAID_WHEN_NO))


def _taken(value: bool | None) -> str:
    return {True: "Taken", False: "REFUSED"}.get(value, "Not asked") if value is not None else "Not recorded"


def pending_fields(p: nt.PendingNotification) -> dict[str, str]:
    return {
        "Notification": p.label,
        "Status": pending_status(p).capitalize() if p.overdue else pending_status(p),
        "Event on": fmt_date(p.event_on),
        "Due by": fmt_date(p.due_on, "Paused: not due while in custody, hospital or abroad"),
        "Given": "Not yet given",
        "Details": details_text(p.details),
    }


def taken_fields(t: nt.TakenRow) -> dict[str, str]:
    return {
        "Notification": t.label,
        "Status": "Given late" if t.late else "Given on time",
        "Event on": fmt_date(t.event_on),
        "Due by": fmt_date(t.due_on),
        "Given": fmt_datetime(t.notified_at),
        "Where": t.station or "Station not recorded",
        "Taken by": t.taken_by or "Not recorded",
        "In person": "Yes" if t.in_person else "No",
        "Fingerprints": _taken(t.fingerprints_taken),
        "Photographs": _taken(t.photographs_taken),
        "Late": "Yes: a breach was opened" if t.late else "No",
        "Details": details_text(t.details),
    }


def taken_warnings(t: nt.TakenRow) -> list[str]:
    return [c for c, on in (("Status", t.late), ("Late", t.late), ("Fingerprints", t.fingerprints_taken is False),
                            ("Photographs", t.photographs_taken is False)) if on]


def conviction_fields(c: nt.ConvictionView) -> dict[str, str]:
    sentence = c.sentence_text or (f"{c.sentence_months} months" if c.sentence_months else "")
    if c.discharge_months:
        sentence = (sentence + "; " if sentence else "") + f"conditional discharge of {c.discharge_months} months"
    r = c.requirement
    return {
        "Conviction": f"{c.offence} ({fmt_date(c.convicted_on)})",
        "Kind": CONVICTION_KIND_LABELS.get(c.kind, c.kind),
        "Court": c.court or "Not recorded",
        "Convicted on": fmt_date(c.convicted_on),
        "Schedule 3": "Yes" + (" (the threshold depends on the sentence)" if c.threshold_depends_on_sentence else "")
        if c.schedule3 else "No",
        "Age at conviction": str(c.age_at_conviction) if c.age_at_conviction is not None else "",
        "Disposal": disposal_text(c.disposal) if c.disposal else "Not entered yet",
        "Sentence": uk_dates(sentence) if sentence else "Not entered yet",
        "Sentenced on": fmt_date(c.sentenced_on),
        "Notification requirement": f"From {fmt_date(r.starts_on)}: {requirement_text(r).lower()}"
        if r is not None else "None follows from it",
        "Notification period": uk_dates(r.basis) if r is not None else "",
        "Review": review_text(r) if r is not None else "",
        "Initial notification": f"Due by {fmt_date(c.initial_due_on)}" if c.initial_due_on else "",
        "Learned of": fmt_date(c.learned_on),
        "Source": SOURCE_LABELS.get(c.source or "", c.source or ""),
    }


class NotificationPane(DetailPane):
    def __init__(self) -> None:
        super().__init__(NOTIFICATION_CAPTIONS, NO_NOTIFICATION)


class ConvictionPane(DetailPane):
    def __init__(self) -> None:
        super().__init__(CONVICTION_CAPTIONS, NO_CONVICTION)
