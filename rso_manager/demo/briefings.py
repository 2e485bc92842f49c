"""Frontline briefings in the demo (issue 15 item 3): each team's patch (the ZZ districts its
cases' postcodes are drawn from) and approved briefings for a few active cases of each team, so
the briefing account has an area to read and print.

Drawn from a Random of its own, after every other row of the load, so every other demo record
stays as it was. Written through the session (a few dozen rows), so the record seals follow.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from rso_manager.demo.rows import DemoTeam
from rso_manager.domain.frontline_briefing import PROHIBITIONS_MAX
from rso_manager.persistence import models as m
from rso_manager.services import case_summary

PER_TEAM = 8
CANDIDATES = 400  # the first active cases of a team with a home, to choose from

SUMMARIES = (
    "Lives alone at the address. Convicted of sexual offences against children; known to spend time near "
    "{place}. Report any sighting near schools, parks or play areas at once.",
    "Lives with a partner who knows of the convictions. Has approached teenage girls online and in person "
    "before; may be seen at {place} in the evenings.",
    "Recently released and living at the address. Sexual offences against adult women at night; has used "
    "a vehicle to follow lone women. Stop checks near {place} are welcome: record them and tell us.",
    "Lives at the address with his mother. Indecent images of children; not allowed devices that are not "
    "notified. Seen using a phone in public near {place}: tell the offender manager.",
)
PLACES = ("the park and the play area", "the leisure centre", "the bus station", "the primary school on the "
          "estate", "the retail park", "the canal towpath")


def patch_of(team: DemoTeam) -> str:
    """The districts a team's demo postcodes are drawn from (demo/cases.py: ZZ{3i+1}..ZZ{3i+3})."""
    return " ".join(f"ZZ{team.index * 3 + k}" for k in (1, 2, 3))


def _prohibitions(s: Session, offender_id: int) -> str | None:
    texts = s.scalars(select(m.OrderRequirement.text).where(
        m.OrderRequirement.offender_id == offender_id, m.OrderRequirement.voided_at.is_(None),
        m.OrderRequirement.kind == "prohibition").order_by(m.OrderRequirement.id))
    joined = "\n".join(texts)
    return joined[:PROHIBITIONS_MAX] or None


def add_briefings(s: Session, teams: Sequence[DemoTeam], now: datetime) -> int:
    """Every team's patch, and approved briefings for up to PER_TEAM of its active cases; the
    number of briefings written."""
    r = random.Random(15_3)
    written = 0
    for team in teams:
        row = s.get(m.Team, team.id)
        if row is None:
            continue
        row.patch_districts = patch_of(team)
        row.updated_at = now
        o = m.Offender
        cases = s.execute(
            select(o.id, o.offender_manager_id).where(o.team_id == team.id, o.status == "active",
                                                      case_summary.has_current_home(o.id))
            .order_by(o.id).limit(CANDIDATES)).all()
        for oid, om in r.sample(cases, min(PER_TEAM, len(cases))):
            approved = now - timedelta(days=r.randint(1, 120), hours=r.randint(0, 8))
            contact = (None if r.random() < 0.5
                       else f"{team.name} OMU duty desk, 01632 960{r.randint(100, 999)} (08:00 to 18:00); "
                            "out of hours the force control room")
            s.add(m.FrontlineBriefing(
                offender_id=oid, summary=r.choice(SUMMARIES).format(place=r.choice(PLACES)),
                prohibitions=_prohibitions(s, oid), contact=contact, approved_by_id=om, approved_at=approved,
                created_at=approved, created_by_id=om))
            written += 1
    s.flush()
    return written
