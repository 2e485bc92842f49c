"""After `demo` on PostgreSQL every id sequence is past the loaded rows: the generator inserts
its own ids, and a sequence left behind made every later create a unique violation."""

from datetime import date

import pytest
from sqlalchemy import func, select

from rso_manager import cli
from rso_manager.database import open_database
from rso_manager.domain.roles import Role
from rso_manager.persistence import models as m
from rso_manager.services import caseload, users
from rso_manager.services.caseload import OffenderDraft
from tests import pg_server

pytestmark = pytest.mark.postgres


def test_after_demo_new_offenders_users_teams_and_addresses_get_fresh_ids(postgres_server, clock, capsys):
    url = pg_server.create_app_database(postgres_server, "rso_demo_sequences", clock.now())
    assert cli.run(["--db", url, "demo", "--offenders", "20"], clock=clock) == 0
    # The app's role cannot gather the statistics of tables it does not own: the owner is told to.
    assert "ask the database owner to run ANALYZE" in capsys.readouterr().out
    engine, services = open_database(url, clock)
    try:
        with services.session_factory() as s:
            admin = users.actor_for(s.scalar(select(m.User).where(m.User.username == "admin")))
            om = users.actor_for(s.scalar(select(m.User).where(m.User.username == "om.northam1")))
            loaded = {t: s.scalar(select(func.max(t.id))) for t in (m.Offender, m.User, m.Team, m.Address)}
        team = users.create_team(services, admin, "Southport")
        user = users.create_user(services, admin, username="new.officer", display_name="New Officer",
                                 password="quartz lantern ferry umbrella nineteen", role=Role.OFFENDER_MANAGER,
                                 team_id=team.id, trained=True)
        offender = caseload.create_offender(services, om, OffenderDraft(
            surname="Afterdemo", forenames="Quentin", date_of_birth=date(1979, 5, 4),
            offender_manager_id=om.user_id, team_id=om.team_id))
        address = caseload.add_address(services, om, offender.offender_id, kind="home",
                                       line1="1 Sequence Lane", town="Northam", postcode="ZZ1 1AA",
                                       from_date=date(2026, 1, 5))
        assert team.id > loaded[m.Team]
        assert user.id > loaded[m.User]
        assert offender.offender_id > loaded[m.Offender]
        assert address.id > loaded[m.Address]
    finally:
        engine.dispose()
