"""s.82(1) thresholds on exact terms, and s.82(3)-(4): consecutive and (partly) concurrent terms
counted as one. The thresholds turn on terms such as "6 months and 1 day" and 26 weeks."""

from datetime import date

import pytest

from rso_manager.domain.notification_period import (
    DisposalKind,
    Duration,
    SentenceTerm,
    TermRuns,
    counting_term,
    notification_period,
    term_problems,
)

ADULT, YOUTH = date(1980, 6, 1), date(2010, 6, 1)
ON = date(2024, 1, 1)
C, CC, PC = TermRuns.CONSECUTIVE, TermRuns.CONCURRENT, TermRuns.PARTLY_CONCURRENT


def _months(p) -> int | None:
    return None if p.indefinite else p.length_months


def _period(*terms, dob=ADULT, disposal=DisposalKind.IMPRISONMENT, on=ON):
    return notification_period(disposal, on, dob, sentence_terms=terms, sentenced_on=on)


NONE = Duration()


def T(years=0, months=0, weeks=0, days=0, runs=C, overlap=NONE) -> SentenceTerm:  # noqa: N802
    return SentenceTerm(Duration(years, months, weeks, days), runs, overlap)


@pytest.mark.parametrize(("term", "months"), [
    (T(months=6), 84),                # 6 months or less: 7 years
    (T(months=6, days=1), 120),       # more than 6 months: 10 years
    (T(weeks=26), 84),                # 182 days from 1 January end on 30 June: not more than 6 months
    (T(weeks=27), 120),
    (T(days=181), 84),
    (T(days=183), 120),
    (T(years=2, months=5, weeks=4, days=1), 120),
    (T(years=2, months=5, weeks=4, days=2), None),  # 29 months and 30 days from 1 January: 30 months
    (T(years=2, months=6), None),     # 30 months or more: indefinite
    (T(months=29, weeks=4, days=1), 120),  # from 1 January 2024: ends 29 June 2026, a day short of 30 months
])
def test_one_exact_term_against_the_s82_thresholds(term, months):
    p = _period(term)
    assert _months(p) == months and "s.82(1)" in p.explanation


@pytest.mark.parametrize(("terms", "months", "counted"), [
    ((T(months=15), T(months=15, runs=C)), None, Duration(2, 6)),   # consecutive terms add
    ((T(months=24), T(months=20, runs=CC)), 120, Duration(2, 0)),   # concurrent: the longest counts
    ((T(months=3), T(months=3, days=1, runs=CC)), 84, Duration(0, 3, 0, 1)),
    ((T(months=3), T(months=3, days=1, runs=C)), 120, Duration(0, 6, 0, 1)),
    ((T(months=20), T(months=20, runs=PC, overlap=Duration(months=10))), None, Duration(2, 6)),  # X + Y - Z
    ((T(months=20), T(months=20, runs=PC, overlap=Duration(months=11))), 120, Duration(2, 5)),
    ((T(months=4), T(weeks=8, runs=C), T(months=1, runs=CC)), 84, Duration(0, 5, 0, 25)),
    ((T(months=4), T(weeks=8, runs=C), T(months=1, runs=C)), 120, Duration(0, 6, 0, 25)),
    ((T(months=3), T(months=3, runs=C)), 84, Duration(0, 6)),
])
def test_several_terms_count_as_one(terms, months, counted):
    p = _period(*terms)
    assert _months(p) == months
    term = counting_term(terms, ON)
    assert term.length == counted
    assert "counted as one term of " + counted.describe() in p.explanation and "s.82(3)-(4)" in p.explanation


def test_a_detention_and_training_order_counts_its_custodial_half():
    assert _months(_period(T(months=12), disposal=DisposalKind.DTO, dob=YOUTH)) == 42  # 6 months: 7y halved
    assert _months(_period(T(months=12, days=2), disposal=DisposalKind.DTO, dob=YOUTH)) == 60


def test_the_old_whole_months_entry_reads_as_one_term():
    old = notification_period(DisposalKind.IMPRISONMENT, ON, ADULT, sentence_months=7)
    new = _period(T(months=7))
    assert (old.length_months, old.end) == (new.length_months, new.end) == (120, date(2033, 12, 31))


def test_terms_that_cannot_be_laid_out_name_the_field():
    assert term_problems([]) == [("sentence_terms", "Enter the term: years, months, weeks and days.")]
    assert term_problems([T()])[0][0] == "sentence_terms[0].length"
    assert term_problems([T(months=6), T(months=6, runs=PC)])[0][0] == "sentence_terms[1].overlap"
    with pytest.raises(ValueError, match="concurrent"):
        counting_term([T(months=6), T(months=6, runs=PC, overlap=Duration(months=6))], ON)


def test_duration_describes_itself():
    assert Duration(1, 2, 1, 1).describe() == "1 year 2 months 1 week 1 day"
    assert Duration.between(date(2024, 1, 31), date(2024, 3, 1)) == Duration(0, 1)  # 31 Jan to 29 Feb
