"""The safeguarding response a concern about a child opens, and its three clocks (issue 19).

Working Together to Safeguard Children 2023 asks for a referral to children's social care
"immediately" where a child may be suffering significant harm; CJA 2003 s.327A makes the MAPPA
authority consider disclosure to the person best placed to protect the child; and every child
named needs a check that they are safe (domain.md section 3, rules R21-R22). Each part is due at
the end of a London working day:

* the referral: the working day the concern arose (a concern on a Saturday or a bank holiday
  is due by the end of the next working day: that is when the OMU's own day ends), or N working
  days after it if a force sets N;
* the s.327A disclosure consideration: N working days after the concern's day (default 1);
* each child safety check: N working days after the concern's day (default 1).

Pure rules over aware instants; calendar days are London days (domain.dates).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from rso_manager.clock import LONDON
from rso_manager.domain.dates import (
    add_working_days,
    is_working_day,
    london_day,
    working_days_between,
)
from rso_manager.domain.safeguarding_clocks import end_of_london_day

# What raised the concern (SafeguardingReferral.concern_origin).
ORIGINS = ("relationship", "household", "intelligence", "visit", "warning", "direct")
ORIGIN_LABEL = {"relationship": "Relationship with access to children", "household": "Stay in a household with a child",
                "intelligence": "Intelligence", "visit": "Home visit", "warning": "Formal warning",
                "direct": "Entered directly"}

# The three parts of a response, by the table each is kept in.
PART_REFERRAL, PART_DISCLOSURE, PART_CHILD_CHECK = "safeguarding_referral", "disclosure", "child_safety_check"
PART_LABEL = {PART_REFERRAL: "Referral to children's social care",
              PART_DISCLOSURE: "s.327A disclosure consideration",
              PART_CHILD_CHECK: "Child safety check"}
CHECK_RESULTS = ("safe", "concern", "not_found")
CHECK_RESULT_LABEL = {"safe": "Seen and safe", "concern": "Concern for the child: further action",
                      "not_found": "Not found: child not located"}

# Warnings for behaviour that raises concern (FormalWarning.concern_kind), and which of them the
# warning form marks as raising concern unless the officer says otherwise.
CONCERN_KINDS = ("internet_history", "device_concealment", "contact_with_children", "other")
CONCERN_KIND_LABEL = {"internet_history": "Deleting internet or search history",
                      "device_concealment": "Concealing a device", "contact_with_children": "Contact with children",
                      "other": "Other behaviour"}
CONCERNING_BY_DEFAULT = frozenset({"internet_history", "device_concealment", "contact_with_children"})


@dataclass(frozen=True)
class ResponsePolicy:
    """Working days each part is due in; each is a setting (services.settings)."""

    referral_working_days: int = 0
    disclosure_working_days: int = 1
    child_check_working_days: int = 1


def _working_day_of(day: date, extra_holidays: Iterable[date]) -> date:
    """DAY if it is a working day, else the next one."""
    return day if is_working_day(day, extra_holidays) else add_working_days(day, 1, extra_holidays)


def _due(concern_at: datetime, working_days: int, extra_holidays: Iterable[date]) -> datetime:
    extra = frozenset(extra_holidays)
    start = london_day(concern_at)
    day = _working_day_of(start, extra) if working_days == 0 else add_working_days(start, working_days, extra)
    return end_of_london_day(day)


def referral_due(concern_at: datetime, policy: ResponsePolicy = ResponsePolicy(),  # noqa: B008 - frozen
                 extra_holidays: Iterable[date] = ()) -> datetime:
    """The end of the concern's London working day (by default): Wednesday 14:00 is due by the
    end of Wednesday; Saturday is due by the end of Monday, or Tuesday after a bank holiday."""
    return _due(concern_at, policy.referral_working_days, extra_holidays)


def disclosure_due(concern_at: datetime, policy: ResponsePolicy = ResponsePolicy(),  # noqa: B008 - frozen
                   extra_holidays: Iterable[date] = ()) -> datetime:
    return _due(concern_at, policy.disclosure_working_days, extra_holidays)


def child_check_due(concern_at: datetime, policy: ResponsePolicy = ResponsePolicy(),  # noqa: B008 - frozen
                    extra_holidays: Iterable[date] = ()) -> datetime:
    return _due(concern_at, policy.child_check_working_days, extra_holidays)


class PartState(StrEnum):
    OPEN = "open"
    OVERDUE = "overdue"
    DONE = "done"
    DONE_LATE = "done late"
    NOT_APPLICABLE = "not applicable"


@dataclass(frozen=True)
class PartClock:
    """Where one part stands against its due time: still due in DUE_IN, overdue (or was done
    late) by LATE_BY, and how many working days late that is."""

    state: PartState
    due_at: datetime | None
    due_in: timedelta | None
    late_by: timedelta | None
    working_days_late: int

    @property
    def is_open(self) -> bool:
        return self.state in (PartState.OPEN, PartState.OVERDUE)


def part_clock(due_at: datetime | None, done_at: datetime | None, not_applicable_at: datetime | None,
               now: datetime, extra_holidays: Iterable[date] = ()) -> PartClock:
    """The clock of one part. Not applicable stops it (the reason is the supervisor's to judge);
    done measures against the due time; otherwise it runs against NOW."""
    if not_applicable_at is not None and done_at is None:
        return PartClock(PartState.NOT_APPLICABLE, due_at, None, None, 0)
    if due_at is None:
        return PartClock(PartState.DONE if done_at else PartState.OPEN, None, None, None, 0)
    moment = done_at or now
    late = moment - due_at if moment > due_at else None
    days = working_days_late(due_at, moment, extra_holidays) if late else 0
    if done_at is not None:
        return PartClock(PartState.DONE_LATE if late else PartState.DONE, due_at, None, late, days)
    return PartClock(PartState.OVERDUE if late else PartState.OPEN, due_at, None if late else due_at - now,
                     late, days)


def working_days_late(due_at: datetime, done_at: datetime, extra_holidays: Iterable[date] = ()) -> int:
    """Working days after the due day up to the day it was done: a referral due by the end of
    Friday and made on Tuesday (Monday a bank holiday) is one working day late."""
    return working_days_between(london_day(due_at), london_day(done_at), extra_holidays)


def delay_text(late: timedelta | None, working_days: int) -> str:
    """A delay in the words the summary uses: hours under a day, else working days."""
    if late is None:
        return "on time"
    if working_days <= 0:
        hours = late.total_seconds() / 3600
        return f"{hours:.1f} hours late" if hours < 24 else f"{hours / 24:.1f} days late (no working day lost)"
    return f"{working_days} working day{'s' if working_days != 1 else ''} late"


def warning_raises_concern_by_default(concern_kind: str | None) -> bool:
    return concern_kind in CONCERNING_BY_DEFAULT


def london_text(moment: datetime | None, with_time: bool = True) -> str:
    """An instant as people in England and Wales read it (stored times are UTC: in summer a
    UTC time reads an hour early)."""
    if moment is None:
        return ""
    local = moment.astimezone(LONDON)
    return f"{local:%d/%m/%Y %H:%M}" if with_time else f"{local:%d/%m/%Y}"


def children_named(text: str | None) -> tuple[str, ...]:
    """The children typed in one field, separated by commas, semicolons or lines:
    "Amy (7), Ben (4)" is two children, each to be checked."""
    parts = (p.strip() for chunk in (text or "").splitlines() for p in chunk.replace(";", ",").split(","))
    return tuple(p[:200] for p in parts if p)
