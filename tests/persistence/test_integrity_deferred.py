"""The GUI's open leaves quick_check to the sign-in (issue 16: it reads every page, about 20 s at
100,000 cases): what it finds then is what the open would have found, with the same message and
the same read-only database, and a file to be migrated is still checked before it is touched."""

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import text

from rso_manager.database import DatabaseReadOnly, open_database
from rso_manager.persistence.engine import make_engine
from rso_manager.persistence.integrity import CheckStopped, DatabaseDamagedError, state_of
from rso_manager.services import caseload
from rso_manager.services.caseload import OffenderDraft
from tests.conftest import world_from


def _path(url: str) -> Path:
    return Path(url.removeprefix("sqlite:///"))


def _flip_bytes_in_a_data_page(path: Path) -> None:
    data = bytearray(path.read_bytes())
    offset = 5 * 4096 + 100
    data[offset:offset + 16] = bytes(b ^ 0xFF for b in data[offset:offset + 16])
    path.write_bytes(bytes(data))


def _draft(world, surname: str) -> OffenderDraft:
    return OffenderDraft(surname=surname, forenames="Ned", date_of_birth=date(1970, 1, 1),
                         offender_manager_id=world.om.user_id, team_id=world.team_id)


def test_a_sound_file_opens_unchecked_and_the_later_check_leaves_it_writable(db_url, clock):
    opened = open_database(db_url, clock, read_only_if_damaged=True, check_later=True)
    try:
        world = world_from(opened.services)
        if db_url.startswith("sqlite"):
            assert not opened.state.checked and not state_of(opened.engine).checked
        else:  # PostgreSQL checks its own pages: nothing is left for later
            assert opened.state.checked
        damage = opened.integrity_check().run()
        assert damage is None
        state = opened.checked(damage)
        assert state.checked and not state.damaged and state_of(opened.engine) == state
        created = caseload.create_offender(opened.services, world.om, _draft(world, "Stillwright"))
        assert created.offender_id
    finally:
        opened.engine.dispose()


def test_damage_found_after_the_open_makes_the_database_read_only_with_the_opens_message(sqlite_url, clock):
    path = _path(sqlite_url)
    world = world_from(open_database(sqlite_url, clock).services)
    _flip_bytes_in_a_data_page(path)
    opened = open_database(sqlite_url, clock, read_only_if_damaged=True, check_later=True)
    try:
        assert not opened.state.checked and not opened.state.damaged
        with opened.services.session_factory() as s:  # a connection in the pool before the check
            s.execute(text("SELECT 1")).scalar()
        damage = opened.integrity_check().run()
        assert damage and "quick_check" in damage
        state = opened.checked(damage)
        assert state.checked and state_of(opened.engine) is state
        # Word for word what opening the file checked first says (the red banner's text).
        opened_first = open_database(sqlite_url, clock, read_only_if_damaged=True)
        assert state.damaged == opened_first.state.damaged
        opened_first.engine.dispose()
        assert "damaged" in state.damaged and "main.py restore" in state.damaged
        with pytest.raises(DatabaseReadOnly, match="read-only"):
            caseload.create_offender(opened.services, world.om, _draft(world, "Nowrite"))
    finally:
        opened.engine.dispose()


def test_a_file_to_be_migrated_is_checked_before_it_is_touched(sqlite_url, clock):
    path = _path(sqlite_url)
    engine = make_engine(sqlite_url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0008'"))
    engine.dispose()
    _flip_bytes_in_a_data_page(path)
    with pytest.raises(DatabaseDamagedError, match="main.py restore"):
        open_database(sqlite_url, clock, check_later=True)


def test_a_stopped_check_says_nothing(sqlite_url, clock):
    opened = open_database(sqlite_url, clock, read_only_if_damaged=True, check_later=True)
    try:
        check = opened.integrity_check()
        check.stop()
        with pytest.raises(CheckStopped):
            check.run()
        assert not state_of(opened.engine).damaged
    finally:
        opened.engine.dispose()
