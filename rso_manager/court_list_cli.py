"""`rso-manager court-list match FILE --user U`: a court list (CSV) matched against the court
watch for scripts, signed in like `plan`. It prints the matches proposed and records nothing:
each match is confirmed, and so recorded, only in Go > Court watch > Import court list (the
inspection's "never applied silently").

Kept out of cli.py, as search_cli is: cli.py registers it (add_parser) and hands it the
command's sign-in (run).
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from rso_manager.services.court_watch import ProposedMatch, match_court_list
from rso_manager.services.unit_of_work import Actor, Services


def add_parser(sub: Any) -> None:
    p = sub.add_parser("court-list", help="a court list (CSV) against the court watch")
    what = p.add_subparsers(dest="court_list_command", required=True)
    match = what.add_parser("match", help="print the watched people each row may be about (records nothing)")
    match.add_argument("file", help="the court list, CSV with a header row (name, dob, pnc, hearing_date, outcome...)")
    match.add_argument("--user", required=True, help="your username (password from RSO_PASSWORD or a prompt)")
    match.add_argument("--json", action="store_true", help="print JSON for scripting")


def run(services: Services, args: argparse.Namespace, login: Callable[[Services, str], Actor]) -> int:
    """Exit 0 once matched (whether or not anything fits); a bad file is a ValidationFailed that
    cli.py prints with the row and column."""
    path = Path(args.file)
    data = path.read_bytes()  # an unreadable path is an OSError: cli.py names the file
    actor = login(services, args.user)
    proposals = match_court_list(services, actor, data)
    if args.json:
        print(json.dumps({"file": path.name, "rows": [_as_json(p) for p in proposals]}, indent=2,
                         ensure_ascii=False))
        return 0
    print(f"{path.name}: {len(proposals)} row(s), {sum(1 for p in proposals if p.candidates)} with a possible "
          "match on the watch.")
    for p in proposals:
        r = p.row
        print(f"Row {r.row_number}: {r.name}, {r.hearing_on:%d/%m/%Y}, {r.outcome_text}")
        if not p.candidates:
            print("    nobody on the watch fits")
        for c in p.candidates:
            v = c.person
            case = f" ({v.offender_reference})" if v.offender_reference else ""
            print(f"    {c.score:5.1f}  {v.reference}{case} {v.name}, born {v.date_of_birth:%d/%m/%Y}: {c.reasons_text}")
    print("Nothing is recorded: confirm each match in Go > Court watch > Import court list. "
          "This match is recorded in the audit trail.")
    return 0


def _as_json(p: ProposedMatch) -> dict[str, Any]:
    r = p.row
    return {
        "row": r.row_number, "name": r.name,
        "date_of_birth": r.date_of_birth.isoformat() if r.date_of_birth else None, "pnc": r.pnc,
        "court": r.court, "hearing_date": r.hearing_on.isoformat(), "outcome": r.outcome or None,
        "candidates": [{"watch_reference": c.person.reference, "case_reference": c.person.offender_reference,
                        "name": c.person.name, "date_of_birth": c.person.date_of_birth.isoformat(),
                        "score": c.score, "reasons": list(c.reasons),
                        "hearing_on_the_watch": c.hearing_id is not None} for c in p.candidates],
    }
