"""The breach or warning selected, read in full beside the lists: what happened and what it is a
breach of, the decision (a crime reference, or the reasons for not recording a crime and who
signed them), the warnings given with their rationale, and where each sign-off stands."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from rso_manager.services.breaches import BreachView, NoCrimeProposal, WarningView
from ui.kit.detail_pane import DetailPane, EntryHistory, PaneStack, history_fields
from ui.kit.formatting import fmt_date, fmt_datetime
from ui.workflows.breaches.texts import (
    SIGN_OFF_LABELS,
    SOURCE_LABELS,
    WARNING_KIND_LABELS,
    breach_of,
)

NO_BREACH = ("Select a breach or a warning to read it in full: what happened, the decision and its reasons, "
             "the warnings given and who signed.")


def breach_fields(b: BreachView, proposal: NoCrimeProposal | None, note: str = "") -> dict[str, str]:
    """NOTE: why the reader may not decide a proposal waiting for sign-off (their own, say)."""
    if b.status == "open":
        status = f"Open for {b.age_days} day{'s' if b.age_days != 1 else ''}"
    else:
        status = "Closed" + (f" on {fmt_datetime(b.closed_at)}" if b.closed_at else "")
    if proposal is not None:
        sign_off = (f"Proposal not to record a crime by {proposal.proposed_by} on {fmt_datetime(proposal.proposed_at)}, "
                    "awaiting sign-off" + (f".\n{note}" if note else ""))
    elif b.signed_by:
        sign_off = f"Decision not to record a crime signed by {b.signed_by}"
    else:
        sign_off = ""
    return {
        "Breach": f"Breach on {fmt_date(b.occurred_on)}",
        "Status": status,
        "What happened": b.description,
        "Breach of": breach_of(b),
        "How it was opened": SOURCE_LABELS.get(b.source, b.source.replace("_", " ").capitalize()),
        "Decision": b.decision,
        "Crime reference": b.crime_reference or "",
        "No-crime rationale": proposal.rationale if proposal is not None else (b.no_crime_rationale or ""),
        "Sign-off": sign_off,
        "Warnings": "\n".join(warning_line(w) for w in b.warnings),
    }


def warning_line(w: WarningView) -> str:
    return f"{WARNING_KIND_LABELS.get(w.kind, w.kind)} warning given {fmt_date(w.given_on)} by {w.given_by}: {w.rationale}"


def warning_sign_off(w: WarningView) -> str:
    if w.kind != "written":
        return "Not needed: an oral warning"
    text = SIGN_OFF_LABELS.get(w.sign_off_status or "", "Not asked")
    return f"{text} by {w.signed_by}" if w.signed_by and w.sign_off_status in ("approved", "returned") else text


def warning_fields(w: WarningView, about: BreachView | None) -> dict[str, str]:
    return {
        "Warning": f"{WARNING_KIND_LABELS.get(w.kind, w.kind)} warning",
        "Given": f"On {fmt_date(w.given_on)} by {w.given_by}",
        "Rationale": w.rationale,
        "About": (f"The breach of {fmt_date(about.occurred_on)}: {about.description}" if about is not None
                  else ("A breach" if w.breach_id else "No breach: given on its own")),
        "Sign-off": warning_sign_off(w),
    }


class BreachDetail(PaneStack):
    """A breach pane and a warning pane, one shown at a time. Test seams: `breach_pane`,
    `warning_pane` (DetailPane: values, placeholder, shown) and `current()`."""

    BREACH_CAPTIONS = ("Breach", "Status", "What happened", "Breach of", "How it was opened", "Decision",
                       "Crime reference", "No-crime rationale", "Sign-off", "Warnings")
    WARNING_CAPTIONS = ("Warning", "Given", "Rationale", "About", "Sign-off")

    def __init__(self, parent: QWidget | None = None) -> None:
        self.breach_pane = DetailPane(self.BREACH_CAPTIONS, NO_BREACH)
        self.warning_pane = DetailPane(self.WARNING_CAPTIONS, NO_BREACH)
        super().__init__({"breach": self.breach_pane, "warning": self.warning_pane}, parent)

    def show_breach(self, b: BreachView | None, proposal: NoCrimeProposal | None, history: EntryHistory,
                    note: str = "") -> None:
        self.pane("breach")
        if b is None:
            self.breach_pane.show_placeholder()
            return
        self.breach_pane.show_fields(b, {**breach_fields(b, proposal, note),
                                         **history_fields(history, b.recorded_by or "the system", b.recorded_at)},
                                     warnings=[c for c, on in (("Decision", b.needs_decision), ("Sign-off", proposal is not None)) if on])

    def show_warning(self, w: WarningView, about: BreachView | None, history: EntryHistory) -> None:
        self.pane("warning")
        self.warning_pane.show_fields(w, {**warning_fields(w, about),
                                          **history_fields(history, w.recorded_by, w.recorded_at)},
                                      warnings=("Sign-off",) if w.sign_off_status == "returned" else ())
