"""`hyoka compare`: cities side by side, a municipality × theme matrix."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import List, Optional

import typer

from hyoka.pipeline.cli_common import (EXIT_USAGE, _envelope, _err, _isna, _mark, _require_nlp, _say_not_reports,
                                       _store_tables, console, err_console, log)


def compare(
    paths: Optional[List[Path]] = typer.Argument(None, readable=False,  # an unreadable file: its own ✗ line
                                                 help="Report files or folders (read first, nothing stored)."),
    db: Optional[Path] = typer.Option(None, "--db", help="Compare an existing store (its hyoka.duckdb or folder)."),
    fmt: str = typer.Option("table", "--format", "-f", help="table | json | csv | html | xlsx (a workbook, needs -o)"),
    out: Optional[Path] = typer.Option(None, "--out", "-o", help="Write to this file (default: stdout)."),
    series: bool = typer.Option(False, "--series", help="The measures followed across years and reports: one row per "
                                "series × fiscal year × indicator, with its plan (a new plan or grading scale starts a new series)."),
    themes: Optional[Path] = typer.Option(None, "--themes", help="Your theme words (TOML, as pipeline/data/themes.toml), "
                                          "added to the bundled ones; also $HYOKA_THEMES."),
    all_measures: bool = typer.Option(False, "--all-measures", help="Count measures outside the industrial plan too "
                                      "(a city's whole 事務事業 list)."),
    use_nlp: Optional[bool] = typer.Option(None, "--nlp/--no-nlp", help="Pair 達成指標 targets with 実施 results "
                                           "(spaCy layer). Default: when a Japanese pipeline is installed."),
) -> None:
    """Compare cities: a municipality × theme matrix (measures, indicators, mean achievement 0–1,
    方向性 counts) and the same measure followed across years.

    Achievement is read through each document's own legend (grades, ○△□ symbols), else
    actual/target, else (with NLP) the targets and results printed in 取組 text. Exit status:
    0 done; 2 usage or input error (or some of PATHS could not be read).
    """
    from hyoka.pipeline.compare import cells_csv, compare_data, matrix_frame
    from hyoka.pipeline.themes import load_vocabulary

    if fmt not in ("table", "json", "csv", "html", "xlsx"):
        raise _err(f"hyoka compare: --format must be table, json, csv, html or xlsx (got {fmt!r})", EXIT_USAGE)
    if fmt == "xlsx" and out is None:
        raise _err("hyoka compare: --format xlsx writes a workbook: give -o FILE.xlsx", EXIT_USAGE)
    if bool(paths) == bool(db):
        raise _err("hyoka compare: give report PATHs or --db, not both or neither", EXIT_USAGE)
    render_html = None
    if fmt == "html":
        try:
            from hyoka.pipeline.report_html import render_compare as render_html
        except ImportError:
            raise _err("hyoka compare: --format html is not available yet in this version (use json, csv or table)",
                       EXIT_USAGE)
    try:
        vocabulary = load_vocabulary(themes) if themes else None
    except ValueError as exc:
        raise _err(f"hyoka compare: --themes: {exc}", EXIT_USAGE)
    from hyoka.pipeline.nlp import available

    if use_nlp is None:
        use_nlp = bool(available())
    if use_nlp:
        _require_nlp("compare")
    tables, failures = _input_tables(paths, db)
    if not tables["documents"].shape[0]:
        raise _err("hyoka compare: no report could be read, nothing to compare", EXIT_USAGE)
    if use_nlp:
        from hyoka.pipeline.nlp import enrich_nlp

        # pair 達成指標 targets with 実施 results for every document (cheap; a store enriched by
        # `ingest --nlp` for only some of its documents is completed the same way)
        log.info("compare: pairing 達成指標 targets with 実施 results (NLP)")
        tables = enrich_nlp(tables, actors=False, themes=False)
    data = compare_data(tables, all_measures=all_measures, vocabulary=vocabulary)
    if fmt == "xlsx":
        _write_xlsx(data, out, series)
        raise typer.Exit(EXIT_USAGE if failures else 0)
    if series and fmt != "html":
        from hyoka.pipeline.export import series_text

        text = series_text(data, fmt)
    elif fmt == "json":  # the wrapper every command's JSON has, around the comparison's own keys
        wrapped = _envelope("compare", EXIT_USAGE if failures else 0, **data)
        text = json.dumps(wrapped, ensure_ascii=False, indent=2, default=str) + "\n"
    elif fmt == "csv":
        text = cells_csv(data)
    elif fmt == "html":
        text = render_html(data)
    else:
        text = _compare_table(data, matrix_frame)
    if out is not None:
        from hyoka.pipeline.export import file_encoding

        try:
            out.write_text(text, encoding=file_encoding(fmt))  # CSV with a BOM, for Excel
        except OSError as exc:
            raise _err(f"hyoka compare: --out {out}: {exc.strerror or exc}", EXIT_USAGE)
        console.print(f"{len(data['municipalities'])} municipalities × {len(data['themes'])} themes → {out}",
                      markup=False, highlight=False, soft_wrap=True)
    else:
        sys.stdout.write(text)
    if failures:
        raise typer.Exit(EXIT_USAGE)


def _write_xlsx(data: dict, out: Path, series: bool) -> None:
    from hyoka.pipeline.export import sheets_summary, write_comparison

    try:
        sheets = write_comparison(data, out, series_only=series)
    except OSError as exc:
        raise _err(f"hyoka compare: --out {out}: {exc.strerror or exc}", EXIT_USAGE)
    console.print(f"{sheets_summary(sheets)} → {out}", markup=False, highlight=False, soft_wrap=True)


def _input_tables(paths, db):
    """The tables to compare — a store's, or the reports' read now (each failure named on
    stderr) — and the failures."""
    if db:
        return _store_tables(db, "compare"), []
    from hyoka.pipeline.ingest import ingest as run_ingest

    result = run_ingest(paths)
    _say_not_reports(result.documents)
    failures = [f for f in result.failures if f.stage != "duplicate"]
    for f in failures:
        err_console.print(_mark("✗", "red", f.line()), highlight=False, soft_wrap=True)
    return result.tables(audit=False), failures


def _compare_table(data: dict, matrix_frame) -> str:
    """The matrix as plain text: per city and theme 「measures (achievement %)」, then per city its totals."""
    counts, achievement = matrix_frame(data, "n_measures"), matrix_frame(data, "achievement")
    themes = [t for t in data["themes"] if counts[t].sum() > 0] if not counts.empty else []
    lines = ["municipality\t" + "\t".join(themes)]
    for city in data["municipalities"]:
        cells = []
        for t in themes:
            n, a = counts.at[city, t], achievement.at[city, t]
            cells.append("-" if not n else f"{int(n)}" + ("" if _isna(a) else f" ({a * 100:.0f}%)"))
        lines.append(city + "\t" + "\t".join(cells))
    lines.append("")
    for c in data["cities"]:
        ach = "-" if c["achievement"] is None else f"{c['achievement'] * 100:.1f}%"
        dirs = " ".join(f"{k}×{v}" for k, v in c["directions"].items()) or "-"
        lines.append(f"{c['municipality']}: {c['n_measures']} measures ({c['n_outside_plan']} outside the plan not "
                     f"counted), その他 {c['share_other'] * 100 if c['share_other'] is not None else 0:.0f}%, "
                     f"achievement {ach} of {c['n_graded']} graded, directions {dirs}")
    return "\n".join(lines) + "\n"
