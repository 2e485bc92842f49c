"""Command line: `python main.py <command>`. Runs headless on the same services as the GUI."""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from collections.abc import Sequence
from datetime import date

from rso_manager.clock import SystemClock
from rso_manager.database import describe, make_files_private, open_database, resolve_url
from rso_manager.domain.roles import CaseloadScope
from rso_manager.persistence import audit_chain
from rso_manager.persistence.engine import DatabaseLocationError
from rso_manager.persistence.schema import SchemaTooNewError
from rso_manager.services.errors import ServiceError

COMMANDS = ("demo", "audit", "plan", "report")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="rso-manager", description="RSO Manager")
    parser.add_argument("--db", metavar="URL", help="database URL (default: RSO_DATABASE_URL, "
                        "else a SQLite file in the user data directory)")
    sub = parser.add_subparsers(dest="command", required=True)

    demo = sub.add_parser("demo", help="fill the database with a synthetic, fictional caseload")
    demo.add_argument("--offenders", type=int, default=500, help="how many offenders (default 500)")
    demo.add_argument("--seed", type=int, default=1, help="random seed; the same seed gives the same data")

    plan = sub.add_parser("plan", help="propose home visits (risk-led, unannounced, two officers)")
    plan.add_argument("--user", required=True, help="your username (password from RSO_PASSWORD or a prompt)")
    plan.add_argument("--as-of", type=_date, required=True, metavar="YYYY-MM-DD")
    plan.add_argument("--days", type=int, default=14, help="look this many days ahead (default 14)")
    plan.add_argument("--scope", choices=[s.value for s in CaseloadScope], help="caseload scope (default by role)")
    plan.add_argument("--seed", type=int, default=0, help="seed: the same seed gives the same proposals")
    plan.add_argument("--json", action="store_true", help="print JSON for scripting")

    rep = sub.add_parser("report", help="printable reports")
    reports_sub = rep.add_subparsers(dest="report_command", required=True)
    comp = reports_sub.add_parser("compliance", help="OMU compliance summary (PDF; --format json for the figures)")
    comp.add_argument("--user", required=True, help="your username (password from RSO_PASSWORD or a prompt)")
    comp.add_argument("--scope", nargs="+", default=["force"], metavar="WORD", help="force | team NAME | officer NAME")
    comp.add_argument("--from", dest="period_from", type=_date, required=True, metavar="YYYY-MM-DD")
    comp.add_argument("--to", dest="period_to", type=_date, required=True, metavar="YYYY-MM-DD")
    comp.add_argument("--as-of", type=_date, metavar="YYYY-MM-DD", help="default: --to")
    comp.add_argument("--format", choices=("pdf", "json"), help="default: from --out's suffix, else pdf")
    comp.add_argument("--out", required=True, metavar="FILE")

    audit = sub.add_parser("audit", help="audit trail tools")
    audit_sub = audit.add_subparsers(dest="audit_command", required=True)
    verify = audit_sub.add_parser("verify", help="recompute the hash chain and report the first broken row")
    verify.add_argument("--checkpoint", metavar="FILE", help="also check the chain still passes through "
                        "a checkpoint written by 'audit checkpoint'")
    cp = audit_sub.add_parser("checkpoint", help="write the chain's head (rows and hash) to keep outside the database")
    cp.add_argument("--out", metavar="FILE", help="write JSON here (default: print it)")
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


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date: use YYYY-MM-DD, e.g. 2026-11-25") from None


def _login(services, username: str):
    from rso_manager.services import users

    password = os.environ.get("RSO_PASSWORD") or getpass.getpass(f"Password for {username}: ")
    return users.login(services, username, password)


def _plan(services, args) -> int:
    from rso_manager.services import visits

    actor = _login(services, args.user)
    view = visits.propose(services, actor, as_of=args.as_of, days=args.days,
                          scope=CaseloadScope(args.scope) if args.scope else None, seed=args.seed)
    rows = [{
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
        print(str(exc), file=sys.stderr)
        return 2
    fmt = args.format or ("json" if args.out.lower().endswith(".json") else "pdf")
    actor = _login(services, args.user)
    data = reports.compliance_report(services, actor, scope, args.period_from, args.period_to,
                                     args.as_of or args.period_to, fmt)
    # Owner-only: the report is OFFICIAL-SENSITIVE.
    fd = os.open(args.out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    print(f"Wrote {args.out} ({fmt}); the print is recorded in the audit trail.")
    return 0


def _progress(done: int, total: int) -> None:
    print(f"\r  {done}/{total} offenders", end="", file=sys.stderr, flush=True)


def _audit_checkpoint(services, args) -> int:
    with services.session_factory() as s:
        cp = audit_chain.checkpoint(s)
    text = json.dumps({"rows": cp.rows, "head_hash": cp.head_hash,
                       "at": services.clock.now().isoformat()}, indent=2)
    if args.out:
        with open(args.out, "w", encoding="utf-8") as f:
            f.write(text + "\n")
        print(f"Checkpoint of {cp.rows} audit rows written to {args.out}. Keep it off this machine.")
    else:
        print(text)
    return 0


def _audit_verify(services, args) -> int:
    anchor = None
    if args.checkpoint:
        try:
            with open(args.checkpoint, encoding="utf-8") as f:
                raw = json.load(f)
            anchor = audit_chain.Checkpoint(int(raw["rows"]), str(raw["head_hash"]))
        except (OSError, ValueError, KeyError) as exc:
            print(f"Cannot read the checkpoint {args.checkpoint}: {exc}", file=sys.stderr)
            return 2
    with services.session_factory() as s:
        report = audit_chain.verify(s, anchor)
    if report.ok:
        print(json.dumps({"ok": True, "rows": report.rows, "head_hash": report.head_hash}))
        return 0
    print(json.dumps({"ok": False, "rows_verified": report.rows, "first_bad_id": report.first_bad_id,
                      "problem": report.problem}))
    print(f"Audit trail BROKEN at row {report.first_bad_id}: {report.problem}", file=sys.stderr)
    return 1


def run(argv: Sequence[str], clock=None) -> int:
    args = build_parser().parse_args(list(argv))
    make_files_private()
    url = resolve_url(args.db)
    try:
        engine, services = open_database(url, clock or SystemClock())
    except SchemaTooNewError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    except DatabaseLocationError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    try:
        if args.command == "demo":
            return _demo(services, args)
        if args.command == "report" and args.report_command == "compliance":
            return _report_compliance(services, args)
        if args.command == "plan":
            return _plan(services, args)
        if args.command == "audit" and args.audit_command == "verify":
            return _audit_verify(services, args)
        if args.command == "audit" and args.audit_command == "checkpoint":
            return _audit_checkpoint(services, args)
        print(f"Unknown command for {describe(url)}", file=sys.stderr)
        return 2
    except ServiceError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    finally:
        engine.dispose()
