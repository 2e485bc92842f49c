"""The whole person in the demo (issue 14): physical descriptions, vehicles, employment and
online identifiers for some of the offenders. Fictional throughout: registrations carry the
"ZZ" memory tag, which DVLA does not issue; e-mail addresses are on example.net (RFC 2606).

Each offender's details come from a Random of their own (seeded by the offender's id), so
adding them leaves every other draw of the load, and so every other demo record, unchanged.
"""

from __future__ import annotations

import random
import string
from datetime import date, timedelta
from typing import Any, Protocol

BUILDS = ("Slim", "Medium", "Stocky", "Heavy", "Athletic")
HAIR = ("Short, brown", "Shaved", "Greying, cropped", "Long, dark, tied back", "Fair, receding")
EYES = ("Blue", "Brown", "Green", "Grey", "Hazel")
MAKES = (("Vauxhall", "Astra"), ("Ford", "Focus"), ("Volkswagen", "Golf"), ("Toyota", "Yaris"),
         ("Ford", "Transit Custom"))
COLOURS = ("Silver", "Black", "Dark blue", "White", "Red", "Grey")
EMPLOYERS = (("employment", "Northam Parcel Hub", "Warehouse operative"),
             ("employment", "Brightwell Cleaning Services", "Contract cleaner"),
             ("education", "Westvale College", "Level 2 plumbing"),
             ("volunteering", "Eastmoor Food Bank", "Driver"))
PLATFORMS = ("Snapchat", "Facebook", "Instagram", "WhatsApp", "E-mail")


class Entries(Protocol):
    def _entry(self, table: str, offender_id: int, day: date, by: int | None, **values: Any) -> int: ...


def _registration(r: random.Random) -> str:
    letters = "".join(r.choice("ABCDEFGHJKLMNPRSTUVWXY") for _ in range(3))
    return f"ZZ{r.randint(10, 25):02d} {letters}"


def add_person_details(rows: Entries, oid: int, om: int, released: date, today: date, surname: str) -> None:
    r = random.Random(oid * 7919 + 14)
    span = max((today - released).days, 30)

    def since(upto: int = span) -> date:
        return today - timedelta(days=r.randint(20, max(upto, 21)))

    if r.random() < 0.7:
        on = since(400)
        rows._entry("physical_description", oid, on, om, described_on=on, height_cm=r.randint(160, 195),
                    build=r.choice(BUILDS), hair=r.choice(HAIR), eyes=r.choice(EYES),
                    notes="Described at the home visit." if r.random() < 0.5 else None)
    if r.random() < 0.35:
        make, model = r.choice(MAKES)
        start = since()
        rows._entry("vehicle", oid, start, om, registration=_registration(r), make=make, model=model,
                    colour=r.choice(COLOURS), from_date=start, to_date=None, notified=r.random() < 0.85)
    if r.random() < 0.4:
        kind, organisation, role = r.choice(EMPLOYERS)
        start = since()
        rows._entry("occupation", oid, start, om, kind=kind, organisation=organisation, role=role,
                    address=None, from_date=start, to_date=None, notified=r.random() < 0.9)
    for _ in range(r.choice((0, 0, 1, 1, 2))):
        platform = r.choice(PLATFORMS)
        handle = surname.lower() + "".join(r.choice(string.digits) for _ in range(2))
        start = since()
        rows._entry("online_identifier", oid, start, om, platform=platform,
                    identifier=f"{handle}@example.net" if platform == "E-mail" else f"{handle}_{r.randint(1, 99)}",
                    source="declared" if r.random() < 0.8 else "found", from_date=start, to_date=None)
