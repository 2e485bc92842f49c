"""The one clock. Rules and services take a Clock; only this module reads the system time."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")


class Clock(Protocol):
    def now(self) -> datetime:
        """Aware UTC now."""

    def today(self) -> date:
        """Today's calendar date in England and Wales (Europe/London)."""


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)

    def today(self) -> date:
        return self.now().astimezone(LONDON).date()


@dataclass
class FixedClock:
    """A clock for tests and scripted runs (e.g. reports 'as of' a date). Advance it by hand."""

    current: datetime = field(default_factory=lambda: datetime(2026, 11, 25, 10, 0, tzinfo=UTC))

    def __post_init__(self) -> None:
        if self.current.tzinfo is None:
            raise ValueError("FixedClock needs an aware datetime")

    def now(self) -> datetime:
        return self.current.astimezone(UTC)

    def today(self) -> date:
        return self.current.astimezone(LONDON).date()

    def advance(self, **delta: float) -> None:
        self.current = self.current + timedelta(**delta)

    @classmethod
    def on(cls, day: date, hour: int = 10) -> FixedClock:
        return cls(datetime(day.year, day.month, day.day, hour, 0, tzinfo=LONDON).astimezone(UTC))
