"""What a database driver's error means to the person who started the app, on one line.

The drivers say "file is not a database" or "connection refused" with a screen of SQL and a
traceback around it; a user needs the cause and the fix. Used by the command line (and fit for
the GUI's open failure). Never echoes a password: URLs are shown through their host and name.
"""

from __future__ import annotations

from sqlalchemy import URL
from sqlalchemy.exc import DBAPIError

RESTORE_HINT = "restore the last good backup with `main.py restore BACKUP --to NEW_DB`"


def database_fault(exc: DBAPIError, url: URL, database: str) -> str:
    """The one-line message for EXC raised while using URL (shown to the user as DATABASE)."""
    raw = str(exc.orig) if exc.orig is not None else str(exc)
    text = raw.lower()
    if url.drivername.startswith("sqlite"):
        return _sqlite_fault(text, raw, database)
    return _postgres_fault(text, raw, url, database)


def _sqlite_fault(text: str, raw: str, database: str) -> str:
    if "file is not a database" in text:
        return (f"{database} is not a database RSO Manager can open (not a SQLite file, or encrypted "
                f"with another key). Check --db; if it is the right file, {RESTORE_HINT}.")
    if "malformed" in text or "corrupt" in text:
        return f"{database} is damaged ({_first_line(raw)}): {RESTORE_HINT}."
    if "readonly" in text or "read-only" in text:
        return (f"{database} is read-only, and this command writes to it (sign-ins and the audit "
                "trail are recorded). Make the file and its folder writable, or work on a copy.")
    if "unable to open database file" in text:
        return (f"Cannot open {database}: check that its folder exists and that you may read and "
                "write both the file and the folder.")
    if "database or disk is full" in text:
        return f"The disk holding {database} is full: free some space on it, then run the command again."
    if "locked" in text or "busy" in text:
        return f"{database} is busy with another program's change: wait a moment and run the command again."
    return f"{database}: {_first_line(raw)}."


def _postgres_fault(text: str, raw: str, url: URL, database: str) -> str:
    where = f"{url.host or 'localhost'}:{url.port or 5432}"
    if "password authentication failed" in text:
        return (f"PostgreSQL at {where} refused the sign-in as '{url.username}': the password is wrong. "
                "Check the password in --db (or RSO_DATABASE_URL).")
    if "role" in text and "does not exist" in text:
        return (f"PostgreSQL at {where} has no user (role) '{url.username}': check the user name in "
                "--db, or create the roles with `main.py db roles`.")
    if "database" in text and "does not exist" in text:
        return (f"PostgreSQL at {where} has no database '{url.database}': create it (createdb), or "
                "check the name in --db.")
    if "connection refused" in text or "could not connect" in text or "timeout" in text:
        return (f"Cannot reach PostgreSQL at {where}: the server is not running or does not accept "
                "connections there. Start it, or check the host and port in --db.")
    if "no password supplied" in text:
        return (f"PostgreSQL at {where} asks for a password for '{url.username}': put it in --db "
                "(postgresql+psycopg://USER:PASSWORD@HOST/DATABASE) or in ~/.pgpass.")
    if "53100" in text or "no space left" in text:
        return f"The disk of the PostgreSQL server for {database} is full: ask its administrator to free space."
    return f"{database}: {_first_line(raw)}."


def _first_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return (lines[0] if lines else "unknown error").rstrip(".")
