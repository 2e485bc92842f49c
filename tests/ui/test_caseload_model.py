"""The caseload model and proxy, without a widget: sorting, filtering, display, scale."""

from __future__ import annotations

import time
from datetime import date, timedelta

import pytest
from PySide6.QtCore import Qt

from rso_manager.services.caseload import CaseloadRow
from ui.caseload_model import (
    COL_DOB,
    COL_FLAGS,
    COL_NAME,
    COL_NOTIFICATION,
    COL_RISK,
    COL_VISIT,
    OVERDUE,
    CaseloadFilterProxy,
    CaseloadModel,
    SortRole,
)

TODAY = date(2026, 11, 25)


def row(i: int, name: str, risk: str | None = "medium", visit: date | None = None,
        note: date | None = None, om: str | None = "Olly Manager", flags: tuple[str, ...] = ()) -> CaseloadRow:
    return CaseloadRow(i, f"RSO-{i:06d}", name, date(1970, 1, 1) + timedelta(days=(i * 400) % 20000), risk, om,
                       "North", visit, note, flags)


ROWS = [
    row(1, "ADAMS, Amy", "low", TODAY + timedelta(days=30)),
    row(2, "BROWN, Bob", "very_high", TODAY - timedelta(days=3), flags=("Visit overdue",)),
    row(3, "CLARKE, Cy", None, None, flags=("No risk assessment",)),
    row(4, "DAVIES, Di", "high", TODAY + timedelta(days=1), om=None),
    row(5, "EVANS, Ed", "medium", TODAY + timedelta(days=90), note=TODAY - timedelta(days=1),
        flags=("Notification overdue", "MAPPA level 2")),
]


@pytest.fixture
def models(qapp):
    model = CaseloadModel()
    model.set_rows(ROWS, TODAY)
    proxy = CaseloadFilterProxy()
    proxy.setSourceModel(model)
    return model, proxy


def names(proxy) -> list[str]:
    return [proxy.index(r, COL_NAME).data() for r in range(proxy.rowCount())]


def test_models_pass_the_model_tester(qtmodeltester, models):
    model, proxy = models
    qtmodeltester.check(model)
    qtmodeltester.check(proxy)
    proxy.set_filter_text("o")
    qtmodeltester.check(proxy)


def test_display_is_uk_dates_and_labels(models):
    model, _ = models
    assert model.index(0, COL_DOB).data() == "05/02/1971"  # 1 Jan 1970 + 400 days
    assert model.index(2, COL_RISK).data() == "Not assessed"
    assert model.index(2, COL_VISIT).data() == "Not planned"
    assert model.index(3, 4).data() == "Unallocated"
    assert model.headerData(COL_VISIT, Qt.Orientation.Horizontal) == "Next home visit due"


def test_overdue_dates_are_red_and_bold(models):
    model, _ = models
    late = model.index(1, COL_VISIT)
    assert late.data(Qt.ItemDataRole.ForegroundRole).color() == OVERDUE
    assert late.data(Qt.ItemDataRole.FontRole).bold()
    assert model.index(0, COL_VISIT).data(Qt.ItemDataRole.ForegroundRole) is None
    assert model.index(4, COL_NOTIFICATION).data(Qt.ItemDataRole.ForegroundRole).color() == OVERDUE


def test_risk_sorts_by_severity_not_alphabet(models):
    _, proxy = models
    proxy.sort(COL_RISK, Qt.SortOrder.DescendingOrder)
    assert names(proxy) == ["BROWN, Bob", "DAVIES, Di", "EVANS, Ed", "ADAMS, Amy", "CLARKE, Cy"]
    proxy.sort(COL_RISK, Qt.SortOrder.AscendingOrder)
    assert names(proxy)[0] == "CLARKE, Cy"  # not assessed is the lowest severity


def test_dates_sort_as_dates_with_blanks_last(models):
    model, proxy = models
    proxy.sort(COL_VISIT, Qt.SortOrder.AscendingOrder)
    assert names(proxy) == ["BROWN, Bob", "DAVIES, Di", "ADAMS, Amy", "EVANS, Ed", "CLARKE, Cy"]
    proxy.sort(COL_VISIT, Qt.SortOrder.DescendingOrder)
    assert names(proxy) == ["EVANS, Ed", "ADAMS, Amy", "DAVIES, Di", "BROWN, Bob", "CLARKE, Cy"]
    assert model.index(0, COL_VISIT).data(SortRole) is not None


def test_filter_is_case_insensitive_over_name_reference_officer_and_flags(models):
    model, proxy = models
    proxy.set_filter_text("brown")
    assert names(proxy) == ["BROWN, Bob"]
    proxy.set_filter_text("RSO-000004")
    assert names(proxy) == ["DAVIES, Di"]
    proxy.set_filter_text("overdue")
    assert sorted(names(proxy)) == ["BROWN, Bob", "EVANS, Ed"]
    proxy.set_filter_text("olly")
    assert proxy.rowCount() == 4  # DAVIES is unallocated
    proxy.set_filter_text("ed evans")  # every word, any order
    assert names(proxy) == ["EVANS, Ed"]
    proxy.set_filter_text("")
    assert proxy.rowCount() == model.rowCount() == 5


def test_filter_survives_sorting_and_reloading(models):
    model, proxy = models
    proxy.set_filter_text("overdue")
    proxy.sort(COL_FLAGS, Qt.SortOrder.DescendingOrder)
    assert names(proxy) == ["EVANS, Ed", "BROWN, Bob"]
    model.set_rows(ROWS[:2], TODAY)
    assert names(proxy) == ["BROWN, Bob"]


def test_hundred_thousand_rows_load_sort_and_filter_quickly(qapp):
    dates = [TODAY + timedelta(days=k) for k in range(-200, 200)]
    risks = ("low", "medium", "high", "very_high", None)
    rows = [CaseloadRow(i, f"RSO-{i:06d}", f"NAME{i % 9973}, Person", dates[i % 400], risks[i % 5],
                        "Olly Manager", "North", dates[(i * 7) % 400], None, ()) for i in range(100_000)]
    model, proxy = CaseloadModel(), CaseloadFilterProxy()
    proxy.setSourceModel(model)
    started = time.perf_counter()
    model.set_rows(rows, TODAY)
    proxy.sort(COL_VISIT, Qt.SortOrder.AscendingOrder)
    proxy.set_filter_text("name12")
    filtered = proxy.rowCount()
    proxy.set_filter_text("")
    elapsed = time.perf_counter() - started
    assert 0 < filtered < 100_000
    assert proxy.rowCount() == 100_000
    assert elapsed < 5, f"100,000 rows took {elapsed:.1f} s"


def test_overdue_only_shows_the_cases_the_service_flagged_overdue(qtmodeltester, models):
    model, proxy = models
    proxy.set_overdue_only(True)
    assert sorted(names(proxy)) == ["BROWN, Bob", "EVANS, Ed"]  # a visit, a notification
    qtmodeltester.check(proxy)
    proxy.set_filter_text("evans")  # with the filter: both must hold
    assert names(proxy) == ["EVANS, Ed"]
    model.set_rows(ROWS[:3], TODAY)  # a reload keeps the view
    proxy.set_filter_text("")
    assert names(proxy) == ["BROWN, Bob"] and proxy.overdue_only
    proxy.set_overdue_only(False)
    assert proxy.rowCount() == 3


def test_typing_on_rubbing_out_and_adding_words_shows_what_a_fresh_filter_would(qapp):
    """The filter narrows what is shown when a word is typed on, keeps each word's rows for when
    it is typed again, and tests few rows one by one: whichever way it gets there, the rows and
    their order are those a filter over every row gives (issue 16)."""
    surnames = ("SMITH", "SMYTHE", "JONES", "JOHNSON", "AMIS", "MISTRY")
    rows = [row(i, f"{surnames[i % 6]}{i % 37}, Person{i % 11}", ("low", "high", None)[i % 3],
                TODAY + timedelta(days=(i * 13) % 120 - 30), om=("Olly Manager", "Sam Smith", None)[i % 4 % 3],
                flags=(("Visit overdue",) if i % 5 == 0 else ()) + (("MAPPA level 2",) if i % 7 == 0 else ()))
            for i in range(3_000)]
    model, proxy = CaseloadModel(), CaseloadFilterProxy()
    proxy.setSourceModel(model)
    model.set_rows(rows, TODAY)

    def fresh(text: str, overdue: bool) -> list[int]:
        proxy.set_filter_text("")
        proxy.set_overdue_only(False)
        every = [model.row_at(r) for r in range(model.rowCount())]  # the sort order, unfiltered
        words = text.casefold().split()
        hay = {r.offender_id: " ".join((r.reference, r.name, r.offender_manager or "", r.team or "", *r.flags)).casefold()
               for r in every}
        return [r.offender_id for r in every if all(w in hay[r.offender_id] for w in words)
                and (not overdue or any(f.endswith(" overdue") for f in r.flags))]

    steps = ["s", "sm", "smi", "smit", "smith", "smith1", "smith", "smi", "s", "", "m", "mi", "mis",
             "mis person3", "mis person3 level", "mis person", "smith overdue", "smith overdue olly", "smi", "",
             "rso-0001", "rso-00012", "rso-0001", "no such case", "no such", "person1 person10", ""]
    for k, text in enumerate(steps):
        overdue = k % 9 in (4, 5)
        if k == 12:
            proxy.sort(COL_NAME, Qt.SortOrder.DescendingOrder)
        if k == 20:
            proxy.sort(COL_RISK, Qt.SortOrder.AscendingOrder)
        expected = fresh(text, overdue)
        proxy.set_filter_text("")  # the path a user takes: from the text before
        proxy.set_overdue_only(False)
        proxy.set_filter_text(steps[k - 1] if k else "")
        proxy.set_overdue_only((k - 1) % 9 in (4, 5) if k else False)
        proxy.set_filter_text(text)
        proxy.set_overdue_only(overdue)
        assert [model.row_at(r).offender_id for r in range(model.rowCount())] == expected, text
        assert proxy.rowCount() == len(expected)


def test_rubbing_out_a_letter_goes_back_to_the_rows_shown_for_it_without_testing_them_again(qapp, monkeypatch):
    """At 100,000 rows finding them again took 35 ms a keystroke (issue 16)."""
    from ui.caseload_model import PreparedRows

    rows = [row(i, f"{('SMITH', 'JONES', 'SMYTHE')[i % 3]}{i}, Person", visit=TODAY + timedelta(days=i % 50))
            for i in range(3_000)]
    model, proxy = CaseloadModel(), CaseloadFilterProxy()
    proxy.setSourceModel(model)
    model.set_rows(rows, TODAY)
    shown = lambda: [model.row_at(r).offender_id for r in range(model.rowCount())]  # noqa: E731
    proxy.set_filter_text("smi")
    smi = shown()
    proxy.set_filter_text("smit")
    tested: list[str] = []
    holding = PreparedRows.holding
    monkeypatch.setattr(PreparedRows, "holding", lambda self, order, word: tested.append(word) or holding(self, order, word))
    proxy.set_filter_text("smi")
    assert shown() == smi and tested == []
    proxy.sort(COL_NAME, Qt.SortOrder.DescendingOrder)  # another order: found anew, in it
    assert shown() == sorted(smi, key=lambda oid: rows[oid].name.casefold(), reverse=True) and tested == ["smi"]
