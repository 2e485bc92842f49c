"""Encryption at rest (security.md R17): no personal data in the database file, its WAL, a backup or
a pre-upgrade copy; a wrong key fails with a clear message; rekey and encrypt work."""

import os
import sqlite3
from contextlib import closing
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import text

from rso_manager.cli import run
from rso_manager.database import open_database
from rso_manager.persistence import keys
from rso_manager.persistence.backup import back_up
from rso_manager.persistence.encryption import EncryptionError, encrypt_in_place, rekey
from rso_manager.persistence.engine import (
    DatabaseOpenError,
    WrongKeyError,
    is_encrypted,
    make_engine,
    make_session_factory,
    raw_sqlite_connection,
)
from rso_manager.persistence.schema import backup_sqlite
from rso_manager.services import caseload
from rso_manager.services.caseload import OffenderDraft
from rso_manager.services.unit_of_work import Services

SURNAME = "Zzyzxwhistle"
PNC = "19/8765432Q"
SECRETS = (SURNAME.encode(), PNC.encode(), SURNAME.encode("utf-16-le"))


def _no_secrets(data: bytes, what: str) -> None:
    assert data, f"{what} is empty: nothing was checked"
    for secret in SECRETS:
        assert secret not in data, f"{secret!r} is readable in {what}"


def _seed(services, world) -> int:
    return caseload.create_offender(services, world.om, OffenderDraft(
        surname=SURNAME, forenames="Quentin", date_of_birth=date(1979, 2, 28), pnc_id=PNC,
        offender_manager_id=world.om.user_id, team_id=world.team_id)).offender_id


def _path(url: str) -> Path:
    return Path(url.removeprefix("sqlite:///"))


def test_personal_data_is_in_no_byte_of_the_file_wal_backup_or_upgrade_copy(sqlite_url, clock, tmp_path):
    from tests.conftest import world_from

    engine = make_engine(sqlite_url)
    assert is_encrypted(engine)
    services = Services(make_session_factory(engine), clock)
    world = world_from(services)
    # A reader holds a snapshot open, so the writes stay in the WAL, uncheckpointed.
    reader = raw_sqlite_connection(_path(sqlite_url))
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM offender").fetchone()
    offender_id = _seed(services, world)
    wal = Path(f"{_path(sqlite_url)}-wal").read_bytes()
    reader.rollback()
    reader.close()

    _no_secrets(wal, "the WAL")
    # Control: the row really is in the database (so the checks above are not vacuous).
    with engine.connect() as c:
        assert c.execute(text("SELECT surname, pnc_id FROM offender WHERE id = :i"),
                         {"i": offender_id}).one() == (SURNAME, PNC)
    backup = back_up(engine, tmp_path / "backups", when=clock.now()).path
    upgrade_copy = backup_sqlite(engine, clock.now())
    engine.dispose()

    _no_secrets(_path(sqlite_url).read_bytes(), "the database file")
    _no_secrets(backup.read_bytes(), "the backup")
    _no_secrets(upgrade_copy.read_bytes(), "the schema-upgrade backup")
    for f in (_path(sqlite_url), backup, upgrade_copy):
        assert not f.read_bytes().startswith(b"SQLite format 3")
    assert backup.stat().st_mode & 0o777 == 0o600 and upgrade_copy.stat().st_mode & 0o777 == 0o600
    # Stdlib sqlite3 (no key) cannot read any of them.
    for f in (_path(sqlite_url), backup, upgrade_copy):
        with closing(sqlite3.connect(f)) as plain, pytest.raises(sqlite3.DatabaseError):
            plain.execute("SELECT count(*) FROM sqlite_master").fetchone()


def test_a_wrong_key_fails_with_a_message_naming_the_problem_and_the_fix(sqlite_url, clock, monkeypatch):
    monkeypatch.setenv(keys.KEY_ENV, "00" * 32)
    with pytest.raises(WrongKeyError) as raised:
        open_database(sqlite_url, clock)
    message = str(raised.value)
    assert "RSO_DB_KEY is not its key" in message and "main.py restore" in message
    with pytest.raises(WrongKeyError):
        raw_sqlite_connection(_path(sqlite_url))


def test_no_key_at_all_says_to_set_rso_db_key(sqlite_url, monkeypatch):
    monkeypatch.delenv(keys.KEY_ENV)
    monkeypatch.setattr(keys, "_prompt", None)
    with pytest.raises(DatabaseOpenError, match="set RSO_DB_KEY"):
        make_engine(sqlite_url)


def test_a_passphrase_is_derived_as_sqlcipher_does(tmp_path, monkeypatch):
    """Anything but 64 hex characters is a passphrase: the sqlcipher shell's PRAGMA key opens the file."""
    import sqlcipher3

    monkeypatch.setenv(keys.KEY_ENV, "a long passphrase for the test database")
    path = tmp_path / "pass.db"
    engine = make_engine(f"sqlite:///{path}")
    with engine.begin() as c:
        c.execute(text("CREATE TABLE t (x)"))
        c.execute(text("INSERT INTO t VALUES ('Zzyzxwhistle')"))
    engine.dispose()
    with closing(sqlcipher3.connect(str(path))) as shell:
        shell.execute("PRAGMA key = 'a long passphrase for the test database'")
        assert shell.execute("SELECT x FROM t").fetchall() == [("Zzyzxwhistle",)]


def test_rekey_changes_the_key_and_keeps_the_data(sqlite_url, clock, monkeypatch):
    path = _path(sqlite_url)
    new = "7e" * 32
    rekey(path, new)
    with pytest.raises(WrongKeyError):
        raw_sqlite_connection(path)  # the old key (RSO_DB_KEY) no longer opens it
    monkeypatch.setenv(keys.KEY_ENV, new)
    engine, services = open_database(sqlite_url, clock)
    with services.session_factory() as s:
        assert s.execute(text("SELECT count(*) FROM app_user")).scalar() == 7
    engine.dispose()


def test_rekey_through_the_cli(sqlite_url, monkeypatch, capsys):
    monkeypatch.setenv("RSO_DB_NEW_KEY", "another passphrase, long enough")
    assert run(["--db", sqlite_url, "rekey"]) == 0
    assert "new key" in capsys.readouterr().out
    monkeypatch.setenv(keys.KEY_ENV, "another passphrase, long enough")
    assert run(["--db", sqlite_url, "check"]) == 0


def test_encrypt_turns_a_plain_database_into_an_encrypted_one(tmp_path, clock):
    path = tmp_path / "plain.db"
    with closing(sqlite3.connect(path)) as plain:  # a database from before encryption
        plain.execute("PRAGMA journal_mode=WAL")
        plain.execute("CREATE TABLE person (name TEXT)")
        plain.execute("INSERT INTO person VALUES (?)", (SURNAME,))
        plain.commit()
    (tmp_path / "backups").mkdir()
    with closing(sqlite3.connect(tmp_path / "backups" / "plain-20260101T000000.db")) as old:
        old.execute("CREATE TABLE person (name TEXT)")
        old.execute("INSERT INTO person VALUES (?)", (SURNAME,))
        old.commit()

    opened = open_database(f"sqlite:///{path}", clock)
    assert opened.state.warning and "main.py --db" in opened.state.warning and "encrypt" in opened.state.warning
    assert not is_encrypted(opened.engine)
    opened.engine.dispose()

    assert run(["--db", f"sqlite:///{path}", "encrypt"]) == 0
    _no_secrets(path.read_bytes(), "the encrypted file")
    _no_secrets((tmp_path / "backups" / "plain-20260101T000000.db").read_bytes(), "the old backup")
    assert not list(tmp_path.glob("*.encrypting*"))
    assert not Path(f"{path}-wal").exists() or Path(f"{path}-wal").stat().st_size == 0
    engine = make_engine(f"sqlite:///{path}")
    assert is_encrypted(engine)
    with engine.connect() as c:
        assert c.execute(text("SELECT name FROM person")).scalar() == SURNAME
    engine.dispose()
    with pytest.raises(EncryptionError, match="already encrypted"):
        encrypt_in_place(path)


def test_the_demo_database_opens_with_its_own_key_file(clock, monkeypatch):
    from rso_manager.database import data_dir, resolve_url

    monkeypatch.delenv(keys.KEY_ENV)
    url = resolve_url(None, demo=True)
    engine, _services = open_database(url, clock)
    assert is_encrypted(engine)
    engine.dispose()
    key_file = data_dir() / keys.DEMO_KEY_NAME
    assert key_file.stat().st_mode & 0o777 == 0o600
    engine, _services = open_database(url, clock)  # again, with no prompt: the same key
    engine.dispose()
    os.unlink(_path(url))
    key_file.unlink()
