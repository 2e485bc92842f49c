"""Command line: `python main.py <command>`. Runs headless on the same services as the GUI."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

from rso_manager.clock import SystemClock
from rso_manager.database import describe, open_database, resolve_url
from rso_manager.persistence import audit_chain
from rso_manager.persistence.schema import SchemaTooNewError

COMMANDS = ("demo", "audit", "plan", "report", "user")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="rso-manager", description="RSO Manager")
    parser.add_argument("--db", metavar="URL", help="database URL (default: RSO_DATABASE_URL, "
                        "else a SQLite file in the user data directory)")
    sub = parser.add_subparsers(dest="command", required=True)

    demo = sub.add_parser("demo", help="fill the database with a synthetic, fictional caseload")
    demo.add_argument("--offenders", type=int, default=500, help="how many offenders (default 500)")
    demo.add_argument("--seed", type=int, default=1, help="random seed; the same seed gives the same data")

    audit = sub.add_parser("audit", help="audit trail tools")
    audit_sub = audit.add_subparsers(dest="audit_command", required=True)
    audit_sub.add_parser("verify", help="recompute the hash chain and report the first broken row")
    return parser


def _demo(services, args) -> int:
    from rso_manager import demo

    if args.offenders < 1:
        print("--offenders must be at least 1", file=sys.stderr)
        return 2
    result = demo.generate(services, offenders=args.offenders, seed=args.seed, progress=_progress)
    print(f"\nDemo data ready: {result.offenders} offenders, {result.users} users. "
          f"Demo passwords: {demo.DEMO_PASSWORD_HINT}")
    return 0


def _progress(done: int, total: int) -> None:
    print(f"\r  {done}/{total} offenders", end="", file=sys.stderr, flush=True)


def _audit_verify(services) -> int:
    with services.session_factory() as s:
        report = audit_chain.verify(s)
    if report.ok:
        print(json.dumps({"ok": True, "rows": report.rows, "head_hash": report.head_hash}))
        return 0
    print(json.dumps({"ok": False, "rows_verified": report.rows, "first_bad_id": report.first_bad_id,
                      "problem": report.problem}))
    print(f"Audit trail BROKEN at row {report.first_bad_id}: {report.problem}", file=sys.stderr)
    return 1


def run(argv: Sequence[str], clock=None) -> int:
    args = build_parser().parse_args(list(argv))
    url = resolve_url(args.db)
    try:
        engine, services = open_database(url, clock or SystemClock())
    except SchemaTooNewError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    try:
        if args.command == "demo":
            return _demo(services, args)
        if args.command == "audit" and args.audit_command == "verify":
            return _audit_verify(services)
        print(f"Unknown command for {describe(url)}", file=sys.stderr)
        return 2
    finally:
        engine.dispose()
