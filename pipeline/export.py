"""Files for people who work in Excel: CSV with a BOM, and workbooks of the dataset or the comparison.

- `file_encoding(fmt)`: the encoding of a file hyoka writes in format `fmt` — CSV gets a BOM
  (`utf-8-sig`): Excel on Japanese Windows reads a CSV without one as cp932 and garbles every
  Japanese header and name (Japanese open data is published with one too). Only files: on stdout
  a BOM would be a stray character for the next program in a pipe.
- `write_workbook(tables, path)`: one sheet per table (see pipeline/xlsx_writer.py).
- `export_store(db, path)`: `hyoka export --db STORE -o FILE.xlsx|.csv`.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pandas is imported by the functions that need it: `hyoka --help` stays quick
    import pandas as pd


def file_encoding(fmt: str) -> str:
    """utf-8-sig for CSV files, utf-8 for every other text file."""
    return "utf-8-sig" if fmt == "csv" else "utf-8"


def write_csv(frame: pd.DataFrame, path: str | Path) -> Path:
    """A table as a CSV file Excel opens as UTF-8 (with a BOM)."""
    path = Path(path)
    frame.to_csv(path, index=False, encoding=file_encoding("csv"))
    return path


def write_workbook(tables, path: str | Path, **kw):
    """One sheet per table (pipeline/xlsx_writer.py); the sheets written."""
    from hyoka.pipeline.xlsx_writer import write_workbook as write

    return write(tables, path, **kw)


def dataset_sheets(tables: dict[str, "pd.DataFrame"]) -> dict[str, "pd.DataFrame"]:
    """The tables of a dataset in workbook order: the store's order, tables with no column left out."""
    return {name: frame for name, frame in tables.items() if len(frame.columns)}


def export_store(db: str | Path, path: str | Path) -> list:
    """`hyoka export --db STORE -o FILE.xlsx`: the stored dataset as a workbook, one sheet per table
    (the store's folder is read from its published generation); the sheets written. StoreError if
    `db` is not a store."""
    from hyoka.pipeline.store import DB_NAME, load_duckdb, open_store

    db = Path(db)
    tables = open_store(db) if db.is_dir() and (db / DB_NAME).exists() else load_duckdb(db)
    return write_workbook(dataset_sheets(tables), path)


def sheets_summary(sheets: list) -> str:
    """One line: 「13 sheets (indicator_values 13940 rows …)」, naming tables split over several sheets."""
    split = sorted({s.table for s in sheets if s.parts > 1})
    text = f"{len(sheets)} sheets"
    if split:
        text += " (" + ", ".join(f"{t} split over {next(s.parts for s in sheets if s.table == t)} sheets: "
                                 "more rows than Excel's 1,048,576" for t in split) + ")"
    return text


def write_comparison(data: dict, path: str | Path, *, series_only: bool = False) -> list:
    """`hyoka compare … --format xlsx -o FILE`: the comparison's tables (pipeline/compare_frames.py),
    or only its series with `series_only`, one sheet each; the sheets written."""
    from hyoka.pipeline.compare_frames import comparison_frames

    frames = comparison_frames(data)
    return write_workbook({"series": frames["series"]} if series_only else frames, path)


def series_text(data: dict, fmt: str) -> str:
    """`hyoka compare --series` in a text format: one row per series × fiscal year × indicator
    (json: the JSON's `series` objects, each with its points)."""
    import json

    from hyoka.pipeline.series import series_frame

    if fmt == "json":
        return json.dumps(data["series"], ensure_ascii=False, indent=2, default=str) + "\n"
    frame = series_frame(data["series"])
    if fmt == "csv":
        return frame.to_csv(index=False)
    shown = frame[["municipality", "plan", "measure", "fiscal_year", "indicator", "target", "actual", "unit", "grade",
                   "achievement"]]
    return shown.to_string(index=False, na_rep="-") + "\n" if len(shown) else "no measure is printed in two years\n"
