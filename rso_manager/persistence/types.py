"""Column types that keep SQLite and PostgreSQL behaving alike."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import DateTime
from sqlalchemy.types import TypeDecorator

from rso_manager.domain.dates import london_day


class NaiveDatetimeError(ValueError):
    """A datetime without a time zone was given where a moment in time is stored."""


def _as_utc(value: datetime | None) -> datetime | None:
    """A datetime read back, as the aware UTC instant it stores (naive means UTC)."""
    if value is None:
        return None
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


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
        return _as_utc(value)

    def result_processor(self, dialect, coltype):
        """process_result_value over the dialect's own conversion, as TypeDecorator composes
        them, in one closure: a report reads hundreds of thousands of these, and the generic
        wrapper's two extra calls a value were a tenth of the whole-force figures (issue 16)."""
        to_datetime = self.impl_instance.result_processor(dialect, coltype)
        if to_datetime is None:  # the driver returns datetimes (psycopg)
            return _as_utc

        def parsed(value) -> datetime | None:
            return None if value is None else _as_utc(to_datetime(value))
        return parsed


class LondonDay(TypeDecorator[date]):
    """A TZDateTime read as the London calendar day of its instant (domain.dates.london_day),
    for figures that need only the day: ``type_coerce(column, LondonDay())``. Reports read a
    hundred thousand of these at a time (issue 16), so no datetime is made for most: an instant
    before 23:00 UTC is on its UTC date in London (the offset is at most an hour), and from
    23:00 to midnight UTC the clocks never change (they change at 01:00 UTC), so one instant
    of that hour answers for every other on its date."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: Any, dialect) -> datetime | None:
        return TZDateTime().process_bind_param(value, dialect)  # compared with: an instant

    def result_processor(self, dialect, coltype):
        parse = self.impl_instance.result_processor(dialect, coltype)  # the dialect's own

        def instant(value) -> datetime:  # as TZDateTime reads it
            moment = _as_utc(parse(value) if parse else value)
            assert moment is not None  # VALUE is not None, nor what the dialect makes of it
            return moment

        late_hour: dict[date, date] = {}  # a UTC date -> the London day of its 23:xx instants

        def day(value) -> date | None:
            if value is None:
                return None
            if isinstance(value, str):  # SQLite: "YYYY-MM-DD HH:MM:SS.ffffff"
                if value[11:13] != "23":
                    return date.fromisoformat(value[:10])
                utc_date = date.fromisoformat(value[:10])
            else:  # a datetime from the driver, naive UTC (psycopg) or aware
                if value.tzinfo is not None:
                    return london_day(value)
                if value.hour != 23:
                    return value.date()
                utc_date = value.date()
            if utc_date not in late_hour:
                late_hour[utc_date] = london_day(instant(value))
            return late_hour[utc_date]
        return day
