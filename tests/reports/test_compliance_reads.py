"""The lighter reads behind the whole-force figures (issue 16), on both databases: a stored
instant read straight as its London day, and the pattern check's last visits found by walking
each case's index back from the day, ties on the same instant broken as before (newest entry
first)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select, type_coerce

from rso_manager.domain.dates import london_day
from rso_manager.persistence import models as m
from rso_manager.persistence.types import LondonDay
from rso_manager.reports.compliance_figures import Scope, compute
from rso_manager.services import reports
from tests.reports.test_compliance import AS_OF, PERIOD, Builder, at

# Either side of 23:00 UTC in winter and in summer, the hours the clocks change (01:00 UTC on
# the last Sundays of March and October), and midnight.
INSTANTS = [
    datetime(2026, 1, 15, 22, 59, 59, 999999, tzinfo=UTC), datetime(2026, 1, 15, 23, 0, tzinfo=UTC),
    datetime(2026, 7, 15, 22, 59, tzinfo=UTC), datetime(2026, 7, 15, 23, 0, tzinfo=UTC),
    datetime(2026, 7, 15, 23, 59, 59, tzinfo=UTC), datetime(2026, 7, 16, 0, 0, tzinfo=UTC),
    datetime(2026, 3, 28, 23, 30, tzinfo=UTC), datetime(2026, 3, 29, 0, 59, tzinfo=UTC),
    datetime(2026, 3, 29, 1, 0, tzinfo=UTC), datetime(2026, 3, 29, 23, 30, tzinfo=UTC),
    datetime(2026, 10, 24, 23, 30, tzinfo=UTC), datetime(2026, 10, 25, 0, 30, tzinfo=UTC),
    datetime(2026, 10, 25, 23, 30, tzinfo=UTC), datetime(2026, 12, 31, 23, 59, tzinfo=UTC),
]


def test_an_instant_reads_as_its_london_day(services, world):
    with services.session_factory.begin() as s:
        b = Builder(s, world)
        o = b.offender("RSO-D001", "Day", seen=None)
        for when in INSTANTS:
            b.visit(o, when, band="evening")
    with services.session_factory() as s:
        rows = s.execute(select(m.Visit.visited_at, type_coerce(m.Visit.visited_at, LondonDay()).label("day"),
                                type_coerce(m.Visit.voided_at, LondonDay()).label("none"))
                         .order_by(m.Visit.visited_at)).all()
    assert [r.visited_at for r in rows] == sorted(INSTANTS)
    assert [r.day for r in rows] == [london_day(r.visited_at) for r in rows]
    assert all(r.none is None for r in rows)


def _patterns(services):
    with services.session_factory() as s:
        figures = compute(s, Scope(), *PERIOD, AS_OF, reports.report_settings(s))
    return {r.reference: r.needed for r in figures.visits.repeated_pattern}


def test_the_pattern_check_breaks_a_tie_on_the_same_instant_by_the_newer_entry(services, world):
    # The last three home visits: two in the morning on a Thursday and a Tuesday, then two
    # entered for the same instant on a Wednesday. The later entry is the third most recent.
    tie = at(2026, 9, 16, 10)
    with services.session_factory.begin() as s:
        b = Builder(s, world)
        for ref, first_band, second_band in (("RSO-T001", "evening", "morning"),
                                             ("RSO-T002", "morning", "evening")):
            o = b.offender(ref, "Tie", seen=None)
            b.visit(o, at(2026, 11, 12, 10), band="morning")
            b.visit(o, at(2026, 10, 27, 10), band="morning")
            b.visit(o, tie, band=first_band)
            b.visit(o, tie, band=second_band)
        short = b.offender("RSO-T003", "Short", seen=None)  # two visits: no run of three
        b.visit(short, at(2026, 11, 12, 10), band="morning")
        b.visit(short, at(2026, 10, 27, 10), band="morning")
        voided = b.offender("RSO-T004", "Voided", seen=None)  # the newest visit voided on the day
        b.visit(voided, at(2026, 11, 20, 10), band="evening", voided=True)
        b.visit(voided, at(2026, 11, 12, 10), band="morning")
        b.visit(voided, at(2026, 10, 27, 10), band="morning")
        b.visit(voided, at(2026, 9, 16, 10), band="morning")
    found = _patterns(services)
    assert set(found) == {"RSO-T001", "RSO-T004"}
    assert found["RSO-T001"] == "The last 3 visits were all in the morning band: vary the day and time"
