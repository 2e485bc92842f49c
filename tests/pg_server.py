"""A real, throwaway PostgreSQL server for the test run: temporary directory, free port."""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import make_url

SUPERUSER = "postgres"


def _bin_dir() -> Path | None:
    for candidate in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if Path(candidate, "initdb").exists():
            return Path(candidate)
    found = shutil.which("initdb")
    return Path(found).parent if found else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class PostgresServer:
    directory: Path
    port: int
    as_postgres: bool
    bin_dir: Path

    @property
    def admin_url(self) -> str:
        return self.url("postgres")

    def url(self, database: str, user: str = SUPERUSER) -> str:
        return f"postgresql+psycopg://{user}@127.0.0.1:{self.port}/{database}"

    def _run(self, *args: str) -> None:
        cmd = [str(self.bin_dir / args[0]), *args[1:]]
        if self.as_postgres:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        subprocess.run(cmd, check=True, capture_output=True, text=True)

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "-D", str(self.directory / "data"), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.directory, ignore_errors=True)


def as_user(url: str, user: str) -> str:
    """The same test database as another role (trust authentication: no password), e.g. the
    superuser for a test that plays an attacker behind the app's back."""
    return make_url(url).set(username=user).render_as_string(hide_password=False)


def unavailable_reason() -> str | None:
    if _bin_dir() is None:
        return "PostgreSQL is not installed (no initdb found)"
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        return "running as root without runuser to start PostgreSQL as the postgres user"
    return None


def start(*, options: Sequence[str] = (), hba: str | None = None,
          files: Mapping[str, bytes] | None = None) -> PostgresServer:
    """OPTIONS are extra `-c name=value` settings; HBA replaces pg_hba.conf; FILES are written
    into the data directory (owner-only, as the server insists for a key) before it starts."""
    bin_dir = _bin_dir()
    assert bin_dir is not None
    as_postgres = os.geteuid() == 0
    # tmpfs where there is one: each test clones a database, and on disk that is I/O-bound.
    shm = Path("/dev/shm")
    base = shm if shm.is_dir() and os.access(shm, os.W_OK) else None
    directory = Path(tempfile.mkdtemp(prefix="rso-pg-", dir=base))
    data = directory / "data"
    if as_postgres:
        shutil.chown(directory, "postgres", "postgres")
    server = PostgresServer(directory, _free_port(), as_postgres, bin_dir)
    server._run("initdb", "-D", str(data), "-A", "trust", "-U", SUPERUSER, "--no-sync")
    written = dict(files or {})
    if hba is not None:
        written["pg_hba.conf"] = hba.encode()
    for name, content in written.items():
        target = data / name
        target.write_bytes(content)
        target.chmod(0o600)
        if as_postgres:
            shutil.chown(target, "postgres", "postgres")
    extra = "".join(f" -c {option}" for option in options)
    server._run(
        "pg_ctl", "-D", str(data), "-l", str(directory / "server.log"), "-w", "-o",
        f"-p {server.port} -k {directory} -c listen_addresses=127.0.0.1 -c fsync=off "
        f"-c synchronous_commit=off -c full_page_writes=off{extra}",
        "start",
    )
    return server


def create_app_database(server: PostgresServer, name: str, now) -> str:
    """A new database set up the way the README tells a DBA to: the superuser creates it and
    the roles, the owner role migrates it. Returns the app role's URL, as a desktop would use."""
    from sqlalchemy import create_engine, text

    from rso_manager.persistence import pg_roles
    from rso_manager.persistence.engine import make_engine

    admin = create_engine(server.admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        c.execute(text(f"CREATE DATABASE {name}"))
    admin.dispose()
    for role, run in ((SUPERUSER, pg_roles.create_roles),
                      (pg_roles.DEFAULT_OWNER_ROLE, lambda e: pg_roles.upgrade_as_owner(e, now=now))):
        engine = make_engine(server.url(name, role))
        try:
            run(engine)
        finally:
            engine.dispose()
    return server.url(name, pg_roles.DEFAULT_APP_ROLE)
