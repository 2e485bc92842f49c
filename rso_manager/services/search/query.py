"""The search box: what the text could be, looked up in the index, answered case by case.

The text is tried as every kind it could be (a number may be a phone and an IMEI; a word a
name and an online identifier): exact values through the index, names and address words
loosely (search/names.py). Cases outside the user's link to them show their reference, name and
offender manager only, and what kind of value matched; opening one takes a recorded reason
(access.open_consultation). Every search is audited with what was typed and what it found.
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from rso_manager.domain import search_terms as st
from rso_manager.domain.roles import Permission, allows
from rso_manager.persistence import models as m
from rso_manager.services import access
from rso_manager.services.errors import FieldProblem, ValidationFailed
from rso_manager.services.search import index, names
from rso_manager.services.search.results import CaseHit, Match, SearchResults
from rso_manager.services.unit_of_work import SYSTEM, Actor, Services, refusal, unit_of_work

T = m.table_of(m.SearchTerm)
_REFERENCE = re.compile(r"RSO-?\s*(\d{1,6})", re.IGNORECASE)
_EXACT_ROWS = 5000  # a value held by more cases than this is not telling anyone much
_CURRENT: weakref.WeakSet[Any] = weakref.WeakSet()  # session factories whose index is current


@dataclass(frozen=True)
class _Found:
    offender_id: int
    kind: str
    entity: str
    entity_id: int
    shown: str
    score: float


def lookups(text: str, today: date) -> list[tuple[str, str]]:
    """Every (kind, normalised value) TEXT could be, for exact lookup in the index."""
    t = text.strip()
    out: list[tuple[str, str]] = []
    phone = st.normalise_phone(t)
    if phone:
        out.append(("phone", phone))
    digits = st.normalise_imei(t)
    if digits.isdigit() and 8 <= len(digits) <= 17:
        out.append(("imei", digits))
    if st.is_postcode(t):
        out.append(("postcode", st.normalise_postcode(t)))
    compact = st.normalise_registration(t)
    if 2 <= len(compact) <= 10 and compact.isalnum() and not compact.isdigit() \
            and any(c.isdigit() for c in compact):
        out.append(("vehicle", compact))
    born = st.parse_date(t, today)
    if born is not None:
        out.append(("dob", born.isoformat()))
    if st.looks_like_pnc(t):
        out.append(("pnc", st.normalise_pnc(t)))
    if " " not in t:
        serial = st.normalise_serial(t)
        if serial and any(c.isdigit() for c in serial):
            out.append(("device", serial))
        online = st.normalise_online(t)
        if online:
            out.append(("online", online))
    return out


def _sentence(kind: str, shown: str, reference: str, detail: dict[str, Any]) -> str:
    label = st.KIND_LABELS[kind]
    past = detail.get("ended")
    what = {
        "name": f"name {shown} is the name of {reference}",
        "alias": f"alias {shown} is recorded on {reference}",
        "dob": f"date of birth {shown} is that of {reference}",
        "pnc": f"PNC number {shown} is that of {reference}",
        "address": f"{'past ' if past else ''}address {shown} is recorded on {reference}",
        "postcode": f"postcode {shown} is in {'a past' if past else 'an'} address of {reference}",
        "vehicle": f"vehicle registration {shown} is {'a past' if past else 'a'} vehicle of {reference}",
        "online": f"online identifier {shown} is recorded on {reference}",
        "associate": f"{shown} appears in a relationship of {reference}",
    }.get(kind)
    if what is not None:
        return what
    # phone, IMEI, serial: a device, declared or found
    device = "a declared device" if detail.get("declared", True) else "a device found (undeclared)"
    if detail.get("status") in ("disposed", "seized"):
        device += f", {detail['status']},"
    return f"{label} {shown} is {device} of {reference}"


def _details(s: Session, found: Iterable[_Found]) -> dict[tuple[str, int], dict[str, Any]]:
    """What a sentence says beyond the value: a past address or vehicle, an undeclared device."""
    wanted: dict[str, set[int]] = {}
    for f in found:
        if f.entity in ("address", "vehicle", "device"):
            wanted.setdefault(f.entity, set()).add(f.entity_id)
    out: dict[tuple[str, int], dict[str, Any]] = {}
    if wanted.get("address"):
        for i, to in s.execute(select(m.Address.id, m.Address.to_date)
                               .where(m.Address.id.in_(wanted["address"]))):
            out[("address", i)] = {"ended": to is not None}
    if wanted.get("vehicle"):
        for i, to in s.execute(select(m.Vehicle.id, m.Vehicle.to_date)
                               .where(m.Vehicle.id.in_(wanted["vehicle"]))):
            out[("vehicle", i)] = {"ended": to is not None}
    if wanted.get("device"):
        for i, declared, status in s.execute(select(m.Device.id, m.Device.declared, m.Device.status)
                                             .where(m.Device.id.in_(wanted["device"]))):
            out[("device", i)] = {"declared": declared, "status": status}
    return out


def ensure_current(services: Services) -> None:
    """Build the index once for a database whose index is missing or was built by an older
    release (its own transaction, audited), so searching an existing database works. Once
    current, the flushes of this release keep it so: asked once per database and process."""
    if services.session_factory in _CURRENT:
        return
    with services.session_factory() as s:
        current = index.is_current(s)
    if not current:
        with unit_of_work(services, SYSTEM) as uow:
            if not index.is_current(uow.session):  # another user's search may have built it
                rows = index.rebuild(uow.session, uow.now)
                uow.audit("search.index_rebuild",
                          details={"terms": rows, "version": index.INDEX_VERSION})
    _CURRENT.add(services.session_factory)


def prepare(services: Services, actor: Actor) -> None:
    """Make the first search quick: the index current and the names read into memory (seconds
    at 100,000 cases), done on the worker when the search box first opens, before anything is
    typed. Nothing is read out, so nothing is audited."""
    with unit_of_work(services, actor) as uow:
        uow.authorise(Permission.SEARCH)
    ensure_current(services)
    with services.session_factory() as s:
        names.names_for(services.session_factory, s)


def find(s: Session, factory: Any, text: str, today: date) -> list[_Found]:
    """Everything TEXT matches, as index rows with a score (exact values 100)."""
    out: list[_Found] = []
    reference = _REFERENCE.fullmatch(text.strip())
    if reference:
        ref = f"RSO-{int(reference.group(1)):06d}"
        for oid, surname, forenames in s.execute(
                select(m.Offender.id, m.Offender.surname, m.Offender.forenames)
                .where(m.Offender.reference == ref)):
            out.append(_Found(oid, "name", "offender", oid, f"{surname.upper()}, {forenames}", 100.0))
    pairs = lookups(text, today)
    if pairs:
        for row in s.execute(select(T.c.offender_id, T.c.kind, T.c.entity, T.c.entity_id, T.c.shown)
                             .where(or_(*[and_(T.c.kind == k, T.c.value == v) for k, v in pairs]))
                             .limit(_EXACT_ROWS)):
            out.append(_Found(row.offender_id, row.kind, row.entity, row.entity_id, row.shown, 100.0))
    district = st.postcode_district(text) if st.is_postcode_district(text) else None
    if district is not None:
        # A district ("ZZ1") is every postcode whose outward code it is: its own value range.
        for pc in s.execute(select(T.c.offender_id, T.c.entity, T.c.entity_id, T.c.shown, T.c.value)
                            .where(T.c.kind == "postcode", T.c.value >= district,
                                   T.c.value < district + "~").limit(_EXACT_ROWS)):
            if st.postcode_district(pc.value) == district:
                out.append(_Found(pc.offender_id, "postcode", pc.entity, pc.entity_id, pc.shown, 90.0))
    words = st.name_tokens(text)
    if any(w.isalpha() for w in words) and not (district is not None and len(words) == 1):
        held = names.names_for(factory, s)
        for hit in names.forget(held, names.match_names(held, words), s):
            out.append(_Found(hit.offender_id, hit.kind, hit.entity, hit.entity_id, hit.shown,
                              hit.score))
    return out


def search(services: Services, actor: Actor, text: str, *, limit: int = 50) -> SearchResults:
    """Cases across the force that TEXT finds, best first, each saying what matched; outside
    the user's link, no more than reference, name, offender manager and the kind of match."""
    query = " ".join((text or "").split())
    if len(query) < 2:
        raise ValidationFailed(FieldProblem("text", "Type at least two characters to search: a "
                                                    "name, reference, phone, plate, postcode, ..."))
    if not allows(actor.role, actor.trained, Permission.SEARCH):  # as signed in; below as it is now
        raise refusal(actor, Permission.SEARCH, None)
    ensure_current(services)
    with unit_of_work(services, actor) as uow:
        uow.authorise(Permission.SEARCH)
        s, today = uow.session, services.clock.today()
        found = find(s, services.session_factory, query, today)
        by_case: dict[int, dict[tuple[str, str, int], _Found]] = {}
        for f in found:
            held = by_case.setdefault(f.offender_id, {})
            key = (f.kind, f.entity, f.entity_id)
            if key not in held or held[key].score < f.score:
                held[key] = f
        ranked = sorted(by_case, key=lambda oid: (-max(f.score for f in by_case[oid].values()),
                                                  -len(by_case[oid]), oid))
        chosen = ranked[:limit]
        hits = _hits(s, actor, today, chosen, by_case)
        outside = [h.reference for h in hits if not h.inside_link]
        uow.audit("search", details={"text": query, "hits": len(hits), "more": len(ranked) > limit,
                                     "outside_link": outside})
        return SearchResults(query=query, hits=tuple(hits), truncated=len(ranked) > limit)


def _hits(s: Session, actor: Actor, today: date, chosen: list[int],
          by_case: dict[int, dict[tuple[str, str, int], _Found]]) -> list[CaseHit]:
    if not chosen:
        return []
    manager = m.table_of(m.User).alias("manager")
    cases = {row.id: row for row in s.execute(
        select(m.Offender.id, m.Offender.reference, m.Offender.surname, m.Offender.forenames,
               m.Offender.offender_manager_id, m.Offender.team_id, manager.c.display_name)
        .outerjoin(manager, manager.c.id == m.Offender.offender_manager_id)
        .where(m.Offender.id.in_(chosen)))}
    inside_ids = access.linked_ids(s, actor, today, cases)
    details = _details(s, (f for oid in inside_ids for f in by_case[oid].values()))
    hits = []
    for oid in chosen:
        c = cases[oid]
        inside = oid in inside_ids
        matches = sorted(by_case[oid].values(), key=lambda f: (-f.score, f.kind, f.entity_id))
        hits.append(CaseHit(
            offender_id=oid, reference=c.reference, name=f"{c.surname.upper()}, {c.forenames}",
            offender_manager=c.display_name or "Unassigned", inside_link=inside,
            score=max(f.score for f in matches),
            matches=tuple(_match(f, c.reference, inside, details) for f in matches)))
    return hits


def _match(f: _Found, reference: str, inside: bool,
           details: dict[tuple[str, int], dict[str, Any]]) -> Match:
    label = st.KIND_LABELS[f.kind]
    if not inside:
        return Match(kind=f.kind, kind_label=label, shown="", entity="", entity_id=0,
                     sentence=f"{reference} holds a matching {label} (outside your caseload: open "
                              "it with a recorded reason to see it)")
    return Match(kind=f.kind, kind_label=label, shown=f.shown, entity=f.entity,
                 entity_id=f.entity_id,
                 sentence=_sentence(f.kind, f.shown, reference, details.get((f.entity, f.entity_id), {})))
