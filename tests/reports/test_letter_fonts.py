"""The warning letter and the acknowledgement embed DejaVu Sans, as the compliance PDF does, so
a name outside Latin-1 prints as typed instead of as black boxes (Helvetica)."""

from datetime import UTC, date, datetime
from io import BytesIO

from pypdf import PdfReader

from rso_manager.reports.acknowledgement import acknowledgement_pdf
from rso_manager.reports.pdf_kit import FONT
from rso_manager.reports.warning_letter import warning_letter_pdf
from rso_manager.services.notifications import TakenNotification

NAME = "Łukasz ÑÚÑEZ-ØBERG"


def _fonts(pdf: bytes) -> set[str]:
    page = PdfReader(BytesIO(pdf)).pages[0]
    return {str(f["/BaseFont"]) for f in page["/Resources"]["/Font"].values()}


def _text(pdf: bytes) -> str:
    return PdfReader(BytesIO(pdf)).pages[0].extract_text()


def test_warning_letter_prints_a_non_latin_name_in_dejavu():
    pdf = warning_letter_pdf(offender_name=NAME, offender_reference="NTH-0001", date_of_birth=date(1980, 1, 1),
                             given_on=date(2026, 11, 25), given_by="Zoë Ødegård",
                             rationale="Late notification of a change of address by Łukasz.")
    text = _text(pdf)
    assert NAME in text and "Zoë Ødegård" in text and text.count("OFFICIAL-SENSITIVE") == 2
    fonts = _fonts(pdf)
    assert all(FONT in f for f in fonts), fonts  # no Helvetica left anywhere on the page


def test_acknowledgement_prints_a_non_latin_name_in_dejavu():
    taken = TakenNotification(
        (1,), 1, ("initial",), datetime(2026, 11, 25, 10, tzinfo=UTC), 1, "Northam Central Police Station",
        2, "Zoë Ødegård", True, True, False, {}, date(2026, 11, 26), False, (), date(2027, 11, 25))
    pdf = acknowledgement_pdf(taken, offender_name=NAME, offender_reference="NTH-0001",
                              station_name="Northam Central Police Station", generated_by="Zoë Ødegård",
                              generated_at=datetime(2026, 11, 25, 10, 5, tzinfo=UTC))
    text = _text(pdf)
    assert NAME in text and "Zoë Ødegård" in text
    assert all(FONT in f for f in _fonts(pdf))
