"""The staff who work the caseload (an administrator, the OMU lead, a supervisor and officers per
team) and the people around each offender: relationships, safeguarding referrals, case notes and
intelligence."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import insert, select

from rso_manager.demo.breaches import Breaches
from rso_manager.demo.invented import (
    INTELLIGENCE,
    NOTES,
    TEAMS,
    invented_forename,
    invented_surname,
    pick,
)
from rso_manager.demo.rows import DemoTeam
from rso_manager.demo.sign_in import DEMO_TOTP_SECRETS
from rso_manager.domain.roles import Role
from rso_manager.persistence import models as m

CASES_PER_OFFICER = 50  # a realistic load at the default sizes; the cap below binds past 8,000
MAX_OFFICERS_PER_TEAM = 40


class People(Breaches):
    """The staff who work the caseload, and the people around each offender."""

    def staff(self, offenders: int, password_hash: str) -> tuple[int, int]:
        rng, now = self.rng, self.now
        stations = dict(self.s.execute(
            select(m.PoliceStation.name, m.PoliceStation.id).where(m.PoliceStation.designated)
            .order_by(m.PoliceStation.id)
        ).all())
        per_team = max(1, min(MAX_OFFICERS_PER_TEAM,
                              -(-offenders // (len(TEAMS) * CASES_PER_OFFICER))))
        team_rows, users = [], []

        def user(username: str, role: Role, team_id: int | None, trained: bool = True,
                 names: random.Random | None = None) -> int:
            uid = self.ids.take("app_user")
            draw = names or rng
            female = draw.random() < 0.5
            users.append({
                "id": uid, "username": username,
                "display_name": f"{invented_forename(draw, female)} {invented_surname(draw)}",
                "role": role.value, "team_id": team_id, "trained": trained, "active": True,
                "password_hash": password_hash, "failed_logins": 0, "version_id": 1,
                "created_at": now, "totp_secret": DEMO_TOTP_SECRETS.get(username),
                "totp_enrolled_at": now if username in DEMO_TOTP_SECRETS else None,
            })
            return uid

        for index, name in enumerate(TEAMS):
            tid = self.ids.take("team")
            team_rows.append({"id": tid, "name": name, "active": True, "version_id": 1,
                              "created_at": now})
            self.teams.append(DemoTeam(tid, name, index, supervisor=0,
                                       station_id=next((sid for sname, sid in stations.items()
                                                        if sname.startswith(name)), None)))
        self.s.execute(insert(m.table_of(m.Team)), team_rows)
        user("admin", Role.ADMINISTRATOR, None)
        user("lead", Role.OMU_LEAD, self.teams[0].id)
        for team in self.teams:
            low = team.name.lower()
            team.supervisor = user(f"sup.{low}", Role.SUPERVISOR, team.id)
            team.officers = [user(f"om.{low}{i}", Role.OFFENDER_MANAGER, team.id)
                             for i in range(1, per_team + 1)]
        # Carries no caseload: shows what an untrained account can and cannot do.
        user("new.starter", Role.OFFENDER_MANAGER, self.teams[0].id, trained=False)
        # A response officer who reads the approved briefings of the first team's patch. Named from a
        # Random of its own, so every other draw of the load, and every other record, stays as it was.
        # (Training is about making case entries, which the role never does: the demo's one
        # untrained account stays new.starter.)
        user("briefing", Role.BRIEFING, self.teams[0].id, names=random.Random("briefing"))
        self.s.execute(insert(m.table_of(m.User)), users)
        return len(team_rows), len(users)

    def _people(self, oid: int, om: int, town: str, released: date) -> None:
        rng, today = self.rng, self.today
        access_rel = None
        for _ in range(int(rng.random() * 3.3)):
            kind = pick(rng, ("family", "family", "friend", "associate", "partner"))
            children = rng.random() < 0.25
            access = children and rng.random() < 0.2
            start = self._between(released, today - timedelta(days=20))
            ended = rng.random() < 0.2
            rid = self._entry(
                "relationship", oid, start, om, person_name=f"{invented_forename(rng, rng.random() < 0.5)} {invented_surname(rng)}",
                kind=kind, has_children=children, access_to_children=access, from_date=start,
                to_date=self._between(start, today - timedelta(days=1)) if ended else None,
                notes="Has contact with own children under a supervised arrangement."
                if access else None)
            if access and not ended:
                access_rel = (rid, start)
        if (access_rel and rng.random() < 0.5) or rng.random() < 0.01:
            rel_id, start = access_rel or (None, self._between(released, today - timedelta(days=3)))
            concern = self._between(start, today - timedelta(days=1))
            at = datetime(concern.year, concern.month, concern.day, 11, 0, tzinfo=UTC)
            referred = rng.random() < 0.8 or (today - concern).days > 30
            self._entry(
                "safeguarding_referral", oid, concern, om,
                concern="A household the offender visits has children under 10; the parent may not "
                        "know of the conviction.",
                concern_at=at, relationship_id=rel_id,
                referred_at=at + timedelta(hours=2 + int(rng.random() * 20)) if referred else None,
                referred_by_id=om if referred else None,
                sent_method="secure_email" if referred else None,
                agency=f"{town} Children's Services" if referred else None,
                reference=f"CS-DEMO-{oid:06d}" if referred else None,
                decision="Strategy discussion held; safety plan agreed with the parent."
                if referred and rng.random() < 0.7 else None,
                decision_at=at + timedelta(days=3) if referred else None)
        for _ in range(int(rng.random() * 2.2)):
            day = self._between(released, today - timedelta(days=1))
            self._entry("case_note", oid, day, om, kind="note", text=pick(rng, NOTES),
                        occurred_on=day)
        if rng.random() < 0.03:
            day = self._between(max(released, today - timedelta(days=60)), today - timedelta(days=1))
            nid = self._entry("case_note", oid, day, om, kind="intelligence",
                              text=pick(rng, INTELLIGENCE), occurred_on=day)
            self._entry("visit_trigger", oid, day, om, kind="intelligence", occurred_on=day,
                        source_entity="case_note", source_id=nid)
        if rng.random() < 0.03:
            day = self._between(max(released, today - timedelta(days=400)), today - timedelta(days=1))
            self._warning(oid, om, None, day, "oral",
                          "Oral warning: seen associating with a known offender; the risk to "
                          "children was explained and the offender agreed to end contact.")
