"""What the caller asks the compliance figures for: whose cases, and the thresholds and policies
they are measured against."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from rso_manager.domain import notification_due as nd
from rso_manager.domain.visit_policy import VisitPolicy, load_default_policy

SCOPE_KINDS = ("force", "team", "officer")
DUE_SOON_DAYS = 14


@dataclass(frozen=True)
class Scope:
    """Whose cases: the whole force, a team (by name) or one officer (username or display name)."""

    kind: str = "force"
    name: str | None = None

    def __post_init__(self) -> None:
        if self.kind not in SCOPE_KINDS:
            raise ValueError(f"scope must be one of {', '.join(SCOPE_KINDS)}, not '{self.kind}'")
        if self.kind != "force" and not (self.name or "").strip():
            raise ValueError(f"a {self.kind} scope needs the {self.kind}'s name")

    @classmethod
    def parse(cls, words: Sequence[str]) -> Scope:
        """From command-line words: ["force"], ["team", "North"], ["officer", "Olly", "Manager"]."""
        kind, *name = list(words) or ["force"]
        if kind not in SCOPE_KINDS or (kind == "force") != (not name):
            raise ValueError("scope is 'force', 'team NAME' or 'officer NAME' "
                             "(an officer by username or display name)")
        return cls(kind, " ".join(name) or None)

    @classmethod
    def force(cls) -> Scope:
        return cls("force")

    @classmethod
    def team(cls, name: str) -> Scope:
        return cls("team", name)

    @classmethod
    def officer(cls, name: str) -> Scope:
        return cls("officer", name)


@dataclass(frozen=True)
class ReportSettings:
    """The OMU's thresholds and policies the report measures against: the reports service reads
    the OMU's own (services.reports.report_settings). The defaults are the shipped ones."""

    caseload_ceiling: int = 50
    device_check_visits: int = 2
    due_soon_days: int = DUE_SOON_DAYS
    sign_off_escalation_working_days: int = 5
    visit_policy: VisitPolicy = field(default_factory=load_default_policy)
    notification_policy: nd.NotificationPolicy = nd.DEFAULT_POLICY
