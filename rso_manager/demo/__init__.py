"""A synthetic, fictional caseload for training, demonstrations and load testing.

Everything here is invented: names are built from made-up syllables, towns are the fictional
ones the default police station list uses, postcodes use the ZZ area (not a real UK postcode
area), phone numbers come from Ofcom's drama range and IMEIs from the GSMA test range ("00").

The same seed and the same clock give the same caseload: one random.Random(seed) drives every
choice and every date is counted back from the clock's today. Rows go in through Core bulk
inserts with primary keys assigned here, so 100,000 offenders load in minutes rather than
hours, and the whole load is one transaction with a single audit row: a half-loaded demo
database never exists.

One module for each part of the work (sign_in, invented, rows, people, breaches, events,
cases, bulk_insert, loading); callers import the names below from here.
"""

from __future__ import annotations

from rso_manager.demo.bulk_insert import SQLITE_LOAD_CACHE_KIB
from rso_manager.demo.events import VISIT_HISTORY_YEARS
from rso_manager.demo.invented import TEAMS, luhn_ok
from rso_manager.demo.loading import CHUNK, DEMO_SETTING, DemoResult, Progress, generate
from rso_manager.demo.people import CASES_PER_OFFICER, MAX_OFFICERS_PER_TEAM
from rso_manager.demo.sign_in import (
    DEMO_PASSWORD,
    DEMO_PASSWORD_HINT,
    DEMO_TOTP_SECRETS,
    demo_codes_hint,
)

__all__ = [
    "CASES_PER_OFFICER",
    "CHUNK",
    "DEMO_PASSWORD",
    "DEMO_PASSWORD_HINT",
    "DEMO_SETTING",
    "DEMO_TOTP_SECRETS",
    "DemoResult",
    "MAX_OFFICERS_PER_TEAM",
    "Progress",
    "SQLITE_LOAD_CACHE_KIB",
    "TEAMS",
    "VISIT_HISTORY_YEARS",
    "demo_codes_hint",
    "generate",
    "luhn_ok",
]
