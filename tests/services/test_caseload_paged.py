"""The caseload a page at a time (issue 16): the database sorts and filters a scope too big to
bring in whole, and must list what the in-memory caseload would, in its order, on both backends."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from rso_manager.domain.roles import CaseloadScope
from rso_manager.persistence import models as m
from rso_manager.services import caseload, caseload_cover
from rso_manager.services.caseload import CASELOAD_SORTS, RISK_ORDER, CaseloadRow, OffenderDraft
from rso_manager.services.errors import PermissionDenied, ValidationFailed

# The in-memory caseload's sort rules (ui/caseload_model._SORT_VALUE), written out again.
_KEY = {
    "reference": lambda r: r.reference, "name": lambda r: r.name.casefold(),
    "date_of_birth": lambda r: r.date_of_birth, "risk": lambda r: RISK_ORDER.get(r.risk_level, 0),
    "officer": lambda r: r.offender_manager.casefold() if r.offender_manager else None,
    "team": lambda r: r.team.casefold() if r.team else None,
    "visit": lambda r: r.next_visit_due, "notification": lambda r: r.next_notification_due,
    "flags": lambda r: len(r.flags) or None,
}


def _in_memory(rows: list[CaseloadRow], sort: str, descending: bool, words=(), overdue_only=False):
    def hay(r):
        return "\n".join((r.reference, r.name, r.offender_manager or "", r.team or "", *r.flags)).casefold()
    rows = [r for r in rows if all(w in hay(r) for w in words)]
    if overdue_only:
        rows = [r for r in rows if any(f.endswith(" overdue") for f in r.flags)]
    by_name = sorted(rows, key=lambda r: r.name.casefold())
    present = [r for r in by_name if _KEY[sort](r) is not None]
    missing = [r for r in by_name if _KEY[sort](r) is None]
    present.sort(key=_KEY[sort], reverse=descending)
    return present + missing


def _paged(services, actor, scope, limit=4, **query):
    first = caseload.caseload_page(services, actor, scope, limit=limit, **query)
    rows, offset = list(first.rows), limit
    while len(rows) < first.matching:
        page = caseload.caseload_page(services, actor, scope, limit=limit, offset=offset, **query)
        assert page.matching is None and page.offset == offset and page.rows
        rows += page.rows
        offset += limit
    assert len(rows) == first.matching
    return rows


@pytest.fixture
def cases(services, world, clock):
    today = clock.today()
    names = ["Abbott", "baker", "Carter", "Dawes", "Evans-Lee", "Ffoulkes", "Green", "Hale", "Irwin", "Jones"]
    ids = []
    for i, surname in enumerate(names):
        om = world.om if i % 3 else world.om2
        ids.append(caseload.create_offender(services, world.om if om is world.om else world.om2, OffenderDraft(
            surname=surname, forenames=f"Pat{i}", date_of_birth=date(1970 + i % 4, 1, 1 + i),
            offender_manager_id=om.user_id, team_id=world.team_id if om is world.om else world.team2_id,
            mappa_level=1 + i % 3)).offender_id)
    caseload.add_address(services, world.om, ids[1], kind="home", line1="1 High Street", town="Northam",
                         postcode="ZZ1 1AA", from_date=today - timedelta(days=30))
    with services.session_factory.begin() as s:
        for n, oid in enumerate(ids):
            o = s.get(m.Offender, oid)
            o.risk_level = (None, "low", "medium", "high", "very_high")[n % 5]
            o.open_breaches = (0, 1, 2, 0, 0)[n % 5]
            o.next_visit_due = (None, today - timedelta(days=1), today, today + timedelta(days=3))[n % 4]
            o.next_notification_due = (today - timedelta(days=2), None, today + timedelta(days=9))[n % 3]
        s.get(m.Offender, ids[9]).status = "ended"  # not listed
    caseload_cover.record_caseload_cover(services, world.supervisor, world.om.user_id, world.om2.user_id,
                                         today, today + timedelta(days=7), "Annual leave")
    return ids


def test_every_sort_pages_in_the_in_memory_order(services, world, cases):
    whole = caseload.list_caseload(services, world.lead, CaseloadScope.ALL)
    assert len(whole) == 9
    for sort in CASELOAD_SORTS:
        for descending in (False, True):
            paged = _paged(services, world.lead, CaseloadScope.ALL, sort=sort, descending=descending)
            assert [r.offender_id for r in paged] == \
                [r.offender_id for r in _in_memory(whole, sort, descending)], (sort, descending)
            assert {r.offender_id: r for r in paged} == {r.offender_id: r for r in whole}


FILTERS = [
    (("abb",), False), (("pat1",), False), (("olly",), False), (("south",), False),
    (("overdue",), False), (("visit", "overdue"), False), (("open", "breach"), False),
    (("breaches",), False), (("mappa", "3"), False), (("covering",), False), (("no", "home"), False),
    (("risk",), False), ((), True), (("manager",), True), (("100%",), False), (("a_b",), False),
]


def test_the_filter_matches_what_the_in_memory_filter_matches(services, world, cases):
    # om2 covers om's caseload: "Covering for" flags, and both officers' cases in MINE.
    whole = caseload.list_caseload(services, world.om2, CaseloadScope.MINE)
    for words, overdue_only in FILTERS:
        paged = _paged(services, world.om2, CaseloadScope.MINE, words=words, overdue_only=overdue_only)
        expected = _in_memory(whole, "visit", False, words, overdue_only)
        assert [r.offender_id for r in paged] == [r.offender_id for r in expected], words
    assert _paged(services, world.om2, CaseloadScope.MINE, words=("covering",))


def test_size_and_pages_keep_to_the_scope(services, world, cases):
    assert caseload.caseload_size(services, world.lead, CaseloadScope.ALL) == 9
    assert caseload.caseload_size(services, world.om, CaseloadScope.MINE) == \
        len(caseload.list_caseload(services, world.om, CaseloadScope.MINE))
    team = _paged(services, world.supervisor, CaseloadScope.TEAM)
    assert {r.team for r in team} == {"North"}
    with pytest.raises(PermissionDenied):
        caseload.caseload_page(services, world.om, CaseloadScope.ALL)
    with pytest.raises(PermissionDenied):
        caseload.caseload_size(services, world.om, CaseloadScope.ALL)


def test_an_unknown_sort_names_the_field(services, world):
    with pytest.raises(ValidationFailed) as err:
        caseload.caseload_page(services, world.lead, CaseloadScope.ALL, sort="shoe size")
    assert "reference" in err.value.for_field("sort")
