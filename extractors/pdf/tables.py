"""A page's tables as grids of cells: pdfplumber's table cells → slots (merged cells shared by the
slots they cover), characters into cells, cell text as paragraphs, and the rows the backend gives."""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field

from hyoka.extractors.base import Row
from hyoka.extractors.pdf.lines import _group_lines, _join_lines, _Line, _needed
from hyoka.extractors.pdf.settings import PdfSettings
from hyoka.pipeline.model import SourceRef

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

