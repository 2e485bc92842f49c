"""`rso-manager search TEXT`: the force-wide search for scripts, signed in like `plan`.

Kept out of cli.py so the search's command line lives with nothing else; cli.py registers it
(add_parser) and hands it the command's sign-in (run).
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from dataclasses import asdict
from typing import Any

from rso_manager.services import search
from rso_manager.services.unit_of_work import Actor, Services


def add_parser(sub: Any) -> None:
    p = sub.add_parser("search", help="search the whole force: names, aliases, dates of birth, PNC, "
                                      "addresses, postcodes, phones, IMEIs, vehicles, online identifiers")
    p.add_argument("text", nargs="+", help="what to look for (quote it or not: the words are joined)")
    p.add_argument("--user", required=True, help="your username (password from RSO_PASSWORD or a prompt)")
    p.add_argument("--limit", type=int, default=50, help="at most this many cases (default 50)")
    p.add_argument("--json", action="store_true", help="print JSON for scripting")


def run(services: Services, args: argparse.Namespace, login: Callable[[Services, str], Actor]) -> int:
    actor = login(services, args.user)
    results = search.search(services, actor, " ".join(args.text), limit=max(1, args.limit))
    if args.json:
        print(json.dumps({"query": results.query, "truncated": results.truncated,
                          "hits": [asdict(h) for h in results.hits]}, indent=2, ensure_ascii=False))
        return 0
    if not results.hits:
        print(f"Nothing found for {results.query!r}.")
        return 0
    for h in results.hits:
        where = "" if h.inside_link else "  [outside your caseload: open it with a recorded reason]"
        print(f"{h.reference}  {h.name:<32} {h.offender_manager}{where}")
        for mt in h.matches:
            print(f"    {mt.sentence}")
    if results.truncated:
        print(f"... more cases match: the best {len(results.hits)} are shown; narrow the search.")
    print("This search is recorded in the audit trail.")
    return 0
