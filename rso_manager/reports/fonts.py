"""The one font registration every PDF shares: the bundled DejaVu Sans.

The standard 14 PDF fonts (Helvetica and the rest) are Latin-1 only, so a name such as
"Łukasz Ñúñez-Øberg" printed in them comes out as black boxes. DejaVu Sans, embedded from
resources/fonts, prints any name a record holds.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from io import BytesIO

from reportlab.lib.styles import StyleSheet1, getSampleStyleSheet
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

FONT, FONT_BOLD = "DejaVuSans", "DejaVuSans-Bold"


@cache
def register_fonts() -> None:
    """Register FONT and FONT_BOLD (and their family, so <b> in a Paragraph works) once per process."""
    fonts = files("resources").joinpath("fonts")
    for name, file in ((FONT, "DejaVuSans.ttf"), (FONT_BOLD, "DejaVuSans-Bold.ttf")):
        pdfmetrics.registerFont(TTFont(name, BytesIO(fonts.joinpath(file).read_bytes())))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT_BOLD, italic=FONT, boldItalic=FONT_BOLD)


def sample_styles() -> StyleSheet1:
    """ReportLab's sample style sheet (Title, BodyText, Heading1...) set in DejaVu Sans: bold
    where the sample is bold. A new sheet each call, so a caller may change its copy."""
    register_fonts()
    sheet = getSampleStyleSheet()
    for style in sheet.byName.values():
        for attr in ("fontName", "bulletFontName"):
            if hasattr(style, attr):
                setattr(style, attr, FONT_BOLD if "Bold" in getattr(style, attr) else FONT)
    return sheet
