"""The search's normalisers: one value typed several ways is one term."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rso_manager.domain import search_terms as terms

TODAY = date(2026, 12, 1)


@pytest.mark.parametrize("typed", ["07700 900123", "+44 7700 900123", "447700900123", "+447700900123",
                                   "(07700) 900-123", "07700-900-123", "+44 (0)7700 900123"])
def test_a_uk_mobile_in_any_format_is_one_e164_number(typed):
    assert terms.normalise_phone(typed) == "+447700900123"


@pytest.mark.parametrize("typed", ["", "12345", "hello", "0770O 900123", "490154203237518x"])
def test_what_cannot_be_a_phone_number_is_none(typed):
    assert terms.normalise_phone(typed) is None


def test_a_foreign_number_keeps_its_country():
    assert terms.normalise_phone("+33 6 12 34 56 78") == "+33612345678"


@given(st.sampled_from(["7700 900", "7700 900", "77009 00"]), st.integers(0, 999))
def test_the_three_uk_spellings_agree(prefix, n):
    local = f"0{prefix}{n:03d}"
    digits = local.replace(" ", "")[1:]
    assert terms.normalise_phone(local) == terms.normalise_phone(f"+44 {digits}") == \
        terms.normalise_phone(f"44{digits}")


@pytest.mark.parametrize(("a", "b"), [
    ("Smith, John Paul", "paul john SMITH"), ("Zoë Smith-Jones", "zoe smith jones"),
    ("O'Brien Seán", "sean o brien"), ("Anne‐Marie  Lévêque", "leveque anne marie"),
])
def test_names_agree_whatever_the_order_case_accents_and_hyphens(a, b):
    assert terms.normalise_name(a) == terms.normalise_name(b)


@given(st.lists(st.text(alphabet="abcdefghijklmnopqrstuvwxyzéöñ", min_size=1, max_size=8),
                min_size=1, max_size=4), st.randoms())
def test_a_name_normalises_the_same_in_any_word_order(words, rnd):
    shuffled = list(words)
    rnd.shuffle(shuffled)
    assert terms.normalise_name(" ".join(words)) == terms.normalise_name(" ".join(shuffled).upper())


@pytest.mark.parametrize("typed", ["AB12 CDE", "ab12cde", " Ab 12 Cd E "])
def test_registrations_compare_without_spaces(typed):
    assert terms.normalise_registration(typed) == "AB12CDE"
    assert terms.looks_like_registration(typed)


def test_postcodes_and_their_districts():
    assert terms.normalise_postcode("ls6 2ab") == "LS62AB"
    assert terms.is_postcode("LS6 2AB") and terms.is_postcode("sw1a1aa") and not terms.is_postcode("LS6")
    assert terms.postcode_district("SW1A 1AA") == "SW1A" and terms.postcode_district("ls6") == "LS6"
    assert terms.postcode_district("M1 1AE") == "M1" and terms.postcode_district("hello") is None


def test_imei_and_serial():
    assert terms.normalise_imei("49-015420-323751-8") == "490154203237518"
    assert terms.normalise_serial("pf-123 45") == "PF12345"


@pytest.mark.parametrize("typed", ["1998/0123456A", "98/123456a", "98 / 123456 A", "98/0123456A"])
def test_pnc_ids_in_one_form(typed):
    assert terms.normalise_pnc(typed) == "98/123456A"
    assert terms.looks_like_pnc(typed)


@pytest.mark.parametrize(("typed", "day"), [
    ("14/03/1979", date(1979, 3, 14)), ("1979-03-14", date(1979, 3, 14)), ("14.3.79", date(1979, 3, 14)),
    ("1.2.20", date(2020, 2, 1)), ("1/2/27", date(1927, 2, 1)), ("31/02/1980", None), ("98/123456A", None),
    ("hello", None),
])
def test_dates_of_birth_as_typed(typed, day):
    assert terms.parse_date(typed, TODAY) == day


@given(st.dates(date(1900, 1, 1), TODAY))
def test_every_written_form_of_a_date_reads_back(day):
    assert terms.parse_date(day.strftime("%d/%m/%Y"), TODAY) == day
    assert terms.parse_date(day.isoformat(), TODAY) == day
    if day.year > TODAY.year - 100:
        assert terms.parse_date(f"{day.day}.{day.month}.{day.strftime('%y')}", TODAY) == day


def test_online_identifiers_fold_and_lose_a_leading_at():
    assert terms.normalise_online("@Zoe_Night") == terms.normalise_online("zoe_night") == "zoe_night"


def test_terms_for_each_entry():
    assert terms.terms_for("device", {"phone_number": "07700 900123", "imei": "49-015420-323751-8",
                                      "serial": None}) == [
        ("phone", "+447700900123", "07700 900123"), ("imei", "490154203237518", "49-015420-323751-8")]
    assert terms.terms_for("offender", {"surname": "Smith", "forenames": "Zoë", "date_of_birth": date(1979, 3, 14),
                                        "pnc_id": "1998/0123456A"}) == [
        ("name", "smith zoe", "SMITH, Zoë"), ("dob", "1979-03-14", "14/03/1979"), ("pnc", "98/123456A", "1998/0123456A")]
    assert terms.terms_for("address", {"line1": "12 Acacia Avenue", "line2": None, "town": "Leeds",
                                       "postcode": "ls6 2ab"}) == [
        ("address", "12 acacia avenue leeds", "12 Acacia Avenue, Leeds, ls6 2ab"), ("postcode", "LS62AB", "LS6 2AB")]
    assert terms.terms_for("vehicle", {"registration": "ab12cde"}) == [("vehicle", "AB12CDE", "AB12 CDE")]
    assert terms.terms_for("online_identifier", {"identifier": "@Zoe"}) == [("online", "zoe", "@Zoe")]
    assert terms.terms_for("relationship", {"person_name": "  "}) == []
