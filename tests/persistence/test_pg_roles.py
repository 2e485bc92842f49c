"""PostgreSQL least privilege: what the app role cannot do, and who the app refuses to run as."""

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from rso_manager import cli
from rso_manager.database import open_database
from rso_manager.persistence import audit_chain, pg_roles
from rso_manager.persistence.engine import DatabaseOpenError, make_engine, make_session_factory
from rso_manager.persistence.schema import head_revision, upgrade
from tests import pg_server

pytestmark = pytest.mark.postgres


@pytest.fixture
def app_url(postgres_databases):
    url = postgres_databases.take()
    yield url
    postgres_databases.give_back(url)


def _new_database(server, name):
    admin = make_engine(server.admin_url).execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        c.execute(text(f"CREATE DATABASE {name}"))
    admin.dispose()


@pytest.mark.parametrize("statement", [
    "UPDATE audit_event SET action = 'tampered'",
    "DELETE FROM audit_event",
    "TRUNCATE audit_event",
    "ALTER TABLE audit_event DISABLE TRIGGER USER",
    "ALTER TABLE audit_event DISABLE TRIGGER audit_event_no_update",
    "SET session_replication_role = replica",
    "CREATE TABLE smuggled (id integer)",
    "DROP TRIGGER audit_event_no_update ON audit_event",
    "INSERT INTO audit_head (id, seq, hash) VALUES (2, 0, 'x')",
    "UPDATE alembic_version SET version_num = '0001'",
    "SELECT setval(pg_get_serial_sequence('offender', 'id'), 1)",
    "CREATE TRIGGER smuggled AFTER INSERT ON audit_event EXECUTE FUNCTION audit_event_refuse()",
])
def test_the_app_role_may_not(app_url, statement):
    engine = make_engine(app_url)
    try:
        with pytest.raises(DBAPIError, match="permission denied|must be owner"):
            with engine.begin() as c:
                c.execute(text(statement))
    finally:
        engine.dispose()


def test_the_app_role_appends_to_and_reads_the_audit_trail(app_url, clock):
    engine = make_engine(app_url)
    factory = make_session_factory(engine)
    with factory.begin() as s:
        audit_chain.append(s, occurred_at=clock.now(), user_id=None, username="t",
                           role="administrator", action="test.event")
    with factory() as s:
        assert audit_chain.verify(s).ok
        assert s.execute(text("SELECT current_user")).scalar() == pg_roles.DEFAULT_APP_ROLE
    engine.dispose()


def test_the_audit_triggers_fire_always(app_url):
    engine = make_engine(app_url)
    with engine.connect() as c:
        enabled = dict(c.execute(text(
            "SELECT tgname, tgenabled FROM pg_trigger WHERE tgrelid = 'audit_event'::regclass "
            "AND NOT tgisinternal")).all())
    engine.dispose()
    # 'A' = ENABLE ALWAYS: fires under session_replication_role = replica too.
    assert enabled == {"audit_event_no_update": "A", "audit_event_no_truncate": "A"}


@pytest.mark.parametrize("role, why", [
    (pg_server.SUPERUSER, "is a superuser"),
    (pg_roles.DEFAULT_OWNER_ROLE, "owns"),
])
def test_opening_as_the_superuser_or_the_owner_is_refused(app_url, clock, role, why):
    with pytest.raises(DatabaseOpenError, match=why) as refused:
        open_database(pg_server.as_user(app_url, role), clock)
    message = str(refused.value)
    assert f'as "{role}"' in message and "main.py db roles" in message and "main.py db upgrade" in message


def test_opening_as_the_app_role_works(app_url, clock):
    engine, services = open_database(app_url, clock)
    with services.session_factory() as s:
        assert s.execute(text("SELECT current_user")).scalar() == pg_roles.DEFAULT_APP_ROLE
    engine.dispose()


def test_a_schema_behind_this_build_names_db_upgrade_and_is_left_alone(app_url, clock):
    owner = make_engine(pg_server.as_user(app_url, pg_roles.DEFAULT_OWNER_ROLE))
    with owner.begin() as c:
        c.execute(text("UPDATE alembic_version SET version_num = '0001'"))
    with pytest.raises(DatabaseOpenError, match=r"older than this version.*main.py db upgrade"):
        open_database(app_url, clock)
    # The owner's command brings it to head (0002's DDL is idempotent only by being skipped,
    # so put the revision back rather than re-run it) and the app opens.
    with owner.begin() as c:
        c.execute(text("UPDATE alembic_version SET version_num = :h"), {"h": head_revision()})
    owner.dispose()
    engine, _ = open_database(app_url, clock)
    engine.dispose()


def test_an_empty_database_is_not_migrated_by_the_app(postgres_server, clock):
    name = "rso_roles_empty"
    _new_database(postgres_server, name)
    admin = make_engine(postgres_server.url(name))
    pg_roles.create_roles(admin)
    admin.dispose()
    with pytest.raises(DatabaseOpenError, match="no RSO Manager schema.*main.py db upgrade"):
        open_database(postgres_server.url(name, pg_roles.DEFAULT_APP_ROLE), clock)


def test_db_roles_and_db_upgrade_set_up_a_new_database(postgres_server, clock, capsys):
    name = "rso_roles_cli"
    _new_database(postgres_server, name)
    assert cli.run(["db", "roles", "--admin-url", postgres_server.url(name)], clock=clock) == 0
    assert cli.run(["db", "upgrade", "--owner-url", postgres_server.url(name, "rso_owner")], clock=clock) == 0
    assert f"-> {head_revision()}" in capsys.readouterr().out
    app_url = postgres_server.url(name, "rso_app")
    assert cli.run(["--db", app_url, "audit", "verify"], clock=clock) == 0
    # Only the two roles may connect to the database.
    engine = make_engine(postgres_server.url(name))
    with engine.connect() as c:
        acl = c.execute(text("SELECT datacl::text FROM pg_database WHERE datname = :n"), {"n": name}).scalar()
    engine.dispose()
    assert "rso_app=c/" in acl and "=Tc/" not in acl.replace("rso_owner=Tc/", "")


def test_db_roles_takes_over_a_database_the_app_made_as_superuser(postgres_server, clock):
    name = "rso_roles_legacy"
    _new_database(postgres_server, name)
    legacy = make_engine(postgres_server.url(name))
    upgrade(legacy, now=clock.now())  # what earlier versions did at every start
    legacy.dispose()
    assert cli.run(["db", "roles", "--admin-url", postgres_server.url(name)], clock=clock) == 0
    engine, _ = open_database(postgres_server.url(name, "rso_app"), clock)
    with engine.connect() as c:
        owners = set(c.execute(text(
            "SELECT DISTINCT pg_get_userbyid(relowner) FROM pg_class c JOIN pg_namespace n "
            "ON n.oid = c.relnamespace WHERE n.nspname = 'public'")).scalars())
    engine.dispose()
    assert owners == {"rso_owner"}


def test_db_roles_print_shows_the_sql_with_the_names(capsys):
    assert cli.run(["db", "roles", "--admin-url", "postgresql+psycopg://postgres@db.example/rso",
                    "--owner-role", "omu_owner", "--app-role", "omu_app", "--print"]) == 0
    sql = capsys.readouterr().out
    assert "CREATE ROLE omu_owner LOGIN" in sql and "CREATE ROLE omu_app LOGIN" in sql
    assert 'REVOKE ALL ON DATABASE "rso" FROM PUBLIC' in sql
    assert "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO omu_app" in sql
    assert "REVOKE UPDATE, DELETE ON audit_event FROM omu_app" in sql
    assert "{" not in sql


@pytest.mark.parametrize("role, message", [
    (pg_server.SUPERUSER, "is a superuser: migrate as the owner role"),
    (pg_roles.DEFAULT_APP_ROLE, "is the app role, which may not change the schema"),
])
def test_db_upgrade_runs_only_as_the_owner(app_url, role, message, capsys):
    assert cli.run(["db", "upgrade", "--owner-url", pg_server.as_user(app_url, role)]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1


@pytest.mark.parametrize("argv, message", [
    (["db", "roles", "--admin-url", "postgresql+psycopg://postgres@h/rso", "--app-role", "App; DROP", "--print"],
     "not a usable app role name"),
    (["db", "upgrade", "--owner-url", "sqlite:///x.db"], "not a PostgreSQL URL"),
    (["db", "upgrade", "--owner-url", "not a url"], "--owner-url is not a database URL"),
])
def test_bad_db_invocations_are_one_line(argv, message, capsys):
    assert cli.run(argv) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1
