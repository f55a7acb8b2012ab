"""`hyoka show`: one report's parsed tree, or one of its tables; filtered by measure, limited."""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Optional

import typer
from rich.text import Text
from rich.tree import Tree

from hyoka.pipeline.cli_common import (EXIT_NONE_READ, EXIT_USAGE, _err, _mark, _num, _oneline, _print_whole,
                                       _printable, _short, console, err_console)


def show(
    file: Path = typer.Argument(..., readable=False, help="One report file."),
    notes: bool = typer.Option(False, help="Also list the notes (良い点, 課題, 所見 …)."),
    read_anyway: bool = typer.Option(False, "--read-anyway", help="Read files the report gate judges not to be evaluation/progress reports "
                                     "(by default they are kept as a documents row with status not_a_report and "
                                     "the reason, and nothing is read from them)."),
    table: Optional[str] = typer.Option(None, "--table", "-t", metavar="NAME",
                                        help="Print this table of the report (measures, indicator_values, notes, "
                                             "flags …; docs/schema.md) instead of the tree: tab-separated when piped."),
    measure: Optional[str] = typer.Option(None, "--measure", "-m", metavar="KEY",
                                          help="Only the measures whose key is KEY, or whose key or name contains it."),
    limit: Optional[int] = typer.Option(None, "--limit", "-n", min=0,
                                        help="At most this many measures (with --table: rows); the rest are counted."),
) -> None:
    """Print one report's parsed tree: document, hierarchy › measures › actions/values, scores, flags."""
    from hyoka.pipeline.model import Status

    doc = _read(file, read_anyway)
    if doc.status is Status.NOT_A_REPORT:
        console.print(_mark("–", "yellow", f"{file}: judged not a report, nothing read (--read-anyway reads it): "
                                          f"{doc.gate}"), highlight=False, soft_wrap=True)
        return
    keys = _measure_keys(doc, measure)
    if table is not None:
        _print_table(doc, table, keys, limit)
        return
    _print_whole(_tree(doc, keys, limit, notes))


def _read(file: Path, read_anyway: bool):
    from hyoka.extractors.base import ExtractionError
    from hyoka.pipeline.ingest import read_document

    try:
        return read_document(file, read_anyway=read_anyway)
    except ExtractionError as exc:
        raise _err(f"hyoka: {file}: {exc}", EXIT_NONE_READ)
    except Exception as exc:  # a layout that trips on this file: one line, as ingest reports it
        from hyoka.extractors._common import reason_for_people

        raise _err(f"hyoka: {file}: {reason_for_people(exc)[0]} ({type(exc).__name__}: {exc})", EXIT_NONE_READ)


def _measure_keys(doc, wanted: str | None) -> list[str] | None:
    """The keys of the measures `--measure` picks (None: all); a usage error when none matches."""
    if wanted is None:
        return None
    exact = [m.key for m in doc.measures if m.key == wanted]
    if exact:
        return exact
    w = wanted.casefold()
    found = [m.key for m in doc.measures if w in m.key.casefold() or w in (m.name or "").casefold()]
    if not found:
        some = ", ".join(m.key for m in doc.measures[:8]) + (" …" if len(doc.measures) > 8 else "")
        raise _err(f"hyoka show: no measure of {doc.source_path} matches {wanted!r}"
                   + (f" (keys: {some})" if some else " (it has no measures)"), EXIT_USAGE)
    return found


def _tree(doc, keys: list[str] | None, limit: int | None, notes: bool) -> Tree:
    # every label is a Text: the report's own words (and the file's name) are never read as markup
    t = _text
    root = Tree(t((doc.title or Path(doc.source_path).name, "bold"), f"  ({doc.municipality}, "
                  f"FY{doc.fiscal_year or '?'}, {doc.kind}, layout {doc.layout}, doc_id {doc.doc_id})"))
    measures = [m for m in doc.measures if keys is None or m.key in keys]
    shown = measures if limit is None else measures[:limit]
    groups: dict[tuple, Tree] = {}
    for m in shown:
        parent = root
        for level in m.hierarchy:
            key = tuple(m.hierarchy[: m.hierarchy.index(level) + 1])
            if key not in groups:
                label, id_, name = level
                groups[key] = parent.add(t(f"{label}{id_ or ''} {name}"))
            parent = groups[key]
        _add_measure(parent, doc, m, notes)
    if len(shown) < len(measures):
        root.add(t((f"… {len(measures) - len(shown)} more measures (--limit {limit} of {len(measures)}; "
                    f"--measure KEY shows one)", "dim")))
    if keys is not None:  # one measure asked for: the document-wide parts are left out
        return root
    for s in doc.score_summaries:
        counts = " ".join(f"{k}{v}" for k, v in s.counts.items())
        root.add(t((str(s.scope), "magenta"), " ",
                   f"{_total_text(s)} {counts} → {s.stated_score_raw} (前回 {_num(s.previous_score)}) / "
                   f"{_num(s.max_score)}"))
    if notes:
        scoped = {m.key for m in doc.measures}
        for n in (n for n in doc.notes if n.scope not in scoped):
            root.add(t((f"{n.scope} {n.kind}: {_short(n.text, 60)} {' '.join(n.actors)}", "dim")))
    for f in doc.flags:
        root.add(t(("flag", "yellow"), " ", f"{f.field} 「{f.raw}」: {f.reason} ({f.ref.label()})"))
    return root


def _add_measure(parent: Tree, doc, m, notes: bool) -> None:
    t = _text
    extras = []
    if m.direction:
        extras.append(f"方向性 {m.direction}")
    if m.departments:
        extras.append(f"担当 {'、'.join(m.departments)}")
    if m.partners_raw is not None:
        extras.append(f"関係機関 {'、'.join(m.partners) or 'なし'}")
    if m.target_raw:
        extras.append(f"目標 {m.target_raw}")
    label = t(m.name) if m.key == m.name else t((m.key, "cyan"), " ", m.name)
    node = parent.add(label + t((f"  {' | '.join(extras)}  ({m.ref.label()})", "dim")))
    for a in (a for a in doc.actions if a.measure_key == m.key):
        node.add(t(f"取組{a.action_no or ''}: 予定 {_short(a.planned)} / 実施 {_short(a.done)}"
                   + (f" / 指標 {_short(a.indicator)}" if a.indicator else "")))
    for v in (v for v in doc.indicator_values if v.measure_key == m.key):
        what = f"{v.indicator} " if v.indicator else ""
        node.add(t(f"{what}{v.fiscal_year_raw} ({v.row_kind}): 目標 {v.target_raw or '-'} 実績 {v.actual_raw or '-'} "
                   f"評価 {v.grade_raw or '-'}"))
    if notes:
        for n in (n for n in doc.notes if n.scope == m.key):
            node.add(t((f"{n.kind}: {_short(n.text, 60)}", "dim")))


def _text(*parts) -> Text:
    return Text.assemble(*((_printable(p) if isinstance(p, str) else (_printable(p[0]), p[1])) for p in parts))


def _total_text(s) -> str:
    """The summary's total in its own words: 「41施策中」, 「77項目中」, 「合 計: 71」 — never a unit it did not print."""
    if s.total_items is None:
        return ""
    if s.total_raw:
        return s.total_raw
    found = re.search(rf"(?<![0-9０-９]){s.total_items}\s*[^\s\d０-９]{{1,6}}?中", s.raw or "")
    return found.group(0) if found else f"total {s.total_items}"


def _print_table(doc, name: str, keys: list[str] | None, limit: int | None) -> None:
    """One table of the document (the rows `hyoka ingest` would store for it): a rich table on a
    terminal, tab-separated lines with a header when piped."""
    from hyoka.pipeline.tables import TABLES, build_tables

    if name not in TABLES:
        raise _err(f"hyoka show: --table {name}: no such table (one of {', '.join(TABLES)})", EXIT_USAGE)
    frame = build_tables([doc], [])[name]
    if keys is not None:
        column = next((c for c in ("measure_key", "key", "scope") if c in frame.columns), None)
        if column is not None:
            frame = frame[frame[column].isin(keys)]
    total = len(frame)
    if limit is not None:
        frame = frame.head(limit)
    frame = frame.drop(columns=[c for c in ("doc_id",) if c in frame.columns])
    cells = [[_cell(v) for v in row] for row in frame.itertuples(index=False, name=None)]
    if console.is_terminal:
        from rich.table import Table

        grid = Table(*map(str, frame.columns), box=None, header_style="bold", pad_edge=False)
        for row in cells:
            grid.add_row(*map(Text, row))
        console.print(grid)
    else:
        sys.stdout.write("\t".join(map(str, frame.columns)) + "\n")
        sys.stdout.writelines("\t".join(row) + "\n" for row in cells)
    if len(frame) < total:
        err_console.print(f"… {total - len(frame)} more rows (--limit {limit} of {total})", markup=False,
                          highlight=False, style="dim")  # stderr: the rows piped stay a clean table


def _cell(value) -> str:
    """A table cell on one line: missing values empty, newlines and tabs escaped."""
    import pandas as pd

    if value is None or (pd.api.types.is_scalar(value) and pd.isna(value)):
        return ""
    return _oneline(str(value))
