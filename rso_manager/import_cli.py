"""`rso-manager import offenders FILE --user U`: the spreadsheet import for scripts, signed in
like `plan`, with the same preview, problems and all-or-nothing import as File > Import
offenders (services/exchange/offender_import.py; columns in docs/import-columns.md).

Kept out of cli.py, as search_cli is: cli.py registers it (add_parser) and hands it the
command's sign-in (run).
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from rso_manager.services.exchange import offender_import as imp
from rso_manager.services.unit_of_work import Actor, Services


def add_parser(sub: Any) -> None:
    p = sub.add_parser("import", help="import offenders from a CSV or Excel file (all rows or none)")
    what = p.add_subparsers(dest="import_command", required=True)
    off = what.add_parser("offenders", help="new records from a spreadsheet; columns in docs/import-columns.md")
    off.add_argument("file", help="the .csv or .xlsx file")
    off.add_argument("--user", required=True, help="your username (password from RSO_PASSWORD or a prompt)")
    off.add_argument("--dry-run", action="store_true", help="preview only: problems, duplicates, what would be made")
    off.add_argument("--confirm-duplicates", action="store_true",
                     help="import although records here may be the same people (after looking at them)")
    off.add_argument("--json", action="store_true", help="print JSON for scripting")


def run(services: Services, args: argparse.Namespace, login: Callable[[Services, str], Actor]) -> int:
    """Exit 0 imported (or a clean dry run), 2 with every problem listed and nothing imported."""
    path = Path(args.file)
    data = path.read_bytes()  # an unreadable path is an OSError: cli.py names the file
    actor = login(services, args.user)
    preview = imp.preview_import(services, actor, data, path.name)
    blocked = bool(preview.problems) or (bool(preview.duplicates) and not args.confirm_duplicates)
    result = None
    if not blocked and not args.dry_run and preview.rows:
        result = imp.import_offenders(services, actor, data, path.name,
                                      confirm_duplicates=args.confirm_duplicates)
    if args.json:
        print(json.dumps({
            "file": path.name, "encoding": preview.encoding, "rows": len(preview.rows),
            "problems": [{"row": p.row, "column": p.column, "message": p.message} for p in preview.problems],
            "possible_duplicates": [{"row": d.row, "reference": d.reference, "name": d.name, "why": d.why,
                                     "offender_manager": d.offender_manager} for d in preview.duplicates],
            "imported": list(result.references) if result else []}, indent=2, ensure_ascii=False))
    else:
        _say(preview, result, args)
    return 2 if blocked or not preview.rows else 0


def _say(preview: imp.ImportPreview, result: imp.ImportResult | None, args: argparse.Namespace) -> None:
    print(f"{preview.file_name}: read as {preview.encoding or 'nothing'}; {len(preview.rows)} row(s) to create.")
    for p in preview.problems:
        print(f"  {p.where}: {p.message}")
    for d in preview.duplicates:
        print(f"  row {d.row} may be {d.reference} {d.name} ({d.why}; offender manager {d.offender_manager})")
    if preview.problems:
        print("Nothing was imported: put the rows right and run the command again.")
    elif preview.duplicates and not args.confirm_duplicates:
        print("Nothing was imported: look at the records named, then run again with --confirm-duplicates "
              "if the rows are new people.")
    elif result is not None:
        print(f"Imported {len(result.references)} record(s): {', '.join(result.references)}. "
              "The import is recorded in the audit trail.")
    elif args.dry_run:
        print("Dry run: nothing was imported.")
