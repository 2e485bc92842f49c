"""The words for the whole person's entries (issue 14): kinds of distinguishing mark, of
occupation, and how an online identifier became known. Values are what the database holds."""

from __future__ import annotations

MARK_KINDS: dict[str, str] = {
    "scar": "Scar", "tattoo": "Tattoo", "birthmark": "Birthmark", "piercing": "Piercing", "other": "Other",
}

OCCUPATION_KINDS: dict[str, str] = {
    "employment": "Employment", "education": "Education", "volunteering": "Volunteering",
}

IDENTIFIER_SOURCES: dict[str, str] = {
    "declared": "Declared by him or her", "found": "Found (not declared)",
}

BUILDS = ("Slim", "Medium", "Stocky", "Heavy", "Muscular")
