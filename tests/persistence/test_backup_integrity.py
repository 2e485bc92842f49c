"""Backups (R16: online API, verified, 14 generations, restore drill) and integrity at start
(R15, T3: flipped bytes in the encrypted file are caught on open and by `check`)."""

from datetime import date, timedelta
from pathlib import Path

import pytest

from rso_manager.cli import run
from rso_manager.database import DatabaseReadOnly, open_database
from rso_manager.domain.roles import CaseloadScope
from rso_manager.persistence.backup import BackupError, back_up, generations, restore
from rso_manager.persistence.engine import make_engine
from rso_manager.persistence.integrity import DatabaseDamagedError
from rso_manager.services import caseload
from rso_manager.services.caseload import OffenderDraft
from rso_manager.services.errors import ServiceError


def _path(url: str) -> Path:
    return Path(url.removeprefix("sqlite:///"))


def test_restore_drill_backup_restore_then_read_it_back_through_the_services(sqlite_services, world, clock, tmp_path):
    created = caseload.create_offender(sqlite_services, world.om, OffenderDraft(
        surname="Drillwright", forenames="Rhoda", date_of_birth=date(1975, 5, 5),
        offender_manager_id=world.om.user_id, team_id=world.team_id))
    engine = sqlite_services.session_factory.kw["bind"]
    result = back_up(engine, tmp_path / "backups", when=clock.now())
    assert result.report.ok and "cipher_integrity_check" in result.report.checked
    assert "audit chain" in result.report.checked
    assert result.path.stat().st_mode & 0o777 == 0o600

    target = tmp_path / "restored" / "rso.db"
    assert restore(result.path, target).ok
    assert target.stat().st_mode & 0o777 == 0o600
    opened = open_database(f"sqlite:///{target}", clock)
    rows = caseload.list_caseload(opened.services, world.om, CaseloadScope.MINE)
    assert [r.offender_id for r in rows if "Drillwright" in r.name.title()] == [created.offender_id]
    opened.engine.dispose()

    with pytest.raises(BackupError, match="already exists"):
        restore(result.path, target)


def test_only_the_newest_generations_are_kept(sqlite_services, clock, tmp_path):
    engine = sqlite_services.session_factory.kw["bind"]
    out = tmp_path / "b"
    for day in range(4):
        back_up(engine, out, when=clock.now() + timedelta(days=day), keep=2)
    kept = generations(out, "rso", ".db")
    assert [p.name for p in kept] == [
        f"rso-{(clock.now() + timedelta(days=d)).strftime('%Y%m%dT%H%M%S')}.db" for d in (2, 3)]


def test_backup_and_restore_commands(sqlite_url, tmp_path, capsys):
    assert run(["--db", sqlite_url, "backup", "--out", str(tmp_path / "bk"), "--keep", "3"]) == 0
    assert "verified" in capsys.readouterr().out
    (backup,) = list((tmp_path / "bk").iterdir())
    assert run(["restore", str(backup), "--to", str(tmp_path / "new.db")]) == 0
    assert run(["--db", f"sqlite:///{tmp_path / 'new.db'}", "check"]) == 0
    assert run(["restore", str(backup), "--to", str(tmp_path / "new.db")]) == 2
    assert "already exists" in capsys.readouterr().err


def test_postgres_backup_without_pg_dump_is_one_clear_line(monkeypatch, capsys):
    import shutil

    monkeypatch.setattr(shutil, "which", lambda _name: None)
    assert run(["--db", "postgresql+psycopg://nobody@127.0.0.1:1/none", "backup", "--out", "x"]) == 2
    err = capsys.readouterr().err.strip()
    assert "pg_dump is not on the PATH" in err and "\n" not in err


def _flip_bytes_in_a_data_page(path: Path) -> None:
    """Past page 1 (which holds the salt and the schema): a damaged table page, as a bad disk does."""
    data = bytearray(path.read_bytes())
    page = 4096
    assert len(data) > 6 * page
    offset = 5 * page + 100
    data[offset:offset + 16] = bytes(b ^ 0xFF for b in data[offset:offset + 16])
    path.write_bytes(bytes(data))


def test_flipped_bytes_are_caught_on_open_and_by_check(sqlite_url, clock, capsys):
    path = _path(sqlite_url)
    _flip_bytes_in_a_data_page(path)

    with pytest.raises(DatabaseDamagedError) as raised:
        open_database(sqlite_url, clock)
    assert "damaged" in str(raised.value) and "main.py restore" in str(raised.value)

    assert run(["--db", sqlite_url, "check"]) == 2
    err = capsys.readouterr().err.strip()
    assert "damaged" in err and "main.py restore" in err and "\n" not in err
    # SQLite lists every damaged tree (hundreds of lines when a root page is hit): one line,
    # cut short, with the way out still at its end.
    assert len(err) < 1000 and len(str(raised.value)) < 1000 and err.endswith("NEW_DB`.")


def test_a_damaged_database_opens_read_only_and_refuses_writes(sqlite_services, clock, world):
    engine = sqlite_services.session_factory.kw["bind"]
    url = engine.url.database
    engine.dispose()
    _flip_bytes_in_a_data_page(Path(url))
    opened = open_database(f"sqlite:///{url}", clock, read_only_if_damaged=True)
    assert opened.state.damaged and "restore" in opened.state.damaged
    with pytest.raises(DatabaseReadOnly, match="read-only"):
        caseload.create_offender(opened.services, world.om, OffenderDraft(
            surname="Nowrite", forenames="Ned", date_of_birth=date(1970, 1, 1),
            offender_manager_id=world.om.user_id, team_id=world.team_id))
    opened.engine.dispose()


def test_the_read_only_refusal_is_an_error_the_app_shows_as_a_message():
    # The UI and the CLI show a ServiceError's message instead of apologising with a traceback.
    assert issubclass(DatabaseReadOnly, ServiceError)


def test_a_sound_database_passes_check(sqlite_url, capsys):
    assert run(["--db", sqlite_url, "check"]) == 0
    assert "OK" in capsys.readouterr().out


def test_a_backup_of_a_damaged_database_is_refused(sqlite_url, clock, tmp_path):
    _flip_bytes_in_a_data_page(_path(sqlite_url))
    engine = make_engine(sqlite_url)
    with pytest.raises(BackupError, match="damaged|did not verify"):
        back_up(engine, tmp_path / "b", when=clock.now())
    engine.dispose()
    assert not list((tmp_path / "b").iterdir())
