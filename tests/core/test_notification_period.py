from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rso_manager.domain.notification_period import (
    DisposalKind,
    DisregardedPeriod,
    DisregardReason,
    deadline_disregarding,
    notification_period,
)

D = DisposalKind
ADULT_DOB = date(1980, 6, 1)
YOUTH_DOB = date(2010, 6, 1)
RELEVANT = date(2024, 1, 1)


@pytest.mark.parametrize(
    ("disposal", "sentence", "discharge", "dob", "indefinite", "months", "end"),
    [
        # s.82(1) boundaries on the term of imprisonment
        (D.IMPRISONMENT, 30, None, ADULT_DOB, True, None, None),
        (D.IMPRISONMENT, 29, None, ADULT_DOB, False, 120, date(2033, 12, 31)),
        (D.IMPRISONMENT, 7, None, ADULT_DOB, False, 120, date(2033, 12, 31)),
        (D.IMPRISONMENT, 6, None, ADULT_DOB, False, 84, date(2030, 12, 31)),
        (D.IMPRISONMENT, 1, None, ADULT_DOB, False, 84, date(2030, 12, 31)),
        (D.LIFE, None, None, ADULT_DOB, True, None, None),
        (D.IPP, None, None, ADULT_DOB, True, None, None),
        (D.HOSPITAL_ORDER_RESTRICTED, None, None, ADULT_DOB, True, None, None),
        (D.HOSPITAL_ORDER, None, None, ADULT_DOB, False, 84, date(2030, 12, 31)),
        (D.CAUTION, None, None, ADULT_DOB, False, 24, date(2025, 12, 31)),
        (D.OTHER, None, None, ADULT_DOB, False, 60, date(2028, 12, 31)),
        (D.CONDITIONAL_DISCHARGE, None, 18, ADULT_DOB, False, 18, date(2025, 6, 30)),
        # s.82(2): under 18 halves 10/7/5/2 years but not a conditional discharge
        (D.IMPRISONMENT, 30, None, YOUTH_DOB, True, None, None),
        (D.IMPRISONMENT, 29, None, YOUTH_DOB, False, 60, date(2028, 12, 31)),
        (D.IMPRISONMENT, 6, None, YOUTH_DOB, False, 42, date(2027, 6, 30)),
        (D.HOSPITAL_ORDER, None, None, YOUTH_DOB, False, 42, date(2027, 6, 30)),
        (D.OTHER, None, None, YOUTH_DOB, False, 30, date(2026, 6, 30)),
        (D.CAUTION, None, None, YOUTH_DOB, False, 12, date(2024, 12, 31)),
        (D.CONDITIONAL_DISCHARGE, None, 12, YOUTH_DOB, False, 12, date(2024, 12, 31)),
        # DTO: only the custodial half is imprisonment
        (D.DTO, 12, None, YOUTH_DOB, False, 42, date(2027, 6, 30)),
        (D.DTO, 14, None, YOUTH_DOB, False, 60, date(2028, 12, 31)),
        (D.DTO, 24, None, YOUTH_DOB, False, 60, date(2028, 12, 31)),
    ],
)
def test_s82_table(disposal, sentence, discharge, dob, indefinite, months, end):
    p = notification_period(
        disposal, RELEVANT, dob, sentence_months=sentence, discharge_months=discharge
    )
    assert (p.indefinite, p.length_months, p.end) == (indefinite, months, end)
    assert not p.depends_on_sentence
    assert "s.82" in p.explanation


def test_youth_seven_years_is_three_years_six_months():
    p = notification_period(D.IMPRISONMENT, RELEVANT, YOUTH_DOB, sentence_months=4)
    assert (p.years, p.months) == (3, 6)
    assert "3 years 6 months" in p.explanation


@pytest.mark.parametrize(
    ("dob", "relevant", "under_18", "months"),
    [
        (date(2000, 5, 10), date(2018, 5, 9), True, 30),  # 17 the day before the birthday
        (date(2000, 5, 10), date(2018, 5, 10), False, 60),  # 18 on the birthday itself
        # 29 February birthday: dates.age_on treats 28 Feb as the birthday in a common year
        (date(2008, 2, 29), date(2026, 2, 27), True, 30),
        (date(2008, 2, 29), date(2026, 2, 28), False, 60),
    ],
)
def test_age_on_relevant_date(dob, relevant, under_18, months):
    p = notification_period(D.OTHER, relevant, dob)
    assert (p.under_18, p.length_months) == (under_18, months)


@pytest.mark.parametrize(
    ("disposal", "relevant", "end"),
    [
        (D.OTHER, date(2024, 2, 29), date(2029, 2, 28)),
        (D.OTHER, date(2024, 3, 1), date(2029, 2, 28)),
        (D.CAUTION, date(2024, 2, 29), date(2026, 2, 28)),
        (D.CAUTION, date(2023, 2, 28), date(2025, 2, 27)),
        (D.IMPRISONMENT, date(2020, 2, 29), date(2030, 2, 28)),
    ],
)
def test_relevant_date_29_february(disposal, relevant, end):
    p = notification_period(disposal, relevant, ADULT_DOB, sentence_months=12)
    assert p.end == end


@pytest.mark.parametrize("disposal", [None, D.IMPRISONMENT, D.DTO])
def test_not_yet_sentenced_depends_on_sentence(disposal):
    p = notification_period(disposal, RELEVANT, ADULT_DOB)
    assert p.depends_on_sentence
    assert (p.indefinite, p.end, p.length_months) == (False, None, None)


def test_threshold_offence_says_so_until_sentenced():
    pending = notification_period(None, RELEVANT, ADULT_DOB, threshold_offence=True)
    assert pending.depends_on_sentence and "threshold" in pending.explanation
    done = notification_period(
        D.IMPRISONMENT, RELEVANT, ADULT_DOB, sentence_months=12, threshold_offence=True
    )
    assert not done.depends_on_sentence


def test_conditional_discharge_needs_length():
    with pytest.raises(ValueError):
        notification_period(D.CONDITIONAL_DISCHARGE, RELEVANT, ADULT_DOB)


@pytest.mark.parametrize(
    ("shpo_end", "shpo_indefinite", "indefinite", "end", "extended"),
    [
        (date(2030, 6, 1), False, False, date(2030, 6, 1), True),  # SHPO outlasts 5 years
        (date(2026, 1, 1), False, False, date(2028, 12, 31), False),  # s.82 outlasts SHPO
        (None, True, True, None, True),
    ],
)
def test_shpo_extends_period(shpo_end, shpo_indefinite, indefinite, end, extended):
    p = notification_period(
        D.OTHER, RELEVANT, ADULT_DOB, shpo_end=shpo_end, shpo_indefinite=shpo_indefinite
    )
    assert (p.indefinite, p.end, p.extended_by_shpo) == (indefinite, end, extended)
    assert p.length_months == 60
    if extended:
        assert "s.103G" in p.explanation


def test_relevant_date_before_birth_rejected():
    with pytest.raises(ValueError):
        notification_period(D.OTHER, date(1979, 1, 1), ADULT_DOB)


# --- disregarded periods (s.83(6), s.84(5)) -------------------------------------------------

EVENT = date(2026, 3, 10)


@pytest.mark.parametrize(
    ("periods", "due"),
    [
        ([], date(2026, 3, 12)),  # "within 3 days beginning with" = event + 2
        ([(date(2026, 3, 10), date(2026, 3, 20))], date(2026, 3, 23)),  # from the day after release
        ([(date(2026, 3, 1), date(2026, 3, 10))], date(2026, 3, 13)),
        ([(date(2026, 3, 11), date(2026, 3, 11))], date(2026, 3, 13)),  # custody mid-window
        ([(date(2026, 3, 11), date(2026, 3, 15))], date(2026, 3, 17)),
        ([(date(2026, 3, 13), date(2026, 3, 30))], date(2026, 3, 12)),  # starts after the window
        ([(date(2026, 3, 1), date(2026, 3, 9))], date(2026, 3, 12)),  # ended before the event
        (  # overlapping and touching periods
            [
                (date(2026, 3, 11), date(2026, 3, 14)),
                (date(2026, 3, 12), date(2026, 3, 16)),
                (date(2026, 3, 17), date(2026, 3, 17)),
            ],
            date(2026, 3, 19),
        ),
    ],
)
def test_deadline_disregarding(periods, due):
    assert deadline_disregarding(EVENT, 3, [DisregardedPeriod(a, b) for a, b in periods]) == due


def test_disregarded_period_validates():
    with pytest.raises(ValueError):
        DisregardedPeriod(date(2026, 3, 2), date(2026, 3, 1), DisregardReason.ABROAD)


# --- properties -----------------------------------------------------------------------------

dates_ = st.dates(min_value=date(1990, 1, 1), max_value=date(2060, 12, 31))
finite_halved = st.sampled_from([D.IMPRISONMENT, D.DTO, D.HOSPITAL_ORDER, D.CAUTION, D.OTHER])
any_disposal = st.sampled_from(list(DisposalKind))
sentences = st.integers(min_value=1, max_value=60)


@given(any_disposal, dates_, sentences, st.integers(1, 36), st.integers(0, 70))
def test_end_never_before_start_and_indefinite_has_no_end(disposal, relevant, sentence, cd, age):
    dob = date(relevant.year - age, 1, 1)
    p = notification_period(disposal, relevant, dob, sentence_months=sentence, discharge_months=cd)
    if p.indefinite:
        assert p.end is None
    else:
        assert p.end is not None and p.end >= relevant


@given(finite_halved, dates_, sentences)
def test_youth_period_is_half_the_adult_one(disposal, relevant, sentence):
    adult = notification_period(
        disposal, relevant, relevant - timedelta(days=366 * 30), sentence_months=sentence
    )
    youth = notification_period(
        disposal, relevant, relevant - timedelta(days=365 * 10), sentence_months=sentence
    )
    assert adult.indefinite == youth.indefinite
    if not adult.indefinite:
        assert adult.length_months == 2 * youth.length_months


@given(
    dates_,
    st.integers(1, 10),
    st.lists(st.tuples(st.integers(-20, 40), st.integers(0, 15)), max_size=4),
)
def test_disregarding_counts_exactly_n_free_days(event, days, raw):
    periods = [
        DisregardedPeriod(event + timedelta(days=s), event + timedelta(days=s + n)) for s, n in raw
    ]
    due = deadline_disregarding(event, days, periods)
    free = [
        event + timedelta(days=i)
        for i in range((due - event).days + 1)
        if not any(p.covers(event + timedelta(days=i)) for p in periods)
    ]
    assert len(free) == days and free[-1] == due
