"""A disclosure read back in full beside the lists, where a referral is read: the route, the
scheme's stages against their deadlines, the decision and its reasons, who was told."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from PySide6.QtWidgets import QWidget

from rso_manager.services.safeguarding import ROUTE_LABEL, DisclosureView, ReferralView
from ui.kit.detail_pane import DetailPane
from ui.kit.formatting import fmt_datetime
from ui.workflows.safeguarding.labels import DECISION_LABELS, short


def _stage(done: datetime | None, due: datetime | None) -> str:
    if done is not None:
        return fmt_datetime(done)
    return f"Not yet; due by {fmt_datetime(due)}" if due is not None else ""


def disclosure_fields(d: DisclosureView, referrals: Iterable[ReferralView]) -> tuple[dict[str, str], set[str]]:
    concern = next((r for r in referrals if r.id == d.referral_id), None)
    deadlines = d.deadlines
    overdue = {s.value for s in d.overdue_stages}
    fields = {
        "Disclosure": ROUTE_LABEL.get(d.route, d.route),
        "About the concern": f"{fmt_datetime(concern.concern_at)}: {short(concern.concern, 160)}" if concern else "",
        "Applied": " by ".join(x for x in (fmt_datetime(d.applied_at), d.applicant or "") if x),
        "Checks": _stage(d.checks_at, deadlines.checks_by) if deadlines else "",
        "Interview": _stage(d.interview_at, deadlines.interview_by) if deadlines else "",
        "Decision": (DECISION_LABELS.get(d.decision, d.decision) + (f" by {d.decided_by}" if d.decided_by else "")
                     if d.decision else "Not decided yet"),
        "Sign-off": (d.sign_off_status or "").capitalize(),
        "Reasons": d.reasons or "",
        "Told": ", ".join(x for x in (d.disclosed_to, fmt_datetime(d.disclosed_at)) if x),
        "Conditions": d.conditions or "",
        "Completed": _stage(d.completed_at, deadlines.complete_by) if deadlines else fmt_datetime(d.completed_at),
        "Overdue": ", ".join(s.value for s in d.overdue_stages),
    }
    red = {"Overdue"} | {c for c, stage in (("Checks", "checks"), ("Interview", "interview"),
                                            ("Completed", "complete")) if stage in overdue}
    return fields, {c for c in red if fields[c]}


class DisclosurePane(DetailPane):
    CAPTIONS = ("Disclosure", "About the concern", "Applied", "Checks", "Interview", "Decision", "Sign-off",
                "Reasons", "Told", "Conditions", "Completed", "Overdue")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(self.CAPTIONS, "Select a disclosure to read it in full.", parent)

    def show_disclosure(self, d: DisclosureView | None, referrals: Iterable[ReferralView] = (), *,
                        voided: bool = False) -> None:
        if d is None:
            self.show_placeholder()
        elif voided:
            self.show_placeholder("This disclosure is marked as entered in error: it no longer counts.")
        else:
            fields, red = disclosure_fields(d, referrals)
            self.show_fields(d, fields, warnings=red)
