"""The OMU's visit policy: the numbers visit planning works from, kept in resources/visit_policy.json.

The 1/3/6/12-month intervals are the pre-2017 minima, kept only as defaults: since NPCC 2017 the
risk management plan sets the frequency (domain.md 2.2, R12), so the OMU may edit the file and a
bad edit must fail loudly with the key named rather than silently plan the wrong visits.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import time
from importlib.resources import files
from types import MappingProxyType
from typing import Any

from rso_manager.domain.visit_window import RISK_TOOLS, RiskLevel, TimeBand

WEEKDAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

_KEYS = frozenset({
    "interval_months", "trigger_working_days", "overdue_working_days", "reactive_min_years",
    "earliest_fraction", "daily_capacity", "allowed_weekdays", "time_bands", "pattern_run",
    "failed_entries_for_warrant", "assessment_review_months",
})
# Keys a policy saved by an older release may lack: they read the shipped file's value.
_OPTIONAL = frozenset({"assessment_review_months"})


class PolicyError(ValueError):
    """A visit policy value is missing or invalid; the message names the key."""


@dataclass(frozen=True)
class VisitPolicy:
    interval_months: Mapping[RiskLevel, int]
    trigger_working_days: int
    overdue_working_days: int
    reactive_min_years: int
    earliest_fraction: float
    daily_capacity: int
    allowed_weekdays: frozenset[int]  # date.weekday() numbers, Monday = 0
    time_bands: Mapping[TimeBand, tuple[time, time]]  # [start, end)
    pattern_run: int
    failed_entries_for_warrant: int
    # Months from an assessment to its review, by tool ("default" for any tool not named) and level.
    assessment_review_months: Mapping[str, Mapping[RiskLevel, int]] = field(
        default_factory=lambda: _review_months(_shipped("assessment_review_months")))

    def review_months(self, tool: str, level: RiskLevel | str) -> int:
        """How long a risk assessment with TOOL and LEVEL stands before it is due for review."""
        by_level = self.assessment_review_months.get(tool) or self.assessment_review_months["default"]
        return by_level[RiskLevel(level)]

    def band_of(self, at: time) -> TimeBand | None:
        """The band AT falls in; None outside every band (e.g. a 06:00 visit)."""
        for band, (start, end) in self.time_bands.items():
            if start <= at < end:
                return band
        return None


def load_default_policy() -> VisitPolicy:
    text = files("resources").joinpath("visit_policy.json").read_text(encoding="utf-8")
    return policy_from_dict(json.loads(text))


def _fail(key: str, message: str, value: Any) -> PolicyError:
    return PolicyError(f"visit policy: '{key}' {message}, got {value!r}")


def _whole(key: str, value: Any, minimum: int) -> int:
    # bool is an int subclass; "true" for a count is a typo, not a number.
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise _fail(key, f"must be a whole number of at least {minimum}", value)
    return value


def _clock(key: str, value: Any) -> time:
    try:
        return time.fromisoformat(value)
    except (TypeError, ValueError):
        raise _fail(key, "must be a time as HH:MM", value) from None


def _intervals(raw: Any) -> Mapping[RiskLevel, int]:
    if not isinstance(raw, Mapping) or set(raw) != {r.value for r in RiskLevel}:
        raise _fail("interval_months", f"must give exactly {sorted(r.value for r in RiskLevel)}", raw)
    months = {r: _whole(f"interval_months.{r.value}", raw[r.value], 1) for r in RiskLevel}
    ladder = [RiskLevel.VERY_HIGH, RiskLevel.HIGH, RiskLevel.MEDIUM, RiskLevel.LOW]
    for higher, lower in zip(ladder, ladder[1:], strict=False):
        if months[higher] > months[lower]:
            raise _fail(f"interval_months.{higher.value}",
                        f"must not be longer than interval_months.{lower.value} ({months[lower]})",
                        months[higher])
    return MappingProxyType(months)


def _bands(raw: Any) -> Mapping[TimeBand, tuple[time, time]]:
    if not isinstance(raw, Mapping) or set(raw) != {b.value for b in TimeBand}:
        raise _fail("time_bands", f"must give exactly {sorted(b.value for b in TimeBand)}", raw)
    bands: dict[TimeBand, tuple[time, time]] = {}
    for band in TimeBand:
        key, entry = f"time_bands.{band.value}", raw[band.value]
        if not isinstance(entry, Mapping) or set(entry) != {"start", "end"}:
            raise _fail(key, "must be {\"start\": \"HH:MM\", \"end\": \"HH:MM\"}", entry)
        start, end = _clock(f"{key}.start", entry["start"]), _clock(f"{key}.end", entry["end"])
        if start >= end:
            raise _fail(f"{key}.end", f"must be after start {entry['start']}", entry["end"])
        bands[band] = (start, end)
    ordered = sorted(bands.items(), key=lambda item: item[1])
    for (_, (_, end)), (band, (start, _)) in zip(ordered, ordered[1:], strict=False):
        if start < end:
            raise _fail(f"time_bands.{band.value}.start", "overlaps the band before it", start.isoformat("minutes"))
    return MappingProxyType(bands)


def _review_months(raw: Any) -> Mapping[str, Mapping[RiskLevel, int]]:
    key = "assessment_review_months"
    if not isinstance(raw, Mapping) or "default" not in raw:
        raise _fail(key, "must be an object with a \"default\" entry (and optionally one per tool)", raw)
    if unknown := sorted(set(raw) - {"default", *RISK_TOOLS}):
        raise _fail(f"{key}.{unknown[0]}", f"is not a risk tool; use \"default\" or one of {list(RISK_TOOLS)}",
                    raw[unknown[0]])
    out: dict[str, Mapping[RiskLevel, int]] = {}
    for tool, levels in raw.items():
        if not isinstance(levels, Mapping) or set(levels) != {r.value for r in RiskLevel}:
            raise _fail(f"{key}.{tool}", f"must give exactly {sorted(r.value for r in RiskLevel)}", levels)
        months = {r: _whole(f"{key}.{tool}.{r.value}", levels[r.value], 1) for r in RiskLevel}
        if too_long := [r for r, n in months.items() if n > 60]:
            raise _fail(f"{key}.{tool}.{too_long[0].value}", "must be at most 60 months", months[too_long[0]])
        out[tool] = MappingProxyType(months)
    return MappingProxyType(out)


def _shipped(key: str) -> Any:
    return json.loads(files("resources").joinpath("visit_policy.json").read_text(encoding="utf-8"))[key]


def _weekdays(raw: Any) -> frozenset[int]:
    if (not isinstance(raw, list) or not raw or len(set(map(str, raw))) != len(raw)
            or not set(map(str, raw)) <= set(WEEKDAY_NAMES)):
        raise _fail("allowed_weekdays", f"must be a non-empty list of distinct names from {list(WEEKDAY_NAMES)}", raw)
    return frozenset(WEEKDAY_NAMES.index(name) for name in raw)


def policy_from_dict(d: Mapping[str, Any]) -> VisitPolicy:
    """Validate a parsed policy file; raises PolicyError naming the first bad key."""
    if not isinstance(d, Mapping):
        raise PolicyError(f"visit policy: expected a JSON object, got {type(d).__name__}")
    if missing := sorted(_KEYS - _OPTIONAL - d.keys()):
        raise PolicyError(f"visit policy: missing key '{missing[0]}'")
    if unknown := sorted(d.keys() - _KEYS):
        # A misspelt key would otherwise be ignored while the planner used the old value.
        raise PolicyError(f"visit policy: unknown key '{unknown[0]}'")
    fraction = d["earliest_fraction"]
    if isinstance(fraction, bool) or not isinstance(fraction, int | float) or not 0 <= fraction < 1:
        raise _fail("earliest_fraction", "must be a number from 0 up to (not including) 1", fraction)
    warrant = d["failed_entries_for_warrant"]
    if isinstance(warrant, int) and not isinstance(warrant, bool) and warrant < 2:
        # s.96B: a constable must have sought entry on at least two occasions.
        raise _fail("failed_entries_for_warrant", "must be at least 2 (s.96B needs two attempts)", warrant)
    return VisitPolicy(
        interval_months=_intervals(d["interval_months"]),
        trigger_working_days=_whole("trigger_working_days", d["trigger_working_days"], 1),
        overdue_working_days=_whole("overdue_working_days", d["overdue_working_days"], 0),
        reactive_min_years=_whole("reactive_min_years", d["reactive_min_years"], 1),
        earliest_fraction=float(fraction),
        daily_capacity=_whole("daily_capacity", d["daily_capacity"], 1),
        allowed_weekdays=_weekdays(d["allowed_weekdays"]),
        time_bands=_bands(d["time_bands"]),
        pattern_run=_whole("pattern_run", d["pattern_run"], 2),
        failed_entries_for_warrant=_whole("failed_entries_for_warrant", warrant, 2),
        assessment_review_months=_review_months(
            d["assessment_review_months"] if "assessment_review_months" in d else _shipped("assessment_review_months")),
    )
