"""One data directory: the database files, the audit key, its checkpoint logs and the logs all
live under it, and RSO_MANAGER_DATA_DIR moves every one of them together."""

from pathlib import Path

from sqlalchemy import make_url

from rso_manager import database
from rso_manager.persistence import audit_checkpoints, audit_key, keys, locations
from rso_manager.persistence.audit_key import AuditKey


def test_the_data_directory_override_moves_every_file_the_app_keeps(tmp_path, monkeypatch):
    home = tmp_path / "elsewhere" / "data"
    monkeypatch.setenv(locations.DATA_DIR_ENV, str(home))
    monkeypatch.delenv(database.DB_ENV, raising=False)

    assert locations.data_dir() == home and home.is_dir()
    assert audit_key.key_file_path().parent == home
    log = audit_checkpoints.log_path(AuditKey(b"k" * 32, "test"), "db-id", "sqlite:/x.db")
    assert log.parent == home / audit_checkpoints.DIRECTORY
    assert locations.log_dir() == home / "logs" and (home / "logs").is_dir()
    assert Path(make_url(database.resolve_url(None)).database) == home / locations.DB_NAME
    demo = Path(make_url(database.resolve_url(None, demo=True)).database)
    assert demo == home / locations.DEMO_DB_NAME
    assert keys._is_demo_path(demo)
    assert not keys._is_demo_path(tmp_path / locations.DEMO_DB_NAME)


def test_the_database_module_hands_out_the_same_locations():
    # The UI asks rso_manager.database; there is one definition, in the persistence layer.
    assert database.data_dir is locations.data_dir
    assert database.log_dir is locations.log_dir
