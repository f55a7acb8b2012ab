"""Workbooks for Excel users: one sheet per table, written with openpyxl's write-only mode (rows are
streamed to the file, so 大船渡市's 13,940 indicator values cost little memory).

Each sheet: row 1 the Japanese headers (pipeline/column_labels.py), row 2 the English column names
— the names in DuckDB, Parquet and pandas (`pd.read_excel(f, sheet, header=1)` gives them back) —,
the two header rows frozen, an autofilter over the table, numbers written as numbers (missing values
as empty cells), lists joined with 「; 」. A last sheet 「列」 lists every table's columns with their
Japanese header and description.

A table longer than Excel's 1,048,576 rows is split over sheets 「名前 (2)」 …, each with the headers,
and `write_workbook` returns the sheets it wrote so the caller can say so.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

import numpy as np
import pandas as pd

from hyoka.pipeline.column_labels import column_descriptions, column_label, table_label

EXCEL_MAX_ROWS = 1_048_576
HEADER_ROWS = 2
MAX_SHEET_NAME = 31
MAX_CELL_CHARS = 32_767
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # control characters an XML cell can't hold
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


@dataclass(frozen=True)
class SheetWritten:
    """One sheet of a written workbook: the table it holds, its name, and the rows of data in it."""

    table: str
    sheet: str
    rows: int
    part: int = 1
    parts: int = 1


def sheet_name(table: str, used: set[str], part: int = 1) -> str:
    """「指標値 indicator_values」, cut to Excel's 31 characters, unique in the workbook."""
    base = _SHEET_FORBIDDEN.sub("_", f"{table_label(table)} {table}" if table_label(table) != table else table)
    suffix = f" ({part})" if part > 1 else ""
    name = base[:MAX_SHEET_NAME - len(suffix)] + suffix
    n = 2
    while name.lower() in {u.lower() for u in used}:
        tag = f"~{n}{suffix}"
        name = base[:MAX_SHEET_NAME - len(tag)] + tag
        n += 1
    used.add(name)
    return name


def cell_value(value: Any) -> Any:
    """A pandas value as an Excel cell: numbers stay numbers, missing is empty, lists and dicts are text."""
    if value is None:
        return None
    if isinstance(value, float):
        return None if math.isnan(value) or math.isinf(value) else value
    if isinstance(value, (bool, int)):
        return value
    if isinstance(value, str):
        return _text(value)
    if isinstance(value, Mapping):
        return _text("; ".join(f"{k}:{cell_value(v)}" for k, v in value.items()))
    if isinstance(value, np.ndarray):  # list columns read from Parquet
        value = value.tolist()
    if isinstance(value, (list, tuple)):
        return _text("; ".join("" if v is None else str(cell_value(v)) for v in value))
    if pd.isna(value):
        return None
    if hasattr(value, "item"):  # numpy scalars
        return cell_value(value.item())
    return _text(str(value))


def _text(value: str) -> str:
    return _ILLEGAL.sub("", value)[:MAX_CELL_CHARS]


def write_workbook(tables: Mapping[str, pd.DataFrame], path: str | Path, *,
                   max_rows: int = EXCEL_MAX_ROWS) -> list[SheetWritten]:
    """Write `tables` (name → DataFrame, in sheet order) to the .xlsx file `path` (replaced whole,
    through a temporary file). `max_rows`: rows per sheet including the two header rows."""
    from openpyxl import Workbook

    path = Path(path)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.open("wb").close()  # an unwritable place fails here, before any sheet is begun
    written: list[SheetWritten] = []
    try:
        wb = Workbook(write_only=True)
        used: set[str] = set()
        per_sheet = max_rows - HEADER_ROWS
        for table, frame in tables.items():
            parts = max(1, math.ceil(len(frame) / per_sheet))
            for part in range(parts):
                chunk = frame.iloc[part * per_sheet:(part + 1) * per_sheet]
                name = sheet_name(table, used, part + 1)
                _write_sheet(wb, name, chunk)
                written.append(SheetWritten(table, name, len(chunk), part + 1, parts))
        _write_columns_sheet(wb, tables, used)
        wb.save(tmp)
        tmp.replace(path)
    finally:
        if tmp.exists():
            tmp.unlink()
    return written


def _write_sheet(wb, name: str, frame: pd.DataFrame) -> None:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    ws = wb.create_sheet(name)
    columns = [str(c) for c in frame.columns]
    ws.freeze_panes = f"A{HEADER_ROWS + 1}"
    if columns:
        last = get_column_letter(len(columns))
        ws.auto_filter.ref = f"A{HEADER_ROWS}:{last}{HEADER_ROWS + max(len(frame), 1)}"
    for i, c in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(i)].width = min(40, max(8, 2 * len(column_label(c)) + 2, len(c) + 2))
    bold, grey = Font(bold=True), Font(color="666666", italic=True)
    fill = PatternFill("solid", fgColor="DDEBF7")
    ws.append([_header(ws, column_label(c), bold, fill, WriteOnlyCell) for c in columns])
    ws.append([_header(ws, c, grey, fill, WriteOnlyCell) for c in columns])
    for row in frame.itertuples(index=False, name=None):
        ws.append([_guard(ws, cell_value(v), WriteOnlyCell) for v in row])


def _header(ws, text: str, font, fill, cell_class):
    cell = cell_class(ws, value=text)
    cell.font, cell.fill = font, fill
    return cell


def _guard(ws, value: Any, cell_class) -> Any:
    """Text that starts with 「=」 is kept as text, never run as a formula."""
    if isinstance(value, str) and value.startswith("="):
        cell = cell_class(ws, value=value)
        cell.data_type = "s"
        return cell
    return value


def _write_columns_sheet(wb, tables: Mapping[str, pd.DataFrame], used: set[str]) -> None:
    descriptions = column_descriptions()
    rows = [{"table": t, "column": str(c), "label_ja": column_label(str(c)),
             "description": descriptions.get((t, str(c)), "")} for t, f in tables.items() for c in f.columns]
    _write_sheet(wb, sheet_name("columns", used), pd.DataFrame(rows, columns=["table", "column", "label_ja",
                                                                              "description"]))
