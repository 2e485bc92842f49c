"""The whole person in the demo (issue 14): photographs, physical descriptions, vehicles,
employment and online identifiers for some of the offenders. Fictional throughout: registrations
carry the "ZZ" memory tag, which DVLA does not issue; e-mail addresses are on example.net (RFC
2606); the photographs are flat-colour silhouettes with DEMO across them
(resources/demo_photographs, drawn by scripts/make_demo_photographs.py), never a face.

Each offender's details come from a Random of their own (seeded by the offender's id), so
adding them leaves every other draw of the load, and so every other demo record, unchanged.
"""

from __future__ import annotations

import hashlib
import random
import string
from datetime import date, timedelta
from functools import cache
from importlib.resources import files
from typing import Any, Protocol

from rso_manager.domain.photograph_files import image_media_type

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
PHOTOGRAPH_FILES = tuple(f"demo_{n}.png" for n in range(1, 9))
# Photographs for some of the first few hundred cases only: enough to show in any caseload a
# demo user opens, without a 100,000-case load carrying tens of thousands of pictures.
PHOTOGRAPHED_UP_TO = 500
PHOTOGRAPHED_SHARE = 0.4


class Entries(Protocol):
    def _entry(self, table: str, offender_id: int, day: date, by: int | None, **values: Any) -> int: ...


def _registration(r: random.Random) -> str:
    letters = "".join(r.choice("ABCDEFGHJKLMNPRSTUVWXY") for _ in range(3))
    return f"ZZ{r.randint(10, 25):02d} {letters}"


@cache
def demo_photograph(name: str) -> tuple[bytes, str, str]:
    """A demo photograph's bytes, media type and SHA-256, as add_photograph would keep them."""
    data = files("resources").joinpath("demo_photographs", name).read_bytes()
    return data, image_media_type(data) or "", hashlib.sha256(data).hexdigest()


def add_photographs(rows: Entries, oid: int, om: int, released: date, today: date) -> None:
    """One photograph, some cases two (an older one kept, as several are), from a Random of
    their own: the other person details draw as they did before there were photographs."""
    if oid > PHOTOGRAPHED_UP_TO:
        return
    r = random.Random(oid * 104729 + 14)
    if r.random() >= PHOTOGRAPHED_SHARE:
        return
    span = max((today - released).days, 30)
    taken = [today - timedelta(days=r.randint(7, span))]
    if r.random() < 0.3:
        taken.append(taken[0] - timedelta(days=r.randint(180, 900)))
    for on, name in zip(sorted(taken), r.sample(PHOTOGRAPH_FILES, len(taken)), strict=True):
        image, media_type, digest = demo_photograph(name)
        rows._entry("photograph", oid, on, om, taken_on=on, media_type=media_type, image=image, sha256=digest,
                    description="Taken at the police station (demo image)." if r.random() < 0.5 else None)


def add_person_details(rows: Entries, oid: int, om: int, released: date, today: date, surname: str) -> None:
    add_photographs(rows, oid, om, released, today)
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
