from datetime import date

from rso_manager.domain.civil_orders import Term, in_force, order_problems, requirement_problems

TODAY = date(2026, 11, 25)
MADE = date(2026, 1, 10)
SHPO = Term(MADE, None, True)


def fields(problems):
    return {p.field for p in problems}


def test_order_needs_end_or_indefinite_and_a_past_date():
    assert order_problems("SHPO", MADE, None, True, 3, TODAY) == []
    assert fields(order_problems("SHPO", MADE, None, False, None, TODAY)) == {"ends_on"}
    assert fields(order_problems("SHPO", date(2027, 1, 1), None, True, None, TODAY)) == {"made_on"}
    assert fields(order_problems("ASBO", MADE, None, True, None, TODAY)) == {"kind"}
    assert fields(order_problems("SHPO", MADE, None, True, 0, TODAY)) == {"device_notify_days"}


def test_order_minimum_duration_by_kind():
    assert "at least 5 years" in order_problems("SHPO", MADE, date(2030, 1, 10), False, None, TODAY)[0].message
    assert order_problems("SHPO", MADE, date(2031, 1, 9), False, None, TODAY) == []
    assert order_problems("SRO", MADE, date(2028, 1, 9), False, None, TODAY) == []


def test_prohibition_at_least_five_years_or_indefinite():
    ok = requirement_problems("SHPO", SHPO, "prohibition", "devices", Term(MADE, None, True), "No device without software")
    assert ok == []
    short = requirement_problems("SHPO", SHPO, "prohibition", "devices", Term(MADE, date(2029, 1, 10), False), "x")
    assert fields(short) == {"ends_on"} and "at least 5 years" in short[0].message
    assert requirement_problems("SHPO", SHPO, "prohibition", "contact", Term(MADE, date(2031, 1, 9), False), "x") == []


def test_positive_requirement_may_be_shorter():
    assert requirement_problems("SHPO", SHPO, "positive", "other", Term(MADE, date(2027, 1, 9), False), "Attend course") == []


def test_foreign_travel_at_most_five_years():
    too_long = requirement_problems("SHPO", SHPO, "prohibition", "foreign_travel", Term(MADE, date(2032, 1, 10), False), "x")
    assert fields(too_long) == {"ends_on"} and "at most 5 years" in too_long[0].message
    assert fields(requirement_problems("SHPO", SHPO, "prohibition", "foreign_travel", Term(MADE, None, True), "x")) == {"ends_on"}
    assert requirement_problems("SHPO", SHPO, "prohibition", "foreign_travel", Term(MADE, date(2031, 1, 10), False), "x") == []


def test_item_within_the_order_and_named_fields():
    fixed = Term(MADE, date(2031, 1, 10), False)
    assert fields(requirement_problems("SHPO", fixed, "prohibition", "devices", Term(date(2025, 1, 1), None, True), "x")) >= {"starts_on"}
    assert fields(requirement_problems("SHPO", fixed, "prohibition", "devices", Term(MADE, None, True), "x")) == {"ends_on"}
    assert fields(requirement_problems("SHPO", SHPO, "rule", "astrology", Term(MADE, None, True), " ")) == {"kind", "category", "text"}
    assert fields(requirement_problems("SHPO", SHPO, "positive", None, Term(MADE, date(2025, 1, 1), False), "x")) == {"ends_on"}


def test_in_force():
    assert in_force(Term(MADE, None, True), TODAY)
    assert not in_force(Term(MADE, date(2026, 6, 1), False), TODAY)
    assert not in_force(Term(date(2027, 1, 1), None, True), TODAY)
