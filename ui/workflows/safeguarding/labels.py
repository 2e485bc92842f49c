"""The words and the banner style the safeguarding parts share."""

from __future__ import annotations

from rso_manager.services.caseload import EntryRow

KIND_LABELS = {"family": "Family", "friend": "Friend", "associate": "Associate", "partner": "Partner"}
DECISION_LABELS = {"disclose": "Disclose", "not_disclose": "Do not disclose"}
SHORT_ROUTE = {"s327a": "s.327A disclosure", "csods": "Disclosure scheme"}
FLAG_STYLE = ("QLabel#flagBanner { background: #fdecea; border: 1px solid #f1b5b0; border-radius: 4px; "
              "color: #8c1d18; padding: 6px 8px; font-weight: 600; }")


def day_order(e: EntryRow) -> int:
    """An entry's day as a sort key; undated entries first."""
    return e.when.toordinal() if e.when else 0


def short(text: str | None, limit: int = 140) -> str:
    """TEXT on one line, cut at LIMIT characters with an ellipsis."""
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 3].rstrip(" .,;:") + "..."
