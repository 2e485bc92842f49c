"""Force-wide search (issue 15): one box that finds people and things across every case, from an
index of normalised values kept in step with the case tables, and "also known elsewhere" for a
value being recorded that another case already holds."""

from rso_manager.services.search.elsewhere import known_elsewhere, shared_identifiers
from rso_manager.services.search.query import prepare, search
from rso_manager.services.search.results import CaseHit, ElsewhereHit, Match, SearchResults

__all__ = ["CaseHit", "ElsewhereHit", "Match", "SearchResults", "known_elsewhere", "prepare", "search",
           "shared_identifiers"]
