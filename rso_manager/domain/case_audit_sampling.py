"""Drawing the cases a manager audits (issue 18): random within a scope, optionally weighted
towards higher risk and spread across teams.

The draw is a pure function of the population, the size and a seed, so a recorded draw (its seed
and scope kept with the sample) can be reproduced by anyone checking it, and "drawing again until
the sample looks easy" shows as a second draw, never as a quiet re-roll.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

# Higher risk, more likely drawn: the inspection found the gaps that matter most in such cases.
RISK_WEIGHT: dict[str | None, float] = {"very_high": 4.0, "high": 3.0, "medium": 2.0, "low": 1.0, None: 1.0}


@dataclass(frozen=True)
class Candidate:
    offender_id: int
    team_id: int | None
    risk_level: str | None


def weight(c: Candidate, team_sizes: Counter, *, by_risk: bool, by_team: bool) -> float:
    """A case's chance relative to the others. BY_TEAM gives every team the same total weight,
    so a small team is audited as often as a large one."""
    w = RISK_WEIGHT.get(c.risk_level, 1.0) if by_risk else 1.0
    if by_team:
        w /= team_sizes[c.team_id]
    return w


def draw(population: Sequence[Candidate], size: int, seed: str, *, by_risk: bool = False,
         by_team: bool = False) -> tuple[int, ...]:
    """SIZE offender ids drawn from POPULATION without replacement, in the order drawn.
    Weighted sampling by Efraimidis and Spirakis (2006): each case gets the key u ** (1 / w)
    and the SIZE largest keys are taken; unweighted, every w is 1 and this is a plain random
    sample. Raises ValueError when SIZE is not 1..len(POPULATION)."""
    if size < 1 or size > len(population):
        raise ValueError(f"size {size} is outside 1..{len(population)}")
    ordered = sorted(population, key=lambda c: c.offender_id)  # the seed alone decides, not the query order
    rng = random.Random(seed)
    teams = Counter(c.team_id for c in ordered)
    keyed = [(rng.random() ** (1.0 / weight(c, teams, by_risk=by_risk, by_team=by_team)), c.offender_id)
             for c in ordered]
    keyed.sort(key=lambda k: (-k[0], k[1]))
    return tuple(oid for _key, oid in keyed[:size])
