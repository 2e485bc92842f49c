"""How the notification pages word the services' codes and views (SOA 2003 Part 2): words
only, the codes and what they mean are the services'."""

from __future__ import annotations

import re

from rso_manager.domain.notification_period import DisposalKind
from rso_manager.services import notifications as nt
from ui.kit.formatting import fmt_date

CONVICTION_KIND_LABELS = {
    "conviction": "Conviction",
    "finding": "Finding (not guilty by insanity, or under a disability)",
    "caution": "Caution",
}
SOURCE_LABELS = {
    "court_list": "Court list",
    "custody_record": "Custody record",
    "certificate": "Certificate (s.92)",
}
DISPOSAL_LABELS = {
    DisposalKind.IMPRISONMENT: "Imprisonment (enter the term)",
    DisposalKind.LIFE: "Life imprisonment",
    DisposalKind.IPP: "Imprisonment for public protection (IPP)",
    DisposalKind.HOSPITAL_ORDER_RESTRICTED: "Hospital order with a restriction order",
    DisposalKind.HOSPITAL_ORDER: "Hospital order without restriction",
    DisposalKind.DTO: "Detention and training order (enter the whole order)",
    DisposalKind.CONDITIONAL_DISCHARGE: "Conditional discharge (enter its length)",
    DisposalKind.CAUTION: "Caution",
    DisposalKind.OTHER: "Other: fine, community order, etc.",
}
PERIOD_LABELS = {"custody": "Custody", "hospital": "Detention in hospital", "abroad": "Time abroad"}
METHOD_LABELS = {
    nt.IN_PERSON: "In person at a designated police station",
    "home_visit": "At home, during a home visit",
    "telephone": "By telephone",
    "other": "Some other way",
}
EVENT_LABELS = {
    "change_address": "Change of home address",
    "change_name": "Change of name",
    "no_fixed_abode": "No fixed abode (no sole or main residence)",
    "household": "Stay of 12 hours or more in a household with a child",
    "travel": "Foreign travel",
    "financial": "New bank, card or passport/ID details",
    "did_not_occur": "A change given in advance did not happen",
}
EVENT_DATE_CAPTIONS = {
    "change_address": "Moved in &on",
    "change_name": "Name used &from",
    "no_fixed_abode": "No fixed abode &from",
    "household": "Stay begins &on",
    "travel": "&Departure date",
    "financial": "Details changed &on",
    "did_not_occur": "Date given in the &advance notice",
}


def disposal_text(code: str | None) -> str:
    if not code:
        return "Not yet sentenced"
    try:
        return DISPOSAL_LABELS[DisposalKind(code)].split(" (enter")[0]
    except ValueError:
        return code


def plural(n: int, word: str) -> str:
    return f"{n} {word}{'s' * (n != 1)}"


def pending_status(p: nt.PendingNotification) -> str:
    if p.due_on is None:
        return "Paused (custody, hospital or abroad)"
    if p.overdue:
        return f"OVERDUE {plural(p.days_overdue, 'day')}"
    return "Due soon" if p.due_soon else "Due"



_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")


def uk_dates(text: str) -> str:
    """The rules' explanations name dates as 2021-05-13; staff read 13/05/2021."""
    return _ISO.sub(lambda m: f"{m[3]}/{m[2]}/{m[1]}", text)



def requirement_text(r: nt.RequirementView) -> str:
    if r.depends_on_sentence:
        return "Depends on sentence"
    if r.indefinite:
        return "Indefinite"
    if not r.in_force and r.ends_on is not None:
        return f"Ended {fmt_date(r.ends_on)}"
    return f"Until {fmt_date(r.ends_on)}"


def by_relevance(reqs: tuple[nt.RequirementView, ...]) -> list[nt.RequirementView]:
    """In force first (newest first), then those that have ended."""
    return sorted(reqs, key=lambda r: (not r.in_force, -r.starts_on.toordinal()))


def review_text(r: nt.RequirementView) -> str:
    if r.review_eligible_on:
        late = " (after the order ends, s.91A(2)(b))" if r.review_barred_by else ""
        return f"Can apply from {fmt_date(r.review_eligible_on)}{late}"
    if r.review_barred_by:
        return f"Not while the {r.review_barred_by} has effect (s.91A(2)(b))"
    return "Not applicable"

