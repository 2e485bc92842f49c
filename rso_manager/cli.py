"""Command line: `python main.py <command>`. Runs headless on the same services as the GUI."""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError

from rso_manager import court_list_cli, import_cli, search_cli
from rso_manager.clock import SystemClock
from rso_manager.database import describe, make_files_private, open_database, resolve_url
from rso_manager.domain.roles import CaseloadScope
from rso_manager.persistence import audit_chain, audit_checkpoints, keys
from rso_manager.persistence.engine import DatabaseOpenError
from rso_manager.persistence.fault_messages import database_fault
from rso_manager.persistence.schema import SchemaTooNewError
from rso_manager.services.errors import ServiceError, ValidationFailed

COMMANDS = ("demo", "audit", "plan", "report", "db", "backup", "restore", "check", "encrypt", "rekey", "import")
# Every other command works on a database that exists: a mistyped --db must not leave an empty one.
CREATES_DATABASE = frozenset({"demo"})
# These take their own URLs or files and never open --db.
OWN_DATABASE_ARGUMENTS = frozenset({"db", "restore"})

MAX_DAYS_AHEAD = 366
MAX_DEMO_OFFENDERS = 1_000_000
FIRST_DATE, LAST_DATE = date(1900, 1, 1), date(2099, 12, 31)


class UsageError(Exception):
    """A command line that cannot run as given; the message says what to change."""


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line naming the problem and where to read more."""

    def error(self, message: str):
        self.exit(2, f"{self.prog}: {message}. See '{self.prog} --help'.\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="rso-manager", description="RSO Manager")
    parser.add_argument("--db", metavar="URL", help="database URL (default: RSO_DATABASE_URL, "
                        "else a SQLite file in the user data directory)")
    sub = parser.add_subparsers(dest="command", required=True)

    demo = sub.add_parser("demo", help="fill the database with a synthetic, fictional caseload")
    demo.add_argument("--offenders", type=_whole_number(1, MAX_DEMO_OFFENDERS), default=500,
                      help=f"how many offenders, 1 to {MAX_DEMO_OFFENDERS:,} (default 500)")
    demo.add_argument("--seed", type=int, default=1, help="random seed; the same seed gives the same data")

    plan = sub.add_parser("plan", help="propose home visits (risk-led, unannounced, two officers)")
    plan.add_argument("--user", required=True, help="your username (password from RSO_PASSWORD or a prompt)")
    plan.add_argument("--as-of", type=_date, required=True, metavar="YYYY-MM-DD")
    plan.add_argument("--days", type=_whole_number(1, MAX_DAYS_AHEAD), default=14,
                      help=f"look this many days ahead, 1 to {MAX_DAYS_AHEAD} (default 14)")
    plan.add_argument("--scope", choices=[s.value for s in CaseloadScope], help="caseload scope (default by role)")
    plan.add_argument("--seed", type=int, default=0, help="seed: the same seed gives the same proposals")
    plan.add_argument("--json", action="store_true", help="print JSON for scripting")

    search_cli.add_parser(sub)
    import_cli.add_parser(sub)
    court_list_cli.add_parser(sub)

    rep = sub.add_parser("report", help="printable reports")
    reports_sub = rep.add_subparsers(dest="report_command", required=True)
    comp = reports_sub.add_parser("compliance", help="OMU compliance summary (PDF; --format json for the figures)")
    comp.add_argument("--user", required=True, help="your username (password from RSO_PASSWORD or a prompt)")
    comp.add_argument("--scope", nargs="+", default=["force"], metavar="WORD", help="force | team NAME | officer NAME")
    comp.add_argument("--from", dest="period_from", type=_date, required=True, metavar="YYYY-MM-DD")
    comp.add_argument("--to", dest="period_to", type=_date, required=True, metavar="YYYY-MM-DD")
    comp.add_argument("--as-of", type=_date, metavar="YYYY-MM-DD", help="default: --to")
    comp.add_argument("--format", choices=("pdf", "json"), help="default: from --out's suffix, else pdf")
    comp.add_argument("--out", required=True, metavar="FILE", type=_output_file)
    comp.add_argument("--full-lists", action="store_true",
                      help="whole force: also list every exception, team by team; a team: print its lists "
                           "in full (the summaries show each team's or officer's counts and the 10 oldest "
                           "of each list)")

    audit = sub.add_parser("audit", help="audit trail tools")
    audit_sub = audit.add_subparsers(dest="audit_command", required=True)
    verify = audit_sub.add_parser("verify", help="recompute the keyed hash chain, check it against the signed "
                                   "checkpoints kept in the data directory and the case tables against "
                                   "their seals; name every problem")
    verify.add_argument("--checkpoint", metavar="FILE", help="also check the chain still passes through "
                        "a checkpoint written by 'audit checkpoint'")
    cp = audit_sub.add_parser("checkpoint", help="write the chain's head (rows and hash) to keep outside the database")
    cp.add_argument("--out", metavar="FILE", type=_output_file, help="write JSON here (default: print it)")

    db = sub.add_parser("db", help="PostgreSQL set-up: the owner and app roles, migrations as the owner")
    db_sub = db.add_subparsers(dest="db_command", required=True)
    roles = db_sub.add_parser("roles", help="create the owner and app roles and their grants (as a superuser)")
    roles.add_argument("--admin-url", required=True, metavar="URL",
                       help="a superuser's URL for the RSO database, e.g. postgresql+psycopg://postgres@host/rso")
    roles.add_argument("--owner-role", default="rso_owner", metavar="NAME", help="default rso_owner")
    roles.add_argument("--app-role", default="rso_app", metavar="NAME", help="default rso_app")
    roles.add_argument("--print", action="store_true", help="print the SQL instead of running it")
    up = db_sub.add_parser("upgrade", help="migrate the schema as the owner role, then grant the app role")
    up.add_argument("--owner-url", required=True, metavar="URL",
                    help="the owner role's URL, e.g. postgresql+psycopg://rso_owner@host/rso")
    up.add_argument("--app-role", default="rso_app", metavar="NAME", help="default rso_app")

    bk = sub.add_parser("backup", help="a verified backup (SQLite: encrypted like the database; "
                        "PostgreSQL: pg_dump -Fc), keeping the newest --keep")
    bk.add_argument("--out", required=True, metavar="DIR", help="folder for the backups")
    bk.add_argument("--keep", type=int, metavar="N", help="how many to keep (default: the "
                    "backup_keep setting, else 14)")
    rs = sub.add_parser("restore", help="restore a SQLite backup into a new file and verify it")
    rs.add_argument("file", metavar="FILE", help="a backup made by 'backup'")
    rs.add_argument("--to", required=True, metavar="NEW_DB", help="the new database file (never overwritten)")
    sub.add_parser("check", help="full integrity check (exit 0 sound, 2 damaged)")
    sub.add_parser("encrypt", help="encrypt a plain SQLite database in place (key: RSO_DB_KEY, "
                   "the OS keyring or a new passphrase)")
    sub.add_parser("rekey", help="change an encrypted database's key (new key: RSO_DB_NEW_KEY or a prompt)")
    return parser


def _demo(services, args) -> int:
    from rso_manager import demo

    result = demo.generate(services, offenders=args.offenders, seed=args.seed, progress=_progress)
    print(f"\nDemo data ready: {result.offenders} offenders, {result.users} users. "
          f"Demo passwords: {demo.DEMO_PASSWORD_HINT}")
    with services.session_factory() as s:
        on_postgres = s.get_bind().dialect.name == "postgresql"
    if on_postgres:
        # The app's role does not own the tables, so it cannot gather their statistics itself,
        # and until autovacuum reaches the new rows PostgreSQL plans the first reads blind.
        print("PostgreSQL: ask the database owner to run ANALYZE now (psql ... -c ANALYZE): until "
              "then the first reports and lists are planned without statistics and run slowly.")
    return 0


def _date(text: str) -> date:
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date: use YYYY-MM-DD, e.g. 2026-11-25") from None
    if not FIRST_DATE <= day <= LAST_DATE:
        raise argparse.ArgumentTypeError(
            f"{text} is out of range: give a date from {FIRST_DATE} to {LAST_DATE}")
    return day


def _whole_number(low: int, high: int):
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            value = None
        if value is None or not low <= value <= high:
            raise argparse.ArgumentTypeError(f"'{text}' is not allowed: give a whole number from {low} to {high:,}")
        return value
    parse.__name__ = "whole number"  # argparse names the type in its own messages
    return parse


def _output_file(text: str) -> str:
    """A file the command can write, checked before any work is done (or audited)."""
    path = Path(text).expanduser()
    if path.is_dir():
        raise argparse.ArgumentTypeError(f"{text} is a folder: add the file's name after it")
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise argparse.ArgumentTypeError(f"there is no folder {folder}: create it or choose another")
    if not os.access(folder, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise argparse.ArgumentTypeError(f"you may not write {text}: choose a folder you can write to")
    return str(path.absolute())


def _login(services, username: str):
    from rso_manager.services import users

    password = os.environ.get("RSO_PASSWORD")
    if not password:
        if not sys.stdin.isatty():
            raise UsageError(f"No password for {username}: set RSO_PASSWORD (there is no terminal to ask in).")
        password = getpass.getpass(f"Password for {username}: ")
    from rso_manager.services.errors import SecondFactorRequired

    code = os.environ.get("RSO_TOTP_CODE") or None
    try:
        return users.login(services, username, password, code)
    except SecondFactorRequired:
        if code or not sys.stdin.isatty():
            raise UsageError(f"{username} signs in with a one-time code: set RSO_TOTP_CODE to the code "
                             "the authenticator app shows now (or a recovery code).") from None
        # Hidden like the password: a recovery code is as good as one.
        code = getpass.getpass(f"Sign-in code for {username} (or a recovery code): ")
        return users.login(services, username, password, code)


def _plan(services, args) -> int:
    from rso_manager.services import visits

    actor = _login(services, args.user)
    view = visits.propose(services, actor, as_of=args.as_of, days=args.days,
                          scope=CaseloadScope(args.scope) if args.scope else None, seed=args.seed)
    rows: list[dict[str, Any]] = [{
        "offender_id": i.offender_id, "reference": i.reference, "name": i.name, "risk_level": i.risk_level,
        "window": {"earliest": i.window_earliest, "latest": i.window_latest}, "days_overdue": i.days_overdue,
        "proposed_date": i.proposed_on, "time_band": i.time_band, "officers": list(i.officer_names),
        "status": i.status, "warnings": list(i.warnings),
    } for i in view.items]
    if args.json:
        print(json.dumps(rows, default=str, indent=2))
    else:
        for r in rows:
            print(f"{r['proposed_date']} {r['time_band']:<9} {r['reference']} {r['name']:<30} "
                  f"{' + '.join(r['officers'])}{'  OVERDUE ' + str(r['days_overdue']) + 'd' if r['days_overdue'] else ''}")
    return 0


def _report_compliance(services, args) -> int:
    from rso_manager.reports.compliance_figures import Scope
    from rso_manager.services import reports

    try:
        scope = Scope.parse(args.scope)
    except ValueError as exc:
        raise UsageError(f"--scope: {exc}") from None
    fmt = args.format or ("json" if args.out.lower().endswith(".json") else "pdf")
    actor = _login(services, args.user)
    # The GUI's path: the file is written inside the audited transaction, so a report that
    # cannot be written is not recorded as exported, and no file is left without its audit row.
    saved = reports.save_compliance_report(services, actor, scope, args.period_from, args.period_to,
                                           args.as_of or args.period_to, fmt, args.out, replace=True,
                                           full_lists=args.full_lists)
    print(f"Wrote {saved.path} ({fmt}); the print is recorded in the audit trail.")
    return 0


def _progress(done: int, total: int) -> None:
    print(f"\r  {done}/{total} offenders", end="", file=sys.stderr, flush=True)


def _audit_checkpoint(services, args) -> int:
    from rso_manager.persistence import audit_checkpoints

    with services.session_factory() as s:
        cp = audit_chain.checkpoint(s)
    # Into the automatic log as well, so a manual export never anchors less than it.
    audit_checkpoints.write_on_close(services.session_factory, services.clock.now().isoformat())
    text = json.dumps({"rows": cp.rows, "head_hash": cp.head_hash,
                       "at": services.clock.now().isoformat()}, indent=2)
    if args.out:
        fd = os.open(args.out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text + "\n")
        print(f"Checkpoint of {cp.rows} audit rows written to {args.out}. Keep it off this machine.")
    else:
        print(text)
    return 0


def _audit_the_reading(services, command: str, *, ok: bool) -> None:
    """Reading the audit trail is itself audited (CJIS 5.4.1.1): by whom, as far as the machine
    can tell without a sign-in, and what it found."""
    from rso_manager.services.unit_of_work import SYSTEM, unit_of_work

    with unit_of_work(services, SYSTEM) as uow:
        uow.audit("audit.read", outcome="ok" if ok else "problems_found",
                  details={"command": command, "os_user": getpass.getuser()[:60]})


def _audit_verify(services, args) -> int:
    anchor = None
    if args.checkpoint:
        try:
            with open(args.checkpoint, encoding="utf-8") as f:
                raw = json.load(f)
            anchor = audit_chain.Checkpoint(int(raw["rows"]), str(raw["head_hash"]))
        except (OSError, ValueError, KeyError, TypeError) as exc:
            why = exc.strerror if isinstance(exc, OSError) and exc.strerror else "not a checkpoint file"
            print(f"Cannot read the checkpoint {args.checkpoint} ({why}): give the JSON file written by "
                  "'audit checkpoint'.", file=sys.stderr)
            return 2
    from rso_manager.persistence import audit_checkpoints
    from rso_manager.persistence.audit_key import AuditKeyError, load

    try:
        key = load()
    except AuditKeyError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    # The signed checkpoints written automatically outside the database, then the chain and
    # the case tables against them.
    with services.session_factory() as s:
        log = audit_checkpoints.read(audit_checkpoints.log_for(s, key), key)
        report = audit_chain.verify(s, anchor, key=key, checkpoints=log.checkpoints)
    _audit_the_reading(services, "audit verify", ok=report.ok and not log.problems)
    records = {"checked": report.records_checked, "unsealed_from_before_seals": report.records_unsealed}
    if report.ok and not log.problems:
        # A chain just verified is a good one to anchor.
        audit_checkpoints.write_on_close(services.session_factory, services.clock.now().isoformat())
        print(json.dumps({"ok": True, "rows": report.rows, "head_hash": report.head_hash,
                          "checkpoints": report.checkpoints, "records": records}))
        return 0
    print(json.dumps({"ok": False, "rows_verified": report.rows, "first_bad_id": report.first_bad_id,
                      "problem": report.problem, "checkpoints": report.checkpoints,
                      "checkpoint_problems": list(log.problems),
                      "record_problems": list(report.record_problems),
                      "record_problem_count": report.record_problem_count, "records": records}))
    if report.problem:
        print(f"Audit trail BROKEN at row {report.first_bad_id}: {report.problem}", file=sys.stderr)
    for problem in (*log.problems, *report.record_problems):
        print(f"Audit trail: {problem}", file=sys.stderr)
    return 1


def _db(args, clock) -> int:
    """PostgreSQL set-up, on its own URLs: never opens the database the way the app does."""
    from sqlalchemy import make_url
    from sqlalchemy.exc import ArgumentError, DBAPIError

    from rso_manager.persistence import pg_roles
    from rso_manager.persistence.engine import DatabaseOpenError, make_engine

    url = args.admin_url if args.db_command == "roles" else args.owner_url
    try:
        if args.db_command == "roles" and args.print:
            print(pg_roles.roles_sql(make_url(url).database or "", args.owner_role, args.app_role))
            print(pg_roles.grants_sql(args.app_role))
            return 0
        engine = make_engine(url)
        try:
            if args.db_command == "roles":
                pg_roles.create_roles(engine, owner_role=args.owner_role, app_role=args.app_role)
                print(f"Roles {args.owner_role} (migrates) and {args.app_role} (the app) are set up for "
                      f"{describe(url)}. Next: set their passwords, then migrate as the owner with "
                      f"`python main.py db upgrade --owner-url URL`.")
            else:
                result = pg_roles.upgrade_as_owner(engine, now=(clock or SystemClock()).now(),
                                                   app_role=args.app_role)
                print(f"{describe(url)}: schema {result.from_revision or 'none'} -> {result.to_revision}; "
                      f"{args.app_role} holds the app's privileges. Connect the app as {args.app_role}.")
        finally:
            engine.dispose()
    except ArgumentError:  # the URL is not echoed: it may hold a password
        option = "--admin-url" if args.db_command == "roles" else "--owner-url"
        print(f"{option} is not a database URL: use postgresql+psycopg://USER@HOST/DATABASE",
              file=sys.stderr)
        return 2
    except (ValueError, DatabaseOpenError) as exc:
        print(str(exc), file=sys.stderr)
        return 2
    except DBAPIError as exc:
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else type(exc).__name__
        print(f"PostgreSQL refused ({describe(url)}): {reason}", file=sys.stderr)
        return 2
    return 0


NEW_KEY_ENV = "RSO_DB_NEW_KEY"


def _ask_passphrase(path, new: bool) -> str:
    """The CLI's passphrase prompt: a terminal only; scripts set RSO_DB_KEY."""
    from rso_manager.services.passwords import password_problems

    if not sys.stdin.isatty():
        raise keys.KeyUnavailableError(
            f"No key for the encrypted database {path}: set {keys.KEY_ENV} to its key or passphrase "
            "(there is no terminal to ask in).")
    if not new:
        return getpass.getpass(f"Passphrase for {path}: ")
    first = getpass.getpass(f"New passphrase for {path}: ")
    problems = password_problems(first)
    if problems:
        raise keys.KeyUnavailableError(f"That passphrase is too weak: {' '.join(problems)}")
    if getpass.getpass("The same passphrase again: ") != first:
        raise keys.KeyUnavailableError("The two passphrases differ; nothing was changed.")
    return first


def _sqlite_file(url: str, command: str):
    from pathlib import Path

    from sqlalchemy import make_url

    from rso_manager.persistence.engine import DatabaseOpenError

    database = make_url(url).database
    if not url.startswith("sqlite") or not database or database == ":memory:":
        raise DatabaseOpenError(f"'{command}' works on a SQLite database file; {describe(url)} is not one.")
    return Path(database)


def _database_command(run_command) -> int:
    """The maintenance commands' errors: one line, exit 2."""
    from rso_manager.persistence.engine import DatabaseOpenError

    try:
        return run_command()
    except (DatabaseOpenError, keys.KeyUnavailableError, ServiceError) as exc:
        print(str(exc), file=sys.stderr)
        return 2


def _backup(url: str, args, clock) -> int:
    from pathlib import Path

    from rso_manager.persistence.backup import back_up
    from rso_manager.persistence.engine import make_engine

    def go() -> int:
        engine = make_engine(url)
        try:
            result = back_up(engine, Path(args.out), when=(clock or SystemClock()).now(), keep=args.keep)
        finally:
            engine.dispose()
        removed = f"; removed {len(result.removed)} older" if result.removed else ""
        print(f"Backup written and verified ({', '.join(result.report.checked)}): {result.path}{removed}.")
        if result.report.audit_problem:
            print(f"WARNING: {result.report.audit_problem}", file=sys.stderr)
            return 1
        return 0
    return _database_command(go)


def _restore(args) -> int:
    from pathlib import Path

    from rso_manager.persistence.backup import restore, sqlite_path_from

    def go() -> int:
        target = sqlite_path_from(args.to)
        report = restore(Path(args.file), target)
        print(f"Restored {args.file} into {target} and verified it ({', '.join(report.checked)}). "
              f"Open it with --db sqlite:///{target}.")
        if report.audit_problem:
            print(f"WARNING: {report.audit_problem}", file=sys.stderr)
            return 1
        return 0
    return _database_command(go)


def _check(url: str) -> int:
    from rso_manager.persistence.engine import make_engine
    from rso_manager.persistence.integrity import damaged_message, full_check

    def go() -> int:
        engine = make_engine(url)
        try:
            report = full_check(engine)
        finally:
            engine.dispose()
        if report.ok:
            print(f"{describe(url)}: {report.summary()}")
            return 0
        print(damaged_message(describe(url), report.summary()), file=sys.stderr)
        return 2
    return _database_command(go)


def _encrypt(url: str) -> int:
    from rso_manager.persistence.encryption import encrypt_in_place

    def go() -> int:
        result = encrypt_in_place(_sqlite_file(url, "encrypt"))
        extra = (f" Also encrypted {len(result.backups_encrypted)} pre-upgrade backup(s)."
                 if result.backups_encrypted else "")
        print(f"{result.path} is now encrypted (key from {result.key_source}); the plain file is "
              f"gone.{extra}")
        return 0
    return _database_command(go)


def _rekey(url: str) -> int:
    from rso_manager.persistence.encryption import rekey

    def go() -> int:
        path = _sqlite_file(url, "rekey")
        old = keys.resolve_key(path)
        secret, source = os.environ.get(NEW_KEY_ENV), NEW_KEY_ENV
        if not secret:
            if not sys.stdin.isatty():
                raise keys.KeyUnavailableError(f"Set {NEW_KEY_ENV} to the new key or passphrase "
                                               "(there is no terminal to ask in).")
            secret, source = _ask_passphrase(path, True), "the new passphrase"
        result = rekey(path, secret, old_key=old, new_source=source)
        after = (" The OS keyring holds the new key." if result.keyring_updated else
                 f" From now on open it with {keys.KEY_ENV} set to the new key or passphrase.")
        print(f"{path} now has a new key; backups made before keep the old one.{after}")
        return 0
    return _database_command(go)


def run(argv: Sequence[str], clock=None) -> int:
    """Run one command. Whatever stops it ends here, as one line on stderr naming the problem and
    the fix, and exit 2 (1 for a fault in RSO Manager itself): never a traceback."""
    try:
        args = build_parser().parse_args(list(argv))
    except SystemExit as exc:  # --help (0), or a usage error _Parser has printed on one line (2)
        return exc.code if isinstance(exc.code, int) else 2
    url = None
    try:
        make_files_private()
        if args.command not in OWN_DATABASE_ARGUMENTS:
            url = resolve_url(args.db)
            _check_database(url, args.command)
        return _dispatch(args, url, clock)
    except KeyboardInterrupt:
        _say("Stopped. A change that was not finished was not saved.")
        return 130
    except Exception as exc:
        if os.environ.get("RSO_DEBUG"):
            raise
        message, code = _explain(exc, url)
        _say(message)
        return code


def _dispatch(args, url: str | None, clock) -> int:
    if args.command == "db":
        return _db(args, clock)
    keys.set_passphrase_prompt(_ask_passphrase)
    if args.command == "restore":
        return _restore(args)
    assert url is not None
    if args.command == "backup":
        return _backup(url, args, clock)
    if args.command == "check":
        return _check(url)
    if args.command == "encrypt":
        return _encrypt(url)
    if args.command == "rekey":
        return _rekey(url)
    engine, services = open_database(url, clock or SystemClock())
    try:
        if args.command == "demo":
            return _demo(services, args)
        if args.command == "report" and args.report_command == "compliance":
            return _report_compliance(services, args)
        if args.command == "plan":
            return _plan(services, args)
        if args.command == "search":
            return search_cli.run(services, args, _login)
        if args.command == "import":
            return import_cli.run(services, args, _login)
        if args.command == "court-list":
            return court_list_cli.run(services, args, _login)
        if args.command == "audit" and args.audit_command == "verify":
            return _audit_verify(services, args)
        if args.command == "audit" and args.audit_command == "checkpoint":
            return _audit_checkpoint(services, args)
        raise UsageError(f"'{args.command}' has no handler for {describe(url)}; see 'rso-manager --help'.")
    finally:
        # A signed checkpoint of the chain's head, outside the database, at every close.
        audit_checkpoints.write_on_close(services.session_factory, services.clock.now().isoformat())
        engine.dispose()


URL_FORMS = "sqlite:///PATH or postgresql+psycopg://USER:PASSWORD@HOST/DATABASE"


def _check_database(url: str, command: str) -> None:
    """Refuse, before anything opens (or creates) it, a database that cannot be the one meant."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        shown = f" '{url}'" if "@" not in url else ""  # never echo what may hold a password
        raise UsageError(f"The database URL{shown} (--db or RSO_DATABASE_URL) is not a URL: "
                         f"use {URL_FORMS}.") from None
    backend = parsed.get_backend_name()
    if backend not in ("sqlite", "postgresql"):
        raise UsageError(f"RSO Manager works with SQLite and PostgreSQL, not '{backend}': use {URL_FORMS}.")
    try:
        parsed.get_dialect().import_dbapi()
    except (ImportError, ArgumentError):
        raise UsageError(f"The database driver '{parsed.drivername}' is not available here: "
                         f"use {URL_FORMS}.") from None
    database = parsed.database
    if backend != "sqlite" or not database or database == ":memory:" or database.startswith("file:"):
        return
    path = Path(database)
    if path.is_dir():
        raise UsageError(f"{path} is a folder, not a database file: give the file, e.g. "
                         f"--db sqlite:///{path / 'rso-manager.db'}")
    if not path.exists() and command not in CREATES_DATABASE:
        raise UsageError(f"No database at {path}: check --db (or RSO_DATABASE_URL). 'demo' makes a new "
                         "demo database; the app started without a command sets up a new one.")


# The service's field names as the options a user typed.
_OPTION_FOR_FIELD = {"period_from": "--from", "period_to": "--to", "as_of": "--as-of", "path": "--out",
                     "format": "--format", "scope": "--scope", "days": "--days", "file": "FILE"}


def _explain(exc: Exception, url: str | None) -> tuple[str, int]:
    """The one line and the exit code for EXC."""
    if isinstance(exc, ValidationFailed):
        return "; ".join(f"{_OPTION_FOR_FIELD.get(p.field, p.field)}: {p.message}" for p in exc.problems), 2
    if isinstance(exc, UsageError | ServiceError | DatabaseOpenError | SchemaTooNewError | keys.KeyUnavailableError):
        return str(exc), 2
    if isinstance(exc, DBAPIError):
        if url is None:
            return f"Database error: {str(exc.orig or exc).strip().splitlines()[0]}", 2
        return database_fault(exc, make_url(url), describe(url)), 2
    if isinstance(exc, ArgumentError):
        return f"The database URL (--db or RSO_DATABASE_URL) cannot be used: use {URL_FORMS}.", 2
    if isinstance(exc, OSError):
        where = f"{exc.filename}: " if exc.filename else ""
        return f"{where}{exc.strerror or exc}. Check the path and that you may read and write there.", 2
    return (f"RSO Manager failed unexpectedly ({type(exc).__name__}: {exc}). This is a fault in RSO "
            "Manager, not in what you typed: please report it (RSO_DEBUG=1 shows the details)."), 1


def _say(message: str) -> None:
    print(" ".join(str(message).split()), file=sys.stderr)
