"""The court watch in the demo (issue 18): a few obviously fictional people charged in each team,
with hearings, some on the last working day with no outcome yet (so the daily list and the
watcher's reminder have something to show), one awaiting an SHPO application.

Drawn from a Random of its own, after every other row of the load, so every other demo record
stays as it was. Written through the session (a few dozen rows)."""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import date, datetime, timedelta

from sqlalchemy.orm import Session

from rso_manager.demo.rows import DemoTeam
from rso_manager.domain.court_watch import last_working_day
from rso_manager.domain.dates import london_day
from rso_manager.persistence import models as m

PER_TEAM = 4
SURNAMES = ("Demowatch", "Fictioncourt", "Samplecharge", "Exampleton", "Testhearing", "Mockbail")
FORENAMES = ("Alan Example", "Brian Sample", "Colin Fictional", "Derek Demo", "Eric Pretend", "Frank Madeup")
OFFENCES = (("Sexual assault (SOA 2003 s.3)", False), ("Exposure (SOA 2003 s.66)", True),
            ("Voyeurism (SOA 2003 s.67)", True), ("Making indecent photographs of a child (PCA 1978 s.1)", False))
COURTS = ("Northmoor Crown Court", "Northmoor Magistrates' Court", "Southdale Crown Court")


def seed_court_watch(s: Session, teams: Sequence[DemoTeam], now: datetime, *, seed: int = 18) -> int:
    """Charged people for each team, watched by one of its officers; returns how many."""
    rng = random.Random(seed)
    today = london_day(now)
    yesterday = last_working_day(today)
    added = 0
    for team in teams:
        for i in range(PER_TEAM):
            watcher = team.officers[i % len(team.officers)] if team.officers else team.supervisor
            charged = today - timedelta(days=rng.randint(10, 90))
            offence, threshold = rng.choice(OFFENCES)
            court = rng.choice(COURTS)
            cp = m.ChargedPerson(
                surname=SURNAMES[(team.index + i) % len(SURNAMES)], forenames=FORENAMES[i % len(FORENAMES)],
                date_of_birth=date(rng.randint(1960, 2000), rng.randint(1, 12), rng.randint(1, 28)),
                pnc_id=f"{rng.randint(80, 99)}/{rng.randint(100000, 999999)}{rng.choice('ABCDEFGHJK')}",
                charged_on=charged, court=court, custody="remand" if i == 3 else "bail",
                officer_in_case=f"DC {rng.choice(('Example', 'Sample', 'Demo'))} {rng.choice(('One', 'Two', 'Three'))}",
                shpo_application=("none", "drafted", "attached", "attached")[i],
                shpo_application_by=None if i == 0 else "DS Fictional Drafter",
                team_id=team.id, watcher_id=watcher, status="pending", created_at=now, created_by_id=watcher)
            s.add(cp)
            s.flush()
            s.add(m.ChargedOffence(charged_person_id=cp.id, offence=offence, schedule3=True,
                                   threshold_depends_on_sentence=threshold, created_at=now, created_by_id=watcher))
            first = charged + timedelta(days=1)
            # The first two of each team were heard on the last working day and have no outcome yet.
            if i < 2:
                s.add(m.CourtHearing(charged_person_id=cp.id, hearing_on=first, court=court,
                                     purpose="First appearance", outcome="adjourned", next_hearing_on=yesterday,
                                     outcome_recorded_at=now, outcome_recorded_by_id=watcher,
                                     created_at=now, created_by_id=watcher))
                s.add(m.CourtHearing(charged_person_id=cp.id, hearing_on=yesterday, court=court, purpose="Plea",
                                     created_at=now, created_by_id=watcher))
            else:
                s.add(m.CourtHearing(charged_person_id=cp.id, hearing_on=today + timedelta(days=rng.randint(0, 20)),
                                     court=court, purpose="Trial" if i == 2 else "Plea", created_at=now,
                                     created_by_id=watcher))
            added += 1
    s.flush()
    return added
