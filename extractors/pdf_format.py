"""PDF files (text layer): tables as table rows, the rest as paragraphs.

Output is the same neutral form the text renderings give (see extractors/base.py):
rows in reading order, a table row's cells at their grid columns with merged-cell
continuations as '', every other piece of text as one-cell paragraph rows.

Where characters and ruling lines come from (``PdfSettings.engine`` / ``$HYOKA_PDF_ENGINE``):

* "pdfium" (default): PDFium (pypdfium2) gives each page's characters and painted paths in
  pdfplumber's shape (extractors/_pdf_pdfium.py), 3–5× faster per page than pdfminer's Python
  parsing; pdfplumber's table finder runs on those edges, and not at all on a page without
  ruling lines. A page whose text PDFium can't vouch for (a glyph missing from a font drawn
  with the machine's fonts, glyphs without a Unicode mapping, characters not upright …)
  takes its characters from pdfminer (extractors/_pdf_pdfminer.py) and keeps PDFium's edges;
  a rotated page is read by pdfplumber altogether. The rows are the same as with
  "pdfplumber" (tests/test_formats_pdf.py), except that PDFium keeps ～ and ~ as printed in a
  non-embedded Unicode-coded CID font where pdfminer's Adobe-Japan1 round trip gives 〜 and ˜.
* "pdfplumber": pdfplumber (pdfminer) for everything, as before.

Every pdfplumber page is closed once read (a page holds ≈2 MB of parsed objects until then);
``Limits.max_pages`` is checked from the page count before any page is parsed.

How the PDF is turned into rows, page by page:

* table finding once per page (ruling lines). The characters of the page are
  read once and each is given to the table cell whose grid slot holds its centre, or to
  the running text outside the tables. Cell text is assembled from those characters
  here rather than with ``Table.extract()``, so that line wraps can be told from
  paragraph breaks by geometry (below).
* Lines are re-joined into paragraphs: a line is continued by the next one when the
  next line's first word would not have fitted after it (that is why the line was
  broken), unless the next line starts a new item (「・」 bullets, 【…】 labels, ※).
  Wraps join without a space between CJK characters and digits/units, with one between
  Latin words; paragraph breaks inside a cell become "\\n".
* Spaces: a space glyph printed in the PDF is kept; a gap between characters becomes a
  space only between Latin words (gaps between CJK characters are spacing, not text).
* A table that runs onto the next page is stitched to its first part. A table first on
  the next page continues the one last on the page before when it has the same x-extent,
  or when its top rows repeat the first part's header rows — compared by their cells' text
  with all whitespace removed, whatever generator drew them and on whatever grid. Header
  rows repeated on the new page are dropped. The continuation's cells are placed on the
  first part's column grid by the header cells above them when the header repeats and
  tells every column apart (so a page drawn on a slightly different grid lands in the
  right columns), else by the x-positions of their edges (the continuation page often has
  a coarser grid). A row broken by the page break is merged back into one row.
* A number broken over two lines of a cell by a generator that wraps anywhere
  (「27,00」/「0部」) is joined without a space; the cells' padding is measured on cells
  whose text is not centred (a centred word wider than its cell sits closer to the edges).
* Pages that draw text twice for a "fake bold" effect are de-duplicated
  (pdfplumber's ``dedupe_chars``) — only those pages, as the check is cheap and the
  de-duplication is not.
* ``(cid:NN)`` glyphs (a font without a ToUnicode map) are an error: the text layer is
  unusable and the file needs OCR. Blank pages are skipped, and so are page numbers printed
  alone in the top/bottom margin; running text that goes on over a page break is one run.
* Source references: paragraphs carry page and bbox; table rows page, table (the logical,
  stitched table), row and bbox; every cell its own, a merged cell's covered slots the
  reference of the merged cell.
* Corrupt, encrypted and empty files raise ExtractionError with a one-line reason taken
  from pdfminer's exception chain.
"""

from __future__ import annotations

import bisect
import os
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from hyoka.extractors.base import ExtractionError, FormatBackend, Row, SourceText
from hyoka.extractors.limits import DEFAULT_LIMITS, LimitExceeded, Limits
from hyoka.pipeline.model import SourceRef

# ---------------------------------------------------------------- settings

ENGINES = ("pdfium", "pdfplumber")
ENGINE_VARIABLE = "HYOKA_PDF_ENGINE"


def resolve_engine(engine: str | None) -> str:
    """The engine to use: the setting, else $HYOKA_PDF_ENGINE, else "pdfium"."""
    chosen = engine or os.environ.get(ENGINE_VARIABLE, "").strip().lower() or "pdfium"
    if chosen not in ENGINES:
        raise ExtractionError(f"unknown PDF engine {chosen!r} in ${ENGINE_VARIABLE} (known: {', '.join(ENGINES)})")
    return chosen



@dataclass(frozen=True)
class PdfSettings:
    """Tunables of the PDF reading, validated on construction (sizes are in font-size units)."""

    line_tolerance: float = 0.4  # chars whose tops differ by less than this × size share a line
    latin_gap: float = 0.25  # a gap wider than this × size between Latin chars is a space
    cjk_gap: float = 1.0  # … and between CJK chars (anything narrower is spacing)
    wrap_tolerance: float = 0.5  # points: slack when deciding whether the next word would have fitted
    paragraph_gap: float = 2.0  # lines further apart than this × size are separate paragraphs
    dedupe_min_pairs: int = 3  # this many doubled chars on a page make it a "fake bold" page
    dedupe_tolerance: float = 1.0  # points: how close a doubled char is drawn
    continuation_x_tolerance: float = 3.0  # points: a table on the next page with the same x-extent continues it
    table_settings: dict[str, Any] = field(default_factory=dict)  # passed to page.find_tables()
    # where characters and ruling lines come from: "pdfium" (pypdfium2; pdfminer for the text it
    # can't reproduce) or "pdfplumber" (pdfminer throughout, 3–5× slower per page with embedded
    # fonts); None: $HYOKA_PDF_ENGINE, else "pdfium"
    engine: str | None = None
    ocr: bool = True  # pages without a text layer are read by OCR where Tesseract is installed (extractors/ocr.py)

    def __post_init__(self) -> None:
        if self.engine is not None and self.engine not in ENGINES:
            raise ValueError(f"PdfSettings.engine must be one of {', '.join(ENGINES)} or None, not {self.engine!r}")
        for name in ("line_tolerance", "latin_gap", "cjk_gap", "wrap_tolerance", "paragraph_gap",
                     "dedupe_tolerance", "continuation_x_tolerance"):
            value = getattr(self, name)
            if not isinstance(value, (int, float)) or value < 0:
                raise ValueError(f"PdfSettings.{name} must be a number >= 0, not {value!r}")
        if not isinstance(self.dedupe_min_pairs, int) or self.dedupe_min_pairs < 1:
            raise ValueError(f"PdfSettings.dedupe_min_pairs must be an int >= 1, not {self.dedupe_min_pairs!r}")
        if self.table_settings:
            from pdfplumber.table import TableSettings

            try:
                TableSettings.resolve(self.table_settings)  # pdfplumber's own checks
            except (TypeError, ValueError) as exc:
                raise ValueError(f"PdfSettings.table_settings: {exc}") from exc


# ---------------------------------------------------------------- characters

_CJK_RANGES = (
    (0x2E80, 0x2FDF), (0x3000, 0x30FF), (0x3190, 0x31FF), (0x3400, 0x4DBF), (0x4E00, 0x9FFF),
    (0xF900, 0xFAFF), (0xFE30, 0xFE4F), (0xFF01, 0xFF0F), (0xFF1A, 0xFF20), (0xFF3B, 0xFF40),
    (0xFF5B, 0xFFEF), (0x20000, 0x2FA1F),
)


@lru_cache(maxsize=8192)
def _is_cjk(ch: str) -> bool:
    o = ord(ch)
    if o < 0x2E80:
        return False
    return any(lo <= o <= hi for lo, hi in _CJK_RANGES)


# Characters that may not start a line (JIS X 4051 "gyoto kinsoku", LibreOffice/Word defaults):
# a word processor pushes the character before them down with them.
NO_LINE_START = set(
    "!%),.:;?]}¢°’”‰′″℃、。々〉》」』】〕〗〙〟゛゜ゝゞ・ヽヾ！％），．：；？］｝｡｣､･ｰﾞﾟ￠"
    "ぁぃぅぇぉっゃゅょゎゕゖァィゥェォッャュョヮヵヶㇰㇱㇲㇳㇴㇵㇶㇷㇸㇹㇺㇻㇼㇽㇾㇿー"
)
# … and that may not end one (opening brackets).
NO_LINE_END = set("([{‘“〈《「『【〔〖〘〝（［｛｢")
# Characters that may hang past the right margin (closing punctuation).
HANGING = set("、。，．,.")
# A line starting with one of these begins a new paragraph (bullets, notes) …
ITEM_START = set("・･•●■◆※")
# … and so does a line that is a 【…】 label on its own or before a bullet (「【取組1】」, not the
# 「【新規事業】」 mark wrapped inside a name), or a short label with a colon (「課題：…」).
_LABEL_LINE = re.compile(r"^(?:【[^】。]{1,30}】\s*(?:$|[・･•])|[^\x00-\x7f\s、。：()（）]{1,8}[：:])")
_PAGE_NUMBER = re.compile(r"^[-－―‐—\s]*(?:p\.?\s*)?\d{1,4}(?:\s*/\s*\d{1,4})?[-－―‐—\s]*$", re.I)
_CID = re.compile(r"\(cid:\d+\)")
_COLUMN_GAP = 0.55  # gap between two words, in font sizes, from which it is a column boundary (a word space is ~0.25–0.35)


@dataclass
class _Line:
    text: str
    x0: float
    x1: float  # end of the last printed (non-space) character
    top: float
    bottom: float
    size: float
    first_word: float  # width of the first unbreakable piece (a word, or a CJK char + what can't start a line)
    trailing_space: bool  # the line ends with a printed space
    leading_space: bool = False  # … or starts with one
    page: int = 0


def _group_lines(chars: list[dict], settings: PdfSettings) -> list[_Line]:
    """Characters → visual lines, top to bottom, each left to right."""
    if not chars:
        return []
    chars = sorted(chars, key=lambda c: (c["top"], c["x0"]))
    groups: list[list[dict]] = []
    current: list[dict] = []
    line_top = 0.0
    for c in chars:
        if current and abs(c["top"] - line_top) <= settings.line_tolerance * max(c["size"], 1.0):
            current.append(c)
        else:
            if current:
                groups.append(current)
            current, line_top = [c], c["top"]
    groups.append(current)
    lines = []
    for group in groups:
        group.sort(key=lambda c: c["x0"])
        line = _make_line(group, settings)
        if line is not None:
            lines.append(line)
    return lines


def _make_line(chars: list[dict], settings: PdfSettings) -> _Line | None:
    printed = [c for c in chars if c["text"] and not c["text"].isspace()]
    if not printed:
        return None
    # Space glyphs count only where they sit in a gap between printed characters: word
    # processors also emit stray spaces overlapping the text (e.g. around underlined runs).
    spaces = [(c["x0"], c["x1"]) for c in chars if c["text"] and c["text"].isspace()]
    out: list[str] = [printed[0]["text"]]
    spaced: list[bool] = []  # after printed[i]: a space (a break opportunity)
    for prev, c in zip(printed, printed[1:]):
        gap = c["x0"] - prev["x1"]
        size = max(c["size"], prev["size"], 1.0)
        space = False
        if gap > settings.latin_gap * 0.6 * size:
            latin = not _is_cjk(prev["text"][-1]) and not _is_cjk(c["text"][0])
            # a gap next to CJK text without a space glyph in it is spacing, not a space
            space = (gap > settings.cjk_gap * size
                     or (latin and gap > settings.latin_gap * size)
                     or any(x0 >= prev["x1"] - 0.5 and x1 <= c["x0"] + 0.5 for x0, x1 in spaces))
        if space:
            # a gap of several characters is a column boundary in a table drawn without lines:
            # two spaces, which the generic reader splits on (extractors/_grid.py), one space elsewhere
            out.append("  " if gap > _COLUMN_GAP * size else " ")
        out.append(c["text"])
        spaced.append(space)
    first, last = printed[0], printed[-1]
    return _Line(
        text="".join(out),
        x0=first["x0"],
        x1=last["x1"],
        top=min(c["top"] for c in printed),
        bottom=max(c["bottom"] for c in printed),
        size=max(c["size"] for c in printed),
        first_word=_first_word_width(printed, spaced),
        trailing_space=any(abs(x0 - last["x1"]) <= 0.5 for x0, _x1 in spaces),
        leading_space=any(abs(x1 - first["x0"]) <= 0.5 for _x0, x1 in spaces),
    )


def _no_break(p: str, t: str) -> bool:
    """No line-break opportunity between characters p and t (as word processors break Japanese text)."""
    if t in NO_LINE_START or p in NO_LINE_END:
        return True
    p_cjk, t_cjk = _is_cjk(p), _is_cjk(t)
    if not p_cjk:
        return True  # inside a Latin word or number, and a number stays with its unit (「1回」)
    # after closing punctuation a Latin word is kept with it (「祭、TOKYO」)
    return not t_cjk and p in NO_LINE_START


def _first_word_width(printed: list[dict], spaced: list[bool]) -> float:
    """Width of the first unbreakable piece of a line: what a line breaker would have had
    to fit on the line before for the break not to be needed."""
    first = printed[0]
    end = first["x1"]
    for i, (prev, c) in enumerate(zip(printed, printed[1:])):
        if spaced[i] or not _no_break(prev["text"][-1], c["text"][0]):
            break
        end = c["x1"]
    return end - first["x0"]


def _is_item_start(text: str) -> bool:
    return bool(text) and (text[0] in ITEM_START or _LABEL_LINE.match(text) is not None)


def _wrap_joiner(a: _Line, b: _Line) -> str:
    """What goes between two visual lines of one paragraph."""
    if a.trailing_space or b.leading_space:
        return " "
    last, first = a.text[-1], b.text[0]
    if first.isdigit() and (last.isdigit() or last in ",."):
        return ""  # a number broken by a generator that wraps anywhere (「27,00」+「0部」): one number
    return " " if not _is_cjk(last) and not _is_cjk(first) and last not in "([{/-" else ""


def _needed(a: _Line, b: _Line) -> float:
    """Width b's first word would have needed on a's line (with a space between Latin words)."""
    a_cjk, b_cjk = _is_cjk(a.text[-1]), _is_cjk(b.text[0])
    if not a_cjk and not b_cjk:
        space = 0.25 * b.size  # the space between two words
    elif a_cjk != b_cjk:
        space = 0.2 * b.size  # the spacing word processors put between CJK and Latin text
    else:
        space = 0.0
    return space + b.first_word


def _join_lines(lines: list[_Line], fits, settings: PdfSettings) -> list[tuple[str, list[_Line]]]:
    """Lines → paragraphs: (text, lines). `fits(a, b)` says whether b's first word fitted after a."""
    paragraphs: list[tuple[list[str], list[_Line]]] = []
    for line in lines:
        if paragraphs:
            parts, members = paragraphs[-1]
            a = members[-1]
            if (not _is_item_start(line.text)
                    and abs(line.size - a.size) <= 0.5
                    and line.top - a.top <= settings.paragraph_gap * max(a.size, 1.0)
                    and not fits(a, line)):
                parts.append(_wrap_joiner(a, line))
                parts.append(line.text)
                members.append(line)
                continue
        paragraphs.append(([line.text], [line]))
    return [("".join(parts), members) for parts, members in paragraphs]


# ---------------------------------------------------------------- tables


@dataclass
class _Cell:
    bbox: tuple[float, float, float, float]
    page: int
    chars: list[dict] = field(default_factory=list)
    lines: list[_Line] | None = None
    extra: list[tuple[list[_Line], float]] = field(default_factory=list)  # continued on a later page
    width: float = 0.0  # text width available (cell width minus padding)

    @property
    def ref_bbox(self) -> tuple[float, float, float, float]:
        return tuple(round(v, 2) for v in self.bbox)  # type: ignore[return-value]


@dataclass
class _TableRow:
    page: int
    bbox: tuple[float, float, float, float]
    slots: list[_Cell]  # one per grid column; a merged cell appears at every slot it covers
    origin: list[bool]  # True where the slot is the cell's own (top-left) slot


@dataclass
class _Table:
    page: int
    bbox: tuple[float, float, float, float]
    xs: list[float]  # left edges of the grid columns
    x1: float
    rows: list[_TableRow]
    pad: float = 0.0  # the cells' left/right padding, as measured

    @property
    def ncols(self) -> int:
        return len(self.xs)


def _build_table(table, page_no: int) -> _Table:
    """pdfplumber's Table → grid of _Cell slots (merged cells shared by the slots they cover)."""
    cells = table.cells
    xs = sorted({c[0] for c in cells})
    tops = sorted({c[1] for c in cells})
    x_index = {x: i for i, x in enumerate(xs)}
    y_index = {y: i for i, y in enumerate(tops)}
    grid: list[list[_Cell | None]] = [[None] * len(xs) for _ in tops]
    origin = [[False] * len(xs) for _ in tops]
    for bbox in cells:
        r, c = y_index[bbox[1]], x_index[bbox[0]]
        cell = _Cell(bbox=tuple(bbox), page=page_no)
        # the cell covers every slot whose left/top edge lies inside it
        r_end = bisect.bisect_left(tops, bbox[3] - 0.01)
        c_end = bisect.bisect_left(xs, bbox[2] - 0.01)
        for rr in range(r, max(r_end, r + 1)):
            for cc in range(c, max(c_end, c + 1)):
                if grid[rr][cc] is None or (rr, cc) == (r, c):
                    grid[rr][cc] = cell
        origin[r][c] = True
    x1 = table.bbox[2]
    rows = []
    bottoms = tops[1:] + [table.bbox[3]]
    for r, top in enumerate(tops):
        slots = []
        for c in range(len(xs)):
            cell = grid[r][c]
            if cell is None:  # no ruling around this slot: an empty cell of its own
                right = xs[c + 1] if c + 1 < len(xs) else x1
                cell = _Cell(bbox=(xs[c], top, right, bottoms[r]), page=page_no)
                grid[r][c] = cell
                origin[r][c] = True
            slots.append(cell)
        rows.append(_TableRow(page=page_no, bbox=(table.bbox[0], top, x1, bottoms[r]), slots=slots,
                              origin=origin[r]))
    return _Table(page=page_no, bbox=tuple(table.bbox), xs=xs, x1=x1, rows=rows)


def _assign_chars(t: _Table, chars: list[dict]) -> None:
    tops = [row.bbox[1] for row in t.rows]
    for ch in chars:
        cx = (ch["x0"] + ch["x1"]) / 2
        cy = (ch["top"] + ch["bottom"]) / 2
        r = bisect.bisect_right(tops, cy) - 1
        c = bisect.bisect_right(t.xs, cx) - 1
        if r < 0 or c < 0:
            continue
        t.rows[r].slots[c].chars.append(ch)


def _cells_of(t: _Table):
    seen: set[int] = set()
    for row in t.rows:
        for cell in row.slots:
            if id(cell) not in seen:
                seen.add(id(cell))
                yield cell


def _layout_cells(t: _Table, settings: PdfSettings) -> None:
    """Chars → lines per cell; the table's cell padding from how far text sits from the left edges."""
    pads, centred = [], []
    for cell in _cells_of(t):
        cell.lines = _group_lines(cell.chars, settings)
        cell.chars = []
        if cell.lines:
            left = min(line.x0 for line in cell.lines) - cell.bbox[0]
            right = cell.bbox[2] - max(line.x1 for line in cell.lines)
            # centred text as wide as (or wider than: a word that may not be broken) its cell
            # sits closer to the edges than the padding: it says nothing about the padding
            (centred if abs(left - right) <= 1.0 else pads).append(left)
    pads = pads or centred
    t.pad = max(0.0, min(pads)) if pads else 0.0
    for cell in _cells_of(t):
        cell.width = cell.bbox[2] - cell.bbox[0] - 2 * t.pad


def _cell_text(cell: _Cell, settings: PdfSettings) -> str:
    parts: list[tuple[list[_Line], float]] = [(cell.lines or [], cell.width)] + cell.extra
    lines: list[_Line] = []
    widths: dict[int, float] = {}
    for part_lines, width in parts:
        for line in part_lines:
            widths[id(line)] = width
            lines.append(line)
    if not lines:
        return ""

    def fits(a: _Line, b: _Line) -> bool:
        return (a.x1 - a.x0) + _needed(a, b) <= widths[id(a)] - settings.wrap_tolerance

    return "\n".join(text for text, _members in _join_lines(lines, fits, settings))


def _map_columns(first: _Table, cont: _Table, tol: float) -> list[list[tuple[_Cell | None, int, bool]]]:
    """The continuation's rows on the first part's grid: per row, per first-part column,
    (cell, its column in `cont`, is-origin). Columns are matched by the x of cell edges."""

    def col_of(x: float) -> int:
        i = bisect.bisect_left(first.xs, x - tol)
        if i < len(first.xs) and abs(first.xs[i] - x) <= tol:
            return i
        # no edge there on the first part's grid: the column the x falls in
        return max(0, bisect.bisect_right(first.xs, x) - 1)

    mapped = []
    for row in cont.rows:
        out: list[tuple[_Cell | None, int, bool]] = [(None, -1, False)] * first.ncols
        for c, cell in enumerate(row.slots):
            if not row.origin[c] and c > 0 and row.slots[c - 1] is cell:
                continue  # spanned slot: handled with its origin
            start = col_of(cont.xs[c])
            end = bisect.bisect_left(first.xs, cell.bbox[2] - tol) - 1  # the last column starting inside it
            for k in range(start, max(end, start) + 1):
                out[k] = (cell, c, row.origin[c] and k == start)
        mapped.append(out)
    return mapped


# ---------------------------------------------------------------- the backend


@dataclass
class _Block:
    """A page item in reading order: a table (part) or a run of outside-table lines."""

    page: int
    top: float
    table: _Table | None = None
    lines: list[_Line] | None = None
    last_page: int = 0  # the page it ends on, once continued

    def __post_init__(self) -> None:
        self.last_page = self.last_page or self.page


@dataclass
class _Page:
    """One page as the backend needs it, whichever engine read it."""

    number: int
    width: float
    height: float
    chars: list[dict]
    find_tables: Any  # () -> list of pdfplumber-style tables (.cells, .bbox)


def _plumber_page(page, number: int, settings: PdfSettings) -> _Page:
    ts = settings.table_settings or None
    return _Page(number=number, width=page.width, height=page.height, chars=page.chars,
                 find_tables=lambda: page.find_tables(ts) if ts else page.find_tables())


def _pdfium_page(content, settings: PdfSettings) -> _Page:
    def find_tables() -> list:
        if not any(e["orientation"] in ("h", "v") for e in content.edges):
            return []  # no ruling lines on the page: nothing for the table finder to find
        from pdfplumber.table import TableSettings

        return _table_finder()(content, TableSettings.resolve(settings.table_settings or None)).tables

    return _Page(number=content.number, width=content.width, height=content.height, chars=content.chars,
                 find_tables=find_tables)


def intersections_to_cells(intersections: dict) -> list[tuple[float, float, float, float]]:
    """pdfplumber's ``table.intersections_to_cells``, the same cells in the same order, without
    its quadratic parts: for every point it copied all later points and re-built the sets of
    edges of both points for every pair it compared (a third of the time of a ruled page)."""
    from pdfplumber.utils import obj_to_bbox

    v = {p: {obj_to_bbox(e) for e in edges["v"]} for p, edges in intersections.items()}
    h = {p: {obj_to_bbox(e) for e in edges["h"]} for p, edges in intersections.items()}
    same_x: dict[float, list] = {}
    same_y: dict[float, list] = {}
    for p in sorted(intersections):  # so each list is in pdfplumber's order: by y, by x
        same_x.setdefault(p[0], []).append(p)
        same_y.setdefault(p[1], []).append(p)
    cells = []
    for column in same_x.values():
        for k, pt in enumerate(column):
            row = same_y[pt[1]]
            right = row[row.index(pt) + 1:]
            cell = _smallest_cell(pt, column[k + 1:], right, v, h)
            if cell:
                cells.append(cell)
    return cells


def _smallest_cell(pt, below, right, v, h):
    for below_pt in below:
        if v[pt].isdisjoint(v[below_pt]):
            continue
        for right_pt in right:
            if h[pt].isdisjoint(h[right_pt]):
                continue
            corner = (right_pt[0], below_pt[1])
            if corner in v and not v[corner].isdisjoint(v[right_pt]) and not h[corner].isdisjoint(h[below_pt]):
                return (pt[0], pt[1], corner[0], corner[1])
    return None


_FINDER = None


def _table_finder():
    """pdfplumber's TableFinder with the cell step above (built once: pdfplumber imports lazily)."""
    global _FINDER
    if _FINDER is None:
        from pdfplumber.table import Table, TableFinder, cells_to_tables, edges_to_intersections

        class _Finder(TableFinder):
            def __init__(self, page, settings) -> None:  # TableFinder.__init__ with our cell step
                self.page, self.settings = page, settings
                self.edges = self.get_edges()
                self.intersections = edges_to_intersections(self.edges, settings.intersection_x_tolerance,
                                                            settings.intersection_y_tolerance)
                self.cells = intersections_to_cells(self.intersections)
                self.tables = [Table(self.page, group) for group in cells_to_tables(self.cells)]

        _FINDER = _Finder
    return _FINDER


def _pdfium_reproduces(settings: PdfSettings) -> bool:
    """pdfplumber's table finder runs on the PDFium edges unless a strategy needs its words."""
    ts = settings.table_settings or {}
    return all(ts.get(k) != "text" for k in ("vertical_strategy", "horizontal_strategy"))


class _PlumberPages:
    """Pages read by pdfplumber (pdfminer), each closed after use."""

    def __init__(self, path: Path, settings: PdfSettings) -> None:
        import pdfplumber

        self.settings = settings
        try:
            self.pdf = pdfplumber.open(path)
        except Exception as exc:
            raise ExtractionError(_failure_reason(exc)) from exc
        self.count = len(self.pdf.pages)

    def page(self, index: int):
        """(the page, a function closing it)."""
        page = self.pdf.pages[index]
        return _plumber_page(page, index + 1, self.settings), page.close

    def close(self) -> None:
        self.pdf.close()


class _PdfiumPages:
    """Pages read by PDFium. A page whose characters it can't reproduce (see _pdf_pdfium) gets
    them from pdfminer (_pdf_pdfminer), its ruling lines still from PDFium; a rotated page, or
    one PDFium fails on, is read by pdfplumber altogether."""

    def __init__(self, path: Path, settings: PdfSettings) -> None:
        from hyoka.extractors import _pdf_pdfium

        self.path, self.settings, self.engine = path, settings, _pdf_pdfium
        self.doc = _pdf_pdfium.open_document(path)  # PdfiumError: the caller asks pdfplumber why
        self.count = _pdf_pdfium.page_count(self.doc)
        self.plumber: _PlumberPages | None = None
        self.fallbacks: list[tuple[int, str]] = []  # (page, why its characters came from pdfminer)

    def page(self, index: int):
        import pypdfium2

        try:
            content = self.engine.read_page(self.doc, index)
            reason = content.fallback
        except pypdfium2.PdfiumError as exc:
            content = self.engine.PageContent(number=index + 1, width=0.0, height=0.0)
            reason = f"PDFium: {exc}"
        if reason is None:
            return _pdfium_page(content, self.settings), lambda: None
        self.fallbacks.append((index + 1, reason))
        if self.plumber is None:
            self.plumber = _PlumberPages(self.path, self.settings)
        if not content.edges_read:
            return self.plumber.page(index)  # a rotated page, or one PDFium failed on: all pdfplumber's
        from hyoka.extractors._pdf_pdfminer import page_chars

        page = self.plumber.pdf.pages[index]
        content.chars = page_chars(self.plumber.pdf, page)  # the text from pdfminer, the ruling lines PDFium's
        return _pdfium_page(content, self.settings), page.close

    def close(self) -> None:
        self.engine.close_document(self.doc)
        if self.plumber is not None:
            self.plumber.close()


class PdfBackend(FormatBackend):
    name = "pdf"
    extensions = (".pdf",)

    def __init__(self, settings: PdfSettings | None = None) -> None:
        self.settings = settings or PdfSettings()

    def describe(self) -> str:
        try:
            engine = resolve_engine(self.settings.engine)
        except ExtractionError as exc:
            return str(exc)
        if engine == "pdfplumber":
            return f"engine pdfplumber (pdfminer for every page; ${ENGINE_VARIABLE})"
        import pypdfium2

        pdfium = str(pypdfium2.PDFIUM_INFO).split("@")[0]  # "159.0.8149.0@sourcebuild…"
        return (f"engine pdfium (PDFium {pdfium}, pypdfium2 {pypdfium2.PYPDFIUM_INFO}; pdfminer for pages "
                f"PDFium can't vouch for; ${ENGINE_VARIABLE}=pdfplumber for pdfminer everywhere)")

    def read(self, path: Path, limits: Limits = DEFAULT_LIMITS) -> SourceText:
        path = Path(path)
        if not path.exists():
            raise ExtractionError("file not found")
        if path.stat().st_size == 0:
            raise ExtractionError("empty file (0 bytes)")
        pages = self._open(path)
        from hyoka.extractors import ocr as _ocr  # OCR hook (1/3): pages without a text layer
        ocr = _ocr.PageOcr.wanted(self.settings.ocr, path)
        try:
            if pages.count > limits.max_pages:
                raise LimitExceeded("max_pages", f"{pages.count} pages (limit max_pages={limits.max_pages})")
            blocks, warnings, page_widths = self._read_pages(pages, ocr)
        except ExtractionError:
            raise
        except Exception as exc:
            reason = _failure_reason(exc, default=None)
            if reason is None:
                raise
            raise ExtractionError(reason) from exc
        finally:
            pages.close()
            if ocr is not None:
                ocr.close()
        reader = PdfBackend(_ocr.loosened(self.settings)) if ocr is not None and ocr.count else self  # OCR: ink boxes
        rows = reader._rows(path.name, blocks, page_widths)
        if not rows:
            raise ExtractionError(_ocr.needs_ocr_reason() if ocr is None else _ocr.NOTHING_READ)
        # OCR hook (2/3): references on OCR pages marked, cells read unsurely kept for the values' flags
        rows, unsure = ocr.mark(rows) if ocr is not None and ocr.count else (rows, [])
        return SourceText(path=path, format="pdf", rows=rows, warnings=warnings,
                          ocr_pages=ocr.count if ocr is not None else 0, ocr_cells=unsure)

    def _open(self, path: Path):
        if resolve_engine(self.settings.engine) == "pdfium" and _pdfium_reproduces(self.settings):
            import pypdfium2

            try:
                return _PdfiumPages(path, self.settings)
            except pypdfium2.PdfiumError:
                pass  # corrupt, encrypted …: pdfplumber/pdfminer's reason, as before (or its reading)
        return _PlumberPages(path, self.settings)

    # -- pages

    def _read_pages(self, pages, ocr=None) -> tuple[list[_Block], list[str], dict[int, float]]:
        settings = self.settings
        blocks: list[_Block] = []
        warnings: list[str] = []
        widths: dict[int, float] = {}
        for index in range(pages.count):
            page, close = pages.page(index)
            if ocr is not None and not any(c["text"].strip() for c in page.chars):  # OCR hook (3/3)
                close()
                page, close = _pdfium_page(ocr.read(index), settings), lambda: None
            try:
                blocks.extend(self._read_page(page, widths))
            finally:
                close()  # pdfplumber keeps a page's parsed objects (≈2 MB) until closed
        return blocks, warnings, widths

    def _read_page(self, page: _Page, widths: dict[int, float]) -> list[_Block]:
        settings = self.settings
        page_no, chars = page.number, page.chars
        if not chars:
            return []  # blank (or image-only) page
        for c in chars:
            if "(cid:" in c["text"] and _CID.search(c["text"]):
                raise ExtractionError(
                    f"needs OCR: font without ToUnicode map ({_CID.search(c['text']).group(0)} glyphs) "
                    f"on page {page_no}")
        if _is_fake_bold(chars, settings):
            chars = dedupe_chars(chars, settings.dedupe_tolerance)
        if not any(c["text"].strip() for c in chars):
            return []
        widths[page_no] = page.width
        tables = [_build_table(t, page_no) for t in page.find_tables()]
        outside: list[dict] = []
        if tables:
            # by the character's centre, as pdfplumber's own cell extraction does: a line
            # just under a table may overlap its box by a fraction of a point (the ※ note
            # under the あきる野 legend does), and outside_bbox() would cut it
            per_table: list[list[dict]] = [[] for _ in tables]
            boxes = [t.bbox for t in tables]
            for ch in chars:
                cx = (ch["x0"] + ch["x1"]) / 2
                cy = (ch["top"] + ch["bottom"]) / 2
                for k, (x0, top, x1, bottom) in enumerate(boxes):
                    if x0 <= cx <= x1 and top <= cy <= bottom:
                        per_table[k].append(ch)
                        break
                else:
                    outside.append(ch)
            for t, tchars in zip(tables, per_table):
                _assign_chars(t, tchars)
                _layout_cells(t, settings)
        else:
            outside = chars
        lines = [ln for ln in _group_lines(outside, settings) if not _is_page_number(ln, page.height)]
        for ln in lines:
            ln.page = page_no
        page_blocks = [_Block(page=page_no, top=t.bbox[1], table=t) for t in tables]
        # runs of lines between tables
        run: list[_Line] = []
        table_tops = sorted(t.bbox[1] for t in tables)
        for line in lines:
            if run and bisect.bisect_right(table_tops, run[-1].top) != bisect.bisect_right(table_tops, line.top):
                page_blocks.append(_Block(page=page_no, top=run[0].top, lines=run))
                run = []
            run.append(line)
        if run:
            page_blocks.append(_Block(page=page_no, top=run[0].top, lines=run))
        page_blocks.sort(key=lambda b: b.top)
        return page_blocks

    # -- rows

    def _rows(self, file: str, blocks: list[_Block], page_widths: dict[int, float]) -> list[Row]:
        settings = self.settings
        # the right edge of running text: where wrapped lines end (hanging punctuation
        # discounted), and at least the mirror of the left margin
        all_lines = [ln for b in blocks if b.lines for ln in b.lines]
        right = 0.0
        if all_lines:
            ends = [ln.x1 - (ln.size if ln.text[-1] in HANGING else 0.0) for ln in all_lines]
            right = max(ends)
            left = min(ln.x0 for ln in all_lines)
            mirrored = min(page_widths.get(b.page, 0.0) for b in blocks if b.lines) - left
            right = max(right, mirrored)

        def fits(a: _Line, b: _Line) -> bool:
            # b's first word would have fitted after a, or b is indented: a new paragraph
            return a.x1 + _needed(a, b) <= right - settings.wrap_tolerance or b.x0 > a.x0 + 0.5 * a.size

        # stitch tables continued on the next page
        merged: list[_Block] = []
        for block in blocks:
            prev = merged[-1] if merged else None
            if (block.table is not None and prev is not None and prev.table is not None
                    and block.page == prev.last_page + 1 and _is_first_on_page(block, blocks)
                    and ((abs(block.table.bbox[0] - prev.table.bbox[0]) <= settings.continuation_x_tolerance
                          and abs(block.table.bbox[2] - prev.table.bbox[2]) <= settings.continuation_x_tolerance)
                         or _repeated_header_rows(prev.table, block.table))):
                # the same x-extent, or (a generator that lays out each page's part on its own
                # grid) the first part's header printed again on top
                _stitch(prev.table, block.table, settings)
                prev.last_page = block.page
                continue
            if (block.lines and prev is not None and prev.lines and block.page == prev.last_page + 1
                    and _is_first_on_page(block, blocks)):
                prev.lines.extend(block.lines)  # running text goes on; a paragraph may continue
                prev.last_page = block.page
                continue
            merged.append(block)

        rows: list[Row] = []
        n_tables = 0
        for block in merged:
            if block.table is not None:
                rows.extend(_table_rows(file, block.table, n_tables, settings))
                n_tables += 1
                continue
            for text, members in _join_lines(block.lines or [], fits, settings):
                page = members[0].page
                here = [m for m in members if m.page == page]  # the part on its first page
                bbox = (min(m.x0 for m in here), here[0].top, max(m.x1 for m in here), here[-1].bottom)
                rows.append(Row(cells=(text,), ref=SourceRef(file=file, page=page, bbox=_round(bbox))))
        return rows


def _is_first_on_page(block: _Block, blocks: list[_Block]) -> bool:
    return next(b for b in blocks if b.page == block.page) is block


def _stitch(first: _Table, cont: _Table, settings: PdfSettings) -> None:
    """Append `cont` (the part on the next page) to `first`, on first's column grid."""
    tol = settings.continuation_x_tolerance
    # header rows repeated on the new page: compared by their text, not by their geometry
    k = _repeated_header_rows(first, cont)
    mapped = (_map_columns_by_header(first, cont, k) if k else None) or _map_columns(first, cont, tol)
    mapped, cont_rows = mapped[k:], cont.rows[k:]
    if not mapped:
        return
    # a row broken by the page break: its key cell is an empty box on the new page and
    # every piece of text there continues a cell that ran to the bottom of the first part
    last = first.rows[-1]
    head = mapped[0]
    leftmost = next(((cell, is_origin) for cell, _c, is_origin in head if cell is not None), (None, False))
    with_text = [(col, cell) for col, (cell, _c, is_origin) in enumerate(head)
                 if cell is not None and is_origin and cell.lines]
    if (leftmost[0] is not None and leftmost[1] and not leftmost[0].lines and with_text
            and all(_runs_to_bottom(last.slots[col]) for col, _cell in with_text)):
        for col, cell in with_text:
            target = last.slots[col]
            target.extra.append((cell.lines or [], target.width))
            target.extra.extend(cell.extra)
        mapped, cont_rows = mapped[1:], cont_rows[1:]
    for slots, row in zip(mapped, cont_rows):
        new_slots, origin = [], []
        for col, (cell, _c, is_origin) in enumerate(slots):
            if cell is None:
                cell = _Cell(bbox=(first.xs[col], row.bbox[1], first.xs[col], row.bbox[3]), page=row.page, lines=[])
                is_origin = True
            new_slots.append(cell)
            origin.append(is_origin)
        first.rows.append(_TableRow(page=row.page, bbox=row.bbox, slots=new_slots, origin=origin))


def _quick_text(cell: _Cell) -> str:
    return "".join(line.text for line in cell.lines or [])


def _squeezed(cell: _Cell) -> str:
    """The cell's text with all whitespace removed: the same header cell wrapped differently (a
    narrower column on the next page) or spaced differently by another generator compares equal."""
    return "".join(_quick_text(cell).split())


def _row_key(row: _TableRow) -> tuple[str, ...]:
    """The texts of a row's own (origin) non-empty cells, whitespace removed, left to right."""
    return tuple(t for c, cell in enumerate(row.slots) if row.origin[c] and (t := _squeezed(cell)))


def _repeated_header_rows(first: _Table, cont: _Table) -> int:
    """How many of `cont`'s top rows repeat `first`'s top rows (its header printed again on the
    new page), compared by the text of their cells whatever the column grid: 0 when none."""
    k = 0
    while k < len(cont.rows) and k < len(first.rows) - 1:
        key = _row_key(cont.rows[k])
        if not key or key != _row_key(first.rows[k]):
            break
        k += 1
    return k


def _map_columns_by_header(first: _Table, cont: _Table, k: int) -> list[list[tuple[_Cell | None, int, bool]]] | None:
    """The continuation's rows on the first part's grid, columns matched by the repeated header:
    a column is known by the header cells above it (「令和5年度」 › 「実績」), so a continuation
    drawn on a slightly different grid still lands in the right columns. None when the header
    does not tell every column apart (then the x positions decide)."""

    def keys(t: _Table) -> list[tuple[str, ...]]:
        return [tuple(_squeezed(t.rows[r].slots[c]) for r in range(k)) for c in range(t.ncols)]

    first_keys, cont_keys = keys(first), keys(cont)
    if len(set(first_keys)) != len(first_keys) or len(set(cont_keys)) != len(cont_keys):
        return None
    where = {key: col for col, key in enumerate(first_keys)}
    if any(key not in where for key in cont_keys):
        return None
    target = [where[key] for key in cont_keys]
    mapped = []
    for row in cont.rows:
        out: list[tuple[_Cell | None, int, bool]] = [(None, -1, False)] * first.ncols
        for c, cell in enumerate(row.slots):
            # a merged cell's covered slots are the same _Cell: only its own slot is an origin
            out[target[c]] = (cell, c, row.origin[c])
        mapped.append(out)
    return mapped


def _runs_to_bottom(cell: _Cell) -> bool:
    """The cell's text ends within about a line of the cell's bottom (it was cut off by the page end)."""
    if not cell.lines:
        return False
    last = cell.lines[-1]
    return cell.bbox[3] - last.bottom <= 2.0 * last.size


def _table_rows(file: str, t: _Table, index: int, settings: PdfSettings) -> list[Row]:
    texts: dict[int, str] = {}
    for cell in _cells_of(t):
        texts[id(cell)] = _cell_text(cell, settings)
    rows = []
    origin_refs: dict[int, SourceRef] = {}
    for r, row in enumerate(t.rows):
        cells, refs = [], []
        for c, cell in enumerate(row.slots):
            cells.append(texts[id(cell)] if row.origin[c] else "")
            if row.origin[c] or id(cell) not in origin_refs:
                origin_refs[id(cell)] = SourceRef(file=file, page=cell.page, table=index, row=r, col=c,
                                                  bbox=cell.ref_bbox)
            # a slot covered by a merged cell points at the merged cell
            refs.append(origin_refs[id(cell)])
        rows.append(Row(cells=tuple(cells), ref=SourceRef(file=file, page=row.page, table=index, row=r,
                                                           bbox=_round(row.bbox)),
                        cell_refs=tuple(refs), is_table=True))
    return rows


def _round(bbox) -> tuple[float, float, float, float]:
    return tuple(round(v, 2) for v in bbox)  # type: ignore[return-value]


def dedupe_chars(chars: list[dict], tolerance: float) -> list[dict]:
    """The page's characters with those drawn twice for a "fake bold" effect once (pdfplumber's
    dedupe: same text, font and size, within `tolerance` points)."""
    from pdfplumber.utils import dedupe_chars as plumber_dedupe

    return plumber_dedupe(chars, tolerance=tolerance)


def _is_fake_bold(chars: list[dict], settings: PdfSettings) -> bool:
    """At least dedupe_min_pairs chars are drawn a second time at (nearly) the same place — "fake bold"."""
    tol, needed = settings.dedupe_tolerance, settings.dedupe_min_pairs
    # quick bound first (one C sort instead of a Python scan of every earlier char): the count below
    # is at most the number of neighbours within `tol` in x order, per text and band
    points = sorted((c["text"], int(c["top"] // 2), c["x0"]) for c in chars if c["text"].strip())
    if sum(1 for a, b in zip(points, points[1:]) if b[2] - a[2] <= tol and a[:2] == b[:2]) < needed:
        return False
    seen: dict[tuple[str, int], list[float]] = {}
    pairs = 0
    for c in chars:
        t = c["text"]
        if not t.strip():
            continue
        key = (t, int(c["top"] // 2))
        xs = seen.setdefault(key, [])
        x0 = c["x0"]
        if any(abs(x - x0) <= tol for x in xs):
            pairs += 1
            if pairs >= needed:
                return True  # enough to tell
        xs.append(x0)
    return False


def _is_page_number(line: _Line, page_height: float) -> bool:
    margin = 0.08 * page_height
    return (line.top < margin or line.bottom > page_height - margin) and bool(_PAGE_NUMBER.match(line.text))


def _failure_reason(exc: BaseException, default: str | None = "unreadable PDF") -> str | None:
    """A one-line reason from pdfplumber/pdfminer's exception chain."""
    try:
        from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
        from pdfminer.pdfparser import PDFSyntaxError
        from pdfminer.psexceptions import PSException
        from pdfminer.pdfexceptions import PDFException
    except ImportError:  # pragma: no cover - older pdfminer layouts
        from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect  # type: ignore
        from pdfminer.pdfparser import PDFSyntaxError  # type: ignore
        from pdfminer.psparser import PSException  # type: ignore
        from pdfminer.pdftypes import PDFException  # type: ignore

    chain: list[BaseException] = []
    todo = [exc]
    while todo:
        e = todo.pop(0)
        if e is None or any(e is seen for seen in chain):
            continue
        chain.append(e)
        todo.extend([e.__cause__, e.__context__])
        todo.extend(a for a in getattr(e, "args", ()) if isinstance(a, BaseException))
    for e in chain:
        if isinstance(e, PDFPasswordIncorrect):
            return "encrypted PDF (password required)"
        if isinstance(e, PDFEncryptionError):
            return f"encrypted PDF (unsupported encryption: {_one_line(e) or type(e).__name__})"
    for e in chain:
        if isinstance(e, (PDFSyntaxError, PSException, PDFException)):
            return f"corrupt PDF ({_one_line(e) or type(e).__name__})"
    return default


def _one_line(e: BaseException) -> str:
    text = str(e).strip()
    return text.splitlines()[0][:200] if text else ""
