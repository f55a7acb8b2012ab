"""`hyoka export`: a stored dataset as one Excel workbook."""

from __future__ import annotations

from pathlib import Path

import typer

from hyoka.pipeline.cli_common import EXIT_USAGE, _err, console


def export(
    db: Path = typer.Option(..., "--db", help="The store to export (the folder `hyoka ingest --out` wrote, or its hyoka.duckdb)."),
    out: Path = typer.Option(..., "--out", "-o", help="The workbook to write (FILE.xlsx)."),
) -> None:
    """Write a stored dataset to one Excel workbook: one sheet per table, Japanese headers over the
    column names, filters, frozen headers, numbers as numbers, and a 列 sheet describing the columns."""
    from hyoka.pipeline.export import export_store, sheets_summary
    from hyoka.pipeline.store import StoreError

    if out.suffix.lower() != ".xlsx":
        raise _err(f"hyoka export: -o must name an .xlsx file (got {out.name!r})", EXIT_USAGE)
    if not out.parent.is_dir():
        raise _err(f"hyoka export: -o {out}: no such folder {out.parent}", EXIT_USAGE)
    try:
        sheets = export_store(db, out)
    except (StoreError, FileNotFoundError) as exc:
        raise _err(f"hyoka export: --db {db}: {exc}", EXIT_USAGE)
    except OSError as exc:
        raise _err(f"hyoka export: -o {out}: {exc.strerror or exc}", EXIT_USAGE)
    console.print(f"{sheets_summary(sheets)} → {out}", markup=False, highlight=False, soft_wrap=True)
