"""Also known elsewhere: a value being recorded on a case, or held by it, that other cases hold.

The inspection found new information not "assessed against existing knowledge". A form asks
known_elsewhere as the officer types (before saving), and a record shows shared_identifiers:
both read the one index, so the link shows on both records without being stored twice. Outside
the user's link a hit says only which case and what kind of value, as a search does.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, or_, select

from rso_manager.domain import search_terms as st
from rso_manager.domain.roles import Permission
from rso_manager.persistence import models as m
from rso_manager.services import access
from rso_manager.services.errors import FieldProblem, ValidationFailed
from rso_manager.services.search.results import ElsewhereHit
from rso_manager.services.unit_of_work import Actor, Services, unit_of_work

FORM_KINDS = ("address", "postcode", "phone", "imei", "device", "vehicle", "online", "associate")
_PEOPLE = ("name", "alias", "associate")
# What each kind of value is called in "This ... is also recorded on".
_CALLED = {"address": "address", "postcode": "postcode", "phone": "phone number", "imei": "IMEI",
           "device": "device serial number", "vehicle": "vehicle registration",
           "online": "online identifier", "name": "name", "alias": "name", "associate": "name"}
_MOST = 100  # hits shown for one value: beyond that it is a common value, not a link
_SHARED_KINDS = ("address", "phone", "imei", "device", "vehicle", "online")


def _wanted(kind: str, value: str) -> list[tuple[str, str]]:
    """The index values a form's VALUE of KIND is compared with."""
    v = (value or "").strip()
    if kind == "address":
        if st.is_postcode(v):
            return [("postcode", st.normalise_postcode(v))]
        return [("address", st.normalise_address(v))]
    if kind == "postcode":
        return [("postcode", st.normalise_postcode(v))]
    if kind == "phone":
        phone = st.normalise_phone(v)
        return [("phone", phone)] if phone else []
    if kind == "imei":
        return [("imei", st.normalise_imei(v))]
    if kind == "device":
        return [("device", st.normalise_serial(v))]
    if kind == "vehicle":
        return [("vehicle", st.normalise_registration(v))]
    if kind == "online":
        return [("online", st.normalise_online(v))]
    if kind == "associate":
        name = st.normalise_name(v)
        return [(k, name) for k in _PEOPLE]
    raise ValidationFailed(FieldProblem("kind", f"{kind!r} is not one of {', '.join(FORM_KINDS)}."))


def _sentence(called: str, reference: str, inside: bool, shown: str = "") -> str:
    what = f"This {called}{' ' + shown if shown else ''} is also recorded on {reference}"
    return what if inside else f"{what} (a case outside your link)"


def known_elsewhere(services: Services, actor: Actor, kind: str, value: str, *,
                    offender_id: int | None = None) -> tuple[ElsewhereHit, ...]:
    """The cases (other than OFFENDER_ID, the one being edited) that already hold VALUE, typed
    in a form's KIND of field. A value too short to mean anything finds nothing."""
    pairs = [(k, v) for k, v in _wanted(kind, value) if len(v) >= 3]
    if not pairs:
        return ()
    T = m.table_of(m.SearchTerm)
    with unit_of_work(services, actor) as uow:
        uow.authorise(Permission.SEARCH)
        s = uow.session
        same = [and_(T.c.kind == k, T.c.value == v) if k != "address" else
                # An address typed from its first line: the index holds the lines and the town.
                and_(T.c.kind == k, or_(T.c.value == v, T.c.value.startswith(v + " ", autoescape=True)))
                for k, v in pairs]
        q = (select(T.c.offender_id, T.c.kind, m.Offender.reference, m.Offender.offender_manager_id,
                    m.Offender.team_id)
             .join(m.Offender, m.Offender.id == T.c.offender_id)
             .where(or_(*same))
             .distinct().order_by(m.Offender.reference).limit(_MOST))
        if offender_id is not None:
            q = q.where(T.c.offender_id != offender_id)
        rows = s.execute(q).all()
        inside = access.linked_ids(s, actor, services.clock.today(), (r.offender_id for r in rows))
        hits: dict[int, ElsewhereHit] = {}
        for r in rows:
            if r.offender_id in hits:
                continue
            called = _CALLED[r.kind]
            hits[r.offender_id] = ElsewhereHit(
                offender_id=r.offender_id, reference=r.reference, inside_link=r.offender_id in inside,
                kind_label=st.KIND_LABELS[r.kind], sentence=_sentence(called, r.reference,
                                                                      r.offender_id in inside))
        if hits:
            uow.audit("search.elsewhere", offender_id=offender_id, details={
                "kind": kind, "text": value.strip(), "hits": [h.reference for h in hits.values()]})
        return tuple(hits.values())


def shared_identifiers(services: Services, actor: Actor, offender_id: int
                       ) -> tuple[ElsewhereHit, ...]:
    """The values on this case (addresses, phones, IMEIs, serials, plates, online identifiers;
    associates who are themselves on the register or named on another case) that other cases
    also hold: the link, seen from either record."""
    T = m.table_of(m.SearchTerm)
    with access.reading(services, actor, offender_id) as s:
        mine = s.execute(select(T.c.kind, T.c.value, T.c.shown)
                         .where(T.c.offender_id == offender_id)).all()
        # (kind, value) looked for on other cases -> this case's (kind, shown) it came from
        wanted: dict[tuple[str, str], list[tuple[str, str]]] = {}
        for kind, value, shown in mine:
            if kind in _SHARED_KINDS:
                looks = [kind]
            elif kind == "associate":
                looks = list(_PEOPLE)
            elif kind in ("name", "alias"):
                looks = ["associate"]
            else:
                continue
            for k in looks:
                wanted.setdefault((k, value), []).append((kind, shown))
        if not wanted:
            return ()
        rows: list[Any] = []
        pairs = list(wanted)
        for i in range(0, len(pairs), 200):
            rows += s.execute(
                select(T.c.kind, T.c.value, T.c.offender_id, m.Offender.reference,
                       m.Offender.offender_manager_id, m.Offender.team_id)
                .join(m.Offender, m.Offender.id == T.c.offender_id)
                .where(T.c.offender_id != offender_id,
                       or_(*[and_(T.c.kind == k, T.c.value == v) for k, v in pairs[i:i + 200]]))
                .limit(_MOST)).all()
        inside = access.linked_ids(s, actor, services.clock.today(), (r.offender_id for r in rows))
        found: dict[tuple[str, str, int], ElsewhereHit] = {}
        for r in rows:
            for kind, shown in wanted[(r.kind, r.value)]:
                key = (kind, shown, r.offender_id)
                if key not in found:
                    found[key] = ElsewhereHit(
                        offender_id=r.offender_id, reference=r.reference,
                        inside_link=r.offender_id in inside, kind_label=st.KIND_LABELS[kind],
                        sentence=_sentence(_CALLED[kind], r.reference, r.offender_id in inside, shown))
        return tuple(found[k] for k in sorted(found, key=lambda k: (k[0], k[1], found[k].reference)))[:_MOST]
