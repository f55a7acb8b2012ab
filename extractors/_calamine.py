"""Spreadsheet cells through python-calamine (Rust): .xlsx/.xlsm, .xls and .ods.

Gives what xlsx_format's openpyxl reader gives — per worksheet (hidden ones included, chart and
macro sheets not, in workbook order) the rows that hold a value as `(0-based row, {0-based column:
value})` — about five times faster on the 大船渡市 workbook (bench/xlsx_engines.py).

Values are made the same as openpyxl's: calamine reads every number as a float, so a whole
float becomes an int (3.0 → 3; openpyxl reads "<v>3</v>" as 3); an empty string is no value
(calamine can't tell an empty cell from a cell holding ""); dates come as `date`/`datetime`/
`time`/`timedelta` (xlsx_format.cell_text prints them alike); formulas as their cached values.
Merged cells: calamine, like openpyxl's read-only mode, gives the value at the merge's top-left
cell only, so the other cells of a merge are empty, as in every other backend.

calamine builds a dense grid over a sheet's value cells, so one value in XFD1048576 would ask
for 17 billion cells. Before calamine opens an .xlsx, `_xlsx_fits` scans each sheet's XML for
its last row and a three-letter column (past ZZ); a sheet that could be over `max_cells` is left
to openpyxl's sparse reader (`None` is returned). .xls is at most 65,536 × 256 cells by format.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import Any

from hyoka.extractors.base import ExtractionError
from hyoka.extractors.limits import LimitExceeded, Limits

SheetValues = list[tuple[int, dict[int, Any]]]

# each pattern starts with a literal, which re scans for fast (a leading \b made them 5–15× slower)
_ROW_NUMBER = re.compile(rb'<row\s[^>]*?\br="(\d+)"')
_WIDE_COLUMN = re.compile(rb'r="[A-Z]{3}[0-9]')
_SHARED_INDEX = re.compile(rb't="s"[^>]*>\s*<v>([^<]*)</v>')
_ERROR_CELL = re.compile(rb't="e"[^>]*>')
_MAX_INT = 2**53  # floats past this are not exact integers: printed as openpyxl's floats are


def available() -> bool:
    try:
        import python_calamine  # noqa: F401
    except ImportError:
        return False
    return True


def version() -> str | None:
    try:
        from importlib.metadata import version as _version

        return _version("python-calamine")
    except Exception:  # noqa: BLE001 - not installed, or metadata missing
        return None


def _xlsx_fits(path: Path, limits: Limits) -> bool:
    """Whether every sheet's dense grid (to its last row, ≤ 702 columns unless a cell is past ZZ)
    stays within max_cells; False leaves the workbook to the sparse openpyxl reader."""
    try:
        with zipfile.ZipFile(path) as z:
            names = set(z.namelist())
            n_strings = z.read("xl/sharedStrings.xml").count(b"<si") if "xl/sharedStrings.xml" in names else 0
            for info in z.infolist():
                name = info.filename
                if not (name.startswith("xl/worksheets/") and name.endswith(".xml")):
                    continue
                data = z.read(info)
                if _WIDE_COLUMN.search(data) or not _shared_indexes_valid(data, n_strings):
                    return False
                if _ERROR_CELL.search(data):  # calamine gives "" for an error value; openpyxl "#DIV/0!"
                    return False
                last = max((int(n) for n in _ROW_NUMBER.findall(data)), default=0)
                last = max(last, data.count(b"<row"))
                if last * 702 > limits.max_cells and last * _widest(data) > limits.max_cells:
                    return False
    except (zipfile.BadZipFile, OSError, ValueError, KeyError):
        return False  # openpyxl's reader names what is wrong
    return True


def _shared_indexes_valid(data: bytes, n_strings: int) -> bool:
    """Whether every shared-string cell points at a string the workbook has: calamine reads
    <v>-1</v> as some other string, openpyxl's reader refuses the cell with a flag."""
    indexes = set(_SHARED_INDEX.findall(data))
    return all(i.isdigit() and int(i) < n_strings for i in indexes)


_COLUMN = re.compile(rb'\br="([A-Z]{1,2})[0-9]')


def _widest(data: bytes) -> int:
    """The rightmost column (1-based) named by a cell reference, two letters at most."""
    letters = set(_COLUMN.findall(data))
    width = 0
    for col in letters:
        n = 0
        for ch in col:
            n = n * 26 + ch - 64
        width = max(width, n)
    return width


def read_values(path: Path, kind: str, limits: Limits, budget: list[int]) -> list[tuple[str, SheetValues]] | None:
    """[(sheet title, its value rows)] for every worksheet; None when an .xlsx is left to openpyxl
    (see `_xlsx_fits`). ExtractionError when calamine can't read the file; LimitExceeded when the
    workbook holds more value cells than `budget` ([cells left]) allows."""
    import python_calamine as pc

    if kind == "xlsx" and not _xlsx_fits(path, limits):
        return None
    try:
        wb = pc.CalamineWorkbook.from_path(str(path))
    except pc.PasswordError:
        raise ExtractionError("the workbook is password-protected") from None
    except (pc.CalamineError, ValueError, OSError) as exc:
        raise ExtractionError(f"calamine could not open the workbook ({_short(exc)})") from None
    out: list[tuple[str, SheetValues]] = []
    try:
        for meta in wb.sheets_metadata:
            if meta.typ != pc.SheetTypeEnum.WorkSheet:
                continue
            try:
                sheet = wb.get_sheet_by_name(meta.name)
                grid = _checked_grid(sheet, meta.name, limits)
            except pc.CalamineError as exc:
                raise ExtractionError(f"sheet {meta.name!r} could not be read ({_short(exc)})") from None
            out.append((meta.name, _rows(grid, budget)))
    finally:
        wb.close()
    return out


def _checked_grid(sheet, name: str, limits: Limits) -> list[list[Any]]:
    end = sheet.end
    if end is None:
        return []
    cells = (end[0] + 1) * (end[1] + 1)
    if cells > limits.max_cells:
        raise LimitExceeded("max_cells", f"sheet {name!r}: {end[0] + 1:,} rows × {end[1] + 1:,} columns is over "
                                         f"the limit of {limits.max_cells:,} cells (max_cells)")
    return sheet.to_python(skip_empty_area=False)


def _rows(grid: list[list[Any]], budget: list[int]) -> SheetValues:
    rows: SheetValues = []
    for r, values in enumerate(grid):
        cells = {c: v for c, v in enumerate(values) if v != ""}
        if not cells:
            continue
        for c, v in cells.items():
            if v.__class__ is float and v.is_integer() and -_MAX_INT < v < _MAX_INT:
                cells[c] = int(v)
        budget[0] -= len(cells)
        if budget[0] < 0:
            raise LimitExceeded("max_cells", "more value cells in the workbook than the max_cells limit allows "
                                             "(max_cells)")
        rows.append((r, cells))
    return rows


def _short(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= 200 else text[:199] + "…"
