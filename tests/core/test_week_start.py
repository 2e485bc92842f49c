"""dates.week_start: the Monday of a day's ISO week, the one week arithmetic the planner, its
calendar export and the proposal rota share."""

from datetime import date, timedelta

from rso_manager.domain.dates import week_start


def test_every_day_of_a_week_starts_on_its_iso_monday():
    day = date(2026, 12, 28)  # a Monday whose ISO week belongs to 2026, the week running into 2027
    for offset in range(-400, 400):
        d = day + timedelta(days=offset)
        monday = week_start(d)
        assert monday.weekday() == 0
        assert monday.isocalendar()[:2] == d.isocalendar()[:2]
        assert 0 <= (d - monday).days <= 6


def test_a_week_across_the_year_end_starts_in_december():
    assert week_start(date(2027, 1, 1)) == date(2026, 12, 28)
    assert week_start(date(2026, 12, 28)) == date(2026, 12, 28)
