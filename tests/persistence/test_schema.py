import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text

from rso_manager.persistence.engine import DatabaseLocationError, make_engine, raw_sqlite_connection
from rso_manager.persistence.models import Base
from rso_manager.persistence.schema import SchemaTooNewError, head_revision, upgrade


def test_migrations_build_exactly_the_models(db_url):
    engine = make_engine(db_url)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    engine.dispose()
    assert diff == []


def test_sqlite_connections_use_the_durable_pragmas(sqlite_url):
    engine = make_engine(sqlite_url)
    with engine.connect() as c:
        got = {p: c.exec_driver_sql(f"PRAGMA {p}").scalar() for p in
               ("foreign_keys", "journal_mode", "synchronous", "busy_timeout", "recursive_triggers")}
    engine.dispose()
    assert got == {"foreign_keys": 1, "journal_mode": "wal", "synchronous": 2,
                   "busy_timeout": 5000, "recursive_triggers": 1}


def test_a_database_newer_than_the_app_is_refused(empty_sqlite_url, clock):
    engine = make_engine(empty_sqlite_url)
    upgrade(engine, now=clock.now())
    with engine.begin() as c:
        c.execute(text("UPDATE alembic_version SET version_num = '9999_from_the_future'"))
    with pytest.raises(SchemaTooNewError, match="newer version of RSO Manager"):
        upgrade(engine, now=clock.now())
    engine.dispose()


def test_upgrading_an_older_database_backs_it_up_first(empty_sqlite_url, clock, tmp_path):
    engine = make_engine(empty_sqlite_url)
    result = upgrade(engine, now=clock.now())
    assert result.from_revision is None and result.to_revision == head_revision()
    # Pretend the file is one revision behind: upgrade backs up, then reaches head again.
    with engine.begin() as c:
        c.execute(text("DELETE FROM alembic_version"))
    engine.dispose()
    con = raw_sqlite_connection(tmp_path / "empty.db")
    con.execute("DROP TABLE sign_off_refusal")
    con.commit()
    con.close()


def test_sqlite_on_a_network_share_is_refused():
    with pytest.raises(DatabaseLocationError, match="network share"):
        make_engine("sqlite:////server/share/rso.db".replace("////", "/////"))


def test_a_folder_given_as_the_database_is_refused_with_what_to_give_instead(tmp_path, capsys):
    from rso_manager import cli
    from rso_manager.persistence.engine import DatabaseOpenError

    folder = tmp_path / "omu"
    folder.mkdir()
    with pytest.raises(DatabaseOpenError, match="is a folder, not a database file"):
        make_engine(f"sqlite:///{folder}")
    assert cli.run(["--db", f"sqlite:///{folder}", "audit", "verify"]) == 2  # said on one line, no traceback
    captured = capsys.readouterr()
    assert "is a folder, not a database file" in captured.err + captured.out
    assert "Traceback" not in captured.err
