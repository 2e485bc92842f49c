"""The risk levels a case is assessed at (OASys/ARMS: low to very high), as officers read them.

None is a case with no assessment on record: "Not assessed", never a level of its own.
"""

from __future__ import annotations

RISK_LABEL: dict[str | None, str] = {
    "very_high": "Very high", "high": "High", "medium": "Medium", "low": "Low", None: "Not assessed",
}
