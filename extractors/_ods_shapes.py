"""Text boxes of an OpenDocument spreadsheet, as xlsx_format reads them from an .xlsx's drawings.

A shape anchored to a cell (`draw:custom-shape`, `draw:frame`, `draw:rect` … inside a
`table:table-cell`) contributes its text (its paragraphs joined with "\\n") at that cell — and
is taken out of the cell's own text, to which calamine appends it (`without_boxes`); the
XLSX backend's `_sheet_rows` makes the shapes of one sheet row an extra Row before it. LibreOffice
writes an .xlsx's text boxes this way when it saves an .ods, so the 大船渡市 workbook's fiscal years
(printed only in text boxes over its header row) survive the conversion. Shapes anchored to the
page (`table:shapes`) are not read, as in an .xlsx. calamine gives no shapes; the positions are
counted here over the rows and cells, repeats included (`number-rows-repeated`,
`number-columns-repeated`).
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any, NamedTuple

_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_DRAW = "urn:oasis:names:tc:opendocument:xmlns:drawing:1.0"
_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
_T = f"{{{_TABLE}}}"
_SHEET, _ROW, _SHAPES = f"{_T}table", f"{_T}table-row", f"{_T}shapes"
_CELLS = (f"{_T}table-cell", f"{_T}covered-table-cell")
_P = f"{{{_TEXT}}}p"


def _repeat(el, attr: str) -> int:
    try:
        return max(1, int(el.get(f"{_T}{attr}") or 1))
    except ValueError:
        return 1


class Box(NamedTuple):
    row: int  # 0-based
    col: int
    text: str  # the shape's paragraphs that hold text, joined with "\n"
    raw: str  # all its paragraphs joined with "\n": what calamine appends to the cell's own text


def text_boxes(path: Path, warnings: list[str]) -> dict[str, list[Box]]:
    """sheet name → the shapes anchored in its cells."""
    from lxml import etree

    try:
        with zipfile.ZipFile(path) as z:
            data = z.read("content.xml")
    except (KeyError, zipfile.BadZipFile, OSError):
        return {}
    if f"xmlns:draw=\"{_DRAW}\"".encode() not in data or b"<draw:" not in data:
        return {}
    out: dict[str, list[Box]] = {}
    sheet, row, col, cell_col, in_page_shapes = None, 0, 0, 0, 0
    try:
        for event, el in etree.iterparse(io.BytesIO(data), events=("start", "end"), resolve_entities=False,
                                         huge_tree=True):
            tag = el.tag
            if event == "start":
                if tag == _SHEET:
                    sheet, row = el.get(f"{_T}name") or "", 0
                elif tag == _ROW:
                    col = 0
                elif tag in _CELLS:
                    cell_col = col
                elif tag == _SHAPES:
                    in_page_shapes += 1
                continue
            if tag in _CELLS:
                col += _repeat(el, "number-columns-repeated")
            elif tag == _ROW:
                row += _repeat(el, "number-rows-repeated")
                el.clear()
            elif tag == _SHAPES:
                in_page_shapes -= 1
            elif isinstance(tag, str) and tag.startswith(f"{{{_DRAW}}}") and sheet is not None and not in_page_shapes:
                parent = el.getparent()
                if parent is not None and parent.tag in _CELLS:
                    paragraphs = ["".join(p.itertext()) for p in el.iter(_P)]
                    text = "\n".join(p for p in paragraphs if p.strip())
                    if text.strip():
                        out.setdefault(sheet, []).append(Box(row, cell_col, text, "\n".join(paragraphs)))
    except etree.XMLSyntaxError as exc:
        warnings.append(f"text boxes not read (XMLSyntaxError: {' '.join(str(exc).split())[:200]})")
        return {}
    return out


def without_boxes(values: list[tuple[int, dict[int, Any]]], boxes: list[Box]) -> None:
    """Take the shapes' text out of the cells calamine read it into (it appends every paragraph
    inside a cell, its shapes' too, to the cell's text), in place."""
    where = {(b.row, b.col): b.raw for b in boxes}
    for r, cells in values:
        for c, v in list(cells.items()):
            raw = where.get((r, c))
            if raw is None or not isinstance(v, str):
                continue
            if v == raw:
                del cells[c]
            elif v.endswith("\n" + raw):
                cells[c] = v[: -len(raw) - 1]
