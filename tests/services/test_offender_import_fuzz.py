"""The import never crashes and never imports part of a file (security T5; issue 17 "What it
must show" 2): Hypothesis makes spreadsheets with ragged rows, wrong encodings, a BOM, NUL
bytes, 1 MB cells, formula-like text and impossible dates; each either imports every row or
nothing, with problems that name a row and a column."""

from __future__ import annotations

from datetime import date

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from rso_manager.persistence import models as m
from rso_manager.services.errors import ValidationFailed
from rso_manager.services.exchange import offender_import as imp

HEAD = [c.key for c in imp.COLUMNS]
names = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=0, max_size=12)
good_name = st.sampled_from(["Fakeson", "Notreal", "Zoë", "O'Fakeley", "Smith-Jones", "=SUM(A1)", "@handle"])
dates = st.one_of(
    st.dates(min_value=date(1920, 1, 1), max_value=date(2020, 12, 31)).map(lambda d: d.strftime("%d/%m/%Y")),
    st.sampled_from(["31/02/1981", "29/02/1981", "00/01/1990", "12/13/1990", "1990-02-30", "yesterday", "", "17.05.80"]))


@st.composite
def row(draw):
    cells = [draw(st.one_of(good_name, names)), draw(st.one_of(good_name, names)), draw(dates),
             draw(st.sampled_from(["om", "om", "sup", "nobody", ""])), draw(st.sampled_from(["", "North", "South"])),
             draw(st.sampled_from(["", "male", "Female", "x"])), "", draw(st.sampled_from(["", "1", "2", "4"])),
             "", draw(st.one_of(st.just(""), names))]
    damage = draw(st.sampled_from(["none"] * 5 + ["short", "long", "nul", "huge", "newline"]))
    if damage == "short":
        cells = cells[:draw(st.integers(1, len(cells) - 1))]
    elif damage == "long":
        cells += ["extra"]
    elif damage == "nul":
        cells[draw(st.integers(0, 3))] += "\x00"
    elif damage == "huge":
        cells[draw(st.integers(0, len(cells) - 1))] = "A" * 1_048_576
    elif damage == "newline":
        cells[0] += "\r\nsecond line"
    return cells


def _csv(rows: list[list[str]]) -> str:
    def quote(c: str) -> str:
        return '"' + c.replace('"', '""') + '"' if any(x in c for x in ',"\r\n') else c
    return "".join(",".join(quote(c) for c in r) + "\r\n" for r in [HEAD, *rows])


@st.composite
def spreadsheet(draw) -> bytes:
    text = _csv(draw(st.lists(row(), min_size=1, max_size=6)))
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16", "latin-1"]))
    data = text.encode(encoding, errors="replace")
    if draw(st.booleans()) and draw(st.booleans()):
        at = draw(st.integers(0, len(data)))
        data = data[:at] + draw(st.binary(min_size=1, max_size=8)) + data[at:]
    return data


def _count(services) -> int:
    with services.session_factory() as s:
        return s.scalar(select(func.count()).select_from(m.Offender))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=spreadsheet())
@example(data=b"\xef\xbb\xbf" + b"\x80surname,forenames\r\n")  # a BOM, then not UTF-8 (found by this test)
def test_an_import_is_all_or_nothing_and_never_crashes(sqlite_services, world, data):
    before = _count(sqlite_services)
    preview = imp.preview_import(sqlite_services, world.om, data, "fuzz.csv")
    for p in preview.problems:
        assert p.message and (p.row >= 0) and p.column
    try:
        result = imp.import_offenders(sqlite_services, world.om, data, "fuzz.csv", confirm_duplicates=True)
    except ValidationFailed as refused:
        assert refused.problems and all(p.field and p.message for p in refused.problems)
        assert _count(sqlite_services) == before  # nothing of a refused file
        assert not preview.can_import or preview.duplicates
        return
    assert preview.can_import
    assert len(result.references) == len(preview.rows) and _count(sqlite_services) == before + len(preview.rows)
