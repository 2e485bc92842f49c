"""Search terms: each searchable value of a case entry in one normal form, so the same phone,
plate, postcode or name typed another way finds it (issue 15).

The inspection found new information that could not be "assessed against existing knowledge":
"07700 900123" on one record and "+447700900123" on another must be seen as one number. Pure:
the index (services/search/index.py) stores what terms_for gives, and the query side normalises
what is typed with the same functions.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping
from datetime import date
from functools import lru_cache
from typing import Any

import phonenumbers

from rso_manager.domain import vehicle_registration

# The one IMEI form, re-exported so the search's normalisers are in one place.
from rso_manager.domain.device_identifiers import normalise_imei as normalise_imei

Term = tuple[str, str, str]  # (kind, normalised value, value as recorded)

KIND_LABELS: dict[str, str] = {
    "name": "name", "alias": "alias", "dob": "date of birth", "pnc": "PNC number",
    "address": "address", "postcode": "postcode", "phone": "phone", "imei": "IMEI",
    "device": "device serial number", "vehicle": "vehicle registration",
    "online": "online identifier", "associate": "associate",
}

# The kinds whose values are words compared loosely (misspellings, swapped forenames).
NAME_KINDS = frozenset({"name", "alias", "associate", "address"})

_APART = re.compile(r"[-‐‑‒–—'’`´.,/()]+")
_NOT_WORD = re.compile(r"[^\w\s]+")
_PHONE_CHARS = re.compile(r"[\d\s+()\-.]+")


def fold(text: str) -> str:
    """Casefolded, accents taken off (Zoë -> zoe), hyphens and apostrophes made spaces,
    single-spaced."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    plain = _NOT_WORD.sub(" ", _APART.sub(" ", plain.casefold()))
    return " ".join(plain.split())


def name_tokens(text: str) -> list[str]:
    return fold(text).split()


def normalise_name(text: str) -> str:
    """The name's words folded and sorted, so "Smith, John Paul", "john-paul SMITH" and
    "Paul John Smith" agree."""
    return " ".join(sorted(name_tokens(text)))


# phonenumbers.parse costs tens of microseconds a value, and an index rebuild sees the same
# numbers again and again (a demo load: one per device, a thousand distinct): worked out once.
@lru_cache(maxsize=8192)
def normalise_phone(text: str) -> str | None:
    """E.164 (+447700900123) when TEXT can be a phone number, read as a UK number unless it
    says otherwise; None when it cannot."""
    raw = (text or "").strip()
    if not raw or not _PHONE_CHARS.fullmatch(raw):
        return None
    digits = re.sub(r"\D", "", raw)
    if len(digits) < 7:
        return None
    if not raw.startswith("+") and digits.startswith("44") and len(digits) >= 11:
        raw = "+" + digits  # "447700900123": the country code typed without its +
    try:
        number = phonenumbers.parse(raw, "GB")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalise_registration(text: str) -> str:
    """A plate without spaces, in capitals (how two spellings of one mark compare)."""
    return vehicle_registration.compact(text)


def looks_like_registration(text: str) -> bool:
    return vehicle_registration.registration_format(text) is not None


_POSTCODE = re.compile(r"([A-Z]{1,2}[0-9][A-Z0-9]?)([0-9][A-Z]{2})")
_DISTRICT = re.compile(r"[A-Z]{1,2}[0-9][A-Z0-9]?")


def normalise_postcode(text: str) -> str:
    """Capitals, no spaces ("zz1 3ab" -> "ZZ13AB")."""
    return re.sub(r"\s+", "", text or "").upper()


def is_postcode(text: str) -> bool:
    return _POSTCODE.fullmatch(normalise_postcode(text)) is not None


def is_postcode_district(text: str) -> bool:
    return _DISTRICT.fullmatch(normalise_postcode(text)) is not None


def postcode_district(text: str) -> str | None:
    """The outward code ("ZZ1 3AB" -> "ZZ1"; "LS6" -> "LS6"); None when TEXT is neither."""
    code = normalise_postcode(text)
    whole = _POSTCODE.fullmatch(code)
    if whole:
        return whole.group(1)
    return code if _DISTRICT.fullmatch(code) else None


def normalise_serial(text: str) -> str:
    """A serial number without spaces or dashes, in capitals."""
    return re.sub(r"[\s\-]+", "", text or "").upper()


_PNC = re.compile(r"(\d{2}|\d{4})/0*(\d{1,7})([A-Z])")


def normalise_pnc(text: str) -> str:
    """A PNC ID in one form: "1998/0123456A", "98/123456a" and "98 / 123456 A" all read
    "98/123456A" (two-figure year, no leading zeros); anything else in capitals without spaces."""
    compact = re.sub(r"\s+", "", text or "").upper()
    m = _PNC.fullmatch(compact)
    if m is None:
        return compact
    return f"{m.group(1)[-2:]}/{m.group(2)}{m.group(3)}"


def looks_like_pnc(text: str) -> bool:
    return "/" in (text or "") and any(c.isdigit() for c in text) and parse_date(text, date.max) is None


_DMY = re.compile(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})")
_YMD = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")


def parse_date(text: str, today: date) -> date | None:
    """A date of birth as typed: dd/mm/yyyy, yyyy-mm-dd, d.m.yy (a two-figure year is the latest
    year ending so that is not after TODAY's year). None when TEXT is not a date."""
    t = (text or "").strip()
    m = _YMD.fullmatch(t)
    if m:
        y, mo, d = (int(g) for g in m.groups())
    else:
        m = _DMY.fullmatch(t)
        if not m:
            return None
        d, mo = int(m.group(1)), int(m.group(2))
        y = int(m.group(3))
        if len(m.group(3)) == 2:
            this_year = today.year
            y += (this_year // 100) * 100
            if y > this_year:
                y -= 100
    try:
        return date(y, mo, d)
    except ValueError:
        return None


def normalise_online(text: str) -> str:
    """An online identifier casefolded, without a leading @ ("@Jo_Bloggs" -> "jo_bloggs")."""
    return (text or "").strip().lstrip("@").strip().casefold()


def normalise_address(*parts: str | None) -> str:
    return fold(" ".join(p for p in parts if p))


def _person_name(surname: str, forenames: str) -> str:
    return f"{(surname or '').upper()}, {forenames or ''}".strip(", ")


def _offender(row: Mapping[str, Any]) -> list[Term]:
    terms: list[Term] = []
    name = normalise_name(f"{row['surname']} {row['forenames']}")
    if name:
        terms.append(("name", name, _person_name(row["surname"], row["forenames"])))
    dob = row.get("date_of_birth")
    if dob is not None:
        terms.append(("dob", dob.isoformat(), dob.strftime("%d/%m/%Y")))
    pnc = row.get("pnc_id")
    if pnc and pnc.strip():
        terms.append(("pnc", normalise_pnc(pnc), pnc.strip()))
    return terms


def _alias(row: Mapping[str, Any]) -> list[Term]:
    name = normalise_name(row["name"])
    return [("alias", name, row["name"].strip())] if name else []


def _address(row: Mapping[str, Any]) -> list[Term]:
    terms: list[Term] = []
    shown = ", ".join(p.strip() for p in (row.get("line1"), row.get("line2"), row.get("town"),
                                          row.get("postcode")) if p and p.strip())
    text = normalise_address(row.get("line1"), row.get("line2"), row.get("town"))
    if text:
        terms.append(("address", text, shown))
    postcode = normalise_postcode(row.get("postcode") or "")
    if postcode:
        terms.append(("postcode", postcode, (row.get("postcode") or "").strip().upper()))
    return terms


def _device(row: Mapping[str, Any]) -> list[Term]:
    terms: list[Term] = []
    phone = row.get("phone_number")
    if phone and phone.strip():
        terms.append(("phone", normalise_phone(phone) or re.sub(r"\D", "", phone), phone.strip()))
    imei = normalise_imei(row.get("imei") or "")
    if imei:
        terms.append(("imei", imei, (row.get("imei") or "").strip()))
    serial = normalise_serial(row.get("serial") or "")
    if serial:
        terms.append(("device", serial, (row.get("serial") or "").strip()))
    return terms


def _vehicle(row: Mapping[str, Any]) -> list[Term]:
    mark = normalise_registration(row.get("registration") or "")
    return [("vehicle", mark, vehicle_registration.normalise(row["registration"]))] if mark else []


def _online(row: Mapping[str, Any]) -> list[Term]:
    ident = normalise_online(row.get("identifier") or "")
    return [("online", ident, (row.get("identifier") or "").strip())] if ident else []


def _relationship(row: Mapping[str, Any]) -> list[Term]:
    name = normalise_name(row.get("person_name") or "")
    return [("associate", name, (row.get("person_name") or "").strip())] if name else []


# entity (table name) -> the columns its terms are made from, and how.
INDEXED: dict[str, tuple[tuple[str, ...], Callable[[Mapping[str, Any]], list[Term]]]] = {
    "offender": (("surname", "forenames", "date_of_birth", "pnc_id"), _offender),
    "alias": (("name",), _alias),
    "address": (("line1", "line2", "town", "postcode"), _address),
    "device": (("phone_number", "imei", "serial"), _device),
    "vehicle": (("registration",), _vehicle),
    "online_identifier": (("identifier",), _online),
    "relationship": (("person_name",), _relationship),
}


def terms_for(entity: str, row: Mapping[str, Any]) -> list[Term]:
    """The search terms of one entry of ENTITY (a table name), from its column values; the
    same value twice on one entry is one term."""
    _columns, make = INDEXED[entity]
    seen: set[tuple[str, str]] = set()
    out: list[Term] = []
    for kind, value, shown in make(row):
        if value and (kind, value) not in seen:
            seen.add((kind, value))
            out.append((kind, value[:240], shown[:240]))
    return out
