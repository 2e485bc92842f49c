"""Invented words and values: names built from made-up syllables, the fictional towns the default
police station list uses, ZZ postcodes, offences, notes, and IMEIs that pass the Luhn check; and
the mix of risk levels a caseload has (domain.md 2.2)."""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import Any

TEAMS = ("Northam", "Eastmoor", "Westvale", "Harbourside")
SURNAME_HEADS = (
    "Quill", "Bramble", "Marrow", "Thistle", "Gorse", "Pebble", "Tansy", "Sorrel", "Brindle",
    "Lantern", "Mallow", "Pipkin", "Tallow", "Umber", "Vetch", "Yarrow", "Dapple", "Ember",
    "Fiddle", "Gimble", "Hobble", "Juniper", "Larkspur", "Mossy", "Nutmeg", "Oxlip", "Puddle",
    "Quince", "Rushlight", "Saffron", "Teasel", "Wicket", "Wimble", "Zephyr", "Burdock",
    "Cobble", "Nimble", "Frumble", "Grizzle", "Huckle",
)
SURNAME_TAILS = (
    "feather", "wick", "by", "hollow", "whistle", "thorn", "bottle", "button", "mantle", "dew",
    "furrow", "sprocket", "kettle", "lark", "moth", "nook", "pinch", "quarry", "rind", "sock",
)
FORENAME_HEADS = (
    "Al", "Bran", "Cor", "Dar", "Eld", "Fen", "Gar", "Hal", "Iv", "Jor", "Kel", "Lor", "Mor",
    "Nor", "Orr", "Per", "Quen", "Ros", "Sel", "Tor", "Ul", "Vor", "Wen", "Yor", "Zan", "Ast",
)
MALE_TAILS = ("ric", "wyn", "ald", "an", "ek", "ion", "us", "ard", "mund", "o", "ias", "iel")
FEMALE_TAILS = ("a", "ia", "elle", "wen", "ine", "ette", "ys", "anna", "ie", "issa")
STREET_TYPES = ("Lane", "Road", "Close", "Street", "Avenue", "Way", "Crescent", "Court",
                "Gardens", "Terrace", "Row", "Walk")
POSTCODE_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"  # the letters the inward code actually uses
COURTS = {t: (f"{t} Crown Court", f"{t} Magistrates' Court") for t in TEAMS}

# (wording, online offence, threshold turns on the sentence (Sch 3 conditions))
SERIOUS = (
    ("Rape (Sexual Offences Act 2003 s.1)", False, False),
    ("Assault by penetration (Sexual Offences Act 2003 s.2)", False, False),
    ("Rape of a child under 13 (Sexual Offences Act 2003 s.5)", False, False),
    ("Sexual assault of a child under 13 (Sexual Offences Act 2003 s.7)", False, False),
    ("Causing or inciting a child to engage in sexual activity (Sexual Offences Act 2003 s.10)",
     True, False),
    ("Arranging or facilitating a child sex offence (Sexual Offences Act 2003 s.14)", True, False),
    ("Meeting a child following sexual grooming (Sexual Offences Act 2003 s.15)", True, False),
    ("Distributing indecent photographs of children (Protection of Children Act 1978 s.1(1)(b))",
     True, False),
)
LESSER = (
    ("Sexual assault (Sexual Offences Act 2003 s.3)", False, True),
    ("Making indecent photographs of children (Protection of Children Act 1978 s.1(1)(a))",
     True, False),
    ("Possession of indecent photographs of children (Criminal Justice Act 1988 s.160)",
     True, False),
    ("Engaging in sexual activity in the presence of a child (Sexual Offences Act 2003 s.11)",
     False, False),
    ("Exposure (Sexual Offences Act 2003 s.66)", False, True),
    ("Voyeurism (Sexual Offences Act 2003 s.67)", True, True),
    ("Abuse of position of trust: sexual activity with a child (Sexual Offences Act 2003 s.16)",
     False, True),
)
LEVELS = ("very_high", "high", "medium", "low")
LEVEL_CUMULATIVE = (0.02, 0.20, 0.50, 1.0)  # domain.md 2.2: 2% / 18% / 30% / ~50%
HIGHER = {"low": "medium", "medium": "high", "high": "very_high", "very_high": "very_high"}
BANDS = (("morning", 8, 4), ("afternoon", 12, 5), ("evening", 17, 4))  # name, first hour, hours
VISIT_NOTES = (
    "All rooms viewed. No concerns identified. Declared devices seen.",
    "Offender cooperative. Accommodation unchanged. Discussed employment and routine.",
    "Address clean and tidy. No evidence of children's items. Devices examined where present.",
    "Offender appeared low in mood; signposted to GP. No compliance concerns.",
    "Discussed new relationship; details to be verified. No other concerns.",
    "Loft and outbuilding checked. Nothing of concern found.",
    "Offender reports working night shifts; next visit to vary time band.",
)
PEOPLE_PRESENT = ("Offender only", "Offender and partner", "Offender and lodger",
                  "Offender and adult sibling", "Offender only")
PLAN_SUPERVISION = ("Home visits at the plan interval, unannounced, varied days and times.",
                    "Home visits at the plan interval; joint visits with probation while on licence.")
PLAN_MONITORING = ("Device checks at each visit; SHPO prohibitions monitored.",
                   "Annual notification and device checks; intelligence checks quarterly.",
                   "Monitoring software on internet-enabled devices; checks at each visit.")
PLAN_INTERVENTIONS = ("Completed accredited programme in custody; maintenance sessions offered.",
                      "Referred to community programme; attendance confirmed by probation.",
                      "No current intervention; motivation reviewed at each visit.")
PLAN_VICTIM = ("No contact with the victim or the victim's family; exclusion zone monitored.",
               "Victim lives outside the force area; no contact condition.",
               "No identified victim (images offence); no unsupervised contact with children.")
PLAN_CONTINGENCY = ("Any contact with children: immediate visit and referral to children's services.",
                    "Failure to be found at home twice: consider a s.96B warrant.",
                    "New device or account found: seize, report breach, review risk.")
ACTIONS = (
    ("Verify new employment details with the employer", "Employer confirmed; no access to children."),
    ("Complete ARMS review following change in circumstances", "ARMS completed; level unchanged."),
    ("Liaise with probation about licence conditions", "Conditions confirmed with probation."),
    ("Check household of new partner for children", "Partner lives alone; no children."),
    ("Install monitoring software on declared laptop", "Installed and tested."),
    ("Refer to MAPPA level review", "Reviewed at MAPPA meeting; level confirmed."),
    ("Confirm bank and passport details given at notification", "Details confirmed."),
)
NOTES = (
    "Telephone contact with offender to confirm appointment.",
    "Information from housing provider: tenancy renewed.",
    "Offender attended the station to ask about travel rules; advised.",
    "Probation update: offender engaging with supervision.",
)
INTELLIGENCE = (
    "Intelligence received that the offender has been seen near a primary school at home time.",
    "Intelligence suggests an undeclared mobile phone in use.",
    "Community report of children visiting the offender's address.",
)
MARKS = ("Tattoo of a swallow on the left hand", "Scar above the right eyebrow",
         "Tattoo of a rose on the right forearm", "Walks with a limp (left leg)",
         "Pierced left ear", None, None, None, None, None)


def luhn_digit(body: str) -> str:
    """The check digit that makes BODY + digit pass the Luhn test (as IMEIs do)."""
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch)
        if i % 2 == 0:  # doubled: the rightmost body digit sits left of the check digit
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return str((10 - total % 10) % 10)


def luhn_ok(number: str) -> bool:
    return number.isdigit() and luhn_digit(number[:-1]) == number[-1]


def pick(rng: random.Random, seq: Sequence[Any]) -> Any:
    """rng.choice without its bit-by-bit rejection sampling: about half the cost."""
    return seq[int(rng.random() * len(seq))]


def invented_surname(rng: random.Random) -> str:
    return pick(rng, SURNAME_HEADS) + pick(rng, SURNAME_TAILS)


def invented_forename(rng: random.Random, female: bool) -> str:
    return pick(rng, FORENAME_HEADS) + pick(rng, FEMALE_TAILS if female else MALE_TAILS)
