"""PostgreSQL least privilege: an owner role migrates, the app connects as a role that cannot
change the schema or rewrite the audit trail, and refuses to start as anything more.

The SQL a DBA reviews lives beside this module (postgres_roles.sql, postgres_grants.sql);
this module only fills in the names, runs it and checks the result at start.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from importlib.resources import files

from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, text

from rso_manager.persistence.engine import DatabaseOpenError
from rso_manager.persistence.schema import (
    MIGRATIONS,
    SchemaTooNewError,
    UpgradeResult,
    current_revision,
    head_revision,
    upgrade,
)

DEFAULT_OWNER_ROLE = "rso_owner"
DEFAULT_APP_ROLE = "rso_app"
SETUP_HINT = (
    "Set up the roles as a database administrator: `python main.py db roles --admin-url URL` "
    f"(creates {DEFAULT_OWNER_ROLE} and {DEFAULT_APP_ROLE}), migrate as the owner with "
    "`python main.py db upgrade --owner-url URL`, then connect the app as the app role "
    '(README, "PostgreSQL roles and TLS").'
)

# Unquoted identifiers only: the names are pasted into SQL a DBA reads, so nothing to escape.
_ROLE_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")
# Tables the app may only append to and read.
_AUDIT_TABLE = "audit_event"


def role_name(name: str, what: str = "role") -> str:
    if not _ROLE_NAME.fullmatch(name):
        raise ValueError(
            f"'{name}' is not a usable {what} name: use lower-case letters, digits and _ "
            "(at most 63, not starting with a digit), e.g. rso_app"
        )
    return name


def _database_identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _render(resource: str, **names: str) -> str:
    sql = files("rso_manager.persistence").joinpath(resource).read_text(encoding="utf-8")
    for key, value in names.items():
        sql = sql.replace("{" + key + "}", value)
    return sql


def roles_sql(database: str, owner_role: str = DEFAULT_OWNER_ROLE,
              app_role: str = DEFAULT_APP_ROLE) -> str:
    return _render("postgres_roles.sql", owner_role=role_name(owner_role, "owner role"),
                   app_role=role_name(app_role, "app role"), database=_database_identifier(database))


def grants_sql(app_role: str = DEFAULT_APP_ROLE) -> str:
    return _render("postgres_grants.sql", app_role=role_name(app_role, "app role"))


def _run_script(conn: Connection, sql: str) -> None:
    # One simple-protocol round trip for the whole file: no parameters, so psycopg leaves the
    # PL/pgSQL (and its % formats) alone.
    driver = conn.connection.driver_connection
    if driver is None:  # a checked-out connection always has one; this tells the type checker
        raise RuntimeError("the PostgreSQL connection has no driver connection")
    driver.execute(sql)


def _schema_exists(conn: Connection) -> bool:
    return conn.scalar(text("SELECT to_regclass('alembic_version') IS NOT NULL"))


def create_roles(admin: Engine, *, owner_role: str = DEFAULT_OWNER_ROLE,
                 app_role: str = DEFAULT_APP_ROLE) -> None:
    """Create both roles (if missing) in ADMIN's cluster and hand ADMIN's database to them;
    grant the app role its table privileges when the schema is already there."""
    _require_postgres(admin)
    sql = roles_sql(admin.url.database or "", owner_role, app_role)
    with admin.begin() as conn:
        _run_script(conn, sql)
        if _schema_exists(conn):
            _run_script(conn, grants_sql(app_role))


def upgrade_as_owner(owner: Engine, *, now: datetime,
                     app_role: str = DEFAULT_APP_ROLE) -> UpgradeResult:
    """Migrate to this build's schema as the owner, then (re)grant the app role: a table a
    migration adds is otherwise out of its reach."""
    _require_postgres(owner)
    role_name(app_role, "app role")
    with owner.connect() as conn:
        user, superuser = conn.execute(text(
            "SELECT rolname, rolsuper FROM pg_roles WHERE rolname = current_user")).one()
        if superuser:  # the tables it created would belong to it, out of the owner role's reach
            raise DatabaseOpenError(
                f'"{user}" is a superuser: migrate as the owner role (e.g. {DEFAULT_OWNER_ROLE}), '
                "so that it owns every table, with `python main.py db upgrade --owner-url URL`."
            )
        if user == app_role:
            raise DatabaseOpenError(
                f'"{user}" is the app role, which may not change the schema: migrate as the owner '
                f"role (e.g. {DEFAULT_OWNER_ROLE}) with `python main.py db upgrade --owner-url URL`."
            )
        if not conn.scalar(text("SELECT count(*) FROM pg_roles WHERE rolname = :r"), {"r": app_role}):
            raise DatabaseOpenError(
                f'The app role "{app_role}" does not exist. Create the roles first: '
                "`python main.py db roles --admin-url URL`."
            )
    result = upgrade(owner, now=now)
    with owner.begin() as conn:
        _run_script(conn, grants_sql(app_role))
    return result


def _require_postgres(engine: Engine) -> None:
    if engine.dialect.name != "postgresql":
        raise ValueError(f"{engine.url.render_as_string(hide_password=True)} is not a PostgreSQL "
                         "URL: roles exist only on PostgreSQL, e.g. postgresql+psycopg://postgres@host/rso")


@dataclass(frozen=True)
class Privileges:
    """What the connected role could do that the app must not (each a short phrase)."""

    role: str
    excess: tuple[str, ...]
    missing: tuple[str, ...]


def inspect_privileges(conn: Connection) -> Privileges:
    role, superuser, bypass_rls, create_role, create_db, replication = conn.execute(text(
        "SELECT rolname, rolsuper, rolbypassrls, rolcreaterole, rolcreatedb, rolreplication "
        "FROM pg_roles WHERE rolname = current_user")).one()
    if superuser:  # everything else follows from it
        return Privileges(role, ("is a superuser",), ())
    excess = [phrase for flag, phrase in (
        (bypass_rls, "bypasses row-level security"), (create_role, "can create roles"),
        (create_db, "can create databases"), (replication, "is a replication role")) if flag]
    owned = conn.scalars(text(
        "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') "
        "AND pg_has_role(c.relowner, 'MEMBER') ORDER BY c.relname")).all()
    if owned:
        excess.append(f"owns (or may act as the owner of) {len(owned)} tables, e.g. {owned[0]}, "
                      "so it could disable the audit triggers")
    if conn.scalar(text("SELECT has_schema_privilege(current_schema(), 'CREATE')")):
        excess.append("may create tables in the schema")
    if conn.scalar(text("SELECT has_database_privilege(current_database(), 'CREATE')")):
        excess.append("may create schemas in the database")
    if (conn.dialect.server_version_info or (0,)) >= (15,) and conn.scalar(
            text("SELECT has_parameter_privilege('session_replication_role', 'SET')")):
        excess.append("may set session_replication_role (which silences triggers)")
    missing: list[str] = []
    if not owned and conn.scalar(text(f"SELECT to_regclass('{_AUDIT_TABLE}') IS NOT NULL")):
        rights = conn.execute(text(
            "SELECT has_table_privilege(:t, 'UPDATE'), has_table_privilege(:t, 'DELETE'), "
            "has_table_privilege(:t, 'TRUNCATE'), has_table_privilege(:t, 'TRIGGER'), "
            "has_table_privilege(:t, 'INSERT'), has_table_privilege(:t, 'SELECT'), "
            "has_table_privilege('audit_head', 'UPDATE')"), {"t": _AUDIT_TABLE}).one()
        for allowed, verb in zip(rights[:4], ("UPDATE", "DELETE", "TRUNCATE", "TRIGGER"), strict=True):
            if allowed:
                excess.append(f"may {verb} {_AUDIT_TABLE}")
        if not (rights[4] and rights[5] and rights[6]):
            missing.append(f"INSERT and SELECT on {_AUDIT_TABLE} and UPDATE on audit_head")
    return Privileges(role, tuple(excess), tuple(missing))


def _known_revision(revision: str) -> bool:
    try:
        return ScriptDirectory(str(MIGRATIONS)).get_revision(revision) is not None
    except Exception:  # alembic raises several kinds for an unknown revision
        return False


def check_app_connection(engine: Engine) -> None:
    """At start, on PostgreSQL: refuse a role that could rewrite history, and a schema this
    role cannot bring up to date itself (only the owner migrates). SQLite: nothing to do."""
    if engine.dialect.name != "postgresql":
        return
    with engine.connect() as conn:
        privileges = inspect_privileges(conn)
    if privileges.excess:
        raise DatabaseOpenError(
            f'RSO Manager will not run on PostgreSQL as "{privileges.role}", which '
            + "; ".join(privileges.excess)
            + ". The app must connect as a role that can neither change the schema nor rewrite "
            "the audit trail. " + SETUP_HINT
        )
    current, head = current_revision(engine), head_revision()
    if current is None:
        raise DatabaseOpenError(
            "This PostgreSQL database has no RSO Manager schema yet, and the app role may not "
            "create one. Create it as the owner: `python main.py db upgrade --owner-url URL`."
        )
    if current != head:
        if not _known_revision(current):
            raise SchemaTooNewError(
                f"This database was created by a newer version of RSO Manager (schema {current}). "
                "Install the newer version, or open a different database."
            )
        raise DatabaseOpenError(
            f"This database's schema ({current}) is older than this version of RSO Manager "
            f"({head}). Migrate it as the owner role: `python main.py db upgrade --owner-url URL`."
        )
    if privileges.missing:
        raise DatabaseOpenError(
            f'The role "{privileges.role}" lacks {", ".join(privileges.missing)}. Grant them as '
            "the owner: `python main.py db upgrade --owner-url URL --app-role "
            f'{privileges.role}`.'
        )
