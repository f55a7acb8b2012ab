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
