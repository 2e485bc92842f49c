"""The demo's frontline briefings: every team has its patch, a few active cases of each have an
approved briefing, and the demo's briefing account reads its team's patch (and nothing else)."""

from __future__ import annotations

from sqlalchemy import func, select

from rso_manager import demo
from rso_manager.database import open_database
from rso_manager.demo.briefings import add_briefings, patch_of
from rso_manager.demo.rows import DemoTeam
from rso_manager.domain.roles import Role
from rso_manager.persistence import audit_chain
from rso_manager.persistence import models as m
from rso_manager.services import briefings, users


def _teams(s):
    return [DemoTeam(t.id, t.name, i, 0) for i, t in enumerate(s.scalars(select(m.Team).order_by(m.Team.id)))]


def test_the_demo_briefing_account_reads_its_patch(empty_sqlite_url, clock, monkeypatch):
    from rso_manager.demo import loading

    advance = loading.advance_sequences

    def briefed_then_advanced(s):
        # Inside the load's one transaction, as demo/loading.py calls add_briefings (until it does).
        if s.scalar(select(func.count()).select_from(m.FrontlineBriefing)) == 0:
            add_briefings(s, _teams(s), clock.now())
        advance(s)

    monkeypatch.setattr(loading, "advance_sequences", briefed_then_advanced)
    engine, services = open_database(empty_sqlite_url, clock)
    try:
        demo.generate(services, offenders=120, seed=5)
        with services.session_factory() as s:
            teams = _teams(s)
            written = s.scalar(select(func.count()).select_from(m.FrontlineBriefing))
            officer = users.actor_for(s.scalar(select(m.User).where(m.User.username == "briefing")))
            assert 0 < written <= 4 * 8
            assert [t.patch_districts for t in s.scalars(select(m.Team).order_by(m.Team.id))] == [
                patch_of(t) for t in teams]
            report = audit_chain.verify(s)  # the rows written are sealed as the app's are
            assert report.ok and report.record_problem_count == 0, report
        assert officer.role is Role.BRIEFING and officer.team_id == teams[0].id
        area = briefings.area_briefings(services, officer, team_id=teams[0].id)
        assert area.cards and all(c.reference.startswith("RSO-") for c in area.cards)
        assert area.area == f"{teams[0].name} patch (ZZ1 ZZ2 ZZ3)" and area.unbriefed is None
    finally:
        engine.dispose()
