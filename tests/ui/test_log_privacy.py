"""No personal data in the log file: database and service failures carrying a seeded name, PNC
number and date of birth are logged by type and place, and none of the three reaches the file."""

import logging
import sys
import threading
from datetime import date

import pytest
from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from rso_manager.log_privacy import TypeAndPlaceFormatter
from rso_manager.persistence.models import Offender
from tests.ui.conftest import make_offender
from ui.apology import set_log_file
from ui.app import install_excepthook, setup_logging

SURNAME = "Qwertyuiopson"
PNC = "2026/0123456Z"
DOB = date(1979, 3, 14)
PERSONAL = (SURNAME, SURNAME.upper(), "0123456Z", "1979-03-14", "14/03/1979", "1979, 3, 14")


@pytest.fixture
def log_file(tmp_path):
    root = logging.getLogger()
    before_level, before = root.level, list(root.handlers)
    path = setup_logging(tmp_path)
    yield path
    for handler in root.handlers[:]:
        if handler not in before:
            handler.close()
            root.removeHandler(handler)
    root.setLevel(before_level)
    set_log_file(None)


def _text(path):
    for handler in logging.getLogger().handlers:
        handler.flush()
    return path.read_text(encoding="utf-8")


def _assert_private(text):
    leaked = [p for p in PERSONAL if p in text]
    assert leaked == [], f"personal data in the log: {leaked}\n{text}"


def _duplicate_offender(services, offender_id):
    """A database failure carrying the person's details as SQL parameters (a duplicate reference)."""
    table = Offender.__table__
    with services.session_factory() as s:
        row = s.execute(select(table).where(table.c.id == offender_id)).mappings().one()
        s.execute(insert(table).values({k: v for k, v in row.items() if k != "id"}))
        s.commit()


def _failing_job(offender):
    raise RuntimeError(f"could not file {offender.name}, PNC {PNC}, born {DOB} ({DOB:%d/%m/%Y})")


def test_a_database_error_in_a_worker_job_is_logged_without_its_parameters(
        qtbot, log_file, make_window, sqlite_services, world, prompter):
    record = make_offender(sqlite_services, world.om, surname=SURNAME, dob=DOB, pnc_id=PNC)
    window = make_window(world.om)
    failures = []
    window.worker.unhandled_error.connect(failures.append)
    window.worker.submit(_duplicate_offender, sqlite_services, record.offender_id)  # no on_error: the app's path
    qtbot.waitUntil(lambda: bool(failures), timeout=5000)
    assert isinstance(failures[0], IntegrityError)
    assert "SQL parameters hidden" in str(failures[0])  # hide_parameters on the engine
    assert any(title == "Something went wrong" for _k, title, _t in prompter.messages)
    text = _text(log_file)
    _assert_private(text)
    assert "sqlalchemy.exc.IntegrityError" in text
    assert "tests.ui.test_log_privacy:_duplicate_offender:" in text  # the place
    assert "ui.worker:_run:" in text


def test_an_error_whose_message_names_the_person_is_logged_by_type_and_place(
        qtbot, log_file, make_window, sqlite_services, world, prompter):
    record = make_offender(sqlite_services, world.om, surname=SURNAME, dob=DOB, pnc_id=PNC)
    window = make_window(world.om)
    failures = []
    window.worker.unhandled_error.connect(failures.append)
    window.worker.submit(_failing_job, record)
    qtbot.waitUntil(lambda: bool(failures), timeout=5000)
    assert SURNAME.upper() in str(failures[0])  # the message does hold it...
    text = _text(log_file)
    _assert_private(text)  # ...the log does not
    assert "RuntimeError" in text and "tests.ui.test_log_privacy:_failing_job:" in text


def test_uncaught_errors_and_exceptions_passed_as_arguments_stay_out(qtbot, log_file, prompter, monkeypatch):
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # restored after the test
    monkeypatch.setattr(threading, "excepthook", threading.excepthook)
    install_excepthook(prompter)
    try:
        raise KeyError(f"{SURNAME} {PNC}") from ValueError(f"born {DOB}")
    except KeyError as exc:
        sys.excepthook(type(exc), exc, exc.__traceback__)
        logging.getLogger("rso_manager.ui").error("Cannot open %s: %s", "the database", exc)
    text = _text(log_file)
    _assert_private(text)
    assert "KeyError" in text and "caused by ValueError" in text
    assert "Cannot open the database: <KeyError>" in text
    assert prompter.texts("error")  # the apology was still shown


def test_the_formatter_leaves_other_handlers_their_record():
    record = logging.LogRecord("x", logging.ERROR, __file__, 1, "failed: %s", (ValueError(SURNAME),), None)
    assert SURNAME not in TypeAndPlaceFormatter().format(record)
    assert record.getMessage() == f"failed: {SURNAME}"  # the record itself untouched


def test_every_engine_hides_sql_parameters(services):
    """SQLite (plain or encrypted) and PostgreSQL alike: an error's text never carries the values."""
    assert services.session_factory.kw["bind"].hide_parameters is True
