"""Excel workbooks (.xlsx, .xlsm): every worksheet's rows, as the cells' values.

Read with python-calamine (extractors/_calamine.py: Rust, ~3× faster on the 大船渡市 workbook,
bench/xlsx_engines.py) and, where calamine can't give the same cells (a sheet too large for its
dense grid, shared-string indexes out of range, a workbook it can't open) or with
$HYOKA_XLSX_ENGINE=openpyxl, with openpyxl in read-only, values-only mode (`data_only=True`). Both
give the same rows (tests/test_sheet_engines.py): a formula cell reads as the value Excel last
calculated and saved, never as its formula; hidden sheets are read, chart sheets are not. Each worksheet is a
logical table; each sheet row that holds at least one value becomes one `Row` with
`is_table=True`, its cells on the sheet's grid from column A up to the rightmost column
that holds a value anywhere in the sheet, so every row of a sheet has the same width.
Rows without any value are skipped — published sheets often carry a thousand or more
empty rows that only have formatting; they are dropped before openpyxl does any per-cell
work on them (see `_ValueCellsParser`).

Cell text: strings as stored (line breaks inside a cell stay "\\n"); None → ''; integers
without ".0" (a float that is a whole number too: 3.0 → "3"); other floats with at most
15 significant digits, as Excel shows them (17757.399999999994 → "17757.4"); dates as ISO
("2025-09-25", with the time only when it isn't midnight); booleans as TRUE/FALSE; error
values ("#REF!") as stored. Merged cells: openpyxl's read-only mode gives the value at the
merge's top-left cell only, so every other cell of the merge is '' — as in the text,
DOCX and PDF renderings.

Text boxes. Some sheets print labels in drawing shapes over the cells rather than in the
cells (大船渡市's 事務事業評価シート names the fiscal year of each yearly block only in
text boxes over its header row). openpyxl drops shapes, so they are read here from the
sheet's drawing part: every shape anchored to cells (`twoCellAnchor`/`oneCellAnchor`)
contributes its text (paragraphs joined with "\\n") at its anchor's top-left cell, and the
shapes anchored in one sheet row make one extra `Row`, placed just before that sheet row,
on the same grid — the way a text rendering prints a box drawn over a table as a line
above it. Absolutely positioned shapes (no cell anchor) and cell comments are not read.

Source references: `SourceRef(file, table=<0-based index of the worksheet in the
workbook>, row=<0-based sheet row>)`, per cell with `col=<0-based column>` — so Excel's
row number is `row + 1` and column A is `col` 0 (cell H3 is row 2, col 7). A text-box row
carries the reference of the sheet row its boxes are anchored in.
"""

from __future__ import annotations

import datetime as _dt
import os
import posixpath
import zipfile
from pathlib import Path
from collections.abc import Sequence
from typing import Any, Iterator
from xml.etree import ElementTree as ET

from hyoka.extractors._common import check_file_size, one_line, reasons_for_people, translated
from hyoka.extractors.base import ExtractionError, FormatBackend, Row, SourceText, check_office_zip
from hyoka.extractors.limits import DEFAULT_LIMITS, LimitExceeded, Limits
from hyoka.pipeline.model import Flag, SourceRef


_NS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_NS_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_NS_XDR = "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing"
_NS_A = "http://schemas.openxmlformats.org/drawingml/2006/main"
_REL_DRAWING = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/drawing"
_V_TAG = f"{{{_NS_MAIN}}}v"


def _open(path: Path, limits: Limits = DEFAULT_LIMITS):
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        return openpyxl.load_workbook(path, read_only=True, data_only=True)
    except InvalidFileException as exc:
        raise ExtractionError(f"not an Excel workbook ({exc})") from None
    except KeyError as exc:
        raise ExtractionError("the Excel workbook is damaged: a part it refers to is missing",
                              detail=f"KeyError: {exc}") from None
    except (ET.ParseError, zipfile.BadZipFile, ValueError, TypeError) as exc:
        raise translated(exc, "the Excel workbook") from None


def cell_text(value: Any) -> str:
    """A cell value as text, the way the sheet shows it in a General-format cell."""
    cls = value.__class__
    if cls is str:  # most cells: the checks below cost a tenth of a big workbook's read
        return value
    if cls is int:
        return str(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return format(value, ".15g")
    if isinstance(value, _dt.datetime):
        return value.date().isoformat() if value.time() == _dt.time() else value.isoformat(sep=" ")
    if isinstance(value, (_dt.date, _dt.time)):
        return value.isoformat()
    return str(value)


ENGINE_VARIABLE = "HYOKA_XLSX_ENGINE"
ENGINES = ("calamine", "openpyxl")


def resolve_engine() -> str:
    """$HYOKA_XLSX_ENGINE if set, else calamine when python-calamine is installed, else openpyxl."""
    from hyoka.extractors import _calamine

    wanted = os.environ.get(ENGINE_VARIABLE, "").strip().lower()
    if wanted and wanted not in ENGINES:
        raise ExtractionError(f"${ENGINE_VARIABLE}={wanted!r} is not an engine (one of: {', '.join(ENGINES)})")
    if wanted == "openpyxl" or not _calamine.available():
        return "openpyxl"
    return "calamine"


class XlsxBackend(FormatBackend):
    name = "xlsx"
    extensions = (".xlsx", ".xlsm")

    def describe(self) -> str:
        try:
            engine = resolve_engine()
        except ExtractionError as exc:
            return str(exc)
        if engine == "calamine":
            from hyoka.extractors import _calamine

            return (f"python-calamine {_calamine.version() or ''} (openpyxl for sheets too large for a dense grid, "
                    f"or a workbook calamine can't open; ${ENGINE_VARIABLE}=openpyxl)").replace("  ", " ")
        return f"openpyxl (pip install python-calamine: ~5× faster; ${ENGINE_VARIABLE})"

    def read(self, path: Path, limits: Limits = DEFAULT_LIMITS) -> SourceText:
        check_file_size(path, limits)
        with reasons_for_people("the Excel workbook"):
            check_office_zip(path, "xl/workbook.xml", "an Excel workbook", ".xls", limits)
            warnings: list[str] = []
            flags: list[Flag] = []
            sheets = None
            if resolve_engine() == "calamine":
                sheets = _calamine_sheets(path, limits)
            if sheets is None:
                sheets = _openpyxl_sheets(path, limits, flags)
            boxes = _text_boxes(path, warnings)
            rows: list[Row] = []
            for index, (title, values) in enumerate(sheets):
                rows.extend(_sheet_rows(path.name, index, values, boxes.get(title, []), limits))
        return SourceText(path=path, format="xlsx", rows=rows, warnings=warnings, flags=flags)


def _calamine_sheets(path: Path, limits: Limits):
    """The sheets' value rows by calamine; None to let openpyxl read the workbook (too large a dense
    grid, or a workbook calamine can't open: openpyxl's reader names the damage, or reads round it)."""
    from hyoka.extractors import _calamine

    try:
        return _calamine.read_values(path, "xlsx", limits, [limits.max_cells])
    except LimitExceeded:
        raise
    except ExtractionError:
        return None


def _openpyxl_sheets(path: Path, limits: Limits, flags: list[Flag]) -> list[tuple[str, list]]:
    wb = _open(path, limits)
    budget = [limits.max_cells]  # value cells left to read, over all sheets
    out = []
    try:
        for index, ws in enumerate(wb.worksheets):
            try:
                out.append((ws.title, list(_value_rows(wb, ws, _Refused(path.name, index, flags), budget))))
            except (ET.ParseError, KeyError, ValueError, TypeError) as exc:
                raise translated(exc, "the Excel workbook", f"sheet {ws.title!r}") from None
    finally:
        wb.close()
    return out


def _sheet_rows(file: str, table: int, values: list[tuple[int, dict[int, Any]]],
                boxes: list[tuple[int, int, str]], limits: Limits = DEFAULT_LIMITS) -> list[Row]:
    """One Row per sheet row with a value (and one per row of text-box anchors), on one grid."""
    overlay: dict[int, dict[int, str]] = {}
    for r, c, text in boxes:
        slot = overlay.setdefault(r, {})
        slot[c] = f"{slot[c]}\n{text}" if c in slot else text
    width = max([c + 1 for _r, cells in values for c in cells] + [c + 1 for cells in overlay.values() for c in cells]
                or [0])
    # every row is as wide as the sheet's rightmost value: one value in column XFD on 100,000 rows
    # would be a 1.6-billion-cell grid, so the grid is checked before it is made
    n_rows = len(values) + len(overlay)
    if n_rows * width > limits.max_cells:
        raise LimitExceeded("max_cells", f"sheet {table + 1}: {n_rows:,} rows × {width:,} columns "
                                         f"(to its rightmost value) is over the limit of {limits.max_cells:,} "
                                         f"cells (max_cells)")

    def make(r: int, cells: dict[int, str]) -> Row:
        texts = [""] * width
        for c, text in cells.items():
            texts[c] = text
        return Row(
            cells=tuple(texts),
            ref=SourceRef(file=file, table=table, row=r),
            cell_refs=_CellRefs(file, table, r, width),
            is_table=True,
        )

    out: list[Row] = []
    pending = sorted(overlay.items())
    for r, cells in values:
        while pending and pending[0][0] <= r:
            out.append(make(*pending.pop(0)))
        out.append(make(r, {c: cell_text(v) for c, v in cells.items()}))
    out.extend(make(r, cells) for r, cells in pending)
    return out


class _CellRefs(Sequence):
    """A row's per-cell references, made when asked for: a sheet row has hundreds of cells and
    a layout looks up a few of them; building ~90,000 frozen SourceRefs up front cost a
    quarter of the read time. Compares equal to the tuple it stands for."""

    __slots__ = ("_file", "_table", "_row", "_width")

    def __init__(self, file: str, table: int, row: int, width: int) -> None:
        self._file, self._table, self._row, self._width = file, table, row, width

    def __len__(self) -> int:
        return self._width

    def __getitem__(self, index):
        if isinstance(index, slice):
            return tuple(self[i] for i in range(*index.indices(self._width)))
        if index < 0:
            index += self._width
        if not 0 <= index < self._width:
            raise IndexError(index)
        return SourceRef(file=self._file, table=self._table, row=self._row, col=index)

    def __eq__(self, other) -> bool:
        return tuple(self) == (tuple(other) if isinstance(other, Sequence) else other)

    def __hash__(self) -> int:
        return hash((self._file, self._table, self._row, self._width))

    def __repr__(self) -> str:
        return f"<{self._width} cell refs of {self._file} table {self._table} row {self._row}>"


# --- cell values --------------------------------------------------------------------------

class _Refused:
    """Collects the cells the parser refused to read (a flag each) for one sheet."""

    def __init__(self, file: str, table: int, flags: list[Flag]) -> None:
        self.file, self.table, self.flags = file, table, flags

    def add(self, row: int, col: int, raw: str, reason: str) -> None:
        self.flags.append(Flag(field="cell", raw=raw, reason=reason,
                               ref=SourceRef(file=self.file, table=self.table, row=row, col=col)))


def _value_rows(wb, ws, refused: _Refused | None = None,
                budget: list[int] | None = None) -> Iterator[tuple[int, dict[int, Any]]]:
    """(0-based row, {0-based column: value}) for every sheet row that holds a value.

    `budget` ([cells left]) is spent one per value cell; LimitExceeded("max_cells") when it runs out.
    """
    budget = budget if budget is not None else [DEFAULT_LIMITS.max_cells]

    def spend(n: int) -> None:
        budget[0] -= n
        if budget[0] < 0:
            raise LimitExceeded("max_cells", "more value cells in the workbook than the max_cells limit allows "
                                             "(max_cells)")

    parser = _fast_parser(wb, ws, refused)
    if parser is None:  # openpyxl's internals moved: the public (slower) way
        for r, values in enumerate(ws.iter_rows(values_only=True)):
            cells = {c: v for c, v in enumerate(values) if v is not None}
            if cells:
                spend(len(cells))
                yield r, cells
        return
    src, parser = parser
    with src:
        for r, cells in parser.parse():
            found = {c["column"] - 1: c["value"] for c in cells if c["value"] is not None}
            if found:
                spend(len(found))
                yield r - 1, found


def _fast_parser(wb, ws, refused: _Refused | None = None):
    """openpyxl's own worksheet parser, told to skip value-less cells; None if its internals differ.

    `ws.iter_rows()` parses every `<c>` element, and a sheet formatted down to row 1826 has
    ~380,000 of them; 300,000 carry only a style. openpyxl's parser is reused (shared strings,
    number types, dates), fed rows whose style-only cells are removed first.
    """
    try:
        from openpyxl.worksheet._reader import WorkSheetParser

        class _ValueCellsParser(WorkSheetParser):
            def parse_cell(self, element):
                # a shared-string cell holds an index into the workbook's strings; openpyxl reads
                # <v>-148</v> as the 148th string from the end and <v>99999</v> as an IndexError
                if element.get("t") == "s" and (v := element.find(_V_TAG)) is not None:
                    index, n = (v.text or "").strip(), len(self.shared_strings)
                    if not (index.isdigit() and int(index) < n):
                        element.remove(v)
                        cell = super().parse_cell(element)
                        if refused is not None:
                            refused.add(cell["row"] - 1, cell["column"] - 1, index,
                                        f"a shared-string cell pointing at string {index!r}, but the workbook "
                                        f"has {n} (0–{n - 1}); cell not read")
                        return cell
                return super().parse_cell(element)

            def parse_row(self, row):
                kept = [el for el in row if len(el)]  # a value (<v>), inline string (<is>) or formula child
                # only when every cell names its column: otherwise positions come from counting
                if len(kept) != len(row) and all(el.get("r") for el in row):
                    row[:] = kept
                return super().parse_row(row)

        src = ws._get_source()
        parser = _ValueCellsParser(src, ws._shared_strings, data_only=True, epoch=wb.epoch,
                                   date_formats=wb._date_formats, timedelta_formats=wb._timedelta_formats)
        return src, parser
    except (ImportError, AttributeError, TypeError):
        return None


# --- text boxes ------------------------------------------------------------------------------

def _text_boxes(path: Path, warnings: list[str]) -> dict[str, list[tuple[int, int, str]]]:
    """sheet title → [(0-based row, 0-based column, text)] of the shapes anchored to its cells."""
    out: dict[str, list[tuple[int, int, str]]] = {}
    try:
        with zipfile.ZipFile(path) as z:
            names = set(z.namelist())
            for title, sheet_part in _sheet_parts(z, names):
                for drawing in _related(z, names, sheet_part, _REL_DRAWING):
                    out.setdefault(title, []).extend(_shapes(ET.fromstring(z.read(drawing))))
    except (ET.ParseError, KeyError, zipfile.BadZipFile) as exc:
        warnings.append(one_line(f"text boxes not read ({type(exc).__name__}: {exc})"))
    return out


def _sheet_parts(z: zipfile.ZipFile, names: set[str]) -> list[tuple[str, str]]:
    book = ET.fromstring(z.read("xl/workbook.xml"))
    rels = _rels(z, names, "xl/workbook.xml")
    out = []
    for sheet in book.iter(f"{{{_NS_MAIN}}}sheet"):
        target = rels.get(sheet.get(f"{{{_NS_REL}}}id") or "")
        if target:
            out.append((sheet.get("name") or "", target[1]))
    return out


def _rels(z: zipfile.ZipFile, names: set[str], part: str) -> dict[str, tuple[str, str]]:
    """relationship id → (type, resolved part name) for `part`."""
    folder, base = posixpath.split(part)
    rels_part = posixpath.join(folder, "_rels", base + ".rels")
    if rels_part not in names:
        return {}
    out = {}
    for rel in ET.fromstring(z.read(rels_part)).iter(f"{{{_NS_PKG_REL}}}Relationship"):
        if rel.get("TargetMode") == "External":
            continue
        target = rel.get("Target") or ""
        resolved = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
        out[rel.get("Id") or ""] = (rel.get("Type") or "", resolved)
    return out


def _related(z: zipfile.ZipFile, names: set[str], part: str, rel_type: str) -> list[str]:
    return [target for kind, target in _rels(z, names, part).values() if kind == rel_type and target in names]


def _shapes(drawing: ET.Element) -> Iterator[tuple[int, int, str]]:
    for anchor in list(drawing):
        if anchor.tag not in (f"{{{_NS_XDR}}}twoCellAnchor", f"{{{_NS_XDR}}}oneCellAnchor"):
            continue
        start = anchor.find(f"{{{_NS_XDR}}}from")
        if start is None:
            continue
        try:
            row = int(start.findtext(f"{{{_NS_XDR}}}row") or "")
            col = int(start.findtext(f"{{{_NS_XDR}}}col") or "")
        except ValueError:
            continue
        paragraphs = ["".join(t.text or "" for t in p.iter(f"{{{_NS_A}}}t")) for p in anchor.iter(f"{{{_NS_A}}}p")]
        text = "\n".join(p for p in paragraphs if p.strip())
        if text.strip():
            yield row, col, text
