from datetime import date

import pytest

from rso_manager.domain.device_identifiers import (
    NEVER_CHECKED,
    crime_reference_problem,
    device_check_flags,
    imei_problem,
    normalise_imei,
)

PATTERN, EXAMPLE = r"^[A-Z]{2}-\d{2}-\d{6}$", "NY-26-012345"


@pytest.mark.parametrize("text", ["490154203237518", "49-015420-323751-8", "35 693803 564380 9"])
def test_valid_imei_with_separators(text):
    assert imei_problem(text) is None


def test_normalise_strips_spaces_and_dashes():
    assert normalise_imei(" 49-015420 323751-8 ") == "490154203237518"


@pytest.mark.parametrize(("text", "words"), [
    ("490154203237519", "check) digit"),
    ("4901542032375", "15 digits; this has 13"),
    ("49015420323751X", "digits only"),
    ("", "Enter the IMEI"),
])
def test_bad_imei_says_what_is_wrong(text, words):
    assert words in imei_problem(text)


def test_crime_reference_format():
    assert crime_reference_problem("ny-26-012345", PATTERN, EXAMPLE) is None  # case is normalised
    assert EXAMPLE in crime_reference_problem("NY26012345", PATTERN, EXAMPLE)
    assert "Enter" in crime_reference_problem("  ", PATTERN, EXAMPLE)
    assert "not valid" in crime_reference_problem("NY-26-012345", "([", EXAMPLE)


VISITS = [date(2026, 3, 1), date(2026, 6, 1), date(2026, 9, 1)]


def test_never_checked_stale_and_current():
    devices = [(1, date(2025, 1, 1), "active"), (2, date(2025, 1, 1), "active"),
               (3, date(2025, 1, 1), "active"), (4, date(2025, 1, 1), "seized")]
    checks = [(2, date(2026, 3, 1), "checked"),               # before the last two visits
              (3, date(2026, 6, 1), "checked"),               # at the second-last: fine
              (1, date(2026, 9, 1), "refused"),               # a refusal is not an inspection
              (2, date(2026, 9, 1), "not_seen")]
    flags = device_check_flags(devices, checks, VISITS, visits_window=2)
    assert flags == {1: NEVER_CHECKED, 2: "not checked at the last 2 home visits", 3: None, 4: None}


def test_window_is_configurable_and_needs_enough_visits():
    devices = [(1, date(2025, 1, 1), "active")]
    checks = [(1, date(2026, 6, 1), "checked")]
    assert device_check_flags(devices, checks, VISITS, visits_window=1) == {1: "not checked at the last home visit"}
    assert device_check_flags(devices, checks, VISITS, visits_window=3) == {1: None}
    assert device_check_flags(devices, checks, VISITS[:1], visits_window=2) == {1: None}


def test_device_declared_after_the_window_start_is_not_stale_yet():
    devices = [(1, date(2026, 7, 1), "active")]
    checks = [(1, date(2026, 7, 1), "checked")]
    assert device_check_flags(devices, checks, VISITS, visits_window=2) == {1: None}
