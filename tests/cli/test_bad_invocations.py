"""Every bad command line is one line on stderr naming the problem and the fix, exit 2, and never
a traceback; an unknown command never opens the GUI.

In-process (rso_manager.cli.run) where the CLI alone is under test; as `python main.py` in a
subprocess where what matters is the real process: no GUI starts, no traceback escapes."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from sqlalchemy import func, select

from rso_manager.cli import run
from rso_manager.persistence import models as m
from rso_manager.persistence.engine import make_engine, make_session_factory
from tests.conftest import PASSWORD

ROOT = Path(__file__).resolve().parents[2]
PLAN = ["plan", "--user", "om", "--as-of", "2026-11-25"]
REPORT = ["report", "compliance", "--user", "sup", "--scope", "team", "North", "--from", "2026-06-01",
          "--to", "2026-11-25"]


def _bad_files(tmp: Path) -> dict[str, Path]:
    """Files that are not databases, made without the app (and without its key)."""
    text = tmp / "notes.db"
    text.write_text("Meeting notes, not a database\n")
    plain = tmp / "plain.db"
    with sqlite3.connect(plain) as db:
        db.execute("CREATE TABLE t (x TEXT)")
        db.executemany("INSERT INTO t VALUES (?)", [("x" * 500,)] * 200)
    db.close()
    truncated = tmp / "truncated.db"
    truncated.write_bytes(plain.read_bytes()[:6000])
    folder = tmp / "folder.db"
    folder.mkdir()
    garbage = tmp / "garbage.json"
    garbage.write_text("{not json")
    return {"text": text, "truncated": truncated, "folder": folder, "garbage": garbage}


# (id, argv after --db URL; "{tmp}" and "{db}" are filled in, expected words in the message)
CASES = [
    ("days-huge", [*PLAN, "--days", "99999999999"], "from 1 to 366"),
    ("days-negative", [*PLAN, "--days", "-5"], "from 1 to 366"),
    ("days-zero", [*PLAN, "--days", "0"], "from 1 to 366"),
    ("days-not-a-number", [*PLAN, "--days", "abc"], "whole number"),
    ("date-year-9999", ["plan", "--user", "om", "--as-of", "9999-12-31"], "from 1900-01-01 to 2099-12-31"),
    ("date-month-13", ["plan", "--user", "om", "--as-of", "2026-13-01"], "use YYYY-MM-DD"),
    ("date-british", ["plan", "--user", "om", "--as-of", "25/11/2026"], "use YYYY-MM-DD"),
    ("plan-scope", [*PLAN, "--scope", "bogus"], "choose from"),
    ("unknown-user", ["plan", "--user", "nobody", "--as-of", "2026-11-25"], "username or password is not right"),
    ("out-is-a-folder", [*REPORT, "--out", "{tmp}"], "is a folder"),
    ("out-no-folder", [*REPORT, "--out", "{tmp}/no/such/r.pdf"], "there is no folder"),
    ("out-cannot-write", [*REPORT, "--out", "/proc/rso-report.pdf"], "--out: The report could not be saved"),
    ("from-after-to", ["report", "compliance", "--user", "sup", "--scope", "team", "North", "--from", "2026-11-25", "--to", "2026-06-01",
                       "--out", "{tmp}/r.pdf"], "--to: The period ends"),
    ("to-year-9999", ["report", "compliance", "--user", "sup", "--from", "2026-06-01", "--to", "9999-12-31",
                      "--out", "{tmp}/r.pdf"], "out of range"),
    ("report-scope", [*REPORT, "--scope", "galaxy", "--out", "{tmp}/r.pdf"], "--scope:"),
    ("report-format", [*REPORT, "--format", "json", "--out", "{tmp}/r.pdf"], "ends in .pdf"),
    ("report-not-allowed", ["report", "compliance", "--user", "om", "--from", "2026-06-01", "--to", "2026-11-25",
                            "--out", "{tmp}/r.pdf"], "cannot print reports"),
    ("checkpoint-out-folder", ["audit", "checkpoint", "--out", "{tmp}"], "is a folder"),
    ("checkpoint-out-no-folder", ["audit", "checkpoint", "--out", "{tmp}/none/cp.json"], "there is no folder"),
    ("checkpoint-missing", ["audit", "verify", "--checkpoint", "{tmp}/nothere.json"], "Cannot read the checkpoint"),
    ("checkpoint-garbage", ["audit", "verify", "--checkpoint", "{tmp}/garbage.json"], "not a checkpoint file"),
    ("offenders-huge", ["demo", "--offenders", "99999999999"], "from 1 to 1,000,000"),
    ("offenders-negative", ["demo", "--offenders", "-3"], "from 1 to 1,000,000"),
    ("sub-command-missing", ["audit"], "required"),
    ("unknown-option", [*PLAN, "--colour", "red"], "unrecognized arguments"),
]

# (id, --db value, argv, expected words): the database itself is wrong.
DATABASE_CASES = [
    ("db-text-file", "sqlite:///{tmp}/notes.db", ["audit", "verify"], "notes.db"),
    ("db-truncated", "sqlite:///{tmp}/truncated.db", ["audit", "verify"], "truncated.db"),
    ("db-folder", "sqlite:///{tmp}/folder.db", ["audit", "verify"], "is a folder, not a database file"),
    ("db-missing", "sqlite:///{tmp}/missing.db", ["audit", "verify"], "No database at"),
    ("db-missing-folder", "sqlite:///{tmp}/nowhere/rso.db", PLAN, "No database at"),
    ("db-not-a-url", "notaurl", ["audit", "verify"], "is not a URL"),
    ("db-mysql", "mysql://u@h/rso", ["audit", "verify"], "SQLite and PostgreSQL, not 'mysql'"),
    ("db-no-driver", "postgresql+nosuchdriver://u@h/rso", ["audit", "verify"], "not available"),
    ("postgres-down", "postgresql+psycopg://u:secret@127.0.0.1:1/rso", ["audit", "verify"],
     "Cannot reach PostgreSQL at 127.0.0.1:1"),
]


def _one_line_error(code, err):
    lines = [line for line in err.splitlines() if line.strip()]
    assert code == 2, err
    assert "Traceback" not in err
    assert len(lines) == 1, err
    return lines[0]


@pytest.fixture
def bad_world(sqlite_url, tmp_path, monkeypatch):
    monkeypatch.setenv("RSO_PASSWORD", PASSWORD)
    _bad_files(tmp_path)
    return sqlite_url, tmp_path


@pytest.mark.parametrize("argv, expected", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_a_bad_argument_is_one_line_and_exit_2(bad_world, clock, capsys, argv, expected):
    url, tmp = bad_world
    argv = [a.format(tmp=tmp) for a in argv]
    line = _one_line_error(run(["--db", url, *argv], clock=clock), capsys.readouterr().err)
    assert expected in line


@pytest.mark.parametrize("db, argv, expected", [c[1:] for c in DATABASE_CASES], ids=[c[0] for c in DATABASE_CASES])
def test_a_bad_database_is_one_line_and_exit_2(bad_world, clock, capsys, db, argv, expected):
    _, tmp = bad_world
    line = _one_line_error(run(["--db", db.format(tmp=tmp), *argv], clock=clock), capsys.readouterr().err)
    assert expected in line
    assert "secret" not in line  # a password in the URL is never echoed
    assert not (tmp / "missing.db").exists() and not (tmp / "nowhere").exists()


def test_a_wrong_password_is_one_line(sqlite_url, clock, capsys, monkeypatch):
    monkeypatch.setenv("RSO_PASSWORD", "not the password at all")
    line = _one_line_error(run(["--db", sqlite_url, *PLAN], clock=clock), capsys.readouterr().err)
    assert "username or password is not right" in line


def test_no_password_and_no_terminal_says_how_to_give_one(sqlite_url, clock, capsys, monkeypatch):
    monkeypatch.delenv("RSO_PASSWORD", raising=False)
    line = _one_line_error(run(["--db", sqlite_url, *PLAN], clock=clock), capsys.readouterr().err)
    assert "set RSO_PASSWORD" in line


def test_a_report_that_cannot_be_written_is_not_audited(sqlite_url, clock, capsys, monkeypatch):
    monkeypatch.setenv("RSO_PASSWORD", PASSWORD)

    def audit_rows():
        engine = make_engine(sqlite_url)
        try:
            with make_session_factory(engine)() as s:
                return s.scalar(select(func.count()).select_from(m.AuditEvent).where(
                    m.AuditEvent.action == "export.print"))
        finally:
            engine.dispose()

    before = audit_rows()
    _one_line_error(run(["--db", sqlite_url, *REPORT, "--out", "/proc/rso-report.pdf"], clock=clock),
                    capsys.readouterr().err)
    assert audit_rows() == before


def test_postgres_unknown_user_is_one_line(postgres_server, clock, capsys):
    url = postgres_server.url("postgres", user="no_such_role")
    line = _one_line_error(run(["--db", url, "audit", "verify"], clock=clock), capsys.readouterr().err)
    assert "no user (role) 'no_such_role'" in line


@pytest.fixture(scope="module")
def password_server():
    """A PostgreSQL server that checks passwords (the shared test server trusts everyone)."""
    from tests import pg_server

    reason = pg_server.unavailable_reason()
    if reason:
        pytest.skip(reason)
    server = pg_server.start(hba="local all all trust\nhost all postgres 127.0.0.1/32 trust\n"
                                 "host all all 127.0.0.1/32 scram-sha-256\n")
    from sqlalchemy import create_engine, text
    admin = create_engine(server.admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text("CREATE ROLE rso_pw LOGIN PASSWORD 'the right one'"))
    admin.dispose()
    yield server
    server.stop()


@pytest.mark.postgres
def test_postgres_wrong_password_is_one_line(password_server, clock, capsys):
    url = f"postgresql+psycopg://rso_pw:wrong-secret@127.0.0.1:{password_server.port}/postgres"
    line = _one_line_error(run(["--db", url, "audit", "verify"], clock=clock), capsys.readouterr().err)
    assert "refused the sign-in as 'rso_pw': the password is wrong" in line
    assert "wrong-secret" not in line


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0,
                    reason="root may write any file, so nothing is read-only to it")
def test_a_read_only_database_is_one_line(sqlite_url, tmp_path):
    """As a user who may read the file but not write it or its folder."""
    folder = Path(tempfile.mkdtemp(dir="/dev/shm" if os.path.isdir("/dev/shm") else None))
    try:
        data = folder / "data"
        data.mkdir()
        db = folder / "ro.db"
        shutil.copy(sqlite_url.removeprefix("sqlite:///"), db)
        db.chmod(0o444)
        env = {**os.environ, "RSO_PASSWORD": PASSWORD, "RSO_MANAGER_DATA_DIR": str(data)}
        folder.chmod(0o555)
        result = _main(["--db", f"sqlite:///{db}", *PLAN], env=env)
        line = _one_line_error(result.returncode, result.stderr)
        assert "read-only" in line or "Cannot open" in line, line
    finally:
        folder.chmod(0o755)
        shutil.rmtree(folder, ignore_errors=True)


# --- the real process: no GUI, no traceback ----------------------------------------------------


def _main(argv, env=None, **kw):
    env = {**(env or os.environ), "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *argv], capture_output=True, text=True,
                          timeout=90, env=env, cwd=ROOT, stdin=subprocess.DEVNULL, **kw)


MAIN_CASES = [
    (["frobnicate"], "invalid choice: 'frobnicate'"),
    (["--db", "sqlite:///{tmp}/x.db", "bakup", "--out", "x"], "invalid choice: 'bakup'"),
    (["--demo", "frobnicate"], "invalid choice"),
    (["--db", "sqlite:///{tmp}/notes.db", "audit", "verify"], "notes.db"),
]


def test_main_py_never_opens_the_gui_or_shows_a_traceback(tmp_path):
    """All at once: each start imports the whole GUI before it reads its arguments."""
    _bad_files(tmp_path)
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    running = [(subprocess.Popen([sys.executable, str(ROOT / "main.py"), *[a.format(tmp=tmp_path) for a in argv]],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                                 text=True, env=env, cwd=ROOT), expected) for argv, expected in MAIN_CASES]
    for process, expected in running:
        try:
            out, err = process.communicate(timeout=120)
        except subprocess.TimeoutExpired:
            process.kill()
            pytest.fail(f"{process.args[2:]} did not end: did the GUI open?")
        assert expected in _one_line_error(process.returncode, err)
        assert "Traceback" not in out
    assert not (tmp_path / "x.db").exists()
