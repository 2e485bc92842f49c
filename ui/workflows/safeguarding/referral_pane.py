"""A concern and its referral read back in full beside the lists: every stage with its time (the
concern, the document's content, sent, acknowledged, decided), the clocks they ran against
(due, made, late by), and the disclosures linked to it."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from PySide6.QtWidgets import QWidget

from rso_manager.domain.dates import london_day
from rso_manager.services.safeguarding import (
    SENT_METHOD_LABEL,
    DisclosureView,
    ReferralView,
    referral_flags,
    referral_state,
)
from ui.kit.detail_pane import DetailPane
from ui.kit.formatting import duration_text, fmt_date, fmt_datetime
from ui.workflows.safeguarding.labels import DECISION_LABELS, SHORT_ROUTE

NO_REFERRAL = ("Select a concern to read its referral in full: the child and household, when it was sent and how, "
               "the acknowledgement and the decision against their clocks, and the disclosures linked to it.")


def _due(moment: datetime | None, what: str) -> str:
    return f"By the end of {fmt_date(london_day(moment))} ({what})" if moment else ""


def _late(late_by: timedelta | None, done: datetime | None, step: str) -> str:
    """"by 10 h" (after "Sent late"), or, for a step still waiting past its time, "Not sent yet:
    11 h overdue"."""
    if late_by is None:
        return ""
    return f"by {duration_text(late_by)}" if done else f"Not {step} yet: {duration_text(late_by)} overdue"


def _disclosure_line(d: DisclosureView) -> str:
    decided = DECISION_LABELS.get(d.decision or "", "Not decided yet")
    told = f"; told {d.disclosed_to} {fmt_datetime(d.disclosed_at)}" if d.disclosed_to else ""
    return f"{SHORT_ROUTE.get(d.route, d.route)}: {decided}{told}"


def referral_fields(r: ReferralView, disclosures: Iterable[DisclosureView]) -> tuple[dict[str, str], set[str]]:
    """The pane's rows (caption -> text) and the captions to show in red."""
    sent = ""
    if r.referred_at is not None:
        sent = (f"{fmt_datetime(r.referred_at)} by {r.referred_by or 'unknown'}"
                + (f", {duration_text(r.concern_to_referral)} after the concern" if r.concern_to_referral else ""))
    to = ", ".join(x for x in (r.agency, f"their reference {r.reference}" if r.reference else None) if x)
    linked = [_disclosure_line(d) for d in disclosures if d.referral_id == r.id]
    fields = {
        "Concern": r.concern,
        "Stage": referral_state(r),
        "Known since": fmt_datetime(r.concern_at),
        "Source": r.concern_source or "Not recorded yet: add it in the referral document",
        "Household": r.household or "Not recorded yet: add it in the referral document",
        "Referral due": _due(r.referral_due, "the same day"),
        "Sent": sent or "Not yet sent",
        "Sent late": _late(r.referral_late_by, r.referred_at, "sent"),
        "Method": SENT_METHOD_LABEL.get(r.sent_method or "", r.sent_method or ""),
        "Sent to": to,
        "Decision due": _due(r.decision_due, "one working day"),
        "Acknowledged": (f"{fmt_datetime(r.acknowledged_at)} by {r.acknowledged_by}" if r.acknowledged_at
                         else "Not yet" if r.referred_at else ""),
        "Acknowledged late": _late(r.acknowledgement_late_by, r.acknowledged_at, "acknowledged"),
        "Decision": f"{fmt_datetime(r.decision_at)}: {r.decision}" if r.decision_at else "",
        "Decided late": _late(r.decision_late_by, r.decision_at, "decided"),
        "Disclosures": "\n".join(linked),
        "Flags": "\n".join(referral_flags(r)),
    }
    red = {c for c in ("Sent late", "Acknowledged late", "Decided late", "Flags") if fields[c]}
    if r.referred_at is None and r.referral_late_by is not None:
        red.add("Sent")
    return fields, red


class ReferralPane(DetailPane):
    """Test seams (DetailPane's): `values` (caption -> its label), `placeholder`, `shown`."""

    # The clock first (what a supervisor checks), then what the document says.
    CAPTIONS = ("Concern", "Stage", "Known since", "Referral due", "Sent", "Sent late", "Method", "Sent to",
                "Decision due", "Acknowledged", "Acknowledged late", "Decision", "Decided late", "Disclosures",
                "Source", "Household", "Flags")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(self.CAPTIONS, NO_REFERRAL, parent)

    def show_referral(self, r: ReferralView | None, disclosures: Iterable[DisclosureView] = (), *,
                      voided: bool = False) -> None:
        if r is None:
            self.show_placeholder()
        elif voided:
            self.show_placeholder("This concern is marked as entered in error: it no longer counts.")
        else:
            fields, red = referral_fields(r, disclosures)
            self.show_fields(r, fields, warnings=red)
