"""The one kit every PDF is built with: fonts, page furniture, escaped text, page-sized tables.

- Fonts: the standard 14 PDF fonts (Helvetica and the rest) are Latin-1 only, so a name such as
  "Łukasz Ñúñez-Øberg" printed in them comes out as black boxes. DejaVu Sans, embedded from
  resources/fonts, prints any name a record holds; render() sets it as the document's initial
  font and page_tables() as every cell's, so no page names Helvetica at all.
- Furniture: the protective marking is drawn by the canvas at the top and bottom of every page,
  never placed in the story, so no page can lose it (security R19), with "Page n of N" and an
  optional footer (who printed it, when). The canvas holds each page until the end, so N is real.
- Text: a Paragraph parses markup, so record text goes through para() or lines(), which escape
  it: a name with '<' or '&' must print as typed, not break the build.
- Tables: page_tables() gives column widths that fill the frame, repeats the header row on each
  page and splits long bodies into page-sized tables (splitting one huge table costs far more,
  design.md 10). Long listings pass plain=True: a Paragraph per cell (markup parsing, wrapping,
  drawing word by word) made a list of cases 8-10x what ReportLab needs for the same rows, so
  text cells are then plain strings broken into lines at the column's width, and cells that mix
  bold and regular lines are TextLines. deferred_tables() makes those tables one at a time as
  the pages are laid, so memory does not grow with the length of a listing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache, partial
from importlib.resources import files
from io import BytesIO
from typing import Any, TypeAlias
from xml.sax.saxutils import escape

from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, StyleSheet1, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Table, TableStyle

MARKING = "OFFICIAL-SENSITIVE"
FONT, FONT_BOLD = "DejaVuSans", "DejaVuSans-Bold"
INK = colors.HexColor("#1F2933")
MUTED = colors.HexColor("#52606D")
ROWS_PER_TABLE = 50


# --- fonts -------------------------------------------------------------------------------------


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


def paragraph_style(name: str, size: float, *, bold: bool = False, leading: float | None = None,
                    color: Any = INK, **kw: Any) -> ParagraphStyle:
    """A style set in DejaVu Sans, bullets too (ReportLab's default bullet font is Helvetica, which
    every page would then name)."""
    register_fonts()
    font = FONT_BOLD if bold else FONT
    return ParagraphStyle(name, fontName=font, bulletFontName=font, fontSize=size,
                          leading=leading or size * 1.25, textColor=color, **kw)


def drawing(width: float, height: float) -> Drawing:
    """A Drawing (a chart) that starts in DejaVu Sans: by default one starts in Helvetica, which
    every page would then name."""
    register_fonts()
    return Drawing(width, height, initialFontName=FONT)


def fit_text(text: str, font: str, size: float, width: float) -> str:
    """Shorten TEXT with an ellipsis so it never runs into the text beside it."""
    if pdfmetrics.stringWidth(text, font, size) <= width:
        return text
    while text and pdfmetrics.stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text.rstrip() + "…"


# --- text --------------------------------------------------------------------------------------


def para(text: str, style: ParagraphStyle, *, line_breaks: bool = False) -> Paragraph:
    """Record text as a Paragraph, printed as typed. LINE_BREAKS keeps its newlines (a typed
    rationale); otherwise a newline is a space, as in any Paragraph."""
    marked = escape(text)
    return Paragraph(marked.replace("\n", "<br/>") if line_breaks else marked, style)


def lines(style: ParagraphStyle, *texts: str, bold: Sequence[int] = ()) -> Paragraph:
    """Several pieces of record text on their own lines in one Paragraph (a table cell), each
    escaped; those whose index is in BOLD are set bold."""
    return Paragraph("<br/>".join(f"<b>{escape(t)}</b>" if i in bold else escape(t)
                                  for i, t in enumerate(texts)), style)


# --- the page ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    """The sheet and its margins. The marking sits above TOP and below BOTTOM, the footer line
    (who printed it, "Page n of N") just above the bottom marking."""

    side: float = 20 * mm
    top: float = 25 * mm
    bottom: float = 25 * mm
    size: tuple[float, float] = A4

    @property
    def width(self) -> float:
        return self.size[0]

    @property
    def height(self) -> float:
        return self.size[1]

    @property
    def frame_width(self) -> float:
        return self.width - 2 * self.side


# Draws a document's own running header or rules: (canvas, page number, page count).
Decorate = Callable[["NumberedCanvas", int, int], None]


class NumberedCanvas(Canvas):
    """Holds each page until the end, then draws the furniture on every one: the marking top
    and bottom, the footer, "Page n of N", and the document's own DECORATE. SECTION is what a
    SectionMark last named: the running header of a page only known once its content is laid."""

    def __init__(self, *args: Any, page: Page, footer: str = "", decorate: Decorate | None = None,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._page, self._footer, self._decorate = page, footer, decorate
        self._saved: list[dict[str, Any]] = []
        self.section: str | None = None

    def showPage(self) -> None:  # noqa: N802 - ReportLab's name
        state = dict(self.__dict__)
        # The page's drawing operators as one string rather than thousands of small ones: what
        # is held per page until the end is then about the size of the page in the PDF.
        state["_code"] = ["\n".join(self._code)]
        self._saved.append(state)
        self._startPage()

    def save(self) -> None:
        total = len(self._saved)
        for number, state in enumerate(self._saved, start=1):
            self.__dict__.update(state)
            self._furniture(number, total)
            if self._decorate is not None:
                self.saveState()
                self._decorate(self, number, total)
                self.restoreState()
            Canvas.showPage(self)
        Canvas.save(self)

    def _furniture(self, number: int, total: int) -> None:
        p = self._page
        self.saveState()
        self.setFillColor(INK)
        self.setFont(FONT_BOLD, 11)
        self.drawCentredString(p.width / 2, p.height - 10 * mm, MARKING)
        self.drawCentredString(p.width / 2, 8 * mm, MARKING)
        self.setFont(FONT, 7.5)
        self.setFillColor(MUTED)
        self.drawRightString(p.width - p.side, 14 * mm, f"Page {number} of {total}")
        if self._footer:
            self.drawString(p.side, 14 * mm, fit_text(self._footer, FONT, 7.5, p.frame_width * 0.8))
        self.restoreState()


class SectionMark(Flowable):
    """Invisible: tells the canvas which section the page is in, for a running header."""

    def __init__(self, title: str):
        super().__init__()
        self.title = title

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        self.canv.section = self.title


def render(story: list[Flowable], page: Page, *, title: str, author: str, footer: str = "",
           subject: str = MARKING, decorate: Decorate | None = None, **info: Any) -> bytes:
    """The story as PDF bytes in DejaVu Sans, every page marked and numbered. INFO: more
    document properties (creator, keywords)."""
    register_fonts()
    out = BytesIO()
    doc = SimpleDocTemplate(
        out, pagesize=page.size, leftMargin=page.side, rightMargin=page.side, topMargin=page.top,
        bottomMargin=page.bottom, title=title, author=author, subject=subject,
        initialFontName=FONT,  # else every page also names Helvetica
        **info)
    doc.build(story, canvasmaker=partial(NumberedCanvas, page=page, footer=footer, decorate=decorate))
    return out.getvalue()


# --- tables ------------------------------------------------------------------------------------

Cell: TypeAlias = "str | Flowable | Sequence[Flowable]"  # text is escaped; flowables kept


def fit_widths(widths: Sequence[float | None], frame_width: float) -> list[float]:
    """Column widths that fill FRAME_WIDTH: each None shares what the fixed ones leave. Raises
    ValueError when the fixed widths alone are wider than the frame (the table would run off
    the page)."""
    fixed = sum(w for w in widths if w is not None)
    free = [w for w in widths if w is None]
    if fixed > frame_width + 0.01 or (free and fixed >= frame_width):
        raise ValueError(f"columns of {fixed / mm:.0f} mm do not fit a frame of {frame_width / mm:.0f} mm")
    share = (frame_width - fixed) / len(free) if free else 0.0
    return [share if w is None else w for w in widths]


def _right(style: ParagraphStyle) -> ParagraphStyle:
    return ParagraphStyle(f"{style.name}_right", parent=style, alignment=TA_RIGHT)


def _cells(row: Sequence[Cell], style: ParagraphStyle, right: ParagraphStyle,
           aligned_right: Sequence[int]) -> list[Cell]:
    return [para(c, right if i in aligned_right else style) if isinstance(c, str) else c
            for i, c in enumerate(row)]


def page_tables(header: Sequence[Cell] | None, body: Sequence[Sequence[Cell]], widths: Sequence[float | None], *,
                frame_width: float, style: ParagraphStyle, header_style: ParagraphStyle | None = None,
                aligned_right: Sequence[int] = (), table_style: Callable[[range], TableStyle] | None = None,
                rows_per_table: int = ROWS_PER_TABLE, **table_kw: Any) -> list[Table]:
    """BODY (and HEADER, repeated at the top of each table and of each page a table runs onto)
    as tables of at most ROWS_PER_TABLE rows. Text cells become escaped Paragraphs in STYLE
    (HEADER_STYLE for the header), right-aligned in the columns ALIGNED_RIGHT, so they wrap
    inside their column; flowables are kept as given. WIDTHS as fit_widths(). TABLE_STYLE gives
    each table's style from the indexes of BODY it holds (zebra stripes, highlighted rows)."""
    cols = fit_widths(widths, frame_width)
    right = _right(style)
    head = None
    if header is not None:
        hs = header_style or style
        head = _cells(header, hs, _right(hs), aligned_right)
    out = []
    for start in range(0, len(body), rows_per_table):
        rows = range(start, min(start + rows_per_table, len(body)))
        data = ([head] if head else []) + [_cells(body[i], style, right, aligned_right) for i in rows]
        ts = table_style(rows) if table_style else TableStyle([])
        out.append(Table(data, colWidths=cols, repeatRows=1 if head else 0, style=_in_dejavu(ts), **table_kw))
    return out


def side_by_side(*cells: Flowable, frame_width: float, commands: Sequence[tuple[Any, ...]] = (),
                 **table_kw: Any) -> Table:
    """CELLS (charts, small tables) side by side in equal columns that fill FRAME_WIDTH, top-aligned."""
    style = TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), *commands])
    return Table([list(cells)], colWidths=fit_widths([None] * len(cells), frame_width), style=_in_dejavu(style),
                 **table_kw)


def _in_dejavu(style: TableStyle) -> TableStyle:
    style.add("FONTNAME", (0, 0), (-1, -1), FONT)  # a table sets its cells' font even around Paragraphs
    return style


# --- plain tables: long listings -------------------------------------------------------------

PLAIN_PADDING = 6.0  # ReportLab's own cell padding, when a table's style sets none


class TextLines(Flowable):
    """Short pieces of record text on their own lines in a table cell, each bold or not and each
    broken into lines at the cell's width: what lines() gives, drawn as plain strings (no markup
    parsed, so nothing to escape)."""

    def __init__(self, style: ParagraphStyle, texts: Sequence[str], bold: Sequence[int] = ()):
        super().__init__()
        self.size, self.leading, self.color = style.fontSize, style.leading, style.textColor
        self.pieces = [(" ".join(t.split()), FONT_BOLD if i in bold else FONT) for i, t in enumerate(texts)]
        self._lines: list[tuple[str, str]] = []
        self._wrapped_at: float | None = None

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        if available_width != self._wrapped_at:  # a table asks again for every layout and draw
            self._lines = [(line, font) for text, font in self.pieces
                           for line in broken(text, font, self.size, available_width)]
            self._wrapped_at = available_width
        self.width, self.height = available_width, len(self._lines) * self.leading
        return self.width, self.height

    def draw(self) -> None:
        canvas = self.canv
        canvas.setFillColor(self.color)
        y = self.height - self.size
        for line, font in self._lines:
            canvas.setFont(font, self.size)
            canvas.drawString(0, y, line)
            y -= self.leading


def broken(text: str, font: str, size: float, width: float) -> list[str]:
    """TEXT (one line, no newlines) in the lines it takes at WIDTH; most fit on one."""
    if pdfmetrics.stringWidth(text, font, size) <= width:
        return [text]
    return simpleSplit(text, font, size, width) or [""]


def _padding(style: TableStyle) -> tuple[float, float]:
    """The left and right padding STYLE gives every cell (the last command that sets it)."""
    left = right = PLAIN_PADDING
    for command in style.getCommands():
        if command[0] == "LEFTPADDING":
            left = float(command[3])
        elif command[0] == "RIGHTPADDING":
            right = float(command[3])
    return left, right


def _plain_cells(row: Sequence[Cell], fonts: Sequence[str], size: float, room: Sequence[float]) -> list[Cell]:
    # Whitespace runs as one space, as in a Paragraph; lines broken where a Paragraph breaks them.
    return ["\n".join(broken(" ".join(c.split()), fonts[i], size, room[i])) if isinstance(c, str) else c
            for i, c in enumerate(row)]


def _plain_table(head: Sequence[Cell] | None, body: Sequence[Sequence[Cell]], rows: range, cols: list[float], *,
                 style: ParagraphStyle, header_style: ParagraphStyle, aligned_right: Sequence[int],
                 table_style: Callable[[range], TableStyle] | None, bold: Sequence[int] = (),
                 **table_kw: Any) -> Table:
    """One table of BODY (the cells of the rows ROWS of the listing) under HEAD."""
    ts = _in_dejavu(table_style(rows) if table_style else TableStyle([]))
    left, right = _padding(ts)
    room = [max(1.0, w - left - right) for w in cols]
    fonts = [FONT_BOLD if c in bold else style.fontName for c in range(len(cols))]
    data = ([_plain_cells(head, [header_style.fontName] * len(cols), header_style.fontSize, room)] if head else [])
    data += [_plain_cells(row, fonts, style.fontSize, room) for row in body]
    for command in (("FONTNAME", (0, 0), (-1, -1), style.fontName), ("FONTSIZE", (0, 0), (-1, -1), style.fontSize),
                    ("LEADING", (0, 0), (-1, -1), style.leading), ("TEXTCOLOR", (0, 0), (-1, -1), style.textColor),
                    *(("ALIGN", (c, 0), (c, -1), "RIGHT") for c in aligned_right),
                    *(("FONTNAME", (c, 0), (c, -1), FONT_BOLD) for c in bold)):
        ts.add(*command)
    if head:
        for command in (("FONTNAME", (0, 0), (-1, 0), header_style.fontName),
                        ("FONTSIZE", (0, 0), (-1, 0), header_style.fontSize),
                        ("LEADING", (0, 0), (-1, 0), header_style.leading),
                        ("TEXTCOLOR", (0, 0), (-1, 0), header_style.textColor)):
            ts.add(*command)
    return Table(data, colWidths=cols, repeatRows=1 if head else 0, style=ts, **table_kw)


def plain_tables(header: Sequence[Cell] | None, body: Sequence[Sequence[Cell]], widths: Sequence[float | None], *,
                 frame_width: float, style: ParagraphStyle, header_style: ParagraphStyle | None = None,
                 aligned_right: Sequence[int] = (), table_style: Callable[[range], TableStyle] | None = None,
                 rows_per_table: int = ROWS_PER_TABLE, bold: Sequence[int] = (), **table_kw: Any) -> list[Table]:
    """page_tables() for long listings: text cells are plain strings in STYLE's font, size,
    leading and colour (bold in the columns BOLD), broken into lines at their column's width;
    flowables (TextLines, charts) are kept as given. Otherwise the arguments of page_tables()."""
    cols = fit_widths(widths, frame_width)
    chunks = (range(start, min(start + rows_per_table, len(body))) for start in range(0, len(body), rows_per_table))
    return [_plain_table(header, [body[i] for i in rows], rows, cols, style=style, header_style=header_style or style,
                         aligned_right=aligned_right, table_style=table_style, bold=bold, **table_kw)
            for rows in chunks]


class _DeferredTables(Flowable):
    """Stands in the story for the plain tables of a long listing and makes them one at a time,
    when the page they start on is being laid: it never fits, so the frame asks it to split,
    and the split is the next table (itself split to the room left) followed by the rest."""

    def __init__(self, make: Callable[[range], Table], count: int, start: int, rows_per_table: int):
        super().__init__()
        self._make, self._count, self._start, self._step = make, count, start, rows_per_table

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return available_width, available_height + 1

    def split(self, available_width: float, available_height: float) -> list[Flowable]:
        end = min(self._start + self._step, self._count)
        table = self._make(range(self._start, end))
        rest: list[Flowable] = ([_DeferredTables(self._make, self._count, end, self._step)]
                                if end < self._count else [])
        _w, height = table.wrapOn(self.canv, available_width, available_height)
        if height <= available_height:
            return [table, *rest]
        parts = table.splitOn(self.canv, available_width, available_height)
        return [*parts, *rest] if parts else []


def deferred_tables(header: Sequence[Cell] | None, body: Sequence[Any], widths: Sequence[float | None], *,
                    frame_width: float, style: ParagraphStyle, cells: Callable[[Any], Sequence[Cell]],
                    header_style: ParagraphStyle | None = None, aligned_right: Sequence[int] = (),
                    table_style: Callable[[range], TableStyle] | None = None,
                    rows_per_table: int = ROWS_PER_TABLE, **table_kw: Any) -> list[Flowable]:
    """plain_tables() of BODY, each item turned into its row by CELLS only when its table is
    laid, so neither the rows nor the tables of a listing of any length are held at once."""
    if not body:
        return []
    cols = fit_widths(widths, frame_width)

    def make(rows: range) -> Table:
        return _plain_table(header, [cells(body[i]) for i in rows], rows, cols, style=style, header_style=header_style or style,
                            aligned_right=aligned_right, table_style=table_style, **table_kw)

    return [_DeferredTables(make, len(body), 0, rows_per_table)]
