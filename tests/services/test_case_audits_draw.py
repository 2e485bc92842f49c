"""The draw itself (domain/case_audit_sampling.py), pure: reproducible from its recorded seed,
weighted towards risk and spread over teams when asked, never larger than its population."""

from __future__ import annotations

from collections import Counter

import pytest

from rso_manager.domain.case_audit_sampling import Candidate, draw

POPULATION = [Candidate(i, 1 if i <= 80 else 2, "very_high" if i % 10 == 0 else "low") for i in range(1, 101)]


def test_the_same_seed_draws_the_same_cases_whatever_the_order_read():
    first = draw(POPULATION, 6, "3f9a")
    assert draw(list(reversed(POPULATION)), 6, "3f9a") == first
    assert len(set(first)) == 6 and draw(POPULATION, 6, "3f9b") != first


def test_weighting_by_risk_and_spreading_over_teams():
    seeds = [f"seed-{n}" for n in range(300)]
    high = Counter(oid % 10 == 0 for s in seeds for oid in draw(POPULATION, 5, s, by_risk=True))
    plain = Counter(oid % 10 == 0 for s in seeds for oid in draw(POPULATION, 5, s))
    assert high[True] > 2 * plain[True]  # 10 very high cases of 100, weighted 4 to 1
    spread = Counter(oid > 80 for s in seeds for oid in draw(POPULATION, 4, s, by_team=True))
    unspread = Counter(oid > 80 for s in seeds for oid in draw(POPULATION, 4, s))
    assert spread[True] > 1.5 * unspread[True]  # the team of 20 drawn about as often as the team of 80


@pytest.mark.parametrize("size", [0, 101])
def test_a_size_outside_the_population_is_refused(size):
    with pytest.raises(ValueError):
        draw(POPULATION, size, "x")
