"""How a breach is described: what it is a breach of, the two ways it closes, and the summary
the page and the decision dialogs show."""

from __future__ import annotations

from rso_manager.services.breaches import BreachView
from ui.kit.formatting import fmt_date

BREACH_KIND_LABELS = {
    "statutory_duty": "A statutory notification duty",
    "order": "A prohibition or requirement of an order",
    "licence": "A licence condition",
}
WARNING_KIND_LABELS = {"oral": "Oral", "written": "Written"}
SIGN_OFF_LABELS = {"pending": "Awaiting sign-off", "approved": "Signed off", "returned": "Returned",
                   "escalated": "Escalated"}
TWO_WAYS = ("A breach closes in one of two ways only: a crime reference, or a reasoned decision not to "
            "record a crime that a supervisor signs. A warning does not close a breach.")


def breach_of(b: BreachView) -> str:
    if b.order_requirement:
        return b.order_requirement
    if b.duty:
        return b.duty
    return "Licence condition" if b.kind == "licence" else b.kind.replace("_", " ").capitalize()


def breach_summary(b: BreachView) -> str:
    when = f"Breach on {fmt_date(b.occurred_on)}: " + (f"open for {b.age_days} day{'s' if b.age_days != 1 else ''}"
                                                        if b.status == "open" else "closed")
    return f"{when}.\n{b.description}\nBreach of: {breach_of(b)}.\nNow: {b.decision}."

SOURCE_LABELS = {
    "manual": "Opened by an officer",
    "late_notification": "Opened by itself: a notification made late",
    "missed_notification": "Opened by itself: a notification not made",
    "refused_biometrics": "Opened by itself: fingerprints or photograph refused",
    "undeclared_device": "Opened by itself: a device found that was not declared",
    "order_prohibition": "Opened from an order's prohibition",
}
