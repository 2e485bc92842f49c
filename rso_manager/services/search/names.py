"""Tolerant matching of names (people, aliases, associates) and address words, in memory.

The index's name-like terms are held per process, word by word: a query word finds the words
spelt like it (rapidfuzz, so "Smyth" finds "Smith" and "Jonh" finds "John") and every entry
holding all the query's words, in any order, is a match. Kept up to date cheaply: rows added
since (a higher id than any held) are read in before each search, and the rows a search finds
are checked to be there still (forget() drops those gone: a voided or corrected entry's).
"""

from __future__ import annotations

import threading
import weakref
from dataclasses import dataclass, field
from typing import Any

from rapidfuzz import fuzz, process
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from rso_manager.domain.search_terms import NAME_KINDS
from rso_manager.persistence import models as m

T = m.table_of(m.SearchTerm)
_NAME_KINDS = tuple(sorted(NAME_KINDS))


@dataclass(frozen=True)
class NameHit:
    term_id: int
    offender_id: int
    kind: str
    entity: str
    entity_id: int
    shown: str
    score: float


@dataclass
class _Names:
    max_id: int = 0
    count: int = 0
    rows: list[tuple[int, int, str, str, int, str]] = field(default_factory=list)
    words: list[int] = field(default_factory=list)  # how many words each row has
    postings: dict[str, list[int]] = field(default_factory=dict)  # word -> rows holding it
    vocabulary: list[str] = field(default_factory=list)
    gone: set[int] = field(default_factory=set)  # rows whose term is no longer in the table

    def add(self, found: Any) -> None:
        for term_id, offender_id, kind, entity, entity_id, value, shown in found:
            i = len(self.rows)
            self.rows.append((term_id, offender_id, kind, entity, entity_id, shown))
            tokens = value.split()
            self.words.append(len(tokens))
            for t in set(tokens):
                holders = self.postings.get(t)
                if holders is None:
                    self.postings[t] = [i]
                    self.vocabulary.append(t)
                else:
                    holders.append(i)
            self.max_id = max(self.max_id, term_id)
            self.count += 1


_CACHE: weakref.WeakKeyDictionary[Any, _Names] = weakref.WeakKeyDictionary()
_LOCK = threading.Lock()


_RELOAD_AFTER = 5000  # rows found gone before the whole table is read in again


def _rows(session: Session, after: int = 0) -> Any:
    return session.execute(select(T.c.id, T.c.offender_id, T.c.kind, T.c.entity, T.c.entity_id,
                                  T.c.value, T.c.shown)
                           .where(T.c.kind.in_(_NAME_KINDS), T.c.id > after)
                           .order_by(T.c.id))


def names_for(factory: sessionmaker[Session], session: Session) -> _Names:
    """The in-memory names of FACTORY's database, brought up to date with what SESSION sees."""
    with _LOCK:
        names = _CACHE.get(factory)
        if names is None or len(names.gone) > _RELOAD_AFTER:
            names = _Names()
            names.add(_rows(session))
            _CACHE[factory] = names
            return names
        max_id = session.scalar(select(func.max(T.c.id))) or 0
        if max_id > names.max_id:
            names.add(_rows(session, names.max_id))
            names.max_id = max_id
        return names


def forget(names: _Names, hits: list[NameHit], session: Session) -> list[NameHit]:
    """HITS less those whose term has left the table since it was read in (remembered, so
    later searches skip them)."""
    ids = [h.term_id for h in hits]
    shown = {h.term_id: (h.kind, h.shown) for h in hits}
    held: set[int] = set()
    for i in range(0, len(ids), 500):
        for term_id, kind, now_shown in session.execute(
                select(T.c.id, T.c.kind, T.c.shown).where(T.c.id.in_(ids[i:i + 500]))):
            if shown[term_id] == (kind, now_shown):
                held.add(term_id)
    if len(held) == len(ids):
        return hits
    with _LOCK:
        where = {row[0]: i for i, row in enumerate(names.rows)}
        names.gone.update(where[t] for t in ids if t not in held and t in where)
    return [h for h in hits if h.term_id in held]


def _close_words(word: str, names: _Names) -> dict[str, float]:
    """Words of the index spelt like WORD, with how alike (100: the same word)."""
    close: dict[str, float] = {}
    if word in names.postings:
        close[word] = 100.0
    if len(word) >= 4 and not word.isdigit():
        cutoff = 75 if len(word) <= 5 else 80
        for other, score, _i in process.extract(word, names.vocabulary, scorer=fuzz.ratio,
                                                score_cutoff=cutoff, limit=25):
            close.setdefault(other, float(score))
    if len(word) >= 3:
        # A word typed in part ("Jon" for "Jonathan") counts a little less than the whole word.
        for other in names.vocabulary:
            if other.startswith(word) and other != word:
                close.setdefault(other, 85.0)
    return close


def match_names(names: _Names, words: list[str], *, limit: int = 500) -> list[NameHit]:
    """Entries holding a word like each of WORDS, best first: the mean of how alike the words
    are, less a little for each word of the entry the query did not name."""
    if not words:
        return []
    best: dict[int, float] | None = None
    for word in dict.fromkeys(words):
        here: dict[int, float] = {}
        for other, score in _close_words(word, names).items():
            for i in names.postings[other]:
                if i in names.gone:
                    continue
                if here.get(i, -1.0) < score:
                    here[i] = score
        if best is None:
            best = here
        else:
            best = {i: s + here[i] for i, s in best.items() if i in here}
        if not best:
            return []
    assert best is not None
    n = len(dict.fromkeys(words))
    scored = sorted(((s / n - 2.0 * max(0, names.words[i] - n), i) for i, s in best.items()),
                    reverse=True)[:limit]
    out = []
    for score, i in scored:
        term_id, offender_id, kind, entity, entity_id, shown = names.rows[i]
        out.append(NameHit(term_id, offender_id, kind, entity, entity_id, shown,
                           round(max(score, 1.0), 1)))
    return out
