"""Column types that keep SQLite and PostgreSQL behaving alike."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import DateTime
from sqlalchemy.types import TypeDecorator


class NaiveDatetimeError(ValueError):
    """A datetime without a time zone was given where a moment in time is stored."""


class TZDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes on every backend: SQLite drops tzinfo, so we refuse naive values
    on the way in and reattach UTC on the way out. (ORM writes are refused earlier, with the
    field named, by input_guard; this catches Core statements too.)"""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if not isinstance(value, datetime):
            raise NaiveDatetimeError(f"a {type(value).__name__} was given where a datetime with a time "
                                     "zone is stored; pass an aware datetime, e.g. datetime.now(UTC)")
        if value.tzinfo is None or value.utcoffset() is None:
            raise NaiveDatetimeError(f"the time {value.isoformat()} has no time zone, so it could mean "
                                     "different moments; pass an aware datetime, e.g. datetime.now(UTC)")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)
